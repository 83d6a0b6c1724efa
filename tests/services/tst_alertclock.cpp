// The wall clock is stepped while alerts are judged and charts recorded: back an hour and forward
// a day (NTP, a manual change; a suspend moves it the same way). Durations run on the monotonic
// clock, so a `for`, a recovery hold, a flap window, the worker_stalled stall clock and staleness
// end exactly when that much monotonic time has passed, never earlier or later; the chart
// history keeps taking samples in order. Driven second by second with a hand-moved clock, the
// snapshots stamped with the wall clock as the collectors stamp them.

#include "AlertRuleEdit.h"
#include "ManualClock.h"
#include "models/items/ClusterModel.h"
#include "models/timeseries/MetricsRecorder.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "services/alerts/AlertEngine.h"

#include <QLocale>
#include <QLoggingCategory>
#include <QTest>
#include <functional>

using namespace cw;
using namespace std::chrono_literals;

namespace {

constexpr qint64 kWall0 = 1'780'000'000'000; // wall clock at second 0
constexpr qint64 kMono0 = 7'000'000; // monotonic clock at second 0
constexpr qint64 kHour = 3'600'000;
constexpr qint64 kDay = 24 * kHour;

const QString kMain = QStringLiteral("n8n-main");
const QString kWorker1 = QStringLiteral("n8n-worker-1");
const QString kWorker2 = QStringLiteral("n8n-worker-2");

/// Wall-clock steps: at second s (before the data of that second), by ms.
using Jumps = QList<std::pair<int, qint64>>;

ClusterConfig cluster()
{
    ClusterConfig c;
    c.name = QStringLiteral("clock");
    const auto node = [](const QString &name, NodeRole role) {
        NodeConfig n;
        n.name = name;
        n.role = role;
        n.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:5678"));
        return n;
    };
    c.nodes = { node(kMain, NodeRole::Main), node(kWorker1, NodeRole::Worker),
        node(kWorker2, NodeRole::Worker) };
    c.redis.configured = true;
    return c;
}

using cwtest::rule;

/// cluster() with rule @p id timed as given.
ClusterConfig timed(const char *id, Millis forDuration, Millis hold)
{
    ClusterConfig c = cluster();
    rule(c, id).forDuration = forDuration;
    rule(c, id).recoveryHold = hold;
    return c;
}

/// The one place where the test meets the clock API of the code under test: the state, the
/// engine and the recorder on one clock, ticked as the application ticks them.
struct Session {
    cwtest::ManualClock clock { kWall0, kMono0 };
    ClusterState state { &clock };
    AlertEngine engine { &state };
    TimeSeriesStore store { 1000 };
    MetricsRecorder recorder { &store, &clock };

    void tick()
    {
        const Instant now = clock.now();
        state.tick(now);
        engine.evaluate(now);
    }
    static qint64 resolvesAt(const AlertTransition &t) { return t.resolvesAtMs; }
};

/// A session driven one second at a time, with the wall clock stepped as @p jumps say, and the
/// transitions of one rule written down with the second (monotonic) they happened at.
class Timeline {
public:
    Timeline(const ClusterConfig &config, Jumps jumps, QString rule)
        : m_jumps(std::move(jumps))
        , m_rule(std::move(rule))
    {
        s.state.setConfig(config);
        s.engine.setConfig(config);
        QObject::connect(
            &s.engine, &AlertEngine::transition, &s.engine, [this](const AlertTransition &t) {
                if (t.rule != m_rule)
                    return;
                m_seen << QStringLiteral("%1:%2").arg(m_second).arg(toString(t.state));
                // Stamped with the wall clock of that moment, jumps and all.
                if (t.timeMs != s.clock.wallMs())
                    m_wrongStamps << QStringLiteral("%1: %2 != %3")
                                         .arg(m_second)
                                         .arg(t.timeMs)
                                         .arg(s.clock.wallMs());
            });
    }

    /// Seconds @p from to @p to inclusive: jumps, then @p feed, then one tick, then @p after.
    void run(int from, int to, const std::function<void(int)> &feed,
        const std::function<void(int)> &after = {})
    {
        for (m_second = from; m_second <= to; ++m_second) {
            s.clock.advanceTo(kMono0 + qint64(m_second) * 1000);
            for (const auto &[at, step] : std::as_const(m_jumps)) {
                if (at == m_second)
                    s.clock.stepWall(step);
            }
            feed(m_second);
            s.tick();
            if (after)
                after(m_second);
        }
    }

    QString seen() const { return m_seen.join(QLatin1Char(' ')); }
    QStringList wrongStamps() const { return m_wrongStamps; }

