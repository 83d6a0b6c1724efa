#pragma once

#include "models/state/ClusterState.h"

#include <QAbstractTableModel>
#include <QList>

namespace cw {

/// The cluster's nodes, one row each, read from the one ClusterState. Updated in place: a change
/// of one node touches only its row, and dataChanged names only the roles that kind of change can
/// affect. Text is formatted when a view asks for it.
class ClusterModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        RoleColumn,
        StateColumn,
        ReadinessColumn,
        ResponseColumn,
        CpuColumn,
        MemoryColumn,
        LagColumn,
        LastSeenColumn,
        ErrorColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    /// Roles are the same on every column.
    enum Roles {
        NameRole = Qt::UserRole + 1, ///< QString
        NodeRoleRole, ///< QString "main" | "worker" | "webhook"
        StateRole, ///< int (cw::NodeState)
        StateTextRole, ///< QString "healthy", "down", ...
        ReasonRole, ///< QString: why not healthy
        ReadinessTextRole, ///< QString "ready", "not ready (HTTP 503)"
        ResponseMsRole, ///< double, /healthz response time; invalid when none
        CpuPercentRole, ///< double; invalid when unknown
        MemoryBytesRole, ///< double; invalid when unknown
        EventLoopLagRole, ///< double seconds; invalid when unknown
        MetricsTextRole, ///< QString "ok", "not exposed", "malformed: line 3 ..."
        LastSeenRole, ///< qint64 ms since epoch of the last healthy /healthz; 0 = never
        LastSeenTextRole, ///< QString "12 s ago"
        LastUpdateRole, ///< qint64 ms since epoch of the last snapshot
        StaleRole, ///< bool: no fresh data; show greyed, never as a frozen green
        VersionRole, ///< QString "v1.123.81"
        LeaderRole, ///< bool
        UrlRole, ///< QString base URL
        ContainerRole, ///< QString: the container's name (mapped or from the cluster file)
        ContainerStateRole, ///< QString "running", "exited (137)", "restarting"; empty: no
                            ///< container known
        RestartCountRole, ///< int; invalid when no container is known
        ContainerCpuRole, ///< double, from Docker stats; invalid when unknown
        ContainerMemoryRole, ///< double bytes used
        ContainerMemoryLimitRole, ///< double bytes
    };
    Q_ENUM(Roles)

    /// Shows @p state, which outlives the model. Rows follow the state's nodes.
    explicit ClusterModel(const ClusterState *state, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(
        int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &nodeName) const;

private:
    void onNodeChanged(int row, cw::ClusterState::Changes what);
    void onTicked();

    QVariant roleValue(const NodeEntry &row, int role) const;
    QVariant displayValue(const NodeEntry &row, int column) const;
    /// "12 s ago" by the monotonic clock, "never".
    QString lastSeenText(const NodeEntry &row) const;
    QString toolTip(const NodeEntry &row) const;

    const ClusterState *m_state;
};

} // namespace cw
