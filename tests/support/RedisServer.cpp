#include "RedisServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <hiredis/hiredis.h>
#include <sys/time.h>
#include <vector>

namespace cwtest {

namespace {

QVariant toVariant(const redisReply *reply, QString *error)
{
    switch (reply->type) {
    case REDIS_REPLY_INTEGER:
        return { qlonglong(reply->integer) };
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        return { QByteArray(reply->str, qsizetype(reply->len)) };
    case REDIS_REPLY_NIL:
        return {};
    case REDIS_REPLY_ARRAY: {
        QVariantList list;
        for (size_t i = 0; i < reply->elements; ++i)
            list.append(toVariant(reply->element[i], error));
        return list;
    }
    case REDIS_REPLY_ERROR:
    default:
        if (error)
            *error = QString::fromUtf8(reply->str, qsizetype(reply->len));
        return {};
    }
}

} // namespace

RedisServer::RedisServer()
    : RedisServer(Options {})
{
}

RedisServer::RedisServer(Options options)
    : m_options(std::move(options))
{
}

RedisServer::~RedisServer()
{
    stop();
}

bool RedisServer::start()
{
    if (running())
        return true;
    const QString binary = findBinary(QStringLiteral("redis-server"));
    if (binary.isEmpty()) {
        m_error = QStringLiteral("redis-server not found (install the redis-server package)");
        return false;
    }
    if (!m_dir) {
        m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid()) {
            m_error
                = QStringLiteral("cannot create a temporary directory: ") + m_dir->errorString();
            return false;
        }
    }
    if (m_port == 0)
        m_port = freeLoopbackPort();

    QStringList args = { QStringLiteral("--port"), QString::number(m_port),
        QStringLiteral("--bind"), QStringLiteral("127.0.0.1"), QStringLiteral("--dir"),
        m_dir->path(), QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"),
        m_options.appendOnly ? QStringLiteral("yes") : QStringLiteral("no"),
        QStringLiteral("--daemonize"), QStringLiteral("no"), QStringLiteral("--logfile"),
        QString() };
    if (!m_options.password.isEmpty())
        args << QStringLiteral("--requirepass") << m_options.password;

    m_process = std::make_unique<ChildProcess>();
    if (!m_process->start(binary, args)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(binary, m_process->errorString());
        return false;
    }
    QElapsedTimer timer;
    timer.start();
    QString lastError;
    while (timer.elapsed() < 10000) {
        if (!m_process->running()) {
            m_error
                = QStringLiteral("redis-server exited: ") + QString::fromUtf8(m_process->output());
            return false;
        }
        const QVariant pong = command({ QStringLiteral("PING") }, &lastError);
        if (pong.toByteArray() == "PONG")
            return true;
        QCoreApplication::processEvents();
        QThread::msleep(20);
    }
    m_error = QStringLiteral("redis-server on port %1 did not answer PING within 10 s (%2): %3")
                  .arg(m_port)
                  .arg(lastError, QString::fromUtf8(m_process->output()));
    return false;
}

void RedisServer::stop()
{
    if (m_process)
        m_process->terminate();
    m_process.reset();
}

void RedisServer::pause()
{
    if (m_process)
        m_process->pause();
}

void RedisServer::resume()
{
    if (m_process)
        m_process->resume();
}

bool RedisServer::running() const
{
    return m_process && m_process->running();
}

QVariant RedisServer::command(const QStringList &args, QString *error, int db) const
{
    timeval timeout { 2, 0 };
    redisContext *context = redisConnectWithTimeout("127.0.0.1", m_port, timeout);
    if (!context || context->err) {
        if (error)
            *error = context ? QString::fromLocal8Bit(context->errstr)
                             : QStringLiteral("out of memory");
        if (context)
            redisFree(context);
        return {};
    }
    redisSetTimeout(context, timeout);

    auto run = [context, error](const QList<QByteArray> &words, bool *ok) -> QVariant {
        std::vector<const char *> argv;
        std::vector<size_t> argvlen;
        for (const QByteArray &word : words) {
            argv.push_back(word.constData());
            argvlen.push_back(size_t(word.size()));
        }
        auto *reply = static_cast<redisReply *>(
            redisCommandArgv(context, int(argv.size()), argv.data(), argvlen.data()));
        if (!reply) {
            if (error)
                *error = QString::fromLocal8Bit(context->errstr);
            *ok = false;
            return {};
        }
        *ok = reply->type != REDIS_REPLY_ERROR;
        QVariant value = toVariant(reply, error);
        freeReplyObject(reply);
        return value;
    };

    bool ok = true;
    QVariant result;
    if (!m_options.password.isEmpty())
        run({ QByteArrayLiteral("AUTH"), m_options.password.toUtf8() }, &ok);
    if (ok && db != 0)
        run({ QByteArrayLiteral("SELECT"), QByteArray::number(db) }, &ok);
    if (ok) {
        QList<QByteArray> words;
        for (const QString &arg : args)
            words.append(arg.toUtf8());
        result = run(words, &ok);
    }
    redisFree(context);
    return result;
}

} // namespace cwtest
