// The failover drill's measurement thread (cw::DrillProbe on its own cw::WorkerThread, started
// as DrillRunner::startProbe() does) against real loopback servers: nginx (NodeFarm) answering
// /healthz, a server that accepts and never answers (HangingServer) and redis-server.
// The issue asks for measurements "at 10 Hz or faster" and a prober "of at least 10
// requests/s". Measured here:
//   - BM_ProberNginx/<rps>: the prober's achieved rate and how late each request left against
//     the ideal schedule (first + i * 1000 / rps; its own sentMs, 1 ms resolution), with the
//     node's readiness probed over HTTP at 10 Hz alongside, as in a node drill;
//   - BM_TargetOnly/<kind>: the target probe's achieved rate (samples/s) with no prober;
//   - BM_FrozenBackend: 10 requests/s to a server that never answers with the runner's 130 s
//     request timeout, for 30 s (300 requests in flight at the end): the rate and schedule
//     seen by the server (its accept times), the target (the frozen node itself) probed too;
//   - in every live run: whole-process CPU (/proc/self/stat, all threads, including the
//     in-process HangingServer threads) and the probe thread's own, peak RSS (VmHWM, reset at
//     the start of each run through /proc/self/clear_refs), the delay between a batch's
//     emission on the probe thread and its arrival on the main thread, and the time the
//     receiving slot spends appending it to QLists as DrillRunner::onSamples does (with the
//     panel holding a copy of the record, refreshed every 250 ms, as DrillPanel::setRecord
//     does through DrillRunner::progressed);
//   - BM_OnSamplesAppend: that slot's cost for one 100 rps batch once the record already holds
//     many samples, with and without the panel's copy (which makes the next append copy all).

#include "HangingServer.h"
#include "NodeFarm.h"
#include "ProcessStats.h"
#include "RedisServer.h"
#include "models/Clock.h"
#include "models/DrillRecord.h"
#include "services/base/WorkerThread.h"
#include "services/drillrun/DrillProbe.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QStringList>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <benchmark/benchmark.h>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using cw::DrillProbeSettings;
using cw::ProbeSample;
using cw::TargetProbeSpec;
using cw::TargetSample;

