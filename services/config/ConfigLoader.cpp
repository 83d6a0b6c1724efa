#include "services/config/ConfigLoader.h"

#include "services/base/Logging.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace cw {

namespace {

constexpr qsizetype kMaxFileBytes = qsizetype(1024) * 1024;
constexpr double kMaxDurationMs = 365.0 * 24 * 3600 * 1000;
constexpr double kMinBodyBytes = 1024;
constexpr double kMaxBodyBytes = 1024.0 * 1024 * 1024;

/// Thrown inside the reader only, caught in parseClusterConfig: it keeps the many validation
/// steps linear. Never leaves this file.
struct ConfigFailure
{
    QString message;
};

int lineOf(const YAML::Mark &mark)
{
    return std::max(mark.line, 0) + 1;
}

/// Bounded, printable excerpt of a user value for an error message.
/// An environment variable's name as written in the file, cut short if absurdly long.
QString shortName(const QString &variable)
{
    constexpr qsizetype kMax = 64;
    return variable.size() > kMax ? variable.left(kMax) + QChar(0x2026) : variable;
}

QString excerpt(const std::string &value)
{
    constexpr std::size_t kMax = 80;
    QString text = QString::fromUtf8(value.data(), qsizetype(std::min(value.size(), kMax)));
    for (QChar &c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QChar(0xfffd);
    }
    if (value.size() > kMax)
        text += QChar(0x2026);
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

int editDistance(const std::string &a, const std::string &b)
{
    std::vector<int> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = int(j);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const int above = row[j];
            row[j] = std::min(
                { row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1) });
            diagonal = above;
        }
    }
    return row[b.size()];
}

QString joinKeys(std::span<const char *const> keys)
{
    QString out;
    for (const char *key : keys) {
        if (!out.isEmpty())
            out += QStringLiteral(", ");
        out += QLatin1String(key);
    }
    return out;
}

std::string trimmed(const std::string &s)
{
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos)
        return {};
    const auto end = s.find_last_not_of(" \t");
    return s.substr(begin, end - begin + 1);
}

/// Splits "12.5ms" into 12.5 and "ms"; false when there is no leading number.
bool splitNumberUnit(const std::string &text, double &number, std::string &unit)
{
    const std::string s = trimmed(text);
    const char *b = s.data();
    const char *e = s.data() + s.size();
    if (b == e)
        return false;
    const auto [ptr, ec] = std::from_chars(b, e, number, std::chars_format::fixed);
    if (ec != std::errc() || !std::isfinite(number))
        return false;
    unit = trimmed(std::string(ptr, e));
    return true;
}

/// "${NAME}" with NAME a shell variable name.
bool isEnvReference(const std::string &text)
{
    return text.size() > 3 && text.compare(0, 2, "${") == 0 && text.back() == '}'
        && std::all_of(text.begin() + 2, text.end() - 1,
            [](char c) {
                return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_';
            })
        && !(text[2] >= '0' && text[2] <= '9');
}

/// The built-in alert rules (AlertsConfig::defaultRules), as the keys `alerts.rules` may have.
constexpr const char *kRuleIds[] = { "node_down", "readiness_failing", "cpu_high", "memory_high",
    "queue_backlog", "worker_stalled", "no_worker", "executions_stuck", "failed_rate", "redis_down",
    "postgres_down", "redis_no_persistence", "config_mismatch" };

/// n8n refreshes n8n_scaling_mode_queue_jobs_completed every N8N_METRICS_QUEUE_METRICS_INTERVAL
/// (20 s by default): a shorter stall threshold would page between two refreshes.
constexpr double kMinStallMs = 20'000;

class ConfigReader
{
public:
    ConfigReader(QString source, const EnvLookup &env)
        : m_source(std::move(source))
        , m_env(env)
    { }

    [[noreturn]] void fail(const YAML::Mark &mark, const QString &path, const QString &what) const
    {
        QString message
            = m_source + QLatin1Char(':') + QString::number(lineOf(mark)) + QStringLiteral(": ");
        if (!path.isEmpty())
            message += path + QStringLiteral(": ");
        throw ConfigFailure { message + what };
    }

    /// The entries of one YAML map, checked against the keys it may have.
    class Map
    {
    public:
        Map(const ConfigReader &reader, const YAML::Node &node, QString path,
            std::span<const char *const> allowed)
            : m_reader(reader)
            , m_mark(node.Mark())
            , m_path(std::move(path))
        {
            if (!node.IsMap())
                reader.fail(m_mark, m_path.isEmpty() ? QString() : m_path,
                    m_path.isEmpty()
                        ? QStringLiteral("expected a map of settings (name, nodes, ...)")
                        : QStringLiteral("expected a map with keys %1").arg(joinKeys(allowed)));
            for (auto it = node.begin(); it != node.end(); ++it) {
                const YAML::Node key = it->first;
                if (!key.IsScalar())
                    reader.fail(key.Mark(), m_path, QStringLiteral("a key must be a plain word"));
                const std::string &name = key.Scalar();
                if (std::find_if(
                        allowed.begin(), allowed.end(), [&](const char *a) { return name == a; })
                    == allowed.end()) {
                    QString hint;
                    int best = 3;
                    for (const char *a : allowed) {
                        const int d = editDistance(name, a);
                        if (d < best) {
                            best = d;
                            hint = QStringLiteral(" (did you mean '%1'?)").arg(QLatin1String(a));
                        }
                    }
                    reader.fail(key.Mark(), child(name),
                        QStringLiteral("unknown key%1; expected one of %2")
                            .arg(hint, joinKeys(allowed)));
                }
                if (m_entries.count(name))
                    reader.fail(key.Mark(), child(name),
                        QStringLiteral("duplicate key (first given on line %1)")
                            .arg(lineOf(m_entries.at(name).key.Mark())));
                m_entries.emplace(name, Entry { key, it->second });
            }
        }

