#pragma once

#include "models/ClusterConfig.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QMessageLogger>
#include <QString>
#include <functional>
#include <optional>

class QObject;
class QTimer;

namespace cw {

/// Pacing and reconnect policy of a collector that polls one server over one kept connection
/// (RedisCollector, PostgresCollector). A member of the collector, used on its thread only.
///
/// Polls never overlap: a single-shot timer (a child of the collector, so it moves to the
/// collector's thread with it) is re-armed only when a poll has finished, for one interval after
/// that poll's start and at least 50 ms later. While the server cannot be reached, connection
/// attempts back off exponentially from the interval up to 5 s (reset on success); polls in
/// between report the last error without touching the network.
class PollPacer final {
public:
    /// Why a connect or a round trip failed; the connection is unusable afterwards.
    struct Failure {
        QString text; ///< without the subject
        bool timeout = false;
    };
    using Step = std::function<std::optional<Failure>()>;

    /// Names the polled server in snapshots, errors and log lines.
    struct Source {
        QString endpoint; ///< the snapshots' endpoint, also logged on recovery
        QString subject; ///< starts every error text, e.g. "Redis 127.0.0.1:6379"
        QMessageLogger::CategoryFunction category; ///< lcRedis, lcPostgres
    };

    /// @p poll runs at start() and on every tick of the timer, which is a child of @p owner.
    PollPacer(QObject *owner, Millis interval, Source source, std::function<void()> poll);
    PollPacer(const PollPacer &) = delete;
    PollPacer &operator=(const PollPacer &) = delete;

    /// Polls at once and paces from then on; a no-op while running.
    void start();
    /// No poll after this; the caller closes its connection.
    void stop();

    /// Monotonic time base of the pacing, for the collector's own deadlines.
    [[nodiscard]] const QElapsedTimer &clock() const { return m_clock; }

    /// One poll under the reconnect policy, giving the snapshot to emit. Without a connection
    /// (@p connected false), @p connect runs only once the backoff has passed; then @p query
    /// fills a fresh snapshot; @p close drops the connection after a failure, and the snapshot
    /// then carries only the error, no half-read figures.
    template <typename Snapshot>
    Snapshot collect(bool connected, const Step &connect,
        const std::function<std::optional<Failure>(Snapshot &)> &query,
        const std::function<void()> &close)
    {
        Snapshot snapshot;
        const std::optional<QString> error = attempt(
            connected, connect,
            [&query, &snapshot] {
                snapshot = Snapshot {};
                return query(snapshot);
            },
            close);
        if (error) {
            snapshot = Snapshot {};
            snapshot.error = *error;
        }
        snapshot.endpoint = m_source.endpoint;
        snapshot.timestampMs = QDateTime::currentMSecsSinceEpoch();
        noteReachable(snapshot.reachable, snapshot.error);
        return snapshot;
    }

private:
    /// The policy of collect(): the error text with the subject, or nothing on success.
    std::optional<QString> attempt(
        bool connected, const Step &connect, const Step &query, const std::function<void()> &close);
    void noteReachable(bool reachable, const QString &error);
    void tick();

    Millis m_interval;
    Source m_source;
    std::function<void()> m_poll;
    QTimer *m_timer; ///< owned by the collector (its parent)
    bool m_running = false;
    QElapsedTimer m_clock;
    qint64 m_nextAttemptMs = 0; ///< on m_clock; no connection attempt before
    Millis m_backoff;
    QString m_lastError;
    bool m_wasReachable = true; ///< for logging transitions only
};

} // namespace cw
