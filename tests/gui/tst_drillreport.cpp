// The drill report as a team files it: a webhook freeze exported to HTML and an A4 PDF whose
// text (pdftotext) carries the verdict, the figures and the drill's name; every string from the
// record escaped in the HTML; the timeline's pixels where its layout says (the target's down span
// red, the frozen requests counted slow); degenerate records still drawn; errors name the path.
//
// Needs poppler-utils (pdftotext, pdfinfo, pdftoppm; scripts/deps.sh test). Set
// CW_DRILLREPORT_OUT=DIR to keep the exported report and its first page as PNG for a look.

#include "DrillRecords.h"
#include "TestSupport.h"
#include "services/report/DrillReport.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QLocale>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace cw;

namespace {

/// Runs a poppler tool; its standard output, or a failure message in @p error.
QByteArray run(const QString &tool, const QStringList &args, QString *error)
{
    const QString binary = cwtest::findBinary(tool);
    if (binary.isEmpty()) {
        *error = tool + QStringLiteral(" not found: install poppler-utils (scripts/deps.sh test)");
        return {};
    }
    QProcess process;
    process.start(binary, args);
    if (!process.waitForFinished(60'000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        *error = tool + QStringLiteral(" failed: ")
            + QString::fromLocal8Bit(process.readAllStandardError());
        return {};
    }
    return process.readAllStandardOutput();
}

bool reddish(QRgb c)
{
    return qRed(c) > 170 && qGreen(c) < 100 && qBlue(c) < 100;
}

bool greenish(QRgb c)
{
    return qGreen(c) > 120 && qRed(c) < 140 && qBlue(c) < 140;
}

bool orange(QRgb c)
{
    return qRed(c) > 200 && qGreen(c) > 100 && qGreen(c) < 190 && qBlue(c) < 80;
}

QString describe(QRgb c)
{
    return QStringLiteral("rgb(%1, %2, %3)").arg(qRed(c)).arg(qGreen(c)).arg(qBlue(c));
}

/// Distinct colours and the share of pixels that are not white.
std::pair<int, double> inkOf(const QImage &image)
{
    QSet<QRgb> colours;
    qint64 ink = 0;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2) {
            const QRgb c = image.pixel(x, y);
            colours.insert(c);
            if (qGray(c) < 245)
                ++ink;
        }
    }
    return { int(colours.size()), double(ink) / (double(image.width()) * image.height() / 4) };
}

} // namespace

class TestDrillReport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void exportsHtmlAndPdf();
    void htmlEscapesEverythingFromTheRecord();
    void timelinePixelsFollowTheLayout();
    void degenerateRecordsStillDraw_data();
    void degenerateRecordsStillDraw();
    void exportErrorNamesThePath();
};

