#pragma once

#include "TestSupport.h"
#include "models/Result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

namespace cwtest {

/// A real PostgreSQL 15 cluster in a temporary directory, listening on a free 127.0.0.1
/// port with scram-sha-256 password authentication over TCP (trust on its private unix
/// socket, which exec() uses). Run as the `postgres` user when the tests run as root.
/// initdb happens on the first start() only (about 2 s): share one server per test class.
class PostgresServer {
public:
    PostgresServer();
    ~PostgresServer();
    PostgresServer(const PostgresServer &) = delete;
    PostgresServer &operator=(const PostgresServer &) = delete;

    /// Creates the cluster if needed, starts it (on the same port as before after a stop())
    /// and waits until it accepts connections. False with errorString() otherwise.
    bool start();
    /// Fast shutdown; waits until the server has exited.
    void stop();
    /// SIGSTOP to the postmaster and all its backends: connections are accepted by the
    /// kernel, nothing answers.
    void pause();
    void resume(); ///< SIGCONT to the same processes
    bool running() const;

    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }
    QString superuserPassword() const;

    /// Runs @p sql (one or more statements) as the superuser in @p database. Rows of the
    /// last statement's result, each column as text (NULL as a null QString).
    cw::Result<QList<QStringList>> exec(
        const QString &sql, const QString &database = QStringLiteral("postgres")) const;

    /// CREATE ROLE @p role LOGIN PASSWORD, and a database @p database owned by it.
    cw::Result<bool> createRoleAndDatabase(
        const QString &role, const QString &password, const QString &database);

    /// Applies n8n 1.123.81's real schema (tests/data/postgres/n8n_v1.123.81_schema_full.sql,
    /// a pg_dump of a migrated n8n database) to @p database, as @p owner. psql meta-commands
    /// and the extension statements are left out; everything else is applied as captured.
    cw::Result<bool> loadN8nSchema(const QString &database, const QString &owner);

private:
    QString socketDir() const;
    QString dataDir() const;
    QStringList asPostgres(const QString &binary, const QStringList &args, QString *program) const;
    bool initCluster();
    QList<qint64> serverProcesses() const;

    quint16 m_port = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ChildProcess> m_process;
    bool m_initialised = false;
    QString m_error;
};

} // namespace cwtest
