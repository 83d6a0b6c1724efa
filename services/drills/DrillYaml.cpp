#include "services/drills/DrillYaml.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace cw::drillfile {

namespace {

constexpr double kMaxMs = 365.0 * 24 * 3600 * 1000;

/// Optimal string alignment distance: a swapped pair of letters ("stpo") counts as one edit.
int distance(const std::string &a, const std::string &b)
{
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
    for (std::size_t i = 0; i <= n; ++i)
        d[i][0] = int(i);
    for (std::size_t j = 0; j <= m; ++j)
        d[0][j] = int(j);
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({ d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost });
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

bool isWordChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

std::string stripped(const std::string &s)
{
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos)
        return {};
    return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

/// "12.5ms" -> 12.5 and "ms"; false without a leading number.
bool numberAndUnit(const std::string &s, double &number, std::string &unit)
{
    const char *end = s.data() + s.size();
    const auto [rest, ec] = std::from_chars(s.data(), end, number, std::chars_format::fixed);
    if (s.empty() || ec != std::errc() || !std::isfinite(number))
        return false;
    unit = stripped(std::string(rest, end));
    return true;
}

} // namespace

int lineOf(const YAML::Mark &mark)
{
    return std::max(mark.line, 0) + 1;
}

void fail(const YAML::Mark &mark, const QString &field, const QString &what)
{
    throw DrillFailure { lineOf(mark), field, what };
}

QString quoted(const std::string &value)
{
    constexpr std::size_t kLongest = 80;
    QString shown = QString::fromUtf8(value.data(), qsizetype(std::min(value.size(), kLongest)));
    std::replace_if(
        shown.begin(), shown.end(),
        [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f; }, QChar(0xfffd));
    if (value.size() > kLongest)
        shown += QChar(0x2026);
    return QLatin1Char('\'') + shown + QLatin1Char('\'');
}

QString joined(std::initializer_list<const char *> words)
{
    QStringList list;
    for (const char *w : words)
        list.append(QLatin1String(w));
    return list.join(QStringLiteral(", "));
}

Section::Section(const YAML::Node &node, QString where, std::initializer_list<const char *> keys)
    : m_mark(node.Mark())
    , m_field(std::move(where))
{
    if (!node.IsMap())
        fail(m_mark, m_field,
            m_field.isEmpty() ? QStringLiteral("expected a map of settings (name, target, ...)")
                              : QStringLiteral("expected a map with keys %1").arg(joined(keys)));
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar())
            fail(key.Mark(), m_field, QStringLiteral("a key must be a plain word"));
        const std::string &name = key.Scalar();
        const bool known
            = std::any_of(keys.begin(), keys.end(), [&](const char *k) { return name == k; });
        if (!known) {
            const char *closest = nullptr;
            int best = 3; // at most two edits away
            for (const char *k : keys) {
                if (const int d = distance(name, k); d < best) {
                    best = d;
                    closest = k;
                }
            }
            const QString hint = closest
                ? QStringLiteral(" (did you mean '%1'?)").arg(QLatin1String(closest))
                : QString();
            fail(key.Mark(), field(name.c_str()),
                QStringLiteral("unknown key%1; expected one of %2").arg(hint, joined(keys)));
        }
        const auto seen = std::find_if(
            m_keys.begin(), m_keys.end(), [&](const auto &entry) { return entry.first == name; });
        if (seen != m_keys.end())
            fail(key.Mark(), field(name.c_str()),
                QStringLiteral("duplicate key (first given on line %1)").arg(lineOf(seen->second)));
        m_keys.emplace_back(name, key.Mark());
        m_values.emplace_back(name, it->second);
    }
}

const YAML::Node *Section::find(const char *key) const
{
    for (const auto &[name, value] : m_values) {
        if (name == key)
            return value.IsNull() ? nullptr : &value;
    }
    return nullptr;
}

