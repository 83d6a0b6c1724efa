#pragma once

#include "models/Alert.h"
#include "services/history/AlertHistory.h"

#include <QList>
#include <QSet>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QTableView;
class QTimer;

namespace cw {

class ActiveAlertsModel;
class AlertHistoryFilter;
class AlertHistoryModel;

/// The alerts page: on top the alerts active now, big enough for a wall screen (severity badge,
/// summary, since when, root-cause grouping); below the history with filters, search,
/// acknowledge, silence and CSV export. Reads models only; every request leaves as a signal
/// (the composition root talks to AlertHistory). No dialog blocks the event loop.
class AlertsPanel final : public QWidget {
    Q_OBJECT
public:
    /// @p history: the history rows (owned by the caller, fed from AlertHistory).
    explicit AlertsPanel(AlertHistoryModel *history, QWidget *parent = nullptr);

    /// Query matching the filters shown (limit = the history model's maxRows()).
    [[nodiscard]] HistoryQuery currentQuery() const;

    ActiveAlertsModel *activeModel() const { return m_active; }
    AlertHistoryFilter *historyFilter() const { return m_filter; }
    QTableView *historyView() const { return m_table; }
    QListView *activeView() const { return m_activeView; }

    /// Rule ids and subjects offered by the filter combos besides those seen in the history.
    void setKnownRules(const QStringList &rules);
    void setKnownSubjects(const QStringList &subjects);

    /// Debounce of the search box and of queryRequested().
    static constexpr int kDebounceMs = 250;

public Q_SLOTS:
    /// AlertEngine::activeAlerts(), on each activeAlertsChanged().
    void setActiveAlerts(const QList<cw::AlertTransition> &alerts);
    /// AlertHistory::exportFinished: @p error empty on success.
    void showExportResult(const QString &path, qint64 rows, const QString &error);
    /// AlertHistory::failed; an empty text clears the error shown.
    void showHistoryError(const QString &error);
    /// AlertHistory::pendingChanged.
    void setPending(int count);

Q_SIGNALS:
    /// The filters changed (debounced): load the rows matching @p query into the history model.
    void queryRequested(const cw::HistoryQuery &query);
    void acknowledgeRequested(const QList<qint64> &ids, const QString &comment);
    /// createdMs = now, untilMs = now + the chosen duration; createdBy is left to the caller.
    void silenceRequested(const cw::Silence &silence);
    /// @p query: the filters shown, without a row limit.
    void exportRequested(const QString &path, const cw::HistoryQuery &query);

private:
    QWidget *buildActive();
    QWidget *buildHistory();
    void applyFilters();
    void scheduleQuery();
    void noteRows(int first, int last);
    void refreshChoices();
    void refreshActiveHeader();
    void refreshStatus();
    void updateButtons();
    QList<qint64> selectedIds() const;
    void askAcknowledge();
    void askSilence();
    void askExport();

    AlertHistoryModel *m_history;
    AlertHistoryFilter *m_filter;
    ActiveAlertsModel *m_active;

    QLabel *m_activeHeader = nullptr;
    QListView *m_activeView = nullptr;
    QList<QCheckBox *> m_severityBoxes; ///< critical, warning, info
    QComboBox *m_rule = nullptr;
    QComboBox *m_subject = nullptr;
    QComboBox *m_range = nullptr;
    QLineEdit *m_search = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_ack = nullptr;
    QPushButton *m_silence = nullptr;
    QPushButton *m_export = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_debounce;
    QTimer *m_ticker;

    QStringList m_knownRules;
    QStringList m_knownSubjects;
    QSet<QString> m_seenRules;
    QSet<QString> m_seenSubjects;
    int m_pending = 0;
    QString m_error;
    QString m_exportText;
    bool m_exportFailed = false;
};

} // namespace cw
