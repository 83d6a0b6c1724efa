#pragma once

// The transitions cw_alertburst writes, shared with the test that checks them after a SIGKILL:
// transition number n is fully determined by n and the base time.

#include "models/Alert.h"

#include <QString>

namespace cwtest {

/// Every kBurstBatchEvery-th step appends a batch of kBurstBatchSize transitions in one
/// transaction; the others append one. Batches must be present entirely or not at all.
constexpr int kBurstBatchEvery = 10;
constexpr int kBurstBatchSize = 5;

/// @p batch: number of the batch's first transition, or -1 for a single append.
inline cw::AlertTransition burstTransition(qint64 n, qint64 baseMs, qint64 batch = -1)
{
    static const cw::Severity severities[]
        = { cw::Severity::Info, cw::Severity::Warning, cw::Severity::Critical };
    static const cw::AlertState states[] = { cw::AlertState::Pending, cw::AlertState::Firing,
        cw::AlertState::Resolved, cw::AlertState::Flapping };
    cw::AlertTransition t;
    t.timeMs = baseMs + n;
    t.rule = QStringLiteral("burst_rule_%1").arg(n % 7);
    t.subject = QStringLiteral("n8n-worker-%1").arg(n % 13);
    t.severity = severities[n % 3];
    t.state = states[n % 4];
    t.summary = QStringLiteral("burst %1: CPU 93 % on \"n8n-worker\", over 80 %").arg(n);
    t.detail = QStringLiteral("line one of %1\nline two – ünïcode").arg(n);
    t.causedBy = batch >= 0 ? QStringLiteral("batch/%1").arg(batch) : QString();
    t.notify = cw::NotifyStatus::Queued;
    return t;
}

} // namespace cwtest
