// Issue 10: `clusterwatch check` against the 12-node bench cluster (nginx n8n-shaped nodes,
// redis-server, PostgreSQL 15 with n8n's schema, all on loopback): wall time of one check and
// the peak RSS of the whole check process, read with wait4() from the kernel's accounting of
// the child (all its threads), as cron or a monitoring agent would pay for it.

#include "BenchCluster.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <benchmark/benchmark.h>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace {

cwtest::BenchCluster *cluster = nullptr;

struct Outcome {
    int exitCode = -1;
    double wallMs = 0;
    double peakRssMiB = 0;
    double cpuMs = 0;
};

// Runs the real binary with stdout/stderr to /dev/null and no DISPLAY (the variable is taken out
// of this process's environment in main()).
Outcome runCheck(const QByteArray &format)
{
    const QByteArray file = cluster->file.toLocal8Bit();
    QList<QByteArray> args { QByteArray(CLUSTERWATCH_BINARY), "check", "--config", file };
    if (!format.isEmpty())
        args << format;
    std::vector<char *> argv;
    for (QByteArray &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    Outcome outcome;
    QElapsedTimer wall;
    wall.start();
    pid_t pid = 0;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return outcome;
    }
    int status = 0;
    rusage usage {};
    wait4(pid, &status, 0, &usage);
    outcome.wallMs = double(wall.nsecsElapsed()) / 1e6;
    posix_spawn_file_actions_destroy(&actions);
    outcome.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outcome.peakRssMiB = double(usage.ru_maxrss) / 1024.0;
    outcome.cpuMs = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
    return outcome;
}

void BM_Check12Nodes(benchmark::State &state)
{
    const QByteArray format = state.range(0) ? QByteArray("--json") : QByteArray();
    double worstWall = 0;
    double worstRss = 0;
    double cpu = 0;
    int runs = 0;
    for (auto _ : state) {
        const Outcome o = runCheck(format);
        if (o.exitCode != 0) {
            state.SkipWithError(
                qPrintable(QStringLiteral("check exited %1, expected 0 (OK)").arg(o.exitCode)));
            return;
        }
        state.SetIterationTime(o.wallMs / 1000.0);
        worstWall = std::max(worstWall, o.wallMs);
        worstRss = std::max(worstRss, o.peakRssMiB);
        cpu += o.cpuMs;
        ++runs;
    }
    state.counters["worst_wall_ms"] = worstWall;
    state.counters["peak_rss_MiB"] = worstRss;
    state.counters["cpu_ms_per_check"] = runs ? cpu / runs : 0;
}
BENCHMARK(BM_Check12Nodes)
    ->Arg(0)
    ->Arg(1)
    ->Iterations(20)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    for (const char *variable : { "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM" })
        qunsetenv(variable);
    cwtest::BenchCluster c;
    if (!c.start()) {
        std::fprintf(
            stderr, "bench_check: could not start the local cluster: %s\n", qPrintable(c.error));
        return 1;
    }
    cluster = &c;
    std::printf("clusterwatch check: 12 nodes (nginx), redis-server, PostgreSQL 15 on loopback; no "
                "display; "
                "arg 0 = table, 1 = --json; time and peak RSS of the whole child process\n");
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    cluster = nullptr;
    return 0;
}
