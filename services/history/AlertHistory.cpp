#include "services/history/AlertHistory.h"

#include "services/base/Logging.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTimeZone>
#include <QTimer>
#include <algorithm>
#include <array>

namespace cw {

namespace {

constexpr qint64 kDayMs = 86'400'000;
constexpr std::chrono::hours kPruneInterval { 1 };

// Stored codes are positions in these tables, fixed here rather than taken from the enum
// values, so reordering an enum can never change the meaning of rows already on disk.
constexpr std::array kSeverityCodes { Severity::Info, Severity::Warning, Severity::Critical };
constexpr std::array kStateCodes { AlertState::Pending, AlertState::Firing, AlertState::Resolved,
    AlertState::Flapping };
constexpr std::array kNotifyCodes { NotifyStatus::None, NotifyStatus::Queued, NotifyStatus::Sent,
    NotifyStatus::Failed, NotifyStatus::Silenced };

template <typename E, size_t N> int codeOf(const std::array<E, N> &table, E value)
{
    return int(std::find(table.begin(), table.end(), value) - table.begin());
}
template <typename E, size_t N> E fromCode(const std::array<E, N> &table, int code, E fallback)
{
    return code >= 0 && code < int(N) ? table[size_t(code)] : fallback;
}

int severityCode(Severity s)
{
    return codeOf(kSeverityCodes, s);
}
Severity severityFromCode(int c)
{
    return fromCode(kSeverityCodes, c, Severity::Warning);
}
int stateCode(AlertState s)
{
    return codeOf(kStateCodes, s);
}
AlertState stateFromCode(int c)
{
    return fromCode(kStateCodes, c, AlertState::Pending);
}
int notifyCode(NotifyStatus s)
{
    return codeOf(kNotifyCodes, s);
}
NotifyStatus notifyFromCode(int c)
{
    return fromCode(kNotifyCodes, c, NotifyStatus::None);
}

// Qt SQL binds a null QString as SQL NULL; the text columns are NOT NULL.
QVariant text(const QString &s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

QString sqlError(const QSqlError &e)
{
    const QString db = e.databaseText();
    return db.isEmpty() ? e.text() : db;
}

// Version 1. Severity/state/notify are the codes above. AUTOINCREMENT so that an id is never
// reused after pruning: the model and the notifier refer to rows by id.
const char *const kSchemaV1[] = {
    "CREATE TABLE transitions ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " time_ms INTEGER NOT NULL,"
    " rule TEXT NOT NULL,"
    " subject TEXT NOT NULL,"
    " severity INTEGER NOT NULL,"
    " state INTEGER NOT NULL,"
    " summary TEXT NOT NULL DEFAULT '',"
    " detail TEXT NOT NULL DEFAULT '',"
    " caused_by TEXT NOT NULL DEFAULT '',"
    " notify INTEGER NOT NULL DEFAULT 0,"
    " notify_error TEXT NOT NULL DEFAULT '',"
    " ack_time_ms INTEGER NOT NULL DEFAULT 0,"
    " ack_by TEXT NOT NULL DEFAULT '',"
    " ack_comment TEXT NOT NULL DEFAULT '')",
    // time_ms ends each filter index so a filtered, newest-first query walks one index in order
    // and stops at its limit instead of sorting every match (bench_alerthistory: a node's
    // critical alerts in 1 M rows, 175 ms -> 20 ms). The subject index serves the node filter.
    "CREATE INDEX transitions_time ON transitions(time_ms)",
    "CREATE INDEX transitions_rule_subject ON transitions(rule, subject, time_ms)",
    "CREATE INDEX transitions_subject ON transitions(subject, time_ms)",
    "CREATE INDEX transitions_severity ON transitions(severity, time_ms)",
    "CREATE TABLE silences ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " rule TEXT NOT NULL DEFAULT '',"
    " subject TEXT NOT NULL DEFAULT '',"
    " created_ms INTEGER NOT NULL,"
    " until_ms INTEGER NOT NULL,"
    " comment TEXT NOT NULL DEFAULT '',"
    " created_by TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX silences_until ON silences(until_ms)",
};

const QLatin1String kColumns(
    "id, time_ms, rule, subject, severity, state, summary, detail, caused_by, "
    "notify, notify_error, ack_time_ms, ack_by, ack_comment");

AlertTransition readTransition(const QSqlQuery &q)
{
    AlertTransition t;
    t.id = q.value(0).toLongLong();
    t.timeMs = q.value(1).toLongLong();
    t.rule = q.value(2).toString();
    t.subject = q.value(3).toString();
    t.severity = severityFromCode(q.value(4).toInt());
    t.state = stateFromCode(q.value(5).toInt());
    t.summary = q.value(6).toString();
    t.detail = q.value(7).toString();
    t.causedBy = q.value(8).toString();
    t.notify = notifyFromCode(q.value(9).toInt());
    t.notifyError = q.value(10).toString();
    t.ackTimeMs = q.value(11).toLongLong();
    t.ackBy = q.value(12).toString();
    t.ackComment = q.value(13).toString();
    return t;
}

// SELECT for @p query; values to bind in order into @p binds.
QString selectSql(const HistoryQuery &query, QVariantList *binds)
{
    QStringList where;
    if (!query.severities.isEmpty()) {
        QStringList marks;
        for (Severity s : query.severities) {
            marks << QStringLiteral("?");
            binds->append(severityCode(s));
        }
        where << QStringLiteral("severity IN (") + marks.join(QLatin1Char(',')) + QLatin1Char(')');
    }
    if (!query.notifyStatuses.isEmpty()) {
        QStringList marks;
        for (NotifyStatus status : query.notifyStatuses) {
            marks << QStringLiteral("?");
            binds->append(notifyCode(status));
        }
        where << QStringLiteral("notify IN (") + marks.join(QLatin1Char(',')) + QLatin1Char(')');
    }
    if (!query.subject.isEmpty()) {
        where << QStringLiteral("subject = ?");
        binds->append(query.subject);
    }
    if (!query.rule.isEmpty()) {
        where << QStringLiteral("rule = ?");
        binds->append(query.rule);
    }
    if (query.fromMs > 0) {
        where << QStringLiteral("time_ms >= ?");
        binds->append(query.fromMs);
    }
    if (query.toMs > 0) {
        where << QStringLiteral("time_ms < ?");
        binds->append(query.toMs);
    }
    if (!query.search.isEmpty()) {
        QString escaped = query.search;
        escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('%'), QStringLiteral("\\%"))
            .replace(QLatin1Char('_'), QStringLiteral("\\_"));
        const QString pattern = QLatin1Char('%') + escaped + QLatin1Char('%');
        QStringList any;
        for (const char *column : { "summary", "detail", "subject", "rule" }) {
            any << QLatin1String(column) + QStringLiteral(" LIKE ? ESCAPE '\\'");
            binds->append(pattern);
        }
        where << QLatin1Char('(') + any.join(QStringLiteral(" OR ")) + QLatin1Char(')');
    }
    if (query.latestPerAlert)
        where << QStringLiteral("id IN (SELECT max(id) FROM transitions GROUP BY rule, subject)");
    QString sql = QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM transitions");
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += query.newestFirst ? QStringLiteral(" ORDER BY time_ms DESC, id DESC")
                             : QStringLiteral(" ORDER BY time_ms ASC, id ASC");
    if (query.limit > 0)
        sql += QStringLiteral(" LIMIT ") + QString::number(query.limit);
    return sql;
}

QByteArray csvField(const QString &value)
{
    QByteArray utf8 = value.toUtf8();
    if (utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r')) {
        utf8.replace("\"", "\"\"");
        return '"' + utf8 + '"';
    }
    return utf8;
}

QString isoUtc(qint64 ms)
{
    // Spelled out: Qt's ISODate writes "+00:00" or "Z" depending on how the zone was given.
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())
        .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"));
}

} // namespace

