#include "services/runtime/docker/DockerPoller.h"

#include "services/base/Logging.h"
#include "services/runtime/docker/DockerJson.h"
#include "services/runtime/docker/DockerTransport.h"

#include <QTimer>
#include <algorithm>

namespace cw {

namespace {

constexpr qint64 kMinGapMs = 50; ///< between two polls
constexpr qint64 kSoonGapMs = 50; ///< a poll asked for by an event or an action
constexpr int kMaxParallelInspects = 8;

} // namespace

DockerPoller::DockerPoller(DockerTransport &transport, Millis interval, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
    , m_interval(std::max(interval, Millis(kMinGapMs)))
{
}

void DockerPoller::start()
{
    if (!m_pollTimer) {
        m_pollTimer = new QTimer(this);
        m_pollTimer->setSingleShot(true);
        connect(m_pollTimer, &QTimer::timeout, this, &DockerPoller::poll);
    }
    m_backoffMs = m_interval.count();
    m_nextAttemptMs = 0;
    m_everPolled = false;
    poll();
}

void DockerPoller::stop()
{
    if (m_pollTimer)
        m_pollTimer->stop();
    m_pollInFlight = false;
    m_pollRequests.clear();
    m_toInspect.clear();
    m_inspectsInFlight = 0;
    m_reachable = false;
}

void DockerPoller::poll()
{
    if (!m_transport.isRunning() || m_pollInFlight)
        return;
    if (!m_reachable && m_everPolled && m_transport.nowMs() < m_nextAttemptMs) {
        // Backing off: the last error again, without touching the network.
        RuntimeSnapshot snapshot;
        snapshot.error = m_lastError;
        emitSnapshot(snapshot);
        m_pollTimer->start(int(m_interval.count()));
        return;
    }
    m_pollInFlight = true;
    m_pollSoon = false;
    m_pollStartedMs = m_transport.nowMs();
    m_pollStartedWallMs = docker::wallMs();
    m_transport.withApi([this] { listContainers(); },
        [this](const DockerFailure &failure) { pollFailed(failure); });
}

void DockerPoller::listContainers()
{
    if (!m_pollInFlight)
        return;
    DockerRequestSpec spec;
    spec.path = QStringLiteral("/containers/json?all=1");
    m_pollRequests.append(m_transport.send(
        spec, [this](const DockerReply &reply, std::optional<DockerFailure> failure) {
            m_pollRequests.removeAll(reply.id);
            if (failure && failure->unreachable) {
                pollFailed(*failure);
                return;
            }
            Result<QList<ContainerInfo>> parsed = failure
                ? Result<QList<ContainerInfo>>(Error { failure->text })
                : parseContainerList(reply.body);
            if (!parsed) {
                // The engine answers, but not with a list: say so, with no containers.
                m_pending = RuntimeSnapshot {};
                m_pendingErrors = { parsed.error() };
                completePoll();
                return;
            }
            m_pending = RuntimeSnapshot {};
            m_pending.containers = std::move(parsed).value();
            m_pendingErrors.clear();
            m_toInspect.clear();
            for (const ContainerInfo &container : std::as_const(m_pending.containers)) {
                const auto cached = m_inspected.constFind(container.id);
                if (cached == m_inspected.constEnd() || cached->state != container.state
                    || m_dirty.contains(container.id))
                    m_toInspect.append(container.id);
            }
            inspectNext();
        }));
}

void DockerPoller::inspectNext()
{
    while (m_inspectsInFlight < kMaxParallelInspects && !m_toInspect.isEmpty()) {
        const QString id = m_toInspect.takeFirst();
        m_dirty.remove(id); // an event from now on marks it again
        ++m_inspectsInFlight;
        ++m_inspectCount;
        DockerRequestSpec spec;
        spec.path = docker::containerPath(id, u"/json");
        m_pollRequests.append(m_transport.send(
            spec, [this, id](const DockerReply &reply, std::optional<DockerFailure> failure) {
                m_pollRequests.removeAll(reply.id);
                --m_inspectsInFlight;
                if (failure && failure->unreachable) {
                    pollFailed(*failure);
                    return;
                }
                if (failure) {
                    if (reply.status != 404) // 404: removed since the list; its event follows
                        m_pendingErrors.append(failure->text);
                    m_inspected.remove(id);
                } else if (const Result<ContainerInfo> info = parseContainerInspect(reply.body)) {
                    const ContainerInfo &value = info.value();
                    m_inspected.insert(id,
                        Inspected { value.state, value.restartCount, value.exitCode, value.tty,
                            value.settingHashes });
                } else {
                    m_pendingErrors.append(info.error());
                    m_inspected.remove(id);
                }
                if (m_toInspect.isEmpty() && m_inspectsInFlight == 0)
                    completePoll();
                else
                    inspectNext();
            }));
    }
    if (m_toInspect.isEmpty() && m_inspectsInFlight == 0)
        completePoll();
}

void DockerPoller::completePoll()
{
    if (!m_pollInFlight)
        return;
    RuntimeSnapshot snapshot = std::move(m_pending);
    m_pending = RuntimeSnapshot {};
    QSet<QString> present;
    for (ContainerInfo &container : snapshot.containers) {
        present.insert(container.id);
        const auto cached = m_inspected.constFind(container.id);
        if (cached != m_inspected.constEnd()) {
            container.restartCount = cached->restartCount;
            container.exitCode = cached->exitCode;
            container.tty = cached->tty;
            container.settingHashes = cached->settingHashes;
        }
    }
    for (auto it = m_inspected.begin(); it != m_inspected.end();)
        it = present.contains(it.key()) ? std::next(it) : m_inspected.erase(it);
    for (auto it = m_dirty.begin(); it != m_dirty.end();)
        it = present.contains(*it) ? std::next(it) : m_dirty.erase(it);

    if (!m_reachable && m_everPolled)
        qCInfo(lcDocker).noquote() << "reachable again:" << m_transport.endpoint().display();
    m_reachable = true;
    m_lastError.clear();
    m_backoffMs = m_interval.count();
    m_nextAttemptMs = 0;

    snapshot.reachable = true;
    snapshot.apiVersion = m_transport.apiVersion();
    snapshot.engineVersion = m_transport.engineVersion();
    snapshot.error = m_pendingErrors.join(QStringLiteral("; "));
    m_pendingErrors.clear();
    const QList<ContainerInfo> containers = snapshot.containers;
    emitSnapshot(std::move(snapshot));
    if (!m_transport.isRunning()) // stopped by a slot connected directly
        return;
    Q_EMIT engineAnswered(containers, m_pollStartedWallMs);
    finishPoll();
}

void DockerPoller::pollFailed(const DockerFailure &failure)
{
    for (const quint64 id : std::as_const(m_pollRequests))
        m_transport.cancel(id);
    m_pollRequests.clear();
    m_toInspect.clear();
    m_inspectsInFlight = 0;

    const QString text = m_transport.unreachableText(failure.text);
    if (m_reachable || !m_everPolled || text != m_lastError)
        qCWarning(lcDocker).noquote() << text;
    m_reachable = false;
    m_lastError = text;
    m_nextAttemptMs = m_transport.nowMs() + m_backoffMs;
    m_backoffMs
        = std::min(m_backoffMs * 2, std::max(docker::kMaxBackoffMs, qint64(m_interval.count())));
    // Negotiate again on reconnect: the engine may have been replaced.
    m_transport.forgetApi();
    Q_EMIT engineLost();

    RuntimeSnapshot snapshot;
    snapshot.error = text;
    emitSnapshot(snapshot);
    finishPoll();
}

void DockerPoller::finishPoll()
{
    if (!m_pollInFlight)
        return;
    m_pollInFlight = false;
    if (!m_transport.isRunning())
        return;
    const qint64 elapsed = m_transport.nowMs() - m_pollStartedMs;
    const qint64 delay
        = m_pollSoon ? kSoonGapMs : std::max(kMinGapMs, qint64(m_interval.count()) - elapsed);
    m_pollSoon = false;
    m_pollTimer->start(int(delay));
}

void DockerPoller::requestPollSoon()
{
    if (!m_transport.isRunning() || !m_pollTimer)
        return;
    if (m_pollInFlight) {
        m_pollSoon = true;
        return;
    }
    if (!m_reachable)
        return; // the backoff decides
    if (!m_pollTimer->isActive() || m_pollTimer->remainingTime() > kSoonGapMs)
        m_pollTimer->start(int(kSoonGapMs));
}

void DockerPoller::containerTouched(const QString &id, bool pollSoon)
{
    m_dirty.insert(id);
    if (pollSoon)
        requestPollSoon();
}

void DockerPoller::emitSnapshot(RuntimeSnapshot snapshot)
{
    m_everPolled = true;
    snapshot.endpoint = m_transport.endpoint().display();
    snapshot.timestampMs = docker::wallMs();
    Q_EMIT snapshotReady(snapshot);
}

} // namespace cw
