#include "services/config/ConfigError.h"
#include "services/config/ConfigSections.h"
#include "services/config/ConfigValues.h"

namespace cw::configfile {

void readNodes(const YamlMap &top, ClusterConfig &config)
{
    const YAML::Node &nodes = top.require("nodes");
    if (!nodes.IsSequence())
        fail(nodes.Mark(), QStringLiteral("nodes"), QStringLiteral("expected a list of nodes"));
    if (nodes.size() == 0)
        fail(
            nodes.Mark(), QStringLiteral("nodes"), QStringLiteral("at least one node is required"));
    static constexpr const char *kNode[] = { "name", "role", "url", "container" };
    readNamedMaps(nodes, QStringLiteral("nodes"), kNode, QStringLiteral("node"),
        [&](const YamlMap &map, const QString &name) {
            NodeConfig node;
            node.name = name;
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
        });
}

} // namespace cw::configfile