    NodeSnapshot node(const QString &name, std::optional<double> cpu = std::nullopt) const
    {
        NodeSnapshot n;
        n.node = name;
        n.timestampMs = s.clock.wallMs();
        n.sequence = quint64(m_second) + 1;
        n.health.httpStatus = n.readiness.httpStatus = 200;
        n.cpuPercent = cpu;
        return n;
    }
    RedisSnapshot redis(qint64 waiting) const
    {
        RedisSnapshot r;
        r.endpoint = QStringLiteral("127.0.0.1:6379/0");
        r.timestampMs = s.clock.wallMs();
        r.reachable = r.queueRead = r.aofEnabled = true;
        r.rdbLastBgsaveStatus = QStringLiteral("ok");
        r.queue.waiting = waiting;
        r.queue.active = 10;
        return r;
    }
    void allNodes(std::optional<double> mainCpu = std::nullopt)
    {
        s.state.applyNode(node(kMain, mainCpu));
        s.state.applyNode(node(kWorker1));
        s.state.applyNode(node(kWorker2));
    }

    Session s;

private:
    Jumps m_jumps;
    QString m_rule;
    int m_second = 0;
    QStringList m_seen;
    QStringList m_wrongStamps;
};

/// The same rows for every timing: no step, back an hour, forward a day, and both.
void jumpRows(int first, int second)
{
    QTest::addColumn<Jumps>("jumps");
    QTest::newRow("steady clock") << Jumps {};
    QTest::newRow("back 1 h") << Jumps { { first, -kHour } };
    QTest::newRow("forward 1 day") << Jumps { { first, kDay } };
    QTest::newRow("back 1 h, then forward 1 day") << Jumps { { first, -kHour }, { second, kDay } };
    QTest::newRow("forward 1 day, then back 1 h") << Jumps { { first, kDay }, { second, -kHour } };
}

} // namespace

Q_DECLARE_METATYPE(Jumps)

