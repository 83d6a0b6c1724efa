// PostgresCollector against a real PostgreSQL 15 started on a free loopback port, with
// n8n 1.123.81's real schema loaded into the database it watches.

#include "ClosingListener.h"
#include "PostgresServer.h"
#include "SnapshotRecorder.h"
#include "TestSupport.h"
#include "models/ClusterConfig.h"
#include "models/Snapshots.h"
#include "services/collectors/PostgresCollector.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>
#include <algorithm>

using namespace std::chrono_literals;

namespace {

constexpr cw::Millis kInterval { 250 };
const cw::Timeouts kTimeouts { cw::Millis(600), cw::Millis(1000) };
const QString kN8nPassword = QStringLiteral("n8n-test-pw-93");

/// One collector on its own thread, as the application runs it.
struct Harness : cwtest::SnapshotRecorder<cw::PostgresCollector, cw::PostgresSnapshot> {
    explicit Harness(const cw::PostgresConfig &config, cw::Millis interval = kInterval)
        : SnapshotRecorder(QStringLiteral("postgres-collector"), config, kTimeouts, interval)
    {
    }
};

qint64 executions(const cw::PostgresSnapshot &s, const char *status)
{
    for (size_t i = 0; i < cw::kExecutionStatuses.size(); ++i) {
        if (qstrcmp(cw::kExecutionStatuses[i], status) == 0)
            return s.executions[i];
    }
    return -1;
}

QString describe(const cw::PostgresSnapshot &s)
{
    return QStringLiteral("reachable=%1 n8nSchema=%2 error='%3'")
        .arg(s.reachable)
        .arg(s.n8nSchema)
        .arg(s.error);
}

} // namespace

class TestPostgresCollector : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void executionCountsFromN8nSchema();
    void serverFigures();
    void customSchemaAndTablePrefix();
    void databaseWithoutN8nSchema();
    void wrongPassword();
    void nothingListening();
    void reconnectAttemptsBackOff();
    void serverStoppedThenStartedAgain();
    void serverFrozen();

private:
    cw::PostgresConfig config(const QString &database = QStringLiteral("n8n")) const;
    void exec(const QString &sql, const QString &database = QStringLiteral("n8n"));

    cwtest::PostgresServer m_server;
};

cw::PostgresConfig TestPostgresCollector::config(const QString &database) const
{
    cw::PostgresConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.port = m_server.port();
    c.database = database;
    c.user = QStringLiteral("n8n");
    c.password = kN8nPassword;
    c.stuckRunningAfter = std::chrono::minutes(10);
    c.configured = true;
    return c;
}

void TestPostgresCollector::exec(const QString &sql, const QString &database)
{
    const cw::Result<QList<QStringList>> result = m_server.exec(sql, database);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
}

void TestPostgresCollector::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    const cw::Result<bool> created = m_server.createRoleAndDatabase(
        QStringLiteral("n8n"), kN8nPassword, QStringLiteral("n8n"));
    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error()));
    const cw::Result<bool> schema
        = m_server.loadN8nSchema(QStringLiteral("n8n"), QStringLiteral("n8n"));
    QVERIFY2(schema.ok(), qPrintable(schema.ok() ? QString() : schema.error()));
    exec(QStringLiteral("CREATE DATABASE plain OWNER n8n"), QStringLiteral("postgres"));
    qInfo("PostgreSQL ready with n8n's schema in %lld ms", timer.elapsed());

    // One workflow, then executions as n8n writes them (status, finished, startedAt).
    exec(QStringLiteral(
        "INSERT INTO workflow_entity (id, name, active, nodes, connections, \"versionId\") "
        "VALUES ('probeQueueWf0001', 'probe', false, '[]', '{}', "
        "'00000000-0000-0000-0000-000000000001');"
        "INSERT INTO execution_entity (finished, mode, status, \"workflowId\", \"startedAt\", "
        "\"stoppedAt\", "
        "\"deletedAt\") VALUES "
        "(true,  'webhook', 'success',  'probeQueueWf0001', now() - interval '1 hour', now(), "
        "NULL),"
        "(true,  'webhook', 'success',  'probeQueueWf0001', now() - interval '1 hour', now(), "
        "NULL),"
        "(true,  'webhook', 'success',  'probeQueueWf0001', now() - interval '1 hour', now(), "
        "NULL),"
        "(true,  'webhook', 'success',  'probeQueueWf0001', now() - interval '1 hour', now(), "
        "now()),"
        "(false, 'webhook', 'error',    'probeQueueWf0001', now() - interval '5 min', now(), NULL),"
        "(false, 'webhook', 'error',    'probeQueueWf0001', now() - interval '5 min', now(), NULL),"
        "(false, 'webhook', 'running',  'probeQueueWf0001', now() - interval '20 min', NULL, NULL),"
        "(false, 'webhook', 'running',  'probeQueueWf0001', now() - interval '1 min', NULL, NULL),"
        "(false, 'webhook', 'new',      'probeQueueWf0001', NULL, NULL, NULL),"
        "(false, 'webhook', 'new',      'probeQueueWf0001', NULL, NULL, NULL),"
        "(false, 'webhook', 'new',      'probeQueueWf0001', NULL, NULL, NULL),"
        "(false, 'webhook', 'new',      'probeQueueWf0001', NULL, NULL, NULL),"
        "(false, 'webhook', 'waiting',  'probeQueueWf0001', now() - interval '2 min', now(), NULL),"
        "(false, 'webhook', 'crashed',  'probeQueueWf0001', now() - interval '30 min', now(), "
        "NULL),"
        "(false, 'webhook', 'canceled', 'probeQueueWf0001', now() - interval '3 min', now(), NULL),"
        "(false, 'webhook', 'archived', 'probeQueueWf0001', now() - interval '3 min', now(), "
        "NULL)"));
}

