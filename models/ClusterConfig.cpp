#include "models/ClusterConfig.h"

namespace cw {

QList<AlertRuleConfig> AlertsConfig::defaultRules()
{
    using std::chrono::minutes;
    using std::chrono::seconds;
    // Thresholds of the seed's monitoring script (CPU 80 %, memory 85 %, queue 1,000); the
    // durations keep one slow poll from paging anyone.
    return {
        { QStringLiteral("node_down"), true, Severity::Critical, 0, seconds(30), seconds(60) },
        { QStringLiteral("readiness_failing"), true, Severity::Warning, 0, seconds(30),
            seconds(60) },
        { QStringLiteral("cpu_high"), true, Severity::Warning, 80, seconds(60), seconds(120) },
        { QStringLiteral("memory_high"), true, Severity::Warning, 85, seconds(60), seconds(120) },
        { QStringLiteral("queue_backlog"), true, Severity::Warning, 1000, seconds(60),
            seconds(120) },
        // threshold: seconds with jobs waiting and no completion while workers answer healthy
        { QStringLiteral("worker_stalled"), true, Severity::Critical, 120, seconds(0),
            seconds(60) },
        { QStringLiteral("no_worker"), true, Severity::Critical, 0, seconds(30), seconds(60) },
        // threshold: minutes an execution may stay "running"
        { QStringLiteral("executions_stuck"), true, Severity::Warning, 10, seconds(0),
            seconds(60) },
        // threshold: failed executions per minute
        { QStringLiteral("failed_rate"), true, Severity::Warning, 5, seconds(60), minutes(5) },
        { QStringLiteral("redis_down"), true, Severity::Critical, 0, seconds(5), seconds(60) },
        { QStringLiteral("postgres_down"), true, Severity::Critical, 0, seconds(5), seconds(60) },
        { QStringLiteral("redis_no_persistence"), true, Severity::Warning, 0, seconds(0),
            seconds(0) },
        { QStringLiteral("config_mismatch"), true, Severity::Critical, 0, seconds(0), seconds(0) },
    };
}

const AlertRuleConfig *AlertsConfig::rule(const QString &id) const
{
    for (const AlertRuleConfig &r : rules) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

double AlertsConfig::threshold(const QString &id, double fallback) const
{
    const AlertRuleConfig *r = rule(id);
    return r && r->enabled ? r->threshold : fallback;
}

} // namespace cw
