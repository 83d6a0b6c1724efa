#include "models/NodeHealth.h"

#include "models/Formatter.h"

namespace cw {

QString toString(NodeState state)
{
    switch (state) {
    case NodeState::Unknown: return QStringLiteral("unknown");
    case NodeState::Healthy: return QStringLiteral("healthy");
    case NodeState::Degraded: return QStringLiteral("degraded");
    case NodeState::Down: return QStringLiteral("down");
    }
    return {};
}

NodeVerdict evaluateNode(const NodeSnapshot &snapshot, const HealthThresholds &thresholds)
{
    if (snapshot.timestampMs == 0)
        return {NodeState::Unknown, QStringLiteral("not polled yet")};
    if (!snapshot.health.ok())
        return {NodeState::Down, snapshot.health.errorText};
    if (!snapshot.readiness.ok())
        return {NodeState::Degraded, QStringLiteral("not ready: ") + snapshot.readiness.errorText};
    if (snapshot.health.responseMs > thresholds.slowResponseMs)
        return {NodeState::Degraded,
                QStringLiteral("slow: /healthz took ") + fmt::duration(snapshot.health.responseMs)};
    if (snapshot.values.eventLoopLagSeconds
        && *snapshot.values.eventLoopLagSeconds > thresholds.eventLoopLagSeconds)
        return {NodeState::Degraded, QStringLiteral("event loop lag ")
                    + fmt::duration(*snapshot.values.eventLoopLagSeconds * 1000.0)};
    return {NodeState::Healthy, {}};
}

} // namespace cw
