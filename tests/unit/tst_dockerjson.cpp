// The Docker Engine API parsers on answers recorded from dockerd 20.10.24 (API 1.41,
// tests/data/docker/), on malformed answers, and under random truncation and chunking (fixed
// seed): container list, inspect, stats, events, error bodies and the log stream demultiplexer.

#include "TestSupport.h"
#include "services/runtime/docker/DockerJson.h"

#include <QDateTime>
#include <QLocale>
#include <QTest>
#include <QTimeZone>
#include <cmath>
#include <random>

using namespace cw;

namespace {

constexpr std::uint32_t kSeed = 0x0d0c'6e21; // fixed: a failure must reproduce

QByteArray data(const char *name)
{
    const QByteArray bytes = cwtest::readTestData(QStringLiteral("docker/") + QLatin1String(name));
    if (bytes.isEmpty())
        qWarning("tests/data/docker/%s is missing or empty", name);
    return bytes;
}

qint64 utcMs(int y, int mo, int d, int h, int mi, int s, int ms)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), QTimeZone::utc()).toMSecsSinceEpoch();
}

QList<QByteArray> lines(const QByteArray &ndjson)
{
    QList<QByteArray> result;
    for (const QByteArray &line : ndjson.split('\n')) {
        if (!line.trimmed().isEmpty())
            result.append(line);
    }
    return result;
}

/// One frame of a multiplexed log stream.
QByteArray frame(int stream, const QByteArray &payload)
{
    QByteArray header(8, '\0');
    header[0] = char(stream);
    const auto size = quint32(payload.size());
    header[4] = char(size >> 24);
    header[5] = char((size >> 16) & 0xff);
    header[6] = char((size >> 8) & 0xff);
    header[7] = char(size & 0xff);
    return header + payload;
}

QList<LogLine> demuxAll(
    const QByteArray &body, bool tty, const QList<qsizetype> &cuts = {}, QString *error = nullptr)
{
    DockerLogDemuxer demuxer(tty);
    QList<LogLine> out;
    qsizetype from = 0;
    for (const qsizetype cut : cuts) {
        out += demuxer.feed(QByteArrayView(body).sliced(from, cut - from));
        from = cut;
    }
    out += demuxer.feed(QByteArrayView(body).sliced(from));
    out += demuxer.finish();
    if (error)
        *error = demuxer.error();
    return out;
}

LogLine out(const QString &text)
{
    return LogLine { text, false };
}

LogLine err(const QString &text)
{
    return LogLine { text, true };
}

QString describe(const QList<LogLine> &lines)
{
    QStringList parts;
    for (const LogLine &line : lines)
        parts << (line.fromStderr ? QStringLiteral("E:") : QStringLiteral("O:"))
                + line.text.left(40);
    return parts.join(QStringLiteral(" | "));
}

/// The lines of tests/data/docker/logs-multiplexed.bin, as the container printed them.
QList<LogLine> multiplexedFixtureLines()
{
    return { out(QStringLiteral("n8n ready on 0.0.0.0, port 5678")),
        err(QStringLiteral("Error: connection refused")), out(QString()),
        out(QStringLiteral("Grüße ✓ unicode")), out(QStringLiteral("two")),
        out(QStringLiteral("lines in one write")), err(QStringLiteral("warn: stderr again")),
        out(QString(20000, QLatin1Char('x'))) };
}

} // namespace

Q_DECLARE_METATYPE(cw::LogLine)
Q_DECLARE_METATYPE(std::optional<double>)
Q_DECLARE_METATYPE(std::optional<int>)

class TestDockerJson : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void containerList_data();
    void containerList();
    void containerListDetails();
    void containerListMalformed_data();
    void containerListMalformed();

    void inspect_data();
    void inspect();
    void inspectMalformed_data();
    void inspectMalformed();

    void stats_data();
    void stats();
    void statsStream();
    void statsMalformed_data();
    void statsMalformed();

    void eventsLiveStream();
    void eventFields();
    void eventsEveryRecordedLine_data();
    void eventsEveryRecordedLine();
    void eventMalformed_data();
    void eventMalformed();

    void apiError_data();
    void apiError();
    void engineVersion();

    void demuxRecordedStream();
    void demuxEverySplitPoint();
    void demuxByteByByte();
    void demuxTty();
    void demuxFallsBackToRawText();
    void demuxCases_data();
    void demuxCases();
    void demuxCorruptHeader();
    void demuxVeryLongLine();

    void robustnessJsonTruncations();
    void robustnessDemuxer();
};

// --- containers list -------------------------------------------------------------------------

void TestDockerJson::containerList_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QStringList>("states");

    const QStringList probe = { QStringLiteral("n8n-worker-2"), QStringLiteral("n8n-worker-1"),
        QStringLiteral("n8n-main") };
    const QStringList running3(3, QStringLiteral("running"));
    QTest::newRow("probe cluster") << data("containers-list.json") << probe << running3;
    QTest::newRow("filtered by label")
        << data("containers-list-filtered.json") << probe << running3;
    QTest::newRow("compose") << data("containers-list-compose.json")
                             << QStringList { QStringLiteral("n8nc_worker-2_1"),
                                    QStringLiteral("n8nc-main"), QStringLiteral("n8nc_worker-1_1") }
                             << running3;
    QTest::newRow("running and exited")
        << data("containers-list-mixed.json")
        << QStringList { QStringLiteral("exit3"), QStringLiteral("cache2"), QStringLiteral("t4"),
               QStringLiteral("t3"), QStringLiteral("t2"), QStringLiteral("t1") }
        << QStringList { QStringLiteral("exited"), QStringLiteral("running"),
               QStringLiteral("running"), QStringLiteral("running"), QStringLiteral("exited"),
               QStringLiteral("running") };
    QTest::newRow("empty engine") << QByteArray("[]\n") << QStringList() << QStringList();
}

