#include "views/charts/DrillTimelineChart.h"

#include <QAreaSeries>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace cw {

namespace {

/// The smallest of 1, 2, 2.5, 5 × 10^n at or above @p value, for axis tops that read well.
double roundUp(double value)
{
    if (!(value > 0))
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : { 1.0, 2.0, 2.5, 5.0, 10.0 }) {
        if (value <= step * magnitude * 1.0000001)
            return step * magnitude;
    }
    return 10 * magnitude;
}

/// Seconds between time ticks: at most about ten over @p seconds.
qint64 timeStep(qint64 seconds)
{
    for (const qint64 step : { 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600 }) {
        if (seconds / step <= 10)
            return step;
    }
    return 7200;
}

struct Palette {
    QColor ok, failed, slow, down, latency, queue, threshold;
};

Palette paletteFor(const ChartColors &c)
{
    if (c.dark)
        return { QColor(0x5f, 0xd3, 0x8d), QColor(0xff, 0x6b, 0x6b), QColor(0xff, 0xb3, 0x40),
            QColor(0xff, 0x6b, 0x6b, 56), QColor(0x6c, 0xb4, 0xff), QColor(0xd0, 0x96, 0xff),
            QColor(0xff, 0xb3, 0x40) };
    return { QColor(0x2e, 0x7d, 0x32), QColor(0xc6, 0x28, 0x28), QColor(0xef, 0x8f, 0x00),
        QColor(0xc6, 0x28, 0x28, 40), QColor(0x1f, 0x5f, 0xa8), QColor(0x8e, 0x3b, 0xb0),
        QColor(0xc2, 0x5e, 0x00) };
}

QColor markerColor(const QString &kind, const ChartColors &c)
{
    const Palette p = paletteFor(c);
    if (kind == QLatin1String("fault"))
        return p.failed;
    if (kind == QLatin1String("detected"))
        return c.dark ? QColor(0xff, 0xd5, 0x4f) : QColor(0xb2, 0x6a, 0x00);
    if (kind == QLatin1String("alert-firing"))
        return p.queue;
    if (kind == QLatin1String("recovery"))
        return p.latency;
    if (kind == QLatin1String("healthy"))
        return p.ok;
    return c.text; // abort
}

QColor translucent(QColor colour, int alpha)
{
    colour.setAlpha(alpha);
    return colour;
}

/// A bucketed value as a step (flat across the bucket) or, when buckets are narrower than a
/// few pixels and steps would not show, one point in the bucket's middle.
void addPoint(QList<QPointF> &out, const DrillTimelineBin &bin, double value, bool steps)
{
    const auto from = double(bin.startS);
    if (steps) {
        out.append(QPointF(from, value));
        out.append(QPointF(from + bin.spanS, value));
    } else {
        out.append(QPointF(from + bin.spanS / 2.0, value));
    }
}

} // namespace

