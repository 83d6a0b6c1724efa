#include "services/config/YamlMap.h"

#include "services/config/ConfigError.h"

#include <algorithm>
#include <vector>

namespace cw::configfile {

namespace {

int editDistance(const std::string &a, const std::string &b)
{
    std::vector<int> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = int(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] = std::min(
                { row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1) });
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

YamlMap::YamlMap(const YAML::Node &node, QString path, std::span<const char *const> allowed)
    : m_mark(node.Mark())
    , m_path(std::move(path))
{
    if (!node.IsMap())
        fail(m_mark, m_path,
            m_path.isEmpty()
                ? QStringLiteral("expected a map of settings (name, nodes, ...)")
                : QStringLiteral("expected a map with keys %1").arg(joinKeys(allowed)));
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar())
            fail(key.Mark(), m_path, QStringLiteral("a key must be a plain word"));
        const std::string &name = key.Scalar();
        if (std::find_if(allowed.begin(), allowed.end(), [&](const char *a) { return name == a; })
            == allowed.end()) {
            QString hint;
            int best = 3;
            for (const char *a : allowed) {
                const int d = editDistance(name, a);
                if (d < best) {
                    best = d;
                    hint = QStringLiteral(" (did you mean '%1'?)").arg(QLatin1String(a));
                }
            }
            fail(key.Mark(), child(name),
                QStringLiteral("unknown key%1; expected one of %2").arg(hint, joinKeys(allowed)));
        }
        if (m_entries.count(name))
            fail(key.Mark(), child(name),
                QStringLiteral("duplicate key (first given on line %1)")
                    .arg(lineOf(m_entries.at(name).key.Mark())));
        m_entries.emplace(name, Entry { key, it->second });
    }
}

const YAML::Node *YamlMap::get(const char *key) const
{
    const auto it = m_entries.find(key);
    if (it == m_entries.end() || it->second.value.IsNull())
        return nullptr;
    return &it->second.value;
}

bool YamlMap::has(const char *key) const
{
    return m_entries.count(key) != 0;
}

const YAML::Node &YamlMap::require(const char *key) const
{
    const YAML::Node *value = get(key);
    if (!value)
        fail(has(key) ? m_entries.at(key).key.Mark() : m_mark, child(key),
            QStringLiteral("required field is missing"));
    return *value;
}

QString YamlMap::child(const std::string &key) const
{
    const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-';
    });
    const QString k = plain && key.size() <= 80 ? QString::fromStdString(key) : excerpt(key);
    return m_path.isEmpty() ? k : m_path + QLatin1Char('.') + k;
}

const std::string &scalar(const YAML::Node &node, const QString &path)
{
    if (!node.IsScalar())
        fail(node.Mark(), path,
            node.IsSequence() ? QStringLiteral("expected a single value, got a list")
                              : QStringLiteral("expected a single value, got a map"));
    return node.Scalar();
}

} // namespace cw::configfile
