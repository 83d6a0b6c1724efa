#include "services/collectors/RedisInfoParser.h"

#include <algorithm>

namespace cw {

namespace {

Result<qint64> toInteger(QByteArrayView key, QByteArrayView value, qsizetype line)
{
    bool ok = false;
    const qint64 number = value.toLongLong(&ok);
    if (!ok)
        return Error { QStringLiteral("INFO line %1: %2 is not a number: '%3'")
                           .arg(line)
                           .arg(QString::fromLatin1(key),
                               QString::fromUtf8(
                                   value.first(std::min<qsizetype>(40, value.size())))) };
    return number;
}

} // namespace

Result<RedisServerInfo> parseRedisInfo(QByteArrayView text)
{
    RedisServerInfo info;
    bool sawVersion = false;
    qsizetype lineNumber = 0;
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        QByteArrayView line = text.sliced(pos, end - pos);
        pos = end + 1;
        ++lineNumber;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return Error { QStringLiteral("INFO line %1: expected 'key:value', got '%2'")
                               .arg(lineNumber)
                               .arg(QString::fromUtf8(
                                   line.first(std::min<qsizetype>(40, line.size())))) };
        const QByteArrayView key = line.first(colon);
        const QByteArrayView value = line.sliced(colon + 1);

        qint64 *integerField = nullptr;
        if (key == "redis_version") {
            info.version = QString::fromLatin1(value);
            sawVersion = true;
        } else if (key == "role") {
            info.role = QString::fromLatin1(value);
        } else if (key == "rdb_last_bgsave_status") {
            info.rdbLastBgsaveStatus = QString::fromLatin1(value);
        } else if (key == "aof_enabled") {
            const Result<qint64> flag = toInteger(key, value, lineNumber);
            if (!flag)
                return Error { flag.error() };
            info.aofEnabled = flag.value() != 0;
        } else if (key == "connected_clients") {
            integerField = &info.connectedClients;
        } else if (key == "used_memory") {
            integerField = &info.usedMemoryBytes;
        } else if (key == "maxmemory") {
            integerField = &info.maxMemoryBytes;
        } else if (key == "uptime_in_seconds") {
            integerField = &info.uptimeSeconds;
        }
        if (integerField) {
            const Result<qint64> number = toInteger(key, value, lineNumber);
            if (!number)
                return Error { number.error() };
            *integerField = number.value();
        }
    }
    if (!sawVersion)
        return Error {
            QStringLiteral("INFO answer has no redis_version (%1 lines)").arg(lineNumber)
        };
    return info;
}

} // namespace cw
