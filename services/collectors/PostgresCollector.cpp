#include "services/collectors/PostgresCollector.h"

#include "services/base/Logging.h"

#include <QElapsedTimer>
#include <algorithm>
#include <cerrno>
#include <libpq-fe.h>
#include <poll.h>
#include <thread>
#include <vector>

namespace cw {

namespace {

constexpr const char *kUndefinedTable = "42P01";

struct ResultDeleter {
    void operator()(PGresult *result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

/// libpq's multi-line connection message reduced to its reason:
/// 'connection to server at "127.0.0.1", port 5433 failed: FATAL:  password authentication
/// failed for user "n8n"' -> 'password authentication failed for user "n8n"'.
QString connectionReason(const PGconn *connection)
{
    QString text = QString::fromUtf8(PQerrorMessage(connection));
    QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    lines.removeIf([](const QString &line) { return line.startsWith(QLatin1Char('\t')); });
    text = lines.isEmpty() ? QStringLiteral("unknown error") : lines.first().trimmed();
    if (text.startsWith(QLatin1String("connection to server"))) {
        const qsizetype failed = text.indexOf(QLatin1String("failed: "));
        if (failed >= 0)
            text = text.mid(failed + 8);
    }
    for (const QLatin1String severity : { QLatin1String("FATAL:"), QLatin1String("ERROR:") }) {
        if (text.startsWith(severity))
            text = text.mid(severity.size()).trimmed();
    }
    // strerror texts start upper-case ("Connection refused"); messages here are lower-case.
    if (text.size() > 1 && text.at(0).isUpper() && text.at(1).isLower())
        text[0] = text.at(0).toLower();
    return text;
}

QString resultError(const PGresult *result)
{
    const char *primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    if (primary)
        return QString::fromUtf8(primary);
    return QString::fromUtf8(PQresultErrorMessage(result)).trimmed();
}

bool hasSqlState(const PGresult *result, const char *state)
{
    const char *actual = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    return actual && qstrcmp(actual, state) == 0;
}

qint64 integerAt(const PGresult *result, int row, int column)
{
    if (PQgetisnull(result, row, column))
        return 0;
    return QByteArray(PQgetvalue(result, row, column)).toLongLong();
}

/// Waits until @p connection's socket is ready for @p events or @p deadline passes.
/// 1: ready, 0: deadline, -1: error.
int waitForSocket(
    const PGconn *connection, short events, const QElapsedTimer &clock, qint64 deadlineMs)
{
    const int socket = PQsocket(connection);
    if (socket < 0)
        return -1;
    for (;;) {
        const qint64 remaining = deadlineMs - clock.elapsed();
        if (remaining <= 0)
            return 0;
        pollfd fd { socket, events, 0 };
        const int ready = ::poll(&fd, 1, int(remaining));
        if (ready < 0 && errno == EINTR)
            continue;
        return ready < 0 ? -1 : (ready > 0 ? 1 : 0);
    }
}

/// Asks the server to cancel the running statement. PQcancel in libpq 15 waits without a
/// time limit for the server to close the cancel connection, which a stopped server never
/// does: it runs on a short-lived detached thread so the collector is never blocked.
void cancelInBackground(PGconn *connection)
{
    PGcancel *cancel = PQgetCancel(connection);
    if (!cancel)
        return;
    std::thread([cancel] {
        char message[256];
        PQcancel(cancel, message, int(sizeof message));
        PQfreeCancel(cancel);
    }).detach();
}

} // namespace

void PostgresCollector::ConnectionDeleter::operator()(pg_conn *connection) const
{
    PQfinish(connection);
}

PostgresCollector::PostgresCollector(
    PostgresConfig config, Timeouts timeouts, Millis interval, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_timeouts(timeouts)
    , m_pacer(this, interval, { m_config.endpoint(), subject(), lcPostgres }, [this] { poll(); })
{
    qRegisterMetaType<cw::PostgresSnapshot>();
}

PostgresCollector::~PostgresCollector() = default;

void PostgresCollector::start()
{
    m_pacer.start();
}

void PostgresCollector::stop()
{
    m_pacer.stop();
    m_connection.reset();
}

QString PostgresCollector::subject() const
{
    return QStringLiteral("PostgreSQL ") + m_config.endpoint();
}

void PostgresCollector::poll()
{
    Q_EMIT snapshotReady(m_pacer.collect<PostgresSnapshot>(
        bool(m_connection), [this] { return connectToServer(); },
        [this](PostgresSnapshot &snapshot) { return query(snapshot); },
        [this] { m_connection.reset(); }));
}

std::optional<PostgresCollector::Failure> PostgresCollector::connectToServer()
{
    const QByteArray host = m_config.host.toUtf8();
    const QByteArray port = QByteArray::number(m_config.port);
    const QByteArray database = m_config.database.toUtf8();
    const QByteArray user = m_config.user.toUtf8();
    const QByteArray password = m_config.password.toUtf8();
    const QByteArray sslmode = m_config.sslmode.toUtf8();
    // libpq's own limit is whole seconds (and at least 2); our deadline below is the real one.
    const QByteArray connectTimeout
        = QByteArray::number(std::max<qint64>(2, (m_timeouts.connect.count() + 999) / 1000));
    const QByteArray options
        = "-c statement_timeout=" + QByteArray::number(m_timeouts.request.count());

    std::vector<const char *> keywords = { "host", "port", "dbname", "user", "sslmode",
        "connect_timeout", "application_name", "options", "client_encoding" };
    std::vector<const char *> values = { host.constData(), port.constData(), database.constData(),
        user.constData(), sslmode.constData(), connectTimeout.constData(), "clusterwatch",
        options.constData(), "UTF8" };
    if (!password.isEmpty()) {
        keywords.push_back("password");
        values.push_back(password.constData());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);

    const qint64 deadline = m_pacer.clock().elapsed() + m_timeouts.connect.count();
    m_connection.reset(PQconnectStartParams(keywords.data(), values.data(), 0));
    PGconn *connection = m_connection.get();
    if (!connection)
        return Failure { QStringLiteral("cannot allocate a connection"), false };
    if (PQstatus(connection) == CONNECTION_BAD) {
        const QString reason = connectionReason(connection);
        m_connection.reset();
        return Failure { reason, false };
    }

    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK) {
        if (status == PGRES_POLLING_FAILED) {
            const QString reason = connectionReason(connection);
            m_connection.reset();
            return Failure { reason, false };
        }
        const short events = status == PGRES_POLLING_READING ? POLLIN : POLLOUT;
        const int ready = waitForSocket(connection, events, m_pacer.clock(), deadline);
        if (ready == 0) {
            m_connection.reset();
            return Failure {
                QStringLiteral("connect timed out after %1 ms").arg(m_timeouts.connect.count()),
                true
            };
        }
        if (ready < 0) {
            const QString reason = connectionReason(connection);
            m_connection.reset();
            return Failure { reason, false };
        }
        status = PQconnectPoll(connection);
    }
    // Non-blocking so that PQfinish on a stopped server cannot block either.
    PQsetnonblocking(connection, 1);

    const QByteArray schema = m_config.schema.toUtf8();
    const QByteArray table = m_config.tablePrefix.toUtf8() + "execution_entity";
    char *quotedSchema = PQescapeIdentifier(connection, schema.constData(), size_t(schema.size()));
    char *quotedTable = PQescapeIdentifier(connection, table.constData(), size_t(table.size()));
    if (quotedSchema && quotedTable)
        m_executionTable = QByteArray(quotedSchema) + '.' + QByteArray(quotedTable);
    PQfreemem(quotedSchema);
    PQfreemem(quotedTable);
    if (m_executionTable.isEmpty()) {
        m_connection.reset();
        return Failure { QStringLiteral("cannot quote the table name %1.%2")
                             .arg(m_config.schema, QString::fromUtf8(table)),
            false };
    }
    return std::nullopt;
}

std::optional<PostgresCollector::Failure> PostgresCollector::query(PostgresSnapshot &snapshot)
{
    PGconn *connection = m_connection.get();

    // Sends one simple-query string and collects all its results before the deadline.
    auto roundTrip = [this, connection](const QByteArray &sql, const QString &what,
                         std::vector<ResultPtr> &results) -> std::optional<Failure> {
        const qint64 deadline = m_pacer.clock().elapsed() + m_timeouts.request.count();
        auto lost = [connection, &what] {
            return Failure { QStringLiteral("connection lost during %1 (%2)")
                                 .arg(what, connectionReason(connection)),
                false };
        };
        auto timedOut = [this, connection, &what] {
            cancelInBackground(connection);
            return Failure { QStringLiteral("timed out after %1 ms waiting for %2")
                                 .arg(m_timeouts.request.count())
                                 .arg(what),
                true };
        };
        if (!PQsendQuery(connection, sql.constData()))
            return lost();
        for (;;) {
            const int flushed = PQflush(connection);
            if (flushed < 0)
                return lost();
            if (flushed == 0)
                break;
            const int ready
                = waitForSocket(connection, POLLIN | POLLOUT, m_pacer.clock(), deadline);
            if (ready == 0)
                return timedOut();
            if (ready < 0 || !PQconsumeInput(connection))
                return lost();
        }
        for (;;) {
            while (!PQisBusy(connection)) {
                PGresult *result = PQgetResult(connection);
                if (!result)
                    return std::nullopt;
                results.emplace_back(result);
            }
            const int ready = waitForSocket(connection, POLLIN, m_pacer.clock(), deadline);
            if (ready == 0)
                return timedOut();
            if (ready < 0 || !PQconsumeInput(connection))
                return lost();
        }
    };
    // A statement error on a connection that has gone bad is a lost connection.
    auto checkConnection
        = [connection](const PGresult *result, const QString &what) -> std::optional<Failure> {
        if (PQstatus(connection) == CONNECTION_BAD)
            return Failure {
                QStringLiteral("connection lost during %1 (%2)").arg(what, resultError(result)),
                false
            };
        return std::nullopt;
    };

    QElapsedTimer selectOneTimer;
    selectOneTimer.start();
    std::vector<ResultPtr> results;
    if (std::optional<Failure> failure
        = roundTrip(QByteArrayLiteral("SELECT 1"), QStringLiteral("SELECT 1"), results))
        return failure;
    const qint64 selectOneNs = selectOneTimer.nsecsElapsed();
    if (results.empty())
        return Failure { QStringLiteral("SELECT 1 gave no result"), false };
    if (PQresultStatus(results.front().get()) != PGRES_TUPLES_OK) {
        if (std::optional<Failure> failure
            = checkConnection(results.front().get(), QStringLiteral("SELECT 1")))
            return failure;
        return Failure {
            QStringLiteral("SELECT 1 failed: %1").arg(resultError(results.front().get())), false
        };
    }
    snapshot.reachable = true;
    snapshot.selectOneMs = double(selectOneNs) / 1e6;
    snapshot.serverVersion = QString::fromUtf8(PQparameterStatus(connection, "server_version"));

    char *tableLiteral = PQescapeLiteral(
        connection, m_executionTable.constData(), size_t(m_executionTable.size()));
    if (!tableLiteral)
        return Failure { QStringLiteral("cannot quote the table name"), false };
    const QByteArray regclass = QByteArray(tableLiteral);
    PQfreemem(tableLiteral);

    const QByteArray stuckAfterMs = QByteArray::number(qint64(m_config.stuckRunningAfter.count()));
    // "deletedAt" marks executions a user deleted; n8n hides them and prunes them later.
    const QByteArray executionSql
        = "SELECT status, count(*), count(*) FILTER (WHERE status = 'running' AND "
          "\"startedAt\" < now() - interval '"
        + stuckAfterMs + " milliseconds') FROM " + m_executionTable
        + " WHERE \"deletedAt\" IS NULL GROUP BY status;";
    QByteArray sql = "SELECT current_setting('max_connections')::bigint, "
                     "pg_database_size(current_database()), "
                     "to_regclass("
        + regclass
        + ") IS NOT NULL;"
          "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity "
          "WHERE backend_type = 'client backend' GROUP BY 1 ORDER BY 1;";
    const bool withExecutions = m_executionTableSeen;
    if (withExecutions)
        sql += executionSql;

    results.clear();
    if (std::optional<Failure> failure
        = roundTrip(sql, QStringLiteral("the statistics queries"), results))
        return failure;

    QStringList errors;
    const PGresult *executionResult = nullptr;
    for (size_t i = 0; i < results.size(); ++i) {
        const PGresult *result = results[i].get();
        if (PQresultStatus(result) != PGRES_TUPLES_OK) {
            if (std::optional<Failure> failure
                = checkConnection(result, QStringLiteral("the statistics queries")))
                return failure;
            if (i == 2 && hasSqlState(result, kUndefinedTable)) {
                m_executionTableSeen = false; // dropped since the last poll
                continue;
            }
            errors << resultError(result);
            continue;
        }
        if (i == 0 && PQntuples(result) == 1) {
            snapshot.maxConnections = integerAt(result, 0, 0);
            snapshot.databaseSizeBytes = integerAt(result, 0, 1);
            snapshot.n8nSchema = qstrcmp(PQgetvalue(result, 0, 2), "t") == 0;
        } else if (i == 1) {
            for (int row = 0; row < PQntuples(result); ++row)
                snapshot.connections.append(ConnectionCount {
                    QString::fromUtf8(PQgetvalue(result, row, 0)), integerAt(result, row, 1) });
        } else if (i == 2) {
            executionResult = result;
        }
    }

    ResultPtr lateExecutions;
    if (snapshot.n8nSchema && !withExecutions && errors.isEmpty()) {
        // First sight of the table: read the counts now, and in the same round trip from now on.
        std::vector<ResultPtr> more;
        if (std::optional<Failure> failure
            = roundTrip(executionSql, QStringLiteral("the execution counts"), more))
            return failure;
        if (!more.empty()) {
            lateExecutions = std::move(more.front());
            if (PQresultStatus(lateExecutions.get()) == PGRES_TUPLES_OK) {
                executionResult = lateExecutions.get();
                m_executionTableSeen = true;
            } else {
                if (std::optional<Failure> failure
                    = checkConnection(lateExecutions.get(), QStringLiteral("the execution counts")))
                    return failure;
                errors << resultError(lateExecutions.get());
            }
        }
    } else if (!snapshot.n8nSchema) {
        m_executionTableSeen = false;
    }

    if (executionResult && snapshot.n8nSchema) {
        for (int row = 0; row < PQntuples(executionResult); ++row) {
            const char *status = PQgetvalue(executionResult, row, 0);
            const qint64 count = integerAt(executionResult, row, 1);
            const auto known = std::find_if(kExecutionStatuses.cbegin(), kExecutionStatuses.cend(),
                [status](const char *name) { return qstrcmp(name, status) == 0; });
            if (known != kExecutionStatuses.cend())
                snapshot.executions[size_t(known - kExecutionStatuses.cbegin())] += count;
            else
                snapshot.otherStatusExecutions += count;
            snapshot.stuckRunning += integerAt(executionResult, row, 2);
        }
    }
    if (!errors.isEmpty())
        snapshot.error = subject() + QStringLiteral(": ") + errors.join(QStringLiteral("; "));
    return std::nullopt;
}

} // namespace cw
