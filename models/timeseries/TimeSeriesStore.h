#pragma once

#include "models/timeseries/TimeSeries.h"

#include <QString>
#include <QStringList>
#include <memory>
#include <unordered_map>

namespace cw {

/// The chart history of a cluster: one TimeSeries per metric, keyed by a stable id such as
/// "node/n8n-worker-1/cpu", "queue/waiting", "redis/memory", "postgres/executions/error".
/// A series is created on its first sample with the store's capacity. Pointers returned by
/// series() stay valid until that series is removed or the store cleared.
class TimeSeriesStore {
public:
    explicit TimeSeriesStore(qsizetype capacityPerSeries = TimeSeries::DefaultCapacity);
    TimeSeriesStore(const TimeSeriesStore &) = delete;
    TimeSeriesStore &operator=(const TimeSeriesStore &) = delete;

    bool append(const QString &id, qint64 tMs, double value);
    bool appendGap(const QString &id, qint64 tMs);

    /// nullptr when no sample was ever stored under id.
    const TimeSeries *series(const QString &id) const;
    bool contains(const QString &id) const { return m_series.count(id) != 0; }
    /// Sorted, so callers get a stable order.
    QStringList ids() const;
    qsizetype count() const { return qsizetype(m_series.size()); }
    qsizetype capacityPerSeries() const { return m_capacity; }
    /// Bytes held by all sample buffers (for the RSS budget).
    qsizetype memoryBytes() const;

    /// Moves every sample of every series by @p deltaMs (TimeSeries::shiftTimes()).
    void shiftTimes(qint64 deltaMs);

    bool remove(const QString &id);
    /// Drops every series, e.g. when another cluster file is opened.
    void clear() { m_series.clear(); }

private:
    TimeSeries &seriesFor(const QString &id);

    qsizetype m_capacity;
    std::unordered_map<QString, std::unique_ptr<TimeSeries>> m_series;
};

} // namespace cw
