// The cluster file parser: the shipped example, defaults, and one error per mistake an operator
// can make, each naming the file, the line and the field, and never showing a password.

#include "TestSupport.h"
#include "services/config/ConfigLoader.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QTemporaryDir>
#include <QTest>
#include <map>

using namespace cw;
using namespace std::chrono_literals;

namespace {

const QString kSecret = QStringLiteral("Hunter2-S3cr3t-Value");

EnvLookup fakeEnvironment()
{
    return [](const QString &name) -> std::optional<QString> {
        static const QStringList known
            = { QStringLiteral("REDIS_PASSWORD"), QStringLiteral("DB_PASSWORD"),
                  QStringLiteral("CW_REDIS_PASSWORD"), QStringLiteral("CW_DB_PASSWORD") };
        if (known.contains(name))
            return kSecret + QLatin1Char('-') + name;
        if (name == QLatin1String("EMPTY_PASSWORD"))
            return QString();
        return std::nullopt;
    };
}

QString examplePath()
{
    return cwtest::testDataPath(QStringLiteral("../../resources/examples/cluster.yaml"));
}

const char kBase[] = "name: prod\n" // 1
                     "nodes:\n" // 2
                     "  - name: main\n" // 3
                     "    role: main\n" // 4
                     "    url: http://127.0.0.1:5678\n" // 5
                     "  - name: w1\n" // 6
                     "    role: worker\n" // 7
                     "    url: http://127.0.0.1:5679\n"; // 8

} // namespace

class TestConfigLoader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void exampleFileLoads();
    void defaults();
    void fullFile();
    void emptySections();
    void durations_data();
    void durations();
    void sizes_data();
    void sizes();
    void badFiles_data();
    void badFiles();
    void missingFile();
    void systemEnvironmentReadsVariables();
    // --- docker ---
    void actionsSection();
    void healthSection();
    void dockerDefaults();
    void dockerFromEnvironment();
    void dockerSectionOverridesEnvironment();
    void dockerTcpDefaults_data();
    void dockerTcpDefaults();
    void dockerBadValues_data();
    void dockerBadValues();
    // --- end docker ---
    // --- alert rules ---
    void alertsDefaults();
    void alertsSection();
    void alertsStuckThresholdFollowsPostgres();
    void alertsEveryRuleConfigurable();
    void alertsBadValues_data();
    void alertsBadValues();
    // --- end alert rules ---
};

void TestConfigLoader::exampleFileLoads()
{
    const Result<ClusterConfig> result = loadClusterConfig(examplePath(), fakeEnvironment());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const ClusterConfig &c = result.value();

    QCOMPARE(c.name, QStringLiteral("n8n-production"));
    QCOMPARE(c.sourceFile, QFileInfo(examplePath()).absoluteFilePath());
    QVERIFY(QDir::isAbsolutePath(c.sourceFile));
    QCOMPARE(c.pollInterval, 1000ms);
    QCOMPARE(c.timeouts.connect, 2000ms);
    QCOMPARE(c.timeouts.request, 3000ms);
    QCOMPARE(c.maxBodyBytes, qint64(4 * 1024 * 1024));
    QCOMPARE(c.loadBalancerUrl, QUrl(QStringLiteral("http://127.0.0.1:8080")));

    QCOMPARE(c.nodes.size(), 3);
    const QStringList names = { QStringLiteral("n8n-main"), QStringLiteral("n8n-worker-1"),
        QStringLiteral("n8n-worker-2") };
    const QList<NodeRole> roles = { NodeRole::Main, NodeRole::Worker, NodeRole::Worker };
    const QList<int> ports = { 5678, 5679, 5680 };
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(c.nodes[i].name, names[i]);
        QCOMPARE(toString(c.nodes[i].role), toString(roles[i]));
        QCOMPARE(c.nodes[i].baseUrl.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(c.nodes[i].baseUrl.port(), ports[i]);
        QCOMPARE(c.nodes[i].container, names[i]);
    }

    QVERIFY(c.redis.configured);
    QCOMPARE(c.redis.endpoint(), QStringLiteral("127.0.0.1:6379/0"));
    QCOMPARE(c.redis.password, kSecret + QStringLiteral("-REDIS_PASSWORD"));
    QCOMPARE(c.redis.prefix, QStringLiteral("bull"));
    QCOMPARE(c.redis.queue, QStringLiteral("jobs"));

    QVERIFY(c.postgres.configured);
    QCOMPARE(c.postgres.endpoint(), QStringLiteral("n8n@127.0.0.1:5432/n8n"));
    QCOMPARE(c.postgres.password, kSecret + QStringLiteral("-DB_PASSWORD"));
    QCOMPARE(c.postgres.sslmode, QStringLiteral("prefer"));
    QCOMPARE(c.postgres.schema, QStringLiteral("public"));
    QCOMPARE(c.postgres.tablePrefix, QString());
    QCOMPARE(c.postgres.stuckRunningAfter, Millis(10min));
}

void TestConfigLoader::defaults()
{
    const Result<ClusterConfig> result
        = parseClusterConfig(cwtest::readTestData(QStringLiteral("config/minimal.yaml")),
            QStringLiteral("minimal.yaml"), fakeEnvironment());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const ClusterConfig &c = result.value();
    QCOMPARE(c.name, QStringLiteral("staging"));
    QCOMPARE(c.pollInterval, 1s);
    QCOMPARE(c.timeouts.connect, 2s);
    QCOMPARE(c.timeouts.request, 3s);
    QCOMPARE(c.maxBodyBytes, qint64(4 * 1024 * 1024));
    QVERIFY(c.loadBalancerUrl.isEmpty());
    QCOMPARE(c.nodes.size(), 1);
    QVERIFY(c.nodes[0].container.isEmpty());
    QVERIFY(!c.redis.configured);
    QVERIFY(!c.postgres.configured);
    QCOMPARE(c.redis.port, 6379);
    QCOMPARE(c.postgres.port, 5432);
}

void TestConfigLoader::fullFile()
{
    const Result<ClusterConfig> result
        = parseClusterConfig(cwtest::readTestData(QStringLiteral("config/full.yaml")),
            QStringLiteral("full.yaml"), fakeEnvironment());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const ClusterConfig &c = result.value();
    QCOMPARE(c.name, QStringLiteral("n8n prod (eu-west)"));
    QCOMPARE(c.pollInterval, 500ms);
    QCOMPARE(c.timeouts.connect, 250ms);
    QCOMPARE(c.timeouts.request, Millis(1min));
    QCOMPARE(c.maxBodyBytes, qint64(512 * 1024));
    QCOMPARE(c.loadBalancerUrl.scheme(), QStringLiteral("https"));
    QCOMPARE(c.nodes.size(), 4);
    QCOMPARE(c.nodes[0].container, QStringLiteral("n8n-main-a"));
    QCOMPARE(c.nodes[1].baseUrl.host(), QStringLiteral("::1"));
    QCOMPARE(toString(c.nodes[2].role), QStringLiteral("worker"));
    QCOMPARE(toString(c.nodes[3].role), QStringLiteral("webhook"));
    QCOMPARE(c.nodes[3].baseUrl.path(), QStringLiteral("/n8n/"));
    QCOMPARE(c.redis.endpoint(), QStringLiteral("127.0.0.1:16390/2"));
    QCOMPARE(c.redis.password, kSecret + QStringLiteral("-CW_REDIS_PASSWORD"));
    QCOMPARE(c.redis.prefix, QStringLiteral("bull2"));
    QCOMPARE(c.postgres.endpoint(), QStringLiteral("monitor@db.internal:15432/n8n2"));
    QCOMPARE(c.postgres.password, kSecret + QStringLiteral("-CW_DB_PASSWORD"));
    QCOMPARE(c.postgres.sslmode, QStringLiteral("verify-full"));
    QCOMPARE(c.postgres.schema, QStringLiteral("n8n_data"));
    QCOMPARE(c.postgres.tablePrefix, QStringLiteral("n8n_"));
    QCOMPARE(c.postgres.stuckRunningAfter, Millis(2h));
}

