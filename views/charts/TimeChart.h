#pragma once

#include "views/charts/ChartColors.h"

#include <QChartView>
#include <QList>

class QDateTimeAxis;
class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QValueAxis;

namespace cw {

class ChartLegendModel;
class TimeSeriesStore;

/// One time chart: the lines of a ChartLegendModel drawn from a TimeSeriesStore over a moving
/// window. Each refresh downsamples every line to the plot's pixel width and hands it over with
/// one replace() per drawn segment; a line is cut into segments at its gaps because a chart line
/// would draw straight through them. Alert thresholds are dashed lines. Hovering shows the time
/// and every line's value there.
class TimeChart final : public QChartView {
    Q_OBJECT
public:
    explicit TimeChart(ChartLegendModel *legend, QWidget *parent = nullptr);
    ~TimeChart() override;

    void setStore(const TimeSeriesStore *store);
    void setSpan(qint64 spanMs);
    qint64 span() const { return m_spanMs; }
    void setColors(const ChartColors &colors);
    /// Fonts of the axes' labels and titles, the threshold labels (@p labels) and the chart's
    /// title (@p title): the wall screen's sizes. Fewer ticks when the labels are large.
    void setTextFonts(const QFont &labels, const QFont &title);
    /// Lines @p scale times as wide as at a desk (the wall, seen from across the room).
    void setLineScale(double scale) { m_lineScale = scale; }
    /// Rebuilds everything for the legend's current spec (call after ChartLegendModel::setSpec).
    void rebuild();
    /// Redraws the window that ends at @p nowMs.
    void refresh(qint64 nowMs);

    /// Width of the plot area in device-independent pixels: the downsampling target.
    int plotWidth() const;
    /// The drawn segments of legend row @p row (those holding points).
    QList<QLineSeries *> segments(int row) const;
    /// The dashed threshold lines, in ChartSpec::thresholds order.
    QList<QLineSeries *> thresholdLines() const { return m_thresholds; }
    QValueAxis *valueAxis() const { return m_left; }
    QDateTimeAxis *timeAxis() const { return m_time; }
    /// What the hover box says now; empty when the mouse is not over the plot.
    QString hoverText() const;
    /// Shows the hover box for the plot position @p pos (chart-view coordinates).
    void hoverAt(const QPoint &pos);
    /// Points handed to the chart in the last refresh (all lines and segments).
    qsizetype lastPointCount() const { return m_lastPointCount; }

protected:
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    double m_lineScale = 1.0;
    bool m_wallFonts = false; ///< setTextFonts() was called: ticks follow the size
    struct Line {
        QList<QLineSeries *> segments;
        int used = 0;
    };

    QLineSeries *newSeries(const QPen &pen, bool rightAxis);
    void fitTicks();
    int fitValueTicks(int nice) const;
    void clearSeries();
    void applyColors();
    void hideHover();
    void placeThresholdLabels();
    double scaleFor(bool rightAxis) const;

    ChartLegendModel *m_legend;
    const TimeSeriesStore *m_store = nullptr;
    QChart *m_chart;
    QDateTimeAxis *m_time;
    QValueAxis *m_left;
    QValueAxis *m_right = nullptr;
    QList<Line> m_lines;
    QList<QLineSeries *> m_thresholds;
    QList<QGraphicsSimpleTextItem *> m_thresholdLabels;
    QGraphicsLineItem *m_cursor;
    QGraphicsRectItem *m_hoverBox;
    QGraphicsSimpleTextItem *m_hoverLabel;
    ChartColors m_colors = ChartColors::light();
    qint64 m_spanMs = 5 * 60'000;
    qint64 m_nowMs = 0;
    double m_leftScale = 1; // bytes are drawn in MiB / GiB
    double m_rightScale = 1;
    qsizetype m_lastPointCount = 0;
    QPoint m_hoverPos;
    bool m_hovering = false;
};

} // namespace cw