DrillTimelineChart::DrillTimelineChart(QWidget *parent)
    : QChartView(parent)
    , m_chart(new QChart)
    , m_time(new QValueAxis)
    , m_rate(new QValueAxis)
    , m_latency(new QValueAxis)
    , m_waiting(new QValueAxis)
    , m_band(new QValueAxis)
{
    setObjectName(QStringLiteral("drillTimeline"));
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_rate, Qt::AlignLeft);
    m_chart->addAxis(m_latency, Qt::AlignRight);
    m_chart->addAxis(m_waiting, Qt::AlignRight);
    m_chart->addAxis(m_band, Qt::AlignLeft);
    m_band->setRange(0, 1);
    m_band->setVisible(false);
    m_time->setTitleText(QStringLiteral("seconds since the drill started"));
    m_time->setLabelFormat(QStringLiteral("%.0f s"));
    m_time->setTickType(QValueAxis::TicksDynamic);
    m_time->setTickAnchor(0);
    m_rate->setTitleText(QStringLiteral("requests/s"));
    m_rate->setLabelFormat(QStringLiteral("%.4g"));
    m_latency->setTitleText(QStringLiteral("max latency (s)"));
    m_latency->setLabelFormat(QStringLiteral("%.3g"));
    m_latency->setGridLineVisible(false);
    m_waiting->setTitleText(QStringLiteral("waiting jobs"));
    m_waiting->setLabelFormat(QStringLiteral("%.0f"));
    m_waiting->setGridLineVisible(false);
    for (QValueAxis *axis : { m_rate, m_latency, m_waiting })
        axis->setTickCount(6);

    // The area series do not own their edges: these are the chart's children.
    m_downUpper = new QLineSeries(m_chart);
    m_okUpper = new QLineSeries(m_chart);
    m_failedUpper = new QLineSeries(m_chart);
    m_failedLower = new QLineSeries(m_chart);
    m_slowUpper = new QLineSeries(m_chart);
    m_slowLower = new QLineSeries(m_chart);
    m_down = addArea(m_downUpper, nullptr, QStringLiteral("target down"));
    m_down->detachAxis(m_rate);
    m_down->attachAxis(m_band);
    m_ok = addArea(m_okUpper, nullptr, QStringLiteral("ok"));
    m_failed = addArea(m_failedUpper, m_failedLower, QStringLiteral("failed"));
    m_slow = addArea(m_slowUpper, m_slowLower, QStringLiteral("slow"));
    m_maxLatency = addLine(m_latency, QStringLiteral("max latency"));
    m_slowThreshold = addLine(m_latency, QStringLiteral("slow threshold"));
    m_queue = addLine(m_waiting, QStringLiteral("waiting jobs"));
    for (QLegendMarker *marker : m_chart->legend()->markers(m_slowThreshold))
        marker->setVisible(false);

    setChart(m_chart);
    setRenderHint(QPainter::Antialiasing, true);
    setMinimumSize(320, 220);
    connect(m_chart, &QChart::plotAreaChanged, this, &DrillTimelineChart::onPlotAreaChanged);
    applyColors();
    redraw();
}

DrillTimelineChart::~DrillTimelineChart() = default;

QLineSeries *DrillTimelineChart::addLine(QValueAxis *axis, const QString &name)
{
    auto *series = new QLineSeries;
    series->setName(name);
    m_chart->addSeries(series);
    series->attachAxis(m_time);
    series->attachAxis(axis);
    return series;
}

QAreaSeries *DrillTimelineChart::addArea(
    QLineSeries *upper, QLineSeries *lower, const QString &name)
{
    auto *series = new QAreaSeries(upper, lower);
    series->setName(name);
    m_chart->addSeries(series);
    series->attachAxis(m_time);
    series->attachAxis(m_rate);
    return series;
}

void DrillTimelineChart::setColors(const ChartColors &colors)
{
    m_colors = colors;
    applyColors();
    syncMarkers();
    placeMarkers();
}

void DrillTimelineChart::applyColors()
{
    const Palette p = paletteFor(m_colors);
    m_chart->setBackgroundBrush(m_colors.background);
    m_chart->setPlotAreaBackgroundBrush(m_colors.plotBackground);
    m_chart->setPlotAreaBackgroundVisible(true);
    m_chart->legend()->setLabelColor(m_colors.text);
    setBackgroundBrush(m_colors.background);
    for (QAbstractAxis *axis : m_chart->axes()) {
        axis->setLabelsBrush(m_colors.text);
        axis->setTitleBrush(m_colors.text);
        axis->setGridLineColor(m_colors.grid);
        axis->setLinePenColor(m_colors.grid);
    }
    const auto area = [](QAreaSeries *series, const QColor &colour, int alpha) {
        series->setBrush(translucent(colour, alpha));
        QPen pen(colour, 1.0);
        pen.setCosmetic(true);
        series->setPen(pen);
    };
    m_down->setBrush(p.down);
    m_down->setPen(Qt::NoPen);
    area(m_ok, p.ok, 110);
    area(m_failed, p.failed, 190);
    area(m_slow, p.slow, 190);
    QPen latency(p.latency, 2.0);
    latency.setCosmetic(true);
    m_maxLatency->setPen(latency);
    QPen threshold(p.threshold, 1.0, Qt::DashLine);
    threshold.setCosmetic(true);
    m_slowThreshold->setPen(threshold);
    QPen queue(p.queue, 2.0, Qt::DashDotLine);
    queue.setCosmetic(true);
    m_queue->setPen(queue);
}

