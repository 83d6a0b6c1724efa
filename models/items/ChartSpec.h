#pragma once

#include "models/ClusterConfig.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace cw {

/// How a chart's values read: decides axis scaling and the texts in legend and hover.
enum class ChartUnit { Percent, Bytes, Count, PerMinute, Milliseconds };

/// "37.5 %", "512 MiB", "1,204", "12.5/min", "85 ms" (fixed formats shared by legend and hover).
QString formatChartValue(ChartUnit unit, double value);

/// One line of a chart. The first candidate series that holds samples is drawn, so a node
/// without /metrics (a webhook processor) can fall back to its container's CPU.
struct ChartSeriesSpec {
    QString label; ///< legend text: a node name, "waiting", ...
    QStringList candidates; ///< TimeSeriesStore ids, best first
    bool rightAxis = false; ///< drawn against the chart's second value axis (ChartSpec::rightUnit)
};

/// A dashed line at an alert threshold.
struct ChartThreshold {
    QString label; ///< "alert 80 %"
    double value = 0;
};

/// What one chart shows. Built from the cluster file; the views only draw it.
struct ChartSpec {
    QString key; ///< stable id: "cpu", "memory", "queue", "throughput", "redis", "postgres"
    QString title;
    ChartUnit unit = ChartUnit::Count;
    QList<ChartSeriesSpec> series;
    QList<ChartThreshold> thresholds;
    /// Lowest upper bound of the value axis (100 for percent charts), so a calm chart does
    /// not blow noise up to full height.
    double minimumTop = 1;
    QString note; ///< shown under the title when something limits the chart
    ChartUnit rightUnit = ChartUnit::Count; ///< unit of the second axis, used by rightAxis series
    bool hasRightAxis() const;
};

/// The charts of a cluster: CPU and memory per node, the Bull queue, throughput, Redis and
/// PostgreSQL. Thresholds come from the alert rules (the seed's 80 % / 85 % / 1,000 by default).
QList<ChartSpec> chartsForCluster(const ClusterConfig &config);

/// The chart time ranges offered to people.
struct ChartRange {
    QString label; ///< "5 min"
    qint64 spanMs = 0;
};
QList<ChartRange> chartRanges();

} // namespace cw
