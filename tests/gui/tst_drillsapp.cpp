// A failover drill run from the window on the real sandbox: Drills → New failover drill, load the
// drill file, Start, confirm; the live drill dock follows it, the report is written when it ends.
// A drill left unfinished (its journal says so, its container is stopped) is offered for rollback
// when the window opens on the cluster. Screenshots go to $CW_SCREENSHOT_DIR when it is set.

#include "Sandbox.h"
#include "app/Application.h"
#include "app/DrillsController.h"
#include "models/state/ClusterState.h"
#include "services/config/SettingsStore.h"
#include "services/drillrun/DrillRunner.h"
#include "services/drills/DrillFile.h"
#include "services/drills/DrillJournal.h"
#include "services/session/ClusterSession.h"
#include "views/MainWindow.h"
#include "views/drills/DrillDialog.h"
#include "views/drills/DrillPanel.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

using namespace cw;
using cwtest::Sandbox;

namespace {

void screenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("CW_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        widget->grab().save(dir + QLatin1Char('/') + name);
}

bool clusterHealthy(const Application &app)
{
    if (!app.session()->everySourceAnswered() || !app.state()->runtimeReachable())
        return false;
    for (const NodeEntry &node : app.state()->nodes())
        if (node.verdict.state != NodeState::Healthy)
            return false;
    return true;
}

} // namespace

class TestDrillsApp : public QObject {
    Q_OBJECT
    Sandbox m_sandbox;
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_sandbox.up(), qPrintable(m_sandbox.errorString())); }
    void cleanupTestCase() { m_sandbox.down(); }

    void drillFromTheWindowWritesItsReport()
    {
        SettingsStore settings(m_dir.filePath(QStringLiteral("settings.ini")));
        Application app(&settings, m_dir.filePath(QStringLiteral("audit.jsonl")));
        app.setCluster(m_sandbox.config());
        app.showWindow();
        QVERIFY(QTest::qWaitFor([&] { return clusterHealthy(app); }, 60000));

        auto *newDrill = app.window()->findChild<QAction *>(QStringLiteral("newDrillAction"));
        QVERIFY(newDrill);
        newDrill->trigger();
        DrillDialog *dialog = app.drills()->dialog();
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY(dialog->loadFile(
            Sandbox::sourcePath(QStringLiteral("resources/examples/drill-worker-stop.yaml"))));
        screenshot(dialog, QStringLiteral("drill-dialog.png"));

        // The confirmation names the container and the Docker host; Start drill confirms it.
        QString question;
        QTimer::singleShot(200, this, [&question] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box || box->objectName() != QLatin1String("confirmDrillDialog"))
                return;
            question = box->text();
            box->button(QMessageBox::Yes)->click();
        });
        QSignalSpy finished(app.drills()->runner(), &DrillRunner::finished);
        QSignalSpy reports(app.drills(), &DrillsController::reportWritten);
        auto *start = dialog->findChild<QPushButton *>(QStringLiteral("startDrillButton"));
        QVERIFY(start && start->isEnabled());
        start->click();
        QVERIFY2(question.contains(QLatin1String("n8n-worker-1"))
                && question.contains(QLatin1String("unix:///tmp/cw-sandbox/docker.sock")),
            qPrintable(question));
        QVERIFY(app.drills()->runner()->isRunning());

        // The live dock follows the drill.
        auto *panel = app.window()->findChild<DrillPanel *>(QStringLiteral("drillPanel"));
        QVERIFY(panel && panel->isVisible());
        QVERIFY(QTest::qWaitFor(
            [&] {
                return app.drills()
                    ->runner()
                    ->record()
                    .firstEvent(QStringLiteral("detected"))
                    .has_value();
            },
            30000));
        QTest::qWait(1500);
        screenshot(app.window(), QStringLiteral("drill-running.png"));

        QVERIFY(finished.wait(180000));
        const DrillRecord record = finished.constFirst().at(0).value<DrillRecord>();
        QCOMPARE(toString(record.verdict), toString(DrillVerdict::Passed));
        QVERIFY(reports.wait(10000) || !reports.isEmpty());
        const QString pdf = reports.constFirst().at(0).toString();
        QVERIFY2(reports.constFirst().at(1).toString().isEmpty(),
            qPrintable(reports.constFirst().at(1).toString()));
        QFile file(pdf);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(pdf));
        QCOMPARE(file.read(5), QByteArray("%PDF-"));
        QVERIFY(QFile::exists(pdf.chopped(4) + QStringLiteral(".html")));
        QTest::qWait(500);
        screenshot(app.window(), QStringLiteral("drill-finished.png"));
        if (const QString dir = qEnvironmentVariable("CW_SCREENSHOT_DIR"); !dir.isEmpty())
            QFile::copy(pdf, dir + QStringLiteral("/drill-report.pdf"));
        QCOMPARE(
            Sandbox::containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("running"));
    }

    void unfinishedDrillIsOfferedForRollbackAtStart()
    {
        // What a killed Clusterwatch leaves: the journal of a drill holding its fault, and the
        // stopped container.
        const auto spec = loadDrillFile(
            Sandbox::sourcePath(QStringLiteral("resources/examples/drill-worker-stop.yaml")),
            m_sandbox.config());
        QVERIFY(spec.ok());
        DrillRecord record;
        record.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        record.clusterName = m_sandbox.config().name;
        record.dockerHost = QStringLiteral("unix:///tmp/cw-sandbox/docker.sock");
        record.user = QStringLiteral("ops");
        record.spec = spec.value();
        record.startedWallMs = QDateTime::currentMSecsSinceEpoch() - 60000;
        record.phase = DrillPhase::Observe;
        record.faultActive = true;
        record.containersBefore.insert(QStringLiteral("n8n-worker-1"), QStringLiteral("running"));
        record.events.append(DrillEvent {
            2000, QStringLiteral("fault"), QStringLiteral("n8n-worker-1"), QString() });
        QVERIFY(writeDrillJournal(record, m_dir.filePath(QStringLiteral("drills"))).ok());
        Sandbox::docker({ QStringLiteral("stop"), QStringLiteral("n8n-worker-1") });
        QCOMPARE(Sandbox::containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("exited"));

        SettingsStore settings(m_dir.filePath(QStringLiteral("settings2.ini")));
        Application app(&settings, m_dir.filePath(QStringLiteral("audit.jsonl")));
        QSignalSpy offered(app.drills(), &DrillsController::rollbackOffered);
        app.setCluster(m_sandbox.config());
        app.showWindow();
        QVERIFY(offered.wait(20000));
        auto *box = app.window()->findChild<QMessageBox *>(QStringLiteral("unfinishedDrillDialog"));
        QVERIFY(box && box->isVisible());
        QVERIFY2(box->text().contains(QLatin1String("worker-1 stop")), qPrintable(box->text()));
        screenshot(box, QStringLiteral("drill-rollback-offer.png"));
        QSignalSpy finished(app.drills()->runner(), &DrillRunner::finished);
        box->findChild<QPushButton *>(QStringLiteral("rollbackButton"))->click();
        QVERIFY(finished.wait(30000));
        QCOMPARE(toString(finished.constFirst().at(0).value<DrillRecord>().verdict),
            toString(DrillVerdict::Aborted));
        QCOMPARE(
            Sandbox::containerState(QStringLiteral("n8n-worker-1")), QStringLiteral("running"));
        QVERIFY(QTest::qWaitFor(
            [&] { return app.drills()->runner()->unfinishedDrills().isEmpty(); }, 5000));
    }
};

QTEST_MAIN(TestDrillsApp)
#include "tst_drillsapp.moc"
