// Failover drills on the real sandbox (scripts/sandbox.sh: a private dockerd running the n8n
// stand-ins and Redis, PostgreSQL 15, nginx as the load balancer, the load generator): each drill
// is run by the DrillRunner on a real ClusterSession and judged by what it measured.
// Needs root; fails (never skips) when the sandbox cannot come up.

#include "Sandbox.h"
#include "TestSupport.h"
#include "models/state/ClusterState.h"
#include "services/config/ConfigLoader.h"
#include "services/drillrun/DrillRunner.h"
#include "services/drills/DrillFile.h"
#include "services/drills/DrillJournal.h"
#include "services/report/DrillReport.h"
#include "services/session/ClusterSession.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

using namespace cw;
using namespace std::chrono_literals;

namespace {

using cwtest::Sandbox;

QString repoPath(const QString &relative)
{
    return Sandbox::sourcePath(relative);
}

QString docker(const QStringList &args)
{
    return Sandbox::docker(args);
}

QString containerState(const QString &name)
{
    return Sandbox::containerState(name);
}

} // namespace

class TestDrills : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Sandbox m_sandbox;
    ClusterConfig m_config;
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<DrillRunner> m_runner;

    QString journalDir() const { return m_dir.filePath(QStringLiteral("drills")); }

    DrillSpec loadSpec(const QString &example)
    {
        const auto spec
            = loadDrillFile(repoPath(QStringLiteral("resources/examples/") + example), m_config);
        if (!spec)
            qWarning().noquote() << spec.error();
        Q_ASSERT(spec.ok());
        return spec.value();
    }

    /// Every node healthy and the queue moving, as a drill's preflight wants it.
    bool waitForSteadyCluster(std::chrono::milliseconds timeout)
    {
        return QTest::qWaitFor(
            [this] {
                if (!m_session->everySourceAnswered() || !m_session->state()->runtimeReachable())
                    return false;
                for (const NodeEntry &node : m_session->state()->nodes())
                    if (node.verdict.state != NodeState::Healthy)
                        return false;
                return true;
            },
            int(timeout.count()));
    }

    /// Runs @p spec to its end; @p during is called once the fault is confirmed.
    DrillRecord run(const DrillSpec &spec, std::chrono::milliseconds timeout,
        const std::function<void()> &during = {})
    {
        QSignalSpy finished(m_runner.get(), &DrillRunner::finished);
        QString error;
        if (!m_runner->start(spec, QString(), false, &error)) {
            qWarning().noquote() << "start refused:" << error;
            return {};
        }
        if (during) {
            if (QTest::qWaitFor(
                    [this] {
                        return m_runner->record().firstEvent(QStringLiteral("fault")).has_value();
                    },
                    30000))
                during();
        }
        if (!finished.wait(int(timeout.count())) && finished.isEmpty()) {
            qWarning().noquote() << "the drill did not finish; steps:";
            for (const DrillStep &step : m_runner->record().steps)
                qWarning().noquote()
                    << "  " << toString(step.phase) << step.title << step.outcome << step.detail;
            m_runner->abort(QStringLiteral("test timeout"));
            finished.wait(30000);
            return m_runner->record();
        }
        const DrillRecord record = finished.constFirst().at(0).value<DrillRecord>();
        qInfo().noquote() << spec.name << "->" << toString(record.verdict) << record.verdictReason;
        const DrillFigures &f = record.figures;
        qInfo().noquote() << QStringLiteral(
            "  detection %1 ms, alert %2 ms, recovery %3 ms, RTO %4 ms; "
            "requests %5, failed %6, slow %7, max %8 ms, error window %9 ms")
                                 .arg(f.detectionMs.value_or(-1))
                                 .arg(f.alertMs.value_or(-1))
                                 .arg(f.recoveryMs.value_or(-1))
                                 .arg(f.rtoMs.value_or(-1))
                                 .arg(f.requests)
                                 .arg(f.failedRequests)
                                 .arg(f.slowRequests)
                                 .arg(f.maxLatencyMs)
                                 .arg(f.errorWindowMs.value_or(-1));
        for (const QString &d : record.deviations)
            qInfo().noquote() << "  deviation:" << d;
        return record;
    }

    /// The journal as it landed on disk (written on its own thread).
    std::optional<DrillRecord> journalOf(const DrillRecord &record)
    {
        const QString path = journalDir() + QLatin1Char('/') + drillJournalFileName(record);
        std::optional<DrillRecord> read;
        (void)QTest::qWaitFor(
            [&] {
                const auto r = readDrillJournal(path);
                if (r && r.value().verdict == record.verdict) {
                    read = r.value();
                    return true;
                }
                return false;
            },
            5000);
        return read;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_sandbox.up(), qPrintable(m_sandbox.errorString()));
        m_config = m_sandbox.config();

        SessionOptions options;
        options.auditPath = m_dir.filePath(QStringLiteral("audit.jsonl"));
        options.alertHistoryPath = m_dir.filePath(QStringLiteral("alerts.sqlite"));
        m_session = std::make_unique<ClusterSession>(options);
        DrillRunnerOptions runnerOptions;
        runnerOptions.journalDir = journalDir();
        m_runner = std::make_unique<DrillRunner>(m_session.get(), runnerOptions);
        m_session->open(m_config);
        QVERIFY2(waitForSteadyCluster(60s), "the sandbox did not become healthy in the session");
    }

    void cleanupTestCase()
    {
        m_runner.reset();
        m_session.reset();
        m_sandbox.down();
    }

    void init()
    {
        QVERIFY2(waitForSteadyCluster(90s), "the cluster is not healthy before the drill");
    }

    void dryRunActsOnNothing()
    {
        const DrillSpec spec = loadSpec(QStringLiteral("drill-worker-stop.yaml"));
        QSignalSpy finished(m_runner.get(), &DrillRunner::finished);
        QVERIFY(m_runner->start(spec, QString(), /*dryRun=*/true));
        QVERIFY(finished.wait(5000) || !finished.isEmpty());
        const DrillRecord record = finished.constFirst().at(0).value<DrillRecord>();
        QCOMPARE(toString(record.verdict), toString(DrillVerdict::DryRun));
        QVERIFY(record.steps.size() >= 6);
        QVERIFY(!record.firstEvent(QStringLiteral("fault")));
        QCOMPARE(containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("running"));
    }

    void readOnlySessionRefuses()
    {
        SessionOptions options;
        options.readOnly = true;
        options.auditPath = m_dir.filePath(QStringLiteral("wall-audit.jsonl"));
        options.alertHistoryPath = m_dir.filePath(QStringLiteral("wall.sqlite"));
        ClusterSession wall(options);
        DrillRunner runner(&wall);
        wall.open(m_config);
        QString error;
        QVERIFY(!runner.start(
            loadSpec(QStringLiteral("drill-worker-stop.yaml")), QString(), false, &error));
        QVERIFY2(error.contains(QLatin1String("read-only")), qPrintable(error));
        QVERIFY(!runner.rollback(DrillRecord(), &error));
        QCOMPARE(containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("running"));
    }

    void refusedWhenTheSteadyStateDoesNotHold()
    {
        // worker-2 down: stopping worker-1 would stop all consumption; the drill must say why.
        docker({ QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("1"),
            QStringLiteral("n8n-worker-2") });
        QVERIFY(QTest::qWaitFor(
            [this] {
                return m_session->state()->node(QStringLiteral("n8n-worker-2"))->verdict.state
                    == NodeState::Down;
            },
            10000));
        DrillSpec spec = loadSpec(QStringLiteral("drill-worker-stop.yaml"));
        DrillRunnerOptions quick;
        quick.journalDir = journalDir();
        quick.preflightWait = 3s;
        DrillRunner runner(m_session.get(), quick);
        QSignalSpy finished(&runner, &DrillRunner::finished);
        QVERIFY(runner.start(spec));
        QVERIFY(finished.wait(15000));
        const DrillRecord record = finished.constFirst().at(0).value<DrillRecord>();
        docker({ QStringLiteral("start"), QStringLiteral("n8n-worker-2") });
        QCOMPARE(toString(record.verdict), toString(DrillVerdict::Refused));
        QVERIFY2(record.verdictReason.contains(QLatin1String("n8n-worker-2")),
            qPrintable(record.verdictReason));
        QVERIFY(!record.firstEvent(QStringLiteral("fault")));
        QCOMPARE(containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("running"));
    }

    void workerStopPasses()
    {
        const DrillSpec spec = loadSpec(QStringLiteral("drill-worker-stop.yaml"));
        const DrillRecord record = run(spec, 180s);
        QCOMPARE(toString(record.verdict), toString(DrillVerdict::Passed));
        const DrillFigures &f = record.figures;
        QVERIFY(f.detectionMs && *f.detectionMs < 5000);
        QVERIFY(f.rtoMs && f.recoveryMs && *f.recoveryMs < 15000);
        // The other worker kept draining the queue.
        QVERIFY2(f.completedDuringFault && *f.completedDuringFault > 0,
            "no job completed during the fault");
        QVERIFY(f.requests >= 50);
        QCOMPARE(f.failedRequests, 0);
        QCOMPARE(containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("running"));
        // The journal reads back as the drill ended; the report is written.
        const auto journal = journalOf(record);
        QVERIFY(journal);
        QCOMPARE(journal->figures, record.figures);
        QCOMPARE(journal->steps.size(), record.steps.size());
        const auto written
            = exportDrillReport(*journal, m_dir.filePath(QStringLiteral("worker-stop")));
        QVERIFY2(written.ok(), written ? "" : qPrintable(written.error()));
        QFile pdf(m_dir.filePath(QStringLiteral("worker-stop.pdf")));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
        // Every step is in the audit trail, beside the stop and start themselves.
        QFile audit(m_dir.filePath(QStringLiteral("audit.jsonl")));
        QVERIFY(QTest::qWaitFor(
            [&] {
                audit.open(QIODevice::ReadOnly);
                const QByteArray text = audit.readAll();
                audit.close();
                return text.contains("\"drill inject\"") && text.contains("\"drill end\"")
                    && text.contains("\"action\":\"stop\"")
                    && text.contains("\"action\":\"start\"");
            },
            5000));
    }

    void webhookFreezeShowsTheSlowRequests()
    {
        DrillSpec spec = loadSpec(QStringLiteral("drill-webhook-freeze.yaml"));
        spec.duration = { DrillDurationKind::Fixed, 20s };
        const DrillRecord record = run(spec, 240s);
        QCOMPARE(toString(record.verdict), toString(DrillVerdict::Deviated));
        const DrillFigures &f = record.figures;
        // nginx keeps routing to the frozen processor: those requests wait until it thaws.
        QVERIFY2(f.slowRequests >= 20, qPrintable(QString::number(f.slowRequests)));
        QVERIFY(f.maxLatencyMs >= 10000);
        QVERIFY(f.detectionMs);
        QVERIFY(f.rtoMs);
        QCOMPARE(containerState(QStringLiteral("n8n-webhook-1")), QStringLiteral("running"));
    }

    void mainStopShowsTheLoadBalancersErrors()
    {
        DrillSpec spec = loadSpec(QStringLiteral("drill-main-stop.yaml"));
        spec.duration = { DrillDurationKind::Fixed, 10s };
        const DrillRecord record = run(spec, 180s);
        QCOMPARE(toString(record.verdict), toString(DrillVerdict::Deviated));
        const DrillFigures &f = record.figures;
        QVERIFY2(f.failedRequests >= 50, qPrintable(QString::number(f.failedRequests)));
        QVERIFY(f.outcomes.value(QStringLiteral("502")) > 0);
        QVERIFY(f.errorWindowMs && *f.errorWindowMs >= 8000);
        QVERIFY(f.detectionMs && f.rtoMs);
        QCOMPARE(containerState(QStringLiteral("n8n-main")), QStringLiteral("running"));
    }

    void abortRestoresTheTarget()
    {
        DrillSpec spec = loadSpec(QStringLiteral("drill-worker-stop.yaml"));
        spec.duration = { DrillDurationKind::Fixed, 120s };
        spec.abort.maxDuration = 120s;
        const DrillRecord record = run(spec, 60s, [this] {
            QTRY_COMPARE_WITH_TIMEOUT(
                containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("exited"), 10000);
            m_runner->abort(QStringLiteral("aborted by the test"));
        });
        QCOMPARE(toString(record.verdict), toString(DrillVerdict::Aborted));
        QVERIFY(record.verdictReason.contains(QLatin1String("aborted by the test")));
        QVERIFY(!record.faultActive);
        QCOMPARE(containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("running"));
        const auto journal = journalOf(record);
        QVERIFY(journal && !journal->faultActive);
    }

    void closingMidDrillRollsBack()
    {
        // The window closing destroys the runner: the fault it holds is undone first.
        QTemporaryDir dir;
        DrillRunnerOptions options;
        options.journalDir = dir.path();
        auto runner = std::make_unique<DrillRunner>(m_session.get(), options);
        DrillSpec spec = loadSpec(QStringLiteral("drill-worker-stop.yaml"));
        spec.duration = { DrillDurationKind::Fixed, 120s };
        spec.abort.maxDuration = 120s;
        QVERIFY(runner->start(spec));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return containerState(QStringLiteral("n8n-worker-1")) == QLatin1String("exited");
            },
            30000));
        QElapsedTimer closing;
        closing.start();
        runner.reset();
        qInfo() << "closing mid-drill took" << closing.elapsed() << "ms";
        QCOMPARE(containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("running"));
        const auto journals = listDrillJournals(dir.path());
        QCOMPARE(journals.size(), 1);
        const DrillRecord &record = journals.constFirst().record;
        QCOMPARE(toString(record.verdict), toString(DrillVerdict::Aborted));
        QVERIFY(!record.faultActive);
        QVERIFY2(record.verdictReason.contains(QLatin1String("closed mid-drill")),
            qPrintable(record.verdictReason));
    }

    void redisStopMakesEveryProcessExit()
    {
        DrillSpec spec = loadSpec(QStringLiteral("drill-redis-stop.yaml"));
        spec.duration = { DrillDurationKind::Fixed, 20s };
        const DrillRecord record = run(spec, 300s);
        QVERIFY(record.verdict == DrillVerdict::Deviated || record.verdict == DrillVerdict::Passed);
        const QStringList exited = record.figures.exitedContainers;
        for (const QString &node : { QStringLiteral("n8n-main"), QStringLiteral("n8n-worker-1"),
                 QStringLiteral("n8n-worker-2"), QStringLiteral("n8n-webhook-1"),
                 QStringLiteral("n8n-webhook-2") })
            QVERIFY2(exited.contains(node),
                qPrintable(node + QStringLiteral(" did not exit: ") + exited.join(u',')));
        QVERIFY(record.deviations.join(u'\n').contains(QLatin1String("exited during the drill")));
        QVERIFY(record.figures.detectionMs);
        QVERIFY2(waitForSteadyCluster(90s), "the cluster did not come back after the Redis drill");
    }

    void killedMidDrillOffersRollbackAtTheNextStart()
    {
        // A drill run by the real binary, killed hard while its fault is held.
        QTemporaryDir dir;
        DrillSpec spec = loadSpec(QStringLiteral("drill-worker-stop.yaml"));
        spec.duration = { DrillDurationKind::Fixed, 300s };
        spec.abort.maxDuration = 300s;
        const QString drillFile
            = cwtest::writeFile(dir, QStringLiteral("long.yaml"), writeDrillFile(spec));
        const QString journals = dir.filePath(QStringLiteral("drills"));
        QProcess app;
        app.setProcessChannelMode(QProcess::MergedChannels);
        app.start(QStringLiteral(CLUSTERWATCH_BINARY),
            { QStringLiteral("drill"), QStringLiteral("--config"),
                repoPath(QStringLiteral("resources/examples/sandbox.yaml")),
                QStringLiteral("--drill"), drillFile, QStringLiteral("--yes"),
                QStringLiteral("--journal-dir"), journals, QStringLiteral("--audit-file"),
                dir.filePath(QStringLiteral("audit.jsonl")) });
        QVERIFY(app.waitForStarted());
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return containerState(QStringLiteral("n8n-worker-1"))
                             == QLatin1String("exited");
                     },
                     60000),
            app.readAll().constData());
        QTest::qWait(2500); // a journal write or two while the fault is held
        ::kill(pid_t(app.processId()), SIGKILL);
        QVERIFY(app.waitForFinished(5000));
        QCOMPARE(containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("exited"));

        DrillRunnerOptions options;
        options.journalDir = journals;
        DrillRunner next(m_session.get(), options);
        const QList<DrillRecord> unfinished = next.unfinishedDrills();
        QCOMPARE(unfinished.size(), 1);
        QCOMPARE(unfinished.constFirst().spec.name, spec.name);
        QVERIFY(unfinished.constFirst().faultActive);
        QSignalSpy finished(&next, &DrillRunner::finished);
        QString error;
        QVERIFY2(next.rollback(unfinished.constFirst(), &error), qPrintable(error));
        QVERIFY(finished.wait(30000));
        const DrillRecord done = finished.constFirst().at(0).value<DrillRecord>();
        QCOMPARE(toString(done.verdict), toString(DrillVerdict::Aborted));
        QVERIFY(!done.faultActive);
        QCOMPARE(containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("running"));
        QVERIFY(QTest::qWaitFor([&] { return next.unfinishedDrills().isEmpty(); }, 5000));
    }
};

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv); // the report's PDF
    TestDrills test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_drills.moc"
