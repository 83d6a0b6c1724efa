#pragma once

#include "models/timeseries/TimeSeries.h"

#include <QList>
#include <QPointF>

namespace cw {

/// Reduces a time window of a TimeSeries to about a plot's pixel width before the points go to
/// a chart. Points are (x = time in ms since the epoch, y = value); a gap yields one point with
/// y = NaN so the chart draws a break. The output is a QList<QPointF> because that is what
/// QXYSeries::replace() takes: the chart code can hand it over without another copy.
class Downsampler {
public:
    Downsampler() = delete;

    /// Min-max per pixel column: each column (time bucket over the window's data) yields its
    /// minimum and maximum in time order, so one-sample spikes survive; the window's first and
    /// last samples are always kept. At most about 2 × pixelWidth + 2 points, plus up to two
    /// breaks per column that contains a gap. A window of at most 2 × pixelWidth samples is
    /// returned unreduced.
    static QList<QPointF> minMax(
        const TimeSeries &series, qint64 fromMs, qint64 toMs, int pixelWidth);

    /// Largest-Triangle-Three-Buckets to about `threshold` points (pass the plot width): keeps
    /// the visual shape better than min-max at the same count. Each run of samples between gaps
    /// is reduced on its own, with a share of the budget proportional to its length (at least
    /// three points, so a spike in a short run survives), and runs are joined by breaks. A very
    /// fragmented window (more runs than threshold / 2) falls back to min-max at threshold / 2.
    static QList<QPointF> lttb(const TimeSeries &series, qint64 fromMs, qint64 toMs, int threshold);

    /// Cuts a downsampled line at its breaks (y = NaN) into runs to draw separately, because a
    /// chart line draws straight through NaN. A run of one point becomes a short horizontal
    /// stub of ± @p stubHalfWidth on x, so a lone sample between gaps stays visible.
    static QList<QList<QPointF>> splitAtBreaks(const QList<QPointF> &points, double stubHalfWidth);
};

} // namespace cw
