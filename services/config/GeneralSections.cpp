// The small sections: timeouts, health thresholds and the actions' guard.

#include "services/config/ConfigSections.h"
#include "services/config/ConfigValues.h"

namespace cw::configfile {

void readTimeouts(const YAML::Node &node, Timeouts &timeouts)
{
    static constexpr const char *kTimeouts[] = { "connect", "request" };
    const YamlMap map(node, QStringLiteral("timeouts"), kTimeouts);
    timeouts.connect = duration(map, "connect", timeouts.connect);
    timeouts.request = duration(map, "request", timeouts.request);
}

void readHealth(const YAML::Node &node, HealthThresholds &health)
{
    static constexpr const char *kHealth[] = { "slow_response", "event_loop_lag" };
    const YamlMap map(node, QStringLiteral("health"), kHealth);
    health.slowResponse = duration(map, "slow_response", health.slowResponse);
    health.eventLoopLag = duration(map, "event_loop_lag", health.eventLoopLag);
}

void readActions(const YAML::Node &node, ActionsConfig &actions)
{
    static constexpr const char *kActions[] = { "restart_limit", "restart_window", "stop_grace" };
    const YamlMap map(node, QStringLiteral("actions"), kActions);
    if (const YAML::Node *limit = map.get("restart_limit"))
        actions.restartLimit = int(integer(
            *limit, map.child("restart_limit"), 1, 1000, QStringLiteral("a number of restarts")));
    actions.restartWindow = duration(map, "restart_window", actions.restartWindow);
    actions.stopGrace = duration(map, "stop_grace", actions.stopGrace);
}

} // namespace cw::configfile
