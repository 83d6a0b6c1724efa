// libFuzzer harness for the Prometheus text parser (clang only; see CMakeLists.txt).
// Besides sanitizer findings it traps when an error stops naming where the problem is.

#include "services/collectors/PrometheusParser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView text(reinterpret_cast<const char *>(data), qsizetype(size));

    const cw::Result<cw::NodeMetrics> metrics = cw::parseN8nMetrics(text);
    if (!metrics.ok()) {
        const QString &error = metrics.error();
        if (!error.startsWith(QLatin1String("line "))
            && !error.startsWith(QLatin1String("no n8n_ metrics found")))
            __builtin_trap();
        if (error.size() > 400)
            __builtin_trap();
    }

    qsizetype samples = 0;
    const auto stream = cw::parsePrometheusText(text, [&](const cw::PrometheusSample &s) {
        ++samples;
        if (s.name.isEmpty() || s.line < 1)
            __builtin_trap();
        for (const cw::PrometheusLabel &label : s.labels)
            (void)label.value();
    });
    if (stream.ok() && stream.value().samples != samples)
        __builtin_trap();
    if (stream.ok() != (metrics.ok() || !metrics.error().startsWith(QLatin1String("line "))))
        __builtin_trap();
    return 0;
}
