// A drill's JSON journal: every field of a record survives write -> read (every enum value),
// the schema's shape, one exact located error per kind of mistake, garbage and truncation never
// accepted silently, the journal list (newest first, a corrupt file named), the file name, and
// the size of a five-minute drill's journal.

#include "DrillRecords.h"
#include "TestSupport.h"
#include "services/drills/DrillJournal.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

using namespace cw;
using namespace std::chrono_literals;

namespace {

const QString kSource = QStringLiteral("journal.json");

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<DrillRecord> read(const QByteArray &json)
{
    return drillRecordFromJson(json, kSource);
}

QString errorOf(const Result<DrillRecord> &result)
{
    return result.ok() ? QStringLiteral("(accepted)") : result.error();
}

/// Sets (or with an undefined value removes) the value at @p path ("spec.target.kind",
/// "steps.3.phase", "probes.latency_ms.2": list indexes as path parts).
QJsonValue edited(const QJsonValue &node, QStringList path, const QJsonValue &value)
{
    const QString head = path.takeFirst();
    if (node.isArray()) {
        QJsonArray array = node.toArray();
        const int index = head.toInt();
        if (path.isEmpty()) {
            if (value.isUndefined())
                array.removeAt(index);
            else
                array[index] = value;
        } else {
            array[index] = edited(array[index], path, value);
        }
        return array;
    }
    QJsonObject object = node.toObject();
    if (path.isEmpty()) {
        if (value.isUndefined())
            object.remove(head);
        else
            object.insert(head, value);
    } else {
        object.insert(head, edited(object.value(head), path, value));
    }
    return object;
}

QByteArray richWith(const QString &path, const QJsonValue &value)
{
    const QJsonObject json = drillRecordToJson(cwtest::richDrillRecord());
    return compact(edited(json, path.split(QLatin1Char('.')), value).toObject());
}

} // namespace

class TestDrillJournal : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void roundTrip_data();
    void roundTrip();
    void roundTripThroughTheFile();
    void schemaShape();
    void unknownFieldsAndAbsentOptionals();
    void errors_data();
    void errors();
    void garbage_data();
    void garbage();
    void truncatedAnywhere();
    void fixtureStillReads();
    void fileName_data();
    void fileName();
    void listNewestFirstAndNamesCorruptFiles();
    void listMissingDirectory();
    void writeErrorNamesThePath();
    void defaultDirectory();
    void fiveMinuteDrillSize();
};

void TestDrillJournal::roundTrip_data()
{
    QTest::addColumn<DrillRecord>("record");
    const DrillRecord rich = cwtest::richDrillRecord();
    QTest::newRow("rich") << rich;
    QTest::newRow("default record") << DrillRecord();
    QTest::newRow("webhook freeze") << cwtest::webhookFreezeRecord();
    // Every value of every enum, a row each (the rich record's steps hold every phase already).
    int i = 0;
    for (const QString &word : drillVerdictWords()) {
        DrillRecord r = rich;
        r.verdict = *drillVerdictFromString(word);
        r.phase = *drillPhaseFromString(drillPhaseWords().at(i++ % drillPhaseWords().size()));
        QTest::newRow(qPrintable(QStringLiteral("verdict ") + word)) << r;
    }
    for (const QString &word : drillPhaseWords()) {
        DrillRecord r = rich;
        r.phase = *drillPhaseFromString(word);
        QTest::newRow(qPrintable(QStringLiteral("phase ") + word)) << r;
    }
    for (const QString &word : drillTargetKindWords()) {
        DrillRecord r = rich;
        r.spec.target.kind = *drillTargetKindFromString(word);
        r.spec.target.node.clear();
        QTest::newRow(qPrintable(QStringLiteral("target ") + word)) << r;
    }
    for (const QString &word : drillFaultWords()) {
        DrillRecord r = rich;
        r.spec.fault = *drillFaultFromString(word);
        QTest::newRow(qPrintable(QStringLiteral("fault ") + word)) << r;
    }
    for (const QString &word : drillDurationKindWords()) {
        DrillRecord r = rich;
        r.spec.duration.kind = *drillDurationKindFromString(word);
        QTest::newRow(qPrintable(QStringLiteral("duration ") + word)) << r;
    }
    for (const QString &word : recoveryActionWords()) {
        DrillRecord r = rich;
        r.spec.recovery.action = *recoveryActionFromString(word);
        r.spec.recovery.automatic = !r.spec.recovery.automatic;
        QTest::newRow(qPrintable(QStringLiteral("recovery ") + word)) << r;
    }
    for (const QString &word : steadyStateCheckWords()) {
        DrillRecord r = rich;
        r.spec.steadyState = { *steadyStateCheckFromString(word) };
        QTest::newRow(qPrintable(QStringLiteral("check ") + word)) << r;
    }
    DrillRecord noErrorRate = rich;
    noErrorRate.spec.abort.errorRate.reset();
    noErrorRate.figures = DrillFigures();
    noErrorRate.figures.outcomes.clear();
    QTest::newRow("no error-rate abort, empty figures") << noErrorRate;
    DrillRecord extremes = rich;
    extremes.startedWallMs = std::numeric_limits<qint64>::max();
    extremes.finishedWallMs = std::numeric_limits<qint64>::min();
    extremes.probes = { { -1, std::numeric_limits<qint32>::max(), std::numeric_limits<int>::min(),
        QStringLiteral("\"\\\n\u00e9\U0001F600") } };
    extremes.cluster[0].completed = 1e300;
    extremes.figures.completedDuringFault = 5e-324;
    extremes.spec.abort.errorRate->abovePercent = 0.1 + 0.2;
    QTest::newRow("extreme numbers and strings") << extremes;
}

