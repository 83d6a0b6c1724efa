#pragma once

#include "models/ClusterConfig.h"
#include "models/Snapshots.h"

#include <QObject>

namespace cw {

/// Latest Redis and PostgreSQL state as the panels show it, with staleness.
class ServicesState final : public QObject
{
    Q_OBJECT
public:
    explicit ServicesState(QObject *parent = nullptr);

    /// Resets to "not polled yet" for a new cluster file.
    void reset(bool redisConfigured, bool postgresConfigured);
    void setStaleAfter(Millis staleAfter);

    bool redisConfigured() const { return m_redisConfigured; }
    bool postgresConfigured() const { return m_postgresConfigured; }
    const RedisSnapshot &redis() const { return m_redis; }
    const PostgresSnapshot &postgres() const { return m_postgres; }
    bool redisStale() const { return m_redisStale; }
    bool postgresStale() const { return m_postgresStale; }
    qint64 nowMs() const { return m_nowMs; }

public Q_SLOTS:
    void applyRedis(const cw::RedisSnapshot &snapshot);
    void applyPostgres(const cw::PostgresSnapshot &snapshot);
    /// Advances the clock; emits a change when data turns stale.
    void tick(qint64 nowMs);

Q_SIGNALS:
    void redisChanged();
    void postgresChanged();

private:
    bool stale(qint64 timestampMs) const;

    RedisSnapshot m_redis;
    PostgresSnapshot m_postgres;
    bool m_redisConfigured = false;
    bool m_postgresConfigured = false;
    bool m_redisStale = false;
    bool m_postgresStale = false;
    Millis m_staleAfter{5000};
    qint64 m_nowMs = 0;
};

} // namespace cw
