#pragma once

#include "models/ClusterConfig.h"

namespace cw {

class TimeSeriesStore;

/// Fills @p store with @p hours of generated samples for @p config's nodes, Redis, PostgreSQL
/// and queue, ending at @p nowMs, at the poll rate: plausible shapes (daily waves, noise,
/// bursts, one three-minute outage per node), so the long chart ranges can be looked at and
/// measured without waiting a day. Real samples then continue from now.
void fillSyntheticSeries(
    TimeSeriesStore *store, const ClusterConfig &config, int hours, qint64 nowMs);

} // namespace cw