void TestDockerJson::containerList()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, names);
    QFETCH(QStringList, states);
    const Result<QList<ContainerInfo>> result = parseContainerList(json);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const QList<ContainerInfo> &containers = result.value();
    QStringList gotNames;
    QStringList gotStates;
    for (const ContainerInfo &c : containers) {
        gotNames << c.name;
        gotStates << c.state;
        QCOMPARE(c.id.size(), 64);
        QVERIFY(!c.status.isEmpty());
        QVERIFY(c.createdS > 1'700'000'000);
        QCOMPARE(c.restartCount, 0); // only inspect knows
    }
    QCOMPARE(gotNames, names);
    QCOMPARE(gotStates, states);
}

void TestDockerJson::containerListDetails()
{
    const Result<QList<ContainerInfo>> probe = parseContainerList(data("containers-list.json"));
    QVERIFY(probe.ok());
    const ContainerInfo &worker2 = probe.value().at(0);
    QCOMPARE(worker2.id,
        QStringLiteral("03dd3a9710282fc1c8eb1072b5f89adef59552ccc201b22464f3736adbbca08d"));
    QCOMPARE(worker2.image, QStringLiteral("probe-busybox:latest"));
    QCOMPARE(worker2.status, QStringLiteral("Up 4 seconds"));
    QCOMPARE(worker2.labels.value(QStringLiteral("probe.role")), QStringLiteral("n8n-worker-2"));
    QCOMPARE(worker2.labels.size(), 2);

    const Result<QList<ContainerInfo>> compose
        = parseContainerList(data("containers-list-compose.json"));
    QVERIFY(compose.ok());
    QCOMPARE(compose.value().at(0).labels.value(QStringLiteral("com.docker.compose.service")),
        QStringLiteral("worker-2"));
    QCOMPARE(compose.value().at(0).image, QStringLiteral("probe-busybox:compose-built"));
    // The workload: what runs the container and would restart or scale it.
    QCOMPARE(compose.value().at(0).workload, QStringLiteral("n8nc/worker-2"));
    QCOMPARE(compose.value().at(1).workload, QStringLiteral("n8nc/main"));
    QVERIFY(probe.value().at(0).workload.isEmpty()); // started with docker run

    const Result<QList<ContainerInfo>> mixed
        = parseContainerList(data("containers-list-mixed.json"));
    QVERIFY(mixed.ok());
    QCOMPARE(mixed.value().at(0).status, QStringLiteral("Exited (3) Less than a second ago"));

    // Host networking: no Ports key, null Labels, no Names (the id's start stands in).
    const Result<QList<ContainerInfo>> bare = parseContainerList(
        R"([{"Id":"abcdef0123456789","State":"created","Labels":null,"NetworkSettings":{"Networks":{"host":{"IPAddress":""}}}}])");
    QVERIFY2(bare.ok(), qPrintable(bare.ok() ? QString() : bare.error()));
    QCOMPARE(bare.value().at(0).name, QStringLiteral("abcdef012345"));
    QVERIFY(bare.value().at(0).labels.isEmpty());
    QCOMPARE(bare.value().at(0).state, QStringLiteral("created"));
}

void TestDockerJson::containerListMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("containers list: empty answer");
    QTest::newRow("object") << QByteArray(
        "{}") << QStringLiteral("containers list: expected a JSON array, got an object");
    QTest::newRow("number item") << QByteArray(
        "[1]") << QStringLiteral("containers list: [0]: expected an object, got a number");
    QTest::newRow("no Id") << QByteArray(R"([{"State":"running"}])")
                           << QStringLiteral("containers list: [0].Id: is missing");
    QTest::newRow("Id not a string")
        << QByteArray(R"([{"Id":5,"State":"running"}])")
        << QStringLiteral("containers list: [0].Id: expected a string, got a number");
    QTest::newRow("no State") << QByteArray(R"([{"Id":"a"},{"Id":"b"}])")
                              << QStringLiteral("containers list: [0].State: is missing");
    QTest::newRow("Names a string")
        << QByteArray(R"([{"Id":"a","State":"running","Names":"/x"}])")
        << QStringLiteral("containers list: [0].Names: expected an array, got a string");
    QTest::newRow("Names with a number")
        << QByteArray(R"([{"Id":"a","State":"running","Names":[1]}])")
        << QStringLiteral("containers list: [0].Names[0]: expected a string, got a number");
    QTest::newRow("label not a string")
        << QByteArray(
               R"([{"Id":"a","State":"running"},{"Id":"b","State":"exited","Labels":{"x":1}}])")
        << QStringLiteral("containers list: [1].Labels.x: expected a string, got a number");
    QTest::newRow("Ports an object")
        << QByteArray(R"([{"Id":"a","State":"running","Ports":{}}])")
        << QStringLiteral("containers list: [0].Ports: expected an array, got an object");
    QTest::newRow("cut off") << data("containers-list.json").left(700)
                             << QStringLiteral("containers list: not JSON (");
    QTest::newRow("HTML") << QByteArray("<html><body>502 Bad Gateway</body></html>")
                          << QStringLiteral("containers list: not JSON (");
}

