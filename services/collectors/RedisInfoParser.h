#pragma once

#include "models/Result.h"

#include <QByteArrayView>
#include <QString>

namespace cw {

/// The figures Clusterwatch reads from Redis' INFO answer.
struct RedisServerInfo {
    QString version; ///< redis_version
    QString role; ///< "master" or "slave"
    qint64 connectedClients = 0;
    qint64 usedMemoryBytes = 0;
    qint64 maxMemoryBytes = 0; ///< 0 = no limit
    qint64 uptimeSeconds = 0;
    bool aofEnabled = false;
    QString rdbLastBgsaveStatus; ///< "ok" or "err"
};

/// Parses the text of `INFO` (sections "# Server" ..., "key:value" lines, CRLF or LF).
/// A pure function of bytes. Unknown keys are ignored; an answer without redis_version, or
/// a known numeric field that is not a number, is an error naming the line:
/// "INFO line 18: uptime_in_seconds is not a number: 'x'".
Result<RedisServerInfo> parseRedisInfo(QByteArrayView text);

} // namespace cw
