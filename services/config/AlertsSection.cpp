// The `alerts:` section: rule overrides, flap detection, webhooks and history retention.

#include "services/config/ConfigChecks.h"
#include "services/config/ConfigError.h"
#include "services/config/ConfigSections.h"
#include "services/config/ConfigValues.h"

#include <algorithm>
#include <cmath>

namespace cw::configfile {

namespace {

/// The built-in alert rules (AlertsConfig::defaultRules), as the keys `alerts.rules` may have.
constexpr const char *kRuleIds[] = { "node_down", "readiness_failing", "cpu_high", "memory_high",
    "queue_backlog", "worker_stalled", "no_worker", "executions_stuck", "failed_rate", "redis_down",
    "postgres_down", "redis_no_persistence", "config_mismatch" };

/// n8n refreshes n8n_scaling_mode_queue_jobs_completed every N8N_METRICS_QUEUE_METRICS_INTERVAL
/// (20 s by default): a shorter stall threshold would page between two refreshes.
constexpr double kMinStallMs = 20'000;

/// One rule's threshold, in the unit AlertRuleConfig documents for it.
double ruleThreshold(const std::string &id, const YAML::Node &node, const QString &path)
{
    const double unbounded = 1e12;
    if (id == "cpu_high" || id == "memory_high")
        return boundedNumber(node, path, { { "", 1 }, { "%", 1 } }, 0, 100,
            QStringLiteral("a number between 0 and 100"));
    if (id == "queue_backlog") {
        const double jobs = boundedNumber(node, path, { { "", 1 } }, 0, unbounded,
            QStringLiteral("a number of waiting jobs (0 or more)"));
        if (jobs != std::floor(jobs))
            fail(node.Mark(), path,
                QStringLiteral("must be a whole number of jobs, got %1")
                    .arg(excerpt(node.Scalar())));
        return jobs;
    }
    if (id == "failed_rate")
        return boundedNumber(node, path, { { "", 1 } }, 0, unbounded,
            QStringLiteral("a number of failed executions per minute (0 or more)"));
    if (id == "worker_stalled") {
        const double ms = boundedNumber(node, path,
            { { "", 1000 }, { "s", 1000 }, { "m", 60'000 }, { "h", 3'600'000 } }, 0, kMaxDurationMs,
            QStringLiteral("a duration like 2m, 300s or a number of seconds"));
        if (ms <= kMinStallMs)
            fail(node.Mark(), path,
                QStringLiteral("must be more than 20 s, got %1: n8n refreshes its completed-jobs "
                               "counter only every 20 s")
                    .arg(excerpt(node.Scalar())));
        return ms / 1000.0;
    }
    if (id == "executions_stuck") {
        const double minutes = boundedNumber(node, path,
            { { "", 1 }, { "s", 1.0 / 60 }, { "m", 1 }, { "h", 60 } }, 0, kMaxDurationMs / 60'000,
            QStringLiteral("a number of minutes or a duration like 30m, 2h"));
        if (minutes * 60'000 < 1000)
            fail(node.Mark(), path,
                QStringLiteral("must be at least one second, got %1").arg(excerpt(node.Scalar())));
        return minutes;
    }
    fail(node.Mark(), path, QStringLiteral("this rule has no threshold"));
}

void readAlertRules(const YAML::Node &node, ClusterConfig &config, const YamlMap &top)
{
    const YamlMap rules(node, QStringLiteral("alerts.rules"), kRuleIds);
    static constexpr const char *kRule[]
        = { "enabled", "severity", "threshold", "for", "recovery_hold" };
    for (const char *id : kRuleIds) {
        const YAML::Node *item = rules.get(id);
        if (!item)
            continue;
        const QString path = rules.child(id);
        auto rule = std::find_if(config.alerts.rules.begin(), config.alerts.rules.end(),
            [&](const AlertRuleConfig &r) { return r.id == QLatin1String(id); });
        Q_ASSERT(rule != config.alerts.rules.end());
        if (rule == config.alerts.rules.end())
            continue;
        const YamlMap map(*item, path, kRule);
        if (map.get("enabled"))
            rule->enabled = boolean(map, "enabled");
        if (const YAML::Node *severity = map.get("severity")) {
            const std::string &text = scalar(*severity, map.child("severity"));
            if (!severityFromString(QString::fromStdString(trimmed(text)), &rule->severity))
                fail(severity->Mark(), map.child("severity"),
                    QStringLiteral("expected one of info, warning, critical, got %1")
                        .arg(excerpt(text)));
        }
        if (const YAML::Node *threshold = map.get("threshold"))
            rule->threshold = ruleThreshold(id, *threshold, map.child("threshold"));
        rule->forDuration = duration(map, "for", rule->forDuration, Zero::Allowed);
        rule->recoveryHold = duration(map, "recovery_hold", rule->recoveryHold, Zero::Allowed);
    }
    syncStuckThreshold(config, top, rules.get("executions_stuck"));
}

/// A webhook URL is a secret (Slack's carries its token): only a ${ENV_VAR} reference.
QUrl webhookUrl(const YamlMap &map, const EnvLookup &env)
{
    const YAML::Node &node = map.require("url");
    const QString path = map.child("url");
    const std::string text = node.IsScalar() ? trimmed(node.Scalar()) : std::string();
    if (!isEnvReference(text))
        fail(node.Mark(), path,
            QStringLiteral("a literal URL is not allowed here (the value is not shown); write an "
                           "environment variable reference like ${SLACK_WEBHOOK_URL} and set that "
                           "variable"));
    const QString variable = QString::fromStdString(text.substr(2, text.size() - 3));
    const QString value = environmentValue(env, node.Mark(), path, text, false);
    QUrl url(value.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        fail(node.Mark(), path,
            QStringLiteral("environment variable %1 does not hold an http(s) URL (the value is not "
                           "shown)")
                .arg(shortName(variable)));
    return url;
}

void readWebhooks(const YAML::Node &node, const EnvLookup &env, AlertsConfig &alerts)
{
    const QString listPath = QStringLiteral("alerts.webhooks");
    if (!node.IsSequence())
        fail(node.Mark(), listPath, QStringLiteral("expected a list of webhooks"));
    static constexpr const char *kWebhook[] = { "name", "kind", "url" };
    readNamedMaps(node, listPath, kWebhook, QStringLiteral("webhook"),
        [&](const YamlMap &map, const QString &name) {
            WebhookConfig webhook;
            webhook.name = name;
            if (const YAML::Node *kind = map.get("kind")) {
                const std::string text = trimmed(scalar(*kind, map.child("kind")));
                if (text == "slack")
                    webhook.kind = WebhookConfig::Kind::Slack;
                else if (text == "json")
                    webhook.kind = WebhookConfig::Kind::Json;
                else
                    fail(kind->Mark(), map.child("kind"),
                        QStringLiteral("expected one of slack, json, got %1").arg(excerpt(text)));
            }
            webhook.url = webhookUrl(map, env);
            alerts.webhooks.append(webhook);
        });
}

} // namespace

void readAlerts(const YamlMap &top, const EnvLookup &env, ClusterConfig &config)
{
    AlertsConfig &alerts = config.alerts;
    const YAML::Node *node = top.get("alerts");
    if (!node) {
        syncStuckThreshold(config, top, nullptr);
        return;
    }
    static constexpr const char *kAlerts[]
        = { "rules", "flap", "webhooks", "group_window", "retention_days", "max_history_rows" };
    const YamlMap map(*node, QStringLiteral("alerts"), kAlerts);
    // The cross-section check runs right after the rules, as before the split, so a file with
    // several problems still reports the same first one.
    if (const YAML::Node *rules = map.get("rules"))
        readAlertRules(*rules, config, top);
    else
        syncStuckThreshold(config, top, nullptr);
    if (const YAML::Node *flap = map.get("flap")) {
        static constexpr const char *kFlap[] = { "changes", "window" };
        const YamlMap flapMap(*flap, QStringLiteral("alerts.flap"), kFlap);
        if (const YAML::Node *changes = flapMap.get("changes")) {
            alerts.flapChanges = int(integer(*changes, flapMap.child("changes"), 0, 1000,
                QStringLiteral("a number of state changes (0 turns flap detection off)")));
            if (alerts.flapChanges == 1)
                fail(changes->Mark(), flapMap.child("changes"),
                    QStringLiteral("must be 0 (off) or at least 2, got '1'"));
        }
        alerts.flapWindow = duration(flapMap, "window", alerts.flapWindow);
    }
    if (const YAML::Node *webhooks = map.get("webhooks"))
        readWebhooks(*webhooks, env, alerts);
    alerts.groupWindow = duration(map, "group_window", alerts.groupWindow, Zero::Allowed);
    if (const YAML::Node *days = map.get("retention_days"))
        alerts.retentionDays = int(integer(
            *days, map.child("retention_days"), 1, 36'500, QStringLiteral("a number of days")));
    if (const YAML::Node *rows = map.get("max_history_rows"))
        alerts.maxHistoryRows = integer(*rows, map.child("max_history_rows"), 1000, 1'000'000'000,
            QStringLiteral("a number of rows"));
}

} // namespace cw::configfile
