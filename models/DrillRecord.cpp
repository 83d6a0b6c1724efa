#include "models/DrillRecord.h"

#include <QSet>
#include <algorithm>

namespace cw {

namespace {

struct PhaseName {
    DrillPhase phase;
    const char *name;
};
constexpr PhaseName kPhases[] = {
    { DrillPhase::Preflight, "preflight" },
    { DrillPhase::Inject, "inject" },
    { DrillPhase::Observe, "observe" },
    { DrillPhase::Recover, "recover" },
    { DrillPhase::Verify, "verify" },
    { DrillPhase::Rollback, "rollback" },
    { DrillPhase::Report, "report" },
    { DrillPhase::Done, "done" },
};

struct VerdictName {
    DrillVerdict verdict;
    const char *name;
};
constexpr VerdictName kVerdicts[] = {
    { DrillVerdict::Running, "running" },
    { DrillVerdict::Passed, "passed" },
    { DrillVerdict::Deviated, "deviated" },
    { DrillVerdict::Aborted, "aborted" },
    { DrillVerdict::Refused, "refused" },
    { DrillVerdict::DryRun, "dry run" },
};

} // namespace

QString toString(DrillPhase phase)
{
    for (const auto &entry : kPhases)
        if (entry.phase == phase)
            return QString::fromLatin1(entry.name);
    return {};
}

QString toString(DrillVerdict verdict)
{
    for (const auto &entry : kVerdicts)
        if (entry.verdict == verdict)
            return QString::fromLatin1(entry.name);
    return {};
}

std::optional<DrillPhase> drillPhaseFromString(const QString &text)
{
    for (const auto &entry : kPhases)
        if (text == QLatin1String(entry.name))
            return entry.phase;
    return std::nullopt;
}

std::optional<DrillVerdict> drillVerdictFromString(const QString &text)
{
    for (const auto &entry : kVerdicts)
        if (text == QLatin1String(entry.name))
            return entry.verdict;
    return std::nullopt;
}

QStringList drillPhaseWords()
{
    QStringList words;
    for (const auto &entry : kPhases)
        words.append(QString::fromLatin1(entry.name));
    return words;
}

QStringList drillVerdictWords()
{
    QStringList words;
    for (const auto &entry : kVerdicts)
        words.append(QString::fromLatin1(entry.name));
    return words;
}

std::optional<DrillEvent> DrillRecord::firstEvent(const QString &kind) const
{
    for (const DrillEvent &event : events)
        if (event.kind == kind)
            return event;
    return std::nullopt;
}

std::optional<DrillEvent> DrillRecord::lastEvent(const QString &kind) const
{
    for (auto it = events.crbegin(); it != events.crend(); ++it)
        if (it->kind == kind)
            return *it;
    return std::nullopt;
}

void DrillRecord::computeFigures()
{
    DrillFigures f;
    const auto fault = firstEvent(QStringLiteral("fault"));
    if (fault)
        f.faultAtMs = fault->atMs;
    auto firstAfter = [this](const QStringList &kinds, qint64 after) -> std::optional<qint64> {
        for (const DrillEvent &event : events)
            if (kinds.contains(event.kind) && event.atMs >= after)
                return event.atMs;
        return std::nullopt;
    };
    if (f.faultAtMs) {
        if (const auto at = firstAfter({ QStringLiteral("detected") }, *f.faultAtMs))
            f.detectionMs = *at - *f.faultAtMs;
        if (const auto at = firstAfter(
                { QStringLiteral("alert-pending"), QStringLiteral("alert-firing") }, *f.faultAtMs))
            f.alertMs = *at - *f.faultAtMs;
    }
    if (const auto recovery = firstEvent(QStringLiteral("recovery"))) {
        f.recoveryActionAtMs = recovery->atMs;
        if (const auto healthy = firstAfter({ QStringLiteral("healthy") }, recovery->atMs)) {
            f.recoveryMs = *healthy - recovery->atMs;
            if (f.faultAtMs)
                f.rtoMs = *healthy - *f.faultAtMs;
        }
    }

    const qint64 slowMs = qint64(spec.prober.slowThreshold.count());
    std::optional<qint64> firstFailed, lastFailed, firstSlow, lastSlow;
    for (const ProbeSample &probe : probes) {
        ++f.requests;
        f.maxLatencyMs = std::max<qint64>(f.maxLatencyMs, probe.latencyMs);
        const QString key = probe.status > 0
            ? QString::number(probe.status)
            : (probe.error.isEmpty() ? QStringLiteral("no answer") : probe.error);
        ++f.outcomes[key];
        if (probe.failed()) {
            ++f.failedRequests;
            if (!firstFailed)
                firstFailed = probe.sentMs;
            lastFailed = probe.sentMs + probe.latencyMs;
        }
        if (probe.latencyMs > slowMs) {
            ++f.slowRequests;
            if (!firstSlow)
                firstSlow = probe.sentMs;
            lastSlow = probe.sentMs + probe.latencyMs;
        }
    }
    if (firstFailed)
        f.errorWindowMs = *lastFailed - *firstFailed;
    if (firstSlow)
        f.slowWindowMs = *lastSlow - *firstSlow;

    // Jobs completed while the fault was held: the sum of the counter's increases between the
    // fault and the recovery (a restarted main starts its counter from 0 again).
    if (f.faultAtMs) {
        const qint64 until = f.recoveryActionAtMs.value_or(
            cluster.isEmpty() ? *f.faultAtMs : cluster.constLast().atMs);
        std::optional<double> previous;
        double sum = 0;
        std::optional<qint64> firstSeen;
        qint64 lastSeen = 0;
        for (const ClusterSample &sample : cluster) {
            if (sample.atMs < *f.faultAtMs || sample.atMs > until || !sample.completed)
                continue;
            if (previous && *sample.completed >= *previous)
                sum += *sample.completed - *previous;
            previous = sample.completed;
            if (!firstSeen)
                firstSeen = sample.atMs;
            lastSeen = sample.atMs;
        }
        // Counted only when the counter was read over most of the fault (main down: unknown,
        // not "none").
        if (firstSeen && 2 * (lastSeen - *firstSeen) >= until - *f.faultAtMs)
            f.completedDuringFault = sum;
    }
    std::optional<qint64> crashedFirst, crashedMax;
    for (const ClusterSample &sample : cluster) {
        if (!sample.crashed)
            continue;
        if (!crashedFirst)
            crashedFirst = sample.crashed;
        crashedMax = std::max(crashedMax.value_or(0), *sample.crashed);
    }
    if (crashedFirst)
        f.crashedExecutions = *crashedMax - *crashedFirst;
    for (auto it = cluster.crbegin(); it != cluster.crend(); ++it) {
        if (it->running) {
            f.runningAfter = it->running;
            break;
        }
    }
    QSet<QString> seen;
    for (const DrillEvent &event : events) {
        if (event.kind == QLatin1String("container-die") && !seen.contains(event.subject)) {
            seen.insert(event.subject);
            f.exitedContainers.append(event.subject);
        }
    }
    figures = f;
}

} // namespace cw
