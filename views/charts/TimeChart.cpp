#include "views/charts/TimeChart.h"

#include "models/items/ChartLegendModel.h"
#include "models/timeseries/Downsampler.h"
#include "models/timeseries/TimeSeriesStore.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QMouseEvent>
#include <QValueAxis>
#include <cmath>

namespace cw {

namespace {

// More separate runs than this in one window are joined (the last segment then bridges the
// remaining gaps): a line broken that often is noise at this zoom, and every segment is a series.
constexpr int kMaxSegments = 96;
constexpr double kLineWidth = 2.0;

double niceCeil(double value)
{
    if (!(value > 0))
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : { 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0 }) {
        if (value <= step * magnitude * 1.0000001)
            return step * magnitude;
    }
    return 10 * magnitude;
}

// Ticks at round values for the nice tops above: 1.5k → 0, 500, 1,000, 1,500.
int tickCountFor(double top)
{
    if (!(top > 0))
        return 5;
    const double mantissa = top / std::pow(10.0, std::floor(std::log10(top)));
    const auto is = [mantissa](double m) { return std::abs(mantissa - m) < 1e-6; };
    if (is(1.5) || is(3) || is(6))
        return 4;
    if (is(1.2) || is(2) || is(4) || is(8))
        return 5;
    return 6; // 1, 2.5, 5, 10
}

QString axisTitle(ChartUnit unit, double scale)
{
    switch (unit) {
    case ChartUnit::Percent:
        return QStringLiteral("%");
    case ChartUnit::Bytes:
        return scale >= 1024.0 * 1024 * 1024 ? QStringLiteral("GiB") : QStringLiteral("MiB");
    case ChartUnit::Count:
        return QString();
    case ChartUnit::PerMinute:
        return QStringLiteral("per min");
    case ChartUnit::Milliseconds:
        return QStringLiteral("ms");
    }
    return QString();
}

double unitScale(ChartUnit unit, double maxRaw)
{
    if (unit != ChartUnit::Bytes)
        return 1;
    return maxRaw >= 2.0 * 1024 * 1024 * 1024 ? 1024.0 * 1024 * 1024 : 1024.0 * 1024;
}

QString timeFormat(qint64 spanMs)
{
    return spanMs <= 15 * 60'000 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");
}

} // namespace

TimeChart::TimeChart(ChartLegendModel *legend, QWidget *parent)
    : QChartView(parent)
    , m_legend(legend)
    , m_chart(new QChart)
    , m_time(new QDateTimeAxis)
    , m_left(new QValueAxis)
{
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->legend()->hide(); // the legend is a ChartLegendModel view beside the chart
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_left, Qt::AlignLeft);
    m_time->setTickCount(7);
    m_left->setTickCount(5);
    m_left->setLabelFormat(QStringLiteral("%.4g"));
    setChart(m_chart);
    setRenderHint(QPainter::Antialiasing, true);
    setMouseTracking(true);
    setMinimumSize(260, 200);

    m_cursor = new QGraphicsLineItem(m_chart);
    m_hoverBox = new QGraphicsRectItem(m_chart);
    m_hoverLabel = new QGraphicsSimpleTextItem(m_hoverBox);
    m_cursor->setZValue(20);
    m_hoverBox->setZValue(21);
    hideHover();
    applyColors();
}

TimeChart::~TimeChart() = default;

void TimeChart::setStore(const TimeSeriesStore *store)
{
    m_store = store;
}

void TimeChart::setSpan(qint64 spanMs)
{
    m_spanMs = spanMs;
    m_time->setFormat(timeFormat(spanMs));
}

void TimeChart::setColors(const ChartColors &colors)
{
    m_colors = colors;
    applyColors();
}

QLineSeries *TimeChart::newSeries(const QPen &pen, bool rightAxis)
{
    auto *series = new QLineSeries;
    series->setPen(pen);
    m_chart->addSeries(series);
    series->attachAxis(m_time);
    series->attachAxis(rightAxis && m_right ? m_right : m_left);
    return series;
}

void TimeChart::clearSeries()
{
    // removeSeries hands ownership back.
    for (const Line &line : std::as_const(m_lines)) {
        for (QLineSeries *s : line.segments) {
            m_chart->removeSeries(s);
            delete s;
        }
    }
    for (QLineSeries *s : std::as_const(m_thresholds)) {
        m_chart->removeSeries(s);
        delete s;
    }
    qDeleteAll(m_thresholdLabels);
    m_lines.clear();
    m_thresholds.clear();
    m_thresholdLabels.clear();
}

