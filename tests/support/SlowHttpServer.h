#pragma once

#include <QUrl>
#include <atomic>
#include <thread>

namespace cwtest {

/// An HTTP server on a free 127.0.0.1 port that answers every request "200 OK" after a delay,
/// many at once (a thread with poll(); one connection per request): a backend that has become
/// slow but still answers. The delay counts from the end of the request's headers.
class SlowHttpServer final {
public:
    enum class Reply {
        Ok, ///< "200 OK", then the connection is closed
        Close, ///< the connection is closed without a byte (a clean FIN: an empty reply)
    };

    explicit SlowHttpServer(int delayMs, Reply reply = Reply::Ok);
    ~SlowHttpServer();
    SlowHttpServer(const SlowHttpServer &) = delete;
    SlowHttpServer &operator=(const SlowHttpServer &) = delete;

    bool listening() const { return m_listenFd >= 0; }
    quint16 port() const { return m_port; }
    QUrl url() const;

    /// Requests received so far, and answered so far.
    int received() const { return m_received.load(); }
    int answered() const { return m_answered.load(); }
    /// The most requests waiting for their answer at the same time.
    int maxWaiting() const { return m_maxWaiting.load(); }

private:
    void serve();

    int m_delayMs = 0;
    Reply m_reply = Reply::Ok;
    int m_listenFd = -1;
    int m_wakeFds[2] = { -1, -1 };
    quint16 m_port = 0;
    std::atomic<int> m_received { 0 };
    std::atomic<int> m_answered { 0 };
    std::atomic<int> m_maxWaiting { 0 };
    std::thread m_thread;
};

} // namespace cwtest
