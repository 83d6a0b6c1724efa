#pragma once

#include "models/RuntimeTypes.h"

#include <QObject>
#include <QString>

namespace cw {

/// One line of the audit trail.
/// Every action is written twice: its intent ("requested") before it is sent to the engine, and
/// its result afterwards, both with the same actionId. A requested entry without a result means
/// the app stopped hard while the action was in flight.
struct AuditEntry {
    QString actionId; ///< pairs the intent with its result (unique across runs)
    qint64 timeMs = 0;
    QString user; ///< the local user who confirmed the action
    QString dockerHost; ///< DockerEndpoint::display()
    QString node;
    QString container;
    QString action; ///< "restart", "stop", "start"
    /// "requested" (the intent), then "done", "already in that state", "no such container",
    /// "refused", "failed" or "outcome unknown" (the engine did not answer before quit or a
    /// cluster switch).
    QString result;
    QString message; ///< the engine's text, or why it was refused
    bool overridden = false; ///< the operator overrode the restart-storm guard
};

/// Appends actions to an audit file, one JSON object per line, flushed to disk per entry.
/// Lives on its own thread so a slow disk never stalls the GUI.
class AuditLog final : public QObject {
    Q_OBJECT
public:
    explicit AuditLog(QString path, QObject *parent = nullptr);

    /// The default location: $XDG_DATA_HOME/Clusterwatch/audit.jsonl.
    static QString defaultPath();
    /// The local user's name, for AuditEntry::user.
    static QString localUser();
    QString path() const { return m_path; }

    /// One line of JSON for @p entry.
    static QByteArray serialize(const AuditEntry &entry);

public Q_SLOTS:
    void append(const cw::AuditEntry &entry);

Q_SIGNALS:
    void appended(const cw::AuditEntry &entry);
    void failed(const QString &error);

private:
    QString m_path;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::AuditEntry)
