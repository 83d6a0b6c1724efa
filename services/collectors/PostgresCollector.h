#pragma once

#include "models/ClusterConfig.h"
#include "models/Snapshots.h"
#include "services/collectors/PollPacer.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <memory>
#include <optional>

struct pg_conn;

namespace cw {

/// Polls one PostgreSQL database: SELECT 1 latency, server figures and n8n's execution
/// counts by status (plus executions stuck in "running").
///
/// Lives on its own thread (see WorkerThread); the PGconn is created, used and freed there
/// only. Connecting and every query are asynchronous with a client-side deadline (Timeouts:
/// connect, request), so a stopped server makes a poll fail with "timed out" instead of
/// hanging; statement_timeout is set too so the server gives up on its side. Polls are paced,
/// and reconnects back off, by a PollPacer; while the server cannot be reached every poll
/// still emits reachable=false with the last error.
///
/// A database without n8n's execution_entity table is reachable with n8nSchema=false and no
/// error: it is not a failure.
class PostgresCollector final : public QObject {
    Q_OBJECT
public:
    PostgresCollector(
        PostgresConfig config, Timeouts timeouts, Millis interval, QObject *parent = nullptr);
    ~PostgresCollector() override;
    PostgresCollector(const PostgresCollector &) = delete;
    PostgresCollector &operator=(const PostgresCollector &) = delete;

public Q_SLOTS:
    /// Runs on the collector thread: polls at once, then paces itself.
    void start();
    /// Stops polling and closes the connection.
    void stop();

Q_SIGNALS:
    void snapshotReady(const cw::PostgresSnapshot &snapshot);

private:
    using Failure = PollPacer::Failure;
    struct ConnectionDeleter {
        void operator()(pg_conn *connection) const;
    };

    void poll();
    std::optional<Failure> connectToServer();
    std::optional<Failure> query(PostgresSnapshot &snapshot);
    [[nodiscard]] QString subject() const;

    PostgresConfig m_config;
    Timeouts m_timeouts;
    std::unique_ptr<pg_conn, ConnectionDeleter> m_connection;
    QByteArray m_executionTable; ///< quoted "schema"."<prefix>execution_entity"
    bool m_executionTableSeen = false; ///< read the counts in the same round trip
    PollPacer m_pacer;
};

} // namespace cw
