#include "PostgresServer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QThread>
#include <csignal>
#include <libpq-fe.h>
#include <pwd.h>
#include <unistd.h>

namespace cwtest {

namespace {

const char kSuperuserPassword[] = "cw-test-superuser";

bool chownToPostgres(const QString &path)
{
    passwd entry {};
    passwd *user = nullptr;
    char buffer[4096];
    if (::getpwnam_r("postgres", &entry, buffer, sizeof buffer, &user) != 0 || !user)
        return false;
    return ::chown(QFile::encodeName(path).constData(), user->pw_uid, user->pw_gid) == 0;
}

qint64 parentOf(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses.
    const qsizetype close = text.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = text.mid(close + 2).split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() : -1;
}

} // namespace

PostgresServer::PostgresServer() = default;

PostgresServer::~PostgresServer()
{
    stop();
}

QString PostgresServer::superuserPassword() const
{
    return QString::fromLatin1(kSuperuserPassword);
}

QString PostgresServer::socketDir() const
{
    return m_dir->path();
}

QString PostgresServer::dataDir() const
{
    return m_dir->path() + QStringLiteral("/data");
}

QStringList PostgresServer::asPostgres(
    const QString &binary, const QStringList &args, QString *program) const
{
    if (runningAsRoot()) {
        *program = findBinary(QStringLiteral("runuser"));
        return QStringList { QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"),
            binary }
        + args;
    }
    *program = binary;
    return args;
}

bool PostgresServer::initCluster()
{
    const QString initdb = findBinary(QStringLiteral("initdb"));
    if (initdb.isEmpty() || findBinary(QStringLiteral("postgres")).isEmpty()) {
        m_error = QStringLiteral(
            "PostgreSQL 15 server binaries (initdb, postgres) not found: install postgresql-15");
        return false;
    }
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory: ") + m_dir->errorString();
        return false;
    }
    if (runningAsRoot() && !chownToPostgres(m_dir->path())) {
        m_error = QStringLiteral("cannot hand %1 to the postgres user (is there one?)")
                      .arg(m_dir->path());
        return false;
    }
    const QString pwfile = m_dir->path() + QStringLiteral("/pwfile");
    {
        QFile file(pwfile);
        if (!file.open(QIODevice::WriteOnly) || file.write(kSuperuserPassword) < 0) {
            m_error = QStringLiteral("cannot write ") + pwfile;
            return false;
        }
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
            | QFileDevice::ReadGroup | QFileDevice::ReadOther);
    }
    QString program;
    const QStringList args = asPostgres(initdb,
        { QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), QStringLiteral("postgres"),
            QStringLiteral("--pwfile=") + pwfile, QStringLiteral("--auth-host=scram-sha-256"),
            QStringLiteral("--auth-local=trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
            QStringLiteral("--locale=C"), QStringLiteral("--no-sync"),
            QStringLiteral("--no-instructions") },
        &program);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, args);
    const bool finished = process.waitForFinished(60000);
    QFile::remove(pwfile);
    if (!finished || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = QStringLiteral("initdb failed: ") + process.errorString() + QLatin1Char('\n')
            + QString::fromUtf8(process.readAll());
        return false;
    }
    m_initialised = true;
    return true;
}

