#include "models/items/ServicesState.h"

#include <QDateTime>

namespace cw {

ServicesState::ServicesState(QObject *parent)
    : QObject(parent)
    , m_nowMs(QDateTime::currentMSecsSinceEpoch())
{
}

void ServicesState::reset(bool redisConfigured, bool postgresConfigured)
{
    m_redis = {};
    m_postgres = {};
    m_redisConfigured = redisConfigured;
    m_postgresConfigured = postgresConfigured;
    m_redisStale = m_postgresStale = false;
    Q_EMIT redisChanged();
    Q_EMIT postgresChanged();
}

void ServicesState::setStaleAfter(Millis staleAfter)
{
    m_staleAfter = staleAfter;
}

bool ServicesState::stale(qint64 timestampMs) const
{
    return timestampMs > 0 && m_nowMs - timestampMs > m_staleAfter.count();
}

void ServicesState::applyRedis(const RedisSnapshot &snapshot)
{
    m_redis = snapshot;
    m_nowMs = std::max(m_nowMs, snapshot.timestampMs);
    m_redisStale = false;
    Q_EMIT redisChanged();
}

void ServicesState::applyPostgres(const PostgresSnapshot &snapshot)
{
    m_postgres = snapshot;
    m_nowMs = std::max(m_nowMs, snapshot.timestampMs);
    m_postgresStale = false;
    Q_EMIT postgresChanged();
}

void ServicesState::tick(qint64 nowMs)
{
    m_nowMs = nowMs;
    // Panels show "updated N s ago", so they refresh on every tick.
    m_redisStale = stale(m_redis.timestampMs);
    m_postgresStale = stale(m_postgres.timestampMs);
    Q_EMIT redisChanged();
    Q_EMIT postgresChanged();
}

} // namespace cw
