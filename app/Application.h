#pragma once

#include "models/ClusterConfig.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QObject>
#include <QTimer>

#include <memory>

namespace cw {

class ActionController;
class AlertEngine;
class AlertsPanel;
class TrayNotifier;
class AlertHistory;
class AlertHistoryModel;
class Notifier;
class MetricsRecorder;
class TimeSeriesStore;
class AuditLog;
class ClusterModel;
class WorkerThread;
class CollectorSet;
class MainWindow;
class ClusterState;
class SettingsStore;

/// The composition root: builds settings, models, collectors and the main window in a fixed
/// order, connects collectors to models, and tears down in reverse.
class Application final : public QObject
{
    Q_OBJECT
public:
    /// @p auditPath: where the audit trail of actions goes (AuditLog::defaultPath() by default).
    explicit Application(SettingsStore *settings, const QString &auditPath = QString(), QObject *parent = nullptr);
    ~Application() override;

    /// Replaces the monitored cluster. The previous collectors are retired without blocking.
    void setCluster(const ClusterConfig &config);
    /// Loads @p path; on error shows it in a dialog and keeps the current cluster.
    bool openClusterFile(const QString &path);
    void showWindow();

    MainWindow *window() const { return m_window.get(); }
    ClusterModel *nodes() const { return m_nodes.get(); }
    ClusterState *state() const { return m_state.get(); }
    ActionController *actions() const { return m_actions.get(); }
    /// The charts' history (GUI thread); tests and benchmarks may pre-fill it.
    TimeSeriesStore *history() const { return m_history.get(); }
    AlertEngine *alerts() const { return m_alertEngine.get(); }
    /// The alert history as shown (newest first); the SQLite file is the source of truth.
    AlertHistoryModel *alertHistory() const { return m_alertHistoryModel.get(); }
    AlertsPanel *alertsPanel() const { return m_alertsPanel; }
    /// Where the alert history is stored: beside the audit trail.
    QString alertHistoryPath() const { return m_alertHistoryPath; }
    /// Fills the chart history of the current cluster with @p hours of generated samples
    /// ending now: for demos and benchmarks of the long ranges without waiting a day.
    void fillSyntheticHistory(int hours);

private:
    void tick();
    void onActionConfirmed(const QString &node, const QString &container, cw::ContainerAction action, bool overrideGuard);
    void onDockerSnapshot(const cw::DockerSnapshot &snapshot);
    void onAlertStored(const cw::AlertTransition &transition);
    void onActiveAlertsChanged();
    void deliveryOutcome(qint64 id, bool delivered, const QString &error);

    SettingsStore *m_settings;
    std::unique_ptr<ClusterState> m_state;
    std::unique_ptr<ClusterModel> m_nodes;
    std::unique_ptr<TimeSeriesStore> m_history;
    std::unique_ptr<MetricsRecorder> m_recorder;
    ClusterConfig m_config;
    std::unique_ptr<MainWindow> m_window;
    CollectorSet *m_collectors = nullptr;   // owned as a child; retired on replacement
    std::unique_ptr<ActionController> m_actions;
    std::unique_ptr<WorkerThread> m_auditThread;
    AuditLog *m_audit = nullptr;            // lives on m_auditThread
    std::unique_ptr<AlertEngine> m_alertEngine;
    std::unique_ptr<AlertHistoryModel> m_alertHistoryModel;
    std::unique_ptr<WorkerThread> m_alertHistoryThread;
    AlertHistory *m_alertStore = nullptr;   // lives on m_alertHistoryThread
    std::unique_ptr<WorkerThread> m_notifyThread;
    Notifier *m_notifier = nullptr;         // lives on m_notifyThread
    QString m_alertHistoryPath;
    AlertsPanel *m_alertsPanel = nullptr;   // owned by the window's dock
    std::unique_ptr<TrayNotifier> m_tray;
    quint64 m_nextHistoryQuery = 1;
    struct Delivery
    {
        int pending = 0;     ///< webhooks that have not reported yet
        bool sent = false;   ///< one of them took it
        bool reported = false;   ///< the row's status is written
        QString error;       ///< what the failing ones said
    };
    QHash<qint64, Delivery> m_deliveries;   ///< by history row id
    quint64 m_restoreQuery = 0;   ///< the query of where every alert stood: it restores the engine
    QList<Silence> m_silences;
    QString m_dockerHost;
    quint64 m_nextLogRequest = 1;
    QTimer m_clock;
    /// Sources of the current cluster that have not answered successfully yet; when the last
    /// one does, the time since the cluster was opened is logged (time to first live data).
    QSet<QString> m_awaitingFirstData;
    QElapsedTimer m_sinceClusterOpened;
    void firstAnswerFrom(const QString &source);
};

} // namespace cw
