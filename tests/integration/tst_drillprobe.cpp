// DrillProbe, the failover drill's measurement thread, against real loopback servers: the
// prober's rate through a fast server (nginx), a slow one and a hanging one, refused and empty
// answers, the in-flight limit; the target probes against nginx, a real redis-server and a real
// PostgreSQL, frozen with SIGSTOP and thawed; stop() and destruction with 100 requests hanging.

#include "HangingServer.h"
#include "NodeFarm.h"
#include "PostgresServer.h"
#include "RedisServer.h"
#include "SlowHttpServer.h"
#include "TestSupport.h"
#include "models/Clock.h"
#include "services/base/WorkerThread.h"
#include "services/drillrun/DrillProbe.h"

#include <QDir>
#include <QElapsedTimer>
#include <QLocale>
#include <QTest>
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <sys/resource.h>
#include <vector>

using namespace std::chrono_literals;
using cw::DrillProbeSettings;
using cw::ProbeSample;
using cw::TargetProbeSpec;
using cw::TargetSample;
using cwtest::NodeFarm;

namespace {

qint64 monoNow()
{
    return cw::Clock::system().now().monoMs;
}

/// The origin the tests hand to start(): 5 s ago, so that offsets cannot be mistaken for
/// times since start().
constexpr qint64 kOriginAgoMs = 5000;

/// One DrillProbe on its own cw::WorkerThread, as the drill runner runs it. Samples are
/// collected on this (the test's) thread through a queued connection; every emission is also
/// counted and timed on the probe's thread, where it happens.
class ProbeHarness {
public:
    ProbeHarness()
        : m_thread(std::make_unique<cw::WorkerThread>(QStringLiteral("drill-probe")))
    {
        m_probe = m_thread->adopt(new cw::DrillProbe);
        QObject::connect(m_probe, &cw::DrillProbe::samples, &m_receiver,
            [this](const QList<ProbeSample> &probes, const QList<TargetSample> &targets) {
                m_probes += probes;
                m_targets += targets;
            });
        QObject::connect(
            m_probe, &cw::DrillProbe::samples, m_probe,
            [this] {
                const std::lock_guard lock(m_mutex);
                m_emittedAt.push_back(monoNow());
            },
            Qt::DirectConnection);
        m_thread->thread()->start();
    }

    ~ProbeHarness() { destroy(); }
    ProbeHarness(const ProbeHarness &) = delete;
    ProbeHarness &operator=(const ProbeHarness &) = delete;

    void start(const DrillProbeSettings &settings, qint64 originMonoMs)
    {
        cw::DrillProbe *probe = m_probe;
        QMetaObject::invokeMethod(
            probe, [probe, settings, originMonoMs] { probe->start(settings, originMonoMs); },
            Qt::QueuedConnection);
    }

    /// Runs stop() on the probe's thread and returns once it has.
    void stop()
    {
        cw::DrillProbe *probe = m_probe;
        QMetaObject::invokeMethod(
            probe, [probe] { probe->stop(); }, Qt::BlockingQueuedConnection);
    }

    /// Destroys the thread (quit, join; the probe is deleted on it). How long that took, in ms.
    qint64 destroy()
    {
        if (!m_thread)
            return 0;
        QElapsedTimer timer;
        timer.start();
        m_thread.reset();
        return timer.elapsed();
    }

