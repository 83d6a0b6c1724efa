#pragma once

#include "models/DrillRecord.h"

#include <QList>
#include <QStringList>
#include <deque>
#include <optional>

namespace cw {

class ClusterState;

/// One evaluation's sign of queue movement (ClusterState::progressCount()).
struct ProgressPoint {
    qint64 monoMs = 0;
    quint64 progress = 0;
    std::optional<qint64> waiting; ///< bull wait + prioritized; none without Redis
};

/// What the steady-state checks look at besides the cluster state.
struct SteadyStateInputs {
    /// Prober requests finished in the last couple of seconds (the load balancer check).
    QList<ProbeSample> recentProbes;
    /// The evaluations of the last progress window, oldest first.
    std::deque<ProgressPoint> progress;
    qint64 nowMonoMs = 0;
    qint64 progressWindowMs = 30000;
};

/// Why each of @p checks does not hold now (empty: the steady state holds). Each reason names
/// what failed: "n8n-worker-2 is down: connection refused", "3 of 20 requests through the load
/// balancer failed (502)", "the queue has 41 jobs waiting and none moved in 30 s",
/// "2 executions running for more than 10m".
QStringList steadyStateFailures(
    const QList<SteadyStateCheck> &checks, const ClusterState &state, const SteadyStateInputs &in);

/// Whether the queue moved (or had nothing to move) within the window.
bool queueDrains(const SteadyStateInputs &in);

/// The findings that make a finished drill "deviated", from its figures, events and spec: failed
/// or slow requests through the load balancer, a queue that did not move while the fault was
/// held, crashed executions, n8n processes that exited, a fault Clusterwatch never detected.
/// @p record's figures must be computed.
QStringList drillDeviations(const DrillRecord &record);

/// "1.2 s", "850 ms", "2 min 5 s": durations in the runner's and the report's words.
QString drillDuration(qint64 ms);

} // namespace cw