void TestDockerJson::containerListMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const Result<QList<ContainerInfo>> result = parseContainerList(json);
    QVERIFY2(!result.ok(), "malformed input was accepted");
    QVERIFY2(result.error().startsWith(error),
        qPrintable(QStringLiteral("got: ") + result.error() + QStringLiteral("\nwant: ") + error));
    QVERIFY(result.error().size() < 400);
}

// --- inspect ---------------------------------------------------------------------------------

void TestDockerJson::inspect_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("state");
    QTest::addColumn<int>("restartCount");
    QTest::addColumn<std::optional<int>>("exitCode");
    QTest::addColumn<bool>("tty");

    QTest::newRow("running") << data("inspect-n8n-main.json") << QStringLiteral("n8n-main")
                             << QStringLiteral("running") << 0 << std::optional<int>() << false;
    QTest::newRow("stopped") << data("inspect-n8n-worker-1-stopped.json")
                             << QStringLiteral("n8n-worker-1") << QStringLiteral("exited") << 0
                             << std::optional<int>(0) << false;
    QTest::newRow("exited with 3")
        << data("inspect-exited-3.json") << QStringLiteral("exit3") << QStringLiteral("exited") << 0
        << std::optional<int>(3) << false;
    QTest::newRow("restarted by its policy")
        << data("inspect-restarted.json") << QStringLiteral("t1") << QStringLiteral("running") << 1
        << std::optional<int>() << false;
    QTest::newRow("tty") << data("inspect-tty.json") << QStringLiteral("t3")
                         << QStringLiteral("running") << 0 << std::optional<int>() << true;
}

void TestDockerJson::inspect()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, name);
    QFETCH(QString, state);
    QFETCH(int, restartCount);
    QFETCH(std::optional<int>, exitCode);
    QFETCH(bool, tty);
    const Result<ContainerInfo> result = parseContainerInspect(json);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const ContainerInfo &info = result.value();
    QCOMPARE(info.name, name);
    QCOMPARE(info.state, state);
    QCOMPARE(info.restartCount, restartCount);
    QCOMPARE(info.exitCode, exitCode);
    QCOMPARE(info.tty, tty);
    QCOMPARE(info.id.size(), 64);
    QVERIFY(info.createdS > 1'700'000'000);
    QVERIFY(!info.image.isEmpty());
}

void TestDockerJson::inspectMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("array") << QByteArray(
        "[]") << QStringLiteral("container inspect: expected a JSON object, got an array");
    QTest::newRow("no State") << QByteArray(R"({"Id":"a","RestartCount":0})")
                              << QStringLiteral("container inspect: State: is missing");
    QTest::newRow("State.Status missing")
        << QByteArray(R"({"Id":"a","RestartCount":0,"State":{}})")
        << QStringLiteral("container inspect: State.Status: is missing");
    QTest::newRow("RestartCount missing")
        << QByteArray(R"({"Id":"a","State":{"Status":"running"}})")
        << QStringLiteral("container inspect: RestartCount: is missing");
    QTest::newRow("RestartCount a string")
        << QByteArray(R"({"Id":"a","RestartCount":"1","State":{"Status":"running"}})")
        << QStringLiteral("container inspect: RestartCount: expected a number, got a string");
    QTest::newRow("Tty a string")
        << QByteArray(
               R"({"Id":"a","RestartCount":0,"State":{"Status":"running"},"Config":{"Tty":"no"}})")
        << QStringLiteral("container inspect: Config.Tty: expected true or false, got a string");
    QTest::newRow("bad Created")
        << QByteArray(
               R"({"Id":"a","RestartCount":0,"State":{"Status":"running"},"Created":"yesterday"})")
        << QStringLiteral("container inspect: Created: expected an RFC 3339 time, got 'yesterday'");
    QTest::newRow("cut off") << data("inspect-n8n-main.json").left(300)
                             << QStringLiteral("container inspect: not JSON (");
}

void TestDockerJson::inspectMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const Result<ContainerInfo> result = parseContainerInspect(json);
    QVERIFY2(!result.ok(), "malformed input was accepted");
    QVERIFY2(result.error().startsWith(error),
        qPrintable(QStringLiteral("got: ") + result.error() + QStringLiteral("\nwant: ") + error));
}

// --- stats -----------------------------------------------------------------------------------

