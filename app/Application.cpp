#include "app/Application.h"

#include "app/DrillsController.h"
#include "app/WallController.h"
#include "models/items/AlertHistoryModel.h"
#include "models/items/ChartSpec.h"
#include "models/items/ClusterModel.h"
#include "models/state/ClusterState.h"
#include "services/actions/ActionController.h"
#include "services/alerts/AlertEngine.h"
#include "services/base/Logging.h"
#include "services/config/ConfigLoader.h"
#include "services/config/SettingsStore.h"
#include "services/drillrun/DrillRunner.h"
#include "services/history/AlertHistory.h"
#include "services/session/ClusterSession.h"
#include "views/LogPanel.h"
#include "views/MainWindow.h"
#include "views/Theme.h"
#include "views/alerts/AlertsPanel.h"
#include "views/alerts/TrayNotifier.h"
#include "views/charts/ChartsPanel.h"

#include <QDateTime>
#include <QFileInfo>
#include <QStatusBar>

namespace cw {

namespace {

SessionOptions workstationOptions(const QString &auditPath)
{
    SessionOptions options;
    options.auditPath = auditPath;
    return options;
}

} // namespace

Application::Application(SettingsStore *settings, const QString &auditPath, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_session(std::make_unique<ClusterSession>(workstationOptions(auditPath)))
    , m_nodes(std::make_unique<ClusterModel>(m_session->state()))
    , m_alertHistoryModel(std::make_unique<AlertHistoryModel>())
    , m_window(std::make_unique<MainWindow>(m_nodes.get(), m_session->state()))
    , m_tray(std::make_unique<TrayNotifier>())
{
    m_alertsPanel = new AlertsPanel(m_alertHistoryModel.get());
    m_window->setAlertsPanel(m_alertsPanel);
    wireAlerts();
    wireActions();
    wireView();
    // Drill journals and reports live beside the audit trail (defaultDrillDirectory() for the
    // default trail), so a test's or a second profile's drills stay apart.
    m_drills = std::make_unique<DrillsController>(m_session.get(), m_window.get(),
        QFileInfo(m_session->auditPath()).absolutePath() + QStringLiteral("/drills"));
    m_session->queryHistory(m_alertsPanel->currentQuery());
}

Application::~Application()
{
    m_wall.reset();
    m_settings->setWindowGeometry(m_window->saveGeometry(), m_window->saveState());
    m_drills.reset(); // a drill still running is rolled back while the session can act
    m_session.reset(); // awaits actions in flight, commits the history and the audit trail
}

ClusterState *Application::state() const
{
    return m_session->state();
}
ActionController *Application::actions() const
{
    return m_session->actions();
}
TimeSeriesStore *Application::history() const
{
    return m_session->series();
}
AlertEngine *Application::alerts() const
{
    return m_session->alerts();
}
QString Application::alertHistoryPath() const
{
    return m_session->alertHistoryPath();
}

void Application::wireAlerts()
{
    ClusterSession *session = m_session.get();
    AlertHistoryModel *model = m_alertHistoryModel.get();
    connect(session, &ClusterSession::alertRaised, m_tray.get(), &TrayNotifier::notify);
    connect(session, &ClusterSession::alertStored, model, &AlertHistoryModel::prepend);
    connect(
        session, &ClusterSession::notifyStatusChanged, model, &AlertHistoryModel::setNotifyStatus);
    connect(session, &ClusterSession::acknowledged, model, &AlertHistoryModel::setAcknowledged);
    connect(session, &ClusterSession::queryFinished, model,
        [model](quint64, const QList<AlertTransition> &rows) { model->setRows(rows); });
    connect(session, &ClusterSession::activeAlertsChanged, this, [this] {
        const QList<AlertTransition> active = m_session->alerts()->activeAlerts();
        m_alertsPanel->setActiveAlerts(active);
        m_tray->setActiveAlerts(active);
        bool critical = false;
        const QString summary = firingSummary(active, &critical);
        m_window->setAlertSummary(summary, critical);
    });
    // Said once per episode; alerts are still paged and listed while the file cannot be written.
    connect(session, &ClusterSession::historyFailing, m_window.get(), [this](const QString &error) {
        m_alertsPanel->showHistoryError(error);
        m_window->showError(QStringLiteral("Alert history not written"),
            error
                + QStringLiteral("\n\nAlerts are still shown and sent to the webhooks; the history "
                                 "keeps them in memory and retries."),
            QStringLiteral("alertHistoryError"));
    });
    connect(session, &ClusterSession::historyRecovered, m_alertsPanel,
        [this] { m_alertsPanel->showHistoryError(QString()); });
    connect(
        session, &ClusterSession::historyPendingChanged, m_alertsPanel, &AlertsPanel::setPending);
    connect(
        session, &ClusterSession::exportFinished, m_alertsPanel, &AlertsPanel::showExportResult);
    connect(m_alertsPanel, &AlertsPanel::queryRequested, session, &ClusterSession::queryHistory);
    connect(
        m_alertsPanel, &AlertsPanel::acknowledgeRequested, session, &ClusterSession::acknowledge);
    connect(m_alertsPanel, &AlertsPanel::silenceRequested, session, &ClusterSession::addSilence);
    connect(m_alertsPanel, &AlertsPanel::exportRequested, session, &ClusterSession::exportHistory);
    connect(m_tray.get(), &TrayNotifier::showRequested, m_window.get(), [this] {
        m_window->showNormal();
        m_window->raise();
        m_window->activateWindow();
    });
}

void Application::wireActions()
{
    ClusterSession *session = m_session.get();
    connect(session, &ClusterSession::auditFailed, m_window.get(), [this](const QString &error) {
        m_window->showError(QStringLiteral("Audit trail not written"), error);
    });
    connect(
        session, &ClusterSession::actionFinished, m_window.get(), &MainWindow::showActionResult);
    connect(session, &ClusterSession::runtimeStatusChanged, m_window.get(),
        &MainWindow::setDockerStatus);
    connect(session, &ClusterSession::discoveredContainersChanged, m_window.get(),
        &MainWindow::setDiscoveredContainers);
    connect(m_window.get(), &MainWindow::actionConfirmed, this,
        [this](const QString &node, const QString &container, ContainerAction action,
            bool overrideGuard) {
            switch (m_session->requestAction(node, container, action, overrideGuard)) {
            case ActionController::Verdict::NeedsOverride: {
                const ActionController *actions = m_session->actions();
                m_window->askGuardOverride(node, container, actions->recentRestarts(container),
                    int(std::chrono::duration_cast<std::chrono::minutes>(actions->guard().window())
                            .count()));
                break;
            }
            case ActionController::Verdict::Busy:
                m_window->statusBar()->showMessage(
                    QStringLiteral("An action on %1 is still running; wait for its result.")
                        .arg(container),
                    10'000);
                break;
            case ActionController::Verdict::Sent:
            case ActionController::Verdict::NoBackend:
            case ActionController::Verdict::ReadOnly:
                break; // the result (or the refusal) arrives as actionFinished
            }
        });
    LogPanel *logs = m_window->logPanel();
    connect(logs, &LogPanel::tailRequested, session, &ClusterSession::fetchLogs);
    connect(logs, &LogPanel::followRequested, session, &ClusterSession::followLogs);
    connect(session, &ClusterSession::logsReady, logs, &LogPanel::showTail);
    connect(session, &ClusterSession::logLine, logs, &LogPanel::appendLine);
}

void Application::wireView()
{
    connect(m_window.get(), &MainWindow::wallRequested, this, &Application::openWall);
    connect(
        m_window.get(), &MainWindow::openClusterFileRequested, this, &Application::openClusterFile);
    ChartsPanel *charts = m_window->chartsPanel();
    charts->setStore(m_session->series());
    charts->setSpan(m_settings->chartSpanMs());
    connect(charts, &ChartsPanel::spanChanged, m_settings, &SettingsStore::setChartSpanMs);
    connect(m_session.get(), &ClusterSession::clusterOpened, m_window.get(),
        [this, charts](const ClusterConfig &config) {
            m_window->setClusterName(config.name, config.sourceFile);
            charts->setStaleAfter(staleAfter(config).count());
            charts->setCharts(chartsForCluster(config));
        });
    const Theme theme = themeFromName(m_settings->theme());
    if (theme != Theme::System)
        applyTheme(theme);
    m_window->showTheme(theme);
    connect(m_window.get(), &MainWindow::themeRequested, this, [this](Theme chosen) {
        applyTheme(chosen);
        m_settings->setTheme(themeName(chosen));
    });
    m_window->restoreWindow(m_settings->windowGeometry(), m_settings->windowState());
}

void Application::setCluster(const ClusterConfig &config)
{
    m_session->open(config);
    if (!config.sourceFile.isEmpty())
        m_settings->setLastClusterFile(config.sourceFile);
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

void Application::fillSyntheticHistory(int hours)
{
    m_session->fillSyntheticHistory(hours);
    m_window->chartsPanel()->refreshNow(QDateTime::currentMSecsSinceEpoch());
}

bool Application::openWall()
{
    if (m_wall)
        return true;
    if (m_drills && m_drills->runner()->isRunning()) {
        m_window->showError(QStringLiteral("Wall screen not opened"),
            QStringLiteral("A drill is running. The wall screen is read-only: finish or abort the "
                           "drill first."),
            QStringLiteral("wallRefusedDialog"));
        return false;
    }
    // Read-only in the code path, not only without buttons: the session refuses every action
    // and drill while the wall is up.
    m_session->setReadOnly(true);
    m_wall = std::make_unique<WallController>(m_session.get(), m_nodes.get(), WallOptions {});
    connect(m_wall.get(), &WallController::leaveRequested, this, &Application::closeWall);
    m_window->hide();
    m_wall->show();
    return true;
}

void Application::closeWall()
{
    if (!m_wall)
        return;
    // Called from the wall's own shortcut: delete it once that signal has returned.
    m_wall.release()->deleteLater();
    m_session->setReadOnly(false);
    m_window->show();
}

} // namespace cw
