// Cost of the chart history (issue 4): storing one sample, filling 24 h of 1 Hz data for 60
// series (the store's share of the RSS budget), and reducing a full 24 h series to a 1,920 px
// plot with min-max and LTTB. Timestamps are synthetic, so 24 h fill in well under a second.

#include "models/timeseries/Downsampler.h"
#include "models/timeseries/TimeSeries.h"
#include "models/timeseries/TimeSeriesStore.h"

#include <QString>
#include <algorithm>
#include <benchmark/benchmark.h>
#include <cmath>
#include <vector>

namespace {

constexpr qint64 Epoch = 1'764'000'000'000;
constexpr qint64 Day = 86'400;

// A CPU-like random walk with occasional spikes and a one-hour outage.
cw::TimeSeries fullDay()
{
    cw::TimeSeries s;
    quint32 seed = 42;
    double v = 30;
    for (qint64 k = 0; k < Day; ++k) {
        seed = seed * 1'664'525u + 1'013'904'223u;
        v = std::clamp(v + (double(seed % 1000) - 499.5) / 250.0, 0.0, 100.0);
        if (k >= 10 * 3600 && k < 11 * 3600)
            s.appendGap(Epoch + k * 1000);
        else
            s.append(Epoch + k * 1000, seed % 5000 == 0 ? 100.0 : v);
    }
    return s;
}

void BM_AppendOneSample(benchmark::State &state)
{
    cw::TimeSeries s;
    qint64 t = Epoch;
    double v = 0;
    for (auto _ : state) {
        s.append(t, v);
        t += 1000;
        v += 0.5;
    }
    benchmark::DoNotOptimize(s.newest());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AppendOneSample);

void BM_StoreAppendById(benchmark::State &state)
{
    cw::TimeSeriesStore store;
    std::vector<QString> ids;
    for (int n = 0; n < 60; ++n)
        ids.push_back(QStringLiteral("node/n8n-worker-%1/cpu").arg(n));
    qint64 t = Epoch;
    size_t n = 0;
    for (auto _ : state) {
        store.append(ids[n], t, 1.0);
        if (++n == ids.size()) {
            n = 0;
            t += 1000;
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StoreAppendById);

void BM_Fill24hSixtySeries(benchmark::State &state)
{
    std::vector<QString> ids;
    for (int n = 0; n < 60; ++n)
        ids.push_back(QStringLiteral("node/n8n-worker-%1/metric-%2").arg(n / 5).arg(n % 5));
    qsizetype bytes = 0;
    for (auto _ : state) {
        cw::TimeSeriesStore store;
        for (qint64 k = 0; k < Day; ++k)
            for (const QString &id : ids)
                store.append(id, Epoch + k * 1000, double(k % 100));
        bytes = store.memoryBytes();
        benchmark::DoNotOptimize(bytes);
    }
    state.counters["MB"] = double(bytes) / 1e6;
    state.counters["samples"] = double(Day * 60);
}
BENCHMARK(BM_Fill24hSixtySeries)->Unit(benchmark::kMillisecond);

void BM_MinMax24hTo1920(benchmark::State &state)
{
    const cw::TimeSeries s = fullDay();
    qsizetype points = 0;
    for (auto _ : state) {
        const QList<QPointF> out = cw::Downsampler::minMax(s, Epoch, Epoch + Day * 1000, 1920);
        points = out.size();
        benchmark::DoNotOptimize(out.constData());
    }
    state.counters["points"] = double(points);
}
BENCHMARK(BM_MinMax24hTo1920)->Unit(benchmark::kMicrosecond);

void BM_Lttb24hTo1920(benchmark::State &state)
{
    const cw::TimeSeries s = fullDay();
    qsizetype points = 0;
    for (auto _ : state) {
        const QList<QPointF> out = cw::Downsampler::lttb(s, Epoch, Epoch + Day * 1000, 1920);
        points = out.size();
        benchmark::DoNotOptimize(out.constData());
    }
    state.counters["points"] = double(points);
}
BENCHMARK(BM_Lttb24hTo1920)->Unit(benchmark::kMicrosecond);

void BM_WindowLookup(benchmark::State &state)
{
    const cw::TimeSeries s = fullDay();
    qint64 from = Epoch;
    for (auto _ : state) {
        benchmark::DoNotOptimize(s.indexRange(from, from + 3600 * 1000));
        from = from + 7919 > Epoch + Day * 1000 ? Epoch : from + 7919;
    }
}
BENCHMARK(BM_WindowLookup);

} // namespace

BENCHMARK_MAIN();
