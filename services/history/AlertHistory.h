#pragma once

#include "models/Alert.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <chrono>
#include <deque>
#include <memory>
#include <variant>

class QSqlDatabase;
class QSqlQuery;
class QTimer;

namespace cw {

/// What to read from the alert history. Empty fields do not filter.
struct HistoryQuery {
    QList<Severity> severities; ///< any of these; empty = all
    QString subject; ///< exact node / subject name
    QString rule; ///< exact rule id
    qint64 fromMs = 0; ///< inclusive; 0 = no lower bound
    qint64 toMs = 0; ///< exclusive; 0 = no upper bound
    /// Case-insensitive (ASCII) substring of summary, detail, subject or rule.
    QString search;
    int limit = 5000; ///< at most this many rows; <= 0 = all
    bool newestFirst = true;
    /// Only the newest transition of each (rule, subject): where every alert stands.
    bool latestPerAlert = false;
    QList<NotifyStatus> notifyStatuses; ///< any of these; empty = all
};

/// Registers the types AlertHistory and the history model send through queued connections.
void registerAlertHistoryMetaTypes();

/// The persistent alert history: transitions (with their notification and acknowledgement) and
/// silences in one SQLite file. A parentless worker for its own thread (WorkerThread): the
/// connection is opened by open() on that thread and never leaves it.
///
/// Writes are queued and committed in one transaction per call; when the store fails (locked,
/// disk full, unreadable file) they stay queued (bounded by maxPending()) and are retried with
/// the next write or after a short delay. Nothing is reported as stored before it is committed.
class AlertHistory final : public QObject {
    Q_OBJECT
public:
    /// @p path: the database file; empty = defaultPath().
    explicit AlertHistory(QString path = QString(), QObject *parent = nullptr);
    ~AlertHistory() override;
    AlertHistory(const AlertHistory &) = delete;
    AlertHistory &operator=(const AlertHistory &) = delete;

    /// $XDG_DATA_HOME/<organization>/<application>/alerts.sqlite (QStandardPaths::AppDataLocation).
    static QString defaultPath();
    static constexpr int kSchemaVersion = 1;
    /// The code a state is stored under in the transitions table (readers of the file).
    static int storedStateCode(cw::AlertState state);
    static constexpr int kMaxPending = 10'000;

    QString path() const { return m_path; }

    /// How long a write waits for another process holding the file's lock. Set before open().
    void setBusyTimeout(std::chrono::milliseconds timeout) { m_busyTimeout = timeout; }
    /// Delay before queued writes are retried when no new write comes. Set before open().
    void setRetryInterval(std::chrono::milliseconds interval) { m_retryInterval = interval; }
    int maxPending() const { return kMaxPending; }

public Q_SLOTS:
    /// Opens (creating or migrating) the file, prunes it, then prunes hourly.
    void open();
    /// Applies at the next prune; defaults: 90 days, 1,000,000 rows (AlertsConfig).
    void setRetention(int retentionDays, qint64 maxRows);

    void append(const cw::AlertTransition &transition);
    /// One transaction for all of @p transitions.
    void appendMany(const QList<cw::AlertTransition> &transitions);
    void setNotifyStatus(qint64 id, cw::NotifyStatus status, const QString &error);
    void acknowledge(
        const QList<qint64> &ids, const QString &by, const QString &comment, qint64 timeMs);
    void addSilence(const cw::Silence &silence);
    void removeSilence(qint64 id);
    /// Emits silencesChanged() with the silences still active now.
    void listSilences();

    void query(quint64 requestId, const cw::HistoryQuery &query);
    /// RFC 4180 CSV of every row matching @p query (its limit applies, <= 0 = all).
    void exportCsv(const QString &path, const cw::HistoryQuery &query);
    /// Deletes transitions older than the retention, then the oldest beyond the row limit,
    /// and silences that have expired.
    void prune(qint64 nowMs);
    /// Retries the queued writes now.
    void retryPending();

Q_SIGNALS:
    void opened(const QString &path);
    /// @p transition as committed, with its id.
    void stored(const cw::AlertTransition &transition);
    void notifyStatusChanged(qint64 id, cw::NotifyStatus status, const QString &error);
    /// @p ids: the rows that were found and updated.
    void acknowledged(
        const QList<qint64> &ids, const QString &by, const QString &comment, qint64 timeMs);
    void silenceAdded(const cw::Silence &silence);
    void silenceRemoved(qint64 id);
    void silencesChanged(const QList<cw::Silence> &active);
    void queryFinished(quint64 requestId, const QList<cw::AlertTransition> &rows);
    /// @p error empty on success.
    void exportFinished(const QString &path, qint64 rows, const QString &error);
    void pruned(qint64 removedRows);
    /// Number of writes not yet committed (0 once the store has caught up).
    void pendingChanged(int count);
    /// Names the file and what went wrong. A repeated identical error is reported once.
    void failed(const QString &error);

private:
    struct Append {
        AlertTransition transition;
    };
    struct Notify {
        qint64 id;
        NotifyStatus status;
        QString error;
    };
    struct Ack {
        QList<qint64> ids;
        QString by;
        QString comment;
        qint64 timeMs;
    };
    struct AddSilence {
        Silence silence;
    };
    struct RemoveSilence {
        qint64 id;
    };
    using Write = std::variant<Append, Notify, Ack, AddSilence, RemoveSilence>;

    void enqueue(Write write);
    bool flush();
    bool ensureOpen();
    void close();
    bool migrate(QString *error);
    bool exec(QSqlQuery &q, const QString &what, QString *error);
    void reportFailure(const QString &error);
    void reportRecovered();
    void reportPending();
    QList<Silence> activeSilences(qint64 nowMs, QString *error);

    QString m_path;
    QString m_connectionName;
    std::unique_ptr<QSqlDatabase> m_db; // Qt Sql stays private to this library
    std::unique_ptr<QSqlQuery> m_insert;
    std::chrono::milliseconds m_busyTimeout { 5000 };
    std::chrono::milliseconds m_retryInterval { 30'000 };
    int m_retentionDays = 90;
    qint64 m_maxRows = 1'000'000;
    std::deque<Write> m_pending;
    QString m_lastError;
    int m_reportedPending = 0;
    QTimer *m_pruneTimer = nullptr;
    QTimer *m_retryTimer = nullptr;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::HistoryQuery)