void TestPostgresCollector::executionCountsFromN8nSchema()
{
    Harness harness(config());
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 5000);
    cw::PostgresSnapshot s = harness.at(0);
    QVERIFY2(s.reachable && s.error.isEmpty(), qPrintable(describe(s)));
    QCOMPARE(s.endpoint, QStringLiteral("n8n@127.0.0.1:%1/n8n").arg(m_server.port()));
    QVERIFY(s.n8nSchema);
    QCOMPARE(
        executions(s, "success"), qint64(3)); // the soft-deleted one is not shown by n8n either
    QCOMPARE(executions(s, "error"), qint64(2));
    QCOMPARE(executions(s, "running"), qint64(2));
    QCOMPARE(executions(s, "new"), qint64(4));
    QCOMPARE(executions(s, "waiting"), qint64(1));
    QCOMPARE(executions(s, "crashed"), qint64(1));
    QCOMPARE(executions(s, "canceled"), qint64(1));
    QCOMPARE(executions(s, "unknown"), qint64(0));
    QCOMPARE(s.otherStatusExecutions, qint64(1));
    QCOMPARE(s.stuckRunning, qint64(1)); // started 20 min ago, threshold 10 min

    // Later polls read the counts in the same round trip and follow changes.
    exec(QStringLiteral(
        "INSERT INTO execution_entity (finished, mode, status, \"workflowId\", \"startedAt\") "
        "VALUES (false, 'webhook', 'running', 'probeQueueWf0001', now() - interval '11 min')"));
    const qsizetype before = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::PostgresSnapshot &x) { return x.stuckRunning == 2; }, before)
            >= 0,
        3000);
    s = harness.last();
    QCOMPARE(executions(s, "running"), qint64(3));
    QCOMPARE(executions(s, "success"), qint64(3));
    QVERIFY(s.error.isEmpty());
    exec(QStringLiteral(
        "DELETE FROM execution_entity WHERE status = 'running' AND \"startedAt\" < now() - "
        "interval '10 min' AND \"startedAt\" > now() - interval '15 min'"));
}

void TestPostgresCollector::serverFigures()
{
    const cw::Result<QList<QStringList>> version
        = m_server.exec(QStringLiteral("SHOW server_version"));
    QVERIFY(version.ok());
    const cw::Result<QList<QStringList>> size
        = m_server.exec(QStringLiteral("SELECT pg_database_size('n8n')"));
    QVERIFY(size.ok());

    Harness harness(config());
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 5000);
    const cw::PostgresSnapshot s = harness.at(0);
    QVERIFY2(s.reachable && s.error.isEmpty(), qPrintable(describe(s)));
    QCOMPARE(s.serverVersion, version.value().at(0).at(0));
    QVERIFY2(s.serverVersion.startsWith(QLatin1String("15.")), qPrintable(s.serverVersion));
    QVERIFY2(
        s.selectOneMs > 0.0 && s.selectOneMs < 1000.0, qPrintable(QString::number(s.selectOneMs)));
    QCOMPARE(s.maxConnections, qint64(40)); // as the fixture starts the server
    const qint64 expectedSize = size.value().at(0).at(0).toLongLong();
    QVERIFY2(qAbs(s.databaseSizeBytes - expectedSize) < qint64(1024) * 1024,
        qPrintable(QStringLiteral("%1 vs %2").arg(s.databaseSizeBytes).arg(expectedSize)));
    QVERIFY(s.databaseSizeBytes > qint64(5) * 1024 * 1024);

    // The collector's own session is active while it reads pg_stat_activity.
    qint64 active = 0;
    for (const cw::ConnectionCount &c : s.connections) {
        if (c.state == QLatin1String("active"))
            active = c.count;
    }
    QVERIFY2(active >= 1, qPrintable(QString::number(s.connections.size())));
    QVERIFY(s.totalConnections() >= 1);

    // A second, idle client session of the same role shows up as idle.
    Harness second(config(QStringLiteral("plain")));
    QTRY_VERIFY_WITH_TIMEOUT(second.count() >= 1, 5000);
    const qsizetype before = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(harness.find(
                                 [](const cw::PostgresSnapshot &x) {
                                     return std::any_of(x.connections.cbegin(),
                                         x.connections.cend(), [](const cw::ConnectionCount &c) {
                                             return c.state == QLatin1String("idle")
                                                 && c.count >= 1;
                                         });
                                 },
                                 before)
            >= 0,
        3000);
    QVERIFY(harness.last().totalConnections() >= 2);
}