void registerAlertHistoryMetaTypes()
{
    qRegisterMetaType<AlertTransition>();
    qRegisterMetaType<QList<AlertTransition>>();
    qRegisterMetaType<Silence>();
    qRegisterMetaType<QList<Silence>>();
    qRegisterMetaType<HistoryQuery>();
    qRegisterMetaType<NotifyStatus>();
    qRegisterMetaType<Severity>();
    qRegisterMetaType<AlertState>();
    qRegisterMetaType<QList<qint64>>();
}

AlertHistory::AlertHistory(QString path, QObject *parent)
    : QObject(parent)
    , m_path(path.isEmpty() ? defaultPath() : std::move(path))
    , m_db(std::make_unique<QSqlDatabase>())
{
    static QAtomicInteger<quint32> counter;
    m_connectionName = QStringLiteral("cw-alert-history-%1").arg(counter.fetchAndAddRelaxed(1));
    registerAlertHistoryMetaTypes();
}

AlertHistory::~AlertHistory()
{
    if (!m_pending.empty()) {
        qCWarning(lcHistory).noquote() << "closing the alert history" << m_path << "with"
                                       << m_pending.size() << "writes not stored:" << m_lastError;
    }
    close();
    m_db.reset();
    if (QSqlDatabase::contains(m_connectionName))
        QSqlDatabase::removeDatabase(m_connectionName);
}