const YAML::Node &Section::need(const char *key) const
{
    if (const YAML::Node *value = find(key))
        return *value;
    YAML::Mark where = m_mark;
    for (const auto &[name, mark] : m_keys) {
        if (name == key)
            where = mark;
    }
    fail(where, field(key), QStringLiteral("required field is missing"));
}

QString Section::field(const char *key) const
{
    const std::string k(key);
    const bool plain = !k.empty() && k.size() <= 80 && std::all_of(k.begin(), k.end(), isWordChar);
    const QString name = plain ? QString::fromStdString(k) : quoted(k);
    return m_field.isEmpty() ? name : m_field + QLatin1Char('.') + name;
}

std::string text(const YAML::Node &node, const QString &field)
{
    if (node.IsSequence())
        fail(node.Mark(), field, QStringLiteral("expected a single value, got a list"));
    if (node.IsMap())
        fail(node.Mark(), field, QStringLiteral("expected a single value, got a map"));
    return stripped(node.Scalar());
}

QString oneOf(const YAML::Node &node, const QString &field, const QStringList &words)
{
    const std::string value = text(node, field);
    const QString word = QString::fromStdString(value);
    if (words.contains(word))
        return word;
    fail(node.Mark(), field,
        QStringLiteral("expected one of %1, got %2")
            .arg(words.join(QStringLiteral(", ")), quoted(value)));
}

Millis duration(const YAML::Node &node, const QString &field)
{
    const std::string value = text(node, field);
    double number = 0;
    std::string unit;
    std::optional<double> ms;
    if (numberAndUnit(value, number, unit)) {
        if (unit == "ms")
            ms = number;
        else if (unit.empty() || unit == "s")
            ms = number * 1000;
        else if (unit == "m")
            ms = number * 60'000;
        else if (unit == "h")
            ms = number * 3'600'000;
    }
    if (!ms)
        fail(node.Mark(), field,
            QStringLiteral("expected a duration like 500ms, 2s, 1m, 1h or a number of seconds, "
                           "got %1")
                .arg(quoted(value)));
    if (*ms < 1)
        fail(node.Mark(), field, QStringLiteral("must be at least 1ms, got %1").arg(quoted(value)));
    if (*ms > kMaxMs)
        fail(node.Mark(), field,
            QStringLiteral("%1 is too long (at most 365 days)").arg(quoted(value)));
    return Millis(qint64(std::llround(*ms)));
}

bool boolean(const YAML::Node &node, const QString &field)
{
    std::string value = text(node, field);
    std::transform(value.begin(), value.end(), value.begin(),
        [](unsigned char c) { return char(std::tolower(c)); });
    if (value == "true" || value == "yes" || value == "on")
        return true;
    if (value == "false" || value == "no" || value == "off")
        return false;
    fail(node.Mark(), field,
        QStringLiteral("expected true or false, got %1").arg(quoted(text(node, field))));
}

double percent(const YAML::Node &node, const QString &field)
{
    const std::string value = text(node, field);
    double number = 0;
    std::string unit;
    if (numberAndUnit(value, number, unit) && (unit.empty() || unit == "%") && number > 0
        && number <= 100)
        return number;
    fail(node.Mark(), field,
        QStringLiteral("expected a percentage above 0 and at most 100 like 20%, got %1")
            .arg(quoted(value)));
}

int wholeNumber(const YAML::Node &node, const QString &field, int min, int max)
{
    const std::string value = text(node, field);
    int number = 0;
    const char *end = value.data() + value.size();
    const auto [rest, ec] = std::from_chars(value.data(), end, number);
    if (value.empty() || rest != end || (ec != std::errc() && ec != std::errc::result_out_of_range))
        fail(node.Mark(), field,
            QStringLiteral("expected a whole number, got %1").arg(quoted(value)));
    if (ec == std::errc::result_out_of_range || number < min || number > max)
        fail(node.Mark(), field,
            QStringLiteral("%1 is out of range (%2-%3)").arg(quoted(value)).arg(min).arg(max));
    return number;
}

} // namespace cw::drillfile
