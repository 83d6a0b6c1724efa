#pragma once

#include "models/Alert.h"
#include "models/Clock.h"

#include <QList>
#include <QString>
#include <optional>

namespace cw {

/// The life of one alert, identified by (rule, subject), driven by one boolean condition per
/// evaluation. Pure: time comes only from the caller (an Instant), so tests replay timelines.
/// `for`, the recovery hold and the flap window run on the monotonic clock; the wall clock only
/// stamps transitions and says when a clearing alert resolves.
///
///   inactive ─true─▶ pending ─held ≥ for─▶ FIRING ─false─▶ recovering ─false ≥ hold─▶ RESOLVED
///                       │                     ▲               │
///                       └─false─▶ inactive    └─────true──────┘ (no transition)
///
/// Only the capitalised states are transitions (returned from update()). A pending condition
/// that clears before `for` goes back to inactive silently: the history records alerts, not
/// every blip (the UI still sees pending ones through state()). While recovering the alert is
/// still reported as firing, and snapshot() says that it is clearing and when it resolves.
///
/// Flap detection: when a Firing or Resolved transition would be the flapChanges-th within
/// flapWindow, one Flapping transition is returned instead, and the alert stays flapping
/// (silently) until the condition has not changed for a whole flapWindow; then it fires or
/// resolves once, as the condition is at that moment.
class AlertStateMachine final {
public:
    enum class Phase { Inactive, Pending, Firing, Recovering, Flapping };

    struct Settings {
        QString rule;
        QString subject;
        Severity severity = Severity::Warning;
        qint64 forMs = 0; ///< condition must hold this long before firing
        qint64 recoveryHoldMs = 0; ///< keeps firing this long after the condition clears
        int flapChanges = 6; ///< 0 or 1: no flap detection
        qint64 flapWindowMs = 600'000;
    };

    explicit AlertStateMachine(Settings settings);

    /// New timing or severity; the current state is kept (a config reload does not re-page).
    void setSettings(const Settings &settings);
    [[nodiscard]] const Settings &settings() const { return m_settings; }

    /// Root cause ("redis_down/redis") for this episode. Sticky: once set it stays until the
    /// alert is inactive again, so the resolution is grouped with the firing it ends.
    void setCause(const QString &cause);
    [[nodiscard]] const QString &cause() const { return m_cause; }

    /// Feeds one evaluation. @p summary / @p detail describe the current evidence (for a clear
    /// condition: what it is now, e.g. "n8n-worker-1 answers again"). Returns the transition
    /// this evaluation caused, if any.
    std::optional<AlertTransition> update(const Instant &now, bool condition,
        const QString &summary, const QString &detail = QString());

    /// Continues an alert that was firing (or flapping) when the application stopped, from its
    /// last stored transition: no new page for it; it resolves when its condition clears. A
    /// flapping one counts its stable time from the first update() after the restore (the time
    /// the application was not running was not watched).
    void restore(const AlertTransition &last);

    [[nodiscard]] Phase phase() const { return m_phase; }
    [[nodiscard]] bool isActive() const { return m_phase != Phase::Inactive; }
    /// Pending, Firing (also while recovering) or Flapping; nullopt when inactive.
    [[nodiscard]] std::optional<AlertState> state() const;
    /// Start of the current state on the wall clock (for a recovering alert: when it started
    /// firing).
    [[nodiscard]] qint64 sinceMs() const { return m_since.wallMs; }
    /// Recovering: the wall-clock time at which the alert resolves unless the condition
    /// returns; 0 otherwise. Follows the wall clock when that is stepped during the hold.
    [[nodiscard]] qint64 resolvesAtMs() const
    {
        return m_phase == Phase::Recovering ? m_resolvesAtMs : 0;
    }
    /// The current state as a transition-shaped record for views (id 0, timeMs = sinceMs,
    /// summary = the latest evidence of the problem, resolvesAtMs while clearing); nullopt when
    /// inactive.
    [[nodiscard]] std::optional<AlertTransition> snapshot() const;

private:
    [[nodiscard]] AlertTransition make(
        qint64 wallMs, AlertState state, const QString &summary, const QString &detail) const;
    /// Fires or resolves, unless that makes the alert flapping.
    AlertTransition change(
        const Instant &now, bool condition, const QString &summary, const QString &detail);
    /// Recovering: when the hold ends, on the wall clock of @p now.
    void placeResolution(const Instant &now);

    Settings m_settings;
    Phase m_phase = Phase::Inactive;
    Instant m_since; ///< start of the current state
    qint64 m_clearSinceMono = 0; ///< recovering: first evaluation with the condition clear
    qint64 m_resolvesAtMs = 0; ///< recovering: wall clock at the end of the hold
    bool m_lastCondition = false; ///< flapping: the condition at the last change
    std::optional<qint64> m_stableSinceMono; ///< flapping: when the condition last changed; none:
                                             ///< since the next update
    QList<qint64> m_changes; ///< monotonic times of recent Firing / Resolved transitions
    QString m_cause;
    QString m_problemSummary; ///< latest summary while the condition held
    QString m_problemDetail;
};

} // namespace cw
