#pragma once

#include "models/ClusterConfig.h"
#include "services/session/ClusterSession.h"

#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>
#include <chrono>
#include <memory>
#include <optional>

namespace cw {

class ClusterState;
struct RuleFinding;

/// The monitoring-plugin states (Nagios, Icinga, Sensu): also the exit codes of `check`.
enum class CheckStatus { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };
QString toString(CheckStatus status); ///< "OK", "WARNING", "CRITICAL", "UNKNOWN"

/// One round of every source of a cluster, judged: what `clusterwatch check` prints.
///
/// The overall status is CRITICAL when anything is critical (a node down, Redis or PostgreSQL
/// unreachable, a critical rule's condition holding now), else UNKNOWN when a source did not
/// answer within the timeout, else WARNING when anything is a warning (a node degraded, a warning
/// rule's condition holding), else OK. Rules are judged "right now": their `for` durations are
/// not waited for, and rules that need more than one round (worker_stalled, failed_rate) report
/// no finding.
struct CheckReport {
    /// Bumped when a field changes meaning or goes away; new fields do not bump it.
    static constexpr int kSchemaVersion = 1;

    /// One line of the table: a node, a service, or a rule whose condition holds.
    struct Row {
        CheckStatus status = CheckStatus::Ok;
        QString what;
        QString detail;
    };

    CheckStatus status = CheckStatus::Unknown;
    QString headline; ///< "CRITICAL - redis unreachable; n8n-worker-1 down"
    QStringList unanswered; ///< sources with no answer within the timeout
    qint64 durationMs = 0;
    QList<Row> rows;
    QJsonObject json; ///< the whole report, schema "clusterwatch-check/1"

    [[nodiscard]] int exitCode() const { return int(status); }
    /// A table for people: one line per node, service and rule finding.
    [[nodiscard]] QString table() const;
};

/// Judges @p state (one round of answers) and @p findings (AlertRules right now).
CheckReport buildCheckReport(const ClusterState &state, const QList<RuleFinding> &findings,
    const QStringList &unanswered, qint64 startedMs, qint64 durationMs);

/// "10s", "1500ms", "2m" or a number of seconds, > 0 and at most an hour; nullopt otherwise.
std::optional<std::chrono::milliseconds> parseCheckTimeout(const QString &text);

/// Runs one round on a read-only, non-persistent ClusterSession: opens @p config, waits until
/// every source has answered (or @p timeout), evaluates the rules once and emits finished().
class HealthCheck final : public QObject {
    Q_OBJECT
public:
    HealthCheck(ClusterConfig config, std::chrono::milliseconds timeout,
        SessionOptions options = {}, QObject *parent = nullptr);
    ~HealthCheck() override;

    void start();
    [[nodiscard]] ClusterSession *session() const { return m_session.get(); }

Q_SIGNALS:
    void finished(const cw::CheckReport &report);

private:
    void finish();

    ClusterConfig m_config;
    std::chrono::milliseconds m_timeout;
    std::unique_ptr<ClusterSession> m_session;
    qint64 m_startedMs = 0;
    QElapsedTimer m_elapsed;
    QTimer m_deadline;
    bool m_done = false;
};

} // namespace cw
