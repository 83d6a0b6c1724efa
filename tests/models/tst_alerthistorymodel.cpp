// The alert history table: newest on top, bounded, live rows inserted without a reset,
// notification and acknowledgement changes touching only their row and roles, and the view's
// live filter.
#include "models/items/AlertHistoryFilter.h"
#include "models/items/AlertHistoryModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace cw;

namespace {

constexpr qint64 T0 = 1'764'000'000'000;

AlertTransition make(qint64 id, qint64 timeMs, const QString &rule, const QString &subject,
    Severity severity, const QString &summary, const QString &detail = QString())
{
    AlertTransition t;
    t.id = id;
    t.timeMs = timeMs;
    t.rule = rule;
    t.subject = subject;
    t.severity = severity;
    t.state = AlertState::Firing;
    t.summary = summary;
    t.detail = detail;
    return t;
}

QList<qint64> idsOf(const QAbstractItemModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, 0).data(AlertHistoryModel::TransitionIdRole).toLongLong();
    return ids;
}

QList<int> sorted(QList<int> roles)
{
    std::sort(roles.begin(), roles.end());
    return roles;
}

} // namespace

class TestAlertHistoryModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        qRegisterMetaType<QList<int>>();
    }

    void columnsAndRoles()
    {
        AlertHistoryModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.columnCount(), 8);
        QCOMPARE(model.headerData(AlertHistoryModel::SummaryColumn, Qt::Horizontal).toString(),
            QStringLiteral("Summary"));
        AlertTransition t
            = make(7, T0, QStringLiteral("redis_down"), QStringLiteral("redis"), Severity::Critical,
                QStringLiteral("Redis unreachable"), QStringLiteral("ECONNREFUSED 127.0.0.1:6379"));
        t.causedBy = QStringLiteral("host_down/db1");
        t.notify = NotifyStatus::Failed;
        t.notifyError = QStringLiteral("ops-slack: HTTP 500");
        model.setRows({ t });
        auto cell = [&model](int column, int role = Qt::DisplayRole) {
            return model.index(0, column).data(role);
        };
        QCOMPARE(cell(AlertHistoryModel::TimeColumn).toString(), AlertHistoryModel::timeText(T0));
        QCOMPARE(cell(AlertHistoryModel::TimeColumn).toString().size(), 19); // yyyy-MM-dd HH:mm:ss
        QCOMPARE(cell(AlertHistoryModel::SeverityColumn).toString(), QStringLiteral("critical"));
        QCOMPARE(cell(AlertHistoryModel::StateColumn).toString(), QStringLiteral("firing"));
        QCOMPARE(cell(AlertHistoryModel::RuleColumn).toString(), QStringLiteral("redis_down"));
        QCOMPARE(cell(AlertHistoryModel::SubjectColumn).toString(), QStringLiteral("redis"));
        QCOMPARE(
            cell(AlertHistoryModel::SummaryColumn).toString(), QStringLiteral("Redis unreachable"));
        QVERIFY(cell(AlertHistoryModel::SummaryColumn, Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("ECONNREFUSED")));
        QCOMPARE(cell(AlertHistoryModel::NotificationColumn).toString(),
            QStringLiteral("failed: ops-slack: HTTP 500"));
        QCOMPARE(cell(AlertHistoryModel::AckColumn).toString(), QString());
        // Row-level roles answer on every column.
        for (int column = 0; column < model.columnCount(); ++column) {
            QCOMPARE(
                cell(column, AlertHistoryModel::SeverityRole).toInt(), int(Severity::Critical));
            QCOMPARE(cell(column, AlertHistoryModel::TransitionIdRole).toLongLong(), 7);
        }
        QCOMPARE(cell(0, AlertHistoryModel::StateRole).toInt(), int(AlertState::Firing));
        QCOMPARE(cell(0, AlertHistoryModel::TimeRole).toLongLong(), T0);
        QCOMPARE(cell(0, AlertHistoryModel::AckRole).toBool(), false);
        QCOMPARE(cell(0, AlertHistoryModel::NotifyRole).toInt(), int(NotifyStatus::Failed));
        QCOMPARE(
            cell(0, AlertHistoryModel::CausedByRole).toString(), QStringLiteral("host_down/db1"));
        QCOMPARE(
            cell(0, AlertHistoryModel::TransitionRole).value<AlertTransition>().detail, t.detail);
        QCOMPARE(model.roleNames().value(AlertHistoryModel::SeverityRole), QByteArray("severity"));
    }

    void setRowsSortsNewestFirstAndBounds()
    {
        AlertHistoryModel model(3);
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        // An oldest-first query result is shown newest first; same millisecond: higher id on top.
        model.setRows({ make(1, T0, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                            QStringLiteral("a")),
            make(2, T0 + 10, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                QStringLiteral("b")),
            make(3, T0 + 10, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                QStringLiteral("c")),
            make(4, T0 + 20, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                QStringLiteral("d")) });
        QCOMPARE(idsOf(model), (QList<qint64> { 4, 3, 2 }));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void prependBeyondTheBound()
    {
        AlertHistoryModel model(3);
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        for (qint64 id = 1; id <= 5; ++id)
            model.prepend(make(id, T0 + id, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
                Severity::Warning, QString::number(id)));
        QCOMPARE(idsOf(model), (QList<qint64> { 5, 4, 3 }));
        QCOMPARE(inserted.count(), 5);
        for (const QList<QVariant> &args : std::as_const(inserted)) {
            QCOMPARE(args.at(1).toInt(), 0); // always on top
            QCOMPARE(args.at(2).toInt(), 0);
        }
        QCOMPARE(removed.count(), 2);
        QCOMPARE(removed.last().at(1).toInt(), 2); // the oldest, at the bottom
        QCOMPARE(reset.count(), 0);

        // Already shown (a query result raced the live signal): updated, not duplicated.
        AlertTransition again = make(5, T0 + 5, QStringLiteral("cpu_high"),
            QStringLiteral("n8n-main"), Severity::Warning, QStringLiteral("5"));
        again.notify = NotifyStatus::Sent;
        model.prepend(again);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(
            model.index(0, 0).data(AlertHistoryModel::NotifyRole).toInt(), int(NotifyStatus::Sent));
        // Older than everything kept in a full model: nothing to show.
        model.prepend(make(9, T0 - 100, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
            Severity::Warning, QStringLiteral("old")));
        QCOMPARE(idsOf(model), (QList<qint64> { 5, 4, 3 }));
        // A late arrival goes where its time belongs.
        model.prepend(make(10, T0 + 4, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
            Severity::Warning, QStringLiteral("late")));
        QCOMPARE(idsOf(model), (QList<qint64> { 5, 10, 4 }));
    }

    void updateNamesOnlyTheChangedRowAndRoles()
    {
        AlertHistoryModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (qint64 id = 1; id <= 4; ++id)
            model.prepend(make(id, T0 + id, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
                Severity::Warning, QString::number(id)));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        model.setNotifyStatus(2, NotifyStatus::Failed, QStringLiteral("timeout"));
        QCOMPARE(changed.count(), 1);
        QModelIndex topLeft = changed.first().at(0).toModelIndex();
        QModelIndex bottomRight = changed.first().at(1).toModelIndex();
        QCOMPARE(topLeft.row(), 2); // id 2 is the third row from the top
        QCOMPARE(bottomRight.row(), 2);
        QCOMPARE(sorted(changed.first().at(2).value<QList<int>>()),
            sorted({ Qt::DisplayRole, Qt::ToolTipRole, AlertHistoryModel::NotifyRole,
                AlertHistoryModel::TransitionRole }));
        QCOMPARE(model.index(2, AlertHistoryModel::NotificationColumn).data().toString(),
            QStringLiteral("failed: timeout"));
        QCOMPARE(
            model.index(1, AlertHistoryModel::NotificationColumn).data().toString(), QString());

        changed.clear();
        model.setAcknowledged(
            { 1, 4, 99 }, QStringLiteral("alice"), QStringLiteral("on it"), T0 + 100);
        QCOMPARE(changed.count(), 2); // one per shown row; 99 is not shown
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 3);
        QCOMPARE(changed.at(1).at(0).toModelIndex().row(), 0);
        QCOMPARE(sorted(changed.first().at(2).value<QList<int>>()),
            sorted({ Qt::DisplayRole, Qt::ToolTipRole, AlertHistoryModel::AckRole,
                AlertHistoryModel::TransitionRole }));
        QCOMPARE(model.index(0, AlertHistoryModel::AckColumn).data().toString(),
            QStringLiteral("alice"));
        QVERIFY(model.index(0, AlertHistoryModel::AckColumn)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("on it")));
        QCOMPARE(model.index(0, 0).data(AlertHistoryModel::AckRole).toBool(), true);
        QCOMPARE(model.index(1, 0).data(AlertHistoryModel::AckRole).toBool(), false);

        // Nothing changed, nothing said; the same status again is not a change.
        changed.clear();
        model.setNotifyStatus(2, NotifyStatus::Failed, QStringLiteral("timeout"));
        model.setNotifyStatus(42, NotifyStatus::Sent, QString());
        QCOMPARE(changed.count(), 0);

        // A re-acknowledgement with a new comment changes the text, not AckRole.
        model.setAcknowledged({ 1 }, QStringLiteral("alice"), QStringLiteral("fixed"), T0 + 200);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(sorted(changed.first().at(2).value<QList<int>>()),
            sorted({ Qt::DisplayRole, Qt::ToolTipRole, AlertHistoryModel::TransitionRole }));
    }

    void filterProxy()
    {
        AlertHistoryModel model;
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        AlertHistoryFilter filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(
            &filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows({
            make(1, T0 + 1000, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
                Severity::Warning, QStringLiteral("CPU 93 %")),
            make(2, T0 + 2000, QStringLiteral("cpu_high"), QStringLiteral("n8n-worker-1"),
                Severity::Critical, QStringLiteral("CPU 99 %")),
            make(3, T0 + 3000, QStringLiteral("redis_down"), QStringLiteral("redis"),
                Severity::Critical, QStringLiteral("Redis unreachable"),
                QStringLiteral("ECONNREFUSED")),
            make(4, T0 + 4000, QStringLiteral("worker_stalled"), QStringLiteral("n8n-worker-1"),
                Severity::Info, QStringLiteral("idle")),
        });
        QCOMPARE(idsOf(filter), (QList<qint64> { 4, 3, 2, 1 }));

        filter.setSeverities({ Severity::Critical });
        QCOMPARE(idsOf(filter), (QList<qint64> { 3, 2 }));
        filter.setSubject(QStringLiteral("n8n-worker-1"));
        QCOMPARE(idsOf(filter), (QList<qint64> { 2 }));
        filter.setSeverities({});
        QCOMPARE(idsOf(filter), (QList<qint64> { 4, 2 }));
        filter.setRule(QStringLiteral("worker_stalled"));
        QCOMPARE(idsOf(filter), (QList<qint64> { 4 }));

        filter.clearFilters();
        filter.setTimeRange(T0 + 2000, T0 + 4000); // [from, to)
        QCOMPARE(idsOf(filter), (QList<qint64> { 3, 2 }));
        filter.setTimeRange(T0 + 2500, 0);
        QCOMPARE(idsOf(filter), (QList<qint64> { 4, 3 }));

        filter.clearFilters();
        filter.setSearchText(QStringLiteral("cpu")); // summary and rule, any case
        QCOMPARE(idsOf(filter), (QList<qint64> { 2, 1 }));
        filter.setSearchText(QStringLiteral("econnrefused")); // detail
        QCOMPARE(idsOf(filter), (QList<qint64> { 3 }));
        filter.setSearchText(QStringLiteral("WORKER-1")); // subject
        QCOMPARE(idsOf(filter), (QList<qint64> { 4, 2 }));

        // Live rows pass through the filter as they arrive.
        filter.setSearchText({});
        filter.setSeverities({ Severity::Critical });
        model.prepend(make(5, T0 + 5000, QStringLiteral("redis_down"), QStringLiteral("redis"),
            Severity::Critical, QStringLiteral("still down")));
        model.prepend(make(6, T0 + 6000, QStringLiteral("redis_down"), QStringLiteral("redis"),
            Severity::Info, QStringLiteral("resolved")));
        QCOMPARE(idsOf(filter), (QList<qint64> { 5, 3, 2 }));
        QCOMPARE(filter.index(0, AlertHistoryModel::SummaryColumn).data().toString(),
            QStringLiteral("still down"));
    }
};

QTEST_GUILESS_MAIN(TestAlertHistoryModel)
#include "tst_alerthistorymodel.moc"
