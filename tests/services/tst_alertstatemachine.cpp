// The per-(rule, subject) alert state machine, driven by timelines of (time, condition) with an
// injected clock: pending, for-duration, recovery hold, flapping and leaving it.

#include "services/alerts/AlertStateMachine.h"

#include <QLocale>
#include <QStringList>
#include <QTest>

using cw::AlertState;
using cw::AlertStateMachine;
using cw::AlertTransition;

namespace {

/// "0:1 10:1 30:0" → evaluations at those seconds with those conditions.
QList<std::pair<qint64, bool>> parseTimeline(const QString &text)
{
    QList<std::pair<qint64, bool>> steps;
    const QStringList tokens = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &token : tokens) {
        const QStringList parts = token.split(QLatin1Char(':'));
        Q_ASSERT(parts.size() == 2);
        steps.append({ qint64(parts[0].toDouble() * 1000), parts[1] == QLatin1String("1") });
    }
    return steps;
}

/// A moment at which both clocks read @p ms.
cw::Instant at(qint64 ms)
{
    return { ms, ms };
}

QString describe(const AlertTransition &t)
{
    return QString::number(double(t.timeMs) / 1000.0) + QLatin1Char(':') + cw::toString(t.state);
}

QString phaseName(AlertStateMachine::Phase phase)
{
    switch (phase) {
    case AlertStateMachine::Phase::Inactive:
        return QStringLiteral("inactive");
    case AlertStateMachine::Phase::Pending:
        return QStringLiteral("pending");
    case AlertStateMachine::Phase::Firing:
        return QStringLiteral("firing");
    case AlertStateMachine::Phase::Recovering:
        return QStringLiteral("recovering");
    case AlertStateMachine::Phase::Flapping:
        return QStringLiteral("flapping");
    }
    return {};
}

AlertStateMachine::Settings settings(
    qint64 forS, qint64 holdS, int flapChanges = 6, qint64 flapWindowS = 600)
{
    AlertStateMachine::Settings s;
    s.rule = QStringLiteral("cpu_high");
    s.subject = QStringLiteral("n8n-worker-1");
    s.severity = cw::Severity::Warning;
    s.forMs = forS * 1000;
    s.recoveryHoldMs = holdS * 1000;
    s.flapChanges = flapChanges;
    s.flapWindowMs = flapWindowS * 1000;
    return s;
}

} // namespace

class TestAlertStateMachine : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }
    void timeline_data();
    void timeline();
    void transitionsCarryTheEvidence();
    void causeIsStickyForOneEpisode();
    void snapshotShowsPendingAndRecovering();
    void newSettingsKeepTheState();
    void restoredFiringContinues();
};

