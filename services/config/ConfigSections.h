#pragma once

// Internal to cw_config (yaml-cpp is private to it): one reader per section of the cluster
// file. Each fills its part of the ClusterConfig, or fails naming the file's line and field.

#include "models/ClusterConfig.h"
#include "services/config/ConfigLoader.h"
#include "services/config/YamlMap.h"

namespace cw::configfile {

// GeneralSections.cpp
void readTimeouts(const YAML::Node &node, Timeouts &timeouts);
void readHealth(const YAML::Node &node, HealthThresholds &health);
void readActions(const YAML::Node &node, ActionsConfig &actions);

// NodesSection.cpp
/// The required `nodes:` list; names are unique.
void readNodes(const YamlMap &top, ClusterConfig &config);

// StoreSections.cpp
/// `redis:` (alone: configured, all defaults). Call only when the file has the key.
void readRedis(const YamlMap &top, const EnvLookup &env, RedisConfig &redis);
/// `postgres:` (alone: configured, all defaults). Call only when the file has the key.
void readPostgres(const YamlMap &top, const EnvLookup &env, PostgresConfig &pg);

// DockerSection.cpp
/// The `docker:` section, else DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the
/// docker CLI reads them, else the local engine's socket. Reads the nodes: call after readNodes.
void readDocker(const YamlMap &top, const EnvLookup &env, ClusterConfig &config);

// AlertsSection.cpp
/// The `alerts:` section; rules not named keep the defaults of AlertsConfig::defaultRules.
/// Reads postgres.stuck_running_after: call after readPostgres.
void readAlerts(const YamlMap &top, const EnvLookup &env, ClusterConfig &config);

} // namespace cw::configfile
