#include "services/collectors/CollectorSet.h"

#include "services/base/WorkerThread.h"
#include "services/collectors/HttpCollector.h"
#include "services/collectors/PostgresCollector.h"
#include "services/collectors/RedisCollector.h"
#include "services/runtime/docker/DockerClient.h"

#include <QThread>
#include <vector>

namespace cw {

void registerSnapshotMetaTypes()
{
    qRegisterMetaType<NodeSnapshot>();
    qRegisterMetaType<RedisSnapshot>();
    qRegisterMetaType<PostgresSnapshot>();
    qRegisterMetaType<RuntimeSnapshot>();
    qRegisterMetaType<ContainerStats>();
    qRegisterMetaType<RuntimeEvent>();
    qRegisterMetaType<ActionResult>();
    qRegisterMetaType<ContainerAction>();
}

CollectorSet::Parts::Parts() = default;
CollectorSet::Parts::Parts(Parts &&) noexcept = default;
CollectorSet::Parts &CollectorSet::Parts::operator=(Parts &&) noexcept = default;
CollectorSet::Parts::~Parts() = default;

struct CollectorSet::Private {
    std::unique_ptr<WorkerThread> nodesThread;
    std::unique_ptr<WorkerThread> redisThread;
    std::unique_ptr<WorkerThread> postgresThread;
    std::unique_ptr<WorkerThread> runtimeThread;
    NodeSource *nodes = nullptr;
    RedisCollector *redis = nullptr;
    PostgresCollector *postgres = nullptr;
    ContainerRuntime *runtime = nullptr;

    /// Moves @p worker to a new thread named @p name, which owns it from then on.
    template <typename Worker>
    static Worker *adopt(
        std::unique_ptr<WorkerThread> &thread, std::unique_ptr<Worker> worker, const QString &name)
    {
        if (!worker)
            return nullptr;
        thread = std::make_unique<WorkerThread>(name);
        return thread->adopt(worker.release());
    }

