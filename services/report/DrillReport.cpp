#include "services/report/DrillReport.h"

#include "models/Formatter.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextDocument>
#include <QUrl>
#include <algorithm>
#include <cmath>

namespace cw {

namespace {

/// The chart as embedded in both documents: 2000 px across the page is about 280 dpi on A4.
const QSize kChartSize(2000, 1150);
const QString kChartResource = QStringLiteral("cw-drill-timeline.png");
constexpr int kPdfDpi = 300;
/// The unit QTextDocument lays out in (CSS pixels).
constexpr double kLayoutDpi = 96;
const QMarginsF kPageMargins(16, 14, 16, 12); // mm; the footer sits in the bottom part

// ---------------------------------------------------------------------------------------------
// Words

/// Text from the record (names, engine answers, paths) as HTML: escaped, line breaks kept,
/// other control characters shown as U+FFFD.
QString esc(const QString &text)
{
    QString clean = text;
    for (QChar &c : clean) {
        if ((c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\t'))
            || c.unicode() == 0x7f || c.isSurrogate())
            c = QChar(0xfffd);
    }
    return clean.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
}

QString notMeasured()
{
    return QStringLiteral("<span class=\"muted\">not measured</span>");
}

QString durationOr(const std::optional<qint64> &ms)
{
    return ms ? esc(fmt::duration(double(*ms))) : notMeasured();
}

/// "+12.3 s" since the drill started.
QString offsetText(qint64 ms)
{
    return (ms < 0 ? QStringLiteral("−") : QStringLiteral("+"))
        + QString::number(double(std::abs(ms)) / 1000, 'f', 1) + QStringLiteral(" s");
}

QDateTime wallTime(const DrillRecord &r, qint64 offsetMs)
{
    return QDateTime::fromMSecsSinceEpoch(r.startedWallMs + offsetMs);
}

/// "UTC+01:00" for the local time zone at @p when.
QString zone(const QDateTime &when)
{
    const int offset = when.offsetFromUtc();
    const int minutes = std::abs(offset) / 60;
    return QStringLiteral("UTC%1%2:%3")
        .arg(offset < 0 ? QLatin1Char('-') : QLatin1Char('+'))
        .arg(minutes / 60, 2, 10, QLatin1Char('0'))
        .arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QString clock(const DrillRecord &r, qint64 offsetMs)
{
    return wallTime(r, offsetMs).toString(QStringLiteral("HH:mm:ss"));
}

QString verdictColour(DrillVerdict verdict)
{
    switch (verdict) {
    case DrillVerdict::Passed:
        return QStringLiteral("#2e7d32");
    case DrillVerdict::Deviated:
        return QStringLiteral("#e65100");
    case DrillVerdict::Aborted:
        return QStringLiteral("#c62828");
    case DrillVerdict::Refused:
        return QStringLiteral("#6d4c41");
    case DrillVerdict::DryRun:
        return QStringLiteral("#1565c0");
    case DrillVerdict::Running:
        break;
    }
    return QStringLiteral("#616161");
}

QString outcomeColour(const QString &outcome)
{
    if (outcome == QLatin1String("ok"))
        return QStringLiteral("#2e7d32");
    if (outcome == QLatin1String("failed"))
        return QStringLiteral("#c62828");
    if (outcome == QLatin1String("dry run"))
        return QStringLiteral("#1565c0");
    return QStringLiteral("#616161");
}

QString faultText(DrillFault fault)
{
    switch (fault) {
    case DrillFault::Stop:
        return QStringLiteral("stop (docker stop)");
    case DrillFault::Kill:
        return QStringLiteral("kill (docker kill)");
    case DrillFault::Pause:
        return QStringLiteral("pause (docker pause: the processes hang with their sockets open)");
    case DrillFault::Restart:
        return QStringLiteral("restart (docker restart)");
    }
    return {};
}

QString durationText(const DrillDuration &duration)
{
    switch (duration.kind) {
    case DrillDurationKind::Fixed:
        return fmt::duration(double(duration.fixed.count()));
    case DrillDurationKind::UntilDetected:
        return QStringLiteral("until Clusterwatch detects the fault");
    case DrillDurationKind::UntilRecovered:
        return QStringLiteral("until the rest of the cluster works around it");
    }
    return {};
}

QString targetText(const DrillTarget &target)
{
    switch (target.kind) {
    case DrillTargetKind::Node:
        return QStringLiteral("node ") + target.node;
    case DrillTargetKind::Redis:
        return QStringLiteral("Redis");
    case DrillTargetKind::Postgres:
        return QStringLiteral("PostgreSQL");
    case DrillTargetKind::LoadBalancer:
        return QStringLiteral("the load balancer");
    }
    return {};
}

/// A count and its share of @p of: "150 (25.0 %)".
QString share(qint64 count, qint64 of)
{
    QString text = fmt::count(count);
    if (of > 0)
        text += QStringLiteral(" (") + fmt::percent(100.0 * double(count) / double(of))
            + QLatin1Char(')');
    return text;
}

QString jobsText(double jobs)
{
    if (!std::isfinite(jobs))
        return fmt::none();
    if (std::abs(jobs - std::round(jobs)) < 1e-9 && std::abs(jobs) < 9e15)
        return fmt::count(qint64(std::round(jobs)));
    return QString::number(jobs, 'f', 1);
}

// ---------------------------------------------------------------------------------------------
// HTML

QString row(const QString &label, const QString &valueHtml)
{
    return QStringLiteral("<tr><th>%1</th><td>%2</td></tr>\n").arg(esc(label), valueHtml);
}

QString inputsTable(const DrillRecord &r)
{
    const DrillSpec &s = r.spec;
    QString html = QStringLiteral(
        "<table class=\"kv\" width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n");
    html += row(QStringLiteral("Target"), esc(targetText(s.target)));
    html += row(QStringLiteral("Container"),
        s.target.container.isEmpty() ? QStringLiteral("<span class=\"muted\">none known</span>")
                                     : esc(s.target.container));
    html += row(QStringLiteral("Docker host"), esc(r.dockerHost));
    html += row(QStringLiteral("Fault"), esc(faultText(s.fault)));
    html += row(QStringLiteral("Fault held"), esc(durationText(s.duration)));
    QStringList checks;
    for (const SteadyStateCheck check : s.steadyState)
        checks.append(toString(check));
    html += row(QStringLiteral("Steady-state checks"),
        checks.isEmpty() ? QStringLiteral("<span class=\"muted\">none</span>")
                         : esc(checks.join(QStringLiteral(", "))));
    html += row(QStringLiteral("Prober"),
        s.prober.enabled
            ? esc(QStringLiteral("GET %1 through the load balancer, %2 requests/s; slow above %3")
                      .arg(s.prober.path)
                      .arg(s.prober.requestsPerSecond)
                      .arg(fmt::duration(double(s.prober.slowThreshold.count()))))
            : QStringLiteral("off"));
    QStringList abort;
    if (s.abort.errorRate)
        abort.append(QStringLiteral("error rate above %1 for %2")
                         .arg(fmt::percent(s.abort.errorRate->abovePercent),
                             fmt::duration(double(s.abort.errorRate->forDuration.count()))));
    abort.append(QStringLiteral("fault held at most %1")
                     .arg(fmt::duration(double(s.abort.maxDuration.count()))));
    html += row(QStringLiteral("Abort conditions"), esc(abort.join(QStringLiteral("; "))));
    html += row(QStringLiteral("Recovery"),
        esc(toString(s.recovery.action)
            + (s.recovery.automatic ? QStringLiteral(", automatic")
                                    : QStringLiteral(", waits for the operator"))));
    html += row(QStringLiteral("Dry run"),
        r.dryRun ? QStringLiteral("yes: nothing was done") : QStringLiteral("no"));
    html += row(QStringLiteral("Run by"), esc(r.user) + QStringLiteral(" on ") + esc(r.host));
    html += row(QStringLiteral("Cluster file"), esc(r.clusterFile));
    html += row(QStringLiteral("Drill file"),
        r.drillFile.isEmpty() ? QStringLiteral("<span class=\"muted\">the drill form</span>")
                              : esc(r.drillFile));
    html += row(QStringLiteral("Journal id"), esc(r.id));
    return html + QStringLiteral("</table>\n");
}

QString figuresTable(const DrillRecord &r)
{
    const DrillFigures &f = r.figures;
    const bool probed = r.spec.prober.enabled || f.requests > 0;
    const QString noProber
        = QStringLiteral("<span class=\"muted\">not measured (prober off)</span>");
    QString html = QStringLiteral(
        "<table class=\"kv\" width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n");
    html += row(QStringLiteral("Fault injected at"),
        f.faultAtMs ? esc(offsetText(*f.faultAtMs)) : notMeasured());
    html
        += row(QStringLiteral("Detection (fault → target marked down)"), durationOr(f.detectionMs));
    html += row(
        QStringLiteral("Alert (fault → first alert pending or firing)"), durationOr(f.alertMs));
    html += row(QStringLiteral("Recovery action at"),
        f.recoveryActionAtMs ? esc(offsetText(*f.recoveryActionAtMs)) : notMeasured());
    html += row(QStringLiteral("Recovery (action → target healthy)"), durationOr(f.recoveryMs));
    html += row(QStringLiteral("RTO (fault → target healthy)"),
        f.rtoMs
            ? QStringLiteral("<b>") + esc(fmt::duration(double(*f.rtoMs))) + QStringLiteral("</b>")
            : notMeasured());
    html += row(QStringLiteral("Requests through the load balancer"),
        probed ? esc(fmt::count(f.requests)) : noProber);
    html += row(QStringLiteral("Failed requests (no answer or 5xx)"),
        probed ? esc(share(f.failedRequests, f.requests)) : noProber);
    html += row(QStringLiteral("Slow requests (over %1)")
                    .arg(fmt::duration(double(r.spec.prober.slowThreshold.count()))),
        probed ? esc(share(f.slowRequests, f.requests)) : noProber);
    html += row(QStringLiteral("Slowest request"),
        probed && f.requests > 0 ? esc(fmt::duration(double(f.maxLatencyMs))) : noProber);
    html += row(
        QStringLiteral("Error window (first → last failed request)"), durationOr(f.errorWindowMs));
    html += row(
        QStringLiteral("Slow window (first → last slow request)"), durationOr(f.slowWindowMs));
    if (f.outcomes.isEmpty()) {
        html += row(QStringLiteral("Outcomes by status"), probed ? notMeasured() : noProber);
    } else {
        QList<std::pair<QString, qint64>> outcomes;
        for (auto it = f.outcomes.cbegin(); it != f.outcomes.cend(); ++it)
            outcomes.append({ it.key(), it.value() });
        std::stable_sort(outcomes.begin(), outcomes.end(),
            [](const auto &a, const auto &b) { return a.second > b.second; });
        QStringList parts;
        for (const auto &[status, count] : outcomes)
            parts.append(esc(status) + QStringLiteral(": ") + esc(fmt::count(count)));
        html += row(QStringLiteral("Outcomes by status"), parts.join(QStringLiteral(" · ")));
    }
    html += row(QStringLiteral("Jobs completed while the fault was held"),
        f.completedDuringFault ? esc(jobsText(*f.completedDuringFault)) : notMeasured());
    html += row(QStringLiteral("Executions crashed during the drill"),
        f.crashedExecutions ? esc(fmt::count(*f.crashedExecutions)) : notMeasured());
    html += row(QStringLiteral("Executions still running at the end"),
        f.runningAfter ? esc(fmt::count(*f.runningAfter)) : notMeasured());
    html += row(QStringLiteral("n8n containers that exited"),
        f.exitedContainers.isEmpty() ? QStringLiteral("none")
                                     : esc(f.exitedContainers.join(QStringLiteral(", "))));
    return html + QStringLiteral("</table>\n");
}

QString stepsTable(const DrillRecord &r)
{
    if (r.steps.isEmpty())
        return QStringLiteral("<p class=\"muted\">No steps were recorded.</p>\n");
    QString html = QStringLiteral(
        "<table width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n<thead><tr>"
        "<th width=\"10%\">Phase</th><th width=\"25%\">Step</th><th width=\"8%\">Start</th>"
        "<th width=\"8%\">End</th><th width=\"10%\">Wall time</th><th width=\"13%\">Outcome</th>"
        "<th width=\"26%\">Detail</th></tr></thead>\n");
    for (const DrillStep &step : r.steps) {
        html += QStringLiteral(
            "<tr><td>%1</td><td>%2</td><td class=\"num\">%3</td>"
            "<td class=\"num\">%4</td><td class=\"num\">%5</td>"
            "<td><span style=\"color:%6\"><b>%7</b></span></td><td>%8</td></tr>\n")
                    .arg(esc(toString(step.phase)), esc(step.title), esc(offsetText(step.startMs)),
                        step.endMs < 0 ? QStringLiteral("running") : esc(offsetText(step.endMs)),
                        esc(clock(r, step.startMs)), outcomeColour(step.outcome), esc(step.outcome),
                        esc(step.detail));
    }
    return html + QStringLiteral("</table>\n");
}

QString eventsTable(const DrillRecord &r)
{
    if (r.events.isEmpty())
        return QStringLiteral("<p class=\"muted\">No events were recorded.</p>\n");
    QString html = QStringLiteral(
        "<table width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n<thead><tr>"
        "<th width=\"8%\">Time</th><th width=\"11%\">Wall time</th><th width=\"17%\">Event</th>"
        "<th width=\"20%\">Subject</th><th width=\"44%\">Detail</th></tr></thead>\n");
    for (const DrillEvent &event : r.events) {
        html += QStringLiteral("<tr><td class=\"num\">%1</td><td class=\"num\">%2</td>"
                               "<td>%3</td><td>%4</td><td>%5</td></tr>\n")
                    .arg(esc(offsetText(event.atMs)), esc(clock(r, event.atMs)), esc(event.kind),
                        esc(event.subject), esc(event.detail));
    }
    return html + QStringLiteral("</table>\n");
}

QString headline(const DrillRecord &r)
{
    const QDateTime started = wallTime(r, 0);
    QString when = started.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" (")
        + zone(started) + QLatin1Char(')');
    if (r.finishedWallMs > r.startedWallMs)
        when
            += QStringLiteral(", ran ") + fmt::duration(double(r.finishedWallMs - r.startedWallMs));
    else
        when += QStringLiteral(", not finished");
    QString html = QStringLiteral("<h1>Failover drill: %1</h1>\n").arg(esc(r.spec.name));
    html += QStringLiteral("<p class=\"meta\">Cluster <b>%1</b> · %2 · started %3</p>\n")
                .arg(esc(r.clusterName),
                    esc(targetText(r.spec.target) + QStringLiteral(", ") + toString(r.spec.fault)),
                    esc(when));
    if (!r.spec.description.isEmpty())
        html += QStringLiteral("<p>%1</p>\n").arg(esc(r.spec.description));
    html += QStringLiteral(
        "<p class=\"verdict\"><span style=\"background-color:%1;color:#ffffff;font-size:13pt;"
        "font-weight:bold\">&nbsp;%2&nbsp;</span>&nbsp; %3</p>\n")
                .arg(verdictColour(r.verdict), esc(toString(r.verdict).toUpper()),
                    r.verdictReason.isEmpty() ? QString() : esc(r.verdictReason));
    return html;
}

QString deviationsList(const DrillRecord &r)
{
    if (r.deviations.isEmpty())
        return QStringLiteral("<p>None.</p>\n");
    QString html = QStringLiteral("<ul>\n");
    for (const QString &deviation : r.deviations)
        html += QStringLiteral("<li>%1</li>\n").arg(esc(deviation));
    return html + QStringLiteral("</ul>\n");
}

/// The page; @p chart is the <img> element (a data: URI for browsers, a resource for the PDF).
QString reportHtml(const DrillRecord &r, const QString &chart)
{
    QString html = QStringLiteral(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"generator\" content=\"Clusterwatch\">\n<title>Failover drill: %1</title>\n"
        "<style>\n"
        "body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; font-size: 9pt;"
        " color: #212121; max-width: 1050px; margin: 24px auto; padding: 0 16px; }\n"
        "h1 { font-size: 17pt; margin: 0 0 4px 0; }\n"
        "h2 { font-size: 12pt; margin: 16px 0 6px 0; color: #37474f; }\n"
        "table { border-collapse: collapse; margin: 0 0 4px 0; }\n"
        "th, td { border: 1px solid #bdbdbd; vertical-align: top; text-align: left; }\n"
        "th { background-color: #f0f0f0; font-weight: bold; }\n"
        "table.kv th { width: 36%; }\n"
        "p.verdict { margin: 8px 0 4px 0; font-size: 10pt; }\n"
        "td.num { white-space: nowrap; }\n"
        ".meta, .muted, .caption { color: #616161; }\n"
        ".caption { font-size: 8pt; }\n"
        "img.chart { width: 100%; height: auto; }\n"
        "</style>\n</head>\n<body>\n")
                       .arg(esc(r.spec.name));
    // The story first (verdict, timeline, figures), then what it was run with and how it went.
    html += headline(r);
    html += QStringLiteral("<h2>Timeline</h2>\n<p>") + chart + QStringLiteral("</p>\n");
    html += QStringLiteral(
        "<p class=\"caption\">Time in seconds since the drill started. The shaded span is the "
        "time the fault was held. Requests are counted by when they were sent.</p>\n");
    html += QStringLiteral("<h2>Figures</h2>\n") + figuresTable(r);
    html += QStringLiteral("<h2>Deviations</h2>\n") + deviationsList(r);
    html += QStringLiteral("<h2>Inputs</h2>\n") + inputsTable(r);
    html += QStringLiteral("<h2>Steps</h2>\n") + stepsTable(r);
    html += QStringLiteral("<h2>Events</h2>\n") + eventsTable(r);
    html += QStringLiteral("<p class=\"caption\">Wall times are %1. Written by Clusterwatch from "
                           "the drill journal.</p>\n")
                .arg(zone(wallTime(r, 0)));
    return html + QStringLiteral("</body>\n</html>\n");
}

QByteArray png(const QImage &image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

/// The page for browsers: the chart inline as a data: URI, so that the file stands alone.
QString browserHtml(const DrillRecord &r, const QImage &chart)
{
    const QString uri
        = QStringLiteral("data:image/png;base64,") + QString::fromLatin1(png(chart).toBase64());
    return reportHtml(r,
        QStringLiteral("<img class=\"chart\" src=\"%1\" alt=\"Timeline of the drill\">").arg(uri));
}

// ---------------------------------------------------------------------------------------------
// PDF

QFont documentFont()
{
    QFont font;
    font.setFamilies({ QStringLiteral("DejaVu Sans"), QStringLiteral("Liberation Sans"),
        QStringLiteral("Arial") });
    font.setStyleHint(QFont::SansSerif);
    font.setPointSizeF(9);
    return font;
}

/// The PDF: the page laid out in CSS pixels on a 96-dpi device and painted scaled onto the
/// 300-dpi writer, page by page, with a footer (QTextDocument::print() would add its own 2 cm
/// margins and no title).
Result<QByteArray> renderPdf(const DrillRecord &r, const QImage &chart)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter writer(&buffer);
    writer.setPageLayout(QPageLayout(
        QPageSize(QPageSize::A4), QPageLayout::Portrait, kPageMargins, QPageLayout::Millimeter));
    writer.setResolution(kPdfDpi);
    writer.setTitle(QStringLiteral("Failover drill: ") + r.spec.name);
    writer.setCreator(QStringLiteral("Clusterwatch"));

    const double scale = double(kPdfDpi) / kLayoutDpi;
    const QRect paintRect = writer.pageLayout().paintRectPixels(kPdfDpi);
    const double footer = 26; // CSS px below each page's text
    const QSizeF page(paintRect.width() / scale, paintRect.height() / scale - footer);

    // Font sizes resolve on the layout device: 96 dpi whatever the screen says.
    QImage layoutDevice(1, 1, QImage::Format_RGB32);
    layoutDevice.setDotsPerMeterX(qRound(kLayoutDpi / 0.0254));
    layoutDevice.setDotsPerMeterY(qRound(kLayoutDpi / 0.0254));
    QTextDocument document;
    document.documentLayout()->setPaintDevice(&layoutDevice);
    document.setDefaultFont(documentFont());
    document.setDocumentMargin(0);
    document.setPageSize(page);
    // QTextDocument does not load data: URIs; the chart is a resource of the document.
    document.addResource(QTextDocument::ImageResource, QUrl(kChartResource), chart);
    const int chartWidth = int(page.width()) - 2;
    const int chartHeight = chartWidth * chart.height() / std::max(1, chart.width());
    document.setHtml(reportHtml(r,
        QStringLiteral("<img src=\"%1\" width=\"%2\" height=\"%3\">")
            .arg(kChartResource)
            .arg(chartWidth)
            .arg(chartHeight)));

    QPainter painter;
    if (!painter.begin(&writer))
        return Error { QStringLiteral("cannot start the PDF") };
    const int pages = std::max(1, document.pageCount());
    QFont footerFont = documentFont();
    footerFont.setPixelSize(10);
    const QString title = QStringLiteral("Clusterwatch · failover drill: ") + r.spec.name;
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            writer.newPage();
        painter.save();
        painter.scale(scale, scale);
        painter.save();
        painter.setClipRect(QRectF(QPointF(0, 0), page)); // objects are drawn whole otherwise
        painter.translate(0, -i * page.height());
        QAbstractTextDocumentLayout::PaintContext context;
        context.clip = QRectF(0, i * page.height(), page.width(), page.height());
        context.palette.setColor(QPalette::Text, Qt::black);
        document.documentLayout()->draw(&painter, context);
        painter.restore();
        const QRectF foot(0, page.height() + 8, page.width(), footer - 8);
        painter.setPen(QColor(0x75, 0x75, 0x75));
        painter.drawLine(QPointF(0, foot.top()), QPointF(page.width(), foot.top()));
        painter.setFont(footerFont);
        const QString pageText = QStringLiteral("page %1 of %2").arg(i + 1).arg(pages);
        const QFontMetricsF metrics(footerFont);
        painter.drawText(foot.adjusted(0, 0, -metrics.horizontalAdvance(pageText) - 20, 0),
            Qt::AlignLeft | Qt::AlignVCenter,
            metrics.elidedText(title, Qt::ElideRight, foot.width() * 0.75));
        painter.drawText(foot, Qt::AlignRight | Qt::AlignVCenter, pageText);
        painter.restore();
    }
    if (!painter.end())
        return Error { QStringLiteral("cannot finish the PDF") };
    return bytes;
}

Result<QString> writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { path + QStringLiteral(": cannot write: ") + file.errorString() };
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Error { path + QStringLiteral(": cannot write: ") + file.errorString() };
    return path;
}

} // namespace

QString drillReportHtml(const DrillRecord &record)
{
    return browserHtml(record, renderDrillTimeline(record, kChartSize));
}

Result<QStringList> exportDrillReport(const DrillRecord &record, const QString &basePath)
{
    const QString dir = QFileInfo(basePath).absolutePath();
    if (!QDir().mkpath(dir))
        return Error { dir + QStringLiteral(": cannot create the report directory") };
    const QString htmlPath = basePath + QStringLiteral(".html");
    const QString pdfPath = basePath + QStringLiteral(".pdf");

    const QImage chart = renderDrillTimeline(record, kChartSize);
    const QString html = browserHtml(record, chart);
    if (const Result<QString> written = writeFile(htmlPath, html.toUtf8()); !written.ok())
        return Error { written.error() };

    const Result<QByteArray> pdf = renderPdf(record, chart);
    if (!pdf.ok())
        return Error { pdfPath + QStringLiteral(": ") + pdf.error() };
    if (const Result<QString> written = writeFile(pdfPath, pdf.value()); !written.ok())
        return Error { written.error() };
    return QStringList { htmlPath, pdfPath };
}

} // namespace cw
