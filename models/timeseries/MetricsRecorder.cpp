#include "models/timeseries/MetricsRecorder.h"

#include "models/timeseries/TimeSeriesStore.h"

#include <algorithm>

namespace cw {

MetricsRecorder::MetricsRecorder(TimeSeriesStore *store, const Clock *clock)
    : m_store(store)
    , m_clock(clock ? clock : &Clock::system())
{
}

QString MetricsRecorder::nodeSeries(const QString &node, const char *metric)
{
    return QStringLiteral("node/") + node + QLatin1Char('/') + QLatin1String(metric);
}

Instant MetricsRecorder::arrival()
{
    const Instant now = m_clock->now();
    // Moved by the step, the history keeps the distance to now that it really has.
    const qint64 step = m_previous ? now.wallStepSince(*m_previous) : 0;
    qint64 shift = step <= -kWallStepMs ? step : 0;
    // Small steps back are absorbed; should they add up, the history moves by what they add up to.
    if (m_lastStampMs + shift - now.wallMs >= kWallStepMs)
        shift = now.wallMs - m_lastStampMs;
    if (shift != 0) {
        m_store->shiftTimes(shift);
        m_lastStampMs += shift;
    }
    m_previous = now;
    m_lastStampMs = std::max(m_lastStampMs, now.wallMs);
    return { m_lastStampMs, now.monoMs };
}

void MetricsRecorder::put(const QString &id, qint64 tMs, std::optional<double> value)
{
    if (value)
        m_store->append(id, tMs, *value);
    else
        m_store->appendGap(id, tMs);
}

void MetricsRecorder::recordNode(const NodeSnapshot &s)
{
    const Instant at = arrival();
    const bool up = s.health.ok();
    const auto when = [up](std::optional<double> v) { return up ? v : std::nullopt; };
    put(nodeSeries(s.node, "cpu"), at.wallMs, when(s.cpuPercent));
    put(nodeSeries(s.node, "memory"), at.wallMs, when(s.values.residentMemoryBytes));
    put(nodeSeries(s.node, "lag"), at.wallMs, when(s.values.eventLoopLagSeconds));
    put(nodeSeries(s.node, "response"), at.wallMs,
        up ? std::optional<double>(s.health.responseMs) : std::nullopt);
}

void MetricsRecorder::recordCompletedJobs(double total, int resets)
{
    const Instant at = arrival();
    if (m_completed && at.monoMs > m_completed->monoMs && total >= m_completed->value) {
        if (resets != m_completed->resets) {
            put(QStringLiteral("queue/completed_per_min"), at.wallMs, std::nullopt);
        } else {
            const double perMinute
                = (total - m_completed->value) * 60'000.0 / double(at.monoMs - m_completed->monoMs);
            put(QStringLiteral("queue/completed_per_min"), at.wallMs, perMinute);
        }
    }
    m_completed = Counter { at.monoMs, total, resets };
}

void MetricsRecorder::recordRedis(const RedisSnapshot &s)
{
    const qint64 t = arrival().wallMs;
    const bool queue = s.reachable && s.queueRead;
    const auto q
        = [queue](qint64 v) { return queue ? std::optional<double>(double(v)) : std::nullopt; };
    put(QStringLiteral("queue/waiting"), t, q(s.queue.waiting + s.queue.pausedWaiting));
    put(QStringLiteral("queue/active"), t, q(s.queue.active));
    put(QStringLiteral("queue/delayed"), t, q(s.queue.delayed));
    put(QStringLiteral("queue/failed"), t, q(s.queue.failed));
    const auto r
        = [&s](qint64 v) { return s.reachable ? std::optional<double>(double(v)) : std::nullopt; };
    put(QStringLiteral("redis/memory"), t, r(s.usedMemoryBytes));
    put(QStringLiteral("redis/clients"), t, r(s.connectedClients));
}

void MetricsRecorder::recordPostgres(const PostgresSnapshot &s)
{
    const qint64 t = arrival().wallMs;
    put(QStringLiteral("postgres/connections"), t,
        s.reachable ? std::optional<double>(double(s.totalConnections())) : std::nullopt);
    for (size_t i = 0; i < kExecutionStatuses.size(); ++i) {
        put(QStringLiteral("postgres/executions/") + QLatin1String(kExecutionStatuses[i]), t,
            s.reachable && s.n8nSchema ? std::optional<double>(double(s.executions[i]))
                                       : std::nullopt);
    }
}

void MetricsRecorder::recordContainerStats(const QString &node, const ContainerStats &s)
{
    if (node.isEmpty())
        return;
    const qint64 t = arrival().wallMs;
    if (s.cpuPercent)
        put(nodeSeries(node, "container_cpu"), t, s.cpuPercent);
    if (s.memoryLimitBytes > 0)
        put(nodeSeries(node, "memory_percent"), t,
            100.0 * double(s.memoryUsedBytes) / double(s.memoryLimitBytes));
}

} // namespace cw
