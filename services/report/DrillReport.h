#pragma once

#include "models/DrillRecord.h"
#include "models/Result.h"

#include <QImage>
#include <QSize>
#include <QString>
#include <QStringList>

namespace cw {

/// The drill report a team files: verdict, inputs, figures (detection, alert, recovery, RTO,
/// requests / errors / slow through the load balancer, error window, jobs completed during the
/// fault, executions crashed or left running, processes that exited), the steps with times, the
/// events, and the timeline chart. Qt Gui only (QPainter, QTextDocument, QPdfWriter): needs a
/// QGuiApplication (any platform, offscreen included), no widgets.

/// The timeline: target up/down lane (10 Hz samples), prober requests per second split into ok /
/// failed / slow, latency, queue waiting and completed, with the fault, detection, recovery and
/// healthy moments marked.
QImage renderDrillTimeline(const DrillRecord &record, QSize size);

/// A self-contained HTML page (the chart embedded as a data: URI PNG).
QString drillReportHtml(const DrillRecord &record);

/// Writes @p basePath + ".html" and @p basePath + ".pdf" (A4). Returns the paths written.
Result<QStringList> exportDrillReport(const DrillRecord &record, const QString &basePath);

} // namespace cw
