#pragma once

#include "models/Alert.h"
#include "models/RuntimeTypes.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QUrl>
#include <chrono>

namespace cw {

using Millis = std::chrono::milliseconds;

enum class NodeRole { Main, Worker, Webhook };

QString toString(NodeRole role);

/// One n8n process as described by the cluster file.
struct NodeConfig {
    QString name; ///< unique display name, e.g. "n8n-worker-1"
    NodeRole role = NodeRole::Main;
    QUrl baseUrl; ///< e.g. http://127.0.0.1:5678 (worker: QUEUE_HEALTH_CHECK_PORT)
    QString container; ///< optional Docker container name
};

struct RedisConfig {
    QString host = QStringLiteral("127.0.0.1");
    int port = 6379;
    int db = 0;
    QString password; ///< resolved from a ${ENV} reference; never printed or saved
    QString prefix = QStringLiteral("bull");
    QString queue = QStringLiteral("jobs");
    bool configured = false;

    /// "host:port/db", safe to show and log.
    QString endpoint() const;
};

struct PostgresConfig {
    QString host = QStringLiteral("127.0.0.1");
    int port = 5432;
    QString database = QStringLiteral("n8n");
    QString user = QStringLiteral("n8n");
    QString password; ///< resolved from a ${ENV} reference; never printed or saved
    QString sslmode = QStringLiteral("prefer");
    QString schema = QStringLiteral("public");
    QString tablePrefix; ///< n8n's DB_TABLE_PREFIX
    Millis stuckRunningAfter { std::chrono::minutes(10) };
    bool configured = false;

    /// "user@host:port/database", safe to show and log.
    QString endpoint() const;
};

struct Timeouts {
    Millis connect { 2000 }; ///< TCP connect to a node, Redis or PostgreSQL
    Millis request { 3000 }; ///< a whole HTTP request, a Redis command, a SQL statement
};

/// The `health:` section: when a node that answers is still called degraded. One verdict from
/// these feeds the tiles and the node_down / readiness_failing rules.
struct HealthThresholds {
    Millis slowResponse { 1000 }; ///< /healthz slower than this
    Millis eventLoopLag { 500 }; ///< n8n_nodejs_eventloop_lag_seconds above this
};

/// The `actions:` section: how restarts are guarded and how long a container may take to stop.
struct ActionsConfig {
    int restartLimit = 3; ///< restarts of one container ...
    Millis restartWindow { std::chrono::minutes(
        10) }; ///< ... within this window, before an override is needed
    Millis stopGrace { std::chrono::seconds(10) }; ///< Docker's t= before SIGKILL
};

/// One alert rule as configured (built-in rule ids; the `alerts.rules` section overrides defaults).
struct AlertRuleConfig {
    QString id; ///< e.g. "cpu_high", "worker_stalled"
    bool enabled = true;
    Severity severity = Severity::Warning;
    double threshold = 0; ///< meaning per rule: percent, jobs, seconds, per minute ...
    Millis forDuration { 0 }; ///< condition must hold this long before the alert fires
    Millis recoveryHold { 0 }; ///< keeps firing this long after the condition clears
};

/// A notification target. The URL is a secret (resolved from ${ENV}); never logged or shown.
struct WebhookConfig {
    enum class Kind { Slack, Json };
    QString name; ///< shown in the UI and history instead of the URL
    Kind kind = Kind::Json;
    QUrl url;
};

/// The `alerts:` section: rules (defaults from the seed's monitoring script), flap detection,
/// notifications and history retention.
struct AlertsConfig {
    QList<AlertRuleConfig> rules = defaultRules();
    int flapChanges = 6; ///< state changes within flapWindow ...
    Millis flapWindow { std::chrono::minutes(10) }; ///< ... that make an alert "flapping"
    QList<WebhookConfig> webhooks;
    Millis groupWindow { std::chrono::seconds(30) }; ///< one message per group within this window
    int retentionDays = 90;
    qint64 maxHistoryRows = 1'000'000;

    /// nullptr when @p id is not a rule.
    const AlertRuleConfig *rule(const QString &id) const;
    /// The rule's threshold, or @p fallback when it is unknown or disabled (for chart lines).
    double threshold(const QString &id, double fallback) const;
    static QList<AlertRuleConfig> defaultRules();
};

/// One cluster file, validated. Secrets are already resolved from the environment.
struct ClusterConfig {
    QString name;
    QString sourceFile;
    QUrl loadBalancerUrl; ///< optional
    Millis pollInterval { 1000 };
    Timeouts timeouts;
    HealthThresholds health;
    QList<NodeConfig> nodes;
    RedisConfig redis;
    PostgresConfig postgres;
    ActionsConfig actions;
    AlertsConfig alerts;
    DockerEndpoint docker; ///< the `docker:` section, else DOCKER_HOST & co. (set by the loader)
    qint64 maxBodyBytes = 4 * 1024 * 1024;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::ClusterConfig)
