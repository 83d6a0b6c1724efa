#include "services/runtime/docker/DockerClient.h"

#include "services/base/Logging.h"
#include "services/runtime/docker/DockerJson.h"
#include "services/runtime/docker/DockerLogs.h"
#include "services/runtime/docker/DockerPoller.h"
#include "services/runtime/docker/DockerStreams.h"
#include "services/runtime/docker/DockerTransport.h"

namespace cw {

static_assert(DockerClient::kApiMajor == DockerTransport::kApiMajor
    && DockerClient::kApiMinor == DockerTransport::kApiMinor);

namespace {

constexpr int kDefaultStopGraceS = 10; ///< the engine's default for restart and stop

/// The engine's endpoint segment for an action it supports.
QString endpointOf(ContainerAction action)
{
    switch (action) {
    case ContainerAction::Restart:
        return QStringLiteral("restart");
    case ContainerAction::Stop:
        return QStringLiteral("stop");
    case ContainerAction::Start:
        return QStringLiteral("start");
    case ContainerAction::Kill:
        return QStringLiteral("kill");
    case ContainerAction::Pause:
        return QStringLiteral("pause");
    case ContainerAction::Unpause:
        return QStringLiteral("unpause");
    case ContainerAction::RolloutRestart:
    case ContainerAction::Scale:
        break;
    }
    return {};
}

QString pastTense(ContainerAction action)
{
    switch (action) {
    case ContainerAction::Restart:
        return QStringLiteral("restarted");
    case ContainerAction::Stop:
        return QStringLiteral("stopped");
    case ContainerAction::Start:
        return QStringLiteral("started");
    case ContainerAction::Kill:
        return QStringLiteral("killed");
    case ContainerAction::Pause:
        return QStringLiteral("paused");
    case ContainerAction::Unpause:
        return QStringLiteral("unpaused");
    case ContainerAction::RolloutRestart:
    case ContainerAction::Scale:
        break; // not supported: never done here
    }
    return {};
}

/// What an action that found its container already in the wanted state says: the engine answers
/// start and stop with 304, pause with 409 "Container <id> is already paused" and unpause with
/// 500 "Container <id> is not paused" (engine 20.10). Empty when @p reply is something else.
QString alreadyInState(const QString &container, ContainerAction action, const DockerReply &reply)
{
    if (reply.status == 304) {
        return action == ContainerAction::Start
            ? QStringLiteral("%1 is already running").arg(container)
            : QStringLiteral("%1 is already stopped").arg(container);
    }
    const QString message = parseApiError(reply.body);
    if (action == ContainerAction::Pause && reply.status == 409
        && message.endsWith(QLatin1String(" is already paused")))
        return QStringLiteral("%1 is already paused").arg(container);
    if (action == ContainerAction::Unpause && (reply.status == 409 || reply.status == 500)
        && message.endsWith(QLatin1String(" is not paused")))
        return QStringLiteral("%1 is not paused").arg(container);
    return {};
}

} // namespace

DockerClient::DockerClient(
    DockerEndpoint endpoint, Timeouts timeouts, Millis interval, QObject *parent)
    : ContainerRuntime(parent)
    , m_transport(new DockerTransport(std::move(endpoint), timeouts, this))
    , m_poller(new DockerPoller(*m_transport, interval, this))
    , m_streams(new DockerStreams(*m_transport, this))
    , m_logs(new DockerLogs(*m_transport, this))
{
    qRegisterMetaType<cw::RuntimeSnapshot>();
    qRegisterMetaType<cw::ContainerStats>();
    qRegisterMetaType<cw::RuntimeEvent>();
    qRegisterMetaType<cw::ActionResult>();
    qRegisterMetaType<cw::ContainerAction>();

    // The parts talk through the client, all on its thread (direct calls).
    connect(m_poller, &DockerPoller::snapshotReady, this, &ContainerRuntime::snapshotReady);
    connect(m_poller, &DockerPoller::engineAnswered, m_streams, &DockerStreams::engineAnswered);
    connect(m_poller, &DockerPoller::engineLost, m_streams, &DockerStreams::engineLost);
    connect(m_streams, &DockerStreams::containerTouched, m_poller, &DockerPoller::containerTouched);
    connect(m_streams, &DockerStreams::eventsEnded, m_poller, &DockerPoller::requestPollSoon);
    connect(m_streams, &DockerStreams::eventReceived, this, &ContainerRuntime::eventReceived);
    connect(m_streams, &DockerStreams::statsReady, this, &ContainerRuntime::statsReady);
    connect(m_logs, &DockerLogs::logsReady, this, &ContainerRuntime::logsReady);
    connect(m_logs, &DockerLogs::logLine, this, &ContainerRuntime::logLine);
    connect(m_logs, &DockerLogs::followFailed, this, &ContainerRuntime::followFailed);
}

DockerClient::~DockerClient()
    = default; // the parts are children; the transport frees curl's handles

QString DockerClient::kind() const
{
    return QStringLiteral("docker");
}

bool DockerClient::supports(ContainerAction action) const
{
    return !endpointOf(action).isEmpty();
}

quint64 DockerClient::inspectRequests() const
{
    return m_poller->inspectRequests();
}

void DockerClient::start()
{
    if (m_transport->isRunning())
        return;
    m_transport->start();
    m_poller->start();
}

void DockerClient::stop()
{
    m_transport->stop();
    m_poller->stop();
    m_streams->stop();
    m_logs->stop();
    m_busy.clear();
}

void DockerClient::fetchLogs(quint64 requestId, const QString &container, int tail)
{
    m_logs->fetch(requestId, container, tail);
}

void DockerClient::followLogs(const QString &container)
{
    m_logs->follow(container);
}

void DockerClient::unfollowLogs(const QString &container)
{
    m_logs->unfollow(container);
}

// --- actions ----------------------------------------------------------------------------------

void DockerClient::perform(
    quint64 requestId, const QString &container, ContainerAction action, int graceSeconds)
{
    ActionResult result;
    result.requestId = requestId;
    result.container = container;
    result.action = action;
    result.endpoint = m_transport->endpoint().display();
    result.startedMs = docker::wallMs();
    auto finish = [this](ActionResult done) {
        done.finishedMs = docker::wallMs();
        qCInfo(lcDocker).noquote()
            << toString(done.action) << done.container << "on" << done.endpoint << "->"
            << toString(done.outcome) << done.message;
        Q_EMIT actionFinished(done);
    };
    if (!supports(action)) {
        result.outcome = ActionOutcome::Failed;
        result.message
            = QStringLiteral("%1 is not supported by the Docker runtime").arg(toString(action));
        finish(result);
        return;
    }
    if (!m_transport->isRunning()) {
        result.outcome = ActionOutcome::Failed;
        result.message = QStringLiteral("the Docker client is not running");
        finish(result);
        return;
    }
    if (!docker::isContainerName(container)) {
        result.outcome = ActionOutcome::Refused;
        result.message = docker::notAContainerName(container);
        finish(result);
        return;
    }
    if (m_busy.contains(container)) {
        result.outcome = ActionOutcome::Refused;
        result.message = QStringLiteral("another action on %1 is still running").arg(container);
        finish(result);
        return;
    }
    m_busy.insert(container);
    m_transport->withApi(
        [this, result, graceSeconds, finish] {
            DockerRequestSpec spec;
            spec.method = "POST";
            spec.path = docker::containerPath(
                result.container, QString(QLatin1Char('/') + endpointOf(result.action)));
            // Kill sends SIGKILL (the engine's default signal) at once: no ?t=.
            if (hasGracePeriod(result.action)) {
                if (graceSeconds >= 0)
                    spec.path += QStringLiteral("?t=") + QString::number(graceSeconds);
                // The engine answers once the container stopped: up to the grace period.
                spec.timeoutMs = qint64(m_transport->timeouts().request.count())
                    + qint64(graceSeconds >= 0 ? graceSeconds : kDefaultStopGraceS) * 1000;
            }
            m_transport->send(spec,
                [this, result, finish](
                    const DockerReply &reply, std::optional<DockerFailure> failure) {
                    ActionResult done = result;
                    const QString already = failure && failure->unreachable
                        ? QString()
                        : alreadyInState(done.container, done.action, reply);
                    if (!already.isEmpty()) {
                        done.outcome = ActionOutcome::AlreadyInState;
                        done.message = already;
                    } else if (!failure) {
                        done.outcome = ActionOutcome::Done;
                        done.message = done.container + QLatin1Char(' ') + pastTense(done.action);
                    } else if (!failure->unreachable && reply.status == 404) {
                        done.outcome = ActionOutcome::NoSuchContainer;
                        const QString message = parseApiError(reply.body);
                        done.message = message.isEmpty()
                            ? QStringLiteral("No such container: ") + done.container
                            : message;
                    } else {
                        done.outcome = ActionOutcome::Failed;
                        const QString message
                            = failure->unreachable ? QString() : parseApiError(reply.body);
                        done.message = failure->unreachable
                            ? m_transport->unreachableText(failure->text)
                            : (message.isEmpty() ? failure->text : message);
                    }
                    m_busy.remove(done.container);
                    finish(done);
                    m_poller->requestPollSoon();
                });
        },
        [this, result, finish](const DockerFailure &failure) {
            ActionResult done = result;
            done.outcome = ActionOutcome::Failed;
            done.message = m_transport->unreachableText(failure.text);
            m_busy.remove(done.container);
            finish(done);
        });
}

} // namespace cw
