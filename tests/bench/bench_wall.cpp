// Issue 12 (part 6): the NOC wall runs for weeks; its CPU and memory must stay flat.
//
// BM_WallSoak: 7 simulated days of 1 Hz data for 12 nodes (1 main, 3 webhook processors,
// 8 workers) plus Redis and PostgreSQL, on a manual clock: synthetic but lively snapshots every
// simulated second (a daily load curve, noise, CPU peaks, queue backlogs, down and degraded
// episodes, Redis and PostgreSQL outages, failed-execution bursts, a stalled queue), through the
// real session (state, chart recorder, alert engine) into the real wall (WallController,
// 1920×1080 offscreen) with its 20 s page rotation. Every page turn and takeover is rendered
// for real (grab()); the wall's clock-driven parts are advanced every simulated second and
// events are processed every 20 simulated seconds, so repaints are coalesced as on a real
// screen, timers fire and deferred deletes run. Prints RSS after the first simulated hour, after
// every day and at the end, the growth per simulated hour and the peak. Goals: growth ≤ 1 MB per
// simulated hour, RSS ≤ 150 MB.
//
// BM_WallCpu: the real 12-node BenchCluster (nginx, redis-server, PostgreSQL 15 on loopback)
// polled at 1 Hz by a real session with the wall on it, rotating every 10 s, for a measured
// minute after warm-up. CPU of the whole process (all threads, getrusage) as % of one core,
// and RSS. Goal: ≤ 5 % of one core.
//
// The screen is 1920×1080 unless --screen=WxH is given (e.g. --screen=3840x2160).

#include "BenchCluster.h"
#include "ManualClock.h"
#include "ProcessStats.h"
#include "app/WallController.h"
#include "models/items/ClusterModel.h"
#include "models/state/ClusterState.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "services/collectors/CollectorSet.h"
#include "services/config/ConfigLoader.h"
#include "services/session/ClusterSession.h"
#include "views/wall/WallWindow.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QPixmap>
#include <QPointer>
#include <QScreen>
#include <QTemporaryDir>
#include <QTimer>
#include <benchmark/benchmark.h>
#include <cmath>
#include <malloc.h>
#include <numbers>
#include <random>
#include <sys/resource.h>

using namespace cw;

