// The failover drill file: the shipped examples on the sandbox cluster, defaults, one exact error
// per mistake (file, line, field), the checks against the cluster file, and write -> read.

#include "TestSupport.h"
#include "services/config/ConfigLoader.h"
#include "services/drills/DrillFile.h"

#include <QDir>
#include <QHash>
#include <QLocale>
#include <QTemporaryDir>
#include <QTest>

using namespace cw;
using namespace std::chrono_literals;

namespace {

/// main and w1 run in containers, w2 does not; a load balancer and Redis, no PostgreSQL.
ClusterConfig testCluster()
{
    ClusterConfig cluster;
    cluster.name = QStringLiteral("prod");
    cluster.sourceFile = QStringLiteral("/etc/clusterwatch/cluster.yaml");
    cluster.loadBalancerUrl = QUrl(QStringLiteral("http://127.0.0.1:8080"));
    cluster.nodes = {
        NodeConfig { QStringLiteral("main"), NodeRole::Main,
            QUrl(QStringLiteral("http://127.0.0.1:5678")), QStringLiteral("n8n-main") },
        NodeConfig { QStringLiteral("w1"), NodeRole::Worker,
            QUrl(QStringLiteral("http://127.0.0.1:5679")), QStringLiteral("n8n-worker-1") },
        NodeConfig { QStringLiteral("w2"), NodeRole::Worker,
            QUrl(QStringLiteral("http://127.0.0.1:5680")), QString() },
    };
    cluster.redis.configured = true;
    return cluster;
}

/// Nodes only: no load balancer, Redis or PostgreSQL.
ClusterConfig bareCluster()
{
    ClusterConfig cluster = testCluster();
    cluster.loadBalancerUrl = QUrl();
    cluster.redis.configured = false;
    return cluster;
}

Result<DrillSpec> parse(const QByteArray &yaml, const ClusterConfig &cluster = testCluster())
{
    return parseDrillSpec(yaml, QStringLiteral("drill.yaml"), cluster);
}

/// The checks by their file names, for readable comparisons.
QStringList names(const QList<SteadyStateCheck> &checks)
{
    QStringList out;
    for (SteadyStateCheck check : checks)
        out.append(toString(check));
    return out;
}

/// resources/examples/sandbox.yaml with its passwords set, as the drill examples are checked
/// against it.
Result<ClusterConfig> sandboxCluster()
{
    const auto env = [](const QString &name) -> std::optional<QString> {
        if (name.startsWith(QLatin1String("CW_SANDBOX_")))
            return QStringLiteral("sandbox-secret");
        return std::nullopt;
    };
    return loadClusterConfig(
        cwtest::testDataPath(QStringLiteral("../../resources/examples/sandbox.yaml")), env);
}

const QString kExamples = QStringLiteral("../../resources/examples/");

const QByteArray kMinimal = "name: w1 stop\n" // 1
                            "target: w1\n" // 2
                            "fault: stop\n"; // 3

} // namespace

class TestDrillSpec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void exampleLoadsOnTheSandbox();
    void everyExampleLoadsOnTheSandbox();
    void fullFile();
    void minimalDefaults();
    void minimalDefaultsOnABareCluster();
    void infrastructureTargets();
    void recoveryFollowsTheFault();
    void errors_data();
    void errors();
    void loadFileErrors();
    void roundTrip_data();
    void roundTrip();
    void writtenFileIsCommented();
};