void DrillTimelineChart::setRecord(const DrillRecord &record)
{
    m_record = record;
    redraw();
}

void DrillTimelineChart::clear()
{
    setRecord(DrillRecord());
}

int DrillTimelineChart::plotWidth() const
{
    return std::max(50, int(m_chart->plotArea().width()));
}

bool DrillTimelineChart::stepsFor(qsizetype bins) const
{
    // A bucket narrower than three pixels would not show as a step.
    return bins * 3 <= plotWidth();
}

int DrillTimelineChart::maxBins() const
{
    return plotWidth();
}

void DrillTimelineChart::onPlotAreaChanged()
{
    // Redraw only when the buckets or their shape would change: the axes' labels move the plot
    // area by a few pixels on most redraws.
    const qint64 seconds = m_timeline.endMs / 1000 + 1;
    const qint64 width = maxBins();
    const qint64 span = (seconds + width - 1) / width;
    if (span != m_binSpanS || stepsFor(m_timeline.bins.size()) != m_steps)
        redraw();
    else
        placeMarkers();
}

void DrillTimelineChart::redraw()
{
    m_timeline = binDrillTimeline(m_record, maxBins());
    const QList<DrillTimelineBin> &bins = m_timeline.bins;
    m_binSpanS = bins.isEmpty() ? 1 : bins.constFirst().spanS;
    const bool steps = stepsFor(bins.size());
    m_steps = steps;
    const bool probed = !m_record.probes.isEmpty();
    const bool queued = m_timeline.maxWaiting > 0
        || std::any_of(bins.cbegin(), bins.cend(),
            [](const DrillTimelineBin &b) { return b.waiting.has_value(); });

    QList<QPointF> down, ok, failed, total, latency, queue;
    double maxRate = 0;
    for (const DrillTimelineBin &bin : bins) {
        const double span = bin.spanS;
        addPoint(down, bin, bin.targetUp == false ? 1.0 : 0.0, steps);
        if (probed) {
            addPoint(ok, bin, bin.ok / span, steps);
            addPoint(failed, bin, (bin.ok + bin.failed) / span, steps);
            addPoint(total, bin, bin.requests() / span, steps);
            addPoint(latency, bin, bin.maxLatencyMs / 1000.0, steps);
            maxRate = std::max(maxRate, bin.requests() / span);
        }
        if (bin.waiting)
            addPoint(queue, bin, double(*bin.waiting), steps);
    }

    // Empty the series before the axes move: Qt Charts lays a series out again on every axis
    // change, so each is laid out once per redraw instead of several times.
    for (QLineSeries *s : { m_downUpper, m_okUpper, m_failedUpper, m_failedLower, m_slowUpper,
             m_slowLower, m_maxLatency, m_slowThreshold, m_queue })
        s->clear();

    const qint64 endS = std::max<qint64>(30, (m_timeline.endMs + 999) / 1000);
    const qint64 step = timeStep(endS);
    const qint64 right = (endS + step - 1) / step * step; // whole ticks
    m_time->setRange(0, double(right));
    m_time->setTickInterval(double(step));
    const double rps = m_record.spec.prober.enabled ? m_record.spec.prober.requestsPerSecond : 0;
    m_rate->setRange(0, roundUp(std::max({ maxRate * 1.15, rps * 1.2, 1.0 })));
    const double slowS = double(m_record.spec.prober.slowThreshold.count()) / 1000.0;
    m_latency->setRange(0, roundUp(std::max(m_timeline.maxLatencyMs / 1000.0 * 1.1, slowS * 1.5)));
    m_latency->setVisible(probed);
    m_waiting->setRange(0, roundUp(std::max(double(m_timeline.maxWaiting) * 1.15, 5.0)));
    m_waiting->setVisible(queued);
    const QList<QAbstractSeries *> probeSeries { m_ok, m_failed, m_slow, m_maxLatency };
    for (QAbstractSeries *s : probeSeries) {
        for (QLegendMarker *marker : m_chart->legend()->markers(s))
            marker->setVisible(probed);
    }
    for (QLegendMarker *marker : m_chart->legend()->markers(m_queue))
        marker->setVisible(queued);

    const QList<QPointF> threshold = probed
        ? QList<QPointF> { QPointF(0, slowS), QPointF(m_time->max(), slowS) }
        : QList<QPointF>();
    m_downUpper->replace(down);
    m_okUpper->replace(ok);
    m_failedLower->replace(ok);
    m_failedUpper->replace(failed);
    m_slowLower->replace(failed);
    m_slowUpper->replace(total);
    m_maxLatency->replace(latency);
    m_slowThreshold->replace(threshold);
    m_queue->replace(queue);
    m_lastPointCount = down.size() + 2 * ok.size() + 2 * failed.size() + total.size()
        + latency.size() + threshold.size() + queue.size();

    syncMarkers();
    placeMarkers();
}