void TestDrillJournal::roundTrip()
{
    QFETCH(DrillRecord, record);
    const QByteArray json = compact(drillRecordToJson(record));
    const Result<DrillRecord> back = read(json);
    QVERIFY2(back.ok(), qPrintable(errorOf(back)));
    QVERIFY(back.value() == record);
    QCOMPARE(compact(drillRecordToJson(back.value())), json);
}

void TestDrillJournal::roundTripThroughTheFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const DrillRecord record = cwtest::richDrillRecord();
    const Result<QString> path = writeDrillJournal(record, dir.filePath(QStringLiteral("a/b")));
    QVERIFY2(path.ok(), qPrintable(path.ok() ? QString() : path.error()));
    QCOMPARE(path.value(), dir.filePath(QStringLiteral("a/b/")) + drillJournalFileName(record));
    const Result<DrillRecord> back = readDrillJournal(path.value());
    QVERIFY2(back.ok(), qPrintable(errorOf(back)));
    QVERIFY(back.value() == record);
    // Rewriting (the runner does after every step) replaces the file in place.
    DrillRecord later = record;
    later.steps.append(
        DrillStep { DrillPhase::Done, QStringLiteral("x"), 1, 2, QStringLiteral("ok"), QString() });
    QCOMPARE(writeDrillJournal(later, dir.filePath(QStringLiteral("a/b"))).value(), path.value());
    QVERIFY(readDrillJournal(path.value()).value() == later);
    QCOMPARE(QDir(dir.filePath(QStringLiteral("a/b"))).entryList(QDir::Files).size(), 1);
}

