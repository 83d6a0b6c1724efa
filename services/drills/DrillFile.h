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
///
/// Only name, target and fault are required. Defaults: duration until_detected; steady_state
/// every check the cluster allows; the prober on (/healthz, 10/s, slow after 1s) when the cluster
/// has a load balancer, and on whenever a `prober:` section is given unless `enabled: false`;
/// no error-rate abort; max_duration 10m (at least a fixed duration); recovery the action that
/// undoes the fault (start, or unpause after pause), automatic.
Result<DrillSpec> parseDrillSpec(
    const QByteArray &yaml, const QString &sourceName, const ClusterConfig &cluster);

/// Reads @p path and parses it; errors start with @p path.
Result<DrillSpec> loadDrillFile(const QString &path, const ClusterConfig &cluster);

/// A commented drill file for @p spec; parseDrillSpec() reads it back to an equal spec (for the
/// cluster it was validated against).
QByteArray writeDrillFile(const DrillSpec &spec);

} // namespace cw
