#include "app/Application.h"

#include "models/ClusterModel.h"
#include "models/ServicesState.h"
#include "services/ActionController.h"
#include "services/AuditLog.h"
#include "services/CollectorSet.h"
#include "services/ConfigLoader.h"
#include "services/Logging.h"
#include "services/SettingsStore.h"
#include "services/WorkerThread.h"
#include "views/LogPanel.h"
#include "views/MainWindow.h"

#include <QDateTime>
#include <QFileInfo>
#include <QStatusBar>

namespace cw {

namespace {
/// Data is stale when it is older than a few poll intervals (and never before a slow poll could
/// have finished): then it is shown greyed, not as a frozen green.
Millis staleAfter(const ClusterConfig &config)
{
    return std::max(config.pollInterval * 3, config.pollInterval + config.timeouts.request + Millis(1000));
}
} // namespace

Application::Application(SettingsStore *settings, const QString &auditPath, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_nodes(std::make_unique<ClusterModel>())
    , m_services(std::make_unique<ServicesState>())
    , m_window(std::make_unique<MainWindow>(m_nodes.get(), m_services.get()))
    , m_actions(std::make_unique<ActionController>())
    , m_auditThread(std::make_unique<WorkerThread>(QStringLiteral("cw-audit")))
{
    registerSnapshotMetaTypes();
    connect(m_window.get(), &MainWindow::openClusterFileRequested, this, &Application::openClusterFile);

    // Actions: confirmed in the window, decided by the controller, carried out by the cluster's
    // Docker client, written to the audit trail on its own thread.
    m_audit = m_auditThread->adopt(new AuditLog(auditPath.isEmpty() ? AuditLog::defaultPath() : auditPath));
    m_auditThread->thread()->start();
    connect(m_actions.get(), &ActionController::auditRequested, m_audit, &AuditLog::append);
    connect(m_audit, &AuditLog::failed, m_window.get(), [this](const QString &error) {
        m_window->showError(QStringLiteral("Audit trail not written"), error);
    });
    connect(m_window.get(), &MainWindow::actionConfirmed, this, &Application::onActionConfirmed);
    connect(m_actions.get(), &ActionController::actionFinished, m_window.get(), &MainWindow::showActionResult);
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, &Application::tick);
    m_clock.start();
    m_window->restoreGeometry(m_settings->windowGeometry());
    m_window->restoreState(m_settings->windowState());
}

Application::~Application()
{
    m_settings->setWindowGeometry(m_window->saveGeometry(), m_window->saveState());
    delete m_collectors;   // stops the threads before the models they feed go away
    m_collectors = nullptr;
    // Entries queued just before quitting are written first: the queue is FIFO, so once this
    // no-op has run on the audit thread, everything before it has been appended.
    QMetaObject::invokeMethod(m_audit, [] {}, Qt::BlockingQueuedConnection);
    m_auditThread.reset();
}

void Application::setCluster(const ClusterConfig &config)
{
    if (m_collectors) {
        m_collectors->retire();
        m_collectors = nullptr;
    }
    m_actions->forgetPending();
    m_actions->setGuard(RestartGuard(config.actions.restartLimit, config.actions.restartWindow));
    m_actions->setGraceSeconds(int(std::chrono::ceil<std::chrono::seconds>(config.actions.stopGrace).count()));
    m_dockerHost = config.docker.configured ? config.docker.display() : QString();
    m_actions->setEndpoint(m_dockerHost, false);
    m_window->setDockerStatus(m_dockerHost, false,
                              m_dockerHost.isEmpty() ? QString() : QStringLiteral("connecting to ") + m_dockerHost);
    m_nodes->setNodes(config.nodes);
    m_nodes->setStaleAfter(staleAfter(config));
    m_services->reset(config.redis.configured, config.postgres.configured);
    m_services->setStaleAfter(staleAfter(config));
    m_window->setClusterName(config.name, config.sourceFile);

    m_collectors = new CollectorSet(config, this);
    connect(m_collectors, &CollectorSet::nodeSnapshotReady, m_nodes.get(), &ClusterModel::applySnapshot);
    connect(m_collectors, &CollectorSet::redisSnapshotReady, m_services.get(), &ServicesState::applyRedis);
    connect(m_collectors, &CollectorSet::postgresSnapshotReady, m_services.get(), &ServicesState::applyPostgres);
    connect(m_collectors, &CollectorSet::dockerSnapshotReady, this, &Application::onDockerSnapshot);
    connect(m_collectors, &CollectorSet::containerStatsReady, m_nodes.get(), &ClusterModel::applyContainerStats);
    connect(m_collectors, &CollectorSet::dockerEventReceived, m_nodes.get(), &ClusterModel::applyDockerEvent);
    connect(m_collectors, &CollectorSet::actionFinished, m_actions.get(), &ActionController::onActionFinished);
    connect(m_actions.get(), &ActionController::performRequested, m_collectors, &CollectorSet::perform);
    LogPanel *logs = m_window->logPanel();
    connect(logs, &LogPanel::tailRequested, m_collectors,
            [this](const QString &container, int lines) { m_collectors->fetchLogs(m_nextLogRequest++, container, lines); });
    connect(logs, &LogPanel::followRequested, m_collectors, &CollectorSet::followLogs);
    connect(m_collectors, &CollectorSet::logsReady, logs,
            [logs](quint64, const QString &container, const QStringList &lines, const QString &error) {
                logs->showTail(container, lines, error);
            });
    connect(m_collectors, &CollectorSet::logLine, logs, &LogPanel::appendLine);
    m_collectors->start();
    if (!config.sourceFile.isEmpty())
        m_settings->setLastClusterFile(config.sourceFile);
    qCInfo(lcApp) << "monitoring" << config.name << "with" << config.nodes.size() << "nodes from"
                  << config.sourceFile;
}

bool Application::openClusterFile(const QString &path)
{
    Result<ClusterConfig> config = loadClusterConfig(path);
    if (!config) {
        qCWarning(lcConfig).noquote() << config.error();
        m_window->showConfigError(config.error());
        return false;
    }
    setCluster(config.value());
    return true;
}

void Application::showWindow()
{
    m_window->show();
}

void Application::onDockerSnapshot(const DockerSnapshot &snapshot)
{
    m_window->setDiscoveredContainers(m_nodes->applyContainers(snapshot));
    m_actions->setEndpoint(m_dockerHost, snapshot.reachable);
    const QString detail = snapshot.reachable
        ? QStringLiteral("%1 · API %2 · %3 containers").arg(m_dockerHost, snapshot.apiVersion).arg(snapshot.containers.size())
        : snapshot.error;
    m_window->setDockerStatus(m_dockerHost, snapshot.reachable, detail);
}

void Application::onActionConfirmed(const QString &node, const QString &container, ContainerAction action,
                                     bool overrideGuard)
{
    switch (m_actions->request(node, container, action, overrideGuard)) {
    case ActionController::Verdict::NeedsOverride: {
        const RestartGuard &guard = m_actions->guard();
        m_window->askGuardOverride(node, container,
                                   guard.recentRestarts(container, QDateTime::currentMSecsSinceEpoch()),
                                   int(std::chrono::duration_cast<std::chrono::minutes>(guard.window()).count()));
        break;
    }
    case ActionController::Verdict::Busy:
        m_window->statusBar()->showMessage(
            QStringLiteral("An action on %1 is still running; wait for its result.").arg(container), 10'000);
        break;
    case ActionController::Verdict::Sent:
    case ActionController::Verdict::NoBackend:
        break;
    }
}

void Application::tick()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_nodes->tick(now);
    m_services->tick(now);
}

} // namespace cw
