// The drill's figures and findings, from crafted records: what the report and the verdict say.

#include "models/DrillRecord.h"
#include "services/drillrun/DrillChecks.h"

#include <QTest>

using namespace cw;
using namespace std::chrono_literals;

namespace {

DrillEvent ev(qint64 at, const char *kind, const QString &subject = QString())
{
    return DrillEvent { at, QString::fromLatin1(kind), subject, QString() };
}

ProbeSample probe(qint64 sent, int latency, int status, const QString &error = QString())
{
    return ProbeSample { sent, latency, status, error };
}

/// A worker stop: fault at 1 s, detected at 2.2 s, recovery at 11 s, healthy at 12.5 s.
DrillRecord workerStop()
{
    DrillRecord r;
    r.spec.name = QStringLiteral("worker stop");
    r.spec.target
        = { DrillTargetKind::Node, QStringLiteral("n8n-worker-1"), QStringLiteral("n8n-worker-1") };
    r.spec.steadyState = { SteadyStateCheck::AllNodesHealthy, SteadyStateCheck::LoadBalancerAnswers,
        SteadyStateCheck::QueueDraining };
    r.spec.prober.enabled = true;
    r.events = { ev(1000, "fault", QStringLiteral("n8n-worker-1")), ev(2200, "detected"),
        ev(4000, "alert-pending"), ev(11000, "recovery"), ev(12500, "healthy") };
    for (int i = 0; i < 150; ++i)
        r.probes.append(probe(i * 100, 12, 200));
    for (int s = 0; s <= 15; ++s) {
        ClusterSample c;
        c.atMs = s * 1000;
        c.waiting = 3;
        c.completed = 100.0 + s * 2; // the other worker keeps completing jobs
        c.crashed = 1;
        c.running = 4;
        r.cluster.append(c);
    }
    return r;
}

} // namespace