void TestDrillSpec::exampleLoadsOnTheSandbox()
{
    const Result<ClusterConfig> cluster = sandboxCluster();
    QVERIFY2(cluster.ok(), qPrintable(cluster.ok() ? QString() : cluster.error()));
    const Result<DrillSpec> drill
        = loadDrillFile(cwtest::testDataPath(kExamples + QStringLiteral("drill-worker-stop.yaml")),
            cluster.value());
    QVERIFY2(drill.ok(), qPrintable(drill.ok() ? QString() : drill.error()));
    const DrillSpec &spec = drill.value();
    QCOMPARE(spec.name, QStringLiteral("worker-1 stop"));
    QCOMPARE(toString(spec.target.kind), toString(DrillTargetKind::Node));
    QCOMPARE(spec.target.node, QStringLiteral("n8n-worker-1"));
    QCOMPARE(spec.target.container, QStringLiteral("n8n-worker-1"));
    QCOMPARE(toString(spec.fault), toString(DrillFault::Stop));
    QCOMPARE(toString(spec.duration.kind), toString(DrillDurationKind::UntilRecovered));
    QVERIFY(spec.prober.enabled);
    QCOMPARE(spec.prober.requestsPerSecond, 10);
    QVERIFY(spec.abort.errorRate.has_value());
    QCOMPARE(spec.abort.errorRate->abovePercent, 50.0);
    QCOMPARE(spec.abort.errorRate->forDuration, 10s);
    QCOMPARE(toString(spec.recovery.action), toString(RecoveryAction::Start));
    QVERIFY(spec.recovery.automatic);
}

void TestDrillSpec::everyExampleLoadsOnTheSandbox()
{
    const Result<ClusterConfig> cluster = sandboxCluster();
    QVERIFY2(cluster.ok(), qPrintable(cluster.ok() ? QString() : cluster.error()));
    const QDir dir(cwtest::testDataPath(kExamples));
    const QStringList files
        = dir.entryList({ QStringLiteral("drill-*.yaml") }, QDir::Files, QDir::Name);
    const QStringList expected = { QStringLiteral("drill-main-stop.yaml"),
        QStringLiteral("drill-redis-stop.yaml"), QStringLiteral("drill-webhook-freeze.yaml"),
        QStringLiteral("drill-worker-stop.yaml") };
    for (const QString &name : expected)
        QVERIFY2(files.contains(name), qPrintable(name + QStringLiteral(" is missing")));
    QHash<QString, DrillSpec> specs;
    for (const QString &name : files) {
        const Result<DrillSpec> drill = loadDrillFile(dir.filePath(name), cluster.value());
        QVERIFY2(drill.ok(), qPrintable(drill.ok() ? QString() : drill.error()));
        const DrillSpec &spec = drill.value();
        // Each one can be run on the sandbox: a container to act on, a recovery that undoes
        // the fault, a prober through nginx, every check the sandbox allows.
        QVERIFY2(!spec.target.container.isEmpty(), qPrintable(name));
        QVERIFY2(canRecover(spec.fault, spec.recovery.action), qPrintable(name));
        QVERIFY2(spec.prober.enabled, qPrintable(name));
        QCOMPARE(spec.steadyState.size(), qsizetype(4));
        // Written back and read again, it is the same drill.
        const Result<DrillSpec> again
            = parseDrillSpec(writeDrillFile(spec), QStringLiteral("again.yaml"), cluster.value());
        QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error()));
        QVERIFY2(again.value() == spec, qPrintable(name));
        specs.insert(name, spec);
    }

    const DrillSpec freeze = specs.value(QStringLiteral("drill-webhook-freeze.yaml"));
    QCOMPARE(freeze.target.node, QStringLiteral("n8n-webhook-1"));
    QCOMPARE(freeze.target.container, QStringLiteral("n8n-webhook-1"));
    QCOMPARE(toString(freeze.fault), toString(DrillFault::Pause));
    QCOMPARE(toString(freeze.duration.kind), toString(DrillDurationKind::Fixed));
    QCOMPARE(freeze.duration.fixed, 45s);
    // A GET webhook of scripts/sandbox/seed.sql, which nginx sends to the webhook processors.
    QCOMPARE(freeze.prober.path, QStringLiteral("/webhook/probe-get"));
    QCOMPARE(freeze.prober.requestsPerSecond, 10);
    QCOMPARE(freeze.prober.slowThreshold, 1s);
    QCOMPARE(toString(freeze.recovery.action), toString(RecoveryAction::Unpause));

    const DrillSpec mainStop = specs.value(QStringLiteral("drill-main-stop.yaml"));
    QCOMPARE(mainStop.target.node, QStringLiteral("n8n-main"));
    QCOMPARE(toString(mainStop.fault), toString(DrillFault::Stop));
    QCOMPARE(mainStop.duration.fixed, 20s);
    QCOMPARE(mainStop.prober.path, QStringLiteral("/healthz"));
    QVERIFY(!mainStop.abort.errorRate.has_value());
    QCOMPARE(toString(mainStop.recovery.action), toString(RecoveryAction::Start));

    const DrillSpec redisStop = specs.value(QStringLiteral("drill-redis-stop.yaml"));
    QCOMPARE(toString(redisStop.target.kind), toString(DrillTargetKind::Redis));
    QCOMPARE(redisStop.target.container, QStringLiteral("n8n-redis"));
    QCOMPARE(toString(redisStop.fault), toString(DrillFault::Stop));
    // Longer than the 10 s after which n8n gives up on Redis and exits.
    QCOMPARE(redisStop.duration.fixed, 20s);
    QVERIFY(!redisStop.abort.errorRate.has_value());
    QCOMPARE(toString(redisStop.recovery.action), toString(RecoveryAction::Start));
}