void TestDockerJson::stats_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<std::optional<double>>("cpu");
    QTest::addColumn<qint64>("used");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<qint64>("timestampMs");

    // Δtotal_usage / Δsystem_cpu_usage × online_cpus × 100, from the files' own numbers.
    const double worker2Cpu
        = (549083382.0 - 474930292.0) / (1502240000000.0 - 1500260000000.0) * 2 * 100;
    QTest::newRow("two samples") << data("stats-n8n-worker-2.json")
                                 << std::optional<double>(worker2Cpu) << qint64(905216)
                                 << qint64(25276514304) << utcMs(2026, 11, 23, 18, 58, 18, 74);
    QTest::newRow("idle, --memory 256m")
        << data("stats-n8n-main-memlimit.json") << std::optional<double>(0.0) << qint64(507904)
        << qint64(268435456) << qint64(-1);
    QTest::newRow("one-shot: no precpu")
        << data("stats-oneshot-n8n-worker-2.json") << std::optional<double>() << qint64(892928)
        << qint64(25276514304) << qint64(-1);
    QTest::newRow("page cache (cgroup v1)")
        << data("stats-page-cache.json") << std::optional<double>(0.1091)
        << qint64(33132544 - 31457280) << qint64(25276063744) << qint64(-1);
    QTest::newRow("stopped container") << data("stats-stopped.json") << std::optional<double>()
                                       << qint64(0) << qint64(0) << qint64(0);

    // cgroup v2 names the cache inactive_file and has no total_* keys.
    QByteArray v2 = data("stats-page-cache.json");
    const qsizetype from = v2.indexOf("\"stats\":{");
    const qsizetype to = v2.indexOf('}', from);
    v2.replace(from, to - from + 1,
        R"("stats":{"anon":1400000,"file":31457280,"active_file":0,"inactive_file":31000000})");
    QTest::newRow("page cache (cgroup v2)")
        << v2 << std::optional<double>(0.1091) << qint64(33132544 - 31000000) << qint64(25276063744)
        << qint64(-1);

    QByteArray noPre = data("stats-n8n-worker-2.json");
    noPre.replace("\"precpu_stats\"", "\"ignored_stats\"");
    QTest::newRow("no precpu_stats key")
        << noPre << std::optional<double>() << qint64(905216) << qint64(25276514304) << qint64(-1);

    QByteArray percpu = data("stats-n8n-worker-2.json");
    percpu.replace("\"online_cpus\":2,", "");
    QTest::newRow("no online_cpus: percpu_usage counts")
        << percpu << std::optional<double>(worker2Cpu) << qint64(905216) << qint64(25276514304)
        << qint64(-1);
}

void TestDockerJson::stats()
{
    QFETCH(QByteArray, json);
    QFETCH(std::optional<double>, cpu);
    QFETCH(qint64, used);
    QFETCH(qint64, limit);
    QFETCH(qint64, timestampMs);
    const Result<ContainerStats> result = parseContainerStats(json);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const ContainerStats &stats = result.value();
    QCOMPARE(stats.cpuPercent.has_value(), cpu.has_value());
    if (cpu)
        QVERIFY2(std::abs(*stats.cpuPercent - *cpu) < 1e-3,
            qPrintable(QStringLiteral("cpu %1 want %2").arg(*stats.cpuPercent).arg(*cpu)));
    QCOMPARE(stats.memoryUsedBytes, used);
    QCOMPARE(stats.memoryLimitBytes, limit);
    if (timestampMs >= 0)
        QCOMPARE(stats.timestampMs, timestampMs);
    QCOMPARE(stats.id.size(), 64);
}

void TestDockerJson::statsStream()
{
    // stream=1: the first object has no precpu, each later one has the previous as precpu.
    const QList<QByteArray> samples = lines(data("stats-stream-n8n-worker-1.ndjson"));
    QCOMPARE(samples.size(), 3);
    QList<ContainerStats> parsed;
    for (const QByteArray &line : samples) {
        const Result<ContainerStats> result = parseContainerStats(line);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
        parsed.append(result.value());
    }
    QVERIFY(!parsed[0].cpuPercent);
    QVERIFY(parsed[1].cpuPercent && std::abs(*parsed[1].cpuPercent - 7.5597) < 1e-3);
    QVERIFY(parsed[2].cpuPercent && std::abs(*parsed[2].cpuPercent - 7.9368) < 1e-3);
    QCOMPARE(parsed[0].memoryUsedBytes, qint64(774144));
    QCOMPARE(parsed[1].memoryUsedBytes, qint64(954368));
    QCOMPARE(parsed[1].timestampMs, utcMs(2026, 11, 23, 18, 58, 23, 101));
    QVERIFY(parsed[0].timestampMs < parsed[1].timestampMs);
    QVERIFY(parsed[1].timestampMs < parsed[2].timestampMs);
}

void TestDockerJson::statsMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << QByteArray("  \n") << QStringLiteral("stats: empty answer");
    QTest::newRow("not JSON") << QByteArray("stats unavailable")
                              << QStringLiteral("stats: not JSON (");
    QTest::newRow("no cpu_stats") << QByteArray(R"({"memory_stats":{}})")
                                  << QStringLiteral("stats: cpu_stats: is missing");
    QTest::newRow("no memory_stats")
        << QByteArray(R"({"cpu_stats":{}})") << QStringLiteral("stats: memory_stats: is missing");
    QTest::newRow("usage a string")
        << QByteArray(R"({"cpu_stats":{},"memory_stats":{"usage":"1k"}})")
        << QStringLiteral("stats: memory_stats.usage: expected a number, got a string");
    QTest::newRow("cpu_usage an array")
        << QByteArray(R"({"cpu_stats":{"cpu_usage":[]},"memory_stats":{}})")
        << QStringLiteral("stats: cpu_stats.cpu_usage: expected an object, got an array");
    QTest::newRow("bad read time")
        << QByteArray(R"({"read":"now","cpu_stats":{},"memory_stats":{}})")
        << QStringLiteral("stats: read: expected an RFC 3339 time, got 'now'");
    QTest::newRow("networks a list")
        << QByteArray(R"({"cpu_stats":{},"memory_stats":{},"networks":[]})")
        << QStringLiteral("stats: networks: expected an object, got an array");
}

