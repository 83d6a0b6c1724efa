#pragma once

#include "models/Alert.h"
#include "models/ClusterConfig.h"
#include "models/RuntimeTypes.h"
#include "services/actions/ActionController.h"
#include "services/alerts/Notifier.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <chrono>
#include <functional>
#include <memory>

namespace cw {

class ActionController;
class Clock;
class AlertEngine;
class AlertHistory;
class AuditLog;
class ClusterState;
class CollectorSet;
class DeliveryLedger;
class MetricsRecorder;
class TimeSeriesStore;
class WorkerThread;
struct HistoryQuery;

/// How a session is set up. The defaults are the workstation's.
struct SessionOptions {
    /// The audit trail of actions; empty: AuditLog::defaultPath().
    QString auditPath;
    /// The alert history; empty: alerts.sqlite beside the audit trail.
    QString alertHistoryPath;
    /// false: observe and judge only (the headless check): no alert history, no webhooks, no
    /// audit trail, no actions, and nothing written to disk.
    bool persistent = true;
    /// Actions are refused in the code path (the wall screen, the check). A session that is not
    /// persistent is read-only too: no action without its audit trail.
    bool readOnly = false;
    /// Retries within one delivery (the notifier's backoff).
    DeliveryPolicy delivery;
    /// How often webhook messages that could not be delivered are tried again.
    std::chrono::milliseconds redeliverEvery { std::chrono::minutes(1) };
    /// Messages older than this are not tried again (they stay "failed" in the history).
    std::chrono::milliseconds redeliverMaxAge { std::chrono::hours(24) };
    /// At quit, actions still in flight are awaited this long, then audited as "outcome unknown".
    std::chrono::milliseconds actionDrain { std::chrono::seconds(5) };
    /// At quit, webhook messages on their way are awaited this long so that their outcome is
    /// recorded; those still unanswered stay "queued" and are sent again at the next start.
    std::chrono::milliseconds deliveryDrain { std::chrono::seconds(3) };
    /// The session's clock (wall time for display and storage, monotonic time for every
    /// duration); nullptr: the system's. Tests pass a manual one. Must outlive the session.
    const Clock *clock = nullptr;
    /// Builds the sources and the runtime of a cluster (tests pass in-process fakes); empty:
    /// the real ones from the cluster file.
    std::function<CollectorSet *(const ClusterConfig &config)> makeCollectors;
};

/// One monitored cluster, without any window: the faces (the workstation window, the wall
/// screen, the drill runner, the headless check) all stand on a session.
///
/// Given a cluster file it owns the sources and the runtime (CollectorSet, each on its own
/// thread), the one ClusterState they feed, the chart recorder, the alert pipeline (engine,
/// history, webhooks) and the action controller with its audit trail, and runs the one
/// evaluation clock (1 s). It lives on the thread that created it (the GUI thread in the app)
/// and never blocks it: the history, the notifier and the audit trail run on their own threads.
///
/// Paging does not wait for the history: an alert transition goes to the webhooks and to
/// alertRaised() at once, and its delivery outcome is written to its history row whenever that
/// row is committed. Undelivered messages are retried every redeliverEvery, and after a restart.
class ClusterSession final : public QObject {
    Q_OBJECT
public:
    explicit ClusterSession(SessionOptions options = {}, QObject *parent = nullptr);
    /// Awaits actions in flight (bounded), then commits what the history and the audit trail
    /// have queued before their threads end.
    ~ClusterSession() override;
    ClusterSession(const ClusterSession &) = delete;
    ClusterSession &operator=(const ClusterSession &) = delete;

    /// Starts monitoring @p config, replacing the previous cluster without blocking. Actions in
    /// flight on the previous cluster are audited as "outcome unknown".
    void open(const ClusterConfig &config);
    /// Stops observing without waiting for the sources (a check that has its answer). The state
    /// keeps what it had.
    void close();
    [[nodiscard]] const ClusterConfig &config() const { return m_config; }
    [[nodiscard]] bool isOpen() const { return m_collectors != nullptr; }
    [[nodiscard]] const SessionOptions &options() const { return m_options; }

    [[nodiscard]] ClusterState *state() const { return m_state.get(); }
    /// The charts' samples (this thread); tests and benchmarks may pre-fill it.
    [[nodiscard]] TimeSeriesStore *series() const { return m_series.get(); }
    [[nodiscard]] AlertEngine *alerts() const { return m_engine.get(); }
    [[nodiscard]] ActionController *actions() const { return m_actions.get(); }
    /// Where the alert history is stored (empty when not persistent).
    [[nodiscard]] QString alertHistoryPath() const { return m_alertHistoryPath; }
    [[nodiscard]] QString auditPath() const { return m_auditPath; }
    /// The runtime's endpoint as shown ("unix:///var/run/docker.sock"); empty without one.
    [[nodiscard]] QString runtimeEndpoint() const { return m_runtimeEndpoint; }
    /// Every container the runtime knows (not only the cluster's nodes), as of its last answer
    /// and the lifecycle events since; empty without a runtime.
    [[nodiscard]] const QList<ContainerInfo> &containers() const { return m_containers; }
    [[nodiscard]] std::optional<ContainerInfo> container(const QString &name) const;
    /// Webhook messages that could not be delivered and wait for the next retry.
    [[nodiscard]] int undeliveredMessages() const;
    /// Configured sources that have answered (successfully or not) since open().
    [[nodiscard]] bool everySourceAnswered() const { return m_awaitingRound.isEmpty(); }
    /// Configured sources with no answer at all since open(), sorted ("Redis", "n8n-main", ...).
    [[nodiscard]] QStringList unansweredSources() const;

