#pragma once

#include "models/state/ClusterState.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace cw {

/// What one rule found about one subject at one evaluation.
struct RuleFinding {
    QString rule; ///< AlertsConfig rule id
    QString subject; ///< node name, "redis", "postgres", "queue", "workers", "executions", a
                     ///< setting name
    std::optional<bool> condition; ///< nullopt: nothing to judge by now; the alert keeps its state
    QString summary; ///< one line with the figures, also when the condition is clear
    QString detail;
    /// Alerts ("rule/subject") that explain this one while they are pending or firing, in order
    /// of preference: a worker's readiness failing while Redis is down is Redis' problem.
    QStringList possibleCauses;
};

/// The n8n-aware alert rules. They read the one ClusterState at evaluate(); the only memory of
/// their own is the stall clock.
///
/// node_down            the node's verdict is down: /healthz fails, or its container does not run.
/// readiness_failing    the verdict is degraded because /healthz/readiness fails.
/// cpu_high             CPU % of one core from /metrics, else from Docker stats (webhook
/// processors). memory_high          Docker stats: used (without page cache) / the container's
/// limit. queue_backlog        Bull waiting + paused waiting (Redis; main's gauge without Redis).
/// worker_stalled       jobs waiting, no progress for `threshold` seconds, and a worker answering
///                      healthy (when the cluster file lists workers). Progress is any of: main's
///                      completed-jobs counter rose, PostgreSQL's finished executions (success +
///                      error + crashed + canceled) rose, Bull's wait list shrank, or its active
///                      count changed. Each alone misses cases: the counter is refreshed only every
///                      20 s and only when queue metrics are on; PostgreSQL may not be configured;
///                      the lists stand still when every worker holds a hung job.
/// no_worker            workers configured, none answers healthy.
/// executions_stuck     PostgreSQL: executions "running" longer than postgres.stuck_running_after.
/// failed_rate          growth of error executions per minute over the last minute.
/// redis_down, postgres_down   the collector cannot reach the server.
/// redis_no_persistence AOF off, or the last RDB save failed.
/// config_mismatch      nodes whose containers disagree on a setting (compared by hash).
class AlertRules final {
public:
    /// Judges @p state, which outlives the rules.
    explicit AlertRules(const ClusterState *state);

    /// A new cluster: forgets what the rules remembered (the stall clock).
    void reset();
    [[nodiscard]] const ClusterConfig &config() const { return m_state->config(); }

    /// The findings of every enabled rule, redis_down and postgres_down first so that their
    /// alerts are up to date when the others look for their cause. @p monoMs is the monotonic
    /// clock of the evaluation (Instant::monoMs): it times the stall.
    QList<RuleFinding> evaluate(qint64 monoMs);

private:
    /// Waiting jobs and where the figure came from; nullopt when unknown.
    struct Backlog {
        qint64 waiting = 0; ///< for queue_backlog: wait + paused lists
        qint64 runnable = 0; ///< for worker_stalled: wait list of a queue not paused
        QString source;
    };

    const AlertRuleConfig *enabledRule(const char *id) const;
    /// The latest snapshot, or nullptr before the first one.
    [[nodiscard]] const RedisSnapshot *redisData() const;
    [[nodiscard]] const PostgresSnapshot *postgresData() const;
    [[nodiscard]] std::optional<Backlog> backlog() const;
    [[nodiscard]] static bool workerHealthy(const NodeEntry &node);
    [[nodiscard]] QStringList causes(bool redis, bool postgres) const;

    void evaluateServices(QList<RuleFinding> &out) const;
    void evaluateNodes(QList<RuleFinding> &out) const;
    void evaluateQueue(qint64 monoMs, QList<RuleFinding> &out);
    void evaluateExecutions(QList<RuleFinding> &out) const;
    void evaluateSettings(QList<RuleFinding> &out) const;

    const ClusterState *m_state;
    // worker_stalled
    quint64 m_progressSeen = 0; ///< ClusterState::progressCount() at the last evaluate()
    std::optional<qint64>
        m_stallClockMono; ///< last progress, or when jobs started waiting; none = no backlog
};

} // namespace cw
