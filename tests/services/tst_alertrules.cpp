// The n8n-aware alert rules and the engine around them, on crafted snapshots with an injected
// clock: each rule's condition and summary, for-durations and recovery holds, root-cause
// grouping under redis_down / postgres_down, worker stalled versus healthy progress, the failed
// execution rate, and settings that differ between nodes (hashed from Docker inspect).

#include "AlertRuleEdit.h"
#include "ManualClock.h"
#include "TestSupport.h"
#include "services/alerts/AlertEngine.h"
#include "services/alerts/AlertRules.h"
#include "services/runtime/docker/DockerJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>
#include <functional>

using namespace cw;
using namespace std::chrono_literals;

namespace {

const QString kMain = QStringLiteral("n8n-main");
const QString kWorker1 = QStringLiteral("n8n-worker-1");
const QString kWorker2 = QStringLiteral("n8n-worker-2");
const QString kWebhook = QStringLiteral("n8n-webhook-1");

NodeConfig node(const QString &name, NodeRole role)
{
    NodeConfig n;
    n.name = name;
    n.role = role;
    n.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:5678"));
    n.container = name;
    return n;
}

ClusterConfig cluster()
{
    ClusterConfig c;
    c.name = QStringLiteral("test");
    c.nodes = { node(kMain, NodeRole::Main), node(kWorker1, NodeRole::Worker),
        node(kWorker2, NodeRole::Worker), node(kWebhook, NodeRole::Webhook) };
    c.redis.configured = true;
    c.postgres.configured = true;
    c.docker.configured = true;
    return c;
}

using cwtest::rule;

NodeSnapshot nodeSnap(const QString &name, bool healthy = true, bool ready = true)
{
    NodeSnapshot s;
    s.node = name;
    s.timestampMs = 1;
    s.health.httpStatus = 200;
    s.readiness.httpStatus = 200;
    if (!healthy) {
        s.health.httpStatus = 0;
        s.health.error = FetchError::ConnectionRefused;
        s.health.errorText = QStringLiteral("127.0.0.1:5679: connection refused");
    }
    if (!ready) {
        s.readiness.httpStatus = 503;
        s.readiness.error = FetchError::HttpStatus;
        s.readiness.errorText
            = QStringLiteral("HTTP 503 from /healthz/readiness: {\"status\":\"error\"}");
    }
    return s;
}

RedisSnapshot redisSnap(bool reachable = true, qint64 waiting = 0, qint64 active = 0)
{
    RedisSnapshot s;
    s.endpoint = QStringLiteral("127.0.0.1:6379/0");
    s.timestampMs = 1;
    s.reachable = reachable;
    if (!reachable) {
        s.error = QStringLiteral("Redis 127.0.0.1:6379: connection refused");
        return s;
    }
    s.aofEnabled = true;
    s.rdbLastBgsaveStatus = QStringLiteral("ok");
    s.queueRead = true;
    s.queue.waiting = waiting;
    s.queue.active = active;
    return s;
}

constexpr std::size_t kSuccess = 3;
constexpr std::size_t kError = 4;

PostgresSnapshot pgSnap(
    qint64 timeMs, bool reachable = true, qint64 success = 0, qint64 errors = 0, qint64 stuck = 0)
{
    PostgresSnapshot s;
    s.endpoint = QStringLiteral("n8n@127.0.0.1:5432/n8n");
    s.timestampMs = timeMs;
    s.reachable = reachable;
    if (!reachable) {
        s.error = QStringLiteral("PostgreSQL n8n@127.0.0.1:5432/n8n: connection refused");
        return s;
    }
    s.n8nSchema = true;
    s.executions[kSuccess] = success;
    s.executions[kError] = errors;
    s.stuckRunning = stuck;
    return s;
}

ContainerInfo container(const QString &name, const QString &state = QStringLiteral("running"))
{
    ContainerInfo c;
    c.id = QStringLiteral("id-") + name;
    c.name = name;
    c.image = QStringLiteral("n8nio/n8n:1.123.81");
    c.state = state;
    return c;
}

RuntimeSnapshot docker(const QList<ContainerInfo> &containers)
{
    RuntimeSnapshot s;
    s.reachable = true;
    s.containers = containers;
    return s;
}

std::optional<RuleFinding> finding(
    const QList<RuleFinding> &findings, const QString &rule, const QString &subject)
{
    for (const RuleFinding &f : findings) {
        if (f.rule == rule && f.subject == subject)
            return f;
    }
    return std::nullopt;
}

/// "true", "false" or "unknown" (no data), "absent" (no finding at all).
QString conditionText(const std::optional<RuleFinding> &f)
{
    if (!f)
        return QStringLiteral("absent");
    if (!f->condition)
        return QStringLiteral("unknown");
    return *f->condition ? QStringLiteral("true") : QStringLiteral("false");
}

/// An engine, its transitions in order, and a clock in seconds.
/// The rules on their own ClusterState, fed as the session feeds it.
struct TestRules {
    cwtest::ManualClock clock;
    ClusterState state { &clock };
    AlertRules rules { &state };

    explicit TestRules(const ClusterConfig &config) { state.setConfig(config); }
    void applyNode(const NodeSnapshot &s) { state.applyNode(s); }
    void applyRedis(const RedisSnapshot &s) { state.applyRedis(s); }
    /// Arrives at its own time (rates are over arrival times).
    void applyPostgres(const PostgresSnapshot &s)
    {
        clock.advanceTo(s.timestampMs);
        state.applyPostgres(s);
    }
    void applyContainers(const RuntimeSnapshot &s) { state.applyContainers(s); }
    void applyContainerStats(const ContainerStats &s) { state.applyContainerStats(s); }
    void applyRuntimeEvent(const RuntimeEvent &e) { state.applyRuntimeEvent(e); }
    QList<RuleFinding> evaluate(qint64 nowMs) { return rules.evaluate(nowMs); }
    std::optional<double> failedPerMinute() const { return state.failedPerMinute(); }
};

struct Rig {
    cwtest::ManualClock clock;
    ClusterState state { &clock };
    AlertEngine engine { &state };
    QList<AlertTransition> transitions;

    explicit Rig(const ClusterConfig &config)
    {
        state.setConfig(config);
        engine.setConfig(config);
        QObject::connect(&engine, &AlertEngine::transition, &engine,
            [this](const AlertTransition &t) { transitions.append(t); });
    }

    void nodesHealthy()
    {
        for (const NodeConfig &n : engine.rules().config().nodes)
            state.applyNode(nodeSnap(n.name));
    }

    void allHealthy(qint64 timeMs = 0)
    {
        nodesHealthy();
        state.applyRedis(redisSnap());
        state.applyPostgres(pgSnap(timeMs));
    }

    /// Evaluates every second from @p fromS to @p toS inclusive (the clock at that second),
    /// calling @p each first.
    void run(int fromS, int toS, const std::function<void(int)> &each = {})
    {
        for (int s = fromS; s <= toS; ++s) {
            clock.advanceTo(qint64(s) * 1000);
            if (each)
                each(s);
            engine.evaluate(clock.now());
        }
    }