    const QList<ProbeSample> &probes() const { return m_probes; }
    const QList<TargetSample> &targets() const { return m_targets; }
    std::vector<qint64> emittedAt() const
    {
        const std::lock_guard lock(m_mutex);
        return m_emittedAt;
    }
    std::size_t emissions() const
    {
        const std::lock_guard lock(m_mutex);
        return m_emittedAt.size();
    }

private:
    QObject m_receiver;
    QList<ProbeSample> m_probes;
    QList<TargetSample> m_targets;
    mutable std::mutex m_mutex;
    std::vector<qint64> m_emittedAt; ///< monotonic ms of each emission
    cw::DrillProbe *m_probe = nullptr;
    // Last: destroyed first, so nothing is emitted into members already gone.
    std::unique_ptr<cw::WorkerThread> m_thread;
};

DrillProbeSettings proberSettings(const QUrl &loadBalancer, int rps, cw::Millis requestTimeout)
{
    DrillProbeSettings settings;
    settings.loadBalancer = loadBalancer;
    settings.path = QStringLiteral("/healthz");
    settings.requestsPerSecond = rps;
    settings.requestTimeout = requestTimeout;
    settings.connectTimeout = 1000ms;
    return settings;
}

DrillProbeSettings targetSettings(TargetProbeSpec::Kind kind, quint16 port, cw::Millis timeout)
{
    DrillProbeSettings settings; // no load balancer: no prober
    settings.target.kind = kind;
    settings.target.host = QStringLiteral("127.0.0.1");
    settings.target.port = port;
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(settings.target.host);
    url.setPort(port);
    url.setPath(QStringLiteral("/healthz"));
    settings.target.url = url;
    settings.target.interval = 100ms;
    settings.target.timeout = timeout;
    return settings;
}

QList<ProbeSample> bySentTime(QList<ProbeSample> samples)
{
    std::stable_sort(samples.begin(), samples.end(),
        [](const ProbeSample &a, const ProbeSample &b) { return a.sentMs < b.sentMs; });
    return samples;
}

QString describe(const ProbeSample &s)
{
    return QStringLiteral("sent %1 latency %2 status %3 error '%4'")
        .arg(s.sentMs)
        .arg(s.latencyMs)
        .arg(s.status)
        .arg(s.error);
}

QString describe(const QList<ProbeSample> &samples)
{
    QStringList lines;
    for (const ProbeSample &s : samples)
        lines << describe(s);
    return lines.join(QLatin1Char('\n'));
}

QString describe(const QList<TargetSample> &samples)
{
    QStringList lines;
    for (const TargetSample &s : samples)
        lines << QStringLiteral("at %1 %2 status %3 latency %4")
                     .arg(s.atMs)
                     .arg(s.up ? QStringLiteral("up") : QStringLiteral("down"))
                     .arg(s.status)
                     .arg(s.latencyMs);
    return lines.join(QLatin1Char('\n'));
}

/// Request i (by send time) went out within @p slackMs of first + i * periodMs: the schedule
/// held, whatever the answers did. The largest deviation, in ms, or -1 when one was off.
qint64 scheduleDeviation(const QList<ProbeSample> &sorted, qint64 periodMs, qint64 slackMs)
{
    qint64 worst = 0;
    for (qsizetype i = 0; i < sorted.size(); ++i) {
        const qint64 deviation
            = std::abs(sorted[i].sentMs - (sorted.first().sentMs + qint64(i) * periodMs));
        if (deviation > slackMs)
            return -1;
        worst = std::max(worst, deviation);
    }
    return worst;
}

/// How many of the last samples say @p up, counted back from the newest: "the last n were down".
qsizetype trailing(const QList<TargetSample> &samples, bool up)
{
    qsizetype n = 0;
    for (auto it = samples.crbegin(); it != samples.crend() && it->up == up; ++it)
        ++n;
    return n;
}

/// Raises the soft descriptor limit to the hard one. How many hanging requests fit, up to
/// 1,000: both ends of every connection are in this process.
int requestsThatFit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 100;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur == RLIM_INFINITY)
        return 1000;
    return int(std::clamp<long>((long(limit.rlim_cur) - 256) / 2, 100, 1000));
}

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::NoDotAndDotDot).size());
}

} // namespace