int AlertHistory::storedStateCode(AlertState state)
{
    return stateCode(state);
}

QString AlertHistory::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/alerts.sqlite");
}

void AlertHistory::open()
{
    if (!m_pruneTimer) {
        m_pruneTimer = new QTimer(this);
        m_pruneTimer->setInterval(kPruneInterval);
        connect(m_pruneTimer, &QTimer::timeout, this,
            [this] { prune(QDateTime::currentMSecsSinceEpoch()); });
        m_pruneTimer->start();
    }
    if (!ensureOpen())
        return;
    prune(QDateTime::currentMSecsSinceEpoch());
    listSilences();
    flush();
}

void AlertHistory::setRetention(int retentionDays, qint64 maxRows)
{
    m_retentionDays = retentionDays;
    m_maxRows = maxRows;
}

void AlertHistory::append(const AlertTransition &transition)
{
    enqueue(Append { transition });
    flush();
}

void AlertHistory::appendMany(const QList<AlertTransition> &transitions)
{
    for (const AlertTransition &t : transitions)
        enqueue(Append { t });
    flush();
}

void AlertHistory::setNotifyStatus(qint64 id, NotifyStatus status, const QString &error)
{
    enqueue(Notify { id, status, error });
    flush();
}

void AlertHistory::acknowledge(
    const QList<qint64> &ids, const QString &by, const QString &comment, qint64 timeMs)
{
    enqueue(Ack { ids, by, comment, timeMs });
    flush();
}

void AlertHistory::addSilence(const Silence &silence)
{
    enqueue(AddSilence { silence });
    flush();
}

void AlertHistory::removeSilence(qint64 id)
{
    enqueue(RemoveSilence { id });
    flush();
}

void AlertHistory::retryPending()
{
    flush();
}

void AlertHistory::enqueue(Write write)
{
    m_pending.push_back(std::move(write));
    if (m_pending.size() > size_t(kMaxPending)) {
        const size_t dropped = m_pending.size() - size_t(kMaxPending);
        m_pending.erase(m_pending.begin(), m_pending.begin() + qsizetype(dropped));
        // Not deduplicated: every loss is worth a line.
        const QString error
            = tr("alert history %1: %2 unsaved alert history entries dropped, the store has been "
                 "failing for too long (%3)")
                  .arg(m_path)
                  .arg(dropped)
                  .arg(m_lastError);
        qCWarning(lcHistory).noquote() << error;
        Q_EMIT failed(error);
    }
}

