#pragma once

// Internal to cw_core: includes libcurl, so only sources of the core library include it.

#include <QObject>
#include <curl/curl.h>
#include <functional>
#include <vector>

class QSocketNotifier;
class QTimer;

namespace cw {

/// An easy handle and its header list, freed together. Request structs derive from it.
struct CurlEasyHandle {
    CurlEasyHandle() = default;
    CurlEasyHandle(const CurlEasyHandle &) = delete;
    CurlEasyHandle &operator=(const CurlEasyHandle &) = delete;
    ~CurlEasyHandle();

    CURL *easy = nullptr;
    curl_slist *headers = nullptr;
};

/// One CURLM driven by the Qt event loop of the thread that created it, with
/// curl_multi_socket_action(): curl's socket callback registers its sockets in an epoll set
/// whose descriptor is watched by one QSocketNotifier, and its timer callback drives one
/// single-shot QTimer. Only ready sockets are handed to curl; nothing polls or spins.
///
/// Why epoll rather than a QSocketNotifier per socket: Qt's GLib event dispatcher adds and
/// removes every notifier in linear lists, which made each request O(open sockets) at 1,000
/// nodes. Create, use and destroy a CurlMulti on one thread.
class CurlMulti final : public QObject {
    Q_OBJECT
public:
    /// Called for every finished transfer, after the easy handle was removed from the multi
    /// handle (so it may be added again right away).
    using DoneHandler = std::function<void(CURL *easy, CURLcode result)>;

    explicit CurlMulti(DoneHandler onDone, QObject *parent = nullptr);
    ~CurlMulti() override;
    CurlMulti(const CurlMulti &) = delete;
    CurlMulti &operator=(const CurlMulti &) = delete;

    /// Size of the idle connection cache. curl's default (4 x the handles currently added)
    /// shrinks between poll rounds and would close kept-alive connections.
    void setMaxConnections(long count);

    /// Lets this multi handle open and close @p easy's sockets, so that it knows when a socket
    /// number is new. A kept-alive connection of such a handle then stays in the epoll set
    /// between transfers instead of being removed and added again for every request.
    void adoptSockets(CURL *easy);

    /// Starts a transfer; false (and the handle is not added) on a curl error.
    bool add(CURL *easy);
    /// Aborts a transfer that has not finished; its DoneHandler is not called.
    void remove(CURL *easy);

private:
    static int socketCallback(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp);
    static int timerCallback(CURLM *multi, long timeoutMs, void *userp);
    static curl_socket_t openSocket(void *clientp, curlsocktype purpose, curl_sockaddr *address);
    static int closeSocket(void *clientp, curl_socket_t fd);

    /// What this object knows of one socket number.
    struct SocketState {
        quint32 registered = 0; ///< epoll events it is in the set with; 0: not in the set
        bool wanted = false; ///< curl waits for it
        bool adopted = false; ///< opened by openSocket(): its close is seen by closeSocket()
    };
    SocketState &state(curl_socket_t fd);
    void forget(curl_socket_t fd);

    void watchSocket(curl_socket_t fd, int what);
    void socketsReady();
    void timeout();
    void drainMessages();

    CURLM *m_multi = nullptr;
    DoneHandler m_onDone;
    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_timer = nullptr;
    std::vector<SocketState> m_sockets; ///< by socket number
};

} // namespace cw
