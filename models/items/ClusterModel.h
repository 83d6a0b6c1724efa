#pragma once

#include "models/ClusterConfig.h"
#include "models/DockerTypes.h"
#include "models/NodeHealth.h"
#include "models/Snapshots.h"

#include <QAbstractTableModel>
#include <QList>

#include <functional>

namespace cw {

/// The cluster's nodes, one row each, with display-ready state. Updated in place: a snapshot
/// changes only its own row, and dataChanged names only the roles that changed.
class ClusterModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, RoleColumn, StateColumn, ReadinessColumn, ResponseColumn, CpuColumn,
                  MemoryColumn, LagColumn, LastSeenColumn, ErrorColumn, ColumnCount };
    Q_ENUM(Column)

    /// Roles are the same on every column.
    enum Roles {
        NameRole = Qt::UserRole + 1,  ///< QString
        NodeRoleRole,        ///< QString "main" | "worker" | "webhook"
        StateRole,           ///< int (cw::NodeState)
        StateTextRole,       ///< QString "healthy", "down", ...
        ReasonRole,          ///< QString: why not healthy
        ReadinessTextRole,   ///< QString "ready", "not ready (HTTP 503)"
        ResponseMsRole,      ///< double, /healthz response time; invalid when none
        CpuPercentRole,      ///< double; invalid when unknown
        MemoryBytesRole,     ///< double; invalid when unknown
        EventLoopLagRole,    ///< double seconds; invalid when unknown
        MetricsTextRole,     ///< QString "ok", "disabled (404)", "malformed: line 3 ..."
        LastSeenRole,        ///< qint64 ms since epoch of the last healthy /healthz; 0 = never
        LastSeenTextRole,    ///< QString "12 s ago"
        LastUpdateRole,      ///< qint64 ms since epoch of the last snapshot
        StaleRole,           ///< bool: no fresh data; show greyed, never as a frozen green
        VersionRole,         ///< QString "v1.123.81"
        LeaderRole,          ///< bool
        UrlRole,             ///< QString base URL
        ContainerRole,       ///< QString: the container's name (mapped or from the cluster file)
        ContainerStateRole,  ///< QString "running", "exited (137)", "restarting"; empty: no container known
        RestartCountRole,    ///< int; invalid when no container is known
        ContainerCpuRole,    ///< double, from Docker stats; invalid when unknown
        ContainerMemoryRole, ///< double bytes used
        ContainerMemoryLimitRole, ///< double bytes
    };
    Q_ENUM(Roles)

    explicit ClusterModel(QObject *parent = nullptr);

    /// Replaces the node list (a new cluster file): the only full reset.
    void setNodes(const QList<NodeConfig> &nodes);
    /// Data older than this is stale.
    void setStaleAfter(Millis staleAfter);
    void setThresholds(const HealthThresholds &thresholds);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &nodeName) const;
    /// The node a container (id or name) is mapped to; empty when none.
    QString nodeOfContainer(const QString &idOrName) const;
    /// Most recent snapshot time over all nodes; 0 = none yet.
    qint64 lastUpdateMs() const { return m_lastUpdateMs; }

public Q_SLOTS:
    void applySnapshot(const cw::NodeSnapshot &snapshot);
    /// Advances the model's clock: updates "last seen" texts and staleness.
    void tick(qint64 nowMs);
    /// Container state per node, from one Docker poll; an unreachable engine clears it.
    /// Returns the n8n-looking containers that no node of the cluster file claims.
    QList<ContainerInfo> applyContainers(const cw::DockerSnapshot &snapshot);
    void applyContainerStats(const cw::ContainerStats &stats);
    /// A die / stop / start / restart / pause event changes the node at once, without waiting
    /// for the next poll.
    void applyDockerEvent(const cw::DockerEvent &event);

private:
    struct Row
    {
        NodeConfig config;
        NodeSnapshot last;
        NodeVerdict verdict;
        qint64 lastSeenMs = 0;
        bool stale = false;
        std::optional<ContainerInfo> container;
        std::optional<ContainerStats> containerStats;
    };

    /// The HTTP verdict, overruled by a container that is known not to run.
    static NodeVerdict effectiveVerdict(const Row &row);
    int rowOfContainer(const QString &idOrName) const;

    QVariant roleValue(const Row &row, int role, qint64 now) const;
    QVariant displayValue(const Row &row, int column, qint64 now) const;
    QString toolTip(const Row &row, qint64 now) const;
    bool isStale(const Row &row, qint64 now) const;
    /// Applies @p change and emits dataChanged for what it changed, compared at @p nowBefore.
    void updateRow(int rowIndex, qint64 nowBefore, const std::function<void(Row &)> &change);

    QList<Row> m_rows;
    Millis m_staleAfter{5000};
    HealthThresholds m_thresholds;
    qint64 m_nowMs = 0;
    qint64 m_lastUpdateMs = 0;
};

} // namespace cw
