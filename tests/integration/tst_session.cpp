// The cluster session without any window, against real servers started here (nginx n8n-shaped
// nodes, a real HTTP webhook receiver): paging does not wait for the alert history, and webhook
// messages that could not be delivered go out when the receiver is back, also after a restart.
#include "NodeFarm.h"
#include "TestSupport.h"
#include "WebhookReceiver.h"
#include "models/state/ClusterState.h"
#include "services/alerts/AlertEngine.h"
#include "services/config/ConfigLoader.h"
#include "services/history/AlertHistory.h"
#include "services/session/ClusterSession.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cw;

namespace {

const QString kWorker = QStringLiteral("n8n-worker-1");

DeliveryPolicy quickPolicy()
{
    DeliveryPolicy policy;
    policy.maxAttempts = 2;
    policy.firstRetry = Millis(100);
    policy.maxRetry = Millis(200);
    policy.connectTimeout = Millis(1000);
    policy.requestTimeout = Millis(2000);
    return policy;
}

} // namespace

class TestSession : public QObject {
    Q_OBJECT

    cwtest::NodeFarm m_farm;
    QTemporaryDir m_dir;

    ClusterConfig cluster(const cwtest::WebhookReceiver &receiver)
    {
        // Webhook URLs are secrets: the cluster file names a variable.
        qputenv("CW_SESSION_WEBHOOK", receiver.url(QStringLiteral("/hook")).toString().toUtf8());
        const QByteArray yaml = "name: session-test\npoll_interval: 250ms\nnodes:\n"
                                "  - { name: n8n-main, role: main, url: \""
            + m_farm.url(QStringLiteral("n8n-main")).toString().toUtf8()
            + "\" }\n"
              "  - { name: n8n-worker-1, role: worker, url: \""
            + m_farm.url(kWorker).toString().toUtf8()
            + "\" }\n"
              "alerts:\n  rules:\n    node_down: { for: 500ms, recovery_hold: 500ms }\n"
              "    readiness_failing: { enabled: false }\n    no_worker: { enabled: false }\n"
              "  group_window: 0\n  webhooks:\n"
              "    - { name: ops, kind: json, url: \"${CW_SESSION_WEBHOOK}\" }\n";
        Result<ClusterConfig> config
            = parseClusterConfig(yaml, QStringLiteral("session.yaml"), systemEnvironment());
        if (!config)
            qFatal("%s", qPrintable(config.error()));
        return config.value();
    }

    SessionOptions options(const QString &historyPath)
    {
        SessionOptions o;
        o.auditPath = m_dir.filePath(QStringLiteral("audit.jsonl"));
        o.alertHistoryPath = historyPath;
        o.delivery = quickPolicy();
        o.redeliverEvery = std::chrono::milliseconds(500);
        return o;
    }

    static QList<AlertTransition> historyRows(ClusterSession &session)
    {
        QSignalSpy answered(&session, &ClusterSession::queryFinished);
        HistoryQuery all;
        all.limit = 0;
        const quint64 id = session.queryHistory(all);
        for (int i = 0; i < 50; ++i) {
            for (const QList<QVariant> &args : std::as_const(answered)) {
                if (args.at(0).toULongLong() == id)
                    return args.at(1).value<QList<AlertTransition>>();
            }
            answered.wait(100);
        }
        return {};
    }

    static int messagesAbout(const cwtest::WebhookReceiver &receiver, const QString &state)
    {
        int count = 0;
        for (const auto &request : receiver.requests()) {
            const QJsonArray alerts = QJsonDocument::fromJson(request.body)
                                          .object()
                                          .value(QStringLiteral("alerts"))
                                          .toArray();
            for (const QJsonValue &alert : alerts) {
                if (alert.toObject().value(QStringLiteral("subject")).toString() == kWorker
                    && alert.toObject().value(QStringLiteral("state")).toString() == state)
                    ++count;
            }
        }
        return count;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_farm.addNode(QStringLiteral("n8n-main"), cwtest::NodeFarm::Kind::Main);
        m_farm.addNode(kWorker, cwtest::NodeFarm::Kind::Worker);
        QVERIFY2(m_farm.start(), qPrintable(m_farm.errorString()));
    }

    void cleanup() { m_farm.setHealthFailing(kWorker, false); }

