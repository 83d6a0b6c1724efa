// RedisCollector against a real redis-server started on a free loopback port, and the
// INFO parser on recorded INFO answers of the n8n cluster's Redis.

#include "ClosingListener.h"
#include "RedisServer.h"
#include "SnapshotRecorder.h"
#include "TestSupport.h"
#include "models/ClusterConfig.h"
#include "models/Snapshots.h"
#include "services/collectors/RedisCollector.h"
#include "services/collectors/RedisInfoParser.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace std::chrono_literals;

namespace {

constexpr cw::Millis kInterval { 200 };
const cw::Timeouts kTimeouts { cw::Millis(500), cw::Millis(800) };

/// One collector on its own thread, as the application runs it.
struct Harness : cwtest::SnapshotRecorder<cw::RedisCollector, cw::RedisSnapshot> {
    explicit Harness(const cw::RedisConfig &config, cw::Millis interval = kInterval)
        : SnapshotRecorder(QStringLiteral("redis-collector"), config, kTimeouts, interval)
    {
    }
};

cw::RedisConfig configFor(const cwtest::RedisServer &server)
{
    cw::RedisConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = server.port();
    config.configured = true;
    return config;
}

QString describe(const cw::RedisSnapshot &s)
{
    return QStringLiteral("reachable=%1 error='%2'").arg(s.reachable).arg(s.error);
}

} // namespace

class TestRedisCollector : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parseInfo_data();
    void parseInfo();
    void parseInfoRejectsOtherText_data();
    void parseInfoRejectsOtherText();
    void healthyServer();
    void queueDepthFromBullKeys();
    void wrongPassword();
    void missingPassword();
    void nothingListening();
    void reconnectAttemptsBackOff();
    void stopSlotEndsPolling();
    void serverStoppedThenStartedAgain();
    void serverFrozen();

private:
    cwtest::RedisServer m_server;
};

void TestRedisCollector::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
}

void TestRedisCollector::parseInfo_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<qint64>("uptime");
    QTest::addColumn<qint64>("clients");
    QTest::addColumn<qint64>("usedMemory");

    // Values as read in the captures of the n8n cluster's Redis 7.0.15.
    QTest::newRow("1.123.81 idle")
        << "redis/v1.123.81_info_idle.txt" << qint64(31) << qint64(23) << qint64(1596944);
    QTest::newRow("1.123.81 under load")
        << "redis/v1.123.81_info_under_load.txt" << qint64(163) << qint64(24) << qint64(2304288);
    QTest::newRow("1.123.81 after load")
        << "redis/v1.123.81_info_after_load.txt" << qint64(244) << qint64(23) << qint64(2248200);
    QTest::newRow("2.8.4 idle") << "redis/v2.8.4_info_idle.txt" << qint64(408) << qint64(26)
                                << qint64(2166264);
    QTest::newRow("2.8.4 under load")
        << "redis/v2.8.4_info_under_load.txt" << qint64(457) << qint64(30) << qint64(2526968);
    QTest::newRow("2.8.4 after load")
        << "redis/v2.8.4_info_after_load.txt" << qint64(517) << qint64(29) << qint64(2333792);
}

void TestRedisCollector::parseInfo()
{
    QFETCH(QString, file);
    QFETCH(qint64, uptime);
    QFETCH(qint64, clients);
    QFETCH(qint64, usedMemory);

    const QByteArray text = cwtest::readTestData(file);
    QVERIFY2(!text.isEmpty(), qPrintable(file));
    QVERIFY2(text.contains("\r\n"), "the captures keep Redis' CRLF line ends");

    const cw::Result<cw::RedisServerInfo> info = cw::parseRedisInfo(text);
    QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error()));
    QCOMPARE(info.value().version, QStringLiteral("7.0.15"));
    QCOMPARE(info.value().role, QStringLiteral("master"));
    QCOMPARE(info.value().uptimeSeconds, uptime);
    QCOMPARE(info.value().connectedClients, clients);
    QCOMPARE(info.value().usedMemoryBytes, usedMemory);
    QCOMPARE(info.value().maxMemoryBytes, qint64(0));
    QCOMPARE(info.value().aofEnabled, false);
    QCOMPARE(info.value().rdbLastBgsaveStatus, QStringLiteral("ok"));

    // The same answer with LF line ends (as a proxy or a log may give it) reads the same.
    QByteArray lf = text;
    lf.replace("\r\n", "\n");
    const cw::Result<cw::RedisServerInfo> fromLf = cw::parseRedisInfo(lf);
    QVERIFY(fromLf.ok());
    QCOMPARE(fromLf.value().usedMemoryBytes, usedMemory);
}

