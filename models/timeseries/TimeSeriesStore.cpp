#include "models/timeseries/TimeSeriesStore.h"

namespace cw {

TimeSeriesStore::TimeSeriesStore(qsizetype capacityPerSeries)
    : m_capacity(capacityPerSeries)
{
}

TimeSeries &TimeSeriesStore::seriesFor(const QString &id)
{
    auto it = m_series.find(id);
    if (it == m_series.end())
        it = m_series.emplace(id, std::make_unique<TimeSeries>(m_capacity)).first;
    return *it->second;
}

bool TimeSeriesStore::append(const QString &id, qint64 tMs, double value)
{
    return seriesFor(id).append(tMs, value);
}

bool TimeSeriesStore::appendGap(const QString &id, qint64 tMs)
{
    return seriesFor(id).appendGap(tMs);
}

const TimeSeries *TimeSeriesStore::series(const QString &id) const
{
    const auto it = m_series.find(id);
    return it == m_series.end() ? nullptr : it->second.get();
}

QStringList TimeSeriesStore::ids() const
{
    QStringList result;
    result.reserve(count());
    for (const auto &entry : m_series)
        result.append(entry.first);
    result.sort();
    return result;
}

qsizetype TimeSeriesStore::memoryBytes() const
{
    qsizetype total = 0;
    for (const auto &entry : m_series)
        total += entry.second->memoryBytes();
    return total;
}

void TimeSeriesStore::shiftTimes(qint64 deltaMs)
{
    for (auto &entry : m_series)
        entry.second->shiftTimes(deltaMs);
}

bool TimeSeriesStore::remove(const QString &id)
{
    return m_series.erase(id) != 0;
}

} // namespace cw
