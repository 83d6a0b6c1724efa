#pragma once

#include "models/Alert.h"
#include "models/ClusterConfig.h"
#include "models/RuntimeTypes.h"
#include "models/Snapshots.h"
#include "services/alerts/AlertRules.h"
#include "services/alerts/AlertStateMachine.h"

#include <QList>
#include <QObject>
#include <QString>
#include <map>
#include <optional>

namespace cw {

/// Turns the cluster state into alerts: the rules (AlertRules) judge the one ClusterState,
/// one AlertStateMachine per (rule, subject) adds `for`, recovery hold and flap detection, and
/// the root cause is attached (a worker's readiness failing while redis_down is pending or
/// firing gets causedBy "redis_down/redis"; likewise postgres_down).
///
/// Lives on the session's thread; evaluate() does the work, from the session's 1 s tick (tests
/// pass their own clock). Every duration is judged on the monotonic clock, so a stepped wall
/// clock fires nothing early or late. An alert whose rule is disabled or
/// whose subject left the cluster file resolves like any other, then is forgotten.
class AlertEngine final : public QObject {
    Q_OBJECT
public:
    /// Judges @p state (which outlives the engine) through AlertRules.
    explicit AlertEngine(const ClusterState *state, QObject *parent = nullptr);
    ~AlertEngine() override;
    AlertEngine(const AlertEngine &) = delete;
    AlertEngine &operator=(const AlertEngine &) = delete;

    /// Pending, firing and flapping alerts as transition-shaped records (timeMs = since when,
    /// summary = the latest evidence, resolvesAtMs while clearing), critical first, then oldest
    /// first.
    [[nodiscard]] QList<AlertTransition> activeAlerts() const;
    /// The state of one alert; nullopt when it is not active.
    [[nodiscard]] std::optional<AlertTransition> activeAlert(
        const QString &rule, const QString &subject) const;
    [[nodiscard]] const AlertRules &rules() const { return m_rules; }

public Q_SLOTS:
    /// A new cluster file: rules and timings from config.alerts; data of the old one is dropped,
    /// alerts that still apply keep their state.
    void setConfig(const cw::ClusterConfig &config);
    /// Judges the data as of @p now (from the ClusterState's clock; transitions are stamped with
    /// its wall time) and emits the transitions.
    void evaluate(const cw::Instant &now);
    /// The newest stored transition of each alert (from the history, at start): those that
    /// were firing or flapping continue as such, so a restart neither pages them again nor
    /// leaves them firing in the history for ever.
    void restore(const QList<cw::AlertTransition> &latestPerAlert);

Q_SIGNALS:
    /// One state change of one alert, in the order they happened; causes come before the
    /// alerts they explain.
    void transition(const cw::AlertTransition &transition);
    /// Something in activeAlerts() changed (also a pending alert starting or clearing, which
    /// is no transition).
    void activeAlertsChanged();

private:
    [[nodiscard]] AlertStateMachine::Settings settingsFor(
        const QString &rule, const QString &subject) const;
    [[nodiscard]] QString activeCause(const QStringList &candidates) const;

    ClusterConfig m_config;
    AlertRules m_rules;
    std::map<QString, AlertStateMachine> m_alerts; ///< by "rule/subject"
};

/// Registers cw::AlertTransition for queued connections (idempotent).
void registerAlertMetaTypes();

} // namespace cw
