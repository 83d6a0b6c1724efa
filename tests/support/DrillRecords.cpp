#include "DrillRecords.h"

using namespace cw;
using namespace std::chrono_literals;

namespace cwtest {

DrillRecord richDrillRecord()
{
    DrillRecord r;
    r.id = QStringLiteral("3f2a9c1d-7e41-4b7a-9d0c-5a1e2f3b4c5d");
    r.clusterName = QStringLiteral("prod \"eu\"");
    r.clusterFile = QStringLiteral("/etc/clusterwatch/prod.yaml");
    r.drillFile = QStringLiteral("/etc/clusterwatch/drills/w1 stop.yaml");
    r.dockerHost = QStringLiteral("unix:///var/run/docker.sock");
    r.user = QStringLiteral("ops");
    r.host = QStringLiteral("ws-07");
    r.spec.name = QStringLiteral("w1 <stop> & \"see\" — ü");
    r.spec.description = QStringLiteral("line one\nline two\ttab \\ \u0001");
    r.spec.target = DrillTarget { DrillTargetKind::Node, QStringLiteral("w1"),
        QStringLiteral("n8n-worker-1") };
    r.spec.fault = DrillFault::Kill;
    r.spec.duration = DrillDuration { DrillDurationKind::Fixed, 90'500ms };
    r.spec.steadyState = { SteadyStateCheck::NoStuckExecutions, SteadyStateCheck::AllNodesHealthy,
        SteadyStateCheck::LoadBalancerAnswers, SteadyStateCheck::QueueDraining };
    r.spec.prober = DrillProber { true, QStringLiteral("/webhook/x?a=1&b=2"), 37, 2500ms };
    r.spec.abort.errorRate = DrillErrorRateAbort { 33.3, 250ms };
    r.spec.abort.maxDuration = 1h;
    r.spec.recovery = DrillRecovery { RecoveryAction::Restart, false };
    r.dryRun = true;
    r.startedWallMs = 1796315112345; // 2026-12-03 16:25:12.345 UTC
    r.finishedWallMs = 1796315232000;
    r.phase = DrillPhase::Verify;
    r.verdict = DrillVerdict::Deviated;
    r.verdictReason = QStringLiteral("the queue did not drain within 3 min");
    r.deviations = { QStringLiteral("queue_draining failed"), QStringLiteral("3 crashed") };
    r.faultActive = true;
    r.containersBefore = { { QStringLiteral("n8n-worker-1"), QStringLiteral("running") },
        { QStringLiteral("n8n-main"), QStringLiteral("paused") } };
    const DrillPhase phases[]
        = { DrillPhase::Preflight, DrillPhase::Inject, DrillPhase::Observe, DrillPhase::Recover,
              DrillPhase::Verify, DrillPhase::Rollback, DrillPhase::Report, DrillPhase::Done };
    qint64 at = 0;
    for (const DrillPhase phase : phases) {
        r.steps.append(DrillStep { phase, QStringLiteral("step ") + toString(phase), at,
            phase == DrillPhase::Done ? -1 : at + 1500, QStringLiteral("ok"),
            QStringLiteral("detail of ") + toString(phase) });
        at += 2000;
    }
    r.steps[3].outcome = QStringLiteral("failed");
    r.events = {
        { 1000, QStringLiteral("fault"), QStringLiteral("n8n-worker-1"), QStringLiteral("killed") },
        { 4200, QStringLiteral("detected"), QStringLiteral("w1"), QString() },
        { 5000, QStringLiteral("alert-firing"), QStringLiteral("node down"), QStringLiteral("w1") },
        { 9000, QStringLiteral("recovery"), QStringLiteral("n8n-worker-1"), QString() },
        { 12000, QStringLiteral("healthy"), QStringLiteral("w1"), QString() },
    };
    r.probes = { { 0, 12, 200, QString() }, { 100, 5001, 0, QStringLiteral("timed out after 5 s") },
        { 250, 3, 502, QString() }, { -5, 0, 0, QStringLiteral("connection refused") } };
    r.target = { { 0, true, 200, 4 }, { 100, false, 0, 1000 }, { 200, false, 503, 7 } };
    ClusterSample full;
    full.atMs = 500;
    full.nodesUp = 2;
    full.nodesTotal = 3;
    full.targetUp = true;
    full.waiting = 12;
    full.active = 3;
    full.completed = 1234.5;
    full.running = 7;
    full.crashed = 1;
    full.alertsFiring = 2;
    ClusterSample sparse;
    sparse.atMs = 1500;
    sparse.nodesUp = 3;
    sparse.nodesTotal = 3;
    r.cluster = { full, sparse };
    DrillFigures &f = r.figures;
    f.faultAtMs = 1000;
    f.detectionMs = 3200;
    f.alertMs = 4000;
    f.recoveryActionAtMs = 9000;
    f.recoveryMs = 3000;
    f.rtoMs = 11000;
    f.requests = 4;
    f.failedRequests = 2;
    f.slowRequests = 1;
    f.maxLatencyMs = 5001;
    f.errorWindowMs = 5101;
    f.slowWindowMs = 5001;
    f.outcomes = { { QStringLiteral("200"), 1 }, { QStringLiteral("502"), 1 },
        { QStringLiteral("timed out after 5 s"), 1 }, { QStringLiteral("connection refused"), 1 } };
    f.completedDuringFault = 0.1;
    f.crashedExecutions = 3;
    f.runningAfter = 0;
    f.exitedContainers = { QStringLiteral("n8n-worker-1"), QStringLiteral("n8n-main") };
    return r;
}

DrillRecord webhookFreezeRecord(int seconds)
{
    DrillRecord r;
    r.id = QStringLiteral("9b1f0c2e-41aa-4c8e-8f3d-2b6c7a1d0e99");
    r.clusterName = QStringLiteral("sandbox");
    r.clusterFile = QStringLiteral("/home/ops/clusterwatch/sandbox.yaml");
    r.drillFile = QStringLiteral("/home/ops/clusterwatch/drill-webhook-freeze.yaml");
    r.dockerHost = QStringLiteral("unix:///run/clusterwatch-sandbox/docker.sock");
    r.user = QStringLiteral("ops");
    r.host = QStringLiteral("ws-07");
    r.spec.name = QStringLiteral("webhook-1 freeze");
    r.spec.description = QStringLiteral("Does the load balancer route around a hung webhook node?");
    r.spec.target = DrillTarget { DrillTargetKind::Node, QStringLiteral("n8n-webhook-1"),
        QStringLiteral("n8n-webhook-1") };
    r.spec.fault = DrillFault::Pause;
    r.spec.duration = DrillDuration { DrillDurationKind::Fixed, 28'500ms };
    r.spec.steadyState = { SteadyStateCheck::AllNodesHealthy, SteadyStateCheck::LoadBalancerAnswers,
        SteadyStateCheck::QueueDraining, SteadyStateCheck::NoStuckExecutions };
    r.spec.prober = DrillProber { true, QStringLiteral("/webhook/drill-ping"), 10, 1000ms };
    r.spec.abort.errorRate = DrillErrorRateAbort { 50, 30s };
    r.spec.abort.maxDuration = 2min;
    r.spec.recovery = DrillRecovery { RecoveryAction::Unpause, true };
    r.startedWallMs = 1796315112000; // 2026-12-03 16:25:12 UTC
    r.finishedWallMs = r.startedWallMs + qint64(seconds) * 1000 + 150;
    r.phase = DrillPhase::Done;
    r.verdict = DrillVerdict::Deviated;
    r.verdictReason
        = QStringLiteral("150 of 600 requests through the load balancer took longer than 1 s");
    r.deviations = {
        QStringLiteral("150 requests were slower than 1 s (up to 20.9 s) while n8n-webhook-1 was "
                       "frozen"),
        QStringLiteral("the load balancer kept sending requests to the frozen node for 15 s"),
    };
    r.containersBefore = { { QStringLiteral("n8n-webhook-1"), QStringLiteral("running") } };

    const qint64 end = qint64(seconds) * 1000;
    r.steps = {
        { DrillPhase::Preflight,
            QStringLiteral("steady state: all_nodes_healthy, "
                           "load_balancer_answers, queue_draining, "
                           "no_stuck_executions"),
            0, 9900, QStringLiteral("ok"), QStringLiteral("4 of 4 nodes up, queue draining") },
        { DrillPhase::Inject, QStringLiteral("pause n8n-webhook-1 (docker pause)"), 9900, 10000,
            QStringLiteral("ok"), QStringLiteral("paused") },
        { DrillPhase::Observe, QStringLiteral("hold the fault 28.5 s"), 10000, 38500,
            QStringLiteral("ok"), QStringLiteral("detected after 4.2 s") },
        { DrillPhase::Recover, QStringLiteral("unpause n8n-webhook-1 (docker unpause)"), 38500,
            38600, QStringLiteral("ok"), QStringLiteral("running") },
        { DrillPhase::Verify, QStringLiteral("steady state again"), 38600, 45000,
            QStringLiteral("ok"), QStringLiteral("held for 3 s") },
        { DrillPhase::Report, QStringLiteral("write the report"), end, end + 100,
            QStringLiteral("ok"), QString() },
        { DrillPhase::Done, QStringLiteral("done"), end + 100, end + 150, QStringLiteral("ok"),
            QString() },
    };
    const QString target = QStringLiteral("n8n-webhook-1");
    r.events = {
        { 500, QStringLiteral("steady-state"), QString(), QStringLiteral("holds") },
        { 10000, QStringLiteral("fault"), target, QStringLiteral("docker pause confirmed") },
        { 10000, QStringLiteral("container-pause"), target, QString() },
        { 14200, QStringLiteral("node-down"), target, QStringLiteral("no answer for 4 s") },
        { 14200, QStringLiteral("detected"), target, QStringLiteral("node marked down") },
        { 15000, QStringLiteral("alert-pending"), QStringLiteral("node down"), target },
        { 19000, QStringLiteral("alert-firing"), QStringLiteral("node down"), target },
        { 38500, QStringLiteral("recovery"), target, QStringLiteral("docker unpause confirmed") },
        { 38500, QStringLiteral("container-unpause"), target, QString() },
        { 40000, QStringLiteral("node-up"), target, QString() },
        { 40000, QStringLiteral("healthy"), target, QStringLiteral("health check 200") },
        { 41000, QStringLiteral("alert-resolved"), QStringLiteral("node down"), target },
        { 45000, QStringLiteral("steady-state"), QString(), QStringLiteral("holds again") },
    };

    // Prober: 10/s. Sent between 10 s and 25 s: routed to the frozen node, answered ~20 s later;
    // three early ones get a 502 from the load balancer.
    for (qint64 sent = 0; sent < end; sent += 100) {
        ProbeSample probe { sent, qint32(18 + (sent / 100) % 7), 200, QString() };
        if (sent >= 10000 && sent < 25000)
            probe.latencyMs = qint32(20000 + (sent / 100) % 10 * 100);
        else if (sent == 25100 || sent == 25300 || sent == 25500) {
            probe.status = 502;
            probe.latencyMs = 4;
        }
        r.probes.append(probe);
    }
    // Target health at 10 Hz: down from 10 s to 40 s.
    for (qint64 at = 0; at < end; at += 100) {
        const bool up = at < 10000 || at >= 40000;
        r.target.append(
            TargetSample { at, up, up ? 200 : 0, up ? qint32(3 + at / 100 % 3) : 1000 });
    }
    // The session at 1 Hz: the node down from its detection; the queue backs up while the
    // webhook node is frozen, then drains.
    double completed = 5000;
    for (qint64 at = 0; at < end; at += 1000) {
        const bool down = at >= 14000 && at < 40000;
        const bool frozen = at >= 10000 && at < 38500;
        ClusterSample sample;
        sample.atMs = at;
        sample.nodesTotal = 4;
        sample.nodesUp = down ? 3 : 4;
        sample.targetUp = !down;
        qint64 backlog = 0;
        if (frozen)
            backlog = (at - 10000) / 150;
        else if (at >= 38500)
            backlog = std::max<qint64>(0, 190 - (at - 38500) / 60);
        sample.waiting = 5 + backlog;
        sample.active = 4;
        completed += frozen ? 3 : 8;
        sample.completed = completed;
        sample.running = at < end - 1000 ? 4 : 0;
        sample.crashed = 2;
        sample.alertsFiring = at >= 19000 && at < 41000 ? 1 : 0;
        r.cluster.append(sample);
    }
    r.computeFigures();
    return r;
}

} // namespace cwtest