        /// The value of @p key; nullptr when absent or null (`key:` with nothing after it).
        const YAML::Node *get(const char *key) const
        {
            const auto it = m_entries.find(key);
            if (it == m_entries.end() || it->second.value.IsNull())
                return nullptr;
            return &it->second.value;
        }

        bool has(const char *key) const { return m_entries.count(key) != 0; }

        const YAML::Node &require(const char *key) const
        {
            const YAML::Node *value = get(key);
            if (!value)
                m_reader.fail(has(key) ? m_entries.at(key).key.Mark() : m_mark, child(key),
                    QStringLiteral("required field is missing"));
            return *value;
        }

        QString child(const std::string &key) const
        {
            const bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            });
            const QString k
                = plain && key.size() <= 80 ? QString::fromStdString(key) : excerpt(key);
            return m_path.isEmpty() ? k : m_path + QLatin1Char('.') + k;
        }

        const YAML::Mark &mark() const { return m_mark; }

    private:
        struct Entry
        {
            YAML::Node key;
            YAML::Node value;
        };
        const ConfigReader &m_reader;
        YAML::Mark m_mark;
        QString m_path;
        std::map<std::string, Entry, std::less<>> m_entries;
    };

    const std::string &scalar(const YAML::Node &node, const QString &path) const
    {
        if (!node.IsScalar())
            fail(node.Mark(), path,
                node.IsSequence() ? QStringLiteral("expected a single value, got a list")
                                  : QStringLiteral("expected a single value, got a map"));
        return node.Scalar();
    }

    QString string(
        const Map &map, const char *key, const QString &fallback, bool allowEmpty = false) const
    {
        const YAML::Node *node = map.get(key);
        if (!node)
            return fallback;
        const std::string &value = scalar(*node, map.child(key));
        if (!allowEmpty && trimmed(value).empty())
            fail(node->Mark(), map.child(key), QStringLiteral("must not be empty"));
        return QString::fromStdString(value);
    }

    QString requiredString(const Map &map, const char *key) const
    {
        const YAML::Node &node = map.require(key);
        const std::string &value = scalar(node, map.child(key));
        if (trimmed(value).empty())
            fail(node.Mark(), map.child(key), QStringLiteral("must not be empty"));
        return QString::fromStdString(value);
    }

    qint64 integer(const YAML::Node &node, const QString &path, qint64 min, qint64 max,
        const QString &what) const
    {
        const std::string s = trimmed(scalar(node, path));
        qint64 value = 0;
        const char *b = s.data();
        const char *e = s.data() + s.size();
        const auto [ptr, ec] = std::from_chars(b, e, value);
        if (b == e || ptr != e || (ec != std::errc() && ec != std::errc::result_out_of_range))
            fail(node.Mark(), path, QStringLiteral("expected %1, got %2").arg(what, excerpt(s)));
        if (ec == std::errc::result_out_of_range || value < min || value > max)
            fail(node.Mark(), path,
                QStringLiteral("%1 is out of range (%2-%3)").arg(excerpt(s)).arg(min).arg(max));
        return value;
    }

    int port(const Map &map, const char *key, int fallback) const
    {
        const YAML::Node *node = map.get(key);
        if (!node)
            return fallback;
        return int(integer(*node, map.child(key), 1, 65535, QStringLiteral("a port number")));
    }

    /// A number with one of @p units ("" for none), scaled by the unit's factor; fails with
    /// "expected @p expected" when the text is neither.
    double numberWithUnit(const YAML::Node &node, const QString &path,
        std::initializer_list<std::pair<const char *, double>> units, const QString &expected) const
    {
        const std::string &text = scalar(node, path);
        double number = 0;
        std::string unit;
        if (splitNumberUnit(text, number, unit)) {
            for (const auto &[name, factor] : units) {
                if (unit == name)
                    return number * factor;
            }
        }
        fail(node.Mark(), path, QStringLiteral("expected %1, got %2").arg(expected, excerpt(text)));
    }

    /// Whether a duration may be zero ("for: 0": fire at once).
    enum class Zero { Refused, Allowed };

    Millis duration(const Map &map, const char *key, Millis fallback, Zero zero = Zero::Refused) const
    {
        const YAML::Node *node = map.get(key);
        if (!node)
            return fallback;
        const QString path = map.child(key);
        const double ms = numberWithUnit(*node, path,
            { { "ms", 1 }, { "", 1000 }, { "s", 1000 }, { "m", 60'000 }, { "h", 3'600'000 } },
            zero == Zero::Allowed ? QStringLiteral("a duration like 30s, 2m, 1h, 0 or a number of seconds")
                                  : QStringLiteral("a duration like 500ms, 2s, 1m, 1h or a number of seconds"));
        const std::string &text = scalar(*node, path);
        if (zero == Zero::Allowed && ms < 0)
            fail(node->Mark(), path, QStringLiteral("must not be negative, got %1").arg(excerpt(text)));
        if (zero == Zero::Refused && ms <= 0)
            fail(node->Mark(), path,
                QStringLiteral("must be greater than zero, got %1").arg(excerpt(text)));
        if (zero == Zero::Refused && ms < 1)
            fail(node->Mark(), path,
                QStringLiteral("must be at least 1ms, got %1").arg(excerpt(text)));
        if (ms > kMaxDurationMs)
            fail(node->Mark(), path,
                QStringLiteral("%1 is too long (at most 365 days)").arg(excerpt(text)));
        return Millis(qint64(std::llround(ms)));
    }

    qint64 byteSize(const Map &map, const char *key, qint64 fallback) const
    {
        const YAML::Node *node = map.get(key);
        if (!node)
            return fallback;
        const QString path = map.child(key);
        const double bytes = numberWithUnit(*node, path,
            { { "", 1 }, { "B", 1 }, { "KiB", 1024 }, { "MiB", 1024 * 1024 } },
            QStringLiteral("a size like 4MiB, 512KiB or a number of bytes"));
        if (bytes < kMinBodyBytes || bytes > kMaxBodyBytes)
            fail(node->Mark(), path,
                QStringLiteral("%1 is out of range (1KiB to 1024MiB)")
                    .arg(excerpt(scalar(*node, path))));
        return qint64(std::llround(bytes));
    }

    QUrl httpUrl(const YAML::Node &node, const QString &path) const
    {
        const std::string &text = scalar(node, path);
        QUrl url(QString::fromStdString(trimmed(text)), QUrl::StrictMode);
        // Credentials in a URL would end up in logs and tooltips; keep them out of the file,
        // and never echo such a URL, even a malformed one.
        if (text.find('@') != std::string::npos || (url.isValid() && !url.userInfo().isEmpty()))
            fail(node.Mark(), path,
                QStringLiteral("must not contain a user name or password (the URL is not shown)"));
        if (!url.isValid()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
            || url.host().isEmpty())
            fail(node.Mark(), path, QStringLiteral("%1 is not an http(s) URL").arg(excerpt(text)));
        if (url.port() == 0)
            fail(node.Mark(), path, QStringLiteral("%1 has port 0").arg(excerpt(text)));
        return url;
    }

    QString host(const Map &map, const char *key, const QString &fallback) const
    {
        QString value = string(map, key, fallback).trimmed();
        const bool bad = std::any_of(value.cbegin(), value.cend(),
            [](QChar c) { return c.isSpace() || c == QLatin1Char('/') || c == QLatin1Char('@'); });
        if (bad)
            fail(map.get(key)->Mark(), map.child(key),
                QStringLiteral("%1 is not a host name or address")
                    .arg(excerpt(value.toStdString())));
        return value;
    }

    /// A password is never written in the file: it must be a ${ENV_VAR} reference.
    QString password(const Map &map, const char *key) const
    {
        const YAML::Node *node = map.get(key);
        if (!node)
            return {};
        const QString path = map.child(key);
        if (!node->IsScalar())
            fail(node->Mark(), path,
                QStringLiteral("must be an environment variable reference like ${DB_PASSWORD}"));
        const std::string text = trimmed(node->Scalar());
        if (text.empty())
            return {};
        if (!isEnvReference(text))
            fail(node->Mark(), path,
                QStringLiteral("a literal password is not allowed here (the value is not shown); "
                               "write an environment variable reference like ${DB_PASSWORD} "
                               "and set that variable"));
        return environmentValue(node->Mark(), path, text, true);
    }

    /// The value of the ${VAR} reference @p text; fails, naming the variable (never a value),
    /// when it is not set (or empty, unless @p allowEmpty).
    QString environmentValue(const YAML::Mark &mark, const QString &path, const std::string &text, bool allowEmpty) const
    {
        const QString variable = QString::fromStdString(text.substr(2, text.size() - 3));
        const std::optional<QString> value = m_env ? m_env(variable) : std::nullopt;
        if (!value || (!allowEmpty && value->trimmed().isEmpty()))
            fail(mark, path, QStringLiteral("environment variable %1 is not set").arg(shortName(variable)));
        return *value;
    }

    QString identifier(
        const Map &map, const char *key, const QString &fallback, bool allowEmpty) const
    {
        QString value = string(map, key, fallback, allowEmpty);
        // Used as a schema name / table name prefix in SQL: keep it to plain identifiers.
        const bool ok = std::all_of(value.cbegin(), value.cend(), [](QChar c) {
            return (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
                || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
                || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_');
        });
        if (!ok || value.size() > 63)
            fail(map.get(key)->Mark(), map.child(key),
                QStringLiteral("%1 must be letters, digits and '_' only (at most 63)")
                    .arg(excerpt(value.toStdString())));
        return value;
    }

    ClusterConfig read(const YAML::Node &root) const
    {
        if (!root.IsDefined() || root.IsNull())
            fail(YAML::Mark(), QString(),
                QStringLiteral("the file is empty; expected name and nodes"));
        static constexpr const char *kTop[] = { "name", "poll_interval", "timeouts", "max_body",
            "load_balancer", "health", "nodes", "redis", "postgres", "docker", "actions", "alerts" };
        const Map top(*this, root, QString(), kTop);
        ClusterConfig config;
        config.name = requiredString(top, "name").trimmed();
        config.pollInterval = duration(top, "poll_interval", config.pollInterval);
        if (const YAML::Node *node = top.get("timeouts")) {
            static constexpr const char *kTimeouts[] = { "connect", "request" };
            const Map timeouts(*this, *node, QStringLiteral("timeouts"), kTimeouts);
            config.timeouts.connect = duration(timeouts, "connect", config.timeouts.connect);
            config.timeouts.request = duration(timeouts, "request", config.timeouts.request);
        }
        if (const YAML::Node *node = top.get("health")) {
            static constexpr const char *kHealth[] = { "slow_response", "event_loop_lag" };
            const Map health(*this, *node, QStringLiteral("health"), kHealth);
            config.health.slowResponse = duration(health, "slow_response", config.health.slowResponse);
            config.health.eventLoopLag = duration(health, "event_loop_lag", config.health.eventLoopLag);
        }
        config.maxBodyBytes = byteSize(top, "max_body", config.maxBodyBytes);
        if (const YAML::Node *node = top.get("load_balancer"))
            config.loadBalancerUrl = httpUrl(*node, QStringLiteral("load_balancer"));
        readNodes(top, config);
        if (top.has("redis"))
            readRedis(top, config.redis);
        if (top.has("postgres"))
            readPostgres(top, config.postgres);
        readDocker(top, config);
        if (const YAML::Node *node = top.get("actions")) {
            static constexpr const char *kActions[] = { "restart_limit", "restart_window", "stop_grace" };
            const Map actions(*this, *node, QStringLiteral("actions"), kActions);
            if (const YAML::Node *limit = actions.get("restart_limit"))
                config.actions.restartLimit = int(integer(*limit, actions.child("restart_limit"), 1, 1000,
                    QStringLiteral("a number of restarts")));
            config.actions.restartWindow = duration(actions, "restart_window", config.actions.restartWindow);
            config.actions.stopGrace = duration(actions, "stop_grace", config.actions.stopGrace);
        }
        readAlerts(top, config);
        return config;
    }

private:
    void readNodes(const Map &top, ClusterConfig &config) const
    {
        const YAML::Node &nodes = top.require("nodes");
        if (!nodes.IsSequence())
            fail(nodes.Mark(), QStringLiteral("nodes"), QStringLiteral("expected a list of nodes"));
        if (nodes.size() == 0)
            fail(nodes.Mark(), QStringLiteral("nodes"),
                QStringLiteral("at least one node is required"));
        std::map<QString, int> lineByName;
        static constexpr const char *kNode[] = { "name", "role", "url", "container" };
        std::size_t index = 0;
        for (auto it = nodes.begin(); it != nodes.end(); ++it, ++index) {
            const YAML::Node item = *it;
            const QString path = QStringLiteral("nodes[%1]").arg(index);
            if (item.IsNull())
                fail(item.Mark(), path,
                    QStringLiteral("expected a map with keys %1").arg(joinKeys(kNode)));
            const Map map(*this, item, path, kNode);
            NodeConfig node;
            node.name = requiredString(map, "name").trimmed();
            const int line = lineOf(map.require("name").Mark());
            if (const auto first = lineByName.find(node.name); first != lineByName.end())
                fail(map.require("name").Mark(), map.child("name"),
                    QStringLiteral("duplicate node name %1 (first used on line %2)")
                        .arg(excerpt(node.name.toStdString()))
                        .arg(first->second));
            lineByName.emplace(node.name, line);

            const std::string &role = scalar(map.require("role"), map.child("role"));
            if (role == "main")
                node.role = NodeRole::Main;
            else if (role == "worker")
                node.role = NodeRole::Worker;
            else if (role == "webhook")
                node.role = NodeRole::Webhook;
            else
                fail(map.require("role").Mark(), map.child("role"),
                    QStringLiteral("expected one of main, worker, webhook, got %1")
                        .arg(excerpt(role)));
            node.baseUrl = httpUrl(map.require("url"), map.child("url"));
            node.container = string(map, "container", QString()).trimmed();
            config.nodes.append(node);
        }
    }

    void readRedis(const Map &top, RedisConfig &redis) const
    {
        static constexpr const char *kRedis[]
            = { "host", "port", "db", "password", "prefix", "queue" };
        redis.configured = true;
        const YAML::Node *node = top.get("redis");
        if (!node)
            return;  // "redis:" alone: defaults
        const Map map(*this, *node, QStringLiteral("redis"), kRedis);
        redis.host = host(map, "host", redis.host);
        redis.port = port(map, "port", redis.port);
        if (const YAML::Node *db = map.get("db"))
            redis.db = int(
                integer(*db, map.child("db"), 0, 1'000'000, QStringLiteral("a database number")));
        redis.password = password(map, "password");
        redis.prefix = string(map, "prefix", redis.prefix).trimmed();
        redis.queue = string(map, "queue", redis.queue).trimmed();
    }

    void readPostgres(const Map &top, PostgresConfig &pg) const
    {
        static constexpr const char *kPostgres[] = { "host", "port", "database", "user", "password",
            "sslmode", "schema", "table_prefix", "stuck_running_after" };
        pg.configured = true;
        const YAML::Node *node = top.get("postgres");
        if (!node)
            return;
        const Map map(*this, *node, QStringLiteral("postgres"), kPostgres);
        pg.host = host(map, "host", pg.host);
        pg.port = port(map, "port", pg.port);
        pg.database = string(map, "database", pg.database).trimmed();
        pg.user = string(map, "user", pg.user).trimmed();
        pg.password = password(map, "password");
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

    std::optional<QString> env(const char *name) const
    {
        std::optional<QString> value = m_env ? m_env(QLatin1String(name)) : std::nullopt;
        if (value && value->trimmed().isEmpty())
            return std::nullopt;
        return value;
    }

    bool boolean(const Map &map, const char *key) const
    {
        const std::string text = trimmed(scalar(map.require(key), map.child(key)));
        std::string lower(text);
        std::transform(lower.begin(), lower.end(), lower.begin(),
            [](unsigned char c) { return char(std::tolower(c)); });
        if (lower == "true" || lower == "yes" || lower == "on")
            return true;
        if (lower == "false" || lower == "no" || lower == "off")
            return false;
        fail(map.get(key)->Mark(), map.child(key),
            QStringLiteral("expected true or false, got %1").arg(excerpt(text)));
    }

    /// Why a Docker host string is unusable; empty when it is fine. tcp:// gets its default
    /// port (2376 with TLS, 2375 without) as the docker CLI gives it.
    static QString checkDockerHost(QString &host, bool tls)
    {
        if (host.startsWith(QLatin1String("ssh://")))
            return QStringLiteral("ssh:// is not supported; expected unix:///path/to/docker.sock or "
                                  "tcp://host:port (the value is not shown)");
        if (host.contains(QLatin1Char('@')))
            return QStringLiteral("must not contain a user name or password (the value is not shown)");
        if (host.startsWith(QLatin1String("unix://"))) {
            const QString path = host.mid(7);
            if (!path.startsWith(QLatin1Char('/')))
                return QStringLiteral("expected an absolute socket path after unix://, got %1")
                    .arg(excerpt(host.toStdString()));
            if (path.toUtf8().size() > 107)
                return QStringLiteral("the socket path is longer than 107 bytes");
            return {};
        }
        if (host.startsWith(QLatin1String("tcp://"))) {
            QUrl url(host, QUrl::StrictMode);
            if (!url.isValid() || url.host().isEmpty() || (!url.path().isEmpty() && url.path() != QLatin1String("/")))
                return QStringLiteral("expected tcp://host:port, got %1").arg(excerpt(host.toStdString()));
            if (url.port() == 0)
                return QStringLiteral("%1 has port 0").arg(excerpt(host.toStdString()));
            url.setPath(QString());
            if (url.port() < 0)
                url.setPort(tls ? 2376 : 2375);
            host = url.toString();
            return {};
        }
        return QStringLiteral("expected unix:///path/to/docker.sock or tcp://host:port, got %1")
            .arg(excerpt(host.toStdString()));
    }

    /// The `docker:` section, else DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the
    /// docker CLI reads them, else the local engine's socket. Docker features are on when the
    /// section is there or a node names its container.
    void readDocker(const Map &top, ClusterConfig &config) const
    {
        static constexpr const char *kDocker[] = { "host", "tls_verify", "cert_path" };
        DockerEndpoint &docker = config.docker;
        const YAML::Node *node = top.get("docker");
        std::optional<Map> map;
        if (node)
            map.emplace(*this, *node, QStringLiteral("docker"), kDocker);
        YAML::Mark why = top.mark();
        bool byContainer = false;
        const YAML::Node &nodes = top.require("nodes");
        for (qsizetype i = 0; i < config.nodes.size() && !byContainer; ++i) {
            if (!config.nodes[i].container.isEmpty()) {
                const YAML::Node item = nodes[std::size_t(i)];
                why = item["container"].Mark();
                byContainer = true;
            }
        }
        docker.configured = top.has("docker") || byContainer;

        if (map && map->get("tls_verify"))
            docker.tlsVerify = boolean(*map, "tls_verify");
        else
            docker.tlsVerify = env("DOCKER_TLS_VERIFY").has_value(); // any value, as the CLI

        if (map && map->get("host")) {
            docker.host = string(*map, "host", docker.host).trimmed();
            const QString problem = checkDockerHost(docker.host, docker.tlsVerify);
            if (!problem.isEmpty())
                fail(map->get("host")->Mark(), map->child("host"), problem);
        } else if (const std::optional<QString> fromEnv = env("DOCKER_HOST")) {
            QString host = fromEnv->trimmed();
            const QString problem = checkDockerHost(host, docker.tlsVerify);
            if (problem.isEmpty())
                docker.host = host;
            else if (docker.configured)
                fail(map ? map->mark() : why, QStringLiteral("docker"),
                    QStringLiteral("environment variable DOCKER_HOST: ") + problem
                        + QStringLiteral(" (set docker.host to override it)"));
        }

        if (map && map->get("cert_path"))
            docker.certPath = string(*map, "cert_path", QString()).trimmed();
        else if (const std::optional<QString> fromEnv = env("DOCKER_CERT_PATH"))
            docker.certPath = fromEnv->trimmed();
        const std::optional<QString> home = env("HOME");
        if (docker.certPath.startsWith(QLatin1String("~/")) && home)
            docker.certPath = *home + docker.certPath.mid(1);
        if (docker.certPath.isEmpty() && docker.tlsVerify && home)
            docker.certPath = *home + QStringLiteral("/.docker");
        // TLS is a property of TCP connections only.
        if (docker.host.startsWith(QLatin1String("unix://")))
            docker.tlsVerify = false;
    }

    /// A number (with one of @p units) in [@p min, @p max]; else "must be @p what, got '…'".
    double boundedNumber(const YAML::Node &node, const QString &path,
        std::initializer_list<std::pair<const char *, double>> units, double min, double max,
        const QString &what) const
    {
        const std::string &text = scalar(node, path);
        double number = 0;
        std::string unit;
        if (splitNumberUnit(text, number, unit)) {
            for (const auto &[name, factor] : units) {
                if (unit == name && number * factor >= min && number * factor <= max)
                    return number * factor;
            }
        }
        fail(node.Mark(), path, QStringLiteral("must be %1, got %2").arg(what, excerpt(text)));
    }

    static QString minutesText(double minutes)
    {
        return QString::number(minutes, 'g', 6) + QStringLiteral(" min");
    }

    /// One rule's threshold, in the unit AlertRuleConfig documents for it.
    double ruleThreshold(const std::string &id, const YAML::Node &node, const QString &path) const
    {
        const double unbounded = 1e12;
        if (id == "cpu_high" || id == "memory_high")
            return boundedNumber(node, path, { { "", 1 }, { "%", 1 } }, 0, 100,
                QStringLiteral("a number between 0 and 100"));
        if (id == "queue_backlog") {
            const double jobs = boundedNumber(node, path, { { "", 1 } }, 0, unbounded,
                QStringLiteral("a number of waiting jobs (0 or more)"));
            if (jobs != std::floor(jobs))
                fail(node.Mark(), path,
                    QStringLiteral("must be a whole number of jobs, got %1").arg(excerpt(node.Scalar())));
            return jobs;
        }
        if (id == "failed_rate")
            return boundedNumber(node, path, { { "", 1 } }, 0, unbounded,
                QStringLiteral("a number of failed executions per minute (0 or more)"));
        if (id == "worker_stalled") {
            const double ms = boundedNumber(node, path,
                { { "", 1000 }, { "s", 1000 }, { "m", 60'000 }, { "h", 3'600'000 } }, 0, kMaxDurationMs,
                QStringLiteral("a duration like 2m, 300s or a number of seconds"));
            if (ms <= kMinStallMs)
                fail(node.Mark(), path,
                    QStringLiteral("must be more than 20 s, got %1: n8n refreshes its completed-jobs "
                                   "counter only every 20 s")
                        .arg(excerpt(node.Scalar())));
            return ms / 1000.0;
        }
        if (id == "executions_stuck") {
            const double minutes = boundedNumber(node, path,
                { { "", 1 }, { "s", 1.0 / 60 }, { "m", 1 }, { "h", 60 } }, 0, kMaxDurationMs / 60'000,
                QStringLiteral("a number of minutes or a duration like 30m, 2h"));
            if (minutes * 60'000 < 1000)
                fail(node.Mark(), path,
                    QStringLiteral("must be at least one second, got %1").arg(excerpt(node.Scalar())));
            return minutes;
        }
        fail(node.Mark(), path, QStringLiteral("this rule has no threshold"));
    }

    void readAlertRules(const YAML::Node &node, ClusterConfig &config, const Map &top) const
    {
        const Map rules(*this, node, QStringLiteral("alerts.rules"), kRuleIds);
        static constexpr const char *kRule[]
            = { "enabled", "severity", "threshold", "for", "recovery_hold" };
        for (const char *id : kRuleIds) {
            const YAML::Node *item = rules.get(id);
            if (!item)
                continue;
            const QString path = rules.child(id);
            auto rule = std::find_if(config.alerts.rules.begin(), config.alerts.rules.end(),
                [&](const AlertRuleConfig &r) { return r.id == QLatin1String(id); });
            Q_ASSERT(rule != config.alerts.rules.end());
            if (rule == config.alerts.rules.end())
                continue;
            const Map map(*this, *item, path, kRule);
            if (map.get("enabled"))
                rule->enabled = boolean(map, "enabled");
            if (const YAML::Node *severity = map.get("severity")) {
                const std::string &text = scalar(*severity, map.child("severity"));
                if (!severityFromString(QString::fromStdString(trimmed(text)), &rule->severity))
                    fail(severity->Mark(), map.child("severity"),
                        QStringLiteral("expected one of info, warning, critical, got %1").arg(excerpt(text)));
            }
            if (const YAML::Node *threshold = map.get("threshold"))
                rule->threshold = ruleThreshold(id, *threshold, map.child("threshold"));
            rule->forDuration = duration(map, "for", rule->forDuration, Zero::Allowed);
            rule->recoveryHold = duration(map, "recovery_hold", rule->recoveryHold, Zero::Allowed);
        }
        syncStuckThreshold(config, top, rules.get("executions_stuck"));
    }

    /// The collector counts executions running longer than postgres.stuck_running_after; the
    /// rule's threshold is the same figure, so either may give it, but they must not disagree.
    /// @p ruleNode: alerts.rules.executions_stuck, when given.
    void syncStuckThreshold(ClusterConfig &config, const Map &top, const YAML::Node *ruleNode) const
    {
        auto rule = std::find_if(config.alerts.rules.begin(), config.alerts.rules.end(),
            [](const AlertRuleConfig &r) { return r.id == QLatin1String("executions_stuck"); });
        if (rule == config.alerts.rules.end())
            return;
        const double pgMinutes = double(config.postgres.stuckRunningAfter.count()) / 60'000.0;
        const YAML::Node threshold = ruleNode && ruleNode->IsMap() ? (*ruleNode)["threshold"] : YAML::Node();
        if (!threshold || threshold.IsNull()) {
            rule->threshold = pgMinutes;
            return;
        }
        const YAML::Node *postgres = top.get("postgres");
        const bool postgresGiven = postgres && postgres->IsMap() && (*postgres)["stuck_running_after"]
            && !(*postgres)["stuck_running_after"].IsNull();
        if (postgresGiven && std::abs(rule->threshold - pgMinutes) > 1e-6)
            fail(threshold.Mark(), QStringLiteral("alerts.rules.executions_stuck.threshold"),
                QStringLiteral("%1 differs from postgres.stuck_running_after (%2); give one of them")
                    .arg(minutesText(rule->threshold), minutesText(pgMinutes)));
        config.postgres.stuckRunningAfter = Millis(qint64(std::llround(rule->threshold * 60'000)));
    }

    /// A webhook URL is a secret (Slack's carries its token): only a ${ENV_VAR} reference.
    QUrl webhookUrl(const Map &map) const
    {
        const YAML::Node &node = map.require("url");
        const QString path = map.child("url");
        const std::string text = node.IsScalar() ? trimmed(node.Scalar()) : std::string();
        if (!isEnvReference(text))
            fail(node.Mark(), path,
                QStringLiteral("a literal URL is not allowed here (the value is not shown); write an "
                               "environment variable reference like ${SLACK_WEBHOOK_URL} and set that "
                               "variable"));
        const QString variable = QString::fromStdString(text.substr(2, text.size() - 3));
        const QString value = environmentValue(node.Mark(), path, text, false);
        QUrl url(value.trimmed(), QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            fail(node.Mark(), path,
                QStringLiteral("environment variable %1 does not hold an http(s) URL (the value is not "
                               "shown)")
                    .arg(shortName(variable)));
        return url;
    }

    void readWebhooks(const YAML::Node &node, AlertsConfig &alerts) const
    {
        const QString listPath = QStringLiteral("alerts.webhooks");
        if (!node.IsSequence())
            fail(node.Mark(), listPath, QStringLiteral("expected a list of webhooks"));
        static constexpr const char *kWebhook[] = { "name", "kind", "url" };
        std::map<QString, int> lineByName;
        std::size_t index = 0;
        for (auto it = node.begin(); it != node.end(); ++it, ++index) {
            const YAML::Node item = *it;
            const QString path = QStringLiteral("alerts.webhooks[%1]").arg(index);
            if (item.IsNull())
                fail(item.Mark(), path,
                    QStringLiteral("expected a map with keys %1").arg(joinKeys(kWebhook)));
            const Map map(*this, item, path, kWebhook);
            WebhookConfig webhook;
            webhook.name = requiredString(map, "name").trimmed();
            const YAML::Mark nameMark = map.require("name").Mark();
            if (const auto first = lineByName.find(webhook.name); first != lineByName.end())
                fail(nameMark, map.child("name"),
                    QStringLiteral("duplicate webhook name %1 (first used on line %2)")
                        .arg(excerpt(webhook.name.toStdString()))
                        .arg(first->second));
            lineByName.emplace(webhook.name, lineOf(nameMark));
            if (const YAML::Node *kind = map.get("kind")) {
                const std::string text = trimmed(scalar(*kind, map.child("kind")));
                if (text == "slack")
                    webhook.kind = WebhookConfig::Kind::Slack;
                else if (text == "json")
                    webhook.kind = WebhookConfig::Kind::Json;
                else
                    fail(kind->Mark(), map.child("kind"),
                        QStringLiteral("expected one of slack, json, got %1").arg(excerpt(text)));
            }
            webhook.url = webhookUrl(map);
            alerts.webhooks.append(webhook);
        }
    }

    /// The `alerts:` section; rules not named keep the defaults of AlertsConfig::defaultRules.
    void readAlerts(const Map &top, ClusterConfig &config) const
    {
        AlertsConfig &alerts = config.alerts;
        const YAML::Node *node = top.get("alerts");
        if (!node) {
            syncStuckThreshold(config, top, nullptr);
            return;
        }
        static constexpr const char *kAlerts[] = { "rules", "flap", "webhooks", "group_window",
            "retention_days", "max_history_rows" };
        const Map map(*this, *node, QStringLiteral("alerts"), kAlerts);
        if (const YAML::Node *rules = map.get("rules"))
            readAlertRules(*rules, config, top);
        else
            syncStuckThreshold(config, top, nullptr);
        if (const YAML::Node *flap = map.get("flap")) {
            static constexpr const char *kFlap[] = { "changes", "window" };
            const Map flapMap(*this, *flap, QStringLiteral("alerts.flap"), kFlap);
            if (const YAML::Node *changes = flapMap.get("changes")) {
                alerts.flapChanges = int(integer(*changes, flapMap.child("changes"), 0, 1000,
                    QStringLiteral("a number of state changes (0 turns flap detection off)")));
                if (alerts.flapChanges == 1)
                    fail(changes->Mark(), flapMap.child("changes"),
                        QStringLiteral("must be 0 (off) or at least 2, got '1'"));
            }
            alerts.flapWindow = duration(flapMap, "window", alerts.flapWindow);
        }
        if (const YAML::Node *webhooks = map.get("webhooks"))
            readWebhooks(*webhooks, alerts);
        alerts.groupWindow = duration(map, "group_window", alerts.groupWindow, Zero::Allowed);
        if (const YAML::Node *days = map.get("retention_days"))
            alerts.retentionDays = int(integer(*days, map.child("retention_days"), 1, 36'500,
                QStringLiteral("a number of days")));
        if (const YAML::Node *rows = map.get("max_history_rows"))
            alerts.maxHistoryRows = integer(*rows, map.child("max_history_rows"), 1000,
                1'000'000'000, QStringLiteral("a number of rows"));
    }

    QString m_source;
    const EnvLookup &m_env;
};

}  // namespace

EnvLookup systemEnvironment()
{
    return [](const QString &name) -> std::optional<QString> {
        const QByteArray key = name.toLocal8Bit();
        if (!qEnvironmentVariableIsSet(key.constData()))
            return std::nullopt;
        return qEnvironmentVariable(key.constData());
    };
}

Result<ClusterConfig> parseClusterConfig(
    const QByteArray &yaml, const QString &sourceName, const EnvLookup &env)
{
    if (yaml.size() > kMaxFileBytes)
        return Error { sourceName
            + QStringLiteral(":1: the file is larger than 1 MiB; is this a cluster file?") };
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        ClusterConfig config = ConfigReader(sourceName, env).read(root);
        config.sourceFile = sourceName;
        return config;
    } catch (const ConfigFailure &failure) {
        return Error { failure.message };
    } catch (const YAML::Exception &e) {
        // ParserException and friends carry the position; their texts are fixed phrases.
        return Error { sourceName + QLatin1Char(':') + QString::number(lineOf(e.mark))
            + QStringLiteral(": YAML syntax error: ") + QString::fromStdString(e.msg) };
    } catch (const std::exception &e) {
        return Error { sourceName + QStringLiteral(":1: cannot read the file: ")
            + QString::fromUtf8(e.what()) };
    }
}

Result<ClusterConfig> loadClusterConfig(const QString &path, const EnvLookup &env)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error { path + QStringLiteral(": cannot open: ") + file.errorString() };
    const QByteArray yaml = file.read(kMaxFileBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return Error { path + QStringLiteral(": cannot read: ") + file.errorString() };
    Result<ClusterConfig> result = parseClusterConfig(yaml, path, env);
    if (!result)
        return result;
    ClusterConfig config = std::move(result).value();
    config.sourceFile = QFileInfo(path).absoluteFilePath();
    qCInfo(lcConfig) << "loaded" << config.sourceFile << "with" << config.nodes.size() << "nodes";
    return config;
}

}  // namespace cw
