#include "services/session/ClusterSession.h"

#include "models/Clock.h"
#include "models/state/ClusterState.h"
#include "models/timeseries/MetricsRecorder.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "services/actions/AuditLog.h"
#include "services/alerts/AlertEngine.h"
#include "services/alerts/Notifier.h"
#include "services/base/Logging.h"
#include "services/base/WorkerThread.h"
#include "services/collectors/CollectorSet.h"
#include "services/history/AlertHistory.h"
#include "services/session/DeliveryLedger.h"
#include "services/session/SyntheticHistory.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QThread>
#include <algorithm>

namespace cw {

namespace {

const QString kRedis = QStringLiteral("Redis");
const QString kPostgres = QStringLiteral("PostgreSQL");
const QString kRuntime = QStringLiteral("runtime");

} // namespace

ClusterSession::ClusterSession(SessionOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_clock(m_options.clock ? m_options.clock : &Clock::system())
    , m_state(std::make_unique<ClusterState>(m_clock))
    , m_series(std::make_unique<TimeSeriesStore>())
    , m_recorder(std::make_unique<MetricsRecorder>(m_series.get(), m_clock))
    , m_engine(std::make_unique<AlertEngine>(m_state.get()))
    , m_actions(std::make_unique<ActionController>())
    , m_ledger(std::make_unique<DeliveryLedger>())
{
    registerSnapshotMetaTypes();
    registerAlertHistoryMetaTypes();
    m_actions->setClock(m_clock);
    registerAlertMetaTypes();
    connect(m_engine.get(), &AlertEngine::transition, this, &ClusterSession::onTransition);
    connect(m_engine.get(), &AlertEngine::activeAlertsChanged, this,
        &ClusterSession::activeAlertsChanged);
    connect(
        m_actions.get(), &ActionController::actionFinished, this, &ClusterSession::actionFinished);

    if (m_options.persistent) {
        // The audit trail, the history and the notifier each on their own thread, so a slow
        // disk or webhook never stalls the clock.
        m_auditPath = m_options.auditPath.isEmpty() ? AuditLog::defaultPath() : m_options.auditPath;
        m_auditThread = std::make_unique<WorkerThread>(QStringLiteral("cw-audit"));
        m_audit = m_auditThread->adopt(new AuditLog(m_auditPath));
        m_auditThread->thread()->start();
        connect(m_actions.get(), &ActionController::auditRequested, m_audit, &AuditLog::append);
        connect(m_audit, &AuditLog::failed, this, &ClusterSession::auditFailed);

        m_alertHistoryPath = m_options.alertHistoryPath.isEmpty()
            ? QFileInfo(m_auditPath).dir().filePath(QStringLiteral("alerts.sqlite"))
            : m_options.alertHistoryPath;
        m_historyThread = std::make_unique<WorkerThread>(QStringLiteral("cw-history"));
        m_history = m_historyThread->adopt(new AlertHistory(m_alertHistoryPath));
        connect(m_history, &AlertHistory::stored, this, &ClusterSession::onStored);
        connect(m_history, &AlertHistory::notifyStatusChanged, this,
            &ClusterSession::notifyStatusChanged);
        connect(m_history, &AlertHistory::acknowledged, this, &ClusterSession::acknowledged);
        connect(m_history, &AlertHistory::exportFinished, this, &ClusterSession::exportFinished);
        connect(m_history, &AlertHistory::silencesChanged, this,
            [this](const QList<Silence> &active) { m_silences = active; });
        connect(m_history, &AlertHistory::silenceAdded, this,
            [this](const Silence &silence) { m_silences << silence; });
        connect(m_history, &AlertHistory::silenceRemoved, this, [this](qint64 id) {
            m_silences.removeIf([id](const Silence &s) { return s.id == id; });
        });
        connect(m_history, &AlertHistory::failed, this, [this](const QString &error) {
            qCWarning(lcApp).noquote() << error;
            if (!std::exchange(m_historyFailing, true))
                Q_EMIT historyFailing(error);
        });
        connect(m_history, &AlertHistory::pendingChanged, this, [this](int count) {
            Q_EMIT historyPendingChanged(count);
            if (count == 0 && std::exchange(m_historyFailing, false))
                Q_EMIT historyRecovered();
        });
        connect(m_history, &AlertHistory::queryFinished, this,
            [this](quint64 request, const QList<AlertTransition> &rows) {
                if (request == m_restoreQuery) {
                    m_engine->restore(rows); // where every alert stood when the app stopped
                } else if (request == m_undeliveredQuery) {
                    if (m_config.name == m_undeliveredFor) { // not another cluster's by now
                        m_ledger->restoreUndelivered(rows);
                        redeliver();
                    }
                } else {
                    Q_EMIT queryFinished(request, rows);
                }
            });

        m_notifyThread = std::make_unique<WorkerThread>(QStringLiteral("cw-notify"));
        m_notifier = m_notifyThread->adopt(new Notifier);
        connect(m_notifier, &Notifier::delivered, this,
            [this](
                const QList<qint64> &refs, const QString &) { onDelivery(refs, true, QString()); });
        connect(m_notifier, &Notifier::deliveryFailed, this,
            [this](const QList<qint64> &refs, const QString &, const QString &error) {
                onDelivery(refs, false, error);
            });

        m_historyThread->start(m_history, &AlertHistory::open);
        m_notifyThread->start(m_notifier, &Notifier::start);
        HistoryQuery latest;
        latest.latestPerAlert = true;
        latest.limit = 0;
        m_restoreQuery = queryHistory(latest);
        QMetaObject::invokeMethod(m_history, &AlertHistory::listSilences, Qt::QueuedConnection);
    }
    m_actions->setReadOnly(m_options.readOnly || !m_options.persistent);

    m_evaluation.setInterval(1000);
    connect(&m_evaluation, &QTimer::timeout, this, &ClusterSession::tick);
    m_redeliverTimer.setInterval(int(m_options.redeliverEvery.count()));
    connect(&m_redeliverTimer, &QTimer::timeout, this, &ClusterSession::redeliver);
}

ClusterSession::~ClusterSession()
{
    drainActions();
    m_evaluation.stop();
    delete m_collectors; // stops the threads before the state they feed goes away
    m_collectors = nullptr;
    if (m_history) {
        drainDeliveries();
        // Whatever the history has queued is committed before its thread ends (FIFO).
        QMetaObject::invokeMethod(
            m_history, [] {}, Qt::BlockingQueuedConnection);
    }
    m_notifyThread.reset();
    m_historyThread.reset();
    if (m_audit) {
        // Entries queued just before quitting are written first: the queue is FIFO.
        QMetaObject::invokeMethod(
            m_audit, [] {}, Qt::BlockingQueuedConnection);
    }
    m_auditThread.reset();
}

void ClusterSession::drainActions()
{
    if (m_actions->inFlight() > 0 && m_collectors) {
        // Bounded: the engine's answer is awaited for actionDrain, the rest is "outcome unknown".
        QEventLoop loop;
        QTimer deadline;
        deadline.setSingleShot(true);
        connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
        connect(m_actions.get(), &ActionController::idle, &loop, &QEventLoop::quit);
        deadline.start(int(m_options.actionDrain.count()));
        qCInfo(lcApp) << "waiting up to" << m_options.actionDrain.count() << "ms for"
                      << m_actions->inFlight() << "action(s) in flight";
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    }
    m_actions->abandonInFlight(QStringLiteral("Clusterwatch quit before the engine answered"));
}

void ClusterSession::drainDeliveries()
{
    // Open groups go out now; then the answers of the messages on their way, and the rows the
    // history commits meanwhile, are taken in for a bounded time, so that a message that was
    // delivered is recorded as sent and not paged again at the next start.
    QMetaObject::invokeMethod(m_notifier, &Notifier::flush, Qt::BlockingQueuedConnection);
    const QDeadlineTimer deadline(m_options.deliveryDrain);
    while (true) {
        QMetaObject::invokeMethod(
            m_history, [] {}, Qt::BlockingQueuedConnection); // commits, reports stored()
        QCoreApplication::sendPostedEvents(this); // only what the notifier and the history sent us
        const bool rowsToCome = m_ledger->awaitingRows() > 0 && !m_historyFailing;
        if ((m_ledger->inFlight() == 0 && !rowsToCome) || deadline.hasExpired())
            break;
        QThread::msleep(10);
    }
    if (m_ledger->inFlight() > 0)
        qCInfo(lcApp)
            << m_ledger->inFlight()
            << "alert message(s) still on their way at quit; they are sent again at the next start";
}

void ClusterSession::retireCollectors(const QString &why)
{
    m_actions->abandonInFlight(why);
    if (m_collectors) {
        // Detached: it deletes itself once its threads have ended, which a source blocked in a
        // long request may take up to its timeout; nobody waits for that.
        m_collectors->setParent(nullptr);
        m_collectors->retire();
        m_collectors = nullptr;
    }
}

void ClusterSession::close()
{
    m_evaluation.stop();
    m_redeliverTimer.stop();
    retireCollectors(QStringLiteral("the cluster was closed before the engine answered"));
}

void ClusterSession::open(const ClusterConfig &config)
{
    retireCollectors(QStringLiteral("the cluster file was replaced before the engine answered"));
    if (isOpenedBefore())
        m_ledger->forgetUndelivered(); // another cluster's alerts are not for these webhooks
    m_config = config;
    m_actions->setGuard(RestartGuard(config.actions.restartLimit, config.actions.restartWindow));
    m_actions->setGraceSeconds(
        int(std::chrono::ceil<std::chrono::seconds>(config.actions.stopGrace).count()));
    m_runtimeEndpoint = config.docker.configured ? config.docker.display() : QString();
    m_runtimeReachable = false;
    m_containers.clear();
    m_actions->setEndpoint(m_runtimeEndpoint, false);
    m_state->setConfig(config);
    // Another cluster's samples would draw under this one's names.
    m_series->clear();
    m_recorder = std::make_unique<MetricsRecorder>(m_series.get(), m_clock);
    m_engine->setConfig(config);
    if (m_history) {
        QMetaObject::invokeMethod(m_history, "setRetention",
            Q_ARG(int, config.alerts.retentionDays), Q_ARG(qint64, config.alerts.maxHistoryRows));
        QMetaObject::invokeMethod(m_notifier, "configure", Q_ARG(QString, config.name),
            Q_ARG(QList<cw::WebhookConfig>, config.alerts.webhooks),
            Q_ARG(qint64, qint64(config.alerts.groupWindow.count())),
            Q_ARG(cw::DeliveryPolicy, m_options.delivery));
        if (!config.alerts.webhooks.isEmpty() && m_undeliveredQuery == 0) {
            // What the previous run could not deliver goes out now that there are targets.
            HistoryQuery undelivered;
            undelivered.notifyStatuses = { NotifyStatus::Queued, NotifyStatus::Failed };
            undelivered.fromMs = m_clock->now().wallMs - m_options.redeliverMaxAge.count();
            undelivered.newestFirst = false;
            undelivered.limit = 1000;
            m_undeliveredQuery = queryHistory(undelivered);
            m_undeliveredFor = config.name;
        }
        m_redeliverTimer.start();
    }

    m_collectors
        = m_options.makeCollectors ? m_options.makeCollectors(config) : new CollectorSet(config);
    m_collectors->setParent(this);
    ClusterState *state = m_state.get();
    connect(m_collectors, &CollectorSet::nodeSnapshotReady, state, &ClusterState::applyNode);
    connect(m_collectors, &CollectorSet::redisSnapshotReady, state, &ClusterState::applyRedis);
    connect(
        m_collectors, &CollectorSet::postgresSnapshotReady, state, &ClusterState::applyPostgres);
    connect(
        m_collectors, &CollectorSet::runtimeSnapshotReady, state, &ClusterState::applyContainers);
    connect(m_collectors, &CollectorSet::containerStatsReady, state,
        &ClusterState::applyContainerStats);
    connect(
        m_collectors, &CollectorSet::runtimeEventReceived, state, &ClusterState::applyRuntimeEvent);
    connect(m_collectors, &CollectorSet::runtimeSnapshotReady, this,
        &ClusterSession::onRuntimeSnapshot);
    connect(
        m_collectors, &CollectorSet::runtimeEventReceived, this, [this](const RuntimeEvent &event) {
            for (ContainerInfo &container : m_containers)
                if (container.id == event.id || container.name == event.name)
                    applyLifecycleEvent(container, event);
            Q_EMIT runtimeEvent(event);
        });
    connect(
        m_collectors, &CollectorSet::nodeSnapshotReady, this, [this](const NodeSnapshot &snapshot) {
            m_recorder->recordNode(snapshot);
            // Completions exist only as main's counter, which the state has already added up.
            if (const auto total = m_state->completedJobs();
                total && snapshot.values.queueCompleted)
                m_recorder->recordCompletedJobs(*total, m_state->completedCounterResets());
            answered(snapshot.node, snapshot.health.ok());
        });
    connect(m_collectors, &CollectorSet::redisSnapshotReady, this,
        [this](const RedisSnapshot &snapshot) {
            m_recorder->recordRedis(snapshot);
            answered(kRedis, snapshot.reachable);
        });
    connect(m_collectors, &CollectorSet::postgresSnapshotReady, this,
        [this](const PostgresSnapshot &snapshot) {
            m_recorder->recordPostgres(snapshot);
            answered(kPostgres, snapshot.reachable);
        });
    connect(m_collectors, &CollectorSet::containerStatsReady, this,
        [this](const ContainerStats &stats) {
            m_recorder->recordContainerStats(m_state->nodeOfContainer(stats.id), stats);
        });
    connect(m_collectors, &CollectorSet::actionFinished, m_actions.get(),
        &ActionController::onActionFinished);
    connect(
        m_actions.get(), &ActionController::performRequested, m_collectors, &CollectorSet::perform);
    connect(m_collectors, &CollectorSet::logsReady, this,
        [this](quint64, const QString &container, const QStringList &lines, const QString &error) {
            Q_EMIT logsReady(container, lines, error);
        });
    connect(m_collectors, &CollectorSet::logLine, this, &ClusterSession::logLine);

    m_awaitingRound.clear();
    for (const NodeConfig &node : config.nodes)
        m_awaitingRound.insert(node.name);
    if (config.redis.configured)
        m_awaitingRound.insert(kRedis);
    if (config.postgres.configured)
        m_awaitingRound.insert(kPostgres);
    m_awaitingLive = m_awaitingRound;
    if (config.docker.configured)
        m_awaitingRound.insert(kRuntime);
    m_sinceOpened.start();
    m_collectors->start();
    m_evaluation.start();
    qCInfo(lcApp) << "monitoring" << config.name << "with" << config.nodes.size() << "nodes from"
                  << config.sourceFile;
    Q_EMIT clusterOpened(config);
    Q_EMIT runtimeStatusChanged(m_runtimeEndpoint, false,
        m_runtimeEndpoint.isEmpty() ? QString()
                                    : QStringLiteral("connecting to ") + m_runtimeEndpoint);
}

void ClusterSession::answered(const QString &source, bool ok)
{
    if (m_awaitingRound.remove(source) && m_awaitingRound.isEmpty())
        Q_EMIT roundComplete();
    if (ok && m_awaitingLive.remove(source) && m_awaitingLive.isEmpty()) {
        qCInfo(lcApp) << "live data from every source of" << m_config.name << "after"
                      << m_sinceOpened.elapsed() << "ms";
        Q_EMIT liveData(m_sinceOpened.elapsed());
    }
}

void ClusterSession::onRuntimeSnapshot(const RuntimeSnapshot &snapshot)
{
    if (snapshot.reachable)
        m_containers = snapshot.containers;
    m_runtimeReachable = snapshot.reachable;
    m_actions->setEndpoint(m_runtimeEndpoint, snapshot.reachable);
    const QString detail = snapshot.reachable ? QStringLiteral("%1 · API %2 · %3 containers")
                                                    .arg(m_runtimeEndpoint, snapshot.apiVersion)
                                                    .arg(snapshot.containers.size())
                                              : snapshot.error;
    Q_EMIT discoveredContainersChanged(m_state->discovered());
    Q_EMIT runtimeStatusChanged(m_runtimeEndpoint, snapshot.reachable, detail);
    answered(kRuntime, snapshot.reachable);
}

std::optional<ContainerInfo> ClusterSession::container(const QString &name) const
{
    for (const ContainerInfo &info : m_containers)
        if (info.name == name)
            return info;
    return std::nullopt;
}

bool ClusterSession::appendAudit(const AuditEntry &entry)
{
    if (!m_audit)
        return false;
    QMetaObject::invokeMethod(
        m_audit, [audit = m_audit, entry] { audit->append(entry); }, Qt::QueuedConnection);
    return true;
}

void ClusterSession::tick()
{
    const Instant now = m_clock->now();
    m_state->tick(now);
    m_engine->evaluate(now);
}

void ClusterSession::setReadOnly(bool readOnly)
{
    m_options.readOnly = readOnly;
    m_actions->setReadOnly(isReadOnly());
}

void ClusterSession::evaluateNow()
{
    tick();
}

void ClusterSession::onTransition(const AlertTransition &transition)
{
    AlertTransition t = transition;
    const bool paging = m_notifier && !m_config.alerts.webhooks.isEmpty();
    if (paging) {
        const qint64 now = m_clock->now().wallMs; // silences are set in wall time
        const bool silenced = std::any_of(m_silences.cbegin(), m_silences.cend(),
            [&](const Silence &s) { return s.matches(t.rule, t.subject, now); });
        t.notify = silenced ? NotifyStatus::Silenced : NotifyStatus::Queued;
        if (!silenced) {
            // Paged now, not after the commit: a full disk must not keep the pager quiet.
            const AlertTransition tracked
                = m_ledger->track(t, int(m_config.alerts.webhooks.size()));
            QMetaObject::invokeMethod(m_notifier, "notify", Q_ARG(cw::AlertTransition, tracked));
        }
    }
    if (m_history)
        QMetaObject::invokeMethod(m_history, "append", Q_ARG(cw::AlertTransition, t));
    Q_EMIT alertRaised(t);
}

void ClusterSession::onStored(const AlertTransition &transition)
{
    if (const auto update = m_ledger->stored(transition))
        writeNotifyStatus(update->rowId, update->status, update->error);
    Q_EMIT alertStored(transition);
}

void ClusterSession::onDelivery(const QList<qint64> &refs, bool delivered, const QString &error)
{
    for (const qint64 ref : refs) {
        const auto update = m_ledger->outcome(ref, delivered, error);
        if (update && update->rowId > 0)
            writeNotifyStatus(update->rowId, update->status, update->error);
    }
}

void ClusterSession::writeNotifyStatus(qint64 rowId, NotifyStatus status, const QString &error)
{
    if (m_history)
        QMetaObject::invokeMethod(m_history, "setNotifyStatus", Q_ARG(qint64, rowId),
            Q_ARG(cw::NotifyStatus, status), Q_ARG(QString, error));
}

void ClusterSession::redeliver()
{
    if (!m_notifier || m_config.alerts.webhooks.isEmpty())
        return;
    const QList<AlertTransition> again = m_ledger->redeliver(int(m_config.alerts.webhooks.size()),
        m_clock->now().wallMs, m_options.redeliverMaxAge.count());
    if (!again.isEmpty())
        qCInfo(lcApp) << "trying" << again.size() << "undelivered alert message(s) again";
    for (const AlertTransition &t : again)
        QMetaObject::invokeMethod(m_notifier, "notify", Q_ARG(cw::AlertTransition, t));
}

QStringList ClusterSession::unansweredSources() const
{
    QStringList sources(m_awaitingRound.cbegin(), m_awaitingRound.cend());
    sources.sort();
    return sources;
}

int ClusterSession::undeliveredMessages() const
{
    return m_ledger->undelivered();
}

ActionController::Verdict ClusterSession::requestAction(
    const QString &node, const QString &container, ContainerAction action, bool overrideGuard)
{
    return m_actions->request(node, container, action, overrideGuard);
}

quint64 ClusterSession::queryHistory(const HistoryQuery &query)
{
    const quint64 id = m_nextQuery++;
    if (m_history)
        QMetaObject::invokeMethod(
            m_history, "query", Q_ARG(quint64, id), Q_ARG(cw::HistoryQuery, query));
    return id;
}

void ClusterSession::acknowledge(const QList<qint64> &ids, const QString &comment)
{
    if (m_history)
        QMetaObject::invokeMethod(m_history, "acknowledge", Q_ARG(QList<qint64>, ids),
            Q_ARG(QString, AuditLog::localUser()), Q_ARG(QString, comment),
            Q_ARG(qint64, m_clock->now().wallMs));
}

void ClusterSession::addSilence(Silence silence)
{
    silence.createdBy = AuditLog::localUser();
    if (m_history)
        QMetaObject::invokeMethod(m_history, "addSilence", Q_ARG(cw::Silence, silence));
}

void ClusterSession::exportHistory(const QString &path, const HistoryQuery &query)
{
    if (m_history)
        QMetaObject::invokeMethod(
            m_history, "exportCsv", Q_ARG(QString, path), Q_ARG(cw::HistoryQuery, query));
}

void ClusterSession::fetchLogs(const QString &container, int lines)
{
    if (m_collectors)
        m_collectors->fetchLogs(m_nextLogRequest++, container, lines);
}

void ClusterSession::followLogs(const QString &container, bool follow)
{
    if (m_collectors)
        m_collectors->followLogs(container, follow);
}

void ClusterSession::fillSyntheticHistory(int hours)
{
    fillSyntheticSeries(m_series.get(), m_config, hours, m_clock->now().wallMs);
}

} // namespace cw
