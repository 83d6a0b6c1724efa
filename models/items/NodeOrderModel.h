#pragma once

#include "models/NodeHealth.h"

#include <QSortFilterProxyModel>
#include <QTimer>

namespace cw {

/// How urgent a node's state is to the person looking: 0 is the most urgent. Down, degraded,
/// stale, not polled yet, healthy (a stale node is greyed whatever its last verdict was).
int urgencyRank(NodeState state, bool stale);

/// Natural order of node names: runs of digits compare by value ("worker-2" before
/// "worker-10"), the rest case-insensitively. The same in every locale, C included (QCollator's
/// numeric mode does nothing there, and servers and CI run in C).
int naturalCompare(QStringView left, QStringView right);

/// ClusterModel's rows, worst first: by urgencyRank(), then grouped by role (main, webhook,
/// worker), then by name in natural order ("worker-2" before "worker-10"). Re-sorted when a
/// node's state or staleness changes, once per burst of changes, so a tile wall reflows to put
/// what needs action at the top.
class NodeOrderModel final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit NodeOrderModel(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *source) override;

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void scheduleSort(const QList<int> &roles);

    QTimer m_resort;
};

} // namespace cw
