#pragma once

#include <QString>
#include <optional>

namespace cw::fmt {

/// "512 B", "1.5 KiB", "630.4 MiB", "2.10 GiB"
QString bytes(double bytes);
/// "3 ms", "850 ms", "1.25 s", "2 min 5 s", "3 h 12 min", "4 d 2 h"
QString duration(double milliseconds);
/// "just now", "12 s ago", "3 min ago", "2 h ago", "never"
QString ago(qint64 nowMs, qint64 thenMs);
/// ago() of something @p elapsedMs old (measured on the monotonic clock): "12 s ago".
QString elapsedAgo(qint64 elapsedMs);
/// "37.5 %", "—" when absent
QString percent(std::optional<double> value);
/// "1,234" with the C locale thousands separator
QString count(qint64 value);
/// The placeholder shown for an unknown value.
QString none();

} // namespace cw::fmt
