#pragma once

#include "models/DrillRecord.h"
#include "models/timeseries/DrillTimeline.h"
#include "views/charts/ChartColors.h"

#include <QChartView>
#include <QList>
#include <QStringList>

class QAreaSeries;
class QGraphicsLineItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QValueAxis;

namespace cw {

/// The timeline of one drill, x in seconds since it started: the prober's requests per second
/// stacked as ok / failed / slow, the slowest answer of each second (right axis, s), the queue's
/// waiting jobs (second right axis), a band where the target was down, and labelled vertical
/// lines at fault, detected, alert firing, recovery, healthy and abort.
///
/// setRecord() rebins the whole record (binDrillTimeline, at most one bucket per plot pixel)
/// and hands every series over with one replace(); animations are off. Cheap enough for the
/// runner's 4 Hz progress over a 10-minute drill.
class DrillTimelineChart final : public QChartView {
    Q_OBJECT
public:
    /// What the chart draws, for tests and the legend.
    enum class Line { TargetDown, Ok, Failed, Slow, Latency, Waiting };

    explicit DrillTimelineChart(QWidget *parent = nullptr);
    ~DrillTimelineChart() override;

    void setRecord(const DrillRecord &record);
    void clear();
    void setColors(const ChartColors &colors);

    [[nodiscard]] const DrillTimeline &timeline() const { return m_timeline; }
    /// The points handed to @p line's series in the last redraw (upper edge for the areas).
    [[nodiscard]] QList<QPointF> points(Line line) const;
    /// The marker labels drawn, left to right: "fault", "detected", ...
    [[nodiscard]] QStringList markerLabels() const;
    /// Points handed to the chart in the last redraw (all series).
    [[nodiscard]] qsizetype lastPointCount() const { return m_lastPointCount; }
    /// Width of the plot area in pixels: the most buckets drawn.
    [[nodiscard]] int plotWidth() const;
    [[nodiscard]] QValueAxis *timeAxis() const { return m_time; }
    [[nodiscard]] QValueAxis *rateAxis() const { return m_rate; }
    [[nodiscard]] QValueAxis *latencyAxis() const { return m_latency; }
    [[nodiscard]] QValueAxis *waitingAxis() const { return m_waiting; }

private:
    struct Marker {
        DrillTimelineMarker marker;
        QGraphicsLineItem *line = nullptr;
        QGraphicsRectItem *box = nullptr;
        QGraphicsSimpleTextItem *label = nullptr;
    };

    QLineSeries *addLine(QValueAxis *axis, const QString &name);
    QAreaSeries *addArea(QLineSeries *upper, QLineSeries *lower, const QString &name);
    void redraw();
    void syncMarkers();
    void placeMarkers();
    void applyColors();
    void onPlotAreaChanged();
    [[nodiscard]] int maxBins() const;
    [[nodiscard]] bool stepsFor(qsizetype bins) const;

    QChart *m_chart;
    QValueAxis *m_time;
    QValueAxis *m_rate;
    QValueAxis *m_latency;
    QValueAxis *m_waiting;
    QValueAxis *m_band; ///< hidden 0..1 axis of the target-down band
    QLineSeries *m_downUpper;
    QLineSeries *m_okUpper;
    QLineSeries *m_failedUpper;
    QLineSeries *m_failedLower;
    QLineSeries *m_slowUpper;
    QLineSeries *m_slowLower;
    QAreaSeries *m_down;
    QAreaSeries *m_ok;
    QAreaSeries *m_failed;
    QAreaSeries *m_slow;
    QLineSeries *m_maxLatency;
    QLineSeries *m_slowThreshold;
    QLineSeries *m_queue;
    QList<Marker> m_markers;

    ChartColors m_colors = ChartColors::light();
    DrillRecord m_record;
    DrillTimeline m_timeline;
    qint64 m_binSpanS = 1; ///< seconds per bucket in the last redraw
    bool m_steps = false; ///< the last redraw drew steps (else a point per bucket)
    qsizetype m_lastPointCount = 0;
};

} // namespace cw