void TestRedisCollector::parseInfoRejectsOtherText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QByteArray() << "no redis_version";
    QTest::newRow("html") << QByteArray("<html><body>hello</body></html>\r\n")
                          << "line 1: expected 'key:value'";
    QTest::newRow("bad number") << QByteArray(
        "# Server\r\nredis_version:7.0.15\r\nuptime_in_seconds:soon\r\n")
                                << "line 3: uptime_in_seconds is not a number: 'soon'";
    QTest::newRow("no version") << QByteArray("# Clients\r\nconnected_clients:3\r\n")
                                << "no redis_version";
}

void TestRedisCollector::parseInfoRejectsOtherText()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    const cw::Result<cw::RedisServerInfo> info = cw::parseRedisInfo(text);
    QVERIFY(!info.ok());
    QVERIFY2(info.error().contains(message), qPrintable(info.error()));
}

void TestRedisCollector::healthyServer()
{
    QString error;
    const QByteArray info
        = m_server.command({ QStringLiteral("INFO"), QStringLiteral("server") }, &error)
              .toByteArray();
    QVERIFY2(!info.isEmpty(), qPrintable(error));
    const cw::Result<cw::RedisServerInfo> serverInfo = cw::parseRedisInfo(info);
    QVERIFY(serverInfo.ok());

    Harness harness(configFor(m_server));
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 3000);
    const cw::RedisSnapshot s = harness.at(0);
    QVERIFY2(s.reachable, qPrintable(describe(s)));
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QCOMPARE(s.endpoint, QStringLiteral("127.0.0.1:%1/0").arg(m_server.port()));
    QCOMPARE(s.version, serverInfo.value().version);
    QCOMPARE(s.version, QStringLiteral("7.0.15")); // Debian 12's, as in the n8n captures
    QCOMPARE(s.role, QStringLiteral("master"));
    QVERIFY2(s.pingMs > 0.0 && s.pingMs < 800.0, qPrintable(QString::number(s.pingMs)));
    QVERIFY(s.connectedClients >= 1); // the collector itself
    QVERIFY(s.usedMemoryBytes > 100000);
    QCOMPARE(s.maxMemoryBytes, qint64(0));
    QCOMPARE(s.aofEnabled, false);
    QCOMPARE(s.rdbLastBgsaveStatus, QStringLiteral("ok"));
    QVERIFY(s.timestampMs > 0);
    QVERIFY(s.queueRead);
    QCOMPARE(s.queue.waiting, qint64(0)); // n8n deletes the keys when empty: absent means 0
    QCOMPARE(s.queue.paused, false);
    QVERIFY(!s.queue.lastJobId.has_value());

    // Self-paced: about one poll per interval, never overlapping.
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 4, 3000);
    const qint64 gap = harness.at(3).timestampMs - harness.at(2).timestampMs;
    QVERIFY2(gap >= 150 && gap < 1000, qPrintable(QString::number(gap)));
}

