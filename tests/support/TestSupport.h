#pragma once

// Helpers shared by the integration tests: free loopback ports, locating server binaries,
// child processes that are always reaped. Servers are real (redis-server, postgres, nginx);
// a missing binary is a test failure, never a skip: CI installs them (scripts/deps.sh).

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <chrono>
#include <memory>

namespace cwtest {

/// A TCP port on 127.0.0.1 that was free a moment ago.
quint16 freeLoopbackPort();

/// True when something accepts TCP connections on 127.0.0.1:@p port within @p timeout.
bool waitForTcpPort(quint16 port, std::chrono::milliseconds timeout);

/// Absolute path of a server binary, searched in PATH, /usr/sbin, /usr/lib/postgresql/15/bin.
/// Empty when not found.
QString findBinary(const QString &name);

/// Path of a file under tests/data/.
QString testDataPath(const QString &relative);

/// Reads a file under tests/data/ (empty on error).
QByteArray readTestData(const QString &relative);

/// Body of a raw `curl -i` capture (.http file): everything after the first blank line.
QByteArray httpBody(const QByteArray &rawCapture);

/// Writes @p content to the file @p name in @p dir, replacing it; its path, or empty when it
/// could not be written.
QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content);

bool runningAsRoot();

/// A child process that is killed and reaped when this object goes away.
class ChildProcess {
public:
    ChildProcess();
    ~ChildProcess();
    ChildProcess(const ChildProcess &) = delete;
    ChildProcess &operator=(const ChildProcess &) = delete;

    /// Starts @p program; false (with errorString()) when it could not be started.
    bool start(const QString &program, const QStringList &args);
    void terminate(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
    void pause(); ///< SIGSTOP
    void resume(); ///< SIGCONT
    bool running() const;
    qint64 pid() const;
    QString errorString() const;
    QByteArray output(); ///< everything it wrote so far (stdout and stderr merged)

private:
    std::unique_ptr<QProcess> m_process;
    QByteArray m_output;
};

} // namespace cwtest
