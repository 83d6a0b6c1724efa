#pragma once

#include "models/ClusterConfig.h"
#include "models/RuntimeTypes.h"

#include <QHash>
#include <QList>

namespace cw {

/// Which container runs which node, and which n8n-looking containers the cluster file lacks.
struct ContainerMapping {
    QHash<QString, ContainerInfo> byNode; ///< node name → its container
    QList<ContainerInfo> discovered; ///< n8n-looking, not in the cluster file
};

/// Maps containers to nodes, in this order of precedence: the node's `container:` name in the
/// cluster file, a `clusterwatch.node=<node>` label, a compose `com.docker.compose.service=<node>`
/// label. A container looks like n8n when its image or name mentions n8n or it carries a
/// clusterwatch.node label, unless its clusterwatch.role label names something else than main,
/// worker or webhook (the sandbox's n8n-redis carries clusterwatch.role=redis).
ContainerMapping mapContainers(
    const QList<NodeConfig> &nodes, const QList<ContainerInfo> &containers);

} // namespace cw
