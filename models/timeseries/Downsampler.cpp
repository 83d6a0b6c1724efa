#include "models/timeseries/Downsampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace cw {

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// Appends samples by index in increasing order, never twice, and collapses adjacent breaks.
class Emitter {
public:
    Emitter(const TimeSeries &series, QList<QPointF> &out)
        : m_series(series)
        , m_out(out)
    {
    }

    void point(qsizetype i)
    {
        if (i <= m_last)
            return;
        m_last = i;
        if (m_series.isGapAt(i))
            gap(m_series.timeAt(i));
        else
            m_out.append(QPointF(double(m_series.timeAt(i)), m_series.valueAt(i)));
    }

    void gap(qint64 tMs)
    {
        if (!m_out.isEmpty() && std::isnan(m_out.constLast().y()))
            return;
        m_out.append(QPointF(double(tMs), NaN));
    }

private:
    const TimeSeries &m_series;
    QList<QPointF> &m_out;
    qsizetype m_last = -1;
};

// The lowest and highest sample of a stretch without gaps. Written with selects rather than
// early-outs so the compiler can use conditional moves: in noisy data new extremes are common
// and mispredicted branches dominated the cost.
struct Extremes {
    qsizetype minIndex = -1;
    qsizetype maxIndex = -1;
    double minValue = std::numeric_limits<double>::infinity();
    double maxValue = -std::numeric_limits<double>::infinity();

    void add(qsizetype i, double v)
    {
        const bool lower = v < minValue;
        const bool higher = v > maxValue;
        minIndex = lower ? i : minIndex;
        minValue = lower ? v : minValue;
        maxIndex = higher ? i : maxIndex;
        maxValue = higher ? v : maxValue;
    }
    // A stretch of only +inf (or -inf) samples sets just one of the two indices.
    bool isEmpty() const { return minIndex < 0 && maxIndex < 0; }
    void emitTo(Emitter &em) const
    {
        if (isEmpty())
            return;
        const qsizetype a = minIndex < 0 ? maxIndex : minIndex;
        const qsizetype b = maxIndex < 0 ? minIndex : maxIndex;
        em.point(std::min(a, b));
        em.point(std::max(a, b));
    }
};

// One pixel column. Values after the column's first gap are merged: further breaks inside one
// column would not be visible anyway, and this bounds the output for a flapping node.
struct Column {
    Extremes before;
    Extremes after;
    bool hasGap = false;
    qint64 firstGapMs = 0;
    bool endsInGap = false;
    qint64 trailingGapMs = 0;

    void emitTo(Emitter &em) const
    {
        before.emitTo(em);
        if (hasGap)
            em.gap(firstGapMs);
        after.emitTo(em);
        if (endsInGap && !after.isEmpty())
            em.gap(trailingGapMs);
    }
};

void emitAll(Emitter &em, TimeSeries::Range range)
{
    for (qsizetype i = range.first; i < range.end; ++i)
        em.point(i);
}

QList<QPointF> minMaxRange(const TimeSeries &series, TimeSeries::Range range, int width)
{
    QList<QPointF> out;
    if (range.isEmpty())
        return out;
    width = std::max(width, 1);
    Emitter em(series, out);
    if (range.count() <= 2 * qsizetype(width)) {
        out.reserve(range.count());
        emitAll(em, range);
        return out;
    }
    out.reserve(2 * width + 2);

    const qint64 t0 = series.timeAt(range.first);
    const qint64 span = series.timeAt(range.end - 1) - t0;
    // Column c holds t0 + ceil(c * span / width) <= t < t0 + ceil((c + 1) * span / width);
    // comparing against the next edge keeps the division out of the per-sample loop.
    const auto columnOf = [&](qint64 tMs) -> qint64 {
        return span == 0 ? 0 : std::min<qint64>(width - 1, (tMs - t0) * width / span);
    };
    const auto columnEnd = [&](qint64 c) -> qint64 {
        if (span == 0 || c >= width - 1)
            return std::numeric_limits<qint64>::max();
        return t0 + ((c + 1) * span + width - 1) / width;
    };

    em.point(range.first);
    Column column;
    Extremes running;
    qint64 nextEdge = columnEnd(columnOf(t0));
    for (qsizetype i = range.first; i < range.end; ++i) {
        const qint64 t = series.timeAt(i);
        if (t >= nextEdge) {
            (column.hasGap ? column.after : column.before) = running;
            column.emitTo(em);
            column = Column();
            running = Extremes();
            nextEdge = columnEnd(columnOf(t));
        }
        const double v = series.valueAt(i);
        if (!std::isnan(v)) {
            running.add(i, v);
            column.endsInGap = false;
            continue;
        }
        if (!column.hasGap) {
            column.hasGap = true;
            column.firstGapMs = t;
            column.before = running;
            running = Extremes();
        }
        if (!column.endsInGap) {
            column.endsInGap = true;
            column.trailingGapMs = t;
        }
    }
    (column.hasGap ? column.after : column.before) = running;
    column.emitTo(em);
    em.point(range.end - 1);
    return out;
}