class TestAlertClock : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        QLoggingCategory::setFilterRules(QStringLiteral("clusterwatch.alerts.info=false"));
    }

    void forDuration_data() { jumpRows(10, 20); }
    void forDuration()
    {
        // CPU high from 5 s to 60 s, for 30 s: fires at 35 s of monotonic time.
        QFETCH(Jumps, jumps);
        Timeline t(timed("cpu_high", 30s, 0s), jumps, QStringLiteral("cpu_high"));
        t.run(0, 70, [&](int s) { t.allNodes(s >= 5 && s <= 60 ? 95.0 : 20.0); });
        QCOMPARE(t.seen(), QStringLiteral("35:firing 61:resolved"));
        QCOMPARE(t.wrongStamps(), QStringList());
    }

    void recoveryHold_data() { jumpRows(30, 40); }
    void recoveryHold()
    {
        // Firing at once, clear from 21 s, held 60 s: resolves at 81 s. Meanwhile the alert says
        // when, on the wall clock as it reads at each moment.
        QFETCH(Jumps, jumps);
        Timeline t(timed("cpu_high", 0s, 60s), jumps, QStringLiteral("cpu_high"));
        QStringList wrongResolution;
        t.run(
            0, 100, [&](int s) { t.allNodes(s <= 20 ? 95.0 : 20.0); },
            [&](int s) {
                if (s < 21 || s > 80)
                    return; // cleared from 21 s, held until 81 s
                const std::optional<AlertTransition> active
                    = t.s.engine.activeAlert(QStringLiteral("cpu_high"), kMain);
                const qint64 expected = t.s.clock.wallMs() + (81 - s) * 1000;
                if (!active || Session::resolvesAt(*active) != expected)
                    wrongResolution << QStringLiteral("%1 s: %2 != %3")
                                           .arg(s)
                                           .arg(active ? Session::resolvesAt(*active) : -1)
                                           .arg(expected);
            });
        QCOMPARE(t.seen(), QStringLiteral("0:firing 81:resolved"));
        QCOMPARE(t.wrongStamps(), QStringList());
        QCOMPARE(wrongResolution, QStringList());
    }

    void flapWindow_data() { jumpRows(30, 60); }
    void flapWindow()
    {
        // Four changes within 100 s make it flapping at 3 s; stable (clear) from then, it
        // resolves one whole window later, at 103 s.
        QFETCH(Jumps, jumps);
        ClusterConfig config = timed("cpu_high", 0s, 0s);
        config.alerts.flapChanges = 4;
        config.alerts.flapWindow = 100s;
        Timeline t(config, jumps, QStringLiteral("cpu_high"));
        t.run(0, 130, [&](int s) { t.allNodes(s <= 3 && s % 2 == 0 ? 95.0 : 20.0); });
        QCOMPARE(t.seen(), QStringLiteral("0:firing 1:resolved 2:firing 3:flapping 103:resolved"));
        QCOMPARE(t.wrongStamps(), QStringList());
    }

    void workerStalled_data() { jumpRows(10, 20); }
    void workerStalled()
    {
        // 252 jobs wait from 0 s, nothing moves, both workers answer healthy: stalled after
        // 30 s of monotonic time; the jobs move from 50 s on.
        QFETCH(Jumps, jumps);
        ClusterConfig config = timed("worker_stalled", 0s, 0s);
        rule(config, "worker_stalled").threshold = 30;
        Timeline t(config, jumps, QStringLiteral("worker_stalled"));
        t.run(0, 60, [&](int s) {
            t.allNodes();
            t.s.state.applyRedis(t.redis(s < 50 ? 252 : 252 - (s - 49)));
        });
        QCOMPARE(t.seen(), QStringLiteral("30:firing 50:resolved"));
        QCOMPARE(t.wrongStamps(), QStringList());
    }

    void staleness_data() { jumpRows(12, 13); }
    void staleness()
    {
        // Polled every second until 10 s, then nothing: stale once the last answer is older than
        // staleAfter by the monotonic clock, and "last seen" counts monotonic seconds.
        QFETCH(Jumps, jumps);
        const ClusterConfig config = cluster();
        Timeline t(config, jumps, QStringLiteral("node_down"));
        ClusterModel model(&t.s.state);
        int nodeStaleAt = -1;
        int redisStaleAt = -1;
        QStringList wrongAgo;
        const auto feed = [&](int s) {
            if (s <= 10) {
                t.allNodes();
                t.s.state.applyRedis(t.redis(0));
            }
        };
        t.run(0, 40, feed, [&](int s) {
            if (nodeStaleAt < 0 && t.s.state.nodes().constFirst().stale)
                nodeStaleAt = s;
            if (redisStaleAt < 0 && t.s.state.redisStale())
                redisStaleAt = s;
            const QString ago = model.index(0, 0).data(ClusterModel::LastSeenTextRole).toString();
            const QString expected
                = s <= 10 ? QStringLiteral("just now") : QStringLiteral("%1 s ago").arg(s - 10);
            if (ago != expected)
                wrongAgo << QStringLiteral("%1 s: %2").arg(s).arg(ago);
        });
        // The first whole second at which the last answer (10 s) is older than staleAfter.
        const int expected = 10 + int(staleAfter(config).count() / 1000) + 1;
        QCOMPARE(nodeStaleAt, expected);
        QCOMPARE(redisStaleAt, expected);
        QCOMPARE(wrongAgo, QStringList());
    }

    void chartsKeepTheirOrder_data() { jumpRows(10, 20); }
    void chartsKeepTheirOrder()
    {
        // One sample a second; every sample is kept, in order, the newest at the wall clock's
        // now, and the chart's window (the last 5 minutes of the wall clock) shows the recent ones.
        QFETCH(Jumps, jumps);
        Session s;
        const QString cpu = MetricsRecorder::nodeSeries(kMain, "cpu");
        QStringList wrong;
        int since = 0; // first second the 5 min window must show: after the last forward step
        for (int second = 0; second <= 30; ++second) {
            s.clock.advanceTo(kMono0 + qint64(second) * 1000);
            for (const auto &[at, step] : std::as_const(jumps)) {
                if (at == second) {
                    s.clock.stepWall(step);
                    if (step > 0)
                        since = second; // the history stays where it was: a break in the lines
                }
            }
            NodeSnapshot n;
            n.node = kMain;
            n.timestampMs = s.clock.wallMs();
            n.health.httpStatus = 200;
            n.cpuPercent = double(second);
            s.recorder.recordNode(n);

            const TimeSeries *series = s.store.series(cpu);
            if (series->size() != second + 1 || series->droppedCount() != 0) {
                wrong << QStringLiteral("%1 s: %2 samples, %3 dropped")
                             .arg(second)
                             .arg(series->size())
                             .arg(series->droppedCount());
                continue;
            }
            if (series->newest().tMs != s.clock.wallMs()
                || series->newest().value != double(second))
                wrong << QStringLiteral("%1 s: newest %2 at %3")
                             .arg(second)
                             .arg(series->newest().value)
                             .arg(series->newest().tMs);
            const TimeSeries::Range window
                = series->indexRange(s.clock.wallMs() - 300'000, s.clock.wallMs());
            if (window.count() != second - since + 1)
                wrong << QStringLiteral("%1 s: %2 samples in the last 5 min")
                             .arg(second)
                             .arg(window.count());
            // Back steps keep the spacing: the sample before sits a second before.
            if (second > since && series->timeAt(second - 1) != s.clock.wallMs() - 1000)
                wrong << QStringLiteral("%1 s: previous sample at %2")
                             .arg(second)
                             .arg(series->timeAt(second - 1));
        }
        QCOMPARE(wrong, QStringList());
        const TimeSeries *series = s.store.series(cpu);
        for (qsizetype i = 0; i < series->size(); ++i) {
            QCOMPARE(series->valueAt(i), double(i));
            if (i > 0)
                QVERIFY(series->timeAt(i) >= series->timeAt(i - 1));
        }
    }
};

QTEST_GUILESS_MAIN(TestAlertClock)
#include "tst_alertclock.moc"
