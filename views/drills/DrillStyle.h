#pragma once

#include "models/DrillRecord.h"

#include <QColor>
#include <QFont>
#include <QString>

namespace cw::drillstyle {

/// The colour of a verdict badge: passed green, deviated amber, aborted / refused red, running
/// blue, dry run grey. An interrupted drill (a journal left "running") is red: it needs a
/// rollback.
QColor verdictColor(DrillVerdict verdict, bool interrupted = false);
/// Black or white, whichever reads on verdictColor().
QColor verdictTextColor(DrillVerdict verdict, bool interrupted = false);
/// A step's outcome as text colour: ok green, failed red, running blue, the rest grey.
QColor outcomeColor(const QString &outcome);
/// @p font scaled by @p factor, bold or not.
QFont scaled(QFont font, qreal factor, bool bold);

} // namespace cw::drillstyle
