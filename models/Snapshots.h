#pragma once

// Immutable results of one observation round. Sources emit these by queued signals; a failed
// round is a snapshot that carries its error, never an exception.

#include <QList>
#include <QMetaType>
#include <QString>
#include <array>
#include <optional>

namespace cw {

/// Why a request (an HTTP probe, a metrics scrape) did not give a usable answer.
enum class FetchError {
    None,
    ConnectionRefused,
    Timeout,
    Dns,
    Tls,
    HttpStatus, ///< answered, but not 2xx
    BodyTooLarge, ///< over ClusterConfig::maxBodyBytes
    Other,
};

QString toString(FetchError error);

/// One probe's outcome (for the HTTP source: one request).
struct EndpointResult {
    int httpStatus = 0; ///< 0 when there was no HTTP answer
    double responseMs = 0.0; ///< total time, including connect
    FetchError error = FetchError::None;
    QString errorText; ///< precise, names host:port and path; empty when ok

    bool ok() const { return error == FetchError::None; }
};

/// Whether the node's process metrics could be read.
enum class MetricsState {
    Unknown, ///< not observed yet, or the node is unreachable
    Ok,
    NotExposed, ///< the node publishes no metrics (over HTTP: /metrics answered 404, because
                ///< N8N_METRICS is off or it is a webhook processor, which has none)
    Malformed, ///< answered, but not in Prometheus exposition format
    Failed, ///< any other failure (timeout, 5xx, too large)
};

QString toString(MetricsState state);

/// The n8n figures of one metrics reading (over HTTP: one /metrics answer). Absent families
/// stay empty.
struct NodeMetrics {
    std::optional<double> cpuSecondsTotal;
    std::optional<double> residentMemoryBytes;
    std::optional<double> eventLoopLagSeconds;
    std::optional<double> queueWaiting;
    std::optional<double> queueActive;
    std::optional<double> queueCompleted;
    std::optional<double> queueFailed;
    std::optional<bool> leader;
    std::optional<double> processStartTime;
    QString version; ///< from n8n_version_info{version="v1.123.81"}
};

/// What one observation round saw of one n8n node (NodeSource).
struct NodeSnapshot {
    QString node; ///< NodeConfig::name
    qint64 timestampMs = 0; ///< wall clock when the round finished
    quint64 sequence = 0; ///< per-node round counter, for dropping stale replies
    EndpointResult health; ///< liveness: the process is up (HTTP: GET /healthz)
    EndpointResult readiness; ///< readiness: its database / Redis (HTTP: GET /healthz/readiness)
    EndpointResult metrics; ///< the metrics reading (HTTP: GET /metrics)
    MetricsState metricsState = MetricsState::Unknown;
    QString metricsError; ///< parser message, e.g. "line 3: expected a value"
    NodeMetrics values;
    std::optional<double> cpuPercent; ///< rate of n8n_process_cpu_seconds_total, 100 = one core
};

/// Bull queue figures (prefix and queue name from the cluster file).
struct QueueDepth {
    qint64 waiting = 0; ///< LLEN <prefix>:<queue>:wait
    qint64 active = 0; ///< LLEN ...:active
    qint64 delayed = 0; ///< ZCARD ...:delayed
    qint64 failed = 0; ///< ZCARD ...:failed
    qint64 completed = 0; ///< ZCARD ...:completed (n8n removes finished jobs: usually 0)
    qint64 prioritized = 0; ///< ZCARD ...:priority
    qint64 pausedWaiting = 0; ///< LLEN ...:paused
    bool paused = false; ///< ...:meta-paused exists
    std::optional<qint64> lastJobId; ///< GET ...:id, monotonic: tells enqueue progress
};

struct RedisSnapshot {
    QString endpoint; ///< host:port/db
    qint64 timestampMs = 0;
    bool reachable = false;
    QString error; ///< empty when reachable and every command answered
    double pingMs = 0.0;
    QString version;
    QString role;
    qint64 connectedClients = 0;
    qint64 usedMemoryBytes = 0;
    qint64 maxMemoryBytes = 0; ///< 0 = no limit
    qint64 uptimeSeconds = 0;
    bool aofEnabled = false;
    QString rdbLastBgsaveStatus;
    bool queueRead = false; ///< queue figures below are valid
    QueueDepth queue;
};

/// n8n's execution statuses, in display order.
inline constexpr std::array<const char *, 8> kExecutionStatuses
    = { "new", "running", "waiting", "success", "error", "crashed", "canceled", "unknown" };

struct ConnectionCount {
    QString state; ///< pg_stat_activity.state ("active", "idle", ...)
    qint64 count = 0;
};

struct PostgresSnapshot {
    QString endpoint; ///< user@host:port/database
    qint64 timestampMs = 0;
    bool reachable = false;
    QString error;
    double selectOneMs = 0.0;
    QString serverVersion;
    QList<ConnectionCount> connections;
    qint64 maxConnections = 0;
    qint64 databaseSizeBytes = 0;
    bool n8nSchema = false; ///< execution_entity exists
    std::array<qint64, kExecutionStatuses.size()> executions {}; ///< by kExecutionStatuses
    qint64 otherStatusExecutions = 0; ///< statuses this version does not know
    qint64 stuckRunning = 0; ///< running longer than PostgresConfig::stuckRunningAfter

    qint64 totalConnections() const;
    /// Rows with @p status, one of kExecutionStatuses.
    qint64 executionsWith(const char *status) const;
    /// success + error + crashed + canceled: executions that have ended.
    qint64 finishedExecutions() const;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::NodeSnapshot)
Q_DECLARE_METATYPE(cw::RedisSnapshot)
Q_DECLARE_METATYPE(cw::PostgresSnapshot)
