#pragma once

#include "models/Clock.h"
#include "models/ClusterConfig.h"
#include "models/NodeHealth.h"
#include "models/RuntimeTypes.h"
#include "models/Snapshots.h"

#include <QFlags>
#include <QList>
#include <QObject>
#include <deque>
#include <optional>

namespace cw {

/// One node as the cluster knows it: its configuration, the latest observation, the container
/// that runs it, and the one health verdict that the tiles and the alert rules share.
struct NodeEntry {
    NodeConfig config;
    NodeSnapshot last; ///< timestampMs 0: not polled yet
    qint64 receivedMonoMs = 0; ///< when `last` arrived, monotonic (ClusterState::ageMs())
    qint64 lastSeenMs = 0; ///< last healthy /healthz, wall clock; 0 = never
    qint64 lastSeenMonoMs = 0; ///< the same moment, monotonic
    std::optional<ContainerInfo> container; ///< mapped from the runtime; none when unknown
    std::optional<ContainerStats> stats; ///< of that container
    NodeVerdict verdict; ///< HTTP and container together, thresholds from the cluster file
    bool stale = false; ///< no fresh observation for staleAfter
};

/// The one state of the monitored cluster. Snapshots, the runtime's containers, stats and events
/// are applied here and nowhere else; the item models, the chart recorder and the alert rules
/// read it. Lives on the session's thread (the GUI thread in the app); never blocks.
///
/// Time: snapshots carry the collector's wall clock (shown, stored); the state stamps each with
/// its own monotonic clock when it is applied, and every age (staleness, "12 s ago", rates) is
/// measured on that, so a stepped wall clock neither greys fresh data nor keeps old data green.
class ClusterState final : public QObject {
    Q_OBJECT
public:
    /// What changed about a node, so that views repaint only what shows it.
    enum class Change : unsigned {
        Verdict = 0x1, ///< state, cause or reason
        Observed = 0x2, ///< a new snapshot arrived (its time)
        Readiness = 0x4, ///< /healthz or /healthz/readiness answer changed
        Response = 0x8, ///< /healthz response time
        Metrics = 0x10, ///< CPU, memory, lag, version, leader, /metrics state
        LastSeen = 0x20, ///< time of the last healthy answer
        Container = 0x40, ///< the mapped container or its lifecycle state
        Stats = 0x80, ///< container stats
        Staleness = 0x100, ///< stale flag flipped
    };
    Q_DECLARE_FLAGS(Changes, Change)

    /// @p clock (which outlives the state) stamps the arrival of snapshots; nullptr: the
    /// system's. tick() must be given instants of the same clock.
    explicit ClusterState(const Clock *clock = nullptr, QObject *parent = nullptr);

    /// A new cluster file: forgets everything, emits aboutToReset() and reset().
    void setConfig(const ClusterConfig &config);
    [[nodiscard]] const ClusterConfig &config() const { return m_config; }

    [[nodiscard]] const QList<NodeEntry> &nodes() const { return m_nodes; }
    [[nodiscard]] int indexOf(const QString &node) const;
    /// nullptr when @p node is not in the cluster file.
    [[nodiscard]] const NodeEntry *node(const QString &node) const;
    /// The node whose container has this id or name; empty when none.
    [[nodiscard]] QString nodeOfContainer(const QString &idOrName) const;

    [[nodiscard]] bool redisConfigured() const { return m_config.redis.configured; }
    [[nodiscard]] bool postgresConfigured() const { return m_config.postgres.configured; }
    /// A snapshot of Redis / PostgreSQL arrived since the cluster was opened.
    [[nodiscard]] bool hasRedis() const { return m_hasRedis; }
    [[nodiscard]] bool hasPostgres() const { return m_hasPostgres; }
    [[nodiscard]] const RedisSnapshot &redis() const { return m_redis; }
    [[nodiscard]] const PostgresSnapshot &postgres() const { return m_postgres; }
    [[nodiscard]] bool redisStale() const { return m_redisStale; }
    [[nodiscard]] bool postgresStale() const { return m_postgresStale; }

    /// The runtime answered its last poll.
    [[nodiscard]] bool runtimeReachable() const { return m_runtimeReachable; }
    /// n8n-looking containers that no node of the cluster file claims.
    [[nodiscard]] const QList<ContainerInfo> &discovered() const { return m_discovered; }

    /// Counts every sign that queued jobs move: main's completed-jobs counter rose, Bull's wait
    /// list shrank or its active count changed, PostgreSQL's finished executions rose. Each alone
    /// misses cases (the counter is refreshed every 20 s and only with queue metrics on; PostgreSQL
    /// may not be configured; the lists stand still when every worker holds a hung job).
    [[nodiscard]] quint64 progressCount() const { return m_progress; }
    /// Jobs completed according to main's counters since the cluster was opened, across restarts
    /// of main (a counter that drops is a new baseline). nullopt until a counter was read twice.
    [[nodiscard]] std::optional<double> completedJobs() const { return m_completedJobs; }
    /// How often a main's counter dropped (a restarted main): the jobs completed across that
    /// drop are unknown, so a rate must not span it.
    [[nodiscard]] int completedCounterResets() const { return m_completedResets; }

