// The cluster file parser: the shipped example, defaults, and one error per mistake an operator
// can make, each naming the file, the line and the field, and never showing a password.

#include "TestSupport.h"
#include "services/ConfigLoader.h"

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

const char kBase[] = "name: prod\n"                       // 1
                     "nodes:\n"                           // 2
                     "  - name: main\n"                   // 3
                     "    role: main\n"                   // 4
                     "    url: http://127.0.0.1:5678\n"   // 5
                     "  - name: w1\n"                     // 6
                     "    role: worker\n"                 // 7
                     "    url: http://127.0.0.1:5679\n";  // 8

}  // namespace

class TestConfigLoader : public QObject
{
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
    QTest::addColumn<QString>("expected");  // the error starts with this

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
        "load_balancer, nodes, redis, postgres");
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

QTEST_GUILESS_MAIN(TestConfigLoader)
#include "tst_configloader.moc"
