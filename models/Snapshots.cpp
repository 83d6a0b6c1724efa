#include "models/Snapshots.h"

#include "models/ClusterConfig.h"

#include <numeric>

namespace cw {

QString toString(FetchError error)
{
    switch (error) {
    case FetchError::None:
        return QStringLiteral("ok");
    case FetchError::ConnectionRefused:
        return QStringLiteral("connection refused");
    case FetchError::Timeout:
        return QStringLiteral("timeout");
    case FetchError::Dns:
        return QStringLiteral("DNS lookup failed");
    case FetchError::Tls:
        return QStringLiteral("TLS error");
    case FetchError::HttpStatus:
        return QStringLiteral("HTTP error status");
    case FetchError::BodyTooLarge:
        return QStringLiteral("body too large");
    case FetchError::Other:
        return QStringLiteral("error");
    }
    return {};
}

QString toString(MetricsState state)
{
    switch (state) {
    case MetricsState::Unknown:
        return QStringLiteral("unknown");
    case MetricsState::Ok:
        return QStringLiteral("ok");
    case MetricsState::NotExposed:
        return QStringLiteral("not exposed");
    case MetricsState::Malformed:
        return QStringLiteral("malformed");
    case MetricsState::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

QString toString(NodeRole role)
{
    switch (role) {
    case NodeRole::Main:
        return QStringLiteral("main");
    case NodeRole::Worker:
        return QStringLiteral("worker");
    case NodeRole::Webhook:
        return QStringLiteral("webhook");
    }
    return {};
}

QString RedisConfig::endpoint() const
{
    return host + QLatin1Char(':') + QString::number(port) + QLatin1Char('/') + QString::number(db);
}

QString PostgresConfig::endpoint() const
{
    return user + QLatin1Char('@') + host + QLatin1Char(':') + QString::number(port)
        + QLatin1Char('/') + database;
}

qint64 PostgresSnapshot::totalConnections() const
{
    return std::accumulate(connections.cbegin(), connections.cend(), qint64 { 0 },
        [](qint64 sum, const ConnectionCount &c) { return sum + c.count; });
}

qint64 PostgresSnapshot::executionsWith(const char *status) const
{
    for (std::size_t i = 0; i < kExecutionStatuses.size(); ++i) {
        if (qstrcmp(kExecutionStatuses[i], status) == 0)
            return executions[i];
    }
    Q_ASSERT_X(false, "executionsWith", status);
    return 0;
}

qint64 PostgresSnapshot::finishedExecutions() const
{
    qint64 sum = 0;
    for (const char *status : { "success", "error", "crashed", "canceled" })
        sum += executionsWith(status);
    return sum;
}

} // namespace cw