void TestDrillSpec::fullFile()
{
    const QByteArray yaml = "name: \"freeze main\"\n"
                            "description: main hangs with its sockets open\n"
                            "target: main\n"
                            "fault: pause\n"
                            "duration: 90s\n"
                            "steady_state: [load_balancer_answers, all_nodes_healthy]\n"
                            "prober:\n"
                            "  enabled: yes\n"
                            "  path: /webhook/ping?x=1\n"
                            "  requests_per_second: 25\n"
                            "  slow_threshold: 1500ms\n"
                            "abort:\n"
                            "  error_rate: { above: 20 %, for: 10s }\n"
                            "  max_duration: 2m\n"
                            "recovery:\n"
                            "  action: restart\n"
                            "  automatic: false\n";
    const Result<DrillSpec> drill = parse(yaml);
    QVERIFY2(drill.ok(), qPrintable(drill.ok() ? QString() : drill.error()));
    const DrillSpec &spec = drill.value();
    QCOMPARE(spec.name, QStringLiteral("freeze main"));
    QCOMPARE(spec.description, QStringLiteral("main hangs with its sockets open"));
    QCOMPARE(spec.target.name(), QStringLiteral("main"));
    QCOMPARE(spec.target.container, QStringLiteral("n8n-main"));
    QCOMPARE(toString(spec.fault), toString(DrillFault::Pause));
    QCOMPARE(toString(spec.duration.kind), toString(DrillDurationKind::Fixed));
    QCOMPARE(spec.duration.fixed, 90s);
    const QList<SteadyStateCheck> checks
        = { SteadyStateCheck::LoadBalancerAnswers, SteadyStateCheck::AllNodesHealthy };
    QCOMPARE(names(spec.steadyState), names(checks));
    QVERIFY(spec.prober.enabled);
    QCOMPARE(spec.prober.path, QStringLiteral("/webhook/ping?x=1"));
    QCOMPARE(spec.prober.requestsPerSecond, 25);
    QCOMPARE(spec.prober.slowThreshold, 1500ms);
    QCOMPARE(spec.abort.errorRate->abovePercent, 20.0);
    QCOMPARE(spec.abort.errorRate->forDuration, 10s);
    QCOMPARE(spec.abort.maxDuration, 2min);
    QCOMPARE(toString(spec.recovery.action), toString(RecoveryAction::Restart));
    QVERIFY(!spec.recovery.automatic);
}