    QList<AlertTransition> of(const QString &rule, const QString &subject = QString()) const
    {
        QList<AlertTransition> out;
        for (const AlertTransition &t : transitions) {
            if (t.rule == rule && (subject.isEmpty() || t.subject == subject))
                out.append(t);
        }
        return out;
    }

    /// "15:firing 70:resolved" for one alert.
    QString timeline(const QString &rule, const QString &subject) const
    {
        QStringList parts;
        for (const AlertTransition &t : of(rule, subject))
            parts.append(QString::number(t.timeMs / 1000) + QLatin1Char(':') + toString(t.state));
        return parts.join(QLatin1Char(' '));
    }
};

QByteArray inspectWithEnv(const QJsonValue &env, const QString &name = QString())
{
    QJsonObject root = QJsonDocument::fromJson(
        cwtest::readTestData(QStringLiteral("docker/inspect-n8n-main.json")))
                           .object();
    QJsonObject config = root.value(QLatin1String("Config")).toObject();
    config.insert(QStringLiteral("Env"), env);
    root.insert(QStringLiteral("Config"), config);
    if (!name.isEmpty()) {
        root.insert(QStringLiteral("Name"), QString(QLatin1Char('/') + name));
        root.insert(QStringLiteral("Id"), QString(QStringLiteral("id-") + name));
    }
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

} // namespace

class TestAlertRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void cpuHigh_data();
    void cpuHigh();
    void memoryHigh_data();
    void memoryHigh();
    void queueBacklog_data();
    void queueBacklog();
    void nodeDown_data();
    void nodeDown();
    void readiness_data();
    void readiness();
    void noWorker();
    void servicesDown();
    void redisNoPersistence_data();
    void redisNoPersistence();
    void executionsStuck();
    void failedRate();
    void failedRateFires();
    void forAndHold_data();
    void forAndHold();
    void rootCauseRedis();
    void rootCausePostgres();
    void workerStalled_data();
    void workerStalled();
    void workerStalledIncident();
    void settingHashesFromInspect();
    void configMismatch_data();
    void configMismatch();
    void configMismatchFromInspect();
    void disabledRuleResolves();
    void activeAlertsForViews();
    void clearingAlertForViews();
    void unknownKeepsState();
};

void TestAlertRules::cpuHigh_data()
{
    QTest::addColumn<QString>("node");
    QTest::addColumn<double>("metrics"); // < 0: none
    QTest::addColumn<double>("docker"); // < 0: none
    QTest::addColumn<double>("threshold");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("summary");

    QTest::newRow("above, from /metrics") << kWorker1 << 93.4 << -1.0 << 80.0 << "true"
                                          << "CPU 93.4 % on n8n-worker-1 (> 80 % for 60 s)";
    QTest::newRow("below") << kWorker1 << 40.0 << -1.0 << 80.0 << "false"
                           << "CPU 40.0 % on n8n-worker-1";
    QTest::newRow("at the threshold is not above") << kWorker1 << 80.0 << -1.0 << 80.0 << "false"
                                                   << "CPU 80.0 % on n8n-worker-1";
    QTest::newRow("webhook from Docker stats") << kWebhook << -1.0 << 95.0 << 80.0 << "true"
                                               << "CPU 95.0 % on n8n-webhook-1 (> 80 % for 60 s)";
    QTest::newRow("/metrics wins over Docker") << kWorker1 << 10.0 << 95.0 << 80.0 << "false"
                                               << "CPU 10.0 % on n8n-worker-1";
    QTest::newRow("no figure") << kWorker1 << -1.0 << -1.0 << 80.0 << "unknown"
                               << "";
    QTest::newRow("configured threshold") << kMain << 60.0 << -1.0 << 50.0 << "true"
                                          << "CPU 60.0 % on n8n-main (> 50 % for 60 s)";
    QTest::newRow("fractional threshold") << kMain << 60.0 << -1.0 << 55.5 << "true"
                                          << "CPU 60.0 % on n8n-main (> 55.5 % for 60 s)";
}

void TestAlertRules::cpuHigh()
{
    QFETCH(QString, node);
    QFETCH(double, metrics);
    QFETCH(double, docker);
    QFETCH(double, threshold);
    QFETCH(QString, condition);
    QFETCH(QString, summary);

    ClusterConfig config = cluster();
    rule(config, "cpu_high").threshold = threshold;
    TestRules rules(config);
    NodeSnapshot s = nodeSnap(node);
    if (metrics >= 0)
        s.cpuPercent = metrics;
    rules.applyNode(s);
    rules.applyContainers(::docker({ container(node) }));
    if (docker >= 0) {
        ContainerStats stats;
        stats.id = QStringLiteral("id-") + node;
        stats.cpuPercent = docker;
        rules.applyContainerStats(stats);
    }
    const std::optional<RuleFinding> f
        = finding(rules.evaluate(0), QStringLiteral("cpu_high"), node);
    QCOMPARE(conditionText(f), condition);
    if (!summary.isEmpty())
        QCOMPARE(f->summary, summary);
    if (docker >= 0 && metrics < 0)
        QVERIFY2(f->detail.contains(QStringLiteral("Docker stats")), qPrintable(f->detail));
}

void TestAlertRules::memoryHigh_data()
{
    QTest::addColumn<qint64>("used");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("summary");

    const qint64 mib = 1024 * 1024;
    QTest::newRow("above")
        << 900 * mib << 1000 * mib << "true"
        << "Memory 90.0 % of the limit on n8n-worker-1: 900.0 MiB of 1000.0 MiB (> 85 % for 60 s)";
    QTest::newRow("below") << 500 * mib << 1000 * mib << "false"
                           << "Memory 50.0 % of the limit on n8n-worker-1: 500.0 MiB of 1000.0 MiB";
    QTest::newRow("no limit known (stopped container)") << qint64(0) << qint64(0) << "unknown"
                                                        << "";
}

void TestAlertRules::memoryHigh()
{
    QFETCH(qint64, used);
    QFETCH(qint64, limit);
    QFETCH(QString, condition);
    QFETCH(QString, summary);

    TestRules rules(cluster());
    rules.applyNode(nodeSnap(kWorker1));
    // Without any stats the rule has nothing to say.
    QCOMPARE(conditionText(finding(rules.evaluate(0), QStringLiteral("memory_high"), kWorker1)),
        QStringLiteral("unknown"));

    rules.applyContainers(docker({ container(kWorker1) }));
    ContainerStats stats;
    stats.id = QStringLiteral("id-") + kWorker1;
    stats.memoryUsedBytes = used;
    stats.memoryLimitBytes = limit;
    rules.applyContainerStats(stats);
    const std::optional<RuleFinding> f
        = finding(rules.evaluate(0), QStringLiteral("memory_high"), kWorker1);
    QCOMPARE(conditionText(f), condition);
    if (!summary.isEmpty())
        QCOMPARE(f->summary, summary);

    // Stats of another container (a recreated one) are not this node's.
    ContainerStats other = stats;
    other.id = QStringLiteral("id-elsewhere");
    other.memoryUsedBytes = limit;
    rules.applyContainerStats(other);
    QCOMPARE(conditionText(finding(rules.evaluate(0), QStringLiteral("memory_high"), kWorker1)),
        condition);
}