void TestConfigLoader::emptySections()
{
    const Result<ClusterConfig> result
        = parseClusterConfig(cwtest::readTestData(QStringLiteral("config/sections_empty.yaml")),
            QStringLiteral("sections_empty.yaml"), fakeEnvironment());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(result.value().pollInterval, 2s);
    QVERIFY(result.value().redis.configured);
    QVERIFY(result.value().postgres.configured);
    QCOMPARE(result.value().redis.endpoint(), QStringLiteral("127.0.0.1:6379/0"));
    QVERIFY(result.value().redis.password.isEmpty());
    QCOMPARE(result.value().postgres.sslmode, QStringLiteral("prefer"));
}

void TestConfigLoader::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("ms") << "500ms" << qint64(500);
    QTest::newRow("s") << "2s" << qint64(2000);
    QTest::newRow("m") << "1m" << qint64(60000);
    QTest::newRow("h") << "1h" << qint64(3600000);
    QTest::newRow("plain seconds") << "3" << qint64(3000);
    QTest::newRow("fractional seconds") << "0.5" << qint64(500);
    QTest::newRow("fractional with unit") << "1.5s" << qint64(1500);
    QTest::newRow("quoted") << "\"10m\"" << qint64(600000);
}

void TestConfigLoader::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    const QByteArray yaml = QByteArray(kBase) + "poll_interval: " + text.toUtf8()
        + "\npostgres:\n  stuck_running_after: " + text.toUtf8() + "\n";
    const Result<ClusterConfig> result
        = parseClusterConfig(yaml, QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(result.value().pollInterval.count(), ms);
    QCOMPARE(result.value().postgres.stuckRunningAfter.count(), ms);
}

void TestConfigLoader::sizes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("bytes");
    QTest::newRow("MiB") << "4MiB" << qint64(4 * 1024 * 1024);
    QTest::newRow("KiB") << "512KiB" << qint64(512 * 1024);
    QTest::newRow("B") << "2048B" << qint64(2048);
    QTest::newRow("plain bytes") << "1048576" << qint64(1048576);
    QTest::newRow("space before unit") << "8 MiB" << qint64(8 * 1024 * 1024);
}

