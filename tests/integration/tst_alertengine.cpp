// The alert engine fed by the real collectors (CollectorSet: libcurl against nginx serving real
// n8n captures, hiredis against a real redis-server), on its real 100 ms tick and wall clock:
// Redis stopped → one Redis alert with the workers' readiness failures grouped under it, and
// resolved when it is back; a node's /healthz failing → node_down after its for-duration; jobs
// waiting with healthy workers and nothing moving → worker_stalled within its threshold.

#include "NodeFarm.h"
#include "RedisServer.h"
#include "TestSupport.h"
#include "models/state/ClusterState.h"
#include "services/alerts/AlertEngine.h"
#include "services/collectors/CollectorSet.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <memory>

using namespace std::chrono_literals;
using cwtest::NodeFarm;

namespace {

const QString kMain = QStringLiteral("n8n-main");
const QString kWorker1 = QStringLiteral("n8n-worker-1");
const QString kWorker2 = QStringLiteral("n8n-worker-2");
const QString kRedisCause = QStringLiteral("redis_down/redis");

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

void setRule(cw::ClusterConfig &config, const char *id, cw::Millis forDuration, cw::Millis hold)
{
    for (cw::AlertRuleConfig &r : config.alerts.rules) {
        if (r.id == QLatin1String(id)) {
            r.forDuration = forDuration;
            r.recoveryHold = hold;
        }
    }
}

/// The collectors of one cluster and an engine fed by them, evaluated every 100 ms as the
/// application does every second.
class Live {
public:
    explicit Live(const cw::ClusterConfig &config)
        : m_collectors(config)
    {
        m_state.setConfig(config);
        m_engine.setConfig(config);
        QObject::connect(&m_collectors, &cw::CollectorSet::nodeSnapshotReady, &m_state,
            &cw::ClusterState::applyNode);
        QObject::connect(&m_collectors, &cw::CollectorSet::redisSnapshotReady, &m_state,
            &cw::ClusterState::applyRedis);
        QObject::connect(&m_collectors, &cw::CollectorSet::postgresSnapshotReady, &m_state,
            &cw::ClusterState::applyPostgres);
        QObject::connect(&m_engine, &cw::AlertEngine::transition, &m_engine,
            [this](const cw::AlertTransition &t) { m_transitions.append(t); });
        QObject::connect(&m_collectors, &cw::CollectorSet::redisSnapshotReady, &m_engine,
            [this](const cw::RedisSnapshot &s) {
                m_redisReachable = s.reachable;
                ++m_redisSnapshots;
            });
        QObject::connect(&m_collectors, &cw::CollectorSet::nodeSnapshotReady, &m_engine,
            [this](const cw::NodeSnapshot &) { ++m_nodeSnapshots; });
        m_tick.setInterval(100);
        QObject::connect(&m_tick, &QTimer::timeout, &m_engine,
            [this] { m_engine.evaluate(cw::Clock::system().now()); });
        m_collectors.start();
        m_tick.start();
    }

    cw::AlertEngine &engine() { return m_engine; }
    bool redisReachable() const { return m_redisReachable; }
    int redisSnapshots() const { return m_redisSnapshots; }
    int nodeSnapshots() const { return m_nodeSnapshots; }
    const QList<cw::AlertTransition> &transitions() const { return m_transitions; }

    QList<cw::AlertTransition> of(const QString &rule, const QString &subject = QString(),
        std::optional<cw::AlertState> state = std::nullopt) const
    {
        QList<cw::AlertTransition> out;
        for (const cw::AlertTransition &t : m_transitions) {
            if (t.rule == rule && (subject.isEmpty() || t.subject == subject)
                && (!state || t.state == *state))
                out.append(t);
        }
        return out;
    }
    bool has(const QString &rule, const QString &subject, cw::AlertState state) const
    {
        return !of(rule, subject, state).isEmpty();
    }
    QString describe() const
    {
        QStringList lines;
        for (const cw::AlertTransition &t : m_transitions)
            lines.append(QStringLiteral("%1 %2 %3 [%4] %5")
                             .arg(cw::toString(t.state), t.key(), t.causedBy,
                                 QString::number(t.timeMs % 100000), t.summary));
        return lines.join(QLatin1Char('\n'));
    }

private:
    cw::CollectorSet m_collectors;
    cw::ClusterState m_state;
    cw::AlertEngine m_engine { &m_state };
    QTimer m_tick;
    QList<cw::AlertTransition> m_transitions;
    bool m_redisReachable = false;
    int m_redisSnapshots = 0;
    int m_nodeSnapshots = 0;
};

} // namespace