namespace {

using cwtest::statusMiB;

cwtest::NodeFarm *farm = nullptr;
cwtest::RedisServer *redis = nullptr;
QStringList summary; ///< one human line per live run, printed after the table

/// The runner's per-probe timeout: under 1 s, so that 10 outstanding probes keep 10 samples a
/// second coming from a frozen target too (DrillRunner::startProbe).
constexpr auto kTargetTimeout = 900ms;

/// The runner's request timeout for the prober.
constexpr auto kRequestTimeout = 130s;
/// How often DrillRunner emits progressed(m_record) (kProgressEveryMs).
constexpr qint64 kProgressEveryMs = 250;

qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

qint64 monoMs()
{
    return cw::Clock::system().now().monoMs;
}

/// utime + stime of a /proc stat file, in seconds (clock ticks, 10 ms each).
double statCpuSeconds(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = file.readAll();
    // The command name (2nd field) may hold spaces: the fields counted from after its ')'.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return (fields[11].toDouble() + fields[12].toDouble()) / double(::sysconf(_SC_CLK_TCK));
}

double processCpuSeconds()
{
    return statCpuSeconds(QStringLiteral("/proc/self/stat"));
}

double threadCpuSeconds(pid_t tid)
{
    return statCpuSeconds(QStringLiteral("/proc/self/task/%1/stat").arg(tid));
}

/// Sets VmHWM back to the current RSS, so that the next reading is this run's peak.
bool resetPeakRss()
{
    QFile file(QStringLiteral("/proc/self/clear_refs"));
    return file.open(QIODevice::WriteOnly) && file.write("5") == 1;
}

/// Runs the event loop (idle between events) for @p ms.
void spin(qint64 ms)
{
    QEventLoop loop;
    QTimer::singleShot(int(ms), Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

/// Nearest-rank percentile; 0 for no values.
double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = std::size_t(std::ceil(p / 100.0 * double(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

double maxOf(const std::vector<double> &values)
{
    return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}

// The probe's warnings ("held up: requests were not sent", "not sent: in flight") are counted;
// its info lines ("sending 10 requests/s to ...") are dropped.
std::atomic<int> probeWarnings { 0 };
QtMessageHandler previousHandler = nullptr;

void messageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && std::strcmp(context.category, "clusterwatch.drill.probe") == 0) {
        if (type == QtInfoMsg || type == QtDebugMsg)
            return;
        if (type == QtWarningMsg)
            ++probeWarnings;
    }
    previousHandler(type, context, message);
}

/// One DrillProbe on its own WorkerThread, as DrillRunner::startProbe() runs it; its batches
/// are received on this (the main) thread and appended as DrillRunner::onSamples() does.
class ProbeRig {
public:
    ProbeRig()
        : m_thread(std::make_unique<cw::WorkerThread>(QStringLiteral("cw-drill-probe")))
    {
        m_probe = m_thread->adopt(new cw::DrillProbe);
        // First the direct connection, run on the probe's thread as the batch is emitted: its
        // time is stored before the queued connection below posts the batch to this thread.
        QObject::connect(
            m_probe, &cw::DrillProbe::samples, m_probe,
            [this] {
                const qint64 now = steadyNs();
                const std::lock_guard lock(m_mutex);
                m_emittedNs.push_back(now);
            },
            Qt::DirectConnection);
        QObject::connect(m_probe, &cw::DrillProbe::samples, &m_receiver,
            [this](const QList<ProbeSample> &probes, const QList<TargetSample> &targets) {
                onSamples(probes, targets);
            });
        m_thread->thread()->start();
        QMetaObject::invokeMethod(
            m_probe, [this] { m_tid = ::gettid(); }, Qt::BlockingQueuedConnection);
    }

    ~ProbeRig() { m_thread.reset(); } // quits and joins; the probe is deleted on its thread
    ProbeRig(const ProbeRig &) = delete;
    ProbeRig &operator=(const ProbeRig &) = delete;

    void start(const DrillProbeSettings &settings)
    {
        m_originMonoMs = monoMs();
        cw::DrillProbe *probe = m_probe;
        QMetaObject::invokeMethod(
            probe, [probe, settings, origin = m_originMonoMs] { probe->start(settings, origin); },
            Qt::QueuedConnection);
    }

    /// Runs stop() on the probe's thread (in-flight requests abandoned); how long it took, ms.
    double stop()
    {
        const qint64 start = steadyNs();
        cw::DrillProbe *probe = m_probe;
        QMetaObject::invokeMethod(
            probe, [probe] { probe->stop(); }, Qt::BlockingQueuedConnection);
        return double(steadyNs() - start) / 1e6;
    }

    pid_t tid() const { return m_tid; }
    const QList<ProbeSample> &probes() const { return m_probes; }
    const QList<TargetSample> &targets() const { return m_targets; }
    const std::vector<double> &deliveryUs() const { return m_deliveryUs; }
    const std::vector<double> &finishedToReceivedMs() const { return m_finishedToReceivedMs; }
    const std::vector<double> &slotUs() const { return m_slotUs; }

private:
    void onSamples(const QList<ProbeSample> &probes, const QList<TargetSample> &targets)
    {
        const qint64 received = steadyNs();
        qint64 emitted = received;
        {
            const std::lock_guard lock(m_mutex);
            if (!m_emittedNs.empty()) {
                emitted = m_emittedNs.front();
                m_emittedNs.pop_front();
            }
        }
        m_deliveryUs.push_back(double(received - emitted) / 1e3);

        // DrillRunner::onSamples() while running: the probes appended to the record, each target
        // sample appended after a look at the last one (a change is noted; counted here).
        const qint64 slotStart = steadyNs();
        m_probes.append(probes);
        for (const TargetSample &sample : targets) {
            const bool wasUp = m_targets.isEmpty() || m_targets.constLast().up;
            m_targets.append(sample);
            if (wasUp != sample.up)
                ++m_transitions;
        }
        m_slotUs.push_back(double(steadyNs() - slotStart) / 1e3);

        // DrillRunner emits progressed(m_record) every 250 ms; DrillPanel::setRecord keeps a
        // copy, so the append after it detaches (copies) the lists.
        const qint64 now = monoMs();
        if (now - m_lastProgressMs >= kProgressEveryMs) {
            m_lastProgressMs = now;
            m_panelProbes = m_probes;
            m_panelTargets = m_targets;
        }

        // From a sample's end (answer, failure or timeout) to here: includes the batching wait.
        const qint64 offsetNow = now - m_originMonoMs;
        for (const ProbeSample &s : probes)
            m_finishedToReceivedMs.push_back(double(offsetNow - (s.sentMs + s.latencyMs)));
        for (const TargetSample &s : targets)
            m_finishedToReceivedMs.push_back(double(offsetNow - (s.atMs + s.latencyMs)));
    }

    QObject m_receiver;
    std::mutex m_mutex;
    std::deque<qint64> m_emittedNs;
    qint64 m_originMonoMs = 0;
    pid_t m_tid = 0;
    QList<ProbeSample> m_probes;
    QList<TargetSample> m_targets;
    QList<ProbeSample> m_panelProbes;
    QList<TargetSample> m_panelTargets;
    qint64 m_lastProgressMs = 0;
    int m_transitions = 0;
    std::vector<double> m_deliveryUs;
    std::vector<double> m_finishedToReceivedMs;
    std::vector<double> m_slotUs;
    cw::DrillProbe *m_probe = nullptr;
    // Last: destroyed first, so nothing is emitted into members already gone.
    std::unique_ptr<cw::WorkerThread> m_thread;
};

/// What a live run cost the process, over the time the probe ran.
struct Cost {
    double cpuPct = 0; ///< whole process, % of one core
    double probeThreadCpuPct = 0;
    double peakRssMiB = 0;
    double rssMiB = 0;
    bool peakReset = false;
};

/// Starts @p rig with @p settings, runs the event loop for @p ms and returns the cost; @p each
/// second is called once a second (after the first) while it runs.
template <typename EachSecond>
Cost runFor(ProbeRig &rig, const DrillProbeSettings &settings, qint64 ms, EachSecond each)
{
    Cost cost;
    cost.peakReset = resetPeakRss();
    const double cpu = processCpuSeconds();
    const double threadCpu = threadCpuSeconds(rig.tid());
    const qint64 start = steadyNs();
    rig.start(settings);
    for (qint64 elapsed = 0; elapsed < ms;) {
        const qint64 step = std::min<qint64>(1000, ms - elapsed);
        spin(step);
        elapsed += step;
        each(elapsed);
    }
    const double seconds = double(steadyNs() - start) / 1e9;
    cost.cpuPct = 100.0 * (processCpuSeconds() - cpu) / seconds;
    cost.probeThreadCpuPct = 100.0 * (threadCpuSeconds(rig.tid()) - threadCpu) / seconds;
    cost.peakRssMiB = statusMiB("VmHWM:");
    cost.rssMiB = statusMiB("VmRSS:");
    return cost;
}

void setCost(benchmark::State &state, const Cost &cost)
{
    state.counters["cpu_pct_core"] = cost.cpuPct;
    state.counters["probe_thr_cpu_pct"] = cost.probeThreadCpuPct;
    state.counters["peak_rss_MiB"] = cost.peakRssMiB;
}

void setDelivery(benchmark::State &state, const ProbeRig &rig)
{
    state.counters["batches"] = double(rig.deliveryUs().size());
    state.counters["deliv_p99_us"] = percentile(rig.deliveryUs(), 99);
    state.counters["slot_p99_us"] = percentile(rig.slotUs(), 99);
}

QString costText(const Cost &cost, const ProbeRig &rig)
{
    return QStringLiteral("cpu %1 % of a core (probe thread %2 %), peak RSS %3 MiB%4; %5 batches: "
                          "emitted->received p50/p99/max %6/%7/%8 us, sample end->received p99 "
                          "%9 ms; slot p50/p99/max %10/%11/%12 us")
        .arg(cost.cpuPct, 0, 'f', 2)
        .arg(cost.probeThreadCpuPct, 0, 'f', 2)
        .arg(cost.peakRssMiB, 0, 'f', 1)
        .arg(cost.peakReset ? QString() : QStringLiteral(" (process lifetime: no clear_refs)"))
        .arg(rig.deliveryUs().size())
        .arg(percentile(rig.deliveryUs(), 50), 0, 'f', 0)
        .arg(percentile(rig.deliveryUs(), 99), 0, 'f', 0)
        .arg(maxOf(rig.deliveryUs()), 0, 'f', 0)
        .arg(percentile(rig.finishedToReceivedMs(), 99), 0, 'f', 0)
        .arg(percentile(rig.slotUs(), 50), 0, 'f', 1)
        .arg(percentile(rig.slotUs(), 99), 0, 'f', 1)
        .arg(maxOf(rig.slotUs()), 0, 'f', 1);
}

QUrl withPath(QUrl url, const QString &path)
{
    QString prefix = url.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + path);
    return url;
}

/// Target samples taken within [first, first + windowMs): their rate and the gaps between them.
struct TargetFigures {
    double rate = 0;
    double gapP99Ms = 0;
    double gapMaxMs = 0;
    int up = 0;
    int count = 0;
};

TargetFigures targetFigures(QList<TargetSample> samples, qint64 windowMs)
{
    TargetFigures f;
    if (samples.isEmpty())
        return f;
    std::sort(samples.begin(), samples.end(),
        [](const TargetSample &a, const TargetSample &b) { return a.atMs < b.atMs; });
    const qint64 first = samples.first().atMs;
    std::vector<double> gaps;
    for (qsizetype i = 0; i < samples.size() && samples[i].atMs < first + windowMs; ++i) {
        ++f.count;
        f.up += samples[i].up ? 1 : 0;
        if (i > 0)
            gaps.push_back(double(samples[i].atMs - samples[i - 1].atMs));
    }
    f.rate = double(f.count) * 1000.0 / double(windowMs);
    f.gapP99Ms = percentile(gaps, 99);
    f.gapMaxMs = maxOf(gaps);
    return f;
}

// --- the prober against nginx ---

void BM_ProberNginx(benchmark::State &state)
{
    const int rps = int(state.range(0));
    constexpr qint64 kRunMs = 5000;
    const QUrl node = farm->url(QStringLiteral("lb"));
    for (auto _ : state) {
        DrillProbeSettings settings;
        settings.loadBalancer = node;
        settings.path = QStringLiteral("/healthz");
        settings.requestsPerSecond = rps;
        settings.requestTimeout = kRequestTimeout;
        settings.target.kind = TargetProbeSpec::Kind::Http;
        settings.target.url
            = withPath(farm->url(QStringLiteral("node")), QStringLiteral("/healthz/readiness"));
        settings.target.timeout = kTargetTimeout;

        const int warningsBefore = probeWarnings.load();
        ProbeRig rig;
        // 300 ms more than the window: its last requests answered and their batch delivered.
        const Cost cost = runFor(rig, settings, kRunMs + 300, [](qint64) {});
        rig.stop();

        QList<ProbeSample> sorted = rig.probes();
        std::sort(sorted.begin(), sorted.end(),
            [](const ProbeSample &a, const ProbeSample &b) { return a.sentMs < b.sentMs; });
        if (sorted.isEmpty()) {
            state.SkipWithError("no prober samples");
            return;
        }
        // Request i is due at first + i * 1000 / rps (the probe's own integer schedule).
        const qint64 first = sorted.first().sentMs;
        std::vector<double> lateness;
        std::vector<double> answerMs;
        int failed = 0;
        for (qsizetype i = 0; i < sorted.size() && sorted[i].sentMs < first + kRunMs; ++i) {
            lateness.push_back(double(sorted[i].sentMs - (first + qint64(i) * 1000 / rps)));
            answerMs.push_back(double(sorted[i].latencyMs));
            failed += sorted[i].status == 200 ? 0 : 1;
        }
        const double rate = double(lateness.size()) * 1000.0 / double(kRunMs);
        const TargetFigures target = targetFigures(rig.targets(), kRunMs);
        const int warnings = probeWarnings.load() - warningsBefore;

        state.counters["rate_rps"] = rate;
        state.counters["late_p50_ms"] = percentile(lateness, 50);
        state.counters["late_p99_ms"] = percentile(lateness, 99);
        state.counters["late_max_ms"] = maxOf(lateness);
        state.counters["not_200"] = failed;
        state.counters["target_sps"] = target.rate;
        setCost(state, cost);
        setDelivery(state, rig);
        summary << QStringLiteral(
            "prober %1 req/s via nginx, 5 s: achieved %2 req/s (%3 sent, %4 not 200, "
            "%5 probe warnings); lateness vs schedule p50/p99/max %6/%7/%8 ms (min "
            "%9); answer p99 %10 ms; Http target %11 samples/s (gap p99/max "
            "%12/%13 ms, %14 up); %15")
                       .arg(rps)
                       .arg(rate, 0, 'f', 2)
                       .arg(lateness.size())
                       .arg(failed)
                       .arg(warnings)
                       .arg(percentile(lateness, 50), 0, 'f', 0)
                       .arg(percentile(lateness, 99), 0, 'f', 0)
                       .arg(maxOf(lateness), 0, 'f', 0)
                       .arg(*std::min_element(lateness.begin(), lateness.end()), 0, 'f', 0)
                       .arg(percentile(answerMs, 99), 0, 'f', 0)
                       .arg(target.rate, 0, 'f', 2)
                       .arg(target.gapP99Ms, 0, 'f', 0)
                       .arg(target.gapMaxMs, 0, 'f', 0)
                       .arg(target.up)
                       .arg(costText(cost, rig));
    }
}
BENCHMARK(BM_ProberNginx)->Arg(10)->Arg(50)->Arg(100)->Iterations(1)->Unit(benchmark::kSecond);

// --- the target probe alone ---

void BM_TargetOnly(benchmark::State &state)
{
    const bool http = state.range(0) == 0;
    constexpr qint64 kRunMs = 5000;
    for (auto _ : state) {
        DrillProbeSettings settings; // no load balancer: no prober
        settings.target.timeout = kTargetTimeout;
        if (http) {
            settings.target.kind = TargetProbeSpec::Kind::Http;
            settings.target.url
                = withPath(farm->url(QStringLiteral("node")), QStringLiteral("/healthz/readiness"));
        } else {
            settings.target.kind = TargetProbeSpec::Kind::Redis;
            settings.target.host = QStringLiteral("127.0.0.1");
            settings.target.port = redis->port();
        }
        ProbeRig rig;
        const Cost cost = runFor(rig, settings, kRunMs + 300, [](qint64) {});
        rig.stop();
        const TargetFigures target = targetFigures(rig.targets(), kRunMs);
        state.counters["target_sps"] = target.rate;
        state.counters["gap_p99_ms"] = target.gapP99Ms;
        state.counters["gap_max_ms"] = target.gapMaxMs;
        state.counters["up"] = target.up;
        setCost(state, cost);
        setDelivery(state, rig);
        summary << QStringLiteral("%1 target alone, 5 s: %2 samples/s (%3 taken, %4 up; gap "
                                  "p99/max %5/%6 ms); %7")
                       .arg(http ? QStringLiteral("Http (nginx /healthz/readiness)")
                                 : QStringLiteral("Redis (PING)"))
                       .arg(target.rate, 0, 'f', 2)
                       .arg(target.count)
                       .arg(target.up)
                       .arg(target.gapP99Ms, 0, 'f', 0)
                       .arg(target.gapMaxMs, 0, 'f', 0)
                       .arg(costText(cost, rig));
    }
}
BENCHMARK(BM_TargetOnly)->ArgName("redis")->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kSecond);

// --- a frozen backend ---

void BM_FrozenBackend(benchmark::State &state)
{
    constexpr int kRps = 10;
    constexpr qint64 kRunMs = 30'000;
    for (auto _ : state) {
        cwtest::HangingServer backend(cwtest::HangingServer::Mode::AcceptAndStall);
        cwtest::HangingServer node(cwtest::HangingServer::Mode::AcceptAndStall);
        if (!backend.listening() || !node.listening()) {
            state.SkipWithError("no hanging server");
            return;
        }
        DrillProbeSettings settings;
        settings.loadBalancer = backend.url();
        settings.path = QStringLiteral("/healthz");
        settings.requestsPerSecond = kRps;
        settings.requestTimeout = kRequestTimeout;
        // The drill's target is the frozen node: probed over HTTP, 0.9 s timeout, as the runner.
        settings.target.kind = TargetProbeSpec::Kind::Http;
        settings.target.url = withPath(node.url(), QStringLiteral("/healthz/readiness"));
        settings.target.timeout = kTargetTimeout;

        const int warningsBefore = probeWarnings.load();
        std::vector<int> acceptedEachSecond;
        ProbeRig rig;
        const Cost cost = runFor(rig, settings, kRunMs,
            [&](qint64) { acceptedEachSecond.push_back(backend.acceptedConnections()); });
        const int inFlight = backend.openConnections();
        const int accepted = backend.acceptedConnections();
        const double stopMs = rig.stop();
        const int warnings = probeWarnings.load() - warningsBefore;

        // The schedule as the server saw it: connection i accepted at first + i * 100 ms.
        const std::vector<qint64> at = backend.acceptedAtNs();
        std::vector<double> lateness;
        for (std::size_t i = 0; i < at.size(); ++i)
            lateness.push_back(double(at[i] - at.front()) / 1e6 - double(i) * 1000.0 / kRps);
        // Requests per second in each whole second, and over the last 10 s.
        std::vector<double> perSecond;
        for (std::size_t i = 1; i < acceptedEachSecond.size(); ++i)
            perSecond.push_back(double(acceptedEachSecond[i] - acceptedEachSecond[i - 1]));
        const double last10 = acceptedEachSecond.size() >= 11
            ? double(acceptedEachSecond.back() - acceptedEachSecond[acceptedEachSecond.size() - 11])
                / 10.0
            : 0;
        const TargetFigures target = targetFigures(rig.targets(), kRunMs - 3500);

        state.counters["rate_rps"] = double(accepted) * 1000.0 / double(kRunMs);
        state.counters["rate_last10s"] = last10;
        state.counters["in_flight"] = inFlight;
        state.counters["late_p99_ms"] = percentile(lateness, 99);
        state.counters["late_max_ms"] = maxOf(lateness);
        state.counters["target_sps"] = target.rate;
        state.counters["deliv_p99_us"] = percentile(rig.deliveryUs(), 99);
        setCost(state, cost);
        setDelivery(state, rig);
        summary << QStringLiteral(
            "frozen backend, 10 req/s for 30 s (130 s timeout): %1 accepted, %2 in "
            "flight at the end, %3 req/s over the last 10 s (each second min/max "
            "%4/%5), %6 probe warnings; accept lateness vs schedule p50/p99/max "
            "%7/%8/%9 ms; frozen Http target (0.9 s timeout) %10 samples/s (%11 taken "
            "in %12 s, gap p99/max %13/%14 ms); RSS at the end %15 MiB; stop() with "
            "all in flight %16 ms; %17")
                       .arg(accepted)
                       .arg(inFlight)
                       .arg(last10, 0, 'f', 1)
                       .arg(perSecond.empty()
                               ? 0
                               : *std::min_element(perSecond.begin(), perSecond.end()))
                       .arg(maxOf(perSecond))
                       .arg(warnings)
                       .arg(percentile(lateness, 50), 0, 'f', 2)
                       .arg(percentile(lateness, 99), 0, 'f', 2)
                       .arg(maxOf(lateness), 0, 'f', 2)
                       .arg(target.rate, 0, 'f', 2)
                       .arg(target.count)
                       .arg(double(kRunMs - 3500) / 1000.0, 0, 'f', 1)
                       .arg(target.gapP99Ms, 0, 'f', 0)
                       .arg(target.gapMaxMs, 0, 'f', 0)
                       .arg(cost.rssMiB, 0, 'f', 1)
                       .arg(stopMs, 0, 'f', 1)
                       .arg(costText(cost, rig));
    }
}
BENCHMARK(BM_FrozenBackend)->Iterations(1)->Unit(benchmark::kSecond);

// --- the receiving slot once the record is large ---

/// One 100 ms batch at 100 requests/s (10 answered requests, one target sample) appended to a
/// record that already holds range(0) requests; range(1): the panel holds a copy of the record
/// taken before every other batch (progressed every 250 ms, batches every 100 ms).
void BM_OnSamplesAppend(benchmark::State &state)
{
    const auto held = qsizetype(state.range(0));
    const bool panelCopy = state.range(1) != 0;
    ProbeSample answered;
    answered.status = 200;
    answered.latencyMs = 1;
    QList<ProbeSample> probes(held, answered);
    QList<TargetSample> targets(held / 10, TargetSample { 0, true, 200, 1 });
    const QList<ProbeSample> batch(10, answered);
    const QList<TargetSample> targetBatch(1, TargetSample { 0, true, 200, 1 });
    QList<ProbeSample> panelProbes;
    QList<TargetSample> panelTargets;
    std::vector<double> us;
    std::size_t i = 0;
    for (auto _ : state) {
        if (panelCopy && i % 2 == 0) {
            panelProbes = probes;
            panelTargets = targets;
        }
        const qint64 start = steadyNs();
        probes.append(batch);
        for (const TargetSample &sample : targetBatch) {
            const bool wasUp = targets.isEmpty() || targets.constLast().up;
            targets.append(sample);
            benchmark::DoNotOptimize(wasUp);
        }
        us.push_back(double(steadyNs() - start) / 1e3);
        ++i;
    }
    state.counters["p99_us"] = percentile(us, 99);
    state.counters["max_us"] = maxOf(us);
}
BENCHMARK(BM_OnSamplesAppend)
    ->ArgNames({ "held", "panel_copy" })
    ->Args({ 0, 0 })
    ->Args({ 18'000, 0 })
    ->Args({ 18'000, 1 })
    ->Args({ 180'000, 0 })
    ->Args({ 180'000, 1 })
    ->Iterations(400)
    ->Unit(benchmark::kMicrosecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    previousHandler = qInstallMessageHandler(messageHandler);
    cwtest::NodeFarm nodes;
    nodes.addNode(QStringLiteral("lb"), cwtest::NodeFarm::Kind::Webhook);
    nodes.addNode(QStringLiteral("node"), cwtest::NodeFarm::Kind::Main);
    if (!nodes.start()) {
        std::fprintf(
            stderr, "bench_drill: nginx did not start: %s\n", qPrintable(nodes.errorString()));
        return 1;
    }
    cwtest::RedisServer redisServer;
    if (!redisServer.start()) {
        std::fprintf(stderr, "bench_drill: redis-server did not start: %s\n",
            qPrintable(redisServer.errorString()));
        return 1;
    }
    farm = &nodes;
    redis = &redisServer;
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    const QByteArray load
        = loadavg.open(QIODevice::ReadOnly) ? loadavg.readAll().trimmed() : QByteArray("?");
    std::printf("cw::DrillProbe on its own WorkerThread against nginx (NodeFarm), a HangingServer "
                "and redis-server on 127.0.0.1; %ld cores, loadavg %s\n"
                "goals: prober >= 10 req/s on schedule; target probe >= 10 samples/s; "
                "cpu/RSS are the whole process (all threads)\n",
        ::sysconf(_SC_NPROCESSORS_ONLN), load.constData());
    std::fflush(stdout);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::printf("\n");
    for (const QString &line : std::as_const(summary))
        std::printf("%s\n\n", qPrintable(line));
    farm = nullptr;
    redis = nullptr;
    return 0;
}
