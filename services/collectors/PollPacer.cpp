#include "services/collectors/PollPacer.h"

#include <QDebug>
#include <QLoggingCategory>
#include <QObject>
#include <QTimer>
#include <algorithm>

namespace cw {

namespace {

constexpr qint64 kMinimumGapMs = 50;
constexpr Millis kMaxBackoff { 5000 };

} // namespace

PollPacer::PollPacer(QObject *owner, Millis interval, Source source, std::function<void()> poll)
    : m_interval(std::max(interval, Millis(kMinimumGapMs)))
    , m_source(std::move(source))
    , m_poll(std::move(poll))
    , m_timer(new QTimer(owner))
    , m_backoff(m_interval)
{
    m_timer->setSingleShot(true);
    QObject::connect(m_timer, &QTimer::timeout, m_timer, [this] { tick(); });
}

void PollPacer::start()
{
    if (m_running)
        return;
    m_running = true;
    m_clock.start();
    m_nextAttemptMs = 0;
    m_backoff = m_interval;
    tick();
}

void PollPacer::stop()
{
    m_running = false;
    m_timer->stop();
}

void PollPacer::tick()
{
    if (!m_running)
        return;
    const qint64 startedMs = m_clock.elapsed();
    m_poll();
    if (!m_running) // a slot connected directly to the collector may have stopped it
        return;
    const qint64 elapsed = m_clock.elapsed() - startedMs;
    m_timer->start(int(std::max(kMinimumGapMs, qint64(m_interval.count()) - elapsed)));
}

std::optional<QString> PollPacer::attempt(
    bool connected, const Step &connect, const Step &query, const std::function<void()> &close)
{
    if (!connected && m_clock.elapsed() < m_nextAttemptMs)
        return m_lastError;

    std::optional<Failure> failure = connected ? std::nullopt : connect();
    if (!failure) {
        failure = query();
        if (failure && connected && !failure->timeout) {
            // An idle connection can be stale (server restarted, connection reset or
            // terminated): one fresh attempt tells whether the server itself is down.
            close();
            failure = connect();
            if (!failure)
                failure = query();
        }
    }
    if (failure) {
        close();
        m_lastError = m_source.subject + QStringLiteral(": ") + failure->text;
        m_nextAttemptMs = m_clock.elapsed() + m_backoff.count();
        m_backoff = std::min(m_backoff * 2, std::max(kMaxBackoff, m_interval));
        return m_lastError;
    }
    m_backoff = m_interval;
    m_nextAttemptMs = 0;
    m_lastError.clear();
    return std::nullopt;
}

void PollPacer::noteReachable(bool reachable, const QString &error)
{
    if (reachable == m_wasReachable)
        return;
    if (reachable)
        qCInfo(m_source.category) << "reachable again:" << m_source.endpoint;
    else
        qCWarning(m_source.category).noquote() << error;
    m_wasReachable = reachable;
}

} // namespace cw
