#pragma once

// Internal to cw_config (yaml-cpp is private to it): rules that tie one section of the cluster
// file to another.

#include "models/ClusterConfig.h"
#include "services/config/YamlMap.h"

#include <optional>

namespace cw::configfile {

/// Where the first node that names its container does so: Docker is then needed even without
/// a `docker:` section. nullopt when no node names one.
std::optional<YAML::Mark> firstContainerMark(const YamlMap &top, const ClusterConfig &config);

/// The collector counts executions running longer than postgres.stuck_running_after; the rule
/// executions_stuck's threshold is the same figure, so either may give it, but they must not
/// disagree. Makes both the one given (or the default). @p ruleNode:
/// alerts.rules.executions_stuck, when given.
void syncStuckThreshold(ClusterConfig &config, const YamlMap &top, const YAML::Node *ruleNode);

} // namespace cw::configfile
