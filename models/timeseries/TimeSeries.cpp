#include "models/timeseries/TimeSeries.h"

#include <algorithm>

namespace cw {

namespace {
constexpr qint64 MaxOffset = std::numeric_limits<quint32>::max();
}

TimeSeries::TimeSeries(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(capacity, 1))
    , m_offsets(size_t(m_capacity), 0)
    , m_values(size_t(m_capacity), 0.0f)
{
}

bool TimeSeries::append(qint64 tMs, double value)
{
    if (m_size > 0 && tMs < timeAt(m_size - 1)) {
        ++m_dropped;
        return false;
    }
    push(tMs, float(value));
    return true;
}

bool TimeSeries::appendGap(qint64 tMs)
{
    return append(tMs, std::numeric_limits<double>::quiet_NaN());
}

void TimeSeries::clear()
{
    m_head = 0;
    m_size = 0;
    m_baseMs = 0;
    m_dropped = 0;
}

void TimeSeries::push(qint64 tMs, float value)
{
    if (m_size == 0)
        m_baseMs = tMs;
    else if (tMs - m_baseMs > MaxOffset)
        makeRoomFor(tMs);

    qsizetype slot;
    if (m_size < m_capacity) {
        slot = physical(m_size);
        ++m_size;
    } else {
        slot = m_head; // overwrite the oldest
        m_head = physical(1);
    }
    m_offsets[size_t(slot)] = quint32(tMs - m_baseMs);
    m_values[size_t(slot)] = value;
}

// Rare (every ~49 days of wall time, or after a long pause): moves the base up to the oldest
// sample, first evicting samples more than 2^32 ms older than the new one.
void TimeSeries::makeRoomFor(qint64 tMs)
{
    while (m_size > 0 && tMs - timeAt(0) > MaxOffset) {
        m_head = physical(1);
        --m_size;
    }
    const qint64 newBase = m_size > 0 ? timeAt(0) : tMs;
    const auto shift = quint32(newBase - m_baseMs);
    for (qsizetype i = 0; i < m_size; ++i)
        m_offsets[size_t(physical(i))] -= shift;
    m_baseMs = newBase;
}

qsizetype TimeSeries::lowerBound(qint64 tMs) const
{
    qsizetype lo = 0;
    qsizetype hi = m_size;
    while (lo < hi) {
        const qsizetype mid = lo + (hi - lo) / 2;
        if (timeAt(mid) < tMs)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

qsizetype TimeSeries::upperBound(qint64 tMs) const
{
    qsizetype lo = 0;
    qsizetype hi = m_size;
    while (lo < hi) {
        const qsizetype mid = lo + (hi - lo) / 2;
        if (timeAt(mid) <= tMs)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

TimeSeries::Range TimeSeries::indexRange(qint64 fromMs, qint64 toMs) const
{
    if (toMs < fromMs)
        return {};
    const qsizetype first = lowerBound(fromMs);
    return { first, std::max(first, upperBound(toMs)) };
}

} // namespace cw