void TestDrillJournal::schemaShape()
{
    const DrillRecord record = cwtest::richDrillRecord();
    const QJsonObject json = drillRecordToJson(record);
    QCOMPARE(
        json.value(QStringLiteral("schema")).toString(), QStringLiteral("clusterwatch-drill/1"));
    QCOMPARE(json.value(QStringLiteral("format")).toInt(), DrillRecord::kFormat);
    QCOMPARE(json.value(QStringLiteral("verdict")).toString(), QStringLiteral("deviated"));
    QCOMPARE(json.value(QStringLiteral("phase")).toString(), QStringLiteral("verify"));
    // The spec in the drill file's words, durations as ms numbers.
    const QJsonObject spec = json.value(QStringLiteral("spec")).toObject();
    QCOMPARE(spec.value(QStringLiteral("fault")).toString(), QStringLiteral("kill"));
    QCOMPARE(
        spec.value(QStringLiteral("target")).toObject().value(QStringLiteral("kind")).toString(),
        QStringLiteral("node"));
    const QJsonObject duration = spec.value(QStringLiteral("duration")).toObject();
    QCOMPARE(duration.value(QStringLiteral("kind")).toString(), QStringLiteral("fixed"));
    QCOMPARE(duration.value(QStringLiteral("fixed_ms")).toInteger(), qint64(90500));
    QCOMPARE(spec.value(QStringLiteral("steady_state")).toArray().first().toString(),
        QStringLiteral("no_stuck_executions"));
    QCOMPARE(spec.value(QStringLiteral("recovery")).toObject().value(QStringLiteral("action")),
        QJsonValue(QStringLiteral("restart")));
    QCOMPARE(spec.value(QStringLiteral("prober"))
                 .toObject()
                 .value(QStringLiteral("slow_threshold_ms"))
                 .toInteger(),
        qint64(2500));
    // Samples as columns of equal length; a missing optional is null.
    const QJsonObject probes = json.value(QStringLiteral("probes")).toObject();
    QCOMPARE(probes.keys(),
        QStringList({ QStringLiteral("error"), QStringLiteral("latency_ms"),
            QStringLiteral("sent_ms"), QStringLiteral("status") }));
    QCOMPARE(probes.value(QStringLiteral("latency_ms")).toArray(), QJsonArray({ 12, 5001, 3, 0 }));
    const QJsonObject cluster = json.value(QStringLiteral("cluster")).toObject();
    QCOMPARE(cluster.value(QStringLiteral("waiting")).toArray(),
        QJsonArray({ 12, QJsonValue(QJsonValue::Null) }));
    QCOMPARE(json.value(QStringLiteral("target")).toObject().value(QStringLiteral("up")).toArray(),
        QJsonArray({ true, false, false }));
    DrillRecord noFigures = record;
    noFigures.figures = DrillFigures();
    const QJsonObject figures
        = drillRecordToJson(noFigures).value(QStringLiteral("figures")).toObject();
    QVERIFY(figures.value(QStringLiteral("rto_ms")).isNull());
    QCOMPARE(figures.value(QStringLiteral("requests")).toInteger(), qint64(0));
}

void TestDrillJournal::unknownFieldsAndAbsentOptionals()
{
    const DrillRecord record = cwtest::richDrillRecord();
    QJsonObject json = drillRecordToJson(record);
    json.insert(QStringLiteral("written_by"), QStringLiteral("Clusterwatch 9.0"));
    QJsonObject spec = json.value(QStringLiteral("spec")).toObject();
    spec.insert(QStringLiteral("new_setting"), QJsonArray { 1, 2 });
    json.insert(QStringLiteral("spec"), spec);
    QJsonObject probes = json.value(QStringLiteral("probes")).toObject();
    probes.insert(QStringLiteral("node"), QJsonArray { 1 }); // a newer column, any length
    json.insert(QStringLiteral("probes"), probes);
    Result<DrillRecord> back = read(compact(json));
    QVERIFY2(back.ok(), qPrintable(errorOf(back)));
    QVERIFY(back.value() == record);

    // An optional value may be null or absent.
    QJsonObject figures = json.value(QStringLiteral("figures")).toObject();
    figures.remove(QStringLiteral("rto_ms"));
    figures.insert(QStringLiteral("alert_ms"), QJsonValue::Null);
    json.insert(QStringLiteral("figures"), figures);
    back = read(compact(json));
    QVERIFY2(back.ok(), qPrintable(errorOf(back)));
    QVERIFY(!back.value().figures.rtoMs);
    QVERIFY(!back.value().figures.alertMs);
    QCOMPARE(back.value().figures.detectionMs, record.figures.detectionMs);
}

