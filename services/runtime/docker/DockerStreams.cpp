#include "services/runtime/docker/DockerStreams.h"

#include "services/base/Logging.h"
#include "services/runtime/docker/DockerJson.h"
#include "services/runtime/docker/DockerTransport.h"

#include <QTimer>
#include <QUrl>
#include <algorithm>

namespace cw {

namespace {

constexpr qint64 kEventsFirstBackoffMs = 250;
constexpr qint64 kStreamLivedMs = 5000; ///< a stream that lived this long resets its backoff
constexpr qsizetype kMaxStreamLineBytes = qsizetype(1) << 20;

const QByteArray kEventsFilter = QByteArrayLiteral(R"({"type":["container"]})");

/// Actions after which the container list or a restart count may have changed.
bool changesState(const QString &action)
{
    static const QSet<QString> actions = { QStringLiteral("create"), QStringLiteral("start"),
        QStringLiteral("restart"), QStringLiteral("stop"), QStringLiteral("die"),
        QStringLiteral("destroy"), QStringLiteral("pause"), QStringLiteral("unpause"),
        QStringLiteral("rename"), QStringLiteral("oom"), QStringLiteral("update") };
    return actions.contains(action);
}

} // namespace

DockerStreams::DockerStreams(DockerTransport &transport, QObject *parent)
    : QObject(parent)
    , m_transport(transport)
{
}

void DockerStreams::engineAnswered(const QList<ContainerInfo> &containers, qint64 listedAtWallMs)
{
    m_engineAnswers = true;
    if (m_firstListWallMs == 0)
        m_firstListWallMs = listedAtWallMs;
    reconcileStats(containers);
    ensureEvents();
}

void DockerStreams::engineLost()
{
    m_engineAnswers = false;
    if (m_eventsRequest != 0)
        m_transport.cancel(m_eventsRequest);
    m_eventsRequest = 0;
    if (m_eventsTimer)
        m_eventsTimer->stop();
    m_eventsBackoffMs = 0;
    for (const quint64 id : std::as_const(m_stats))
        m_transport.cancel(id);
    m_stats.clear();
    m_statsBuffers.clear();
}

void DockerStreams::stop()
{
    m_engineAnswers = false;
    if (m_eventsTimer)
        m_eventsTimer->stop();
    m_eventsRequest = 0;
    m_stats.clear();
    m_statsBuffers.clear();
}

// --- events -----------------------------------------------------------------------------------

void DockerStreams::ensureEvents()
{
    if (!m_eventsTimer) {
        m_eventsTimer = new QTimer(this);
        m_eventsTimer->setSingleShot(true);
        connect(m_eventsTimer, &QTimer::timeout, this, &DockerStreams::ensureEvents);
    }
    if (!m_transport.isRunning() || !m_engineAnswers || m_eventsRequest != 0
        || m_eventsTimer->isActive())
        return;
    openEvents();
}

void DockerStreams::openEvents()
{
    DockerRequestSpec spec;
    spec.stream = true;
    spec.path = QStringLiteral("/events?filters=")
        + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(kEventsFilter)));
    // After a reconnect, ask for what happened meanwhile; repeats are dropped.
    if (m_lastEventNano > 0)
        spec.path += QStringLiteral("&since=") + docker::unixSeconds(m_lastEventNano);
    else if (m_eventsOpenedWallMs > 0)
        spec.path
            += QStringLiteral("&since=") + docker::unixSeconds(m_eventsOpenedWallMs * 1'000'000);
    else if (m_firstListWallMs > 0) // what happened while this stream was being opened
        spec.path += QStringLiteral("&since=") + docker::unixSeconds(m_firstListWallMs * 1'000'000);
    m_replayBoundaryNano = m_lastEventNano;
    m_replayKeys = m_lastEventKeys;
    m_eventsBuffer.clear();
    m_eventsOpenedAtMs = 0;
    m_eventsRequest = m_transport.send(
        spec,
        [this](const DockerReply &reply, std::optional<DockerFailure> failure) {
            if (reply.id != m_eventsRequest)
                return;
            m_eventsRequest = 0;
            if (!m_transport.isRunning())
                return;
            const bool lived = m_eventsOpenedAtMs > 0
                && m_transport.nowMs() - m_eventsOpenedAtMs >= kStreamLivedMs;
            m_eventsBackoffMs = lived || m_eventsBackoffMs == 0
                ? kEventsFirstBackoffMs
                : std::min(m_eventsBackoffMs * 2, docker::kMaxBackoffMs);
            qCDebug(lcDocker).noquote()
                << "event stream ended:"
                << (failure ? failure->text : QStringLiteral("closed by the engine"))
                << "- reconnecting in" << m_eventsBackoffMs << "ms";
            m_eventsTimer->start(int(m_eventsBackoffMs));
            Q_EMIT eventsEnded();
        },
        [this](QByteArrayView data) { eventsData(data); },
        [this](const DockerReply &reply) {
            if (reply.success()) {
                m_eventsOpenedAtMs = m_transport.nowMs();
                m_eventsOpenedWallMs = docker::wallMs();
            }
        });
}

