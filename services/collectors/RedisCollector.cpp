#include "services/collectors/RedisCollector.h"

#include "services/base/Logging.h"
#include "services/collectors/RedisInfoParser.h"

#include <QElapsedTimer>
#include <algorithm>
#include <array>
#include <cerrno>
#include <hiredis/hiredis.h>
#include <sys/time.h>
#include <vector>

namespace cw {

namespace {

timeval toTimeval(Millis ms)
{
    timeval tv {};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

struct ReplyDeleter {
    void operator()(redisReply *reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

QString replyText(const redisReply *reply)
{
    return QString::fromUtf8(reply->str, static_cast<qsizetype>(reply->len)).trimmed();
}

bool isTimeout(int savedErrno, const QString &text)
{
    return savedErrno == EAGAIN || savedErrno == EWOULDBLOCK || savedErrno == ETIMEDOUT
        || text.contains(QLatin1String("timed out"), Qt::CaseInsensitive)
        || text.contains(QLatin1String("temporarily unavailable"), Qt::CaseInsensitive);
}

/// The queue commands read in one pipelined round trip, in QueueDepth's order.
struct QueueCommand {
    const char *command;
    const char *suffix;
};
constexpr std::array<QueueCommand, 9> kQueueCommands = { {
    { "LLEN", "wait" },
    { "LLEN", "active" },
    { "ZCARD", "delayed" },
    { "ZCARD", "failed" },
    { "ZCARD", "completed" },
    { "ZCARD", "priority" },
    { "LLEN", "paused" },
    { "EXISTS", "meta-paused" },
    { "GET", "id" },
} };

} // namespace

void RedisCollector::ContextDeleter::operator()(redisContext *context) const
{
    redisFree(context);
}

RedisCollector::RedisCollector(
    RedisConfig config, Timeouts timeouts, Millis interval, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_timeouts(timeouts)
    , m_pacer(this, interval, { m_config.endpoint(), subject(), lcRedis }, [this] { poll(); })
{
    qRegisterMetaType<cw::RedisSnapshot>();
}

RedisCollector::~RedisCollector() = default;

void RedisCollector::start()
{
    m_pacer.start();
}

void RedisCollector::stop()
{
    m_pacer.stop();
    m_context.reset();
}

QString RedisCollector::subject() const
{
    return QStringLiteral("Redis ") + m_config.host + QLatin1Char(':')
        + QString::number(m_config.port);
}

void RedisCollector::poll()
{
    Q_EMIT snapshotReady(m_pacer.collect<RedisSnapshot>(
        bool(m_context), [this] { return connectToServer(); },
        [this](RedisSnapshot &snapshot) { return query(snapshot); },
        [this] { m_context.reset(); }));
}

std::optional<RedisCollector::Failure> RedisCollector::connectToServer()
{
    const QByteArray host = m_config.host.toUtf8();
    errno = 0;
    redisContext *raw
        = redisConnectWithTimeout(host.constData(), m_config.port, toTimeval(m_timeouts.connect));
    const int savedErrno = errno;
    if (!raw)
        return Failure { QStringLiteral("cannot allocate a connection"), false };
    m_context.reset(raw);
    if (raw->err) {
        const QString text = QString::fromLocal8Bit(raw->errstr);
        m_context.reset();
        if (isTimeout(savedErrno, text))
            return Failure {
                QStringLiteral("connect timed out after %1 ms").arg(m_timeouts.connect.count()),
                true
            };
        if (savedErrno == ECONNREFUSED
            || text.contains(QLatin1String("refused"), Qt::CaseInsensitive))
            return Failure { QStringLiteral("connection refused"), false };
        return Failure { QStringLiteral("cannot connect (%1)").arg(text), false };
    }
    if (redisSetTimeout(raw, toTimeval(m_timeouts.request)) != REDIS_OK) {
        m_context.reset();
        return Failure { QStringLiteral("cannot set the socket timeout"), false };
    }

    // A command on a fresh connection: an I/O failure here is fatal for the connection.
    auto command = [this](const std::vector<QByteArray> &args, const QString &what,
                       std::optional<Failure> &failure) -> ReplyPtr {
        std::vector<const char *> argv;
        std::vector<size_t> argvlen;
        for (const QByteArray &arg : args) {
            argv.push_back(arg.constData());
            argvlen.push_back(size_t(arg.size()));
        }
        errno = 0;
        void *reply
            = redisCommandArgv(m_context.get(), int(argv.size()), argv.data(), argvlen.data());
        const int err = errno;
        if (!reply) {
            const QString text = QString::fromLocal8Bit(m_context->errstr);
            if (m_context->err == REDIS_ERR_IO && isTimeout(err, text))
                failure = Failure { QStringLiteral("timed out after %1 ms waiting for %2")
                                        .arg(m_timeouts.request.count())
                                        .arg(what),
                    true };
            else if (m_context->err == REDIS_ERR_EOF)
                failure = Failure {
                    QStringLiteral("connection closed by the server during %1").arg(what), false
                };
            else if (err == ECONNRESET || err == EPIPE)
                failure = Failure {
                    QStringLiteral("connection reset by the server during %1").arg(what), false
                };
            else
                failure = Failure { QStringLiteral("%1 failed (%2)").arg(what, text), false };
        }
        return ReplyPtr(static_cast<redisReply *>(reply));
    };

    std::optional<Failure> failure;
    if (!m_config.password.isEmpty()) {
        // The password travels only in the AUTH arguments, never into a message.
        const ReplyPtr reply = command({ QByteArrayLiteral("AUTH"), m_config.password.toUtf8() },
            QStringLiteral("AUTH"), failure);
        if (!failure && reply->type == REDIS_REPLY_ERROR)
            failure = Failure {
                QStringLiteral("authentication failed (%1)").arg(replyText(reply.get())), false
            };
    }
    if (!failure && m_config.db != 0) {
        const ReplyPtr reply
            = command({ QByteArrayLiteral("SELECT"), QByteArray::number(m_config.db) },
                QStringLiteral("SELECT"), failure);
        if (!failure && reply->type == REDIS_REPLY_ERROR)
            failure = Failure { QStringLiteral("SELECT %1 failed (%2)")
                                    .arg(m_config.db)
                                    .arg(replyText(reply.get())),
                false };
    }
    if (failure)
        m_context.reset();
    return failure;
}

std::optional<RedisCollector::Failure> RedisCollector::query(RedisSnapshot &snapshot)
{
    redisContext *context = m_context.get();
    auto ioFailure = [this, context](int err, const QString &what) {
        const QString text = QString::fromLocal8Bit(context->errstr);
        if (context->err == REDIS_ERR_IO && isTimeout(err, text))
            return Failure { QStringLiteral("timed out after %1 ms waiting for %2")
                                 .arg(m_timeouts.request.count())
                                 .arg(what),
                true };
        if (context->err == REDIS_ERR_EOF)
            return Failure { QStringLiteral("connection closed by the server during %1").arg(what),
                false };
        if (err == ECONNRESET || err == EPIPE)
            return Failure { QStringLiteral("connection reset by the server during %1").arg(what),
                false };
        return Failure { QStringLiteral("%1 failed (%2)").arg(what, text), false };
    };

    QElapsedTimer pingTimer;
    pingTimer.start();
    errno = 0;
    const ReplyPtr ping(static_cast<redisReply *>(redisCommand(context, "PING")));
    const int pingErrno = errno;
    const qint64 pingNs = pingTimer.nsecsElapsed();
    if (!ping)
        return ioFailure(pingErrno, QStringLiteral("PING"));
    if (ping->type == REDIS_REPLY_ERROR) {
        const QString text = replyText(ping.get());
        if (text.startsWith(QLatin1String("NOAUTH")))
            return Failure { QStringLiteral("authentication required (%1)").arg(text), false };
        return Failure { QStringLiteral("PING answered an error (%1)").arg(text), false };
    }
    snapshot.reachable = true;
    snapshot.pingMs = double(pingNs) / 1e6;

    // INFO and the Bull keys in one pipelined round trip.
    const QByteArray base = m_config.prefix.toUtf8() + ':' + m_config.queue.toUtf8() + ':';
    std::vector<QByteArray> keys;
    keys.reserve(kQueueCommands.size());
    redisAppendCommand(context, "INFO");
    for (const QueueCommand &queueCommand : kQueueCommands) {
        keys.push_back(base + queueCommand.suffix);
        const char *argv[] = { queueCommand.command, keys.back().constData() };
        const size_t argvlen[] = { qstrlen(queueCommand.command), size_t(keys.back().size()) };
        redisAppendCommandArgv(context, 2, argv, argvlen);
    }

    QStringList commandErrors;
    bool queueOk = true;
    for (size_t i = 0; i <= kQueueCommands.size(); ++i) {
        void *raw = nullptr;
        errno = 0;
        const int status = redisGetReply(context, &raw);
        const int err = errno;
        const ReplyPtr reply(static_cast<redisReply *>(raw));
        const QString what = i == 0 ? QStringLiteral("INFO")
                                    : QString::fromLatin1(kQueueCommands[i - 1].command)
                + QLatin1Char(' ') + QString::fromUtf8(keys[i - 1]);
        if (status != REDIS_OK || !reply) {
            snapshot.reachable = false;
            return ioFailure(err, what);
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            commandErrors << what + QStringLiteral(": ") + replyText(reply.get());
            queueOk = queueOk && i == 0;
            continue;
        }
        if (i == 0) {
            if (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS) {
                commandErrors << QStringLiteral("INFO: unexpected reply type %1").arg(reply->type);
                continue;
            }
            const Result<RedisServerInfo> info
                = parseRedisInfo(QByteArrayView(reply->str, qsizetype(reply->len)));
            if (!info) {
                commandErrors << info.error();
                continue;
            }
            const RedisServerInfo &values = info.value();
            snapshot.version = values.version;
            snapshot.role = values.role;
            snapshot.connectedClients = values.connectedClients;
            snapshot.usedMemoryBytes = values.usedMemoryBytes;
            snapshot.maxMemoryBytes = values.maxMemoryBytes;
            snapshot.uptimeSeconds = values.uptimeSeconds;
            snapshot.aofEnabled = values.aofEnabled;
            snapshot.rdbLastBgsaveStatus = values.rdbLastBgsaveStatus;
            continue;
        }

        QueueDepth &queue = snapshot.queue;
        const qsizetype index = qsizetype(i) - 1;
        if (index == 8) { // GET <prefix>:<queue>:id
            if (reply->type == REDIS_REPLY_STRING) {
                bool ok = false;
                const qint64 id = QByteArray(reply->str, qsizetype(reply->len)).toLongLong(&ok);
                if (ok)
                    queue.lastJobId = id;
                else
                    commandErrors << what + QStringLiteral(": not a number");
            } else if (reply->type != REDIS_REPLY_NIL) {
                commandErrors << what
                        + QStringLiteral(": unexpected reply type %1").arg(reply->type);
                queueOk = false;
            }
            continue;
        }
        if (reply->type != REDIS_REPLY_INTEGER) {
            commandErrors << what + QStringLiteral(": unexpected reply type %1").arg(reply->type);
            queueOk = false;
            continue;
        }
        const qint64 value = reply->integer;
        switch (index) {
        case 0:
            queue.waiting = value;
            break;
        case 1:
            queue.active = value;
            break;
        case 2:
            queue.delayed = value;
            break;
        case 3:
            queue.failed = value;
            break;
        case 4:
            queue.completed = value;
            break;
        case 5:
            queue.prioritized = value;
            break;
        case 6:
            queue.pausedWaiting = value;
            break;
        case 7:
            queue.paused = value != 0;
            break;
        default:
            break;
        }
    }
    snapshot.queueRead = queueOk;
    if (!commandErrors.isEmpty())
        snapshot.error
            = subject() + QStringLiteral(": ") + commandErrors.join(QStringLiteral("; "));
    return std::nullopt;
}

} // namespace cw