void TimeChart::rebuild()
{
    clearSeries();
    const ChartSpec &spec = m_legend->spec();
    m_chart->setTitle(spec.title);
    setToolTip(spec.note);
    if (spec.hasRightAxis() && !m_right) {
        m_right = new QValueAxis;
        m_right->setTickCount(5);
        m_right->setLabelFormat(QStringLiteral("%.4g"));
        m_right->setGridLineVisible(false); // one grid, the left axis's
        m_chart->addAxis(m_right, Qt::AlignRight);
    } else if (!spec.hasRightAxis() && m_right) {
        m_chart->removeAxis(m_right);
        delete m_right;
        m_right = nullptr;
    }
    m_lines = QList<Line>(spec.series.size());
    for (const ChartThreshold &threshold : spec.thresholds) {
        QPen pen(m_colors.threshold, 1.5, Qt::DashLine);
        pen.setCosmetic(true);
        QLineSeries *line = newSeries(pen, false);
        line->setName(threshold.label);
        m_thresholds.append(line);
        auto *label = new QGraphicsSimpleTextItem(threshold.label, m_chart);
        label->setZValue(10);
        m_thresholdLabels.append(label);
    }
    applyColors();
    m_leftScale = m_rightScale = 1;
}

void TimeChart::applyColors()
{
    m_chart->setBackgroundBrush(m_colors.background);
    m_chart->setPlotAreaBackgroundBrush(m_colors.plotBackground);
    m_chart->setPlotAreaBackgroundVisible(true);
    m_chart->setTitleBrush(m_colors.text);
    setBackgroundBrush(m_colors.background);
    for (QAbstractAxis *axis : m_chart->axes()) {
        axis->setLabelsBrush(m_colors.text);
        axis->setTitleBrush(m_colors.text);
        axis->setGridLineColor(m_colors.grid);
        axis->setLinePenColor(m_colors.grid);
    }
    for (int row = 0; row < m_lines.size(); ++row) {
        for (QLineSeries *s : std::as_const(m_lines[row].segments)) {
            QPen pen = s->pen();
            pen.setColor(m_colors.line(row));
            s->setPen(pen);
        }
    }
    for (QLineSeries *s : std::as_const(m_thresholds)) {
        QPen pen = s->pen();
        pen.setColor(m_colors.threshold);
        s->setPen(pen);
    }
    for (QGraphicsSimpleTextItem *label : std::as_const(m_thresholdLabels))
        label->setBrush(m_colors.threshold);
    m_hoverBox->setBrush(m_colors.background);
    m_hoverBox->setPen(QPen(m_colors.grid));
    m_hoverLabel->setBrush(m_colors.text);
    m_cursor->setPen(QPen(m_colors.text, 1, Qt::DotLine));
}

int TimeChart::plotWidth() const
{
    return std::max(50, int(m_chart->plotArea().width()));
}

double TimeChart::scaleFor(bool rightAxis) const
{
    return rightAxis ? m_rightScale : m_leftScale;
}