    /// Error executions per minute over about the last minute of PostgreSQL snapshots; nullopt
    /// until two snapshots at least 15 s apart.
    [[nodiscard]] std::optional<double> failedPerMinute() const;

    /// The state's clock: the last tick() or the arrival of the latest snapshot.
    [[nodiscard]] const Instant &now() const { return m_now; }
    /// now() on the wall clock, ms since the epoch: for display only.
    [[nodiscard]] qint64 nowMs() const { return m_now.wallMs; }
    /// How long before now() the monotonic @p monoMs was (a NodeEntry's receivedMonoMs, …).
    [[nodiscard]] qint64 ageMs(qint64 monoMs) const { return m_now.monoMs - monoMs; }
    /// Wall time of the node snapshot that arrived last; 0 = none yet.
    [[nodiscard]] qint64 lastUpdateMs() const { return m_lastUpdateMs; }
    /// Age of that snapshot, of the latest Redis and of the latest PostgreSQL snapshot
    /// (monotonic; meaningless before the first one).
    [[nodiscard]] qint64 lastUpdateAgeMs() const { return ageMs(m_lastUpdateMonoMs); }
    [[nodiscard]] qint64 redisAgeMs() const { return ageMs(m_redisReceivedMonoMs); }
    [[nodiscard]] qint64 postgresAgeMs() const { return ageMs(m_postgresReceivedMonoMs); }

public Q_SLOTS:
    void applyNode(const cw::NodeSnapshot &snapshot);
    void applyRedis(const cw::RedisSnapshot &snapshot);
    void applyPostgres(const cw::PostgresSnapshot &snapshot);
    /// Maps containers to nodes (cluster file's container, clusterwatch.node label, compose
    /// service); an unreachable runtime forgets them.
    void applyContainers(const cw::RuntimeSnapshot &snapshot);
    void applyContainerStats(const cw::ContainerStats &stats);
    /// die / stop / start / restart / pause change a node's container at once, without waiting
    /// for the next poll.
    void applyRuntimeEvent(const cw::RuntimeEvent &event);
    /// Advances the clock to @p now (from the state's clock): staleness of nodes, Redis and
    /// PostgreSQL, and the texts that follow the clock.
    void tick(const cw::Instant &now);

Q_SIGNALS:
    /// Around setConfig(): item models reset between the two.
    void aboutToReset();
    void reset();
    /// From tick(), before staleness changes are reported: texts that depend on the clock
    /// ("12 s ago") are due.
    void ticked();
    void nodeChanged(int index, cw::ClusterState::Changes what);
    void redisChanged();
    void postgresChanged();
    /// Reachability of the runtime or the discovered containers changed.
    void containersChanged();

private:
    /// Arrival of a snapshot: the state's clock moves on to it.
    Instant arrived();
    /// Older than staleAfter by the monotonic clock; never polled is "unknown", not stale.
    [[nodiscard]] bool isStale(bool received, qint64 receivedMonoMs) const;
    [[nodiscard]] int indexOfContainer(const QString &idOrName) const;
    /// Recomputes the verdict and staleness of one node and reports @p what changed (with the
    /// verdict and staleness if they did).
    void settle(int index, Changes what);

    ClusterConfig m_config;
    Millis m_staleAfter { 5000 };
    QList<NodeEntry> m_nodes;
    RedisSnapshot m_redis;
    PostgresSnapshot m_postgres;
    bool m_hasRedis = false;
    bool m_hasPostgres = false;
    bool m_redisStale = false;
    bool m_postgresStale = false;
    bool m_runtimeReachable = false;
    QList<ContainerInfo> m_discovered;
    const Clock *m_clock;
    Instant m_now;
    qint64 m_lastUpdateMs = 0;
    qint64 m_lastUpdateMonoMs = 0;
    qint64 m_redisReceivedMonoMs = 0;
    qint64 m_postgresReceivedMonoMs = 0;

    quint64 m_progress = 0;
    QHash<QString, double> m_lastCompleted; ///< main's completed-jobs counter by node
    std::optional<double> m_completedJobs;
    int m_completedResets = 0;
    std::optional<qint64> m_lastFinished; ///< PostgreSQL finished executions
    std::optional<QueueDepth> m_lastQueue;
    struct ErrorSample {
        qint64 monoMs = 0; ///< arrival
        qint64 errors = 0;
    };
    std::deque<ErrorSample> m_errorSamples; ///< for failedPerMinute()
};

/// Data is stale when it is older than a few poll intervals (and never before a slow poll could
/// have finished): then it is shown greyed, never as a frozen green.
Millis staleAfter(const ClusterConfig &config);

} // namespace cw

Q_DECLARE_OPERATORS_FOR_FLAGS(cw::ClusterState::Changes)
