// Deterministic fuzzing that runs with any compiler (CI uses gcc): the parsers over a few
// thousand mutations of the real /metrics captures, the cluster files, the drill files and the
// drill journals. No input may crash them, and every error must still say where the problem is.
// The libFuzzer harnesses next to this file explore further when built with clang.

#include "DrillRecords.h"
#include "TestSupport.h"
#include "services/collectors/PrometheusParser.h"
#include "services/config/ConfigLoader.h"
#include "services/drills/DrillFile.h"
#include "services/drills/DrillJournal.h"

#include <QDirIterator>
#include <QJsonDocument>
#include <QLocale>
#include <QRegularExpression>
#include <QTest>
#include <random>

using namespace cw;

namespace {

constexpr std::uint32_t kSeed = 0x6e38'6e21; // fixed: a failure must reproduce
constexpr int kMutationsPerParser = 4000;

const QString kSecret = QStringLiteral("Fuzz-S3cret-Never-Shown");

class Mutator {
public:
    /// @p extraTokens: bytes worth inserting for this parser, on top of the shared ones.
    explicit Mutator(std::uint32_t seed, QList<QByteArray> extraTokens = {})
        : m_extraTokens(std::move(extraTokens))
        , m_rng(seed)
    {
    }

    qsizetype below(qsizetype n) { return n <= 0 ? 0 : qsizetype(m_rng() % std::uint64_t(n)); }

    QByteArray mutate(const QList<QByteArray> &corpus)
    {
        QByteArray data = corpus[below(corpus.size())];
        const int rounds = 1 + int(below(3));
        for (int i = 0; i < rounds; ++i)
            data = mutateOnce(data, corpus);
        return data;
    }

private:
    QByteArray mutateOnce(QByteArray data, const QList<QByteArray> &corpus)
    {
        switch (below(8)) {
        case 0: { // bit flips
            const int flips = 1 + int(below(8));
            for (int i = 0; i < flips && !data.isEmpty(); ++i)
                data[below(data.size())] ^= char(1 << below(8));
            return data;
        }
        case 1: // truncation
            return data.left(below(data.size() + 1));
        case 2: { // splice: a prefix of this one and a suffix of another
            const QByteArray &other = corpus[below(corpus.size())];
            return data.left(below(data.size() + 1)) + other.mid(below(other.size() + 1));
        }
        case 3: { // duplicate a line
            QList<QByteArray> lines = data.split('\n');
            const qsizetype at = below(lines.size());
            lines.insert(below(lines.size() + 1), lines[at]);
            return lines.join('\n');
        }
        case 4: { // delete a line
            QList<QByteArray> lines = data.split('\n');
            if (lines.size() > 1)
                lines.removeAt(below(lines.size()));
            return lines.join('\n');
        }
        case 5: { // insert interesting bytes
            static const QList<QByteArray> tokens = { "\"", "\\", "{", "}", "=", ",", "\n", "\r",
                "\t", " ", "#", "# TYPE ", "# HELP ", "NaN", "+Inf", "-Inf", "1e308", "1e999", "-0",
                ":", "- ", "[", "]", "&a", "*a", "${", "${X}", "%", "!!binary", "|", ">", "'",
                QByteArray(1, '\0'), "\xff\xfe", "\xc3", "n8n_", "n8n_version_info{version=\"",
                "password: ", "url: ", "nodes:\n  - " };
            // The extra tokens come after the shared ones, so that a mutator without any draws
            // the same sequence as before they existed.
            const qsizetype pick = below(tokens.size() + m_extraTokens.size());
            const QByteArray &token
                = pick < tokens.size() ? tokens[pick] : m_extraTokens[pick - tokens.size()];
            data.insert(below(data.size() + 1), token);
            return data;
        }
        case 6: { // overwrite a byte with a random one
            if (!data.isEmpty())
                data[below(data.size())] = char(below(256));
            return data;
        }
        default: { // repeat a chunk many times (long lines, deep nesting)
            if (data.isEmpty())
                return data;
            const qsizetype from = below(data.size());
            const QByteArray chunk = data.mid(from, 1 + below(16));
            data.insert(from, chunk.repeated(1 + int(below(2000))));
            return data;
        }
        }
    }

