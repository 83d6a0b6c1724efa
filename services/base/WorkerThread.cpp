#include "services/base/WorkerThread.h"

namespace cw {

WorkerThread::WorkerThread(const QString &name)
    : m_thread(std::make_unique<QThread>())
{
    m_thread->setObjectName(name);
}

WorkerThread::~WorkerThread()
{
    m_thread->quit();
    m_thread->wait();
}

} // namespace cw
