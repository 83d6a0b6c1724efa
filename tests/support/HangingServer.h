#pragma once

#include <QUrl>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace cwtest {

/// A "frozen node": a socket listening on a free 127.0.0.1 port that never answers, like an
/// n8n process under SIGSTOP (connections complete, requests time out).
class HangingServer final {
public:
    enum class Mode {
        NeverAccept, ///< never calls accept(): the kernel's backlog completes handshakes
        AcceptAndStall, ///< accepts and reads on a thread, never writes; counts connections
    };

    explicit HangingServer(Mode mode = Mode::NeverAccept);
    ~HangingServer();
    HangingServer(const HangingServer &) = delete;
    HangingServer &operator=(const HangingServer &) = delete;

    bool listening() const { return m_listenFd >= 0; }
    quint16 port() const { return m_port; }
    QUrl url() const;

    /// AcceptAndStall only: connections accepted so far.
    int acceptedConnections() const { return m_accepted.load(); }
    /// AcceptAndStall only: connections accepted and not yet closed by the client.
    int openConnections() const { return m_open.load(); }
    /// AcceptAndStall only: when each connection was accepted, in order (std::chrono::
    /// steady_clock, ns since its epoch), for measuring a client's send schedule.
    std::vector<qint64> acceptedAtNs() const;

private:
    void serve();

    int m_listenFd = -1;
    int m_wakeFds[2] = { -1, -1 };
    quint16 m_port = 0;
    std::atomic<int> m_accepted { 0 };
    std::atomic<int> m_open { 0 };
    mutable std::mutex m_mutex;
    std::vector<qint64> m_acceptedAtNs;
    std::thread m_thread;
};

} // namespace cwtest
