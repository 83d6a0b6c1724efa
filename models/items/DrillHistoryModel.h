#pragma once

#include "models/DrillRecord.h"

#include <QAbstractTableModel>
#include <QList>
#include <QString>

namespace cw {

/// One drill of the history: its journal's path and what the journal holds. The same shape as
/// services/drills' DrillJournalEntry, spelled here because item models do not include services.
struct DrillHistoryEntry {
    QString path;
    DrillRecord record;
    bool operator==(const DrillHistoryEntry &) const = default;
};

/// The drills run on this cluster, newest first, one row per journal. A journal still
/// "running" is a drill the app did not finish (unless it is the one running now,
/// setRunningId()): it reads "interrupted — roll back?". GUI-free: verdict colours are up to
/// the view, from VerdictRole and InterruptedRole. setEntries() updates rows in place.
class DrillHistoryModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        StartedColumn,
        NameColumn,
        TargetColumn,
        FaultColumn,
        VerdictColumn,
        RtoColumn,
        FailedColumn,
        SlowColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    /// Row-level roles, the same on every column of a row.
    enum Roles {
        VerdictRole = Qt::UserRole + 1, ///< int (cw::DrillVerdict)
        InterruptedRole, ///< bool: verdict running, and not the drill running now
        PathRole, ///< QString, the journal's path
        RecordRole, ///< cw::DrillRecord, the whole record
        StartedRole, ///< qint64, ms since the epoch
        IdRole, ///< QString, the drill's id
    };

    explicit DrillHistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    [[nodiscard]] const DrillHistoryEntry &at(int row) const { return m_rows.at(row); }
    /// Row of the drill with @p id, or -1.
    [[nodiscard]] int rowOf(const QString &id) const;
    [[nodiscard]] QString runningId() const { return m_runningId; }
    [[nodiscard]] bool isInterrupted(int row) const;

    /// "passed", "deviated", "aborted", "refused", "dry run"; "running" for the drill running
    /// now, "interrupted — roll back?" for one the app did not finish.
    static QString verdictText(const DrillRecord &record, bool runningNow);

public Q_SLOTS:
    /// The journals (any order; shown newest first). Rows that stay are updated in place,
    /// naming only the rows that changed; new ones are inserted where they belong.
    void setEntries(const QList<cw::DrillHistoryEntry> &entries);
    /// The drill running now (its journal says "running" too, but it is not interrupted);
    /// empty when none.
    void setRunningId(const QString &id);

private:
    [[nodiscard]] int rowOfKey(const QString &key) const;
    void emitRowChanged(int row);

    QList<DrillHistoryEntry> m_rows;
    QString m_runningId;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::DrillHistoryEntry)
