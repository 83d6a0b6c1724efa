#pragma once

#include "models/DockerTypes.h"
#include "models/Snapshots.h"

#include <QHash>
#include <QString>

namespace cw {

class TimeSeriesStore;

/// Turns snapshots into samples of the chart series. A value that could not be read is a gap,
/// so a down node draws a break, never a line to zero. Series ids:
///   node/<name>/{cpu,memory,lag,response}          from /metrics and the health check
///   node/<name>/{container_cpu,memory_percent}     from Docker stats (percent of the limit)
///   queue/{waiting,active,delayed,failed,completed_per_min}
///   redis/{memory,clients}
///   postgres/{connections,executions/<status>}
class MetricsRecorder
{
public:
    explicit MetricsRecorder(TimeSeriesStore *store);

    static QString nodeSeries(const QString &node, const char *metric);

    void recordNode(const NodeSnapshot &snapshot);
    void recordRedis(const RedisSnapshot &snapshot);
    void recordPostgres(const PostgresSnapshot &snapshot);
    /// Docker stats of the container mapped to @p node.
    void recordContainerStats(const QString &node, const ContainerStats &stats);

private:
    void put(const QString &id, qint64 tMs, std::optional<double> value);

    struct Counter
    {
        qint64 tMs = 0;
        double value = 0;
    };

    TimeSeriesStore *m_store;
    QHash<QString, Counter> m_completed;   ///< previous completed-jobs counter per main node
};

} // namespace cw
