// libFuzzer harness for the drill-file parser (clang only; see CMakeLists.txt).
// Traps when an error names no line, or when an accepted drill does not survive
// writeDrillFile -> parseDrillSpec unchanged.

#include "services/drills/DrillFile.h"

#include <cstddef>
#include <cstdint>

namespace {

/// Like resources/examples/sandbox.yaml: every section, one node without a container.
cw::ClusterConfig sandboxCluster()
{
    cw::ClusterConfig cluster;
    cluster.sourceFile = QStringLiteral("sandbox.yaml");
    cluster.loadBalancerUrl = QUrl(QStringLiteral("http://127.0.0.1:25080"));
    const auto node = [](const char *name, cw::NodeRole role, bool container) {
        return cw::NodeConfig { QLatin1String(name), role,
            QUrl(QStringLiteral("http://127.0.0.1:25678")),
            container ? QLatin1String(name) : QString() };
    };
    cluster.nodes = { node("n8n-main", cw::NodeRole::Main, true),
        node("n8n-worker-1", cw::NodeRole::Worker, true),
        node("n8n-worker-2", cw::NodeRole::Worker, false),
        node("n8n-webhook-1", cw::NodeRole::Webhook, true) };
    cluster.redis.configured = true;
    cluster.postgres.configured = true;
    return cluster;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const cw::ClusterConfig cluster = sandboxCluster();
    const QByteArray yaml(reinterpret_cast<const char *>(data), qsizetype(size));
    const cw::Result<cw::DrillSpec> drill
        = cw::parseDrillSpec(yaml, QStringLiteral("drill.yaml"), cluster);
    if (drill.ok()) {
        const cw::Result<cw::DrillSpec> again = cw::parseDrillSpec(
            cw::writeDrillFile(drill.value()), QStringLiteral("drill.yaml"), cluster);
        if (!again.ok() || !(again.value() == drill.value()))
            __builtin_trap();
        return 0;
    }
    const QString &error = drill.error();
    if (!error.startsWith(QLatin1String("drill.yaml:")))
        __builtin_trap();
    const qsizetype colon = error.indexOf(QLatin1Char(':'), 11);
    bool numeric = false;
    if (colon < 0 || error.mid(11, colon - 11).toInt(&numeric) < 1 || !numeric)
        __builtin_trap();
    return 0;
}