class TestAlertEngine : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void healthyClusterRaisesNothing();
    void redisDownGroupsWorkers();
    void nodeDownAfterItsForDuration();
    void workerStalledWhileHealthy();

private:
    cw::ClusterConfig config() const;
    /// Waits until every source has answered, so that a test starts from a known cluster.
    bool settle(Live &live);

    cwtest::RedisServer m_redis { cwtest::RedisServer::Options {
        QString(), true } }; // appendonly yes, as the seed runs it
    NodeFarm m_farm;
};

void TestAlertEngine::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    cw::registerSnapshotMetaTypes();
    cw::registerAlertMetaTypes();
    QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
    m_farm.addNode(kMain, NodeFarm::Kind::Main);
    m_farm.addNode(kWorker1, NodeFarm::Kind::Worker);
    m_farm.addNode(kWorker2, NodeFarm::Kind::Worker);
    QVERIFY2(m_farm.start(), qPrintable(m_farm.errorString()));
}

void TestAlertEngine::cleanup()
{
    for (const QString &node : { kMain, kWorker1, kWorker2 }) {
        m_farm.setHealthFailing(node, false);
        m_farm.setReadinessFailing(node, false);
    }
    if (!m_redis.running())
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
    QString error;
    m_redis.command({ QStringLiteral("DEL"), QStringLiteral("bull:jobs:wait"),
                        QStringLiteral("bull:jobs:active") },
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

cw::ClusterConfig TestAlertEngine::config() const
{
    cw::ClusterConfig c;
    c.name = QStringLiteral("alerts-test");
    c.pollInterval = 200ms;
    c.timeouts.connect = 300ms;
    c.timeouts.request = 600ms;
    for (const auto &[name, role] :
        { std::pair { kMain, cw::NodeRole::Main }, std::pair { kWorker1, cw::NodeRole::Worker },
            std::pair { kWorker2, cw::NodeRole::Worker } }) {
        cw::NodeConfig node;
        node.name = name;
        node.role = role;
        node.baseUrl = m_farm.url(name);
        c.nodes.append(node);
    }
    c.redis.host = QStringLiteral("127.0.0.1");
    c.redis.port = m_redis.port();
    c.redis.configured = true;
    // Short durations so that the test sees whole alert lives in seconds.
    setRule(c, "redis_down", 1s, 1s);
    setRule(c, "readiness_failing", 2s, 1s);
    setRule(c, "no_worker", 2s, 1s);
    setRule(c, "node_down", 2s, 1s);
    return c;
}

bool TestAlertEngine::settle(Live &live)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 5000) {
        if (live.redisReachable() && live.redisSnapshots() >= 2 && live.nodeSnapshots() >= 6)
            return true;
        QTest::qWait(50);
    }
    return false;
}

void TestAlertEngine::healthyClusterRaisesNothing()
{
    Live live(config());
    QVERIFY2(settle(live), "the collectors did not deliver");
    QTest::qWait(1500);
    QVERIFY2(live.transitions().isEmpty(), qPrintable(live.describe()));
    QVERIFY(live.engine().activeAlerts().isEmpty());
}

