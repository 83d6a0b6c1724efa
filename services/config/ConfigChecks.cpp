#include "services/config/ConfigChecks.h"

#include "services/config/ConfigError.h"

#include <algorithm>
#include <cmath>

namespace cw::configfile {

namespace {

QString minutesText(double minutes)
{
    return QString::number(minutes, 'g', 6) + QStringLiteral(" min");
}

} // namespace

std::optional<YAML::Mark> firstContainerMark(const YamlMap &top, const ClusterConfig &config)
{
    const YAML::Node &nodes = top.require("nodes");
    for (qsizetype i = 0; i < config.nodes.size(); ++i) {
        if (!config.nodes[i].container.isEmpty()) {
            const YAML::Node item = nodes[std::size_t(i)];
            return item["container"].Mark();
        }
    }
    return std::nullopt;
}

void syncStuckThreshold(ClusterConfig &config, const YamlMap &top, const YAML::Node *ruleNode)
{
    auto rule = std::find_if(config.alerts.rules.begin(), config.alerts.rules.end(),
        [](const AlertRuleConfig &r) { return r.id == QLatin1String("executions_stuck"); });
    if (rule == config.alerts.rules.end())
        return;
    const double pgMinutes = double(config.postgres.stuckRunningAfter.count()) / 60'000.0;
    const YAML::Node threshold
        = ruleNode && ruleNode->IsMap() ? (*ruleNode)["threshold"] : YAML::Node();
    if (!threshold || threshold.IsNull()) {
        rule->threshold = pgMinutes;
        return;
    }
    const YAML::Node *postgres = top.get("postgres");
    const bool postgresGiven = postgres && postgres->IsMap() && (*postgres)["stuck_running_after"]
        && !(*postgres)["stuck_running_after"].IsNull();
    if (postgresGiven && std::abs(rule->threshold - pgMinutes) > 1e-6)
        fail(threshold.Mark(), QStringLiteral("alerts.rules.executions_stuck.threshold"),
            QStringLiteral("%1 differs from postgres.stuck_running_after (%2); give one of them")
                .arg(minutesText(rule->threshold), minutesText(pgMinutes)));
    config.postgres.stuckRunningAfter = Millis(qint64(std::llround(rule->threshold * 60'000)));
}

} // namespace cw::configfile
