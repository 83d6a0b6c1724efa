#include "models/NodeHealth.h"

#include "models/Formatter.h"

namespace cw {

QString toString(NodeState state)
{
    switch (state) {
    case NodeState::Unknown:
        return QStringLiteral("unknown");
    case NodeState::Healthy:
        return QStringLiteral("healthy");
    case NodeState::Degraded:
        return QStringLiteral("degraded");
    case NodeState::Down:
        return QStringLiteral("down");
    }
    return {};
}

QString containerStateText(const ContainerInfo &c)
{
    if (c.state != QLatin1String("running") && c.exitCode)
        return c.state + QStringLiteral(" (") + QString::number(*c.exitCode) + QLatin1Char(')');
    return c.state;
}

NodeVerdict evaluateNode(const NodeSnapshot &snapshot,
    const std::optional<ContainerInfo> &container, const HealthThresholds &thresholds)
{
    using Cause = NodeVerdict::Cause;
    if (container && container->state != QLatin1String("running"))
        return { NodeState::Down, QStringLiteral("container ") + containerStateText(*container),
            Cause::ContainerNotRunning };
    if (snapshot.timestampMs == 0)
        return { NodeState::Unknown, QStringLiteral("not polled yet"), Cause::NotPolled };
    if (!snapshot.health.ok())
        return { NodeState::Down, snapshot.health.errorText, Cause::HealthFailed };
    if (!snapshot.readiness.ok())
        return { NodeState::Degraded, QStringLiteral("not ready: ") + snapshot.readiness.errorText,
            Cause::NotReady };
    if (snapshot.health.responseMs > double(thresholds.slowResponse.count()))
        return { NodeState::Degraded,
            QStringLiteral("slow: /healthz took ") + fmt::duration(snapshot.health.responseMs),
            Cause::Slow };
    if (snapshot.values.eventLoopLagSeconds
        && *snapshot.values.eventLoopLagSeconds * 1000.0 > double(thresholds.eventLoopLag.count()))
        return { NodeState::Degraded,
            QStringLiteral("event loop lag ")
                + fmt::duration(*snapshot.values.eventLoopLagSeconds * 1000.0),
            Cause::EventLoopLag };
    return { NodeState::Healthy, {}, Cause::Healthy };
}

} // namespace cw
