#pragma once

// Internal to cw_config (yaml-cpp is private to it): how the cluster-file reader reports a
// problem, "FILE:LINE: path: message".

#include <QString>
#include <span>
#include <string>
#include <yaml-cpp/mark.h>

namespace cw::configfile {

/// Thrown inside the reader only, caught in parseClusterConfig: it keeps the many validation
/// steps linear. Never leaves cw_config.
struct ConfigFailure {
    int line = 1; ///< 1-based
    QString path; ///< the field, e.g. "nodes[1].role"; empty for the file as a whole
    QString what;
};

/// The 1-based line of @p mark (yaml-cpp counts from 0, and -1 for "no position").
int lineOf(const YAML::Mark &mark);

/// Throws the ConfigFailure for @p what at @p mark in the field @p path.
[[noreturn]] void fail(const YAML::Mark &mark, const QString &path, const QString &what);

/// "@p source:LINE: path: what".
QString locatedMessage(const QString &source, const ConfigFailure &failure);

/// Bounded, printable, quoted excerpt of a user value for an error message.
QString excerpt(const std::string &value);

/// An environment variable's name as written in the file, cut short if absurdly long.
QString shortName(const QString &variable);

/// "a, b, c": the keys a map may have, for an error message.
QString joinKeys(std::span<const char *const> keys);

} // namespace cw::configfile
