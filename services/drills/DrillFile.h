#pragma once

#include "models/ClusterConfig.h"
#include "models/DrillSpec.h"
#include "models/Result.h"

#include <QByteArray>
#include <QString>

namespace cw {

/// Parses a drill file and checks it against @p cluster (the target node exists and has a
/// container; redis / postgres / load_balancer targets, checks and the prober need those
/// sections). Errors name the file, the line and the field, like the cluster file's:
/// "drill.yaml:7: fault: expected one of stop, kill, pause, restart, got 'stpo'".
Result<DrillSpec> parseDrillSpec(
    const QByteArray &yaml, const QString &sourceName, const ClusterConfig &cluster);

/// Reads @p path and parses it; errors start with @p path.
Result<DrillSpec> loadDrillFile(const QString &path, const ClusterConfig &cluster);

/// A commented drill file for @p spec; parseDrillSpec() reads it back to an equal spec (for the
/// cluster it was validated against).
QByteArray writeDrillFile(const DrillSpec &spec);

} // namespace cw