void TestConfigLoader::sizes()
{
    QFETCH(QString, text);
    const QByteArray yaml = QByteArray(kBase) + "max_body: " + text.toUtf8() + "\n";
    const Result<ClusterConfig> result
        = parseClusterConfig(yaml, QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QTEST(result.value().maxBodyBytes, "bytes");
}

void TestConfigLoader::badFiles_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected"); // the error starts with this

    const QByteArray base(kBase);
    const auto add = [](const char *tag, const QByteArray &yaml, const char *expected) {
        QTest::newRow(tag) << yaml << QString::fromUtf8(expected);
    };

    add("unknown top-level key", base + "pol_interval: 1s\n",
        "cluster.yaml:9: pol_interval: unknown key (did you mean 'poll_interval'?); expected one "
        "of name, ");
    add("unknown node key",
        QByteArray(base).replace(
            "    url: http://127.0.0.1:5679", "    urll: http://127.0.0.1:5679"),
        "cluster.yaml:8: nodes[1].urll: unknown key (did you mean 'url'?)");
    add("unknown redis key", base + "redis:\n  hots: 10.0.0.1\n",
        "cluster.yaml:10: redis.hots: unknown key (did you mean 'host'?)");
    add("unknown postgres key", base + "postgres:\n  port: 5432\n  ssl_mode: require\n",
        "cluster.yaml:11: postgres.ssl_mode: unknown key (did you mean 'sslmode'?)");
    add("unknown key without a close match", base + "colour: blue\n",
        "cluster.yaml:9: colour: unknown key; expected one of name, poll_interval, timeouts, "
        "max_body, "
        "load_balancer, health, nodes, redis, postgres");
    add("duplicate key", base + "redis:\n  port: 6379\n  port: 6380\n",
        "cluster.yaml:11: redis.port: duplicate key (first given on line 10)");
    add("missing name", QByteArray(base).replace("name: prod\n", "# no name\n"),
        "cluster.yaml:2: name: required field is missing");
    add("empty name", QByteArray(base).replace("name: prod\n", "name: \"  \"\n"),
        "cluster.yaml:1: name: must not be empty");
    add("missing nodes", "name: prod\npoll_interval: 1s\n",
        "cluster.yaml:1: nodes: required field is missing");
    add("nodes without value", "name: prod\nnodes:\n",
        "cluster.yaml:2: nodes: required field is missing");
    add("empty node list", "name: prod\nnodes: []\n",
        "cluster.yaml:2: nodes: at least one node is required");
    add("nodes is a map", "name: prod\nnodes:\n  main: http://127.0.0.1:5678\n",
        "cluster.yaml:3: nodes: expected a list of nodes");
    add("node is a string", "name: prod\nnodes:\n  - http://127.0.0.1:5678\n",
        "cluster.yaml:3: nodes[0]: expected a map with keys name, role, url, container");
    add("node without url", QByteArray(base).replace("    url: http://127.0.0.1:5679\n", ""),
        "cluster.yaml:6: nodes[1].url: required field is missing");
    add("node without role", QByteArray(base).replace("    role: main\n", ""),
        "cluster.yaml:3: nodes[0].role: required field is missing");
    add("duplicate node name", QByteArray(base).replace("name: w1", "name: main"),
        "cluster.yaml:6: nodes[1].name: duplicate node name 'main' (first used on line 3)");
    add("duplicate node name with a placeholder in it",
        QByteArray(base)
            .replace("name: main", "name: \"m%2\"")
            .replace("name: w1", "name: \"m%2\""),
        "cluster.yaml:6: nodes[1].name: duplicate node name 'm%2' (first used on line 3)");
    add("bad role", QByteArray(base).replace("role: worker", "role: wroker"),
        "cluster.yaml:7: nodes[1].role: expected one of main, worker, webhook, got 'wroker'");
    add("bad url scheme", base + "  - name: x\n    role: worker\n    url: htp://x\n",
        "cluster.yaml:11: nodes[2].url: 'htp://x' is not an http(s) URL");
    add("url without scheme",
        QByteArray(base).replace("url: http://127.0.0.1:5678", "url: 127.0.0.1:5678"),
        "cluster.yaml:5: nodes[0].url: '127.0.0.1:5678' is not an http(s) URL");
    add("url with bad port", QByteArray(base).replace("5679", "99999"),
        "cluster.yaml:8: nodes[1].url: 'http://127.0.0.1:99999' is not an http(s) URL");
    add("url with credentials",
        QByteArray(base).replace("http://127.0.0.1:5678",
            QByteArray("http://admin:" + kSecret.toUtf8() + "@127.0.0.1:5678")),
        "cluster.yaml:5: nodes[0].url: must not contain a user name or password (the URL is not "
        "shown)");
    add("malformed url with credentials",
        QByteArray(base).replace("http://127.0.0.1:5678",
            QByteArray("http://admin:" + kSecret.toUtf8() + "@127.0.0.1:99999")),
        "cluster.yaml:5: nodes[0].url: must not contain a user name or password (the URL is not "
        "shown)");
    add("url with port 0", QByteArray(base).replace("5679", "0"),
        "cluster.yaml:8: nodes[1].url: 'http://127.0.0.1:0' has port 0");
    add("bad load balancer url", base + "load_balancer: ftp://127.0.0.1\n",
        "cluster.yaml:9: load_balancer: 'ftp://127.0.0.1' is not an http(s) URL");
    add("redis port out of range", base + "redis:\n  port: 70000\n",
        "cluster.yaml:10: redis.port: '70000' is out of range (1-65535)");
    add("postgres port zero", base + "postgres:\n  port: 0\n",
        "cluster.yaml:10: postgres.port: '0' is out of range (1-65535)");
    add("port not a number", base + "redis:\n  port: six\n",
        "cluster.yaml:10: redis.port: expected a port number, got 'six'");
    add("huge port", base + "redis:\n  port: 99999999999999999999999\n",
        "cluster.yaml:10: redis.port: '99999999999999999999999' is out of range (1-65535)");
    add("negative db", base + "redis:\n  db: -1\n",
        "cluster.yaml:10: redis.db: '-1' is out of range");
    add("negative duration", base + "poll_interval: -1s\n",
        "cluster.yaml:9: poll_interval: must be greater than zero, got '-1s'");
    add("zero duration", base + "timeouts:\n  connect: 0\n",
        "cluster.yaml:10: timeouts.connect: must be greater than zero, got '0'");
    add("zero ms", base + "timeouts: { request: 0ms }\n",
        "cluster.yaml:9: timeouts.request: must be greater than zero, got '0ms'");
    add("sub-millisecond", base + "poll_interval: 0.0001\n",
        "cluster.yaml:9: poll_interval: must be at least 1ms, got '0.0001'");
    add("bad duration unit", base + "poll_interval: 5 minutes\n",
        "cluster.yaml:9: poll_interval: expected a duration like 500ms, 2s, 1m, 1h or a number of "
        "seconds, "
        "got '5 minutes'");
    add("duration too long", base + "postgres:\n  stuck_running_after: 9000000h\n",
        "cluster.yaml:10: postgres.stuck_running_after: '9000000h' is too long");
    add("unknown timeouts key", base + "timeouts:\n  read: 2s\n",
        "cluster.yaml:10: timeouts.read: unknown key; expected one of connect, request");
    add("bad size unit", base + "max_body: 4GB\n",
        "cluster.yaml:9: max_body: expected a size like 4MiB, 512KiB or a number of bytes, got "
        "'4GB'");
    add("size too small", base + "max_body: 10B\n",
        "cluster.yaml:9: max_body: '10B' is out of range (1KiB to 1024MiB)");
    add("literal redis password",
        base + "redis:\n  host: 127.0.0.1\n  password: " + kSecret.toUtf8() + "\n",
        "cluster.yaml:11: redis.password: a literal password is not allowed here (the value is not "
        "shown); "
        "write an environment variable reference like ${DB_PASSWORD}");
    add("literal postgres password, quoted",
        base + "postgres:\n  password: \"" + kSecret.toUtf8() + "\"\n",
        "cluster.yaml:10: postgres.password: a literal password is not allowed here");
    add("password that looks almost like a reference",
        base + "postgres:\n  password: $" + kSecret.toUtf8() + "\n",
        "cluster.yaml:10: postgres.password: a literal password is not allowed here");
    add("password as a map", base + "postgres:\n  password: { env: DB_PASSWORD }\n",
        "cluster.yaml:10: postgres.password: must be an environment variable reference like "
        "${DB_PASSWORD}");
    add("unset environment variable",
        base + "postgres:\n  user: n8n\n  password: ${NOT_SET_ANYWHERE}\n",
        "cluster.yaml:11: postgres.password: environment variable NOT_SET_ANYWHERE is not set");
    add("bad sslmode", base + "postgres:\n  sslmode: on\n",
        "cluster.yaml:10: postgres.sslmode: expected one of disable, allow, prefer, require, "
        "verify-ca, "
        "verify-full, got 'on'");
    add("bad schema", base + "postgres:\n  schema: public; drop table x\n",
        "cluster.yaml:10: postgres.schema: 'public; drop table x' must be letters, digits and '_' "
        "only");
    add("bad table prefix", base + "postgres:\n  table_prefix: a-b\n",
        "cluster.yaml:10: postgres.table_prefix: 'a-b' must be letters, digits and '_' only");
    add("bad host", base + "redis:\n  host: redis://127.0.0.1\n",
        "cluster.yaml:10: redis.host: 'redis://127.0.0.1' is not a host name or address");
    add("name is a list", QByteArray(base).replace("name: prod", "name: [a, b]"),
        "cluster.yaml:1: name: expected a single value, got a list");
    add("redis is a list", base + "redis:\n  - 127.0.0.1\n",
        "cluster.yaml:10: redis: expected a map with keys host, port, db, password, prefix, queue");
    add("top level is a list", "- name: prod\n", "cluster.yaml:1: expected a map of settings");
    add("top level is a string", "just some text\n", "cluster.yaml:1: expected a map of settings");
    add("empty file", "", "cluster.yaml:1: the file is empty");
    add("only comments", "# nothing yet\n\n", "cluster.yaml:1: the file is empty");
    add("yaml syntax: unclosed flow map", base + "timeouts: { connect: 2s\nredis:\n  port: 1\n",
        "cluster.yaml:10: YAML syntax error: end of map flow not found");
    add("yaml syntax: bad indentation",
        QByteArray(base).replace("    role: worker", "   role: worker"),
        "cluster.yaml:7: YAML syntax error: ");
    add("yaml syntax: tab indentation",
        QByteArray(base).replace("    role: worker", "\trole: worker"),
        "cluster.yaml:7: YAML syntax error: ");
    // yaml-cpp folds the following lines into the quoted scalar; the URL check catches it.
    add("unterminated quote swallows the next lines",
        base + "load_balancer: \"http://127.0.0.1\nredis:\n  port: 1\n",
        "cluster.yaml:9: load_balancer: 'http://127.0.0.1 redis: port: 1");
    add("yaml: undefined alias", base + "redis: *nothing\n", "cluster.yaml:9: YAML syntax error: ");
    add("too large", QByteArray(base) + "# " + QByteArray(2 * 1024 * 1024, 'x') + "\n",
        "cluster.yaml:1: the file is larger than 1 MiB");
}

