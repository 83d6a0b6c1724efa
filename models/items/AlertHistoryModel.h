#pragma once

#include "models/Alert.h"

#include <QAbstractTableModel>
#include <QList>

namespace cw {

/// The alert history table: newest transition on top, at most maxRows() rows in memory (the
/// persistent store is the source of truth; setRows() loads a query's result). GUI-free:
/// colours are up to the view, from SeverityRole.
class AlertHistoryModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        SeverityColumn,
        StateColumn,
        RuleColumn,
        SubjectColumn,
        SummaryColumn,
        NotificationColumn,
        AckColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    /// Row-level roles, the same on every column of a row.
    enum Roles {
        SeverityRole = Qt::UserRole + 1, ///< int (cw::Severity)
        StateRole, ///< int (cw::AlertState)
        TransitionIdRole, ///< qint64, the history row id
        TimeRole, ///< qint64, ms since the epoch
        AckRole, ///< bool, acknowledged
        NotifyRole, ///< int (cw::NotifyStatus)
        RuleRole, ///< QString
        SubjectRole, ///< QString
        SummaryRole, ///< QString
        DetailRole, ///< QString
        CausedByRole, ///< QString, "rule/subject" of the root cause
        TransitionRole, ///< cw::AlertTransition, the whole row
    };

    explicit AlertHistoryModel(int maxRows = 5000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int maxRows() const { return m_maxRows; }
    const AlertTransition &at(int row) const { return m_rows.at(row); }
    /// Row of the transition with @p id, or -1.
    int rowOf(qint64 id) const;

    /// Display text of a time (local time, "yyyy-MM-dd HH:mm:ss").
    static QString timeText(qint64 ms);

public Q_SLOTS:
    /// Replaces everything by a query's result (sorted newest first, cut to maxRows()).
    void setRows(const QList<cw::AlertTransition> &rows);
    /// A live transition: inserted on top; the oldest row drops out beyond maxRows().
    /// A transition already shown (same id) is updated instead.
    void prepend(const cw::AlertTransition &transition);
    /// Replaces the row with @p transition's id; dataChanged() names only the roles that changed.
    void update(const cw::AlertTransition &transition);
    /// Same signature as AlertHistory::notifyStatusChanged.
    void setNotifyStatus(qint64 id, cw::NotifyStatus status, const QString &error);
    /// Same signature as AlertHistory::acknowledged.
    void setAcknowledged(
        const QList<qint64> &ids, const QString &by, const QString &comment, qint64 timeMs);
    void clear();

private:
    QList<AlertTransition> m_rows;
    int m_maxRows;
};

} // namespace cw