void TestDrillSpec::minimalDefaults()
{
    const Result<DrillSpec> drill = parse(kMinimal);
    QVERIFY2(drill.ok(), qPrintable(drill.ok() ? QString() : drill.error()));
    const DrillSpec &spec = drill.value();
    QCOMPARE(spec.name, QStringLiteral("w1 stop"));
    QVERIFY(spec.description.isEmpty());
    QCOMPARE(toString(spec.duration.kind), toString(DrillDurationKind::UntilDetected));
    // Every check this cluster can make: no PostgreSQL, so no stuck-execution check.
    const QList<SteadyStateCheck> checks = { SteadyStateCheck::AllNodesHealthy,
        SteadyStateCheck::LoadBalancerAnswers, SteadyStateCheck::QueueDraining };
    QCOMPARE(names(spec.steadyState), names(checks));
    QVERIFY(spec.prober.enabled);
    QCOMPARE(spec.prober.path, QStringLiteral("/healthz"));
    QCOMPARE(spec.prober.requestsPerSecond, 10);
    QCOMPARE(spec.prober.slowThreshold, 1s);
    QVERIFY(!spec.abort.errorRate.has_value());
    QCOMPARE(spec.abort.maxDuration, 10min);
    QCOMPARE(toString(spec.recovery.action), toString(RecoveryAction::Start));
    QVERIFY(spec.recovery.automatic);
}

void TestDrillSpec::minimalDefaultsOnABareCluster()
{
    const Result<DrillSpec> drill = parse(kMinimal, bareCluster());
    QVERIFY2(drill.ok(), qPrintable(drill.ok() ? QString() : drill.error()));
    QCOMPARE(names(drill.value().steadyState), QStringList { QStringLiteral("all_nodes_healthy") });
    QVERIFY(!drill.value().prober.enabled);
    // A disabled prober may still be written out in full.
    const Result<DrillSpec> off
        = parse(kMinimal + "prober: { enabled: false, path: /x }\n", bareCluster());
    QVERIFY2(off.ok(), qPrintable(off.ok() ? QString() : off.error()));
    QCOMPARE(off.value().prober.path, QStringLiteral("/x"));
}

void TestDrillSpec::infrastructureTargets()
{
    ClusterConfig cluster = testCluster();
    cluster.postgres.configured = true;
    const Result<DrillSpec> redis
        = parse("name: r\ntarget: redis\ncontainer: cw-redis\nfault: kill\n", cluster);
    QVERIFY2(redis.ok(), qPrintable(redis.ok() ? QString() : redis.error()));
    QCOMPARE(toString(redis.value().target.kind), toString(DrillTargetKind::Redis));
    QCOMPARE(redis.value().target.container, QStringLiteral("cw-redis"));
    QCOMPARE(redis.value().target.name(), QStringLiteral("redis"));
    const Result<DrillSpec> postgres = parse("name: p\ntarget: postgres\nfault: stop\n", cluster);
    QVERIFY(postgres.ok());
    QCOMPARE(toString(postgres.value().target.kind), toString(DrillTargetKind::Postgres));
    QVERIFY(postgres.value().target.container.isEmpty());
    const Result<DrillSpec> lb = parse("name: l\ntarget: load_balancer\nfault: restart\n", cluster);
    QVERIFY(lb.ok());
    QCOMPARE(toString(lb.value().target.kind), toString(DrillTargetKind::LoadBalancer));
}

void TestDrillSpec::recoveryFollowsTheFault()
{
    const auto recovery = [](const char *fault) {
        return parse("name: d\ntarget: w1\nfault: " + QByteArray(fault) + '\n').value().recovery;
    };
    QCOMPARE(toString(recovery("stop").action), toString(RecoveryAction::Start));
    QCOMPARE(toString(recovery("kill").action), toString(RecoveryAction::Start));
    QCOMPARE(toString(recovery("pause").action), toString(RecoveryAction::Unpause));
    QCOMPARE(toString(recovery("restart").action), toString(RecoveryAction::Start));
}

