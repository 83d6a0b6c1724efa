#include "services/runtime/docker/DockerLogs.h"

#include "services/base/Logging.h"
#include "services/runtime/docker/DockerJson.h"
#include "services/runtime/docker/DockerTransport.h"

#include <QTimer>
#include <algorithm>

namespace cw {

namespace {

constexpr qint64 kFollowFirstBackoffMs = 1000;
constexpr qint64 kMaxLogTailBytes = qint64(16) << 20;
constexpr int kMaxTail = 100000;

} // namespace

DockerLogs::DockerLogs(DockerTransport &transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
{
}

void DockerLogs::stop()
{
    m_follows.clear();
}

// --- tails ------------------------------------------------------------------------------------

void DockerLogs::fetch(quint64 requestId, const QString &container, int tail)
{
    if (!m_transport.isRunning()) {
        Q_EMIT logsReady(
            requestId, container, {}, QStringLiteral("the Docker client is not running"));
        return;
    }
    if (!docker::isContainerName(container)) {
        Q_EMIT logsReady(requestId, container, {}, docker::notAContainerName(container));
        return;
    }
    m_transport.withApi(
        [this, requestId, container, tail] {
            // Multiplexed or raw depends on the container's TTY: ask first.
            DockerRequestSpec spec;
            spec.path = docker::containerPath(container, u"/json");
            m_transport.send(spec,
                [this, requestId, container, tail](
                    const DockerReply &reply, std::optional<DockerFailure> failure) {
                    if (failure) {
                        Q_EMIT logsReady(requestId, container, {}, failureText(reply, *failure));
                        return;
                    }
                    const Result<ContainerInfo> info = parseContainerInspect(reply.body);
                    fetchOf(requestId, container, tail, info && info.value().tty);
                });
        },
        [this, requestId, container](const DockerFailure &failure) {
            Q_EMIT logsReady(requestId, container, {}, m_transport.unreachableText(failure.text));
        });
}

QString DockerLogs::failureText(const DockerReply &reply, const DockerFailure &failure) const
{
    // 404 carries the engine's own words ("No such container: …").
    if (failure.unreachable)
        return m_transport.unreachableText(failure.text);
    return reply.status == 404 ? parseApiError(reply.body) : failure.text;
}

void DockerLogs::fetchOf(quint64 requestId, const QString &container, int tail, bool tty)
{
    DockerRequestSpec spec;
    spec.path = docker::containerPath(container,
        QStringLiteral("/logs?stdout=1&stderr=1&tail=%1&timestamps=0")
            .arg(std::clamp(tail, 0, kMaxTail)));
    spec.maxBodyBytes = kMaxLogTailBytes;
    m_transport.send(spec,
        [this, requestId, container, tty](
            const DockerReply &reply, std::optional<DockerFailure> failure) {
            if (failure) {
                Q_EMIT logsReady(requestId, container, {}, failureText(reply, *failure));
                return;
            }
            DockerLogDemuxer demuxer(tty);
            QList<LogLine> lines = demuxer.feed(reply.body);
            lines += demuxer.finish();
            QStringList texts;
            texts.reserve(lines.size());
            for (const LogLine &line : std::as_const(lines))
                texts.append(line.text);
            Q_EMIT logsReady(requestId, container, texts, demuxer.error());
        });
}

// --- follows ----------------------------------------------------------------------------------

void DockerLogs::follow(const QString &container)
{
    if (!m_transport.isRunning() || m_follows.contains(container))
        return;
    if (!docker::isContainerName(container)) {
        Q_EMIT followFailed(container, docker::notAContainerName(container));
        return;
    }
    Follow follow;
    follow.generation = ++m_followGeneration;
    m_follows.insert(container, follow);
    startFollow(container, follow.generation);
}

void DockerLogs::unfollow(const QString &container)
{
    const auto it = m_follows.find(container);
    if (it == m_follows.end())
        return;
    if (it->request != 0)
        m_transport.cancel(it->request);
    m_follows.erase(it);
}

DockerLogs::Follow *DockerLogs::current(const QString &container, quint64 generation)
{
    const auto it = m_follows.find(container);
    return it != m_follows.end() && it->generation == generation ? &it.value() : nullptr;
}

void DockerLogs::startFollow(const QString &container, quint64 generation)
{
    if (!current(container, generation))
        return;
    m_transport.withApi(
        [this, container, generation] {
            Follow *follow = current(container, generation);
            if (!follow)
                return;
            // Multiplexed or raw depends on the container's TTY: ask first.
            DockerRequestSpec spec;
            spec.path = docker::containerPath(container, u"/json");
            follow->request = m_transport.send(spec,
                [this, container, generation](
                    const DockerReply &reply, std::optional<DockerFailure> failure) {
                    Follow *asked = current(container, generation);
                    if (!asked)
                        return;
                    asked->request = 0;
                    if (failure && !failure->unreachable && reply.status == 404) {
                        m_follows.remove(container);
                        Q_EMIT followFailed(container, parseApiError(reply.body));
                        return;
                    }
                    if (failure) {
                        followEnded(container, generation, failure->text);
                        return;
                    }
                    const Result<ContainerInfo> info = parseContainerInspect(reply.body);
                    openFollow(container, generation, info && info.value().tty);
                });
        },
        [this, container, generation](const DockerFailure &failure) {
            followEnded(container, generation, m_transport.unreachableText(failure.text));
        });
}

void DockerLogs::openFollow(const QString &container, quint64 generation, bool tty)
{
    Follow *follow = current(container, generation);
    DockerRequestSpec logs;
    logs.stream = true;
    logs.path = docker::containerPath(container, u"/logs?stdout=1&stderr=1&follow=1");
    // Again after the stream ended (container stopped): what came meanwhile.
    logs.path += follow->endedAtMs > 0
        ? QStringLiteral("&tail=all&since=") + docker::unixSeconds(follow->endedAtMs * 1'000'000)
        : QStringLiteral("&tail=0");
    follow->demuxer = std::make_shared<DockerLogDemuxer>(tty);
    follow->request = m_transport.send(
        logs,
        [this, container, generation](const DockerReply &, std::optional<DockerFailure> ended) {
            Follow *active = current(container, generation);
            if (!active)
                return;
            active->request = 0;
            const std::shared_ptr<DockerLogDemuxer> demuxer = active->demuxer;
            for (const LogLine &line : demuxer->finish()) {
                Q_EMIT logLine(container, line.text, line.fromStderr);
                if (!current(container, generation))
                    return;
            }
            followEnded(container, generation, ended ? ended->text : QString());
        },
        [this, container, generation](QByteArrayView data) {
            Follow *active = current(container, generation);
            if (!active)
                return;
            const std::shared_ptr<DockerLogDemuxer> demuxer = active->demuxer;
            const QList<LogLine> lines = demuxer->feed(data);
            if (!lines.isEmpty())
                active->backoffMs = 0;
            for (const LogLine &line : lines) {
                Q_EMIT logLine(container, line.text, line.fromStderr);
                if (!current(container, generation)) // unfollowed by a slot connected directly
                    return;
            }
        });
}

void DockerLogs::followEnded(const QString &container, quint64 generation, const QString &error)
{
    Follow *follow = current(container, generation);
    if (!follow || !m_transport.isRunning())
        return;
    follow->endedAtMs = docker::wallMs();
    follow->backoffMs = follow->backoffMs == 0
        ? kFollowFirstBackoffMs
        : std::min(follow->backoffMs * 2, docker::kMaxBackoffMs);
    if (!error.isEmpty())
        qCDebug(lcDocker).noquote() << "log follow of" << container << "ended:" << error;
    QTimer::singleShot(int(follow->backoffMs), this,
        [this, container, generation] { startFollow(container, generation); });
}

} // namespace cw
