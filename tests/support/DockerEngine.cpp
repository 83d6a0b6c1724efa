#include "DockerEngine.h"

#include "TestSupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

namespace cwtest {

namespace {

/// Marks a state directory as this fixture's, with the owning process: "pid starttime".
const QString kOwnerFile = QStringLiteral("cw-owner");

/// Field 22 of /proc/PID/stat (start time in clock ticks); empty when there is no such process.
QByteArray processStartTime(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = stat.readAll();
    // The command name (field 2) may contain spaces: count from after its ')'.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 19 ? fields.at(19) : QByteArray();
}

QString scriptPath()
{
    return QFileInfo(testDataPath(QStringLiteral("../../scripts/dockerd-private.sh")))
        .absoluteFilePath();
}

} // namespace

DockerEngine::DockerEngine()
    : m_script(scriptPath())
{
    // The docker.io CLI matches the daemon; another one earlier in PATH may not.
    m_cli = QFileInfo::exists(QStringLiteral("/usr/bin/docker"))
        ? QStringLiteral("/usr/bin/docker")
        : findBinary(QStringLiteral("docker"));
}

DockerEngine::~DockerEngine()
{
    purge();
}

bool DockerEngine::script(const QStringList &args, int timeoutMs)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("bash"), QStringList { m_script } + args);
    if (!process.waitForStarted(5000)) {
        m_error = QStringLiteral("cannot run bash %1: %2").arg(m_script, process.errorString());
        return false;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(2000);
        m_error = QStringLiteral("%1 %2 did not finish within %3 ms: %4")
                      .arg(m_script, args.join(QLatin1Char(' ')))
                      .arg(timeoutMs)
                      .arg(QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    const QString output = QString::fromLocal8Bit(process.readAll()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = QStringLiteral("%1 %2 failed (exit %3): %4")
                      .arg(m_script, args.join(QLatin1Char(' ')))
                      .arg(process.exitCode())
                      .arg(output);
        return false;
    }
    return true;
}

void DockerEngine::reapStale()
{
    const QDir tmp(QStringLiteral("/tmp"));
    const QStringList dirs
        = tmp.entryList({ QStringLiteral("cwd-*") }, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : dirs) {
        QFile owner(tmp.filePath(name) + QLatin1Char('/') + kOwnerFile);
        if (!owner.open(QIODevice::ReadOnly))
            continue; // not started by this fixture
        const QList<QByteArray> fields = owner.readAll().trimmed().split(' ');
        if (fields.size() != 2)
            continue;
        const qint64 pid = fields.at(0).toLongLong();
        if (pid <= 0 || processStartTime(pid) == fields.at(1))
            continue; // its test executable still runs
        qWarning("DockerEngine: stopping the engine of a test that is gone (%s)", qPrintable(name));
        QProcess::execute(
            QStringLiteral("bash"), { scriptPath(), QStringLiteral("purge"), tmp.filePath(name) });
    }
}

bool DockerEngine::start()
{
    if (!QFileInfo::exists(m_script)) {
        m_error = QStringLiteral("missing %1").arg(m_script);
        return false;
    }
    if (findBinary(QStringLiteral("dockerd")).isEmpty() || m_cli.isEmpty()) {
        m_error = QStringLiteral(
            "dockerd or the docker CLI not found (install docker.io: scripts/deps.sh)");
        return false;
    }
    if (m_tlsPort != 0 && findBinary(QStringLiteral("openssl")).isEmpty()) {
        m_error = QStringLiteral("openssl not found (install openssl: scripts/deps.sh)");
        return false;
    }
    if (!runningAsRoot()) {
        m_error = QStringLiteral("a private dockerd needs root");
        return false;
    }
    if (m_dir.isEmpty()) {
        reapStale();
        QTemporaryDir dir(QStringLiteral("/tmp/cwd-XXXXXX"));
        if (!dir.isValid()) {
            m_error = QStringLiteral("cannot create a directory under /tmp: ") + dir.errorString();
            return false;
        }
        dir.setAutoRemove(false); // it holds mounts: only the script deletes it
        m_dir = dir.path();
        QFile owner(m_dir + QLatin1Char('/') + kOwnerFile);
        if (owner.open(QIODevice::WriteOnly)) {
            const qint64 pid = QCoreApplication::applicationPid();
            owner.write(QByteArray::number(pid) + ' ' + processStartTime(pid) + '\n');
        }
    }
    QStringList args = { QStringLiteral("start"), m_dir };
    if (m_tlsPort != 0)
        args << QStringLiteral("--tls") << QString::number(m_tlsPort);
    if (!script(args, 45000)) {
        m_error += QStringLiteral("\n--- dockerd log ---\n") + logTail();
        return false;
    }
    return true;
}

bool DockerEngine::stop()
{
    return m_dir.isEmpty() || script({ QStringLiteral("stop"), m_dir }, 45000);
}

bool DockerEngine::restart()
{
    return stop() && start();
}

void DockerEngine::purge()
{
    if (m_dir.isEmpty())
        return;
    if (!script({ QStringLiteral("purge"), m_dir }, 60000))
        qWarning("DockerEngine: %s", qPrintable(m_error));
    m_dir.clear();
}

bool DockerEngine::buildImage()
{
    if (m_imageBuilt)
        return true;
    m_imageBuilt = script({ QStringLiteral("image"), m_dir, QLatin1String(kImage) }, 60000);
    return m_imageBuilt;
}

bool DockerEngine::runContainer(
    const QString &name, const QStringList &command, const QStringList &options)
{
    if (!buildImage())
        return false;
    return docker(
        QStringList { QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--network"),
            QStringLiteral("host"), QStringLiteral("--name"), name }
        + options + QStringList { QLatin1String(kImage) } + command);
}

bool DockerEngine::docker(const QStringList &args, QByteArray *output, int timeoutMs)
{
    QProcess process;
    process.start(m_cli, QStringList { QStringLiteral("-H"), host() } + args);
    if (!process.waitForStarted(5000)) {
        m_error = QStringLiteral("cannot run %1: %2").arg(m_cli, process.errorString());
        return false;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(2000);
        m_error = QStringLiteral("docker %1: no answer within %2 ms")
                      .arg(args.join(QLatin1Char(' ')))
                      .arg(timeoutMs);
        return false;
    }
    const QByteArray out = process.readAllStandardOutput();
    if (output)
        *output = out;
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = QStringLiteral("docker %1 failed (exit %2): %3")
                      .arg(args.join(QLatin1Char(' ')))
                      .arg(process.exitCode())
                      .arg(QString::fromLocal8Bit(process.readAllStandardError()).trimmed());
        return false;
    }
    return true;
}

QString DockerEngine::logTail(int lines) const
{
    QFile log(m_dir + QStringLiteral("/dockerd.log"));
    if (!log.open(QIODevice::ReadOnly))
        return QStringLiteral("(no dockerd.log in %1)").arg(m_dir);
    const QList<QByteArray> all = log.readAll().split('\n');
    return QString::fromLocal8Bit(all.mid(std::max<qsizetype>(0, all.size() - lines)).join('\n'));
}

} // namespace cwtest
