#include "models/Formatter.h"

#include <QLocale>
#include <cmath>

namespace cw::fmt {

QString none()
{
    return QStringLiteral("—");
}

QString bytes(double value)
{
    if (!std::isfinite(value) || value < 0)
        return none();
    static constexpr const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int unit = 0;
    while (value >= 1024.0 && unit < 4) {
        value /= 1024.0;
        ++unit;
    }
    const int decimals = unit == 0 ? 0 : (value < 10 ? 2 : 1);
    return QString::number(value, 'f', decimals) + QLatin1Char(' ') + QLatin1String(units[unit]);
}

QString duration(double ms)
{
    if (!std::isfinite(ms) || ms < 0)
        return none();
    if (ms < 1.0)
        return QString::number(ms, 'f', 2) + QStringLiteral(" ms");
    if (ms < 1000.0)
        return QString::number(qRound(ms)) + QStringLiteral(" ms");
    const double s = ms / 1000.0;
    if (s < 60.0)
        return QString::number(s, 'f', s < 10 ? 2 : 1) + QStringLiteral(" s");
    const qint64 total = qint64(s);
    if (total < 3600)
        return QString::number(total / 60) + QStringLiteral(" min ") + QString::number(total % 60)
            + QStringLiteral(" s");
    if (total < 86400)
        return QString::number(total / 3600) + QStringLiteral(" h ")
            + QString::number((total % 3600) / 60) + QStringLiteral(" min");
    return QString::number(total / 86400) + QStringLiteral(" d ")
        + QString::number((total % 86400) / 3600) + QStringLiteral(" h");
}

QString ago(qint64 nowMs, qint64 thenMs)
{
    if (thenMs <= 0)
        return QStringLiteral("never");
    return elapsedAgo(nowMs - thenMs);
}

QString elapsedAgo(qint64 elapsedMs)
{
    const qint64 s = std::max<qint64>(0, elapsedMs / 1000);
    if (s < 1)
        return QStringLiteral("just now");
    if (s < 120)
        return QString::number(s) + QStringLiteral(" s ago");
    if (s < 7200)
        return QString::number(s / 60) + QStringLiteral(" min ago");
    if (s < 172800)
        return QString::number(s / 3600) + QStringLiteral(" h ago");
    return QString::number(s / 86400) + QStringLiteral(" d ago");
}

QString percent(std::optional<double> value)
{
    if (!value || !std::isfinite(*value))
        return none();
    return QString::number(*value, 'f', 1) + QStringLiteral(" %");
}

QString count(qint64 value)
{
    static const QLocale english(QLocale::English, QLocale::UnitedStates);
    return english.toString(value);
}

} // namespace cw::fmt
