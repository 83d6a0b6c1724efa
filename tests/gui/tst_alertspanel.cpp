// The alerts page as an operator uses it, offscreen: the active alerts with their root cause,
// the history narrowed by each filter, acknowledge / silence / export leaving as requests with
// what was selected and typed, the store re-queried once per burst of typing, the status line,
// and the tray notifier doing nothing where there is no tray (and grouping where there is).
#include "models/items/ActiveAlertsModel.h"
#include "models/items/AlertHistoryFilter.h"
#include "models/items/AlertHistoryModel.h"
#include "services/history/AlertHistory.h"
#include "views/alerts/AlertsPanel.h"
#include "views/alerts/TrayNotifier.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace cw;

namespace {

constexpr qint64 kHour = 3'600'000;
constexpr qint64 kDay = 24 * kHour;

AlertTransition row(qint64 id, qint64 timeMs, const QString &rule, const QString &subject,
    Severity severity, AlertState state, const QString &summary,
    const QString &causedBy = QString())
{
    AlertTransition t;
    t.id = id;
    t.timeMs = timeMs;
    t.rule = rule;
    t.subject = subject;
    t.severity = severity;
    t.state = state;
    t.summary = summary;
    t.causedBy = causedBy;
    return t;
}

int selectData(QComboBox *combo, const QVariant &data)
{
    const int index = combo->findData(data);
    if (index >= 0)
        combo->setCurrentIndex(index);
    return index;
}

QList<qint64> shownIds(const QAbstractItemModel *model)
{
    QList<qint64> ids;
    for (int r = 0; r < model->rowCount(); ++r)
        ids << model->index(r, 0).data(AlertHistoryModel::TransitionIdRole).toLongLong();
    return ids;
}

} // namespace

class TestAlertsPanel : public QObject {
    Q_OBJECT
private:
    qint64 m_now = 0;

    // Newest first: ids 1..7 spread over 100 days, all three severities, four rules.
    QList<AlertTransition> historyRows() const
    {
        const QString cause = QStringLiteral("redis_down/redis");
        return {
            row(7, m_now - 50'000, QStringLiteral("redis_down"), QStringLiteral("redis"),
                Severity::Critical, AlertState::Firing,
                QStringLiteral("Redis unreachable: ECONNREFUSED 127.0.0.1:6379")),
            row(6, m_now - 60'000, QStringLiteral("readiness_failing"),
                QStringLiteral("n8n-worker-1"), Severity::Critical, AlertState::Firing,
                QStringLiteral("readiness 503 on n8n-worker-1"), cause),
            row(5, m_now - 2 * kHour + 60'000, QStringLiteral("cpu_high"),
                QStringLiteral("n8n-main"), Severity::Warning, AlertState::Resolved,
                QStringLiteral("CPU 41 % on n8n-main")),
            row(4, m_now - 2 * kHour, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
                Severity::Warning, AlertState::Firing, QStringLiteral("CPU 93 % on n8n-main")),
            row(3, m_now - 3 * kDay + 1000, QStringLiteral("queue_backlog"),
                QStringLiteral("queue"), Severity::Warning, AlertState::Firing,
                QStringLiteral("1,204 jobs waiting")),
            row(2, m_now - 3 * kDay, QStringLiteral("redis_no_persistence"),
                QStringLiteral("redis"), Severity::Info, AlertState::Firing,
                QStringLiteral("AOF disabled")),
            row(1, m_now - 100 * kDay, QStringLiteral("redis_down"), QStringLiteral("redis"),
                Severity::Critical, AlertState::Resolved, QStringLiteral("Redis answers again")),
        };
    }

