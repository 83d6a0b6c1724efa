#include "models/items/NodeOrderModel.h"

#include "models/items/ClusterModel.h"

namespace cw {

namespace {

// Natural order ("worker-2" before "worker-10") without a collator: QCollator's numeric mode
// is not available in every locale (the C locale of a kiosk or a service has none).
bool naturalLess(const QString &a, const QString &b)
{
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i].isDigit() && b[j].isDigit()) {
            qsizetype ei = i;
            qsizetype ej = j;
            while (ei < a.size() && a[ei].isDigit())
                ++ei;
            while (ej < b.size() && b[ej].isDigit())
                ++ej;
            // Compare the numbers by value without overflow: strip leading zeros, then length.
            QStringView na = QStringView(a).mid(i, ei - i);
            QStringView nb = QStringView(b).mid(j, ej - j);
            while (na.size() > 1 && na.front() == QLatin1Char('0'))
                na = na.mid(1);
            while (nb.size() > 1 && nb.front() == QLatin1Char('0'))
                nb = nb.mid(1);
            if (na.size() != nb.size())
                return na.size() < nb.size();
            if (const int c = na.compare(nb); c != 0)
                return c < 0;
            i = ei;
            j = ej;
            continue;
        }
        const QChar ca = a[i].toCaseFolded();
        const QChar cb = b[j].toCaseFolded();
        if (ca != cb)
            return ca < cb;
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

int roleRank(const QString &role)
{
    if (role == QLatin1String("main"))
        return 0;
    if (role == QLatin1String("webhook"))
        return 1;
    return 2;
}

} // namespace

int urgencyRank(NodeState state, bool stale)
{
    switch (state) {
    case NodeState::Down:
        return 0;
    case NodeState::Degraded:
        return 1;
    case NodeState::Unknown:
        return stale ? 2 : 3;
    case NodeState::Healthy:
        return stale ? 2 : 4;
    }
    return 3;
}

NodeOrderModel::NodeOrderModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    // The order is kept by explicit re-sorts: dynamic sorting only looks at the sort role,
    // and staleness arrives under its own role.
    setDynamicSortFilter(false);
    m_resort.setSingleShot(true);
    m_resort.setInterval(0);
    connect(&m_resort, &QTimer::timeout, this, [this] { sort(0); });
}

void NodeOrderModel::setSourceModel(QAbstractItemModel *source)
{
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    QSortFilterProxyModel::setSourceModel(source);
    if (!source)
        return;
    connect(source, &QAbstractItemModel::dataChanged, this,
        [this](const QModelIndex &, const QModelIndex &, const QList<int> &roles) {
            scheduleSort(roles);
        });
    connect(source, &QAbstractItemModel::modelReset, this, [this] { sort(0); });
    connect(source, &QAbstractItemModel::rowsInserted, this, [this] { scheduleSort({}); });
    sort(0);
}

void NodeOrderModel::scheduleSort(const QList<int> &roles)
{
    if (!roles.isEmpty() && !roles.contains(ClusterModel::StateRole)
        && !roles.contains(ClusterModel::StaleRole))
        return;
    if (!m_resort.isActive())
        m_resort.start();
}

bool NodeOrderModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const auto urgency = [](const QModelIndex &index) {
        return urgencyRank(NodeState(index.data(ClusterModel::StateRole).toInt()),
            index.data(ClusterModel::StaleRole).toBool());
    };
    if (const int l = urgency(left), r = urgency(right); l != r)
        return l < r;
    const int lr = roleRank(left.data(ClusterModel::NodeRoleRole).toString());
    const int rr = roleRank(right.data(ClusterModel::NodeRoleRole).toString());
    if (lr != rr)
        return lr < rr;
    return naturalLess(left.data(ClusterModel::NameRole).toString(),
        right.data(ClusterModel::NameRole).toString());
}

} // namespace cw
