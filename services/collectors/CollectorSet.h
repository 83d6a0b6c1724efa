#pragma once

#include "models/ClusterConfig.h"
#include "models/RuntimeTypes.h"
#include "models/Snapshots.h"
#include "services/collectors/NodeSource.h"
#include "services/runtime/ContainerRuntime.h"

#include <QObject>
#include <memory>

namespace cw {

class PostgresCollector;
class RedisCollector;

/// The data sources and the action backend of one cluster file: the node source (HTTP), the
/// Redis collector, the PostgreSQL collector and the container runtime (Docker), each on its
/// own named thread ("cw-http", "cw-redis", "cw-postgres", "cw-docker": "cw-" and the source's
/// kind()). Their results are forwarded on the owner's thread; requests to the runtime are
/// queued to its thread. Nothing outside knows the implementations: the set holds the node
/// source and the runtime through their interfaces, and another implementation (Prometheus,
/// Kubernetes, a test's fake) plugs in through Parts.
class CollectorSet final : public QObject {
    Q_OBJECT
public:
    /// Already-built, parentless sources; any may be empty. The set moves each to a thread of
    /// its own and owns it from then on.
    struct Parts {
        Parts();
        Parts(Parts &&) noexcept;
        Parts &operator=(Parts &&) noexcept;
        ~Parts();

        std::unique_ptr<NodeSource> nodes;
        std::unique_ptr<ContainerRuntime> runtime;
        std::unique_ptr<RedisCollector> redis;
        std::unique_ptr<PostgresCollector> postgres;
    };

    /// The sources @p config asks for: HTTP nodes, Redis, PostgreSQL, Docker.
    [[nodiscard]] static Parts defaultParts(const ClusterConfig &config);

    /// With defaultParts(@p config).
    explicit CollectorSet(const ClusterConfig &config, QObject *parent = nullptr);
    explicit CollectorSet(Parts parts, QObject *parent = nullptr);
    /// Quits the threads and waits for them (bounded by the configured timeouts).
    ~CollectorSet() override;

    void start();
    /// Stops forwarding at once, quits the threads without waiting, and deletes this set
    /// once every thread has finished. For replacing a cluster without blocking the GUI.
    void retire();

    /// Whether there is a container runtime (Docker) for actions and logs.
    bool hasRuntime() const;

public Q_SLOTS:
    /// Queued to the container runtime; actionFinished answers.
    void perform(
        quint64 requestId, const QString &container, cw::ContainerAction action, int graceSeconds);
    /// Queued to the container runtime; logsReady answers.
    void fetchLogs(quint64 requestId, const QString &container, int tail);
    /// Starts or stops following @p container's log; logLine delivers new lines.
    void followLogs(const QString &container, bool follow);

Q_SIGNALS:
    void nodeSnapshotReady(const cw::NodeSnapshot &snapshot);
    void redisSnapshotReady(const cw::RedisSnapshot &snapshot);
    void postgresSnapshotReady(const cw::PostgresSnapshot &snapshot);
    void runtimeSnapshotReady(const cw::RuntimeSnapshot &snapshot);
    void containerStatsReady(const cw::ContainerStats &stats);
    void runtimeEventReceived(const cw::RuntimeEvent &event);
    void actionFinished(const cw::ActionResult &result);
    void logsReady(quint64 requestId, const QString &container, const QStringList &lines,
        const QString &error);
    void logLine(const QString &container, const QString &line, bool fromStderr);
    void followFailed(const QString &container, const QString &error);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// Registers the snapshot types for queued connections (idempotent).
void registerSnapshotMetaTypes();

} // namespace cw
