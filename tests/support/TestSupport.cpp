#include "TestSupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QThread>
#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cwtest {

namespace {
sockaddr_in loopback(quint16 port)
{
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}
} // namespace

quint16 freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr = loopback(0);
    quint16 port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

bool waitForTcpPort(quint16 port, std::chrono::milliseconds timeout)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeout.count()) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr = loopback(port);
        const bool ok = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
        ::close(fd);
        if (ok)
            return true;
        QThread::msleep(20);
    }
    return false;
}

QString findBinary(const QString &name)
{
    const QStringList extra = { QStringLiteral("/usr/sbin"),
        QStringLiteral("/usr/lib/postgresql/15/bin"), QStringLiteral("/usr/local/sbin") };
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(name, extra);
    return path;
}

QString testDataPath(const QString &relative)
{
    return QStringLiteral(CW_TEST_DATA_DIR) + QLatin1Char('/') + relative;
}

QByteArray readTestData(const QString &relative)
{
    QFile file(testDataPath(relative));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QByteArray httpBody(const QByteArray &rawCapture)
{
    qsizetype pos = rawCapture.indexOf("\r\n\r\n");
    if (pos >= 0)
        return rawCapture.mid(pos + 4);
    pos = rawCapture.indexOf("\n\n");
    return pos >= 0 ? rawCapture.mid(pos + 2) : QByteArray();
}

QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(content) != content.size())
        return {};
    return path;
}

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

ChildProcess::ChildProcess()
    : m_process(std::make_unique<QProcess>())
{
    m_process->setProcessChannelMode(QProcess::MergedChannels);
}

ChildProcess::~ChildProcess()
{
    terminate(std::chrono::milliseconds(3000));
}

bool ChildProcess::start(const QString &program, const QStringList &args)
{
    m_process->start(program, args);
    return m_process->waitForStarted(5000);
}

void ChildProcess::terminate(std::chrono::milliseconds grace)
{
    if (m_process->state() == QProcess::NotRunning)
        return;
    resume(); // a stopped process cannot act on SIGTERM
    m_process->terminate();
    if (!m_process->waitForFinished(int(grace.count()))) {
        m_process->kill();
        m_process->waitForFinished(3000);
    }
    m_output += m_process->readAll();
}

void ChildProcess::pause()
{
    if (running())
        ::kill(pid_t(m_process->processId()), SIGSTOP);
}

void ChildProcess::resume()
{
    if (running())
        ::kill(pid_t(m_process->processId()), SIGCONT);
}

bool ChildProcess::running() const
{
    return m_process->state() != QProcess::NotRunning;
}

qint64 ChildProcess::pid() const
{
    return m_process->processId();
}

QString ChildProcess::errorString() const
{
    return m_process->errorString();
}

QByteArray ChildProcess::output()
{
    m_output += m_process->readAll();
    return m_output;
}

} // namespace cwtest
