#pragma once

#include "models/Snapshots.h"

#include <QString>

namespace cw {

enum class NodeState { Unknown, Healthy, Degraded, Down };

QString toString(NodeState state);

/// The verdict on one node from one poll, with the reason an operator needs.
struct NodeVerdict
{
    NodeState state = NodeState::Unknown;
    QString reason;   ///< empty when healthy
};

/// Thresholds above which a node that answers is still called degraded.
struct HealthThresholds
{
    double slowResponseMs = 1000.0;
    double eventLoopLagSeconds = 0.5;
};

/// Judges a node from its latest snapshot:
/// down      – /healthz did not answer 2xx (refused, timeout, DNS, TLS, 5xx ...);
/// degraded  – /healthz answers but readiness fails (n8n: database unreachable or migrating;
///             a worker also when Redis is gone), or it is slow, or its event loop lags;
/// healthy   – otherwise. /metrics never decides the state: 404 is a configuration choice.
NodeVerdict evaluateNode(const NodeSnapshot &snapshot, const HealthThresholds &thresholds = {});

} // namespace cw