    QList<AlertTransition> activeRows() const
    {
        const QString cause = QStringLiteral("redis_down/redis");
        return {
            row(0, m_now - 95'000, QStringLiteral("redis_down"), QStringLiteral("redis"),
                Severity::Critical, AlertState::Firing,
                QStringLiteral("Redis unreachable: ECONNREFUSED 127.0.0.1:6379")),
            row(0, m_now - 80'000, QStringLiteral("readiness_failing"),
                QStringLiteral("n8n-worker-1"), Severity::Critical, AlertState::Firing,
                QStringLiteral("n8n-worker-1 /healthz/readiness: 503"), cause),
            row(0, m_now - 78'000, QStringLiteral("readiness_failing"),
                QStringLiteral("n8n-worker-2"), Severity::Critical, AlertState::Firing,
                QStringLiteral("n8n-worker-2 /healthz/readiness: 503"), cause),
            row(0, m_now - 20 * 60'000, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
                Severity::Warning, AlertState::Firing,
                QStringLiteral("CPU 93 % on n8n-main (> 80 % for 30 s)")),
            row(0, m_now - 10'000, QStringLiteral("queue_backlog"), QStringLiteral("queue"),
                Severity::Warning, AlertState::Pending,
                QStringLiteral("1,204 jobs waiting (> 1,000)")),
        };
    }

    static void selectRows(QTableView *view, const QList<int> &rows)
    {
        view->clearSelection();
        for (int r : rows)
            view->selectionModel()->select(view->model()->index(r, 0),
                QItemSelectionModel::Select | QItemSelectionModel::Rows);
        if (!rows.isEmpty())
            view->selectionModel()->setCurrentIndex(
                view->model()->index(rows.first(), 0), QItemSelectionModel::NoUpdate);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        registerAlertHistoryMetaTypes();
        m_now = QDateTime::currentMSecsSinceEpoch();
    }

    void activeAlertsWithTheirCause()
    {
        AlertHistoryModel history;
        AlertsPanel panel(&history);
        auto *header = panel.findChild<QLabel *>(QStringLiteral("activeAlertsHeader"));
        QVERIFY(header);
        QVERIFY2(
            header->text().contains(QLatin1String("No active alerts")), qPrintable(header->text()));
        panel.setActiveAlerts(activeRows());
        QCOMPARE(panel.activeView()->model()->rowCount(), 5);
        QCOMPARE(
            header->text(), QStringLiteral("5 active alerts: 3 critical · 2 warning · 1 pending"));
        const QAbstractItemModel *model = panel.activeView()->model();
        QCOMPARE(model->index(0, 0).data(ActiveAlertsModel::GroupedTextRole).toString(),
            QStringLiteral("+2 grouped"));
        QCOMPARE(model->index(1, 0).data(ActiveAlertsModel::CausedByTextRole).toString(),
            QStringLiteral("caused by redis_down/redis"));
        // Grouped rows are set smaller than their cause.
        panel.resize(1000, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.activeView()->visualRect(model->index(1, 0)).height()
            < panel.activeView()->visualRect(model->index(0, 0)).height());
        panel.setActiveAlerts({});
        QVERIFY(header->text().contains(QLatin1String("all clear")));
    }

