// The persistent alert history as an operator depends on it: every field comes back, filters
// and search find the right rows, acknowledgements and silences stick, the CSV export opens in
// a spreadsheet, retention bounds the file, a damaged or foreign file is reported and never
// touched, a failing store keeps what it could not write and catches up, and a SIGKILL in the
// middle of an alert storm loses nothing that was reported as stored.
#include "services/base/WorkerThread.h"
#include "services/history/AlertHistory.h"
#include "tests/support/AlertBurst.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <map>
#include <memory>
#include <set>

using namespace cw;
using namespace std::chrono_literals;

namespace {

constexpr qint64 Day = 86'400'000;

QString describe(const AlertTransition &t)
{
    return QStringLiteral("[%1 %2 %3/%4 %5 %6 '%7' '%8' '%9' %10 '%11' %12 '%13' '%14']")
        .arg(t.id)
        .arg(t.timeMs)
        .arg(t.rule, t.subject, toString(t.severity), toString(t.state), t.summary, t.detail,
            t.causedBy, toString(t.notify), t.notifyError)
        .arg(t.ackTimeMs)
        .arg(t.ackBy, t.ackComment);
}

bool sameFields(const AlertTransition &a, const AlertTransition &b)
{
    return a.timeMs == b.timeMs && a.rule == b.rule && a.subject == b.subject
        && a.severity == b.severity && a.state == b.state && a.summary == b.summary
        && a.detail == b.detail && a.causedBy == b.causedBy && a.notify == b.notify
        && a.notifyError == b.notifyError && a.ackTimeMs == b.ackTimeMs && a.ackBy == b.ackBy
        && a.ackComment == b.ackComment;
}

AlertTransition make(qint64 timeMs, const QString &rule, const QString &subject, Severity severity,
    const QString &summary, const QString &detail = QString())
{
    AlertTransition t;
    t.timeMs = timeMs;
    t.rule = rule;
    t.subject = subject;
    t.severity = severity;
    t.state = AlertState::Firing;
    t.summary = summary;
    t.detail = detail;
    return t;
}

// A second, independent connection to the file, as another process would see it.
class RawDb {
public:
    explicit RawDb(const QString &path)
        : m_name(QStringLiteral("raw-%1").arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_ok = db.open();
    }
    ~RawDb()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    bool ok() const { return m_ok; }
    /// First column of the first row, or an invalid QVariant on error.
    QVariant scalar(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }
    bool exec(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        return q.exec(sql);
    }

private:
    static inline int s_count = 0;
    QString m_name;
    bool m_ok = false;
};

// RFC 4180: records end with CRLF, quoted fields may hold commas, CRLF and doubled quotes.
QList<QStringList> parseCsv(const QByteArray &data, bool *strict)
{
    *strict = true;
    QList<QStringList> rows;
    QStringList row;
    QByteArray field;
    bool quoted = false;
    for (qsizetype i = 0; i < data.size(); ++i) {
        const char c = data.at(i);
        if (quoted) {
            if (c == '"' && i + 1 < data.size() && data.at(i + 1) == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            if (!field.isEmpty())
                *strict = false;
            quoted = true;
        } else if (c == ',') {
            row << QString::fromUtf8(field);
            field.clear();
        } else if (c == '\r' && i + 1 < data.size() && data.at(i + 1) == '\n') {
            row << QString::fromUtf8(field);
            field.clear();
            rows << row;
            row.clear();
            ++i;
        } else {
            if (c == '\n' || c == '\r')
                *strict = false;
            field += c;
        }
    }
    if (quoted || !field.isEmpty() || !row.isEmpty())
        *strict = false; // the last record must end with CRLF
    return rows;
}

} // namespace

class TestAlertHistory : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    const qint64 m_now = QDateTime::currentMSecsSinceEpoch();

    std::unique_ptr<AlertHistory> openHistory(const QString &path = QString())
    {
        auto history = std::make_unique<AlertHistory>(path.isEmpty() ? m_path : path);
        QSignalSpy failed(history.get(), &AlertHistory::failed);
        QSignalSpy opened(history.get(), &AlertHistory::opened);
        history->open();
        if (!failed.isEmpty())
            qWarning() << "open failed:" << failed.first().first().toString();
        return failed.isEmpty() && opened.count() == 1 ? std::move(history) : nullptr;
    }

    static QList<AlertTransition> run(AlertHistory &history, const HistoryQuery &query)
    {
        static quint64 requestId = 100;
        QSignalSpy finished(&history, &AlertHistory::queryFinished);
        history.query(++requestId, query);
        if (finished.count() != 1 || finished.first().at(0).toULongLong() != requestId)
            return {};
        return finished.first().at(1).value<QList<AlertTransition>>();
    }

    static QList<qint64> ids(const QList<AlertTransition> &rows)
    {
        QList<qint64> result;
        for (const AlertTransition &t : rows)
            result << t.id;
        return result;
    }

