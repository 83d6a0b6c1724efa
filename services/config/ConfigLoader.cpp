// The cluster file, read in pieces: ConfigError (located errors), YamlMap (checked keys),
// ConfigValues (durations, sizes, URLs, hosts, ${ENV}), ConfigSections (one reader per
// section) and ConfigChecks (rules across sections). This file holds the entry points and the
// order the sections are read in, which is also the order problems are reported in.

#include "services/config/ConfigLoader.h"

#include "services/base/Logging.h"
#include "services/config/ConfigError.h"
#include "services/config/ConfigSections.h"
#include "services/config/ConfigValues.h"

#include <QFile>
#include <QFileInfo>
#include <exception>
#include <yaml-cpp/yaml.h>

namespace cw {

namespace {

constexpr qsizetype kMaxFileBytes = qsizetype(1024) * 1024;

ClusterConfig readClusterFile(const YAML::Node &root, const EnvLookup &env)
{
    using namespace configfile;
    if (!root.IsDefined() || root.IsNull())
        fail(YAML::Mark(), QString(), QStringLiteral("the file is empty; expected name and nodes"));
    static constexpr const char *kTop[] = { "name", "poll_interval", "timeouts", "max_body",
        "load_balancer", "health", "nodes", "redis", "postgres", "docker", "actions", "alerts" };
    const YamlMap top(root, QString(), kTop);
    ClusterConfig config;
    config.name = requiredString(top, "name").trimmed();
    config.pollInterval = duration(top, "poll_interval", config.pollInterval);
    if (const YAML::Node *node = top.get("timeouts"))
        readTimeouts(*node, config.timeouts);
    if (const YAML::Node *node = top.get("health"))
        readHealth(*node, config.health);
    config.maxBodyBytes = byteSize(top, "max_body", config.maxBodyBytes);
    if (const YAML::Node *node = top.get("load_balancer"))
        config.loadBalancerUrl = httpUrl(*node, QStringLiteral("load_balancer"));
    readNodes(top, config);
    if (top.has("redis"))
        readRedis(top, env, config.redis);
    if (top.has("postgres"))
        readPostgres(top, env, config.postgres);
    readDocker(top, env, config);
    if (const YAML::Node *node = top.get("actions"))
        readActions(*node, config.actions);
    readAlerts(top, env, config);
    return config;
}

} // namespace

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
        ClusterConfig config = readClusterFile(root, env);
        config.sourceFile = sourceName;
        return config;
    } catch (const configfile::ConfigFailure &failure) {
        return Error { configfile::locatedMessage(sourceName, failure) };
    } catch (const YAML::Exception &e) {
        // ParserException and friends carry the position; their texts are fixed phrases.
        return Error { sourceName + QLatin1Char(':') + QString::number(configfile::lineOf(e.mark))
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

} // namespace cw