void TestAlertStateMachine::timeline_data()
{
    QTest::addColumn<qint64>("forS");
    QTest::addColumn<qint64>("holdS");
    QTest::addColumn<int>("flapChanges");
    QTest::addColumn<qint64>("flapWindowS");
    QTest::addColumn<QString>("steps"); // "t:condition" in seconds
    QTest::addColumn<QString>("expected"); // "t:state" of every transition
    QTest::addColumn<QString>("finalPhase");

    const auto row = [](const char *name, qint64 forS, qint64 holdS, int flap, qint64 window,
                         const char *steps, const char *expected, const char *phase) {
        QTest::newRow(name) << forS << holdS << flap << window << QString::fromLatin1(steps)
                            << QString::fromLatin1(expected) << QString::fromLatin1(phase);
    };

    row("idle stays silent", 30, 60, 6, 600, "0:0 10:0 100:0", "", "inactive");
    row("pending cleared early: no transition", 30, 60, 6, 600, "0:1 10:1 29:1 29.5:0", "",
        "inactive");
    row("pending restarts its clock after a clear", 30, 60, 6, 600, "0:1 20:1 21:0 22:1 45:1 51:1",
        "", "pending");
    row("fires after for", 30, 60, 6, 600, "0:1 10:1 29.9:1 30:1 31:1", "30:firing", "firing");
    row("for zero fires at once", 0, 0, 6, 600, "0:0 5:1 6:1", "5:firing", "firing");
    row("recovery hold keeps firing through a short clear", 0, 60, 6, 600,
        "0:1 10:0 40:0 50:1 200:1", "0:firing", "firing");
    row("recovering after a short clear", 0, 60, 6, 600, "0:1 10:0 69:0", "0:firing", "recovering");
    row("resolves after the hold", 0, 60, 6, 600, "0:1 10:0 40:0 69.9:0 70:0 80:0",
        "0:firing 70:resolved", "inactive");
    row("hold zero resolves at once", 0, 0, 6, 600, "0:1 5:0", "0:firing 5:resolved", "inactive");
    row("for and hold together", 30, 60, 6, 600, "0:1 30:1 40:0 50:1 60:0 119:0 120:0",
        "30:firing 120:resolved", "inactive");
    row("fires again after resolving", 0, 0, 6, 600, "0:1 1:0 2:1", "0:firing 1:resolved 2:firing",
        "firing");
    // flapChanges 4 in 100 s: the 4th change becomes one Flapping transition, then silence.
    row("flapping with one alert", 0, 0, 4, 100, "0:1 1:0 2:1 3:0 4:1 5:0 6:1 7:0 8:1 50:0 60:1",
        "0:firing 1:resolved 2:firing 3:flapping", "flapping");
    row("leaving flapping: stable true fires once", 0, 0, 4, 100,
        "0:1 1:0 2:1 3:0 4:1 5:0 6:1 50:1 105.9:1 106:1 107:1",
        "0:firing 1:resolved 2:firing 3:flapping 106:firing", "firing");
    row("leaving flapping: stable false resolves once", 0, 0, 4, 100,
        "0:1 1:0 2:1 3:0 4:1 5:0 6:0 105:0 106:0",
        "0:firing 1:resolved 2:firing 3:flapping 105:resolved", "inactive");
    row("flap counting starts afresh after flapping", 0, 0, 4, 100,
        "0:1 1:0 2:1 3:0 103:0 104:1 105:0 106:1",
        "0:firing 1:resolved 2:firing 3:flapping 103:resolved 104:firing 105:resolved 106:flapping",
        "flapping");
    row("changes older than the window are forgotten", 0, 0, 4, 100, "0:1 1:0 150:1 151:0 152:1",
        "0:firing 1:resolved 150:firing 151:resolved 152:firing", "firing");
    row("flap detection off", 0, 0, 0, 100, "0:1 1:0 2:1 3:0 4:1 5:0",
        "0:firing 1:resolved 2:firing 3:resolved 4:firing 5:resolved", "inactive");
    // With a hold, a toggling condition stays one firing alert and never flaps.
    row("hold absorbs toggling", 0, 60, 4, 100, "0:1 1:0 2:1 3:0 4:1 5:0 6:1 7:0", "0:firing",
        "recovering");
    // Blips shorter than `for` make no transitions, hence no flapping either.
    row("blips shorter than for never count", 30, 0, 3, 600,
        "0:1 10:0 20:1 30:0 40:1 50:0 60:1 70:0", "", "inactive");
}

void TestAlertStateMachine::timeline()
{
    QFETCH(qint64, forS);
    QFETCH(qint64, holdS);
    QFETCH(int, flapChanges);
    QFETCH(qint64, flapWindowS);
    QFETCH(QString, steps);
    QFETCH(QString, expected);
    QFETCH(QString, finalPhase);

    AlertStateMachine machine(settings(forS, holdS, flapChanges, flapWindowS));
    QStringList got;
    for (const auto &[timeMs, condition] : parseTimeline(steps)) {
        const std::optional<AlertTransition> t = machine.update(at(timeMs), condition,
            condition ? QStringLiteral("CPU high") : QStringLiteral("CPU ok"));
        if (t)
            got.append(describe(*t));
    }
    QCOMPARE(got.join(QLatin1Char(' ')), expected);
    QCOMPARE(phaseName(machine.phase()), finalPhase);
}

