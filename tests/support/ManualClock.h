#pragma once

#include "models/Clock.h"

namespace cwtest {

/// A clock that moves only when told: time passing (both clocks), a step of the wall clock alone
/// (NTP, a manual change), or a suspend (the wall clock moves, the monotonic one does not).
class ManualClock final : public cw::Clock {
public:
    explicit ManualClock(qint64 wallMs = 0, qint64 monoMs = 0)
        : m_now { wallMs, monoMs }
    {
    }

    cw::Instant now() const override { return m_now; }
    [[nodiscard]] qint64 wallMs() const { return m_now.wallMs; }
    [[nodiscard]] qint64 monoMs() const { return m_now.monoMs; }

    /// @p ms of real time pass.
    void advance(qint64 ms)
    {
        m_now.wallMs += ms;
        m_now.monoMs += ms;
    }
    /// Time passes until the monotonic clock reads @p monoMs (never backwards).
    void advanceTo(qint64 monoMs)
    {
        if (monoMs > m_now.monoMs)
            advance(monoMs - m_now.monoMs);
    }
    /// The wall clock alone is set forward (> 0) or back (< 0).
    void stepWall(qint64 ms) { m_now.wallMs += ms; }

private:
    cw::Instant m_now;
};

} // namespace cwtest
