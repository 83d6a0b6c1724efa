#include "services/actions/AuditLog.h"

#include "services/base/Logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <pwd.h>
#include <unistd.h>

namespace cw {

AuditLog::AuditLog(QString path, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
{
    qRegisterMetaType<AuditEntry>();
}

QString AuditLog::defaultPath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return dir + QStringLiteral("/Clusterwatch/audit.jsonl");
}

QString AuditLog::localUser()
{
    if (const passwd *pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        return QString::fromLocal8Bit(pw->pw_name);
    return qEnvironmentVariable("USER", QStringLiteral("uid %1").arg(::geteuid()));
}

QByteArray AuditLog::serialize(const AuditEntry &entry)
{
    QJsonObject o;
    if (!entry.actionId.isEmpty())
        o.insert(QStringLiteral("action_id"), entry.actionId);
    o.insert(QStringLiteral("time"),
        QDateTime::fromMSecsSinceEpoch(entry.timeMs, Qt::UTC).toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("user"), entry.user);
    o.insert(QStringLiteral("docker_host"), entry.dockerHost);
    o.insert(QStringLiteral("node"), entry.node);
    o.insert(QStringLiteral("container"), entry.container);
    o.insert(QStringLiteral("action"), entry.action);
    o.insert(QStringLiteral("result"), entry.result);
    o.insert(QStringLiteral("message"), entry.message);
    if (entry.overridden)
        o.insert(QStringLiteral("guard_overridden"), true);
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

void AuditLog::append(const AuditEntry &entry)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        const QString error
            = QStringLiteral("cannot write the audit log %1: %2").arg(m_path, file.errorString());
        qCWarning(lcApp).noquote() << error;
        Q_EMIT failed(error);
        return;
    }
    const QByteArray line = serialize(entry);
    if (file.write(line) != line.size() || !file.flush() || ::fdatasync(file.handle()) != 0) {
        const QString error
            = QStringLiteral("cannot write the audit log %1: %2").arg(m_path, file.errorString());
        qCWarning(lcApp).noquote() << error;
        Q_EMIT failed(error);
        return;
    }
    Q_EMIT appended(entry);
}

} // namespace cw