void TimeChart::refresh(qint64 nowMs)
{
    m_nowMs = nowMs;
    const ChartSpec &spec = m_legend->spec();
    const qint64 from = nowMs - m_spanMs;
    const int width = plotWidth();
    const double stub = double(m_spanMs) / width / 2;

    // First the raw runs (to pick the unit scale from their maxima), then scaled hand-over.
    QList<QList<QList<QPointF>>> runsPerLine(m_lines.size());
    double maxLeft = 0;
    double maxRight = 0;
    for (int row = 0; row < m_lines.size(); ++row) {
        const TimeSeries *series = m_store ? m_store->series(m_legend->seriesId(row)) : nullptr;
        if (!series || !m_legend->isShown(row))
            continue;
        // Min-max over four-pixel columns: a vertex every two pixels, every spike kept. Finer
        // columns look the same on dense data and double the cost of laying out and painting.
        QList<QList<QPointF>> runs = Downsampler::splitAtBreaks(
            Downsampler::minMax(*series, from, nowMs, width / 4), stub);
        double &top = spec.series[row].rightAxis ? maxRight : maxLeft;
        for (const QList<QPointF> &run : std::as_const(runs)) {
            for (const QPointF &p : run)
                top = std::max(top, p.y());
        }
        if (runs.size() > kMaxSegments) {
            QList<QPointF> &last = runs[kMaxSegments - 1];
            for (qsizetype i = kMaxSegments; i < runs.size(); ++i)
                last.append(runs[i]);
            runs.resize(kMaxSegments);
        }
        runsPerLine[row] = std::move(runs);
    }

    // Qt Charts recomputes a line's geometry (including a stroked hit-test shape) on every axis
    // change and every replace(). Emptying the drawn segments first makes the axis changes
    // cheap, so each line is laid out once per refresh instead of three times.
    for (Line &line : m_lines) {
        for (int i = 0; i < line.used; ++i)
            line.segments[i]->clear();
    }

    m_leftScale = unitScale(spec.unit, maxLeft);
    m_rightScale = unitScale(spec.rightUnit, maxRight);
    // Thresholds widen the axis only when the data comes near them: a queue of 30 jobs under a
    // scale made for 1,000 would look flat, and "is it growing?" is the question.
    // Percent charts keep 0–100 % unless a value goes beyond (several cores); others get a
    // little headroom above their highest value.
    const bool percent = spec.unit == ChartUnit::Percent;
    double topLeft = std::max(percent ? maxLeft : maxLeft * 1.1, spec.minimumTop);
    for (const ChartThreshold &threshold : spec.thresholds) {
        if (percent || maxLeft >= threshold.value * 0.5)
            topLeft = std::max(topLeft, percent ? threshold.value : threshold.value * 1.1);
    }
    const double leftTop = niceCeil(topLeft / m_leftScale);
    m_left->setRange(0, leftTop);
    m_left->setTickCount(fitValueTicks(tickCountFor(leftTop)));
    m_left->setTitleText(axisTitle(spec.unit, m_leftScale));
    if (m_right) {
        const double rightTop = niceCeil(std::max(maxRight * 1.1, 1.0) / m_rightScale);
        m_right->setRange(0, rightTop);
        m_right->setTickCount(fitValueTicks(tickCountFor(rightTop)));
        m_right->setTitleText(axisTitle(spec.rightUnit, m_rightScale));
    }
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(nowMs));
    // As many time labels as fit without being cut: one per label width and a gap, in the
    // labels' own font (the wall's is several times the desk's).
    const QFontMetrics labelMetrics(m_time->labelsFont());
    const int labelWidth
        = labelMetrics.horizontalAdvance(QStringLiteral("00:00:00").left(m_time->format().size()))
        + labelMetrics.averageCharWidth() * 3;
    m_time->setTickCount(std::clamp(width / std::max(1, labelWidth) + 1, 2, 9));

    m_lastPointCount = 0;
    for (int row = 0; row < m_lines.size(); ++row) {
        Line &line = m_lines[row];
        QList<QList<QPointF>> &runs = runsPerLine[row];
        const bool right = spec.series[row].rightAxis;
        const double scale = scaleFor(right);
        while (line.segments.size() < runs.size()) {
            QPen pen(m_colors.line(row), kLineWidth * m_lineScale);
            pen.setCosmetic(true);
            line.segments.append(newSeries(pen, right));
        }
        // Dense lines (long ranges) are drawn one pixel wide: they read as bands anyway, and a
        // wider pen costs a stroked outline per segment in software rendering.
        qsizetype points = 0;
        for (const QList<QPointF> &run : std::as_const(runs))
            points += run.size();
        const double penWidth = (points > width / 3 ? 1.0 : kLineWidth) * m_lineScale;
        for (qsizetype i = 0; i < runs.size(); ++i) {
            if (line.segments[i]->pen().widthF() != penWidth) {
                QPen pen = line.segments[i]->pen();
                pen.setWidthF(penWidth);
                line.segments[i]->setPen(pen);
            }
        }
        for (qsizetype i = 0; i < runs.size(); ++i) {
            if (scale != 1) {
                for (QPointF &p : runs[i])
                    p.setY(p.y() / scale);
            }
            m_lastPointCount += runs[i].size();
            line.segments[i]->replace(runs[i]);
        }
        line.used = int(runs.size());
    }
    for (qsizetype i = 0; i < m_thresholds.size(); ++i) {
        const double y = spec.thresholds[i].value / m_leftScale;
        m_thresholds[i]->replace({ QPointF(double(from), y), QPointF(double(nowMs), y) });
        m_lastPointCount += 2;
    }
    placeThresholdLabels();
    if (m_hovering)
        hoverAt(m_hoverPos);
}

void TimeChart::placeThresholdLabels()
{
    const QRectF plot = m_chart->plotArea();
    for (qsizetype i = 0; i < m_thresholdLabels.size(); ++i) {
        QGraphicsSimpleTextItem *label = m_thresholdLabels[i];
        const QList<QPointF> points = m_thresholds[i]->points();
        if (points.isEmpty()) {
            label->hide();
            continue;
        }
        const QPointF at = m_chart->mapToPosition(points.constLast(), m_thresholds[i]);
        const bool inside = at.y() >= plot.top() && at.y() <= plot.bottom();
        label->setVisible(inside);
        const QRectF box = label->boundingRect();
        label->setPos(plot.right() - box.width() - 4, at.y() - box.height() - 1);
    }
}

