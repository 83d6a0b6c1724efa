#pragma once

#include <QtGlobal>
#include <memory>

class QSocketNotifier;

namespace cwtest {

/// Accepts TCP connections on 127.0.0.1 and closes them at once, counting them: a server that
/// is "up" but useless, to see how often a collector tries to connect. Serves through the
/// event loop of the thread that made it.
class ClosingListener {
public:
    ClosingListener();
    ~ClosingListener();
    ClosingListener(const ClosingListener &) = delete;
    ClosingListener &operator=(const ClosingListener &) = delete;

    /// 0 when no port could be had.
    quint16 port() const { return m_port; }
    int accepted() const { return m_accepted; }

private:
    int m_fd = -1;
    quint16 m_port = 0;
    int m_accepted = 0;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace cwtest
