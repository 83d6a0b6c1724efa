// Latency from a Docker `die` event to the dashboard's model, against a real private dockerd
// (cwtest::DockerEngine). Goal (issue 3): a container that dies shows in the model within 0.1 s.
//
// The client and the model are wired as the application wires them: DockerClient on its own
// thread, ClusterModel on the main thread, snapshots, stats and events delivered by queued
// connections. Each iteration kills one container (`docker kill`, run off the main thread so that
// the main thread's event loop stays free), waits for the model, then starts the container again
// and waits until both the model and a fresh poll see it running.
//
// latency = t_model - t_event: t_event is the die event's timeNano (the daemon's CLOCK_REALTIME,
// same machine), t_model is CLOCK_REALTIME when ClusterModel emits dataChanged with the row's
// ContainerStateRole turned "exited…". Split: t_client = CLOCK_REALTIME when DockerClient emits
// eventReceived on its thread (a direct connection). "via" says which path changed the model
// first: the event, or a poll that happened to list the container first.
//
// The benchmark's Time column is the median latency; the counters hold min / p50 / p95 / max in
// ms and the share of iterations within 100 ms.

#include "DockerEngine.h"
#include "models/ClusterConfig.h"
#include "models/RuntimeTypes.h"
#include "models/items/ClusterModel.h"
#include "services/base/WorkerThread.h"
#include "services/runtime/docker/DockerClient.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QHash>
#include <QMutex>
#include <QMutexLocker>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <benchmark/benchmark.h>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <vector>

using namespace std::chrono_literals;

