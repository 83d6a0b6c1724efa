#pragma once

// Internal to cw_core: includes libcurl, so only sources of the core library include it.

#include <QObject>
#include <curl/curl.h>
#include <functional>

class QSocketNotifier;
class QTimer;

namespace cw {

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

    /// Starts a transfer; false (and the handle is not added) on a curl error.
    bool add(CURL *easy);
    /// Aborts a transfer that has not finished; its DoneHandler is not called.
    void remove(CURL *easy);

private:
    static int socketCallback(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp);
    static int timerCallback(CURLM *multi, long timeoutMs, void *userp);

    void watchSocket(curl_socket_t fd, int what, bool known);
    void socketsReady();
    void timeout();
    void drainMessages();

    CURLM *m_multi = nullptr;
    DoneHandler m_onDone;
    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer *m_timer = nullptr;
};

} // namespace cw