void DockerStreams::eventsData(QByteArrayView data)
{
    m_eventsBuffer.append(data);
    qsizetype consumed = 0;
    while (true) {
        const qsizetype newline = m_eventsBuffer.indexOf('\n', consumed);
        if (newline < 0)
            break;
        const QByteArrayView line
            = QByteArrayView(m_eventsBuffer).sliced(consumed, newline - consumed);
        consumed = newline + 1;
        if (!line.trimmed().isEmpty())
            handleEventLine(line);
        if (m_eventsRequest == 0) // stopped by a slot connected directly
            return;
    }
    m_eventsBuffer.remove(0, consumed);
    if (m_eventsBuffer.size() > kMaxStreamLineBytes) {
        qCWarning(lcDocker) << "event line longer than" << kMaxStreamLineBytes << "bytes dropped";
        m_eventsBuffer.clear();
    }
}

void DockerStreams::handleEventLine(QByteArrayView line)
{
    const Result<RuntimeEvent> parsed = parseDockerEvent(line);
    if (!parsed) {
        qCWarning(lcDocker).noquote() << parsed.error();
        return;
    }
    const RuntimeEvent &event = parsed.value();
    const QString key = event.type + QLatin1Char('/') + event.action + QLatin1Char('/') + event.id;
    if (event.timeNano > 0) {
        if (event.timeNano < m_replayBoundaryNano
            || (event.timeNano == m_replayBoundaryNano && m_replayKeys.contains(key)))
            return; // seen before the reconnect
        if (event.timeNano > m_lastEventNano) {
            m_lastEventNano = event.timeNano;
            m_lastEventKeys.clear();
        }
        if (event.timeNano == m_lastEventNano)
            m_lastEventKeys.insert(key);
    }
    if (event.type == QLatin1String("container") && !event.id.isEmpty())
        Q_EMIT containerTouched(event.id, changesState(event.action));
    Q_EMIT eventReceived(event);
}

// --- stats ------------------------------------------------------------------------------------

void DockerStreams::reconcileStats(const QList<ContainerInfo> &containers)
{
    QSet<QString> running;
    for (const ContainerInfo &container : containers) {
        if (container.state == QLatin1String("running"))
            running.insert(container.id);
    }
    for (auto it = m_stats.begin(); it != m_stats.end();) {
        if (running.contains(it.key())) {
            ++it;
            continue;
        }
        m_transport.cancel(it.value());
        m_statsBuffers.remove(it.key());
        it = m_stats.erase(it);
    }
    for (const QString &id : std::as_const(running)) {
        if (!m_stats.contains(id))
            openStats(id);
    }
}

void DockerStreams::openStats(const QString &id)
{
    DockerRequestSpec spec;
    spec.stream = true;
    spec.path = docker::containerPath(id, u"/stats?stream=1");
    m_stats.insert(id,
        m_transport.send(
            spec,
            [this, id](const DockerReply &reply, std::optional<DockerFailure> failure) {
                if (m_stats.value(id) != reply.id)
                    return;
                m_stats.remove(id);
                m_statsBuffers.remove(id);
                if (failure)
                    qCDebug(lcDocker).noquote()
                        << "stats of" << id.left(12) << "ended:" << failure->text;
                // The next poll opens it again if the container still runs.
            },
            [this, id](QByteArrayView data) { statsData(id, data); }));
}

void DockerStreams::statsData(const QString &id, QByteArrayView data)
{
    // Taken out while signals go out: a slot connected directly may stop streams.
    QByteArray buffer = m_statsBuffers.take(id) + data.toByteArray();
    qsizetype consumed = 0;
    qsizetype newline = -1;
    while ((newline = buffer.indexOf('\n', consumed)) >= 0) {
        const QByteArrayView line = QByteArrayView(buffer).sliced(consumed, newline - consumed);
        consumed = newline + 1;
        if (line.trimmed().isEmpty())
            continue;
        Result<ContainerStats> stats = parseContainerStats(line);
        if (!stats) {
            qCDebug(lcDocker).noquote() << stats.error();
            continue;
        }
        ContainerStats value = std::move(stats).value();
        if (value.id.isEmpty())
            value.id = id;
        if (value.timestampMs == 0)
            value.timestampMs = docker::wallMs();
        Q_EMIT statsReady(value);
        if (!m_stats.contains(id))
            return;
    }
    buffer.remove(0, consumed);
    if (buffer.size() <= kMaxStreamLineBytes)
        m_statsBuffers.insert(id, buffer);
}

} // namespace cw