void TestAlertRules::queueBacklog_data()
{
    QTest::addColumn<bool>("withRedis");
    QTest::addColumn<bool>("reachable");
    QTest::addColumn<qint64>("waiting");
    QTest::addColumn<qint64>("paused");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("summary");

    QTest::newRow("above") << true << true << qint64(1240) << qint64(0) << "true"
                           << "Queue: 1,240 jobs waiting (> 1,000 for 60 s)";
    QTest::newRow("paused jobs count") << true << true << qint64(900) << qint64(200) << "true"
                                       << "Queue: 1,100 jobs waiting (> 1,000 for 60 s)";
    QTest::newRow("at the threshold") << true << true << qint64(1000) << qint64(0) << "false"
                                      << "Queue: 1,000 jobs waiting";
    QTest::newRow("Redis not reachable") << true << false << qint64(5000) << qint64(0) << "unknown"
                                         << "";
    QTest::newRow("main's gauge without Redis")
        << false << false << qint64(1500) << qint64(0) << "true"
        << "Queue: 1,500 jobs waiting (> 1,000 for 60 s)";
}

void TestAlertRules::queueBacklog()
{
    QFETCH(bool, withRedis);
    QFETCH(bool, reachable);
    QFETCH(qint64, waiting);
    QFETCH(qint64, paused);
    QFETCH(QString, condition);
    QFETCH(QString, summary);

    ClusterConfig config = cluster();
    config.redis.configured = withRedis;
    TestRules rules(config);
    NodeSnapshot main = nodeSnap(kMain);
    main.values.queueWaiting = double(waiting);
    rules.applyNode(main);
    if (withRedis) {
        RedisSnapshot r = redisSnap(reachable, waiting);
        r.queue.pausedWaiting = paused;
        rules.applyRedis(r);
    }
    const std::optional<RuleFinding> f
        = finding(rules.evaluate(0), QStringLiteral("queue_backlog"), QStringLiteral("queue"));
    QCOMPARE(conditionText(f), condition);
    if (!summary.isEmpty())
        QCOMPARE(f->summary, summary);
}

void TestAlertRules::nodeDown_data()
{
    QTest::addColumn<QString>("health"); // "ok", "refused", "none"
    QTest::addColumn<QString>("container"); // "", "running", "exited"
    QTest::addColumn<QString>("event"); // "", "die"
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("summary");

    QTest::newRow("answers") << "ok"
                             << "running"
                             << ""
                             << "false"
                             << "n8n-worker-1 answers again";
    QTest::newRow("connection refused")
        << "refused"
        << ""
        << ""
        << "true"
        << "n8n-worker-1 not answering: 127.0.0.1:5679: connection refused";
    QTest::newRow("container exited before the poll noticed")
        << "ok"
        << "exited"
        << ""
        << "true"
        << "n8n-worker-1: container n8n-worker-1 exited (137)";
    QTest::newRow("die event") << "ok"
                               << "running"
                               << "die"
                               << "true"
                               << "n8n-worker-1: container n8n-worker-1 exited (137)";
    QTest::newRow("nothing known yet") << "none"
                                       << ""
                                       << ""
                                       << "unknown"
                                       << "";
}

void TestAlertRules::nodeDown()
{
    QFETCH(QString, health);
    QFETCH(QString, container);
    QFETCH(QString, event);
    QFETCH(QString, condition);
    QFETCH(QString, summary);

    TestRules rules(cluster());
    if (health != QLatin1String("none"))
        rules.applyNode(nodeSnap(kWorker1, health == QLatin1String("ok")));
    if (!container.isEmpty()) {
        ContainerInfo c = ::container(kWorker1, container);
        if (container == QLatin1String("exited"))
            c.exitCode = 137;
        rules.applyContainers(docker({ c }));
    }
    if (!event.isEmpty()) {
        RuntimeEvent e;
        e.type = QStringLiteral("container");
        e.action = event;
        e.id = QStringLiteral("id-") + kWorker1;
        e.name = kWorker1;
        e.attributes.insert(QStringLiteral("exitCode"), QStringLiteral("137"));
        rules.applyRuntimeEvent(e);
    }
    const std::optional<RuleFinding> f
        = finding(rules.evaluate(0), QStringLiteral("node_down"), kWorker1);
    QCOMPARE(conditionText(f), condition);
    if (!summary.isEmpty())
        QCOMPARE(f->summary, summary);
    QCOMPARE(f->possibleCauses,
        QStringList(
            { QStringLiteral("redis_down/redis"), QStringLiteral("postgres_down/postgres") }));
}

void TestAlertRules::readiness_data()
{
    QTest::addColumn<QString>("node");
    QTest::addColumn<bool>("healthy");
    QTest::addColumn<bool>("ready");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("summary");
    QTest::addColumn<QStringList>("causes");

    const QStringList both
        = { QStringLiteral("redis_down/redis"), QStringLiteral("postgres_down/postgres") };
    const QStringList database = { QStringLiteral("postgres_down/postgres") };
    QTest::newRow("worker not ready")
        << kWorker1 << true << false << "true"
        << "n8n-worker-1 not ready: HTTP 503 from /healthz/readiness: {\"status\":\"error\"}"
        << both;
    QTest::newRow("worker ready") << kWorker1 << true << true << "false"
                                  << "n8n-worker-1 ready again" << both;
    // main's readiness checks the database only: Redis is no cause.
    QTest::newRow("main not ready")
        << kMain << true << false << "true"
        << "n8n-main not ready: HTTP 503 from /healthz/readiness: {\"status\":\"error\"}"
        << database;
    QTest::newRow("down is node_down's business") << kWorker1 << false << false << "unknown"
                                                  << "" << both;
}

void TestAlertRules::readiness()
{
    QFETCH(QString, node);
    QFETCH(bool, healthy);
    QFETCH(bool, ready);
    QFETCH(QString, condition);
    QFETCH(QString, summary);
    QFETCH(QStringList, causes);

    TestRules rules(cluster());
    rules.applyNode(nodeSnap(node, healthy, ready));
    const std::optional<RuleFinding> f
        = finding(rules.evaluate(0), QStringLiteral("readiness_failing"), node);
    QCOMPARE(conditionText(f), condition);
    if (!summary.isEmpty())
        QCOMPARE(f->summary, summary);
    QCOMPARE(f->possibleCauses, causes);
}

