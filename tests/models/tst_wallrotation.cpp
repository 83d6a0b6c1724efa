// The wall's rotation: pages turn every interval; a firing critical alert that stands on its own
// stops the rotation and holds the screen until acknowledged or resolved; the page it left comes
// back for a whole interval.
#include "models/items/WallRotation.h"

#include <QSignalSpy>
#include <QTest>

using namespace cw;
using namespace std::chrono_literals;

namespace {

constexpr qint64 T0 = 1'764'000'000'000;

AlertTransition alert(const QString &rule, const QString &subject, Severity severity,
    AlertState state = AlertState::Firing, qint64 timeMs = T0, const QString &causedBy = {})
{
    AlertTransition t;
    t.timeMs = timeMs;
    t.rule = rule;
    t.subject = subject;
    t.severity = severity;
    t.state = state;
    t.summary = subject + QStringLiteral(" is ") + rule;
    t.causedBy = causedBy;
    return t;
}

} // namespace

class TestWallRotation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pagesTurnEveryInterval()
    {
        WallRotation rotation;
        rotation.setInterval(10s);
        QSignalSpy turned(&rotation, &WallRotation::pageChanged);
        rotation.advance(1000);
        QCOMPARE(toString(rotation.page()), toString(WallPage::Overview));
        rotation.advance(10'999);
        QCOMPARE(turned.count(), 0);
        QCOMPARE(rotation.untilNextPageMs(10'999), 1);
        rotation.advance(11'000);
        QCOMPARE(toString(rotation.page()), toString(WallPage::Charts));
        rotation.advance(21'000);
        QCOMPARE(toString(rotation.page()), toString(WallPage::Alerts));
        rotation.advance(31'000);
        QCOMPARE(toString(rotation.page()), toString(WallPage::Overview));
        QCOMPARE(turned.count(), 3);
    }

    void intervalHasAFloorAndOnePageStays()
    {
        WallRotation rotation;
        rotation.setInterval(100ms);
        QCOMPARE(rotation.interval(), std::chrono::milliseconds(WallRotation::kMinimumInterval));
        rotation.setPages({ WallPage::Alerts });
        rotation.advance(0);
        rotation.advance(3'600'000);
        QCOMPARE(toString(rotation.page()), toString(WallPage::Alerts));
        QCOMPARE(rotation.untilNextPageMs(3'600'000), 0);
    }

    void criticalFiringAlertTakesTheScreenUntilAcknowledged()
    {
        WallRotation rotation;
        rotation.setInterval(10s);
        rotation.advance(0);
        rotation.advance(10'000);
        QCOMPARE(toString(rotation.page()), toString(WallPage::Charts));
        QSignalSpy takeover(&rotation, &WallRotation::takeoverChanged);
        // Pending, warnings and symptoms grouped under a cause do not take the screen.
        rotation.setActiveAlerts({ alert(QStringLiteral("node_down"), QStringLiteral("n8n-main"),
                                       Severity::Critical, AlertState::Pending),
            alert(QStringLiteral("cpu_high"), QStringLiteral("n8n-worker-1"), Severity::Warning),
            alert(QStringLiteral("readiness_failing"), QStringLiteral("n8n-worker-2"),
                Severity::Critical, AlertState::Firing, T0, QStringLiteral("redis_down/redis")) });
        QVERIFY(!rotation.takeover());
        QCOMPARE(takeover.count(), 0);

        const AlertTransition down
            = alert(QStringLiteral("node_down"), QStringLiteral("n8n-main"), Severity::Critical);
        rotation.setActiveAlerts({ down });
        QVERIFY(rotation.takeover());
        QCOMPARE(rotation.takeover()->key(), down.key());
        QCOMPARE(rotation.takeoverCandidates(), QStringList { down.key() });
        QCOMPARE(takeover.count(), 1);
        // The rotation stands still however long it holds.
        rotation.advance(15'000);
        rotation.advance(600'000);
        QCOMPARE(toString(rotation.page()), toString(WallPage::Charts));
        QCOMPARE(rotation.untilNextPageMs(600'000), 0);

        rotation.setAcknowledged({ down.key() });
        QVERIFY(!rotation.takeover());
        QCOMPARE(takeover.count(), 2);
        // Back on the page it was on, for a whole interval.
        QCOMPARE(toString(rotation.page()), toString(WallPage::Charts));
        QCOMPARE(rotation.untilNextPageMs(600'000), 10'000);
        rotation.advance(609'999);
        QCOMPARE(toString(rotation.page()), toString(WallPage::Charts));
        rotation.advance(610'000);
        QCOMPARE(toString(rotation.page()), toString(WallPage::Alerts));
    }

    void resolutionEndsTheTakeover()
    {
        WallRotation rotation;
        rotation.advance(0);
        const AlertTransition redis
            = alert(QStringLiteral("redis_down"), QStringLiteral("redis"), Severity::Critical);
        rotation.setActiveAlerts({ redis });
        QVERIFY(rotation.takeover());
        rotation.setActiveAlerts({});
        QVERIFY(!rotation.takeover());
    }

    void theOldestIsShownAndTheOthersCounted()
    {
        WallRotation rotation;
        rotation.advance(0);
        const AlertTransition later = alert(QStringLiteral("node_down"),
            QStringLiteral("n8n-worker-3"), Severity::Critical, AlertState::Firing, T0 + 5000);
        const AlertTransition first = alert(QStringLiteral("postgres_down"),
            QStringLiteral("postgres"), Severity::Critical, AlertState::Firing, T0);
        rotation.setActiveAlerts({ later, first });
        QCOMPARE(rotation.takeover()->key(), first.key());
        QCOMPARE(rotation.takeoverQueue(), 1);
        // Acknowledging the first shows the next one, still holding the rotation.
        rotation.setAcknowledged({ first.key() });
        QCOMPARE(rotation.takeover()->key(), later.key());
        QCOMPARE(rotation.takeoverQueue(), 0);
        rotation.setAcknowledged({ first.key(), later.key() });
        QVERIFY(!rotation.takeover());
    }

    void pageNames()
    {
        WallPage page {};
        QVERIFY(wallPageFromString(QStringLiteral("Charts"), &page));
        QCOMPARE(toString(page), toString(WallPage::Charts));
        QVERIFY(!wallPageFromString(QStringLiteral("graphs"), &page));
        QCOMPARE(toString(WallPage::Alerts), QStringLiteral("alerts"));
    }
};

QTEST_GUILESS_MAIN(TestWallRotation)
#include "tst_wallrotation.moc"
