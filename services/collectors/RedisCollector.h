#pragma once

#include "models/ClusterConfig.h"
#include "models/Snapshots.h"
#include "services/collectors/PollPacer.h"

#include <QObject>
#include <QString>
#include <memory>
#include <optional>

struct redisContext;

namespace cw {

/// Polls one Redis server: PING latency, INFO figures and the Bull queue depth of n8n.
///
/// Lives on its own thread (see WorkerThread); the redisContext is created, used and freed
/// there only. Every call is bounded by Timeouts (connect, then request for each command), so
/// a stopped server makes a poll fail with "timed out" instead of hanging.
///
/// Every poll emits one snapshot. Polls are paced, and reconnects back off, by a PollPacer:
/// polls between two connection attempts emit reachable=false with the last error without
/// touching the network.
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
    using Failure = PollPacer::Failure;
    struct ContextDeleter {
        void operator()(redisContext *context) const;
    };

    void poll();
    std::optional<Failure> connectToServer();
    std::optional<Failure> query(RedisSnapshot &snapshot);
    [[nodiscard]] QString subject() const;

    RedisConfig m_config;
    Timeouts m_timeouts;
    std::unique_ptr<redisContext, ContextDeleter> m_context;
    PollPacer m_pacer;
};

} // namespace cw
