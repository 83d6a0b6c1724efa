// The drill widgets as an operator meets them, offscreen: the form shows the shipped example
// drill exactly and gives back the same drill, offers only what the cluster allows, limits the
// recovery to what undoes the fault and names the field the drill file would reject; the dialog
// asks to start (or dry-run) with the drill and its file, and says why it cannot; the
// confirmation cancels on Enter; the timeline counts requests per second; the live panel shows
// the figures and only the buttons the moment allows; the history lists drills newest first and
// offers the rollback of an unfinished one. Screenshots of the panel and the dialog land in
// /tmp (drill-panel.png, drill-panel-running.png, drill-dialog.png, drill-history.png).
#include "TestSupport.h"
#include "models/Formatter.h"
#include "models/items/DrillHistoryModel.h"
#include "models/timeseries/DrillTimeline.h"
#include "services/config/ConfigLoader.h"
#include "services/drills/DrillFile.h"
#include "services/drills/DrillJournal.h"
#include "views/StatePalette.h"
#include "views/charts/DrillTimelineChart.h"
#include "views/drills/DrillConfirm.h"
#include "views/drills/DrillDialog.h"
#include "views/drills/DrillForm.h"
#include "views/drills/DrillHistoryView.h"
#include "views/drills/DrillPanel.h"
#include "views/drills/DurationSpinBox.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <functional>

using namespace cw;
using namespace std::chrono_literals;

