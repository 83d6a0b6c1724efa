// The Prometheus text parser on real n8n /metrics captures (tests/data/metrics/, raw `curl -i`
// output from n8n 1.123.81 and 2.8.4 queue-mode clusters) and on malformed text.

#include "TestSupport.h"
#include "services/collectors/PrometheusParser.h"

#include <QLocale>
#include <QTest>
#include <cmath>
#include <limits>

using namespace cw;

namespace {

QByteArray captureBody(const QString &relative)
{
    return cwtest::httpBody(cwtest::readTestData(QStringLiteral("metrics/") + relative));
}

/// Replaces the first line that starts with @p linePrefix by @p replacement.
QByteArray withLineReplaced(
    QByteArray text, const QByteArray &linePrefix, const QByteArray &replacement)
{
    QByteArray needle("\n");
    needle += linePrefix;
    const qsizetype found = text.indexOf(needle);
    if (found < 0)
        return {};
    const qsizetype begin = found + 1;
    const qsizetype end = text.indexOf('\n', begin);
    return text.replace(begin, end - begin, replacement);
}

QByteArray cutAfter(const QByteArray &text, const QByteArray &marker)
{
    const qsizetype at = text.indexOf(marker);
    return at < 0 ? QByteArray() : text.left(at + marker.size());
}

std::optional<double> opt(const QVariant &v)
{
    return v.isValid() ? std::optional<double>(v.toDouble()) : std::nullopt;
}

} // namespace

class TestPrometheusParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void realCaptures_data();
    void realCaptures();
    void everySampleIsVisited_data();
    void everySampleIsVisited();
    void sampleSyntax_data();
    void sampleSyntax();
    void hugeValidLine();
    void everyByteInEveryNamePosition();
    void malformed_data();
    void malformed();
    void firstSampleOfAFamilyWins();
};

