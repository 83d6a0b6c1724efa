#include "services/actions/ActionController.h"

#include <QDateTime>
#include <QUuid>

namespace cw {

ActionController::ActionController(RestartGuard guard, QObject *parent)
    : QObject(parent)
    , m_guard(std::move(guard))
    , m_clock(&Clock::system())
{
    qRegisterMetaType<ActionResult>();
    qRegisterMetaType<AuditEntry>();
}

void ActionController::setEndpoint(const QString &dockerHost, bool available)
{
    m_endpoint = dockerHost;
    m_available = available;
}

void ActionController::setGuard(const RestartGuard &guard)
{
    if (guard.limit() != m_guard.limit() || guard.window() != m_guard.window())
        m_guard = guard;
}

void ActionController::abandonInFlight(const QString &why)
{
    if (m_pending.isEmpty())
        return;
    const QHash<quint64, Pending> abandoned = std::exchange(m_pending, {});
    m_busy.clear();
    const qint64 now = m_clock->now().wallMs;
    for (auto it = abandoned.cbegin(); it != abandoned.cend(); ++it) {
        ActionResult result;
        result.requestId = it.key();
        result.container = it->container;
        result.action = it->action;
        result.outcome = ActionOutcome::Failed;
        result.endpoint = m_endpoint;
        result.startedMs = it->sentMs;
        result.finishedMs = now;
        result.message = QStringLiteral("outcome unknown: %1").arg(why);
        audit(result, it->node, it->actionId, it->overridden, QStringLiteral("outcome unknown"));
        Q_EMIT actionFinished(result, it->node);
    }
    Q_EMIT idle();
}

ActionController::Verdict ActionController::request(
    const QString &node, const QString &container, ContainerAction action, bool overrideGuard)
{
    const Instant instant = m_clock->now();
    const qint64 now = instant.wallMs;
    ActionResult refused;
    refused.container = container;
    refused.action = action;
    refused.outcome = ActionOutcome::Refused;
    refused.endpoint = m_endpoint;
    refused.startedMs = refused.finishedMs = now;

    if (m_readOnly) {
        refused.message = QStringLiteral("actions are disabled on this read-only screen");
        audit(refused, node, QUuid::createUuid().toString(QUuid::WithoutBraces), false);
        Q_EMIT actionFinished(refused, node);
        return Verdict::ReadOnly;
    }
    if (!m_available) {
        refused.message = QStringLiteral("Docker is not reachable at %1").arg(m_endpoint);
        audit(refused, node, QUuid::createUuid().toString(QUuid::WithoutBraces), false);
        Q_EMIT actionFinished(refused, node);
        return Verdict::NoBackend;
    }
    if (m_busy.contains(container))
        return Verdict::Busy; // nothing was done: not an audited action
    const bool guardRefuses
        = action == ContainerAction::Restart && !m_guard.allows(container, instant.monoMs);
    if (guardRefuses && !overrideGuard)
        return Verdict::NeedsOverride;
    const quint64 id = m_nextId++;
    const Pending pending { node, QUuid::createUuid().toString(QUuid::WithoutBraces), container,
        action, now, guardRefuses };
    m_busy.insert(container);
    m_pending.insert(id, pending);
    if (action == ContainerAction::Restart)
        m_guard.recordRestart(container, instant.monoMs);
    // The intent is queued to the audit trail before the action leaves: if the app dies while
    // the engine works, the trail still says what was asked, by whom, and that no result came.
    ActionResult intent;
    intent.requestId = id;
    intent.container = container;
    intent.action = action;
    intent.endpoint = m_endpoint;
    intent.startedMs = intent.finishedMs = now;
    intent.message = hasGracePeriod(action)
        ? QStringLiteral("sent to the engine, %1 s grace").arg(m_graceSeconds)
        : QStringLiteral("sent to the engine");
    audit(intent, node, pending.actionId, guardRefuses, QStringLiteral("requested"));
    Q_EMIT performRequested(id, container, action, m_graceSeconds);
    return Verdict::Sent;
}

void ActionController::onActionFinished(const ActionResult &result)
{
    const auto it = m_pending.constFind(result.requestId);
    if (it == m_pending.cend())
        return; // not ours (another controller, or a cluster file replaced meanwhile)
    const Pending pending = *it;
    m_pending.erase(it);
    m_busy.remove(result.container);
    audit(result, pending.node, pending.actionId, pending.overridden);
    Q_EMIT actionFinished(result, pending.node);
    if (m_pending.isEmpty())
        Q_EMIT idle();
}

void ActionController::audit(const ActionResult &result, const QString &node,
    const QString &actionId, bool overridden, const QString &resultText)
{
    AuditEntry entry;
    entry.actionId = actionId;
    entry.timeMs = result.finishedMs > 0 ? result.finishedMs : m_clock->now().wallMs;
    entry.user = AuditLog::localUser();
    entry.dockerHost = result.endpoint.isEmpty() ? m_endpoint : result.endpoint;
    entry.node = node;
    entry.container = result.container;
    entry.action = toString(result.action);
    entry.result = resultText.isEmpty() ? toString(result.outcome) : resultText;
    entry.message = result.message;
    entry.overridden = overridden;
    Q_EMIT auditRequested(entry);
}

} // namespace cw
