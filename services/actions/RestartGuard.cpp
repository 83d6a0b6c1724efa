#include "services/actions/RestartGuard.h"

#include <algorithm>

namespace cw {

RestartGuard::RestartGuard(int limit, std::chrono::milliseconds window)
    : m_limit(limit)
    , m_window(window)
{
}

int RestartGuard::recentRestarts(const QString &container, qint64 nowMs) const
{
    const QList<qint64> times = m_restarts.value(container);
    const qint64 since = nowMs - m_window.count();
    return int(
        std::count_if(times.cbegin(), times.cend(), [since](qint64 t) { return t > since; }));
}

bool RestartGuard::allows(const QString &container, qint64 nowMs) const
{
    return recentRestarts(container, nowMs) < m_limit;
}

void RestartGuard::recordRestart(const QString &container, qint64 nowMs)
{
    QList<qint64> &times = m_restarts[container];
    const qint64 since = nowMs - m_window.count();
    times.removeIf([since](qint64 t) { return t <= since; });
    times.append(nowMs);
}

} // namespace cw
