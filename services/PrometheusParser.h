#pragma once

#include "models/Result.h"
#include "models/Snapshots.h"

#include <QByteArrayView>

namespace cw {

/// Parses Prometheus text exposition format (version 0.0.4) as served by n8n's /metrics and
/// extracts the figures Clusterwatch shows. A pure function of bytes.
/// Errors name the line: "line 12: expected a sample value after 'n8n_process_cpu_seconds_total'".
Result<NodeMetrics> parseN8nMetrics(QByteArrayView text);

} // namespace cw