void TestRedisCollector::queueDepthFromBullKeys()
{
    // A custom prefix and queue name in database 3; jobs in n8n's default keys in
    // database 0 must not be counted.
    const int db = 3;
    QString error;
    auto push = [&](const QStringList &args, int database) {
        const QVariant reply = m_server.command(args, &error, database);
        QVERIFY2(error.isEmpty() && reply.isValid(),
            qPrintable(args.join(QLatin1Char(' ')) + QStringLiteral(": ") + error));
    };
    QStringList wait = { QStringLiteral("RPUSH"), QStringLiteral("cw-bull:orders:wait") };
    for (int i = 1; i <= 7; ++i)
        wait << QString::number(i);
    push(wait, db);
    push({ QStringLiteral("RPUSH"), QStringLiteral("cw-bull:orders:active"), QStringLiteral("8"),
             QStringLiteral("9"), QStringLiteral("10") },
        db);
    push({ QStringLiteral("ZADD"), QStringLiteral("cw-bull:orders:delayed"), QStringLiteral("1"),
             QStringLiteral("11"), QStringLiteral("2"), QStringLiteral("12") },
        db);
    push({ QStringLiteral("ZADD"), QStringLiteral("cw-bull:orders:failed"), QStringLiteral("1"),
             QStringLiteral("13") },
        db);
    push({ QStringLiteral("ZADD"), QStringLiteral("cw-bull:orders:priority"), QStringLiteral("100"),
             QStringLiteral("1"), QStringLiteral("100"), QStringLiteral("2"), QStringLiteral("100"),
             QStringLiteral("3"), QStringLiteral("100"), QStringLiteral("4") },
        db);
    push({ QStringLiteral("RPUSH"), QStringLiteral("cw-bull:orders:paused"), QStringLiteral("14"),
             QStringLiteral("15") },
        db);
    push({ QStringLiteral("SET"), QStringLiteral("cw-bull:orders:meta-paused"),
             QStringLiteral("1") },
        db);
    push({ QStringLiteral("SET"), QStringLiteral("cw-bull:orders:id"), QStringLiteral("15") }, db);
    push({ QStringLiteral("RPUSH"), QStringLiteral("bull:jobs:wait"), QStringLiteral("1"),
             QStringLiteral("2") },
        0);

    cw::RedisConfig config = configFor(m_server);
    config.db = db;
    config.prefix = QStringLiteral("cw-bull");
    config.queue = QStringLiteral("orders");
    Harness harness(config);
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 3000);
    cw::RedisSnapshot s = harness.at(0);
    QVERIFY2(s.reachable && s.error.isEmpty(), qPrintable(describe(s)));
    QCOMPARE(s.endpoint, QStringLiteral("127.0.0.1:%1/3").arg(m_server.port()));
    QVERIFY(s.queueRead);
    QCOMPARE(s.queue.waiting, qint64(7));
    QCOMPARE(s.queue.active, qint64(3));
    QCOMPARE(s.queue.delayed, qint64(2));
    QCOMPARE(s.queue.failed, qint64(1));
    QCOMPARE(s.queue.completed, qint64(0));
    QCOMPARE(s.queue.prioritized, qint64(4));
    QCOMPARE(s.queue.pausedWaiting, qint64(2));
    QCOMPARE(s.queue.paused, true);
    QCOMPARE(s.queue.lastJobId, std::optional<qint64>(15));

    // A user sees the queue move: two more jobs, the queue resumed.
    push({ QStringLiteral("RPUSH"), QStringLiteral("cw-bull:orders:wait"), QStringLiteral("16"),
             QStringLiteral("17") },
        db);
    push({ QStringLiteral("DEL"), QStringLiteral("cw-bull:orders:meta-paused") }, db);
    push({ QStringLiteral("SET"), QStringLiteral("cw-bull:orders:id"), QStringLiteral("17") }, db);
    const qsizetype before = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::RedisSnapshot &x) { return x.queue.waiting == 9; }, before) >= 0,
        3000);
    s = harness.last();
    QCOMPARE(s.queue.waiting, qint64(9));
    QCOMPARE(s.queue.paused, false);
    QCOMPARE(s.queue.lastJobId, std::optional<qint64>(17));

    // A key of the wrong type is reported, the rest still shown.
    push({ QStringLiteral("DEL"), QStringLiteral("cw-bull:orders:active") }, db);
    push({ QStringLiteral("SET"), QStringLiteral("cw-bull:orders:active"), QStringLiteral("x") },
        db);
    const qsizetype beforeWrongType = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::RedisSnapshot &x) { return !x.error.isEmpty(); }, beforeWrongType)
            >= 0,
        3000);
    s = harness.last();
    QVERIFY(s.reachable);
    QVERIFY(!s.queueRead);
    QVERIFY2(s.error.contains(QLatin1String("LLEN cw-bull:orders:active: WRONGTYPE")),
        qPrintable(s.error));
    QCOMPARE(s.version, QStringLiteral("7.0.15"));

    m_server.command({ QStringLiteral("FLUSHALL") });
}

