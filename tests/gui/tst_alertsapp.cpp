// Alerting end to end in the real application: nginx n8n-shaped nodes polled by the real
// collectors, the rule engine, the SQLite history and the webhook notifier. A worker that stops
// answering raises node_down within its rule's time; a real local webhook receiver gets exactly
// one message for it; the alert is in the history after the application is started again.
#include "NodeFarm.h"
#include "TestSupport.h"
#include "WebhookReceiver.h"
#include "app/Application.h"
#include "models/items/ActiveAlertsModel.h"
#include "models/items/AlertHistoryModel.h"
#include "services/alerts/AlertEngine.h"
#include "services/config/SettingsStore.h"
#include "views/MainWindow.h"
#include "views/alerts/AlertsPanel.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

using namespace cw;

// nginx n8n nodes (main and workers) and a cluster file for them: node_down with the given timing,
// readiness and no-worker rules off (a failing health check is the one symptom here), and the
// given webhooks.
struct LocalCluster {
    cwtest::NodeFarm farm;
    QTemporaryDir dir;
    QString file;
    QString error;

    bool start(const QByteArray &name, int workers, const QByteArray &nodeDown,
        const QByteArray &webhooks, const QByteArray &groupWindow)
    {
        QByteArray yaml = "name: " + name + "\npoll_interval: 250ms\nnodes:\n";
        QStringList names { QStringLiteral("n8n-main") };
        for (int i = 1; i <= workers; ++i)
            names << QStringLiteral("n8n-worker-%1").arg(i);
        for (const QString &node : names) {
            const bool main = node == names.constFirst();
            farm.addNode(node, main ? cwtest::NodeFarm::Kind::Main : cwtest::NodeFarm::Kind::Worker,
                cwtest::NodeFarm::CaptureSet::UnderLoad);
        }
        if (!farm.start()) {
            error = farm.errorString();
            return false;
        }
        for (const QString &node : names) {
            yaml += "  - { name: " + node.toUtf8()
                + ", role: " + (node == names.constFirst() ? "main" : "worker")
                + ", url: " + farm.url(node).toString().toUtf8() + " }\n";
        }
        yaml += "alerts:\n  rules:\n    node_down: " + nodeDown
            + "\n"
              "    readiness_failing: { enabled: false }\n    no_worker: { enabled: false }\n"
              "  webhooks:\n"
            + webhooks + "  group_window: " + groupWindow + "\n";
        file = cwtest::writeFile(dir, QStringLiteral("cluster.yaml"), yaml);
        return !file.isEmpty();
    }
    QString path(const char *name) const { return dir.filePath(QLatin1String(name)); }
};

class TestAlertsApp : public QObject {
    Q_OBJECT
private:
    static QList<AlertTransition> rows(
        const AlertHistoryModel *model, const QString &rule, const QString &subject)
    {
        QList<AlertTransition> found;
        for (int r = 0; r < model->rowCount(); ++r) {
            const auto t = model->index(r, 0)
                               .data(AlertHistoryModel::TransitionRole)
                               .value<AlertTransition>();
            if (t.rule == rule && t.subject == subject)
                found.append(t);
        }
        return found;
    }

