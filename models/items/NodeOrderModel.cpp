#include "models/items/NodeOrderModel.h"

#include "models/items/ClusterModel.h"

namespace cw {

namespace {

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

int naturalCompare(QStringView left, QStringView right)
{
    const auto digitRun = [](QStringView s, qsizetype from) {
        qsizetype end = from;
        while (end < s.size() && s[end].isDigit())
            ++end;
        return end;
    };
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < left.size() && j < right.size()) {
        if (left[i].isDigit() && right[j].isDigit()) {
            const qsizetype endL = digitRun(left, i);
            const qsizetype endR = digitRun(right, j);
            QStringView a = left.mid(i, endL - i);
            QStringView b = right.mid(j, endR - j);
            while (a.size() > 1 && a.front() == u'0')
                a = a.mid(1);
            while (b.size() > 1 && b.front() == u'0')
                b = b.mid(1);
            if (a.size() != b.size())
                return a.size() < b.size() ? -1 : 1;
            if (const int c = a.compare(b); c != 0)
                return c < 0 ? -1 : 1;
            i = endL;
            j = endR;
            continue;
        }
        const QChar l = left[i].toCaseFolded();
        const QChar r = right[j].toCaseFolded();
        if (l != r)
            return l < r ? -1 : 1;
        ++i;
        ++j;
    }
    if (left.size() - i != right.size() - j)
        return left.size() - i < right.size() - j ? -1 : 1;
    // Equal but for case or leading zeros: still a total order.
    const int c = left.compare(right);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
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
    return naturalCompare(left.data(ClusterModel::NameRole).toString(),
               right.data(ClusterModel::NameRole).toString())
        < 0;
}

} // namespace cw
