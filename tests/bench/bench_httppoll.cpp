// How much of one core the HTTP collector thread needs to poll N n8n nodes at 1 Hz
// (/healthz, /healthz/readiness and /metrics each), against a real nginx serving the
// under_load capture of an n8n main process. Goal: 1,000 nodes within 10 % of one core.
//
// Counters: cpu_us_per_poll (collector thread CPU per node poll = 3 requests + parse),
// core_pct (collector thread CPU / wall time), snapshots_per_s, ok_pct (polls with every
// endpoint answered and metrics parsed). Measured over a steady window after a warm-up that
// opens the kept-alive connections.

#include "NodeFarm.h"
#include "models/ClusterConfig.h"
#include "models/Snapshots.h"
#include "services/base/WorkerThread.h"
#include "services/collectors/HttpCollector.h"

#include <QCoreApplication>
#include <atomic>
#include <benchmark/benchmark.h>
#include <ctime>
#include <sys/resource.h>
#include <thread>

using namespace std::chrono_literals;

namespace {

constexpr auto kWarmUp = 3s;

/// The measured window: 10 s, or CW_BENCH_SECONDS (e.g. for watching memory over minutes).
std::chrono::seconds window()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("CW_BENCH_SECONDS", &ok);
    return std::chrono::seconds(ok && seconds > 0 ? seconds : 10);
}

double threadCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

/// CPU time of the thread @p worker lives on, read on that thread.
double workerCpuSeconds(QObject *worker)
{
    double seconds = 0.0;
    QMetaObject::invokeMethod(worker, &threadCpuSeconds, Qt::BlockingQueuedConnection, &seconds);
    return seconds;
}

void raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

void BM_HttpPoll(benchmark::State &state)
{
    const auto nodes = int(state.range(0));
    raiseFileLimit();

    cwtest::NodeFarm farm;
    QList<cw::NodeConfig> configs;
    for (int i = 0; i < nodes; ++i) {
        cw::NodeConfig config;
        config.name = QStringLiteral("n8n-%1").arg(i);
        config.role = cw::NodeRole::Main;
        config.baseUrl = farm.addNode(
            config.name, cwtest::NodeFarm::Kind::Main, cwtest::NodeFarm::CaptureSet::UnderLoad);
        configs.append(config);
    }
    if (!farm.start()) {
        state.SkipWithError(qPrintable(farm.errorString()));
        return;
    }

    for (auto _ : state) {
        std::atomic<qint64> snapshots { 0 };
        std::atomic<qint64> complete { 0 };
        cw::WorkerThread thread(QStringLiteral("cw-http"));
        auto *collector = thread.adopt(
            new cw::HttpCollector(configs, cw::Timeouts {}, 1000ms, 4 * 1024 * 1024));
        // Runs on the collector thread; counting is all it adds to the measured CPU.
        QObject::connect(collector, &cw::HttpCollector::nodeSnapshotReady, collector,
            [&](const cw::NodeSnapshot &s) {
                snapshots.fetch_add(1, std::memory_order_relaxed);
                if (s.health.ok() && s.readiness.ok() && s.metricsState == cw::MetricsState::Ok)
                    complete.fetch_add(1, std::memory_order_relaxed);
            });
        thread.start(collector, &cw::HttpCollector::start);
        std::this_thread::sleep_for(kWarmUp);

        const double cpu0 = workerCpuSeconds(collector);
        const qint64 snaps0 = snapshots.load();
        const qint64 complete0 = complete.load();
        const auto wall0 = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(window());
        const double cpu1 = workerCpuSeconds(collector);
        const qint64 snaps1 = snapshots.load();
        const qint64 complete1 = complete.load();
        const double wall
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();

        QMetaObject::invokeMethod(
            collector, &cw::HttpCollector::stop, Qt::BlockingQueuedConnection);
        const double polls = double(snaps1 - snaps0);
        state.counters["cpu_us_per_poll"] = polls > 0 ? (cpu1 - cpu0) / polls * 1e6 : 0.0;
        state.counters["core_pct"] = (cpu1 - cpu0) / wall * 100.0;
        state.counters["snapshots_per_s"] = polls / wall;
        state.counters["ok_pct"] = polls > 0 ? double(complete1 - complete0) / polls * 100.0 : 0.0;
        state.counters["warmup_cpu_ms"] = cpu0 * 1000.0;
        state.SetIterationTime(wall);
    }
}

} // namespace

BENCHMARK(BM_HttpPoll)
    ->ArgName("nodes")
    ->Arg(100)
    ->Arg(1000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
