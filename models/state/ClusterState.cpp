#include "models/state/ClusterState.h"

#include "models/ContainerMapping.h"

#include <algorithm>

namespace cw {

namespace {
constexpr qint64 kRateWindowMs = 60'000;
constexpr qint64 kMinRateSpanMs = 15'000;
} // namespace

Millis staleAfter(const ClusterConfig &config)
{
    return std::max(
        config.pollInterval * 3, config.pollInterval + config.timeouts.request + Millis(1000));
}

ClusterState::ClusterState(const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock ? clock : &Clock::system())
    , m_now(m_clock->now())
{
}

Instant ClusterState::arrived()
{
    const Instant at = m_clock->now();
    if (at.monoMs >= m_now.monoMs)
        m_now = at;
    return at;
}

void ClusterState::setConfig(const ClusterConfig &config)
{
    Q_EMIT aboutToReset();
    m_config = config;
    m_staleAfter = staleAfter(config);
    m_nodes.clear();
    m_nodes.reserve(config.nodes.size());
    for (const NodeConfig &node : config.nodes) {
        NodeEntry entry;
        entry.config = node;
        entry.last.node = node.name;
        entry.verdict = evaluateNode(entry.last, std::nullopt, config.health);
        m_nodes.append(entry);
    }
    m_redis = {};
    m_postgres = {};
    m_hasRedis = m_hasPostgres = false;
    m_redisStale = m_postgresStale = false;
    m_runtimeReachable = false;
    m_discovered.clear();
    m_lastUpdateMs = m_lastUpdateMonoMs = 0;
    m_progress = 0;
    m_lastCompleted.clear();
    m_completedJobs.reset();
    m_completedResets = 0;
    m_lastFinished.reset();
    m_lastQueue.reset();
    m_errorSamples.clear();
    Q_EMIT reset();
}

int ClusterState::indexOf(const QString &node) const
{
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i].config.name == node)
            return i;
    }
    return -1;
}

const NodeEntry *ClusterState::node(const QString &node) const
{
    const int i = indexOf(node);
    return i >= 0 ? &m_nodes[i] : nullptr;
}

int ClusterState::indexOfContainer(const QString &idOrName) const
{
    for (int i = 0; i < m_nodes.size(); ++i) {
        const NodeEntry &entry = m_nodes[i];
        if (entry.container
            && (entry.container->id == idOrName || entry.container->name == idOrName))
            return i;
    }
    return -1;
}

QString ClusterState::nodeOfContainer(const QString &idOrName) const
{
    const int i = indexOfContainer(idOrName);
    return i >= 0 ? m_nodes[i].config.name : QString();
}

bool ClusterState::isStale(bool received, qint64 receivedMonoMs) const
{
    return received && ageMs(receivedMonoMs) > m_staleAfter.count();
}

void ClusterState::settle(int index, Changes what)
{
    NodeEntry &entry = m_nodes[index];
    NodeVerdict verdict = evaluateNode(entry.last, entry.container, m_config.health);
    if (!(verdict == entry.verdict)) {
        entry.verdict = std::move(verdict);
        what |= Change::Verdict;
    }
    const bool stale = isStale(entry.last.timestampMs > 0, entry.receivedMonoMs);
    if (stale != entry.stale) {
        entry.stale = stale;
        what |= Change::Staleness;
    }
    if (what)
        Q_EMIT nodeChanged(index, what);
}

void ClusterState::applyNode(const NodeSnapshot &snapshot)
{
    const int index = indexOf(snapshot.node);
    if (index < 0)
        return; // a reply for a node of a previous cluster file
    NodeEntry &entry = m_nodes[index];
    if (snapshot.sequence != 0 && snapshot.sequence < entry.last.sequence)
        return; // a stale reply
    const Instant at = arrived();
    // The latest arrival, not the largest wall time: after the wall clock was set back, the
    // largest would be an old snapshot for as long as the clock was moved.
    m_lastUpdateMs = snapshot.timestampMs;
    m_lastUpdateMonoMs = at.monoMs;
    Changes what = Change::Observed;
    const NodeSnapshot &before = entry.last;
    const auto sameAnswer = [](const EndpointResult &a, const EndpointResult &b) {
        return a.httpStatus == b.httpStatus && a.error == b.error && a.errorText == b.errorText;
    };
    if (!sameAnswer(before.health, snapshot.health)
        || !sameAnswer(before.readiness, snapshot.readiness))
        what |= Change::Readiness;
    if (before.health.responseMs != snapshot.health.responseMs)
        what |= Change::Response;
    const NodeMetrics &a = before.values;
    const NodeMetrics &b = snapshot.values;
    if (before.cpuPercent != snapshot.cpuPercent || a.residentMemoryBytes != b.residentMemoryBytes
        || a.eventLoopLagSeconds != b.eventLoopLagSeconds || a.version != b.version
        || a.leader != b.leader || before.metricsState != snapshot.metricsState
        || before.metricsError != snapshot.metricsError)
        what |= Change::Metrics;
    entry.last = snapshot;
    entry.receivedMonoMs = at.monoMs;
    if (snapshot.health.ok() && entry.lastSeenMs != snapshot.timestampMs) {
        entry.lastSeenMs = snapshot.timestampMs;
        entry.lastSeenMonoMs = at.monoMs;
        what |= Change::LastSeen;
    }

    if (snapshot.values.queueCompleted) {
        const double completed = *snapshot.values.queueCompleted;
        const auto previous = m_lastCompleted.constFind(snapshot.node);
        if (previous != m_lastCompleted.cend()) {
            // A lower value is a restarted main: a new baseline, not progress.
            const double rise = completed > *previous ? completed - *previous : 0.0;
            if (completed < *previous)
                ++m_completedResets;
            m_completedJobs = m_completedJobs.value_or(0.0) + rise;
            if (rise > 0)
                ++m_progress;
        }
        m_lastCompleted.insert(snapshot.node, completed);
    }
    settle(index, what);
}

