// Issue 4: the whole application's CPU with 12 nodes polled at 1 Hz while the charts show 24 h
// windows (goal ≤ 5 % of one core), and its RSS with full 24 h buffers (goal ≤ 150 MB).
// Real parts: nginx serving 12 n8n-shaped nodes (real captures), redis-server and PostgreSQL 15
// with n8n's schema, all on loopback; the real Application with its window (offscreen, software
// rendering, 1920×1080). The 24 h buffers are filled with synthetic timestamps first, then live
// polling runs for a measured minute. CPU is getrusage() of this process (all its threads).

#include "BenchCluster.h"
#include "ProcessStats.h"
#include "app/Application.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "services/config/SettingsStore.h"
#include "views/MainWindow.h"
#include "views/charts/ChartsPanel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>
#include <benchmark/benchmark.h>
#include <sys/resource.h>

namespace {

using cwtest::processCpuSeconds;
using cwtest::statusMiB;

// Runs the event loop (idle between events, as the real application does) for @p ms.
void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

using Cluster = cwtest::BenchCluster;

Cluster *cluster = nullptr;

void BM_AppWith24hCharts(benchmark::State &state)
{
    const qint64 spanMs = state.range(0) * 60'000;
    for (auto _ : state) {
        cw::SettingsStore settings(
            cluster->dir.filePath(QStringLiteral("settings-%1.ini").arg(spanMs)));
        cw::Application app(&settings, cluster->dir.filePath(QStringLiteral("audit.jsonl")));
        app.window()->resize(1920, 1080);
        app.showWindow();
        if (!app.openClusterFile(cluster->file)) {
            state.SkipWithError("cluster file did not load");
            return;
        }
        const double rssBefore = statusMiB("VmRSS:");
        app.fillSyntheticHistory(24);
        app.window()->chartsPanel()->setSpan(spanMs);
        spin(5'000); // connections up, first polls done
        const double rssFull = statusMiB("VmRSS:");
        const double start = processCpuSeconds();
        QElapsedTimer wall;
        wall.start();
        spin(60'000);
        const double cpu = processCpuSeconds() - start;
        const double seconds = double(wall.elapsed()) / 1000.0;
        state.counters["cpu_pct_of_core"] = 100.0 * cpu / seconds;
        state.counters["rss_MiB"] = statusMiB("VmRSS:");
        state.counters["rss_MiB_after_fill"] = rssFull;
        state.counters["rss_MiB_before_fill"] = rssBefore;
        state.counters["peak_rss_MiB"] = statusMiB("VmHWM:");
        state.counters["series"] = double(app.history()->count());
        state.counters["buffers_MiB"] = double(app.history()->memoryBytes()) / (1024.0 * 1024.0);
    }
}
BENCHMARK(BM_AppWith24hCharts)->Arg(24 * 60)->Arg(5)->Iterations(1)->Unit(benchmark::kSecond);

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Cluster c;
    if (!c.start()) {
        std::fprintf(
            stderr, "bench_appcpu: could not start the local cluster: %s\n", qPrintable(c.error));
        return 1;
    }
    cluster = &c;
    std::printf("12 nodes (nginx), redis-server, PostgreSQL 15 on loopback; polled at 1 Hz; window "
                "1920x1080 offscreen\n"
                "goals: cpu_pct_of_core <= 5 with the 24 h range shown; rss <= 150 MB with full 24 "
                "h buffers\n");
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    cluster = nullptr;
    return 0;
}
