#pragma once

#include "models/DrillRecord.h"

#include <QList>
#include <QString>
#include <optional>

namespace cw {

/// One bucket of a drill's timeline: the seconds [startS, startS + spanS) since the drill
/// started. Each prober request counts once, by the second it was sent in: failed first (no
/// answer or a 5xx, however long it took), then slow (answered after the slow threshold), else ok.
struct DrillTimelineBin {
    qint64 startS = 0;
    int spanS = 1;
    int ok = 0;
    int failed = 0;
    int slow = 0;
    qint32 maxLatencyMs = 0; ///< of the requests sent in the bucket; 0 when none
    /// The target as seen by the direct looks (TargetSample, else the session's verdict):
    /// false when any look in the bucket saw it down; nullopt when nothing looked.
    std::optional<bool> targetUp;
    std::optional<qint64> waiting; ///< the highest queue length seen in the bucket

    [[nodiscard]] int requests() const { return ok + failed + slow; }
    bool operator==(const DrillTimelineBin &) const = default;
};

/// A moment worth a vertical line: the first fault, detection, firing alert, recovery action,
/// healthy-again (after the recovery, as the figures count it) and abort.
struct DrillTimelineMarker {
    qint64 atMs = 0;
    QString kind; ///< the DrillEvent kind
    QString label; ///< "fault", "detected", "alert firing", ...
    bool operator==(const DrillTimelineMarker &) const = default;
};

struct DrillTimeline {
    /// Contiguous from second 0 to the last second the record holds anything for.
    QList<DrillTimelineBin> bins;
    QList<DrillTimelineMarker> markers; ///< in time order
    qint64 endMs = 0; ///< the latest offset in the record (samples, events, steps)
    qint32 maxLatencyMs = 0;
    qint64 maxWaiting = 0;
    int maxRequests = 0; ///< the busiest bucket's requests (not divided by its span)
};

/// Bins @p record per second, merging consecutive seconds into equal buckets when there would
/// be more than @p maxBins (the plot's width in pixels): counts add up, latency and queue take
/// the maximum, a bucket is down when any look in it was. One pass over the samples, so it can
/// run on every progress update of a long drill.
DrillTimeline binDrillTimeline(const DrillRecord &record, int maxBins);

} // namespace cw