namespace {

constexpr auto kInterval = 1000ms;
const cw::Timeouts kTimeouts { 2000ms, 3000ms };
constexpr auto kDieTimeout = 5s;
constexpr auto kRunningTimeout = 15s;

qint64 realtimeNs()
{
    timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + qint64(ts.tv_nsec);
}

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

/// Runs the main thread's event loop until @p done or @p timeout.
bool waitUntil(const std::function<bool()> &done, std::chrono::milliseconds timeout)
{
    const QDeadlineTimer deadline(timeout);
    QTimer wake; // bounds each wait when nothing else arrives
    wake.start(20);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

/// The docker CLI against @p engine on a thread of its own: the main thread must keep delivering
/// events while the CLI runs. (A QThread, not std::async: QProcess wants an event dispatcher.)
class CliCall {
public:
    CliCall(cwtest::DockerEngine &engine, const QStringList &args)
        : m_thread(QThread::create([this, &engine, args] { m_ok = engine.docker(args); }))
    {
        m_thread->start();
    }
    ~CliCall() { m_thread->wait(); }
    CliCall(const CliCall &) = delete;
    CliCall &operator=(const CliCall &) = delete;

    bool finished() const { return m_thread->isFinished(); }
    bool ok()
    {
        m_thread->wait();
        return m_ok;
    }

private:
    std::atomic<bool> m_ok { false };
    std::unique_ptr<QThread> m_thread;
};

struct Sample {
    QString container;
    qint64 eventNs = 0; ///< the die event's timeNano
    qint64 clientNs = 0; ///< DockerClient emitted eventReceived (its thread)
    qint64 modelNs = 0; ///< ClusterModel's dataChanged turned the row "exited…"
    bool viaEvent = false;
    bool complete() const { return eventNs > 0 && modelNs > 0; }
};

/// Nearest-rank percentile of sorted @p values.
double percentile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return 0.0;
    const auto rank = size_t(std::ceil(p / 100.0 * double(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    if (values.empty())
        return 0.0;
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

void BM_DieEventToModel(benchmark::State &state)
{
    const auto containers = int(state.range(0));
    const auto iterations = int(state.range(1));

    // Declared first: it must outlive the client (its destructor purges the engine).
    cwtest::DockerEngine engine;
    if (!engine.start() || !engine.buildImage()) {
        state.SkipWithError(qPrintable(QStringLiteral("docker engine: ") + engine.errorString()));
        return;
    }
    QList<cw::NodeConfig> nodes;
    for (int i = 1; i <= containers; ++i) {
        cw::NodeConfig node;
        node.name = QStringLiteral("n8n-worker-%1").arg(i);
        node.role = cw::NodeRole::Worker;
        node.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:5678"));
        node.container = node.name;
        // No restart policy: the engine must not bring a killed container back by itself.
        if (!engine.runContainer(node.name, { QStringLiteral("sleep-loop") }, {})) {
            state.SkipWithError(qPrintable(QStringLiteral("docker run: ") + engine.errorString()));
            return;
        }
        nodes.append(node);
    }

    cw::ClusterState cluster;
    cw::ClusterModel model(&cluster);
    cw::ClusterConfig config;
    config.name = QStringLiteral("bench");
    config.nodes = nodes;
    cluster.setConfig(config);

    Sample sample;
    bool measuring = false;
    bool inEventDelivery = false;
    QHash<QString, QString> polledState; // container name -> state in the latest snapshot
    QMutex clientTimesMutex;
    QHash<QString, qint64> clientTimes; // "id/timeNano" of die events -> emission time

    cw::DockerEndpoint endpoint { engine.host(), false, {}, true };
    cw::WorkerThread thread(QStringLiteral("cw-docker"));
    auto *client = thread.adopt(new cw::DockerClient(endpoint, kTimeouts, kInterval));
    // -> QString: with QT_USE_QSTRINGBUILDER an auto return would keep a reference to a temporary.
    const auto clientKey = [](const cw::RuntimeEvent &e) -> QString {
        return e.id + QLatin1Char('/') + QString::number(e.timeNano);
    };

    // Runs on the client's thread at emission; connected first, so before the queued delivery.
    QObject::connect(
        client, &cw::DockerClient::eventReceived, client,
        [&](const cw::RuntimeEvent &e) {
            if (e.action != QLatin1String("die"))
                return;
            const qint64 now = realtimeNs();
            const QMutexLocker lock(&clientTimesMutex);
            clientTimes.insert(clientKey(e), now);
        },
        Qt::DirectConnection);
    QObject::connect(client, &cw::DockerClient::snapshotReady, &cluster,
        &cw::ClusterState::applyContainers, Qt::QueuedConnection);
    QObject::connect(
        client, &cw::DockerClient::snapshotReady, &model,
        [&](const cw::RuntimeSnapshot &s) {
            for (const cw::ContainerInfo &c : s.containers)
                polledState.insert(c.name, c.state);
        },
        Qt::QueuedConnection);
    QObject::connect(client, &cw::DockerClient::statsReady, &cluster,
        &cw::ClusterState::applyContainerStats, Qt::QueuedConnection);
    // What the application's connection to applyRuntimeEvent does, plus noting which path changed
    // the row.
    QObject::connect(
        client, &cw::DockerClient::eventReceived, &model,
        [&](const cw::RuntimeEvent &e) {
            if (measuring && e.action == QLatin1String("die") && e.name == sample.container
                && sample.eventNs == 0) {
                sample.eventNs = e.timeNano;
                const QMutexLocker lock(&clientTimesMutex);
                sample.clientNs = clientTimes.take(clientKey(e));
            }
            inEventDelivery = true;
            cluster.applyRuntimeEvent(e);
            inEventDelivery = false;
        },
        Qt::QueuedConnection);

    const auto stateOf = [&](const QString &name) {
        return model.data(model.index(model.rowOf(name), 0), cw::ClusterModel::ContainerStateRole)
            .toString();
    };
    QObject::connect(&model, &QAbstractItemModel::dataChanged, &model,
        [&](const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles) {
            const qint64 now = realtimeNs();
            if (!measuring || sample.modelNs != 0)
                return;
            const int row = model.rowOf(sample.container);
            if (row < topLeft.row() || row > bottomRight.row())
                return;
            if (!roles.isEmpty() && !roles.contains(cw::ClusterModel::ContainerStateRole))
                return;
            if (stateOf(sample.container).startsWith(QLatin1String("exited"))) {
                sample.modelNs = now;
                sample.viaEvent = inEventDelivery;
            }
        });

    thread.start(client, &cw::DockerClient::start);

    const auto running = [&](const QString &name) {
        return stateOf(name) == QLatin1String("running")
            && polledState.value(name) == QLatin1String("running");
    };
    if (!waitUntil(
            [&] {
                return std::all_of(nodes.cbegin(), nodes.cend(),
                    [&](const cw::NodeConfig &n) { return running(n.name); });
            },
            30s)) {
        state.SkipWithError("the model never showed every container running");
        return;
    }

    /// One kill / measure / start cycle; an empty error on success.
    const auto cycle = [&](const QString &name) -> QString {
        sample = Sample {};
        sample.container = name;
        measuring = true;
        CliCall kill(engine, { QStringLiteral("kill"), name });
        const bool seen
            = waitUntil([&] { return sample.complete() && kill.finished(); }, kDieTimeout);
        measuring = false;
        if (!kill.ok())
            return QStringLiteral("docker kill: ") + engine.errorString();
        if (!seen)
            return sample.modelNs == 0
                ? QStringLiteral("the model did not show %1 exited").arg(name)
                : QStringLiteral("no die event for %1").arg(name);
        CliCall start(engine, { QStringLiteral("start"), name });
        const bool back
            = waitUntil([&] { return start.finished() && running(name); }, kRunningTimeout);
        if (!start.ok())
            return QStringLiteral("docker start: ") + engine.errorString();
        if (!back)
            return QStringLiteral("%1 did not come back to running").arg(name);
        return {};
    };

    // Warm-up (not counted): the event stream is open and the CLI's files are in the page cache.
    if (const QString error = cycle(nodes.last().name); !error.isEmpty()) {
        state.SkipWithError(qPrintable(QStringLiteral("warm-up: ") + error));
        return;
    }

    std::vector<Sample> samples;
    int missed = 0;
    for (auto _ : state) {
        std::printf("%4s  %-14s %-5s %14s %14s %12s\n", "#", "container", "via", "event->client",
            "client->model", "total (ms)");
        for (int i = 0; i < iterations; ++i) {
            const QString name = nodes.at(i % containers).name;
            const QString error = cycle(name);
            if (!error.isEmpty()) {
                ++missed;
                std::printf("%4d  %-14s %s\n", i + 1, qPrintable(name), qPrintable(error));
                continue;
            }
            samples.push_back(sample);
            const Sample &s = sample;
            std::printf("%4d  %-14s %-5s %14s %14s %12.2f\n", i + 1, qPrintable(name),
                s.viaEvent ? "event" : "poll",
                s.clientNs ? qPrintable(QString::number(ms(s.clientNs - s.eventNs), 'f', 2)) : "-",
                s.clientNs ? qPrintable(QString::number(ms(s.modelNs - s.clientNs), 'f', 3)) : "-",
                ms(s.modelNs - s.eventNs));
            std::fflush(stdout);
        }

        std::vector<double> total;
        std::vector<double> toClient;
        std::vector<double> toModel;
        int viaEvent = 0;
        for (const Sample &s : samples) {
            total.push_back(ms(s.modelNs - s.eventNs));
            if (s.clientNs) {
                toClient.push_back(ms(s.clientNs - s.eventNs));
                toModel.push_back(ms(s.modelNs - s.clientNs));
            }
            viaEvent += s.viaEvent ? 1 : 0;
        }
        std::sort(total.begin(), total.end());
        std::sort(toClient.begin(), toClient.end());
        std::sort(toModel.begin(), toModel.end());
        const auto within
            = std::count_if(total.cbegin(), total.cend(), [](double v) { return v <= 100.0; });
        const double withinPct
            = total.empty() ? 0.0 : 100.0 * double(within) / double(total.size());

        std::printf("\ndie event -> model over %zu kills of %d containers (%d missed):\n",
            total.size(), containers, missed);
        std::printf("  total          min %7.2f  p50 %7.2f  p95 %7.2f  max %7.2f ms  within 100 "
                    "ms: %.0f%%\n",
            total.empty() ? 0.0 : total.front(), median(total), percentile(total, 95),
            total.empty() ? 0.0 : total.back(), withinPct);
        std::printf("  event->client  min %7.2f  p50 %7.2f  p95 %7.2f  max %7.2f ms  (daemon -> "
                    "DockerClient thread)\n",
            toClient.empty() ? 0.0 : toClient.front(), median(toClient), percentile(toClient, 95),
            toClient.empty() ? 0.0 : toClient.back());
        std::printf("  client->model  min %7.3f  p50 %7.3f  p95 %7.3f  max %7.3f ms  (queued to "
                    "the main thread)\n",
            toModel.empty() ? 0.0 : toModel.front(), median(toModel), percentile(toModel, 95),
            toModel.empty() ? 0.0 : toModel.back());
        std::printf("  changed by the event first: %d of %zu\n\n", viaEvent, total.size());
        std::fflush(stdout);

        state.counters["min_ms"] = total.empty() ? 0.0 : total.front();
        state.counters["p50_ms"] = median(total);
        state.counters["p95_ms"] = percentile(total, 95);
        state.counters["max_ms"] = total.empty() ? 0.0 : total.back();
        state.counters["within_100ms_pct"] = withinPct;
        state.counters["samples"] = double(total.size());
        state.counters["missed"] = double(missed);
        state.SetIterationTime(median(total) / 1000.0);
    }

    QMetaObject::invokeMethod(client, &cw::DockerClient::stop, Qt::BlockingQueuedConnection);
}

} // namespace

BENCHMARK(BM_DieEventToModel)
    ->ArgNames({ "containers", "kills" })
    ->Args({ 5, 30 })
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qRegisterMetaType<cw::RuntimeSnapshot>();
    qRegisterMetaType<cw::ContainerStats>();
    qRegisterMetaType<cw::RuntimeEvent>();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
