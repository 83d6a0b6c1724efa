#pragma once

// Internal to cw_config (yaml-cpp is private to it).

#include <QString>
#include <map>
#include <span>
#include <string>
#include <yaml-cpp/yaml.h>

namespace cw::configfile {

/// The entries of one YAML map, checked against the keys it may have: an unknown key (with a
/// "did you mean" for a near miss) or a duplicate fails at construction, naming its line.
class YamlMap {
public:
    /// @p path: where the map is ("redis", "nodes[2]"); empty for the file's top level.
    YamlMap(const YAML::Node &node, QString path, std::span<const char *const> allowed);

    /// The value of @p key; nullptr when absent or null (`key:` with nothing after it).
    const YAML::Node *get(const char *key) const;
    bool has(const char *key) const;
    /// The value of @p key; fails with "required field is missing" when get() has none.
    const YAML::Node &require(const char *key) const;
    /// The path of the entry @p key, e.g. "redis.port" (odd keys quoted and cut short).
    QString child(const std::string &key) const;
    const YAML::Mark &mark() const { return m_mark; }

private:
    struct Entry {
        YAML::Node key;
        YAML::Node value;
    };
    YAML::Mark m_mark;
    QString m_path;
    std::map<std::string, Entry, std::less<>> m_entries;
};

/// The text of the scalar @p node; fails when it is a list or a map.
const std::string &scalar(const YAML::Node &node, const QString &path);

} // namespace cw::configfile