class TestDrillChecks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void figuresOfAWorkerStop()
    {
        DrillRecord r = workerStop();
        r.computeFigures();
        const DrillFigures &f = r.figures;
        QCOMPARE(f.faultAtMs.value_or(-1), qint64(1000));
        QCOMPARE(f.detectionMs.value_or(-1), qint64(1200));
        QCOMPARE(f.alertMs.value_or(-1), qint64(3000));
        QCOMPARE(f.recoveryMs.value_or(-1), qint64(1500));
        QCOMPARE(f.rtoMs.value_or(-1), qint64(11500));
        QCOMPARE(f.requests, 150);
        QCOMPARE(f.failedRequests, 0);
        QCOMPARE(f.slowRequests, 0);
        QCOMPARE(f.outcomes.value(QStringLiteral("200")), 150);
        QVERIFY(!f.errorWindowMs);
        // 1 s .. 11 s: ten increases of 2 jobs.
        QCOMPARE(f.completedDuringFault.value_or(-1.0), 20.0);
        QCOMPARE(f.crashedExecutions.value_or(-1), qint64(0));
        QCOMPARE(f.runningAfter.value_or(-1), qint64(4));
        QVERIFY(drillDeviations(r).isEmpty());
    }

    void aMainRestartDoesNotCountNegativeCompletions()
    {
        DrillRecord r = workerStop();
        // main restarted at 5 s: its counter starts again from 0
        for (int s = 5; s < r.cluster.size(); ++s)
            r.cluster[s].completed = s == 5 ? 0.0 : 3.0 + (s - 6) * 2;
        r.computeFigures();
        // 1 s -> 4 s: 3 increases of 2; 4 -> 5 the drop is no negative count; 5 -> 6: 3;
        // 6 s -> 11 s: 5 increases of 2.
        QCOMPARE(r.figures.completedDuringFault.value_or(-1.0), 6.0 + 3.0 + 10.0);
    }

    void failedAndSlowRequestsAreFindings()
    {
        DrillRecord r = workerStop();
        r.probes[20] = probe(2000, 5, 502);
        r.probes[40] = probe(4000, 3000, 0, QStringLiteral("connection refused"));
        r.probes[60] = probe(6000, 44900, 200); // waited on a frozen backend
        r.computeFigures();
        QCOMPARE(r.figures.failedRequests, 2);
        QCOMPARE(r.figures.slowRequests, 2); // the refused one took 3 s too
        QCOMPARE(r.figures.maxLatencyMs, 44900);
        QCOMPARE(r.figures.errorWindowMs.value_or(-1), qint64(7000 - 2000));
        QCOMPARE(r.figures.outcomes.value(QStringLiteral("502")), 1);
        QCOMPARE(r.figures.outcomes.value(QStringLiteral("connection refused")), 1);
        const QStringList found = drillDeviations(r);
        QCOMPARE(found.size(), 2);
        QVERIFY2(found.at(0).startsWith(
                     QLatin1String("2 of 150 requests through the load balancer failed")),
            qPrintable(found.at(0)));
        QVERIFY(found.at(0).contains(QStringLiteral("502 ×1")));
        QVERIFY2(found.at(1).contains(QLatin1String("took longer than 1.0 s (the slowest 44.9 s)")),
            qPrintable(found.at(1)));
    }

    void slowRequestsAreNotFindingsWithoutTheBalancerCheck()
    {
        DrillRecord r = workerStop();
        r.spec.steadyState = { SteadyStateCheck::AllNodesHealthy };
        r.probes[60] = probe(6000, 44900, 200);
        r.computeFigures();
        QCOMPARE(r.figures.slowRequests, 1); // measured and reported ...
        QVERIFY(drillDeviations(r).isEmpty()); // ... but not a promise the drill made
    }

    void completionsAreUnknownWhileMainsCounterIsGone()
    {
        DrillRecord r = workerStop();
        for (ClusterSample &c : r.cluster)
            if (c.atMs > 1000)
                c.completed.reset(); // main stopped with the fault
        r.computeFigures();
        QVERIFY(!r.figures.completedDuringFault);
        QVERIFY(drillDeviations(r).isEmpty());
    }

    void aQueueThatStoodStillIsAFinding()
    {
        DrillRecord r = workerStop();
        for (ClusterSample &c : r.cluster)
            c.completed = 100.0;
        r.computeFigures();
        QCOMPARE(r.figures.completedDuringFault.value_or(-1.0), 0.0);
        QVERIFY(drillDeviations(r).contains(
            QStringLiteral("no job completed while the fault was held")));
        // Nothing waiting: nothing to complete, no finding.
        for (ClusterSample &c : r.cluster)
            c.waiting = 0;
        QVERIFY(drillDeviations(r).isEmpty());
    }

    void undetectedFaultsCrashesAndExitsAreFindings()
    {
        DrillRecord r = workerStop();
        r.events.removeIf([](const DrillEvent &e) { return e.kind == QLatin1String("detected"); });
        r.events.append(ev(10400, "container-die", QStringLiteral("n8n-main")));
        r.events.append(ev(10500, "container-die", QStringLiteral("n8n-worker-1"))); // the target
        r.events.append(ev(20500, "container-die", QStringLiteral("n8n-main"))); // twice
        r.cluster.last().crashed = 3;
        r.computeFigures();
        QVERIFY(!r.figures.detectionMs);
        QCOMPARE(r.figures.exitedContainers,
            QStringList({ QStringLiteral("n8n-main"), QStringLiteral("n8n-worker-1") }));
        QCOMPARE(r.figures.crashedExecutions.value_or(-1), qint64(2));
        const QStringList found = drillDeviations(r);
        QVERIFY(found.contains(QStringLiteral(
            "Clusterwatch never marked n8n-worker-1 down while the fault was held")));
        QVERIFY(
            found.contains(QStringLiteral("2 executions were marked crashed during the drill")));
        QVERIFY(found.contains(QStringLiteral("n8n-main exited during the drill")));
    }

    void queueDrainsLooksAtTheWindow()
    {
        SteadyStateInputs in;
        in.nowMonoMs = 100000;
        in.progressWindowMs = 30000;
        QVERIFY(!queueDrains(in)); // nothing seen yet
        in.progress = { { 60000, 5, 10 }, { 80000, 5, 12 }, { 100000, 5, 14 } };
        QVERIFY(!queueDrains(in)); // jobs wait, nothing moved
        in.progress = { { 60000, 4, 10 }, { 80000, 5, 12 }, { 100000, 5, 14 } };
        QVERIFY(!queueDrains(in)); // the move was 40 s ago
        in.progress = { { 75000, 4, 10 }, { 80000, 5, 12 }, { 100000, 5, 14 } };
        QVERIFY(queueDrains(in));
        in.progress = { { 100000, 5, 0 } };
        QVERIFY(queueDrains(in)); // nothing waits
    }

    void durationsInWords()
    {
        QCOMPARE(drillDuration(850), QStringLiteral("850 ms"));
        QCOMPARE(drillDuration(1234), QStringLiteral("1.2 s"));
        QCOMPARE(drillDuration(125000), QStringLiteral("2 min 5 s"));
    }

    void phaseAndVerdictWordsReadBack()
    {
        for (const auto phase :
            { DrillPhase::Preflight, DrillPhase::Inject, DrillPhase::Observe, DrillPhase::Recover,
                DrillPhase::Verify, DrillPhase::Rollback, DrillPhase::Report, DrillPhase::Done })
            QVERIFY(drillPhaseFromString(toString(phase)) == phase);
        for (const auto verdict :
            { DrillVerdict::Running, DrillVerdict::Passed, DrillVerdict::Deviated,
                DrillVerdict::Aborted, DrillVerdict::Refused, DrillVerdict::DryRun })
            QVERIFY(drillVerdictFromString(toString(verdict)) == verdict);
        QVERIFY(!drillVerdictFromString(QStringLiteral("passd")));
    }
};

QTEST_GUILESS_MAIN(TestDrillChecks)
#include "tst_drillchecks.moc"
