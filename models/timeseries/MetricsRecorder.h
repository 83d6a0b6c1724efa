#pragma once

#include "models/Clock.h"
#include "models/RuntimeTypes.h"
#include "models/Snapshots.h"

#include <QHash>
#include <QString>
#include <optional>

namespace cw {

class TimeSeriesStore;

/// Turns snapshots into samples of the chart series. A value that could not be read is a gap,
/// so a down node draws a break, never a line to zero. Series ids:
///   node/<name>/{cpu,memory,lag,response}          from /metrics and the health check
///   node/<name>/{container_cpu,memory_percent}     from Docker stats (percent of the limit)
///   queue/{waiting,active,delayed,failed,completed_per_min}
///   redis/{memory,clients}
///   postgres/{connections,executions/<status>}
///
/// Time: a sample is stamped with the wall clock when it arrives, since the charts' axis is the
/// wall clock. The timeline never runs backwards: when the wall clock is set back, the whole
/// history moves back with it, its spacing kept as the monotonic clock measured it, so the lines
/// go on and nothing is dropped as out of order. When the wall clock moves forward (a step, or
/// the machine slept) the history stays where it was and the lines break there, as for any time
/// nothing was recorded. Rates are over monotonic time.
class MetricsRecorder {
public:
    /// @p clock (which outlives the recorder) stamps the samples; nullptr: the system's.
    explicit MetricsRecorder(TimeSeriesStore *store, const Clock *clock = nullptr);

    /// A wall clock set back by less than this is absorbed (samples wait for it to catch up);
    /// by more, the history is moved.
    static constexpr qint64 kWallStepMs = 1000;

    static QString nodeSeries(const QString &node, const char *metric);

    void recordNode(const NodeSnapshot &snapshot);
    /// Jobs completed in the cluster so far (ClusterState::completedJobs(), from main's counter:
    /// n8n deletes finished jobs) and how often that counter was reset: the completions-per-minute
    /// series. A rate never spans a reset (a gap instead).
    void recordCompletedJobs(double total, int resets);
    void recordRedis(const RedisSnapshot &snapshot);
    void recordPostgres(const PostgresSnapshot &snapshot);
    /// Docker stats of the container mapped to @p node.
    void recordContainerStats(const QString &node, const ContainerStats &stats);

private:
    /// Now, with wallMs the time to stamp the samples that arrive now (never before the
    /// previous ones); first moves the history back if the wall clock was set back.
    Instant arrival();
    void put(const QString &id, qint64 tMs, std::optional<double> value);

    struct Counter {
        qint64 monoMs = 0;
        double value = 0;
        int resets = 0;
    };

    TimeSeriesStore *m_store;
    const Clock *m_clock;
    std::optional<Instant> m_previous; ///< the previous arrival, as read from the clock
    qint64 m_lastStampMs = 0; ///< the newest stamp given
    std::optional<Counter> m_completed; ///< the previous completed-jobs total
};

} // namespace cw
