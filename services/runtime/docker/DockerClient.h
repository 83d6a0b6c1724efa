#pragma once

#include "models/ClusterConfig.h"
#include "models/DockerTypes.h"
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

namespace cw {

class DockerLogs;
class DockerPoller;
class DockerStreams;
class DockerTransport;

/// The Docker Engine API client of one cluster: polls the containers, keeps the
/// event stream, one stats stream per running container and the followed logs open, and runs
/// restart / stop / start and log tails on request.
///
/// Lives on its own thread (see WorkerThread). Its parts, all on that thread:
/// - DockerTransport: the endpoint (unix:///path, or tcp://host:port with TLS client
///   certificates from DOCKER_CERT_PATH when tlsVerify), one libcurl multi handle driven by the
///   thread's event loop that carries every request (so streams and polls progress side by
///   side and nothing blocks), timeouts, failure texts, and the API version negotiated from the
///   Api-Version header of GET /_ping: min(1.41, the engine's).
/// - DockerPoller: self-paced container polls with inspect on change, reachability and backoff.
/// - DockerStreams: the event stream and the stats streams while the engine answers.
/// - DockerLogs: log tails and follows.
/// The actions are this class's own.
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
    [[nodiscard]] quint64 inspectRequests() const;

public Q_SLOTS:
    /// On the client's thread: polls at once, then paces itself.
    void start();
    /// Aborts every request and stream; nothing more is emitted for them.
    void stop();

    /// POST /containers/{container}/restart|stop|start (?t=graceSeconds for restart and stop;
    /// a negative grace leaves the engine's default). Answers with actionFinished(); one action
    /// per container at a time.
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
    DockerTransport *m_transport;
    DockerPoller *m_poller;
    DockerStreams *m_streams;
    DockerLogs *m_logs;
    QSet<QString> m_busy; ///< containers with an action in flight
};

} // namespace cw
