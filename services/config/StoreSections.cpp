// The shared stores n8n's queue mode runs on: Redis and PostgreSQL.

#include "services/config/ConfigError.h"
#include "services/config/ConfigSections.h"
#include "services/config/ConfigValues.h"

#include <QStringList>

namespace cw::configfile {

void readRedis(const YamlMap &top, const EnvLookup &env, RedisConfig &redis)
{
    static constexpr const char *kRedis[] = { "host", "port", "db", "password", "prefix", "queue" };
    redis.configured = true;
    const YAML::Node *node = top.get("redis");
    if (!node)
        return; // "redis:" alone: defaults
    const YamlMap map(*node, QStringLiteral("redis"), kRedis);
    redis.host = host(map, "host", redis.host);
    redis.port = port(map, "port", redis.port);
    if (const YAML::Node *db = map.get("db"))
        redis.db
            = int(integer(*db, map.child("db"), 0, 1'000'000, QStringLiteral("a database number")));
    redis.password = password(map, "password", env);
    redis.prefix = string(map, "prefix", redis.prefix).trimmed();
    redis.queue = string(map, "queue", redis.queue).trimmed();
}

void readPostgres(const YamlMap &top, const EnvLookup &env, PostgresConfig &pg)
{
    static constexpr const char *kPostgres[] = { "host", "port", "database", "user", "password",
        "sslmode", "schema", "table_prefix", "stuck_running_after" };
    pg.configured = true;
    const YAML::Node *node = top.get("postgres");
    if (!node)
        return;
    const YamlMap map(*node, QStringLiteral("postgres"), kPostgres);
    pg.host = host(map, "host", pg.host);
    pg.port = port(map, "port", pg.port);
    pg.database = string(map, "database", pg.database).trimmed();
    pg.user = string(map, "user", pg.user).trimmed();
    pg.password = password(map, "password", env);
    pg.sslmode = string(map, "sslmode", pg.sslmode).trimmed();
    static const QStringList kModes = { QStringLiteral("disable"), QStringLiteral("allow"),
        QStringLiteral("prefer"), QStringLiteral("require"), QStringLiteral("verify-ca"),
        QStringLiteral("verify-full") };
    if (!kModes.contains(pg.sslmode))
        fail(map.get("sslmode")->Mark(), map.child("sslmode"),
            QStringLiteral("expected one of %1, got %2")
                .arg(kModes.join(QStringLiteral(", ")), excerpt(pg.sslmode.toStdString())));
    pg.schema = identifier(map, "schema", pg.schema, false);
    pg.tablePrefix = identifier(map, "table_prefix", pg.tablePrefix, true);
    pg.stuckRunningAfter = duration(map, "stuck_running_after", pg.stuckRunningAfter);
}

} // namespace cw::configfile