void TestPrometheusParser::realCaptures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("version");
    QTest::addColumn<double>("cpu");
    QTest::addColumn<double>("rss");
    QTest::addColumn<double>("lag");
    QTest::addColumn<double>("startTime");
    QTest::addColumn<QVariant>("leader"); // invalid: absent
    QTest::addColumn<QVariant>("waiting");
    QTest::addColumn<QVariant>("active");
    QTest::addColumn<QVariant>("completed");
    QTest::addColumn<QVariant>("failed");

    const QString v1 = QStringLiteral("v1.123.81");
    const QString v2 = QStringLiteral("v2.8.4");
    const QVariant none;
    const auto q = [](double v) { return QVariant(v); };

    // Values copied from the captures. Workers have neither the leader gauge nor queue gauges.
    QTest::newRow("v1 idle main") << "v1.123.81/idle/main_metrics.http" << v1 << 1.515801
                                  << 630353920.0 << 0.0 << 1795460913.0 << QVariant(true) << q(0)
                                  << q(0) << q(0) << q(0);
    QTest::newRow("v1 idle worker1")
        << "v1.123.81/idle/worker1_metrics.http" << v1 << 0.137577 << 272359424.0 << 0.0
        << 1795460924.0 << none << none << none << none << none;
    QTest::newRow("v1 idle worker2")
        << "v1.123.81/idle/worker2_metrics.http" << v1 << 0.112374 << 274591744.0 << 0.0
        << 1795460928.0 << none << none << none << none << none;
    QTest::newRow("v1 under_load main")
        << "v1.123.81/under_load/main_metrics.http" << v1 << 4.395769 << 339693568.0 << 0.008439067
        << 1795460993.0 << QVariant(true) << q(21) << q(10) << q(27) << q(0);
    QTest::newRow("v1 under_load worker1")
        << "v1.123.81/under_load/worker1_metrics.http" << v1 << 4.477367 << 314372096.0
        << 0.001116037 << 1795460924.0 << none << none << none << none << none;
    QTest::newRow("v1 under_load worker2")
        << "v1.123.81/under_load/worker2_metrics.http" << v1 << 4.280981 << 319741952.0
        << 0.004236035 << 1795460928.0 << none << none << none << none << none;
    QTest::newRow("v1 after_load main")
        << "v1.123.81/after_load/main_metrics.http" << v1 << 6.4212430000000005 << 346566656.0
        << 0.001567981 << 1795460993.0 << QVariant(true) << q(0) << q(0) << q(215) << q(0);
    QTest::newRow("v1 after_load main with workflow statistics")
        << "v1.123.81/after_load/main_metrics_with_workflow_statistics.http" << v1
        << 1.8945779999999999 << 649826304.0 << 0.004826943 << 1795461937.0 << QVariant(true)
        << q(0) << q(0) << q(0) << q(0);
    QTest::newRow("v1 after_load worker1")
        << "v1.123.81/after_load/worker1_metrics.http" << v1 << 15.399213000000001 << 267091968.0
        << 0.001785684 << 1795460924.0 << none << none << none << none << none;
    QTest::newRow("v1 after_load worker2")
        << "v1.123.81/after_load/worker2_metrics.http" << v1 << 14.984550999999994 << 261386240.0
        << 0.001856381 << 1795460928.0 << none << none << none << none << none;
    QTest::newRow("v2 idle main") << "v2.8.4/idle/main_metrics.http" << v2 << 0.589597
                                  << 473968640.0 << 0.0 << 1795462303.0 << QVariant(true) << q(0)
                                  << q(0) << q(0) << q(0);
    QTest::newRow("v2 idle worker1")
        << "v2.8.4/idle/worker1_metrics.http" << v2 << 0.127785 << 272687104.0 << 0.0
        << 1795462318.0 << none << none << none << none << none;
    QTest::newRow("v2 idle worker2")
        << "v2.8.4/idle/worker2_metrics.http" << v2 << 0.072893 << 275636224.0 << 0.0
        << 1795462320.0 << none << none << none << none << none;
    QTest::newRow("v2 under_load main")
        << "v2.8.4/under_load/main_metrics.http" << v2 << 0.9091070000000001 << 450199552.0
        << 0.006117437 << 1795462349.0 << QVariant(true) << q(170) << q(10) << q(34) << q(0);
    QTest::newRow("v2 under_load worker1")
        << "v2.8.4/under_load/worker1_metrics.http" << v2 << 1.8360970000000003 << 172023808.0
        << 0.0041531 << 1795462318.0 << none << none << none << none << none;
    QTest::newRow("v2 under_load worker2")
        << "v2.8.4/under_load/worker2_metrics.http" << v2 << 1.867105 << 175435776.0 << 0.010007158
        << 1795462320.0 << none << none << none << none << none;
    QTest::newRow("v2 after_load main")
        << "v2.8.4/after_load/main_metrics.http" << v2 << 2.8080439999999993 << 327606272.0
        << 0.001983536 << 1795462349.0 << QVariant(true) << q(0) << q(0) << q(214) << q(0);
    QTest::newRow("v2 after_load worker1")
        << "v2.8.4/after_load/worker1_metrics.http" << v2 << 5.076249 << 167763968.0 << 0.002018626
        << 1795462318.0 << none << none << none << none << none;
    QTest::newRow("v2 after_load worker2")
        << "v2.8.4/after_load/worker2_metrics.http" << v2 << 5.285768999999995 << 195911680.0
        << 0.001705288 << 1795462320.0 << none << none << none << none << none;
}

void TestPrometheusParser::realCaptures()
{
    QFETCH(QString, file);
    const QByteArray body = captureBody(file);
    QVERIFY2(body.size() > 5000, qPrintable(file));

    const Result<NodeMetrics> result = parseN8nMetrics(body);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    const NodeMetrics &m = result.value();

    QTEST(m.version, "version");
    // Exact: the parser must round each decimal to the nearest double, like the literal.
    QFETCH(double, cpu);
    QVERIFY(m.cpuSecondsTotal.has_value());
    QCOMPARE(*m.cpuSecondsTotal, cpu);
    QFETCH(double, rss);
    QCOMPARE(m.residentMemoryBytes, std::optional<double>(rss));
    QFETCH(double, lag);
    QCOMPARE(m.eventLoopLagSeconds, std::optional<double>(lag));
    QFETCH(double, startTime);
    QCOMPARE(m.processStartTime, std::optional<double>(startTime));

    QFETCH(QVariant, leader);
    QCOMPARE(m.leader, leader.isValid() ? std::optional<bool>(leader.toBool()) : std::nullopt);
    QFETCH(QVariant, waiting);
    QFETCH(QVariant, active);
    QFETCH(QVariant, completed);
    QFETCH(QVariant, failed);
    QCOMPARE(m.queueWaiting, opt(waiting));
    QCOMPARE(m.queueActive, opt(active));
    QCOMPARE(m.queueCompleted, opt(completed));
    QCOMPARE(m.queueFailed, opt(failed));
}