void DrillTimelineChart::syncMarkers()
{
    const QList<DrillTimelineMarker> &wanted = m_timeline.markers;
    while (m_markers.size() > wanted.size()) {
        Marker m = m_markers.takeLast();
        delete m.line;
        delete m.box; // owns the label
    }
    while (m_markers.size() < wanted.size()) {
        Marker m;
        m.line = new QGraphicsLineItem(m_chart);
        m.box = new QGraphicsRectItem(m.line);
        m.label = new QGraphicsSimpleTextItem(m.box);
        m.line->setZValue(15);
        m_markers.append(m);
    }
    QFont font = m_chart->font();
    font.setBold(true);
    for (qsizetype i = 0; i < wanted.size(); ++i) {
        Marker &m = m_markers[i];
        m.marker = wanted.at(i);
        const QColor colour = markerColor(m.marker.kind, m_colors);
        QPen pen(colour, 1.5, Qt::DashLine);
        pen.setCosmetic(true);
        m.line->setPen(pen);
        m.label->setText(m.marker.label);
        m.label->setFont(font);
        m.label->setBrush(colour);
        m.box->setBrush(translucent(m_colors.background, 220));
        m.box->setPen(QPen(colour, 1.0));
    }
}

void DrillTimelineChart::placeMarkers()
{
    const QRectF plot = m_chart->plotArea();
    // Labels of markers close together go on rows below each other instead of overlapping.
    QList<double> rowEnds;
    for (Marker &m : m_markers) {
        const double x
            = m_chart->mapToPosition(QPointF(double(m.marker.atMs) / 1000.0, 0), m_queue).x();
        const bool inside = plot.width() > 0 && x >= plot.left() - 0.5 && x <= plot.right() + 0.5;
        m.line->setVisible(inside);
        if (!inside)
            continue;
        m.line->setLine(x, plot.top(), x, plot.bottom());
        const QRectF text = m.label->boundingRect();
        const QRectF box(0, 0, text.width() + 8, text.height() + 2);
        m.box->setRect(box);
        m.label->setPos(4, 1);
        double left = x + 3;
        if (left + box.width() > plot.right())
            left = x - 3 - box.width();
        int row = 0;
        while (row < rowEnds.size() && rowEnds.at(row) > left - 4)
            ++row;
        if (row == rowEnds.size())
            rowEnds.append(0);
        rowEnds[row] = left + box.width();
        // The line item sits at the chart's origin, so its child box takes chart coordinates.
        m.box->setPos(left, plot.top() + 3 + row * (box.height() + 2));
    }
}

QList<QPointF> DrillTimelineChart::points(Line line) const
{
    switch (line) {
    case Line::TargetDown:
        return m_downUpper->points();
    case Line::Ok:
        return m_okUpper->points();
    case Line::Failed:
        return m_failedUpper->points();
    case Line::Slow:
        return m_slowUpper->points();
    case Line::Latency:
        return m_maxLatency->points();
    case Line::Waiting:
        return m_queue->points();
    }
    return {};
}

QStringList DrillTimelineChart::markerLabels() const
{
    QStringList labels;
    for (const Marker &m : m_markers) {
        if (m.line->isVisible())
            labels << m.label->text();
    }
    return labels;
}

} // namespace cw