class TestDrillProbe final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rateIsKeptAndOffsetsAreFromOrigin();
    void slowAnswersDoNotHoldBackTheRate();
    void hangingServerTimesOut();
    void refusedPortFailsFast();
    void closedWithoutAnswerIsAnEmptyReply();
    void requestsBeyondMaxInFlightAreNotSent();
    void httpTargetUpAndDown();
    void redisTargetDownWhileFrozen();
    void postgresTargetDownWhileFrozen();
    void closedPortTargetIsDown_data();
    void closedPortTargetIsDown();
    void secondStartReplacesTheFirst();
    void stopAbandonsEverythingAtOnce();
    void manyRequestsInFlight();
    void destructionWithRequestsHangingIsQuickAndClean();

private:
    NodeFarm m_farm;
    QUrl m_node;
    cwtest::RedisServer m_redis;
};

void TestDrillProbe::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    m_node = m_farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main);
    QVERIFY2(m_farm.start(), qPrintable(m_farm.errorString()));
    QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
}

void TestDrillProbe::rateIsKeptAndOffsetsAreFromOrigin()
{
    ProbeHarness harness;
    const qint64 origin = monoNow() - kOriginAgoMs;
    harness.start(proberSettings(m_node, 10, 5000ms), origin);
    QTest::qWait(3000);
    harness.stop();
    QTest::qWait(50); // batches emitted before stop() are still queued to this thread

    const QList<ProbeSample> sorted = bySentTime(harness.probes());
    QVERIFY2(sorted.size() >= 28 && sorted.size() <= 32,
        qPrintable(QStringLiteral("%1 samples:\n").arg(sorted.size()) + describe(sorted)));
    for (const ProbeSample &s : sorted) {
        QVERIFY2(s.status == 200 && s.error.isEmpty() && !s.failed(), qPrintable(describe(s)));
        QVERIFY2(s.latencyMs >= 0 && s.latencyMs < 1000, qPrintable(describe(s)));
    }
    // Offsets from the origin given, not from start(): the first went out right after start().
    QVERIFY2(sorted.first().sentMs >= kOriginAgoMs && sorted.first().sentMs < kOriginAgoMs + 500,
        qPrintable(describe(sorted.first())));
    const qint64 deviation = scheduleDeviation(sorted, 100, 60);
    QVERIFY2(deviation >= 0, qPrintable(describe(sorted)));
    for (qsizetype i = 1; i < sorted.size(); ++i) {
        const qint64 gap = sorted[i].sentMs - sorted[i - 1].sentMs;
        QVERIFY2(gap >= 30 && gap <= 170, qPrintable(describe(sorted)));
    }
    qInfo("%lld samples in 3 s, worst deviation from the 100 ms schedule %lld ms",
        qlonglong(sorted.size()), qlonglong(deviation));

    // Batches: at most one per 100 ms (timed where they are emitted).
    const std::vector<qint64> emitted = harness.emittedAt();
    QVERIFY(emitted.size() >= 2);
    for (std::size_t i = 1; i < emitted.size(); ++i)
        QVERIFY2(emitted[i] - emitted[i - 1] >= 99,
            qPrintable(QStringLiteral("emissions %1 ms apart").arg(emitted[i] - emitted[i - 1])));
}

void TestDrillProbe::slowAnswersDoNotHoldBackTheRate()
{
    cwtest::SlowHttpServer server(1500);
    QVERIFY(server.listening());
    ProbeHarness harness;
    harness.start(proberSettings(server.url(), 10, 5000ms), monoNow() - kOriginAgoMs);
    QTest::qWait(3600);
    const int received = server.received();
    harness.stop();
    QTest::qWait(50);

    // Sent on schedule for 3.6 s although no answer came before 1.5 s.
    QVERIFY2(received >= 33, qPrintable(QString::number(received)));
    QVERIFY2(server.maxWaiting() >= 13, qPrintable(QString::number(server.maxWaiting())));

    const QList<ProbeSample> sorted = bySentTime(harness.probes());
    QVERIFY2(sorted.size() >= 15, qPrintable(describe(sorted)));
    for (const ProbeSample &s : sorted) {
        QVERIFY2(s.status == 200 && s.error.isEmpty(), qPrintable(describe(s)));
        QVERIFY2(s.latencyMs > 1000 && s.latencyMs < 2500, qPrintable(describe(s)));
    }
    const qint64 deviation = scheduleDeviation(sorted, 100, 60);
    QVERIFY2(deviation >= 0, qPrintable(describe(sorted)));
    qInfo("sent %d requests in 3.6 s with up to %d waiting at once; %lld answered, all slow",
        received, server.maxWaiting(), qlonglong(sorted.size()));
}