void TestAlertEngine::redisDownGroupsWorkers()
{
    Live live(config());
    QVERIFY2(settle(live), "the collectors did not deliver");

    // Redis goes away; the workers' readiness fails as n8n's does without its queue. Main's
    // readiness checks the database only and stays ready.
    m_redis.stop();
    m_farm.setReadinessFailing(kWorker1, true);
    m_farm.setReadinessFailing(kWorker2, true);
    QTRY_VERIFY2_WITH_TIMEOUT(
        live.has(QStringLiteral("readiness_failing"), kWorker1, cw::AlertState::Firing)
            && live.has(QStringLiteral("readiness_failing"), kWorker2, cw::AlertState::Firing)
            && live.has(
                QStringLiteral("no_worker"), QStringLiteral("workers"), cw::AlertState::Firing),
        qPrintable(live.describe()), 15000);
    QTest::qWait(500); // nothing more should come

    const QList<cw::AlertTransition> redis = live.of(QStringLiteral("redis_down"));
    QCOMPARE(redis.size(), 1);
    QCOMPARE(cw::toString(redis.first().state), QStringLiteral("firing"));
    QCOMPARE(redis.first().subject, QStringLiteral("redis"));
    QVERIFY2(redis.first().summary.startsWith(
                 QStringLiteral("Redis 127.0.0.1:%1/0 not reachable: ").arg(m_redis.port())),
        qPrintable(redis.first().summary));
    QVERIFY(redis.first().causedBy.isEmpty());
    // Everything else is grouped under Redis: one page, not four.
    for (const cw::AlertTransition &t : live.transitions()) {
        if (t.rule != QLatin1String("redis_down"))
            QVERIFY2(t.causedBy == kRedisCause, qPrintable(live.describe()));
    }
    QVERIFY2(
        live.of(QStringLiteral("readiness_failing"), kMain).isEmpty(), qPrintable(live.describe()));
    QVERIFY2(live.of(QStringLiteral("node_down")).isEmpty(), qPrintable(live.describe()));
    QCOMPARE(live.transitions().size(), 4);
    QCOMPARE(live.transitions().first().rule, QStringLiteral("redis_down"));

    const QList<cw::AlertTransition> active = live.engine().activeAlerts();
    QCOMPARE(active.size(), 4);
    QCOMPARE(active.first().rule, QStringLiteral("redis_down")); // critical and oldest

    // Redis is back; then the workers reconnect and are ready again.
    QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
    QTRY_VERIFY2_WITH_TIMEOUT(
        live.has(QStringLiteral("redis_down"), QStringLiteral("redis"), cw::AlertState::Resolved),
        qPrintable(live.describe()), 15000);
    m_farm.setReadinessFailing(kWorker1, false);
    m_farm.setReadinessFailing(kWorker2, false);
    QTRY_VERIFY2_WITH_TIMEOUT(
        live.engine().activeAlerts().isEmpty(), qPrintable(live.describe()), 10000);
    QCOMPARE(live.of(QStringLiteral("redis_down")).size(), 2);
    QCOMPARE(live.transitions().size(), 8);
    for (const QString &worker : { kWorker1, kWorker2 }) {
        const QList<cw::AlertTransition> resolved
            = live.of(QStringLiteral("readiness_failing"), worker, cw::AlertState::Resolved);
        QCOMPARE(resolved.size(), 1);
        QCOMPARE(resolved.first().causedBy, kRedisCause); // the resolution stays in Redis' group
    }
}

void TestAlertEngine::nodeDownAfterItsForDuration()
{
    Live live(config());
    QVERIFY2(settle(live), "the collectors did not deliver");

    const qint64 failedAt = now();
    m_farm.setHealthFailing(kWorker1, true);
    // Pending first: visible to the views, no transition.
    QTRY_VERIFY_WITH_TIMEOUT(
        live.engine().activeAlert(QStringLiteral("node_down"), kWorker1).has_value(), 3000);
    QCOMPARE(cw::toString(live.engine().activeAlert(QStringLiteral("node_down"), kWorker1)->state),
        QStringLiteral("pending"));
    QVERIFY(live.transitions().isEmpty());

    QTRY_VERIFY2_WITH_TIMEOUT(
        live.has(QStringLiteral("node_down"), kWorker1, cw::AlertState::Firing),
        qPrintable(live.describe()), 8000);
    const cw::AlertTransition firing = live.of(QStringLiteral("node_down"), kWorker1).first();
    QVERIFY2(
        firing.timeMs - failedAt >= 2000, qPrintable(QString::number(firing.timeMs - failedAt)));
    QVERIFY2(
        firing.timeMs - failedAt < 4000, qPrintable(QString::number(firing.timeMs - failedAt)));
    QCOMPARE(cw::toString(firing.severity), QStringLiteral("critical"));
    QVERIFY2(firing.summary.startsWith(
                 QStringLiteral("n8n-worker-1 not answering: HTTP 503 from /healthz")),
        qPrintable(firing.summary));
    QVERIFY(firing.causedBy.isEmpty());
    // The other worker still answers: no no_worker, and a down node is not also "not ready".
    QTest::qWait(300);
    QCOMPARE(live.transitions().size(), 1);

    const qint64 backAt = now();
    m_farm.setHealthFailing(kWorker1, false);
    QTRY_VERIFY2_WITH_TIMEOUT(
        live.has(QStringLiteral("node_down"), kWorker1, cw::AlertState::Resolved),
        qPrintable(live.describe()), 5000);
    const cw::AlertTransition resolved = live.of(QStringLiteral("node_down"), kWorker1).last();
    QVERIFY2(resolved.timeMs - backAt >= 1000,
        qPrintable(QString::number(resolved.timeMs - backAt))); // the hold
    QCOMPARE(resolved.summary, QStringLiteral("n8n-worker-1 answers again"));
    QCOMPARE(live.transitions().size(), 2);
}

