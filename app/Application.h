#pragma once

#include "models/ClusterConfig.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace cw {

class ActionController;
class AuditLog;
class ClusterModel;
class WorkerThread;
class CollectorSet;
class MainWindow;
class ServicesState;
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
    ServicesState *services() const { return m_services.get(); }
    ActionController *actions() const { return m_actions.get(); }

private:
    void tick();
    void onActionConfirmed(const QString &node, const QString &container, cw::ContainerAction action, bool overrideGuard);
    void onDockerSnapshot(const cw::DockerSnapshot &snapshot);

    SettingsStore *m_settings;
    std::unique_ptr<ClusterModel> m_nodes;
    std::unique_ptr<ServicesState> m_services;
    std::unique_ptr<MainWindow> m_window;
    CollectorSet *m_collectors = nullptr;   // owned as a child; retired on replacement
    std::unique_ptr<ActionController> m_actions;
    std::unique_ptr<WorkerThread> m_auditThread;
    AuditLog *m_audit = nullptr;            // lives on m_auditThread
    QString m_dockerHost;
    quint64 m_nextLogRequest = 1;
    QTimer m_clock;
};

} // namespace cw
