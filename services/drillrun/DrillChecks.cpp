#include "services/drillrun/DrillChecks.h"

#include "models/state/ClusterState.h"

#include <QMap>

namespace cw {

QString drillDuration(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 s = (ms + 500) / 1000;
    return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
}

bool queueDrains(const SteadyStateInputs &in)
{
    if (in.progress.empty())
        return false;
    const ProgressPoint &last = in.progress.back();
    if (last.waiting && *last.waiting == 0)
        return true; // nothing waits: nothing to drain
    for (const ProgressPoint &point : in.progress) {
        if (in.nowMonoMs - point.monoMs > in.progressWindowMs)
            continue;
        if (point.progress != last.progress)
            return true;
    }
    return false;
}

namespace {

QString probeSummary(const QList<ProbeSample> &probes, int *failedOut)
{
    QMap<QString, int> reasons;
    int failed = 0;
    for (const ProbeSample &probe : probes) {
        if (!probe.failed())
            continue;
        ++failed;
        ++reasons[probe.status > 0 ? QString::number(probe.status) : probe.error];
    }
    *failedOut = failed;
    QStringList parts;
    for (auto it = reasons.cbegin(); it != reasons.cend(); ++it)
        parts.append(QStringLiteral("%1 ×%2").arg(it.key()).arg(it.value()));
    return parts.join(QStringLiteral(", "));
}

} // namespace

QStringList steadyStateFailures(
    const QList<SteadyStateCheck> &checks, const ClusterState &state, const SteadyStateInputs &in)
{
    QStringList failures;
    for (const SteadyStateCheck check : checks) {
        switch (check) {
        case SteadyStateCheck::AllNodesHealthy:
            for (const NodeEntry &node : state.nodes()) {
                if (node.last.timestampMs == 0)
                    failures.append(
                        QStringLiteral("%1 has not answered yet").arg(node.config.name));
                else if (node.stale)
                    failures.append(
                        QStringLiteral("%1: no fresh observation").arg(node.config.name));
                else if (node.verdict.state != NodeState::Healthy)
                    failures.append(QStringLiteral("%1 is %2%3")
                                        .arg(node.config.name, toString(node.verdict.state),
                                            node.verdict.reason.isEmpty()
                                                ? QString()
                                                : QStringLiteral(": ") + node.verdict.reason));
            }
            break;
        case SteadyStateCheck::LoadBalancerAnswers: {
            if (in.recentProbes.isEmpty()) {
                failures.append(QStringLiteral("the load balancer has not answered a request yet"));
                break;
            }
            int failed = 0;
            const QString reasons = probeSummary(in.recentProbes, &failed);
            if (failed > 0)
                failures.append(
                    QStringLiteral("%1 of %2 requests through the load balancer failed (%3)")
                        .arg(failed)
                        .arg(in.recentProbes.size())
                        .arg(reasons));
            break;
        }
        case SteadyStateCheck::QueueDraining:
            if (!state.hasRedis() || !state.redis().reachable) {
                failures.append(QStringLiteral("the queue cannot be read: Redis %1")
                                    .arg(state.hasRedis() && !state.redis().error.isEmpty()
                                            ? state.redis().error
                                            : QStringLiteral("has not answered")));
            } else if (!queueDrains(in)) {
                const qint64 waiting = in.progress.empty() || !in.progress.back().waiting
                    ? 0
                    : *in.progress.back().waiting;
                failures.append(QStringLiteral("the queue has %1 jobs waiting and none moved in %2")
                                    .arg(waiting)
                                    .arg(drillDuration(in.progressWindowMs)));
            }
            break;
        case SteadyStateCheck::NoStuckExecutions:
            if (!state.hasPostgres() || !state.postgres().reachable) {
                failures.append(QStringLiteral("executions cannot be read: PostgreSQL %1")
                                    .arg(state.hasPostgres() && !state.postgres().error.isEmpty()
                                            ? state.postgres().error
                                            : QStringLiteral("has not answered")));
            } else if (state.postgres().stuckRunning > 0) {
                failures.append(
                    QStringLiteral("%1 executions running for more than %2")
                        .arg(state.postgres().stuckRunning)
                        .arg(drillDuration(state.config().postgres.stuckRunningAfter.count())));
            }
            break;
        }
    }
    return failures;
}

QStringList drillDeviations(const DrillRecord &record)
{
    QStringList found;
    const DrillFigures &f = record.figures;
    const DrillSpec &spec = record.spec;
    if (f.faultAtMs && !f.detectionMs)
        found.append(QStringLiteral("Clusterwatch never marked %1 down while the fault was held")
                         .arg(spec.target.name()));
    if (spec.steadyState.contains(SteadyStateCheck::LoadBalancerAnswers)) {
        if (f.failedRequests > 0) {
            QStringList outcomes;
            for (auto it = f.outcomes.cbegin(); it != f.outcomes.cend(); ++it)
                if (it.key() != QLatin1String("200"))
                    outcomes.append(QStringLiteral("%1 ×%2").arg(it.key()).arg(it.value()));
            found.append(
                QStringLiteral("%1 of %2 requests through the load balancer failed (%3)%4")
                    .arg(f.failedRequests)
                    .arg(f.requests)
                    .arg(outcomes.join(QStringLiteral(", ")))
                    .arg(f.errorWindowMs
                            ? QStringLiteral(" within %1").arg(drillDuration(*f.errorWindowMs))
                            : QString()));
        }
        if (f.slowRequests > 0)
            found.append(QStringLiteral("%1 requests through the load balancer took longer than "
                                        "%2 (the slowest %3)")
                             .arg(f.slowRequests)
                             .arg(drillDuration(spec.prober.slowThreshold.count()))
                             .arg(drillDuration(f.maxLatencyMs)));
    }
    if (spec.steadyState.contains(SteadyStateCheck::QueueDraining) && f.faultAtMs
        && f.completedDuringFault && *f.completedDuringFault <= 0.0) {
        // Only when the queue had work: a drained queue shows no completions either.
        bool hadWork = false;
        for (const ClusterSample &sample : record.cluster)
            if (sample.atMs >= *f.faultAtMs && sample.waiting && *sample.waiting > 0)
                hadWork = true;
        if (hadWork)
            found.append(QStringLiteral("no job completed while the fault was held"));
    }
    if (f.crashedExecutions && *f.crashedExecutions > 0)
        found.append(QStringLiteral("%1 executions were marked crashed during the drill")
                         .arg(*f.crashedExecutions));
    QStringList others;
    for (const QString &name : f.exitedContainers)
        if (name != spec.target.container)
            others.append(name);
    if (!others.isEmpty())
        found.append(
            QStringLiteral("%1 exited during the drill").arg(others.join(QStringLiteral(", "))));
    return found;
}

} // namespace cw