void TestDockerJson::statsMalformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const Result<ContainerStats> result = parseContainerStats(json);
    QVERIFY2(!result.ok(), "malformed input was accepted");
    QVERIFY2(result.error().startsWith(error),
        qPrintable(QStringLiteral("got: ") + result.error() + QStringLiteral("\nwant: ") + error));
}

// --- events ----------------------------------------------------------------------------------

void TestDockerJson::eventsLiveStream()
{
    const QList<QByteArray> stream = lines(data("events-live-stream.ndjson"));
    QCOMPARE(stream.size(), 30);
    QStringList containerActions;
    qint64 previous = 0;
    for (const QByteArray &line : stream) {
        const Result<RuntimeEvent> event = parseDockerEvent(line);
        QVERIFY2(event.ok(), qPrintable(event.ok() ? QString() : event.error()));
        QVERIFY(event.value().timeNano >= previous);
        previous = event.value().timeNano;
        if (event.value().type == QLatin1String("container"))
            containerActions << event.value().action + QLatin1Char(':') + event.value().name;
    }
    // An API restart of worker-1, then a crash of worker-2 recovered by its policy (no
    // "restart" event), then the daemon stopping all three.
    QCOMPARE(containerActions.mid(0, 6),
        QStringList({ QStringLiteral("kill:n8n-worker-1"), QStringLiteral("die:n8n-worker-1"),
            QStringLiteral("stop:n8n-worker-1"), QStringLiteral("start:n8n-worker-1"),
            QStringLiteral("restart:n8n-worker-1"), QStringLiteral("kill:n8n-worker-1") }));
    QVERIFY(containerActions.contains(QStringLiteral("die:n8n-worker-2")));
    QCOMPARE(containerActions.count(QStringLiteral("restart:n8n-worker-2")), 0);
    QCOMPARE(containerActions.last(), QStringLiteral("stop:n8n-main"));
}

void TestDockerJson::eventFields()
{
    const QList<QByteArray> stream = lines(data("events-filtered.ndjson"));
    const Result<RuntimeEvent> die = parseDockerEvent(stream.at(1));
    QVERIFY(die.ok());
    const RuntimeEvent &e = die.value();
    QCOMPARE(e.type, QStringLiteral("container"));
    QCOMPARE(e.action, QStringLiteral("die"));
    QCOMPARE(e.name, QStringLiteral("n8n-worker-1"));
    QCOMPARE(
        e.id, QStringLiteral("242fb5a4376c0896e1b9172f318fd04b6f5700db779709f350d521cd803c331c"));
    QCOMPARE(e.timeNano, Q_INT64_C(1795460304685482035)); // exact: events are deduplicated by it
    QCOMPARE(e.attributes.value(QStringLiteral("exitCode")), QStringLiteral("0"));
    QCOMPARE(e.attributes.value(QStringLiteral("probe.role")), QStringLiteral("n8n-worker-1"));

    const Result<RuntimeEvent> kill = parseDockerEvent(stream.at(0));
    QVERIFY(kill.ok());
    QCOMPARE(kill.value().attributes.value(QStringLiteral("signal")), QStringLiteral("15"));

    // Before API 1.22: status/id/time only.
    const Result<RuntimeEvent> legacy
        = parseDockerEvent(R"({"status":"die","id":"abc","from":"img","time":1795460304})");
    QVERIFY2(legacy.ok(), qPrintable(legacy.ok() ? QString() : legacy.error()));
    QCOMPARE(legacy.value().action, QStringLiteral("die"));
    QCOMPARE(legacy.value().type, QStringLiteral("container"));
    QCOMPARE(legacy.value().id, QStringLiteral("abc"));
    QCOMPARE(legacy.value().timeNano, Q_INT64_C(1795460304000000000));
}

void TestDockerJson::eventsEveryRecordedLine_data()
{
    QTest::addColumn<QByteArray>("line");
    for (const char *file : { "events-filtered.ndjson", "events-since-until.ndjson" }) {
        const QList<QByteArray> all = lines(data(file));
        for (qsizetype i = 0; i < all.size(); ++i)
            QTest::addRow("%s:%lld", file, qlonglong(i + 1)) << all.at(i);
    }
}

void TestDockerJson::eventsEveryRecordedLine()
{
    QFETCH(QByteArray, line);
    const Result<RuntimeEvent> event = parseDockerEvent(line);
    QVERIFY2(event.ok(), qPrintable(event.ok() ? QString() : event.error()));
    QVERIFY(!event.value().action.isEmpty());
    QVERIFY(!event.value().id.isEmpty());
    QVERIFY(event.value().timeNano > Q_INT64_C(1795460000000000000));
}

