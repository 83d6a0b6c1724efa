#pragma once

#include "models/ClusterConfig.h"
#include "models/RuntimeTypes.h"
#include "models/Snapshots.h"

#include <QString>

namespace cw {

enum class NodeState { Unknown, Healthy, Degraded, Down };

QString toString(NodeState state);

/// The verdict on one node from one poll, with the reason an operator needs.
struct NodeVerdict {
    /// What decided the state, for rules that care which failure it was.
    enum class Cause {
        NotPolled,
        ContainerNotRunning,
        HealthFailed,
        NotReady,
        Slow,
        EventLoopLag,
        Healthy
    };
    NodeState state = NodeState::Unknown;
    QString reason; ///< empty when healthy
    Cause cause = Cause::NotPolled;

    bool operator==(const NodeVerdict &) const = default;
};

/// Judges a node from its latest snapshot and, when known, the container that runs it:
/// down      – the container is known not to run (exited, dead, paused, restarting, created),
///             or /healthz did not answer 2xx (refused, timeout, DNS, TLS, 5xx ...);
/// degraded  – /healthz answers but readiness fails (n8n: database unreachable or migrating;
///             a worker also when Redis is gone), or it is slow, or its event loop lags;
/// healthy   – otherwise. /metrics never decides the state: 404 is a configuration choice.
/// This is the one verdict: the tiles show it and the node_down / readiness_failing rules fire on
/// it.
NodeVerdict evaluateNode(const NodeSnapshot &snapshot,
    const std::optional<ContainerInfo> &container, const HealthThresholds &thresholds);

/// "running", "exited (137)", "paused": a container's state as the tiles and alerts word it.
QString containerStateText(const ContainerInfo &container);

} // namespace cw
