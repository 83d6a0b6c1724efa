#pragma once

// Internal to cw_drills (yaml-cpp is private to it): how the drill-file reader walks YAML and
// reports a problem, in the cluster file's words ("FILE:LINE: field: message").

#include "models/ClusterConfig.h"

#include <QString>
#include <QStringList>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace cw::drillfile {

/// Thrown inside the reader only and turned into an Error by parseDrillSpec.
struct DrillFailure {
    int line = 1; ///< 1-based
    QString field; ///< "abort.error_rate.above"; empty for the file as a whole
    QString what;
};

/// The 1-based line of @p mark (yaml-cpp counts from 0, and -1 for "no position").
int lineOf(const YAML::Mark &mark);

[[noreturn]] void fail(const YAML::Mark &mark, const QString &field, const QString &what);

/// A user value for a message: quoted, cut short, control characters replaced.
QString quoted(const std::string &value);

/// "a, b, c".
QString joined(std::initializer_list<const char *> words);

/// A YAML map checked against the keys it may have: an unknown key (with "did you mean" for a
/// near miss) or a duplicate key fails when the Section is made.
class Section {
public:
    /// @p where: the map's field ("abort"); empty for the top level.
    Section(const YAML::Node &node, QString where, std::initializer_list<const char *> keys);

    /// The value of @p key; nullptr when absent or null.
    const YAML::Node *find(const char *key) const;
    /// The value of @p key; "required field is missing" when find() has none.
    const YAML::Node &need(const char *key) const;
    /// "abort.max_duration".
    QString field(const char *key) const;
    const YAML::Mark &mark() const { return m_mark; }

private:
    YAML::Mark m_mark;
    QString m_field;
    std::vector<std::pair<std::string, YAML::Node>> m_values; ///< key, value (value mark used)
    std::vector<std::pair<std::string, YAML::Mark>> m_keys;
};

/// The text of a scalar, trimmed; fails for a list or a map.
std::string text(const YAML::Node &node, const QString &field);

/// One of @p words (a word list of models/DrillSpec.h); else "expected one of a, b, c, got 'x'".
/// Returns the word.
QString oneOf(const YAML::Node &node, const QString &field, const QStringList &words);

/// "500ms", "90s", "2m", "1h" or a bare number of seconds; > 0 and at most 365 days.
Millis duration(const YAML::Node &node, const QString &field);

/// true / yes / on or false / no / off.
bool boolean(const YAML::Node &node, const QString &field);

/// "20%", "20 %" or "20": a percentage above 0 and at most 100.
double percent(const YAML::Node &node, const QString &field);

/// A whole number in [@p min, @p max].
int wholeNumber(const YAML::Node &node, const QString &field, int min, int max);

} // namespace cw::drillfile