void TestDockerJson::eventMalformed_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("error");
    QTest::newRow("not JSON") << QByteArray("{\"Type\":") << QStringLiteral("event: not JSON (");
    QTest::newRow("array") << QByteArray("[]")
                           << QStringLiteral("event: expected a JSON object, got an array");
    QTest::newRow("no action") << QByteArray(R"({"Type":"container","Actor":{"ID":"a"}})")
                               << QStringLiteral("event: Action: is missing");
    QTest::newRow("attribute not a string") << QByteArray(
        R"({"Type":"container","Action":"die","Actor":{"ID":"a","Attributes":{"exitCode":0}}})")
                                            << QStringLiteral("event: Actor.Attributes.exitCode: "
                                                              "expected a string, got a number");
    QTest::newRow("timeNano a string")
        << QByteArray(R"({"Type":"container","Action":"die","timeNano":"1"})")
        << QStringLiteral("event: timeNano: expected a number, got a string");
}

void TestDockerJson::eventMalformed()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, error);
    const Result<RuntimeEvent> result = parseDockerEvent(line);
    QVERIFY2(!result.ok(), "malformed input was accepted");
    QVERIFY2(result.error().startsWith(error),
        qPrintable(QStringLiteral("got: ") + result.error() + QStringLiteral("\nwant: ") + error));
}

// --- error bodies, version -------------------------------------------------------------------

void TestDockerJson::apiError_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("404") << data("error-404.json") << QStringLiteral("No such container: nope");
    QTest::newRow("version too new")
        << data("error-api-too-new.json")
        << QStringLiteral("client version 1.45 is too new. Maximum supported API version is 1.41");
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("plain text") << QByteArray("page not found\n")
                                << QStringLiteral("page not found");
    QTest::newRow("JSON without message")
        << QByteArray(R"({"error":"x"})") << QStringLiteral(R"({"error":"x"})");
    QTest::newRow("control characters")
        << QByteArray("bad\r\n\tgateway\x01") << QStringLiteral("bad gateway");
    QTest::newRow("long") << QByteArray(1000, 'a')
                          << QString(199, QLatin1Char('a')) + QChar(0x2026);
}

void TestDockerJson::apiError()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    QCOMPARE(parseApiError(body), message);
}

void TestDockerJson::engineVersion()
{
    const Result<QString> version = parseEngineVersion(data("version.json"));
    QVERIFY2(version.ok(), qPrintable(version.ok() ? QString() : version.error()));
    QCOMPARE(version.value(), QStringLiteral("20.10.24+dfsg1"));
    const Result<QString> bad = parseEngineVersion("{}");
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error(), QStringLiteral("version: Version: is missing"));
}

// --- log stream ------------------------------------------------------------------------------

