#pragma once

#include "models/ClusterConfig.h"
#include "models/DockerTypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

class QTimer;

namespace cw {

class CurlMulti;
class DockerLogDemuxer;

/// The Docker Engine API client of one cluster: polls the containers, keeps the event stream,
/// one stats stream per running container and the followed logs open, and runs restart / stop /
/// start and log tails on request.
///
/// Lives on its own thread (see WorkerThread): one libcurl multi handle (CurlMulti) driven by
/// that thread's event loop carries every request, so nothing blocks the thread: streams and
/// polls progress side by side. Every request has a timeout (streams: the connect timeout).
///
/// The endpoint is reached over a unix socket (unix:///path) or TCP (tcp://host:port, with TLS
/// client certificates from DOCKER_CERT_PATH when tlsVerify). The API version is negotiated from
/// the Api-Version header of GET /_ping: min(1.41, the engine's).
///
/// Polls are self-paced (never overlapping: the single-shot timer is re-armed when a poll has
/// finished) and emit one snapshot each. Restart counts and exit codes come from inspect, which
/// runs only for containers that are new, changed state or had an event since the last inspect.
/// While the engine is unreachable, attempts back off from the interval up to 5 s; polls in
/// between report the last error without touching the network.
class DockerClient final : public QObject {
    Q_OBJECT
public:
    /// The newest Engine API version this client speaks.
    static constexpr int kApiMajor = 1;
    static constexpr int kApiMinor = 41;

    DockerClient(DockerEndpoint endpoint, Timeouts timeouts, Millis interval,
        QObject *parent = nullptr);
    ~DockerClient() override; ///< frees curl's handles; runs on the client's thread
    DockerClient(const DockerClient &) = delete;
    DockerClient &operator=(const DockerClient &) = delete;

    /// Inspect requests sent so far (any thread): inspect must follow changes, not every poll.
    [[nodiscard]] quint64 inspectRequests() const { return m_inspectCount.load(); }

public Q_SLOTS:
    /// On the client's thread: polls at once, then paces itself.
    void start();
    /// Aborts every request and stream; nothing more is emitted for them.
    void stop();

    /// POST /containers/{container}/restart|stop|start (?t=graceSeconds for restart and stop;
    /// a negative grace leaves the engine's default). Answers with actionFinished().
    void perform(quint64 requestId, const QString &container, cw::ContainerAction action,
        int graceSeconds);
    /// The last @p tail lines of stdout and stderr, demultiplexed, in order: logsReady().
    void fetchLogs(quint64 requestId, const QString &container, int tail);
    /// New log lines from now on, as logLine() (kept across container restarts until
    /// unfollowLogs(); a container that does not exist ends it with followFailed()).
    void followLogs(const QString &container);
    void unfollowLogs(const QString &container);

Q_SIGNALS:
    void snapshotReady(const cw::DockerSnapshot &snapshot);
    void statsReady(const cw::ContainerStats &stats);
    void eventReceived(const cw::DockerEvent &event);
    void actionFinished(const cw::ActionResult &result);
    void logsReady(quint64 requestId, const QString &container, const QStringList &lines,
        const QString &error);
    void logLine(const QString &container, const QString &line, bool fromStderr);
    void followFailed(const QString &container, const QString &error);

private:
    struct Request;
    struct Failure {
        QString text;             ///< without the endpoint
        bool unreachable = false; ///< the engine did not answer (as opposed to an HTTP error)
    };
    struct RequestSpec {
        QByteArray method = "GET";
        QString path;             ///< without the /vX.Y prefix, e.g. /containers/json?all=1
        bool versioned = true;
        bool stream = false;      ///< no total timeout; 2xx data goes to onData as it arrives
        qint64 timeoutMs = 0;     ///< 0: Timeouts::request
        qint64 maxBodyBytes = 8 * 1024 * 1024;
    };
    using DataHandler = std::function<void(QByteArrayView data)>;
    using DoneHandler = std::function<void(Request &request, std::optional<Failure> failure)>;
    struct Inspected {
        QString state;
        int restartCount = 0;
        std::optional<int> exitCode;
        bool tty = false;
        QHash<QString, QByteArray> settingHashes;   ///< for the config-consistency alert
    };
    struct Follow {
        quint64 generation = 0;
        quint64 request = 0;
        std::shared_ptr<DockerLogDemuxer> demuxer;
        qint64 backoffMs = 0;
        qint64 endedAtMs = 0;   ///< wall clock; `since` for the next attempt
    };