    // Appends @p ts in order and returns their ids.
    static QList<qint64> store(AlertHistory &history, const QList<AlertTransition> &ts)
    {
        QSignalSpy stored(&history, &AlertHistory::stored);
        for (const AlertTransition &t : ts)
            history.append(t);
        QList<qint64> result;
        for (const QList<QVariant> &args : std::as_const(stored))
            result << args.at(0).value<AlertTransition>().id;
        return result;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        registerAlertHistoryMetaTypes();
        QVERIFY2(QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")),
            "the Qt SQLite driver (libqt6sql6-sqlite) is missing");
    }

    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        m_path = m_dir->filePath(QStringLiteral("alerts.sqlite"));
    }

    void cleanup() { m_dir.reset(); }

    void defaultPathIsInTheAppDataFolder()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("Clusterwatch"));
        QCoreApplication::setApplicationName(QStringLiteral("Clusterwatch"));
        const QString path = AlertHistory::defaultPath();
        QVERIFY2(path.endsWith(QStringLiteral("/Clusterwatch/Clusterwatch/alerts.sqlite")),
            qPrintable(path));
        QCOMPARE(AlertHistory().path(), path);
    }

    void roundTripEveryField()
    {
        auto history = openHistory();
        QVERIFY(history);
        AlertTransition t;
        t.timeMs = m_now - 1234;
        t.rule = QStringLiteral("worker_readiness");
        t.subject = QStringLiteral("n8n-worker-2");
        t.severity = Severity::Critical;
        t.state = AlertState::Flapping;
        t.summary = QStringLiteral("Worker n8n-worker-2 not ready, \"Redis\" down – ünïcode ✓");
        t.detail = QStringLiteral("GET /healthz/readiness → 503\nsecond line\r\nthird, with comma");
        t.causedBy = QStringLiteral("redis_down/redis");
        t.notify = NotifyStatus::Failed;
        t.notifyError = QStringLiteral("ops-slack: HTTP 500");
        t.ackTimeMs = m_now;
        t.ackBy = QStringLiteral("alice");
        t.ackComment = QStringLiteral("restarting redis");

        QSignalSpy stored(history.get(), &AlertHistory::stored);
        history->append(t);
        QCOMPARE(stored.count(), 1);
        const AlertTransition back = stored.first().first().value<AlertTransition>();
        QVERIFY(back.id > 0);
        QVERIFY2(sameFields(back, t), qPrintable(describe(back)));

        // Every enum value survives too.
        for (Severity s : { Severity::Info, Severity::Warning, Severity::Critical }) {
            for (AlertState st : { AlertState::Pending, AlertState::Firing, AlertState::Resolved,
                     AlertState::Flapping }) {
                AlertTransition e
                    = make(m_now, QStringLiteral("r"), QStringLiteral("s"), s, QString());
                e.state = st;
                e.notify = NotifyStatus(int(st) % 5);
                history->append(e);
            }
        }
        history->setNotifyStatus(back.id + 1, NotifyStatus::Silenced, QString());

        const QList<AlertTransition> rows = run(*history, HistoryQuery {});
        QCOMPARE(rows.size(), 13);
        const AlertTransition &first = rows.last(); // oldest, at the bottom
        QCOMPARE(first.id, back.id);
        QVERIFY2(sameFields(first, t), qPrintable(describe(first)));
        QCOMPARE(first.detail, t.detail); // CR LF inside the text kept byte for byte
        QSet<QString> combos;
        for (const AlertTransition &r : rows)
            combos.insert(toString(r.severity) + toString(r.state));
        QCOMPARE(combos.size(), 12);
        const QList<AlertTransition> oldest
            = run(*history, HistoryQuery { {}, {}, {}, 0, 0, {}, 1, false, false, {} });
        QCOMPARE(oldest.size(), 1);
        QCOMPARE(oldest.first().id, back.id);
        QCOMPARE(toString(run(*history, HistoryQuery {}).at(11).notify),
            toString(NotifyStatus::Silenced));
        // Empty strings are stored as '' (NOT NULL columns), not refused.
        AlertTransition bare;
        bare.timeMs = m_now;
        QCOMPARE(store(*history, { bare }).size(), 1);
    }

    void filtersAndSearch()
    {
        auto history = openHistory();
        QVERIFY(history);
        const qint64 t0 = m_now - 600'000;
        const QList<qint64> id = store(*history,
            {
                make(t0 + 1000, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"),
                    Severity::Warning, QStringLiteral("CPU 93 % on n8n-main")),
                make(t0 + 2000, QStringLiteral("cpu_high"), QStringLiteral("n8n-worker-1"),
                    Severity::Critical, QStringLiteral("CPU 99 % on n8n-worker-1")),
                make(t0 + 3000, QStringLiteral("redis_down"), QStringLiteral("redis"),
                    Severity::Critical, QStringLiteral("Redis unreachable"),
                    QStringLiteral("ECONNREFUSED 127.0.0.1:6379")),
                make(t0 + 4000, QStringLiteral("queue_backlog"), QStringLiteral("queue"),
                    Severity::Info, QStringLiteral("1,200 jobs waiting (100% of limit)")),
                make(t0 + 5000, QStringLiteral("worker_stalled"), QStringLiteral("n8n-worker-1"),
                    Severity::Warning, QStringLiteral("no job finished in 5 min"),
                    QStringLiteral("worker_1 idle")),
                make(t0 + 6000, QStringLiteral("cpu_high"), QStringLiteral("n8n-worker-1"),
                    Severity::Info, QStringLiteral("CPU back to 40 %")),
            });
        QCOMPARE(id.size(), 6);

        // Newest first by default, oldest first on request, limit cuts from the chosen end.
        QCOMPARE(ids(run(*history, HistoryQuery {})),
            (QList<qint64> { id[5], id[4], id[3], id[2], id[1], id[0] }));
        HistoryQuery q;
        q.newestFirst = false;
        q.limit = 2;
        QCOMPARE(ids(run(*history, q)), (QList<qint64> { id[0], id[1] }));

        q = {};
        q.severities = { Severity::Critical };
        QCOMPARE(ids(run(*history, q)), (QList<qint64> { id[2], id[1] }));
        q.severities = { Severity::Info, Severity::Warning };
        QCOMPARE(ids(run(*history, q)), (QList<qint64> { id[5], id[4], id[3], id[0] }));

        q = {};
        q.subject = QStringLiteral("n8n-worker-1");
        QCOMPARE(ids(run(*history, q)), (QList<qint64> { id[5], id[4], id[1] }));
        q.rule = QStringLiteral("cpu_high");
        QCOMPARE(ids(run(*history, q)), (QList<qint64> { id[5], id[1] }));
        q.severities = { Severity::Critical };
        QCOMPARE(ids(run(*history, q)), (QList<qint64> { id[1] }));

        // Where every alert stands: the newest row of each (rule, subject), however old.
        q = {};
        q.latestPerAlert = true;
        q.limit = 0;
        QCOMPARE(ids(run(*history, q)), (QList<qint64> { id[5], id[4], id[3], id[2], id[0] }));

        q = {};
        q.fromMs = t0 + 2000; // inclusive
        q.toMs = t0 + 5000; // exclusive
        QCOMPARE(ids(run(*history, q)), (QList<qint64> { id[3], id[2], id[1] }));

        auto search = [&](const QString &text) {
            HistoryQuery s;
            s.search = text;
            return ids(run(*history, s));
        };
        QCOMPARE(search(QStringLiteral("cpu")),
            (QList<qint64> { id[5], id[1], id[0] })); // case-insensitive, summary + rule
        QCOMPARE(search(QStringLiteral("econnrefused")), (QList<qint64> { id[2] })); // detail
        QCOMPARE(
            search(QStringLiteral("worker-1")), (QList<qint64> { id[5], id[4], id[1] })); // subject
        QCOMPARE(search(QStringLiteral("stalled")), (QList<qint64> { id[4] })); // rule
        // LIKE wildcards in the text are literal characters.
        QCOMPARE(search(QStringLiteral("100%")), (QList<qint64> { id[3] }));
        QCOMPARE(search(QStringLiteral("%")), (QList<qint64> { id[5], id[3], id[1], id[0] }));
        QCOMPARE(search(QStringLiteral("worker_1")),
            (QList<qint64> { id[4] })); // '_' is not "any character"
        QCOMPARE(search(QStringLiteral("nothing like this")), QList<qint64> {});
    }

    void acknowledgeAndNotifyStatus()
    {
        auto history = openHistory();
        QVERIFY(history);
        const QList<qint64> id = store(*history,
            {
                make(m_now - 3000, QStringLiteral("cpu_high"), QStringLiteral("a"),
                    Severity::Warning, QStringLiteral("one")),
                make(m_now - 2000, QStringLiteral("cpu_high"), QStringLiteral("b"),
                    Severity::Warning, QStringLiteral("two")),
                make(m_now - 1000, QStringLiteral("cpu_high"), QStringLiteral("c"),
                    Severity::Warning, QStringLiteral("three")),
            });
        QSignalSpy acked(history.get(), &AlertHistory::acknowledged);
        const QString comment = QStringLiteral("known: disk swap, \"planned\"\nticket OPS-12");
        history->acknowledge({ id[0], id[2], 999'999 }, QStringLiteral("bob"), comment, m_now);
        QCOMPARE(acked.count(), 1);
        QCOMPARE(acked.first().at(0).value<QList<qint64>>(),
            (QList<qint64> { id[0], id[2] })); // the missing id is not claimed
        QCOMPARE(acked.first().at(1).toString(), QStringLiteral("bob"));
        QCOMPARE(acked.first().at(2).toString(), comment);
        QCOMPARE(acked.first().at(3).toLongLong(), m_now);

        QSignalSpy notified(history.get(), &AlertHistory::notifyStatusChanged);
        history->setNotifyStatus(id[1], NotifyStatus::Failed, QStringLiteral("ops-slack: timeout"));
        history->setNotifyStatus(999'999, NotifyStatus::Sent, QString());
        QCOMPARE(notified.count(), 1);
        QCOMPARE(notified.first().at(0).toLongLong(), id[1]);
        QCOMPARE(
            toString(notified.first().at(1).value<NotifyStatus>()), toString(NotifyStatus::Failed));

        const QList<AlertTransition> rows = run(*history, HistoryQuery {});
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[2].ackBy, QStringLiteral("bob"));
        QCOMPARE(rows[2].ackComment, comment);
        QCOMPARE(rows[2].ackTimeMs, m_now);
        QCOMPARE(rows[1].ackTimeMs, 0);
        QCOMPARE(toString(rows[1].notify), toString(NotifyStatus::Failed));
        QCOMPARE(rows[1].notifyError, QStringLiteral("ops-slack: timeout"));
        QCOMPARE(rows[0].ackBy, QStringLiteral("bob"));
    }

    void silences()
    {
        auto history = openHistory();
        QVERIFY(history);
        QSignalSpy added(history.get(), &AlertHistory::silenceAdded);
        QSignalSpy changed(history.get(), &AlertHistory::silencesChanged);
        Silence cpu { 0, QStringLiteral("cpu_high"), QString(), m_now, m_now + 3600'000,
            QStringLiteral("load test"), QStringLiteral("alice") };
        Silence worker { 0, QString(), QStringLiteral("n8n-worker-1"), m_now, m_now + 7200'000,
            QStringLiteral("maintenance"), QStringLiteral("bob") };
        Silence expired { 0, QStringLiteral("redis_down"), QString(), m_now - 7200'000, m_now - 1,
            QString(), QStringLiteral("carol") };
        history->addSilence(cpu);
        history->addSilence(worker);
        history->addSilence(expired);
        QCOMPARE(added.count(), 3);
        const Silence cpuStored = added.at(0).first().value<Silence>();
        QVERIFY(cpuStored.id > 0);
        QCOMPARE(cpuStored.comment, QStringLiteral("load test"));
        QCOMPARE(cpuStored.createdBy, QStringLiteral("alice"));

        QVERIFY(!changed.isEmpty());
        QList<Silence> active = changed.last().first().value<QList<Silence>>();
        QCOMPARE(active.size(), 2); // the expired one is not active
        auto silenced = [&active](const QString &rule, const QString &subject, qint64 now) {
            return std::any_of(active.cbegin(), active.cend(),
                [&](const Silence &s) { return s.matches(rule, subject, now); });
        };
        QVERIFY(silenced(QStringLiteral("cpu_high"), QStringLiteral("n8n-main"), m_now + 1000));
        QVERIFY(silenced(
            QStringLiteral("worker_stalled"), QStringLiteral("n8n-worker-1"), m_now + 1000));
        QVERIFY(!silenced(QStringLiteral("redis_down"), QStringLiteral("redis"), m_now + 1000));
        QVERIFY(!silenced(
            QStringLiteral("cpu_high"), QStringLiteral("n8n-main"), m_now + 3600'000)); // ran out

        QSignalSpy removed(history.get(), &AlertHistory::silenceRemoved);
        history->removeSilence(cpuStored.id);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.first().first().toLongLong(), cpuStored.id);
        active = changed.last().first().value<QList<Silence>>();
        QCOMPARE(active.size(), 1);
        QCOMPARE(active.first().subject, QStringLiteral("n8n-worker-1"));
        history->removeSilence(cpuStored.id);
        QCOMPARE(removed.count(), 1); // already gone

        // Persisted; the expired one is pruned away.
        history.reset();
        {
            RawDb raw(m_path);
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM silences")).toInt(), 2);
        }
        history = std::make_unique<AlertHistory>(m_path);
        QSignalSpy reopened(history.get(), &AlertHistory::silencesChanged);
        history->open(); // prunes and lists
        QCOMPARE(reopened.count(), 1);
        active = reopened.first().first().value<QList<Silence>>();
        QCOMPARE(active.size(), 1);
        QCOMPARE(active.first().comment, QStringLiteral("maintenance"));
        history.reset();
        RawDb raw(m_path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM silences")).toInt(), 1);
    }

    void csvExportParsesBack()
    {
        auto history = openHistory();
        QVERIFY(history);
        AlertTransition tricky = make(1'764'000'000'123, QStringLiteral("cpu_high"),
            QStringLiteral("n8n-main"), Severity::Critical,
            QStringLiteral("CPU 93 %, \"hot\" node\nsecond line"), QStringLiteral("a\r\nb,c"));
        tricky.notify = NotifyStatus::Failed;
        tricky.notifyError = QStringLiteral("HTTP 500, \"bad gateway\"");
        tricky.ackTimeMs = 1'764'000'060'000;
        tricky.ackBy = QStringLiteral("ålice");
        tricky.ackComment = QStringLiteral("ok");
        AlertTransition plain = make(1'764'000'000'000, QStringLiteral("redis_down"),
            QStringLiteral("redis"), Severity::Warning, QStringLiteral("Redis down"));
        const QList<qint64> id = store(*history, { plain, tricky });
        QCOMPARE(id.size(), 2);

        const QString csv = m_dir->filePath(QStringLiteral("export/alerts.csv"));
        QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("export"))));
        QSignalSpy done(history.get(), &AlertHistory::exportFinished);
        history->exportCsv(csv, HistoryQuery {});
        QCOMPARE(done.count(), 1);
        QCOMPARE(done.first().at(0).toString(), csv);
        QCOMPARE(done.first().at(1).toLongLong(), 2);
        QCOMPARE(done.first().at(2).toString(), QString());

        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        bool strict = false;
        const QList<QStringList> rows = parseCsv(file.readAll(), &strict);
        QVERIFY2(strict,
            "not RFC 4180: every record must end with CRLF, quotes only around whole fields");
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0],
            (QStringList { QStringLiteral("id"), QStringLiteral("time"), QStringLiteral("severity"),
                QStringLiteral("state"), QStringLiteral("rule"), QStringLiteral("subject"),
                QStringLiteral("summary"), QStringLiteral("detail"), QStringLiteral("caused_by"),
                QStringLiteral("notification"), QStringLiteral("notification_error"),
                QStringLiteral("acknowledged_at"), QStringLiteral("acknowledged_by"),
                QStringLiteral("ack_comment") }));
        const QStringList &r = rows[1]; // newest first
        QCOMPARE(r.size(), 14);
        QCOMPARE(r[0].toLongLong(), id[1]);
        QCOMPARE(r[1], QStringLiteral("2025-11-24T16:00:00.123Z"));
        QCOMPARE(QDateTime::fromString(r[1], Qt::ISODateWithMs).toMSecsSinceEpoch(), tricky.timeMs);
        QCOMPARE(r[2], QStringLiteral("critical"));
        QCOMPARE(r[3], QStringLiteral("firing"));
        QCOMPARE(r[6], tricky.summary);
        QCOMPARE(r[7], tricky.detail);
        QCOMPARE(r[9], QStringLiteral("failed"));
        QCOMPARE(r[10], tricky.notifyError);
        QCOMPARE(r[11], QStringLiteral("2025-11-24T16:01:00.000Z"));
        QCOMPARE(r[12], tricky.ackBy);
        QCOMPARE(rows[2][6], QStringLiteral("Redis down"));
        QCOMPARE(rows[2][11], QString()); // not acknowledged: empty, not 1970

        // A filter applies to the export as to a query.
        HistoryQuery critical;
        critical.severities = { Severity::Critical };
        history->exportCsv(csv, critical);
        QCOMPARE(done.last().at(1).toLongLong(), 1);

        // An unwritable target names the file.
        const QString bad = m_dir->filePath(QStringLiteral("no/such/dir/alerts.csv"));
        history->exportCsv(bad, HistoryQuery {});
        QCOMPARE(done.last().at(0).toString(), bad);
        QVERIFY2(
            done.last().at(2).toString().contains(bad), qPrintable(done.last().at(2).toString()));
    }

    void retentionByAge()
    {
        auto history = openHistory();
        QVERIFY(history);
        history->setRetention(30, 0);
        const QList<qint64> id = store(*history,
            {
                make(m_now - 40 * Day, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                    QStringLiteral("40 days")),
                make(m_now - 31 * Day, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                    QStringLiteral("31 days")),
                make(m_now - 29 * Day, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                    QStringLiteral("29 days")),
                make(m_now, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                    QStringLiteral("now")),
            });
        QSignalSpy pruned(history.get(), &AlertHistory::pruned);
        history->prune(m_now);
        QCOMPARE(pruned.count(), 1);
        QCOMPARE(pruned.first().first().toLongLong(), 2);
        QCOMPARE(ids(run(*history, HistoryQuery {})), (QList<qint64> { id[3], id[2] }));

        // open() prunes with the default retention (90 days) right away.
        store(*history,
            { make(m_now - 100 * Day, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                QStringLiteral("100 days")) });
        history.reset();
        history = openHistory();
        QVERIFY(history);
        QCOMPARE(ids(run(*history, HistoryQuery {})), (QList<qint64> { id[3], id[2] }));
    }

    void retentionByMaxRows()
    {
        auto history = openHistory();
        QVERIFY(history);
        history->setRetention(0, 5);
        // Stored out of time order: the oldest by time go first, not the first stored.
        QList<AlertTransition> ts;
        for (int k : { 3, 0, 7, 1, 6, 2, 5, 4 })
            ts << make(m_now - qint64(1000) * (10 - k), QStringLiteral("r"), QStringLiteral("s"),
                Severity::Info, QString::number(k));
        QCOMPARE(store(*history, ts).size(), 8);
        QSignalSpy pruned(history.get(), &AlertHistory::pruned);
        history->prune(m_now);
        QCOMPARE(pruned.first().first().toLongLong(), 3);
        QStringList kept;
        for (const AlertTransition &t : run(*history, HistoryQuery {}))
            kept << t.summary;
        QCOMPARE(kept,
            (QStringList { QStringLiteral("7"), QStringLiteral("6"), QStringLiteral("5"),
                QStringLiteral("4"), QStringLiteral("3") }));

        // Bounded: a long burst under the limit stays at the limit, and ids are never reused.
        history->setRetention(0, 200);
        QList<AlertTransition> burst;
        for (int k = 0; k < 3000; ++k)
            burst << make(m_now + k, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                QStringLiteral("burst"));
        QSignalSpy stored(history.get(), &AlertHistory::stored);
        history->appendMany(burst);
        QCOMPARE(stored.count(), 3000);
        history->prune(m_now + 5000);
        HistoryQuery all;
        all.limit = 0;
        const QList<AlertTransition> rows = run(*history, all);
        QCOMPARE(rows.size(), 200);
        QCOMPARE(rows.first().timeMs, m_now + 2999);
        QCOMPARE(rows.last().timeMs, m_now + 2800);
        history.reset();
        history = openHistory();
        QVERIFY(history);
        const QList<qint64> next = store(*history,
            { make(m_now, QStringLiteral("r"), QStringLiteral("s"), Severity::Info, QString()) });
        QCOMPARE(next.size(), 1);
        QCOMPARE(next.first(), stored.last().first().value<AlertTransition>().id + 1);
    }

    void walModeSchemaAndPersistence()
    {
        auto history = openHistory();
        QVERIFY(history);
        const QList<qint64> id = store(*history,
            { make(m_now, QStringLiteral("cpu_high"), QStringLiteral("n8n-main"), Severity::Warning,
                QStringLiteral("kept")) });
        history->acknowledge(id, QStringLiteral("dave"), QStringLiteral("seen"), m_now + 5);
        {
            RawDb raw(m_path);
            QVERIFY(raw.ok());
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(),
                QStringLiteral("wal"));
            QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(),
                AlertHistory::kSchemaVersion);
            QCOMPARE(raw
                         .scalar(QStringLiteral(
                             "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master "
                             "WHERE type = 'index' AND tbl_name = 'transitions' ORDER BY name)"))
                         .toString(),
                QStringLiteral("transitions_rule_subject,transitions_severity,transitions_subject,"
                               "transitions_time"));
            // Readable by another connection while the history is open: the row is committed.
            QCOMPARE(raw.scalar(QStringLiteral("SELECT summary FROM transitions")).toString(),
                QStringLiteral("kept"));
        }
        history.reset();
        QVERIFY(QFile::exists(m_path));
        history = openHistory();
        QVERIFY(history);
        const QList<AlertTransition> rows = run(*history, HistoryQuery {});
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().id, id.first());
        QCOMPARE(rows.first().summary, QStringLiteral("kept"));
        QCOMPARE(rows.first().ackBy, QStringLiteral("dave"));
        QCOMPARE(rows.first().ackTimeMs, m_now + 5);
    }

    void damagedOrForeignFileIsReportedAndLeftAlone_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("setupSql");
        QTest::addColumn<QString>("expected");
        QByteArray text;
        for (int k = 0; k < 200; ++k)
            text += "this is somebody's notes file, line " + QByteArray::number(k) + '\n';
        QTest::newRow("text file") << text << QString() << QStringLiteral("not a SQLite database");
        QByteArray damaged("SQLite format 3\0", 16);
        for (int k = 0; k < 8192; ++k)
            damaged += char((k * 7919 + 13) % 251);
        QTest::newRow("damaged SQLite") << damaged << QString() << QStringLiteral("damaged");
        QTest::newRow("another application's database")
            << QByteArray() << QStringLiteral("CREATE TABLE notes (t TEXT)")
            << QStringLiteral("another application");
        QTest::newRow("newer schema") << QByteArray() << QStringLiteral("PRAGMA user_version=99")
                                      << QStringLiteral("newer Clusterwatch");
    }
    void damagedOrForeignFileIsReportedAndLeftAlone()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, setupSql);
        QFETCH(QString, expected);
        if (!setupSql.isEmpty()) {
            RawDb raw(m_path);
            QVERIFY(raw.exec(setupSql));
            if (!setupSql.startsWith(QLatin1String("PRAGMA")))
                QVERIFY(raw.exec(QStringLiteral("INSERT INTO notes VALUES ('mine')")));
        } else {
            QFile f(m_path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        QFile f(m_path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        QVERIFY(!before.isEmpty());

        AlertHistory history(m_path);
        QSignalSpy failed(&history, &AlertHistory::failed);
        QSignalSpy opened(&history, &AlertHistory::opened);
        QSignalSpy pending(&history, &AlertHistory::pendingChanged);
        QSignalSpy stored(&history, &AlertHistory::stored);
        history.open();
        QCOMPARE(opened.count(), 0);
        QCOMPARE(failed.count(), 1);
        const QString error = failed.first().first().toString();
        QVERIFY2(error.contains(m_path), qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));

        // Transitions are kept in memory, the error is not repeated for each one.
        history.append(make(m_now, QStringLiteral("r"), QStringLiteral("s"), Severity::Critical,
            QStringLiteral("x")));
        history.append(make(m_now, QStringLiteral("r"), QStringLiteral("s"), Severity::Critical,
            QStringLiteral("y")));
        QCOMPARE(stored.count(), 0);
        QCOMPARE(pending.last().first().toInt(), 2);
        QCOMPARE(failed.count(), 1);

        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        QVERIFY(!QFile::exists(m_path + QStringLiteral("-wal")));
        QVERIFY(!QFile::exists(m_path + QStringLiteral("-journal")));
    }

    void storeLockedByAnotherProcessKeepsAndRetries()
    {
        auto history = std::make_unique<AlertHistory>(m_path);
        history->setBusyTimeout(100ms);
        history->setRetryInterval(300ms);
        history->open();
        QSignalSpy failed(history.get(), &AlertHistory::failed);
        QSignalSpy stored(history.get(), &AlertHistory::stored);
        QSignalSpy pending(history.get(), &AlertHistory::pendingChanged);

        auto raw = std::make_unique<RawDb>(m_path);
        QVERIFY(raw->exec(QStringLiteral("BEGIN IMMEDIATE"))); // holds the write lock
        history->append(make(m_now, QStringLiteral("r"), QStringLiteral("s"), Severity::Critical,
            QStringLiteral("first")));
        QCOMPARE(stored.count(), 0);
        QCOMPARE(failed.count(), 1);
        const QString error = failed.first().first().toString();
        QVERIFY2(
            error.contains(m_path) && error.contains(QLatin1String("locked")), qPrintable(error));
        QCOMPARE(pending.last().first().toInt(), 1);
        history->append(make(m_now + 1, QStringLiteral("r"), QStringLiteral("s"),
            Severity::Critical, QStringLiteral("second")));
        QCOMPARE(stored.count(), 0);
        QCOMPARE(pending.last().first().toInt(), 2);
        QCOMPARE(failed.count(), 1); // same cause, said once
        QVERIFY(raw->exec(QStringLiteral("ROLLBACK")));

        // The next write takes the waiting ones along, in order, in one transaction.
        history->append(make(m_now + 2, QStringLiteral("r"), QStringLiteral("s"),
            Severity::Critical, QStringLiteral("third")));
        QCOMPARE(stored.count(), 3);
        QStringList order;
        for (const QList<QVariant> &args : std::as_const(stored))
            order << args.first().value<AlertTransition>().summary;
        QCOMPARE(order,
            (QStringList {
                QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("third") }));
        QCOMPARE(pending.last().first().toInt(), 0);

        // Without a new write, the retry timer catches up.
        QVERIFY(raw->exec(QStringLiteral("BEGIN IMMEDIATE")));
        history->setNotifyStatus(
            stored.first().first().value<AlertTransition>().id, NotifyStatus::Sent, QString());
        history->append(make(m_now + 3, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
            QStringLiteral("fourth")));
        QCOMPARE(stored.count(), 3);
        QCOMPARE(pending.last().first().toInt(), 2);
        QVERIFY(raw->exec(QStringLiteral("COMMIT")));
        QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 4, 5000);
        QCOMPARE(pending.last().first().toInt(), 0);
        raw.reset();
        const QList<AlertTransition> rows = run(*history, HistoryQuery {});
        QCOMPARE(rows.size(), 4);
        QCOMPARE(toString(rows.last().notify), toString(NotifyStatus::Sent));
    }

    void unwritableFolderKeepsAndRetries()
    {
        // A regular file where the history's folder should be: the folder cannot be created
        // (works as root too, unlike permission bits).
        const QString blocker = m_dir->filePath(QStringLiteral("data"));
        QVERIFY(!cwtestWrite(blocker, "not a folder").isEmpty());
        const QString path = blocker + QStringLiteral("/alerts.sqlite");
        AlertHistory history(path);
        QSignalSpy failed(&history, &AlertHistory::failed);
        QSignalSpy stored(&history, &AlertHistory::stored);
        QSignalSpy pending(&history, &AlertHistory::pendingChanged);
        history.open();
        QCOMPARE(failed.count(), 1);
        QVERIFY2(failed.first().first().toString().contains(path),
            qPrintable(failed.first().first().toString()));
        history.append(make(m_now, QStringLiteral("r"), QStringLiteral("s"), Severity::Critical,
            QStringLiteral("kept")));
        QCOMPARE(stored.count(), 0);
        QCOMPARE(pending.last().first().toInt(), 1);

        QVERIFY(QFile::remove(blocker));
        history.append(make(m_now + 1, QStringLiteral("r"), QStringLiteral("s"), Severity::Critical,
            QStringLiteral("new")));
        QCOMPARE(stored.count(), 2);
        QCOMPARE(stored.first().first().value<AlertTransition>().summary, QStringLiteral("kept"));
        QVERIFY(QFile::exists(path));
    }

    void pendingIsBoundedAndLossIsReported()
    {
        QVERIFY(!cwtestWrite(m_path, "not a database").isEmpty());
        AlertHistory history(m_path);
        QSignalSpy failed(&history, &AlertHistory::failed);
        QSignalSpy pending(&history, &AlertHistory::pendingChanged);
        history.open();
        for (int k = 0; k < AlertHistory::kMaxPending + 3; ++k)
            history.append(make(m_now + k, QStringLiteral("r"), QStringLiteral("s"), Severity::Info,
                QString::number(k)));
        QCOMPARE(pending.last().first().toInt(), AlertHistory::kMaxPending);
        QCOMPARE(failed.count(), 1 + 3); // the file, then each loss
        QVERIFY2(failed.last().first().toString().contains(
                     QLatin1String("1 unsaved alert history entries dropped")),
            qPrintable(failed.last().first().toString()));

        // The user moves the file away: everything still held is written in one go, oldest lost
        // first.
        QVERIFY(QFile::rename(m_path, m_path + QStringLiteral(".bak")));
        QSignalSpy stored(&history, &AlertHistory::stored);
        history.retryPending();
        QCOMPARE(stored.count(), AlertHistory::kMaxPending);
        QCOMPARE(stored.first().first().value<AlertTransition>().summary, QStringLiteral("3"));
        QCOMPARE(pending.last().first().toInt(), 0);
    }

    void worksOnItsOwnThread()
    {
        QObject receiver;
        QList<AlertTransition> storedRows;
        QList<AlertTransition> queried;
        quint64 queriedId = 0;
        QStringList errors;
        bool opened = false;
        {
            WorkerThread thread(QStringLiteral("cw-history-test"));
            AlertHistory *history = thread.adopt(new AlertHistory(m_path));
            connect(history, &AlertHistory::opened, &receiver, [&] { opened = true; });
            connect(
                history, &AlertHistory::failed, &receiver, [&](const QString &e) { errors << e; });
            connect(history, &AlertHistory::stored, &receiver, [&](const AlertTransition &t) {
                QVERIFY(QThread::currentThread() == receiver.thread());
                storedRows << t;
            });
            connect(history, &AlertHistory::queryFinished, &receiver,
                [&](quint64 id, const QList<AlertTransition> &rows) {
                    queriedId = id;
                    queried = rows;
                });
            thread.start(history, &AlertHistory::open);
            QTRY_VERIFY_WITH_TIMEOUT(opened, 5000);
            const AlertTransition t = make(m_now, QStringLiteral("cpu_high"),
                QStringLiteral("n8n-main"), Severity::Critical, QStringLiteral("threaded"));
            QMetaObject::invokeMethod(
                history, [history, t] { history->append(t); }, Qt::QueuedConnection);
            HistoryQuery q;
            q.severities = { Severity::Critical };
            QMetaObject::invokeMethod(history, "query", Qt::QueuedConnection, Q_ARG(quint64, 42),
                Q_ARG(cw::HistoryQuery, q));
            QTRY_COMPARE_WITH_TIMEOUT(queriedId, quint64(42), 5000);
            QCOMPARE(storedRows.size(), 1);
            QCOMPARE(queried.size(), 1);
            QCOMPARE(queried.first().summary, QStringLiteral("threaded"));
        } // the thread ends, the history is deleted on it, the connection closed there
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        RawDb raw(m_path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM transitions")).toInt(), 1);
    }

    void survivesSigkillMidBurst()
    {
        const QString program = QStringLiteral(CW_ALERTBURST_BIN);
        QVERIFY2(QFile::exists(program),
            qPrintable(program + QStringLiteral(" is missing (build cw_alertburst)")));
        const qint64 base = QDateTime::currentMSecsSinceEpoch() - 60'000;
        std::map<qint64, qint64> reported; // id -> n, over all runs
        qint64 nextN = 0;
        for (int attempt = 0; attempt < 3; ++attempt) {
            const int killAfter = 300 + 157 * attempt; // vary where the kill lands
            QProcess child;
            child.setProgram(program);
            child.setArguments({ m_path, QString::number(base), QString::number(nextN) });
            child.start();
            QVERIFY2(child.waitForStarted(5000), qPrintable(child.errorString()));
            QByteArray out;
            QElapsedTimer clock;
            clock.start();
            while (out.count('\n') < killAfter && clock.elapsed() < 30'000
                && child.state() == QProcess::Running) {
                child.waitForReadyRead(100);
                out += child.readAllStandardOutput();
            }
            QVERIFY2(out.count('\n') >= killAfter,
                qPrintable(QStringLiteral("run %1: only %2 lines; stderr: %3")
                               .arg(attempt)
                               .arg(out.count('\n'))
                               .arg(QString::fromUtf8(child.readAllStandardError()))));
            const qint64 burstMs = clock.elapsed();
            ::kill(pid_t(child.processId()), SIGKILL);
            QVERIFY(child.waitForFinished(5000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            out += child.readAllStandardOutput();
            const QByteArray err = child.readAllStandardError();
            QVERIFY2(!err.contains("failed:"), err.constData());

            int complete = 0;
            QList<QByteArray> lines = out.split('\n');
            lines.removeLast(); // empty, or a line cut by the kill: not a report
            for (const QByteArray &line : std::as_const(lines)) {
                const QList<QByteArray> parts = line.split(' ');
                QVERIFY2(parts.size() == 2, line.constData());
                reported[parts[1].toLongLong()] = parts[0].toLongLong() - base;
                ++complete;
            }
            QVERIFY(complete >= killAfter);

            {
                RawDb raw(m_path);
                QVERIFY(raw.ok());
                QCOMPARE(raw.scalar(QStringLiteral("PRAGMA integrity_check")).toString(),
                    QStringLiteral("ok"));
            }
            auto history = openHistory();
            QVERIFY(history);
            HistoryQuery all;
            all.limit = 0;
            all.newestFirst = false;
            std::map<qint64, AlertTransition> byId;
            std::map<QString, int> batches;
            for (const AlertTransition &t : run(*history, all)) {
                byId[t.id] = t;
                if (!t.causedBy.isEmpty())
                    ++batches[t.causedBy];
                nextN = std::max(nextN, t.timeMs - base + 1);
            }
            for (const auto &[id, n] : reported) {
                const auto it = byId.find(id);
                QVERIFY2(it != byId.end(),
                    qPrintable(QStringLiteral("run %1: reported id %2 (n %3) is missing")
                                   .arg(attempt)
                                   .arg(id)
                                   .arg(n)));
                const AlertTransition &got = it->second;
                const qint64 batch = got.causedBy.isEmpty() ? -1 : got.causedBy.mid(6).toLongLong();
                QVERIFY2(sameFields(got, cwtest::burstTransition(n, base, batch)),
                    qPrintable(describe(got)));
            }
            // A batch is one transaction: all of it or nothing.
            for (const auto &[batch, count] : batches)
                QVERIFY2(count == cwtest::kBurstBatchSize,
                    qPrintable(QStringLiteral("run %1: %2 has %3 rows")
                                   .arg(attempt)
                                   .arg(batch)
                                   .arg(count)));
            QVERIFY(byId.size() >= reported.size());
            qInfo("run %d: killed after %lld ms, %d lines reported, %zu rows in the file", attempt,
                burstMs, complete, byId.size());
        }
    }

private:
    static QString cwtestWrite(const QString &path, const QByteArray &content)
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(content) != content.size())
            return QString();
        return path;
    }
};

QTEST_GUILESS_MAIN(TestAlertHistory)
#include "tst_alerthistory.moc"