void TestAlertRules::noWorker()
{
    TestRules rules(cluster());
    QCOMPARE(conditionText(finding(
                 rules.evaluate(0), QStringLiteral("no_worker"), QStringLiteral("workers"))),
        QStringLiteral("unknown"));
    rules.applyNode(nodeSnap(kWorker1, true, false));
    rules.applyNode(nodeSnap(kWorker2, false));
    std::optional<RuleFinding> f
        = finding(rules.evaluate(0), QStringLiteral("no_worker"), QStringLiteral("workers"));
    QCOMPARE(conditionText(f), QStringLiteral("true"));
    QCOMPARE(f->summary,
        QStringLiteral("No worker available: none of 2 workers answers healthy for 30 s"));
    QVERIFY2(f->detail.contains(QStringLiteral("n8n-worker-1: not ready: HTTP 503")),
        qPrintable(f->detail));
    QVERIFY2(f->detail.contains(QStringLiteral("n8n-worker-2: 127.0.0.1:5679: connection refused")),
        qPrintable(f->detail));

    rules.applyNode(nodeSnap(kWorker2));
    f = finding(rules.evaluate(0), QStringLiteral("no_worker"), QStringLiteral("workers"));
    QCOMPARE(conditionText(f), QStringLiteral("false"));
    QCOMPARE(f->summary, QStringLiteral("1 of 2 workers answer healthy"));

    // A worker whose container exited is not available, whatever its last poll said.
    rules.applyContainers(docker({ container(kWorker2, QStringLiteral("exited")) }));
    QCOMPARE(conditionText(finding(
                 rules.evaluate(0), QStringLiteral("no_worker"), QStringLiteral("workers"))),
        QStringLiteral("true"));

    // No workers in the cluster file: no such rule to judge.
    ClusterConfig single = cluster();
    single.nodes = { node(kMain, NodeRole::Main) };
    TestRules alone(single);
    alone.applyNode(nodeSnap(kMain));
    QCOMPARE(conditionText(finding(
                 alone.evaluate(0), QStringLiteral("no_worker"), QStringLiteral("workers"))),
        QStringLiteral("absent"));
}

void TestAlertRules::servicesDown()
{
    TestRules rules(cluster());
    QCOMPARE(conditionText(
                 finding(rules.evaluate(0), QStringLiteral("redis_down"), QStringLiteral("redis"))),
        QStringLiteral("unknown"));
    rules.applyRedis(redisSnap(false));
    rules.applyPostgres(pgSnap(0, false));
    const QList<RuleFinding> findings = rules.evaluate(0);
    std::optional<RuleFinding> f
        = finding(findings, QStringLiteral("redis_down"), QStringLiteral("redis"));
    QCOMPARE(conditionText(f), QStringLiteral("true"));
    QCOMPARE(
        f->summary, QStringLiteral("Redis 127.0.0.1:6379/0 not reachable: connection refused"));
    f = finding(findings, QStringLiteral("postgres_down"), QStringLiteral("postgres"));
    QCOMPARE(conditionText(f), QStringLiteral("true"));
    QCOMPARE(f->summary,
        QStringLiteral("PostgreSQL n8n@127.0.0.1:5432/n8n not reachable: connection refused"));
    // The causes come first, so the alerts they explain see them up to date.
    QCOMPARE(findings.at(0).rule, QStringLiteral("redis_down"));
    QCOMPARE(findings.at(1).rule, QStringLiteral("postgres_down"));

    rules.applyRedis(redisSnap(true));
    f = finding(rules.evaluate(0), QStringLiteral("redis_down"), QStringLiteral("redis"));
    QCOMPARE(conditionText(f), QStringLiteral("false"));
    QCOMPARE(f->summary, QStringLiteral("Redis 127.0.0.1:6379/0 reachable again"));

    // Not configured: not judged.
    ClusterConfig none = cluster();
    none.redis.configured = false;
    none.postgres.configured = false;
    TestRules without(none);
    const QList<RuleFinding> nothing = without.evaluate(0);
    QVERIFY(!finding(nothing, QStringLiteral("redis_down"), QStringLiteral("redis")));
    QVERIFY(!finding(nothing, QStringLiteral("postgres_down"), QStringLiteral("postgres")));
}

void TestAlertRules::redisNoPersistence_data()
{
    QTest::addColumn<bool>("aof");
    QTest::addColumn<QString>("bgsave");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("AOF on, saves ok") << true << "ok"
                                      << "false"
                                      << "persists again";
    QTest::newRow("AOF off") << false << "ok"
                             << "true"
                             << "AOF is off (aof_enabled:0)";
    QTest::newRow("RDB save failed") << true << "err"
                                     << "true"
                                     << "the last RDB save failed";
    QTest::newRow("both") << false << "err"
                          << "true"
                          << "AOF is off (aof_enabled:0); the last RDB save failed";
}

void TestAlertRules::redisNoPersistence()
{
    QFETCH(bool, aof);
    QFETCH(QString, bgsave);
    QFETCH(QString, condition);
    QFETCH(QString, mentions);

    TestRules rules(cluster());
    RedisSnapshot r = redisSnap();
    r.aofEnabled = aof;
    r.rdbLastBgsaveStatus = bgsave;
    rules.applyRedis(r);
    const std::optional<RuleFinding> f = finding(
        rules.evaluate(0), QStringLiteral("redis_no_persistence"), QStringLiteral("redis"));
    QCOMPARE(conditionText(f), condition);
    QVERIFY2(f->summary.contains(mentions), qPrintable(f->summary));

    rules.applyRedis(redisSnap(false));
    QCOMPARE(conditionText(finding(rules.evaluate(0), QStringLiteral("redis_no_persistence"),
                 QStringLiteral("redis"))),
        QStringLiteral("unknown"));
}

void TestAlertRules::executionsStuck()
{
    ClusterConfig config = cluster();
    config.postgres.stuckRunningAfter = 15min;
    TestRules rules(config);
    rules.applyPostgres(pgSnap(1000, true, 10, 0, 3));
    std::optional<RuleFinding> f = finding(
        rules.evaluate(0), QStringLiteral("executions_stuck"), QStringLiteral("executions"));
    QCOMPARE(conditionText(f), QStringLiteral("true"));
    QCOMPARE(f->summary, QStringLiteral("3 executions running for more than 15 min"));
    rules.applyPostgres(pgSnap(2000, true, 13, 0, 0));
    f = finding(
        rules.evaluate(0), QStringLiteral("executions_stuck"), QStringLiteral("executions"));
    QCOMPARE(conditionText(f), QStringLiteral("false"));
    rules.applyPostgres(pgSnap(3000, false));
    QCOMPARE(conditionText(finding(rules.evaluate(0), QStringLiteral("executions_stuck"),
                 QStringLiteral("executions"))),
        QStringLiteral("unknown"));
}

void TestAlertRules::failedRate()
{
    TestRules rules(cluster());
    QVERIFY(!rules.failedPerMinute());
    // One more error every 5 s: 12 per minute.
    for (int i = 0; i <= 2; ++i)
        rules.applyPostgres(pgSnap(i * 5000, true, 100, 40 + i));
    QVERIFY(!rules.failedPerMinute()); // 10 s of data is too little to call a rate
    for (int i = 3; i <= 30; ++i)
        rules.applyPostgres(pgSnap(i * 5000, true, 100, 40 + i));
    QVERIFY(rules.failedPerMinute());
    QCOMPARE(qRound(*rules.failedPerMinute() * 10), 120);
    std::optional<RuleFinding> f
        = finding(rules.evaluate(0), QStringLiteral("failed_rate"), QStringLiteral("executions"));
    QCOMPARE(conditionText(f), QStringLiteral("true"));
    QCOMPARE(f->summary, QStringLiteral("12.0 failed executions per minute (> 5 for 60 s)"));

    // Only the last minute counts: errors stop, the rate falls to zero within a minute.
    for (int i = 31; i <= 44; ++i)
        rules.applyPostgres(pgSnap(i * 5000, true, 100, 70));
    QCOMPARE(*rules.failedPerMinute(), 0.0);

    // Pruning deletes rows: a drop restarts the rate rather than making it negative.
    rules.applyPostgres(pgSnap(45 * 5000, true, 100, 10));
    QVERIFY(!rules.failedPerMinute());
    for (int i = 46; i <= 60; ++i)
        rules.applyPostgres(pgSnap(i * 5000, true, 100, 10));
    QCOMPARE(*rules.failedPerMinute(), 0.0);
    f = finding(rules.evaluate(0), QStringLiteral("failed_rate"), QStringLiteral("executions"));
    QCOMPARE(conditionText(f), QStringLiteral("false"));
}

