#pragma once

#include "models/ClusterConfig.h"

#include <QObject>
#include <memory>

namespace cw {

class ActionController;
class AlertEngine;
class AlertHistoryModel;
class AlertsPanel;
class ClusterModel;
class ClusterSession;
class ClusterState;
class DrillsController;
class MainWindow;
class SettingsStore;
class TimeSeriesStore;
class TrayNotifier;
class WallController;

/// The composition root of the workstation face: one ClusterSession (everything that monitors,
/// judges, pages and acts) wired to the main window, its models and the tray. Builds in a fixed
/// order and tears down in reverse; holds no domain logic of its own.
class Application final : public QObject {
    Q_OBJECT
public:
    /// @p auditPath: where the audit trail of actions goes (AuditLog::defaultPath() by default).
    explicit Application(
        SettingsStore *settings, const QString &auditPath = QString(), QObject *parent = nullptr);
    ~Application() override;

    /// Replaces the monitored cluster. The previous collectors are retired without blocking.
    void setCluster(const ClusterConfig &config);
    /// Loads @p path; on error shows it in a dialog and keeps the current cluster.
    bool openClusterFile(const QString &path);
    void showWindow();

    ClusterSession *session() const { return m_session.get(); }
    MainWindow *window() const { return m_window.get(); }
    ClusterModel *nodes() const { return m_nodes.get(); }
    ClusterState *state() const;
    ActionController *actions() const;
    /// The charts' samples; tests and benchmarks may pre-fill them.
    TimeSeriesStore *history() const;
    AlertEngine *alerts() const;
    /// The alert history as shown (newest first); the SQLite file is the source of truth.
    AlertHistoryModel *alertHistory() const { return m_alertHistoryModel.get(); }
    AlertsPanel *alertsPanel() const { return m_alertsPanel; }
    /// The drill form, the live drill, the drill history and the runner behind them.
    DrillsController *drills() const { return m_drills.get(); }
    QString alertHistoryPath() const;
    /// Fills the charts with @p hours of generated samples ending now (demos, benchmarks).
    void fillSyntheticHistory(int hours);
    /// The wall screen on this session (View → Wall screen): the session turns read-only and the
    /// window hides until the wall is left (Ctrl+Shift+W). Refused while a drill runs.
    bool openWall();
    void closeWall();
    WallController *wall() const { return m_wall.get(); }

private:
    void wireAlerts();
    void wireActions();
    void wireView();

    SettingsStore *m_settings;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<ClusterModel> m_nodes;
    std::unique_ptr<AlertHistoryModel> m_alertHistoryModel;
    std::unique_ptr<MainWindow> m_window;
    AlertsPanel *m_alertsPanel = nullptr; // owned by the window's dock
    std::unique_ptr<TrayNotifier> m_tray;
    std::unique_ptr<WallController> m_wall; ///< while the wall screen is shown
    std::unique_ptr<DrillsController> m_drills; ///< last: goes first, while the session can act
};

} // namespace cw