void TestDrillProbe::hangingServerTimesOut()
{
    cwtest::HangingServer server(cwtest::HangingServer::Mode::AcceptAndStall);
    QVERIFY(server.listening());
    ProbeHarness harness;
    harness.start(proberSettings(server.url(), 10, 1000ms), monoNow() - kOriginAgoMs);
    QTest::qWait(2500);
    harness.stop();
    QTest::qWait(50);

    const QList<ProbeSample> sorted = bySentTime(harness.probes());
    QVERIFY2(sorted.size() >= 10, qPrintable(describe(sorted)));
    for (const ProbeSample &s : sorted) {
        QVERIFY2(s.status == 0 && s.failed(), qPrintable(describe(s)));
        QCOMPARE(s.error, QStringLiteral("timed out after 1 s"));
        QVERIFY2(s.latencyMs >= 1000 && s.latencyMs < 1500, qPrintable(describe(s)));
    }
    QVERIFY2(scheduleDeviation(sorted, 100, 60) >= 0, qPrintable(describe(sorted)));
}

void TestDrillProbe::refusedPortFailsFast()
{
    ProbeHarness harness;
    harness.start(
        proberSettings(NodeFarm::refusingNodeUrl(), 10, 75000ms), monoNow() - kOriginAgoMs);
    QTest::qWait(1000);
    harness.stop();
    QTest::qWait(50);

    const QList<ProbeSample> samples = harness.probes();
    QVERIFY2(samples.size() >= 8, qPrintable(describe(samples)));
    for (const ProbeSample &s : samples) {
        QCOMPARE(s.error, QStringLiteral("connection refused"));
        QCOMPARE(s.status, 0);
        QVERIFY2(s.latencyMs < 200, qPrintable(describe(s)));
    }
}

void TestDrillProbe::closedWithoutAnswerIsAnEmptyReply()
{
    // Reads the request, then closes the connection cleanly.
    cwtest::SlowHttpServer server(0, cwtest::SlowHttpServer::Reply::Close);
    QVERIFY(server.listening());
    ProbeHarness harness;
    harness.start(proberSettings(server.url(), 10, 5000ms), monoNow() - kOriginAgoMs);
    QTRY_VERIFY_WITH_TIMEOUT(harness.probes().size() >= 3, 3000);
    harness.stop();
    for (const ProbeSample &s : harness.probes()) {
        QCOMPARE(s.error, QStringLiteral("empty reply"));
        QCOMPARE(s.status, 0);
    }
}

void TestDrillProbe::requestsBeyondMaxInFlightAreNotSent()
{
    cwtest::HangingServer server(cwtest::HangingServer::Mode::AcceptAndStall);
    QVERIFY(server.listening());
    ProbeHarness harness;
    DrillProbeSettings settings = proberSettings(server.url(), 20, 10000ms);
    settings.maxInFlight = 5;
    harness.start(settings, monoNow() - kOriginAgoMs);
    QTest::qWait(1000);
    const int accepted = server.acceptedConnections();
    harness.stop();
    QTest::qWait(50);

    QCOMPARE(accepted, 5);
    const QList<ProbeSample> samples = harness.probes();
    QVERIFY2(samples.size() >= 10, qPrintable(describe(samples)));
    for (const ProbeSample &s : samples) {
        QCOMPARE(s.error, QStringLiteral("not sent: 5 requests already in flight"));
        QCOMPARE(s.status, 0);
        QCOMPARE(s.latencyMs, 0);
        QVERIFY(s.failed());
    }
}

