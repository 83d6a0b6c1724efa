#pragma once

#include "models/ClusterConfig.h"
#include "models/Snapshots.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <memory>
#include <optional>

class QTimer;
struct redisContext;

namespace cw {

/// Polls one Redis server: PING latency, INFO figures and the Bull queue depth of n8n.
///
/// Lives on its own thread (see WorkerThread); the redisContext is created, used and freed
/// there only. Polls never overlap: the single-shot timer is re-armed when a poll has
/// finished, for @p interval after that poll's start (at least 50 ms later). Every call is
/// bounded by Timeouts (connect, then request for each command), so a stopped server makes a
/// poll fail with "timed out" instead of hanging.
///
/// Every poll emits one snapshot. While Redis cannot be reached, connection attempts back off
/// exponentially (from the poll interval up to 5 s, reset on success); polls between two
/// attempts emit reachable=false with the last error without touching the network.
class RedisCollector final : public QObject {
    Q_OBJECT
public:
    RedisCollector(
        RedisConfig config, Timeouts timeouts, Millis interval, QObject *parent = nullptr);
    ~RedisCollector() override;
    RedisCollector(const RedisCollector &) = delete;
    RedisCollector &operator=(const RedisCollector &) = delete;

public Q_SLOTS:
    /// Runs on the collector thread: polls at once, then paces itself.
    void start();
    /// Stops polling and closes the connection.
    void stop();

Q_SIGNALS:
    void snapshotReady(const cw::RedisSnapshot &snapshot);

private:
    /// Why a connect or a round trip failed; the connection is unusable afterwards.
    struct Failure {
        QString text; ///< without the "Redis host:port: " subject
        bool timeout = false;
    };
    struct ContextDeleter {
        void operator()(redisContext *context) const;
    };

    void poll();
    RedisSnapshot collect();
    std::optional<Failure> connectToServer();
    std::optional<Failure> query(RedisSnapshot &snapshot);
    void noteConnectFailure(const QString &error);
    [[nodiscard]] QString subject() const;

    RedisConfig m_config;
    Timeouts m_timeouts;
    Millis m_interval;
    QTimer *m_timer = nullptr;
    bool m_running = false;
    std::unique_ptr<redisContext, ContextDeleter> m_context;
    QElapsedTimer m_clock; ///< monotonic time base for pacing and backoff
    qint64 m_nextAttemptMs = 0; ///< on m_clock; no connection attempt before
    Millis m_backoff;
    QString m_lastError;
    bool m_wasReachable = true; ///< for logging transitions only
};

} // namespace cw
