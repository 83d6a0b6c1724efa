#include "services/config/ConfigValues.h"

#include "services/config/ConfigError.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

namespace cw::configfile {

namespace {

constexpr double kMinBodyBytes = 1024;
constexpr double kMaxBodyBytes = 1024.0 * 1024 * 1024;

} // namespace

std::string trimmed(const std::string &s)
{
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos)
        return {};
    const auto end = s.find_last_not_of(" \t");
    return s.substr(begin, end - begin + 1);
}

bool isEnvReference(const std::string &text)
{
    return text.size() > 3 && text.compare(0, 2, "${") == 0 && text.back() == '}'
        && std::all_of(text.begin() + 2, text.end() - 1,
            [](char c) {
                return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_';
            })
        && !(text[2] >= '0' && text[2] <= '9');
}

bool splitNumberUnit(const std::string &text, double &number, std::string &unit)
{
    const std::string s = trimmed(text);
    const char *b = s.data();
    const char *e = s.data() + s.size();
    if (b == e)
        return false;
    const auto [ptr, ec] = std::from_chars(b, e, number, std::chars_format::fixed);
    if (ec != std::errc() || !std::isfinite(number))
        return false;
    unit = trimmed(std::string(ptr, e));
    return true;
}

double numberWithUnit(
    const YAML::Node &node, const QString &path, Units units, const QString &expected)
{
    const std::string &text = scalar(node, path);
    double number = 0;
    std::string unit;
    if (splitNumberUnit(text, number, unit)) {
        for (const auto &[name, factor] : units) {
            if (unit == name)
                return number * factor;
        }
    }
    fail(node.Mark(), path, QStringLiteral("expected %1, got %2").arg(expected, excerpt(text)));
}

double boundedNumber(const YAML::Node &node, const QString &path, Units units, double min,
    double max, const QString &what)
{
    const std::string &text = scalar(node, path);
    double number = 0;
    std::string unit;
    if (splitNumberUnit(text, number, unit)) {
        for (const auto &[name, factor] : units) {
            if (unit == name && number * factor >= min && number * factor <= max)
                return number * factor;
        }
    }
    fail(node.Mark(), path, QStringLiteral("must be %1, got %2").arg(what, excerpt(text)));
}

QString string(const YamlMap &map, const char *key, const QString &fallback, bool allowEmpty)
{
    const YAML::Node *node = map.get(key);
    if (!node)
        return fallback;
    const std::string &value = scalar(*node, map.child(key));
    if (!allowEmpty && trimmed(value).empty())
        fail(node->Mark(), map.child(key), QStringLiteral("must not be empty"));
    return QString::fromStdString(value);
}

QString requiredString(const YamlMap &map, const char *key)
{
    const YAML::Node &node = map.require(key);
    const std::string &value = scalar(node, map.child(key));
    if (trimmed(value).empty())
        fail(node.Mark(), map.child(key), QStringLiteral("must not be empty"));
    return QString::fromStdString(value);
}

qint64 integer(
    const YAML::Node &node, const QString &path, qint64 min, qint64 max, const QString &what)
{
    const std::string s = trimmed(scalar(node, path));
    qint64 value = 0;
    const char *b = s.data();
    const char *e = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(b, e, value);
    if (b == e || ptr != e || (ec != std::errc() && ec != std::errc::result_out_of_range))
        fail(node.Mark(), path, QStringLiteral("expected %1, got %2").arg(what, excerpt(s)));
    if (ec == std::errc::result_out_of_range || value < min || value > max)
        fail(node.Mark(), path,
            QStringLiteral("%1 is out of range (%2-%3)").arg(excerpt(s)).arg(min).arg(max));
    return value;
}

int port(const YamlMap &map, const char *key, int fallback)
{
    const YAML::Node *node = map.get(key);
    if (!node)
        return fallback;
    return int(integer(*node, map.child(key), 1, 65535, QStringLiteral("a port number")));
}

bool boolean(const YamlMap &map, const char *key)
{
    const std::string text = trimmed(scalar(map.require(key), map.child(key)));
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
        [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == "true" || lower == "yes" || lower == "on")
        return true;
    if (lower == "false" || lower == "no" || lower == "off")
        return false;
    fail(map.get(key)->Mark(), map.child(key),
        QStringLiteral("expected true or false, got %1").arg(excerpt(text)));
}

