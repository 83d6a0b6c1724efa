#pragma once

// Drill records for the journal, the report and the parser robustness tests: one with every
// field set, and a realistic webhook freeze.

#include "models/DrillRecord.h"

namespace cwtest {

/// Every field of a DrillRecord set, a step in every phase, every optional present (short
/// sample lists, awkward strings). Figures as stored, not recomputed.
cw::DrillRecord richDrillRecord();

/// n8n-webhook-1 frozen (docker pause) 28.5 s under load, verdict deviated: the prober at 10/s
/// for @p seconds (600 requests for 60 s), of which the 150 sent between 10 s and 25 s hang
/// about 20 s and three get a 502; the target down from 10 s to 40 s at 10 Hz; cluster samples
/// at 1 Hz; the events and steps of the run; computeFigures() applied (RTO 30 s).
/// @p seconds = 300 is the five-minute drill (6300 samples).
cw::DrillRecord webhookFreezeRecord(int seconds = 60);

} // namespace cwtest