void TestPostgresCollector::customSchemaAndTablePrefix()
{
    // DB_TABLE_PREFIX and DB_POSTGRESDB_SCHEMA: names that need quoting.
    exec(QStringLiteral(
        "SET ROLE n8n;"
        "CREATE SCHEMA \"n8n Data\";"
        "CREATE TABLE \"n8n Data\".\"cw\"\"_execution_entity\" (LIKE public.execution_entity "
        "INCLUDING ALL);"
        "INSERT INTO \"n8n Data\".\"cw\"\"_execution_entity\" (id, finished, mode, status, "
        "\"workflowId\") "
        "VALUES (1, true, 'webhook', 'success', 'x'), (2, true, 'webhook', 'success', 'x')"));
    cw::PostgresConfig c = config();
    c.schema = QStringLiteral("n8n Data");
    c.tablePrefix = QStringLiteral("cw\"_");
    Harness harness(c);
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 5000);
    const cw::PostgresSnapshot s = harness.at(0);
    QVERIFY2(s.reachable && s.n8nSchema && s.error.isEmpty(), qPrintable(describe(s)));
    QCOMPARE(executions(s, "success"), qint64(2));
    QCOMPARE(executions(s, "error"), qint64(0));

    // A prefix that names no table: no n8n schema there, and that is not an error.
    c.tablePrefix = QStringLiteral("other_");
    Harness missing(c);
    QTRY_VERIFY_WITH_TIMEOUT(missing.count() >= 1, 5000);
    QVERIFY2(missing.at(0).reachable && !missing.at(0).n8nSchema && missing.at(0).error.isEmpty(),
        qPrintable(describe(missing.at(0))));
}

void TestPostgresCollector::databaseWithoutN8nSchema()
{
    Harness harness(config(QStringLiteral("plain")));
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 3, 5000);
    for (qsizetype i = 0; i < harness.count(); ++i) {
        const cw::PostgresSnapshot s = harness.at(i);
        QVERIFY2(s.reachable, qPrintable(describe(s)));
        QVERIFY2(s.error.isEmpty(), qPrintable(s.error)); // not a failure
        QVERIFY(!s.n8nSchema);
        QCOMPARE(s.executions, (std::array<qint64, cw::kExecutionStatuses.size()> {}));
        QVERIFY(s.maxConnections > 0);
    }

    // n8n migrates the database while we watch: the counts appear.
    exec(QStringLiteral(
             "SET ROLE n8n; CREATE TABLE execution_entity (id serial, status varchar NOT NULL, "
             "\"startedAt\" timestamptz, \"deletedAt\" timestamptz);"
             "INSERT INTO execution_entity (status) VALUES ('new')"),
        QStringLiteral("plain"));
    const qsizetype before = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::PostgresSnapshot &x) { return x.n8nSchema; }, before) >= 0, 3000);
    QCOMPARE(executions(harness.last(), "new"), qint64(1));

    // ... and dropped again: back to "no schema", still no error.
    exec(QStringLiteral("DROP TABLE execution_entity"), QStringLiteral("plain"));
    const qsizetype dropped = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::PostgresSnapshot &x) { return !x.n8nSchema; }, dropped) >= 0,
        3000);
    const cw::PostgresSnapshot s = harness.at(
        harness.find([](const cw::PostgresSnapshot &x) { return !x.n8nSchema; }, dropped));
    QVERIFY2(s.reachable && s.error.isEmpty(), qPrintable(describe(s)));
}

