#include "services/actions/ActionController.h"

#include <QDateTime>

namespace cw {

ActionController::ActionController(RestartGuard guard, QObject *parent)
    : QObject(parent)
    , m_guard(std::move(guard))
    , m_clock([] { return QDateTime::currentMSecsSinceEpoch(); })
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

void ActionController::forgetPending()
{
    m_pending.clear();
    m_busy.clear();
}

ActionController::Verdict ActionController::request(const QString &node, const QString &container,
                                                    ContainerAction action, bool overrideGuard)
{
    const qint64 now = m_clock();
    ActionResult refused;
    refused.container = container;
    refused.action = action;
    refused.outcome = ActionOutcome::Refused;
    refused.endpoint = m_endpoint;
    refused.startedMs = refused.finishedMs = now;

    if (!m_available) {
        refused.message = QStringLiteral("Docker is not reachable at %1").arg(m_endpoint);
        audit(refused, node, false);
        Q_EMIT actionFinished(refused, node);
        return Verdict::NoBackend;
    }
    if (m_busy.contains(container))
        return Verdict::Busy;   // nothing was done: not an audited action
    const bool guardRefuses = action == ContainerAction::Restart && !m_guard.allows(container, now);
    if (guardRefuses && !overrideGuard)
        return Verdict::NeedsOverride;
    const quint64 id = m_nextId++;
    m_busy.insert(container);
    m_pending.insert(id, {node, guardRefuses});
    if (action == ContainerAction::Restart)
        m_guard.recordRestart(container, now);
    Q_EMIT performRequested(id, container, action, m_graceSeconds);
    return Verdict::Sent;
}

void ActionController::onActionFinished(const ActionResult &result)
{
    const auto it = m_pending.constFind(result.requestId);
    if (it == m_pending.cend())
        return;   // not ours (another controller, or a cluster file replaced meanwhile)
    const Pending pending = *it;
    m_pending.erase(it);
    m_busy.remove(result.container);
    audit(result, pending.node, pending.overridden);
    Q_EMIT actionFinished(result, pending.node);
}

void ActionController::audit(const ActionResult &result, const QString &node, bool overridden)
{
    AuditEntry entry;
    entry.timeMs = result.finishedMs > 0 ? result.finishedMs : m_clock();
    entry.user = AuditLog::localUser();
    entry.dockerHost = result.endpoint.isEmpty() ? m_endpoint : result.endpoint;
    entry.node = node;
    entry.container = result.container;
    entry.action = toString(result.action);
    entry.result = toString(result.outcome);
    entry.message = result.message;
    entry.overridden = overridden;
    Q_EMIT auditRequested(entry);
}

} // namespace cw
