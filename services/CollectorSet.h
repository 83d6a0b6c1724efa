#pragma once

#include "models/ClusterConfig.h"
#include "models/Snapshots.h"

#include <QObject>

#include <memory>

namespace cw {

class WorkerThread;

/// The data sources of one cluster file: the HTTP node collector, the Redis collector and the
/// PostgreSQL collector, each on its own named thread ("cw-http", "cw-redis", "cw-postgres").
/// Their snapshots are forwarded on the owner's thread. A later data source (Prometheus) or a
/// second cluster is another set; nothing outside knows the collector classes.
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

Q_SIGNALS:
    void nodeSnapshotReady(const cw::NodeSnapshot &snapshot);
    void redisSnapshotReady(const cw::RedisSnapshot &snapshot);
    void postgresSnapshotReady(const cw::PostgresSnapshot &snapshot);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// Registers the snapshot types for queued connections (idempotent).
void registerSnapshotMetaTypes();

} // namespace cw