void TestPrometheusParser::everySampleIsVisited_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("v1 under_load main") << "v1.123.81/under_load/main_metrics.http";
    QTest::newRow("v1 statistics")
        << "v1.123.81/after_load/main_metrics_with_workflow_statistics.http";
    QTest::newRow("v2 after_load worker2") << "v2.8.4/after_load/worker2_metrics.http";
}

void TestPrometheusParser::everySampleIsVisited()
{
    QFETCH(QString, file);
    const QByteArray body = captureBody(file);
    qsizetype expectedSamples = 0;
    qsizetype expectedLines = 0;
    for (const QByteArray &line : body.split('\n')) {
        if (!line.isEmpty() && !line.startsWith('#'))
            ++expectedSamples;
    }
    expectedLines = body.count('\n') + (body.endsWith('\n') ? 0 : 1);

    qsizetype visited = 0;
    qsizetype withLe = 0;
    qsizetype lastLine = 0;
    bool linesIncrease = true;
    const auto result = parsePrometheusText(body, [&](const PrometheusSample &s) {
        ++visited;
        linesIncrease = linesIncrease && s.line > lastLine;
        lastLine = s.line;
        if (s.label("le"))
            ++withLe;
    });
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(result.value().samples, expectedSamples);
    QCOMPARE(visited, expectedSamples);
    QCOMPARE(result.value().lines, expectedLines);
    QVERIFY(linesIncrease);
    QVERIFY(withLe > 0); // every capture has histogram buckets

    // The same body with CRLF line ends gives the same samples.
    QByteArray crlf = body;
    crlf.replace("\n", "\r\n");
    const auto crlfResult = parsePrometheusText(crlf, {});
    QVERIFY(crlfResult.ok());
    QCOMPARE(crlfResult.value().samples, expectedSamples);
    const auto metrics = parseN8nMetrics(crlf);
    QVERIFY(metrics.ok());
    QVERIFY(metrics.value().version.startsWith(QLatin1Char('v')));
}

void TestPrometheusParser::sampleSyntax_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<double>("value");
    QTest::addColumn<QVariant>("timestamp");
    QTest::addColumn<QByteArray>("labelName");
    QTest::addColumn<QByteArray>("labelValue");

    const QByteArray none;
    const QVariant noTs;
    QTest::newRow("plain") << QByteArray("a 1\n") << QByteArray("a") << 1.0 << noTs << none << none;
    QTest::newRow("no final newline")
        << QByteArray("# TYPE a gauge\na 2") << QByteArray("a") << 2.0 << noTs << none << none;
    QTest::newRow("crlf") << QByteArray("a 3\r\n") << QByteArray("a") << 3.0 << noTs << none
                          << none;
    QTest::newRow("blank lines and comments")
        << QByteArray("\n\n# just a comment\n#HELP a x\n   \n# HELP a The \\\\ help\\n text.\n"
                      "# TYPE a counter\n\na 4\n\n")
        << QByteArray("a") << 4.0 << noTs << none << none;
    QTest::newRow("exponent") << QByteArray("a 1.5e3") << QByteArray("a") << 1500.0 << noTs << none
                              << none;
    QTest::newRow("negative exponent")
        << QByteArray("a -2.5E-3") << QByteArray("a") << -0.0025 << noTs << none << none;
    QTest::newRow("plus sign") << QByteArray("a +7") << QByteArray("a") << 7.0 << noTs << none
                               << none;
    QTest::newRow("+Inf") << QByteArray("a +Inf") << QByteArray("a")
                          << std::numeric_limits<double>::infinity() << noTs << none << none;
    QTest::newRow("-Inf") << QByteArray("a -Inf") << QByteArray("a")
                          << -std::numeric_limits<double>::infinity() << noTs << none << none;
    QTest::newRow("timestamp") << QByteArray("a 1 1700000000000") << QByteArray("a") << 1.0
                               << QVariant(qint64(1700000000000)) << none << none;
    QTest::newRow("negative timestamp")
        << QByteArray("a 1 -5") << QByteArray("a") << 1.0 << QVariant(qint64(-5)) << none << none;
    QTest::newRow("tabs and spaces")
        << QByteArray("  a\t{ x = \"y\" , }\t 5 \t 6 ") << QByteArray("a") << 5.0
        << QVariant(qint64(6)) << QByteArray("x") << QByteArray("y");
    QTest::newRow("colon in name")
        << QByteArray("job:rate:5m{le=\"+Inf\"} 9") << QByteArray("job:rate:5m") << 9.0 << noTs
        << QByteArray("le") << QByteArray("+Inf");
    QTest::newRow("escapes") << QByteArray(R"(a{path="C:\\dir \"q\"\nnext"} 1)") << QByteArray("a")
                             << 1.0 << noTs << QByteArray("path")
                             << QByteArray("C:\\dir \"q\"\nnext");
    QTest::newRow("empty label value") << QByteArray("a{x=\"\"} 1") << QByteArray("a") << 1.0
                                       << noTs << QByteArray("x") << QByteArray("");
    QTest::newRow("utf-8 label value") << QByteArray("a{x=\"h\xc3\xa9\"} 1") << QByteArray("a")
                                       << 1.0 << noTs << QByteArray("x") << QByteArray("h\xc3\xa9");
    QTest::newRow("braces inside value") << QByteArray("a{x=\"}{,=\"} 1") << QByteArray("a") << 1.0
                                         << noTs << QByteArray("x") << QByteArray("}{,=");
    QTest::newRow("empty label set")
        << QByteArray("a{} 8") << QByteArray("a") << 8.0 << noTs << none << none;
}

