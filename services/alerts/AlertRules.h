#pragma once

#include "models/ClusterConfig.h"
#include "models/DockerTypes.h"
#include "models/Snapshots.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <deque>
#include <optional>

namespace cw {

/// What one rule found about one subject at one evaluation.
struct RuleFinding
{
    QString rule;                 ///< AlertsConfig rule id
    QString subject;              ///< node name, "redis", "postgres", "queue", "workers", "executions", a setting name
    std::optional<bool> condition;///< nullopt: nothing to judge by now; the alert keeps its state
    QString summary;              ///< one line with the figures, also when the condition is clear
    QString detail;
    /// Alerts ("rule/subject") that explain this one while they are pending or firing, in order
    /// of preference: a worker's readiness failing while Redis is down is Redis' problem.
    QStringList possibleCauses;
};

/// The n8n-aware alert rules. Keeps the latest data of every source and judges it at
/// evaluate(); the only memory beyond the latest snapshots is what rates and stalls need.
///
/// node_down            /healthz fails, or Docker reports the node's container exited or dead.
/// readiness_failing    /healthz answers but /healthz/readiness does not.
/// cpu_high             CPU % of one core from /metrics, else from Docker stats (webhook processors).
/// memory_high          Docker stats: used (without page cache) / the container's limit.
/// queue_backlog        Bull waiting + paused waiting (Redis; main's gauge without Redis).
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
class AlertRules final
{
public:
    explicit AlertRules(const ClusterConfig &config = ClusterConfig());

    /// A new cluster: forgets all data.
    void setConfig(const ClusterConfig &config);
    [[nodiscard]] const ClusterConfig &config() const { return m_config; }

    void applyNode(const NodeSnapshot &snapshot);
    void applyRedis(const RedisSnapshot &snapshot);
    void applyPostgres(const PostgresSnapshot &snapshot);
    /// Maps containers to nodes (models/ContainerMapping); an unreachable engine forgets them.
    void applyContainers(const DockerSnapshot &snapshot);
    void applyContainerStats(const ContainerStats &stats);
    /// die / stop / start / restart / pause change a node's container at once.
    void applyDockerEvent(const DockerEvent &event);

    /// The findings of every enabled rule, redis_down and postgres_down first so that their
    /// alerts are up to date when the others look for their cause.
    QList<RuleFinding> evaluate(qint64 nowMs);

    /// Error executions per minute over about the last minute of PostgreSQL snapshots; nullopt
    /// until two snapshots at least 15 s apart.
    [[nodiscard]] std::optional<double> failedPerMinute() const;

private:
    struct NodeData
    {
        std::optional<NodeSnapshot> last;
        std::optional<ContainerInfo> container;
        std::optional<ContainerStats> stats;
    };
    struct ErrorSample
    {
        qint64 timeMs = 0;
        qint64 errors = 0;
    };
    /// Waiting jobs and where the figure came from; nullopt when unknown.
    struct Backlog
    {
        qint64 waiting = 0;          ///< for queue_backlog: wait + paused lists
        qint64 runnable = 0;         ///< for worker_stalled: wait list of a queue not paused
        QString source;
    };

    [[nodiscard]] const NodeData &nodeData(const QString &name) const;
    const AlertRuleConfig *enabledRule(const char *id) const;
    [[nodiscard]] std::optional<Backlog> backlog() const;
    [[nodiscard]] bool workerHealthy(const NodeData &node) const;
    [[nodiscard]] QStringList causes(bool redis, bool postgres) const;

    void evaluateServices(QList<RuleFinding> &out) const;
    void evaluateNodes(QList<RuleFinding> &out) const;
    void evaluateQueue(qint64 nowMs, QList<RuleFinding> &out);
    void evaluateExecutions(QList<RuleFinding> &out) const;
    void evaluateSettings(QList<RuleFinding> &out) const;

    ClusterConfig m_config;
    QHash<QString, NodeData> m_nodes;            ///< by node name, configured nodes only
    std::optional<RedisSnapshot> m_redis;
    std::optional<PostgresSnapshot> m_postgres;
    bool m_dockerReachable = false;

    // worker_stalled
    bool m_progressSeen = false;                 ///< since the last evaluate()
    std::optional<qint64> m_stallClockMs;        ///< last progress, or when jobs started waiting; none = no backlog
    QHash<QString, double> m_lastCompleted;      ///< main's completed-jobs counter by node
    std::optional<qint64> m_lastFinished;        ///< PostgreSQL finished executions
    std::optional<QueueDepth> m_lastQueue;

    // failed_rate
    std::deque<ErrorSample> m_errorSamples;
};

} // namespace cw