void TestDrillJournal::errors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    auto row = [](const char *name, const QByteArray &json, const char *error) {
        QTest::newRow(name) << json << QStringLiteral("journal.json: ") + QString::fromUtf8(error);
    };
    const QJsonValue removed(QJsonValue::Undefined);

    row("step phase", richWith(QStringLiteral("steps.3.phase"), QStringLiteral("x")),
        "steps[3].phase: expected one of preflight, inject, observe, recover, verify, rollback, "
        "report, done, got 'x'");
    row("verdict", richWith(QStringLiteral("verdict"), QStringLiteral("Passed")),
        "verdict: expected one of running, passed, deviated, aborted, refused, dry run, got "
        "'Passed'");
    row("fault word", richWith(QStringLiteral("spec.fault"), QStringLiteral("stpo")),
        "spec.fault: expected one of stop, kill, pause, restart, got 'stpo'");
    row("fault as number", richWith(QStringLiteral("spec.fault"), 2),
        "spec.fault: expected one of stop, kill, pause, restart, got 2");
    row("target kind", richWith(QStringLiteral("spec.target.kind"), QStringLiteral("nodes")),
        "spec.target.kind: expected one of node, redis, postgres, load_balancer, got 'nodes'");
    row("duration kind", richWith(QStringLiteral("spec.duration.kind"), QStringLiteral("90s")),
        "spec.duration.kind: expected one of fixed, until_detected, until_recovered, got '90s'");
    row("steady-state check", richWith(QStringLiteral("spec.steady_state.1"), QJsonValue::Null),
        "spec.steady_state[1]: expected one of all_nodes_healthy, load_balancer_answers, "
        "queue_draining, no_stuck_executions, got null");
    row("recovery action", richWith(QStringLiteral("spec.recovery.action"), QStringLiteral("")),
        "spec.recovery.action: expected one of start, unpause, restart, got ''");
    row("missing fault", richWith(QStringLiteral("spec.fault"), removed),
        "spec.fault: required field is missing");
    row("missing spec", richWith(QStringLiteral("spec"), removed),
        "spec: required field is missing");
    row("spec not an object", richWith(QStringLiteral("spec"), QJsonArray()),
        "spec: expected an object, got a list");
    row("duration in text",
        richWith(QStringLiteral("spec.duration.fixed_ms"), QStringLiteral("90s")),
        "spec.duration.fixed_ms: expected a whole number, got '90s'");
    row("fraction of a ms", richWith(QStringLiteral("started_wall_ms"), 1.5),
        "started_wall_ms: expected a whole number, got 1.5");
    row("beyond qint64", richWith(QStringLiteral("finished_wall_ms"), 1e19),
        "finished_wall_ms: expected a whole number, got 1e+19");
    row("rate beyond int", richWith(QStringLiteral("spec.prober.requests_per_second"), 3e9),
        "spec.prober.requests_per_second: 3000000000 is out of range (-2147483648 to 2147483647)");
    row("percent as text",
        richWith(QStringLiteral("spec.abort.error_rate.above_percent"), QStringLiteral("20%")),
        "spec.abort.error_rate.above_percent: expected a number, got '20%'");
    row("error rate not an object", richWith(QStringLiteral("spec.abort.error_rate"), true),
        "spec.abort.error_rate: expected an object, got true");
    row("dry run as text", richWith(QStringLiteral("dry_run"), QStringLiteral("false")),
        "dry_run: expected true or false, got 'false'");
    row("name not a string", richWith(QStringLiteral("spec.name"), QJsonObject()),
        "spec.name: expected a string, got an object");
    row("deviation not a string", richWith(QStringLiteral("deviations.1"), 3),
        "deviations[1]: expected a string, got 3");
    row("container state", richWith(QStringLiteral("containers_before.n8n-main"), false),
        "containers_before.n8n-main: expected a string, got false");
    row("step not an object", richWith(QStringLiteral("steps.2"), QStringLiteral("x")),
        "steps[2]: expected an object, got 'x'");
    row("step end missing", richWith(QStringLiteral("steps.7.end_ms"), removed),
        "steps[7].end_ms: required field is missing");
    row("event time", richWith(QStringLiteral("events.4.at_ms"), QJsonValue::Null),
        "events[4].at_ms: expected a whole number, got null");
    row("probe latency", richWith(QStringLiteral("probes.latency_ms.2"), QStringLiteral("slow")),
        "probes.latency_ms[2]: expected a whole number, got 'slow'");
    row("probe error", richWith(QStringLiteral("probes.error.0"), QJsonValue::Null),
        "probes.error[0]: expected a string, got null");
    row("short column", richWith(QStringLiteral("probes.status.3"), removed),
        "probes.status: has 3 values, probes.sent_ms has 4");
    row("missing column", richWith(QStringLiteral("target.latency_ms"), removed),
        "target.latency_ms: required field is missing");
    row("target up as number", richWith(QStringLiteral("target.up.0"), 1),
        "target.up[0]: expected true or false, got 1");
    row("cluster waiting", richWith(QStringLiteral("cluster.waiting.0"), 1.25),
        "cluster.waiting[0]: expected a whole number, got 1.25");
    row("cluster completed", richWith(QStringLiteral("cluster.completed.1"), QStringLiteral("1")),
        "cluster.completed[1]: expected a number, got '1'");
    row("figures rto", richWith(QStringLiteral("figures.rto_ms"), QStringLiteral("11 s")),
        "figures.rto_ms: expected a whole number, got '11 s'");
    row("outcome count", richWith(QStringLiteral("figures.outcomes.502"), QJsonArray()),
        "figures.outcomes.502: expected a whole number, got a list");
    row("exited containers",
        richWith(QStringLiteral("figures.exited_containers"), QStringLiteral("x")),
        "figures.exited_containers: expected a list, got 'x'");
    QTest::newRow("long string value quoted short")
        << richWith(
               QStringLiteral("phase"), QString(QString(100, QLatin1Char('a')) + QLatin1Char('\n')))
        << QStringLiteral("journal.json: phase: expected one of preflight, inject, observe, "
                          "recover, verify, rollback, report, done, got '")
            + QString(80, QLatin1Char('a')) + QChar(0x2026) + QLatin1Char('\'');

    // The schema first: another file is not read field by field.
    row("schema missing", richWith(QStringLiteral("schema"), removed),
        "schema: required field is missing");
    row("other schema", richWith(QStringLiteral("schema"), QStringLiteral("n8n-workflow")),
        "schema: expected 'clusterwatch-drill/1', got 'n8n-workflow': not a Clusterwatch drill "
        "journal");
    row("newer schema", richWith(QStringLiteral("schema"), QStringLiteral("clusterwatch-drill/2")),
        "schema: 'clusterwatch-drill/2' is not a schema this Clusterwatch reads "
        "(clusterwatch-drill/1); a newer version wrote it");
    row("newer format", richWith(QStringLiteral("format"), 2),
        "format: journal format 2 is not the format this Clusterwatch reads (1)");
    row("format as text", richWith(QStringLiteral("format"), QStringLiteral("1")),
        "format: expected a whole number, got '1'");
    row(
        "schema and a wrong field",
        [] {
            QJsonObject json = drillRecordToJson(cwtest::richDrillRecord());
            json.insert(QStringLiteral("schema"), 1);
            json.insert(QStringLiteral("verdict"), 1);
            return compact(json);
        }(),
        "schema: expected 'clusterwatch-drill/1', got 1: not a Clusterwatch drill journal");
    row(
        "lone surrogate",
        [] {
            QByteArray json = compact(drillRecordToJson(cwtest::richDrillRecord()));
            json.replace("\"host\":\"ws-07\"", "\"host\":\"ws\\ud800\"");
            return json;
        }(),
        "host: the string 'ws\xef\xbf\xbd' is not valid Unicode");
}