void TestDrillSpec::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<bool>("bare");
    QTest::addColumn<QString>("error");

    const auto row
        = [](const char *name, const QByteArray &yaml, const char *error, bool bare = false) {
              QTest::newRow(name) << yaml << bare << QString::fromUtf8(error);
          };
    row("fault typo", "name: d\ntarget: w1\nfault: stpo\n",
        "drill.yaml:3: fault: expected one of stop, kill, pause, restart, got 'stpo'");
    row("unknown key with hint", kMinimal + "durration: 90s\n",
        "drill.yaml:4: durration: unknown key (did you mean 'duration'?); expected one of name, "
        "description, target, container, fault, duration, steady_state, prober, abort, recovery");
    row("unknown key without hint", kMinimal + "colour: red\n",
        "drill.yaml:4: colour: unknown key; expected one of name, description, target, "
        "container, fault, duration, steady_state, prober, abort, recovery");
    row("unknown nested key", kMinimal + "abort:\n  error_rat: { above: 5%, for: 1s }\n",
        "drill.yaml:5: abort.error_rat: unknown key (did you mean 'error_rate'?); expected one of "
        "error_rate, max_duration");
    row("duplicate key", kMinimal + "fault: kill\n",
        "drill.yaml:4: fault: duplicate key (first given on line 3)");
    row("missing name", "target: w1\nfault: stop\n",
        "drill.yaml:1: name: required field is missing");
    row("empty name", "name: ''\ntarget: w1\nfault: stop\n",
        "drill.yaml:1: name: must not be empty");
    row("missing fault", "name: d\ntarget: w1\n", "drill.yaml:1: fault: required field is missing");
    row("null fault", "name: d\ntarget: w1\nfault:\n",
        "drill.yaml:3: fault: required field is missing");
    row("fault list", "name: d\ntarget: w1\nfault: [stop]\n",
        "drill.yaml:3: fault: expected a single value, got a list");
    row("unknown node", "name: d\ntarget: w9\nfault: stop\n",
        "drill.yaml:2: target: 'w9' is not a node of cluster.yaml; expected one of main, w1, w2, "
        "redis, postgres, load_balancer");
    row("node without container", "name: d\ntarget: w2\nfault: stop\n",
        "drill.yaml:2: target: node 'w2' has no container in cluster.yaml; a drill acts on a "
        "container");
    row("container for a node", kMinimal + "container: other\n",
        "drill.yaml:4: container: a node's container comes from cluster.yaml (n8n-worker-1); "
        "remove this key");
    row("postgres not configured", "name: d\ntarget: postgres\nfault: stop\n",
        "drill.yaml:2: target: postgres needs a postgres: section in cluster.yaml");
    row("redis not configured", "name: d\ntarget: redis\nfault: stop\n",
        "drill.yaml:2: target: redis needs a redis: section in cluster.yaml", true);
    row("no load balancer", "name: d\ntarget: load_balancer\nfault: stop\n",
        "drill.yaml:2: target: load_balancer needs load_balancer: in cluster.yaml", true);
    row("bad duration", kMinimal + "duration: until_done\n",
        "drill.yaml:4: duration: expected until_detected, until_recovered or a duration like 90s, "
        "got 'until_done'");
    row("bad duration unit", kMinimal + "duration: 90x\n",
        "drill.yaml:4: duration: expected a duration like 500ms, 2s, 1m, 1h or a number of "
        "seconds, got '90x'");
    row("zero duration", kMinimal + "duration: 0s\n",
        "drill.yaml:4: duration: must be at least 1ms, got '0s'");
    row("check typo", kMinimal + "steady_state:\n  - all_nodes_healthy\n  - queue_drainig\n",
        "drill.yaml:6: steady_state[1]: expected one of all_nodes_healthy, load_balancer_answers, "
        "queue_draining, no_stuck_executions, got 'queue_drainig'");
    row("check twice", kMinimal + "steady_state: [queue_draining, queue_draining]\n",
        "drill.yaml:4: steady_state[1]: queue_draining is listed twice");
    row("check needs postgres", kMinimal + "steady_state: [no_stuck_executions]\n",
        "drill.yaml:4: steady_state[0]: no_stuck_executions needs a postgres: section in "
        "cluster.yaml");
    row("check needs load balancer", kMinimal + "steady_state: [load_balancer_answers]\n",
        "drill.yaml:4: steady_state[0]: load_balancer_answers needs load_balancer: in "
        "cluster.yaml",
        true);
    row("no checks", kMinimal + "steady_state: []\n",
        "drill.yaml:4: steady_state: must list at least one check");
    row("checks not a list", kMinimal + "steady_state: all_nodes_healthy\n",
        "drill.yaml:4: steady_state: expected a list of checks (all_nodes_healthy, "
        "load_balancer_answers, queue_draining, no_stuck_executions)");
    row("prober without load balancer", kMinimal + "prober:\n  path: /healthz\n",
        "drill.yaml:5: prober: probes the load balancer and needs load_balancer: in cluster.yaml",
        true);
    row("prober rate too low", kMinimal + "prober:\n  requests_per_second: 5\n",
        "drill.yaml:5: prober.requests_per_second: '5' is out of range (10-1000)");
    row("prober rate not a number", kMinimal + "prober:\n  requests_per_second: fast\n",
        "drill.yaml:5: prober.requests_per_second: expected a whole number, got 'fast'");
    row("prober path", kMinimal + "prober:\n  path: healthz\n",
        "drill.yaml:5: prober.path: expected a path on the load balancer like /healthz, got "
        "'healthz'");
    row("prober enabled", kMinimal + "prober:\n  enabled: maybe\n",
        "drill.yaml:5: prober.enabled: expected true or false, got 'maybe'");
    row("prober not a map", kMinimal + "prober: on\n",
        "drill.yaml:4: prober: expected a map with keys enabled, path, requests_per_second, "
        "slow_threshold");
    row("error rate above 100", kMinimal + "abort:\n  error_rate: { above: 120%, for: 10s }\n",
        "drill.yaml:5: abort.error_rate.above: expected a percentage above 0 and at most 100 "
        "like 20%, got '120%'");
    row("error rate without for", kMinimal + "abort:\n  error_rate: { above: 20% }\n",
        "drill.yaml:5: abort.error_rate.for: required field is missing");
    row("error rate without prober",
        kMinimal + "prober: { enabled: false }\nabort:\n  error_rate: { above: 20%, for: 1s }\n",
        "drill.yaml:6: abort.error_rate: needs the prober (it counts the load balancer's errors)");
    row("max duration below duration", kMinimal + "duration: 5m\nabort: { max_duration: 1m }\n",
        "drill.yaml:5: abort.max_duration: is shorter than the drill's duration");
    row("recovery typo", kMinimal + "recovery: { action: strat }\n",
        "drill.yaml:4: recovery.action: expected one of start, unpause, restart, got 'strat'");
    row("unpause after stop", kMinimal + "recovery: { action: unpause }\n",
        "drill.yaml:4: recovery.action: unpause does not undo stop; expected start or restart");
    row("start after pause", "name: d\ntarget: w1\nfault: pause\nrecovery: { action: start }\n",
        "drill.yaml:4: recovery.action: start does not undo pause; expected unpause or restart");
    row("empty file", "", "drill.yaml:1: the file is empty; expected a drill");
    row("not a map", "- a\n- b\n", "drill.yaml:1: expected a map of settings (name, target, ...)");
    row("syntax", "name: [unclosed\n",
        "drill.yaml:2: YAML syntax error: end of sequence flow not found");
}