void TestDrillProbe::httpTargetUpAndDown()
{
    ProbeHarness harness;
    DrillProbeSettings settings
        = targetSettings(TargetProbeSpec::Kind::Http, m_farm.port(QStringLiteral("main")), 500ms);
    harness.start(settings, monoNow() - kOriginAgoMs);
    QTRY_VERIFY_WITH_TIMEOUT(harness.targets().size() >= 10, 5000);
    QVERIFY2(trailing(harness.targets(), true) == harness.targets().size(),
        qPrintable(describe(harness.targets())));
    for (const TargetSample &s : harness.targets()) {
        QCOMPARE(s.status, 200);
        QVERIFY(s.atMs >= kOriginAgoMs);
    }
    // 10 Hz: consecutive looks 100 ms apart.
    const QList<TargetSample> first = harness.targets();
    const qint64 span = first.last().atMs - first.first().atMs;
    QVERIFY2(span >= (first.size() - 1) * 100 - 60 && span <= (first.size() - 1) * 100 + 60,
        qPrintable(describe(first)));

    m_farm.setHealthFailing(QStringLiteral("main"), true);
    QTRY_VERIFY_WITH_TIMEOUT(trailing(harness.targets(), false) >= 3, 5000);
    QCOMPARE(harness.targets().last().status, 503);
    m_farm.setHealthFailing(QStringLiteral("main"), false);
    QTRY_VERIFY_WITH_TIMEOUT(trailing(harness.targets(), true) >= 3, 5000);
    QCOMPARE(harness.targets().last().status, 200);
    harness.stop();
}

void TestDrillProbe::redisTargetDownWhileFrozen()
{
    ProbeHarness redisProbe;
    redisProbe.start(targetSettings(TargetProbeSpec::Kind::Redis, m_redis.port(), 500ms),
        monoNow() - kOriginAgoMs);
    ProbeHarness tcpProbe; // for contrast: a frozen process's kernel still accepts
    tcpProbe.start(targetSettings(TargetProbeSpec::Kind::Tcp, m_redis.port(), 500ms),
        monoNow() - kOriginAgoMs);
    QTRY_VERIFY_WITH_TIMEOUT(trailing(redisProbe.targets(), true) >= 5, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(trailing(tcpProbe.targets(), true) >= 5, 5000);

    m_redis.pause();
    QElapsedTimer frozen;
    frozen.start();
    QTRY_VERIFY_WITH_TIMEOUT(trailing(redisProbe.targets(), false) >= 5, 5000);
    const qint64 seenDownAfter = frozen.elapsed();
    const qsizetype tcpBefore = tcpProbe.targets().size();
    QTRY_VERIFY_WITH_TIMEOUT(tcpProbe.targets().size() >= tcpBefore + 5, 3000);
    m_redis.resume();
    QElapsedTimer thawed;
    thawed.start();
    QTRY_VERIFY_WITH_TIMEOUT(trailing(redisProbe.targets(), true) >= 3, 5000);
    const qint64 seenUpAfter = thawed.elapsed();
    redisProbe.stop();
    tcpProbe.stop();

    const QList<TargetSample> samples = redisProbe.targets();
    qsizetype down = 0;
    for (const TargetSample &s : samples) {
        QCOMPARE(s.status, 0);
        if (!s.up) {
            ++down;
            QVERIFY2(s.latencyMs >= 500 && s.latencyMs < 1000, qPrintable(describe(samples)));
        }
    }
    QVERIFY(down >= 5);
    // The TCP probe saw the frozen process as up all along.
    for (const TargetSample &s : tcpProbe.targets())
        QVERIFY2(s.up, qPrintable(describe(tcpProbe.targets())));
    qInfo("redis frozen: down seen %lld ms after SIGSTOP (5 in a row); up again %lld ms after "
          "SIGCONT",
        qlonglong(seenDownAfter), qlonglong(seenUpAfter));
}

void TestDrillProbe::postgresTargetDownWhileFrozen()
{
    cwtest::PostgresServer postgres;
    QVERIFY2(postgres.start(), qPrintable(postgres.errorString()));
    ProbeHarness harness;
    harness.start(targetSettings(TargetProbeSpec::Kind::Postgres, postgres.port(), 500ms),
        monoNow() - kOriginAgoMs);
    QTRY_VERIFY_WITH_TIMEOUT(trailing(harness.targets(), true) >= 5, 5000);
    postgres.pause();
    QTRY_VERIFY_WITH_TIMEOUT(trailing(harness.targets(), false) >= 5, 5000);
    postgres.resume();
    QTRY_VERIFY_WITH_TIMEOUT(trailing(harness.targets(), true) >= 3, 5000);
    harness.stop();
    for (const TargetSample &s : harness.targets()) {
        if (!s.up)
            QVERIFY2(s.latencyMs >= 500, qPrintable(describe(harness.targets())));
    }
}

void TestDrillProbe::closedPortTargetIsDown_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("http") << int(TargetProbeSpec::Kind::Http);
    QTest::newRow("redis") << int(TargetProbeSpec::Kind::Redis);
    QTest::newRow("postgres") << int(TargetProbeSpec::Kind::Postgres);
    QTest::newRow("tcp") << int(TargetProbeSpec::Kind::Tcp);
}

