// The delivery ledger: webhook outcomes reach the history row whether it is committed before
// or after the answer, several targets count as one "sent", and failed messages come back for
// another try until they are too old.
#include "services/session/DeliveryLedger.h"

#include <QTest>

using namespace cw;

namespace {

AlertTransition alert(const char *subject, qint64 timeMs, AlertState state = AlertState::Firing)
{
    AlertTransition t;
    t.rule = QStringLiteral("node_down");
    t.subject = QLatin1String(subject);
    t.timeMs = timeMs;
    t.state = state;
    t.severity = Severity::Critical;
    return t;
}

} // namespace

class TestDeliveryLedger : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void outcomeBeforeTheCommitWaitsForTheRow()
    {
        DeliveryLedger ledger;
        const AlertTransition t = alert("worker-1", 1000);
        const AlertTransition sent = ledger.track(t, 1);
        QVERIFY(sent.id < 0); // a reference, never a row id
        const auto decided = ledger.outcome(sent.id, true, QString());
        QVERIFY(decided);
        QCOMPARE(decided->rowId, 0); // the row is not committed yet
        QCOMPARE(toString(decided->status), toString(NotifyStatus::Sent));
        AlertTransition stored = t;
        stored.id = 42;
        const auto write = ledger.stored(stored);
        QVERIFY(write);
        QCOMPARE(write->rowId, 42);
        QCOMPARE(toString(write->status), toString(NotifyStatus::Sent));
        QVERIFY(!ledger.stored(stored)); // written once
    }

    void commitBeforeTheOutcomeNamesTheRow()
    {
        DeliveryLedger ledger;
        const AlertTransition t = alert("worker-1", 1000);
        const AlertTransition sent = ledger.track(t, 1);
        AlertTransition stored = t;
        stored.id = 7;
        QVERIFY(!ledger.stored(stored));
        const auto decided = ledger.outcome(
            sent.id, false, QStringLiteral("webhook 'ops': HTTP 500 after 4 attempts"));
        QVERIFY(decided);
        QCOMPARE(decided->rowId, 7);
        QCOMPARE(toString(decided->status), toString(NotifyStatus::Failed));
        QCOMPARE(decided->error, QStringLiteral("webhook 'ops': HTTP 500 after 4 attempts"));
        QCOMPARE(ledger.undelivered(), 1);
    }

    void oneTargetTakingItIsSent()
    {
        DeliveryLedger ledger;
        const AlertTransition sent = ledger.track(alert("redis", 5), 2, 9);
        const auto first
            = ledger.outcome(sent.id, false, QStringLiteral("webhook 'a': connection refused"));
        QVERIFY(!first); // the other target has not answered
        const auto second = ledger.outcome(sent.id, true, QString());
        QVERIFY(second);
        QCOMPARE(toString(second->status), toString(NotifyStatus::Sent));
        QCOMPARE(second->rowId, 9);
        QCOMPARE(ledger.undelivered(), 0);
        QCOMPARE(ledger.inFlight(), 0);

        const AlertTransition both = ledger.track(alert("redis", 6), 2, 10);
        QVERIFY(!ledger.outcome(both.id, false, QStringLiteral("webhook 'a': timeout")));
        const auto failed = ledger.outcome(both.id, false, QStringLiteral("webhook 'b': HTTP 503"));
        QVERIFY(failed);
        QCOMPARE(toString(failed->status), toString(NotifyStatus::Failed));
        QCOMPARE(failed->error, QStringLiteral("webhook 'a': timeout; webhook 'b': HTTP 503"));
    }

    void failedMessagesAreTriedAgainUntilTooOld()
    {
        DeliveryLedger ledger;
        const AlertTransition recent = ledger.track(alert("worker-1", 100'000), 1, 1);
        const AlertTransition old = ledger.track(alert("worker-2", 1'000), 1, 2);
        ledger.outcome(recent.id, false, QStringLiteral("down"));
        ledger.outcome(old.id, false, QStringLiteral("down"));
        QCOMPARE(ledger.undelivered(), 2);
        const QList<AlertTransition> again = ledger.redeliver(1, 150'000, 60'000);
        QCOMPARE(again.size(), 1);
        QCOMPARE(again[0].subject, QStringLiteral("worker-1"));
        QVERIFY(again[0].id < 0);
        QCOMPARE(ledger.undelivered(), 0);
        const auto delivered = ledger.outcome(again[0].id, true, QString());
        QVERIFY(delivered);
        QCOMPARE(delivered->rowId, 1); // the retry updates the original row
        QCOMPARE(toString(delivered->status), toString(NotifyStatus::Sent));
        QVERIFY(ledger.redeliver(1, 150'000, 60'000).isEmpty());
    }

    void rowsOfThePreviousRunAreRedelivered()
    {
        DeliveryLedger ledger;
        AlertTransition queued = alert("worker-1", 50'000);
        queued.id = 31;
        queued.notify = NotifyStatus::Queued;
        ledger.restoreUndelivered({ queued, queued }); // the same row twice counts once
        QCOMPARE(ledger.undelivered(), 1);
        const QList<AlertTransition> again = ledger.redeliver(1, 60'000, 3'600'000);
        QCOMPARE(again.size(), 1);
        const auto delivered = ledger.outcome(again[0].id, true, QString());
        QVERIFY(delivered);
        QCOMPARE(delivered->rowId, 31);
    }

    void anotherClusterForgetsTheUndelivered()
    {
        DeliveryLedger ledger;
        const AlertTransition failed = ledger.track(alert("worker-1", 1000), 1, 3);
        ledger.outcome(failed.id, false, QStringLiteral("down"));
        const AlertTransition onItsWay = ledger.track(alert("worker-2", 1000), 1, 4);
        ledger.forgetUndelivered();
        QCOMPARE(ledger.undelivered(), 0);
        QVERIFY(ledger.redeliver(1, 2000, 60'000).isEmpty());
        const auto late = ledger.outcome(onItsWay.id, true, QString()); // still recorded
        QVERIFY(late);
        QCOMPARE(late->rowId, 4);
    }

    void unknownReferencesAreIgnored()
    {
        DeliveryLedger ledger;
        QVERIFY(!ledger.outcome(-99, true, QString()));
        QVERIFY(!ledger.outcome(5, false, QStringLiteral("x")));
    }
};

QTEST_GUILESS_MAIN(TestDeliveryLedger)
#include "tst_deliveryledger.moc"
