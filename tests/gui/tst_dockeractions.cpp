// One-click actions on a real Docker engine, as an operator does them: select a node, press
// Restart, read the confirmation (container and Docker host named), confirm, watch the node go
// down and come back, read the result and the audit trail; the restart-storm guard; 304 and 404;
// the container log with the ERROR filter; the drills' kill, pause and unpause (the controller
// and the trail, not the menus); and a missing Docker socket that leaves the rest of the
// monitoring running.
#include "DockerEngine.h"
#include "NodeFarm.h"
#include "TestSupport.h"
#include "app/Application.h"
#include "models/items/ClusterModel.h"
#include "models/items/LogLinesModel.h"
#include "services/actions/ActionController.h"
#include "services/config/SettingsStore.h"
#include "views/LogPanel.h"
#include "views/MainWindow.h"
#include "views/NodeTileDelegate.h"

#include <QAbstractButton>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <optional>

using cwtest::NodeFarm;

class TestDockerActions : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    cwtest::DockerEngine m_engine;
    NodeFarm m_farm;
    QString m_clusterFile;

    static QStringList tile(cw::Application &app, const QString &node)
    {
        const int row = app.nodes()->rowOf(node);
        return row < 0 ? QStringList()
                       : cw::NodeTileDelegate::tileLines(app.nodes()->index(row, 0));
    }
    static QVariant nodeData(cw::Application &app, const QString &node, int role)
    {
        return app.nodes()->index(app.nodes()->rowOf(node), 0).data(role);
    }
    static QMessageBox *dialog(cw::Application &app, const QString &name)
    {
        // Closed dialogs linger until their deferred deletion: take the visible one.
        for (QMessageBox *box : app.window()->findChildren<QMessageBox *>(name)) {
            if (box->isVisible())
                return box;
        }
        return nullptr;
    }
    void screenshot(QWidget *widget, const QString &name) const
    {
        const QByteArray dir = qgetenv("CW_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            widget->grab().save(QString::fromLocal8Bit(dir) + QLatin1Char('/') + name);
    }
    static QString latestResult(cw::Application &app)
    {
        auto *list = app.window()->findChild<QListWidget *>(QStringLiteral("actionResults"));
        return list && list->count() > 0 ? list->item(0)->text() : QString();
    }
    /// Confirms @p action on the selected node through the real dialog.
    static bool confirm(
        cw::Application &app, cw::ContainerAction action, QString *dialogText = nullptr)
    {
        app.window()->confirmAction(action);
        QMessageBox *box = dialog(app, QStringLiteral("confirmActionDialog"));
        if (!box)
            return false;
        if (dialogText)
            *dialogText = box->text();
        box->button(QMessageBox::Yes)->click();
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_engine.start(), qPrintable(m_engine.errorString()));
        QVERIFY2(m_engine.buildImage(), qPrintable(m_engine.errorString()));
        // An n8n-looking container the cluster file does not name: listed as discovered.
        QVERIFY2(m_engine.runContainer(QStringLiteral("n8n-worker-9")),
            qPrintable(m_engine.errorString()));
        QVERIFY2(m_engine.runContainer(QStringLiteral("n8n-worker-1"),
                     { QStringLiteral("sh"), QStringLiteral("-c"),
                         QStringLiteral("echo 'n8n worker is now ready'; sleep 0.3; "
                                        "echo 'ERROR Redis unavailable' >&2; sleep 0.3; "
                                        "echo 'WARN lock renewal slow'") }),
            qPrintable(m_engine.errorString()));
        m_farm.addNode(QStringLiteral("n8n-main"), NodeFarm::Kind::Main);
        m_farm.addNode(QStringLiteral("n8n-worker-1"), NodeFarm::Kind::Worker);
        QVERIFY2(m_farm.start(), qPrintable(m_farm.errorString()));
        const auto url = [this](const char *n) {
            return m_farm.url(QString::fromLatin1(n)).toString().toUtf8();
        };
        m_clusterFile = cwtest::writeFile(m_dir, QStringLiteral("cluster.yaml"),
            "name: docker-test\npoll_interval: 500ms\ntimeouts: { connect: 1s, request: 2s }\n"
            "docker: { host: '"
                + m_engine.host().toUtf8()
                + "' }\n"
                  "nodes:\n"
                  "  - { name: n8n-main, role: main, url: "
                + url("n8n-main")
                + ", container: n8n-main-gone }\n"
                  "  - { name: n8n-worker-1, role: worker, url: "
                + url("n8n-worker-1") + ", container: n8n-worker-1 }\n");
        QVERIFY(!m_clusterFile.isEmpty());
    }

    void restartStopStartFromTheGui()
    {
        const QString auditPath = m_dir.filePath(QStringLiteral("audit.jsonl"));
        cw::SettingsStore settings(m_dir.filePath(QStringLiteral("settings.ini")));
        cw::Application app(&settings, auditPath);
        app.showWindow();
        QVERIFY(app.openClusterFile(m_clusterFile));
        const QString worker = QStringLiteral("n8n-worker-1");

        QTRY_VERIFY_WITH_TIMEOUT(
            tile(app, worker).value(3).startsWith(QStringLiteral("container running")), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(tile(app, worker).value(1), QStringLiteral("HEALTHY"), 5000);
        const QString dockerStatus
            = app.window()->findChild<QLabel *>(QStringLiteral("dockerStatus"))->text();
        QVERIFY2(dockerStatus.contains(m_engine.host())
                && dockerStatus.contains(QStringLiteral("API 1.41")),
            qPrintable(dockerStatus));
        const QString discovered
            = app.window()->findChild<QLabel *>(QStringLiteral("discoveredContainers"))->text();
        QVERIFY2(discovered.contains(QStringLiteral("n8n-worker-9"))
                && !discovered.contains(QStringLiteral("n8n-worker-1 ")),
            qPrintable(discovered));

        // The log of the selected node, filtered to ERROR like the seed's grep.
        app.window()->selectNode(worker);
        cw::LogPanel *logs = app.window()->logPanel();
        QTRY_VERIFY_WITH_TIMEOUT(logs->lines()->rowCount() >= 3, 10'000);
        QStringList shown;
        int errorRow = -1;
        for (int i = 0; i < logs->lines()->rowCount(); ++i) {
            shown << logs->lines()->index(i).data().toString();
            if (shown.last() == QStringLiteral("ERROR Redis unavailable"))
                errorRow = i;
        }
        // Each line once, in order (the tail and the followed stream must not overlap).
        QCOMPARE(shown.count(QStringLiteral("ERROR Redis unavailable")), 1);
        QVERIFY2(shown.indexOf(QStringLiteral("n8n worker is now ready")) < errorRow,
            qPrintable(shown.join(u'|')));
        logs->filtered()->setMinimumLevel(cw::LogLinesModel::Error);
        QCOMPARE(logs->filtered()->rowCount(), 1);
        logs->filtered()->setMinimumLevel(cw::LogLinesModel::Info);
        screenshot(app.window(), QStringLiteral("docker-before-restart.png"));

        // Record what the tile says while the restart happens.
        QStringList containerStates;
        connect(app.nodes(), &QAbstractItemModel::dataChanged, this, [&] {
            const QString state
                = nodeData(app, worker, cw::ClusterModel::ContainerStateRole).toString();
            if (containerStates.isEmpty() || containerStates.last() != state) {
                containerStates << state;
                if (state.startsWith(QStringLiteral("exited")))
                    screenshot(app.window(), QStringLiteral("docker-during-restart.png"));
            }
        });

        QString text;
        app.window()->confirmAction(cw::ContainerAction::Restart);
        QMessageBox *box = dialog(app, QStringLiteral("confirmActionDialog"));
        QVERIFY(box);
        QVERIFY2(box->text().contains(worker) && box->text().contains(m_engine.host()),
            qPrintable(box->text()));
        screenshot(box, QStringLiteral("docker-confirm-restart.png"));
        box->button(QMessageBox::Yes)->click();

        QTRY_VERIFY_WITH_TIMEOUT(
            latestResult(app).contains(QStringLiteral("  restart n8n-worker-1")), 20'000);
        QVERIFY2(
            latestResult(app).contains(QStringLiteral(": done")), qPrintable(latestResult(app)));
        QTRY_VERIFY_WITH_TIMEOUT(containerStates.contains(QStringLiteral("running"))
                && std::any_of(containerStates.cbegin(), containerStates.cend(),
                    [](const QString &s) { return s.startsWith(QStringLiteral("exited")); }),
            10'000);
        QTRY_COMPARE_WITH_TIMEOUT(tile(app, worker).value(1), QStringLiteral("HEALTHY"), 10'000);
        screenshot(app.window(), QStringLiteral("docker-after-restart.png"));

        // The audit trail on disk.
        const auto auditLines = [&] {
            QFile f(auditPath);
            return f.open(QIODevice::ReadOnly) ? f.readAll().count('\n') : 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(auditLines() >= 2, 5000);
        QFile audit(auditPath);
        QVERIFY(audit.open(QIODevice::ReadOnly));
        // First the intent, written before the request left, then the result with the same id.
        const QJsonObject intent = QJsonDocument::fromJson(audit.readLine()).object();
        QCOMPARE(intent.value(QStringLiteral("result")).toString(), QStringLiteral("requested"));
        QCOMPARE(intent.value(QStringLiteral("action")).toString(), QStringLiteral("restart"));
        const QJsonObject entry = QJsonDocument::fromJson(audit.readLine()).object();
        QCOMPARE(entry.value(QStringLiteral("action_id")).toString(),
            intent.value(QStringLiteral("action_id")).toString());
        QVERIFY(!entry.value(QStringLiteral("action_id")).toString().isEmpty());
        QCOMPARE(entry.value(QStringLiteral("action")).toString(), QStringLiteral("restart"));
        QCOMPARE(entry.value(QStringLiteral("container")).toString(), worker);
        QCOMPARE(entry.value(QStringLiteral("result")).toString(), QStringLiteral("done"));
        QCOMPARE(entry.value(QStringLiteral("docker_host")).toString(), m_engine.host());
        QVERIFY(!entry.value(QStringLiteral("user")).toString().isEmpty());

        // Start while running: 304, said so.
        QVERIFY(confirm(app, cw::ContainerAction::Start));
        QTRY_VERIFY_WITH_TIMEOUT(
            latestResult(app).contains(QStringLiteral("  start n8n-worker-1")), 10'000);
        QVERIFY2(latestResult(app).contains(QStringLiteral("already in that state")),
            qPrintable(latestResult(app)));

        // Stop: the node is down at once, by the die event; start brings it back.
        QVERIFY(confirm(app, cw::ContainerAction::Stop));
        QTRY_VERIFY_WITH_TIMEOUT(nodeData(app, worker, cw::ClusterModel::ContainerStateRole)
                                     .toString()
                                     .startsWith(QStringLiteral("exited")),
            15'000);
        QCOMPARE(tile(app, worker).value(1), QStringLiteral("DOWN"));
        QVERIFY2(tile(app, worker).value(4).startsWith(QStringLiteral("container exited")),
            qPrintable(tile(app, worker).join(u'|')));
        QTRY_VERIFY_WITH_TIMEOUT(
            latestResult(app).contains(QStringLiteral("  stop n8n-worker-1")), 15'000);
        QVERIFY(!app.actions()->isBusy(worker));
        QVERIFY(confirm(app, cw::ContainerAction::Start));
        QTRY_COMPARE_WITH_TIMEOUT(
            nodeData(app, worker, cw::ClusterModel::ContainerStateRole).toString(),
            QStringLiteral("running"), 15'000);

        // The restart-storm guard: a fourth restart within ten minutes needs an override.
        for (int i = 0; i < 2; ++i) {
            QTRY_VERIFY_WITH_TIMEOUT(!app.actions()->isBusy(worker), 15'000);
            QVERIFY(confirm(app, cw::ContainerAction::Restart));
            QTRY_VERIFY_WITH_TIMEOUT(!app.actions()->isBusy(worker), 15'000);
        }
        QVERIFY(confirm(app, cw::ContainerAction::Restart));
        QMessageBox *guard = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (guard = dialog(app, QStringLiteral("guardOverrideDialog"))) != nullptr, 5000);
        QVERIFY2(
            guard->text().contains(QStringLiteral("restarted 3 times")), qPrintable(guard->text()));
        screenshot(guard, QStringLiteral("docker-storm-guard.png"));
        guard->button(QMessageBox::Cancel)->click();
        QVERIFY(!app.actions()->isBusy(worker));

        // 404: the main's container does not exist.
        app.window()->selectNode(QStringLiteral("n8n-main"));
        QVERIFY(confirm(app, cw::ContainerAction::Restart));
        QTRY_VERIFY_WITH_TIMEOUT(
            latestResult(app).contains(QStringLiteral("n8n-main-gone")), 10'000);
        QVERIFY2(latestResult(app).contains(QStringLiteral("no such container")),
            qPrintable(latestResult(app)));

        // Every action is in the trail twice, intent and result: restart, start (304), stop, start,
        // restart ×2, restart (404). The refused fourth restart never left: not an action.
        QTRY_COMPARE_WITH_TIMEOUT(auditLines(), qsizetype(14), 5000);
    }

    /// The failover drills' faults, through the same controller and audit trail but not the
    /// menus: kill (SIGKILL, exit 137, no grace), pause (frozen: State.Paused), unpause, and what
    /// the engine answers when the container is not in the state the action expects.
    void killPauseUnpauseForDrills()
    {
        const QString auditPath = m_dir.filePath(QStringLiteral("audit-drill.jsonl"));
        cw::SettingsStore settings(m_dir.filePath(QStringLiteral("settings-drill.ini")));
        cw::Application app(&settings, auditPath);
        app.showWindow();
        QVERIFY(app.openClusterFile(m_clusterFile));
        const QString worker = QStringLiteral("n8n-worker-1");
        QTRY_VERIFY_WITH_TIMEOUT(app.window()
                                     ->findChild<QLabel *>(QStringLiteral("dockerStatus"))
                                     ->text()
                                     .contains(QStringLiteral("API 1.41")),
            10'000);
        QTRY_COMPARE_WITH_TIMEOUT(
            nodeData(app, worker, cw::ClusterModel::ContainerStateRole).toString(),
            QStringLiteral("running"), 10'000);

        QList<cw::ActionResult> results;
        connect(app.actions(), &cw::ActionController::actionFinished, this,
            [&results](const cw::ActionResult &result, const QString &) { results << result; });
        const auto act = [&](cw::ContainerAction action) -> std::optional<cw::ActionResult> {
            const qsizetype before = results.size();
            if (app.actions()->request(worker, worker, action)
                != cw::ActionController::Verdict::Sent)
                return std::nullopt;
            if (!QTest::qWaitFor([&] { return results.size() > before; }, 15'000))
                return std::nullopt;
            return results.last();
        };
        const auto inspect = [this, &worker] {
            QByteArray out;
            m_engine.docker({ QStringLiteral("inspect"), QStringLiteral("-f"),
                                QStringLiteral("{{.State.Status}} {{.State.Paused}} "
                                               "{{.State.ExitCode}}"),
                                worker },
                &out);
            return QString::fromUtf8(out.trimmed());
        };
        const auto check = [](const std::optional<cw::ActionResult> &result,
                               cw::ActionOutcome outcome, const QString &message) {
            return result && result->outcome == outcome && result->message.contains(message);
        };
        const auto describe = [](const std::optional<cw::ActionResult> &result) -> QByteArray {
            return result
                ? (cw::toString(result->outcome) + QStringLiteral(" — ") + result->message).toUtf8()
                : QByteArrayLiteral("no result");
        };

        // Pause: frozen with its sockets open; the tile follows the engine's pause event.
        std::optional<cw::ActionResult> r = act(cw::ContainerAction::Pause);
        QVERIFY2(check(r, cw::ActionOutcome::Done, QStringLiteral("n8n-worker-1 paused")),
            describe(r).constData());
        QCOMPARE(inspect(), QStringLiteral("paused true 0"));
        QTRY_COMPARE_WITH_TIMEOUT(
            nodeData(app, worker, cw::ClusterModel::ContainerStateRole).toString(),
            QStringLiteral("paused"), 10'000);
        // Paused again: the engine's 409 "already paused" is no failure.
        r = act(cw::ContainerAction::Pause);
        QVERIFY2(check(r, cw::ActionOutcome::AlreadyInState,
                     QStringLiteral("n8n-worker-1 is already paused")),
            describe(r).constData());

        r = act(cw::ContainerAction::Unpause);
        QVERIFY2(check(r, cw::ActionOutcome::Done, QStringLiteral("n8n-worker-1 unpaused")),
            describe(r).constData());
        QCOMPARE(inspect(), QStringLiteral("running false 0"));
        QTRY_COMPARE_WITH_TIMEOUT(
            nodeData(app, worker, cw::ClusterModel::ContainerStateRole).toString(),
            QStringLiteral("running"), 10'000);
        // Unpausing a running container: the engine answers 500 "is not paused".
        r = act(cw::ContainerAction::Unpause);
        QVERIFY2(check(r, cw::ActionOutcome::AlreadyInState,
                     QStringLiteral("n8n-worker-1 is not paused")),
            describe(r).constData());

        // Kill: SIGKILL at once (137). The engine counts it as a manual stop, so the
        // unless-stopped policy does not bring the container back: a drill must start it.
        r = act(cw::ContainerAction::Kill);
        QVERIFY2(check(r, cw::ActionOutcome::Done, QStringLiteral("n8n-worker-1 killed")),
            describe(r).constData());
        QVERIFY2(r->finishedMs - r->startedMs < 5000, describe(r).constData());
        QCOMPARE(inspect(), QStringLiteral("exited false 137"));
        QTRY_VERIFY_WITH_TIMEOUT(nodeData(app, worker, cw::ClusterModel::ContainerStateRole)
                                     .toString()
                                     .startsWith(QStringLiteral("exited")),
            10'000);
        QTest::qWait(1000);
        QCOMPARE(inspect(), QStringLiteral("exited false 137"));

        // Pausing a stopped container fails with the engine's own words.
        r = act(cw::ContainerAction::Pause);
        QVERIFY2(check(r, cw::ActionOutcome::Failed, QStringLiteral("is not running")),
            describe(r).constData());

        r = act(cw::ContainerAction::Start);
        QVERIFY2(check(r, cw::ActionOutcome::Done, QStringLiteral("n8n-worker-1 started")),
            describe(r).constData());
        QCOMPARE(inspect(), QStringLiteral("running false 0"));

        // The trail: intent then result for each of the seven actions, in order. Only stop and
        // restart wait a grace period; these intents say none.
        const QList<QPair<QString, QString>> expected = {
            { QStringLiteral("pause"), QStringLiteral("done") },
            { QStringLiteral("pause"), QStringLiteral("already in that state") },
            { QStringLiteral("unpause"), QStringLiteral("done") },
            { QStringLiteral("unpause"), QStringLiteral("already in that state") },
            { QStringLiteral("kill"), QStringLiteral("done") },
            { QStringLiteral("pause"), QStringLiteral("failed") },
            { QStringLiteral("start"), QStringLiteral("done") },
        };
        QList<QJsonObject> lines;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                lines.clear();
                QFile f(auditPath);
                if (!f.open(QIODevice::ReadOnly))
                    return false;
                while (!f.atEnd())
                    lines << QJsonDocument::fromJson(f.readLine()).object();
                return lines.size() >= 2 * expected.size();
            }(),
            5000);
        QCOMPARE(lines.size(), 2 * expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const QJsonObject &intent = lines.at(2 * i);
            const QJsonObject &entry = lines.at(2 * i + 1);
            const QString at = QStringLiteral("action %1").arg(i);
            QCOMPARE(intent.value(QStringLiteral("action")).toString(), expected.at(i).first);
            QCOMPARE(
                intent.value(QStringLiteral("result")).toString(), QStringLiteral("requested"));
            QCOMPARE(intent.value(QStringLiteral("message")).toString(),
                QStringLiteral("sent to the engine"));
            QCOMPARE(entry.value(QStringLiteral("action_id")).toString(),
                intent.value(QStringLiteral("action_id")).toString());
            QCOMPARE(entry.value(QStringLiteral("action")).toString(), expected.at(i).first);
            QVERIFY2(entry.value(QStringLiteral("result")).toString() == expected.at(i).second,
                qPrintable(
                    at + QStringLiteral(": ") + QString::fromUtf8(QJsonDocument(entry).toJson())));
            QCOMPARE(entry.value(QStringLiteral("container")).toString(), worker);
            QCOMPARE(entry.value(QStringLiteral("docker_host")).toString(), m_engine.host());
        }
        QVERIFY2(lines.at(11)
                     .value(QStringLiteral("message"))
                     .toString()
                     .contains(QStringLiteral("is not running")),
            QJsonDocument(lines.at(11)).toJson().constData());
        QVERIFY(latestResult(app).contains(QStringLiteral("  start n8n-worker-1")));
    }

    void missingSocketKeepsMonitoring()
    {
        const QString file = cwtest::writeFile(m_dir, QStringLiteral("nosocket.yaml"),
            "name: no-docker\npoll_interval: 500ms\ndocker: { host: 'unix://"
                + m_dir.filePath(QStringLiteral("missing.sock")).toUtf8()
                + "' }\n"
                  "nodes:\n  - { name: n8n-main, role: main, url: "
                + m_farm.url(QStringLiteral("n8n-main")).toString().toUtf8()
                + ", container: n8n-main }\n");
        cw::SettingsStore settings(m_dir.filePath(QStringLiteral("settings2.ini")));
        cw::Application app(&settings, m_dir.filePath(QStringLiteral("audit2.jsonl")));
        app.showWindow();
        QVERIFY(app.openClusterFile(file));
        auto *status = app.window()->findChild<QLabel *>(QStringLiteral("dockerStatus"));
        QTRY_VERIFY_WITH_TIMEOUT(
            status->text().contains(QStringLiteral("Docker not reachable at unix://")), 10'000);
        QTRY_COMPARE_WITH_TIMEOUT(
            tile(app, QStringLiteral("n8n-main")).value(1), QStringLiteral("HEALTHY"), 10'000);
        screenshot(app.window(), QStringLiteral("docker-socket-missing.png"));
    }
};

QTEST_MAIN(TestDockerActions)
#include "tst_dockeractions.moc"
