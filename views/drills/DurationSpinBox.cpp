#include "views/drills/DurationSpinBox.h"

#include <QRegularExpression>
#include <cmath>
#include <limits>

namespace cw {

DurationSpinBox::DurationSpinBox(QWidget *parent)
    : QSpinBox(parent)
{
    // 500 h: more than any drill holds a fault, and a whole number of hours to show.
    setRange(0, 500 * 3'600'000);
    setSingleStep(1000);
    setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("88888 ms")) + 40);
    setAccelerated(true);
    setCorrectionMode(QAbstractSpinBox::CorrectToPreviousValue);
}

std::chrono::milliseconds DurationSpinBox::duration() const
{
    return std::chrono::milliseconds(value());
}

void DurationSpinBox::setDuration(std::chrono::milliseconds duration)
{
    setValue(int(std::clamp<qint64>(duration.count(), minimum(), maximum())));
}

QString DurationSpinBox::format(qint64 ms)
{
    if (ms >= 3'600'000 && ms % 3'600'000 == 0)
        return QStringLiteral("%1 h").arg(ms / 3'600'000);
    if (ms >= 60'000 && ms % 60'000 == 0)
        return QStringLiteral("%1 min").arg(ms / 60'000);
    if (ms >= 1000 && ms % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms / 1000);
    return QStringLiteral("%1 ms").arg(ms);
}

qint64 DurationSpinBox::parse(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ms|s|sec|m|min|h)?\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = re.match(text);
    if (!match.hasMatch())
        return -1;
    const double number = match.captured(1).toDouble();
    const QString unit = match.captured(2).toLower();
    double factor = 1000; // a bare number is seconds, as in the drill file
    if (unit == QLatin1String("ms"))
        factor = 1;
    else if (unit == QLatin1String("m") || unit == QLatin1String("min"))
        factor = 60'000;
    else if (unit == QLatin1String("h"))
        factor = 3'600'000;
    const double ms = std::round(number * factor);
    return ms > double(std::numeric_limits<int>::max()) ? -1 : qint64(ms);
}

QString DurationSpinBox::textFromValue(int value) const
{
    return format(value);
}

int DurationSpinBox::valueFromText(const QString &text) const
{
    const qint64 ms = parse(text);
    return ms < 0 ? value() : int(ms);
}

QValidator::State DurationSpinBox::validate(QString &input, int &) const
{
    const qint64 ms = parse(input);
    if (ms >= minimum() && ms <= maximum())
        return QValidator::Acceptable;
    // A number with a unit half typed ("5 mi"), or empty while retyping.
    static const QRegularExpression partial(
        QStringLiteral("^\\s*[\\d.]*\\s*[a-z]*\\s*$"), QRegularExpression::CaseInsensitiveOption);
    return partial.match(input).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

void DurationSpinBox::fixup(QString &input) const
{
    const qint64 ms = parse(input);
    if (ms >= 0)
        input = format(std::clamp<qint64>(ms, minimum(), maximum()));
}

} // namespace cw