bool AlertHistory::exec(QSqlQuery &q, const QString &what, QString *error)
{
    if (q.exec())
        return true;
    *error = what + QStringLiteral(": ") + sqlError(q.lastError());
    return false;
}

bool AlertHistory::ensureOpen()
{
    if (m_db->isOpen())
        return true;

    const QFileInfo info(m_path);
    QString problem;
    if (!QDir().mkpath(info.absolutePath())) {
        reportFailure(
            tr("alert history %1: cannot create the folder %2").arg(m_path, info.absolutePath()));
        return false;
    }
    if (info.exists() && (!info.isFile() || info.size() > 0)) {
        // Checked before SQLite touches the file: a wrong path must never be modified.
        QFile file(m_path);
        if (!file.open(QIODevice::ReadOnly)) {
            reportFailure(
                tr("alert history %1: cannot read the file: %2").arg(m_path, file.errorString()));
            return false;
        }
        static const QByteArray magic("SQLite format 3\0", 16);
        if (file.read(16) != magic) {
            reportFailure(tr(
                "alert history %1: the file is not a SQLite database (damaged, or another "
                "application's file); it was left untouched. Move it away to start a new history.")
                              .arg(m_path));
            return false;
        }
    }

    if (!QSqlDatabase::contains(m_connectionName))
        *m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    else
        *m_db = QSqlDatabase::database(m_connectionName, false);
    if (!m_db->isValid()) {
        reportFailure(tr(
            "alert history %1: the Qt SQLite driver is not available (install libqt6sql6-sqlite)")
                          .arg(m_path));
        return false;
    }
    m_db->setDatabaseName(m_path);
    m_db->setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_busyTimeout.count()));
    if (!m_db->open()) {
        reportFailure(
            tr("alert history %1: cannot open: %2").arg(m_path, sqlError(m_db->lastError())));
        return false;
    }

    QString error;
    bool ok = true;
    {
        QSqlQuery q(*m_db);
        // A read first: a damaged file fails here, before any PRAGMA writes to it.
        ok = q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master"));
        if (!ok)
            error = tr("cannot read (damaged file?): %1").arg(sqlError(q.lastError()));
        if (ok && !migrate(&error))
            ok = false;
        if (ok) {
            // WAL + synchronous=NORMAL: a commit is in the WAL file (the OS page cache) before
            // it returns, so a crash or SIGKILL of Clusterwatch never loses a committed
            // transition and the file stays consistent. Only a power loss or kernel crash can
            // drop the last commits (never corrupt). FULL would fsync on every commit and stall
            // this thread during alert storms, for little gain on a monitoring host.
            ok = q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) && q.next();
            if (!ok)
                error = tr("cannot switch to WAL mode: %1").arg(sqlError(q.lastError()));
            else if (q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
                qCWarning(lcHistory).noquote()
                    << m_path << "does not support WAL mode; journal mode is"
                    << q.value(0).toString();
        }
        if (ok) {
            // 8 MiB of page cache (SQLite's default is 2): the five B-trees of a large history
            // stay cached while inserting, about a fifth less CPU per row at 1 M rows.
            ok = q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"))
                && q.exec(QStringLiteral("PRAGMA foreign_keys=ON"))
                && q.exec(QStringLiteral("PRAGMA cache_size=-8192"));
            if (!ok)
                error = sqlError(q.lastError());
        }
    }
    if (ok) {
        m_insert = std::make_unique<QSqlQuery>(*m_db);
        ok = m_insert->prepare(QStringLiteral(
            "INSERT INTO transitions (time_ms, rule, subject, severity, state, summary, detail, "
            "caused_by, notify, notify_error, ack_time_ms, ack_by, ack_comment) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        if (!ok)
            error = sqlError(m_insert->lastError());
    }
    if (!ok) {
        close();
        reportFailure(tr("alert history %1: %2; the file was left as it is").arg(m_path, error));
        return false;
    }
    qCInfo(lcHistory).noquote() << "alert history open:" << m_path;
    Q_EMIT opened(m_path);
    return true;
}

bool AlertHistory::migrate(QString *error)
{
    QSqlQuery q(*m_db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
        *error = tr("cannot read the schema version: %1").arg(sqlError(q.lastError()));
        return false;
    }
    int version = q.value(0).toInt();
    if (version > kSchemaVersion) {
        *error = tr("written by a newer Clusterwatch (schema %1, this one knows up to %2)")
                     .arg(version)
                     .arg(kSchemaVersion);
        return false;
    }
    if (version == kSchemaVersion)
        return true;
    if (version == 0) {
        if (!q.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !q.next()) {
            *error = sqlError(q.lastError());
            return false;
        }
        if (q.value(0).toInt() > 0) {
            *error = tr("a SQLite database of another application (it has tables but no "
                        "Clusterwatch schema)");
            return false;
        }
        // Only possible before the first table exists; lets prune() give space back.
        if (!q.exec(QStringLiteral("PRAGMA auto_vacuum=INCREMENTAL"))) {
            *error = sqlError(q.lastError());
            return false;
        }
    }
    q.finish();
    // One step per schema version; each runs in its own transaction with its version bump.
    while (version < kSchemaVersion) {
        QList<QString> statements;
        if (version == 0) {
            for (const char *sql : kSchemaV1)
                statements << QString::fromLatin1(sql);
        }
        statements << QStringLiteral("PRAGMA user_version=%1").arg(version + 1);
        if (!m_db->transaction()) {
            *error = tr("cannot start the schema migration: %1").arg(sqlError(m_db->lastError()));
            return false;
        }
        for (const QString &sql : statements) {
            if (!q.exec(sql)) {
                *error = tr("schema migration to version %1 failed: %2")
                             .arg(version + 1)
                             .arg(sqlError(q.lastError()));
                q.finish();
                m_db->rollback();
                return false;
            }
        }
        q.finish();
        if (!m_db->commit()) {
            *error = tr("schema migration to version %1 not committed: %2")
                         .arg(version + 1)
                         .arg(sqlError(m_db->lastError()));
            m_db->rollback();
            return false;
        }
        ++version;
    }
    return true;
}

void AlertHistory::close()
{
    m_insert.reset();
    if (m_db->isOpen())
        m_db->close();
}

void AlertHistory::reportFailure(const QString &error)
{
    if (!m_pending.empty()) {
        if (!m_retryTimer) {
            m_retryTimer = new QTimer(this);
            m_retryTimer->setSingleShot(true);
            connect(m_retryTimer, &QTimer::timeout, this, &AlertHistory::retryPending);
        }
        if (!m_retryTimer->isActive())
            m_retryTimer->start(m_retryInterval);
    }
    reportPending();
    if (error == m_lastError)
        return;
    m_lastError = error;
    qCWarning(lcHistory).noquote() << error;
    Q_EMIT failed(error);
}

void AlertHistory::reportPending()
{
    const int count = int(m_pending.size());
    if (count == m_reportedPending)
        return;
    m_reportedPending = count;
    Q_EMIT pendingChanged(count);
}

void AlertHistory::reportRecovered()
{
    if (!m_lastError.isEmpty())
        qCInfo(lcHistory).noquote() << "alert history" << m_path << "writable again";
    m_lastError.clear();
}

bool AlertHistory::flush()
{
    if (m_pending.empty())
        return true;
    if (!ensureOpen())
        return false;

    struct Outcome {
        QList<AlertTransition> stored;
        QList<Notify> notified;
        QList<Ack> acked;
        QList<Silence> silencesAdded;
        QList<qint64> silencesRemoved;
    } out;

    QString error;
    bool ok = m_db->transaction();
    if (!ok)
        error = tr("cannot start a transaction: %1").arg(sqlError(m_db->lastError()));
    for (auto it = m_pending.cbegin(); ok && it != m_pending.cend(); ++it) {
        if (const auto *a = std::get_if<Append>(&*it)) {
            const AlertTransition &t = a->transition;
            QSqlQuery &q = *m_insert;
            q.bindValue(0, t.timeMs);
            q.bindValue(1, text(t.rule));
            q.bindValue(2, text(t.subject));
            q.bindValue(3, severityCode(t.severity));
            q.bindValue(4, stateCode(t.state));
            q.bindValue(5, text(t.summary));
            q.bindValue(6, text(t.detail));
            q.bindValue(7, text(t.causedBy));
            q.bindValue(8, notifyCode(t.notify));
            q.bindValue(9, text(t.notifyError));
            q.bindValue(10, t.ackTimeMs);
            q.bindValue(11, text(t.ackBy));
            q.bindValue(12, text(t.ackComment));
            ok = exec(q, tr("cannot store a transition"), &error);
            if (ok) {
                AlertTransition storedT = t;
                storedT.id = q.lastInsertId().toLongLong();
                out.stored << storedT;
            }
        } else if (const auto *n = std::get_if<Notify>(&*it)) {
            QSqlQuery q(*m_db);
            q.prepare(
                QStringLiteral("UPDATE transitions SET notify = ?, notify_error = ? WHERE id = ?"));
            q.addBindValue(notifyCode(n->status));
            q.addBindValue(text(n->error));
            q.addBindValue(n->id);
            ok = exec(q, tr("cannot store a notification status"), &error);
            if (ok && q.numRowsAffected() > 0)
                out.notified << *n;
        } else if (const auto *ack = std::get_if<Ack>(&*it)) {
            QSqlQuery q(*m_db);
            q.prepare(QStringLiteral(
                "UPDATE transitions SET ack_time_ms = ?, ack_by = ?, ack_comment = ? "
                "WHERE id = ?"));
            Ack done { {}, ack->by, ack->comment, ack->timeMs };
            for (qint64 id : ack->ids) {
                q.bindValue(0, ack->timeMs);
                q.bindValue(1, text(ack->by));
                q.bindValue(2, text(ack->comment));
                q.bindValue(3, id);
                ok = exec(q, tr("cannot store an acknowledgement"), &error);
                if (!ok)
                    break;
                if (q.numRowsAffected() > 0)
                    done.ids << id;
            }
            if (ok && !done.ids.isEmpty())
                out.acked << done;
        } else if (const auto *add = std::get_if<AddSilence>(&*it)) {
            const Silence &s = add->silence;
            QSqlQuery q(*m_db);
            q.prepare(QStringLiteral(
                "INSERT INTO silences (rule, subject, created_ms, until_ms, comment, created_by) "
                "VALUES (?, ?, ?, ?, ?, ?)"));
            q.addBindValue(text(s.rule));
            q.addBindValue(text(s.subject));
            q.addBindValue(s.createdMs);
            q.addBindValue(s.untilMs);
            q.addBindValue(text(s.comment));
            q.addBindValue(text(s.createdBy));
            ok = exec(q, tr("cannot store a silence"), &error);
            if (ok) {
                Silence storedS = s;
                storedS.id = q.lastInsertId().toLongLong();
                out.silencesAdded << storedS;
            }
        } else if (const auto *rm = std::get_if<RemoveSilence>(&*it)) {
            QSqlQuery q(*m_db);
            q.prepare(QStringLiteral("DELETE FROM silences WHERE id = ?"));
            q.addBindValue(rm->id);
            ok = exec(q, tr("cannot remove a silence"), &error);
            if (ok && q.numRowsAffected() > 0)
                out.silencesRemoved << rm->id;
        }
    }
    if (m_insert)
        m_insert->finish();
    if (ok && !m_db->commit()) {
        ok = false;
        error = tr("cannot commit: %1").arg(sqlError(m_db->lastError()));
    }
    if (!ok) {
        m_db->rollback();
        // Reopened on the next attempt, so a replaced or repaired file is picked up.
        close();
        reportFailure(tr("alert history %1: %2; kept in memory and retried").arg(m_path, error));
        return false;
    }

    m_pending.clear();
    reportRecovered();
    if (m_retryTimer)
        m_retryTimer->stop();
    reportPending();
    for (const AlertTransition &t : std::as_const(out.stored))
        Q_EMIT stored(t);
    for (const Notify &n : std::as_const(out.notified))
        Q_EMIT notifyStatusChanged(n.id, n.status, n.error);
    for (const Ack &a : std::as_const(out.acked))
        Q_EMIT acknowledged(a.ids, a.by, a.comment, a.timeMs);
    for (const Silence &s : std::as_const(out.silencesAdded))
        Q_EMIT silenceAdded(s);
    for (qint64 id : std::as_const(out.silencesRemoved))
        Q_EMIT silenceRemoved(id);
    if (!out.silencesAdded.isEmpty() || !out.silencesRemoved.isEmpty())
        listSilences();
    return true;
}

QList<Silence> AlertHistory::activeSilences(qint64 nowMs, QString *error)
{
    QList<Silence> result;
    QSqlQuery q(*m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT id, rule, subject, created_ms, until_ms, comment, created_by FROM silences "
        "WHERE until_ms > ? ORDER BY until_ms, id"));
    q.addBindValue(nowMs);
    if (!exec(q, tr("cannot read the silences"), error))
        return result;
    while (q.next()) {
        Silence s;
        s.id = q.value(0).toLongLong();
        s.rule = q.value(1).toString();
        s.subject = q.value(2).toString();
        s.createdMs = q.value(3).toLongLong();
        s.untilMs = q.value(4).toLongLong();
        s.comment = q.value(5).toString();
        s.createdBy = q.value(6).toString();
        result << s;
    }
    return result;
}