void TestDrillReport::exportsHtmlAndPdf()
{
    const DrillRecord record = cwtest::webhookFreezeRecord();
    QCOMPARE(record.figures.requests, qint64(600));
    QCOMPARE(record.figures.slowRequests, qint64(150));
    QCOMPARE(record.figures.rtoMs.value_or(-1), qint64(30'000));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString keep = qEnvironmentVariable("CW_DRILLREPORT_OUT");
    const QString base
        = (keep.isEmpty() ? dir.path() : keep) + QStringLiteral("/reports/webhook-1-freeze");
    const Result<QStringList> written = exportDrillReport(record, base);
    QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error()));
    QCOMPARE(written.value(),
        QStringList({ base + QStringLiteral(".html"), base + QStringLiteral(".pdf") }));

    QFile html(base + QStringLiteral(".html"));
    QVERIFY(html.open(QIODevice::ReadOnly));
    const QString page = QString::fromUtf8(html.readAll());
    QVERIFY(page.contains(QLatin1String("<img class=\"chart\" src=\"data:image/png;base64,")));
    QVERIFY2(!page.contains(QLatin1String("src=\"http")) && !page.contains(QLatin1String("href=")),
        "the page must stand alone");
    QVERIFY(page.contains(QLatin1String("Failover drill: webhook-1 freeze")));
    QVERIFY(page.contains(QLatin1String("150 (25.0 %)")));

    QFile pdf(base + QStringLiteral(".pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5) == "%PDF-");
    QVERIFY(pdf.size() > 20'000); // the chart is in it

    QString error;
    const QString info
        = QString::fromUtf8(run(QStringLiteral("pdfinfo"), { pdf.fileName() }, &error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QRegularExpressionMatch pages
        = QRegularExpression(QStringLiteral("Pages:\\s+(\\d+)")).match(info);
    QVERIFY2(pages.hasMatch() && pages.captured(1).toInt() >= 1, qPrintable(info));
    QVERIFY2(info.contains(QRegularExpression(
                 QStringLiteral("(^|\\n)Title: +Failover drill: webhook-1 freeze\\n"))),
        qPrintable(info));
    QVERIFY2(info.contains(QRegularExpression(QStringLiteral("(^|\\n)Creator: +Clusterwatch\\n"))),
        qPrintable(info));
    QVERIFY2(info.contains(QLatin1String("A4")), qPrintable(info));

    const QString text = QString::fromUtf8(run(QStringLiteral("pdftotext"),
        { QStringLiteral("-layout"), pdf.fileName(), QStringLiteral("-") }, &error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const char *expected : { "Failover drill: webhook-1 freeze", "DEVIATED",
             "150 of 600 requests through the load balancer took longer than 1 s",
             "Slow requests (over 1.00 s)", "150 (25.0 %)", "RTO (fault → target healthy)",
             "30.0 s", "Detection (fault → target marked down)", "4.20 s",
             "Requests through the load balancer", "n8n-webhook-1", "docker pause", "page 1 of" }) {
        QVERIFY2(text.contains(QString::fromUtf8(expected)),
            qPrintable(QStringLiteral("'%1' is not in the PDF's text:\n%2")
                           .arg(QString::fromUtf8(expected), text)));
    }

    // The first page as the reader sees it: rendered, and not blank.
    const QString pngBase = (keep.isEmpty() ? dir.path() : keep) + QStringLiteral("/page");
    run(QStringLiteral("pdftoppm"),
        { QStringLiteral("-r"), QStringLiteral("60"), QStringLiteral("-png"), QStringLiteral("-f"),
            QStringLiteral("1"), QStringLiteral("-l"), QStringLiteral("1"), pdf.fileName(),
            pngBase },
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QImage first(pngBase + QStringLiteral("-1.png"));
    QVERIFY(!first.isNull());
    QVERIFY2(std::abs(first.width() - 496) <= 2, qPrintable(QString::number(first.width())));
    // A4 at 60 dpi: 8.27 in
    const auto [colours, ink] = inkOf(first);
    QVERIFY2(colours > 50 && ink > 0.04,
        qPrintable(QStringLiteral("%1 colours, %2 ink").arg(colours).arg(ink)));
}

void TestDrillReport::htmlEscapesEverythingFromTheRecord()
{
    DrillRecord record = cwtest::webhookFreezeRecord();
    record.spec.name = QStringLiteral("<b>&\"");
    record.clusterName = QStringLiteral("<i>prod</i>");
    record.verdictReason = QStringLiteral("a < b && c > d");
    record.deviations.append(QStringLiteral("<script>alert(1)</script>"));
    record.events.append(DrillEvent { 50'000, QStringLiteral("note"),
        QStringLiteral("<img src=x onerror=alert(1)>"), QStringLiteral("line 1\nline 2") });
    record.steps[0].detail = QStringLiteral("</td></tr></table>");
    record.dockerHost = QStringLiteral("tcp://h:2375/?a=1&b=2");

    const QString html = drillReportHtml(record);
    QVERIFY(html.contains(QLatin1String("<title>Failover drill: &lt;b&gt;&amp;&quot;</title>")));
    QVERIFY(html.contains(QLatin1String("<h1>Failover drill: &lt;b&gt;&amp;&quot;</h1>")));
    QVERIFY(!html.contains(QLatin1String("<b>&\"")));
    QVERIFY(html.contains(QLatin1String("&lt;i&gt;prod&lt;/i&gt;")));
    QVERIFY(html.contains(QLatin1String("a &lt; b &amp;&amp; c &gt; d")));
    QVERIFY(!html.contains(QLatin1String("<script>")));
    QVERIFY(html.contains(QLatin1String("&lt;script&gt;alert(1)&lt;/script&gt;")));
    QVERIFY(!html.contains(QLatin1String("<img src=x")));
    QVERIFY(html.contains(QLatin1String("line 1<br>line 2")));
    QVERIFY(html.contains(QLatin1String("&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;")));
    QVERIFY(html.contains(QLatin1String("tcp://h:2375/?a=1&amp;b=2")));
    // Exactly the tables the page opens, closed: nothing from the record broke out of one.
    QCOMPARE(html.count(QLatin1String("<table")), html.count(QLatin1String("</table>")));

    // The PDF shows the name as written.
    QTemporaryDir dir;
    const QString base = dir.filePath(QStringLiteral("special"));
    QVERIFY(exportDrillReport(record, base).ok());
    QString error;
    const QString text = QString::fromUtf8(run(QStringLiteral("pdftotext"),
        { base + QStringLiteral(".pdf"), QStringLiteral("-") }, &error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(text.contains(QLatin1String("Failover drill: <b>&\"")), qPrintable(text));
    QVERIFY(text.contains(QLatin1String("<script>alert(1)</script>")));
}

void TestDrillReport::timelinePixelsFollowTheLayout()
{
    const DrillRecord record = cwtest::webhookFreezeRecord();
    const QSize size(1600, 1000);
    const QImage image = renderDrillTimeline(record, size);
    QCOMPARE(image.size(), size);
    const auto [colours, ink] = inkOf(image);
    QVERIFY2(colours > 30 && ink > 0.15,
        qPrintable(QStringLiteral("%1 colours, %2 ink").arg(colours).arg(ink)));

    const DrillTimelineLayout layout = drillTimelineLayout(record, size);
    QCOMPARE(layout.fromMs, qint64(0));
    QVERIFY(layout.toMs >= 60'000 && layout.toMs <= 90'000);
    QVERIFY(layout.target.bottom() < layout.requests.top());
    QVERIFY(layout.requests.bottom() < layout.latency.top());
    QVERIFY(layout.latency.bottom() < layout.queue.top());
    QVERIFY(layout.queue.bottom() < size.height());
    const int targetY = int(layout.target.center().y());
    // The target is down from 10 s to 40 s (no event marker near 25 s), up before and after.
    for (const qint64 at : { 11'000, 25'000, 33'300, 39'500 }) {
        const QRgb c = image.pixel(int(layout.xAt(at)), targetY);
        QVERIFY2(reddish(c), qPrintable(QStringLiteral("%1 ms: %2").arg(at).arg(describe(c))));
    }
    for (const qint64 at : { 3'000, 7'700, 45'500, 55'000 }) {
        const QRgb c = image.pixel(int(layout.xAt(at)), targetY);
        QVERIFY2(greenish(c), qPrintable(QStringLiteral("%1 ms: %2").arg(at).arg(describe(c))));
    }
    // Requests sent at 15 s hang 20 s: that second's bar is slow from the bottom up; at 5 s ok.
    const int barY = int(layout.requests.bottom()) - 3;
    const QRgb frozen = image.pixel(int(layout.xAt(15'500)), barY);
    QVERIFY2(orange(frozen), qPrintable(describe(frozen)));
    const QRgb normal = image.pixel(int(layout.xAt(5'500)), barY);
    QVERIFY2(greenish(normal), qPrintable(describe(normal)));
    // xAt is clamped to the lanes.
    QCOMPARE(layout.xAt(-5000), layout.target.left());
    QCOMPARE(layout.xAt(layout.toMs + 99'000), layout.target.right());
}

void TestDrillReport::degenerateRecordsStillDraw_data()
{
    QTest::addColumn<DrillRecord>("record");
    QTest::addColumn<QSize>("size");
    QTest::newRow("default record") << DrillRecord() << QSize(1200, 700);
    DrillRecord dry = cwtest::webhookFreezeRecord();
    dry.dryRun = true;
    dry.verdict = DrillVerdict::DryRun;
    dry.probes.clear();
    dry.target.clear();
    dry.cluster.clear();
    dry.computeFigures();
    QTest::newRow("dry run") << dry << QSize(1200, 700);
    DrillRecord refused;
    refused.verdict = DrillVerdict::Refused;
    refused.verdictReason = QStringLiteral("queue_draining: nothing completed in 30 s");
    refused.steps = { DrillStep { DrillPhase::Preflight, QStringLiteral("steady state"), 0, 15'000,
        QStringLiteral("failed"), QStringLiteral("queue stuck") } };
    QTest::newRow("refused") << refused << QSize(1200, 700);
    DrillRecord noProber = cwtest::webhookFreezeRecord();
    noProber.spec.prober.enabled = false;
    noProber.probes.clear();
    noProber.computeFigures();
    QTest::newRow("prober off") << noProber << QSize(1200, 700);
    DrillRecord garbled = cwtest::webhookFreezeRecord(5);
    garbled.probes.append(ProbeSample { std::numeric_limits<qint64>::max(), -5, 200, QString() });
    garbled.probes.append(
        ProbeSample { std::numeric_limits<qint64>::min(), 1 << 30, 0, QString() });
    garbled.target.append(TargetSample { -1000, false, 0, 0 });
    garbled.events.append(DrillEvent {
        std::numeric_limits<qint64>::max(), QStringLiteral("abort"), QString(), QString() });
    garbled.finishedWallMs = std::numeric_limits<qint64>::max();
    ClusterSample odd;
    odd.atMs = 100;
    odd.waiting = -5;
    odd.completed = -1e300;
    garbled.cluster.append(odd);
    QTest::newRow("garbled offsets") << garbled << QSize(900, 500);
    QTest::newRow("a week") << cwtest::webhookFreezeRecord(7 * 24 * 3600 / 100)
                            << QSize(2000, 1250);
    QTest::newRow("zero size") << cwtest::webhookFreezeRecord() << QSize(0, 0);
}

void TestDrillReport::degenerateRecordsStillDraw()
{
    QFETCH(DrillRecord, record);
    QFETCH(QSize, size);
    const QImage image = renderDrillTimeline(record, size);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= std::max(size.width(), 320));
    QVERIFY(image.height() >= std::max(size.height(), 200));
    const auto [colours, ink] = inkOf(image);
    QVERIFY2(colours > 5 && ink > 0.02,
        qPrintable(QStringLiteral("%1 colours, %2 ink").arg(colours).arg(ink)));
    const QString html = drillReportHtml(record);
    QVERIFY(html.contains(QLatin1String("data:image/png;base64,")));
    if (record.figures.rtoMs)
        return;
    QVERIFY(html.contains(QLatin1String("<td><span class=\"muted\">not measured</span></td>")));
}

void TestDrillReport::exportErrorNamesThePath()
{
    QTemporaryDir dir;
    const QString file = cwtest::writeFile(dir, QStringLiteral("file"), "x");
    const Result<QStringList> below
        = exportDrillReport(cwtest::webhookFreezeRecord(), file + QStringLiteral("/sub/report"));
    QVERIFY(!below.ok());
    QCOMPARE(below.error(), file + QStringLiteral("/sub: cannot create the report directory"));
    // A directory where the PDF should go: the HTML is written, the PDF's path named.
    const QString base = dir.filePath(QStringLiteral("r"));
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("r.pdf")));
    const Result<QStringList> blocked = exportDrillReport(cwtest::webhookFreezeRecord(), base);
    QVERIFY(!blocked.ok());
    QVERIFY2(blocked.error().startsWith(base + QStringLiteral(".pdf: cannot write: ")),
        qPrintable(blocked.error()));
}

QTEST_MAIN(TestDrillReport)
#include "tst_drillreport.moc"