void TestDrillJournal::errors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const Result<DrillRecord> result = read(json);
    QVERIFY2(!result.ok(), "the journal was accepted");
    QCOMPARE(result.error(), error);
}

void TestDrillJournal::garbage_data()
{
    // Syntax errors: the line is ours, the wording after it is Qt's, so only the start is fixed.
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << QByteArray()
                           << QStringLiteral("the file is empty; expected a drill journal");
    QTest::newRow("blank") << QByteArray(" \n\t\n")
                           << QStringLiteral("the file is empty; expected a drill journal");
    QTest::newRow("a list") << QByteArray(
        "[1, 2]") << QStringLiteral("expected a JSON object (a drill journal), got a list");
    QTest::newRow("open brace") << QByteArray("{") << QStringLiteral("not valid JSON (line 1, ");
    QTest::newRow("second line") << QByteArray(
        "{\n\"schema\": \"clusterwatch-drill/1\",\n\"format\": 1 x\n}")
                                 << QStringLiteral("not valid JSON (line 3, ");
    QTest::newRow("yaml") << QByteArray("name: w1 stop\ntarget: w1\n")
                          << QStringLiteral("not valid JSON (line 1, ");
    QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0", 11)
                            << QStringLiteral("not valid JSON (line 1, ");
    QTest::newRow("an empty object")
        << QByteArray("{}") << QStringLiteral("schema: required field is missing");
}