void TestConfigLoader::badFiles()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    const Result<ClusterConfig> result
        = parseClusterConfig(yaml, QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(!result.ok(), "a bad file was accepted");
    const QString &error = result.error();
    QVERIFY2(error.startsWith(expected),
        qPrintable(QStringLiteral("got: ") + error + QStringLiteral("\nwant: ") + expected));
    QVERIFY2(!error.contains(kSecret), qPrintable(QStringLiteral("leaks the password: ") + error));
    QVERIFY2(error.size() < 400, qPrintable(error.left(500)));
}

void TestConfigLoader::missingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("nope.yaml"));
    const Result<ClusterConfig> result = loadClusterConfig(path, fakeEnvironment());
    QVERIFY(!result.ok());
    QVERIFY2(result.error().startsWith(path + QStringLiteral(": cannot open")),
        qPrintable(result.error()));

    // Errors from a file on disk name that file.
    const QString bad = dir.filePath(QStringLiteral("cluster.yaml"));
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(kBase).replace("role: worker", "role: wroker"));
    file.close();
    const Result<ClusterConfig> badResult = loadClusterConfig(bad, fakeEnvironment());
    QVERIFY(!badResult.ok());
    QVERIFY2(badResult.error().startsWith(bad + QStringLiteral(":7: nodes[1].role: ")),
        qPrintable(badResult.error()));
}

void TestConfigLoader::systemEnvironmentReadsVariables()
{
    const EnvLookup env = systemEnvironment();
    qputenv("CW_TEST_SET_VARIABLE", "value-1");
    qputenv("CW_TEST_EMPTY_VARIABLE", "");
    qunsetenv("CW_TEST_UNSET_VARIABLE");
    QCOMPARE(env(QStringLiteral("CW_TEST_SET_VARIABLE")),
        std::optional<QString>(QStringLiteral("value-1")));
    QCOMPARE(env(QStringLiteral("CW_TEST_EMPTY_VARIABLE")), std::optional<QString>(QString()));
    QCOMPARE(env(QStringLiteral("CW_TEST_UNSET_VARIABLE")), std::optional<QString>());

    // An empty variable is an empty password, not an error.
    const QByteArray yaml = QByteArray(kBase) + "redis:\n  password: ${CW_TEST_EMPTY_VARIABLE}\n";
    const auto result = parseClusterConfig(yaml, QStringLiteral("cluster.yaml"), env);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QVERIFY(result.value().redis.password.isEmpty());
}

// --- docker ---

namespace {

EnvLookup environmentOf(const std::map<QString, QString> &variables)
{
    return [variables](const QString &name) -> std::optional<QString> {
        const auto it = variables.find(name);
        if (it == variables.end())
            return std::nullopt;
        return it->second;
    };
}

const QByteArray kWithContainer = QByteArray(kBase) + "    container: n8n-worker-1\n"; // line 9

} // namespace