void TestAlertRules::failedRateFires()
{
    ClusterConfig config = cluster();
    rule(config, "failed_rate").forDuration = 60s;
    Rig rig(config);
    rig.allHealthy();
    // No errors for a minute, then one every 5 s: over the last minute the rate passes 5 at
    // 90 s (6 errors since 30 s) and stays above, so the alert fires 60 s later.
    rig.run(0, 200, [&](int s) {
        rig.state.applyPostgres(pgSnap(qint64(s) * 1000, true, 0, std::max(0, (s - 60) / 5)));
    });
    QCOMPARE(rig.timeline(QStringLiteral("failed_rate"), QStringLiteral("executions")),
        QStringLiteral("150:firing"));
    QCOMPARE(rig.of(QStringLiteral("failed_rate")).first().summary,
        QStringLiteral("12.0 failed executions per minute (> 5 for 60 s)"));
}

void TestAlertRules::forAndHold_data()
{
    QTest::addColumn<qint64>("forS");
    QTest::addColumn<qint64>("holdS");
    QTest::addColumn<QString>("expected");

    // CPU high from 10 s to 100 s, evaluated every second.
    QTest::newRow("defaults: 60 s, hold 120 s")
        << qint64(60) << qint64(120) << "70:firing 221:resolved";
    QTest::newRow("at once, no hold") << qint64(0) << qint64(0) << "10:firing 101:resolved";
    QTest::newRow("longer than the episode") << qint64(120) << qint64(0) << "";
}

void TestAlertRules::forAndHold()
{
    QFETCH(qint64, forS);
    QFETCH(qint64, holdS);
    QFETCH(QString, expected);

    ClusterConfig config = cluster();
    rule(config, "cpu_high").forDuration = Millis(forS * 1000);
    rule(config, "cpu_high").recoveryHold = Millis(holdS * 1000);
    Rig rig(config);
    rig.allHealthy();
    rig.run(0, 300, [&](int s) {
        NodeSnapshot snap = nodeSnap(kWorker1);
        snap.cpuPercent = s >= 10 && s <= 100 ? 95.0 : 20.0;
        rig.state.applyNode(snap);
    });
    QCOMPARE(rig.timeline(QStringLiteral("cpu_high"), kWorker1), expected);
    QCOMPARE(
        rig.transitions.size(), rig.of(QStringLiteral("cpu_high")).size()); // nothing else fired
}

void TestAlertRules::rootCauseRedis()
{
    ClusterConfig config = cluster();
    rule(config, "redis_down").forDuration = 5s;
    rule(config, "redis_down").recoveryHold = 10s;
    Rig rig(config);
    // Healthy until 10 s; then Redis is gone and both workers fail readiness (main stays ready:
    // its readiness does not check Redis) until 60 s.
    rig.run(0, 200, [&](int s) {
        const bool outage = s >= 10 && s < 60;
        rig.state.applyRedis(redisSnap(!outage));
        rig.state.applyPostgres(pgSnap(qint64(s) * 1000));
        rig.state.applyNode(nodeSnap(kMain));
        rig.state.applyNode(nodeSnap(kWebhook));
        rig.state.applyNode(nodeSnap(kWorker1, true, !outage));
        rig.state.applyNode(nodeSnap(kWorker2, true, !outage));
        if (s == 45) {
            const QList<AlertTransition> active = rig.engine.activeAlerts();
            QCOMPARE(active.size(), 4); // redis_down, no_worker, two readiness alerts
            for (const AlertTransition &a : active) {
                if (a.rule != QLatin1String("redis_down"))
                    QCOMPARE(a.causedBy, QStringLiteral("redis_down/redis"));
            }
        }
    });
    QCOMPARE(rig.timeline(QStringLiteral("redis_down"), QStringLiteral("redis")),
        QStringLiteral("15:firing 70:resolved"));
    QCOMPARE(rig.of(QStringLiteral("redis_down")).first().summary,
        QStringLiteral("Redis 127.0.0.1:6379/0 not reachable: connection refused"));
    for (const QString &worker : { kWorker1, kWorker2 })
        QCOMPARE(rig.timeline(QStringLiteral("readiness_failing"), worker),
            QStringLiteral("40:firing 120:resolved"));
    QCOMPARE(rig.timeline(QStringLiteral("no_worker"), QStringLiteral("workers")),
        QStringLiteral("40:firing 120:resolved"));
    QVERIFY(rig.of(QStringLiteral("readiness_failing"), kMain).isEmpty());
    QVERIFY(rig.of(QStringLiteral("worker_stalled")).isEmpty());
    // Every transition but Redis' own is grouped under it, the resolutions too.
    for (const AlertTransition &t : std::as_const(rig.transitions)) {
        if (t.rule == QLatin1String("redis_down"))
            QVERIFY(t.causedBy.isEmpty());
        else
            QCOMPARE(t.causedBy, QStringLiteral("redis_down/redis"));
    }
    QCOMPARE(rig.transitions.size(), 8);
    // Redis' transitions come before those of the alerts it explains.
    QCOMPARE(rig.transitions.first().rule, QStringLiteral("redis_down"));
}

void TestAlertRules::rootCausePostgres()
{
    ClusterConfig config = cluster();
    rule(config, "readiness_failing").recoveryHold = 0s;
    Rig rig(config);
    rig.run(0, 130, [&](int s) {
        const bool outage = s >= 10 && s < 60;
        rig.state.applyRedis(redisSnap());
        rig.state.applyPostgres(pgSnap(qint64(s) * 1000, !outage));
        // Every n8n process reports not ready without its database.
        for (const QString &n : { kMain, kWorker1, kWorker2, kWebhook })
            rig.state.applyNode(nodeSnap(n, true, !outage));
    });
    QCOMPARE(rig.timeline(QStringLiteral("postgres_down"), QStringLiteral("postgres")),
        QStringLiteral("15:firing 120:resolved"));
    QCOMPARE(rig.timeline(QStringLiteral("no_worker"), QStringLiteral("workers")),
        QStringLiteral("40:firing 120:resolved"));
    QCOMPARE(rig.of(QStringLiteral("no_worker")).first().causedBy,
        QStringLiteral("postgres_down/postgres"));
    for (const QString &n : { kMain, kWorker1, kWorker2, kWebhook }) {
        const QList<AlertTransition> ts = rig.of(QStringLiteral("readiness_failing"), n);
        QCOMPARE(ts.size(), 2);
        for (const AlertTransition &t : ts)
            QCOMPARE(t.causedBy, QStringLiteral("postgres_down/postgres"));
    }

    // The same readiness failure with both servers fine stands alone.
    Rig alone(cluster());
    alone.run(0, 40, [&](int s) {
        alone.state.applyRedis(redisSnap());
        alone.state.applyPostgres(pgSnap(qint64(s) * 1000));
        alone.state.applyNode(nodeSnap(kMain, true, s < 5));
    });
    QCOMPARE(
        alone.timeline(QStringLiteral("readiness_failing"), kMain), QStringLiteral("35:firing"));
    QVERIFY(alone.of(QStringLiteral("readiness_failing")).first().causedBy.isEmpty());
}

