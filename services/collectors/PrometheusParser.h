#pragma once

#include "models/Result.h"
#include "models/Snapshots.h"

#include <QByteArray>
#include <QByteArrayView>
#include <functional>
#include <optional>
#include <span>

namespace cw {

/// One label of a sample: views into the parsed text, valid only during the visitor call.
struct PrometheusLabel {
    QByteArrayView name;
    QByteArrayView rawValue; ///< between the quotes, escapes not resolved
    bool hasEscapes = false;

    /// The value with \\, \" and \n resolved (allocates only when there are escapes).
    QByteArray value() const;
};

/// One sample line: views into the parsed text, valid only during the visitor call.
struct PrometheusSample {
    qsizetype line = 0; ///< 1-based
    QByteArrayView name;
    std::span<const PrometheusLabel> labels;
    double value = 0.0;
    std::optional<qint64> timestampMs;

    /// The label called @p labelName, or nullptr.
    const PrometheusLabel *label(QByteArrayView labelName) const;
};

struct PrometheusTextStats {
    qsizetype lines = 0;
    qsizetype samples = 0;
};

using PrometheusSampleVisitor = std::function<void(const PrometheusSample &)>;

/// Streaming parser for Prometheus text exposition format 0.0.4. Calls @p visitor for each
/// sample in order, without allocating per sample. Comments, # HELP and # TYPE lines are
/// checked but not reported. CRLF line ends and a missing final newline are accepted.
/// Stops at the first malformed line: "line 3: unterminated label value ...".
Result<PrometheusTextStats> parsePrometheusText(
    QByteArrayView text, const PrometheusSampleVisitor &visitor);

/// Parses Prometheus text exposition format (version 0.0.4) as served by n8n's /metrics and
/// extracts the figures Clusterwatch shows. A pure function of bytes.
/// Errors name the line: "line 12: expected a sample value after 'n8n_process_cpu_seconds_total'".
/// Text without any n8n_ sample (an empty body, an HTML page served with 200) is an error too.
Result<NodeMetrics> parseN8nMetrics(QByteArrayView text);

} // namespace cw