    QList<QByteArray> m_extraTokens;
    std::mt19937_64 m_rng;
};

QList<QByteArray> metricBodies()
{
    QList<QByteArray> bodies;
    QDirIterator it(cwtest::testDataPath(QStringLiteral("metrics")), { QStringLiteral("*.http") },
        QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly))
            bodies.append(cwtest::httpBody(file.readAll()));
    }
    return bodies;
}

QList<QByteArray> configFiles()
{
    QList<QByteArray> files;
    QDirIterator it(
        cwtest::testDataPath(QStringLiteral("config")), { QStringLiteral("*.yaml") }, QDir::Files);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly))
            files.append(file.readAll());
    }
    QFile example(cwtest::testDataPath(QStringLiteral("../../resources/examples/cluster.yaml")));
    if (example.open(QIODevice::ReadOnly))
        files.append(example.readAll());
    return files;
}

QList<QByteArray> drillFiles()
{
    QList<QByteArray> files;
    const QString examples = cwtest::testDataPath(QStringLiteral("../../resources/examples"));
    for (const QString &dir : { cwtest::testDataPath(QStringLiteral("drills")), examples }) {
        const QStringList pattern
            = { dir == examples ? QStringLiteral("drill-*.yaml") : QStringLiteral("*.yaml") };
        QDirIterator it(dir, pattern, QDir::Files);
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.open(QIODevice::ReadOnly))
                files.append(file.readAll());
        }
    }
    return files;
}

/// The journal fixtures and two records written by this build, indented (lines for the line
/// mutations) and compact.
QList<QByteArray> drillJournals()
{
    QList<QByteArray> journals;
    QDirIterator it(
        cwtest::testDataPath(QStringLiteral("drills")), { QStringLiteral("*.json") }, QDir::Files);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly))
            journals.append(file.readAll());
    }
    for (const DrillRecord &record :
        { cwtest::richDrillRecord(), cwtest::webhookFreezeRecord(3) }) {
        const QJsonDocument json(drillRecordToJson(record));
        journals.append(json.toJson(QJsonDocument::Indented));
        journals.append(json.toJson(QJsonDocument::Compact));
    }
    return journals;
}

EnvLookup secretEnvironment()
{
    return [](const QString &name) -> std::optional<QString> {
        if (name.contains(QLatin1String("PASSWORD")))
            return kSecret;
        return std::nullopt;
    };
}

qsizetype lineCount(const QByteArray &text)
{
    return text.count('\n') + 1;
}

} // namespace

class TestParserRobustness : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void prometheusMutations();
    void prometheusTruncatedAtEveryByte();
    void configMutations();
    void drillMutations();
    void drillJournalMutations();
};

void TestParserRobustness::prometheusMutations()
{
    const QList<QByteArray> corpus = metricBodies();
    QVERIFY2(corpus.size() >= 20, "tests/data/metrics is missing captures");
    const QRegularExpression lineError(QStringLiteral("^line (\\d+): \\S"));
    const QRegularExpression noMetrics(QStringLiteral(
        "^no n8n_ metrics found (\\(empty body\\)|in \\d+ lines?): is this n8n's /metrics\\?$"));

    Mutator mutator(kSeed);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < kMutationsPerParser; ++i) {
        const QByteArray input = mutator.mutate(corpus);
        const Result<NodeMetrics> result = parseN8nMetrics(input);

        qsizetype samples = 0;
        const auto streamed = parsePrometheusText(input, [&](const PrometheusSample &s) {
            ++samples;
            for (const PrometheusLabel &l : s.labels)
                (void)l.value();
        });
        if (streamed.ok())
            QCOMPARE(streamed.value().samples, samples);

        if (result.ok()) {
            ++accepted;
            QVERIFY(streamed.ok());
            continue;
        }
        ++rejected;
        const QString &error = result.error();
        const QRegularExpressionMatch m = lineError.match(error);
        if (m.hasMatch()) {
            const qsizetype line = m.captured(1).toLongLong();
            QVERIFY2(line >= 1 && line <= lineCount(input),
                qPrintable(QStringLiteral("mutation %1: line out of range: %2").arg(i).arg(error)));
            QVERIFY(!streamed.ok());
            QCOMPARE(streamed.error(), error);
        } else {
            QVERIFY2(noMetrics.match(error).hasMatch(),
                qPrintable(
                    QStringLiteral("mutation %1: error names no line: %2").arg(i).arg(error)));
        }
        QVERIFY2(
            error.size() < 400, qPrintable(QStringLiteral("mutation %1: error too long").arg(i)));
    }
    qInfo("%d mutated bodies: %d parsed, %d rejected with a line", kMutationsPerParser, accepted,
        rejected);
    // Both outcomes must be exercised, or the mutations are not testing much.
    QVERIFY(accepted > kMutationsPerParser / 20);
    QVERIFY(rejected > kMutationsPerParser / 20);
}