void TestDrillSpec::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(bool, bare);
    QFETCH(QString, error);
    const Result<DrillSpec> drill = parse(yaml, bare ? bareCluster() : testCluster());
    QVERIFY2(!drill.ok(), "the file was accepted");
    QCOMPARE(drill.error(), error);
}

void TestDrillSpec::loadFileErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("nope.yaml"));
    const Result<DrillSpec> none = loadDrillFile(missing, testCluster());
    QVERIFY(!none.ok());
    QVERIFY2(none.error().startsWith(missing + QStringLiteral(": cannot open: ")),
        qPrintable(none.error()));
    const QString path = cwtest::writeFile(dir, QStringLiteral("drill.yaml"), "name: d\n");
    const Result<DrillSpec> bad = loadDrillFile(path, testCluster());
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error(), path + QStringLiteral(":1: target: required field is missing"));
    const QString big
        = cwtest::writeFile(dir, QStringLiteral("big.yaml"), QByteArray(70 * 1024, '#'));
    QCOMPARE(loadDrillFile(big, testCluster()).error(),
        big + QStringLiteral(":1: the file is larger than 64 KiB; is this a drill file?"));
}

void TestDrillSpec::roundTrip_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<bool>("bare");
    QTest::newRow("minimal") << kMinimal << false;
    QTest::newRow("minimal, bare cluster") << kMinimal << true;
    QTest::newRow("full") << QByteArray("name: \"a \\\"quoted\\\" name: # not a comment\"\n"
                                        "description: \"line one\\nline two\\ttab \\\\ ü\"\n"
                                        "target: main\nfault: pause\nduration: 1500ms\n"
                                        "steady_state: [queue_draining, all_nodes_healthy]\n"
                                        "prober: { path: '/webhook/x?a=1&b=2', "
                                        "requests_per_second: 37, slow_threshold: 2.5s }\n"
                                        "abort: { error_rate: { above: 33.3%, for: 0.25s }, "
                                        "max_duration: 1h }\n"
                                        "recovery: { action: restart, automatic: off }\n")
                          << false;
    QTest::newRow("infrastructure") << QByteArray(
        "name: r\ntarget: redis\ncontainer: cw-redis\nfault: kill\nduration: until_recovered\n")
                                    << false;
    QTest::newRow("tiny percentage") << kMinimal
            + "abort: { error_rate: { above: 0.00001, "
              "for: 1ms } }\n" << false;
}