void TestAlertRules::workerStalled_data()
{
    QTest::addColumn<QString>("progress");
    QTest::addColumn<bool>("workersHealthy");
    QTest::addColumn<QString>("expected"); // worker_stalled's timeline

    // 252 jobs waiting from 0 s; threshold 30 s; something happens every 10 s (or not).
    QTest::newRow("no progress") << "none" << true << "30:firing";
    QTest::newRow("main's completed counter rises") << "completed" << true << "";
    QTest::newRow("PostgreSQL finished executions rise") << "finished" << true << "";
    QTest::newRow("the wait list shrinks") << "dequeue" << true << "";
    QTest::newRow("the active count changes") << "active" << true << "";
    QTest::newRow("new jobs only: still stalled") << "enqueue" << true << "30:firing";
    QTest::newRow("running executions do not count") << "running" << true << "30:firing";
    QTest::newRow("no healthy worker: not a stall") << "none" << false << "";
    QTest::newRow("nothing waiting") << "empty" << true << "";
    QTest::newRow("paused queue") << "paused" << true << "";
    QTest::newRow("main's gauge without Redis") << "gauge" << true << "30:firing";
}

void TestAlertRules::workerStalled()
{
    QFETCH(QString, progress);
    QFETCH(bool, workersHealthy);
    QFETCH(QString, expected);

    ClusterConfig config = cluster();
    rule(config, "worker_stalled").threshold = 30;
    rule(config, "worker_stalled").recoveryHold = 0s;
    config.redis.configured = progress != QLatin1String("gauge");
    Rig rig(config);
    rig.run(0, 60, [&](int s) {
        const int step = s / 10;
        NodeSnapshot main = nodeSnap(kMain);
        main.values.queueCompleted = progress == QLatin1String("completed") ? 100.0 + step : 100.0;
        main.values.queueWaiting = 252;
        rig.state.applyNode(main);
        for (const QString &w : { kWorker1, kWorker2 })
            rig.state.applyNode(nodeSnap(w, true, workersHealthy));
        RedisSnapshot r = redisSnap(true, 252, 10);
        if (progress == QLatin1String("dequeue"))
            r.queue.waiting = 252 - step;
        if (progress == QLatin1String("enqueue"))
            r.queue.waiting = 252 + step;
        if (progress == QLatin1String("active"))
            r.queue.active = 10 - step % 2;
        if (progress == QLatin1String("empty"))
            r.queue.waiting = 0;
        if (progress == QLatin1String("paused")) {
            r.queue.paused = true;
            r.queue.waiting = 0;
            r.queue.pausedWaiting = 252;
        }
        rig.state.applyRedis(r);
        PostgresSnapshot pg = pgSnap(
            qint64(s) * 1000, true, progress == QLatin1String("finished") ? 1000 + step : 1000);
        if (progress == QLatin1String("running"))
            pg.executions[1] = 10 + step;
        rig.state.applyPostgres(pg);
    });
    QCOMPARE(rig.timeline(QStringLiteral("worker_stalled"), QStringLiteral("queue")), expected);
    if (!expected.isEmpty()) {
        const AlertTransition t = rig.of(QStringLiteral("worker_stalled")).first();
        QCOMPARE(cw::toString(t.severity), cw::toString(Severity::Critical));
        QVERIFY2(t.summary.contains(QStringLiteral(" jobs waiting, none finished for 30 s")),
            qPrintable(t.summary));
        QVERIFY2(t.summary.contains(QStringLiteral("while 2 of 2 workers answer healthy (> 30 s)")),
            qPrintable(t.summary));
    }
    if (!workersHealthy)
        QCOMPARE(rig.timeline(QStringLiteral("no_worker"), QStringLiteral("workers")),
            QStringLiteral("30:firing"));
}

void TestAlertRules::workerStalledIncident()
{
    // The known incident: 252 jobs waiting for 1.5 h, workers answering healthy. One page after
    // the threshold (2 min by default), no repeats, and it resolves once jobs move again.
    ClusterConfig config = cluster();
    Rig rig(config);
    const int outageEnd = 90 * 60;
    rig.run(0, outageEnd + 300, [&](int s) {
        rig.nodesHealthy();
        rig.state.applyPostgres(pgSnap(qint64(s) * 1000));
        const bool moving = s >= outageEnd;
        rig.state.applyRedis(
            redisSnap(true, moving ? std::max(0, 252 - (s - outageEnd)) : 252, 10));
    });
    QCOMPARE(rig.timeline(QStringLiteral("worker_stalled"), QStringLiteral("queue")),
        QStringLiteral("120:firing %1:resolved").arg(outageEnd + 60 + 1));
    QCOMPARE(rig.transitions.size(), 2);
}

void TestAlertRules::settingHashesFromInspect()
{
    // The recorded answers carry no n8n settings: nothing to compare, nothing invented.
    for (const char *file : { "inspect-n8n-main.json", "inspect-n8n-worker-1-stopped.json",
             "inspect-tty.json", "inspect-exited-3.json", "inspect-restarted.json" }) {
        const Result<ContainerInfo> info = parseContainerInspect(
            cwtest::readTestData(QStringLiteral("docker/") + QLatin1String(file)));
        QVERIFY2(info.ok(), file);
        QVERIFY2(info.value().settingHashes.isEmpty(), file);
    }

    const QString secret = QStringLiteral("probe-fixed-encryption-key-0123456789abcdef");
    const QJsonArray env = { QStringLiteral("PORT=15678"),
        QString(QStringLiteral("N8N_ENCRYPTION_KEY=") + secret),
        QStringLiteral("DB_TYPE=postgresdb"), QStringLiteral("DB_POSTGRESDB_PASSWORD=n8npass"),
        QStringLiteral("QUEUE_BULL_REDIS_HOST=127.0.0.1"),
        QStringLiteral("EXECUTIONS_MODE=regular"), QStringLiteral("EXECUTIONS_MODE=queue"),
        QStringLiteral("DB_TABLE_PREFIX="), QStringLiteral("NOVALUE"),
        QStringLiteral("PATH=/bin") };
    const Result<ContainerInfo> info = parseContainerInspect(inspectWithEnv(env));
    QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error()));
    const QHash<QString, QByteArray> &hashes = info.value().settingHashes;
    QStringList keys = hashes.keys();
    keys.sort();
    QCOMPARE(keys,
        QStringList({ QStringLiteral("DB_TABLE_PREFIX"), QStringLiteral("DB_TYPE"),
            QStringLiteral("EXECUTIONS_MODE"), QStringLiteral("N8N_ENCRYPTION_KEY"),
            QStringLiteral("QUEUE_BULL_REDIS_HOST") }));
    QCOMPARE(hashes.value(QStringLiteral("EXECUTIONS_MODE")),
        settingHash(u"queue")); // the last one given wins
    QCOMPARE(hashes.value(QStringLiteral("N8N_ENCRYPTION_KEY")), settingHash(secret));
    QVERIFY(
        hashes.value(QStringLiteral("DB_TABLE_PREFIX")) != hashes.value(QStringLiteral("DB_TYPE")));
    for (const QByteArray &h : hashes) {
        QCOMPARE(h.size(), 16);
        QVERIFY(!h.contains(secret.toUtf8()));
        QVERIFY(!h.toHex().contains(secret.toUtf8()));
    }
    QVERIFY(settingHash(u"a") != settingHash(u"b"));
    QCOMPARE(consistencySettingKeys().size(), 12);

    const Result<ContainerInfo> notList
        = parseContainerInspect(inspectWithEnv(QStringLiteral("N8N_ENCRYPTION_KEY=x")));
    QVERIFY(!notList.ok());
    QCOMPARE(notList.error(),
        QStringLiteral("container inspect: Config.Env: expected an array, got a string"));
    const Result<ContainerInfo> badItem
        = parseContainerInspect(inspectWithEnv(QJsonArray { QStringLiteral("A=1"), 7 }));
    QVERIFY(!badItem.ok());
    QCOMPARE(badItem.error(),
        QStringLiteral("container inspect: Config.Env[1]: expected a string, got a number"));
}

