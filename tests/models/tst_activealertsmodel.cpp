// The wall screen's active alerts: each engine round updates the rows in place (a new alert is
// one inserted row, a changed summary one dataChanged of that row, a resolved alert one removed
// row, never a reset), and alerts explained by a root cause sit under it, counted on its row.
#include "models/items/ActiveAlertsModel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace cw;

namespace {

constexpr qint64 T0 = 1'764'000'000'000;

AlertTransition alert(const QString &rule, const QString &subject, Severity severity,
    const QString &summary, qint64 sinceMs = T0, const QString &causedBy = QString())
{
    AlertTransition t;
    t.timeMs = sinceMs;
    t.rule = rule;
    t.subject = subject;
    t.severity = severity;
    t.state = AlertState::Firing;
    t.summary = summary;
    t.causedBy = causedBy;
    return t;
}

QStringList keysOf(const ActiveAlertsModel &model)
{
    QStringList keys;
    for (int row = 0; row < model.rowCount(); ++row)
        keys << model.index(row).data(ActiveAlertsModel::KeyRole).toString();
    return keys;
}

QList<int> sorted(QList<int> roles)
{
    std::sort(roles.begin(), roles.end());
    return roles;
}

const QString kRedis = QStringLiteral("redis");
const QString kRedisDown = QStringLiteral("redis_down");
const QString kReadiness = QStringLiteral("readiness_failing");
const QString kCpu = QStringLiteral("cpu_high");

} // namespace

class TestActiveAlertsModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firingSummaryCountsWhatNeedsAction()
    {
        // Causes are counted, the symptoms grouped under them and pending alerts are not; alerts
        // held after their condition cleared are said to be clearing.
        QCOMPARE(firingSummary({}), QString());
        const AlertTransition redis
            = alert(QStringLiteral("redis_down"), QStringLiteral("redis"), Severity::Critical, {});
        const AlertTransition symptom = alert(QStringLiteral("readiness_failing"),
            QStringLiteral("w1"), Severity::Warning, {}, T0, QStringLiteral("redis_down/redis"));
        AlertTransition cpu
            = alert(QStringLiteral("cpu_high"), QStringLiteral("w2"), Severity::Warning, {});
        AlertTransition pending
            = alert(QStringLiteral("cpu_high"), QStringLiteral("w3"), Severity::Warning, {});
        pending.state = AlertState::Pending;
        bool critical = false;
        QCOMPARE(firingSummary({ redis, symptom, cpu, pending }, &critical),
            QStringLiteral("⚠ 1 critical · 1 warning firing"));
        QVERIFY(critical);
        cpu.resolvesAtMs = T0 + 60'000;
        QCOMPARE(firingSummary({ cpu, pending }, &critical),
            QStringLiteral("⚠ 1 warning firing (1 clearing)"));
        QVERIFY(!critical);
    }

    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        qRegisterMetaType<QList<int>>();
    }

    void rolesOfOneAlert()
    {
        ActiveAlertsModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        AlertTransition t = alert(kCpu, QStringLiteral("n8n-worker-1"), Severity::Warning,
            QStringLiteral("CPU 93 % on n8n-worker-1"), T0 + 5000);
        t.state = AlertState::Pending;
        t.detail = QStringLiteral("> 80 % for 30 s");
        model.setAlerts({ t });
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex idx = model.index(0);
        QCOMPARE(idx.data().toString(), QStringLiteral("CPU 93 % on n8n-worker-1"));
        QCOMPARE(idx.data(ActiveAlertsModel::SeverityRole).toInt(), int(Severity::Warning));
        QCOMPARE(idx.data(ActiveAlertsModel::StateRole).toInt(), int(AlertState::Pending));
        QCOMPARE(idx.data(ActiveAlertsModel::SinceRole).toLongLong(), T0 + 5000);
        QCOMPARE(idx.data(ActiveAlertsModel::KeyRole).toString(),
            QStringLiteral("cpu_high/n8n-worker-1"));
        QVERIFY(idx.data(Qt::ToolTipRole).toString().contains(QLatin1String("for 30 s")));
        QCOMPARE(idx.data(ActiveAlertsModel::CausedByTextRole).toString(), QString());
        QCOMPARE(idx.data(ActiveAlertsModel::GroupedTextRole).toString(), QString());
        QCOMPARE(idx.data(ActiveAlertsModel::IsGroupedRole).toBool(), false);
        QCOMPARE(idx.data(ActiveAlertsModel::TransitionRole).value<AlertTransition>().summary,
            t.summary);
        QCOMPARE(model.count(Severity::Warning), 1);
        QCOMPARE(model.firingCount(Severity::Warning), 0); // still pending
        QVERIFY(model.roleNames().contains(ActiveAlertsModel::GroupedTextRole));
    }

    void updatesInPlace()
    {
        ActiveAlertsModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const AlertTransition a
            = alert(kRedisDown, kRedis, Severity::Critical, QStringLiteral("Redis unreachable"));
        const AlertTransition b = alert(kCpu, QStringLiteral("n8n-main"), Severity::Warning,
            QStringLiteral("CPU 85 %"), T0 + 1);
        model.setAlerts({ a, b });
        QCOMPARE(keysOf(model), (QStringList { a.key(), b.key() }));

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);

        // The same round again: nothing to say.
        model.setAlerts({ a, b });
        QCOMPARE(inserted.count() + removed.count() + changed.count() + moved.count(), 0);

        // A new alert: one row inserted where the engine put it, nothing else touched.
        const AlertTransition c
            = alert(QStringLiteral("memory_high"), QStringLiteral("n8n-worker-2"),
                Severity::Warning, QStringLiteral("memory 91 %"), T0 + 2);
        model.setAlerts({ a, b, c });
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 2);
        QCOMPARE(inserted.at(0).at(2).toInt(), 2);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(keysOf(model), (QStringList { a.key(), b.key(), c.key() }));

        // The evidence of b changes: exactly b's row, and the summary roles only.
        AlertTransition b2 = b;
        b2.summary = QStringLiteral("CPU 97 %");
        model.setAlerts({ a, b2, c });
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
        QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 1);
        QCOMPARE(sorted(changed.at(0).at(2).value<QList<int>>()),
            sorted({ Qt::DisplayRole, Qt::ToolTipRole, ActiveAlertsModel::SummaryRole,
                ActiveAlertsModel::TransitionRole }));
        QCOMPARE(model.index(1).data().toString(), QStringLiteral("CPU 97 %"));
        QCOMPARE(inserted.count(), 1);

        // b firing → flapping changes its state role only (besides the record).
        changed.clear();
        b2.state = AlertState::Flapping;
        model.setAlerts({ a, b2, c });
        QCOMPARE(changed.count(), 1);
        QCOMPARE(sorted(changed.at(0).at(2).value<QList<int>>()),
            sorted({ ActiveAlertsModel::StateRole, ActiveAlertsModel::TransitionRole }));

        // a resolves: one row removed, the others keep their data.
        changed.clear();
        model.setAlerts({ b2, c });
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 0);
        QCOMPARE(removed.at(0).at(2).toInt(), 0);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(keysOf(model), (QStringList { b2.key(), c.key() }));

        // The engine reorders (c became critical): a move and a severity change, no reset.
        AlertTransition c2 = c;
        c2.severity = Severity::Critical;
        model.setAlerts({ c2, b2 });
        QCOMPARE(moved.count(), 1);
        QCOMPARE(keysOf(model), (QStringList { c2.key(), b2.key() }));
        QCOMPARE(
            model.index(0).data(ActiveAlertsModel::SeverityRole).toInt(), int(Severity::Critical));

        // All clear.
        model.setAlerts({});
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(layout.count(), 0);
    }

    void clearingSaysWhenItResolves()
    {
        ActiveAlertsModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const AlertTransition firing = alert(kCpu, QStringLiteral("n8n-worker-1"),
            Severity::Warning, QStringLiteral("CPU 93 % on n8n-worker-1"));
        model.setAlerts({ firing });
        const QModelIndex idx = model.index(0);
        QCOMPARE(idx.data(ActiveAlertsModel::ClearingRole).toBool(), false);
        QCOMPARE(idx.data(ActiveAlertsModel::ResolvesAtRole).toLongLong(), qint64(0));
        QCOMPARE(idx.data(ActiveAlertsModel::ClearingTextRole).toString(), QString());
        QVERIFY(!idx.data(Qt::ToolTipRole).toString().contains(QLatin1String("clearing")));

        // Held through its recovery hold: the same row says so, in local time.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        AlertTransition clearing = firing;
        clearing.resolvesAtMs
            = QDateTime(QDate(2026, 3, 14), QTime(10, 32, 40)).toMSecsSinceEpoch();
        model.setAlerts({ clearing });
        QCOMPARE(changed.count(), 1);
        QCOMPARE(sorted(changed.at(0).at(2).value<QList<int>>()),
            sorted({ Qt::ToolTipRole, ActiveAlertsModel::ClearingRole,
                ActiveAlertsModel::ResolvesAtRole, ActiveAlertsModel::ClearingTextRole,
                ActiveAlertsModel::TransitionRole }));
        const QString text = QStringLiteral("clearing, resolves at 10:32 unless it recurs");
        QCOMPARE(idx.data(ActiveAlertsModel::ClearingRole).toBool(), true);
        QCOMPARE(idx.data(ActiveAlertsModel::ResolvesAtRole).toLongLong(), clearing.resolvesAtMs);
        QCOMPARE(idx.data(ActiveAlertsModel::ClearingTextRole).toString(), text);
        QVERIFY(idx.data(Qt::ToolTipRole).toString().contains(text));
        QCOMPARE(idx.data().toString(),
            QStringLiteral("CPU 93 % on n8n-worker-1")); // the figure while it fired
        QCOMPARE(model.firingCount(Severity::Warning), 1);
        QVERIFY(model.roleNames().contains(ActiveAlertsModel::ClearingTextRole));

        // The wall clock was set: the time moves, the row stays clearing.
        changed.clear();
        clearing.resolvesAtMs = QDateTime(QDate(2026, 3, 14), QTime(9, 32, 40)).toMSecsSinceEpoch();
        model.setAlerts({ clearing });
        QCOMPARE(changed.count(), 1);
        QCOMPARE(sorted(changed.at(0).at(2).value<QList<int>>()),
            sorted({ Qt::ToolTipRole, ActiveAlertsModel::ResolvesAtRole,
                ActiveAlertsModel::ClearingTextRole, ActiveAlertsModel::TransitionRole }));
        QCOMPARE(idx.data(ActiveAlertsModel::ClearingTextRole).toString(),
            QStringLiteral("clearing, resolves at 09:32 unless it recurs"));

        // It recurs: the text is gone again.
        model.setAlerts({ firing });
        QCOMPARE(idx.data(ActiveAlertsModel::ClearingRole).toBool(), false);
        QCOMPARE(idx.data(ActiveAlertsModel::ClearingTextRole).toString(), QString());
        QVERIFY(!idx.data(Qt::ToolTipRole).toString().contains(QLatin1String("clearing")));

        // Clearing again, then resolved: the row is gone.
        model.setAlerts({ clearing });
        QCOMPARE(model.index(0).data(ActiveAlertsModel::ClearingTextRole).toString(),
            QStringLiteral("clearing, resolves at 09:32 unless it recurs"));
        model.setAlerts({});
        QCOMPARE(model.rowCount(), 0);
    }

    void groupsUnderRootCause()
    {
        ActiveAlertsModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QString cause = QStringLiteral("redis_down/redis");
        const AlertTransition cpu = alert(
            kCpu, QStringLiteral("n8n-main"), Severity::Warning, QStringLiteral("CPU 85 %"), T0);
        const AlertTransition redis = alert(
            kRedisDown, kRedis, Severity::Critical, QStringLiteral("Redis unreachable"), T0 + 10);
        const AlertTransition w1 = alert(kReadiness, QStringLiteral("n8n-worker-1"),
            Severity::Critical, QStringLiteral("readiness 503"), T0 - 20, cause);
        const AlertTransition w2 = alert(kReadiness, QStringLiteral("n8n-worker-2"),
            Severity::Critical, QStringLiteral("readiness 503"), T0 - 10, cause);

        // The engine's order (critical first, oldest first) puts a worker that failed before
        // Redis' alert fired above it; the model moves the cause's children right under it.
        model.setAlerts({ w1, redis, cpu });
        QCOMPARE(keysOf(model), (QStringList { redis.key(), w1.key(), cpu.key() }));
        QCOMPARE(model.index(0).data(ActiveAlertsModel::GroupedTextRole).toString(),
            QStringLiteral("+1 grouped"));
        QCOMPARE(model.index(1).data(ActiveAlertsModel::IsGroupedRole).toBool(), true);
        QCOMPARE(model.index(1).data(ActiveAlertsModel::CausedByTextRole).toString(),
            QStringLiteral("caused by redis_down/redis"));
        QCOMPARE(model.index(2).data(ActiveAlertsModel::IsGroupedRole).toBool(), false);

        // A second worker fails: inserted under the cause, and the cause's count changes.
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setAlerts({ w1, w2, redis, cpu });
        QCOMPARE(keysOf(model), (QStringList { redis.key(), w1.key(), w2.key(), cpu.key() }));
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 2);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
        QCOMPARE(sorted(changed.at(0).at(2).value<QList<int>>()),
            sorted({ ActiveAlertsModel::GroupedCountRole, ActiveAlertsModel::GroupedTextRole,
                ActiveAlertsModel::GroupedKeysRole }));
        QCOMPARE(model.index(0).data(ActiveAlertsModel::GroupedTextRole).toString(),
            QStringLiteral("+2 grouped"));
        QCOMPARE(model.index(0).data(ActiveAlertsModel::GroupedCountRole).toInt(), 2);
        QCOMPARE(model.index(0).data(ActiveAlertsModel::GroupedKeysRole).toStringList(),
            (QStringList { w1.key(), w2.key() }));

        // Redis resolves but the workers' alerts still name it: they stand on their own again.
        model.setAlerts({ w1, w2, cpu });
        QCOMPARE(keysOf(model), (QStringList { w1.key(), w2.key(), cpu.key() }));
        QCOMPARE(model.index(0).data(ActiveAlertsModel::IsGroupedRole).toBool(), false);
        QCOMPARE(model.index(0).data(ActiveAlertsModel::CausedByTextRole).toString(),
            QStringLiteral("caused by redis_down/redis"));
        QCOMPARE(reset.count(), 0);
    }

    void duplicatesAndCyclesAreHarmless()
    {
        ActiveAlertsModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const AlertTransition a = alert(QStringLiteral("a"), QStringLiteral("x"), Severity::Warning,
            QStringLiteral("a"), T0, QStringLiteral("b/x"));
        const AlertTransition b = alert(QStringLiteral("b"), QStringLiteral("x"), Severity::Warning,
            QStringLiteral("b"), T0, QStringLiteral("a/x"));
        model.setAlerts({ a, b, a });
        QCOMPARE(model.rowCount(), 2);
        const QStringList keys = keysOf(model);
        QCOMPARE(QSet<QString>(keys.cbegin(), keys.cend()), (QSet<QString> { a.key(), b.key() }));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestActiveAlertsModel)
#include "tst_activealertsmodel.moc"
