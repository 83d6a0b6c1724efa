#include "models/ContainerMapping.h"

#include <QSet>
#include <QStringList>

namespace cw {

namespace {

const QString kNodeLabel = QStringLiteral("clusterwatch.node");
const QString kRoleLabel = QStringLiteral("clusterwatch.role");
const QString kComposeServiceLabel = QStringLiteral("com.docker.compose.service");

bool looksLikeN8n(const ContainerInfo &c)
{
    // A role label names what runs there: Redis in a container called n8n-redis is no n8n.
    const auto role = c.labels.constFind(kRoleLabel);
    if (role != c.labels.cend()) {
        static const QStringList n8nRoles
            = { QStringLiteral("main"), QStringLiteral("worker"), QStringLiteral("webhook") };
        if (!n8nRoles.contains(*role))
            return false;
    }
    return c.labels.contains(kNodeLabel)
        || c.image.contains(QLatin1String("n8n"), Qt::CaseInsensitive)
        || c.name.contains(QLatin1String("n8n"), Qt::CaseInsensitive);
}

} // namespace

ContainerMapping mapContainers(
    const QList<NodeConfig> &nodes, const QList<ContainerInfo> &containers)
{
    ContainerMapping mapping;
    QSet<QString> used;
    const auto claim = [&](const NodeConfig &node, const auto &matches) {
        if (mapping.byNode.contains(node.name))
            return;
        for (const ContainerInfo &c : containers) {
            if (!used.contains(c.id) && matches(c)) {
                mapping.byNode.insert(node.name, c);
                used.insert(c.id);
                return;
            }
        }
    };
    // One precedence level at a time over all nodes, so an explicit name always wins over a
    // label on another container.
    for (const NodeConfig &node : nodes) {
        if (!node.container.isEmpty())
            claim(node, [&](const ContainerInfo &c) { return c.name == node.container; });
    }
    for (const NodeConfig &node : nodes)
        claim(
            node, [&](const ContainerInfo &c) { return c.labels.value(kNodeLabel) == node.name; });
    for (const NodeConfig &node : nodes)
        claim(node, [&](const ContainerInfo &c) {
            return c.labels.value(kComposeServiceLabel) == node.name;
        });

    for (const ContainerInfo &c : containers) {
        if (!used.contains(c.id) && looksLikeN8n(c))
            mapping.discovered.append(c);
    }
    return mapping;
}

} // namespace cw