    // The notification status of the newest row about (rule, subject); paging does not wait
    // for the history, so the row may not be stored yet when the message has left.
    static QString latestNotify(
        const AlertHistoryModel *model, const QString &rule, const QString &subject)
    {
        const QList<AlertTransition> found = rows(model, rule, subject);
        return found.isEmpty() ? QStringLiteral("(not stored yet)")
                               : toString(found.constFirst().notify);
    }

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void workerDownIsPagedOnceAndKept()
    {
        cwtest::WebhookReceiver receiver;
        QVERIFY(receiver.listening());
        const QByteArray secretPath = "/hooks/T0K3N-very-secret";
        qputenv(
            "CW_TEST_WEBHOOK", receiver.url(QString::fromLatin1(secretPath)).toString().toUtf8());
        LocalCluster c;
        QVERIFY2(c.start("alerts-e2e", 1, "{ for: 2s, recovery_hold: 1s }",
                     "    - { name: ops, kind: json, url: \"${CW_TEST_WEBHOOK}\" }\n", "500ms"),
            qPrintable(c.error));
        cwtest::NodeFarm &farm = c.farm;
        const QString file = c.file;
        const QString audit = c.path("audit.jsonl");
        const QString worker = QStringLiteral("n8n-worker-1");
        qint64 firingId = 0;
        {
            SettingsStore settings(c.path("settings.ini"));
            Application app(&settings, audit);
            app.showWindow();
            QVERIFY(app.openClusterFile(file));
            QTest::qWait(1500); // healthy polls: nothing to say
            QCOMPARE(receiver.requestCount(), 0);

            QElapsedTimer down;
            down.start();
            farm.setHealthFailing(worker, true);
            QTRY_VERIFY_WITH_TIMEOUT(
                !rows(app.alertHistory(), QStringLiteral("node_down"), worker).isEmpty(), 10'000);
            const qint64 firedAfter = down.elapsed();
            // Its for-duration (2 s) holds it back, and it comes within a poll or two after that.
            QVERIFY2(
                firedAfter >= 2000 && firedAfter <= 4500, qPrintable(QString::number(firedAfter)));
            const AlertTransition firing
                = rows(app.alertHistory(), QStringLiteral("node_down"), worker).constFirst();
            QCOMPARE(toString(firing.state), toString(AlertState::Firing));
            QCOMPARE(toString(firing.severity), toString(Severity::Critical));
            QVERIFY(firing.id > 0); // committed to the file before it was shown
            QVERIFY2(firing.summary.contains(worker), qPrintable(firing.summary));
            firingId = firing.id;

            // On screen: the header counts it, the alerts page lists it.
            QTRY_COMPARE_WITH_TIMEOUT(
                app.window()->findChild<QLabel *>(QStringLiteral("alertSummary"))->text(),
                QStringLiteral("⚠ 1 critical firing"), 3000);
            const ActiveAlertsModel *active = app.alertsPanel()->activeModel();
            QCOMPARE(active->rowCount(), 1);
            QCOMPARE(active->index(0, 0)
                         .data(ActiveAlertsModel::TransitionRole)
                         .value<AlertTransition>()
                         .key(),
                QStringLiteral("node_down/n8n-worker-1"));
            if (const QByteArray dir = qgetenv("CW_SCREENSHOT_DIR"); !dir.isEmpty())
                app.window()->grab().save(
                    QString::fromLocal8Bit(dir) + QStringLiteral("/alerts-app-firing.png"));

            // Exactly one message, naming the alert; marked sent in the history.
            QTRY_COMPARE_WITH_TIMEOUT(receiver.requestCount(), 1, 5000);
            const cwtest::WebhookReceiver::Request request = receiver.requests().constFirst();
            QCOMPARE(request.path, secretPath);
            const QJsonObject body = QJsonDocument::fromJson(request.body).object();
            QCOMPARE(
                body.value(QStringLiteral("cluster")).toString(), QStringLiteral("alerts-e2e"));
            const QJsonArray alerts = body.value(QStringLiteral("alerts")).toArray();
            QCOMPARE(alerts.size(), 1);
            QCOMPARE(alerts.at(0).toObject().value(QStringLiteral("rule")).toString(),
                QStringLiteral("node_down"));
            QCOMPARE(alerts.at(0).toObject().value(QStringLiteral("subject")).toString(), worker);
            QTRY_COMPARE_WITH_TIMEOUT(
                latestNotify(app.alertHistory(), QStringLiteral("node_down"), worker),
                toString(NotifyStatus::Sent), 5000);
            QTest::qWait(1500);
            QCOMPARE(receiver.requestCount(), 1); // still down: no repeat

            // Back: resolved after the hold, one more message.
            farm.setHealthFailing(worker, false);
            QTRY_VERIFY_WITH_TIMEOUT(
                rows(app.alertHistory(), QStringLiteral("node_down"), worker).size() == 2, 10'000);
            QCOMPARE(toString(rows(app.alertHistory(), QStringLiteral("node_down"), worker)
                                  .constFirst()
                                  .state),
                toString(AlertState::Resolved));
            QTRY_COMPARE_WITH_TIMEOUT(receiver.requestCount(), 2, 5000);
            QTRY_VERIFY(app.window()
                            ->findChild<QLabel *>(QStringLiteral("alertSummary"))
                            ->text()
                            .isEmpty());
            QCOMPARE(active->rowCount(), 0);
        }

        // A new run of the application reads the history back from disk.
        SettingsStore settings(c.path("settings.ini"));
        Application again(&settings, audit);
        QTRY_VERIFY_WITH_TIMEOUT(
            rows(again.alertHistory(), QStringLiteral("node_down"), worker).size() == 2, 5000);
        const QList<AlertTransition> kept
            = rows(again.alertHistory(), QStringLiteral("node_down"), worker);
        QCOMPARE(kept.constLast().id, firingId);
        QCOMPARE(toString(kept.constLast().state), toString(AlertState::Firing));
        QCOMPARE(toString(kept.constLast().notify), toString(NotifyStatus::Sent));
        QCOMPARE(toString(kept.constFirst().state), toString(AlertState::Resolved));
    }

    // An alert that was firing when the application stopped is not paged again when it starts:
    // it continues, and its resolution is the next message.
    void restartWhileFiringDoesNotPageAgain()
    {
        cwtest::WebhookReceiver receiver;
        qputenv("CW_TEST_WEBHOOK", receiver.url(QStringLiteral("/hook")).toString().toUtf8());
        LocalCluster c;
        QVERIFY2(c.start("restart", 1, "{ for: 1s, recovery_hold: 1s }",
                     "    - { name: ops, kind: json, url: \"${CW_TEST_WEBHOOK}\" }\n", "0"),
            qPrintable(c.error));
        cwtest::NodeFarm &farm = c.farm;
        const QString file = c.file;
        QTemporaryDir &dir = c.dir;
        const QString audit = dir.filePath(QStringLiteral("audit.jsonl"));
        const QString worker = QStringLiteral("n8n-worker-1");
        farm.setHealthFailing(worker, true);
        {
            SettingsStore settings(dir.filePath(QStringLiteral("settings.ini")));
            Application app(&settings, audit);
            QVERIFY(app.openClusterFile(file));
            QTRY_COMPARE_WITH_TIMEOUT(receiver.requestCount(), 1, 8000);
        }
        SettingsStore settings(dir.filePath(QStringLiteral("settings.ini")));
        Application again(&settings, audit);
        QVERIFY(again.openClusterFile(file));
        QTRY_VERIFY_WITH_TIMEOUT(
            again.alerts()->activeAlert(QStringLiteral("node_down"), worker).has_value(), 5000);
        QCOMPARE(toString(again.alerts()->activeAlert(QStringLiteral("node_down"), worker)->state),
            toString(AlertState::Firing));
        QTest::qWait(3000); // three times its for-duration, still down
        QCOMPARE(receiver.requestCount(), 1);
        QCOMPARE(rows(again.alertHistory(), QStringLiteral("node_down"), worker).size(), 1);

        farm.setHealthFailing(worker, false);
        QTRY_COMPARE_WITH_TIMEOUT(receiver.requestCount(), 2, 8000);
        const QJsonObject body
            = QJsonDocument::fromJson(receiver.requests().constLast().body).object();
        QCOMPARE(body.value(QStringLiteral("alerts"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("state"))
                     .toString(),
            QStringLiteral("resolved"));
        QTRY_COMPARE(rows(again.alertHistory(), QStringLiteral("node_down"), worker).size(), 2);
    }

    // A silenced alert is kept in the history, marked silenced and not sent; an alert whose
    // webhook keeps failing is kept too, marked failed with the reason (not the URL).
    void silencedAndUndeliverable()
    {
        cwtest::WebhookReceiver receiver;
        receiver.failThenOk(1000, 500);
        qputenv("CW_TEST_WEBHOOK",
            receiver.url(QStringLiteral("/secret-hook-path")).toString().toUtf8());
        LocalCluster c;
        QVERIFY2(c.start("silence", 2, "{ for: 1s, recovery_hold: 1s }",
                     "    - { name: ops, kind: json, url: \"${CW_TEST_WEBHOOK}\" }\n", "0"),
            qPrintable(c.error));
        cwtest::NodeFarm &farm = c.farm;
        const QString file = c.file;
        QTemporaryDir &dir = c.dir;
        SettingsStore settings(dir.filePath(QStringLiteral("settings.ini")));
        Application app(&settings, dir.filePath(QStringLiteral("audit.jsonl")));
        QVERIFY(app.openClusterFile(file));

        // Silence worker-1's node_down for an hour, as the alerts page asks for it.
        Silence silence;
        silence.rule = QStringLiteral("node_down");
        silence.subject = QStringLiteral("n8n-worker-1");
        silence.createdMs = QDateTime::currentMSecsSinceEpoch();
        silence.untilMs = silence.createdMs + 3'600'000;
        silence.comment = QStringLiteral("maintenance");
        Q_EMIT app.alertsPanel()->silenceRequested(silence);
        QTest::qWait(500);

        farm.setHealthFailing(QStringLiteral("n8n-worker-1"), true);
        farm.setHealthFailing(QStringLiteral("n8n-worker-2"), true);
        QTRY_VERIFY_WITH_TIMEOUT(
            !rows(app.alertHistory(), QStringLiteral("node_down"), QStringLiteral("n8n-worker-1"))
                 .isEmpty(),
            8000);
        QTRY_COMPARE_WITH_TIMEOUT(latestNotify(app.alertHistory(), QStringLiteral("node_down"),
                                      QStringLiteral("n8n-worker-1")),
            toString(NotifyStatus::Silenced), 3000);
        // worker-2: four attempts (1 s, 2 s, 4 s apart), all answered 500, then marked failed.
        QTRY_COMPARE_WITH_TIMEOUT(latestNotify(app.alertHistory(), QStringLiteral("node_down"),
                                      QStringLiteral("n8n-worker-2")),
            toString(NotifyStatus::Failed), 20'000);
        const AlertTransition failed
            = rows(app.alertHistory(), QStringLiteral("node_down"), QStringLiteral("n8n-worker-2"))
                  .constFirst();
        QVERIFY2(failed.notifyError.contains(QStringLiteral("HTTP 500")),
            qPrintable(failed.notifyError));
        QVERIFY2(!failed.notifyError.contains(QStringLiteral("secret-hook-path")),
            qPrintable(failed.notifyError));
        // Only worker-2's alert was ever sent.
        for (const cwtest::WebhookReceiver::Request &request : receiver.requests())
            QVERIFY(!request.body.contains("n8n-worker-1"));
        QCOMPARE(receiver.requestCount(), 4);
    }

    // Two webhooks, one failing for good: the row is "sent" once the other took it, and the
    // failing one's final failure does not turn it into "failed".
    void oneOfTwoWebhooksFailing()
    {
        cwtest::WebhookReceiver broken;
        broken.failThenOk(1000, 500);
        cwtest::WebhookReceiver working;
        qputenv("CW_TEST_WEBHOOK_A", broken.url(QStringLiteral("/a")).toString().toUtf8());
        qputenv("CW_TEST_WEBHOOK_B", working.url(QStringLiteral("/b")).toString().toUtf8());
        LocalCluster c;
        QVERIFY2(c.start("two-hooks", 1, "{ for: 1s, recovery_hold: 1s }",
                     "    - { name: broken, kind: json, url: \"${CW_TEST_WEBHOOK_A}\" }\n"
                     "    - { name: working, kind: slack, url: \"${CW_TEST_WEBHOOK_B}\" }\n",
                     "0"),
            qPrintable(c.error));
        cwtest::NodeFarm &farm = c.farm;
        const QString file = c.file;
        QTemporaryDir &dir = c.dir;
        SettingsStore settings(dir.filePath(QStringLiteral("settings.ini")));
        Application app(&settings, dir.filePath(QStringLiteral("audit.jsonl")));
        QVERIFY(app.openClusterFile(file));
        const QString worker = QStringLiteral("n8n-worker-1");
        farm.setHealthFailing(worker, true);
        const auto status
            = [&] { return latestNotify(app.alertHistory(), QStringLiteral("node_down"), worker); };
        QTRY_COMPARE_WITH_TIMEOUT(working.requestCount(), 1, 8000);
        QTRY_COMPARE_WITH_TIMEOUT(status(), toString(NotifyStatus::Sent), 3000);
        QTRY_COMPARE_WITH_TIMEOUT(broken.requestCount(), 4, 15'000); // its retries run out
        QTest::qWait(500);
        QCOMPARE(status(), toString(NotifyStatus::Sent));
    }
};

QTEST_MAIN(TestAlertsApp)
#include "tst_alertsapp.moc"