void TestAlertStateMachine::transitionsCarryTheEvidence()
{
    AlertStateMachine::Settings s = settings(10, 0);
    s.severity = cw::Severity::Critical;
    AlertStateMachine machine(s);
    QVERIFY(!machine.update(at(1000), true, QStringLiteral("CPU 91.0 % on n8n-worker-1"),
        QStringLiteral("from /metrics")));
    const std::optional<AlertTransition> firing = machine.update(at(11'000), true,
        QStringLiteral("CPU 95.0 % on n8n-worker-1"), QStringLiteral("from /metrics"));
    QVERIFY(firing);
    QCOMPARE(firing->rule, QStringLiteral("cpu_high"));
    QCOMPARE(firing->subject, QStringLiteral("n8n-worker-1"));
    QCOMPARE(firing->key(), QStringLiteral("cpu_high/n8n-worker-1"));
    QCOMPARE(cw::toString(firing->severity), cw::toString(cw::Severity::Critical));
    QCOMPARE(cw::toString(firing->state), cw::toString(AlertState::Firing));
    QCOMPARE(firing->timeMs, qint64(11'000));
    QCOMPARE(firing->summary, QStringLiteral("CPU 95.0 % on n8n-worker-1"));
    QCOMPARE(firing->detail, QStringLiteral("from /metrics"));
    QCOMPARE(firing->id, qint64(0));
    QCOMPARE(cw::toString(firing->notify), cw::toString(cw::NotifyStatus::None));

    // The resolution says what it is now, not what it was.
    const std::optional<AlertTransition> resolved
        = machine.update(at(12'000), false, QStringLiteral("CPU 12.0 % on n8n-worker-1"));
    QVERIFY(resolved);
    QCOMPARE(cw::toString(resolved->state), cw::toString(AlertState::Resolved));
    QCOMPARE(resolved->summary, QStringLiteral("CPU 12.0 % on n8n-worker-1"));
}

void TestAlertStateMachine::causeIsStickyForOneEpisode()
{
    AlertStateMachine machine(settings(0, 30));
    const QString redis = QStringLiteral("redis_down/redis");
    machine.setCause(redis);
    std::optional<AlertTransition> t = machine.update(at(0), true, QStringLiteral("not ready"));
    QVERIFY(t);
    QCOMPARE(t->causedBy, redis);

    // The cause has cleared meanwhile; the resolution still belongs to it.
    machine.setCause(QString());
    QVERIFY(!machine.update(at(1000), false, QStringLiteral("ready again")));
    machine.setCause(QString());
    t = machine.update(at(31'000), false, QStringLiteral("ready again"));
    QVERIFY(t);
    QCOMPARE(cw::toString(t->state), cw::toString(AlertState::Resolved));
    QCOMPARE(t->causedBy, redis);

    // A new episode without a cause stands alone.
    machine.setCause(QString());
    t = machine.update(at(40'000), true, QStringLiteral("not ready"));
    QVERIFY(t);
    QVERIFY(t->causedBy.isEmpty());

    // A cause appearing during an episode is kept from then on.
    machine.setCause(redis);
    QVERIFY(!machine.update(at(41'000), true, QStringLiteral("not ready")));
    QCOMPARE(machine.snapshot()->causedBy, redis);
}

void TestAlertStateMachine::snapshotShowsPendingAndRecovering()
{
    AlertStateMachine machine(settings(30, 60));
    QVERIFY(!machine.snapshot());
    QVERIFY(!machine.update(at(5000), true, QStringLiteral("CPU 90.0 % on n8n-worker-1")));
    std::optional<AlertTransition> now = machine.snapshot();
    QVERIFY(now);
    QCOMPARE(cw::toString(now->state), cw::toString(AlertState::Pending));
    QCOMPARE(now->timeMs, qint64(5000));
    QCOMPARE(now->summary, QStringLiteral("CPU 90.0 % on n8n-worker-1"));

    QVERIFY(machine.update(at(35'000), true, QStringLiteral("CPU 92.0 % on n8n-worker-1")));
    QVERIFY(!machine.snapshot()->isClearing());
    QVERIFY(!machine.update(at(40'000), false, QStringLiteral("CPU 10.0 % on n8n-worker-1")));
    now = machine.snapshot();
    QVERIFY(now);
    QCOMPARE(cw::toString(now->state),
        cw::toString(AlertState::Firing)); // recovering is still firing for people
    QCOMPARE(now->timeMs, qint64(35'000));
    QCOMPARE(now->summary,
        QStringLiteral("CPU 92.0 % on n8n-worker-1")); // the problem, not the clear text
    // ... but it says that it is clearing, and when it resolves unless the condition returns.
    QVERIFY(now->isClearing());
    QCOMPARE(now->resolvesAtMs, qint64(100'000));
    QCOMPARE(machine.resolvesAtMs(), qint64(100'000));

    // It recurs: plain firing again.
    QVERIFY(!machine.update(at(50'000), true, QStringLiteral("CPU 95.0 % on n8n-worker-1")));
    QVERIFY(!machine.snapshot()->isClearing());
    QCOMPARE(machine.snapshot()->resolvesAtMs, qint64(0));

    // Clear again: a new hold, which the wall clock being set a day forward moves along; the
    // hold itself still ends after 60 s of monotonic time.
    constexpr qint64 kDay = 86'400'000;
    QVERIFY(!machine.update(at(60'000), false, QStringLiteral("CPU 10.0 % on n8n-worker-1")));
    QCOMPARE(machine.snapshot()->resolvesAtMs, qint64(120'000));
    QVERIFY(!machine.update(
        { 70'000 + kDay, 70'000 }, false, QStringLiteral("CPU 10.0 % on n8n-worker-1")));
    QCOMPARE(machine.snapshot()->resolvesAtMs, qint64(120'000 + kDay));
    QVERIFY(!machine.update(
        { 119'999 + kDay, 119'999 }, false, QStringLiteral("CPU 10.0 % on n8n-worker-1")));
    QVERIFY(machine.snapshot()->isClearing());

    // Resolved: no longer active.
    const std::optional<AlertTransition> resolved = machine.update(
        { 120'000 + kDay, 120'000 }, false, QStringLiteral("CPU 10.0 % on n8n-worker-1"));
    QVERIFY(resolved);
    QCOMPARE(cw::toString(resolved->state), cw::toString(AlertState::Resolved));
    QCOMPARE(resolved->timeMs, qint64(120'000 + kDay));
    QCOMPARE(resolved->resolvesAtMs, qint64(0));
    QVERIFY(!machine.snapshot());
    QCOMPARE(machine.resolvesAtMs(), qint64(0));
}

void TestAlertStateMachine::newSettingsKeepTheState()
{
    AlertStateMachine machine(settings(0, 60));
    QVERIFY(machine.update(at(0), true, QStringLiteral("x")));
    machine.setSettings(settings(0, 0));
    QCOMPARE(machine.phase(), AlertStateMachine::Phase::Firing);
    // With the new hold of zero the next clear resolves at once.
    const std::optional<AlertTransition> t = machine.update(at(1000), false, QStringLiteral("y"));
    QVERIFY(t);
    QCOMPARE(cw::toString(t->state), cw::toString(AlertState::Resolved));
}

QTEST_GUILESS_MAIN(TestAlertStateMachine)
#include "tst_alertstatemachine.moc"

// After a restart the last stored "firing" continues: no second firing while the condition
// holds, one "resolved" after the hold once it clears; pending or resolved rows restore nothing.
void TestAlertStateMachine::restoredFiringContinues()
{
    AlertTransition last;
    last.rule = QStringLiteral("node_down");
    last.subject = QStringLiteral("n8n-worker-1");
    last.state = AlertState::Firing;
    last.timeMs = 1000;
    last.summary = QStringLiteral("n8n-worker-1 not answering");
    last.causedBy = QStringLiteral("redis_down/redis");
    AlertStateMachine machine(settings(30, 60));
    machine.restore(last);
    QCOMPARE(cw::toString(*machine.state()), cw::toString(AlertState::Firing));
    QCOMPARE(machine.sinceMs(), qint64(1000));
    QCOMPARE(machine.cause(), QStringLiteral("redis_down/redis"));
    QVERIFY(!machine.update(at(100'000), true, QStringLiteral("still down")));
    QVERIFY(!machine.update(at(110'000), false, QStringLiteral("answers again")));
    const std::optional<AlertTransition> resolved
        = machine.update(at(170'000), false, QStringLiteral("answers again"));
    QVERIFY(resolved);
    QCOMPARE(cw::toString(resolved->state), cw::toString(AlertState::Resolved));
    QCOMPARE(resolved->causedBy, QStringLiteral("redis_down/redis"));

    // A flapping one is watched from the first evaluation after the restart: the stored wall
    // time and this run's monotonic clock have nothing in common.
    last.state = AlertState::Flapping;
    AlertStateMachine flapping(settings(0, 0, 4, 100));
    flapping.restore(last);
    QVERIFY(!flapping.update({ 1'900'000'000'000, 5'000 }, false, QStringLiteral("answers again")));
    QVERIFY(
        !flapping.update({ 1'900'000'099'999, 104'999 }, false, QStringLiteral("answers again")));
    const std::optional<AlertTransition> calm
        = flapping.update({ 1'900'000'100'000, 105'000 }, false, QStringLiteral("answers again"));
    QVERIFY(calm);
    QCOMPARE(cw::toString(calm->state), cw::toString(AlertState::Resolved));

    for (const AlertState state : { AlertState::Resolved, AlertState::Pending }) {
        AlertStateMachine other(settings(30, 60));
        last.state = state;
        other.restore(last);
        QVERIFY(!other.isActive());
    }
}
