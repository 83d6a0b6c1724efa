#include "services/alerts/AlertEngine.h"

#include "services/base/Logging.h"

#include <QLoggingCategory>
#include <QSet>
#include <algorithm>

namespace cw {

void registerAlertMetaTypes()
{
    qRegisterMetaType<AlertTransition>();
}

AlertEngine::AlertEngine(const ClusterState *state, QObject *parent)
    : QObject(parent)
    , m_rules(state)
{
    registerAlertMetaTypes();
}

AlertEngine::~AlertEngine() = default;

AlertStateMachine::Settings AlertEngine::settingsFor(
    const QString &rule, const QString &subject) const
{
    AlertStateMachine::Settings settings;
    settings.rule = rule;
    settings.subject = subject;
    settings.flapChanges = m_config.alerts.flapChanges;
    settings.flapWindowMs = m_config.alerts.flapWindow.count();
    if (const AlertRuleConfig *config = m_config.alerts.rule(rule)) {
        settings.severity = config->severity;
        settings.forMs = config->forDuration.count();
        settings.recoveryHoldMs = config->recoveryHold.count();
    }
    return settings;
}

QString AlertEngine::activeCause(const QStringList &candidates) const
{
    for (const QString &candidate : candidates) {
        const auto it = m_alerts.find(candidate);
        if (it != m_alerts.end() && it->second.isActive())
            return candidate;
    }
    return {};
}

void AlertEngine::setConfig(const ClusterConfig &config)
{
    m_config = config;
    m_rules.reset();
    for (auto &[key, alert] : m_alerts)
        alert.setSettings(settingsFor(alert.settings().rule, alert.settings().subject));
}

void AlertEngine::evaluate(const Instant &now)
{
    const QList<RuleFinding> findings = m_rules.evaluate(now.monoMs);
    QList<AlertTransition> transitions;
    QSet<QString> touched;
    bool changed = false;
    const auto feed = [&](AlertStateMachine &alert, bool condition, const QString &summary,
                          const QString &detail) {
        const auto before = alert.state();
        const qint64 since = alert.sinceMs();
        const qint64 resolvesAt = alert.resolvesAtMs(); // starting or ending to clear, or moved
        if (std::optional<AlertTransition> t = alert.update(now, condition, summary, detail))
            transitions.append(std::move(*t));
        changed = changed || alert.state() != before || alert.sinceMs() != since
            || alert.resolvesAtMs() != resolvesAt;
    };

    for (const RuleFinding &finding : findings) {
        const QString key = finding.rule + QLatin1Char('/') + finding.subject;
        touched.insert(key);
        if (!finding.condition)
            continue; // nothing to judge by: the alert keeps its state
        auto it = m_alerts.find(key);
        if (it == m_alerts.end()) {
            if (!*finding.condition)
                continue;
            it = m_alerts
                     .emplace(key, AlertStateMachine(settingsFor(finding.rule, finding.subject)))
                     .first;
        }
        AlertStateMachine &alert = it->second;
        const QString causeBefore = alert.cause();
        alert.setCause(activeCause(finding.possibleCauses));
        feed(alert, *finding.condition, finding.summary, finding.detail);
        changed = changed || alert.cause() != causeBefore;
    }

    // Rules switched off and subjects no longer in the cluster file resolve, then are forgotten.
    for (auto it = m_alerts.begin(); it != m_alerts.end();) {
        if (touched.contains(it->first)) {
            ++it;
            continue;
        }
        const AlertStateMachine::Settings &s = it->second.settings();
        feed(it->second, false,
            QStringLiteral(
                "%1 on %2 is no longer checked (rule disabled or not in the cluster file)")
                .arg(s.rule, s.subject),
            QString());
        it = it->second.isActive() ? std::next(it) : m_alerts.erase(it);
    }

    // Emitted after the bookkeeping so that a receiver calling activeAlerts() sees this round.
    for (const AlertTransition &t : std::as_const(transitions)) {
        qCInfo(lcAlerts).noquote() << toString(t.state) + QLatin1Char(' ') + t.key()
                + QLatin1Char(' ') + t.summary
                + (t.causedBy.isEmpty() ? QString()
                                        : QStringLiteral(" (caused by %1)").arg(t.causedBy));
        Q_EMIT transition(t);
    }
    if (changed)
        Q_EMIT activeAlertsChanged();
}

void AlertEngine::restore(const QList<AlertTransition> &latestPerAlert)
{
    bool changed = false;
    for (const AlertTransition &last : latestPerAlert) {
        if ((last.state != AlertState::Firing && last.state != AlertState::Flapping)
            || m_alerts.count(last.key()) != 0)
            continue;
        auto it
            = m_alerts.emplace(last.key(), AlertStateMachine(settingsFor(last.rule, last.subject)))
                  .first;
        it->second.restore(last);
        changed = true;
    }
    if (changed)
        Q_EMIT activeAlertsChanged();
}

QList<AlertTransition> AlertEngine::activeAlerts() const
{
    QList<AlertTransition> active;
    for (const auto &[key, alert] : m_alerts) {
        if (std::optional<AlertTransition> t = alert.snapshot())
            active.append(std::move(*t));
    }
    std::stable_sort(
        active.begin(), active.end(), [](const AlertTransition &a, const AlertTransition &b) {
            if (a.severity != b.severity)
                return a.severity > b.severity;
            return a.timeMs < b.timeMs;
        });
    return active;
}

std::optional<AlertTransition> AlertEngine::activeAlert(
    const QString &rule, const QString &subject) const
{
    const auto it = m_alerts.find(rule + QLatin1Char('/') + subject);
    return it == m_alerts.end() ? std::nullopt : it->second.snapshot();
}

} // namespace cw
