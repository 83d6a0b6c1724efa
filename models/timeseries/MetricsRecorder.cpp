#include "models/timeseries/MetricsRecorder.h"

#include "models/timeseries/TimeSeriesStore.h"

namespace cw {

MetricsRecorder::MetricsRecorder(TimeSeriesStore *store)
    : m_store(store)
{
}

QString MetricsRecorder::nodeSeries(const QString &node, const char *metric)
{
    return QStringLiteral("node/") + node + QLatin1Char('/') + QLatin1String(metric);
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
    const bool up = s.health.ok();
    const auto when = [up](std::optional<double> v) { return up ? v : std::nullopt; };
    put(nodeSeries(s.node, "cpu"), s.timestampMs, when(s.cpuPercent));
    put(nodeSeries(s.node, "memory"), s.timestampMs, when(s.values.residentMemoryBytes));
    put(nodeSeries(s.node, "lag"), s.timestampMs, when(s.values.eventLoopLagSeconds));
    put(nodeSeries(s.node, "response"), s.timestampMs,
        up ? std::optional<double>(s.health.responseMs) : std::nullopt);

    // Completions exist only as main's counter (n8n deletes finished jobs): its rate, per minute.
    if (!s.values.queueCompleted)
        return;
    const double value = *s.values.queueCompleted;
    const auto previous = m_completed.constFind(s.node);
    if (previous != m_completed.cend() && s.timestampMs > previous->tMs && value >= previous->value) {
        const double perMinute = (value - previous->value) * 60'000.0 / double(s.timestampMs - previous->tMs);
        put(QStringLiteral("queue/completed_per_min"), s.timestampMs, perMinute);
    }
    m_completed.insert(s.node, {s.timestampMs, value});   // a reset (restart) starts over
}

void MetricsRecorder::recordRedis(const RedisSnapshot &s)
{
    const bool queue = s.reachable && s.queueRead;
    const auto q = [queue](qint64 v) { return queue ? std::optional<double>(double(v)) : std::nullopt; };
    put(QStringLiteral("queue/waiting"), s.timestampMs, q(s.queue.waiting + s.queue.pausedWaiting));
    put(QStringLiteral("queue/active"), s.timestampMs, q(s.queue.active));
    put(QStringLiteral("queue/delayed"), s.timestampMs, q(s.queue.delayed));
    put(QStringLiteral("queue/failed"), s.timestampMs, q(s.queue.failed));
    const auto r = [&s](qint64 v) { return s.reachable ? std::optional<double>(double(v)) : std::nullopt; };
    put(QStringLiteral("redis/memory"), s.timestampMs, r(s.usedMemoryBytes));
    put(QStringLiteral("redis/clients"), s.timestampMs, r(s.connectedClients));
}

void MetricsRecorder::recordPostgres(const PostgresSnapshot &s)
{
    put(QStringLiteral("postgres/connections"), s.timestampMs,
        s.reachable ? std::optional<double>(double(s.totalConnections())) : std::nullopt);
    for (size_t i = 0; i < kExecutionStatuses.size(); ++i) {
        put(QStringLiteral("postgres/executions/") + QLatin1String(kExecutionStatuses[i]), s.timestampMs,
            s.reachable && s.n8nSchema ? std::optional<double>(double(s.executions[i])) : std::nullopt);
    }
}

} // namespace cw

namespace cw {

void MetricsRecorder::recordContainerStats(const QString &node, const ContainerStats &s)
{
    if (node.isEmpty())
        return;
    if (s.cpuPercent)
        put(nodeSeries(node, "container_cpu"), s.timestampMs, s.cpuPercent);
    if (s.memoryLimitBytes > 0)
        put(nodeSeries(node, "memory_percent"), s.timestampMs, 100.0 * double(s.memoryUsedBytes) / double(s.memoryLimitBytes));
}

} // namespace cw
