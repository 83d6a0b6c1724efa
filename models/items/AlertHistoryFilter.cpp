#include "models/items/AlertHistoryFilter.h"

#include "models/items/AlertHistoryModel.h"

namespace cw {

AlertHistoryFilter::AlertHistoryFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void AlertHistoryFilter::setSeverities(const QList<Severity> &severities)
{
    if (severities == m_severities)
        return;
    m_severities = severities;
    invalidateFilter();
}

void AlertHistoryFilter::setRule(const QString &rule)
{
    if (rule == m_rule)
        return;
    m_rule = rule;
    invalidateFilter();
}

void AlertHistoryFilter::setSubject(const QString &subject)
{
    if (subject == m_subject)
        return;
    m_subject = subject;
    invalidateFilter();
}

void AlertHistoryFilter::setTimeRange(qint64 fromMs, qint64 toMs)
{
    if (fromMs == m_fromMs && toMs == m_toMs)
        return;
    m_fromMs = fromMs;
    m_toMs = toMs;
    invalidateFilter();
}

void AlertHistoryFilter::setSearchText(const QString &text)
{
    if (text == m_search)
        return;
    m_search = text;
    invalidateFilter();
}

void AlertHistoryFilter::clearFilters()
{
    m_severities.clear();
    m_rule.clear();
    m_subject.clear();
    m_fromMs = 0;
    m_toMs = 0;
    m_search.clear();
    invalidateFilter();
}

bool AlertHistoryFilter::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_severities.isEmpty()
        && !m_severities.contains(Severity(index.data(AlertHistoryModel::SeverityRole).toInt())))
        return false;
    if (!m_rule.isEmpty() && index.data(AlertHistoryModel::RuleRole).toString() != m_rule)
        return false;
    if (!m_subject.isEmpty() && index.data(AlertHistoryModel::SubjectRole).toString() != m_subject)
        return false;
    if (m_fromMs > 0 || m_toMs > 0) {
        const qint64 time = index.data(AlertHistoryModel::TimeRole).toLongLong();
        if ((m_fromMs > 0 && time < m_fromMs) || (m_toMs > 0 && time >= m_toMs))
            return false;
    }
    if (!m_search.isEmpty()) {
        for (int role : { AlertHistoryModel::SummaryRole, AlertHistoryModel::DetailRole,
                 AlertHistoryModel::SubjectRole, AlertHistoryModel::RuleRole }) {
            if (index.data(role).toString().contains(m_search, Qt::CaseInsensitive))
                return true;
        }
        return false;
    }
    return true;
}

} // namespace cw