void TestPrometheusParser::sampleSyntax()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, labelName);
    int count = 0;
    PrometheusSample seen;
    QByteArray seenName;
    QByteArray seenLabel;
    bool hasLabel = false;
    const auto result = parsePrometheusText(text, [&](const PrometheusSample &s) {
        ++count;
        seen = s;
        seenName = s.name.toByteArray();
        if (const PrometheusLabel *l = s.label(labelName); l && !labelName.isEmpty()) {
            hasLabel = true;
            seenLabel = l->value();
        }
    });
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error()));
    QCOMPARE(count, 1);
    QTEST(seenName, "name");
    QFETCH(double, value);
    QCOMPARE(seen.value, value);
    QFETCH(QVariant, timestamp);
    QCOMPARE(seen.timestampMs,
        timestamp.isValid() ? std::optional<qint64>(timestamp.toLongLong()) : std::nullopt);
    QCOMPARE(hasLabel, !labelName.isEmpty());
    if (hasLabel)
        QTEST(seenLabel, "labelValue");

    // NaN is a value too (it never compares equal, so it is checked apart).
    double nan = 0;
    QVERIFY(parsePrometheusText("a NaN", [&](const PrometheusSample &s) { nan = s.value; }).ok());
    QVERIFY(std::isnan(nan));
}

void TestPrometheusParser::hugeValidLine()
{
    // A 4 MiB label value is legal: it must parse, in one piece.
    const QByteArray big(4 * 1024 * 1024, 'x');
    const QByteArray text
        = "n8n_version_info{version=\"" + big + "\"} 1\nn8n_process_cpu_seconds_total 2\n";
    const auto result = parseN8nMetrics(text);
    QVERIFY(result.ok());
    QCOMPARE(result.value().version.size(), big.size());
    QCOMPARE(result.value().cpuSecondsTotal, std::optional<double>(2.0));
}

void TestPrometheusParser::everyByteInEveryNamePosition()
{
    // Names are scanned several bytes at a time: each byte value, at each offset within such a
    // block, must end the name exactly where the grammar says, [a-zA-Z0-9_:].
    const auto nameChar = [](int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == ':';
    };
    for (int offset = 0; offset < 20; ++offset) {
        for (int c = 0; c < 256; ++c) {
            const QByteArray name = "a" + QByteArray(offset, 'x') + char(c) + QByteArray(12, 'y');
            QByteArray seen;
            const auto result = parsePrometheusText(QByteArray(name + " 1"),
                [&](const PrometheusSample &s) { seen = s.name.toByteArray(); });
            if (nameChar(c)) {
                QVERIFY2(
                    result.ok(), qPrintable(QStringLiteral("byte %1 at %2").arg(c).arg(offset)));
                QCOMPARE(seen, name);
            } else {
                QVERIFY2(
                    !result.ok(), qPrintable(QStringLiteral("byte %1 at %2").arg(c).arg(offset)));
                QVERIFY(result.error().startsWith(QLatin1String("line 1: ")));
            }
        }
    }
}

