#pragma once

#include "models/Clock.h"
#include "models/RuntimeTypes.h"
#include "services/actions/AuditLog.h"
#include "services/actions/RestartGuard.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <functional>

namespace cw {

/// Decides whether a confirmed restart / stop / start (or a drill's kill / pause / unpause) may
/// go to the action backend, and keeps the audit trail. One action at a time per container;
/// restarts beyond the restart-storm guard are refused unless the operator overrides. Lives on the
/// GUI thread; never blocks: the backend and the audit log run on their own threads and answer by
/// signals.
class ActionController final : public QObject {
    Q_OBJECT
public:
    enum class Verdict {
        Sent, ///< on its way; actionFinished follows
        Busy, ///< an action on this container is still running
        NeedsOverride, ///< the restart-storm guard refuses; ask again with override
        NoBackend, ///< Docker is not configured or not reachable
        ReadOnly, ///< this face may not act (wall screen, headless check)
    };
    Q_ENUM(Verdict)

    explicit ActionController(RestartGuard guard = RestartGuard(), QObject *parent = nullptr);

    void setEndpoint(const QString &dockerHost, bool available);
    /// Refuses every action from now on (a read-only face), in the code path, not only the UI.
    void setReadOnly(bool readOnly) { m_readOnly = readOnly; }
    [[nodiscard]] bool isReadOnly() const { return m_readOnly; }
    /// Actions sent whose result has not come back.
    [[nodiscard]] int inFlight() const { return int(m_pending.size()); }
    /// Gives up on the actions in flight (their backend goes away: quit, or the cluster file
    /// was replaced): each is audited and reported as "outcome unknown" with @p why, since the
    /// engine may or may not have carried it out.
    void abandonInFlight(const QString &why);
    void setGraceSeconds(int seconds) { m_graceSeconds = seconds; }
    /// A new restart-storm policy; the restarts counted so far are kept when it is unchanged.
    void setGuard(const RestartGuard &guard);
    int graceSeconds() const { return m_graceSeconds; }
    const RestartGuard &guard() const { return m_guard; }
    QString endpoint() const { return m_endpoint; }
    bool isBusy(const QString &container) const { return m_busy.contains(container); }
    /// Wall time stamps the audit trail; the restart-storm guard counts on monotonic time, so a
    /// clock set back cannot hide restarts. nullptr: the system's clocks. Must outlive this.
    void setClock(const Clock *clock) { m_clock = clock ? clock : &Clock::system(); }
    /// Restarts of @p container within the guard's window, as of now.
    [[nodiscard]] int recentRestarts(const QString &container) const
    {
        return m_guard.recentRestarts(container, m_clock->now().monoMs);
    }

    /// Asks for @p action on @p container (already confirmed by the operator).
    Verdict request(const QString &node, const QString &container, cw::ContainerAction action,
        bool overrideGuard = false);

public Q_SLOTS:
    /// From the backend.
    void onActionFinished(const cw::ActionResult &result);

Q_SIGNALS:
    /// To the backend (queued to its thread).
    void performRequested(
        quint64 requestId, const QString &container, cw::ContainerAction action, int graceSeconds);
    /// To the audit log (queued to its thread).
    void auditRequested(const cw::AuditEntry &entry);
    /// For the views: the outcome, including refusals.
    void actionFinished(const cw::ActionResult &result, const QString &node);
    /// The last action in flight has finished (or was abandoned).
    void idle();

private:
    struct Pending {
        QString node;
        QString actionId;
        QString container;
        ContainerAction action = ContainerAction::Restart;
        qint64 sentMs = 0;
        bool overridden = false;
    };
    void audit(const ActionResult &result, const QString &node, const QString &actionId,
        bool overridden, const QString &resultText = QString());

    RestartGuard m_guard;
    QString m_endpoint;
    bool m_available = false;
    bool m_readOnly = false;
    int m_graceSeconds = 10;
    quint64 m_nextId = 1;
    QSet<QString> m_busy;
    QHash<quint64, Pending> m_pending;
    const Clock *m_clock;
};

} // namespace cw