namespace {

QStringList comboData(const QComboBox *combo)
{
    QStringList out;
    for (int i = 0; i < combo->count(); ++i)
        out << combo->itemData(i).toString();
    return out;
}

QStringList comboTexts(const QComboBox *combo)
{
    QStringList out;
    for (int i = 0; i < combo->count(); ++i)
        out << combo->itemText(i);
    return out;
}

/// The recovery actions offered, in the drill file's words.
QStringList recoveryChoices(const QComboBox *combo)
{
    QStringList out;
    for (int i = 0; i < combo->count(); ++i)
        out << toString(RecoveryAction(combo->itemData(i).toInt()));
    return out;
}

QString currentAction(const QComboBox *combo)
{
    return toString(RecoveryAction(combo->currentData().toInt()));
}

void selectData(QComboBox *combo, const QVariant &data)
{
    const int index = combo->findData(data);
    QVERIFY2(index >= 0, qPrintable(data.toString()));
    combo->setCurrentIndex(index);
}

/// main and w1 run in containers, w2 does not; a load balancer and Redis, no PostgreSQL.
ClusterConfig smallCluster()
{
    ClusterConfig cluster;
    cluster.name = QStringLiteral("prod");
    cluster.sourceFile = QStringLiteral("/etc/clusterwatch/cluster.yaml");
    cluster.loadBalancerUrl = QUrl(QStringLiteral("http://127.0.0.1:8080"));
    cluster.nodes = {
        NodeConfig { QStringLiteral("main"), NodeRole::Main,
            QUrl(QStringLiteral("http://127.0.0.1:5678")), QStringLiteral("n8n-main") },
        NodeConfig { QStringLiteral("w1"), NodeRole::Worker,
            QUrl(QStringLiteral("http://127.0.0.1:5679")), QStringLiteral("n8n-worker-1") },
        NodeConfig { QStringLiteral("w2"), NodeRole::Worker,
            QUrl(QStringLiteral("http://127.0.0.1:5680")), QString() },
    };
    cluster.redis.configured = true;
    return cluster;
}

ProbeSample probe(qint64 sentMs, qint32 latencyMs, int status, const QString &error = QString())
{
    return ProbeSample { sentMs, latencyMs, status, error };
}

DrillStep step(DrillPhase phase, const QString &title, qint64 start, qint64 end,
    const QString &outcome = QStringLiteral("ok"), const QString &detail = QString())
{
    return DrillStep { phase, title, start, end, outcome, detail };
}

/// A webhook processor stopped for a minute on the sandbox: nginx answers 502 for three seconds
/// until it takes the upstream out, then slow for three more; it comes back 4.5 s after start.
DrillRecord realisticRecord(const DrillSpec &spec, qint64 untilMs)
{
    DrillRecord r;
    r.id = QStringLiteral("3f2a9c1d-5b8e-4c1a-9d0f-6a7b8c9d0e1f");
    r.clusterName = QStringLiteral("n8n-sandbox");
    r.dockerHost = QStringLiteral("unix:///tmp/cw-sandbox/docker.sock");
    r.user = QStringLiteral("ops");
    r.spec = spec;
    r.startedWallMs = 1'796'315'112'000;
    const qint64 fault = 20'400;
    const qint64 recovery = 80'200;
    for (qint64 t = 0; t < std::min<qint64>(untilMs, 100'000); t += 100) {
        const qint64 k = t / 100;
        {
            int status = 200;
            qint32 latency = qint32(8 + (k * 7) % 23);
            QString error;
            if (t >= fault && t < fault + 3'000 && k % 3 == 0) {
                status = 502;
                latency = qint32(2 + k % 5);
            } else if (t >= fault + 3'000 && t < fault + 6'000 && k % 2 == 0) {
                latency = qint32(1'100 + (k * 37) % 900);
            } else if (t >= fault + 1'000 && t < fault + 1'400) {
                status = 0;
                latency = 5'000;
                error = QStringLiteral("timed out after 5 s");
            }
            r.probes.append(probe(t, latency, status, error));
        }
        const bool down = t >= fault + 150 && t < recovery + 4'500;
        r.target.append(TargetSample { t, !down, down ? 0 : 200, down ? 0 : 3 });
        if (t % 1000 == 0) {
            ClusterSample c;
            c.atMs = t;
            c.nodesTotal = 5;
            c.nodesUp = t >= fault + 2'300 && t < recovery + 4'500 ? 4 : 5;
            c.targetUp = !(t >= fault + 2'300 && t < recovery + 4'500);
            c.waiting = 3 + (k * 13) % 6 + (t > fault && t < recovery ? (t - fault) / 12'000 : 0);
            c.active = 10;
            c.completed = 1200.0 + double(t) / 1000.0 * 2.5;
            c.running = 10;
            c.crashed = 0;
            r.cluster.append(c);
        }
    }
    const auto event = [&r, untilMs](qint64 at, const QString &kind, const QString &subject,
                           const QString &detail) {
        if (at <= untilMs)
            r.events.append(DrillEvent { at, kind, subject, detail });
    };
    event(
        fault, QStringLiteral("fault"), QStringLiteral("n8n-webhook-1"), QStringLiteral("stopped"));
    event(fault + 80, QStringLiteral("container-die"), QStringLiteral("n8n-webhook-1"), {});
    event(fault + 2'300, QStringLiteral("detected"), QStringLiteral("n8n-webhook-1"),
        QStringLiteral("node marked down"));
    event(fault + 2'300, QStringLiteral("alert-pending"), QStringLiteral("node_down/n8n-webhook-1"),
        {});
    event(fault + 32'300, QStringLiteral("alert-firing"), QStringLiteral("node_down/n8n-webhook-1"),
        {});
    event(recovery, QStringLiteral("recovery"), QStringLiteral("n8n-webhook-1"),
        QStringLiteral("started"));
    event(recovery + 4'500, QStringLiteral("healthy"), QStringLiteral("n8n-webhook-1"), {});

    const auto add = [&r, untilMs](const DrillStep &s) {
        if (s.startMs > untilMs)
            return;
        DrillStep copy = s;
        if (copy.endMs > untilMs) {
            copy.endMs = -1;
            copy.outcome = QStringLiteral("running");
        }
        r.steps.append(copy);
    };
    add(step(DrillPhase::Preflight, QStringLiteral("all nodes healthy (5 of 5)"), 0, 1'200));
    add(step(DrillPhase::Preflight, QStringLiteral("the load balancer answers (10 of 10 ok)"),
        1'200, 2'400));
    add(step(DrillPhase::Preflight, QStringLiteral("the queue drains (37 jobs done in 30 s)"),
        2'400, 14'000));
    add(step(DrillPhase::Preflight, QStringLiteral("no stuck executions"), 14'000, 14'300));
    add(step(DrillPhase::Inject, QStringLiteral("stop n8n-webhook-1 (docker stop, 10 s grace)"),
        14'300, fault));
    add(step(DrillPhase::Observe, QStringLiteral("hold until the cluster works around it"), fault,
        recovery - 200));
    add(step(DrillPhase::Recover, QStringLiteral("start n8n-webhook-1"), recovery - 200, recovery));
    add(step(DrillPhase::Verify, QStringLiteral("steady state holds for 3 s"), recovery, 90'000));
    add(step(DrillPhase::Report, QStringLiteral("write the report"), 90'000, 90'100));
    r.phase = r.steps.isEmpty() ? DrillPhase::Preflight : r.steps.constLast().phase;
    r.computeFigures();
    return r;
}

/// Clicks a button of the modal box that confirmDrill() shows, once it is up.
class ModalAnswer : public QObject {
public:
    std::function<void(QMessageBox *)> answer;
    QString text, informative, detailed;
    QAbstractButton *defaultButton = nullptr;
    QAbstractButton *cancelButton = nullptr;
    QString startText;
    QWidget *focus = nullptr;
    bool seen = false;
    bool stuck = false; ///< the answer did not close the box (closed by force after 3 s)

    void arm()
    {
        QTimer::singleShot(20, this, [this] { poll(); });
    }

private:
    void poll()
    {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || !box->isVisible()) {
            arm();
            return;
        }
        seen = true;
        text = box->text();
        informative = box->informativeText();
        detailed = box->detailedText();
        defaultButton = box->defaultButton();
        cancelButton = box->button(QMessageBox::Cancel);
        startText = box->button(QMessageBox::Yes)->text();
        focus = box->focusWidget();
        QPointer<QMessageBox> guard(box);
        answer(box);
        QTimer::singleShot(3000, this, [this, guard] {
            if (guard && guard->isVisible()) {
                stuck = true;
                guard->reject();
            }
        });
    }
};

} // namespace

class TestDrillViews : public QObject {
    Q_OBJECT
private:
    ClusterConfig m_sandbox;
    DrillSpec m_example;
    QString m_examplePath;

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        const auto env = [](const QString &name) -> std::optional<QString> {
            if (name.startsWith(QLatin1String("CW_SANDBOX_")))
                return QStringLiteral("sandbox-secret");
            return std::nullopt;
        };
        const Result<ClusterConfig> cluster = loadClusterConfig(
            cwtest::testDataPath(QStringLiteral("../../resources/examples/sandbox.yaml")), env);
        QVERIFY2(cluster.ok(), qPrintable(cluster.ok() ? QString() : cluster.error()));
        m_sandbox = cluster.value();
        m_examplePath = cwtest::testDataPath(
            QStringLiteral("../../resources/examples/drill-worker-stop.yaml"));
        const Result<DrillSpec> drill = loadDrillFile(m_examplePath, m_sandbox);
        QVERIFY2(drill.ok(), qPrintable(drill.ok() ? QString() : drill.error()));
        m_example = drill.value();
    }

    void formShowsTheExampleAndGivesItBack()
    {
        DrillForm form(m_sandbox);
        QSignalSpy changed(&form, &DrillForm::changed);
        form.setSpec(m_example);
        QCOMPARE(changed.count(), 1); // once for the whole spec, not per field
        const Result<DrillSpec> spec = form.spec();
        QVERIFY2(spec.ok(), qPrintable(spec.ok() ? QString() : spec.error()));
        QVERIFY(spec.value() == m_example);
        QVERIFY(form.errorText().isEmpty());
        QVERIFY(!form.findChild<QLabel *>(QStringLiteral("formError"))->isVisibleTo(&form));

        // What the user sees is the file's values.
        QCOMPARE(form.findChild<QLineEdit *>(QStringLiteral("drillName"))->text(),
            QStringLiteral("worker-1 stop"));
        QCOMPARE(form.findChild<QComboBox *>(QStringLiteral("drillTarget"))->currentText(),
            QStringLiteral("n8n-worker-1 (container n8n-worker-1)"));
        QCOMPARE(form.findChild<QSpinBox *>(QStringLiteral("maxDuration"))->text(),
            QStringLiteral("5 min"));
        QCOMPARE(form.findChild<QSpinBox *>(QStringLiteral("proberSlow"))->text(),
            QStringLiteral("1 s"));

        // An edit in the form is a different drill, still valid.
        form.findChild<QComboBox *>(QStringLiteral("durationKind"))
            ->setCurrentIndex(form.findChild<QComboBox *>(QStringLiteral("durationKind"))
                                  ->findData(int(DrillDurationKind::Fixed)));
        form.findChild<DurationSpinBox *>(QStringLiteral("durationFixed"))->setDuration(90s);
        const Result<DrillSpec> fixed = form.spec();
        QVERIFY2(fixed.ok(), qPrintable(fixed.ok() ? QString() : fixed.error()));
        QCOMPARE(toString(fixed.value().duration.kind), toString(DrillDurationKind::Fixed));
        QCOMPARE(fixed.value().duration.fixed, Millis(90s));
    }

    void durationsReadAsTheFileWritesThem()
    {
        QCOMPARE(DurationSpinBox::format(90'000), QStringLiteral("90 s"));
        QCOMPARE(DurationSpinBox::format(300'000), QStringLiteral("5 min"));
        QCOMPARE(DurationSpinBox::format(1'500), QStringLiteral("1500 ms"));
        QCOMPARE(DurationSpinBox::parse(QStringLiteral("1.5s")), 1'500);
        QCOMPARE(DurationSpinBox::parse(QStringLiteral("2m")), 120'000);
        QCOMPARE(DurationSpinBox::parse(QStringLiteral("45")), 45'000);
        QCOMPARE(DurationSpinBox::parse(QStringLiteral("soon")), -1);
    }

    void targetsAreTheNodesWithContainers()
    {
        DrillForm sandbox(m_sandbox);
        auto *target = sandbox.findChild<QComboBox *>(QStringLiteral("drillTarget"));
        QCOMPARE(comboData(target),
            QStringList({ QStringLiteral("node:n8n-main"), QStringLiteral("node:n8n-worker-1"),
                QStringLiteral("node:n8n-worker-2"), QStringLiteral("node:n8n-webhook-1"),
                QStringLiteral("node:n8n-webhook-2"), QStringLiteral("redis"),
                QStringLiteral("postgres"), QStringLiteral("load_balancer") }));
        QCOMPARE(target->itemText(1), QStringLiteral("n8n-worker-1 (container n8n-worker-1)"));

        // w2 has no container: it is not offered. No PostgreSQL: neither the target nor the check.
        DrillForm small(smallCluster());
        target = small.findChild<QComboBox *>(QStringLiteral("drillTarget"));
        QCOMPARE(comboData(target),
            QStringList({ QStringLiteral("node:main"), QStringLiteral("node:w1"),
                QStringLiteral("redis"), QStringLiteral("load_balancer") }));
        QCOMPARE(comboTexts(target).first(), QStringLiteral("main (container n8n-main)"));
        QVERIFY(small.findChild<QCheckBox *>(QStringLiteral("check_queue_draining"))->isEnabled());
        QVERIFY(!small.findChild<QCheckBox *>(QStringLiteral("check_no_stuck_executions"))
                     ->isEnabled());

        // An infrastructure target takes a container name; a node's comes from the cluster file.
        auto *container = small.findChild<QLineEdit *>(QStringLiteral("drillContainer"));
        QVERIFY(container->isReadOnly());
        QCOMPARE(container->text(), QStringLiteral("n8n-main"));
        selectData(target, QStringLiteral("redis"));
        QVERIFY(!container->isReadOnly());
        container->setText(QStringLiteral("redis-1"));
        Q_EMIT container->textEdited(container->text());
        const Result<DrillSpec> redis = small.spec();
        QVERIFY2(redis.ok(), qPrintable(redis.ok() ? QString() : redis.error()));
        QCOMPARE(toString(redis.value().target.kind), toString(DrillTargetKind::Redis));
        QCOMPARE(redis.value().target.container, QStringLiteral("redis-1"));

        // Without a load balancer there is no prober to turn on.
        ClusterConfig bare = smallCluster();
        bare.loadBalancerUrl = QUrl();
        DrillForm noBalancer(bare);
        auto *prober = noBalancer.findChild<QGroupBox *>(QStringLiteral("proberGroup"));
        QVERIFY(!prober->isChecked());
        QVERIFY(!prober->isEnabled());
        QVERIFY(!comboData(noBalancer.findChild<QComboBox *>(QStringLiteral("drillTarget")))
                     .contains(QStringLiteral("load_balancer")));
        QVERIFY(noBalancer.spec().ok());
    }

    void recoveryChoicesFollowTheFault()
    {
        DrillForm form(m_sandbox);
        form.setSpec(m_example);
        auto *fault = form.findChild<QComboBox *>(QStringLiteral("drillFault"));
        auto *recovery = form.findChild<QComboBox *>(QStringLiteral("recoveryAction"));
        auto *explanation = form.findChild<QLabel *>(QStringLiteral("faultExplanation"));

        selectData(fault, int(DrillFault::Pause));
        QCOMPARE(recoveryChoices(recovery),
            QStringList({ QStringLiteral("unpause"), QStringLiteral("restart") }));
        QCOMPARE(currentAction(recovery), QStringLiteral("unpause"));
        QVERIFY2(
            explanation->text().contains(QLatin1String("freeze")), qPrintable(explanation->text()));
        const Result<DrillSpec> paused = form.spec();
        QVERIFY2(paused.ok(), qPrintable(paused.ok() ? QString() : paused.error()));
        QCOMPARE(toString(paused.value().recovery.action), toString(RecoveryAction::Unpause));

        // A choice that still undoes the new fault is kept.
        selectData(recovery, int(RecoveryAction::Restart));
        selectData(fault, int(DrillFault::Kill));
        QCOMPARE(recoveryChoices(recovery),
            QStringList({ QStringLiteral("start"), QStringLiteral("restart") }));
        QCOMPARE(currentAction(recovery), QStringLiteral("restart"));

        for (DrillFault f : { DrillFault::Stop, DrillFault::Restart }) {
            selectData(fault, int(f));
            QCOMPARE(recoveryChoices(recovery),
                QStringList({ QStringLiteral("start"), QStringLiteral("restart") }));
        }
    }

    void anInvalidFieldIsNamedInRed()
    {
        DrillForm form(m_sandbox);
        form.setSpec(m_example);
        form.show();
        auto *rate = form.findChild<QSpinBox *>(QStringLiteral("proberRate"));
        auto *error = form.findChild<QLabel *>(QStringLiteral("formError"));
        rate->setValue(5);
        const Result<DrillSpec> spec = form.spec();
        QVERIFY(!spec.ok());
        QVERIFY2(
            spec.error().contains(QLatin1String("Requests per second")), qPrintable(spec.error()));
        QVERIFY2(spec.error().contains(QLatin1String("prober.requests_per_second")),
            qPrintable(spec.error()));
        QVERIFY2(spec.error().contains(QLatin1String("'5'")), qPrintable(spec.error()));
        // No line number of a file nobody sees.
        QVERIFY2(!spec.error().startsWith(QLatin1String("form:")), qPrintable(spec.error()));
        QVERIFY(error->isVisible());
        QCOMPARE(error->text(), spec.error());
        QCOMPARE(error->palette().color(QPalette::WindowText), palette::bad());
        // The row's label turns red as well.
        bool labelRed = false;
        for (QLabel *label : form.findChildren<QLabel *>()) {
            if (label->buddy() == rate)
                labelRed = label->palette().color(QPalette::WindowText) == palette::bad();
        }
        QVERIFY(labelRed);

        rate->setValue(10);
        QVERIFY(form.spec().ok());
        QVERIFY(!error->isVisible());
        QVERIFY(form.errorText().isEmpty());

        form.findChild<QLineEdit *>(QStringLiteral("drillName"))->clear();
        const Result<DrillSpec> unnamed = form.spec();
        QVERIFY(!unnamed.ok());
        QVERIFY2(unnamed.error().startsWith(QLatin1String("Name: must not be empty")),
            qPrintable(unnamed.error()));
    }

    void dialogAsksToStartWithTheDrillAndItsFile()
    {
        DrillDialog dialog(m_sandbox);
        QSignalSpy start(&dialog, &DrillDialog::startRequested);
        QVERIFY(dialog.loadFile(m_examplePath));
        QCOMPARE(dialog.drillFile(), m_examplePath);
        auto *startButton = dialog.findChild<QPushButton *>(QStringLiteral("startDrillButton"));
        auto *dryRun = dialog.findChild<QPushButton *>(QStringLiteral("dryRunButton"));
        QVERIFY(startButton->isEnabled());

        startButton->click();
        QCOMPARE(start.count(), 1);
        QVERIFY(start.at(0).at(0).value<DrillSpec>() == m_example);
        QCOMPARE(start.at(0).at(1).toString(), m_examplePath);
        QCOMPARE(start.at(0).at(2).toBool(), false);
        dryRun->click();
        QCOMPARE(start.count(), 2);
        QCOMPARE(start.at(1).at(2).toBool(), true);

        // Changed in the form: no longer what the file says.
        dialog.form()
            ->findChild<QLineEdit *>(QStringLiteral("drillName"))
            ->setText(QStringLiteral("worker-1 stop, edited"));
        QVERIFY(dialog.drillFile().isEmpty());
        startButton->click();
        QCOMPARE(start.count(), 3);
        QCOMPARE(
            start.at(2).at(0).value<DrillSpec>().name, QStringLiteral("worker-1 stop, edited"));
        QVERIFY(start.at(2).at(1).toString().isEmpty());

        // Why not now: Start off, the dry run (which acts on nothing) still possible.
        dialog.setBlockers({ QStringLiteral("n8n-worker-1 is not healthy") });
        QVERIFY(!startButton->isEnabled());
        QVERIFY(dryRun->isEnabled());
        QVERIFY2(dialog.statusText().contains(QLatin1String("n8n-worker-1 is not healthy")),
            qPrintable(dialog.statusText()));
        startButton->click();
        QCOMPARE(start.count(), 3);
        dialog.setBlockers({});
        QVERIFY(startButton->isEnabled());

        // An invalid drill cannot be started.
        dialog.form()->findChild<QSpinBox *>(QStringLiteral("proberRate"))->setValue(5);
        QVERIFY(!startButton->isEnabled());
        QVERIFY(!dryRun->isEnabled());
        dialog.form()->findChild<QSpinBox *>(QStringLiteral("proberRate"))->setValue(10);
        QVERIFY(startButton->isEnabled());

        // The wall screen.
        dialog.setReadOnly(true, QStringLiteral("drills are disabled on the wall screen"));
        QVERIFY(!startButton->isEnabled());
        QVERIFY(!dryRun->isEnabled());
        QVERIFY(
            dialog.statusText().contains(QLatin1String("drills are disabled on the wall screen")));
        dryRun->click();
        QCOMPARE(start.count(), 3);
    }

    void loadingAndSavingNeverLoseTheForm()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        DrillDialog dialog(m_sandbox);
        QVERIFY(dialog.loadFile(m_examplePath));
        const DrillSpec before = dialog.form()->spec().value();

        const QString broken = cwtest::writeFile(
            dir, QStringLiteral("broken.yaml"), "name: x\ntarget: n8n-worker-9\nfault: stop\n");
        QVERIFY(!dialog.loadFile(broken));
        QVERIFY2(dialog.statusText().contains(
                     QLatin1String("'n8n-worker-9' is not a node of sandbox.yaml")),
            qPrintable(dialog.statusText()));
        QVERIFY(dialog.form()->spec().value() == before);
        QCOMPARE(dialog.drillFile(), m_examplePath);

        QVERIFY(!dialog.saveFile(dir.filePath(QStringLiteral("missing/dir/drill.yaml"))));
        QVERIFY2(dialog.statusText().startsWith(QLatin1String("Not saved")),
            qPrintable(dialog.statusText()));
        QVERIFY(dialog.form()->spec().value() == before);

        const QString saved = dir.filePath(QStringLiteral("copy.yaml"));
        QVERIFY(dialog.saveFile(saved));
        QCOMPARE(dialog.drillFile(), saved);
        const Result<DrillSpec> back = loadDrillFile(saved, m_sandbox);
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error()));
        QVERIFY(back.value() == before);
    }

    void confirmationDefaultsToCancel()
    {
        QWidget parent;
        parent.show();
        const QString question = QStringLiteral(
            "Stop container <b>n8n-worker-1</b> (node n8n-worker-1) on Docker host "
            "<b>unix:///tmp/cw-sandbox/docker.sock</b> for the drill \"worker-1 stop\"?");
        const QStringList plan { QStringLiteral("preflight: all nodes healthy"),
            QStringLiteral("inject: stop n8n-worker-1 (docker stop, 10 s grace)"),
            QStringLiteral("recover: start n8n-worker-1") };

        // Enter where the keyboard focus is (the Cancel button), as a user would press it.
        ModalAnswer enter;
        enter.answer = [](QMessageBox *box) {
            QTest::keyClick(box->focusWidget() ? box->focusWidget() : box, Qt::Key_Return);
        };
        enter.arm();
        QVERIFY(!confirmDrill(&parent, question, plan));
        QVERIFY(enter.seen);
        QVERIFY(!enter.stuck);
        QCOMPARE(enter.defaultButton, enter.cancelButton);
        QCOMPARE(enter.focus, enter.cancelButton);
        QCOMPARE(enter.text, question);
        QVERIFY(enter.detailed.contains(QLatin1String("1. preflight: all nodes healthy")));
        QVERIFY(enter.detailed.contains(QLatin1String("3. recover: start n8n-worker-1")));
        QVERIFY(enter.informative.contains(QLatin1String("3 steps")));
        QCOMPARE(enter.startText, QStringLiteral("Start drill"));

        ModalAnswer escape;
        escape.answer = [](QMessageBox *box) { QTest::keyClick(box, Qt::Key_Escape); };
        escape.arm();
        QVERIFY(!confirmDrill(&parent, question, plan));
        QVERIFY(escape.seen);
        QVERIFY(!escape.stuck);

        ModalAnswer yes;
        yes.answer = [](QMessageBox *box) { box->button(QMessageBox::Yes)->click(); };
        yes.arm();
        QVERIFY(confirmDrill(&parent, question, plan));
        QVERIFY(yes.seen);
    }

    void timelineCountsRequestsPerSecond()
    {
        DrillRecord r;
        r.spec.prober.enabled = true;
        r.spec.prober.slowThreshold = 1000ms;
        r.probes = {
            // second 0: 3 ok, 1 slow, 1 failed (a quick 502)
            probe(0, 20, 200),
            probe(100, 20, 200),
            probe(200, 1'000, 200),
            probe(300, 1'500, 200),
            probe(400, 30, 502),
            // second 1: 2 failed (one slow as well: failed wins), 1 ok
            probe(1'000, 5'000, 0, QStringLiteral("timed out after 5 s")),
            probe(1'100, 3, 0, QStringLiteral("connection refused")),
            probe(1'999, 40, 204),
            // second 2: none; second 3: 1 slow 4xx (an answer, not a failure)
            probe(3'500, 1'200, 404),
        };
        r.target = { TargetSample { 0, true, 200, 2 }, TargetSample { 500, true, 200, 2 },
            TargetSample { 1'200, false, 0, 0 }, TargetSample { 2'100, false, 0, 0 },
            TargetSample { 2'500, true, 200, 2 }, TargetSample { 3'100, true, 200, 2 } };
        ClusterSample c0;
        c0.atMs = 0;
        c0.waiting = 5;
        ClusterSample c1 = c0;
        c1.atMs = 1'000;
        c1.waiting = 9;
        ClusterSample c3 = c0;
        c3.atMs = 3'000;
        c3.waiting = 7;
        r.cluster = { c0, c1, c3 };
        r.events = { DrillEvent { 900, QStringLiteral("detected"), {}, {} }, // before the fault
            DrillEvent { 1'100, QStringLiteral("fault"), {}, {} },
            DrillEvent { 2'300, QStringLiteral("detected"), {}, {} },
            DrillEvent { 2'400, QStringLiteral("alert-pending"), {}, {} },
            DrillEvent { 2'800, QStringLiteral("alert-firing"), {}, {} },
            DrillEvent { 3'100, QStringLiteral("recovery"), {}, {} },
            DrillEvent { 3'600, QStringLiteral("healthy"), {}, {} } };

        const DrillTimeline t = binDrillTimeline(r, 800);
        QCOMPARE(t.endMs, 3'600);
        QCOMPARE(t.bins.size(), 4);
        const auto counts = [&t](int i) {
            const DrillTimelineBin &b = t.bins.at(i);
            return QList<int> { int(b.startS), b.spanS, b.ok, b.failed, b.slow, b.maxLatencyMs };
        };
        QCOMPARE(counts(0), QList<int>({ 0, 1, 3, 1, 1, 1'500 }));
        QCOMPARE(counts(1), QList<int>({ 1, 1, 1, 2, 0, 5'000 }));
        QCOMPARE(counts(2), QList<int>({ 2, 1, 0, 0, 0, 0 }));
        QCOMPARE(counts(3), QList<int>({ 3, 1, 0, 0, 1, 1'200 }));
        QCOMPARE(t.bins.at(0).targetUp, std::optional<bool>(true));
        QCOMPARE(t.bins.at(1).targetUp, std::optional<bool>(false));
        QCOMPARE(t.bins.at(2).targetUp, std::optional<bool>(false)); // down at 2.1 s
        QCOMPARE(t.bins.at(3).targetUp, std::optional<bool>(true));
        QCOMPARE(t.bins.at(1).waiting, std::optional<qint64>(9));
        QCOMPARE(t.bins.at(2).waiting, std::optional<qint64>());
        QCOMPARE(t.maxRequests, 5);
        QCOMPARE(t.maxLatencyMs, 5'000);
        QCOMPARE(t.maxWaiting, 9);
        QStringList markers;
        for (const DrillTimelineMarker &m : t.markers)
            markers << QStringLiteral("%1@%2").arg(m.label).arg(m.atMs);
        QCOMPARE(markers,
            QStringList({ QStringLiteral("fault@1100"), QStringLiteral("detected@2300"),
                QStringLiteral("alert firing@2800"), QStringLiteral("recovery@3100"),
                QStringLiteral("healthy@3600") }));

        // Narrower than the drill: two seconds a bucket; counts add up, maxima stay.
        const DrillTimeline narrow = binDrillTimeline(r, 2);
        QCOMPARE(narrow.bins.size(), 2);
        QCOMPARE(narrow.bins.at(0).spanS, 2);
        QCOMPARE(narrow.bins.at(0).ok, 4);
        QCOMPARE(narrow.bins.at(0).failed, 3);
        QCOMPARE(narrow.bins.at(0).slow, 1);
        QCOMPARE(narrow.bins.at(0).maxLatencyMs, 5'000);
        QCOMPARE(narrow.bins.at(0).targetUp, std::optional<bool>(false));
        QCOMPARE(narrow.bins.at(1).slow, 1);
        QCOMPARE(narrow.bins.at(1).waiting, std::optional<qint64>(7));

        // The session's verdict stands in when there are no direct looks.
        DrillRecord sessionOnly = r;
        sessionOnly.target.clear();
        sessionOnly.cluster[1].targetUp = false;
        sessionOnly.cluster[0].targetUp = true;
        const DrillTimeline fallback = binDrillTimeline(sessionOnly, 800);
        QCOMPARE(fallback.bins.at(0).targetUp, std::optional<bool>(true));
        QCOMPARE(fallback.bins.at(1).targetUp, std::optional<bool>(false));
        QCOMPARE(fallback.bins.at(2).targetUp, std::optional<bool>());

        // The chart draws those rates (steps: two points a bucket) and labels the markers.
        DrillTimelineChart chart;
        chart.resize(900, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setRecord(r);
        const QList<QPointF> ok = chart.points(DrillTimelineChart::Line::Ok);
        QCOMPARE(ok.size(), 8);
        QCOMPARE(ok.at(0), QPointF(0, 3));
        QCOMPARE(ok.at(1), QPointF(1, 3));
        QCOMPARE(chart.points(DrillTimelineChart::Line::Failed).at(2), QPointF(1, 3)); // 1 ok + 2
        QCOMPARE(chart.points(DrillTimelineChart::Line::Slow).at(0), QPointF(0, 5));
        QCOMPARE(chart.points(DrillTimelineChart::Line::Latency).at(2), QPointF(1, 5));
        QCOMPARE(chart.points(DrillTimelineChart::Line::TargetDown).at(2), QPointF(1, 1));
        QCOMPARE(chart.markerLabels(),
            QStringList({ QStringLiteral("fault"), QStringLiteral("detected"),
                QStringLiteral("alert firing"), QStringLiteral("recovery"),
                QStringLiteral("healthy") }));
    }

    void timelineKeepsUpWithALongDrill()
    {
        // Ten minutes of a 10/s prober, 10 Hz target looks and 1 Hz cluster samples, redrawn
        // as the runner's 4 Hz progress would.
        DrillRecord r;
        r.spec = m_example;
        for (qint64 t = 0; t < 600'000; t += 100) {
            r.probes.append(probe(t, qint32(10 + t % 37), t % 9'000 < 300 ? 502 : 200));
            r.target.append(TargetSample { t, t < 100'000 || t > 200'000, 200, 3 });
            if (t % 1000 == 0) {
                ClusterSample c;
                c.atMs = t;
                c.waiting = t / 10'000;
                r.cluster.append(c);
            }
        }
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 20; ++i)
            QCOMPARE(binDrillTimeline(r, 800).bins.size(), 600);
        const double binMs = double(timer.nsecsElapsed()) / 20 / 1e6;

        DrillTimelineChart chart;
        chart.resize(1000, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setRecord(r);
        QCoreApplication::processEvents();
        timer.restart();
        constexpr int kRedraws = 12; // three seconds of progress
        for (int i = 0; i < kRedraws; ++i) {
            chart.setRecord(r);
            (void)chart.grab(); // lays out and paints everything, as a visible update would
        }
        const double redrawMs = double(timer.nsecsElapsed()) / kRedraws / 1e6;
        qInfo("binning 6000 probes: %.2f ms; chart update + paint: %.1f ms (%lld points)", binMs,
            redrawMs, qlonglong(chart.lastPointCount()));
        // Generous bounds for a shared CI machine; at 4 Hz the budget is 250 ms a tick.
        QVERIFY2(binMs < 20, qPrintable(QString::number(binMs)));
        QVERIFY2(redrawMs < 125, qPrintable(QString::number(redrawMs)));
        QVERIFY(chart.lastPointCount() <= 8 * 2 * chart.plotWidth());
    }

    void panelShowsFiguresAndTheButtonsOfTheMoment()
    {
        DrillSpec spec = m_example;
        spec.name = QStringLiteral("webhook-1 stop");
        spec.target.node = QStringLiteral("n8n-webhook-1");
        spec.target.container = QStringLiteral("n8n-webhook-1");
        spec.recovery.automatic = false;

        DrillPanel panel;
        panel.resize(1280, 900);
        QSignalSpy abort(&panel, &DrillPanel::abortRequested);
        QSignalSpy recover(&panel, &DrillPanel::recoverRequested);
        QSignalSpy report(&panel, &DrillPanel::openReportRequested);
        QSignalSpy rerun(&panel, &DrillPanel::rerunRequested);
        const auto figure = [&panel](const char *name) {
            return panel.findChild<QLabel *>(QLatin1String(name))->text();
        };
        const auto button = [&panel](const char *name) {
            return panel.findChild<QPushButton *>(QLatin1String(name));
        };

        // Early: nothing measured yet reads "—".
        DrillRecord early = realisticRecord(spec, 10'000);
        early.verdict = DrillVerdict::Running;
        panel.setRecord(early, true, false);
        QCOMPARE(figure("figureDetection"), QStringLiteral("—"));
        QCOMPARE(figure("figureRto"), QStringLiteral("—"));
        QCOMPARE(figure("figureRequests"), QStringLiteral("100"));
        QCOMPARE(figure("figureFailed"), QStringLiteral("0"));
        QVERIFY(button("abortButton")->isVisibleTo(&panel));
        QVERIFY(button("abortButton")->isEnabled());
        QVERIFY(!button("recoverNowButton")->isVisibleTo(&panel));
        QVERIFY(!button("openReportButton")->isVisibleTo(&panel));
        QVERIFY(!button("rerunButton")->isVisibleTo(&panel));
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("drillVerdict"))->text(),
            QStringLiteral("RUNNING"));

        // The fault held, waiting for the operator to recover.
        DrillRecord held = realisticRecord(spec, 60'000);
        held.verdict = DrillVerdict::Running;
        held.phase = DrillPhase::Observe;
        panel.setRecord(held, true, true);
        QCOMPARE(figure("figureDetection"), QStringLiteral("2.30 s"));
        QCOMPARE(figure("figureAlert"), QStringLiteral("2.30 s"));
        QCOMPARE(figure("figureRecovery"), QStringLiteral("—"));
        QVERIFY(button("recoverNowButton")->isVisibleTo(&panel));
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("awaitingRecovery"))->isVisibleTo(&panel));
        QVERIFY2(panel.findChild<QLabel *>(QStringLiteral("drillPhase"))
                     ->text()
                     .startsWith(QLatin1String("observe")),
            qPrintable(panel.findChild<QLabel *>(QStringLiteral("drillPhase"))->text()));
        button("recoverNowButton")->click();
        button("abortButton")->click();
        QCOMPARE(recover.count(), 1);
        QCOMPARE(abort.count(), 1);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QCoreApplication::processEvents();
        QVERIFY(panel.grab().save(QStringLiteral("/tmp/drill-panel-running.png")));

        // Ended: the figures, the verdict, and Open report / Re-run instead of Abort.
        DrillRecord done = realisticRecord(spec, 100'000);
        done.verdict = DrillVerdict::Passed;
        done.phase = DrillPhase::Done;
        done.finishedWallMs = done.startedWallMs + 100'000;
        done.verdictReason = QStringLiteral("n8n-webhook-1 was stopped and started again; the "
                                            "steady state held 3 s after recovery");
        panel.setRecord(done, false, false);
        const DrillFigures &f = done.figures;
        QCOMPARE(figure("figureRecovery"), QStringLiteral("4.50 s"));
        QCOMPARE(figure("figureRto"), QStringLiteral("1 min 4 s"));
        QCOMPARE(figure("figureRequests"), QStringLiteral("1,000"));
        QVERIFY(f.failedRequests > 0);
        QVERIFY2(figure("figureFailed")
                     .startsWith(QString::number(f.failedRequests) + QLatin1String(" (")),
            qPrintable(figure("figureFailed")));
        QVERIFY(figure("figureErrorWindow") != QStringLiteral("—"));
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("drillVerdict"))->text(),
            QStringLiteral("PASSED"));
        QCOMPARE(panel.findChild<QLabel *>(QStringLiteral("drillPhase"))->text(),
            QStringLiteral("took 1 min 40 s"));
        QCOMPARE(
            panel.findChild<QTreeWidget *>(QStringLiteral("drillSteps"))->topLevelItemCount(), 9);
        QVERIFY(!button("abortButton")->isVisibleTo(&panel));
        QVERIFY(!button("recoverNowButton")->isVisibleTo(&panel));
        QVERIFY(button("openReportButton")->isVisibleTo(&panel));
        QVERIFY(button("rerunButton")->isVisibleTo(&panel));
        button("openReportButton")->click();
        button("rerunButton")->click();
        QCOMPARE(report.count(), 1);
        QCOMPARE(rerun.count(), 1);
        QCOMPARE(panel.timeline()->markerLabels(),
            QStringList({ QStringLiteral("fault"), QStringLiteral("detected"),
                QStringLiteral("alert firing"), QStringLiteral("recovery"),
                QStringLiteral("healthy") }));
        QCoreApplication::processEvents();
        QVERIFY(panel.grab().save(QStringLiteral("/tmp/drill-panel.png")));
    }

    void dialogScreenshot()
    {
        DrillDialog dialog(m_sandbox);
        QVERIFY(dialog.loadFile(m_examplePath));
        dialog.setBlockers({ QStringLiteral("n8n-worker-2 is not healthy (down for 12 s)") });
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.resize(dialog.sizeHint());
        QCoreApplication::processEvents();
        QVERIFY(dialog.grab().save(QStringLiteral("/tmp/drill-dialog.png")));
        // Nothing in the form is cut off: it fits its size hint.
        QVERIFY(dialog.width() >= dialog.minimumSizeHint().width());

        // The same with a field the drill file would reject.
        dialog.form()->findChild<QSpinBox *>(QStringLiteral("proberRate"))->setValue(5);
        dialog.resize(dialog.sizeHint());
        QCoreApplication::processEvents();
        QVERIFY(dialog.form()->findChild<QLabel *>(QStringLiteral("formError"))->isVisible());
        QVERIFY(dialog.grab().save(QStringLiteral("/tmp/drill-dialog-error.png")));
    }

    void historyListsDrillsNewestFirst()
    {
        DrillRecord passed = realisticRecord(m_example, 100'000);
        passed.id = QStringLiteral("aaaa");
        passed.verdict = DrillVerdict::Passed;
        passed.startedWallMs = 1'796'000'000'000;
        DrillRecord interrupted = passed;
        interrupted.id = QStringLiteral("bbbb");
        interrupted.verdict = DrillVerdict::Running;
        interrupted.startedWallMs = passed.startedWallMs + 3'600'000;
        DrillRecord aborted = passed;
        aborted.id = QStringLiteral("cccc");
        aborted.verdict = DrillVerdict::Aborted;
        aborted.verdictReason = QStringLiteral("more than 50 % of requests failed for 10 s");
        aborted.startedWallMs = passed.startedWallMs + 1'800'000;
        aborted.figures.rtoMs.reset();

        DrillHistoryView view;
        QAbstractItemModelTester tester(
            view.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        DrillHistoryModel *model = view.model();
        const QList<DrillJournalEntry> entries { { QStringLiteral("/j/a.json"), passed },
            { QStringLiteral("/j/b.json"), interrupted },
            { QStringLiteral("/j/c.json"), aborted } };
        view.setEntries(entries);
        QCOMPARE(model->rowCount(), 3);
        const auto cell
            = [model](int row, int column) { return model->index(row, column).data().toString(); };
        QCOMPARE(
            cell(0, DrillHistoryModel::VerdictColumn), QStringLiteral("interrupted — roll back?"));
        QCOMPARE(cell(1, DrillHistoryModel::VerdictColumn), QStringLiteral("aborted"));
        QCOMPARE(cell(2, DrillHistoryModel::VerdictColumn), QStringLiteral("passed"));
        QCOMPARE(cell(2, DrillHistoryModel::NameColumn), QStringLiteral("worker-1 stop"));
        QCOMPARE(cell(2, DrillHistoryModel::TargetColumn), QStringLiteral("n8n-worker-1"));
        QCOMPARE(cell(2, DrillHistoryModel::FaultColumn), QStringLiteral("stop"));
        QCOMPARE(cell(2, DrillHistoryModel::RtoColumn), QStringLiteral("1 min 4 s"));
        QCOMPARE(cell(1, DrillHistoryModel::RtoColumn), QStringLiteral("—"));
        QCOMPARE(
            cell(2, DrillHistoryModel::FailedColumn), fmt::count(passed.figures.failedRequests));
        QCOMPARE(cell(2, DrillHistoryModel::SlowColumn), fmt::count(passed.figures.slowRequests));
        QCOMPARE(model->index(1, DrillHistoryModel::VerdictColumn).data(Qt::ToolTipRole).toString(),
            aborted.verdictReason);
        QVERIFY(model->index(0, 0).data(DrillHistoryModel::InterruptedRole).toBool());

        // A new drill goes on top in place; a changed one is updated, not the whole table.
        QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(model, &QAbstractItemModel::dataChanged);
        DrillRecord newest = passed;
        newest.id = QStringLiteral("dddd");
        newest.verdict = DrillVerdict::DryRun;
        newest.startedWallMs = interrupted.startedWallMs + 60'000;
        DrillRecord rolledBack = interrupted;
        rolledBack.verdict = DrillVerdict::Aborted;
        view.setEntries({ entries.at(0), { QStringLiteral("/j/b.json"), rolledBack }, entries.at(2),
            { QStringLiteral("/j/d.json"), newest } });
        QCOMPARE(reset.count(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 1);
        QCOMPARE(cell(0, DrillHistoryModel::VerdictColumn), QStringLiteral("dry run"));
        QCOMPARE(cell(1, DrillHistoryModel::VerdictColumn), QStringLiteral("aborted"));
        view.setEntries(entries); // back: the dry run's row goes
        QCOMPARE(model->rowCount(), 3);

        // The drill running now is not "interrupted".
        view.setRunningId(QStringLiteral("bbbb"));
        QCOMPARE(cell(0, DrillHistoryModel::VerdictColumn), QStringLiteral("running"));
        view.setRunningId(QString());
        QCOMPARE(
            cell(0, DrillHistoryModel::VerdictColumn), QStringLiteral("interrupted — roll back?"));

        // Roll back is offered for the unfinished drill only, and carries its record.
        QSignalSpy rollback(&view, &DrillHistoryView::rollbackRequested);
        QSignalSpy report(&view, &DrillHistoryView::openReportRequested);
        QSignalSpy rerun(&view, &DrillHistoryView::rerunRequested);
        auto *rollbackButton
            = view.findChild<QPushButton *>(QStringLiteral("historyRollbackButton"));
        view.selectRow(0);
        QVERIFY(rollbackButton->isVisibleTo(&view));
        rollbackButton->click();
        QCOMPARE(rollback.count(), 1);
        QCOMPARE(rollback.at(0).at(0).value<DrillRecord>().id, QStringLiteral("bbbb"));
        view.selectRow(2);
        QVERIFY(!rollbackButton->isVisibleTo(&view));
        view.findChild<QPushButton *>(QStringLiteral("historyReportButton"))->click();
        view.findChild<QPushButton *>(QStringLiteral("historyRerunButton"))->click();
        QCOMPARE(report.count(), 1);
        QCOMPARE(report.at(0).at(0).toString(), QStringLiteral("/j/a.json"));
        QCOMPARE(rerun.count(), 1);
        QCOMPARE(rerun.at(0).at(0).value<DrillRecord>().id, QStringLiteral("aaaa"));

        view.resize(1100, 260);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.grab().save(QStringLiteral("/tmp/drill-history.png")));
    }
};

QTEST_MAIN(TestDrillViews)
#include "tst_drillviews.moc"
