#pragma once

#include "TestSupport.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QVariant>
#include <memory>

namespace cwtest {

/// A real redis-server on a free 127.0.0.1 port, in its own temporary directory, without
/// persistence (or with AOF when asked). It is stopped when this object goes away.
class RedisServer {
public:
    struct Options {
        QString password; ///< requirepass; empty: none
        bool appendOnly = false;
    };

    RedisServer();
    explicit RedisServer(Options options);
    ~RedisServer();
    RedisServer(const RedisServer &) = delete;
    RedisServer &operator=(const RedisServer &) = delete;

    /// Starts the server (on the same port as before after a stop()) and waits until it
    /// answers PING. False with errorString() when the binary is missing or it did not come up.
    bool start();
    void stop();
    void pause(); ///< SIGSTOP: the port still accepts connections, nothing answers
    void resume(); ///< SIGCONT
    bool running() const;

    quint16 port() const { return m_port; }
    QString password() const { return m_options.password; }
    QString errorString() const { return m_error; }

    /// Runs one command on a fresh connection (authenticated when a password is set) in
    /// database @p db.
    /// Integer → qlonglong, string/status → QByteArray, nil → invalid QVariant,
    /// array → QVariantList. An error reply or I/O error gives an invalid QVariant and
    /// sets @p error.
    QVariant command(const QStringList &args, QString *error = nullptr, int db = 0) const;

private:
    Options m_options;
    quint16 m_port = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ChildProcess> m_process;
    QString m_error;
};

} // namespace cwtest