void TestPrometheusParser::malformed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected"); // the error starts with this

    const QByteArray idleMain = captureBody(QStringLiteral("v1.123.81/idle/main_metrics.http"));
    const QByteArray cpu = "n8n_process_cpu_seconds_total"; // line 11 of that capture

    QTest::newRow("truncated mid-label value")
        << cutAfter(idleMain, "n8n_version_info{version=\"v1.12")
        << "line 162: unterminated label value of label 'version' of 'n8n_version_info'";
    QTest::newRow("truncated mid-label name") << cutAfter(idleMain,
        "n8n_version_info{vers") << "line 162: unterminated label set of 'n8n_version_info'";
    QTest::newRow("truncated after label value")
        << cutAfter(idleMain, "n8n_version_info{version=\"v1.123.81\"")
        << "line 162: unterminated label set of 'n8n_version_info' (missing '}')";
    QTest::newRow("truncated before value")
        << cutAfter(idleMain,
               "n8n_version_info{version=\"v1.123.81\",major=\"1\",minor=\"123\",patch=\"81\"}")
        << "line 162: expected a sample value after 'n8n_version_info{…}'";
    QTest::newRow("missing value") << withLineReplaced(idleMain, cpu,
        cpu) << "line 11: expected a sample value after 'n8n_process_cpu_seconds_total'";
    QTest::newRow("missing value, trailing blanks") << withLineReplaced(idleMain, cpu,
        cpu + " \t ") << "line 11: expected a sample value after 'n8n_process_cpu_seconds_total'";
    QTest::newRow("garbage value") << withLineReplaced(idleMain, cpu,
        cpu + " abc") << "line 11: invalid sample value 'abc' for 'n8n_process_cpu_seconds_total'";
    QTest::newRow("comma decimal")
        << withLineReplaced(idleMain, cpu, cpu + " 1,5") << "line 11: invalid sample value '1,5'";
    QTest::newRow("hex value") << withLineReplaced(idleMain, cpu, cpu + " 0x10")
                               << "line 11: invalid sample value '0x10'";
    QTest::newRow("double sign") << withLineReplaced(idleMain, cpu, cpu + " --1")
                                 << "line 11: invalid sample value '--1'";
    QTest::newRow("bad timestamp")
        << withLineReplaced(idleMain, cpu, cpu + " 1 soon") << "line 11: invalid timestamp 'soon'";
    QTest::newRow("fractional timestamp")
        << withLineReplaced(idleMain, cpu, cpu + " 1 1.5") << "line 11: invalid timestamp '1.5'";
    QTest::newRow("text after timestamp") << withLineReplaced(idleMain, cpu, cpu + " 1 2 3")
                                          << "line 11: unexpected text after the timestamp";
    QTest::newRow("unterminated quote") << QByteArray("# TYPE a gauge\na 1\na{x=\"oops} 1\nb 2\n")
                                        << "line 3: unterminated label value of label 'x' of 'a'";
    QTest::newRow("backslash at line end")
        << QByteArray("a 1\na{x=\"oops\\\nb 2\n") << "line 2: unterminated label value";
    QTest::newRow("bad escape") << QByteArray("a 1\n\na{x=\"tab\\there\"} 1\n")
                                << "line 3: bad escape '\\t' in the value of label 'x' of 'a'";
    QTest::newRow("missing =") << QByteArray("a{x \"1\"} 1")
                               << "line 1: expected '=' after label 'x' of 'a'";
    QTest::newRow("unquoted label value")
        << QByteArray("a{x=1} 1") << "line 1: expected '\"' to open the value of label 'x' of 'a'";
    QTest::newRow("bad label name") << QByteArray(
        "a{1x=\"1\"} 1") << "line 1: expected a label name or '}' in the labels of 'a', got '1'";
    QTest::newRow("missing comma")
        << QByteArray("a{x=\"1\" y=\"2\"} 1")
        << "line 1: expected ',' or '}' after the value of label 'x' of 'a', got 'y'";
    QTest::newRow("bad metric name char") << QByteArray(
        "n8n-process 1") << "line 1: unexpected character '-' after metric name 'n8n'";
    QTest::newRow("bad type") << QByteArray("# TYPE a gauge\n# TYPE b countr\nb 1")
                              << "line 2: unknown metric type 'countr' for 'b'";
    QTest::newRow("type without type")
        << QByteArray("# TYPE b\nb 1") << "line 1: expected a metric type after '# TYPE b'";
    QTest::newRow("bad help escape") << QByteArray("# HELP b a \\q b\nb 1")
                                     << "line 1: bad escape '\\q' in the help text of 'b'";
    QTest::newRow("bad name in TYPE")
        << QByteArray("# TYPE 9b gauge\n") << "line 1: invalid metric name after '# TYPE': '9b'";
    QTest::newRow("html body")
        << cwtest::httpBody(
               cwtest::readTestData(QStringLiteral("metrics/v1.123.81/idle/webhook_metrics.http")))
        << "line 1: this looks like an HTML page, not Prometheus text: '<!DOCTYPE html>'";
    QTest::newRow("json body")
        << QByteArray("{\"status\":\"ok\"}")
        << "line 1: expected a metric name or '#', got '{\"status\":\"ok\"}'";
    QTest::newRow("empty body") << QByteArray()
                                << "no n8n_ metrics found (empty body): is this n8n's /metrics?";
    QTest::newRow("blank body") << QByteArray("\r\n\n  \n") << "no n8n_ metrics found (empty body)";
    QTest::newRow("other exporter") << QByteArray("# TYPE up gauge\nup 1\nnode_load1 0.5\n")
                                    << "no n8n_ metrics found in 3 lines: is this n8n's /metrics?";
    QTest::newRow("binary junk") << QByteArray("\x00\x01\xff\xfe junk",
        9) << "line 1: expected a metric name or '#', got '\\x00\\x01\\xff\\xfe junk'";
    QTest::newRow("binary junk after good lines") << QByteArray("n8n_a 1\nn8n_b 2\n\x7f\x80\x81\n",
        20) << "line 3: expected a metric name or '#', got '\\x7f\\x80\\x81'";
    QTest::newRow("4 MiB line without value")
        << QByteArray("n8n_a 1\n# TYPE n8n_b gauge\n" + QByteArray(4 * 1024 * 1024, 'b') + "\n")
        << QStringLiteral("line 3: expected a sample value after '%1…'")
               .arg(QString(60, QLatin1Char('b')));
    QTest::newRow("4 MiB unterminated label value")
        << QByteArray("n8n_a 1\n\n\nn8n_b{x=\"" + QByteArray(4 * 1024 * 1024, 'v') + "\n")
        << "line 4: unterminated label value of label 'x' of 'n8n_b'";
    QTest::newRow("4 MiB garbage value")
        << QByteArray("n8n_a " + QByteArray(4 * 1024 * 1024, '9') + "z\n")
        << QStringLiteral("line 1: invalid sample value '%1…'").arg(QString(60, QLatin1Char('9')));
}

