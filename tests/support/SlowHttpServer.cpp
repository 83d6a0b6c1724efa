#include "SlowHttpServer.h"

#include <QByteArray>
#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace cwtest {

namespace {

using SteadyClock = std::chrono::steady_clock;

struct Client {
    int fd = -1;
    QByteArray request;
    bool waiting = false; ///< the headers are in; the answer is due at answerAt
    SteadyClock::time_point answerAt;
};

constexpr char kAnswer[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
                           "Connection: close\r\n\r\nok\n";

} // namespace

SlowHttpServer::SlowHttpServer(int delayMs, Reply reply)
    : m_delayMs(delayMs)
    , m_reply(reply)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return;
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(fd, 256) != 0
        || ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0
        || ::pipe2(m_wakeFds, O_CLOEXEC) != 0) {
        ::close(fd);
        return;
    }
    m_listenFd = fd;
    m_port = ntohs(addr.sin_port);
    m_thread = std::thread([this] { serve(); });
}

SlowHttpServer::~SlowHttpServer()
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

QUrl SlowHttpServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    return url;
}

void SlowHttpServer::serve()
{
    std::vector<Client> clients;
    for (;;) {
        // Wake up for the first answer due, or for new bytes.
        const auto now = SteadyClock::now();
        int timeoutMs = -1;
        for (const Client &client : clients) {
            if (!client.waiting)
                continue;
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(client.answerAt - now);
            const int ms = int(std::max<qint64>(0, left.count()));
            timeoutMs = timeoutMs < 0 ? ms : std::min(timeoutMs, ms);
        }
        std::vector<pollfd> fds = { { m_wakeFds[0], POLLIN, 0 }, { m_listenFd, POLLIN, 0 } };
        for (const Client &client : clients)
            fds.push_back({ client.fd, POLLIN, 0 });
        if (::poll(fds.data(), nfds_t(fds.size()), timeoutMs) < 0)
            continue;
        if (fds[0].revents)
            break;
        if (fds[1].revents & POLLIN) {
            int fd = -1;
            while ((fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC)) >= 0)
                clients.push_back({ fd, {}, false, {} });
        }
        // fds[2 + i] belongs to clients[i] for the clients that were polled.
        const std::size_t polled = fds.size() - 2;
        for (std::size_t i = 0; i < polled; ++i) {
            Client &client = clients[i];
            if (!fds[i + 2].revents)
                continue;
            char buffer[4096];
            const auto got = ::read(client.fd, buffer, sizeof buffer);
            if (got <= 0) {
                ::close(client.fd);
                client.fd = -1;
                continue;
            }
            client.request.append(buffer, qsizetype(got));
            if (!client.waiting && client.request.contains("\r\n\r\n")) {
                client.waiting = true;
                client.answerAt = SteadyClock::now() + std::chrono::milliseconds(m_delayMs);
                ++m_received;
            }
        }
        const auto answerNow = SteadyClock::now();
        int waiting = 0;
        for (Client &client : clients) {
            if (client.fd < 0 || !client.waiting)
                continue;
            if (client.answerAt > answerNow) {
                ++waiting;
                continue;
            }
            if (m_reply == Reply::Ok) {
                [[maybe_unused]] const auto written
                    = ::write(client.fd, kAnswer, sizeof kAnswer - 1);
            }
            ::close(client.fd);
            client.fd = -1;
            ++m_answered;
        }
        if (waiting > m_maxWaiting.load())
            m_maxWaiting = waiting;
        std::erase_if(clients, [](const Client &client) { return client.fd < 0; });
    }
    for (const Client &client : clients)
        ::close(client.fd);
}

} // namespace cwtest
