#include "services/alerts/AlertStateMachine.h"

#include "models/Formatter.h"

#include <cstdlib>
#include <utility>

namespace cw {

AlertStateMachine::AlertStateMachine(Settings settings)
    : m_settings(std::move(settings))
{
}

void AlertStateMachine::setSettings(const Settings &settings)
{
    m_settings = settings;
}

void AlertStateMachine::setCause(const QString &cause)
{
    if (m_cause.isEmpty())
        m_cause = cause;
}

std::optional<AlertState> AlertStateMachine::state() const
{
    switch (m_phase) {
    case Phase::Inactive:
        return std::nullopt;
    case Phase::Pending:
        return AlertState::Pending;
    case Phase::Firing:
    case Phase::Recovering:
        return AlertState::Firing;
    case Phase::Flapping:
        return AlertState::Flapping;
    }
    return std::nullopt;
}

std::optional<AlertTransition> AlertStateMachine::snapshot() const
{
    const std::optional<AlertState> current = state();
    if (!current)
        return std::nullopt;
    AlertTransition t = make(m_since.wallMs, *current, m_problemSummary, m_problemDetail);
    t.resolvesAtMs = resolvesAtMs();
    return t;
}

void AlertStateMachine::placeResolution(const Instant &now)
{
    // The hold runs on the monotonic clock; the time people read is on the wall clock as it
    // reads now, so a step during the hold moves it along. Drift below a second is no news.
    const qint64 at = now.wallMs + (m_clearSinceMono + m_settings.recoveryHoldMs - now.monoMs);
    if (std::abs(at - m_resolvesAtMs) >= 1000)
        m_resolvesAtMs = at;
}

AlertTransition AlertStateMachine::make(
    qint64 wallMs, AlertState state, const QString &summary, const QString &detail) const
{
    AlertTransition t;
    t.timeMs = wallMs;
    t.rule = m_settings.rule;
    t.subject = m_settings.subject;
    t.severity = m_settings.severity;
    t.state = state;
    t.summary = summary;
    t.detail = detail;
    t.causedBy = m_cause;
    return t;
}

AlertTransition AlertStateMachine::change(
    const Instant &now, bool condition, const QString &summary, const QString &detail)
{
    while (!m_changes.isEmpty() && m_changes.constFirst() <= now.monoMs - m_settings.flapWindowMs)
        m_changes.removeFirst();
    m_since = now;
    if (m_settings.flapChanges > 1 && m_changes.size() + 1 >= m_settings.flapChanges) {
        m_changes.clear();
        m_phase = Phase::Flapping;
        m_lastCondition = condition;
        m_stableSinceMono = now.monoMs;
        const QString why
            = QStringLiteral("%1 state changes within %2; no further notification until the "
                             "condition has been stable for %2")
                  .arg(m_settings.flapChanges)
                  .arg(fmt::duration(double(m_settings.flapWindowMs)));
        return make(now.wallMs, AlertState::Flapping,
            m_problemSummary.isEmpty() ? summary : m_problemSummary,
            why + (detail.isEmpty() ? QString() : QLatin1Char('\n') + detail));
    }
    m_changes.append(now.monoMs);
    m_phase = condition ? Phase::Firing : Phase::Inactive;
    return make(now.wallMs, condition ? AlertState::Firing : AlertState::Resolved, summary, detail);
}

void AlertStateMachine::restore(const AlertTransition &last)
{
    if (last.state != AlertState::Firing && last.state != AlertState::Flapping)
        return;
    m_phase = last.state == AlertState::Firing ? Phase::Firing : Phase::Flapping;
    // The stored wall time is shown; the monotonic clock of another run means nothing here.
    m_since = Instant { last.timeMs, 0 };
    m_lastCondition = true;
    m_stableSinceMono.reset();
    m_cause = last.causedBy;
    m_problemSummary = last.summary;
    m_problemDetail = last.detail;
}

std::optional<AlertTransition> AlertStateMachine::update(
    const Instant &now, bool condition, const QString &summary, const QString &detail)
{
    if (condition) {
        m_problemSummary = summary;
        m_problemDetail = detail;
    }
    std::optional<AlertTransition> out;
    switch (m_phase) {
    case Phase::Inactive:
        if (!condition)
            break;
        if (m_settings.forMs <= 0) {
            out = change(now, true, summary, detail);
        } else {
            m_phase = Phase::Pending;
            m_since = now;
        }
        break;
    case Phase::Pending:
        if (!condition) {
            m_phase = Phase::Inactive;
            m_since = now;
        } else if (now.monoMs - m_since.monoMs >= m_settings.forMs) {
            out = change(now, true, summary, detail);
        }
        break;
    case Phase::Firing:
        if (condition)
            break;
        if (m_settings.recoveryHoldMs <= 0) {
            out = change(now, false, summary, detail);
        } else {
            m_phase = Phase::Recovering;
            m_clearSinceMono = now.monoMs;
            m_resolvesAtMs = now.wallMs + m_settings.recoveryHoldMs;
        }
        break;
    case Phase::Recovering:
        if (condition)
            m_phase = Phase::Firing;
        else if (now.monoMs - m_clearSinceMono >= m_settings.recoveryHoldMs)
            out = change(now, false, summary, detail);
        else
            placeResolution(now);
        break;
    case Phase::Flapping:
        if (!m_stableSinceMono)
            m_stableSinceMono = now.monoMs; // restored: watched from now on
        if (condition != m_lastCondition) {
            m_lastCondition = condition;
            m_stableSinceMono = now.monoMs;
        } else if (now.monoMs - *m_stableSinceMono >= m_settings.flapWindowMs) {
            // Stable for a whole window: one plain transition, and flap counting starts afresh.
            m_changes = { now.monoMs };
            m_phase = condition ? Phase::Firing : Phase::Inactive;
            m_since = now;
            out = make(
                now.wallMs, condition ? AlertState::Firing : AlertState::Resolved, summary, detail);
        }
        break;
    }
    if (m_phase == Phase::Inactive) {
        m_cause.clear();
        m_problemSummary.clear();
        m_problemDetail.clear();
    }
    return out;
}

} // namespace cw