bool PostgresServer::start()
{
    if (running())
        return true;
    if (!m_initialised && !initCluster())
        return false;
    if (m_port == 0)
        m_port = freeLoopbackPort();

    QString program;
    const QStringList args = asPostgres(findBinary(QStringLiteral("postgres")),
        { QStringLiteral("-D"), dataDir(), QStringLiteral("-p"), QString::number(m_port),
            QStringLiteral("-c"), QStringLiteral("listen_addresses=127.0.0.1"),
            QStringLiteral("-c"), QStringLiteral("unix_socket_directories=") + socketDir(),
            QStringLiteral("-c"), QStringLiteral("fsync=off"), QStringLiteral("-c"),
            QStringLiteral("synchronous_commit=off"), QStringLiteral("-c"),
            QStringLiteral("full_page_writes=off"), QStringLiteral("-c"),
            QStringLiteral("shared_buffers=32MB"), QStringLiteral("-c"),
            QStringLiteral("max_connections=40"), QStringLiteral("-c"),
            QStringLiteral("log_min_messages=warning") },
        &program);
    m_process = std::make_unique<ChildProcess>();
    if (!m_process->start(program, args)) {
        m_error = QStringLiteral("cannot start postgres: ") + m_process->errorString();
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    QString lastError;
    while (timer.elapsed() < 20000) {
        QCoreApplication::processEvents();
        if (!m_process->running()) {
            m_error = QStringLiteral("postgres exited: ") + QString::fromUtf8(m_process->output());
            return false;
        }
        const cw::Result<QList<QStringList>> probe = exec(QStringLiteral("SELECT 1"));
        if (probe)
            return true;
        lastError = probe.error();
        QThread::msleep(50);
    }
    m_error = QStringLiteral("postgres on port %1 not ready within 20 s (%2): %3")
                  .arg(m_port)
                  .arg(lastError, QString::fromUtf8(m_process->output()));
    return false;
}

QList<qint64> PostgresServer::serverProcesses() const
{
    QList<qint64> pids;
    if (!m_dir)
        return pids;
    QFile pidFile(dataDir() + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return pids;
    const qint64 postmaster = pidFile.readLine().trimmed().toLongLong();
    if (postmaster <= 0)
        return pids;
    pids << postmaster;
    const QStringList entries
        = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (ok && parentOf(pid) == postmaster)
            pids << pid;
    }
    return pids;
}

void PostgresServer::stop()
{
    if (!m_process)
        return;
    resume();
    const QList<qint64> pids = serverProcesses();
    if (!pids.isEmpty())
        ::kill(pid_t(pids.first()), SIGINT); // fast shutdown: ends sessions, no waiting for clients
    QElapsedTimer timer;
    timer.start();
    while (m_process->running() && timer.elapsed() < 15000) {
        QCoreApplication::processEvents();
        QThread::msleep(20);
    }
    m_process->terminate();
    m_process.reset();
}

void PostgresServer::pause()
{
    // runuser stops itself when it sees its child stop, and stays stopped: stop it first so
    // that it never sees that, and continue it last in resume().
    if (m_process)
        m_process->pause();
    const QList<qint64> pids = serverProcesses();
    for (const qint64 pid : pids)
        ::kill(pid_t(pid), SIGSTOP);
}

void PostgresServer::resume()
{
    const QList<qint64> pids = serverProcesses();
    for (const qint64 pid : pids)
        ::kill(pid_t(pid), SIGCONT);
    if (m_process)
        m_process->resume();
}

bool PostgresServer::running() const
{
    return m_process && m_process->running();
}

cw::Result<QList<QStringList>> PostgresServer::exec(
    const QString &sql, const QString &database) const
{
    if (!m_dir)
        return cw::Error { QStringLiteral("the server was never started") };
    const QByteArray host = QFile::encodeName(socketDir());
    const QByteArray port = QByteArray::number(m_port);
    const QByteArray dbname = database.toUtf8();
    const char *const keywords[] = { "host", "port", "user", "dbname", "connect_timeout", nullptr };
    const char *const values[]
        = { host.constData(), port.constData(), "postgres", dbname.constData(), "5", nullptr };
    PGconn *connection = PQconnectdbParams(keywords, values, 0);
    if (PQstatus(connection) != CONNECTION_OK) {
        const QString message = QString::fromUtf8(PQerrorMessage(connection)).trimmed();
        PQfinish(connection);
        return cw::Error { message };
    }
    PGresult *result = PQexec(connection, sql.toUtf8().constData());
    const ExecStatusType status = PQresultStatus(result);
    cw::Result<QList<QStringList>> answer = QList<QStringList> {};
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        answer = cw::Error { QString::fromUtf8(PQresultErrorMessage(result)).trimmed() };
    } else {
        QList<QStringList> rows;
        for (int row = 0; row < PQntuples(result); ++row) {
            QStringList columns;
            for (int column = 0; column < PQnfields(result); ++column)
                columns << (PQgetisnull(result, row, column)
                        ? QString()
                        : QString::fromUtf8(PQgetvalue(result, row, column)));
            rows << columns;
        }
        answer = rows;
    }
    PQclear(result);
    PQfinish(connection);
    return answer;
}

cw::Result<bool> PostgresServer::createRoleAndDatabase(
    const QString &role, const QString &password, const QString &database)
{
    // Test-only names and passwords: plain quoting is enough.
    const cw::Result<QList<QStringList>> created
        = exec(QStringLiteral("CREATE ROLE \"%1\" LOGIN PASSWORD '%2'").arg(role, password));
    if (!created)
        return cw::Error { created.error() };
    const cw::Result<QList<QStringList>> db
        = exec(QStringLiteral("CREATE DATABASE \"%1\" OWNER \"%2\"").arg(database, role));
    if (!db)
        return cw::Error { db.error() };
    return true;
}

cw::Result<bool> PostgresServer::loadN8nSchema(const QString &database, const QString &owner)
{
    const QString path = testDataPath(QStringLiteral("postgres/n8n_v1.123.81_schema_full.sql"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return cw::Error { QStringLiteral("cannot read ") + path };
    QStringList kept;
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    static const QRegularExpression skipped(
        QStringLiteral(R"(^\\|^(CREATE|COMMENT ON) EXTENSION\b|\bOWNER TO\b)"));
    for (const QString &line : lines) {
        if (!skipped.match(line).hasMatch())
            kept << line;
    }
    // Objects are created by the owner, as n8n's migrations would have done.
    const QString sql
        = QStringLiteral("SET ROLE \"%1\";\n").arg(owner) + kept.join(QLatin1Char('\n'));
    const cw::Result<QList<QStringList>> applied = exec(sql, database);
    if (!applied)
        return cw::Error { path + QStringLiteral(": ") + applied.error() };
    return true;
}

} // namespace cwtest
