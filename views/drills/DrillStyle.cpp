#include "views/drills/DrillStyle.h"

#include "views/StatePalette.h"

namespace cw::drillstyle {

namespace {
QColor running()
{
    return QColor(0x1f, 0x5f, 0xa8);
}
} // namespace

QColor verdictColor(DrillVerdict verdict, bool interrupted)
{
    if (interrupted)
        return palette::bad();
    switch (verdict) {
    case DrillVerdict::Running:
        return running();
    case DrillVerdict::Passed:
        return palette::good();
    case DrillVerdict::Deviated:
        return palette::warn();
    case DrillVerdict::Aborted:
    case DrillVerdict::Refused:
        return palette::bad();
    case DrillVerdict::DryRun:
        return palette::muted();
    }
    return palette::muted();
}

QColor verdictTextColor(DrillVerdict verdict, bool interrupted)
{
    return !interrupted && verdict == DrillVerdict::Deviated ? QColor(Qt::black)
                                                             : QColor(Qt::white);
}

QColor outcomeColor(const QString &outcome)
{
    if (outcome == QLatin1String("ok"))
        return palette::good();
    if (outcome == QLatin1String("failed"))
        return palette::bad();
    if (outcome == QLatin1String("running"))
        return running();
    return palette::muted();
}

QFont scaled(QFont font, qreal factor, bool bold)
{
    font.setPointSizeF(font.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

} // namespace cw::drillstyle
