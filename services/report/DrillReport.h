#pragma once

#include "models/DrillRecord.h"
#include "models/Result.h"

#include <QImage>
#include <QRectF>
#include <QSize>
#include <QString>
#include <QStringList>

namespace cw {

/// The drill report a team files: verdict, inputs, figures (detection, alert, recovery, RTO,
/// requests / errors / slow through the load balancer, error window, jobs completed during the
/// fault, executions crashed or left running, processes that exited), the steps with times, the
/// events, and the timeline chart. Qt Gui only (QPainter, QTextDocument, QPdfWriter): needs a
/// QGuiApplication (any platform, offscreen included), no widgets.

/// Where renderDrillTimeline() draws for a record and an image size: the lanes, and the time
/// each x stands for, so that a caller (or a test) finds a moment without hard-coding pixels.
struct DrillTimelineLayout {
    QRectF markers; ///< the labels of the marked events, above the lanes
    QRectF target; ///< the target up/down strip
    QRectF requests; ///< prober requests per bucket: ok / slow / failed
    QRectF latency; ///< the slowest request per bucket (log scale)
    QRectF queue; ///< queue waiting (left axis) and completed jobs per second (right axis)
    qint64 fromMs = 0; ///< the offset at the lanes' left edge (ms since the drill started)
    qint64 toMs = 0; ///< the offset at their right edge
    qint64 tickMs = 1000; ///< the time axis' step
    qint64 bucketMs = 1000; ///< the time one bar of the request lanes covers
    int fontPixels = 12;

    /// The x of @p offsetMs, clamped to the lanes.
    [[nodiscard]] double xAt(qint64 offsetMs) const;
};
DrillTimelineLayout drillTimelineLayout(const DrillRecord &record, QSize size);

/// The timeline: target up/down lane (10 Hz samples), prober requests per second split into ok /
/// failed / slow, latency, queue waiting and completed, with the fault, detection, alert,
/// recovery, healthy and abort moments marked and the time the fault was held shaded. A record
/// without samples (a dry run, a refused drill) gets the axis, its markers and "no measurements".
/// Sized for print: 2000 px wide reads well across an A4 page. A @p size below 320x200 is raised
/// to it (drillTimelineLayout() does the same).
QImage renderDrillTimeline(const DrillRecord &record, QSize size);

/// A self-contained HTML page (the chart embedded as a data: URI PNG). Every text that comes
/// from the record (names, engine answers, file paths) is escaped.
QString drillReportHtml(const DrillRecord &record);

/// Writes @p basePath + ".html" and @p basePath + ".pdf" (A4, page numbers in the footer),
/// creating the directory; each file is replaced atomically. Returns the paths written (html,
/// pdf); an error names the path that could not be written.
Result<QStringList> exportDrillReport(const DrillRecord &record, const QString &basePath);

} // namespace cw
