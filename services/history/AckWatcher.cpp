#include "services/history/AckWatcher.h"

#include "models/Alert.h"
#include "services/history/AlertHistory.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace cw {

namespace {

// How many transitions of one alert are read, newest first, to find its latest firing one
// (pending and flapping rows may come in between).
constexpr int kRowsPerKey = 20;

} // namespace

AckWatcher::AckWatcher(QString path, std::chrono::milliseconds interval, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
    , m_connection(QStringLiteral("ackwatcher-") + QUuid::createUuid().toString(QUuid::Id128))
    , m_db(std::make_unique<QSqlDatabase>())
    , m_timer(new QTimer(this))
{
    qRegisterMetaType<QHash<QString, cw::AlertAck>>();
    m_timer->setInterval(interval);
    connect(m_timer, &QTimer::timeout, this, &AckWatcher::readNow);
}

AckWatcher::~AckWatcher()
{
    if (m_db->isValid()) {
        m_db->close();
        *m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connection);
    }
}

void AckWatcher::start()
{
    m_timer->start();
}

void AckWatcher::watch(const QStringList &keys)
{
    if (keys == m_keys)
        return;
    m_keys = keys;
    readNow();
}

bool AckWatcher::ensureOpen(QString *error)
{
    if (m_db->isOpen())
        return true;
    if (!QFileInfo::exists(m_path)) {
        *error = tr("no alert history at %1: acknowledgements made at a workstation are not seen")
                     .arg(m_path);
        return false;
    }
    if (!m_db->isValid())
        *m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    if (!m_db->isValid()) {
        *error = tr("alert history %1: the Qt SQLite driver is not available").arg(m_path);
        return false;
    }
    m_db->setDatabaseName(m_path);
    // Read-only: the wall never writes the workstation's history, not even a WAL checkpoint.
    m_db->setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=1000"));
    if (!m_db->open()) {
        *error = tr("alert history %1: cannot open: %2").arg(m_path, m_db->lastError().text());
        return false;
    }
    return true;
}

void AckWatcher::readNow()
{
    if (m_keys.isEmpty()) {
        if (!m_acks.isEmpty()) {
            m_acks.clear();
            Q_EMIT acknowledgementsChanged(m_acks);
        }
        return;
    }
    QString error;
    if (!ensureOpen(&error)) {
        setStatus(error);
        return;
    }
    const int firing = AlertHistory::storedStateCode(AlertState::Firing);
    const int resolved = AlertHistory::storedStateCode(AlertState::Resolved);
    QSqlQuery q(*m_db);
    q.setForwardOnly(true);
    if (!q.prepare(
            QStringLiteral("SELECT state, ack_time_ms, ack_by, ack_comment FROM transitions "
                           "WHERE rule = ? AND subject = ? ORDER BY time_ms DESC, id DESC LIMIT %1")
                .arg(kRowsPerKey))) {
        setStatus(tr("alert history %1: cannot read: %2").arg(m_path, q.lastError().text()));
        m_db->close(); // reopened next time: the file may have been replaced
        return;
    }
    QHash<QString, AlertAck> acks;
    for (const QString &key : std::as_const(m_keys)) {
        const qsizetype slash = key.indexOf(QLatin1Char('/'));
        if (slash <= 0)
            continue;
        q.bindValue(0, key.left(slash));
        q.bindValue(1, key.mid(slash + 1));
        if (!q.exec()) {
            setStatus(tr("alert history %1: cannot read: %2").arg(m_path, q.lastError().text()));
            m_db->close();
            return;
        }
        while (q.next()) {
            const int state = q.value(0).toInt();
            if (state == resolved)
                break; // the newest episode there is over; this one is not acknowledged
            if (state != firing)
                continue;
            if (const qint64 ackMs = q.value(1).toLongLong(); ackMs > 0)
                acks.insert(key, AlertAck { ackMs, q.value(2).toString(), q.value(3).toString() });
            break;
        }
        q.finish();
    }
    setStatus(QString());
    if (acks != m_acks) {
        m_acks = acks;
        Q_EMIT acknowledgementsChanged(m_acks);
    }
}

void AckWatcher::setStatus(const QString &error)
{
    if (m_statusSaid && error == m_status)
        return;
    m_statusSaid = true;
    m_status = error;
    Q_EMIT statusChanged(error);
}

} // namespace cw
