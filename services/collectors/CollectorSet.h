#pragma once

#include "models/ClusterConfig.h"
#include "models/DockerTypes.h"
#include "models/Snapshots.h"

#include <QObject>

#include <memory>

namespace cw {

class WorkerThread;

/// The data sources and the action backend of one cluster file: the HTTP node collector, the
/// Redis collector, the PostgreSQL collector and the Docker client, each on its own named thread
/// ("cw-http", "cw-redis", "cw-postgres", "cw-docker"). Their results are forwarded on the
/// owner's thread; requests to the Docker side are queued to its thread. A later data source
/// (Prometheus) or action backend (Kubernetes) plugs in here; nothing outside knows the
/// collector classes.
class CollectorSet final : public QObject
{
    Q_OBJECT
public:
    explicit CollectorSet(const ClusterConfig &config, QObject *parent = nullptr);
    /// Quits the threads and waits for them (bounded by the configured timeouts).
    ~CollectorSet() override;

    void start();
    /// Stops forwarding at once, quits the threads without waiting, and deletes this set
    /// once every thread has finished. For replacing a cluster without blocking the GUI.
    void retire();

    bool hasDocker() const;

public Q_SLOTS:
    /// Queued to the action backend; actionFinished answers.
    void perform(quint64 requestId, const QString &container, cw::ContainerAction action, int graceSeconds);
    /// Queued to the Docker client; logsReady answers.
    void fetchLogs(quint64 requestId, const QString &container, int tail);
    /// Starts or stops following @p container's log; logLine delivers new lines.
    void followLogs(const QString &container, bool follow);

Q_SIGNALS:
    void nodeSnapshotReady(const cw::NodeSnapshot &snapshot);
    void redisSnapshotReady(const cw::RedisSnapshot &snapshot);
    void postgresSnapshotReady(const cw::PostgresSnapshot &snapshot);
    void dockerSnapshotReady(const cw::DockerSnapshot &snapshot);
    void containerStatsReady(const cw::ContainerStats &stats);
    void dockerEventReceived(const cw::DockerEvent &event);
    void actionFinished(const cw::ActionResult &result);
    void logsReady(quint64 requestId, const QString &container, const QStringList &lines, const QString &error);
    void logLine(const QString &container, const QString &line, bool fromStderr);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// Registers the snapshot types for queued connections (idempotent).
void registerSnapshotMetaTypes();

} // namespace cw