void readNamedMaps(const YAML::Node &list, const QString &listPath,
    std::span<const char *const> allowed, const QString &what,
    const std::function<void(const YamlMap &map, const QString &name)> &read)
{
    std::map<QString, int> lineByName;
    std::size_t index = 0;
    for (auto it = list.begin(); it != list.end(); ++it, ++index) {
        const YAML::Node item = *it;
        const QString path = listPath + QStringLiteral("[%1]").arg(index);
        if (item.IsNull())
            fail(item.Mark(), path,
                QStringLiteral("expected a map with keys %1").arg(joinKeys(allowed)));
        const YamlMap map(item, path, allowed);
        const QString name = requiredString(map, "name").trimmed();
        const YAML::Mark nameMark = map.require("name").Mark();
        if (const auto first = lineByName.find(name); first != lineByName.end())
            fail(nameMark, map.child("name"),
                QString(QStringLiteral("duplicate ") + what
                    + QStringLiteral(" name %1 (first used on line %2)"))
                    .arg(excerpt(name.toStdString()), QString::number(first->second)));
        lineByName.emplace(name, lineOf(nameMark));
        read(map, name);
    }
}

Millis duration(const YamlMap &map, const char *key, Millis fallback, Zero zero)
{
    const YAML::Node *node = map.get(key);
    if (!node)
        return fallback;
    const QString path = map.child(key);
    const double ms = numberWithUnit(*node, path,
        { { "ms", 1 }, { "", 1000 }, { "s", 1000 }, { "m", 60'000 }, { "h", 3'600'000 } },
        zero == Zero::Allowed
            ? QStringLiteral("a duration like 30s, 2m, 1h, 0 or a number of seconds")
            : QStringLiteral("a duration like 500ms, 2s, 1m, 1h or a number of seconds"));
    const std::string &text = scalar(*node, path);
    if (zero == Zero::Allowed && ms < 0)
        fail(node->Mark(), path, QStringLiteral("must not be negative, got %1").arg(excerpt(text)));
    if (zero == Zero::Refused && ms <= 0)
        fail(node->Mark(), path,
            QStringLiteral("must be greater than zero, got %1").arg(excerpt(text)));
    if (zero == Zero::Refused && ms < 1)
        fail(node->Mark(), path, QStringLiteral("must be at least 1ms, got %1").arg(excerpt(text)));
    if (ms > kMaxDurationMs)
        fail(node->Mark(), path,
            QStringLiteral("%1 is too long (at most 365 days)").arg(excerpt(text)));
    return Millis(qint64(std::llround(ms)));
}

qint64 byteSize(const YamlMap &map, const char *key, qint64 fallback)
{
    const YAML::Node *node = map.get(key);
    if (!node)
        return fallback;
    const QString path = map.child(key);
    const double bytes = numberWithUnit(*node, path,
        { { "", 1 }, { "B", 1 }, { "KiB", 1024 }, { "MiB", 1024 * 1024 } },
        QStringLiteral("a size like 4MiB, 512KiB or a number of bytes"));
    if (bytes < kMinBodyBytes || bytes > kMaxBodyBytes)
        fail(node->Mark(), path,
            QStringLiteral("%1 is out of range (1KiB to 1024MiB)")
                .arg(excerpt(scalar(*node, path))));
    return qint64(std::llround(bytes));
}

QUrl httpUrl(const YAML::Node &node, const QString &path)
{
    const std::string &text = scalar(node, path);
    QUrl url(QString::fromStdString(trimmed(text)), QUrl::StrictMode);
    // Credentials in a URL would end up in logs and tooltips; keep them out of the file,
    // and never echo such a URL, even a malformed one.
    if (text.find('@') != std::string::npos || (url.isValid() && !url.userInfo().isEmpty()))
        fail(node.Mark(), path,
            QStringLiteral("must not contain a user name or password (the URL is not shown)"));
    if (!url.isValid()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        fail(node.Mark(), path, QStringLiteral("%1 is not an http(s) URL").arg(excerpt(text)));
    if (url.port() == 0)
        fail(node.Mark(), path, QStringLiteral("%1 has port 0").arg(excerpt(text)));
    return url;
}

QString host(const YamlMap &map, const char *key, const QString &fallback)
{
    QString value = string(map, key, fallback).trimmed();
    const bool bad = std::any_of(value.cbegin(), value.cend(),
        [](QChar c) { return c.isSpace() || c == QLatin1Char('/') || c == QLatin1Char('@'); });
    if (bad)
        fail(map.get(key)->Mark(), map.child(key),
            QStringLiteral("%1 is not a host name or address").arg(excerpt(value.toStdString())));
    return value;
}

QString identifier(const YamlMap &map, const char *key, const QString &fallback, bool allowEmpty)
{
    QString value = string(map, key, fallback, allowEmpty);
    // Used as a schema name / table name prefix in SQL: keep it to plain identifiers.
    const bool ok = std::all_of(value.cbegin(), value.cend(), [](QChar c) {
        return (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_');
    });
    if (!ok || value.size() > 63)
        fail(map.get(key)->Mark(), map.child(key),
            QStringLiteral("%1 must be letters, digits and '_' only (at most 63)")
                .arg(excerpt(value.toStdString())));
    return value;
}

QString environmentValue(const EnvLookup &env, const YAML::Mark &mark, const QString &path,
    const std::string &text, bool allowEmpty)
{
    const QString variable = QString::fromStdString(text.substr(2, text.size() - 3));
    const std::optional<QString> value = env ? env(variable) : std::nullopt;
    if (!value || (!allowEmpty && value->trimmed().isEmpty()))
        fail(mark, path,
            QStringLiteral("environment variable %1 is not set").arg(shortName(variable)));
    return *value;
}

std::optional<QString> nonBlankEnvironment(const EnvLookup &env, const char *name)
{
    std::optional<QString> value = env ? env(QLatin1String(name)) : std::nullopt;
    if (value && value->trimmed().isEmpty())
        return std::nullopt;
    return value;
}

QString password(const YamlMap &map, const char *key, const EnvLookup &env)
{
    const YAML::Node *node = map.get(key);
    if (!node)
        return {};
    const QString path = map.child(key);
    if (!node->IsScalar())
        fail(node->Mark(), path,
            QStringLiteral("must be an environment variable reference like ${DB_PASSWORD}"));
    const std::string text = trimmed(node->Scalar());
    if (text.empty())
        return {};
    if (!isEnvReference(text))
        fail(node->Mark(), path,
            QStringLiteral("a literal password is not allowed here (the value is not shown); "
                           "write an environment variable reference like ${DB_PASSWORD} "
                           "and set that variable"));
    return environmentValue(env, node->Mark(), path, text, true);
}

QString checkDockerHost(QString &host, bool tls)
{
    if (host.startsWith(QLatin1String("ssh://")))
        return QStringLiteral("ssh:// is not supported; expected unix:///path/to/docker.sock or "
                              "tcp://host:port (the value is not shown)");
    if (host.contains(QLatin1Char('@')))
        return QStringLiteral("must not contain a user name or password (the value is not shown)");
    if (host.startsWith(QLatin1String("unix://"))) {
        const QString path = host.mid(7);
        if (!path.startsWith(QLatin1Char('/')))
            return QStringLiteral("expected an absolute socket path after unix://, got %1")
                .arg(excerpt(host.toStdString()));
        if (path.toUtf8().size() > 107)
            return QStringLiteral("the socket path is longer than 107 bytes");
        return {};
    }
    if (host.startsWith(QLatin1String("tcp://"))) {
        QUrl url(host, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (!url.path().isEmpty() && url.path() != QLatin1String("/")))
            return QStringLiteral("expected tcp://host:port, got %1")
                .arg(excerpt(host.toStdString()));
        if (url.port() == 0)
            return QStringLiteral("%1 has port 0").arg(excerpt(host.toStdString()));
        url.setPath(QString());
        if (url.port() < 0)
            url.setPort(tls ? 2376 : 2375);
        host = url.toString();
        return {};
    }
    return QStringLiteral("expected unix:///path/to/docker.sock or tcp://host:port, got %1")
        .arg(excerpt(host.toStdString()));
}

} // namespace cw::configfile
