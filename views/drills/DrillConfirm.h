#pragma once

#include <QString>
#include <QStringList>

class QWidget;

namespace cw {

/// Asks before a drill starts: @p question (DrillRunner::confirmationText: target, container,
/// Docker host) with the step @p plan (DrillRunner::plan) under "Show Details…". Cancel is the
/// default and the escape button, so Enter or Esc never starts a drill. Modal (its own event
/// loop); the box is named "confirmDrillDialog" and is QApplication::activeModalWidget() while
/// it asks. True only when "Start drill" was pressed.
bool confirmDrill(QWidget *parent, const QString &question, const QStringList &plan);

} // namespace cw
