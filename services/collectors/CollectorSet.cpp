#include "services/collectors/CollectorSet.h"

#include "services/runtime/docker/DockerClient.h"
#include "services/collectors/HttpCollector.h"
#include "services/collectors/PostgresCollector.h"
#include "services/collectors/RedisCollector.h"
#include "services/base/WorkerThread.h"

#include <QThread>

#include <vector>

namespace cw {

void registerSnapshotMetaTypes()
{
    qRegisterMetaType<NodeSnapshot>();
    qRegisterMetaType<RedisSnapshot>();
    qRegisterMetaType<PostgresSnapshot>();
    qRegisterMetaType<DockerSnapshot>();
    qRegisterMetaType<ContainerStats>();
    qRegisterMetaType<DockerEvent>();
    qRegisterMetaType<ActionResult>();
    qRegisterMetaType<ContainerAction>();
}

struct CollectorSet::Private
{
    std::unique_ptr<WorkerThread> httpThread;
    std::unique_ptr<WorkerThread> redisThread;
    std::unique_ptr<WorkerThread> postgresThread;
    std::unique_ptr<WorkerThread> dockerThread;
    HttpCollector *http = nullptr;
    RedisCollector *redis = nullptr;
    PostgresCollector *postgres = nullptr;
    DockerClient *docker = nullptr;

    std::vector<WorkerThread *> threads() const
    {
        std::vector<WorkerThread *> all;
        for (WorkerThread *t : {httpThread.get(), redisThread.get(), postgresThread.get(), dockerThread.get()}) {
            if (t)
                all.push_back(t);
        }
        return all;
    }
};

CollectorSet::CollectorSet(const ClusterConfig &config, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    registerSnapshotMetaTypes();
    if (!config.nodes.isEmpty()) {
        d->httpThread = std::make_unique<WorkerThread>(QStringLiteral("cw-http"));
        d->http = d->httpThread->adopt(new HttpCollector(config.nodes, config.timeouts, config.pollInterval,
                                                         config.maxBodyBytes));
        connect(d->http, &HttpCollector::nodeSnapshotReady, this, &CollectorSet::nodeSnapshotReady);
    }
    if (config.redis.configured) {
        d->redisThread = std::make_unique<WorkerThread>(QStringLiteral("cw-redis"));
        d->redis = d->redisThread->adopt(new RedisCollector(config.redis, config.timeouts, config.pollInterval));
        connect(d->redis, &RedisCollector::snapshotReady, this, &CollectorSet::redisSnapshotReady);
    }
    if (config.postgres.configured) {
        d->postgresThread = std::make_unique<WorkerThread>(QStringLiteral("cw-postgres"));
        d->postgres = d->postgresThread->adopt(
            new PostgresCollector(config.postgres, config.timeouts, config.pollInterval));
        connect(d->postgres, &PostgresCollector::snapshotReady, this, &CollectorSet::postgresSnapshotReady);
    }
    if (config.docker.configured) {
        d->dockerThread = std::make_unique<WorkerThread>(QStringLiteral("cw-docker"));
        d->docker = d->dockerThread->adopt(new DockerClient(config.docker, config.timeouts, config.pollInterval));
        connect(d->docker, &DockerClient::snapshotReady, this, &CollectorSet::dockerSnapshotReady);
        connect(d->docker, &DockerClient::statsReady, this, &CollectorSet::containerStatsReady);
        connect(d->docker, &DockerClient::eventReceived, this, &CollectorSet::dockerEventReceived);
        connect(d->docker, &DockerClient::actionFinished, this, &CollectorSet::actionFinished);
        connect(d->docker, &DockerClient::logsReady, this, &CollectorSet::logsReady);
        connect(d->docker, &DockerClient::logLine, this, &CollectorSet::logLine);
    }
}

bool CollectorSet::hasDocker() const
{
    return d->docker != nullptr;
}

void CollectorSet::perform(quint64 requestId, const QString &container, ContainerAction action, int graceSeconds)
{
    if (!d->docker) {
        ActionResult result;
        result.requestId = requestId;
        result.container = container;
        result.action = action;
        result.outcome = ActionOutcome::Failed;
        result.message = QStringLiteral("no Docker host is configured for this cluster");
        Q_EMIT actionFinished(result);
        return;
    }
    QMetaObject::invokeMethod(d->docker, [docker = d->docker, requestId, container, action, graceSeconds] {
        docker->perform(requestId, container, action, graceSeconds);
    }, Qt::QueuedConnection);
}

void CollectorSet::fetchLogs(quint64 requestId, const QString &container, int tail)
{
    if (!d->docker)
        return;
    QMetaObject::invokeMethod(d->docker, [docker = d->docker, requestId, container, tail] {
        docker->fetchLogs(requestId, container, tail);
    }, Qt::QueuedConnection);
}

void CollectorSet::followLogs(const QString &container, bool follow)
{
    if (!d->docker)
        return;
    QMetaObject::invokeMethod(d->docker, [docker = d->docker, container, follow] {
        if (follow)
            docker->followLogs(container);
        else
            docker->unfollowLogs(container);
    }, Qt::QueuedConnection);
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
    if (d->http)
        d->httpThread->start(d->http, &HttpCollector::start);
    if (d->redis)
        d->redisThread->start(d->redis, &RedisCollector::start);
    if (d->postgres)
        d->postgresThread->start(d->postgres, &PostgresCollector::start);
    if (d->docker)
        d->dockerThread->start(d->docker, &DockerClient::start);
}

void CollectorSet::retire()
{
    // Snapshots already queued to this object are dropped with the disconnection below, and
    // any still in flight are discarded when this object is deleted.
    for (QObject *source : {static_cast<QObject *>(d->http), static_cast<QObject *>(d->redis),
                            static_cast<QObject *>(d->postgres), static_cast<QObject *>(d->docker)}) {
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
