#include "models/timeseries/DrillTimeline.h"

#include <algorithm>

namespace cw {

namespace {

struct MarkerKind {
    const char *kind;
    const char *label;
};
constexpr MarkerKind kMarkers[] = {
    { "fault", "fault" },
    { "detected", "detected" },
    { "alert-firing", "alert firing" },
    { "recovery", "recovery" },
    { "healthy", "healthy" },
    { "abort", "abort" },
};

qint64 secondOf(qint64 ms)
{
    return std::max<qint64>(0, ms) / 1000;
}

qint64 lastOffset(const DrillRecord &record)
{
    qint64 end = 0;
    for (const ProbeSample &p : record.probes)
        end = std::max(end, p.sentMs);
    if (!record.target.isEmpty())
        end = std::max(end, record.target.constLast().atMs);
    if (!record.cluster.isEmpty())
        end = std::max(end, record.cluster.constLast().atMs);
    for (const DrillEvent &e : record.events)
        end = std::max(end, e.atMs);
    for (const DrillStep &s : record.steps)
        end = std::max({ end, s.startMs, s.endMs });
    return end;
}

QList<DrillTimelineMarker> markersOf(const DrillRecord &record)
{
    // Detected, alert and healthy as the figures count them: after the fault / the recovery.
    const auto fault = record.firstEvent(QStringLiteral("fault"));
    const auto recovery = record.firstEvent(QStringLiteral("recovery"));
    QList<DrillTimelineMarker> markers;
    for (const MarkerKind &m : kMarkers) {
        const QString kind = QLatin1String(m.kind);
        qint64 after = 0;
        if (fault && (kind == QLatin1String("detected") || kind == QLatin1String("alert-firing")))
            after = fault->atMs;
        if (recovery && kind == QLatin1String("healthy"))
            after = recovery->atMs;
        for (const DrillEvent &e : record.events) {
            if (e.kind == kind && e.atMs >= after) {
                markers.append({ e.atMs, kind, QLatin1String(m.label) });
                break;
            }
        }
    }
    std::stable_sort(markers.begin(), markers.end(),
        [](const DrillTimelineMarker &a, const DrillTimelineMarker &b) { return a.atMs < b.atMs; });
    return markers;
}

} // namespace

DrillTimeline binDrillTimeline(const DrillRecord &record, int maxBins)
{
    DrillTimeline timeline;
    timeline.endMs = lastOffset(record);
    timeline.markers = markersOf(record);

    const qint64 seconds = secondOf(timeline.endMs) + 1;
    const qint64 width = std::max(1, maxBins);
    const qint64 span = (seconds + width - 1) / width;
    const qint64 count = (seconds + span - 1) / span;
    timeline.bins.resize(count);
    for (qint64 i = 0; i < count; ++i) {
        DrillTimelineBin &bin = timeline.bins[i];
        bin.startS = i * span;
        bin.spanS = int(std::min(span, seconds - bin.startS));
    }
    const auto binAt = [&](qint64 ms) -> DrillTimelineBin & {
        return timeline.bins[std::min(count - 1, secondOf(ms) / span)];
    };

    const auto slowMs = qint64(record.spec.prober.slowThreshold.count());
    for (const ProbeSample &p : record.probes) {
        DrillTimelineBin &bin = binAt(p.sentMs);
        if (p.failed())
            ++bin.failed;
        else if (p.latencyMs > slowMs)
            ++bin.slow;
        else
            ++bin.ok;
        bin.maxLatencyMs = std::max(bin.maxLatencyMs, p.latencyMs);
    }

    const auto look
        = [](DrillTimelineBin &bin, bool up) { bin.targetUp = bin.targetUp.value_or(true) && up; };
    // The 10 Hz direct looks say when it really went away; the session's 1 Hz verdict is the
    // fallback for a record without them (a dry run, or a target without a health endpoint).
    if (!record.target.isEmpty()) {
        for (const TargetSample &t : record.target)
            look(binAt(t.atMs), t.up);
    }
    for (const ClusterSample &c : record.cluster) {
        DrillTimelineBin &bin = binAt(c.atMs);
        if (record.target.isEmpty())
            look(bin, c.targetUp);
        if (c.waiting)
            bin.waiting = std::max(bin.waiting.value_or(0), *c.waiting);
    }

    for (const DrillTimelineBin &bin : std::as_const(timeline.bins)) {
        timeline.maxLatencyMs = std::max(timeline.maxLatencyMs, bin.maxLatencyMs);
        timeline.maxWaiting = std::max(timeline.maxWaiting, bin.waiting.value_or(0));
        timeline.maxRequests = std::max(timeline.maxRequests, bin.requests());
    }
    return timeline;
}

} // namespace cw