void TestDrillJournal::garbage()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const Result<DrillRecord> result = read(json);
    QVERIFY2(!result.ok(), "accepted");
    const QString expected = kSource + QStringLiteral(": ") + error;
    if (error.endsWith(QLatin1String(", ")))
        QVERIFY2(result.error().startsWith(expected), qPrintable(result.error()));
    else
        QCOMPARE(result.error(), expected);
}

void TestDrillJournal::truncatedAnywhere()
{
    // A journal cut short (a full disk, a crash mid-write without QSaveFile): never a record.
    const QByteArray json = compact(drillRecordToJson(cwtest::richDrillRecord()));
    for (qsizetype cut = 0; cut < json.size(); ++cut) {
        const Result<DrillRecord> result = read(json.left(cut));
        QVERIFY2(!result.ok(), qPrintable(QStringLiteral("accepted when cut at %1").arg(cut)));
        QVERIFY2(
            result.error().startsWith(kSource + QStringLiteral(": ")), qPrintable(result.error()));
    }
}

void TestDrillJournal::fixtureStillReads()
{
    // Written by format 1 when it was introduced (the rich record, indented): later versions must
    // keep reading it, to the same JSON (a change of the schema shows up here first).
    const QString name = QStringLiteral("drills/journal-rich.json");
    const Result<DrillRecord> record = readDrillJournal(cwtest::testDataPath(name));
    QVERIFY2(record.ok(), qPrintable(errorOf(record)));
    QVERIFY(record.value() == cwtest::richDrillRecord());
    const QJsonObject original = QJsonDocument::fromJson(cwtest::readTestData(name)).object();
    QCOMPARE(drillRecordToJson(record.value()), original);
}

void TestDrillJournal::fileName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("file");
    QTest::newRow("plain") << QStringLiteral("worker-1 stop")
                           << QStringLiteral("3f2a9c1d-7e41-4b7a-9d0c-5a1e2f3b4c5d")
                           << QStringLiteral("20261203-162512-worker-1-stop-3f2a9c1d.json");
    QTest::newRow("upper case, punctuation")
        << QStringLiteral("  Redis: KILL (prod)!! ") << QStringLiteral("{ab-cd-ef-12-34}")
        << QStringLiteral("20261203-162512-redis-kill-prod-abcdef12.json");
    QTest::newRow("path in the name") << QStringLiteral("../../etc/passwd") << QStringLiteral("x")
                                      << QStringLiteral("20261203-162512-etc-passwd-x.json");
    QTest::newRow("no name, no id")
        << QString() << QString() << QStringLiteral("20261203-162512-drill.json");
    QTest::newRow("only symbols") << QStringLiteral("<&>") << QStringLiteral("1")
                                  << QStringLiteral("20261203-162512-drill-1.json");
    QTest::newRow("long name") << QString(200, QLatin1Char('n')) << QStringLiteral("12345678")
                               << QStringLiteral("20261203-162512-") + QString(48, QLatin1Char('n'))
            + QStringLiteral("-12345678.json");
}

void TestDrillJournal::fileName()
{
    QFETCH(QString, name);
    QFETCH(QString, id);
    QFETCH(QString, file);
    DrillRecord record;
    record.startedWallMs = 1796315112999; // 2026-12-03 16:25:12.999 UTC
    record.spec.name = name;
    record.id = id;
    QCOMPARE(drillJournalFileName(record), file);
}