    void filtersNarrowTheTable()
    {
        AlertHistoryModel history;
        history.setRows(historyRows());
        AlertsPanel panel(&history);
        panel.setKnownRules({ QStringLiteral("worker_stalled") });
        panel.setKnownSubjects({ QStringLiteral("n8n-worker-2") });
        const QAbstractItemModel *shown = panel.historyView()->model();
        QCOMPARE(shown->rowCount(), 7);
        QCOMPARE(shownIds(shown), (QList<qint64> { 7, 6, 5, 4, 3, 2, 1 }));

        auto *rule = panel.findChild<QComboBox *>(QStringLiteral("ruleFilter"));
        auto *subject = panel.findChild<QComboBox *>(QStringLiteral("subjectFilter"));
        auto *range = panel.findChild<QComboBox *>(QStringLiteral("rangeFilter"));
        auto *info = panel.findChild<QCheckBox *>(QStringLiteral("severity_info"));
        auto *warning = panel.findChild<QCheckBox *>(QStringLiteral("severity_warning"));
        auto *critical = panel.findChild<QCheckBox *>(QStringLiteral("severity_critical"));
        QVERIFY(rule && subject && range && info && warning && critical);
        // Offered: what the history holds plus what the cluster file names.
        QVERIFY(rule->findData(QStringLiteral("worker_stalled")) > 0);
        QVERIFY(rule->findData(QStringLiteral("queue_backlog")) > 0);
        QVERIFY(subject->findData(QStringLiteral("n8n-worker-2")) > 0);
        QVERIFY(subject->findData(QStringLiteral("n8n-main")) > 0);

        info->setChecked(false);
        QCOMPARE(shownIds(shown), (QList<qint64> { 7, 6, 5, 4, 3, 1 }));
        warning->setChecked(false);
        QCOMPARE(shownIds(shown), (QList<qint64> { 7, 6, 1 }));
        critical->setChecked(false); // the last one stays ticked: nothing ticked would mean "all"
        QVERIFY(critical->isChecked());
        QCOMPARE(shownIds(shown), (QList<qint64> { 7, 6, 1 }));
        warning->setChecked(true);
        info->setChecked(true);
        QCOMPARE(shown->rowCount(), 7);

        QVERIFY(selectData(rule, QStringLiteral("redis_down")) > 0);
        QCOMPARE(shownIds(shown), (QList<qint64> { 7, 1 }));
        QVERIFY(selectData(range, 90 * kDay) >= 0);
        QCOMPARE(shownIds(shown), (QList<qint64> { 7 }));
        QVERIFY(selectData(rule, QString()) == 0);
        QVERIFY(selectData(subject, QStringLiteral("n8n-main")) > 0);
        QCOMPARE(shownIds(shown), (QList<qint64> { 5, 4 }));
        QVERIFY(selectData(range, kHour) >= 0);
        QCOMPARE(shown->rowCount(), 0);
        QVERIFY(selectData(subject, QString()) == 0);
        QCOMPARE(shownIds(shown), (QList<qint64> { 7, 6 }));
        QVERIFY(selectData(range, 7 * kDay) >= 0);
        QCOMPARE(shownIds(shown), (QList<qint64> { 7, 6, 5, 4, 3, 2 }));

        // Search waits for the typing to stop, then matches summary, subject or rule.
        auto *search = panel.findChild<QLineEdit *>(QStringLiteral("historySearch"));
        QVERIFY(search);
        QTest::keyClicks(search, QStringLiteral("econnrefused"));
        QCOMPARE(shown->rowCount(), 6); // not yet
        QTRY_COMPARE_WITH_TIMEOUT(shownIds(shown), (QList<qint64> { 7 }), 2000);
        search->setText(QStringLiteral("n8n-worker"));
        QTRY_COMPARE_WITH_TIMEOUT(shownIds(shown), (QList<qint64> { 6 }), 2000);

        auto *status = panel.findChild<QLabel *>(QStringLiteral("historyStatus"));
        QVERIFY(status);
        QVERIFY2(status->text().startsWith(QLatin1String("history: 1 row of 7 loaded")),
            qPrintable(status->text()));
    }

    void queryRequestedOnceAfterTyping()
    {
        AlertHistoryModel history(1234);
        history.setRows(historyRows());
        AlertsPanel panel(&history);
        QSignalSpy requested(&panel, &AlertsPanel::queryRequested);
        auto *search = panel.findChild<QLineEdit *>(QStringLiteral("historySearch"));
        QTest::keyClicks(search, QStringLiteral("worker"), Qt::NoModifier, 30);
        QCOMPARE(requested.count(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, 2000);
        QTest::qWait(3 * AlertsPanel::kDebounceMs);
        QCOMPARE(requested.count(), 1);
        const auto q = requested.at(0).at(0).value<HistoryQuery>();
        QCOMPARE(q.search, QStringLiteral("worker"));
        QCOMPARE(q.limit, 1234);
        QVERIFY(q.severities.isEmpty());
        QCOMPARE(q.fromMs, qint64(0));

        // A combo change asks once too, with the new filter.
        auto *range = panel.findChild<QComboBox *>(QStringLiteral("rangeFilter"));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        selectData(range, kDay);
        QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 2, 2000);
        const auto q2 = requested.at(1).at(0).value<HistoryQuery>();
        QVERIFY(
            q2.fromMs >= before - kDay && q2.fromMs <= QDateTime::currentMSecsSinceEpoch() - kDay);
        QCOMPARE(q2.search, QStringLiteral("worker"));
    }

