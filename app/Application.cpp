#include "app/Application.h"

#include "models/items/AlertHistoryModel.h"
#include "models/items/ChartSpec.h"
#include "models/items/ClusterModel.h"
#include "models/timeseries/MetricsRecorder.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "models/state/ClusterState.h"
#include "services/actions/ActionController.h"
#include "services/alerts/AlertEngine.h"
#include "services/history/AlertHistory.h"
#include "services/alerts/Notifier.h"
#include "services/actions/AuditLog.h"
#include "services/collectors/CollectorSet.h"
#include "services/config/ConfigLoader.h"
#include "services/base/Logging.h"
#include "services/config/SettingsStore.h"
#include "services/base/WorkerThread.h"
#include "views/LogPanel.h"
#include "views/MainWindow.h"
#include "views/Theme.h"
#include "views/alerts/AlertsPanel.h"
#include "views/alerts/TrayNotifier.h"
#include "views/charts/ChartsPanel.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRandomGenerator>

#include <cmath>
#include <QStatusBar>

namespace cw {


Application::Application(SettingsStore *settings, const QString &auditPath, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_state(std::make_unique<ClusterState>())
    , m_nodes(std::make_unique<ClusterModel>(m_state.get()))
    , m_history(std::make_unique<TimeSeriesStore>())
    , m_recorder(std::make_unique<MetricsRecorder>(m_history.get()))
    , m_window(std::make_unique<MainWindow>(m_nodes.get(), m_state.get()))
    , m_actions(std::make_unique<ActionController>())
    , m_auditThread(std::make_unique<WorkerThread>(QStringLiteral("cw-audit")))
    , m_alertEngine(std::make_unique<AlertEngine>(m_state.get()))
    , m_alertHistoryModel(std::make_unique<AlertHistoryModel>())
    , m_alertHistoryThread(std::make_unique<WorkerThread>(QStringLiteral("cw-history")))
    , m_notifyThread(std::make_unique<WorkerThread>(QStringLiteral("cw-notify")))
{
    registerSnapshotMetaTypes();
    registerAlertHistoryMetaTypes();
    connect(m_window.get(), &MainWindow::openClusterFileRequested, this, &Application::openClusterFile);

    // Actions: confirmed in the window, decided by the controller, carried out by the cluster's
    // Docker client, written to the audit trail on its own thread.
    const QString audit = auditPath.isEmpty() ? AuditLog::defaultPath() : auditPath;
    m_audit = m_auditThread->adopt(new AuditLog(audit));
    m_auditThread->thread()->start();

    // Alerts: judged here on each tick, every transition committed to the history on its own
    // thread first; only what is on disk is shown and notified, so nothing is announced that a
    // crash could lose.
    m_alertHistoryPath = QFileInfo(audit).dir().filePath(QStringLiteral("alerts.sqlite"));
    m_alertStore = m_alertHistoryThread->adopt(new AlertHistory(m_alertHistoryPath));
    m_notifier = m_notifyThread->adopt(new Notifier);
    connect(m_alertEngine.get(), &AlertEngine::transition, m_alertStore, &AlertHistory::append);
    connect(m_alertStore, &AlertHistory::stored, this, &Application::onAlertStored);
    connect(m_alertStore, &AlertHistory::notifyStatusChanged, m_alertHistoryModel.get(), &AlertHistoryModel::setNotifyStatus);
    connect(m_alertStore, &AlertHistory::acknowledged, m_alertHistoryModel.get(), &AlertHistoryModel::setAcknowledged);
    connect(m_alertStore, &AlertHistory::silencesChanged, this, [this](const QList<Silence> &active) { m_silences = active; });
    connect(m_alertStore, &AlertHistory::queryFinished, m_alertHistoryModel.get(),
            [this](quint64 request, const QList<AlertTransition> &rows) {
                if (request == m_restoreQuery)
                    m_alertEngine->restore(rows);   // where every alert stood when we stopped
                else
                    m_alertHistoryModel->setRows(rows);
            });
    connect(m_alertStore, &AlertHistory::failed, m_window.get(), [this](const QString &error) {
        m_window->showError(QStringLiteral("Alert history not written"), error, QStringLiteral("alertHistoryError"));
    });
    // With several webhooks a row is "sent" when any of them took it, "failed" when all failed.
    connect(m_notifier, &Notifier::delivered, this, [this](const QList<qint64> &ids, const QString &) {
        for (const qint64 id : ids)
            deliveryOutcome(id, true, QString());
    });
    connect(m_notifier, &Notifier::deliveryFailed, this, [this](const QList<qint64> &ids, const QString &, const QString &error) {
        for (const qint64 id : ids)
            deliveryOutcome(id, false, error);
    });
    // The alerts page: active alerts from the engine, the history from the store.
    m_alertsPanel = new AlertsPanel(m_alertHistoryModel.get());
    m_window->setAlertsPanel(m_alertsPanel);
    m_tray = std::make_unique<TrayNotifier>();
    connect(m_alertEngine.get(), &AlertEngine::activeAlertsChanged, this, &Application::onActiveAlertsChanged);
    connect(m_tray.get(), &TrayNotifier::showRequested, m_window.get(), [this] {
        m_window->showNormal();
        m_window->raise();
        m_window->activateWindow();
    });
    connect(m_alertStore, &AlertHistory::failed, m_alertsPanel, &AlertsPanel::showHistoryError);
    connect(m_alertStore, &AlertHistory::pendingChanged, m_alertsPanel, &AlertsPanel::setPending);
    connect(m_alertStore, &AlertHistory::exportFinished, m_alertsPanel, &AlertsPanel::showExportResult);
    connect(m_alertsPanel, &AlertsPanel::queryRequested, m_alertStore, [this](const HistoryQuery &query) {
        QMetaObject::invokeMethod(m_alertStore, "query", Q_ARG(quint64, m_nextHistoryQuery++), Q_ARG(cw::HistoryQuery, query));
    });
    connect(m_alertsPanel, &AlertsPanel::acknowledgeRequested, m_alertStore, [this](const QList<qint64> &ids, const QString &comment) {
        QMetaObject::invokeMethod(m_alertStore, "acknowledge", Q_ARG(QList<qint64>, ids), Q_ARG(QString, AuditLog::localUser()),
                                  Q_ARG(QString, comment), Q_ARG(qint64, QDateTime::currentMSecsSinceEpoch()));
    });
    connect(m_alertsPanel, &AlertsPanel::silenceRequested, m_alertStore, [this](Silence silence) {
        silence.createdBy = AuditLog::localUser();
        QMetaObject::invokeMethod(m_alertStore, "addSilence", Q_ARG(cw::Silence, silence));
    });
    connect(m_alertsPanel, &AlertsPanel::exportRequested, m_alertStore, [this](const QString &path, const HistoryQuery &query) {
        QMetaObject::invokeMethod(m_alertStore, "exportCsv", Q_ARG(QString, path), Q_ARG(cw::HistoryQuery, query));
    });

    m_alertHistoryThread->start(m_alertStore, &AlertHistory::open);
    m_notifyThread->start(m_notifier, &Notifier::start);
    HistoryQuery latest;
    latest.latestPerAlert = true;
    latest.limit = 0;
    m_restoreQuery = m_nextHistoryQuery++;
    QMetaObject::invokeMethod(m_alertStore, "query", Q_ARG(quint64, m_restoreQuery), Q_ARG(cw::HistoryQuery, latest));
    QMetaObject::invokeMethod(m_alertStore, "query", Q_ARG(quint64, m_nextHistoryQuery++),
                              Q_ARG(cw::HistoryQuery, m_alertsPanel->currentQuery()));
    QMetaObject::invokeMethod(m_alertStore, "listSilences");
    connect(m_actions.get(), &ActionController::auditRequested, m_audit, &AuditLog::append);
    connect(m_audit, &AuditLog::failed, m_window.get(), [this](const QString &error) {
        m_window->showError(QStringLiteral("Audit trail not written"), error);
    });
    connect(m_window.get(), &MainWindow::actionConfirmed, this, &Application::onActionConfirmed);
    connect(m_actions.get(), &ActionController::actionFinished, m_window.get(), &MainWindow::showActionResult);
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, &Application::tick);
    m_clock.start();
    ChartsPanel *charts = m_window->chartsPanel();
    charts->setStore(m_history.get());
    charts->setSpan(m_settings->chartSpanMs());
    connect(charts, &ChartsPanel::spanChanged, m_settings, &SettingsStore::setChartSpanMs);
    const Theme theme = themeFromName(m_settings->theme());
    if (theme != Theme::System)
        applyTheme(theme);
    m_window->showTheme(theme);
    connect(m_window.get(), &MainWindow::themeRequested, this, [this](Theme chosen) {
        applyTheme(chosen);
        m_settings->setTheme(themeName(chosen));
    });
    m_window->restoreGeometry(m_settings->windowGeometry());
    m_window->restoreState(m_settings->windowState());
}

Application::~Application()
{
    m_settings->setWindowGeometry(m_window->saveGeometry(), m_window->saveState());
    delete m_collectors;   // stops the threads before the models they feed go away
    m_collectors = nullptr;
    // Whatever the history has queued is committed before its thread ends (FIFO, as below).
    QMetaObject::invokeMethod(m_alertStore, [] {}, Qt::BlockingQueuedConnection);
    QMetaObject::invokeMethod(m_notifier, &Notifier::flush, Qt::BlockingQueuedConnection);
    m_notifyThread.reset();
    m_alertHistoryThread.reset();
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
    m_state->setConfig(config);
    m_window->setClusterName(config.name, config.sourceFile);
    // Another cluster's history would draw under this one's names.
    m_history->clear();
    m_recorder = std::make_unique<MetricsRecorder>(m_history.get());
    m_config = config;
    ChartsPanel *charts = m_window->chartsPanel();
    charts->setStaleAfter(staleAfter(config).count());
    charts->setCharts(chartsForCluster(config));

    m_alertEngine->setConfig(config);
    QMetaObject::invokeMethod(m_alertStore, "setRetention", Q_ARG(int, config.alerts.retentionDays),
                              Q_ARG(qint64, config.alerts.maxHistoryRows));
    QMetaObject::invokeMethod(m_notifier, "configure", Q_ARG(QString, config.name),
                              Q_ARG(QList<cw::WebhookConfig>, config.alerts.webhooks),
                              Q_ARG(qint64, qint64(config.alerts.groupWindow.count())),
                              Q_ARG(cw::DeliveryPolicy, DeliveryPolicy{}));

    m_collectors = new CollectorSet(config, this);
    // The one state takes every observation; models, recorder and alert rules read it.
    ClusterState *state = m_state.get();
    connect(m_collectors, &CollectorSet::nodeSnapshotReady, state, &ClusterState::applyNode);
    connect(m_collectors, &CollectorSet::redisSnapshotReady, state, &ClusterState::applyRedis);
    connect(m_collectors, &CollectorSet::postgresSnapshotReady, state, &ClusterState::applyPostgres);
    connect(m_collectors, &CollectorSet::dockerSnapshotReady, state, &ClusterState::applyContainers);
    connect(m_collectors, &CollectorSet::containerStatsReady, state, &ClusterState::applyContainerStats);
    connect(m_collectors, &CollectorSet::dockerEventReceived, state, &ClusterState::applyDockerEvent);
    connect(m_collectors, &CollectorSet::dockerSnapshotReady, this, &Application::onDockerSnapshot);
    connect(m_collectors, &CollectorSet::nodeSnapshotReady, this,
            [this](const NodeSnapshot &snapshot) { m_recorder->recordNode(snapshot); });
    connect(m_collectors, &CollectorSet::redisSnapshotReady, this,
            [this](const RedisSnapshot &snapshot) { m_recorder->recordRedis(snapshot); });
    connect(m_collectors, &CollectorSet::postgresSnapshotReady, this,
            [this](const PostgresSnapshot &snapshot) { m_recorder->recordPostgres(snapshot); });
    connect(m_collectors, &CollectorSet::containerStatsReady, this, [this](const ContainerStats &stats) {
        m_recorder->recordContainerStats(m_state->nodeOfContainer(stats.id), stats);
    });
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
    m_awaitingFirstData.clear();
    for (const NodeConfig &node : config.nodes)
        m_awaitingFirstData.insert(node.name);
    if (config.redis.configured)
        m_awaitingFirstData.insert(QStringLiteral("Redis"));
    if (config.postgres.configured)
        m_awaitingFirstData.insert(QStringLiteral("PostgreSQL"));
    m_sinceClusterOpened.start();
    connect(m_collectors, &CollectorSet::nodeSnapshotReady, this, [this](const NodeSnapshot &snapshot) {
        if (snapshot.health.ok())
            firstAnswerFrom(snapshot.node);
    });
    connect(m_collectors, &CollectorSet::redisSnapshotReady, this, [this](const RedisSnapshot &snapshot) {
        if (snapshot.reachable)
            firstAnswerFrom(QStringLiteral("Redis"));
    });
    connect(m_collectors, &CollectorSet::postgresSnapshotReady, this, [this](const PostgresSnapshot &snapshot) {
        if (snapshot.reachable)
            firstAnswerFrom(QStringLiteral("PostgreSQL"));
    });
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
    m_window->setDiscoveredContainers(m_state->discovered());
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

void Application::fillSyntheticHistory(int hours)
{
    // Plausible shapes (daily waves, noise, bursts, one outage per node) at the poll rate, so the
    // long ranges can be looked at and measured. Real samples then continue from now.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 step = std::max<qint64>(1000, m_config.pollInterval.count());
    const qint64 from = now - qint64(hours) * 3'600'000;
    QRandomGenerator random(42);
    const auto wave = [](qint64 t, double periodH, double phase) {
        return std::sin(2 * M_PI * (double(t) / (periodH * 3'600'000.0) + phase));
    };
    for (qint64 t = from; t < now; t += step) {
        for (int i = 0; i < m_config.nodes.size(); ++i) {
            const QString &node = m_config.nodes[i].name;
            const qint64 outageStart = from + (qint64(i) * 7'919'000) % std::max<qint64>(1, now - from);
            const bool down = t >= outageStart && t < outageStart + 180'000;
            const double load = 35 + 20 * wave(t, 24, i * 0.1) + 8 * wave(t, 1.5, i * 0.3) + random.bounded(6.0);
            for (const char *metric : {"cpu", "container_cpu"}) {
                const QString id = MetricsRecorder::nodeSeries(node, metric);
                down ? void(m_history->appendGap(id, t)) : void(m_history->append(id, t, load));
            }
            const double memoryPercent = 40 + 15 * wave(t, 24, 0.2 + i * 0.05) + random.bounded(2.0);
            const QString memPct = MetricsRecorder::nodeSeries(node, "memory_percent");
            const QString mem = MetricsRecorder::nodeSeries(node, "memory");
            const QString response = MetricsRecorder::nodeSeries(node, "response");
            if (down) {
                m_history->appendGap(memPct, t);
                m_history->appendGap(mem, t);
                m_history->appendGap(response, t);
            } else {
                m_history->append(memPct, t, memoryPercent);
                m_history->append(mem, t, memoryPercent / 100 * 1024.0 * 1024 * 1024);
                m_history->append(response, t, 4 + random.bounded(6.0) + (load > 60 ? 20 : 0));
            }
        }
        const double waiting = std::max(0.0, 30 * wave(t, 6, 0) + random.bounded(20.0) - 5);
        m_history->append(QStringLiteral("queue/waiting"), t, std::round(waiting));
        m_history->append(QStringLiteral("queue/active"), t, double(random.bounded(4, 11)));
        m_history->append(QStringLiteral("queue/delayed"), t, double(random.bounded(0, 3)));
        m_history->append(QStringLiteral("queue/failed"), t, double((t - from) / 3'600'000));
        m_history->append(QStringLiteral("queue/completed_per_min"), t, 180 + 60 * wave(t, 24, 0) + random.bounded(20.0));
        m_history->append(QStringLiteral("redis/memory"), t, 3.0e6 + 1.0e6 * wave(t, 6, 0.5));
        m_history->append(QStringLiteral("redis/clients"), t, double(random.bounded(20, 26)));
        m_history->append(QStringLiteral("postgres/connections"), t, double(random.bounded(8, 14)));
        m_history->append(QStringLiteral("postgres/executions/running"), t, double(random.bounded(2, 9)));
        m_history->append(QStringLiteral("postgres/executions/waiting"), t, double(random.bounded(0, 3)));
    }
    m_window->chartsPanel()->refreshNow(now);
    qCInfo(lcApp) << "filled" << hours << "h of synthetic chart history:" << m_history->count() << "series,"
                  << m_history->memoryBytes() / (1024 * 1024) << "MiB";
}

void Application::onActiveAlertsChanged()
{
    const QList<AlertTransition> active = m_alertEngine->activeAlerts();
    m_alertsPanel->setActiveAlerts(active);
    m_tray->setActiveAlerts(active);
    int critical = 0;
    int warning = 0;
    for (const AlertTransition &alert : active) {
        if (alert.state == AlertState::Pending || !alert.causedBy.isEmpty())
            continue;   // grouped under their cause, which is counted
        (alert.severity == Severity::Critical ? critical : warning) += 1;
    }
    QStringList parts;
    if (critical > 0)
        parts << QStringLiteral("%1 critical").arg(critical);
    if (warning > 0)
        parts << QStringLiteral("%1 warning").arg(warning);
    m_window->setAlertSummary(parts.isEmpty() ? QString() : QStringLiteral("⚠ ") + parts.join(QStringLiteral(" · ")) + QStringLiteral(" firing"),
                              critical > 0);
}

void Application::onAlertStored(const AlertTransition &transition)
{
    m_alertHistoryModel->prepend(transition);
    m_tray->notify(transition);
    if (m_config.alerts.webhooks.isEmpty())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool silenced = std::any_of(m_silences.cbegin(), m_silences.cend(), [&](const Silence &silence) {
        return silence.matches(transition.rule, transition.subject, now);
    });
    const NotifyStatus status = silenced ? NotifyStatus::Silenced : NotifyStatus::Queued;
    QMetaObject::invokeMethod(m_alertStore, "setNotifyStatus", Q_ARG(qint64, transition.id),
                              Q_ARG(cw::NotifyStatus, status), Q_ARG(QString, QString()));
    if (!silenced) {
        m_deliveries.insert(transition.id, Delivery{int(m_config.alerts.webhooks.size()), false, false, {}});
        QMetaObject::invokeMethod(m_notifier, "notify", Q_ARG(cw::AlertTransition, transition));
    }
}

void Application::deliveryOutcome(qint64 id, bool delivered, const QString &error)
{
    auto it = m_deliveries.find(id);
    if (it == m_deliveries.end())
        it = m_deliveries.insert(id, Delivery{1, false, false, {}});   // queued before a cluster change
    --it->pending;
    if (delivered) {
        it->sent = true;
    } else {
        it->error += (it->error.isEmpty() ? QString() : QStringLiteral("; ")) + error;
    }
    if (!it->reported && (it->sent || it->pending <= 0)) {
        it->reported = true;
        QMetaObject::invokeMethod(m_alertStore, "setNotifyStatus", Q_ARG(qint64, id),
                                  Q_ARG(cw::NotifyStatus, it->sent ? NotifyStatus::Sent : NotifyStatus::Failed),
                                  Q_ARG(QString, it->sent ? QString() : it->error));
    }
    if (it->pending <= 0)
        m_deliveries.erase(it);
}

void Application::firstAnswerFrom(const QString &source)
{
    if (m_awaitingFirstData.remove(source) && m_awaitingFirstData.isEmpty())
        qCInfo(lcApp) << "live data from every source of" << m_config.name << "after"
                      << m_sinceClusterOpened.elapsed() << "ms";
}

void Application::tick()
{
    const Instant now = Clock::system().now();
    m_state->tick(now);
    m_alertEngine->evaluate(now);
}

} // namespace cw
