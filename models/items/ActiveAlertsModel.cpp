#include "models/items/ActiveAlertsModel.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <algorithm>
#include <functional>

namespace cw {

namespace {

void addRoles(QList<int> &roles, std::initializer_list<int> named)
{
    for (int role : named) {
        if (!roles.contains(role))
            roles << role;
    }
}

bool sameRecord(const AlertTransition &a, const AlertTransition &b)
{
    return a.id == b.id && a.timeMs == b.timeMs && a.rule == b.rule && a.subject == b.subject
        && a.severity == b.severity && a.state == b.state && a.summary == b.summary
        && a.detail == b.detail && a.causedBy == b.causedBy && a.notify == b.notify
        && a.notifyError == b.notifyError && a.ackTimeMs == b.ackTimeMs && a.ackBy == b.ackBy
        && a.ackComment == b.ackComment && a.resolvesAtMs == b.resolvesAtMs;
}

/// "clearing, resolves at 10:32 unless it recurs" (local time), or empty.
QString clearingText(const AlertTransition &t)
{
    if (!t.isClearing())
        return {};
    return QStringLiteral("clearing, resolves at %1 unless it recurs")
        .arg(QDateTime::fromMSecsSinceEpoch(t.resolvesAtMs).toString(QStringLiteral("HH:mm")));
}

QString toolTip(const AlertTransition &t)
{
    QString text = t.key() + QLatin1Char('\n') + t.summary;
    if (t.isClearing())
        text += QLatin1Char('\n') + clearingText(t);
    if (!t.detail.isEmpty())
        text += QLatin1Char('\n') + t.detail;
    return text;
}

} // namespace

ActiveAlertsModel::ActiveAlertsModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int ActiveAlertsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ActiveAlertsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const AlertTransition &t = row.alert;
    switch (role) {
    case Qt::DisplayRole:
    case SummaryRole:
        return t.summary;
    case Qt::ToolTipRole:
        return toolTip(t);
    case SeverityRole:
        return int(t.severity);
    case StateRole:
        return int(t.state);
    case SinceRole:
        return t.timeMs;
    case DetailRole:
        return t.detail;
    case RuleRole:
        return t.rule;
    case SubjectRole:
        return t.subject;
    case KeyRole:
        return t.key();
    case CausedByRole:
        return t.causedBy;
    case CausedByTextRole:
        return t.causedBy.isEmpty() ? QString() : QStringLiteral("caused by ") + t.causedBy;
    case IsGroupedRole:
        return row.grouped;
    case GroupedCountRole:
        return int(row.groupedKeys.size());
    case GroupedTextRole:
        return row.groupedKeys.isEmpty()
            ? QString()
            : QStringLiteral("+%1 grouped").arg(row.groupedKeys.size());
    case GroupedKeysRole:
        return row.groupedKeys;
    case TransitionRole:
        return QVariant::fromValue(t);
    case ClearingRole:
        return t.isClearing();
    case ResolvesAtRole:
        return t.resolvesAtMs;
    case ClearingTextRole:
        return clearingText(t);
    default:
        return {};
    }
}

QHash<int, QByteArray> ActiveAlertsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(SeverityRole, "severity");
    names.insert(StateRole, "state");
    names.insert(SinceRole, "since");
    names.insert(SummaryRole, "summary");
    names.insert(DetailRole, "detail");
    names.insert(RuleRole, "rule");
    names.insert(SubjectRole, "subject");
    names.insert(KeyRole, "key");
    names.insert(CausedByRole, "causedBy");
    names.insert(CausedByTextRole, "causedByText");
    names.insert(IsGroupedRole, "grouped");
    names.insert(GroupedCountRole, "groupedCount");
    names.insert(GroupedTextRole, "groupedText");
    names.insert(GroupedKeysRole, "groupedKeys");
    names.insert(TransitionRole, "transition");
    names.insert(ClearingRole, "clearing");
    names.insert(ResolvesAtRole, "resolvesAt");
    names.insert(ClearingTextRole, "clearingText");
    return names;
}

int ActiveAlertsModel::rowOf(const QString &key) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).alert.key() == key)
            return row;
    }
    return -1;
}

int ActiveAlertsModel::count(Severity severity) const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
        [severity](const Row &r) { return r.alert.severity == severity; }));
}

int ActiveAlertsModel::firingCount(Severity severity) const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [severity](const Row &r) {
        return r.alert.severity == severity && r.alert.state != AlertState::Pending;
    }));
}