    void acknowledgeSendsSelectionAndComment()
    {
        AlertHistoryModel history;
        history.setRows(historyRows());
        AlertsPanel panel(&history);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto *ack = panel.findChild<QPushButton *>(QStringLiteral("ackButton"));
        QVERIFY(ack);
        QVERIFY(!ack->isEnabled()); // nothing selected
        QSignalSpy requested(&panel, &AlertsPanel::acknowledgeRequested);

        selectRows(panel.historyView(), { 0, 2 }); // ids 7 and 5
        QVERIFY(ack->isEnabled());
        QTest::mouseClick(ack, Qt::LeftButton);
        auto *dialog = panel.findChild<QInputDialog *>(QStringLiteral("ackDialog"));
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY2(dialog->labelText().contains(QLatin1String("2 history entries")),
            qPrintable(dialog->labelText()));
        QCOMPARE(requested.count(), 0); // nothing until confirmed
        dialog->setTextValue(QStringLiteral("Redis restarted by hand, watching"));
        dialog->accept();
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(0).value<QList<qint64>>(), (QList<qint64> { 5, 7 }));
        QCOMPARE(
            requested.at(0).at(1).toString(), QStringLiteral("Redis restarted by hand, watching"));

        // Cancelled: no request.
        QTest::mouseClick(ack, Qt::LeftButton);
        QTRY_VERIFY(panel.findChild<QInputDialog *>(QStringLiteral("ackDialog")) != nullptr);
        auto *again = panel.findChild<QInputDialog *>(QStringLiteral("ackDialog"));
        again->reject();
        QCOMPARE(requested.count(), 1);
    }

    void silenceForTheChosenDuration()
    {
        AlertHistoryModel history;
        history.setRows(historyRows());
        AlertsPanel panel(&history);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy requested(&panel, &AlertsPanel::silenceRequested);
        selectRows(panel.historyView(), { 2 }); // cpu_high / n8n-main
        QTest::mouseClick(
            panel.findChild<QPushButton *>(QStringLiteral("silenceButton")), Qt::LeftButton);
        auto *dialog = panel.findChild<QDialog *>(QStringLiteral("silenceDialog"));
        QVERIFY(dialog);
        auto *rule = dialog->findChild<QLineEdit *>(QStringLiteral("silenceRule"));
        auto *subject = dialog->findChild<QLineEdit *>(QStringLiteral("silenceSubject"));
        auto *duration = dialog->findChild<QComboBox *>(QStringLiteral("silenceDuration"));
        auto *comment = dialog->findChild<QLineEdit *>(QStringLiteral("silenceComment"));
        auto *buttons = dialog->findChild<QDialogButtonBox *>();
        QVERIFY(rule && subject && duration && comment && buttons);
        QCOMPARE(rule->text(), QStringLiteral("cpu_high"));
        QCOMPARE(subject->text(), QStringLiteral("n8n-main"));
        QStringList choices;
        for (int i = 0; i < duration->count(); ++i)
            choices << duration->itemText(i);
        QCOMPARE(choices,
            (QStringList { QStringLiteral("15 minutes"), QStringLiteral("1 hour"),
                QStringLiteral("4 hours"), QStringLiteral("24 hours") }));
        QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
        // Emptying both fields would silence everything: refused.
        rule->clear();
        subject->clear();
        QVERIFY(!ok->isEnabled());
        subject->setText(QStringLiteral("n8n-main"));
        QVERIFY(ok->isEnabled());
        duration->setCurrentIndex(2);
        comment->setText(QStringLiteral("load test until 18:00"));
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QTest::mouseClick(ok, Qt::LeftButton);
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(requested.count(), 1);
        const auto s = requested.at(0).at(0).value<Silence>();
        QCOMPARE(s.rule, QString());
        QCOMPARE(s.subject, QStringLiteral("n8n-main"));
        QCOMPARE(s.comment, QStringLiteral("load test until 18:00"));
        QVERIFY(s.createdMs >= before && s.createdMs <= after);
        QCOMPARE(s.untilMs - s.createdMs, 4 * kHour);
        QVERIFY(
            s.matches(QStringLiteral("cpu_high"), QStringLiteral("n8n-main"), after + 3 * kHour));
        QVERIFY(
            !s.matches(QStringLiteral("cpu_high"), QStringLiteral("n8n-main"), after + 5 * kHour));
    }

    void exportWithTheFiltersShown()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        AlertHistoryModel history;
        history.setRows(historyRows());
        AlertsPanel panel(&history);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.findChild<QCheckBox *>(QStringLiteral("severity_info"))->setChecked(false);
        QVERIFY(selectData(panel.findChild<QComboBox *>(QStringLiteral("subjectFilter")),
                    QStringLiteral("redis"))
            > 0);
        QVERIFY(
            selectData(panel.findChild<QComboBox *>(QStringLiteral("rangeFilter")), 7 * kDay) >= 0);
        panel.findChild<QLineEdit *>(QStringLiteral("historySearch"))
            ->setText(QStringLiteral("unreachable"));
        QTRY_COMPARE_WITH_TIMEOUT(panel.historyView()->model()->rowCount(), 1, 2000);

        QSignalSpy requested(&panel, &AlertsPanel::exportRequested);
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QTest::mouseClick(
            panel.findChild<QPushButton *>(QStringLiteral("exportButton")), Qt::LeftButton);
        auto *dialog = panel.findChild<QFileDialog *>(QStringLiteral("exportDialog"));
        QVERIFY(dialog);
        QCOMPARE(dialog->acceptMode(), QFileDialog::AcceptSave);
        const QString path = dir.filePath(QStringLiteral("alerts.csv"));
        dialog->selectFile(path);
        static_cast<QDialog *>(dialog)->accept(); // public there, QFileDialog's override runs
        QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, 2000);
        QCOMPARE(QDir::cleanPath(requested.at(0).at(0).toString()), QDir::cleanPath(path));
        const auto q = requested.at(0).at(1).value<HistoryQuery>();
        QVERIFY(q.severities == (QList<Severity> { Severity::Critical, Severity::Warning }));
        QCOMPARE(q.subject, QStringLiteral("redis"));
        QCOMPARE(q.rule, QString());
        QCOMPARE(q.search, QStringLiteral("unreachable"));
        QVERIFY(q.fromMs >= before - 7 * kDay
            && q.fromMs <= QDateTime::currentMSecsSinceEpoch() - 7 * kDay);
        QCOMPARE(q.toMs, qint64(0));
        QVERIFY(q.limit <= 0); // the whole matching history, not the rows loaded
        // The same filters as the rows on screen.
        const HistoryQuery shown = panel.currentQuery();
        QVERIFY(shown.severities == q.severities);
        QCOMPARE(shown.subject, q.subject);
        QCOMPARE(shown.search, q.search);
    }

    void statusLine()
    {
        AlertHistoryModel history;
        QList<AlertTransition> many;
        for (int i = 1; i <= 1234; ++i)
            many << row(i, m_now - i * 1000, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
                Severity::Warning, AlertState::Firing, QStringLiteral("CPU"));
        history.setRows(many);
        AlertsPanel panel(&history);
        auto *status = panel.findChild<QLabel *>(QStringLiteral("historyStatus"));
        QCOMPARE(status->text(), QStringLiteral("history: 1,234 rows"));
        panel.setPending(2);
        panel.showHistoryError(QStringLiteral("/tmp/x/alerts.sqlite: database is locked"));
        QCOMPARE(status->text(),
            QStringLiteral("history: 1,234 rows · 2 writes pending · last error: "
                           "/tmp/x/alerts.sqlite: database is locked"));
        panel.setPending(0);
        panel.showHistoryError(QString());
        panel.showExportResult(QStringLiteral("/tmp/a.csv"), 1234, QString());
        QCOMPARE(status->text(),
            QStringLiteral("history: 1,234 rows · exported 1,234 rows to /tmp/a.csv"));
        panel.showExportResult(
            QStringLiteral("/root/no.csv"), 0, QStringLiteral("Permission denied"));
        QVERIFY(status->text().endsWith(
            QLatin1String("export to /root/no.csv failed: Permission denied")));
        // A live transition counts at once.
        history.prepend(row(5000, m_now, QStringLiteral("redis_down"), QStringLiteral("redis"),
            Severity::Critical, AlertState::Firing, QStringLiteral("down")));
        QVERIFY(status->text().startsWith(QLatin1String("history: 1,235 rows")));
    }

    void trayWithoutTrayDoesNothing()
    {
        QVERIFY2(
            !QSystemTrayIcon::isSystemTrayAvailable(), "the offscreen platform has no system tray");
        TrayNotifier tray;
        QVERIFY(!tray.available());
        QVERIFY(tray.findChildren<QSystemTrayIcon *>().isEmpty());
        QSignalSpy shown(&tray, &TrayNotifier::messageShown);
        tray.notify(row(1, m_now, QStringLiteral("redis_down"), QStringLiteral("redis"),
            Severity::Critical, AlertState::Firing, QStringLiteral("Redis unreachable")));
        tray.setActiveAlerts(activeRows());
        QTest::qWait(50);
        QCOMPARE(shown.count(), 0);
    }

    void trayGroupsABurst()
    {
        TrayNotifier tray(true, nullptr); // as if the desktop had a tray
        QVERIFY(tray.available());
        QCOMPARE(tray.interval(), 10'000);
        tray.setInterval(300);
        QSignalSpy shown(&tray, &TrayNotifier::messageShown);
        // Not worth a message: pending, and info.
        tray.notify(row(1, m_now, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
            Severity::Warning, AlertState::Pending, QStringLiteral("CPU 85 %")));
        tray.notify(row(2, m_now, QStringLiteral("redis_no_persistence"), QStringLiteral("redis"),
            Severity::Info, AlertState::Firing, QStringLiteral("AOF off")));
        QCOMPARE(shown.count(), 0);

        tray.notify(row(3, m_now, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
            Severity::Warning, AlertState::Firing, QStringLiteral("CPU 93 % on n8n-main")));
        QCOMPARE(shown.count(), 1);
        QCOMPARE(shown.at(0).at(0).toString(), QStringLiteral("WARNING firing: cpu_high/n8n-main"));
        // A burst inside the interval: one more message, led by the critical one.
        for (int i = 1; i <= 4; ++i) {
            tray.notify(row(10 + i, m_now, QStringLiteral("readiness_failing"),
                QStringLiteral("n8n-worker-%1").arg(i), Severity::Critical, AlertState::Firing,
                QStringLiteral("readiness 503"), QStringLiteral("redis_down/redis")));
        }
        tray.notify(row(20, m_now, QStringLiteral("redis_down"), QStringLiteral("redis"),
            Severity::Critical, AlertState::Firing, QStringLiteral("Redis unreachable")));
        QCOMPARE(shown.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, 2000);
        QCOMPARE(shown.at(1).at(0).toString(),
            QStringLiteral("CRITICAL firing: readiness_failing/n8n-worker-1"));
        const QString text = shown.at(1).at(1).toString();
        QVERIFY2(text.contains(QLatin1String("caused by redis_down/redis")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("+4 more: readiness_failing/n8n-worker-2")),
            qPrintable(text));
        QTest::qWait(700);
        QCOMPARE(shown.count(), 2); // nothing queued: no empty message
        tray.notify(row(30, m_now, QStringLiteral("redis_down"), QStringLiteral("redis"),
            Severity::Critical, AlertState::Resolved, QStringLiteral("Redis answers again")));
        QCOMPARE(shown.count(), 3);
        QCOMPARE(shown.at(2).at(0).toString(), QStringLiteral("Resolved: redis_down/redis"));
    }

    void screenshot()
    {
        const QString dir = qEnvironmentVariable("CW_SCREENSHOT_DIR");
        AlertHistoryModel history;
        QList<AlertTransition> rows = historyRows();
        rows[0].notify = NotifyStatus::Sent;
        rows[1].notify = NotifyStatus::Failed;
        rows[1].notifyError = QStringLiteral("ops-slack: HTTP 500");
        rows[3].ackTimeMs = m_now - kHour;
        rows[3].ackBy = QStringLiteral("maria");
        history.setRows(rows);
        AlertsPanel panel(&history);
        panel.setActiveAlerts(activeRows());
        panel.setPending(2);
        panel.resize(1280, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const QImage image = panel.grab().toImage();
        QVERIFY(!image.isNull());
        if (!dir.isEmpty()) {
            QVERIFY(QDir().mkpath(dir));
            QVERIFY(image.save(QDir(dir).filePath(QStringLiteral("alerts-panel.png"))));
        }
    }
};

QTEST_MAIN(TestAlertsPanel)
#include "tst_alertspanel.moc"
