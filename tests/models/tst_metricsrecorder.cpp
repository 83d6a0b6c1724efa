// Snapshots become chart samples: figures where they were read, breaks where they were not
// (a down node, an unreachable Redis or PostgreSQL), completions per minute from main's counter.
#include "ManualClock.h"
#include "models/timeseries/MetricsRecorder.h"
#include "models/timeseries/TimeSeriesStore.h"

#include <QTest>

using namespace cw;

namespace {
NodeSnapshot node(qint64 t, bool up, std::optional<double> completed = std::nullopt)
{
    NodeSnapshot s;
    s.node = QStringLiteral("n8n-main");
    s.timestampMs = t;
    s.health.httpStatus = up ? 200 : 0;
    s.health.error = up ? FetchError::None : FetchError::ConnectionRefused;
    s.health.responseMs = 4;
    s.cpuPercent = 12.5;
    s.values.residentMemoryBytes = 1000;
    s.values.queueCompleted = completed;
    return s;
}
} // namespace

class TestMetricsRecorder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void downNodeIsABreakNotZero()
    {
        TimeSeriesStore store(100);
        MetricsRecorder recorder(&store);
        recorder.recordNode(node(1000, true));
        recorder.recordNode(node(2000, false));
        recorder.recordNode(node(3000, true));
        const TimeSeries *cpu
            = store.series(MetricsRecorder::nodeSeries(QStringLiteral("n8n-main"), "cpu"));
        QVERIFY(cpu);
        QCOMPARE(cpu->size(), 3);
        QCOMPARE(cpu->valueAt(0), 12.5);
        QVERIFY(cpu->isGapAt(1));
        QCOMPARE(cpu->valueAt(2), 12.5);
        QVERIFY(store.series(MetricsRecorder::nodeSeries(QStringLiteral("n8n-main"), "response"))
                    ->isGapAt(1));
    }

    void completionsPerMinuteFromTheCounter()
    {
        // The cluster's completed-jobs total (ClusterState adds up main's counter); the rate is
        // over monotonic time, so a wall clock stepped in between changes nothing, and a rate
        // never spans a restarted main's counter.
        TimeSeriesStore store(100);
        cwtest::ManualClock clock(1'800'000'000'000, 50'000);
        MetricsRecorder recorder(&store, &clock);
        recorder.recordCompletedJobs(0, 0);
        clock.advance(20'000);
        clock.stepWall(-3'600'000);
        recorder.recordCompletedJobs(10, 0); // 10 in 20 s = 30/min
        clock.advance(20'000);
        recorder.recordCompletedJobs(10, 1); // main restarted meanwhile: unknown, a break
        clock.advance(20'000);
        clock.stepWall(86'400'000);
        recorder.recordCompletedJobs(15, 1); // 5 in 20 s = 15/min
        const TimeSeries *rate = store.series(QStringLiteral("queue/completed_per_min"));
        QVERIFY(rate);
        QCOMPARE(rate->size(), 3);
        QCOMPARE(rate->valueAt(0), 30.0);
        QVERIFY(rate->isGapAt(1));
        QCOMPARE(rate->valueAt(2), 15.0);
    }

    void samplesAreStampedOnArrival()
    {
        // On the wall clock when they arrive; a step back moves the history with it (spacing
        // kept), a step forward leaves it where it was; a small step back waits.
        TimeSeriesStore store(100);
        cwtest::ManualClock clock(1'800'000'000'000, 50'000);
        MetricsRecorder recorder(&store, &clock);
        const QString cpu = MetricsRecorder::nodeSeries(QStringLiteral("n8n-main"), "cpu");
        recorder.recordNode(node(1, true));
        QCOMPARE(store.series(cpu)->timeAt(0), clock.wallMs());
        clock.advance(2000);
        clock.stepWall(-3'600'000);
        recorder.recordNode(node(2, true));
        QCOMPARE(store.series(cpu)->timeAt(1), clock.wallMs());
        QCOMPARE(store.series(cpu)->timeAt(0), clock.wallMs() - 2000);
        clock.advance(1000);
        clock.stepWall(86'400'000);
        recorder.recordNode(node(3, true));
        QCOMPARE(store.series(cpu)->timeAt(2), clock.wallMs());
        QCOMPARE(store.series(cpu)->timeAt(1), clock.wallMs() - 1000 - 86'400'000);
        clock.advance(100);
        clock.stepWall(-400);
        recorder.recordNode(node(4, true));
        QCOMPARE(store.series(cpu)->timeAt(3), store.series(cpu)->timeAt(2));
        QCOMPARE(store.series(cpu)->size(), 4);
        QCOMPARE(store.series(cpu)->droppedCount(), 0);
    }

    void redisAndPostgresGapsWhenUnreachable()
    {
        TimeSeriesStore store(100);
        MetricsRecorder recorder(&store);
        RedisSnapshot r;
        r.timestampMs = 1000;
        r.reachable = r.queueRead = true;
        r.queue.waiting = 21;
        r.queue.pausedWaiting = 4;
        r.queue.active = 10;
        recorder.recordRedis(r);
        r.timestampMs = 2000;
        r.reachable = false;
        recorder.recordRedis(r);
        const TimeSeries *waiting = store.series(QStringLiteral("queue/waiting"));
        QCOMPARE(waiting->valueAt(0), 25.0); // paused jobs still wait
        QVERIFY(waiting->isGapAt(1));
        QCOMPARE(store.series(QStringLiteral("queue/active"))->valueAt(0), 10.0);

        PostgresSnapshot p;
        p.timestampMs = 1000;
        p.reachable = true;
        p.n8nSchema = true;
        p.executions[3] = 702; // success
        p.connections = { { QStringLiteral("active"), 2 }, { QStringLiteral("idle"), 5 } };
        recorder.recordPostgres(p);
        p.timestampMs = 2000;
        p.n8nSchema = false;
        recorder.recordPostgres(p);
        QCOMPARE(store.series(QStringLiteral("postgres/executions/success"))->valueAt(0), 702.0);
        QVERIFY(store.series(QStringLiteral("postgres/executions/success"))->isGapAt(1));
        QCOMPARE(store.series(QStringLiteral("postgres/connections"))->valueAt(1), 7.0);
    }
};

QTEST_GUILESS_MAIN(TestMetricsRecorder)
#include "tst_metricsrecorder.moc"