void TestDrillSpec::roundTrip()
{
    QFETCH(QByteArray, yaml);
    QFETCH(bool, bare);
    const ClusterConfig cluster = bare ? bareCluster() : testCluster();
    const Result<DrillSpec> first = parse(yaml, cluster);
    QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error()));
    const QByteArray written = writeDrillFile(first.value());
    const Result<DrillSpec> second = parse(written, cluster);
    QVERIFY2(second.ok(),
        qPrintable((second.ok() ? QString() : second.error()) + QLatin1Char('\n')
            + QString::fromUtf8(written)));
    QVERIFY2(second.value() == first.value(), written.constData());
    QCOMPARE(writeDrillFile(second.value()), written);
}

void TestDrillSpec::writtenFileIsCommented()
{
    const QByteArray written = writeDrillFile(parse(kMinimal).value());
    QVERIFY(written.startsWith("# Clusterwatch failover drill"));
    QVERIFY(written.contains("\nname: \"w1 stop\"\n"));
    QVERIFY(written.contains("\ntarget: \"w1\"\n"));
    QVERIFY(written.contains("\nfault: stop\n"));
    QVERIFY(written.contains("\nduration: until_detected\n"));
    QVERIFY(written.contains("\n  - queue_draining\n"));
    QVERIFY(written.contains("  max_duration: 10m"));
    QVERIFY(written.count("\n#") >= 6);
}

QTEST_GUILESS_MAIN(TestDrillSpec)
#include "tst_drillspec.moc"