void TestAlertEngine::workerStalledWhileHealthy()
{
    cw::ClusterConfig c = config();
    // The loader insists on more than 20 s (n8n's counter refresh); Redis' lists are read every
    // 200 ms here, so the engine itself takes a short threshold.
    for (cw::AlertRuleConfig &r : c.alerts.rules) {
        if (r.id == QLatin1String("worker_stalled")) {
            r.threshold = 3;
            r.forDuration = 0s;
            r.recoveryHold = 1s;
        }
    }
    Live live(c);
    QVERIFY2(settle(live), "the collectors did not deliver");

    QStringList push = { QStringLiteral("LPUSH"), QStringLiteral("bull:jobs:wait") };
    for (int i = 1; i <= 40; ++i)
        push.append(QString::number(i));
    QString error;
    m_redis.command(push, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // Workers take a job every 700 ms: jobs wait, but they move. No stall for longer than the
    // threshold.
    qint64 lastTaken = 0;
    QElapsedTimer moving;
    moving.start();
    while (moving.elapsed() < 5000) {
        m_redis.command({ QStringLiteral("RPOP"), QStringLiteral("bull:jobs:wait") }, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        lastTaken = now();
        QTest::qWait(700);
    }
    QVERIFY2(live.of(QStringLiteral("worker_stalled")).isEmpty(), qPrintable(live.describe()));

    // Now nothing moves while both workers answer healthy: the incident n8n's health checks miss.
    QTRY_VERIFY2_WITH_TIMEOUT(
        live.has(QStringLiteral("worker_stalled"), QStringLiteral("queue"), cw::AlertState::Firing),
        qPrintable(live.describe()), 8000);
    const cw::AlertTransition stalled = live.of(QStringLiteral("worker_stalled")).first();
    QVERIFY2(stalled.timeMs - lastTaken >= 3000,
        qPrintable(QString::number(stalled.timeMs - lastTaken)));
    QVERIFY2(
        stalled.timeMs - lastTaken < 5000, qPrintable(QString::number(stalled.timeMs - lastTaken)));
    QCOMPARE(cw::toString(stalled.severity), QStringLiteral("critical"));
    QVERIFY2(stalled.summary.contains(QStringLiteral(" jobs waiting, none finished for ")),
        qPrintable(stalled.summary));
    QVERIFY2(
        stalled.summary.contains(QStringLiteral("while 2 of 2 workers answer healthy (> 3 s)")),
        qPrintable(stalled.summary));
    QCOMPARE(live.transitions().size(), 1);

    // One job taken: progress, resolved after the hold.
    m_redis.command({ QStringLiteral("RPOP"), QStringLiteral("bull:jobs:wait") }, &error);
    QTRY_VERIFY2_WITH_TIMEOUT(live.has(QStringLiteral("worker_stalled"), QStringLiteral("queue"),
                                  cw::AlertState::Resolved),
        qPrintable(live.describe()), 5000);
}

QTEST_GUILESS_MAIN(TestAlertEngine)
#include "tst_alertengine.moc"
