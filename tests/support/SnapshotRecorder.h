#pragma once

#include "services/base/WorkerThread.h"

#include <QSignalSpy>
#include <QString>
#include <functional>
#include <memory>
#include <utility>

namespace cwtest {

/// One collector on its own cw::WorkerThread, as the application runs it, with every snapshot
/// it emits (Collector::snapshotReady) recorded in order. The collector is started at once.
template <typename Collector, typename Snapshot> class SnapshotRecorder {
public:
    /// Builds the collector from @p args on a thread named @p threadName.
    template <typename... Args>
    explicit SnapshotRecorder(const QString &threadName, Args &&...args)
        : m_thread(threadName)
    {
        m_collector = m_thread.adopt(new Collector(std::forward<Args>(args)...));
        m_spy = std::make_unique<QSignalSpy>(m_collector, &Collector::snapshotReady);
        m_thread.start(m_collector, &Collector::start);
    }

    /// For queued calls only: it lives on its own thread.
    Collector *collector() const { return m_collector; }
    qsizetype count() const { return m_spy->count(); }
    Snapshot at(qsizetype i) const { return m_spy->at(i).at(0).template value<Snapshot>(); }
    Snapshot last() const { return at(count() - 1); }

    /// Index of the first snapshot from @p from on that satisfies @p predicate, or -1.
    qsizetype find(const std::function<bool(const Snapshot &)> &predicate, qsizetype from = 0) const
    {
        for (qsizetype i = from; i < count(); ++i) {
            if (predicate(at(i)))
                return i;
        }
        return -1;
    }

private:
    cw::WorkerThread m_thread;
    Collector *m_collector = nullptr;
    std::unique_ptr<QSignalSpy> m_spy;
};

} // namespace cwtest