    std::vector<WorkerThread *> threads() const
    {
        std::vector<WorkerThread *> all;
        for (WorkerThread *t :
            { nodesThread.get(), redisThread.get(), postgresThread.get(), runtimeThread.get() }) {
            if (t)
                all.push_back(t);
        }
        return all;
    }
};

CollectorSet::Parts CollectorSet::defaultParts(const ClusterConfig &config)
{
    Parts parts;
    if (!config.nodes.isEmpty())
        parts.nodes = std::make_unique<HttpCollector>(
            config.nodes, config.timeouts, config.pollInterval, config.maxBodyBytes);
    if (config.redis.configured)
        parts.redis
            = std::make_unique<RedisCollector>(config.redis, config.timeouts, config.pollInterval);
    if (config.postgres.configured)
        parts.postgres = std::make_unique<PostgresCollector>(
            config.postgres, config.timeouts, config.pollInterval);
    if (config.docker.configured)
        parts.runtime
            = std::make_unique<DockerClient>(config.docker, config.timeouts, config.pollInterval);
    return parts;
}

CollectorSet::CollectorSet(const ClusterConfig &config, QObject *parent)
    : CollectorSet(defaultParts(config), parent)
{
}

CollectorSet::CollectorSet(Parts parts, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    registerSnapshotMetaTypes();
    if (parts.nodes) {
        const QString name = QStringLiteral("cw-") + parts.nodes->kind();
        d->nodes = Private::adopt(d->nodesThread, std::move(parts.nodes), name);
        connect(d->nodes, &NodeSource::nodeSnapshotReady, this, &CollectorSet::nodeSnapshotReady);
    }
    d->redis = Private::adopt(d->redisThread, std::move(parts.redis), QStringLiteral("cw-redis"));
    if (d->redis)
        connect(d->redis, &RedisCollector::snapshotReady, this, &CollectorSet::redisSnapshotReady);
    d->postgres = Private::adopt(
        d->postgresThread, std::move(parts.postgres), QStringLiteral("cw-postgres"));
    if (d->postgres)
        connect(d->postgres, &PostgresCollector::snapshotReady, this,
            &CollectorSet::postgresSnapshotReady);
    if (parts.runtime) {
        const QString name = QStringLiteral("cw-") + parts.runtime->kind();
        ContainerRuntime *runtime
            = Private::adopt(d->runtimeThread, std::move(parts.runtime), name);
        d->runtime = runtime;
        connect(
            runtime, &ContainerRuntime::snapshotReady, this, &CollectorSet::runtimeSnapshotReady);
        connect(runtime, &ContainerRuntime::statsReady, this, &CollectorSet::containerStatsReady);
        connect(
            runtime, &ContainerRuntime::eventReceived, this, &CollectorSet::runtimeEventReceived);
        connect(runtime, &ContainerRuntime::actionFinished, this, &CollectorSet::actionFinished);
        connect(runtime, &ContainerRuntime::logsReady, this, &CollectorSet::logsReady);
        connect(runtime, &ContainerRuntime::logLine, this, &CollectorSet::logLine);
        connect(runtime, &ContainerRuntime::followFailed, this, &CollectorSet::followFailed);
    }
}

bool CollectorSet::hasRuntime() const
{
    return d->runtime != nullptr;
}

void CollectorSet::perform(
    quint64 requestId, const QString &container, ContainerAction action, int graceSeconds)
{
    if (!d->runtime) {
        ActionResult result;
        result.requestId = requestId;
        result.container = container;
        result.action = action;
        result.outcome = ActionOutcome::Failed;
        result.message = QStringLiteral("no Docker host is configured for this cluster");
        Q_EMIT actionFinished(result);
        return;
    }
    QMetaObject::invokeMethod(
        d->runtime,
        [runtime = d->runtime, requestId, container, action, graceSeconds] {
            runtime->perform(requestId, container, action, graceSeconds);
        },
        Qt::QueuedConnection);
}

void CollectorSet::fetchLogs(quint64 requestId, const QString &container, int tail)
{
    if (!d->runtime)
        return;
    QMetaObject::invokeMethod(
        d->runtime,
        [runtime = d->runtime, requestId, container, tail] {
            runtime->fetchLogs(requestId, container, tail);
        },
        Qt::QueuedConnection);
}

void CollectorSet::followLogs(const QString &container, bool follow)
{
    if (!d->runtime)
        return;
    QMetaObject::invokeMethod(
        d->runtime,
        [runtime = d->runtime, container, follow] {
            if (follow)
                runtime->followLogs(container);
            else
                runtime->unfollowLogs(container);
        },
        Qt::QueuedConnection);
}

CollectorSet::~CollectorSet()
{
    for (WorkerThread *t : d->threads())
        t->thread()->quit();
    // WorkerThread's destructor waits; all threads were asked to quit first so they wind down
    // in parallel.
}

void CollectorSet::start()
{
    if (d->nodes)
        d->nodesThread->start(d->nodes, &NodeSource::start);
    if (d->redis)
        d->redisThread->start(d->redis, &RedisCollector::start);
    if (d->postgres)
        d->postgresThread->start(d->postgres, &PostgresCollector::start);
    if (d->runtime)
        d->runtimeThread->start(d->runtime, &ContainerRuntime::start);
}

void CollectorSet::retire()
{
    // Snapshots already queued to this object are dropped with the disconnection below, and
    // any still in flight are discarded when this object is deleted.
    for (QObject *source : { static_cast<QObject *>(d->nodes), static_cast<QObject *>(d->redis),
             static_cast<QObject *>(d->postgres), static_cast<QObject *>(d->runtime) }) {
        if (source)
            disconnect(source, nullptr, this, nullptr);
    }
    disconnect(this, nullptr, nullptr, nullptr);
    const auto threads = d->threads();
    auto remaining = std::make_shared<int>(int(threads.size()));
    if (*remaining == 0) {
        deleteLater();
        return;
    }
    for (WorkerThread *t : threads) {
        connect(t->thread(), &QThread::finished, this, [this, remaining] {
            if (--*remaining == 0)
                deleteLater();
        });
        t->thread()->quit();
    }
}

} // namespace cw