void TestDrillProbe::closedPortTargetIsDown()
{
    QFETCH(int, kind);
    ProbeHarness harness;
    harness.start(targetSettings(TargetProbeSpec::Kind(kind), cwtest::freeLoopbackPort(), 1000ms),
        monoNow() - kOriginAgoMs);
    QTRY_VERIFY_WITH_TIMEOUT(harness.targets().size() >= 5, 3000);
    harness.stop();
    for (const TargetSample &s : harness.targets()) {
        QVERIFY2(!s.up && s.status == 0, qPrintable(describe(harness.targets())));
        QVERIFY2(s.latencyMs < 200, qPrintable(describe(harness.targets()))); // refused at once
    }
}

void TestDrillProbe::secondStartReplacesTheFirst()
{
    cwtest::HangingServer server(cwtest::HangingServer::Mode::AcceptAndStall);
    QVERIFY(server.listening());
    ProbeHarness harness;
    harness.start(proberSettings(server.url(), 10, 1000ms), monoNow() - kOriginAgoMs);
    QTRY_VERIFY_WITH_TIMEOUT(server.acceptedConnections() >= 3, 3000);

    const qint64 secondAgo = 100000;
    harness.start(proberSettings(m_node, 10, 5000ms), monoNow() - secondAgo);
    // The first run's requests are closed at once and never reported (they would have timed
    // out after 1 s).
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 1000);
    QTest::qWait(2000);
    harness.stop();
    QTest::qWait(50);
    const QList<ProbeSample> samples = harness.probes();
    QVERIFY2(samples.size() >= 15, qPrintable(describe(samples)));
    for (const ProbeSample &s : samples) {
        QVERIFY2(s.status == 200 && s.sentMs >= secondAgo, qPrintable(describe(s)));
    }
}

