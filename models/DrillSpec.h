#pragma once

#include "models/ClusterConfig.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <chrono>
#include <optional>

namespace cw {

/// What a failover drill acts on: a node's container (named in the cluster file) or a piece of
/// the infrastructure around the n8n processes.
enum class DrillTargetKind { Node, Redis, Postgres, LoadBalancer };

/// What the drill does to its target. Pause freezes the processes (docker pause): the container
/// keeps its sockets open but answers nothing, like a hung backend.
enum class DrillFault { Stop, Kill, Pause, Restart };

/// How long the fault is held.
enum class DrillDurationKind {
    Fixed, ///< a fixed time, then recovery
    UntilDetected, ///< until Clusterwatch notices (node marked down, alert pending)
    UntilRecovered, ///< until the rest of the cluster works around the fault again
};

/// A steady-state check, run before the fault (the drill refuses to start when one fails) and
/// after recovery (a failed one makes the verdict "deviated").
enum class SteadyStateCheck {
    AllNodesHealthy,
    LoadBalancerAnswers,
    QueueDraining,
    NoStuckExecutions,
};

/// How the target is brought back.
enum class RecoveryAction { Start, Unpause, Restart };

/// The drill file's word for each value ("stop", "until_detected", "queue_draining", ...). The
/// drill file reader, its writer and the drill journal all spell the values through these.
QString toString(DrillTargetKind kind);
QString toString(DrillFault fault);
QString toString(DrillDurationKind kind);
QString toString(SteadyStateCheck check);
QString toString(RecoveryAction action);

/// The value a word stands for; nullopt for any other text (exact, case-sensitive).
std::optional<DrillTargetKind> drillTargetKindFromString(const QString &text);
std::optional<DrillFault> drillFaultFromString(const QString &text);
std::optional<DrillDurationKind> drillDurationKindFromString(const QString &text);
std::optional<SteadyStateCheck> steadyStateCheckFromString(const QString &text);
std::optional<RecoveryAction> recoveryActionFromString(const QString &text);

/// Every word of a kind in declaration order, for "expected one of ..." messages.
QStringList drillTargetKindWords(); ///< node, redis, postgres, load_balancer
QStringList drillFaultWords(); ///< stop, kill, pause, restart
QStringList drillDurationKindWords(); ///< fixed, until_detected, until_recovered
QStringList steadyStateCheckWords(); ///< all_nodes_healthy, ..., no_stuck_executions
QStringList recoveryActionWords(); ///< start, unpause, restart

/// The recovery that undoes @p fault: start after stop/kill, unpause after pause, start after
/// a restart that did not come back.
RecoveryAction defaultRecovery(DrillFault fault);
/// Whether @p action can undo @p fault (unpause only undoes pause; start cannot undo pause).
bool canRecover(DrillFault fault, RecoveryAction action);

struct DrillTarget {
    DrillTargetKind kind = DrillTargetKind::Node;
    QString node; ///< the node's name in the cluster file (Node only)
    /// The container acted on: the node's container from the cluster file, or the drill file's
    /// `container:` for Redis, PostgreSQL and the load balancer (empty: not run in a container
    /// Clusterwatch knows, so the runner cannot inject the fault).
    QString container;

    /// "n8n-worker-1", "redis", "postgres" or "load_balancer", as written in the drill file.
    QString name() const;
    bool operator==(const DrillTarget &) const = default;
};

struct DrillDuration {
    DrillDurationKind kind = DrillDurationKind::UntilDetected;
    Millis fixed { 0 }; ///< Fixed only
    bool operator==(const DrillDuration &) const = default;
};

/// Requests sent through the load balancer during the drill, to measure what clients see.
struct DrillProber {
    bool enabled = false; ///< the loader turns it on when the cluster has a load balancer
    QString path = QStringLiteral("/healthz"); ///< path on the load balancer URL
    int requestsPerSecond = 10; ///< at least 10
    Millis slowThreshold { 1000 }; ///< a request slower than this counts as slow
    bool operator==(const DrillProber &) const = default;
};

/// `abort.error_rate`: abort when more than abovePercent of the prober's requests fail for
/// forDuration.
struct DrillErrorRateAbort {
    double abovePercent = 0; ///< in (0, 100]
    Millis forDuration { 0 };
    bool operator==(const DrillErrorRateAbort &) const = default;
};

struct DrillAbortConditions {
    std::optional<DrillErrorRateAbort> errorRate; ///< needs the prober
    Millis maxDuration { std::chrono::minutes(10) }; ///< fault held at most this long
    bool operator==(const DrillAbortConditions &) const = default;
};

struct DrillRecovery {
    RecoveryAction action = RecoveryAction::Start;
    /// Recover without asking when the fault ends; false waits for the user. Rollback on abort,
    /// error or exit always happens.
    bool automatic = true;
    bool operator==(const DrillRecovery &) const = default;
};

/// One failover drill as defined by a drill file or the drill form, validated against a cluster.
struct DrillSpec {
    QString name;
    QString description; ///< optional free text for the report
    DrillTarget target;
    DrillFault fault = DrillFault::Stop;
    DrillDuration duration;
    QList<SteadyStateCheck> steadyState; ///< in file order, no duplicates, not empty
    DrillProber prober;
    DrillAbortConditions abort;
    DrillRecovery recovery;

    bool operator==(const DrillSpec &) const = default;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::DrillSpec)