void ClusterState::applyRedis(const RedisSnapshot &snapshot)
{
    if (snapshot.reachable && snapshot.queueRead) {
        if (m_lastQueue
            && (snapshot.queue.waiting < m_lastQueue->waiting
                || snapshot.queue.active != m_lastQueue->active))
            ++m_progress;
        m_lastQueue = snapshot.queue;
    }
    m_redis = snapshot;
    m_hasRedis = true;
    m_redisReceivedMonoMs = arrived().monoMs;
    m_redisStale = false;
    Q_EMIT redisChanged();
}

void ClusterState::applyPostgres(const PostgresSnapshot &snapshot)
{
    const qint64 atMono = arrived().monoMs;
    if (snapshot.reachable && snapshot.n8nSchema) {
        const qint64 finished = snapshot.finishedExecutions();
        // Pruning (EXECUTIONS_DATA_PRUNE) deletes rows: a drop is a new baseline.
        if (m_lastFinished && finished > *m_lastFinished)
            ++m_progress;
        m_lastFinished = finished;

        // The rate is over arrival times: the collectors' wall clock may have been stepped.
        const qint64 errors = snapshot.executionsWith("error");
        if (!m_errorSamples.empty() && errors < m_errorSamples.back().errors)
            m_errorSamples.clear();
        if (!m_errorSamples.empty() && atMono <= m_errorSamples.back().monoMs)
            m_errorSamples.pop_back(); // two in the same millisecond: the newer counts
        m_errorSamples.push_back({ atMono, errors });
        // Keep one sample at least a window old as the baseline.
        while (m_errorSamples.size() >= 2 && m_errorSamples[1].monoMs <= atMono - kRateWindowMs)
            m_errorSamples.pop_front();
    }
    m_postgres = snapshot;
    m_hasPostgres = true;
    m_postgresReceivedMonoMs = atMono;
    m_postgresStale = false;
    Q_EMIT postgresChanged();
}

std::optional<double> ClusterState::failedPerMinute() const
{
    if (m_errorSamples.size() < 2)
        return std::nullopt;
    const ErrorSample &base = m_errorSamples.front();
    const ErrorSample &last = m_errorSamples.back();
    const qint64 span = last.monoMs - base.monoMs;
    if (span < kMinRateSpanMs)
        return std::nullopt;
    return double(last.errors - base.errors) * 60'000.0 / double(span);
}

void ClusterState::applyContainers(const RuntimeSnapshot &snapshot)
{
    const ContainerMapping mapping = snapshot.reachable
        ? mapContainers(m_config.nodes, snapshot.containers)
        : ContainerMapping {};
    for (int i = 0; i < m_nodes.size(); ++i) {
        NodeEntry &entry = m_nodes[i];
        const auto found = mapping.byNode.constFind(entry.config.name);
        Changes what;
        if (found == mapping.byNode.cend()) {
            if (entry.container)
                what |= Change::Container;
            if (entry.stats)
                what |= Change::Stats;
            entry.container.reset();
            entry.stats.reset();
        } else {
            if (entry.stats && entry.stats->id != found->id) {
                entry.stats.reset(); // a recreated container
                what |= Change::Stats;
            }
            if (!entry.container || entry.container->id != found->id
                || entry.container->state != found->state
                || entry.container->restartCount != found->restartCount
                || entry.container->exitCode != found->exitCode
                || entry.container->name != found->name
                || entry.container->settingHashes != found->settingHashes)
                what |= Change::Container;
            entry.container = *found;
        }
        settle(i, what);
    }
    const bool changed = m_runtimeReachable != snapshot.reachable
        || m_discovered.size() != mapping.discovered.size()
        || !std::equal(m_discovered.cbegin(), m_discovered.cend(), mapping.discovered.cbegin(),
            [](const ContainerInfo &a, const ContainerInfo &b) {
                return a.id == b.id && a.state == b.state;
            });
    m_runtimeReachable = snapshot.reachable;
    m_discovered = mapping.discovered;
    if (changed)
        Q_EMIT containersChanged();
}

void ClusterState::applyContainerStats(const ContainerStats &stats)
{
    const int index = indexOfContainer(stats.id);
    if (index < 0)
        return;
    m_nodes[index].stats = stats;
    settle(index, Change::Stats);
}

void ClusterState::applyRuntimeEvent(const RuntimeEvent &event)
{
    if (event.type != QLatin1String("container"))
        return;
    int index = indexOfContainer(event.id);
    if (index < 0)
        index = indexOfContainer(event.name);
    if (index < 0)
        return;
    NodeEntry &entry = m_nodes[index];
    Changes what;
    if (applyLifecycleEvent(*entry.container, event)) {
        what |= Change::Container;
        if (entry.container->state == QLatin1String("exited") && entry.stats) {
            entry.stats.reset();
            what |= Change::Stats;
        }
    }
    settle(index, what);
}

void ClusterState::tick(const Instant &now)
{
    m_now = now;
    Q_EMIT ticked(); // texts that follow the clock first; staleness flips are reported after
    for (int i = 0; i < m_nodes.size(); ++i)
        settle(i, {});
    m_redisStale = isStale(m_hasRedis, m_redisReceivedMonoMs);
    m_postgresStale = isStale(m_hasPostgres, m_postgresReceivedMonoMs);
    // The panels show "updated N s ago", so they refresh on every tick.
    Q_EMIT redisChanged();
    Q_EMIT postgresChanged();
}

} // namespace cw
