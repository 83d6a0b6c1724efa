#include "models/DrillSpec.h"

namespace cw {

QString toString(DrillTargetKind kind)
{
    switch (kind) {
    case DrillTargetKind::Node:
        return QStringLiteral("node");
    case DrillTargetKind::Redis:
        return QStringLiteral("redis");
    case DrillTargetKind::Postgres:
        return QStringLiteral("postgres");
    case DrillTargetKind::LoadBalancer:
        return QStringLiteral("load_balancer");
    }
    return {};
}

QString toString(DrillFault fault)
{
    switch (fault) {
    case DrillFault::Stop:
        return QStringLiteral("stop");
    case DrillFault::Kill:
        return QStringLiteral("kill");
    case DrillFault::Pause:
        return QStringLiteral("pause");
    case DrillFault::Restart:
        return QStringLiteral("restart");
    }
    return {};
}

QString toString(DrillDurationKind kind)
{
    switch (kind) {
    case DrillDurationKind::Fixed:
        return QStringLiteral("fixed");
    case DrillDurationKind::UntilDetected:
        return QStringLiteral("until_detected");
    case DrillDurationKind::UntilRecovered:
        return QStringLiteral("until_recovered");
    }
    return {};
}

QString toString(SteadyStateCheck check)
{
    switch (check) {
    case SteadyStateCheck::AllNodesHealthy:
        return QStringLiteral("all_nodes_healthy");
    case SteadyStateCheck::LoadBalancerAnswers:
        return QStringLiteral("load_balancer_answers");
    case SteadyStateCheck::QueueDraining:
        return QStringLiteral("queue_draining");
    case SteadyStateCheck::NoStuckExecutions:
        return QStringLiteral("no_stuck_executions");
    }
    return {};
}

QString toString(RecoveryAction action)
{
    switch (action) {
    case RecoveryAction::Start:
        return QStringLiteral("start");
    case RecoveryAction::Unpause:
        return QStringLiteral("unpause");
    case RecoveryAction::Restart:
        return QStringLiteral("restart");
    }
    return {};
}

RecoveryAction defaultRecovery(DrillFault fault)
{
    return fault == DrillFault::Pause ? RecoveryAction::Unpause : RecoveryAction::Start;
}

bool canRecover(DrillFault fault, RecoveryAction action)
{
    if (action == RecoveryAction::Restart)
        return true;
    return (fault == DrillFault::Pause) == (action == RecoveryAction::Unpause);
}

QString DrillTarget::name() const
{
    return kind == DrillTargetKind::Node ? node : toString(kind);
}

} // namespace cw