    quint64 send(const RequestSpec &spec, DoneHandler onDone, DataHandler onData = {},
        std::function<void(Request &)> onHeaders = {});
    void cancel(quint64 id);
    void requestDone(Request *request, int curlCode);
    [[nodiscard]] std::optional<Failure> describe(const Request &request, int curlCode) const;
    [[nodiscard]] QString unreachableText(const QString &why) const;
    /// Why a logs request failed, for the log panel.
    [[nodiscard]] QString logsFailureText(const Request &request, const Failure &failure) const;

    void withApi(std::function<void()> then, std::function<void(const Failure &)> fail);
    void negotiated(std::optional<Failure> failure);

    void poll();
    void listContainers();
    void inspectNext();
    void completePoll();
    void pollFailed(const Failure &failure);
    void finishPoll();
    void requestPollSoon();
    void emitSnapshot(DockerSnapshot snapshot);

    void ensureEvents();
    void openEvents();
    void eventsData(QByteArrayView data);
    void handleEventLine(QByteArrayView line);
    void reconcileStats(const QList<ContainerInfo> &containers);
    void openStats(const QString &id);
    void dropStreams();

    void startFollow(const QString &container, quint64 generation);
    void followEnded(const QString &container, quint64 generation, const QString &error);
    void fetchLogsOf(quint64 requestId, const QString &container, int tail, bool tty);

    [[nodiscard]] qint64 nowMs() const { return m_clock.elapsed(); }

    DockerEndpoint m_endpoint;
    Timeouts m_timeouts;
    Millis m_interval;
    QString m_endpointError;   ///< an unusable host string
    QByteArray m_urlBase;      ///< http://localhost (unix) or http(s)://host:port
    QByteArray m_socketPath;   ///< for unix://
    QByteArray m_caFile, m_certFile, m_keyFile;
    QByteArray m_userAgent;

    bool m_running = false;
    QElapsedTimer m_clock;
    std::unique_ptr<CurlMulti> m_multi;
    std::map<quint64, std::unique_ptr<Request>> m_requests;
    quint64 m_nextRequestId = 0;
    int m_callbackDepth = 0;   ///< > 0 inside curl's callbacks: curl must not be re-entered

    // API version
    QString m_apiVersion;      ///< "1.41"; empty before negotiation
    QString m_engineVersion;
    bool m_negotiating = false;
    std::vector<std::pair<std::function<void()>, std::function<void(const Failure &)>>> m_apiWaiters;

    // polling
    QTimer *m_pollTimer = nullptr;
    bool m_pollInFlight = false;
    bool m_pollSoon = false;
    qint64 m_pollStartedMs = 0;
    DockerSnapshot m_pending;
    QStringList m_pendingErrors;
    QStringList m_toInspect;
    QList<quint64> m_pollRequests;          ///< of the poll in flight, cancelled if it fails
    int m_inspectsInFlight = 0;
    QHash<QString, Inspected> m_inspected;  ///< by container id
    QSet<QString> m_dirty;                  ///< ids with an event since their last inspect
    std::atomic<quint64> m_inspectCount { 0 };

    // reachability
    bool m_reachable = false;
    bool m_everPolled = false;
    QString m_lastError;
    qint64 m_nextAttemptMs = 0;
    qint64 m_backoffMs = 0;

    // event stream
    quint64 m_eventsRequest = 0;
    QTimer *m_eventsTimer = nullptr;
    qint64 m_eventsBackoffMs = 0;
    qint64 m_eventsOpenedAtMs = 0;       ///< monotonic
    qint64 m_eventsOpenedWallMs = 0;     ///< wall clock, `since` before any event was seen
    qint64 m_pollStartedWallMs = 0;
    qint64 m_firstListWallMs = 0;        ///< `since` of the first stream: nothing after the
                                         ///< first list is missed
    QByteArray m_eventsBuffer;
    qint64 m_lastEventNano = 0;
    QSet<QString> m_lastEventKeys;       ///< events at m_lastEventNano (a reconnect repeats them)
    qint64 m_replayBoundaryNano = 0;     ///< a reconnected stream repeats events up to here
    QSet<QString> m_replayKeys;

    QHash<QString, quint64> m_stats;     ///< container id -> stream request
    QHash<QString, QByteArray> m_statsBuffers;
    QHash<QString, Follow> m_follows;    ///< by container name as given
    quint64 m_followGeneration = 0;
    QSet<QString> m_busy;                ///< containers with an action in flight
};

} // namespace cw
