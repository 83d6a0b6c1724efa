#include "services/drillrun/DrillRunner.h"

#include "models/Alert.h"
#include "models/Clock.h"
#include "models/state/ClusterState.h"
#include "services/actions/AuditLog.h"
#include "services/base/Logging.h"
#include "services/base/WorkerThread.h"
#include "services/drillrun/DrillChecks.h"
#include "services/drillrun/DrillJournalWriter.h"
#include "services/drillrun/DrillProbe.h"
#include "services/drills/DrillJournal.h"
#include "services/session/ClusterSession.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QSysInfo>
#include <QUuid>

namespace cw {

namespace {

constexpr qint64 kTickMs = 100;
constexpr qint64 kProgressEveryMs = 250;
constexpr qint64 kJournalEveryMs = 2000;
/// The load balancer check looks at requests finished in this trailing window.
constexpr qint64 kLbWindowMs = 2000;
/// Preflight needs at least this many answered prober requests before judging the balancer.
constexpr int kLbMinimumRequests = 5;
/// "until_recovered": the cluster works around the fault when the balancer had no failed or
/// slow request for this long and the queue moved after the fault.
constexpr qint64 kWorkedAroundMs = 5000;
/// The journal write that must land before a fault is injected.
constexpr qint64 kJournalBeforeFaultMs = 5000;

ContainerAction faultAction(DrillFault fault)
{
    switch (fault) {
    case DrillFault::Stop:
        return ContainerAction::Stop;
    case DrillFault::Kill:
        return ContainerAction::Kill;
    case DrillFault::Pause:
        return ContainerAction::Pause;
    case DrillFault::Restart:
        return ContainerAction::Restart;
    }
    return ContainerAction::Stop;
}

ContainerAction recoveryAction(RecoveryAction action)
{
    switch (action) {
    case RecoveryAction::Start:
        return ContainerAction::Start;
    case RecoveryAction::Unpause:
        return ContainerAction::Unpause;
    case RecoveryAction::Restart:
        return ContainerAction::Restart;
    }
    return ContainerAction::Start;
}

QString faultWords(DrillFault fault)
{
    switch (fault) {
    case DrillFault::Stop:
        return QStringLiteral("stop (docker stop: SIGTERM, then SIGKILL after the grace period)");
    case DrillFault::Kill:
        return QStringLiteral("kill (SIGKILL, no grace)");
    case DrillFault::Pause:
        return QStringLiteral("pause (freeze every process; sockets stay open)");
    case DrillFault::Restart:
        return QStringLiteral("restart");
    }
    return {};
}

QString durationWords(const DrillDuration &duration)
{
    switch (duration.kind) {
    case DrillDurationKind::Fixed:
        return QStringLiteral("for %1").arg(drillDuration(duration.fixed.count()));
    case DrillDurationKind::UntilDetected:
        return QStringLiteral("until Clusterwatch detects it");
    case DrillDurationKind::UntilRecovered:
        return QStringLiteral("until the rest of the cluster works around it");
    }
    return {};
}

bool isN8nContainer(const ClusterState &state, const QString &name)
{
    for (const NodeEntry &node : state.nodes())
        if (node.config.container == name)
            return true;
    return false;
}

} // namespace

/// An action sent for the drill and awaited, with what follows it.
struct DrillRunner::Pending {
    QString container;
    ContainerAction action = ContainerAction::Start;
    QString why;
    qint64 sentMs = 0; ///< when it left: a stop's SIGTERM is sent then, not when it is answered
};

DrillRunner::DrillRunner(ClusterSession *session, DrillRunnerOptions options, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_options(std::move(options))
{
    qRegisterMetaType<cw::DrillRecord>();
    qRegisterMetaType<cw::DrillProbeSettings>();
    qRegisterMetaType<QList<cw::ProbeSample>>();
    qRegisterMetaType<QList<cw::TargetSample>>();

    m_journalThread = std::make_unique<WorkerThread>(QStringLiteral("cw-drill-journal"));
    m_journal = m_journalThread->adopt(new DrillJournalWriter);
    m_journalThread->thread()->start();
    connect(m_journal, &DrillJournalWriter::written, this,
        [this](quint64 sequence, const QString &path, const QString &error) {
            m_journalAcked = std::max(m_journalAcked, sequence);
            if (!error.isEmpty()) {
                m_journalError = error;
                if (!m_journalFailedSaid) {
                    m_journalFailedSaid = true;
                    qCWarning(lcApp).noquote() << "drill journal:" << error;
                    Q_EMIT journalFailed(error);
                }
            } else {
                m_journalPath = path;
                m_journalError.clear();
            }
            if (m_waitingForJournal && sequence >= m_journalBeforeFault)
                inject();
        });

    m_tick.setInterval(int(kTickMs));
    connect(&m_tick, &QTimer::timeout, this, &DrillRunner::advance);
    m_journalTimer.setInterval(int(kJournalEveryMs));
    connect(&m_journalTimer, &QTimer::timeout, this, &DrillRunner::writeJournal);

    connect(m_session->state(), &ClusterState::ticked, this, &DrillRunner::onEvaluated);
    connect(m_session, &ClusterSession::actionFinished, this, &DrillRunner::onActionFinished);
    connect(m_session, &ClusterSession::runtimeEvent, this, &DrillRunner::onRuntimeEvent);
    connect(m_session, &ClusterSession::alertRaised, this, &DrillRunner::onAlert);
    connect(m_session, &ClusterSession::clusterOpened, this, [this](const ClusterConfig &config) {
        m_progress.clear();
        if (m_running && config.name != m_record.clusterName) {
            // The engine that holds the fault is no longer watched: the journal stays
            // unfinished, so the drill history offers its rollback.
            note(QStringLiteral("note"), QString(),
                QStringLiteral("another cluster file was opened mid-drill; roll back from the "
                               "drill history"));
            m_record.verdictReason = QStringLiteral("interrupted: another cluster was opened");
            stopDrill();
            writeJournal();
        }
    });
}

DrillRunner::~DrillRunner()
{
    shutdown();
    stopProbe();
}

QString DrillRunner::journalDir() const
{
    return m_options.journalDir.isEmpty() ? defaultDrillDirectory() : m_options.journalDir;
}

qint64 DrillRunner::offsetNow() const
{
    return Clock::system().now().monoMs - m_originMonoMs;
}

// --- what the session knows ------------------------------------------------------------------

std::optional<ContainerInfo> DrillRunner::container(const QString &name) const
{
    return m_session->container(name);
}

QString DrillRunner::targetContainer(const DrillSpec &spec) const
{
    return spec.target.container;
}

bool DrillRunner::targetDown() const
{
    const ClusterState &state = *m_session->state();
    const DrillTarget &target = m_record.spec.target;
    switch (target.kind) {
    case DrillTargetKind::Node:
        if (const NodeEntry *node = state.node(target.node))
            return node->last.timestampMs != 0 && node->verdict.state != NodeState::Healthy
                && node->verdict.state != NodeState::Unknown;
        return false;
    case DrillTargetKind::Redis:
        return state.hasRedis() && !state.redis().reachable;
    case DrillTargetKind::Postgres:
        return state.hasPostgres() && !state.postgres().reachable;
    case DrillTargetKind::LoadBalancer: {
        int failed = 0;
        int seen = 0;
        const qint64 now = offsetNow();
        for (auto it = m_record.probes.crbegin(); it != m_record.probes.crend(); ++it) {
            if (now - (it->sentMs + it->latencyMs) > kLbWindowMs)
                break;
            ++seen;
            failed += it->failed() ? 1 : 0;
        }
        return seen > 0 && failed == seen;
    }
    }
    return false;
}

bool DrillRunner::targetHealthy() const
{
    // The 10 Hz probe says it first; without one, the session's verdict.
    if (!m_record.target.isEmpty())
        return m_record.target.constLast().up;
    const ClusterState &state = *m_session->state();
    const DrillTarget &target = m_record.spec.target;
    switch (target.kind) {
    case DrillTargetKind::Node:
        if (const NodeEntry *node = state.node(target.node))
            return node->verdict.state == NodeState::Healthy;
        return false;
    case DrillTargetKind::Redis:
        return state.hasRedis() && state.redis().reachable;
    case DrillTargetKind::Postgres:
        return state.hasPostgres() && state.postgres().reachable;
    case DrillTargetKind::LoadBalancer:
        return !m_record.probes.isEmpty() && !m_record.probes.constLast().failed();
    }
    return false;
}

QStringList DrillRunner::blockers(const DrillSpec &spec) const
{
    return blockersOf(spec, true);
}

QStringList DrillRunner::blockersOf(const DrillSpec &spec, bool countRunning) const
{
    QStringList reasons;
    if (m_session->isReadOnly() || m_session->actions()->isReadOnly())
        reasons.append(QStringLiteral("drills are disabled on this read-only screen"));
    if (m_running && countRunning)
        reasons.append(QStringLiteral("a drill is already running (%1)").arg(m_record.spec.name));
    if (!m_session->isOpen())
        reasons.append(QStringLiteral("no cluster is open"));
    if (m_session->runtimeEndpoint().isEmpty())
        reasons.append(
            QStringLiteral("the cluster file has no Docker host: a drill acts through it"));
    else if (!m_session->state()->runtimeReachable())
        reasons.append(
            QStringLiteral("Docker is not reachable at %1").arg(m_session->runtimeEndpoint()));
    const QString name = targetContainer(spec);
    if (name.isEmpty()) {
        reasons.append(QStringLiteral("%1 has no container: give `container:` in the drill file")
                           .arg(spec.target.name()));
    } else if (m_session->state()->runtimeReachable()) {
        const auto info = container(name);
        if (!info)
            reasons.append(QStringLiteral("container %1 was not found on %2")
                               .arg(name, m_session->runtimeEndpoint()));
        else if (info->state != QLatin1String("running"))
            reasons.append(
                QStringLiteral("container %1 is %2, not running").arg(name, info->state));
    }
    if (spec.prober.enabled && !m_session->config().loadBalancerUrl.isValid())
        reasons.append(QStringLiteral("the prober needs load_balancer: in the cluster file"));
    return reasons;
}

QStringList DrillRunner::plan(const DrillSpec &spec) const
{
    const QString host = m_session->runtimeEndpoint();
    const QString target = spec.target.name();
    const QString containerName = targetContainer(spec);
    QStringList steps;
    QStringList checks;
    for (const SteadyStateCheck check : spec.steadyState)
        checks.append(toString(check));
    steps.append(QStringLiteral("Preflight: check that %1 runs and that the steady state holds "
                                "(%2)")
                     .arg(containerName, checks.join(QStringLiteral(", "))));
    if (spec.prober.enabled)
        steps.append(
            QStringLiteral("Measure: send %1 requests/s to %2%3 through the load "
                           "balancer (slow after %4) and probe %5 10 times a second")
                .arg(spec.prober.requestsPerSecond)
                .arg(m_session->config().loadBalancerUrl.toString(QUrl::RemoveUserInfo),
                    spec.prober.path, drillDuration(spec.prober.slowThreshold.count()), target));
    steps.append(QStringLiteral("Inject: %1 container %2 on %3")
                     .arg(faultWords(spec.fault), containerName, host));
    steps.append(
        QStringLiteral("Observe: hold the fault %1 (at most %2)")
            .arg(durationWords(spec.duration), drillDuration(spec.abort.maxDuration.count())));
    if (spec.abort.errorRate)
        steps.append(QStringLiteral("Abort when more than %1 % of the requests fail for %2")
                         .arg(spec.abort.errorRate->abovePercent)
                         .arg(drillDuration(spec.abort.errorRate->forDuration.count())));
    steps.append(
        QStringLiteral("Recover: %1 container %2%3")
            .arg(toString(spec.recovery.action), containerName,
                spec.recovery.automatic ? QString() : QStringLiteral(" (when you say so)")));
    steps.append(QStringLiteral("Verify: %1 healthy again and the steady state holds (within %2)")
                     .arg(target, drillDuration(m_options.verifyTimeout.count())));
    steps.append(QStringLiteral("Report: journal in %1").arg(journalDir()));
    return steps;
}

QString DrillRunner::confirmationText(const DrillSpec &spec) const
{
    return QStringLiteral("Run the drill \"%1\"?\n\nIt will %2 container %3 (%4) on the Docker "
                          "host %5 of cluster %6, %7, then %8 it.")
        .arg(spec.name, toString(spec.fault), targetContainer(spec), spec.target.name(),
            m_session->runtimeEndpoint(), m_session->config().name, durationWords(spec.duration),
            toString(spec.recovery.action));
}

// --- the run ----------------------------------------------------------------------------------

bool DrillRunner::start(
    const DrillSpec &spec, const QString &drillFile, bool dryRun, QString *error)
{
    auto refuse = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_running)
        return refuse(QStringLiteral("a drill is already running (%1)").arg(m_record.spec.name));
    if (m_session->isReadOnly() || m_session->actions()->isReadOnly())
        return refuse(QStringLiteral("drills are disabled on this read-only screen"));
    begin(spec, drillFile, dryRun);
    return true;
}

void DrillRunner::begin(const DrillSpec &spec, const QString &drillFile, bool dryRun)
{
    const QStringList blocking = dryRun ? blockers(spec) : QStringList(); // before we run
    m_record = DrillRecord();
    m_record.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_record.clusterName = m_session->config().name;
    m_record.clusterFile = m_options.clusterFile.isEmpty()
        ? m_session->config().sourceFile
        : QFileInfo(m_options.clusterFile).absoluteFilePath();
    m_record.drillFile = drillFile.isEmpty() ? QString() : QFileInfo(drillFile).absoluteFilePath();
    m_record.dockerHost = m_session->runtimeEndpoint();
    m_record.user = AuditLog::localUser();
    m_record.host = QSysInfo::machineHostName();
    m_record.spec = spec;
    m_record.dryRun = dryRun;
    m_record.startedWallMs = Clock::system().now().wallMs;
    m_originMonoMs = Clock::system().now().monoMs;
    m_journalPath.clear();
    m_journalFailedSaid = false;
    m_journalError.clear();
    m_abortWhy.clear();
    m_healthySinceMs = -1;
    m_workedAroundSinceMs = -1;
    m_progressAtFault.reset();
    m_waitingForJournal = false;
    m_awaitingRecovery = false;
    m_rollingBack = false;
    m_pending.reset();
    m_queued.clear();
    m_nodeStates.clear();
    for (const NodeEntry &node : m_session->state()->nodes())
        m_nodeStates.insert(node.config.name, node.verdict.state);
    m_running = true;
    Q_EMIT started(m_record);
    audit(QStringLiteral("drill start"),
        dryRun ? QStringLiteral("dry run") : QStringLiteral("started"),
        QStringLiteral("%1: %2 %3").arg(spec.name, toString(spec.fault), spec.target.name()));

    if (dryRun) {
        step(DrillPhase::Preflight, QStringLiteral("check the target and the steady state"));
        // Judged on what the session already knows: the balancer is probed only by a real run,
        // and the queue needs a few evaluations of history.
        QList<SteadyStateCheck> checks = spec.steadyState;
        QStringList notJudged;
        if (checks.removeAll(SteadyStateCheck::LoadBalancerAnswers) > 0)
            notJudged.append(QStringLiteral("load_balancer_answers is probed when the drill runs"));
        const bool queueHistory = m_progress.size() >= 5;
        if (!queueHistory && checks.removeAll(SteadyStateCheck::QueueDraining) > 0)
            notJudged.append(QStringLiteral("queue_draining needs a few more seconds of watching"));
        const QStringList failing
            = cw::steadyStateFailures(checks, *m_session->state(), steadyInputs(false));
        const QStringList said = blocking + failing;
        endStep(said.isEmpty() ? QStringLiteral("ok") : QStringLiteral("failed"),
            (said.isEmpty() ? QStringLiteral("a drill could start now")
                            : said.join(QStringLiteral("; ")))
                + (notJudged.isEmpty() ? QString()
                                       : QStringLiteral(" (") + notJudged.join(QStringLiteral("; "))
                            + QLatin1Char(')')));
        const QStringList steps = plan(spec);
        static const DrillPhase phases[] = { DrillPhase::Preflight, DrillPhase::Inject,
            DrillPhase::Observe, DrillPhase::Recover, DrillPhase::Verify, DrillPhase::Report };
        for (const QString &text : steps) {
            DrillPhase phase = DrillPhase::Report;
            for (const DrillPhase candidate : phases)
                if (text.startsWith(toString(candidate), Qt::CaseInsensitive))
                    phase = candidate;
            if (text.startsWith(QLatin1String("Measure"))
                || text.startsWith(QLatin1String("Abort")))
                phase = DrillPhase::Observe;
            step(phase, text);
            endStep(QStringLiteral("dry run"));
        }
        finish(DrillVerdict::DryRun,
            said.isEmpty()
                ? QStringLiteral("nothing was done; the steady state holds now")
                : QString(QStringLiteral("nothing was done; a real run would be refused: ")
                    + said.join(QStringLiteral("; "))));
        return;
    }

    m_record.phase = DrillPhase::Preflight;
    m_phaseStartMs = 0;
    step(DrillPhase::Preflight,
        QStringLiteral("check %1 and the steady state").arg(spec.target.name()));
    startProbe();
    m_tick.start();
    m_journalTimer.start();
    writeJournal();
}

SteadyStateInputs DrillRunner::steadyInputs(bool afterRecovery) const
{
    SteadyStateInputs in;
    const qint64 now = offsetNow();
    for (auto it = m_record.probes.crbegin(); it != m_record.probes.crend(); ++it) {
        const qint64 finishedAt = it->sentMs + it->latencyMs;
        if (now - finishedAt > kLbWindowMs)
            break;
        in.recentProbes.prepend(*it);
    }
    // After the recovery only requests sent after it count: those sent into the fault may
    // still be coming back.
    if (const auto recovery = m_record.firstEvent(QStringLiteral("recovery"));
        afterRecovery && recovery) {
        const qint64 since = recovery->atMs;
        in.recentProbes.removeIf([since](const ProbeSample &p) { return p.sentMs < since; });
    }
    in.progress = m_progress;
    in.nowMonoMs = Clock::system().now().monoMs;
    in.progressWindowMs = qint64(m_options.progressWindow.count());
    return in;
}

QStringList DrillRunner::steadyStateFailures(const DrillSpec &spec, bool afterRecovery) const
{
    return cw::steadyStateFailures(
        spec.steadyState, *m_session->state(), steadyInputs(afterRecovery));
}

void DrillRunner::step(DrillPhase phase, const QString &title)
{
    if (!m_record.steps.isEmpty() && m_record.steps.constLast().endMs < 0)
        endStep(QStringLiteral("ok"));
    DrillStep s;
    s.phase = phase;
    s.title = title;
    s.startMs = offsetNow();
    m_record.phase = phase;
    m_record.steps.append(s);
    qCInfo(lcApp).noquote() << "drill" << m_record.spec.name << toString(phase) << title;
    Q_EMIT stepChanged(s);
}

void DrillRunner::endStep(const QString &outcome, const QString &detail)
{
    if (m_record.steps.isEmpty())
        return;
    DrillStep &s = m_record.steps.last();
    if (s.endMs >= 0)
        return;
    s.endMs = offsetNow();
    s.outcome = outcome;
    s.detail = detail;
    if (!m_record.dryRun)
        audit(QStringLiteral("drill ") + toString(s.phase), outcome,
            detail.isEmpty() ? s.title : s.title + QStringLiteral(": ") + detail);
    Q_EMIT stepChanged(s);
}

void DrillRunner::note(const QString &kind, const QString &subject, const QString &detail)
{
    DrillEvent event;
    event.atMs = offsetNow();
    event.kind = kind;
    event.subject = subject;
    event.detail = detail;
    m_record.events.append(event);
}

void DrillRunner::noteAt(
    qint64 atMs, const QString &kind, const QString &subject, const QString &detail)
{
    // Kept in time order: events seen while the action was on its way stay after it.
    auto it = std::upper_bound(m_record.events.begin(), m_record.events.end(), atMs,
        [](qint64 at, const DrillEvent &event) { return at < event.atMs; });
    m_record.events.insert(it, DrillEvent { atMs, kind, subject, detail });
}

void DrillRunner::audit(const QString &what, const QString &result, const QString &message)
{
    AuditEntry entry;
    entry.actionId = QStringLiteral("drill:") + m_record.id;
    entry.timeMs = Clock::system().now().wallMs;
    entry.user = m_record.user.isEmpty() ? AuditLog::localUser() : m_record.user;
    entry.dockerHost = m_record.dockerHost;
    entry.node = m_record.spec.target.name();
    entry.container = m_record.spec.target.container;
    entry.action = what;
    entry.result = result;
    entry.message = message;
    m_session->appendAudit(entry);
}

void DrillRunner::startProbe()
{
    stopProbe();
    const DrillSpec &spec = m_record.spec;
    const ClusterConfig &config = m_session->config();
    DrillProbeSettings settings;
    if ((spec.prober.enabled || spec.steadyState.contains(SteadyStateCheck::LoadBalancerAnswers))
        && config.loadBalancerUrl.isValid()) {
        settings.loadBalancer = config.loadBalancerUrl;
        settings.path = spec.prober.path;
        settings.requestsPerSecond = std::max(10, spec.prober.requestsPerSecond);
        // The guide's nginx waits up to 120 s for a webhook processor (proxy_read_timeout):
        // a frozen one holds requests that long, and the drill wants to see the whole wait.
        settings.requestTimeout = std::chrono::seconds(130);
    }
    switch (spec.target.kind) {
    case DrillTargetKind::Node:
        for (const NodeConfig &node : config.nodes) {
            if (node.name != spec.target.node)
                continue;
            QUrl url = node.baseUrl;
            QString path = url.path();
            if (path.endsWith(QLatin1Char('/')))
                path.chop(1);
            url.setPath(path + QStringLiteral("/healthz/readiness"));
            settings.target.kind = TargetProbeSpec::Kind::Http;
            settings.target.url = url;
        }
        break;
    case DrillTargetKind::Redis:
        settings.target.kind = TargetProbeSpec::Kind::Redis;
        settings.target.host = config.redis.host;
        settings.target.port = quint16(config.redis.port);
        break;
    case DrillTargetKind::Postgres:
        settings.target.kind = TargetProbeSpec::Kind::Postgres;
        settings.target.host = config.postgres.host;
        settings.target.port = quint16(config.postgres.port);
        break;
    case DrillTargetKind::LoadBalancer:
        break; // the prober is the target's probe
    }
    // At most 10 probes are outstanding: a timeout under 1 s keeps 10 samples a second coming
    // from a frozen target too.
    settings.target.timeout = std::min<Millis>(config.timeouts.request, Millis(900));
    m_probeThread = std::make_unique<WorkerThread>(QStringLiteral("cw-drill-probe"));
    m_probe = m_probeThread->adopt(new DrillProbe);
    connect(m_probe, &DrillProbe::samples, this, &DrillRunner::onSamples);
    m_probeThread->thread()->start();
    QMetaObject::invokeMethod(
        m_probe,
        [probe = m_probe, settings, origin = m_originMonoMs] { probe->start(settings, origin); },
        Qt::QueuedConnection);
}

void DrillRunner::stopProbe()
{
    if (!m_probeThread)
        return;
    disconnect(m_probe, nullptr, this, nullptr);
    QMetaObject::invokeMethod(m_probe, &DrillProbe::stop, Qt::QueuedConnection);
    m_probe = nullptr;
    m_probeThread.reset(); // quits and joins; the probe is deleted on its thread
}

void DrillRunner::onSamples(const QList<ProbeSample> &probes, const QList<TargetSample> &targets)
{
    if (!m_running)
        return;
    m_record.probes.append(probes); // sent only when the prober or the balancer check wants them
    for (const TargetSample &sample : targets) {
        const bool wasUp = m_record.target.isEmpty() || m_record.target.constLast().up;
        m_record.target.append(sample);
        if (m_record.faultActive && wasUp != sample.up)
            note(sample.up ? QStringLiteral("target-up") : QStringLiteral("target-down"),
                m_record.spec.target.name(),
                sample.up ? QStringLiteral("answers again")
                          : (sample.status > 0 ? QStringLiteral("answers %1").arg(sample.status)
                                               : QStringLiteral("no answer")));
    }
    const qint64 now = offsetNow();
    if (now - m_lastProgressMs >= kProgressEveryMs) {
        m_lastProgressMs = now;
        Q_EMIT progressed(m_record);
    }
}

void DrillRunner::onEvaluated()
{
    const ClusterState &state = *m_session->state();
    ProgressPoint point;
    point.monoMs = Clock::system().now().monoMs;
    point.progress = state.progressCount();
    if (state.hasRedis() && state.redis().reachable && state.redis().queueRead)
        point.waiting = state.redis().queue.waiting + state.redis().queue.prioritized;
    m_progress.push_back(point);
    const qint64 keep = qint64(m_options.progressWindow.count()) + 5000;
    while (!m_progress.empty() && point.monoMs - m_progress.front().monoMs > keep)
        m_progress.pop_front();
    if (!m_running || m_record.dryRun)
        return;

    ClusterSample sample;
    sample.atMs = offsetNow();
    sample.nodesTotal = int(state.nodes().size());
    for (const NodeEntry &node : state.nodes()) {
        if (node.verdict.state == NodeState::Healthy)
            ++sample.nodesUp;
        const NodeState before = m_nodeStates.value(node.config.name, NodeState::Unknown);
        if (before != node.verdict.state && m_record.phase != DrillPhase::Preflight) {
            if (node.verdict.state == NodeState::Healthy)
                note(QStringLiteral("node-up"), node.config.name, QStringLiteral("healthy"));
            else if (node.verdict.state != NodeState::Unknown)
                note(QStringLiteral("node-down"), node.config.name,
                    toString(node.verdict.state) + QStringLiteral(": ") + node.verdict.reason);
        }
        m_nodeStates.insert(node.config.name, node.verdict.state);
    }
    sample.targetUp = !targetDown();
    if (point.waiting)
        sample.waiting = point.waiting;
    if (state.hasRedis() && state.redis().reachable && state.redis().queueRead)
        sample.active = state.redis().queue.active;
    // Completions exist only as main's counter: while main is not answering it says nothing
    // (not "none completed"), so the sample leaves it out.
    for (const NodeEntry &node : state.nodes())
        if (node.config.role == NodeRole::Main && node.verdict.state == NodeState::Healthy
            && !node.stale)
            sample.completed = state.completedJobs();
    if (state.hasPostgres() && state.postgres().reachable && state.postgres().n8nSchema) {
        sample.running = state.postgres().executionsWith("running");
        sample.crashed = state.postgres().executionsWith("crashed");
    }
    sample.alertsFiring = 0;
    m_record.cluster.append(sample);

    if (m_record.faultActive && !m_record.firstEvent(QStringLiteral("detected")) && targetDown()) {
        QString how;
        if (const NodeEntry *node = state.node(m_record.spec.target.node))
            how = toString(node->verdict.state) + QStringLiteral(": ") + node->verdict.reason;
        else if (m_record.spec.target.kind == DrillTargetKind::Redis)
            how = QStringLiteral("Redis unreachable: ") + state.redis().error;
        else if (m_record.spec.target.kind == DrillTargetKind::Postgres)
            how = QStringLiteral("PostgreSQL unreachable: ") + state.postgres().error;
        else
            how = QStringLiteral("every request through it fails");
        note(QStringLiteral("detected"), m_record.spec.target.name(), how);
    }
}

void DrillRunner::onAlert(const AlertTransition &transition)
{
    if (!m_running || m_record.dryRun || m_record.phase == DrillPhase::Preflight)
        return;
    QString kind;
    switch (transition.state) {
    case AlertState::Pending:
        kind = QStringLiteral("alert-pending");
        break;
    case AlertState::Firing:
    case AlertState::Flapping:
        kind = QStringLiteral("alert-firing");
        break;
    case AlertState::Resolved:
        kind = QStringLiteral("alert-resolved");
        break;
    }
    note(kind, transition.key(), transition.summary);
}

void DrillRunner::onRuntimeEvent(const RuntimeEvent &event)
{
    if (!m_running || m_record.dryRun || event.type != QLatin1String("container"))
        return;
    static const QStringList watched = { QStringLiteral("die"), QStringLiteral("start"),
        QStringLiteral("pause"), QStringLiteral("unpause"), QStringLiteral("kill"),
        QStringLiteral("stop"), QStringLiteral("restart") };
    if (!watched.contains(event.action))
        return;
    const QString name = event.name;
    const bool ours
        = name == m_record.spec.target.container || isN8nContainer(*m_session->state(), name);
    if (!ours)
        return;
    QString detail;
    if (event.action == QLatin1String("die"))
        detail = QStringLiteral("exit code %1")
                     .arg(event.attributes.value(QStringLiteral("exitCode")));
    note(QStringLiteral("container-") + event.action, name, detail);
}

void DrillRunner::sendAction(
    const QString &containerName, ContainerAction action, const QString &why)
{
    m_pending = std::make_unique<Pending>(Pending { containerName, action, why, offsetNow() });
    const QString node = m_session->state()->nodeOfContainer(containerName);
    const auto verdict = m_session->requestAction(node, containerName, action, /*override=*/true);
    switch (verdict) {
    case ActionController::Verdict::Sent:
        return; // onActionFinished
    case ActionController::Verdict::Busy: {
        // Another action on the container (the operator's) is running: try again shortly.
        QTimer::singleShot(500, this, [this, containerName, action, why] {
            if (m_pending && m_pending->container == containerName && m_pending->action == action)
                sendAction(containerName, action, why);
        });
        return;
    }
    case ActionController::Verdict::NeedsOverride:
    case ActionController::Verdict::NoBackend:
    case ActionController::Verdict::ReadOnly:
        break; // actionFinished (refused) was emitted, or follows; handled there
    }
    if (verdict == ActionController::Verdict::NeedsOverride) {
        ActionResult refused;
        refused.container = containerName;
        refused.action = action;
        refused.outcome = ActionOutcome::Refused;
        refused.message = QStringLiteral("refused by the restart-storm guard");
        onActionFinished(refused, node);
    }
}

void DrillRunner::onActionFinished(const ActionResult &result, const QString &)
{
    if (!m_pending || result.container != m_pending->container
        || result.action != m_pending->action)
        return;
    const Pending done = *m_pending;
    m_pending.reset();
    const bool ok
        = result.outcome == ActionOutcome::Done || result.outcome == ActionOutcome::AlreadyInState;
    endStep(ok ? QStringLiteral("ok") : QStringLiteral("failed"),
        QStringLiteral("%1 (%2 ms)").arg(result.message).arg(result.finishedMs - result.startedMs));
    writeJournal();

    if (m_rollingBack) {
        if (!ok)
            m_rollbackFailures.append(result.message);
        nextRollbackAction();
        return;
    }
    switch (m_record.phase) {
    case DrillPhase::Inject:
        if (!ok) {
            startRollback(QStringLiteral("the fault could not be injected: ") + result.message);
            return;
        }
        noteAt(done.sentMs, QStringLiteral("fault"), done.container,
            QStringLiteral("%1 sent; the engine confirmed it after %2")
                .arg(toString(result.action), drillDuration(offsetNow() - done.sentMs)));
        m_progressAtFault = m_progress.empty() ? 0 : m_progress.back().progress;
        step(DrillPhase::Observe,
            QStringLiteral("hold the fault %1").arg(durationWords(m_record.spec.duration)));
        m_phaseStartMs = offsetNow();
        break;
    case DrillPhase::Recover:
        if (!ok) {
            startRollback(QStringLiteral("the recovery failed: ") + result.message);
            return;
        }
        noteAt(done.sentMs, QStringLiteral("recovery"), done.container,
            QStringLiteral("%1 sent; the engine confirmed it after %2")
                .arg(toString(result.action), drillDuration(offsetNow() - done.sentMs)));
        step(DrillPhase::Verify,
            QStringLiteral("wait until %1 is healthy and the steady state holds")
                .arg(m_record.spec.target.name()));
        m_phaseStartMs = offsetNow();
        m_healthySinceMs = -1;
        break;
    case DrillPhase::Verify:
        // starting n8n containers that exited; verification goes on
        break;
    default:
        break;
    }
}

void DrillRunner::advance()
{
    if (!m_running || m_rollingBack)
        return;
    const qint64 now = offsetNow();
    const DrillSpec &spec = m_record.spec;
    const qint64 inPhase = now - m_phaseStartMs;
    switch (m_record.phase) {
    case DrillPhase::Preflight: {
        // This drill is the one running: it does not block itself.
        const QStringList real = blockersOf(spec, false);
        if (!real.isEmpty() && inPhase > 3000) { // the runtime's first answer may be on its way
            refuse(real);
            return;
        }
        int answered = 0;
        for (const ProbeSample &probe : m_record.probes)
            answered += probe.status > 0 ? 1 : 0;
        const bool lbNeeded = spec.steadyState.contains(SteadyStateCheck::LoadBalancerAnswers);
        const bool lbReady = !lbNeeded || answered >= kLbMinimumRequests;
        const QStringList failures = steadyStateFailures(spec, false);
        if (real.isEmpty() && failures.isEmpty() && lbReady && m_session->everySourceAnswered()) {
            endStep(QStringLiteral("ok"), QStringLiteral("the steady state holds"));
            m_record.probes.clear(); // the drill's measurements start with the fault
            m_record.target.clear();
            m_record.cluster.clear();
            prepareInjection();
            return;
        }
        if (inPhase > qint64(m_options.preflightWait.count()))
            refuse(real + failures);
        return;
    }
    case DrillPhase::Inject:
        if (m_waitingForJournal && now - m_phaseStartMs > kJournalBeforeFaultMs) {
            m_waitingForJournal = false;
            finish(DrillVerdict::Aborted,
                QStringLiteral("the journal could not be written, so the fault was not injected: ")
                    + (m_journalError.isEmpty() ? QStringLiteral("no answer from the disk")
                                                : m_journalError));
        }
        return;
    case DrillPhase::Observe: {
        if (checkAbortConditions(now))
            return;
        bool done = false;
        QString why;
        switch (spec.duration.kind) {
        case DrillDurationKind::Fixed:
            done = inPhase >= qint64(spec.duration.fixed.count());
            why = QStringLiteral("held for %1").arg(drillDuration(spec.duration.fixed.count()));
            break;
        case DrillDurationKind::UntilDetected:
            done = m_record.firstEvent(QStringLiteral("detected")).has_value()
                || m_record.firstEvent(QStringLiteral("alert-pending")).has_value()
                || m_record.firstEvent(QStringLiteral("alert-firing")).has_value();
            why = QStringLiteral("Clusterwatch detected the fault");
            break;
        case DrillDurationKind::UntilRecovered:
            done = workedAround(now);
            why = QStringLiteral("the rest of the cluster works around the fault");
            break;
        }
        if (!done && inPhase >= qint64(spec.abort.maxDuration.count())) {
            m_record.deviations.append(QStringLiteral("the fault was held for max_duration (%1) "
                                                      "without the end condition being met")
                                           .arg(drillDuration(spec.abort.maxDuration.count())));
            done = true;
            why = QStringLiteral("max_duration reached");
        }
        if (done) {
            endStep(QStringLiteral("ok"), why);
            recover();
        }
        return;
    }
    case DrillPhase::Recover:
        if (m_awaitingRecovery)
            checkAbortConditions(now);
        return;
    case DrillPhase::Verify:
        verify();
        return;
    default:
        return;
    }
}

bool DrillRunner::workedAround(qint64 now)
{
    const ClusterState &state = *m_session->state();
    bool queueOk = true;
    if (m_record.spec.steadyState.contains(SteadyStateCheck::QueueDraining)) {
        const quint64 progressNow = m_progress.empty() ? 0 : m_progress.back().progress;
        const bool moved = m_progressAtFault && progressNow > *m_progressAtFault;
        const bool empty
            = !m_progress.empty() && m_progress.back().waiting && *m_progress.back().waiting == 0;
        queueOk = state.hasRedis() && state.redis().reachable && (moved || empty);
    }
    bool clientsOk = true;
    if (m_record.spec.prober.enabled) {
        const qint64 slowMs = qint64(m_record.spec.prober.slowThreshold.count());
        int seen = 0;
        for (auto it = m_record.probes.crbegin(); it != m_record.probes.crend(); ++it) {
            if (now - (it->sentMs + it->latencyMs) > kWorkedAroundMs)
                break;
            ++seen;
            if (it->failed() || it->latencyMs > slowMs)
                clientsOk = false;
        }
        // Requests still in flight (a frozen backend) are not answered yet: a request sent
        // more than the slow threshold ago without an answer also counts as slow.
        if (seen == 0)
            clientsOk = false;
    }
    const bool detected = m_record.firstEvent(QStringLiteral("detected")).has_value();
    const bool ok = queueOk && clientsOk && detected;
    if (!ok) {
        m_workedAroundSinceMs = -1;
        return false;
    }
    if (m_workedAroundSinceMs < 0)
        m_workedAroundSinceMs = now;
    return now - m_workedAroundSinceMs >= kWorkedAroundMs;
}

bool DrillRunner::checkAbortConditions(qint64 now)
{
    const auto &rule = m_record.spec.abort.errorRate;
    if (!rule || m_record.probes.isEmpty())
        return false;
    // Every whole second of the trailing window must be above the rate.
    const qint64 window = qint64(rule->forDuration.count());
    if (!m_record.figures.faultAtMs)
        m_record.figures.faultAtMs = m_record.firstEvent(QStringLiteral("fault"))
            ? std::optional<qint64>(m_record.firstEvent(QStringLiteral("fault"))->atMs)
            : std::nullopt;
    if (!m_record.figures.faultAtMs || now - *m_record.figures.faultAtMs < window)
        return false;
    const qint64 from = now - window;
    QMap<qint64, std::pair<int, int>> perSecond; // second -> (finished, failed)
    for (auto it = m_record.probes.crbegin(); it != m_record.probes.crend(); ++it) {
        const qint64 finished = it->sentMs + it->latencyMs;
        if (finished < from)
            break;
        auto &bin = perSecond[(finished - from) / 1000];
        ++bin.first;
        bin.second += it->failed() ? 1 : 0;
    }
    const qint64 seconds = std::max<qint64>(1, window / 1000);
    for (qint64 s = 0; s < seconds; ++s) {
        const auto bin = perSecond.value(s, { 0, 0 });
        if (bin.first == 0 || 100.0 * bin.second / bin.first <= rule->abovePercent)
            return false;
    }
    abort(QStringLiteral("abort condition: more than %1 % of the requests through the load "
                         "balancer failed for %2")
              .arg(rule->abovePercent)
              .arg(drillDuration(window)));
    return true;
}

void DrillRunner::refuse(const QStringList &reasons)
{
    endStep(QStringLiteral("failed"), reasons.join(QStringLiteral("; ")));
    finish(DrillVerdict::Refused,
        QStringLiteral("the drill did not start: ") + reasons.join(QStringLiteral("; ")));
}

void DrillRunner::prepareInjection()
{
    const QString name = targetContainer(m_record.spec);
    const auto info = container(name);
    m_record.containersBefore.insert(name, info ? info->state : QStringLiteral("running"));
    step(DrillPhase::Inject,
        QStringLiteral("%1 container %2 on %3")
            .arg(toString(m_record.spec.fault), name, m_record.dockerHost));
    m_phaseStartMs = offsetNow();
    // No fault without a journal that can undo it: the journal that says the fault is about to
    // be active must be on disk before the action leaves.
    m_record.faultActive = true;
    m_waitingForJournal = true;
    m_journalBeforeFault = writeJournal();
}

void DrillRunner::inject()
{
    if (!m_waitingForJournal)
        return;
    m_waitingForJournal = false;
    if (!m_journalError.isEmpty()) {
        m_record.faultActive = false;
        endStep(QStringLiteral("failed"), m_journalError);
        finish(DrillVerdict::Aborted,
            QStringLiteral("the journal could not be written, so the fault was not injected: ")
                + m_journalError);
        return;
    }
    sendAction(
        targetContainer(m_record.spec), faultAction(m_record.spec.fault), QStringLiteral("inject"));
}

void DrillRunner::recover()
{
    step(DrillPhase::Recover,
        QStringLiteral("%1 container %2")
            .arg(toString(m_record.spec.recovery.action), targetContainer(m_record.spec)));
    m_phaseStartMs = offsetNow();
    if (!m_record.spec.recovery.automatic) {
        m_awaitingRecovery = true;
        writeJournal();
        Q_EMIT recoveryAwaited();
        return;
    }
    sendAction(targetContainer(m_record.spec), recoveryAction(m_record.spec.recovery.action),
        QStringLiteral("recover"));
}

void DrillRunner::recoverNow()
{
    if (!m_running || !m_awaitingRecovery)
        return;
    m_awaitingRecovery = false;
    sendAction(targetContainer(m_record.spec), recoveryAction(m_record.spec.recovery.action),
        QStringLiteral("recover"));
}

void DrillRunner::verify()
{
    const qint64 now = offsetNow();
    const qint64 inPhase = now - m_phaseStartMs;
    if (!m_record.firstEvent(QStringLiteral("healthy")) && targetHealthy()) {
        note(QStringLiteral("healthy"), m_record.spec.target.name(),
            QStringLiteral("answers again"));
        m_record.faultActive = false;
        writeJournal();
    }
    // n8n processes that exited (Redis or PostgreSQL gone too long) and that the engine does
    // not bring back by itself are started once, after the target is back.
    if (m_record.firstEvent(QStringLiteral("healthy")) && !m_restartedExited && !m_pending) {
        m_restartedExited = true;
        QStringList exited;
        for (const NodeEntry &node : m_session->state()->nodes()) {
            if (node.config.container.isEmpty())
                continue;
            const auto info = container(node.config.container);
            if (info
                && (info->state == QLatin1String("exited") || info->state == QLatin1String("dead")))
                exited.append(node.config.container);
        }
        if (!exited.isEmpty()) {
            m_queued = exited;
            step(DrillPhase::Verify,
                QStringLiteral("start the n8n containers that exited: %1")
                    .arg(exited.join(QStringLiteral(", "))));
            sendAction(m_queued.takeFirst(), ContainerAction::Start, QStringLiteral("dependents"));
            return;
        }
    }
    if (m_pending)
        return;
    if (!m_queued.isEmpty()) {
        sendAction(m_queued.takeFirst(), ContainerAction::Start, QStringLiteral("dependents"));
        return;
    }
    const QStringList failures = m_record.firstEvent(QStringLiteral("healthy"))
        ? steadyStateFailures(m_record.spec, true)
        : QStringList { QStringLiteral("%1 is not healthy yet").arg(m_record.spec.target.name()) };
    if (failures.isEmpty()) {
        if (m_healthySinceMs < 0)
            m_healthySinceMs = now;
        if (now - m_healthySinceMs >= qint64(m_options.verifyHold.count())
            && now - m_record.firstEvent(QStringLiteral("healthy"))->atMs
                >= qint64(m_options.afterRecoveryProbe.count())) {
            endStep(QStringLiteral("ok"), QStringLiteral("the steady state holds again"));
            note(QStringLiteral("steady-state"), QString(), QStringLiteral("holds again"));
            conclude(QString());
        }
        return;
    }
    m_healthySinceMs = -1;
    if (inPhase > qint64(m_options.verifyTimeout.count())) {
        endStep(QStringLiteral("failed"), failures.join(QStringLiteral("; ")));
        conclude(QStringLiteral("the steady state did not return within %1: %2")
                     .arg(drillDuration(m_options.verifyTimeout.count()),
                         failures.join(QStringLiteral("; "))));
    }
}

void DrillRunner::conclude(const QString &verifyFailure)
{
    m_record.computeFigures();
    QStringList deviations = m_record.deviations;
    if (!verifyFailure.isEmpty())
        deviations.append(verifyFailure);
    for (const QString &finding : drillDeviations(m_record))
        if (!deviations.contains(finding))
            deviations.append(finding);
    m_record.deviations = deviations;
    if (deviations.isEmpty()) {
        finish(DrillVerdict::Passed,
            QStringLiteral("%1 recovered in %2; the steady state held again")
                .arg(m_record.spec.target.name(),
                    m_record.figures.rtoMs ? drillDuration(*m_record.figures.rtoMs)
                                           : QStringLiteral("(not measured)")));
    } else {
        finish(DrillVerdict::Deviated,
            deviations.constFirst()
                + (deviations.size() > 1
                        ? QStringLiteral(" (and %1 more findings)").arg(deviations.size() - 1)
                        : QString()));
    }
}

void DrillRunner::abort(const QString &why)
{
    if (!m_running || m_rollingBack)
        return;
    note(QStringLiteral("abort"), QString(), why);
    if (m_record.phase == DrillPhase::Preflight) {
        endStep(QStringLiteral("skipped"), why);
        finish(DrillVerdict::Aborted, why);
        return;
    }
    if (m_record.phase == DrillPhase::Inject && m_waitingForJournal) {
        m_waitingForJournal = false;
        m_record.faultActive = false;
        endStep(QStringLiteral("skipped"), why);
        finish(DrillVerdict::Aborted, why + QStringLiteral(" (before the fault was injected)"));
        return;
    }
    startRollback(why);
}

QList<std::pair<QString, ContainerAction>> DrillRunner::rollbackActions(
    const DrillRecord &record) const
{
    QList<std::pair<QString, ContainerAction>> actions;
    for (auto it = record.containersBefore.cbegin(); it != record.containersBefore.cend(); ++it) {
        const auto info = container(it.key());
        const QString now = info ? info->state : QString();
        if (now == QLatin1String("paused"))
            actions.append({ it.key(), ContainerAction::Unpause });
        else if (now != QLatin1String("running") && now != QLatin1String("restarting"))
            actions.append({ it.key(), ContainerAction::Start });
    }
    // The fault itself is undone whatever the last observation says (it may not have arrived
    // yet): an engine that finds the container already back answers "already in that state".
    if (record.faultActive) {
        const QString target = record.spec.target.container;
        bool listed = false;
        for (const auto &[name, action] : actions)
            listed = listed || name == target;
        const auto info = container(target);
        const bool running = info && info->state == QLatin1String("running");
        if (!listed && !target.isEmpty() && !running)
            actions.append({ target, recoveryAction(defaultRecovery(record.spec.fault)) });
        else if (!listed && !target.isEmpty())
            actions.append({ target,
                record.spec.fault == DrillFault::Pause ? ContainerAction::Unpause
                                                       : ContainerAction::Start });
    }
    // Redis or PostgreSQL gone too long makes every n8n process exit.
    if (record.spec.target.kind == DrillTargetKind::Redis
        || record.spec.target.kind == DrillTargetKind::Postgres) {
        for (const NodeEntry &node : m_session->state()->nodes()) {
            const auto info = container(node.config.container);
            if (info
                && (info->state == QLatin1String("exited") || info->state == QLatin1String("dead")))
                actions.append({ node.config.container, ContainerAction::Start });
        }
    }
    return actions;
}

void DrillRunner::startRollback(const QString &why)
{
    m_abortWhy = why;
    m_rollingBack = true;
    m_awaitingRecovery = false;
    if (!m_record.steps.isEmpty() && m_record.steps.constLast().endMs < 0)
        endStep(QStringLiteral("failed"), why);
    m_rollbackActions = rollbackActions(m_record);
    // The action in flight (a fault being injected) is answered first; the rollback waits.
    step(DrillPhase::Rollback,
        m_rollbackActions.isEmpty()
            ? QStringLiteral("nothing to roll back: %1 runs").arg(targetContainer(m_record.spec))
            : QStringLiteral("roll back: %1").arg([this] {
                  QStringList parts;
                  for (const auto &[name, action] : m_rollbackActions)
                      parts.append(toString(action) + QLatin1Char(' ') + name);
                  return parts.join(QStringLiteral(", "));
              }()));
    m_rollbackFailures.clear();
    writeJournal();
    if (!m_pending)
        nextRollbackAction();
}

void DrillRunner::nextRollbackAction()
{
    if (!m_rollbackActions.isEmpty()) {
        const auto [name, action] = m_rollbackActions.takeFirst();
        sendAction(name, action, QStringLiteral("rollback"));
        return;
    }
    if (m_rollbackFailures.isEmpty()) {
        m_record.faultActive = false;
        endStep(QStringLiteral("ok"), QStringLiteral("rolled back"));
    } else {
        endStep(QStringLiteral("failed"), m_rollbackFailures.join(QStringLiteral("; ")));
    }
    m_record.computeFigures();
    finish(DrillVerdict::Aborted,
        m_rollbackFailures.isEmpty()
            ? QString(m_abortWhy + QStringLiteral("; rolled back"))
            : QString(m_abortWhy + QStringLiteral("; the rollback failed: ")
                + m_rollbackFailures.join(QStringLiteral("; "))
                + QStringLiteral(" — roll back from the drill history")));
}

void DrillRunner::finish(DrillVerdict verdict, const QString &reason)
{
    if (!m_running)
        return;
    if (!m_record.steps.isEmpty() && m_record.steps.constLast().endMs < 0)
        endStep(QStringLiteral("ok"));
    m_record.verdict = verdict;
    m_record.verdictReason = reason;
    if (verdict != DrillVerdict::Aborted || !m_record.faultActive)
        m_record.phase = DrillPhase::Done;
    m_record.finishedWallMs = Clock::system().now().wallMs;
    if (verdict != DrillVerdict::DryRun)
        m_record.computeFigures();
    audit(QStringLiteral("drill end"), toString(verdict), reason);
    stopDrill();
    const quint64 sequence = writeJournal();
    // The journal write is queued; finished() carries the path it will have.
    const QString path = journalDir() + QLatin1Char('/') + drillJournalFileName(m_record);
    Q_UNUSED(sequence)
    qCInfo(lcApp).noquote() << "drill" << m_record.spec.name << "->" << toString(verdict) << reason;
    Q_EMIT progressed(m_record);
    Q_EMIT finished(m_record, path);
}

void DrillRunner::stopDrill()
{
    m_running = false;
    m_rollingBack = false;
    m_awaitingRecovery = false;
    m_waitingForJournal = false;
    m_restartedExited = false;
    m_pending.reset();
    m_queued.clear();
    m_rollbackActions.clear();
    m_tick.stop();
    m_journalTimer.stop();
    stopProbe();
}

quint64 DrillRunner::writeJournal()
{
    if (m_record.id.isEmpty())
        return 0;
    const quint64 sequence = ++m_journalSequence;
    QMetaObject::invokeMethod(
        m_journal,
        [journal = m_journal, sequence, record = m_record, dir = journalDir()] {
            journal->write(sequence, record, dir);
        },
        Qt::QueuedConnection);
    return sequence;
}

void DrillRunner::shutdown(const QString &why)
{
    if (!m_running) {
        stopProbe();
        return;
    }
    if (!m_record.faultActive && !m_rollingBack) {
        note(QStringLiteral("abort"), QString(), why);
        if (!m_record.steps.isEmpty() && m_record.steps.constLast().endMs < 0)
            endStep(QStringLiteral("skipped"), why);
        finish(DrillVerdict::Aborted, why);
    } else {
        if (!m_rollingBack)
            abort(why);
        // Wait (bounded) for the rollback's answers; the session's signals keep arriving.
        QEventLoop loop;
        QTimer deadline;
        deadline.setSingleShot(true);
        connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
        connect(this, &DrillRunner::finished, &loop, &QEventLoop::quit);
        deadline.start(int(m_options.shutdownWait.count()));
        if (m_running)
            loop.exec();
        if (m_running) {
            // Unconfirmed: the journal stays unfinished so the next start offers the rollback.
            note(QStringLiteral("note"), QString(),
                QStringLiteral("%1; the rollback was not confirmed within %2")
                    .arg(why, drillDuration(m_options.shutdownWait.count())));
            m_record.verdictReason = why + QStringLiteral("; rollback not confirmed");
            stopDrill();
            writeJournal();
        }
    }
    // The last journal write lands before the writer's thread ends.
    QMetaObject::invokeMethod(
        m_journal, [] {}, Qt::BlockingQueuedConnection);
}

// --- interrupted drills -----------------------------------------------------------------------

QList<DrillRecord> DrillRunner::unfinishedDrills(QStringList *errors) const
{
    QList<DrillRecord> found;
    for (const DrillJournalEntry &entry : listDrillJournals(journalDir(), errors)) {
        const DrillRecord &record = entry.record;
        if (record.clusterName != m_session->config().name || record.dryRun)
            continue;
        if (record.verdict == DrillVerdict::Running || record.faultActive)
            found.append(record);
    }
    return found;
}

bool DrillRunner::rollback(const DrillRecord &interrupted, QString *error)
{
    auto refuse = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (m_running)
        return refuse(QStringLiteral("a drill is running (%1)").arg(m_record.spec.name));
    if (m_session->isReadOnly() || m_session->actions()->isReadOnly())
        return refuse(QStringLiteral("drills are disabled on this read-only screen"));
    if (!m_session->state()->runtimeReachable())
        return refuse(QStringLiteral("Docker is not reachable at %1: the rollback needs it")
                          .arg(m_session->runtimeEndpoint()));
    m_record = interrupted;
    // Offsets stay those of the original drill (its start); the rollback is appended.
    m_originMonoMs
        = Clock::system().now().monoMs - (Clock::system().now().wallMs - interrupted.startedWallMs);
    m_journalFailedSaid = false;
    m_journalError.clear();
    m_pending.reset();
    m_running = true;
    Q_EMIT started(m_record);
    note(QStringLiteral("note"), QString(),
        QStringLiteral("found unfinished at %1 (phase %2); rolled back by %3")
            .arg(QDateTime::currentDateTime().toString(Qt::ISODate), toString(interrupted.phase),
                AuditLog::localUser()));
    startRollback(QStringLiteral("interrupted: Clusterwatch stopped mid-drill (phase %1)")
                      .arg(toString(interrupted.phase)));
    m_tick.start();
    return true;
}

} // namespace cw