void TestPrometheusParser::malformed()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    QVERIFY2(
        !text.isNull() || expected.contains(QLatin1String("empty")), "test data was not built");
    const Result<NodeMetrics> result = parseN8nMetrics(text);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().startsWith(expected),
        qPrintable(
            QStringLiteral("got: ") + result.error() + QStringLiteral("\nwant: ") + expected));
    // An error is for a log line or a tooltip, whatever the input was.
    QVERIFY2(result.error().size() < 400, qPrintable(result.error().left(500)));
}

void TestPrometheusParser::firstSampleOfAFamilyWins()
{
    const auto result
        = parseN8nMetrics("n8n_process_cpu_seconds_total 1\n"
                          "n8n_process_cpu_seconds_total{x=\"y\"} 2\n"
                          "n8n_instance_role_leader 0\n"
                          "n8n_nodejs_version_info{version=\"v20.20.2\"} 1\n"
                          "n8n_version_info{major=\"1\",version=\"v1.\\\"q\\\"\"} 1\n");
    QVERIFY(result.ok());
    QCOMPARE(result.value().cpuSecondsTotal, std::optional<double>(1.0));
    QCOMPARE(result.value().leader, std::optional<bool>(false));
    QCOMPARE(result.value().version, QStringLiteral("v1.\"q\""));
    QVERIFY(!result.value().queueWaiting.has_value());
}

QTEST_GUILESS_MAIN(TestPrometheusParser)
#include "tst_prometheusparser.moc"
