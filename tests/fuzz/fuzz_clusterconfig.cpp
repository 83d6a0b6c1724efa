// libFuzzer harness for the cluster-file parser (clang only; see CMakeLists.txt).
// Traps when an error names no line or shows the password from the environment.

#include "services/config/ConfigLoader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    static const QString secret = QStringLiteral("Fuzz-S3cret-Never-Shown");
    static const cw::EnvLookup env = [](const QString &name) -> std::optional<QString> {
        if (name.contains(QLatin1String("PASSWORD")))
            return secret;
        return std::nullopt;
    };
    const QByteArray yaml(reinterpret_cast<const char *>(data), qsizetype(size));
    const cw::Result<cw::ClusterConfig> config
        = cw::parseClusterConfig(yaml, QStringLiteral("cluster.yaml"), env);
    if (config.ok()) {
        if (config.value().nodes.isEmpty())
            __builtin_trap();
        return 0;
    }
    const QString &error = config.error();
    if (!error.startsWith(QLatin1String("cluster.yaml:")) || error.contains(secret))
        __builtin_trap();
    const qsizetype colon = error.indexOf(QLatin1Char(':'), 13);
    bool numeric = false;
    if (colon < 0 || error.mid(13, colon - 13).toInt(&numeric) < 1 || !numeric)
        __builtin_trap();
    return 0;
}