void TestAlertRules::configMismatch_data()
{
    QTest::addColumn<QStringList>("keys"); // N8N_ENCRYPTION_KEY per node (main, worker-1,
                                           // worker-2); "-" = not set, "" = no settings at all
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("summary");
    QTest::addColumn<QString>("detail");

    QTest::newRow("all agree") << QStringList { QStringLiteral("k1"), QStringLiteral("k1"),
        QStringLiteral("k1") } << "false"
                               << "N8N_ENCRYPTION_KEY is the same on all 3 inspected nodes"
                               << "";
    QTest::newRow("one differs")
        << QStringList { QStringLiteral("k1"), QStringLiteral("k1"), QStringLiteral("k2") }
        << "true"
        << "N8N_ENCRYPTION_KEY differs between nodes: n8n-main, n8n-worker-1 | n8n-worker-2"
        << "same value: n8n-main, n8n-worker-1\nsame value: n8n-worker-2";
    QTest::newRow("not set on one")
        << QStringList { QStringLiteral("k1"), QStringLiteral("-"), QStringLiteral("k1") } << "true"
        << "N8N_ENCRYPTION_KEY differs between nodes: n8n-main, n8n-worker-2 | n8n-worker-1"
        << "same value: n8n-main, n8n-worker-2\nnot set: n8n-worker-1";
    QTest::newRow("a container without settings says nothing")
        << QStringList { QStringLiteral("k1"), QString(), QStringLiteral("k1") } << "false"
        << "N8N_ENCRYPTION_KEY is the same on all 2 inspected nodes"
        << "";
    QTest::newRow("set nowhere") << QStringList { QStringLiteral("-"), QStringLiteral("-"),
        QStringLiteral("-") } << "false"
                                 << ""
                                 << "";
}

void TestAlertRules::configMismatch()
{
    QFETCH(QStringList, keys);
    QFETCH(QString, condition);
    QFETCH(QString, summary);
    QFETCH(QString, detail);

    TestRules rules(cluster());
    const QString key = QStringLiteral("N8N_ENCRYPTION_KEY");
    QCOMPARE(conditionText(finding(rules.evaluate(0), QStringLiteral("config_mismatch"), key)),
        QStringLiteral("unknown"));
    QList<ContainerInfo> containers;
    const QStringList names = { kMain, kWorker1, kWorker2 };
    for (qsizetype i = 0; i < names.size(); ++i) {
        ContainerInfo c = container(names[i]);
        if (!keys[i].isEmpty())
            c.settingHashes.insert(QStringLiteral("DB_TYPE"), settingHash(u"postgresdb"));
        if (!keys[i].isEmpty() && keys[i] != QLatin1String("-"))
            c.settingHashes.insert(key, settingHash(keys[i]));
        containers.append(c);
    }
    rules.applyContainers(docker(containers));
    const QList<RuleFinding> findings = rules.evaluate(0);
    const std::optional<RuleFinding> f = finding(findings, QStringLiteral("config_mismatch"), key);
    QCOMPARE(conditionText(f), condition);
    if (!summary.isEmpty())
        QCOMPARE(f->summary, summary);
    if (!detail.isEmpty())
        QVERIFY2(f->detail.startsWith(detail), qPrintable(f->detail));
    // Every setting is judged, the others agree here.
    QCOMPARE(conditionText(
                 finding(findings, QStringLiteral("config_mismatch"), QStringLiteral("DB_TYPE"))),
        QStringLiteral("false"));
    QCOMPARE(conditionText(finding(
                 findings, QStringLiteral("config_mismatch"), QStringLiteral("EXECUTIONS_MODE"))),
        QStringLiteral("false"));
    for (const RuleFinding &any : findings) {
        for (const QString &k : keys) {
            if (k.size() > 1) {
                QVERIFY(!any.summary.contains(QString::fromLatin1(settingHash(k).toHex())));
                QVERIFY(!any.detail.contains(QString::fromLatin1(settingHash(k).toHex())));
            }
        }
    }
}

void TestAlertRules::configMismatchFromInspect()
{
    // Three containers inspected as the Docker client would; one was started with another key.
    const QString keyA = QStringLiteral("probe-fixed-encryption-key-0123456789abcdef");
    const QString keyB = QStringLiteral("some-other-key-fedcba9876543210");
    const auto env = [](const QString &key) {
        return QJsonArray { QString(QStringLiteral("N8N_ENCRYPTION_KEY=") + key),
            QStringLiteral("DB_TYPE=postgresdb"), QStringLiteral("EXECUTIONS_MODE=queue"),
            QStringLiteral("QUEUE_BULL_REDIS_HOST=127.0.0.1") };
    };
    QList<ContainerInfo> containers;
    for (const auto &[name, key] :
        { std::pair { kMain, keyA }, std::pair { kWorker1, keyA }, std::pair { kWorker2, keyB } }) {
        const Result<ContainerInfo> info = parseContainerInspect(inspectWithEnv(env(key), name));
        QVERIFY2(info.ok(), qPrintable(info.ok() ? QString() : info.error()));
        containers.append(info.value());
    }
    Rig rig(cluster());
    rig.allHealthy();
    rig.state.applyContainers(docker(containers));
    rig.run(0, 5);
    const QList<AlertTransition> mismatch = rig.of(QStringLiteral("config_mismatch"));
    QCOMPARE(mismatch.size(), 1);
    QCOMPARE(mismatch.first().subject, QStringLiteral("N8N_ENCRYPTION_KEY"));
    QCOMPARE(cw::toString(mismatch.first().state), cw::toString(AlertState::Firing));
    QCOMPARE(cw::toString(mismatch.first().severity), cw::toString(Severity::Critical));
    QCOMPARE(mismatch.first().summary,
        QStringLiteral(
            "N8N_ENCRYPTION_KEY differs between nodes: n8n-main, n8n-worker-1 | n8n-worker-2"));
    for (const QString &secret : { keyA, keyB }) {
        QVERIFY(!mismatch.first().summary.contains(secret));
        QVERIFY(!mismatch.first().detail.contains(secret));
    }

    // Recreated with the right key: resolved (config_mismatch has no hold by default).
    const Result<ContainerInfo> fixed = parseContainerInspect(inspectWithEnv(env(keyA), kWorker2));
    containers[2] = fixed.value();
    rig.state.applyContainers(docker(containers));
    rig.run(6, 7);
    QCOMPARE(rig.timeline(QStringLiteral("config_mismatch"), QStringLiteral("N8N_ENCRYPTION_KEY")),
        QStringLiteral("0:firing 6:resolved"));
}

