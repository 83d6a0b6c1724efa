// The action path an operator relies on: one action at a time per container, the restart-storm
// guard with its override, and an audit line on disk for every action, refused ones included.
#include "ManualClock.h"
#include "services/actions/ActionController.h"
#include "services/actions/AuditLog.h"
#include "services/actions/RestartGuard.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cw;
using namespace std::chrono_literals;

class TestActions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void guardCountsWithinTheWindow()
    {
        RestartGuard guard(3, 10min);
        const QString c = QStringLiteral("n8n-worker-1");
        const qint64 t0 = 1'800'000'000'000;
        QVERIFY(guard.allows(c, t0));
        guard.recordRestart(c, t0);
        guard.recordRestart(c, t0 + 60'000);
        guard.recordRestart(c, t0 + 120'000);
        QCOMPARE(guard.recentRestarts(c, t0 + 130'000), 3);
        QVERIFY(!guard.allows(c, t0 + 130'000));
        QVERIFY(guard.allows(QStringLiteral("n8n-worker-2"), t0 + 130'000)); // per container
        // Ten minutes after the first restart it falls out of the window.
        QVERIFY(guard.allows(c, t0 + 600'001));
        QCOMPARE(guard.recentRestarts(c, t0 + 600'001), 2);
    }

    void controllerSendsAuditsAndGuards()
    {
        ActionController controller(RestartGuard(2, 10min));
        cwtest::ManualClock clock(1'800'000'000'000, 5'000);
        controller.setClock(&clock);
        controller.setEndpoint(QStringLiteral("unix:///tmp/cw-sandbox/docker.sock"), true);
        QSignalSpy sent(&controller, &ActionController::performRequested);
        QSignalSpy audited(&controller, &ActionController::auditRequested);
        QSignalSpy finished(&controller, &ActionController::actionFinished);

        // The intent reaches the audit trail before the action leaves for the engine.
        QList<QString> order;
        connect(&controller, &ActionController::auditRequested, this,
            [&](const AuditEntry &entry) { order << QStringLiteral("audit:") + entry.result; });
        connect(&controller, &ActionController::performRequested, this,
            [&] { order << QStringLiteral("send"); });
        const QString c = QStringLiteral("n8n-worker-1");
        QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Restart),
            ActionController::Verdict::Sent);
        QCOMPARE(sent.count(), 1);
        QCOMPARE(
            order, (QList<QString> { QStringLiteral("audit:requested"), QStringLiteral("send") }));
        const auto intent = audited.at(0).at(0).value<AuditEntry>();
        QCOMPARE(intent.container, c);
        QCOMPARE(intent.action, QStringLiteral("restart"));
        QVERIFY(!intent.actionId.isEmpty());
        const quint64 id = sent.at(0).at(0).toULongLong();
        QCOMPARE(sent.at(0).at(3).toInt(), controller.graceSeconds());
        // One action at a time per container.
        QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Stop),
            ActionController::Verdict::Busy);
        QCOMPARE(sent.count(), 1);

        ActionResult done;
        done.requestId = id;
        done.container = c;
        done.action = ContainerAction::Restart;
        done.outcome = ActionOutcome::Done;
        done.endpoint = controller.endpoint();
        done.finishedMs = clock.wallMs() + 160;
        controller.onActionFinished(done);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("worker-1"));
        QCOMPARE(audited.count(), 2);
        const auto entry = audited.at(1).at(0).value<AuditEntry>();
        QCOMPARE(entry.actionId, intent.actionId); // the result pairs with its intent
        QCOMPARE(entry.container, c);
        QCOMPARE(entry.action, QStringLiteral("restart"));
        QCOMPARE(entry.result, QStringLiteral("done"));
        QCOMPARE(entry.dockerHost, QStringLiteral("unix:///tmp/cw-sandbox/docker.sock"));
        QVERIFY(!entry.user.isEmpty());
        QVERIFY(!controller.isBusy(c));

        // A reply nobody asked for is ignored.
        done.requestId = 999;
        controller.onActionFinished(done);
        QCOMPARE(finished.count(), 1);

        // Second restart allowed, third needs an override.
        clock.advance(1000);
        QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Restart),
            ActionController::Verdict::Sent);
        done.requestId = sent.last().at(0).toULongLong();
        controller.onActionFinished(done);
        clock.advance(1000);
        QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Restart),
            ActionController::Verdict::NeedsOverride);
        QCOMPARE(sent.count(), 2);
        // Stop and start are not restarts: the guard lets them through.
        QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Stop),
            ActionController::Verdict::Sent);
        done.requestId = sent.last().at(0).toULongLong();
        done.action = ContainerAction::Stop;
        controller.onActionFinished(done);
        QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Restart, true),
            ActionController::Verdict::Sent);
        done.requestId = sent.last().at(0).toULongLong();
        done.action = ContainerAction::Restart;
        controller.onActionFinished(done);
        QVERIFY(audited.last().at(0).value<AuditEntry>().overridden);

        // Without Docker the request is refused, said so, and audited.
        controller.setEndpoint(QStringLiteral("unix:///nope.sock"), false);
        const int auditsBefore = int(audited.count());
        QCOMPARE(controller.request(QStringLiteral("worker-2"), QStringLiteral("n8n-worker-2"),
                     ContainerAction::Start),
            ActionController::Verdict::NoBackend);
        QCOMPARE(audited.count(), auditsBefore + 1);
        QCOMPARE(audited.last().at(0).value<AuditEntry>().result, QStringLiteral("refused"));
        QVERIFY(finished.last().at(0).value<ActionResult>().message.contains(
            QStringLiteral("unix:///nope.sock")));
    }

    void guardIgnoresWallClockSteps()
    {
        // Three restarts, then the wall clock is set forward a day: the storm guard counts real
        // time, so the fourth restart still needs an override; ten real minutes later it does not.
        ActionController controller(RestartGuard(3, 10min));
        cwtest::ManualClock clock(1'800'000'000'000, 0);
        controller.setClock(&clock);
        controller.setEndpoint(QStringLiteral("unix:///tmp/docker.sock"), true);
        QSignalSpy sent(&controller, &ActionController::performRequested);
        const QString c = QStringLiteral("n8n-worker-1");
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Restart),
                ActionController::Verdict::Sent);
            ActionResult done;
            done.requestId = sent.last().at(0).toULongLong();
            done.container = c;
            done.outcome = ActionOutcome::Done;
            controller.onActionFinished(done);
            clock.advance(1000);
        }
        clock.stepWall(24 * 3'600'000);
        QCOMPARE(controller.recentRestarts(c), 3);
        QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Restart),
            ActionController::Verdict::NeedsOverride);
        clock.stepWall(-48 * 3'600'000); // and back, further than it went
        QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Restart),
            ActionController::Verdict::NeedsOverride);
        clock.advance(10 * 60'000);
        QCOMPARE(controller.recentRestarts(c), 0);
        QCOMPARE(controller.request(QStringLiteral("worker-1"), c, ContainerAction::Restart),
            ActionController::Verdict::Sent);
    }

    void actionsInFlightAreNeverMissing()
    {
        // The backend goes away (quit, cluster switch) before the engine answered: the action is
        // audited and reported as "outcome unknown", and a late answer is ignored.
        ActionController controller;
        controller.setEndpoint(QStringLiteral("unix:///tmp/docker.sock"), true);
        QSignalSpy sent(&controller, &ActionController::performRequested);
        QSignalSpy audited(&controller, &ActionController::auditRequested);
        QSignalSpy finished(&controller, &ActionController::actionFinished);
        QSignalSpy idle(&controller, &ActionController::idle);
        QCOMPARE(controller.request(QStringLiteral("worker-1"), QStringLiteral("n8n-worker-1"),
                     ContainerAction::Stop),
            ActionController::Verdict::Sent);
        QCOMPARE(controller.inFlight(), 1);
        QCOMPARE(audited.count(), 1);
        controller.abandonInFlight(QStringLiteral("Clusterwatch quit before the engine answered"));
        QCOMPARE(controller.inFlight(), 0);
        QCOMPARE(idle.count(), 1);
        QCOMPARE(audited.count(), 2);
        const auto intent = audited.at(0).at(0).value<AuditEntry>();
        const auto unknown = audited.at(1).at(0).value<AuditEntry>();
        QCOMPARE(intent.result, QStringLiteral("requested"));
        QCOMPARE(unknown.result, QStringLiteral("outcome unknown"));
        QCOMPARE(unknown.actionId, intent.actionId);
        QCOMPARE(unknown.action, QStringLiteral("stop"));
        QVERIFY(unknown.message.contains(QStringLiteral("quit before the engine answered")));
        QCOMPARE(finished.count(), 1);
        QVERIFY(!controller.isBusy(QStringLiteral("n8n-worker-1")));

        ActionResult late;
        late.requestId = sent.at(0).at(0).toULongLong();
        late.container = QStringLiteral("n8n-worker-1");
        late.outcome = ActionOutcome::Done;
        controller.onActionFinished(late);
        QCOMPARE(audited.count(), 2);
        QCOMPARE(finished.count(), 1);
    }

    void readOnlyRefusesInTheCodePath()
    {
        // A read-only face (wall screen, headless check) cannot act, whatever calls request().
        ActionController controller;
        controller.setEndpoint(QStringLiteral("unix:///tmp/docker.sock"), true);
        controller.setReadOnly(true);
        QSignalSpy sent(&controller, &ActionController::performRequested);
        QSignalSpy audited(&controller, &ActionController::auditRequested);
        QCOMPARE(controller.request(QStringLiteral("worker-1"), QStringLiteral("n8n-worker-1"),
                     ContainerAction::Restart, true),
            ActionController::Verdict::ReadOnly);
        QCOMPARE(sent.count(), 0);
        QCOMPARE(audited.count(), 1);
        QCOMPARE(audited.at(0).at(0).value<AuditEntry>().result, QStringLiteral("refused"));
        QVERIFY(
            audited.at(0).at(0).value<AuditEntry>().message.contains(QStringLiteral("read-only")));
    }

    void auditLogWritesJsonLines()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/audit.jsonl"));
        AuditLog log(path);
        QSignalSpy appended(&log, &AuditLog::appended);
        AuditEntry e;
        e.timeMs = 1'800'000'000'123;
        e.user = QStringLiteral("ops");
        e.dockerHost = QStringLiteral("unix:///var/run/docker.sock");
        e.node = QStringLiteral("n8n-main");
        e.container = QStringLiteral("n8n-main");
        e.action = QStringLiteral("restart");
        e.result = QStringLiteral("done");
        e.actionId = QStringLiteral("5b0e3f4c-1d2e-4a3b-9c8d-7e6f5a4b3c2d");
        log.append(e);
        e.actionId.clear();
        e.action = QStringLiteral("start");
        e.result = QStringLiteral("already in that state");
        log.append(e);
        QCOMPARE(appended.count(), 2);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 3); // two lines and the final newline
        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(first.value(QStringLiteral("time")).toString(),
            QStringLiteral("2027-01-15T08:00:00.123Z"));
        QCOMPARE(first.value(QStringLiteral("user")).toString(), QStringLiteral("ops"));
        QCOMPARE(first.value(QStringLiteral("container")).toString(), QStringLiteral("n8n-main"));
        QCOMPARE(first.value(QStringLiteral("action")).toString(), QStringLiteral("restart"));
        QCOMPARE(first.value(QStringLiteral("action_id")).toString(),
            QStringLiteral("5b0e3f4c-1d2e-4a3b-9c8d-7e6f5a4b3c2d"));
        QCOMPARE(
            QJsonDocument::fromJson(lines[1]).object().value(QStringLiteral("result")).toString(),
            QStringLiteral("already in that state"));
    }

    void auditLogReportsAnUnwritableFile()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        AuditLog log(dir.filePath(QStringLiteral("file/audit.jsonl"))); // parent is a file
        QSignalSpy failed(&log, &AuditLog::failed);
        log.append(AuditEntry {});
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("audit.jsonl")));
    }
};

QTEST_GUILESS_MAIN(TestActions)
#include "tst_actions.moc"
