#pragma once

#include "models/ClusterConfig.h"
#include "models/RuntimeTypes.h"
#include "services/runtime/ContainerRuntime.h"

#include <QSet>
#include <QString>

namespace cw {

class DockerLogs;
class DockerPoller;
class DockerStreams;
class DockerTransport;

/// The Docker runtime of one cluster (the Docker Engine API): polls the containers, keeps the
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
class DockerClient final : public ContainerRuntime {
    Q_OBJECT
public:
    /// The newest Engine API version this client speaks.
    static constexpr int kApiMajor = 1;
    static constexpr int kApiMinor = 41;

    DockerClient(
        DockerEndpoint endpoint, Timeouts timeouts, Millis interval, QObject *parent = nullptr);
    ~DockerClient() override; ///< frees curl's handles; runs on the client's thread

    [[nodiscard]] QString kind() const override; ///< "docker"
    /// Restart, stop and start.
    [[nodiscard]] bool supports(cw::ContainerAction action) const override;

    /// Inspect requests sent so far (any thread): inspect must follow changes, not every poll.
    [[nodiscard]] quint64 inspectRequests() const;

public Q_SLOTS:
    /// On the client's thread: polls at once, then paces itself.
    void start() override;
    /// Aborts every request and stream; nothing more is emitted for them.
    void stop() override;

    /// POST /containers/{container}/restart|stop|start (?t=graceSeconds for restart and stop;
    /// a negative grace leaves the engine's default). One action per container at a time.
    void perform(quint64 requestId, const QString &container, cw::ContainerAction action,
        int graceSeconds) override;
    void fetchLogs(quint64 requestId, const QString &container, int tail) override;
    void followLogs(const QString &container) override;
    void unfollowLogs(const QString &container) override;

private:
    DockerTransport *m_transport;
    DockerPoller *m_poller;
    DockerStreams *m_streams;
    DockerLogs *m_logs;
    QSet<QString> m_busy; ///< containers with an action in flight
};

} // namespace cw
