#pragma once

#include "models/Alert.h"

#include <QList>
#include <QSortFilterProxyModel>

namespace cw {

/// Live filtering of an AlertHistoryModel for the history view: severities, rule, subject,
/// time range and a case-insensitive search over summary, detail, subject and rule.
/// Empty criteria do not filter. Mirrors HistoryQuery, so the view can ask the store for the
/// same rows it filters live.
class AlertHistoryFilter final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit AlertHistoryFilter(QObject *parent = nullptr);

    void setSeverities(const QList<cw::Severity> &severities);
    void setRule(const QString &rule);
    void setSubject(const QString &subject);
    /// [fromMs, toMs); 0 = open on that side.
    void setTimeRange(qint64 fromMs, qint64 toMs);
    void setSearchText(const QString &text);
    /// Removes every criterion.
    void clearFilters();

    QList<Severity> severities() const { return m_severities; }
    QString rule() const { return m_rule; }
    QString subject() const { return m_subject; }
    qint64 fromMs() const { return m_fromMs; }
    qint64 toMs() const { return m_toMs; }
    QString searchText() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QList<Severity> m_severities;
    QString m_rule;
    QString m_subject;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    QString m_search;
};

} // namespace cw