void TestDrillJournal::listNewestFirstAndNamesCorruptFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const qint64 base = 1796315112000;
    const qint64 order[] = { 2, 0, 3, 1 }; // written out of order
    for (const qint64 k : order) {
        DrillRecord record = cwtest::richDrillRecord();
        record.startedWallMs = base + k * 3'600'000;
        record.id = QStringLiteral("id-%1").arg(k);
        record.spec.name = QStringLiteral("drill %1").arg(k);
        QVERIFY(writeDrillJournal(record, dir.path()).ok());
    }
    const QString broken = cwtest::writeFile(dir, QStringLiteral("broken.json"), "{\"schema\":");
    const QString other = cwtest::writeFile(dir, QStringLiteral("other.json"), "{\"a\": 1}");
    cwtest::writeFile(dir, QStringLiteral("notes.txt"), "not a journal");
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub.json"))); // a directory: not listed

    QStringList errors;
    const QList<DrillJournalEntry> entries = listDrillJournals(dir.path(), &errors);
    QCOMPARE(entries.size(), 4);
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(entries[i].record.spec.name, QStringLiteral("drill %1").arg(3 - i));
        QCOMPARE(entries[i].path, dir.filePath(drillJournalFileName(entries[i].record)));
    }
    QCOMPARE(errors.size(), 2);
    QVERIFY2(
        errors[0].startsWith(broken + QStringLiteral(": not valid JSON")), qPrintable(errors[0]));
    QCOMPARE(errors[1], other + QStringLiteral(": schema: required field is missing"));
    // Without an error list the good ones still come back.
    QCOMPARE(listDrillJournals(dir.path()).size(), 4);
}

void TestDrillJournal::listMissingDirectory()
{
    QTemporaryDir dir;
    QStringList errors;
    QVERIFY(listDrillJournals(dir.filePath(QStringLiteral("never-written")), &errors).isEmpty());
    QVERIFY(errors.isEmpty());
    const QString file = cwtest::writeFile(dir, QStringLiteral("file"), "x");
    QVERIFY(listDrillJournals(file, &errors).isEmpty());
    QCOMPARE(errors,
        QStringList { file
            + QStringLiteral(": cannot list the drill journals: not a readable "
                             "directory") });
}

void TestDrillJournal::writeErrorNamesThePath()
{
    QTemporaryDir dir;
    const QString file = cwtest::writeFile(dir, QStringLiteral("file"), "x");
    const QString below = file + QStringLiteral("/drills");
    const Result<QString> written = writeDrillJournal(cwtest::richDrillRecord(), below);
    QVERIFY(!written.ok());
    QCOMPARE(
        written.error(), below + QStringLiteral(": cannot create the drill journal directory"));
    const Result<DrillRecord> missing = readDrillJournal(dir.filePath(QStringLiteral("no.json")));
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().startsWith(dir.filePath(QStringLiteral("no.json: cannot open: "))),
        qPrintable(missing.error()));
}

void TestDrillJournal::defaultDirectory()
{
    QCOMPARE(defaultDrillDirectory(),
        QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
            + QStringLiteral("/Clusterwatch/drills"));
}

void TestDrillJournal::fiveMinuteDrillSize()
{
    // 10 requests/s and the target at 10 Hz for five minutes, the cluster at 1 Hz.
    const DrillRecord record = cwtest::webhookFreezeRecord(300);
    QCOMPARE(record.probes.size() + record.target.size() + record.cluster.size(), 6300);
    QTemporaryDir dir;
    const Result<QString> path = writeDrillJournal(record, dir.path());
    QVERIFY(path.ok());
    const qint64 size = QFileInfo(path.value()).size();
    QElapsedTimer timer;
    timer.start();
    const Result<DrillRecord> back = readDrillJournal(path.value());
    const qint64 readMs = timer.elapsed();
    QVERIFY2(back.ok(), qPrintable(errorOf(back)));
    QVERIFY(back.value() == record);
    qInfo("five-minute drill journal: %lld bytes (%.1f per sample), read back in %lld ms", size,
        double(size) / 6300, readMs);
    QVERIFY2(size < 200 * 1024, qPrintable(QString::number(size)));
    QVERIFY2(readMs < 2000, qPrintable(QString::number(readMs))); // a shared CI machine
}

QTEST_GUILESS_MAIN(TestDrillJournal)
#include "tst_drilljournal.moc"
