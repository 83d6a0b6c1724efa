#include "services/config/ConfigChecks.h"
#include "services/config/ConfigError.h"
#include "services/config/ConfigSections.h"
#include "services/config/ConfigValues.h"

#include <optional>

namespace cw::configfile {

// Docker features are on when the section is there or a node names its container.
void readDocker(const YamlMap &top, const EnvLookup &env, ClusterConfig &config)
{
    static constexpr const char *kDocker[] = { "host", "tls_verify", "cert_path" };
    DockerEndpoint &docker = config.docker;
    const YAML::Node *node = top.get("docker");
    std::optional<YamlMap> map;
    if (node)
        map.emplace(*node, QStringLiteral("docker"), kDocker);
    const std::optional<YAML::Mark> container = firstContainerMark(top, config);
    const YAML::Mark why = container.value_or(top.mark());
    docker.configured = top.has("docker") || container.has_value();

    if (map && map->get("tls_verify"))
        docker.tlsVerify = boolean(*map, "tls_verify");
    else
        docker.tlsVerify
            = nonBlankEnvironment(env, "DOCKER_TLS_VERIFY").has_value(); // any value, as the CLI

    if (map && map->get("host")) {
        docker.host = string(*map, "host", docker.host).trimmed();
        const QString problem = checkDockerHost(docker.host, docker.tlsVerify);
        if (!problem.isEmpty())
            fail(map->get("host")->Mark(), map->child("host"), problem);
    } else if (const std::optional<QString> fromEnv = nonBlankEnvironment(env, "DOCKER_HOST")) {
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
    else if (const std::optional<QString> fromEnv = nonBlankEnvironment(env, "DOCKER_CERT_PATH"))
        docker.certPath = fromEnv->trimmed();
    const std::optional<QString> home = nonBlankEnvironment(env, "HOME");
    if (docker.certPath.startsWith(QLatin1String("~/")) && home)
        docker.certPath = *home + docker.certPath.mid(1);
    if (docker.certPath.isEmpty() && docker.tlsVerify && home)
        docker.certPath = *home + QStringLiteral("/.docker");
    // TLS is a property of TCP connections only.
    if (docker.host.startsWith(QLatin1String("unix://")))
        docker.tlsVerify = false;
}

} // namespace cw::configfile
