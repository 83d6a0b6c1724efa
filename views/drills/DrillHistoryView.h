#pragma once

#include "models/DrillRecord.h"
#include "services/drills/DrillJournal.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace cw {

class DrillHistoryModel;

/// The drills run on this cluster, newest first: when, which drill, target, fault, verdict
/// (a coloured badge), RTO and the prober's failed / slow requests. A drill the app did not
/// finish reads "interrupted — roll back?" and offers Roll back. Requests leave as signals.
class DrillHistoryView final : public QWidget {
    Q_OBJECT
public:
    explicit DrillHistoryView(QWidget *parent = nullptr);

    /// listDrillJournals(); @p errors: the journals that did not read, said under the table.
    void setEntries(const QList<cw::DrillJournalEntry> &entries, const QStringList &errors = {});
    /// The drill running now (not "interrupted" although its journal says running).
    void setRunningId(const QString &id);

    [[nodiscard]] DrillHistoryModel *model() const { return m_model; }
    [[nodiscard]] QTableView *table() const { return m_table; }
    /// Selects @p row (tests, and keyboard users arriving from elsewhere).
    void selectRow(int row);

Q_SIGNALS:
    void openReportRequested(const QString &journalPath);
    void rerunRequested(const cw::DrillRecord &record);
    /// Only for a drill the app did not finish (InterruptedRole).
    void rollbackRequested(const cw::DrillRecord &record);

private:
    void updateButtons();
    [[nodiscard]] int selectedRow() const;

    DrillHistoryModel *m_model;
    QTableView *m_table = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_report = nullptr;
    QPushButton *m_rerun = nullptr;
    QPushButton *m_rollback = nullptr;
    QStringList m_errors;
};

} // namespace cw