void TestParserRobustness::prometheusTruncatedAtEveryByte()
{
    // A body cut by a dropped connection, at every possible byte: parses or names a line.
    const QByteArray body = cwtest::httpBody(
        cwtest::readTestData(QStringLiteral("metrics/v1.123.81/under_load/main_metrics.http")));
    QVERIFY(body.size() > 10000);
    int rejected = 0;
    for (qsizetype cut = 0; cut <= body.size(); ++cut) {
        const QByteArray input = body.left(cut);
        const Result<NodeMetrics> result = parseN8nMetrics(input);
        if (result.ok())
            continue;
        ++rejected;
        const bool named = result.error().startsWith(QLatin1String("line "))
            || result.error().startsWith(QLatin1String("no n8n_ metrics found"));
        QVERIFY2(named, qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(result.error())));
    }
    QVERIFY(rejected > 0);
}

void TestParserRobustness::configMutations()
{
    const QList<QByteArray> corpus = configFiles();
    QVERIFY2(corpus.size() >= 4, "tests/data/config or resources/examples/cluster.yaml is missing");
    const QString source = QStringLiteral("cluster.yaml");
    const QRegularExpression located(QStringLiteral("^cluster\\.yaml:(\\d+): ."));

    Mutator mutator(kSeed + 1);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < kMutationsPerParser; ++i) {
        QByteArray input = mutator.mutate(corpus);
        // Keep inputs under the size limit, so that the parser (not the limit) is exercised.
        input.truncate(512 * 1024);
        const Result<ClusterConfig> result = parseClusterConfig(input, source, secretEnvironment());
        if (result.ok()) {
            ++accepted;
            QVERIFY(!result.value().nodes.isEmpty());
            continue;
        }
        ++rejected;
        const QString &error = result.error();
        const QRegularExpressionMatch m = located.match(error);
        QVERIFY2(m.hasMatch(),
            qPrintable(QStringLiteral("mutation %1: error names no line: %2").arg(i).arg(error)));
        const qsizetype line = m.captured(1).toLongLong();
        QVERIFY2(line >= 1 && line <= lineCount(input) + 1,
            qPrintable(QStringLiteral("mutation %1: line out of range: %2").arg(i).arg(error)));
        QVERIFY2(!error.contains(kSecret),
            qPrintable(QStringLiteral("mutation %1 leaks a password").arg(i)));
        QVERIFY2(error.size() < 600,
            qPrintable(QStringLiteral("mutation %1: error too long: %2").arg(i).arg(error)));
    }
    qInfo("%d mutated cluster files: %d loaded, %d rejected with a line", kMutationsPerParser,
        accepted, rejected);
    QVERIFY(accepted > kMutationsPerParser / 50);
    QVERIFY(rejected > kMutationsPerParser / 20);
}

