#pragma once

#include <QtGlobal>
#include <cmath>
#include <limits>
#include <vector>

namespace cw {

/// A fixed-memory ring buffer of (time, value) samples for one metric, oldest first.
///
/// Storage is 8 bytes per sample: a qint64 base time plus a 32-bit millisecond offset per
/// sample (a separate ring) and a float value. Offsets cover 49.7 days from the base; the
/// base is moved up to the oldest sample when that range would be exceeded. A missing
/// sample (a down node) is stored as NaN so a chart draws a break, not a line to zero.
/// Times must be non-decreasing; an earlier sample is dropped and counted.
class TimeSeries {
public:
    static constexpr qsizetype DefaultCapacity = 86'400; // 24 h at 1 Hz
    static constexpr qsizetype BytesPerSample = qsizetype(sizeof(quint32) + sizeof(float));

    struct Sample {
        qint64 tMs = 0;
        double value = std::numeric_limits<double>::quiet_NaN();
        bool isGap() const { return std::isnan(value); }
    };

    /// Logical indices [first, end) of the samples inside a time window.
    struct Range {
        qsizetype first = 0;
        qsizetype end = 0;
        qsizetype count() const { return end - first; }
        bool isEmpty() const { return end <= first; }
    };

    explicit TimeSeries(qsizetype capacity = DefaultCapacity);

    /// Returns false (and counts a drop) when tMs is earlier than the newest sample.
    bool append(qint64 tMs, double value);
    /// Records a missing sample at tMs.
    bool appendGap(qint64 tMs);
    /// Moves every sample by @p deltaMs, keeping their spacing (O(1)): the timeline follows a
    /// wall clock that was set back.
    void shiftTimes(qint64 deltaMs) { m_baseMs += deltaMs; }
    void clear();

    qsizetype size() const { return m_size; }
    qsizetype capacity() const { return m_capacity; }
    bool isEmpty() const { return m_size == 0; }
    /// Out-of-order samples rejected since construction or clear().
    qint64 droppedCount() const { return m_dropped; }

    /// Index 0 is the oldest sample; i must be in [0, size()).
    qint64 timeAt(qsizetype i) const { return m_baseMs + m_offsets[physical(i)]; }
    double valueAt(qsizetype i) const { return double(m_values[physical(i)]); }
    bool isGapAt(qsizetype i) const { return std::isnan(m_values[physical(i)]); }
    Sample at(qsizetype i) const { return { timeAt(i), valueAt(i) }; }
    Sample oldest() const { return at(0); }
    Sample newest() const { return at(m_size - 1); }

    /// Samples with fromMs <= t <= toMs, found by binary search.
    Range indexRange(qint64 fromMs, qint64 toMs) const;
    /// First index with time >= tMs (size() if none).
    qsizetype lowerBound(qint64 tMs) const;
    /// First index with time > tMs (size() if none).
    qsizetype upperBound(qint64 tMs) const;

    /// Bytes held by the sample buffers (allocated up front for the full capacity).
    qsizetype memoryBytes() const { return m_capacity * BytesPerSample; }

private:
    qsizetype physical(qsizetype i) const
    {
        const qsizetype p = m_head + i;
        return p >= m_capacity ? p - m_capacity : p;
    }
    void push(qint64 tMs, float value);
    void makeRoomFor(qint64 tMs);

    qsizetype m_capacity;
    qsizetype m_head = 0; // physical index of the oldest sample
    qsizetype m_size = 0;
    qint64 m_baseMs = 0;
    qint64 m_dropped = 0;
    std::vector<quint32> m_offsets;
    std::vector<float> m_values;
};

} // namespace cw
