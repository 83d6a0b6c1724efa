#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <chrono>
#include <memory>

class QSqlDatabase;

namespace cw {

/// An acknowledgement of an alert's current episode, as a workstation stored it.
struct AlertAck {
    qint64 timeMs = 0;
    QString by;
    QString comment;

    friend bool operator==(const AlertAck &, const AlertAck &) = default;
};

/// Reads, without ever writing, which alerts a workstation acknowledged, from an alert history
/// file another process (or this one's session) writes. The wall screen watches the critical
/// alerts it sees firing: an alert counts as acknowledged when the newest firing transition of
/// its (rule, subject) in the file carries an acknowledgement and no later transition resolved
/// it. Lives on its own thread (WorkerThread); every read has a busy timeout.
class AckWatcher final : public QObject {
    Q_OBJECT
public:
    /// @p path: the alert history file (AlertHistory::defaultPath() for the workstation's).
    explicit AckWatcher(QString path, std::chrono::milliseconds interval = std::chrono::seconds(2),
        QObject *parent = nullptr);
    ~AckWatcher() override;

    QString path() const { return m_path; }

public Q_SLOTS:
    void start();
    /// The alert keys ("rule/subject") to look up; empty: nothing is read until keys come.
    /// Looks them up at once, then every interval.
    void watch(const QStringList &keys);
    /// Reads now (after a local acknowledgement, say).
    void readNow();

Q_SIGNALS:
    /// The acknowledged ones among the watched keys, after every read that changed them.
    void acknowledgementsChanged(const QHash<QString, cw::AlertAck> &acks);
    /// Empty when the file is readable; otherwise why acknowledgements cannot be seen. Said on
    /// change only.
    void statusChanged(const QString &error);

private:
    bool ensureOpen(QString *error);
    void setStatus(const QString &error);

    QString m_path;
    QString m_connection;
    std::unique_ptr<QSqlDatabase> m_db;
    QTimer *m_timer = nullptr;
    QStringList m_keys;
    QHash<QString, AlertAck> m_acks;
    QString m_status;
    bool m_statusSaid = false;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::AlertAck)
