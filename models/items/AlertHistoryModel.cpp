#include "models/items/AlertHistoryModel.h"

#include "models/Formatter.h"

#include <QDateTime>
#include <algorithm>

namespace cw {

namespace {

// Newest first; the id breaks ties between transitions of the same millisecond.
bool newerThan(const AlertTransition &a, const AlertTransition &b)
{
    return a.timeMs != b.timeMs ? a.timeMs > b.timeMs : a.id > b.id;
}

QString notifyText(const AlertTransition &t)
{
    switch (t.notify) {
    case NotifyStatus::None:
        return QString();
    case NotifyStatus::Failed:
        return t.notifyError.isEmpty() ? toString(t.notify)
                                       : toString(t.notify) + QStringLiteral(": ") + t.notifyError;
    case NotifyStatus::Queued:
    case NotifyStatus::Sent:
    case NotifyStatus::Silenced:
        return toString(t.notify);
    }
    return QString();
}

QString ackText(const AlertTransition &t)
{
    if (t.ackTimeMs <= 0)
        return QString();
    return t.ackBy.isEmpty() ? QStringLiteral("yes") : t.ackBy;
}

QString ackToolTip(const AlertTransition &t)
{
    if (t.ackTimeMs <= 0)
        return QString();
    QString text = QStringLiteral("Acknowledged");
    if (!t.ackBy.isEmpty())
        text += QStringLiteral(" by ") + t.ackBy;
    text += QStringLiteral(" at ") + AlertHistoryModel::timeText(t.ackTimeMs);
    if (!t.ackComment.isEmpty())
        text += QStringLiteral(": ") + t.ackComment;
    return text;
}

} // namespace

AlertHistoryModel::AlertHistoryModel(int maxRows, QObject *parent)
    : QAbstractTableModel(parent)
    , m_maxRows(std::max(1, maxRows))
{
}

QString AlertHistoryModel::timeText(qint64 ms)
{
    if (ms <= 0)
        return fmt::none();
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

int AlertHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AlertHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AlertTransition &t = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return timeText(t.timeMs);
        case SeverityColumn:
            return toString(t.severity);
        case StateColumn:
            return toString(t.state);
        case RuleColumn:
            return t.rule;
        case SubjectColumn:
            return t.subject;
        case SummaryColumn:
            return t.summary;
        case NotificationColumn:
            return notifyText(t);
        case AckColumn:
            return ackText(t);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        switch (index.column()) {
        case SummaryColumn:
            return t.detail.isEmpty() ? t.summary : t.summary + QLatin1Char('\n') + t.detail;
        case NotificationColumn:
            return t.notifyError.isEmpty() ? QVariant() : QVariant(t.notifyError);
        case AckColumn:
            return t.ackTimeMs > 0 ? QVariant(ackToolTip(t)) : QVariant();
        default:
            return {};
        }
    case SeverityRole:
        return int(t.severity);
    case StateRole:
        return int(t.state);
    case TransitionIdRole:
        return t.id;
    case TimeRole:
        return t.timeMs;
    case AckRole:
        return t.ackTimeMs > 0;
    case NotifyRole:
        return int(t.notify);
    case RuleRole:
        return t.rule;
    case SubjectRole:
        return t.subject;
    case SummaryRole:
        return t.summary;
    case DetailRole:
        return t.detail;
    case CausedByRole:
        return t.causedBy;
    case TransitionRole:
        return QVariant::fromValue(t);
    default:
        return {};
    }
}

QVariant AlertHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case SeverityColumn:
        return tr("Severity");
    case StateColumn:
        return tr("State");
    case RuleColumn:
        return tr("Rule");
    case SubjectColumn:
        return tr("Subject");
    case SummaryColumn:
        return tr("Summary");
    case NotificationColumn:
        return tr("Notification");
    case AckColumn:
        return tr("Acknowledged");
    default:
        return {};
    }
}