void AlertHistory::listSilences()
{
    if (!ensureOpen())
        return;
    QString error;
    const QList<Silence> active = activeSilences(QDateTime::currentMSecsSinceEpoch(), &error);
    if (!error.isEmpty()) {
        Q_EMIT failed(tr("alert history %1: %2").arg(m_path, error));
        return;
    }
    Q_EMIT silencesChanged(active);
}

void AlertHistory::query(quint64 requestId, const HistoryQuery &query)
{
    QList<AlertTransition> rows;
    if (!ensureOpen()) {
        Q_EMIT queryFinished(requestId, rows);
        return;
    }
    flush(); // a query sees every write made before it
    QVariantList binds;
    QSqlQuery q(*m_db);
    q.setForwardOnly(true);
    q.prepare(selectSql(query, &binds));
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    QString error;
    if (exec(q, tr("cannot read the history"), &error)) {
        while (q.next())
            rows << readTransition(q);
        if (q.lastError().isValid())
            error = sqlError(q.lastError());
    }
    if (!error.isEmpty())
        Q_EMIT failed(tr("alert history %1: %2").arg(m_path, error));
    Q_EMIT queryFinished(requestId, rows);
}

void AlertHistory::exportCsv(const QString &path, const HistoryQuery &query)
{
    if (!ensureOpen()) {
        Q_EMIT exportFinished(path, 0, m_lastError);
        return;
    }
    flush();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        Q_EMIT exportFinished(path, 0, tr("cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    QVariantList binds;
    QSqlQuery q(*m_db);
    q.setForwardOnly(true);
    q.prepare(selectSql(query, &binds));
    for (const QVariant &v : std::as_const(binds))
        q.addBindValue(v);
    QString error;
    if (!exec(q, tr("cannot read the history"), &error)) {
        file.cancelWriting();
        Q_EMIT exportFinished(path, 0, tr("alert history %1: %2").arg(m_path, error));
        return;
    }
    // RFC 4180: CRLF line ends, a header row, fields with comma, quote or line break quoted.
    file.write("id,time,severity,state,rule,subject,summary,detail,caused_by,notification,"
               "notification_error,"
               "acknowledged_at,acknowledged_by,ack_comment\r\n");
    qint64 rows = 0;
    while (q.next()) {
        const AlertTransition t = readTransition(q);
        const QByteArrayList fields { QByteArray::number(t.id), isoUtc(t.timeMs).toUtf8(),
            toString(t.severity).toUtf8(), toString(t.state).toUtf8(), csvField(t.rule),
            csvField(t.subject), csvField(t.summary), csvField(t.detail), csvField(t.causedBy),
            toString(t.notify).toUtf8(), csvField(t.notifyError),
            t.ackTimeMs > 0 ? isoUtc(t.ackTimeMs).toUtf8() : QByteArray(), csvField(t.ackBy),
            csvField(t.ackComment) };
        const QByteArray line = fields.join(',') + "\r\n";
        if (file.write(line) != line.size())
            break;
        ++rows;
    }
    if (q.lastError().isValid()) {
        file.cancelWriting();
        Q_EMIT exportFinished(
            path, rows, tr("alert history %1: %2").arg(m_path, sqlError(q.lastError())));
        return;
    }
    if (!file.commit()) {
        Q_EMIT exportFinished(path, rows, tr("cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    Q_EMIT exportFinished(path, rows, QString());
}

void AlertHistory::prune(qint64 nowMs)
{
    if (!ensureOpen())
        return;
    QString error;
    qint64 removed = 0;
    bool ok = m_db->transaction();
    if (!ok)
        error = tr("cannot start a transaction: %1").arg(sqlError(m_db->lastError()));
    {
        QSqlQuery q(*m_db);
        if (ok && m_retentionDays > 0) {
            q.prepare(QStringLiteral("DELETE FROM transitions WHERE time_ms < ?"));
            q.addBindValue(nowMs - qint64(m_retentionDays) * kDayMs);
            ok = exec(q, tr("cannot prune old transitions"), &error);
            if (ok)
                removed += q.numRowsAffected();
        }
        if (ok && m_maxRows > 0) {
            ok = q.exec(QStringLiteral("SELECT count(*) FROM transitions")) && q.next();
            if (!ok)
                error = sqlError(q.lastError());
            const qint64 excess = ok ? q.value(0).toLongLong() - m_maxRows : 0;
            q.finish();
            if (ok && excess > 0) {
                q.prepare(
                    QStringLiteral("DELETE FROM transitions WHERE id IN "
                                   "(SELECT id FROM transitions ORDER BY time_ms, id LIMIT ?)"));
                q.addBindValue(excess);
                ok = exec(q, tr("cannot prune the oldest transitions"), &error);
                if (ok)
                    removed += q.numRowsAffected();
            }
        }
        if (ok) {
            q.prepare(QStringLiteral("DELETE FROM silences WHERE until_ms <= ?"));
            q.addBindValue(nowMs);
            ok = exec(q, tr("cannot prune expired silences"), &error);
        }
    }
    if (ok && !m_db->commit()) {
        ok = false;
        error = tr("cannot commit: %1").arg(sqlError(m_db->lastError()));
    }
    if (!ok) {
        m_db->rollback();
        Q_EMIT failed(tr("alert history %1: %2").arg(m_path, error));
        return;
    }
    {
        QSqlQuery q(*m_db);
        // Give space back when a large part of the file is free (e.g. the row limit was lowered).
        if (removed > 0 && q.exec(QStringLiteral("PRAGMA freelist_count")) && q.next()) {
            const qint64 freePages = q.value(0).toLongLong();
            if (q.exec(QStringLiteral("PRAGMA page_count")) && q.next()
                && freePages * 4 > q.value(0).toLongLong())
                q.exec(QStringLiteral("PRAGMA incremental_vacuum"));
        }
        // Statistics let the planner choose between the time index and the filter indexes. A
        // sampled ANALYZE (analysis_limit) misjudges the 3-valued severity as selective; the
        // full one takes ~0.3 s on 1 M rows, once an hour on this thread.
        q.exec(QStringLiteral("ANALYZE"));
    }
    Q_EMIT pruned(removed);
}

} // namespace cw
