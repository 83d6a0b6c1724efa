#include "Sandbox.h"

#include "services/config/ConfigLoader.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <unistd.h>

namespace cwtest {

Sandbox::~Sandbox()
{
    down();
}

QString Sandbox::sourcePath(const QString &relative)
{
    return QStringLiteral(CW_SOURCE_DIR "/") + relative;
}

QString Sandbox::docker(const QStringList &args, int *exitCode)
{
    QProcess process;
    process.start(QStringLiteral("/usr/bin/docker"),
        QStringList { QStringLiteral("-H"),
            QStringLiteral("unix://") + QLatin1String(kDir) + QStringLiteral("/docker.sock") }
            + args);
    if (!process.waitForFinished(30000))
        process.kill();
    if (exitCode)
        *exitCode = process.exitCode();
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

QString Sandbox::containerState(const QString &container)
{
    return docker({ QStringLiteral("inspect"), QStringLiteral("-f"),
        QStringLiteral("{{.State.Status}}"), container });
}

bool Sandbox::script(const QString &command, QByteArray *output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CW_SANDBOX_DIR"), QLatin1String(kDir));
    process.setProcessEnvironment(env);
    process.start(
        QStringLiteral("bash"), { sourcePath(QStringLiteral("scripts/sandbox.sh")), command });
    const bool finished = process.waitForFinished(180000);
    if (!finished)
        process.kill();
    *output = process.readAll();
    return finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

bool Sandbox::up()
{
    if (geteuid() != 0) {
        m_error = QStringLiteral("needs root (a private dockerd, PostgreSQL run as postgres)");
        return false;
    }
    if (QFileInfo::exists(QLatin1String(kDir))) {
        m_error = QStringLiteral("%1 exists: a sandbox is up; run scripts/sandbox.sh down first")
                      .arg(QLatin1String(kDir));
        return false;
    }
    m_up = true;
    QByteArray output;
    if (!script(QStringLiteral("up"), &output)) {
        m_error = QStringLiteral("scripts/sandbox.sh up failed:\n") + QString::fromUtf8(output);
        return false;
    }
    QFile env(QLatin1String(kDir) + QStringLiteral("/env"));
    if (!env.open(QIODevice::ReadOnly)) {
        m_error = QStringLiteral("cannot read %1").arg(env.fileName());
        return false;
    }
    for (const QByteArray &line : env.readAll().split('\n')) {
        const qsizetype eq = line.indexOf('=');
        if (!line.startsWith('#') && eq > 0)
            qputenv(line.left(eq).constData(), line.mid(eq + 1));
    }
    auto config
        = cw::loadClusterConfig(sourcePath(QStringLiteral("resources/examples/sandbox.yaml")));
    if (!config) {
        m_error = config.error();
        return false;
    }
    m_config = config.value();
    return true;
}

void Sandbox::down()
{
    if (!m_up)
        return;
    m_up = false;
    QByteArray output;
    if (!script(QStringLiteral("down"), &output))
        qWarning().noquote() << "scripts/sandbox.sh down failed:" << output;
}

} // namespace cwtest