namespace {

using cwtest::processCpuSeconds;
using cwtest::statusMiB;

QSize screenSize { 1920, 1080 };

/// What malloc has handed out and not had back (RSS minus fragmentation and free pages).
double heapInUseMiB()
{
    return double(mallinfo2().uordblks) / (1024.0 * 1024.0);
}

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

/// Events due now, including deferred deletes (outside exec() they would wait forever).
void pump()
{
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

// ---- the simulated cluster ---------------------------------------------------------------

constexpr int kWorkers = 8;
constexpr int kWebhooks = 3;
constexpr qint64 kSecondsPerDay = 86'400;
// Events (repaints, timers, deferred deletes) are processed every this many simulated seconds:
// painting the header's clock every simulated second would make a week take hours.
constexpr qint64 kPumpEvery = 20;

QByteArray soakClusterYaml()
{
    QByteArray yaml = "name: soak-12\npoll_interval: 1s\nnodes:\n";
    yaml += "  - { name: n8n-main, role: main, url: 'http://127.0.0.1:5678' }\n";
    for (int i = 1; i <= kWebhooks; ++i)
        yaml += "  - { name: n8n-webhook-" + QByteArray::number(i)
            + ", role: webhook, url: 'http://127.0.0.1:" + QByteArray::number(5700 + i) + "' }\n";
    for (int i = 1; i <= kWorkers; ++i)
        yaml += "  - { name: n8n-worker-" + QByteArray::number(i)
            + ", role: worker, url: 'http://127.0.0.1:" + QByteArray::number(5800 + i) + "' }\n";
    yaml += "redis: { host: 127.0.0.1, port: 6379 }\n"
            "postgres: { host: 127.0.0.1, port: 5432, database: n8n, user: n8n, sslmode: disable "
            "}\n";
    return yaml;
}

/// One node's ongoing behaviour: a random walk around the cluster's load, and episodes.
struct SimNode {
    QString name;
    enum class Role { Main, Webhook, Worker } role = Role::Worker;
    quint64 sequence = 0;
    double cpuSeconds = 0;
    double memory = 0; ///< bytes
    double drift = 0; ///< slow per-node offset of the load
    qint64 downUntil = 0; ///< simulated second
    qint64 degradedUntil = 0;
    qint64 hotUntil = 0; ///< CPU above the alert threshold
    qint64 startTime = 0;
};

/// Generates a week of a busy queue-mode cluster, deterministic (fixed seed).
class Simulation {
public:
    explicit Simulation(qint64 startWallMs)
        : m_startWallMs(startWallMs)
    {
        m_nodes.push_back({ QStringLiteral("n8n-main"), SimNode::Role::Main });
        for (int i = 1; i <= kWebhooks; ++i)
            m_nodes.push_back({ QStringLiteral("n8n-webhook-%1").arg(i), SimNode::Role::Webhook });
        for (int i = 1; i <= kWorkers; ++i)
            m_nodes.push_back({ QStringLiteral("n8n-worker-%1").arg(i), SimNode::Role::Worker });
        for (SimNode &n : m_nodes) {
            n.memory = n.role == SimNode::Role::Main ? 420e6 : 260e6;
            n.startTime = startWallMs / 1000 - 3600;
        }
    }

    /// Emits second @p s of the simulation (0-based) through @p set's signals.
    void step(qint64 s, qint64 wallMs, CollectorSet *set)
    {
        // A working day: quiet nights, a morning ramp, an afternoon peak; 0..1.
        const double day = double(s % kSecondsPerDay) / double(kSecondsPerDay);
        const double load = std::clamp(0.15 + 0.75 * std::pow(std::sin(std::numbers::pi * day), 2.0)
                + 0.1 * std::sin(2 * std::numbers::pi * double(s) / 600.0),
            0.0, 1.0);
        startEpisodes(s);

        // The queue: enqueued by load, drained by healthy workers unless stalled.
        int healthyWorkers = 0;
        for (const SimNode &n : m_nodes)
            healthyWorkers += n.role == SimNode::Role::Worker && n.downUntil <= s ? 1 : 0;
        const bool stalled = s < m_stalledUntil;
        const bool redisUp = s >= m_redisDownUntil;
        const bool postgresUp = s >= m_postgresDownUntil;
        const double arrivals = load * 6.0 + (s < m_backlogUntil ? 25.0 : 0.0) + noise(0.5);
        const double capacity = stalled || !redisUp ? 0.0 : healthyWorkers * 1.2;
        m_waiting = std::max(0.0, m_waiting + std::max(0.0, arrivals) - capacity);
        const double done = std::min(capacity, m_waiting + std::max(0.0, arrivals));
        m_completed += done;
        const double failedNow = (s < m_failBurstUntil ? 0.3 : 0.01) * done;
        m_failed += failedNow;
        m_success += done - failedNow;

        for (SimNode &n : m_nodes)
            emitNode(n, s, wallMs, load, redisUp, postgresUp, set);
        emitRedis(s, wallMs, redisUp, set);
        emitPostgres(s, wallMs, postgresUp, load, set);
    }

private:
    double noise(double scale) { return scale * m_gauss(m_rng); }
    bool chance(double p) { return m_uniform(m_rng) < p; }
    qint64 between(qint64 lo, qint64 hi) { return lo + qint64(m_uniform(m_rng) * double(hi - lo)); }

    void startEpisodes(qint64 s)
    {
        for (SimNode &n : m_nodes) {
            if (n.downUntil > s || n.degradedUntil > s)
                continue;
            // About twice a day per node something happens: a crash (restart after 20 s to
            // 3 min, long enough for node_down), a readiness or lag problem, or a CPU peak.
            if (chance(1.0 / 43'200.0)) {
                n.downUntil = s + between(20, 180);
                n.startTime = (m_startWallMs / 1000) + s + (n.downUntil - s);
                n.cpuSeconds = 0;
            } else if (chance(1.0 / 43'200.0)) {
                n.degradedUntil = s + between(30, 300);
            } else if (chance(1.0 / 30'000.0)) {
                n.hotUntil = s + between(60, 400);
            }
        }
        if (s >= m_redisDownUntil && chance(1.0 / 172'800.0))
            m_redisDownUntil = s + between(10, 120);
        if (s >= m_postgresDownUntil && chance(1.0 / 259'200.0))
            m_postgresDownUntil = s + between(10, 90);
        if (s >= m_backlogUntil && chance(1.0 / 28'800.0))
            m_backlogUntil = s + between(120, 900);
        if (s >= m_failBurstUntil && chance(1.0 / 21'600.0))
            m_failBurstUntil = s + between(60, 600);
        if (s >= m_stalledUntil && chance(1.0 / 172'800.0))
            m_stalledUntil = s + between(150, 400);
    }

    void emitNode(SimNode &n, qint64 s, qint64 wallMs, double load, bool redisUp, bool postgresUp,
        CollectorSet *set)
    {
        NodeSnapshot snap;
        snap.node = n.name;
        snap.sequence = ++n.sequence;
        snap.timestampMs = wallMs;
        if (s < n.downUntil) {
            snap.health.error = FetchError::ConnectionRefused;
            snap.health.errorText = n.name + QStringLiteral(":5678: connection refused");
            snap.health.responseMs = 0.3;
            snap.readiness = snap.health;
            snap.metrics = snap.health;
            Q_EMIT set->nodeSnapshotReady(snap);
            return;
        }
        snap.health.httpStatus = 200;
        snap.health.responseMs = std::max(0.4, 3.0 + 4.0 * load + noise(1.0));
        snap.readiness = snap.health;
        const bool needsRedis = n.role == SimNode::Role::Worker;
        if (s < n.degradedUntil || !postgresUp || (needsRedis && !redisUp)) {
            snap.readiness.httpStatus = 503;
            snap.readiness.error = FetchError::HttpStatus;
            snap.readiness.errorText = QStringLiteral("HTTP 503 from /healthz/readiness");
        }
        if (n.role == SimNode::Role::Webhook) {
            snap.metrics.httpStatus = 404;
            snap.metricsState = MetricsState::NotExposed; // webhook processors have no /metrics
            Q_EMIT set->nodeSnapshotReady(snap);
            return;
        }
        snap.metrics = snap.health;
        snap.metricsState = MetricsState::Ok;
        n.drift = std::clamp(n.drift + noise(0.002), -0.2, 0.2);
        double cpu
            = (n.role == SimNode::Role::Main ? 12.0 : 8.0) + 60.0 * (load + n.drift) + noise(3.0);
        if (s < n.hotUntil)
            cpu = 92.0 + noise(3.0);
        cpu = std::clamp(cpu, 0.5, 100.0);
        n.cpuSeconds += cpu / 100.0;
        // Memory breathes with the load and is collected now and then.
        n.memory = std::clamp(n.memory + 40e3 * (load - 0.4) + noise(200e3), 180e6, 1.4e9);
        if (chance(1.0 / 900.0))
            n.memory *= 0.8;
        snap.cpuPercent = cpu;
        snap.values.cpuSecondsTotal = n.cpuSeconds;
        snap.values.residentMemoryBytes = n.memory;
        double lag = 0.002 + 0.01 * load + std::abs(noise(0.002));
        if (s < n.degradedUntil && (n.sequence % 2 == 0))
            lag = 0.35 + std::abs(noise(0.1));
        snap.values.eventLoopLagSeconds = lag;
        snap.values.processStartTime = double(n.startTime);
        snap.values.version = QStringLiteral("1.123.81");
        if (n.role == SimNode::Role::Main) {
            snap.values.leader = true;
            snap.values.queueWaiting = m_waiting;
            snap.values.queueActive = std::min(m_waiting, 8.0 * 10);
            snap.values.queueCompleted = m_completed;
            snap.values.queueFailed = m_failed;
        }
        Q_EMIT set->nodeSnapshotReady(snap);
    }

    void emitRedis(qint64 s, qint64 wallMs, bool up, CollectorSet *set)
    {
        RedisSnapshot r;
        r.endpoint = QStringLiteral("127.0.0.1:6379/0");
        r.timestampMs = wallMs;
        r.reachable = up;
        if (!up) {
            r.error = QStringLiteral("127.0.0.1:6379: connection refused");
            Q_EMIT set->redisSnapshotReady(r);
            return;
        }
        r.pingMs = std::max(0.05, 0.2 + noise(0.05));
        r.version = QStringLiteral("7.0.15");
        r.role = QStringLiteral("master");
        r.connectedClients = 14 + (s % 7 == 0 ? 1 : 0);
        r.usedMemoryBytes = qint64(3e6 + 1200.0 * m_waiting);
        r.uptimeSeconds = s;
        r.aofEnabled = true;
        r.rdbLastBgsaveStatus = QStringLiteral("ok");
        r.queueRead = true;
        r.queue.waiting = qint64(m_waiting);
        r.queue.active = std::min<qint64>(qint64(m_waiting), 80);
        r.queue.delayed = qint64(s % 300 < 30 ? 3 : 0);
        r.queue.failed = qint64(m_failed) % 5000;
        r.queue.lastJobId = qint64(m_completed + m_waiting);
        Q_EMIT set->redisSnapshotReady(r);
    }

    void emitPostgres(qint64, qint64 wallMs, bool up, double load, CollectorSet *set)
    {
        PostgresSnapshot p;
        p.endpoint = QStringLiteral("n8n@127.0.0.1:5432/n8n");
        p.timestampMs = wallMs;
        p.reachable = up;
        if (!up) {
            p.error = QStringLiteral("127.0.0.1:5432: connection refused");
            Q_EMIT set->postgresSnapshotReady(p);
            return;
        }
        p.selectOneMs = std::max(0.1, 0.5 + noise(0.1));
        p.serverVersion = QStringLiteral("15.10");
        p.connections = { { QStringLiteral("active"), qint64(2 + 10 * load) },
            { QStringLiteral("idle"), 20 } };
        p.maxConnections = 100;
        p.databaseSizeBytes = qint64(200e6 + m_success * 2000.0);
        p.n8nSchema = true;
        p.executions = { 0, qint64(std::min(m_waiting, 80.0)), 2, qint64(m_success),
            qint64(m_failed), 0, 3, 0 };
        Q_EMIT set->postgresSnapshotReady(p);
    }

    qint64 m_startWallMs;
    std::vector<SimNode> m_nodes;
    std::mt19937_64 m_rng { 20260112 };
    std::normal_distribution<double> m_gauss;
    std::uniform_real_distribution<double> m_uniform;
    double m_waiting = 0;
    double m_completed = 1'000'000;
    double m_failed = 0;
    double m_success = 1'000'000;
    qint64 m_redisDownUntil = 0;
    qint64 m_postgresDownUntil = 0;
    qint64 m_backlogUntil = 0;
    qint64 m_failBurstUntil = 0;
    qint64 m_stalledUntil = 0;
};

/// Least-squares slope of @p y over @p x.
double slope(const std::vector<double> &x, const std::vector<double> &y)
{
    const double n = double(x.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        sx += x[i];
        sy += y[i];
        sxx += x[i] * x[i];
        sxy += x[i] * y[i];
    }
    const double d = n * sxx - sx * sx;
    return d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

void BM_WallSoak(benchmark::State &state)
{
    const qint64 days = state.range(0);
    const qint64 pageSeconds = 20;
    for (auto _ : state) {
        QTemporaryDir dir;
        // Monday 2026-01-05 00:00 UTC; the monotonic clock as after a few hours of uptime.
        cwtest::ManualClock clock(1'767'571'200'000, 10'000'000);
        QPointer<CollectorSet> set;
        SessionOptions options;
        options.persistent = false;
        options.readOnly = true;
        options.clock = &clock;
        options.makeCollectors = [&set](const ClusterConfig &) {
            auto *s = new CollectorSet(CollectorSet::Parts {});
            set = s;
            return s;
        };
        ClusterSession session(options);
        ClusterModel nodes(session.state());
        WallOptions wall;
        wall.rotateEvery = std::chrono::seconds(pageSeconds);
        wall.ackHistoryPath = dir.filePath(QStringLiteral("alerts.sqlite"));
        WallController controller(&session, &nodes, wall);
        auto config = parseClusterConfig(soakClusterYaml(), QStringLiteral("soak.yaml"),
            [](const QString &) { return std::optional<QString>(); });
        if (!config.ok()) {
            state.SkipWithError(qPrintable(config.error()));
            return;
        }
        session.open(config.value());
        controller.show();
        WallWindow *window = controller.window();
        pump();
        std::printf("soak: window %dx%d, %lld simulated days, pages every %lld s\n",
            window->width(), window->height(), days, pageSeconds);

        bool turned = true;
        int renders = 0;
        int takeovers = 0;
        qint64 renderNs = 0;
        QObject::connect(
            window->rotation(), &WallRotation::pageChanged, window, [&turned] { turned = true; });
        QObject::connect(window->rotation(), &WallRotation::takeoverChanged, window,
            [&turned, &takeovers, window] {
                turned = true;
                takeovers += window->rotation()->takeover() ? 1 : 0;
            });
        int alertChanges = 0;
        QObject::connect(
            &session, &ClusterSession::alertRaised, window, [&alertChanges] { ++alertChanges; });

        Simulation sim(clock.wallMs());
        const qint64 steps = days * kSecondsPerDay;
        const qint64 warmup = 3600;
        double rssStart = 0;
        double heapStart = 0;
        std::vector<double> hours, rss, heap;
        QElapsedTimer elapsed;
        elapsed.start();
        QElapsedTimer part;
        qint64 feedNs = 0, refreshNs = 0, pumpNs = 0;
        for (qint64 s = 0; s < steps; ++s) {
            part.start();
            clock.advance(1000);
            sim.step(s, clock.wallMs(), set);
            session.evaluateNow();
            feedNs += part.nsecsElapsed();
            part.start();
            window->refresh();
            refreshNs += part.nsecsElapsed();
            if (turned) {
                turned = false;
                part.start();
                const QPixmap shot = window->grab();
                benchmark::DoNotOptimize(shot.cacheKey());
                renderNs += part.nsecsElapsed();
                ++renders;
            }
            if (s % kPumpEvery == 0) {
                part.start();
                pump();
                pumpNs += part.nsecsElapsed();
            }
            const qint64 done = s + 1;
            if (done % 3600 == 0) {
                hours.push_back(double(done) / 3600.0);
                rss.push_back(statusMiB("VmRSS:"));
                heap.push_back(heapInUseMiB());
            }
            if (done == warmup || done % kSecondsPerDay == 0) {
                std::printf("soak: time per simulated second: feed+evaluate %.3f ms, wall "
                            "refresh %.3f ms, events %.3f ms, renders %.3f ms\n",
                    double(feedNs) / 1e6 / double(done), double(refreshNs) / 1e6 / double(done),
                    double(pumpNs) / 1e6 / double(done), double(renderNs) / 1e6 / double(done));
            }
            if (done == warmup) {
                rssStart = rss.back();
                heapStart = heap.back();
                std::fflush(stdout);
                std::printf("soak: after 1 simulated hour (start): RSS %.1f MiB, heap in use "
                            "%.1f MiB, %.0f s so far\n",
                    rssStart, heapStart, double(elapsed.elapsed()) / 1000.0);
            }
            if (done % kSecondsPerDay == 0) {
                std::printf("soak: day %lld: RSS %.1f MiB, heap in use %.1f MiB, series %.1f "
                            "MiB, %d alert transitions, %d renders (%d takeovers), %.0f s so "
                            "far\n",
                    done / kSecondsPerDay, rss.back(), heap.back(),
                    double(session.series()->memoryBytes()) / (1024.0 * 1024.0), alertChanges,
                    renders, takeovers, double(elapsed.elapsed()) / 1000.0);
                std::fflush(stdout);
            }
        }
        const double seconds = double(elapsed.elapsed()) / 1000.0;
        const double rssEnd = statusMiB("VmRSS:");
        const double simHours = double(steps - warmup) / 3600.0;
        const double perHour = (rssEnd - rssStart) / simHours;
        // After the first day the 24 h ring buffers are full: the steady state.
        std::vector<double> sh(
            hours.begin() + std::min<qsizetype>(24, qsizetype(hours.size())), hours.end());
        std::vector<double> sr(
            rss.begin() + std::min<qsizetype>(24, qsizetype(rss.size())), rss.end());
        std::vector<double> sp(
            heap.begin() + std::min<qsizetype>(24, qsizetype(heap.size())), heap.end());
        const double fitAll = slope(hours, rss);
        const double fitSteady = sh.size() > 1 ? slope(sh, sr) : 0.0;
        const double heapSteady = sh.size() > 1 ? slope(sh, sp) : 0.0;
        std::printf("soak: end: RSS %.1f MiB (start %.1f), peak RSS %.1f MiB, heap in use %.1f "
                    "MiB (start %.1f)\n",
            rssEnd, rssStart, statusMiB("VmHWM:"), heapInUseMiB(), heapStart);
        std::printf("soak: growth per simulated hour: %.3f MiB (end minus start over %.0f h), "
                    "%.3f MiB (linear fit, all hours), %.3f MiB (fit from day 2, buffers full), "
                    "heap %.4f MiB (fit from day 2)\n",
            perHour, simHours, fitAll, fitSteady, heapSteady);
        std::printf("soak: %d renders (%.1f ms each), %d alert transitions, %d takeovers; "
                    "%.0f s wall clock for %lld simulated days (%.0f× real time)\n",
            renders, renders ? double(renderNs) / 1e6 / renders : 0.0, alertChanges, takeovers,
            seconds, days, double(steps) / seconds);
        std::printf("goal: growth <= 1 MB per simulated hour, RSS <= 150 MB\n");
        state.counters["rss_start_MiB"] = rssStart;
        state.counters["rss_end_MiB"] = rssEnd;
        state.counters["rss_peak_MiB"] = statusMiB("VmHWM:");
        state.counters["growth_MiB_per_h"] = perHour;
        state.counters["growth_fit_MiB_per_h_day2on"] = fitSteady;
        state.counters["wall_s"] = seconds;
    }
}
BENCHMARK(BM_WallSoak)->Arg(7)->Iterations(1)->Unit(benchmark::kSecond);

void BM_WallCpu(benchmark::State &state)
{
    const int rotateSeconds = int(state.range(0));
    cwtest::BenchCluster cluster;
    if (!cluster.start()) {
        state.SkipWithError(
            qPrintable(QStringLiteral("the local cluster did not start: ") + cluster.error));
        return;
    }
    const auto config = loadClusterConfig(cluster.file);
    if (!config.ok()) {
        state.SkipWithError(qPrintable(config.error()));
        return;
    }
    for (auto _ : state) {
        SessionOptions options;
        options.persistent = false;
        options.readOnly = true;
        ClusterSession session(options);
        ClusterModel nodes(session.state());
        WallOptions wall;
        wall.rotateEvery = std::chrono::seconds(rotateSeconds);
        wall.ackHistoryPath = cluster.dir.filePath(QStringLiteral("alerts.sqlite"));
        WallController controller(&session, &nodes, wall);
        session.open(config.value());
        controller.show();
        int turns = 0;
        QObject::connect(controller.window()->rotation(), &WallRotation::pageChanged,
            controller.window(), [&turns] { ++turns; });
        spin(10'000); // connections up, first polls and a page turn done
        const double rssBefore = statusMiB("VmRSS:");
        const double start = processCpuSeconds();
        QElapsedTimer wallClock;
        wallClock.start();
        spin(60'000);
        const double cpu = processCpuSeconds() - start;
        const double seconds = double(wallClock.elapsed()) / 1000.0;
        const QSize size = controller.window()->size();
        std::printf("wall cpu: window %dx%d, rotation %d s: %.2f %% of one core over %.1f s "
                    "(%d page turns); RSS %.1f MiB (%.1f at the start), peak %.1f MiB\n",
            size.width(), size.height(), rotateSeconds, 100.0 * cpu / seconds, seconds, turns,
            statusMiB("VmRSS:"), rssBefore, statusMiB("VmHWM:"));
        std::printf("goal: <= 5 %% of one core\n");
        state.counters["cpu_pct_of_core"] = 100.0 * cpu / seconds;
        state.counters["rss_MiB"] = statusMiB("VmRSS:");
        state.counters["page_turns"] = turns;
    }
}
BENCHMARK(BM_WallCpu)->Arg(10)->Iterations(1)->Unit(benchmark::kSecond);

} // namespace

int main(int argc, char **argv)
{
    std::vector<char *> args;
    for (int i = 0; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg.startsWith("--screen=")) {
            const QList<QByteArray> wh = arg.mid(9).split('x');
            screenSize = QSize(wh.value(0).toInt(), wh.value(1).toInt());
        } else {
            args.push_back(argv[i]);
        }
    }
    int count = int(args.size());
    QTemporaryDir dir;
    const QString configFile = dir.filePath(QStringLiteral("offscreen.json"));
    QFile f(configFile);
    if (!f.open(QIODevice::WriteOnly)
        || f.write(QStringLiteral(
               "{\"synchronousWindowSystemEvents\": false, \"windowFrameMargins\": false, "
               "\"screens\": [{\"name\": \"s\", \"x\": 0, \"y\": 0, \"width\": %1, "
               "\"height\": %2, \"logicalDpi\": 96, \"logicalBaseDpi\": 96, \"dpr\": 1}]}")
                       .arg(screenSize.width())
                       .arg(screenSize.height())
                       .toUtf8())
            < 0) {
        std::fprintf(stderr, "bench_wall: cannot write %s\n", qPrintable(configFile));
        return 1;
    }
    f.close();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + configFile.toUtf8());
    QApplication app(count, args.data());
    registerSnapshotMetaTypes();
    std::printf("bench_wall: offscreen screen %dx%d\n", app.primaryScreen()->size().width(),
        app.primaryScreen()->size().height());
    benchmark::Initialize(&count, args.data());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