QList<QLineSeries *> TimeChart::segments(int row) const
{
    if (row < 0 || row >= m_lines.size())
        return {};
    return m_lines[row].segments.mid(0, m_lines[row].used);
}

void TimeChart::hoverAt(const QPoint &pos)
{
    const QRectF plot = m_chart->plotArea();
    const QPointF scenePos = mapToScene(pos);
    const QPointF at = m_chart->mapFromScene(scenePos);
    if (!plot.contains(at) || !m_store) {
        hideHover();
        return;
    }
    m_hovering = true;
    m_hoverPos = pos;
    const qint64 from = m_nowMs - m_spanMs;
    const qint64 t = from + qint64((at.x() - plot.left()) / plot.width() * double(m_spanMs));
    // A sample counts when it is within two pixel columns (or five seconds) of the cursor.
    const qint64 tolerance = std::max<qint64>(5'000, 2 * m_spanMs / plotWidth());
    QStringList lines { QDateTime::fromMSecsSinceEpoch(t).toString(
        QStringLiteral("yyyy-MM-dd HH:mm:ss")) };
    for (int row = 0; row < m_lines.size(); ++row) {
        if (!m_legend->isShown(row))
            continue;
        QString value = QStringLiteral("—");
        if (const TimeSeries *series = m_store->series(m_legend->seriesId(row))) {
            const qsizetype i = series->upperBound(t) - 1;
            if (i >= 0 && t - series->timeAt(i) <= tolerance && !series->isGapAt(i))
                value = formatChartValue(m_legend->unitOf(row), series->valueAt(i));
            else if (i >= 0 && t - series->timeAt(i) <= tolerance)
                value = QStringLiteral("no data (down)");
        }
        lines << m_legend->name(row) + QStringLiteral(": ") + value;
    }
    m_hoverLabel->setText(lines.join(QLatin1Char('\n')));
    const QRectF text = m_hoverLabel->boundingRect();
    const QRectF box(0, 0, text.width() + 12, text.height() + 8);
    m_hoverLabel->setPos(6, 4);
    m_hoverBox->setRect(box);
    QPointF boxPos(at.x() + 12, plot.top() + 4);
    if (boxPos.x() + box.width() > plot.right())
        boxPos.setX(at.x() - 12 - box.width());
    m_hoverBox->setPos(boxPos);
    m_hoverBox->show();
    m_cursor->setLine(at.x(), plot.top(), at.x(), plot.bottom());
    m_cursor->show();
}

QString TimeChart::hoverText() const
{
    return m_hoverBox->isVisible() ? m_hoverLabel->text() : QString();
}

void TimeChart::hideHover()
{
    m_hovering = false;
    m_hoverBox->hide();
    m_cursor->hide();
}

void TimeChart::mouseMoveEvent(QMouseEvent *event)
{
    hoverAt(event->position().toPoint());
    QChartView::mouseMoveEvent(event);
}

void TimeChart::leaveEvent(QEvent *event)
{
    hideHover();
    QChartView::leaveEvent(event);
}

void TimeChart::resizeEvent(QResizeEvent *event)
{
    QChartView::resizeEvent(event);
    fitTicks();
    placeThresholdLabels();
}

void TimeChart::setTextFonts(const QFont &labels, const QFont &title)
{
    m_wallFonts = true;
    m_chart->setTitleFont(title);
    for (QAbstractAxis *axis : m_chart->axes()) {
        axis->setLabelsFont(labels);
        // The unit is in the title: an axis title in large print would take the plot's room.
        axis->setTitleVisible(false);
    }
    for (QGraphicsSimpleTextItem *label : std::as_const(m_thresholdLabels))
        label->setFont(labels);
    m_hoverLabel->setFont(labels);
    fitTicks();
}

int TimeChart::fitValueTicks(int nice) const
{
    // Value labels need about one and a half lines each; a coarser nice scale (0, half, top)
    // when the plot is too short for the finer one.
    const double line = QFontMetricsF(m_left->labelsFont()).height() * 1.5;
    const double room = m_chart->plotArea().height();
    if (room <= 0 || (nice - 1) * line <= room)
        return nice;
    return 2 * line <= room ? 3 : 2;
}

void TimeChart::fitTicks()
{
    if (!m_wallFonts || m_nowMs == 0)
        return;
    refresh(m_nowMs);
}

} // namespace cw