    /// Makes the session read-only (the wall screen opened from the workstation) or gives its
    /// actions back. A session that is not persistent stays read-only.
    void setReadOnly(bool readOnly);
    [[nodiscard]] bool isReadOnly() const { return m_options.readOnly || !m_options.persistent; }

    /// Asks for @p action (confirmed by the operator). Refused in read-only sessions.
    ActionController::Verdict requestAction(const QString &node, const QString &container,
        cw::ContainerAction action, bool overrideGuard);
    /// Fills the chart samples with @p hours of generated data ending now (demos, benchmarks).
    void fillSyntheticHistory(int hours);

    /// The alert history, queued to its thread. Answers: queryFinished(), acknowledged(),
    /// exportFinished(). Return the request id of a query.
    quint64 queryHistory(const cw::HistoryQuery &query);
    void acknowledge(const QList<qint64> &ids, const QString &comment);
    void addSilence(cw::Silence silence);
    void exportHistory(const QString &path, const cw::HistoryQuery &query);

    /// The runtime's logs (answers: logsReady(), logLine()).
    void fetchLogs(const QString &container, int lines);
    void followLogs(const QString &container, bool follow);

    /// Runs the evaluation once now (tests; the clock does it every second).
    void evaluateNow();

    /// Appends @p entry to the audit trail (the drill runner's steps); dropped, and false, when
    /// the session keeps no trail (not persistent).
    bool appendAudit(const cw::AuditEntry &entry);

Q_SIGNALS:
    void clusterOpened(const cw::ClusterConfig &config);
    /// The runtime (Docker) answered or stopped answering; @p detail is for people.
    void runtimeStatusChanged(const QString &endpoint, bool reachable, const QString &detail);
    void discoveredContainersChanged(const QList<cw::ContainerInfo> &containers);
    /// Every configured source has answered once (successfully or not) since open().
    void roundComplete();
    /// Every configured source has answered successfully since open(), after @p elapsedMs.
    void liveData(qint64 elapsedMs);

    /// An alert changed state: paged at once, before (and whether or not) it is stored.
    void alertRaised(const cw::AlertTransition &transition);
    /// Active alerts changed (AlertEngine::activeAlerts()).
    void activeAlertsChanged();
    /// The alert history committed a transition (with its row id).
    void alertStored(const cw::AlertTransition &transition);
    void notifyStatusChanged(qint64 id, cw::NotifyStatus status, const QString &error);
    void acknowledged(
        const QList<qint64> &ids, const QString &by, const QString &comment, qint64 timeMs);
    void queryFinished(quint64 requestId, const QList<cw::AlertTransition> &rows);
    void exportFinished(const QString &path, qint64 rows, const QString &error);
    void historyPendingChanged(int count);
    /// The alert history cannot be written; said once until it recovers (alerts are still
    /// paged and shown meanwhile).
    void historyFailing(const QString &error);
    void historyRecovered();
    void auditFailed(const QString &error);

    void actionFinished(const cw::ActionResult &result, const QString &node);
    /// A lifecycle event of a container (die, start, pause, ...), after the state applied it.
    void runtimeEvent(const cw::RuntimeEvent &event);
    void logsReady(const QString &container, const QStringList &lines, const QString &error);
    void logLine(const QString &container, const QString &line, bool fromStderr);

private:
    void tick();
    void retireCollectors(const QString &why);
    void onRuntimeSnapshot(const cw::RuntimeSnapshot &snapshot);
    void onTransition(const cw::AlertTransition &transition);
    void onStored(const cw::AlertTransition &transition);
    void onDelivery(const QList<qint64> &refs, bool delivered, const QString &error);
    void redeliver();
    void writeNotifyStatus(qint64 rowId, NotifyStatus status, const QString &error);
    void answered(const QString &source, bool ok);
    void drainActions();
    [[nodiscard]] bool isOpenedBefore() const { return !m_config.name.isEmpty(); }
    void drainDeliveries();

    SessionOptions m_options;
    const Clock *m_clock;
    ClusterConfig m_config;
    std::unique_ptr<ClusterState> m_state;
    std::unique_ptr<TimeSeriesStore> m_series;
    std::unique_ptr<MetricsRecorder> m_recorder;
    std::unique_ptr<AlertEngine> m_engine;
    std::unique_ptr<ActionController> m_actions;
    std::unique_ptr<DeliveryLedger> m_ledger;
    CollectorSet *m_collectors = nullptr; ///< a child; retired on replacement

    QString m_auditPath;
    QString m_alertHistoryPath;
    std::unique_ptr<WorkerThread> m_auditThread;
    AuditLog *m_audit = nullptr; ///< lives on m_auditThread
    std::unique_ptr<WorkerThread> m_historyThread;
    AlertHistory *m_history = nullptr; ///< lives on m_historyThread
    std::unique_ptr<WorkerThread> m_notifyThread;
    Notifier *m_notifier = nullptr; ///< lives on m_notifyThread

    QList<Silence> m_silences;
    bool m_historyFailing = false;
    quint64 m_nextQuery = 1;
    quint64 m_restoreQuery = 0; ///< where every alert stood: restores the engine
    quint64 m_undeliveredQuery = 0; ///< messages the previous run could not deliver
    QString m_undeliveredFor; ///< the cluster that query was made for
    quint64 m_nextLogRequest = 1;
    QString m_runtimeEndpoint;
    QList<ContainerInfo> m_containers; ///< the runtime's whole list
    bool m_runtimeReachable = false;

    QTimer m_evaluation; ///< the one evaluation clock, every second
    QTimer m_redeliverTimer;
    QSet<QString> m_awaitingRound; ///< sources that have not answered at all yet
    QSet<QString> m_awaitingLive; ///< sources that have not answered successfully yet
    QElapsedTimer m_sinceOpened;
};

} // namespace cw