void TestParserRobustness::drillMutations()
{
    const QList<QByteArray> corpus = drillFiles();
    QVERIFY2(corpus.size() >= 3, "tests/data/drills or resources/examples/drill-*.yaml is missing");
    const Result<ClusterConfig> cluster = loadClusterConfig(
        cwtest::testDataPath(QStringLiteral("../../resources/examples/sandbox.yaml")),
        secretEnvironment());
    QVERIFY2(cluster.ok(), qPrintable(cluster.ok() ? QString() : cluster.error()));
    const QString source = QStringLiteral("drill.yaml");
    const QRegularExpression located(QStringLiteral("^drill\\.yaml:(\\d+): ."));

    Mutator mutator(kSeed + 2);
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < kMutationsPerParser; ++i) {
        QByteArray input = mutator.mutate(corpus);
        input.truncate(60 * 1024); // under the size limit: exercise the parser
        const Result<DrillSpec> result = parseDrillSpec(input, source, cluster.value());
        if (result.ok()) {
            ++accepted;
            // What the drill form saves must load back unchanged.
            const QByteArray written = writeDrillFile(result.value());
            const Result<DrillSpec> again = parseDrillSpec(written, source, cluster.value());
            QVERIFY2(again.ok() && again.value() == result.value(),
                qPrintable(QStringLiteral("mutation %1 does not survive write -> read:\n%2")
                               .arg(i)
                               .arg(QString::fromUtf8(written))));
            continue;
        }
        ++rejected;
        const QString &error = result.error();
        const QRegularExpressionMatch m = located.match(error);
        QVERIFY2(m.hasMatch(),
            qPrintable(QStringLiteral("mutation %1: error names no line: %2").arg(i).arg(error)));
        const qsizetype line = m.captured(1).toLongLong();
        QVERIFY2(line >= 1 && line <= lineCount(input) + 1,
            qPrintable(QStringLiteral("mutation %1: line out of range: %2").arg(i).arg(error)));
        QVERIFY2(!error.contains(kSecret),
            qPrintable(QStringLiteral("mutation %1 leaks a password").arg(i)));
        QVERIFY2(error.size() < 600,
            qPrintable(QStringLiteral("mutation %1: error too long: %2").arg(i).arg(error)));
    }
    qInfo("%d mutated drill files: %d loaded, %d rejected with a line", kMutationsPerParser,
        accepted, rejected);
    QVERIFY(accepted > kMutationsPerParser / 50);
    QVERIFY(rejected > kMutationsPerParser / 20);
}

void TestParserRobustness::drillJournalMutations()
{
    const QList<QByteArray> corpus = drillJournals();
    QVERIFY2(corpus.size() >= 5, "tests/data/drills/*.json is missing");
    const QString source = QStringLiteral("journal.json");

    Mutator mutator(kSeed + 3,
        { "null", "true", "[]", "{}", "\"\":", "\\u0000", "\\ud800", "1.5", "-1", "1e-400",
            "9223372036854775808", "\"x\"", "\"schema\":\"clusterwatch-drill/1\"," });
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < kMutationsPerParser; ++i) {
        const QByteArray input = mutator.mutate(corpus);
        const Result<DrillRecord> result = drillRecordFromJson(input, source);
        if (result.ok()) {
            ++accepted;
            // Whatever was accepted is written back and read to the same record.
            const QByteArray written
                = QJsonDocument(drillRecordToJson(result.value())).toJson(QJsonDocument::Compact);
            const Result<DrillRecord> again = drillRecordFromJson(written, source);
            QVERIFY2(again.ok() && again.value() == result.value(),
                qPrintable(
                    QStringLiteral("mutation %1 does not survive write -> read: %2")
                        .arg(i)
                        .arg(again.ok() ? QStringLiteral("a different record") : again.error())));
            continue;
        }
        ++rejected;
        const QString &error = result.error();
        QVERIFY2(
            error.startsWith(source + QStringLiteral(": ")) && error.size() > source.size() + 4,
            qPrintable(QStringLiteral("mutation %1: error names no source: %2").arg(i).arg(error)));
        QVERIFY2(error.size() < 600,
            qPrintable(QStringLiteral("mutation %1: error too long: %2").arg(i).arg(error)));
    }
    qInfo("%d mutated drill journals: %d read, %d rejected naming the source", kMutationsPerParser,
        accepted, rejected);
    QVERIFY(accepted > kMutationsPerParser / 50);
    QVERIFY(rejected > kMutationsPerParser / 20);
}

QTEST_GUILESS_MAIN(TestParserRobustness)
#include "tst_parserrobustness.moc"
