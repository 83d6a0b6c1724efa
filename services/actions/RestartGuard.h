#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <chrono>

namespace cw {

/// Refuses more than `limit` restarts of one container within `window`, unless the operator
/// overrides: a crash-looping container is usually not fixed by restarting it again.
/// A pure value with an injected clock (milliseconds), so it is tested without waiting.
class RestartGuard {
public:
    RestartGuard(int limit = 3, std::chrono::milliseconds window = std::chrono::minutes(10));

    int limit() const { return m_limit; }
    std::chrono::milliseconds window() const { return m_window; }
    /// Restarts of @p container counted within the window ending at @p nowMs.
    int recentRestarts(const QString &container, qint64 nowMs) const;
    /// True when one more restart now stays within the limit.
    bool allows(const QString &container, qint64 nowMs) const;
    void recordRestart(const QString &container, qint64 nowMs);

private:
    int m_limit;
    std::chrono::milliseconds m_window;
    QHash<QString, QList<qint64>> m_restarts;
};

} // namespace cw