// Classic LTTB over the gap-free run [first, end) to `budget` points (budget >= 3).
void lttbRun(
    const TimeSeries &series, qsizetype first, qsizetype end, qsizetype budget, Emitter &em)
{
    const qsizetype len = end - first;
    if (len <= budget) {
        emitAll(em, { first, end });
        return;
    }
    // x relative to the run's start keeps the triangle areas precise with epoch milliseconds.
    const qint64 t0 = series.timeAt(first);
    const auto x = [&](qsizetype i) { return double(series.timeAt(i) - t0); };
    const double every = double(len - 2) / double(budget - 2);
    const auto edge = [&](qsizetype k) {
        return std::min(end - 1, first + 1 + qsizetype(std::floor(double(k) * every)));
    };

    em.point(first);
    qsizetype selected = first;
    for (qsizetype k = 0; k < budget - 2; ++k) {
        const qsizetype bucketFirst = edge(k);
        const qsizetype bucketEnd = std::max(bucketFirst + 1, edge(k + 1));
        qsizetype nextFirst = bucketEnd;
        qsizetype nextEnd = std::min(end, edge(k + 2));
        if (k == budget - 3 || nextFirst >= nextEnd) {
            nextFirst = end - 1;
            nextEnd = end;
        }
        double avgX = 0;
        double avgY = 0;
        for (qsizetype j = nextFirst; j < nextEnd; ++j) {
            avgX += x(j);
            avgY += series.valueAt(j);
        }
        avgX /= double(nextEnd - nextFirst);
        avgY /= double(nextEnd - nextFirst);

        const double ax = x(selected);
        const double ay = series.valueAt(selected);
        double bestArea = -1;
        qsizetype best = bucketFirst;
        for (qsizetype j = bucketFirst; j < bucketEnd && j < end - 1; ++j) {
            const double area
                = std::abs((ax - avgX) * (series.valueAt(j) - ay) - (ax - x(j)) * (avgY - ay));
            if (area > bestArea) {
                bestArea = area;
                best = j;
            }
        }
        em.point(best);
        selected = best;
    }
    em.point(end - 1);
}

} // namespace

QList<QPointF> Downsampler::minMax(
    const TimeSeries &series, qint64 fromMs, qint64 toMs, int pixelWidth)
{
    return minMaxRange(series, series.indexRange(fromMs, toMs), pixelWidth);
}

QList<QPointF> Downsampler::lttb(
    const TimeSeries &series, qint64 fromMs, qint64 toMs, int threshold)
{
    const TimeSeries::Range range = series.indexRange(fromMs, toMs);
    QList<QPointF> out;
    if (range.isEmpty())
        return out;
    threshold = std::max(threshold, 3);
    Emitter em(series, out);
    if (range.count() <= threshold) {
        emitAll(em, range);
        return out;
    }

    struct Run {
        qsizetype first;
        qsizetype end;
    };
    std::vector<Run> runs;
    qsizetype values = 0;
    for (qsizetype i = range.first; i < range.end;) {
        if (series.isGapAt(i)) {
            ++i;
            continue;
        }
        qsizetype j = i + 1;
        while (j < range.end && !series.isGapAt(j))
            ++j;
        runs.push_back({ i, j });
        values += j - i;
        i = j;
    }
    if (qsizetype(runs.size()) > threshold / 2)
        return minMaxRange(series, range, threshold / 2);

    out.reserve(threshold + 2 * qsizetype(runs.size()) + 2);
    qsizetype next = range.first;
    for (const Run &run : runs) {
        if (run.first > next)
            em.gap(series.timeAt(next)); // the gap samples before this run
        const auto share
            = qsizetype(double(threshold) * double(run.end - run.first) / double(values));
        lttbRun(series, run.first, run.end, std::max<qsizetype>(share, 3), em);
        next = run.end;
    }
    if (next < range.end)
        em.gap(series.timeAt(next));
    return out;
}

QList<QList<QPointF>> Downsampler::splitAtBreaks(const QList<QPointF> &points, double stubHalfWidth)
{
    QList<QList<QPointF>> runs;
    qsizetype start = 0;
    const auto flush = [&](qsizetype end) {
        if (end - start == 1) {
            const QPointF p = points[start];
            runs.append(
                { QPointF(p.x() - stubHalfWidth, p.y()), QPointF(p.x() + stubHalfWidth, p.y()) });
        } else if (end > start) {
            runs.append(points.mid(start, end - start));
        }
    };
    for (qsizetype i = 0; i < points.size(); ++i) {
        if (std::isnan(points[i].y())) {
            flush(i);
            start = i + 1;
        }
    }
    flush(points.size());
    return runs;
}

} // namespace cw