void TestPostgresCollector::wrongPassword()
{
    cw::PostgresConfig c = config();
    c.password = QStringLiteral("not-the-password-4711");
    Harness harness(c);
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 5000);
    const cw::PostgresSnapshot s = harness.at(0);
    QVERIFY(!s.reachable);
    QCOMPARE(s.error,
        QStringLiteral(
            "PostgreSQL n8n@127.0.0.1:%1/n8n: password authentication failed for user \"n8n\"")
            .arg(m_server.port()));
    QVERIFY(!s.error.contains(c.password));
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 4, 3000); // keeps polling
    QVERIFY(!harness.last().reachable);
}

void TestPostgresCollector::nothingListening()
{
    cw::PostgresConfig c = config();
    c.port = cwtest::freeLoopbackPort();
    Harness harness(c);
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 3000);
    const cw::PostgresSnapshot s = harness.at(0);
    QVERIFY(!s.reachable);
    QCOMPARE(
        s.error, QStringLiteral("PostgreSQL n8n@127.0.0.1:%1/n8n: connection refused").arg(c.port));
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 6, 3000);
}

void TestPostgresCollector::reconnectAttemptsBackOff()
{
    cwtest::ClosingListener listener;
    QVERIFY(listener.port() != 0);
    cw::PostgresConfig c = config();
    c.port = listener.port();
    c.sslmode = QStringLiteral("disable"); // one TCP connection per attempt
    Harness harness(c, cw::Millis(100));
    QTest::qWait(2500);

    qInfo("%lld snapshots, %d connection attempts in 2.5 s", qlonglong(harness.count()),
        listener.accepted());
    QVERIFY2(harness.count() >= 15, "a snapshot still comes every poll");
    QVERIFY2(listener.accepted() >= 3 && listener.accepted() <= 7,
        qPrintable(QString::number(listener.accepted())));
    const cw::PostgresSnapshot s = harness.last();
    QVERIFY(!s.reachable);
    QVERIFY2(s.error.startsWith(
                 QStringLiteral("PostgreSQL n8n@127.0.0.1:%1/n8n: server closed the connection")
                     .arg(listener.port())),
        qPrintable(s.error));
}

void TestPostgresCollector::serverStoppedThenStartedAgain()
{
    Harness harness(config());
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1 && harness.last().reachable, 5000);

    QElapsedTimer timer;
    timer.start();
    m_server.stop();
    const qsizetype stoppedAt = harness.count();
    auto down = [](const cw::PostgresSnapshot &x) { return !x.reachable; };
    QTRY_VERIFY_WITH_TIMEOUT(harness.find(down, stoppedAt) >= 0, 2 * int(kInterval.count()) + 1000);
    const cw::PostgresSnapshot s = harness.at(harness.find(down, stoppedAt));
    qInfo("outage seen %lld ms after the stop began: %s", timer.elapsed(), qPrintable(s.error));
    QCOMPARE(s.error,
        QStringLiteral("PostgreSQL n8n@127.0.0.1:%1/n8n: connection refused").arg(m_server.port()));

    QTest::qWait(1500);
    QVERIFY(!harness.last().reachable);
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    timer.restart();
    const qsizetype restartedAt = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::PostgresSnapshot &x) { return x.reachable; }, restartedAt) >= 0,
        7000);
    qInfo("recovered %lld ms after the restart", timer.elapsed());
    QVERIFY(harness.last().n8nSchema);
    QCOMPARE(executions(harness.last(), "success"), qint64(3));
}

void TestPostgresCollector::serverFrozen()
{
    Harness harness(config());
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1 && harness.last().reachable, 5000);

    m_server.pause();
    QElapsedTimer timer;
    timer.start();
    const qsizetype pausedAt = harness.count();
    auto timedOut = [](const cw::PostgresSnapshot &x) {
        return !x.reachable && x.error.contains(QLatin1String("timed out after 1000 ms"));
    };
    QTRY_VERIFY_WITH_TIMEOUT(harness.find(timedOut, pausedAt) >= 0,
        int(kTimeouts.request.count() + kInterval.count()) + 1000);
    const cw::PostgresSnapshot s = harness.at(harness.find(timedOut, pausedAt));
    qInfo("timeout reported after %lld ms: %s", timer.elapsed(), qPrintable(s.error));
    QVERIFY(s.error.startsWith(
        QStringLiteral("PostgreSQL n8n@127.0.0.1:%1/n8n: ").arg(m_server.port())));

    // Not hanging: snapshots keep coming while the server is frozen (reconnects time out).
    const qsizetype afterTimeout = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= afterTimeout + 3, 4000);
    QVERIFY(!harness.last().reachable);

    m_server.resume();
    const qsizetype resumedAt = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::PostgresSnapshot &x) { return x.reachable; }, resumedAt) >= 0,
        7000);
    QVERIFY(harness.last().error.isEmpty());
}

QTEST_GUILESS_MAIN(TestPostgresCollector)
#include "tst_postgrescollector.moc"
