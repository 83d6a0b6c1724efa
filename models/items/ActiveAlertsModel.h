#pragma once

#include "models/Alert.h"

#include <QAbstractListModel>
#include <QList>
#include <QStringList>

namespace cw {

/// The alerts active now (pending, firing, flapping), one row per (rule, subject), for the wall
/// screen. Fed with AlertEngine::activeAlerts() on every activeAlertsChanged(): setAlerts()
/// updates in place (rows inserted, moved, removed, and dataChanged() naming only the changed
/// roles of the changed rows), never a reset.
///
/// Root-cause grouping: an alert whose cause ("rule/subject" in causedBy) is active too is shown
/// right under its cause (IsGroupedRole, CausedByTextRole "caused by redis_down/redis"), and
/// the cause's row counts them (GroupedCountRole, GroupedTextRole "+2 grouped"). Otherwise the
/// engine's order is kept: critical first, then oldest first. GUI-free: colours are the view's.
///
/// An alert held firing after its condition cleared (recovery hold) says so: ClearingRole,
/// ResolvesAtRole and ClearingTextRole "clearing, resolves at 10:32 unless it recurs" (local
/// time), so its summary is not read as the current figure.
class ActiveAlertsModel final : public QAbstractListModel {
    Q_OBJECT
public:
    enum Roles {
        SeverityRole = Qt::UserRole + 1, ///< int (cw::Severity)
        StateRole, ///< int (cw::AlertState)
        SinceRole, ///< qint64, ms since the epoch: when it became what it is
        SummaryRole, ///< QString, the latest evidence
        DetailRole, ///< QString
        RuleRole, ///< QString
        SubjectRole, ///< QString
        KeyRole, ///< QString, "rule/subject"
        CausedByRole, ///< QString, "rule/subject" of the root cause, or empty
        CausedByTextRole, ///< QString, "caused by redis_down/redis", or empty
        IsGroupedRole, ///< bool, shown under its cause (the cause is active too)
        GroupedCountRole, ///< int, active alerts grouped under this one
        GroupedTextRole, ///< QString, "+2 grouped", or empty
        GroupedKeysRole, ///< QStringList, their "rule/subject" keys
        TransitionRole, ///< cw::AlertTransition, the whole record
        ClearingRole, ///< bool, held firing while its condition is clear
        ResolvesAtRole, ///< qint64, ms since the epoch: resolves then unless it recurs; 0 = not
                        ///< clearing
        ClearingTextRole, ///< QString, "clearing, resolves at 10:32 unless it recurs", or empty
    };

    explicit ActiveAlertsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    const AlertTransition &at(int row) const { return m_rows.at(row).alert; }
    /// Row of the alert with @p key ("rule/subject"), or -1.
    int rowOf(const QString &key) const;
    /// Active alerts of @p severity (pending ones included).
    int count(Severity severity) const;
    /// Firing or flapping alerts of @p severity (not pending).
    int firingCount(Severity severity) const;

public Q_SLOTS:
    /// The engine's active alerts; only what differs from the rows shown is signalled.
    void setAlerts(const QList<cw::AlertTransition> &alerts);
    void clear();

private:
    struct Row {
        AlertTransition alert;
        bool grouped = false;
        QStringList groupedKeys;
    };

    static QList<Row> arrange(const QList<AlertTransition> &alerts);
    static QList<int> changedRoles(const Row &before, const Row &after);

    QList<Row> m_rows;
};

} // namespace cw