void TestDockerJson::demuxRecordedStream()
{
    // The engine cut the 20,000-character line into a 16 KiB frame and the rest.
    const QByteArray body = data("logs-multiplexed.bin");
    QString error;
    const QList<LogLine> got = demuxAll(body, false, {}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(describe(got), describe(multiplexedFixtureLines()));
    QCOMPARE(got, multiplexedFixtureLines());
}

void TestDockerJson::demuxEverySplitPoint()
{
    const QByteArray body = data("logs-multiplexed.bin");
    const QList<LogLine> want = multiplexedFixtureLines();
    // Every split inside the first 300 bytes (headers and payloads of the short frames) and
    // around the long frame's boundaries.
    QList<qsizetype> points;
    for (qsizetype i = 1; i < 300; ++i)
        points << i;
    const qsizetype longFrame = body.indexOf(QByteArray(40, 'x')) - 8;
    for (qsizetype i = longFrame - 10; i < longFrame + 20; ++i)
        points << i;
    for (qsizetype i = body.size() - 3630; i < body.size(); i += 7)
        points << i;
    for (const qsizetype cut : std::as_const(points)) {
        const QList<LogLine> got = demuxAll(body, false, { cut });
        QVERIFY2(
            got == want, qPrintable(QStringLiteral("split at %1: %2").arg(cut).arg(describe(got))));
    }
    // Random chunkings (fixed seed).
    std::mt19937 rng(kSeed);
    for (int round = 0; round < 300; ++round) {
        QList<qsizetype> cuts;
        qsizetype at = 0;
        while (true) {
            at += 1 + qsizetype(rng() % 2000);
            if (at >= body.size())
                break;
            cuts << at;
        }
        const QList<LogLine> got = demuxAll(body, false, cuts);
        QVERIFY2(
            got == want, qPrintable(QStringLiteral("round %1: %2").arg(round).arg(describe(got))));
    }
}

void TestDockerJson::demuxByteByByte()
{
    const QByteArray body = data("logs-multiplexed.bin");
    QList<qsizetype> cuts;
    for (qsizetype i = 1; i < body.size(); ++i)
        cuts << i;
    QCOMPARE(demuxAll(body, false, cuts), multiplexedFixtureLines());
}

void TestDockerJson::demuxTty()
{
    const QByteArray body = data("logs-tty.bin");
    QCOMPARE(body, QByteArray("tty-1\r\ntty-err\r\n"));
    DockerLogDemuxer demuxer(true);
    QVERIFY(demuxer.raw());
    QList<LogLine> got = demuxer.feed(body.left(3));
    QVERIFY(got.isEmpty());
    got += demuxer.feed(body.mid(3));
    got += demuxer.finish();
    QCOMPARE(
        got, (QList<LogLine> { out(QStringLiteral("tty-1")), out(QStringLiteral("tty-err")) }));
}

void TestDockerJson::demuxFallsBackToRawText()
{
    // A TTY container's text given to a multiplexing demuxer (stale TTY information).
    DockerLogDemuxer demuxer(false);
    QList<LogLine> got = demuxer.feed("tty");
    got += demuxer.feed("-1\r\ntty-err\r\n");
    got += demuxer.finish();
    QVERIFY(demuxer.raw());
    QVERIFY(demuxer.error().isEmpty());
    QCOMPARE(
        got, (QList<LogLine> { out(QStringLiteral("tty-1")), out(QStringLiteral("tty-err")) }));

    // Shorter than one frame header.
    QCOMPARE(demuxAll("ok\n", false), QList<LogLine> { out(QStringLiteral("ok")) });
    QCOMPARE(demuxAll("", false), QList<LogLine>());
}

void TestDockerJson::demuxCases_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QList<LogLine>>("lines");

    QTest::newRow("stdin type counts as stdout")
        << frame(0, "in\n") << QList<LogLine> { out(QStringLiteral("in")) };
    QTest::newRow("engine error goes to stderr") << frame(
        3, "error from daemon\n") << QList<LogLine> { err(QStringLiteral("error from daemon")) };
    QTest::newRow("empty frames") << frame(1, "") + frame(2, "") + frame(1, "a\n")
                                  << QList<LogLine> { out(QStringLiteral("a")) };
    QTest::newRow("partial lines per stream")
        << frame(1, "abc") + frame(2, "err\n") + frame(1, "def\n")
        << QList<LogLine> { err(QStringLiteral("err")), out(QStringLiteral("abcdef")) };
    QTest::newRow("unterminated last lines")
        << frame(1, "last") + frame(2, "oops")
        << QList<LogLine> { out(QStringLiteral("last")), err(QStringLiteral("oops")) };
    QTest::newRow("CRLF") << frame(1, "win\r\n") << QList<LogLine> { out(QStringLiteral("win")) };
    QTest::newRow("several lines in a frame")
        << frame(2, "1\n2\n\n3\n")
        << QList<LogLine> { err(QStringLiteral("1")), err(QStringLiteral("2")), err(QString()),
               err(QStringLiteral("3")) };
    QTest::newRow("UTF-8 split between frames") << frame(1, "Gr\xc3")
            + frame(1,
                "\xbc\xc3\x9f"
                "e\n") << QList<LogLine> { out(QStringLiteral("Grüße")) };
    QTest::newRow("cut inside a payload")
        << frame(1, "complete\n") + frame(1, "cut off here\n").left(14)
        << QList<LogLine> { out(QStringLiteral("complete")), out(QStringLiteral("cut of")) };
    QTest::newRow("cut inside a header") << frame(1, "complete\n") + frame(1, "x\n").left(5)
                                         << QList<LogLine> { out(QStringLiteral("complete")) };
}