void TestConfigLoader::actionsSection()
{
    const auto defaults
        = parseClusterConfig(kBase, QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(defaults.ok(), qPrintable(defaults.ok() ? QString() : defaults.error()));
    QCOMPARE(defaults.value().actions.restartLimit, 3);
    QCOMPARE(defaults.value().actions.restartWindow, Millis(600'000));
    QCOMPARE(defaults.value().actions.stopGrace, Millis(10'000));

    const auto set = parseClusterConfig(QByteArray(kBase)
            + "actions:\n  restart_limit: 5\n  restart_window: 30m\n  stop_grace: 2s\n",
        QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error()));
    QCOMPARE(set.value().actions.restartLimit, 5);
    QCOMPARE(set.value().actions.restartWindow, Millis(1'800'000));
    QCOMPARE(set.value().actions.stopGrace, Millis(2'000));

    const auto bad = parseClusterConfig(QByteArray(kBase) + "actions:\n  restart_limit: 0\n",
        QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error().startsWith(QStringLiteral("cluster.yaml:10: actions.restart_limit: ")),
        qPrintable(bad.error()));
    const auto typo = parseClusterConfig(QByteArray(kBase) + "actions:\n  restart_limt: 2\n",
        QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY(!typo.ok());
    QVERIFY2(typo.error().contains(QStringLiteral("actions.restart_limt: unknown key")),
        qPrintable(typo.error()));
}

void TestConfigLoader::healthSection()
{
    const auto defaults
        = parseClusterConfig(kBase, QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(defaults.ok(), qPrintable(defaults.ok() ? QString() : defaults.error()));
    QCOMPARE(defaults.value().health.slowResponse, Millis(1000));
    QCOMPARE(defaults.value().health.eventLoopLag, Millis(500));

    const auto set = parseClusterConfig(
        QByteArray(kBase) + "health: { slow_response: 250ms, event_loop_lag: 2s }\n",
        QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(set.ok(), qPrintable(set.ok() ? QString() : set.error()));
    QCOMPARE(set.value().health.slowResponse, Millis(250));
    QCOMPARE(set.value().health.eventLoopLag, Millis(2000));

    const auto bad = parseClusterConfig(QByteArray(kBase) + "health:\n  slow_respons: 1s\n",
        QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY(!bad.ok());
    QVERIFY2(
        bad.error().startsWith(QStringLiteral("cluster.yaml:10: health.slow_respons: unknown key")),
        qPrintable(bad.error()));
}

void TestConfigLoader::dockerDefaults()
{
    // No docker section and no container: Docker is off, with the docker CLI's default host.
    const auto result
        = parseClusterConfig(kBase, QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const DockerEndpoint &docker = result.value().docker;
    QVERIFY(!docker.configured);
    QCOMPARE(docker.host, QStringLiteral("unix:///var/run/docker.sock"));
    QVERIFY(!docker.tlsVerify);
    QCOMPARE(docker.display(), QStringLiteral("unix:///var/run/docker.sock"));

    // A node naming its container turns Docker on.
    const auto withContainer
        = parseClusterConfig(kWithContainer, QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(
        withContainer.ok(), qPrintable(withContainer.ok() ? QString() : withContainer.error()));
    QVERIFY(withContainer.value().docker.configured);
    QCOMPARE(withContainer.value().docker.host, QStringLiteral("unix:///var/run/docker.sock"));

    // So does an empty section.
    const auto section = parseClusterConfig(
        QByteArray(kBase) + "docker:\n", QStringLiteral("cluster.yaml"), fakeEnvironment());
    QVERIFY2(section.ok(), qPrintable(section.ok() ? QString() : section.error()));
    QVERIFY(section.value().docker.configured);
}

void TestConfigLoader::dockerFromEnvironment()
{
    const EnvLookup env
        = environmentOf({ { QStringLiteral("DOCKER_HOST"), QStringLiteral("tcp://10.0.0.5:2376") },
            { QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("1") },
            { QStringLiteral("DOCKER_CERT_PATH"), QStringLiteral("/etc/cw/docker-certs") },
            { QStringLiteral("HOME"), QStringLiteral("/home/ops") } });
    const auto result = parseClusterConfig(kWithContainer, QStringLiteral("cluster.yaml"), env);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const DockerEndpoint &docker = result.value().docker;
    QVERIFY(docker.configured);
    QCOMPARE(docker.host, QStringLiteral("tcp://10.0.0.5:2376"));
    QVERIFY(docker.tlsVerify);
    QCOMPARE(docker.certPath, QStringLiteral("/etc/cw/docker-certs"));
    QCOMPARE(docker.display(), QStringLiteral("tcp://10.0.0.5:2376 (TLS)"));

    // Without DOCKER_CERT_PATH the CLI looks in ~/.docker.
    const auto home = parseClusterConfig(kWithContainer, QStringLiteral("cluster.yaml"),
        environmentOf({ { QStringLiteral("DOCKER_HOST"), QStringLiteral("tcp://10.0.0.5") },
            { QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("yes") },
            { QStringLiteral("HOME"), QStringLiteral("/home/ops") } }));
    QVERIFY2(home.ok(), qPrintable(home.ok() ? QString() : home.error()));
    QCOMPARE(home.value().docker.certPath, QStringLiteral("/home/ops/.docker"));
    QCOMPARE(home.value().docker.host, QStringLiteral("tcp://10.0.0.5:2376"));

    // A unix socket from the environment; TLS does not apply to it.
    const auto unixHost = parseClusterConfig(kWithContainer, QStringLiteral("cluster.yaml"),
        environmentOf({ { QStringLiteral("DOCKER_HOST"),
                            QStringLiteral("unix:///run/user/1000/docker.sock") },
            { QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("1") } }));
    QVERIFY2(unixHost.ok(), qPrintable(unixHost.ok() ? QString() : unixHost.error()));
    QCOMPARE(unixHost.value().docker.host, QStringLiteral("unix:///run/user/1000/docker.sock"));
    QVERIFY(!unixHost.value().docker.tlsVerify);

    // An unusable DOCKER_HOST does not matter to a cluster without Docker.
    const auto unused = parseClusterConfig(kBase, QStringLiteral("cluster.yaml"),
        environmentOf(
            { { QStringLiteral("DOCKER_HOST"), QStringLiteral("ssh://ops@build-box") } }));
    QVERIFY2(unused.ok(), qPrintable(unused.ok() ? QString() : unused.error()));
    QCOMPARE(unused.value().docker.host, QStringLiteral("unix:///var/run/docker.sock"));
}

void TestConfigLoader::dockerSectionOverridesEnvironment()
{
    const EnvLookup env
        = environmentOf({ { QStringLiteral("DOCKER_HOST"), QStringLiteral("tcp://10.0.0.5:2376") },
            { QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("1") },
            { QStringLiteral("DOCKER_CERT_PATH"), QStringLiteral("/env/certs") },
            { QStringLiteral("HOME"), QStringLiteral("/home/ops") } });
    const auto socket = parseClusterConfig(QByteArray(kBase)
            + "docker:\n  host: unix:///tmp/cw-sandbox/docker.sock\n  tls_verify: false\n",
        QStringLiteral("cluster.yaml"), env);
    QVERIFY2(socket.ok(), qPrintable(socket.ok() ? QString() : socket.error()));
    QVERIFY(socket.value().docker.configured);
    QCOMPARE(socket.value().docker.host, QStringLiteral("unix:///tmp/cw-sandbox/docker.sock"));
    QVERIFY(!socket.value().docker.tlsVerify);

    // Field by field: the section's host, the environment's TLS settings.
    const auto tcp = parseClusterConfig(
        QByteArray(kBase) + "docker:\n  host: tcp://docker.internal:12376\n  cert_path: ~/certs\n",
        QStringLiteral("cluster.yaml"), env);
    QVERIFY2(tcp.ok(), qPrintable(tcp.ok() ? QString() : tcp.error()));
    QCOMPARE(tcp.value().docker.host, QStringLiteral("tcp://docker.internal:12376"));
    QVERIFY(tcp.value().docker.tlsVerify);
    QCOMPARE(tcp.value().docker.certPath, QStringLiteral("/home/ops/certs"));
}

void TestConfigLoader::dockerTcpDefaults_data()
{
    QTest::addColumn<QByteArray>("section");
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("tls");
    QTest::newRow("plain port") << QByteArray("  host: tcp://docker.internal\n")
                                << QStringLiteral("tcp://docker.internal:2375") << false;
    QTest::newRow("TLS port") << QByteArray("  host: tcp://docker.internal\n  tls_verify: true\n")
                              << QStringLiteral("tcp://docker.internal:2376") << true;
    QTest::newRow("given port") << QByteArray("  host: tcp://127.0.0.1:23750\n  tls_verify: no\n")
                                << QStringLiteral("tcp://127.0.0.1:23750") << false;
    QTest::newRow("IPv6") << QByteArray("  host: tcp://[::1]:2375\n")
                          << QStringLiteral("tcp://[::1]:2375") << false;
    QTest::newRow("trailing slash") << QByteArray("  host: \"tcp://docker.internal:2375/\"\n")
                                    << QStringLiteral("tcp://docker.internal:2375") << false;
}

void TestConfigLoader::dockerTcpDefaults()
{
    QFETCH(QByteArray, section);
    QFETCH(QString, host);
    QFETCH(bool, tls);
    const auto result = parseClusterConfig(QByteArray(kBase) + "docker:\n" + section,
        QStringLiteral("cluster.yaml"), environmentOf({}));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(result.value().docker.host, host);
    QCOMPARE(result.value().docker.tlsVerify, tls);
}

void TestConfigLoader::dockerBadValues_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QByteArray>("dockerHost");
    QTest::addColumn<QString>("expected");
    const QByteArray base(kBase); // "docker:" is line 9
    QTest::newRow("ssh host") << base + "docker:\n  host: ssh://ops@box\n"
                              << QByteArray()
                              << QStringLiteral("cluster.yaml:10: docker.host: ssh:// is not "
                                                "supported; expected unix:///path/to/docker.sock");
    QTest::newRow("user in tcp host")
        << base + "docker:\n  host: tcp://ops@box:2375\n"
        << QByteArray()
        << QStringLiteral("cluster.yaml:10: docker.host: must not contain a user name or password");
    QTest::newRow("http host")
        << base + "docker:\n  host: http://box:2375\n"
        << QByteArray()
        << QStringLiteral("cluster.yaml:10: docker.host: expected unix:///path/to/docker.sock "
                          "or tcp://host:port, got 'http://box:2375'");
    QTest::newRow("relative socket")
        << base + "docker:\n  host: unix://docker.sock\n"
        << QByteArray()
        << QStringLiteral("cluster.yaml:10: docker.host: expected an absolute socket path "
                          "after unix://, got 'unix://docker.sock'");
    QTest::newRow("socket path too long")
        << base + "docker:\n  host: unix:///" + QByteArray(120, 'a') + "\n"
        << QByteArray()
        << QStringLiteral("cluster.yaml:10: docker.host: the socket path is longer than 107 bytes");
    QTest::newRow("port 0") << base + "docker:\n  host: tcp://box:0\n"
                            << QByteArray()
                            << QStringLiteral(
                                   "cluster.yaml:10: docker.host: 'tcp://box:0' has port 0");
    QTest::newRow("tls_verify maybe")
        << base + "docker:\n  tls_verify: maybe\n"
        << QByteArray()
        << QStringLiteral(
               "cluster.yaml:10: docker.tls_verify: expected true or false, got 'maybe'");
    QTest::newRow("misspelt key")
        << base + "docker:\n  hots: unix:///x.sock\n"
        << QByteArray()
        << QStringLiteral("cluster.yaml:10: docker.hots: unknown key (did you mean 'host'?)");
    QTest::newRow("docker a list")
        << base + "docker:\n  - unix:///x.sock\n"
        << QByteArray()
        << QStringLiteral(
               "cluster.yaml:10: docker: expected a map with keys host, tls_verify, cert_path");
    QTest::newRow("bad DOCKER_HOST, container given")
        << kWithContainer << QByteArray("ssh://ops@box")
        << QStringLiteral(
               "cluster.yaml:9: docker: environment variable DOCKER_HOST: ssh:// is not supported; "
               "expected unix:///path/to/docker.sock or tcp://host:port (the value is not shown) "
               "(set docker.host to override it)");
    QTest::newRow("bad DOCKER_HOST, empty section")
        << base + "docker:\n  tls_verify: false\n"
        << QByteArray("npipe:////./pipe/docker_engine")
        << QStringLiteral("cluster.yaml:10: docker: environment variable DOCKER_HOST: expected "
                          "unix:///path/to/docker.sock");
}

void TestConfigLoader::dockerBadValues()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QByteArray, dockerHost);
    QFETCH(QString, expected);
    std::map<QString, QString> variables;
    if (!dockerHost.isEmpty())
        variables.emplace(QStringLiteral("DOCKER_HOST"), QString::fromUtf8(dockerHost));
    const Result<ClusterConfig> result
        = parseClusterConfig(yaml, QStringLiteral("cluster.yaml"), environmentOf(variables));
    QVERIFY2(!result.ok(), "a bad docker section was accepted");
    QVERIFY2(result.error().startsWith(expected),
        qPrintable(
            QStringLiteral("got: ") + result.error() + QStringLiteral("\nwant: ") + expected));
}

// --- end docker ---

// --- alert rules ---

namespace {

const QString kSlackUrl = QStringLiteral("https://hooks.slack.com/services/T0000/B0000/") + kSecret;

EnvLookup alertsEnvironment()
{
    return [](const QString &name) -> std::optional<QString> {
        if (name == QLatin1String("CW_SLACK_URL"))
            return kSlackUrl;
        if (name == QLatin1String("CW_PAGER_URL"))
            return QStringLiteral("http://127.0.0.1:9/hook");
        if (name == QLatin1String("CW_NOT_A_URL"))
            return kSecret;
        return std::nullopt;
    };
}

Result<ClusterConfig> withAlerts(const QByteArray &section)
{
    return parseClusterConfig(
        QByteArray(kBase) + section, QStringLiteral("cluster.yaml"), alertsEnvironment());
}

const AlertRuleConfig &ruleOf(const ClusterConfig &c, const char *id)
{
    const AlertRuleConfig *r = c.alerts.rule(QLatin1String(id));
    if (!r)
        qFatal("no rule %s", id);
    return *r;
}

} // namespace

void TestConfigLoader::alertsDefaults()
{
    const Result<ClusterConfig> result = withAlerts(QByteArray());
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const AlertsConfig &a = result.value().alerts;
    const QList<AlertRuleConfig> defaults = AlertsConfig::defaultRules();
    QCOMPARE(a.rules.size(), defaults.size());
    for (qsizetype i = 0; i < defaults.size(); ++i) {
        QCOMPARE(a.rules[i].id, defaults[i].id);
        QCOMPARE(a.rules[i].enabled, true);
        QCOMPARE(a.rules[i].forDuration, defaults[i].forDuration);
        QCOMPARE(a.rules[i].recoveryHold, defaults[i].recoveryHold);
        QCOMPARE(a.rules[i].threshold, defaults[i].threshold);
    }
    // The seed's thresholds.
    QCOMPARE(ruleOf(result.value(), "cpu_high").threshold, 80.0);
    QCOMPARE(ruleOf(result.value(), "memory_high").threshold, 85.0);
    QCOMPARE(ruleOf(result.value(), "queue_backlog").threshold, 1000.0);
    QCOMPARE(a.flapChanges, 6);
    QCOMPARE(a.flapWindow, Millis(10min));
    QCOMPARE(a.groupWindow, Millis(30s));
    QCOMPARE(a.retentionDays, 90);
    QCOMPARE(a.maxHistoryRows, qint64(1'000'000));
    QVERIFY(a.webhooks.isEmpty());

    // "alerts:" alone keeps them too.
    const Result<ClusterConfig> empty = withAlerts("alerts:\n");
    QVERIFY2(empty.ok(), qPrintable(empty.ok() ? QString() : empty.error()));
    QCOMPARE(empty.value().alerts.rules.size(), defaults.size());
}

void TestConfigLoader::alertsSection()
{
    const QByteArray section
        = "alerts:\n" //  9
          "  rules:\n" // 10
          "    cpu_high: { threshold: 90, for: 2m, recovery_hold: 0, severity: critical }\n"
          "    memory_high: { enabled: false }\n"
          "    queue_backlog: { threshold: 5000 }\n"
          "    worker_stalled: { threshold: 5m }\n"
          "    executions_stuck: { threshold: 30 }\n"
          "    failed_rate: { threshold: 2.5, for: 0s }\n"
          "    node_down:\n"
          "      for: 10s\n"
          "      recovery_hold: 30s\n"
          "      enabled: yes\n"
          "  flap: { changes: 4, window: 15m }\n"
          "  webhooks:\n"
          "    - { name: ops-slack, kind: slack, url: \"${CW_SLACK_URL}\" }\n"
          "    - name: pager\n"
          "      url: ${CW_PAGER_URL}\n"
          "  group_window: 1m\n"
          "  retention_days: 30\n"
          "  max_history_rows: 50000\n";
    const Result<ClusterConfig> result = withAlerts(section);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const ClusterConfig &c = result.value();

    const AlertRuleConfig &cpu = ruleOf(c, "cpu_high");
    QCOMPARE(cpu.threshold, 90.0);
    QCOMPARE(cpu.forDuration, Millis(2min));
    QCOMPARE(cpu.recoveryHold, Millis(0));
    QCOMPARE(toString(cpu.severity), QStringLiteral("critical"));
    QVERIFY(cpu.enabled);
    QVERIFY(!ruleOf(c, "memory_high").enabled);
    QCOMPARE(ruleOf(c, "memory_high").threshold, 85.0); // untouched fields keep their defaults
    QCOMPARE(ruleOf(c, "queue_backlog").threshold, 5000.0);
    QCOMPARE(ruleOf(c, "worker_stalled").threshold, 300.0); // seconds
    QCOMPARE(ruleOf(c, "executions_stuck").threshold, 30.0); // minutes
    QCOMPARE(c.postgres.stuckRunningAfter, Millis(30min)); // what the collector counts
    QCOMPARE(ruleOf(c, "failed_rate").threshold, 2.5);
    QCOMPARE(ruleOf(c, "failed_rate").forDuration, Millis(0));
    QCOMPARE(ruleOf(c, "node_down").forDuration, Millis(10s));
    QCOMPARE(ruleOf(c, "node_down").recoveryHold, Millis(30s));
    QCOMPARE(toString(ruleOf(c, "node_down").severity), QStringLiteral("critical"));
    QCOMPARE(ruleOf(c, "redis_down").forDuration, Millis(5s));

    QCOMPARE(c.alerts.flapChanges, 4);
    QCOMPARE(c.alerts.flapWindow, Millis(15min));
    QCOMPARE(c.alerts.webhooks.size(), 2);
    QCOMPARE(c.alerts.webhooks[0].name, QStringLiteral("ops-slack"));
    QVERIFY(c.alerts.webhooks[0].kind == WebhookConfig::Kind::Slack);
    QCOMPARE(c.alerts.webhooks[0].url, QUrl(kSlackUrl));
    QCOMPARE(c.alerts.webhooks[1].name, QStringLiteral("pager"));
    QVERIFY(c.alerts.webhooks[1].kind == WebhookConfig::Kind::Json); // the default
    QCOMPARE(c.alerts.webhooks[1].url, QUrl(QStringLiteral("http://127.0.0.1:9/hook")));
    QCOMPARE(c.alerts.groupWindow, Millis(1min));
    QCOMPARE(c.alerts.retentionDays, 30);
    QCOMPARE(c.alerts.maxHistoryRows, qint64(50'000));

    // Durations in every unit the rest of the file knows, and zero.
    const Result<ClusterConfig> units = withAlerts(
        "alerts:\n  rules:\n    cpu_high: { for: 1500ms, recovery_hold: \"1h\" }\n"
        "    worker_stalled: { threshold: 21 }\n    executions_stuck: { threshold: 2h }\n"
        "  group_window: 0\n");
    QVERIFY2(units.ok(), qPrintable(units.ok() ? QString() : units.error()));
    QCOMPARE(ruleOf(units.value(), "cpu_high").forDuration, Millis(1500));
    QCOMPARE(ruleOf(units.value(), "cpu_high").recoveryHold, Millis(1h));
    QCOMPARE(ruleOf(units.value(), "worker_stalled").threshold, 21.0);
    QCOMPARE(ruleOf(units.value(), "executions_stuck").threshold, 120.0);
    QCOMPARE(units.value().postgres.stuckRunningAfter, Millis(2h));
    QCOMPARE(units.value().alerts.groupWindow, Millis(0));
}

void TestConfigLoader::alertsStuckThresholdFollowsPostgres()
{
    // Given in postgres: only, the rule shows that figure.
    const Result<ClusterConfig> pg = withAlerts("postgres:\n  stuck_running_after: 45m\n");
    QVERIFY2(pg.ok(), qPrintable(pg.ok() ? QString() : pg.error()));
    QCOMPARE(ruleOf(pg.value(), "executions_stuck").threshold, 45.0);
    // Given in both and equal: fine.
    const Result<ClusterConfig> both
        = withAlerts("postgres:\n  stuck_running_after: 45m\nalerts:\n  rules:\n    "
                     "executions_stuck: { threshold: 45 }\n");
    QVERIFY2(both.ok(), qPrintable(both.ok() ? QString() : both.error()));
    QCOMPARE(both.value().postgres.stuckRunningAfter, Millis(45min));
    // Given only in the rule, with a postgres section without it: the collector follows the rule.
    const Result<ClusterConfig> rule = withAlerts(
        "postgres:\n  port: 5433\nalerts:\n  rules:\n    executions_stuck: { threshold: 90s }\n");
    QVERIFY2(rule.ok(), qPrintable(rule.ok() ? QString() : rule.error()));
    QCOMPARE(rule.value().postgres.stuckRunningAfter, Millis(90s));
    QCOMPARE(ruleOf(rule.value(), "executions_stuck").threshold, 1.5);
}

void TestConfigLoader::alertsEveryRuleConfigurable()
{
    // Every built-in rule can be named in the file (the parser's list follows defaultRules).
    for (const AlertRuleConfig &r : AlertsConfig::defaultRules()) {
        const QByteArray yaml
            = "alerts:\n  rules:\n    " + r.id.toUtf8() + ": { enabled: false, severity: info }\n";
        const Result<ClusterConfig> result = withAlerts(yaml);
        QVERIFY2(result.ok(),
            qPrintable(r.id + QStringLiteral(": ") + (result.ok() ? QString() : result.error())));
        QVERIFY(!result.value().alerts.rule(r.id)->enabled);
        QCOMPARE(toString(result.value().alerts.rule(r.id)->severity), QStringLiteral("info"));
        QCOMPARE(result.value().alerts.threshold(r.id, -1), -1.0);
    }
}

void TestConfigLoader::alertsBadValues_data()
{
    QTest::addColumn<QByteArray>("section"); // after kBase: "alerts:" is line 9
    QTest::addColumn<QString>("expected");

    const auto rule = [](const char *tag, const QByteArray &body, const char *expected) {
        QTest::newRow(tag) << QByteArray("alerts:\n  rules:\n    " + body + "\n")
                           << QString::fromUtf8(expected);
    };
    rule("cpu above 100", "cpu_high:\n      threshold: 120",
        "cluster.yaml:12: alerts.rules.cpu_high.threshold: must be a number between 0 and 100, got "
        "'120'");
    rule("cpu not a number", "cpu_high: { threshold: high }",
        "cluster.yaml:11: alerts.rules.cpu_high.threshold: must be a number between 0 and 100, got "
        "'high'");
    rule("memory negative", "memory_high: { threshold: -1 }",
        "cluster.yaml:11: alerts.rules.memory_high.threshold: must be a number between 0 and 100, "
        "got '-1'");
    rule("misspelt rule", "cpu_hgih: { threshold: 90 }",
        "cluster.yaml:11: alerts.rules.cpu_hgih: unknown key (did you mean 'cpu_high'?); expected "
        "one of "
        "node_down, readiness_failing, cpu_high, memory_high, queue_backlog, worker_stalled, "
        "no_worker, "
        "executions_stuck, failed_rate, redis_down, postgres_down, redis_no_persistence, "
        "config_mismatch");
    rule("unknown rule", "disk_full: { threshold: 90 }",
        "cluster.yaml:11: alerts.rules.disk_full: unknown key; expected one of node_down, "
        "readiness_failing, "
        "cpu_high,");
    rule("stall threshold at n8n's refresh", "worker_stalled: { threshold: 20s }",
        "cluster.yaml:11: alerts.rules.worker_stalled.threshold: must be more than 20 s, got "
        "'20s': n8n "
        "refreshes its completed-jobs counter only every 20 s");
    rule("stall threshold in plain seconds", "worker_stalled: { threshold: 15 }",
        "cluster.yaml:11: alerts.rules.worker_stalled.threshold: must be more than 20 s, got '15'");
    rule("stall threshold not a duration", "worker_stalled: { threshold: soon }",
        "cluster.yaml:11: alerts.rules.worker_stalled.threshold: must be a duration like 2m, 300s "
        "or a number of "
        "seconds, got 'soon'");
    rule("threshold on a rule without one", "node_down: { threshold: 3 }",
        "cluster.yaml:11: alerts.rules.node_down.threshold: this rule has no threshold");
    rule("fractional jobs", "queue_backlog: { threshold: 10.5 }",
        "cluster.yaml:11: alerts.rules.queue_backlog.threshold: must be a whole number of jobs, "
        "got '10.5'");
    rule("negative rate", "failed_rate: { threshold: -2 }",
        "cluster.yaml:11: alerts.rules.failed_rate.threshold: must be a number of failed "
        "executions per minute");
    rule("stuck threshold zero", "executions_stuck: { threshold: 0 }",
        "cluster.yaml:11: alerts.rules.executions_stuck.threshold: must be at least one second, "
        "got '0'");
    rule("bad severity", "cpu_high: { severity: urgent }",
        "cluster.yaml:11: alerts.rules.cpu_high.severity: expected one of info, warning, critical, "
        "got 'urgent'");
    rule("bad enabled", "cpu_high: { enabled: maybe }",
        "cluster.yaml:11: alerts.rules.cpu_high.enabled: expected true or false, got 'maybe'");
    rule("negative for", "cpu_high: { for: -5s }",
        "cluster.yaml:11: alerts.rules.cpu_high.for: must not be negative, got '-5s'");
    rule("for not a duration", "cpu_high: { for: soon }",
        "cluster.yaml:11: alerts.rules.cpu_high.for: expected a duration like 30s, 2m, 1h, 0 or a "
        "number of "
        "seconds, got 'soon'");
    rule("misspelt rule field", "cpu_high:\n      treshold: 90",
        "cluster.yaml:12: alerts.rules.cpu_high.treshold: unknown key (did you mean 'threshold'?); "
        "expected one "
        "of enabled, severity, threshold, for, recovery_hold");
    rule("rule as a scalar", "cpu_high: 90",
        "cluster.yaml:11: alerts.rules.cpu_high: expected a map with keys enabled, severity, "
        "threshold, for, "
        "recovery_hold");
    QTest::newRow("rules as a list")
        << QByteArray("alerts:\n  rules:\n    - cpu_high\n")
        << QStringLiteral("cluster.yaml:11: alerts.rules: expected a map with keys node_down,");
    QTest::newRow("misspelt section key")
        << QByteArray("alerts:\n  rule:\n    cpu_high: { threshold: 1 }\n")
        << QStringLiteral("cluster.yaml:10: alerts.rule: unknown key (did you mean 'rules'?)");
    QTest::newRow("stuck threshold disagrees with postgres")
        << QByteArray("postgres:\n  stuck_running_after: 10m\nalerts:\n  rules:\n    "
                      "executions_stuck: { threshold: 5 }\n")
        << QStringLiteral(
               "cluster.yaml:13: alerts.rules.executions_stuck.threshold: 5 min differs from "
               "postgres.stuck_running_after (10 min); give one of them");
    QTest::newRow("flap changes 1")
        << QByteArray("alerts:\n  flap: { changes: 1 }\n")
        << QStringLiteral("cluster.yaml:10: alerts.flap.changes: must be 0 (off) or at least 2");
    QTest::newRow("flap window zero")
        << QByteArray("alerts:\n  flap: { window: 0 }\n")
        << QStringLiteral("cluster.yaml:10: alerts.flap.window: must be greater than zero");
    QTest::newRow("retention zero")
        << QByteArray("alerts:\n  retention_days: 0\n")
        << QStringLiteral("cluster.yaml:10: alerts.retention_days: '0' is out of range (1-36500)");
    QTest::newRow("too few history rows")
        << QByteArray("alerts:\n  max_history_rows: 10\n")
        << QStringLiteral("cluster.yaml:10: alerts.max_history_rows: '10' is out of range");
    QTest::newRow("negative group window")
        << QByteArray("alerts:\n  group_window: -1s\n")
        << QStringLiteral("cluster.yaml:10: alerts.group_window: must not be negative");

    const auto hook = [](const char *tag, const QByteArray &items, const char *expected) {
        QTest::newRow(tag) << QByteArray("alerts:\n  webhooks:\n" + items)
                           << QString::fromUtf8(expected);
    };
    hook("literal webhook URL",
        "    - { name: ops, kind: slack, url: \"" + kSlackUrl.toUtf8() + "\" }\n",
        "cluster.yaml:11: alerts.webhooks[0].url: a literal URL is not allowed here (the value is "
        "not shown); "
        "write an environment variable reference like ${SLACK_WEBHOOK_URL} and set that variable");
    hook("webhook variable not set", "    - { name: ops, url: \"${CW_NOPE}\" }\n",
        "cluster.yaml:11: alerts.webhooks[0].url: environment variable CW_NOPE is not set");
    hook("webhook variable not a URL", "    - { name: ops, url: \"${CW_NOT_A_URL}\" }\n",
        "cluster.yaml:11: alerts.webhooks[0].url: environment variable CW_NOT_A_URL does not hold "
        "an http(s) URL "
        "(the value is not shown)");
    hook("webhook without url", "    - { name: ops }\n",
        "cluster.yaml:11: alerts.webhooks[0].url: required field is missing");
    hook("webhook without name", "    - { url: \"${CW_SLACK_URL}\" }\n",
        "cluster.yaml:11: alerts.webhooks[0].name: required field is missing");
    hook("bad webhook kind", "    - { name: ops, kind: teams, url: \"${CW_SLACK_URL}\" }\n",
        "cluster.yaml:11: alerts.webhooks[0].kind: expected one of slack, json, got 'teams'");
    hook("duplicate webhook name",
        "    - { name: ops, url: \"${CW_SLACK_URL}\" }\n    - { name: ops, url: "
        "\"${CW_PAGER_URL}\" }\n",
        "cluster.yaml:12: alerts.webhooks[1].name: duplicate webhook name 'ops' (first used on "
        "line 11)");
    hook("misspelt webhook key", "    - { name: ops, uri: \"${CW_SLACK_URL}\" }\n",
        "cluster.yaml:11: alerts.webhooks[0].uri: unknown key (did you mean 'url'?)");
    QTest::newRow("webhooks as a map")
        << QByteArray("alerts:\n  webhooks:\n    ops: x\n")
        << QStringLiteral("cluster.yaml:11: alerts.webhooks: expected a list of webhooks");
}

void TestConfigLoader::alertsBadValues()
{
    QFETCH(QByteArray, section);
    QFETCH(QString, expected);
    const Result<ClusterConfig> result = withAlerts(section);
    QVERIFY2(!result.ok(), "a bad alerts section was accepted");
    const QString &error = result.error();
    QVERIFY2(error.startsWith(expected),
        qPrintable(QStringLiteral("got: ") + error + QStringLiteral("\nwant: ") + expected));
    // Webhook URLs are secrets: neither the URL nor the variable's value is ever echoed.
    QVERIFY2(!error.contains(kSecret), qPrintable(QStringLiteral("leaks the secret: ") + error));
    QVERIFY2(!error.contains(QLatin1String("hooks.slack.com")),
        qPrintable(QStringLiteral("leaks the URL: ") + error));
    QVERIFY2(error.size() < 400, qPrintable(error.left(500)));
}

// --- end alert rules ---

QTEST_GUILESS_MAIN(TestConfigLoader)
#include "tst_configloader.moc"
