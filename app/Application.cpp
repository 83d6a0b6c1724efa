#include "app/Application.h"

#include "models/ClusterModel.h"
#include "models/ServicesState.h"
#include "services/CollectorSet.h"
#include "services/ConfigLoader.h"
#include "services/Logging.h"
#include "services/SettingsStore.h"
#include "views/MainWindow.h"

#include <QDateTime>
#include <QFileInfo>

namespace cw {

namespace {
/// Data is stale when it is older than a few poll intervals (and never before a slow poll could
/// have finished): then it is shown greyed, not as a frozen green.
Millis staleAfter(const ClusterConfig &config)
{
    return std::max(config.pollInterval * 3, config.pollInterval + config.timeouts.request + Millis(1000));
}
} // namespace

Application::Application(SettingsStore *settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_nodes(std::make_unique<ClusterModel>())
    , m_services(std::make_unique<ServicesState>())
    , m_window(std::make_unique<MainWindow>(m_nodes.get(), m_services.get()))
{
    registerSnapshotMetaTypes();
    connect(m_window.get(), &MainWindow::openClusterFileRequested, this, &Application::openClusterFile);
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
}

void Application::setCluster(const ClusterConfig &config)
{
    if (m_collectors) {
        m_collectors->retire();
        m_collectors = nullptr;
    }
    m_nodes->setNodes(config.nodes);
    m_nodes->setStaleAfter(staleAfter(config));
    m_services->reset(config.redis.configured, config.postgres.configured);
    m_services->setStaleAfter(staleAfter(config));
    m_window->setClusterName(config.name, config.sourceFile);

    m_collectors = new CollectorSet(config, this);
    connect(m_collectors, &CollectorSet::nodeSnapshotReady, m_nodes.get(), &ClusterModel::applySnapshot);
    connect(m_collectors, &CollectorSet::redisSnapshotReady, m_services.get(), &ServicesState::applyRedis);
    connect(m_collectors, &CollectorSet::postgresSnapshotReady, m_services.get(), &ServicesState::applyPostgres);
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

void Application::tick()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_nodes->tick(now);
    m_services->tick(now);
}

} // namespace cw