void TestRedisCollector::wrongPassword()
{
    cwtest::RedisServer secured(
        cwtest::RedisServer::Options { QStringLiteral("s3cret-redis-pw"), false });
    QVERIFY2(secured.start(), qPrintable(secured.errorString()));

    const QString wrong = QStringLiteral("not-the-password-4711");
    cw::RedisConfig config = configFor(secured);
    config.password = wrong;
    {
        Harness harness(config);
        QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 3000);
        const cw::RedisSnapshot s = harness.at(0);
        QVERIFY(!s.reachable);
        QVERIFY2(s.error.startsWith(
                     QStringLiteral("Redis 127.0.0.1:%1: authentication failed (WRONGPASS")
                         .arg(secured.port())),
            qPrintable(s.error));
        QVERIFY2(!s.error.contains(wrong), "the password must never appear in an error");
        // No crash, and it keeps polling.
        QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 4, 3000);
        QVERIFY(!harness.last().reachable);
        QVERIFY(harness.last().error.contains(QLatin1String("authentication failed")));
    }

    config.password = secured.password();
    Harness harness(config);
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 3000);
    QVERIFY2(harness.at(0).reachable && harness.at(0).error.isEmpty(),
        qPrintable(describe(harness.at(0))));
}

void TestRedisCollector::missingPassword()
{
    cwtest::RedisServer secured(
        cwtest::RedisServer::Options { QStringLiteral("s3cret-redis-pw"), false });
    QVERIFY2(secured.start(), qPrintable(secured.errorString()));
    Harness harness(configFor(secured));
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 3000);
    const cw::RedisSnapshot s = harness.at(0);
    QVERIFY(!s.reachable);
    QVERIFY2(
        s.error.startsWith(QStringLiteral("Redis 127.0.0.1:%1: authentication required (NOAUTH")
                               .arg(secured.port())),
        qPrintable(s.error));
}

void TestRedisCollector::nothingListening()
{
    cw::RedisConfig config;
    config.port = cwtest::freeLoopbackPort();
    QElapsedTimer timer;
    timer.start();
    Harness harness(config);
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1, 3000);
    QVERIFY(timer.elapsed() < 1500);
    const cw::RedisSnapshot s = harness.at(0);
    QVERIFY(!s.reachable);
    QCOMPARE(s.error, QStringLiteral("Redis 127.0.0.1:%1: connection refused").arg(config.port));
    QCOMPARE(s.endpoint, QStringLiteral("127.0.0.1:%1/0").arg(config.port));
    // Attempts back off, but a snapshot still comes every poll.
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 8, 3000);
    for (qsizetype i = 0; i < harness.count(); ++i)
        QCOMPARE(harness.at(i).error, s.error);
}

void TestRedisCollector::reconnectAttemptsBackOff()
{
    // Something accepts and hangs up at once: every attempt fails after connecting.
    cwtest::ClosingListener listener;
    QVERIFY(listener.port() != 0);
    cw::RedisConfig config;
    config.port = listener.port();
    Harness harness(config, cw::Millis(100));
    QTest::qWait(2500);

    // Without backoff that would be ~25 attempts; with it (100, 200, 400, 800, 1600 ms) ~5.
    qInfo("%lld snapshots, %d connection attempts in 2.5 s", qlonglong(harness.count()),
        listener.accepted());
    QVERIFY2(harness.count() >= 15, "a snapshot still comes every poll");
    QVERIFY2(listener.accepted() >= 3 && listener.accepted() <= 7,
        qPrintable(QString::number(listener.accepted())));
    // Closed before PING arrived (EOF) or after (reset): either way the server hung up.
    const QString error = harness.last().error;
    QVERIFY2(error
                == QStringLiteral("Redis 127.0.0.1:%1: connection closed by the server during PING")
                       .arg(listener.port())
            || error
                == QStringLiteral("Redis 127.0.0.1:%1: connection reset by the server during PING")
                       .arg(listener.port()),
        qPrintable(error));
}

