#include "services/config/ConfigError.h"

#include <algorithm>

namespace cw::configfile {

int lineOf(const YAML::Mark &mark)
{
    return std::max(mark.line, 0) + 1;
}

void fail(const YAML::Mark &mark, const QString &path, const QString &what)
{
    throw ConfigFailure { lineOf(mark), path, what };
}

QString locatedMessage(const QString &source, const ConfigFailure &failure)
{
    QString message
        = source + QLatin1Char(':') + QString::number(failure.line) + QStringLiteral(": ");
    if (!failure.path.isEmpty())
        message += failure.path + QStringLiteral(": ");
    return message + failure.what;
}

QString excerpt(const std::string &value)
{
    constexpr std::size_t kMax = 80;
    QString text = QString::fromUtf8(value.data(), qsizetype(std::min(value.size(), kMax)));
    for (QChar &c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QChar(0xfffd);
    }
    if (value.size() > kMax)
        text += QChar(0x2026);
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

QString shortName(const QString &variable)
{
    constexpr qsizetype kMax = 64;
    return variable.size() > kMax ? variable.left(kMax) + QChar(0x2026) : variable;
}

QString joinKeys(std::span<const char *const> keys)
{
    QString out;
    for (const char *key : keys) {
        if (!out.isEmpty())
            out += QStringLiteral(", ");
        out += QLatin1String(key);
    }
    return out;
}

} // namespace cw::configfile
