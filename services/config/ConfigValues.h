#pragma once

// Internal to cw_config (yaml-cpp is private to it): the cluster file's value types. Each reads
// one field and fails, naming it, when the value is not of its kind.

#include "models/ClusterConfig.h"
#include "services/config/ConfigLoader.h"
#include "services/config/YamlMap.h"

#include <QString>
#include <QUrl>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <utility>

namespace cw::configfile {

constexpr double kMaxDurationMs = 365.0 * 24 * 3600 * 1000;

/// @p s without leading and trailing blanks and tabs.
std::string trimmed(const std::string &s);

/// "${NAME}" with NAME a shell variable name.
bool isEnvReference(const std::string &text);

/// Unit names and the factor each scales by; "" for a bare number.
using Units = std::initializer_list<std::pair<const char *, double>>;

/// Splits "12.5ms" into 12.5 and "ms"; false when there is no leading number.
bool splitNumberUnit(const std::string &text, double &number, std::string &unit);

/// A number with one of @p units, scaled by the unit's factor; fails with "expected @p expected"
/// when the text is neither.
double numberWithUnit(
    const YAML::Node &node, const QString &path, Units units, const QString &expected);

/// A number (with one of @p units) in [@p min, @p max]; else "must be @p what, got '…'".
double boundedNumber(const YAML::Node &node, const QString &path, Units units, double min,
    double max, const QString &what);

/// The value of @p key, @p fallback when absent; blank refused unless @p allowEmpty.
QString string(
    const YamlMap &map, const char *key, const QString &fallback, bool allowEmpty = false);
QString requiredString(const YamlMap &map, const char *key);

/// A whole number in [@p min, @p max]; else "expected @p what" or "out of range".
qint64 integer(
    const YAML::Node &node, const QString &path, qint64 min, qint64 max, const QString &what);
int port(const YamlMap &map, const char *key, int fallback);
/// true / yes / on or false / no / off, any case; the key is required.
bool boolean(const YamlMap &map, const char *key);

/// The entries of the list @p list (at @p listPath, e.g. "nodes"): each a map with the keys
/// @p allowed and a non-empty `name` no other entry has ("duplicate @p what name ..."), handed
/// with its trimmed name to @p read in order.
void readNamedMaps(const YAML::Node &list, const QString &listPath,
    std::span<const char *const> allowed, const QString &what,
    const std::function<void(const YamlMap &map, const QString &name)> &read);

/// Whether a duration may be zero ("for: 0": fire at once).
enum class Zero { Refused, Allowed };

/// "500ms", "2s", "1m", "1h" or a number of seconds, at most 365 days.
Millis duration(const YamlMap &map, const char *key, Millis fallback, Zero zero = Zero::Refused);

/// "4MiB", "512KiB" or a number of bytes, from 1KiB to 1024MiB.
qint64 byteSize(const YamlMap &map, const char *key, qint64 fallback);

/// An http(s) URL with a host and without credentials.
QUrl httpUrl(const YAML::Node &node, const QString &path);

/// A host name or address: no blanks, '/' or '@'.
QString host(const YamlMap &map, const char *key, const QString &fallback);

/// A plain SQL identifier (schema name, table prefix): letters, digits and '_', at most 63.
QString identifier(const YamlMap &map, const char *key, const QString &fallback, bool allowEmpty);

/// The value of the ${VAR} reference @p text; fails, naming the variable (never a value), when
/// it is not set (or empty, unless @p allowEmpty).
QString environmentValue(const EnvLookup &env, const YAML::Mark &mark, const QString &path,
    const std::string &text, bool allowEmpty);

/// The environment variable @p name; nullopt when unset or blank.
std::optional<QString> nonBlankEnvironment(const EnvLookup &env, const char *name);

/// A password is never written in the file: it must be a ${ENV_VAR} reference. Empty when the
/// key is absent or blank.
QString password(const YamlMap &map, const char *key, const EnvLookup &env);

/// Why a Docker host string is unusable; empty when it is fine. tcp:// gets its default port
/// (2376 with TLS, 2375 without) as the docker CLI gives it.
QString checkDockerHost(QString &host, bool tls);

} // namespace cw::configfile