void TestRedisCollector::stopSlotEndsPolling()
{
    Harness harness(configFor(m_server));
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 2, 3000);
    QMetaObject::invokeMethod(harness.collector(), &cw::RedisCollector::stop, Qt::QueuedConnection);
    QTest::qWait(300);
    const qsizetype stopped = harness.count();
    QTest::qWait(3 * int(kInterval.count()));
    QCOMPARE(harness.count(), stopped);

    // start() again resumes at once.
    QMetaObject::invokeMethod(
        harness.collector(), &cw::RedisCollector::start, Qt::QueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() > stopped, 2000);
    QVERIFY(harness.last().reachable);
}

void TestRedisCollector::serverStoppedThenStartedAgain()
{
    cwtest::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    Harness harness(configFor(server));
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1 && harness.last().reachable, 3000);

    server.stop();
    QElapsedTimer timer;
    timer.start();
    const qsizetype stoppedAt = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::RedisSnapshot &x) { return !x.reachable; }, stoppedAt) >= 0,
        2 * int(kInterval.count()) + 1000);
    const qsizetype down
        = harness.find([](const cw::RedisSnapshot &x) { return !x.reachable; }, stoppedAt);
    QVERIFY2(down - stoppedAt <= 2, "the outage shows within two polls");
    QCOMPARE(harness.at(down).error,
        QStringLiteral("Redis 127.0.0.1:%1: connection refused").arg(server.port()));
    qInfo("outage seen after %lld ms", timer.elapsed());

    QTest::qWait(1500); // a few failed attempts, so backoff is in effect
    QVERIFY(!harness.last().reachable);

    QVERIFY2(server.start(), qPrintable(server.errorString()));
    timer.restart();
    const qsizetype restartedAt = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::RedisSnapshot &x) { return x.reachable; }, restartedAt) >= 0,
        7000);
    qInfo("recovered %lld ms after the restart", timer.elapsed());
    const cw::RedisSnapshot up = harness.last();
    QVERIFY2(up.error.isEmpty(), qPrintable(up.error));
    QCOMPARE(up.version, QStringLiteral("7.0.15"));
    QVERIFY(up.uptimeSeconds < 10); // it is the new server process
}

void TestRedisCollector::serverFrozen()
{
    cwtest::RedisServer server;
    QVERIFY2(server.start(), qPrintable(server.errorString()));
    Harness harness(configFor(server));
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= 1 && harness.last().reachable, 3000);

    server.pause();
    QElapsedTimer timer;
    timer.start();
    const qsizetype pausedAt = harness.count();
    auto timedOut = [](const cw::RedisSnapshot &x) {
        return !x.reachable && x.error.contains(QLatin1String("timed out after 800 ms"));
    };
    QTRY_VERIFY_WITH_TIMEOUT(harness.find(timedOut, pausedAt) >= 0,
        int(kTimeouts.request.count() + kInterval.count()) + 1000);
    qInfo("timeout reported after %lld ms: %s", timer.elapsed(),
        qPrintable(harness.at(harness.find(timedOut, pausedAt)).error));
    QVERIFY2(harness.at(harness.find(timedOut, pausedAt))
                 .error.startsWith(QStringLiteral("Redis 127.0.0.1:%1: ").arg(server.port())),
        qPrintable(harness.last().error));

    // The collector thread is not stuck: snapshots keep coming while the server is frozen.
    const qsizetype afterTimeout = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(harness.count() >= afterTimeout + 3, 4000);
    QVERIFY(!harness.last().reachable);

    server.resume();
    const qsizetype resumedAt = harness.count();
    QTRY_VERIFY_WITH_TIMEOUT(
        harness.find([](const cw::RedisSnapshot &x) { return x.reachable; }, resumedAt) >= 0, 7000);
    QVERIFY(harness.last().error.isEmpty());
}

QTEST_GUILESS_MAIN(TestRedisCollector)
#include "tst_rediscollector.moc"
