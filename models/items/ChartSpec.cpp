#include "models/items/ChartSpec.h"

#include "models/Formatter.h"
#include "models/timeseries/MetricsRecorder.h"

namespace cw {

QString formatChartValue(ChartUnit unit, double value)
{
    switch (unit) {
    case ChartUnit::Percent:
        return fmt::percent(value);
    case ChartUnit::Bytes:
        return fmt::bytes(value);
    case ChartUnit::Count:
        return fmt::count(qRound64(value));
    case ChartUnit::PerMinute:
        return QString::number(value, 'f', value < 10 ? 1 : 0) + QStringLiteral("/min");
    case ChartUnit::Milliseconds:
        return fmt::duration(value);
    }
    return QString();
}

QList<ChartSpec> chartsForCluster(const ClusterConfig &config)
{
    const AlertsConfig &alerts = config.alerts;
    const bool docker = config.docker.configured;
    QList<ChartSpec> charts;

    ChartSpec cpu { QStringLiteral("cpu"), QStringLiteral("CPU (100 % = one core)"),
        ChartUnit::Percent, {}, {}, 100, {} };
    ChartSpec memory { QStringLiteral("memory"), QString(), ChartUnit::Percent, {}, {}, 100, {} };
    if (docker) {
        memory.title = QStringLiteral("Memory (% of the container's limit)");
    } else {
        memory.title = QStringLiteral("Memory (resident)");
        memory.unit = ChartUnit::Bytes;
        memory.minimumTop = 64.0 * 1024 * 1024;
        memory.note = QStringLiteral(
            "The %1 % alert needs container limits: add a docker: section to the cluster file.")
                          .arg(alerts.threshold(QStringLiteral("memory_high"), 85));
    }
    ChartSpec response { QStringLiteral("response"), QStringLiteral("Health check response time"),
        ChartUnit::Milliseconds, {}, {}, 10, {} };
    for (const NodeConfig &node : config.nodes) {
        // Docker's CPU covers the whole container (what the seed's `docker stats` alert reads);
        // /metrics' process CPU is the fallback without Docker.
        cpu.series.append({ node.name,
            docker ? QStringList { MetricsRecorder::nodeSeries(node.name, "container_cpu"),
                MetricsRecorder::nodeSeries(node.name, "cpu") }
                   : QStringList { MetricsRecorder::nodeSeries(node.name, "cpu") } });
        memory.series.append({ node.name,
            { MetricsRecorder::nodeSeries(node.name, docker ? "memory_percent" : "memory") } });
        response.series.append(
            { node.name, { MetricsRecorder::nodeSeries(node.name, "response") } });
    }
    if (const AlertRuleConfig *rule = alerts.rule(QStringLiteral("cpu_high"));
        rule && rule->enabled)
        cpu.thresholds.append(
            { QStringLiteral("alert %1").arg(fmt::percent(rule->threshold)), rule->threshold });
    if (const AlertRuleConfig *rule = alerts.rule(QStringLiteral("memory_high"));
        docker && rule && rule->enabled)
        memory.thresholds.append(
            { QStringLiteral("alert %1").arg(fmt::percent(rule->threshold)), rule->threshold });
    charts << cpu << memory;

    if (config.redis.configured) {
        ChartSpec queue { QStringLiteral("queue"),
            QStringLiteral("Queue (Bull %1:%2)").arg(config.redis.prefix, config.redis.queue),
            ChartUnit::Count, {}, {}, 10, {} };
        for (const char *name : { "waiting", "active", "delayed", "failed" })
            queue.series.append(
                { QLatin1String(name), { QStringLiteral("queue/") + QLatin1String(name) } });
        if (const AlertRuleConfig *rule = alerts.rule(QStringLiteral("queue_backlog"));
            rule && rule->enabled)
            queue.thresholds.append(
                { QStringLiteral("alert %1 waiting").arg(fmt::count(qRound64(rule->threshold))),
                    rule->threshold });
        charts << queue;
    }
    ChartSpec throughput { QStringLiteral("throughput"),
        QStringLiteral("Jobs completed per minute"), ChartUnit::PerMinute,
        { { QStringLiteral("completed"), { QStringLiteral("queue/completed_per_min") } } }, {}, 1,
        QStringLiteral("From main's /metrics counter, which n8n refreshes every 20 s: the line "
                       "moves in steps.") };
    charts << throughput;
    if (config.redis.configured) {
        ChartSpec redis { QStringLiteral("redis"), QStringLiteral("Redis"), ChartUnit::Bytes,
            { { QStringLiteral("used memory"), { QStringLiteral("redis/memory") }, false },
                { QStringLiteral("clients"), { QStringLiteral("redis/clients") }, true } },
            {}, 1024.0 * 1024, {}, ChartUnit::Count };
        charts << redis;
    }
    if (config.postgres.configured) {
        ChartSpec pg { QStringLiteral("postgres"), QStringLiteral("PostgreSQL"), ChartUnit::Count,
            { { QStringLiteral("connections"), { QStringLiteral("postgres/connections") } },
                { QStringLiteral("running"), { QStringLiteral("postgres/executions/running") } },
                { QStringLiteral("waiting"), { QStringLiteral("postgres/executions/waiting") } } },
            {}, 10, {} };
        charts << pg;
    }
    charts << response;
    return charts;
}

bool ChartSpec::hasRightAxis() const
{
    for (const ChartSeriesSpec &s : series) {
        if (s.rightAxis)
            return true;
    }
    return false;
}

QList<ChartRange> chartRanges()
{
    return {
        { QStringLiteral("5 min"), 5 * 60'000 },
        { QStringLiteral("1 h"), 3'600'000 },
        { QStringLiteral("6 h"), 6 * 3'600'000 },
        { QStringLiteral("24 h"), 24 * 3'600'000 },
    };
}

} // namespace cw
