#pragma once

#include <QtGlobal>

namespace cw {

/// One moment read from both clocks. Every duration (an alert's `for`, recovery hold and flap
/// window, the stall clock, staleness, rates) is a difference of monoMs; wallMs is what a person
/// reads and what is stored. The wall clock can be stepped (NTP, a manual change) and moves on
/// while the machine sleeps; the monotonic clock never jumps and stands still during a suspend,
/// so nothing is judged on time that was not watched.
struct Instant {
    qint64 wallMs = 0; ///< ms since the epoch
    qint64 monoMs = 0; ///< steady clock in ms; only differences mean anything

    /// How far the wall clock moved between @p earlier and this moment beyond the time that
    /// elapsed: > 0 stepped forward (or slept), < 0 stepped back, 0 when nothing happened.
    [[nodiscard]] qint64 wallStepSince(const Instant &earlier) const
    {
        return (wallMs - earlier.wallMs) - (monoMs - earlier.monoMs);
    }
};

/// Where time comes from: the system's clocks in the application, a clock driven by hand in
/// tests. Implementations are cheap to read and never block.
class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual Instant now() const = 0;

    /// The system's wall and steady clocks (stateless; what is used when no clock is given).
    static const Clock &system();
};

} // namespace cw