void TestDrillProbe::stopAbandonsEverythingAtOnce()
{
    cwtest::HangingServer server(cwtest::HangingServer::Mode::AcceptAndStall);
    QVERIFY(server.listening());
    ProbeHarness harness;
    DrillProbeSettings settings = proberSettings(server.url(), 250, 2000ms);
    // A target probe at the same time, against the same silent server: sockets to abandon too.
    settings.target = targetSettings(TargetProbeSpec::Kind::Redis, server.port(), 500ms).target;
    harness.start(settings, monoNow() - kOriginAgoMs);
    QTRY_VERIFY_WITH_TIMEOUT(server.openConnections() >= 100, 5000);
    // The target probes' timeouts have been reported already; the requests have not.
    QTRY_VERIFY_WITH_TIMEOUT(harness.targets().size() >= 1, 2000);

    const int inFlight = server.openConnections();
    QElapsedTimer timer;
    timer.start();
    harness.stop();
    const qint64 stopMs = timer.elapsed();
    const std::size_t emittedAtStop = harness.emissions();
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 1000);
    // Longer than the request timeout (2 s): an abandoned request would have failed by now.
    QTest::qWait(2500);
    QCOMPARE(harness.emissions(), emittedAtStop);
    for (const ProbeSample &s : harness.probes())
        QVERIFY2(s.error != QStringLiteral("timed out after 2 s"), qPrintable(describe(s)));

    const qint64 joinMs = harness.destroy();
    QVERIFY2(joinMs < 1000, qPrintable(QString::number(joinMs)));
    qInfo("stop() with %d requests hanging took %lld ms; the thread joined in %lld ms", inFlight,
        qlonglong(stopMs), qlonglong(joinMs));
}

void TestDrillProbe::manyRequestsInFlight()
{
    // A frozen backend behind nginx holds requests for 60 s: at 10 requests/s that is 600 at
    // once. Here 1,000 (as many as the descriptor limit allows) within a second, none answered.
    const int count = requestsThatFit();
    cwtest::HangingServer server(cwtest::HangingServer::Mode::AcceptAndStall);
    QVERIFY(server.listening());
    ProbeHarness harness;
    harness.start(proberSettings(server.url(), count, 75000ms), monoNow() - kOriginAgoMs);
    QElapsedTimer sending;
    sending.start();
    QTRY_VERIFY_WITH_TIMEOUT(server.openConnections() >= count, 5000);
    const qint64 tookMs = sending.elapsed();
    QVERIFY2(tookMs < 2000, qPrintable(QString::number(tookMs)));
    const int inFlight = server.openConnections();
    harness.stop();
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 2000);
    const qint64 joinMs = harness.destroy();
    QVERIFY2(joinMs < 1000, qPrintable(QString::number(joinMs)));
    for (const ProbeSample &s : harness.probes())
        QVERIFY2(!s.error.startsWith(QStringLiteral("not sent")), qPrintable(describe(s)));
    qInfo("%d requests in flight after %lld ms (%d open at stop); joined in %lld ms", count,
        qlonglong(tookMs), inFlight, qlonglong(joinMs));
}

void TestDrillProbe::destructionWithRequestsHangingIsQuickAndClean()
{
    cwtest::HangingServer server(cwtest::HangingServer::Mode::AcceptAndStall);
    QVERIFY(server.listening());
    const int descriptorsBefore = openDescriptors();
    auto harness = std::make_unique<ProbeHarness>();
    DrillProbeSettings settings = proberSettings(server.url(), 250, 75000ms);
    settings.target = targetSettings(TargetProbeSpec::Kind::Redis, server.port(), 500ms).target;
    harness->start(settings, monoNow() - kOriginAgoMs);
    QTRY_VERIFY_WITH_TIMEOUT(server.openConnections() >= 100, 5000);

    const int inFlight = server.openConnections();
    const qint64 joinMs = harness->destroy(); // without stop(): the destructor cleans up
    QVERIFY2(joinMs < 1000, qPrintable(QString::number(joinMs)));
    harness.reset();
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, 1000);
    // Every socket and the thread's own descriptors are closed again.
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(), descriptorsBefore, 1000);
    qInfo("destroyed with %d requests hanging: joined in %lld ms", inFlight, qlonglong(joinMs));
}

QTEST_GUILESS_MAIN(TestDrillProbe)
#include "tst_drillprobe.moc"