    void pagingDoesNotWaitForTheHistory()
    {
        // The history cannot be written (its folder is a file: as a full or read-only disk, every
        // commit fails). The alert is still paged and shown, and the failure is said once.
        cwtest::WebhookReceiver receiver;
        QFile blocker(m_dir.filePath(QStringLiteral("not-a-folder")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        ClusterSession session(
            options(m_dir.filePath(QStringLiteral("not-a-folder/alerts.sqlite"))));
        QSignalSpy failing(&session, &ClusterSession::historyFailing);
        QSignalSpy raised(&session, &ClusterSession::alertRaised);
        QSignalSpy stored(&session, &ClusterSession::alertStored);
        session.open(cluster(receiver));
        QTRY_VERIFY_WITH_TIMEOUT(session.everySourceAnswered(), 5000);

        m_farm.setHealthFailing(kWorker, true);
        QTRY_COMPARE_WITH_TIMEOUT(messagesAbout(receiver, QStringLiteral("firing")), 1, 8000);
        QVERIFY(session.alerts()->activeAlert(QStringLiteral("node_down"), kWorker).has_value());
        QVERIFY(!raised.isEmpty());
        m_farm.setHealthFailing(kWorker, false);
        QTRY_COMPARE_WITH_TIMEOUT(messagesAbout(receiver, QStringLiteral("resolved")), 1, 8000);

        QCOMPARE(stored.count(), 0); // nothing could be committed...
        QCOMPARE(failing.count(), 1); // ...and that was said once, not per failed write
        QVERIFY2(failing.at(0).at(0).toString().contains(QLatin1String("not-a-folder")),
            qPrintable(failing.at(0).at(0).toString()));
    }

    void undeliveredMessagesGoOutWhenTheReceiverIsBack()
    {
        cwtest::WebhookReceiver receiver;
        receiver.setDefaultAnswer({ 404, "no such hook", {}, std::chrono::milliseconds(0), false });
        ClusterSession session(options(m_dir.filePath(QStringLiteral("back.sqlite"))));
        session.open(cluster(receiver));
        QTRY_VERIFY_WITH_TIMEOUT(session.everySourceAnswered(), 5000);
        m_farm.setHealthFailing(kWorker, true);
        QTRY_COMPARE_WITH_TIMEOUT(session.undeliveredMessages(), 1, 8000);
        QTRY_VERIFY_WITH_TIMEOUT(!historyRows(session).isEmpty()
                && historyRows(session).constFirst().notify == NotifyStatus::Failed,
            5000);

        receiver.answerOk(); // the receiver is fixed
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto rows = historyRows(session);
                return !rows.isEmpty() && rows.constFirst().notify == NotifyStatus::Sent;
            }(),
            8000);
        QCOMPARE(session.undeliveredMessages(), 0);
        QVERIFY(messagesAbout(receiver, QStringLiteral("firing"))
            >= 2); // the failed try and the good one
    }

    void deliveredJustBeforeQuitIsNotPagedAgain()
    {
        // The app quits the moment the receiver took the message: its outcome is still recorded,
        // so the next start does not page it again.
        cwtest::WebhookReceiver receiver;
        const QString history = m_dir.filePath(QStringLiteral("quit.sqlite"));
        {
            ClusterSession session(options(history));
            session.open(cluster(receiver));
            QTRY_VERIFY_WITH_TIMEOUT(session.everySourceAnswered(), 5000);
            m_farm.setHealthFailing(kWorker, true);
            while (receiver.requestCount() == 0)
                QTest::qWait(1);
        } // quit now
        ClusterSession again(options(history));
        again.open(cluster(receiver));
        QTest::qWait(1500); // three redelivery rounds
        QCOMPARE(receiver.requestCount(), 1);
        const QList<AlertTransition> rows = historyRows(again);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(toString(rows.constFirst().notify), toString(NotifyStatus::Sent));
    }

    void undeliveredMessagesGoOutAfterARestart()
    {
        cwtest::WebhookReceiver receiver;
        receiver.setDefaultAnswer({ 404, "no such hook", {}, std::chrono::milliseconds(0), false });
        const QString history = m_dir.filePath(QStringLiteral("restart.sqlite"));
        SessionOptions slow = options(history);
        slow.redeliverEvery = std::chrono::hours(1); // this run gives up
        {
            ClusterSession session(slow);
            session.open(cluster(receiver));
            QTRY_VERIFY_WITH_TIMEOUT(session.everySourceAnswered(), 5000);
            m_farm.setHealthFailing(kWorker, true);
            QTRY_VERIFY_WITH_TIMEOUT(
                [&] {
                    const auto rows = historyRows(session);
                    return !rows.isEmpty() && rows.constFirst().notify == NotifyStatus::Failed;
                }(),
                8000);
        }
        receiver.clearRequests();
        receiver.answerOk();
        ClusterSession again(slow);
        again.open(cluster(receiver));
        QTRY_COMPARE_WITH_TIMEOUT(messagesAbout(receiver, QStringLiteral("firing")), 1, 8000);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto rows = historyRows(again);
                return rows.size() == 1 && rows.constFirst().notify == NotifyStatus::Sent;
            }(),
            5000);
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
