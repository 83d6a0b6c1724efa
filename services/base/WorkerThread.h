#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <memory>

namespace cw {

/// Owns one named QThread that runs one parentless worker QObject (a collector).
/// Destruction quits the thread's event loop and waits for it; the worker is deleted on its
/// own thread (via QThread::finished), so its handles (CURL*, redisContext*, PGconn*) are freed
/// where they were created.
class WorkerThread final {
public:
    explicit WorkerThread(const QString &name);
    ~WorkerThread();
    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    /// Moves the parentless @p worker to this thread and takes ownership of it.
    template <typename Worker> Worker *adopt(Worker *worker)
    {
        Q_ASSERT(worker && !worker->parent());
        worker->moveToThread(m_thread.get());
        QObject::connect(m_thread.get(), &QThread::finished, worker, &QObject::deleteLater);
        return worker;
    }

    /// Starts the thread, then queues a call of @p startSlot on @p worker in that thread.
    template <typename Worker> void start(Worker *worker, void (Worker::*startSlot)())
    {
        m_thread->start();
        QMetaObject::invokeMethod(worker, startSlot, Qt::QueuedConnection);
    }

    QThread *thread() const { return m_thread.get(); }

private:
    std::unique_ptr<QThread> m_thread;
};

} // namespace cw
