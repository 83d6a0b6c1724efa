#include "services/net/CurlMulti.h"

#include "services/base/Logging.h"

#include <QSocketNotifier>
#include <QTimer>
#include <array>
#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cw {

CurlEasyHandle::~CurlEasyHandle()
{
    if (easy)
        curl_easy_cleanup(easy);
    if (headers)
        curl_slist_free_all(headers);
}

namespace {

/// Events handled per wake-up before returning to the event loop (level-triggered: the
/// rest are reported again at once).
constexpr int kMaxEvents = 256;

} // namespace

CurlMulti::CurlMulti(DoneHandler onDone, QObject *parent)
    : QObject(parent)
    , m_multi(curl_multi_init())
    , m_onDone(std::move(onDone))
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_timer(new QTimer(this))
{
    Q_ASSERT(m_multi);
    if (m_epoll < 0)
        qCCritical(lcHttp) << "epoll_create1 failed:" << std::strerror(errno);
    else {
        m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &CurlMulti::socketsReady);
    }
    m_timer->setSingleShot(true);
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &CurlMulti::timeout);

    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &CurlMulti::socketCallback);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &CurlMulti::timerCallback);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
}

CurlMulti::~CurlMulti()
{
    // Closing the cached connections still calls socketCallback(), so the epoll set goes last.
    curl_multi_cleanup(m_multi);
    m_multi = nullptr;
    delete m_notifier;
    m_notifier = nullptr;
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void CurlMulti::setMaxConnections(long count)
{
    curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, count);
}

void CurlMulti::adoptSockets(CURL *easy)
{
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &CurlMulti::openSocket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlMulti::closeSocket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
}

curl_socket_t CurlMulti::openSocket(void *clientp, curlsocktype, curl_sockaddr *address)
{
    const curl_socket_t fd
        = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd != CURL_SOCKET_BAD) {
        auto *self = static_cast<CurlMulti *>(clientp);
        // A number closed behind our back (if curl ever did) may still look registered.
        self->forget(fd);
        self->state(fd).adopted = true;
    }
    return fd;
}

int CurlMulti::closeSocket(void *clientp, curl_socket_t fd)
{
    auto *self = static_cast<CurlMulti *>(clientp);
    // close() alone would leave the registration behind while a forked child still holds the
    // socket: connections close rarely, so say it explicitly.
    if (fd >= 0 && std::size_t(fd) < self->m_sockets.size()
        && self->m_sockets[std::size_t(fd)].registered != 0 && self->m_epoll >= 0)
        ::epoll_ctl(self->m_epoll, EPOLL_CTL_DEL, fd, nullptr);
    self->forget(fd);
    return ::close(fd);
}

CurlMulti::SocketState &CurlMulti::state(curl_socket_t fd)
{
    if (std::size_t(fd) >= m_sockets.size())
        m_sockets.resize(std::max<std::size_t>(std::size_t(fd) + 1, m_sockets.size() * 2));
    return m_sockets[std::size_t(fd)];
}

void CurlMulti::forget(curl_socket_t fd)
{
    if (fd >= 0 && std::size_t(fd) < m_sockets.size())
        m_sockets[std::size_t(fd)] = SocketState {};
}

bool CurlMulti::add(CURL *easy)
{
    const CURLMcode rc = curl_multi_add_handle(m_multi, easy);
    if (rc != CURLM_OK) {
        qCWarning(lcHttp) << "curl_multi_add_handle failed:" << curl_multi_strerror(rc);
        return false;
    }
    return true;
}

void CurlMulti::remove(CURL *easy)
{
    curl_multi_remove_handle(m_multi, easy);
}

int CurlMulti::socketCallback(CURL *, curl_socket_t fd, int what, void *userp, void *)
{
    static_cast<CurlMulti *>(userp)->watchSocket(fd, what);
    return 0;
}

int CurlMulti::timerCallback(CURLM *, long timeoutMs, void *userp)
{
    auto *self = static_cast<CurlMulti *>(userp);
    // curl must not be re-entered from its own callback: even "now" (0) goes through the loop.
    if (timeoutMs < 0)
        self->m_timer->stop();
    else
        self->m_timer->start(int(std::min<long>(timeoutMs, 24L * 3600 * 1000)));
    return 0;
}

void CurlMulti::watchSocket(curl_socket_t fd, int what)
{
    if (m_epoll < 0 || fd < 0)
        return;
    SocketState &socket = state(fd);
    if (what == CURL_POLL_REMOVE) {
        socket.wanted = false;
        // An adopted socket that curl keeps alive for the next request stays in the set: two
        // epoll_ctl() calls less per request. Should it turn readable while idle (the server
        // closed it), socketsReady() takes it out then.
        if (socket.registered != 0 && (!socket.adopted || (socket.registered & EPOLLOUT))) {
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
            socket.registered = 0;
        }
        return;
    }
    socket.wanted = true;
    quint32 events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        events |= EPOLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        events |= EPOLLOUT;
    if (socket.registered == events)
        return;
    epoll_event event {};
    event.events = events;
    event.data.fd = fd;
    // The bookkeeping can be wrong for a socket number that was closed and reused unseen (not
    // adopted): the kernel's answer decides then.
    const bool ok = socket.registered != 0
        ? (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0
            || (errno == ENOENT && ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0))
        : (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event) == 0
            || (errno == EEXIST && ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event) == 0));
    if (!ok) {
        qCWarning(lcHttp) << "epoll_ctl failed for socket" << fd << std::strerror(errno);
        socket.registered = 0;
        return;
    }
    socket.registered = events;
}

void CurlMulti::socketsReady()
{
    std::array<epoll_event, kMaxEvents> events;
    const int count = ::epoll_wait(m_epoll, events.data(), kMaxEvents, 0);
    int running = 0;
    for (int i = 0; i < count; ++i) {
        const epoll_event &event = events[std::size_t(i)];
        const curl_socket_t fd = event.data.fd;
        if (std::size_t(fd) < m_sockets.size() && !m_sockets[std::size_t(fd)].wanted) {
            // An idle kept-alive socket: curl checks it before reusing it; just stop watching.
            if (m_sockets[std::size_t(fd)].registered != 0) {
                ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
                m_sockets[std::size_t(fd)].registered = 0;
            }
            continue;
        }
        int mask = 0;
        if (event.events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP))
            mask |= CURL_CSELECT_IN;
        if (event.events & EPOLLOUT)
            mask |= CURL_CSELECT_OUT;
        if (event.events & EPOLLERR)
            mask |= CURL_CSELECT_ERR;
        // A socket closed by an earlier action in this batch is unknown to curl: it ignores it.
        curl_multi_socket_action(m_multi, fd, mask, &running);
    }
    drainMessages();
}

void CurlMulti::timeout()
{
    int running = 0;
    curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
    drainMessages();
}

void CurlMulti::drainMessages()
{
    int left = 0;
    while (CURLMsg *msg = curl_multi_info_read(m_multi, &left)) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        const CURLcode result = msg->data.result;
        // After this call msg is invalid; the handler may add the handle again.
        curl_multi_remove_handle(m_multi, easy);
        m_onDone(easy, result);
    }
}

} // namespace cw