void TestAlertRules::disabledRuleResolves()
{
    ClusterConfig config = cluster();
    rule(config, "cpu_high").forDuration = 0s;
    rule(config, "cpu_high").recoveryHold = 5s;
    Rig rig(config);
    NodeSnapshot hot = nodeSnap(kWorker1);
    hot.cpuPercent = 99.0;
    rig.allHealthy();
    rig.state.applyNode(hot);
    rig.run(0, 3);
    QCOMPARE(rig.timeline(QStringLiteral("cpu_high"), kWorker1), QStringLiteral("0:firing"));

    rule(config, "cpu_high").enabled = false;
    rig.state.setConfig(config); // a reloaded cluster file, as the session applies it
    rig.engine.setConfig(config);
    rig.allHealthy();
    rig.state.applyNode(hot);
    rig.run(4, 20);
    QCOMPARE(
        rig.timeline(QStringLiteral("cpu_high"), kWorker1), QStringLiteral("0:firing 9:resolved"));
    QVERIFY2(rig.of(QStringLiteral("cpu_high"))
                 .last()
                 .summary.contains(QStringLiteral("no longer checked")),
        qPrintable(rig.of(QStringLiteral("cpu_high")).last().summary));
    QVERIFY(!rig.engine.activeAlert(QStringLiteral("cpu_high"), kWorker1));
}

void TestAlertRules::activeAlertsForViews()
{
    ClusterConfig config = cluster();
    Rig rig(config);
    QSignalSpy changed(&rig.engine, &AlertEngine::activeAlertsChanged);
    rig.allHealthy();
    rig.run(0, 2);
    QCOMPARE(changed.count(), 0);
    QVERIFY(rig.engine.activeAlerts().isEmpty());

    NodeSnapshot hot = nodeSnap(kMain);
    hot.cpuPercent = 99.0;
    rig.state.applyNode(hot);
    rig.state.applyNode(nodeSnap(kWorker1, false));
    rig.run(3, 3);
    // Both pending: visible to the views, but no transition yet.
    QCOMPARE(changed.count(), 1);
    QVERIFY(rig.transitions.isEmpty());
    QList<AlertTransition> active = rig.engine.activeAlerts();
    QCOMPARE(active.size(), 2);
    QCOMPARE(active.at(0).rule, QStringLiteral("node_down")); // critical first
    QCOMPARE(cw::toString(active.at(0).state), cw::toString(AlertState::Pending));
    QCOMPARE(active.at(0).timeMs, qint64(3000));
    QCOMPARE(active.at(1).rule, QStringLiteral("cpu_high"));

    rig.run(4, 40);
    active = rig.engine.activeAlerts();
    QCOMPARE(active.size(), 2);
    QCOMPARE(cw::toString(active.at(0).state), cw::toString(AlertState::Firing));
    QCOMPARE(active.at(0).timeMs, qint64(33'000));
    QCOMPARE(cw::toString(active.at(1).state), cw::toString(AlertState::Pending));
    QCOMPARE(changed.count(), 2);
}

void TestAlertRules::clearingAlertForViews()
{
    // Held through its recovery hold, a firing alert says it is clearing and when it resolves;
    // the views hear of it when it starts and stops clearing.
    ClusterConfig config = cluster();
    AlertRuleConfig &timing = rule(config, "cpu_high");
    timing.forDuration = 0s;
    timing.recoveryHold = 60s;
    Rig rig(config);
    rig.allHealthy();
    QSignalSpy changed(&rig.engine, &AlertEngine::activeAlertsChanged);
    const auto cpu = [&](double percent) {
        NodeSnapshot s = nodeSnap(kWorker1);
        s.cpuPercent = percent;
        rig.state.applyNode(s);
    };
    const auto active
        = [&] { return rig.engine.activeAlert(QStringLiteral("cpu_high"), kWorker1); };

    rig.run(0, 5, [&](int) { cpu(95.0); });
    QCOMPARE(changed.count(), 1);
    QVERIFY(!active()->isClearing());

    rig.run(6, 6, [&](int) { cpu(10.0); });
    QCOMPARE(changed.count(), 2);
    QVERIFY(active()->isClearing());
    QCOMPARE(active()->resolvesAtMs, qint64(66'000));
    QCOMPARE(cw::toString(active()->state), cw::toString(AlertState::Firing));
    QCOMPARE(active()->summary,
        QStringLiteral("CPU 95.0 % on n8n-worker-1 (> 80 %)")); // the last figure while firing
    QCOMPARE(rig.engine.activeAlerts().constFirst().resolvesAtMs, qint64(66'000));
    rig.run(7, 20, [&](int) { cpu(10.0); });
    QCOMPARE(changed.count(), 2); // nothing new to show while it stays clearing

    // It recurs: firing, not clearing.
    rig.run(21, 21, [&](int) { cpu(97.0); });
    QCOMPARE(changed.count(), 3);
    QVERIFY(!active()->isClearing());

    // Clears for good: clearing again, then resolved and gone.
    rig.run(22, 81, [&](int) { cpu(10.0); });
    QVERIFY(active()->isClearing());
    QCOMPARE(active()->resolvesAtMs, qint64(82'000));
    rig.run(82, 82, [&](int) { cpu(10.0); });
    QVERIFY(!active());
    QCOMPARE(
        rig.timeline(QStringLiteral("cpu_high"), kWorker1), QStringLiteral("0:firing 82:resolved"));
    QVERIFY(rig.transitions.constLast().resolvesAtMs == 0);
}

void TestAlertRules::unknownKeepsState()
{
    // A firing queue backlog is not resolved by Redis going away: nothing is known about the queue.
    ClusterConfig config = cluster();
    rule(config, "queue_backlog").forDuration = 0s;
    rule(config, "queue_backlog").recoveryHold = 0s;
    Rig rig(config);
    rig.allHealthy();
    rig.state.applyRedis(redisSnap(true, 5000));
    rig.run(0, 1);
    rig.state.applyRedis(redisSnap(false));
    rig.run(2, 30);
    QCOMPARE(rig.timeline(QStringLiteral("queue_backlog"), QStringLiteral("queue")),
        QStringLiteral("0:firing"));
    rig.state.applyRedis(redisSnap(true, 3));
    rig.run(31, 31);
    QCOMPARE(rig.timeline(QStringLiteral("queue_backlog"), QStringLiteral("queue")),
        QStringLiteral("0:firing 31:resolved"));
}

QTEST_GUILESS_MAIN(TestAlertRules)
#include "tst_alertrules.moc"
