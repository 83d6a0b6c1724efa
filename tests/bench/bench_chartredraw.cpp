// Issue 4: the time to redraw one chart holding 24 h of 1 Hz data for 12 series, at 1920×1080
// with software rendering (goal ≤ 16 ms per frame). A frame is the chart's refresh (min-max
// downsampling of every series to the plot width and one replace() per segment) plus painting
// the whole chart into a 1920×1080 raster image, as the offscreen/software paint path does.

#include "models/items/ChartLegendModel.h"
#include "models/items/ChartSpec.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "views/charts/TimeChart.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <algorithm>
#include <benchmark/benchmark.h>
#include <memory>

namespace {

constexpr qint64 Now = 1'790'000'000'000;
constexpr qint64 Day = 86'400;
constexpr int Series = 12;

struct Fixture {
    cw::TimeSeriesStore store;
    cw::ChartLegendModel legend;
    std::unique_ptr<cw::TimeChart> chart;
    QImage frame { 1920, 1080, QImage::Format_ARGB32_Premultiplied };

    Fixture()
    {
        cw::ChartSpec spec { QStringLiteral("cpu"), QStringLiteral("CPU"), cw::ChartUnit::Percent,
            {}, { { QStringLiteral("alert 80 %"), 80 } }, 100, {} };
        quint32 seed = 7;
        for (int s = 0; s < Series; ++s) {
            const QString id = QStringLiteral("node/n%1/cpu").arg(s);
            spec.series.append({ QStringLiteral("n8n-worker-%1").arg(s), { id } });
            double v = 20 + s * 4;
            for (qint64 k = Day - 1; k >= 0; --k) {
                seed = seed * 1'664'525u + 1'013'904'223u;
                v = std::clamp(v + (double(seed % 1000) - 499.5) / 200.0, 0.0, 100.0);
                const qint64 t = Now - k * 1000;
                // Every node has one 20-minute outage: a break in its line.
                if (k >= 3600 * (s + 1) && k < 3600 * (s + 1) + 1200)
                    store.appendGap(id, t);
                else
                    store.append(id, t, seed % 7000 == 0 ? 99.0 : v);
            }
        }
        legend.setSpec(spec);
        legend.refresh(store, Now, 5000);
        chart = std::make_unique<cw::TimeChart>(&legend);
        chart->setStore(&store);
        chart->setSpan(Day * 1000);
        chart->rebuild();
        chart->resize(1920, 1080);
        chart->show();
        QCoreApplication::processEvents();
        chart->refresh(Now);
        QCoreApplication::processEvents();
    }

    void paint()
    {
        QPainter painter(&frame);
        chart->render(&painter);
    }
};

Fixture *fixture = nullptr;

void BM_RefreshOnly(benchmark::State &state)
{
    qint64 now = Now;
    for (auto _ : state) {
        fixture->chart->refresh(now);
        now += 1000; // the window moves like the live one
    }
    state.counters["points"] = double(fixture->chart->lastPointCount());
    state.counters["plot_px"] = fixture->chart->plotWidth();
}

void BM_PaintOnly(benchmark::State &state)
{
    fixture->chart->setRenderHint(QPainter::Antialiasing, state.range(0) != 0);
    for (auto _ : state)
        fixture->paint();
    fixture->chart->setRenderHint(QPainter::Antialiasing, true);
    state.SetLabel(state.range(0) ? "antialiased" : "aliased");
}

void BM_Frame(benchmark::State &state)
{
    fixture->chart->setRenderHint(QPainter::Antialiasing, state.range(0) != 0);
    qint64 now = Now;
    for (auto _ : state) {
        fixture->chart->refresh(now);
        fixture->paint();
        now += 1000;
    }
    fixture->chart->setRenderHint(QPainter::Antialiasing, true);
    state.SetLabel(state.range(0) ? "antialiased (shipped)" : "aliased");
    state.counters["goal_ms"] = 16;
}

// What a frame costs without any line: axes, grid, labels, background (the floor).
void BM_FrameWithoutLines(benchmark::State &state)
{
    for (int row = 0; row < Series; ++row)
        fixture->legend.setData(fixture->legend.index(row), Qt::Unchecked, Qt::CheckStateRole);
    qint64 now = Now;
    for (auto _ : state) {
        fixture->chart->refresh(now);
        fixture->paint();
        now += 1000;
    }
    for (int row = 0; row < Series; ++row)
        fixture->legend.setData(fixture->legend.index(row), Qt::Checked, Qt::CheckStateRole);
}

BENCHMARK(BM_FrameWithoutLines)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RefreshOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PaintOnly)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Frame)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    // Software rendering, no display needed.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Fixture f;
    fixture = &f;
    std::printf("chart: %d series x %lld samples (24 h at 1 Hz), 1920x1080, plot %d px wide\n",
        Series, static_cast<long long>(Day), f.chart->plotWidth());
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    fixture = nullptr;
    return 0;
}
