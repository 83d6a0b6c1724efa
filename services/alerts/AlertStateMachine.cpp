#include "services/alerts/AlertStateMachine.h"

#include "models/Formatter.h"

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
    case Phase::Inactive: return std::nullopt;
    case Phase::Pending: return AlertState::Pending;
    case Phase::Firing:
    case Phase::Recovering: return AlertState::Firing;
    case Phase::Flapping: return AlertState::Flapping;
    }
    return std::nullopt;
}

std::optional<AlertTransition> AlertStateMachine::snapshot() const
{
    const std::optional<AlertState> current = state();
    if (!current)
        return std::nullopt;
    AlertTransition t = make(m_sinceMs, *current, m_problemSummary, m_problemDetail);
    if (m_phase == Phase::Recovering)
        t.detail = QStringLiteral("recovering: clear again, resolves after a hold of %1 unless it returns")
                       .arg(fmt::duration(double(m_settings.recoveryHoldMs)))
            + (t.detail.isEmpty() ? QString() : QLatin1Char('\n') + t.detail);
    return t;
}

AlertTransition AlertStateMachine::make(qint64 nowMs, AlertState state, const QString &summary,
                                        const QString &detail) const
{
    AlertTransition t;
    t.timeMs = nowMs;
    t.rule = m_settings.rule;
    t.subject = m_settings.subject;
    t.severity = m_settings.severity;
    t.state = state;
    t.summary = summary;
    t.detail = detail;
    t.causedBy = m_cause;
    return t;
}

AlertTransition AlertStateMachine::change(qint64 nowMs, bool condition, const QString &summary,
                                          const QString &detail)
{
    while (!m_changes.isEmpty() && m_changes.constFirst() <= nowMs - m_settings.flapWindowMs)
        m_changes.removeFirst();
    m_sinceMs = nowMs;
    if (m_settings.flapChanges > 1 && m_changes.size() + 1 >= m_settings.flapChanges) {
        m_changes.clear();
        m_phase = Phase::Flapping;
        m_lastCondition = condition;
        m_stableSinceMs = nowMs;
        const QString why = QStringLiteral("%1 state changes within %2; no further notification until the "
                                           "condition has been stable for %2")
                                .arg(m_settings.flapChanges)
                                .arg(fmt::duration(double(m_settings.flapWindowMs)));
        return make(nowMs, AlertState::Flapping, m_problemSummary.isEmpty() ? summary : m_problemSummary,
                    why + (detail.isEmpty() ? QString() : QLatin1Char('\n') + detail));
    }
    m_changes.append(nowMs);
    m_phase = condition ? Phase::Firing : Phase::Inactive;
    return make(nowMs, condition ? AlertState::Firing : AlertState::Resolved, summary, detail);
}

void AlertStateMachine::restore(const AlertTransition &last)
{
    if (last.state != AlertState::Firing && last.state != AlertState::Flapping)
        return;
    m_phase = last.state == AlertState::Firing ? Phase::Firing : Phase::Flapping;
    m_sinceMs = last.timeMs;
    m_lastCondition = true;
    m_stableSinceMs = last.timeMs;
    m_cause = last.causedBy;
    m_problemSummary = last.summary;
    m_problemDetail = last.detail;
}

std::optional<AlertTransition> AlertStateMachine::update(qint64 nowMs, bool condition, const QString &summary,
                                                         const QString &detail)
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
            out = change(nowMs, true, summary, detail);
        } else {
            m_phase = Phase::Pending;
            m_sinceMs = nowMs;
        }
        break;
    case Phase::Pending:
        if (!condition) {
            m_phase = Phase::Inactive;
            m_sinceMs = nowMs;
        } else if (nowMs - m_sinceMs >= m_settings.forMs) {
            out = change(nowMs, true, summary, detail);
        }
        break;
    case Phase::Firing:
        if (condition)
            break;
        if (m_settings.recoveryHoldMs <= 0) {
            out = change(nowMs, false, summary, detail);
        } else {
            m_phase = Phase::Recovering;
            m_clearSinceMs = nowMs;
        }
        break;
    case Phase::Recovering:
        if (condition)
            m_phase = Phase::Firing;
        else if (nowMs - m_clearSinceMs >= m_settings.recoveryHoldMs)
            out = change(nowMs, false, summary, detail);
        break;
    case Phase::Flapping:
        if (condition != m_lastCondition) {
            m_lastCondition = condition;
            m_stableSinceMs = nowMs;
        } else if (nowMs - m_stableSinceMs >= m_settings.flapWindowMs) {
            // Stable for a whole window: one plain transition, and flap counting starts afresh.
            m_changes = {nowMs};
            m_phase = condition ? Phase::Firing : Phase::Inactive;
            m_sinceMs = nowMs;
            out = make(nowMs, condition ? AlertState::Firing : AlertState::Resolved, summary, detail);
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