void TestDockerJson::demuxCases()
{
    QFETCH(QByteArray, body);
    QFETCH(QList<LogLine>, lines);
    QString error;
    const QList<LogLine> got = demuxAll(body, false, {}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(describe(got), describe(lines));
    QCOMPARE(got, lines);
}

void TestDockerJson::demuxCorruptHeader()
{
    const QByteArray good = frame(1, "fine\n");
    QByteArray body
        = good + QByteArray("\x01\x07\x00\x00\x00\x00\x00\x03", 8) + "abc" + frame(2, "never\n");
    QString error;
    const QList<LogLine> got = demuxAll(body, false, { 3, 15 }, &error);
    QCOMPARE(got, QList<LogLine> { out(QStringLiteral("fine")) });
    QCOMPARE(error,
        QStringLiteral("log stream: corrupt frame header at byte 13 (01 07 00 00 00 00 00 03)"));

    body = good + QByteArray("\x09\x00\x00\x00\x00\x00\x00\x01", 8) + "z";
    demuxAll(body, false, {}, &error);
    QVERIFY2(error.startsWith(QStringLiteral("log stream: corrupt frame header at byte 13")),
        qPrintable(error));
}

void TestDockerJson::demuxVeryLongLine()
{
    // A line without end is cut at 1 MiB rather than held forever.
    const QByteArray chunk(64 * 1024, 'y');
    DockerLogDemuxer demuxer(false);
    QList<LogLine> got;
    for (int i = 0; i < 20; ++i)
        got += demuxer.feed(frame(1, chunk));
    got += demuxer.finish();
    QCOMPARE(got.size(), 2);
    QCOMPARE(got[0].text.size(), 1024 * 1024);
    QCOMPARE(got[1].text.size(), 20 * 64 * 1024 - 1024 * 1024);
}

// --- robustness ------------------------------------------------------------------------------

void TestDockerJson::robustnessJsonTruncations()
{
    // Random truncations and byte flips of every recorded answer: each parser either accepts
    // or fails with its own prefix; none crashes or hangs.
    struct Corpus {
        const char *file;
        QString prefix;
        std::function<std::optional<QString>(const QByteArray &)> parse;
    };
    auto errorOf = [](const auto &result) -> std::optional<QString> {
        if (result.ok())
            return std::nullopt;
        return result.error();
    };
    QList<Corpus> corpora;
    for (const char *file :
        { "containers-list.json", "containers-list-compose.json", "containers-list-mixed.json" })
        corpora.append({ file, QStringLiteral("containers list: "),
            [&](const QByteArray &b) { return errorOf(parseContainerList(b)); } });
    for (const char *file :
        { "inspect-n8n-main.json", "inspect-exited-3.json", "inspect-tty.json" })
        corpora.append({ file, QStringLiteral("container inspect: "),
            [&](const QByteArray &b) { return errorOf(parseContainerInspect(b)); } });
    for (const char *file : { "stats-n8n-worker-2.json", "stats-oneshot-n8n-worker-2.json",
             "stats-page-cache.json", "stats-stopped.json" })
        corpora.append({ file, QStringLiteral("stats: "),
            [&](const QByteArray &b) { return errorOf(parseContainerStats(b)); } });

    std::mt19937_64 rng(kSeed);
    int accepted = 0;
    int rejected = 0;
    for (const Corpus &corpus : std::as_const(corpora)) {
        const QByteArray original = data(corpus.file);
        QVERIFY(!original.isEmpty());
        for (int i = 0; i < 300; ++i) {
            QByteArray input = original.left(qsizetype(rng() % quint64(original.size() + 1)));
            if (i % 3 == 1 && !input.isEmpty())
                input[qsizetype(rng() % quint64(input.size()))] ^= char(1 << (rng() % 8));
            if (i % 3 == 2)
                input = original.mid(qsizetype(rng() % quint64(original.size())));
            const std::optional<QString> error = corpus.parse(input);
            if (!error) {
                ++accepted;
                continue;
            }
            ++rejected;
            QVERIFY2(error->startsWith(corpus.prefix),
                qPrintable(QStringLiteral("%1 #%2: %3")
                               .arg(QLatin1String(corpus.file))
                               .arg(i)
                               .arg(*error)));
            QVERIFY(error->size() < 500);
        }
    }
    // Events: every recorded line, truncated anywhere.
    for (const QByteArray &line : lines(data("events-live-stream.ndjson"))) {
        for (int i = 0; i < 40; ++i) {
            const QByteArray input = line.left(qsizetype(rng() % quint64(line.size() + 1)));
            const Result<RuntimeEvent> event = parseDockerEvent(input);
            if (event.ok()) {
                ++accepted;
                QCOMPARE(input, line); // a strict prefix of an object is never JSON
            } else {
                ++rejected;
                QVERIFY2(
                    event.error().startsWith(QStringLiteral("event: ")), qPrintable(event.error()));
            }
        }
    }
    qInfo("robustness: %d accepted, %d rejected", accepted, rejected);
    QVERIFY(rejected > 1000);
    QVERIFY(accepted > 0);
}

void TestDockerJson::robustnessDemuxer()
{
    const QByteArray body = data("logs-multiplexed.bin");
    const QList<LogLine> full = multiplexedFixtureLines();
    std::mt19937_64 rng(kSeed);
    for (int i = 0; i < 2000; ++i) {
        QByteArray input = body.left(qsizetype(rng() % quint64(body.size() + 1)));
        const bool flip = i % 2 == 1 && !input.isEmpty();
        if (flip)
            input[qsizetype(rng() % quint64(input.size()))] = char(rng() % 256);
        QList<qsizetype> cuts;
        for (qsizetype at = 0; (at += 1 + qsizetype(rng() % 500)) < input.size();)
            cuts << at;
        QString error;
        const QList<LogLine> got = demuxAll(input, false, cuts, &error);
        qsizetype textBytes = 0;
        for (const LogLine &line : got)
            textBytes += line.text.toUtf8().size();
        QVERIFY2(textBytes <= input.size(), qPrintable(QStringLiteral("case %1").arg(i)));
        if (!flip) {
            // A truncated stream gives a prefix of the lines, the last one possibly cut.
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QVERIFY(got.size() <= full.size());
            for (qsizetype l = 0; l < got.size(); ++l) {
                QCOMPARE(got[l].fromStderr, full[l].fromStderr);
                QVERIFY2(full[l].text.startsWith(got[l].text),
                    qPrintable(QStringLiteral("case %1 line %2").arg(i).arg(l)));
            }
        } else if (!error.isEmpty()) {
            QVERIFY2(error.startsWith(QStringLiteral("log stream: corrupt frame header at byte ")),
                qPrintable(error));
        }
    }
    // Random bytes as a whole body, multiplexed or TTY: no crash, all bytes accounted for.
    for (int i = 0; i < 300; ++i) {
        QByteArray noise(qsizetype(rng() % 4096), '\0');
        for (char &c : noise)
            c = char(rng() % 256);
        QString error;
        demuxAll(noise, i % 2 == 0, {}, &error);
        QVERIFY(error.isEmpty() || error.startsWith(QStringLiteral("log stream: ")));
    }
}

QTEST_GUILESS_MAIN(TestDockerJson)
#include "tst_dockerjson.moc"
