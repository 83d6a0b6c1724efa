#include "HangingServer.h"

#include <arpa/inet.h>
#include <chrono>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace cwtest {

HangingServer::HangingServer(Mode mode)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd, 128) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        ::close(fd);
        return;
    }
    m_listenFd = fd;
    m_port = ntohs(addr.sin_port);

    if (mode == Mode::AcceptAndStall && ::pipe2(m_wakeFds, O_CLOEXEC) == 0)
        m_thread = std::thread([this] { serve(); });
}

HangingServer::~HangingServer()
{
    if (m_thread.joinable()) {
        const char stop = 's';
        [[maybe_unused]] const auto written = ::write(m_wakeFds[1], &stop, 1);
        m_thread.join();
    }
    for (int fd : m_wakeFds) {
        if (fd >= 0)
            ::close(fd);
    }
    if (m_listenFd >= 0)
        ::close(m_listenFd);
}

std::vector<qint64> HangingServer::acceptedAtNs() const
{
    const std::lock_guard lock(m_mutex);
    return m_acceptedAtNs;
}

QUrl HangingServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    return url;
}

void HangingServer::serve()
{
    std::vector<pollfd> fds = { { m_wakeFds[0], POLLIN, 0 }, { m_listenFd, POLLIN, 0 } };
    for (;;) {
        if (::poll(fds.data(), nfds_t(fds.size()), -1) < 0)
            continue;
        if (fds[0].revents)
            break;
        if (fds[1].revents & POLLIN) {
            const int client = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
            if (client >= 0) {
                const auto at = std::chrono::steady_clock::now().time_since_epoch();
                {
                    const std::lock_guard lock(m_mutex);
                    m_acceptedAtNs.push_back(
                        std::chrono::duration_cast<std::chrono::nanoseconds>(at).count());
                }
                fds.push_back({ client, POLLIN, 0 });
                ++m_accepted;
                ++m_open;
            }
        }
        // Read and drop whatever clients send; close when they hang up.
        for (std::size_t i = 2; i < fds.size();) {
            if (fds[i].revents) {
                char buffer[4096];
                if (::read(fds[i].fd, buffer, sizeof buffer) <= 0) {
                    ::close(fds[i].fd);
                    fds.erase(fds.begin() + std::ptrdiff_t(i));
                    --m_open;
                    continue;
                }
            }
            ++i;
        }
    }
    for (std::size_t i = 2; i < fds.size(); ++i)
        ::close(fds[i].fd);
}

} // namespace cwtest
