#include "models/items/DrillHistoryModel.h"

#include "models/Formatter.h"

#include <QDateTime>
#include <QSet>
#include <algorithm>

namespace cw {

namespace {

/// Rows are matched by the drill's id; a journal without one (hand-made) by its path.
QString keyOf(const DrillHistoryEntry &entry)
{
    return entry.record.id.isEmpty() ? QStringLiteral("path:") + entry.path : entry.record.id;
}

bool newerThan(const DrillHistoryEntry &a, const DrillHistoryEntry &b)
{
    if (a.record.startedWallMs != b.record.startedWallMs)
        return a.record.startedWallMs > b.record.startedWallMs;
    return keyOf(a) > keyOf(b);
}

QString targetText(const DrillTarget &target)
{
    if (target.kind != DrillTargetKind::Node && !target.container.isEmpty())
        return QStringLiteral("%1 (%2)").arg(target.name(), target.container);
    return target.name();
}

QString verdictToolTip(const DrillRecord &r, bool interrupted)
{
    if (interrupted)
        return QStringLiteral("Clusterwatch did not finish this drill: %1 may still be %2. "
                              "Roll back brings back what the drill acted on.")
            .arg(r.spec.target.container.isEmpty() ? r.spec.target.name() : r.spec.target.container,
                r.spec.fault == DrillFault::Pause ? QStringLiteral("paused")
                                                  : QStringLiteral("stopped"));
    QString text = r.verdictReason;
    for (const QString &deviation : r.deviations)
        text += QStringLiteral("\n• ") + deviation;
    return text.trimmed();
}

QString requestCount(const DrillRecord &r, qint64 value)
{
    return r.figures.requests > 0 ? fmt::count(value) : fmt::none();
}

} // namespace

DrillHistoryModel::DrillHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QString DrillHistoryModel::verdictText(const DrillRecord &record, bool runningNow)
{
    if (record.verdict == DrillVerdict::Running)
        return runningNow ? QStringLiteral("running") : QStringLiteral("interrupted — roll back?");
    return toString(record.verdict);
}

int DrillHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DrillHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool DrillHistoryModel::isInterrupted(int row) const
{
    const DrillRecord &r = m_rows.at(row).record;
    return r.verdict == DrillVerdict::Running && (m_runningId.isEmpty() || r.id != m_runningId);
}

QVariant DrillHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DrillHistoryEntry &entry = m_rows.at(index.row());
    const DrillRecord &r = entry.record;
    const bool interrupted = isInterrupted(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StartedColumn:
            return r.startedWallMs > 0 ? QDateTime::fromMSecsSinceEpoch(r.startedWallMs)
                                             .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                       : fmt::none();
        case NameColumn:
            return r.spec.name;
        case TargetColumn:
            return targetText(r.spec.target);
        case FaultColumn:
            return toString(r.spec.fault);
        case VerdictColumn:
            return verdictText(r, !interrupted);
        case RtoColumn:
            return r.figures.rtoMs ? fmt::duration(double(*r.figures.rtoMs)) : fmt::none();
        case FailedColumn:
            return requestCount(r, r.figures.failedRequests);
        case SlowColumn:
            return requestCount(r, r.figures.slowRequests);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case NameColumn:
            return r.spec.description.isEmpty() ? QVariant() : QVariant(r.spec.description);
        case VerdictColumn: {
            const QString tip = verdictToolTip(r, interrupted);
            return tip.isEmpty() ? QVariant() : QVariant(tip);
        }
        case StartedColumn:
            return entry.path;
        default:
            return {};
        }
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case RtoColumn:
        case FailedColumn:
        case SlowColumn:
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        default:
            return {};
        }
    case VerdictRole:
        return int(r.verdict);
    case InterruptedRole:
        return interrupted;
    case PathRole:
        return entry.path;
    case RecordRole:
        return QVariant::fromValue(r);
    case StartedRole:
        return r.startedWallMs;
    case IdRole:
        return r.id;
    default:
        return {};
    }
}

QVariant DrillHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StartedColumn:
        return tr("Started");
    case NameColumn:
        return tr("Drill");
    case TargetColumn:
        return tr("Target");
    case FaultColumn:
        return tr("Fault");
    case VerdictColumn:
        return tr("Verdict");
    case RtoColumn:
        return tr("RTO");
    case FailedColumn:
        return tr("Failed requests");
    case SlowColumn:
        return tr("Slow requests");
    default:
        return {};
    }
}

QHash<int, QByteArray> DrillHistoryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(VerdictRole, "verdict");
    names.insert(InterruptedRole, "interrupted");
    names.insert(PathRole, "path");
    names.insert(RecordRole, "record");
    names.insert(StartedRole, "started");
    names.insert(IdRole, "id");
    return names;
}

int DrillHistoryModel::rowOf(const QString &id) const
{
    if (id.isEmpty())
        return -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).record.id == id)
            return row;
    }
    return -1;
}

int DrillHistoryModel::rowOfKey(const QString &key) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (keyOf(m_rows.at(row)) == key)
            return row;
    }
    return -1;
}

void DrillHistoryModel::emitRowChanged(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void DrillHistoryModel::setEntries(const QList<DrillHistoryEntry> &entries)
{
    QList<DrillHistoryEntry> wanted = entries;
    std::stable_sort(wanted.begin(), wanted.end(), newerThan);
    // A journal listed twice (same id in two files) shows once: the first, newest path.
    QSet<QString> keys;
    wanted.erase(std::remove_if(wanted.begin(), wanted.end(),
                     [&keys](const DrillHistoryEntry &e) {
                         const QString key = keyOf(e);
                         if (keys.contains(key))
                             return true;
                         keys.insert(key);
                         return false;
                     }),
        wanted.end());

    // Rows that went away, from the bottom so the row numbers above stay valid.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!keys.contains(keyOf(m_rows.at(row)))) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    // What is left is in the same order as wanted (a drill's start time does not change), so
    // one walk updates the rows that stay and inserts the new ones where they belong.
    for (int row = 0; row < wanted.size(); ++row) {
        const DrillHistoryEntry &entry = wanted.at(row);
        if (row < m_rows.size() && keyOf(m_rows.at(row)) == keyOf(entry)) {
            if (!(m_rows.at(row) == entry)) {
                m_rows[row] = entry;
                emitRowChanged(row);
            }
            continue;
        }
        if (rowOfKey(keyOf(entry)) > row) {
            // A row moved (its journal's start time was rewritten): not worth a finer update.
            beginResetModel();
            m_rows = wanted;
            endResetModel();
            return;
        }
        beginInsertRows({}, row, row);
        m_rows.insert(row, entry);
        endInsertRows();
    }
}

void DrillHistoryModel::setRunningId(const QString &id)
{
    if (id == m_runningId)
        return;
    const int before = rowOf(m_runningId);
    const int after = rowOf(id);
    m_runningId = id;
    // InterruptedRole is row-level: the whole row changes.
    for (const int row : { before, after }) {
        if (row >= 0)
            emitRowChanged(row);
    }
}

} // namespace cw
