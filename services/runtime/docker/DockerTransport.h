#pragma once

// Internal to cw_docker: the parts of DockerClient share it.

#include "models/ClusterConfig.h"
#include "models/RuntimeTypes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace cw {

class CurlMulti;

/// Why a request to the engine failed.
struct DockerFailure {
    QString text; ///< without the endpoint: "GET /_ping: HTTP 400 …", "no such socket"
    bool unreachable = false; ///< the engine did not answer (as opposed to an HTTP error)
};

/// One request to the Engine API.
struct DockerRequestSpec {
    QByteArray method = "GET";
    QString path; ///< without the /vX.Y prefix, e.g. /containers/json?all=1
    bool versioned = true;
    bool stream = false; ///< no total timeout; 2xx data goes to the DataHandler as it arrives
    qint64 timeoutMs = 0; ///< 0: Timeouts::request
    qint64 maxBodyBytes = 8 * 1024 * 1024;
};

/// What the engine answered. The body is whole for a request; for a stream only a non-2xx
/// answer's.
struct DockerReply {
    quint64 id = 0; ///< DockerTransport::send()'s
    long status = 0;
    QByteArray body;
    QByteArray apiVersion; ///< the Api-Version header

    [[nodiscard]] bool success() const { return status >= 200 && status < 300; }
};

/// The requests of one DockerClient: the endpoint (unix socket or TCP with TLS client
/// certificates), one libcurl multi handle (CurlMulti) driven by the event loop of the thread it
/// lives on, requests and streams with their timeouts, the wording of their failures (the
/// shared curl layer's), and the API version negotiated from GET /_ping.
///
/// Handlers run on that thread; they may send and cancel requests, which are added to or removed
/// from curl from the event loop, never inside curl's callbacks. Nothing is called for a
/// cancelled request.
class DockerTransport final : public QObject {
    Q_OBJECT
public:
    /// The newest Engine API version spoken.
    static constexpr int kApiMajor = 1;
    static constexpr int kApiMinor = 41;

    using DoneHandler
        = std::function<void(const DockerReply &reply, std::optional<DockerFailure> failure)>;
    using DataHandler = std::function<void(QByteArrayView data)>;
    using HeadersHandler = std::function<void(const DockerReply &reply)>;

    DockerTransport(DockerEndpoint endpoint, Timeouts timeouts, QObject *parent = nullptr);
    ~DockerTransport() override; ///< frees curl's handles; runs on the transport's thread

    /// On the transport's thread: creates the multi handle (once) and accepts requests.
    void start();
    /// Cancels every request and forgets the API version; nothing more is called back.
    void stop();
    [[nodiscard]] bool isRunning() const { return m_running; }

    /// Sends @p spec (prefixed with the negotiated version when versioned); @p onDone is called
    /// once, with a failure when it failed. Returns the request's id, for cancel().
    quint64 send(const DockerRequestSpec &spec, DoneHandler onDone, DataHandler onData = {},
        HeadersHandler onHeaders = {});
    void cancel(quint64 id);

    /// Calls @p then once the API version is known (negotiating it first if needed), or
    /// @p fail when the engine cannot be reached or the endpoint is unusable.
    void withApi(std::function<void()> then, std::function<void(const DockerFailure &)> fail);
    /// Negotiates again before the next request: the engine may have been replaced.
    void forgetApi();
    [[nodiscard]] const QString &apiVersion() const { return m_apiVersion; }
    [[nodiscard]] const QString &engineVersion() const { return m_engineVersion; }

    /// "Docker not reachable at <endpoint>: <why>".
    [[nodiscard]] QString unreachableText(const QString &why) const;
    [[nodiscard]] const DockerEndpoint &endpoint() const { return m_endpoint; }
    [[nodiscard]] const Timeouts &timeouts() const { return m_timeouts; }
    /// Monotonic milliseconds since construction.
    [[nodiscard]] qint64 nowMs() const { return m_clock.elapsed(); }

private:
    struct Request;

    void requestDone(Request *request, int curlCode);
    [[nodiscard]] std::optional<DockerFailure> describe(const Request &request, int curlCode) const;
    void negotiated(std::optional<DockerFailure> failure);

    DockerEndpoint m_endpoint;
    Timeouts m_timeouts;
    QString m_endpointError; ///< an unusable host string
    QByteArray m_urlBase; ///< http://localhost (unix) or http(s)://host:port
    QByteArray m_socketPath; ///< for unix://
    QByteArray m_caFile, m_certFile, m_keyFile;
    QByteArray m_userAgent;

    bool m_running = false;
    QElapsedTimer m_clock;
    std::unique_ptr<CurlMulti> m_multi;
    std::map<quint64, std::unique_ptr<Request>> m_requests;
    quint64 m_nextRequestId = 0;
    int m_callbackDepth = 0; ///< > 0 inside curl's callbacks: curl must not be re-entered

    QString m_apiVersion; ///< "1.41"; empty before negotiation
    QString m_engineVersion;
    bool m_negotiating = false;
    std::vector<std::pair<std::function<void()>, std::function<void(const DockerFailure &)>>>
        m_apiWaiters;
};

/// Helpers of the parts that build Engine API paths.
namespace docker {

/// The longest wait before trying the engine, a stream or a log follow again.
inline constexpr qint64 kMaxBackoffMs = 5000;

/// Container names and ids as the engine accepts them; anything else never reaches a URL.
bool isContainerName(const QString &name);
/// "'<name>' is not a container name", for a name isContainerName() refused.
QString notAContainerName(const QString &name);
/// "/containers/<container, percent-encoded><suffix>".
QString containerPath(const QString &container, QStringView suffix);
/// "1795460304.653424520": the `since` format of /events and /logs.
QString unixSeconds(qint64 nanos);
/// The wall clock, for what the engine and a person read.
qint64 wallMs();

} // namespace docker

} // namespace cw