QList<ActiveAlertsModel::Row> ActiveAlertsModel::arrange(const QList<AlertTransition> &alerts)
{
    // One row per key (the first wins), then each alert under its cause when the cause is
    // active too; chains nest, and a cycle (never expected) falls back to the engine's order.
    QList<AlertTransition> unique;
    QHash<QString, int> indexOf;
    for (const AlertTransition &t : alerts) {
        const QString key = t.key();
        if (indexOf.contains(key))
            continue;
        indexOf.insert(key, int(unique.size()));
        unique.append(t);
    }
    QHash<QString, QList<int>> children;
    QList<int> roots;
    for (int i = 0; i < unique.size(); ++i) {
        const AlertTransition &t = unique.at(i);
        if (!t.causedBy.isEmpty() && t.causedBy != t.key() && indexOf.contains(t.causedBy))
            children[t.causedBy].append(i);
        else
            roots.append(i);
    }

    QList<Row> rows;
    rows.reserve(unique.size());
    QSet<int> placed;
    const std::function<void(int, bool)> place = [&](int i, bool grouped) {
        if (placed.contains(i))
            return;
        placed.insert(i);
        Row row;
        row.alert = unique.at(i);
        row.grouped = grouped;
        const QList<int> kids = children.value(row.alert.key());
        for (int k : kids)
            row.groupedKeys << unique.at(k).key();
        rows.append(std::move(row));
        for (int k : kids)
            place(k, true);
    };
    for (int i : std::as_const(roots))
        place(i, false);
    for (int i = 0; i < unique.size(); ++i)
        place(i, false);
    return rows;
}

QList<int> ActiveAlertsModel::changedRoles(const Row &before, const Row &after)
{
    const AlertTransition &a = before.alert;
    const AlertTransition &b = after.alert;
    QList<int> roles;
    if (a.severity != b.severity)
        addRoles(roles, { SeverityRole });
    if (a.state != b.state)
        addRoles(roles, { StateRole });
    if (a.timeMs != b.timeMs)
        addRoles(roles, { SinceRole });
    if (a.summary != b.summary)
        addRoles(roles, { Qt::DisplayRole, Qt::ToolTipRole, SummaryRole });
    if (a.detail != b.detail)
        addRoles(roles, { Qt::ToolTipRole, DetailRole });
    if (a.causedBy != b.causedBy)
        addRoles(roles, { CausedByRole, CausedByTextRole });
    if (a.isClearing() != b.isClearing())
        addRoles(roles, { ClearingRole });
    if (a.resolvesAtMs != b.resolvesAtMs)
        addRoles(roles, { Qt::ToolTipRole, ResolvesAtRole, ClearingTextRole });
    if (before.grouped != after.grouped)
        addRoles(roles, { IsGroupedRole });
    if (before.groupedKeys != after.groupedKeys)
        addRoles(roles, { GroupedCountRole, GroupedTextRole, GroupedKeysRole });
    if (!sameRecord(a, b))
        addRoles(roles, { TransitionRole });
    return roles;
}

void ActiveAlertsModel::setAlerts(const QList<AlertTransition> &alerts)
{
    const QList<Row> target = arrange(alerts);
    QSet<QString> wanted;
    for (const Row &r : target)
        wanted.insert(r.alert.key());

    // Gone alerts first, bottom up, one signal per contiguous run.
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (wanted.contains(m_rows.at(row).alert.key())) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !wanted.contains(m_rows.at(first - 1).alert.key()))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }

    // Then walk the target order: keep, move up, or insert; and name what changed.
    for (int i = 0; i < target.size(); ++i) {
        const Row &want = target.at(i);
        const QString key = want.alert.key();
        if (i < m_rows.size() && m_rows.at(i).alert.key() == key) {
            const QList<int> roles = changedRoles(m_rows.at(i), want);
            if (!roles.isEmpty()) {
                m_rows[i] = want;
                const QModelIndex idx = index(i);
                Q_EMIT dataChanged(idx, idx, roles);
            }
            continue;
        }
        int from = -1;
        for (int j = i + 1; j < m_rows.size(); ++j) {
            if (m_rows.at(j).alert.key() == key) {
                from = j;
                break;
            }
        }
        if (from < 0) {
            beginInsertRows({}, i, i);
            m_rows.insert(i, want);
            endInsertRows();
            continue;
        }
        beginMoveRows({}, from, from, {}, i);
        m_rows.move(from, i);
        endMoveRows();
        const QList<int> roles = changedRoles(m_rows.at(i), want);
        if (!roles.isEmpty()) {
            m_rows[i] = want;
            const QModelIndex idx = index(i);
            Q_EMIT dataChanged(idx, idx, roles);
        }
    }
    Q_ASSERT(m_rows.size() == target.size());
}

void ActiveAlertsModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    endRemoveRows();
}

} // namespace cw
