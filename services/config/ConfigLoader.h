#pragma once

#include "models/ClusterConfig.h"
#include "models/Result.h"

#include <QByteArray>
#include <QString>
#include <functional>
#include <optional>

namespace cw {

/// Looks up an environment variable; injectable for tests.
using EnvLookup = std::function<std::optional<QString>(const QString &name)>;

/// The process environment.
EnvLookup systemEnvironment();

/// Parses and validates a cluster file. Errors name the file, the line and the field:
/// "cluster.yaml:12: nodes[1].role: expected one of main, worker, webhook, got 'wroker'".
/// Passwords must be ${ENV_VAR} references; they are resolved through @p env.
Result<ClusterConfig> parseClusterConfig(
    const QByteArray &yaml, const QString &sourceName, const EnvLookup &env);

/// Reads @p path and parses it (sourceFile is set to the absolute path).
Result<ClusterConfig> loadClusterConfig(
    const QString &path, const EnvLookup &env = systemEnvironment());

} // namespace cw
