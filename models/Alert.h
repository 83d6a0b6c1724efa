#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace cw {

enum class Severity { Info, Warning, Critical };
QString toString(Severity severity); ///< "info", "warning", "critical"
bool severityFromString(const QString &text, Severity *out);

/// Where an alert is in its life. Flapping replaces a storm of firing/resolved pairs by one alert.
enum class AlertState { Pending, Firing, Resolved, Flapping };
QString toString(AlertState state); ///< "pending", "firing", "resolved", "flapping"
bool alertStateFromString(const QString &text, AlertState *out);

/// What became of the notification for one transition (stored with it in the history).
enum class NotifyStatus { None, Queued, Sent, Failed, Silenced };
QString toString(NotifyStatus status); ///< "none", "queued", "sent", "failed", "silenced"
bool notifyStatusFromString(const QString &text, NotifyStatus *out);

/// One state change of one alert, identified by (rule, subject): the unit of the alert history.
struct AlertTransition {
    qint64 id = 0; ///< history row id; 0 until stored
    qint64 timeMs = 0; ///< wall clock of the transition
    QString rule; ///< rule id, e.g. "worker_stalled", "cpu_high"
    QString subject; ///< what it is about: a node name, "redis", "postgres", "queue"
    Severity severity = Severity::Warning;
    AlertState state = AlertState::Pending;
    QString summary; ///< one line for people: "CPU 93 % on n8n-worker-1 (> 80 % for 30 s)"
    QString detail; ///< more lines: the evidence, grouped symptoms
    /// Root cause: "rule/subject" of the alert this one is grouped under (e.g. "redis_down/redis"
    /// for a worker's readiness failure while Redis is down); empty when it stands alone.
    QString causedBy;
    NotifyStatus notify = NotifyStatus::None;
    QString notifyError; ///< why delivery failed (never the webhook URL)
    qint64 ackTimeMs = 0; ///< 0 = not acknowledged
    QString ackBy;
    QString ackComment;
    /// Active alerts only (AlertEngine::activeAlerts()), never stored: the condition has cleared
    /// and the alert is held firing for its recovery hold; it resolves at this wall-clock time
    /// unless the condition returns. 0 = not clearing.
    qint64 resolvesAtMs = 0;

    QString key() const { return rule + QLatin1Char('/') + subject; }
    bool isClearing() const { return resolvesAtMs > 0; }
};

/// "Do not notify about (rule, subject) until untilMs". An empty rule or subject matches all.
struct Silence {
    qint64 id = 0;
    QString rule;
    QString subject;
    qint64 createdMs = 0;
    qint64 untilMs = 0;
    QString comment;
    QString createdBy;

    bool matches(const QString &rule, const QString &subject, qint64 nowMs) const;
};

/// The one-line count of what is firing, for title bars and status lines: "⚠ 1 critical · 2
/// warning firing (1 clearing)", or empty when nothing fires. Pending alerts and symptoms grouped
/// under a cause are not counted (the cause is). @p critical: whether a critical one fires.
QString firingSummary(const QList<AlertTransition> &active, bool *critical = nullptr);

} // namespace cw

Q_DECLARE_METATYPE(cw::AlertTransition)
Q_DECLARE_METATYPE(cw::Silence)