QHash<int, QByteArray> AlertHistoryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SeverityRole, "severity");
    names.insert(StateRole, "state");
    names.insert(TransitionIdRole, "transitionId");
    names.insert(TimeRole, "time");
    names.insert(AckRole, "acknowledged");
    names.insert(NotifyRole, "notify");
    names.insert(RuleRole, "rule");
    names.insert(SubjectRole, "subject");
    names.insert(SummaryRole, "summary");
    names.insert(DetailRole, "detail");
    names.insert(CausedByRole, "causedBy");
    names.insert(TransitionRole, "transition");
    return names;
}

int AlertHistoryModel::rowOf(qint64 id) const
{
    if (id == 0)
        return -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id)
            return row;
    }
    return -1;
}

void AlertHistoryModel::setRows(const QList<AlertTransition> &rows)
{
    beginResetModel();
    m_rows = rows;
    std::stable_sort(m_rows.begin(), m_rows.end(), newerThan);
    if (m_rows.size() > m_maxRows)
        m_rows.resize(m_maxRows);
    endResetModel();
}

void AlertHistoryModel::prepend(const AlertTransition &transition)
{
    if (rowOf(transition.id) >= 0) {
        update(transition);
        return;
    }
    // Normally row 0; a late arrival with an older time goes where its time belongs.
    const auto pos = std::lower_bound(m_rows.cbegin(), m_rows.cend(), transition, newerThan);
    const int row = int(pos - m_rows.cbegin());
    if (row >= m_maxRows)
        return; // older than everything kept
    if (m_rows.size() >= m_maxRows) {
        const int last = int(m_rows.size()) - 1;
        beginRemoveRows({}, last, last);
        m_rows.removeLast();
        endRemoveRows();
    }
    beginInsertRows({}, row, row);
    m_rows.insert(row, transition);
    endInsertRows();
}

void AlertHistoryModel::update(const AlertTransition &t)
{
    const int row = rowOf(t.id);
    if (row < 0)
        return;
    AlertTransition &old = m_rows[row];
    QList<int> roles;
    auto changed = [&roles](bool differs, std::initializer_list<int> named) {
        if (!differs)
            return;
        for (int role : named) {
            if (!roles.contains(role))
                roles << role;
        }
    };
    changed(old.timeMs != t.timeMs, { Qt::DisplayRole, TimeRole });
    changed(old.severity != t.severity, { Qt::DisplayRole, SeverityRole });
    changed(old.state != t.state, { Qt::DisplayRole, StateRole });
    changed(old.rule != t.rule, { Qt::DisplayRole, RuleRole });
    changed(old.subject != t.subject, { Qt::DisplayRole, SubjectRole });
    changed(old.summary != t.summary, { Qt::DisplayRole, Qt::ToolTipRole, SummaryRole });
    changed(old.detail != t.detail, { Qt::ToolTipRole, DetailRole });
    changed(old.causedBy != t.causedBy, { CausedByRole });
    changed(old.notify != t.notify, { Qt::DisplayRole, NotifyRole });
    changed(old.notifyError != t.notifyError, { Qt::DisplayRole, Qt::ToolTipRole });
    changed((old.ackTimeMs > 0) != (t.ackTimeMs > 0), { AckRole });
    changed(old.ackTimeMs != t.ackTimeMs || old.ackBy != t.ackBy || old.ackComment != t.ackComment,
        { Qt::DisplayRole, Qt::ToolTipRole });
    if (roles.isEmpty())
        return;
    roles << TransitionRole;
    old = t;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1), roles);
}

void AlertHistoryModel::setNotifyStatus(qint64 id, NotifyStatus status, const QString &error)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    AlertTransition t = m_rows.at(row);
    t.notify = status;
    t.notifyError = error;
    update(t);
}

void AlertHistoryModel::setAcknowledged(
    const QList<qint64> &ids, const QString &by, const QString &comment, qint64 timeMs)
{
    for (qint64 id : ids) {
        const int row = rowOf(id);
        if (row < 0)
            continue;
        AlertTransition t = m_rows.at(row);
        t.ackTimeMs = timeMs;
        t.ackBy = by;
        t.ackComment = comment;
        update(t);
    }
}

void AlertHistoryModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

} // namespace cw
