#include "services/alerts/AlertRules.h"

#include "models/ContainerMapping.h"
#include "models/Formatter.h"
#include "models/DockerTypes.h"

#include <QMap>

#include <algorithm>
#include <cmath>
#include <utility>

namespace cw {

namespace {

const QString kRedisCause = QStringLiteral("redis_down/redis");
const QString kPostgresCause = QStringLiteral("postgres_down/postgres");
constexpr qint64 kRateWindowMs = 60'000;
constexpr qint64 kMinRateSpanMs = 15'000;

/// "1,000", "80", "2.5"
QString figure(double value)
{
    if (std::abs(value - std::round(value)) < 1e-9 && std::abs(value) < 1e15)
        return fmt::count(qint64(std::llround(value)));
    return QString::number(value, 'f', 1);
}

/// A configured duration as people write it: "500 ms", "30 s", "90 s", "2 min", "1 h".
QString limitText(qint64 ms)
{
    if (ms % 1000 != 0)
        return fmt::duration(double(ms));
    const qint64 s = ms / 1000;
    if (s < 120 || s % 60 != 0)
        return QString::number(s) + QStringLiteral(" s");
    if (s < 7200 || s % 3600 != 0)
        return QString::number(s / 60) + QStringLiteral(" min");
    return QString::number(s / 3600) + QStringLiteral(" h");
}

/// An elapsed time: "45 s", "2 min 5 s", "1 h 30 min".
QString spanText(qint64 ms)
{
    if (ms < 120'000)
        return QString::number(std::max<qint64>(0, ms) / 1000) + QStringLiteral(" s");
    return fmt::duration(double(ms));
}

/// " for 60 s", or nothing for a rule that fires at once.
QString forText(const AlertRuleConfig &rule)
{
    return rule.forDuration.count() > 0 ? QStringLiteral(" for ") + limitText(rule.forDuration.count()) : QString();
}

/// Collector errors start with their subject ("Redis 127.0.0.1:6379: connection refused"); the
/// alert names the subject itself.
QString withoutSubject(const QString &error, QLatin1String subjectWord)
{
    if (error.startsWith(subjectWord)) {
        const qsizetype colon = error.indexOf(QLatin1String(": "));
        if (colon > 0)
            return error.mid(colon + 2);
    }
    return error;
}

qsizetype statusIndex(const char *status)
{
    for (std::size_t i = 0; i < kExecutionStatuses.size(); ++i) {
        if (qstrcmp(kExecutionStatuses[i], status) == 0)
            return qsizetype(i);
    }
    Q_ASSERT_X(false, "statusIndex", status);
    return 0;
}

qint64 finishedExecutions(const PostgresSnapshot &s)
{
    qint64 sum = 0;
    for (const char *status : {"success", "error", "crashed", "canceled"})
        sum += s.executions[std::size_t(statusIndex(status))];
    return sum;
}

bool containerStopped(const std::optional<ContainerInfo> &c)
{
    return c && (c->state == QLatin1String("exited") || c->state == QLatin1String("dead"));
}

QString containerStateText(const ContainerInfo &c)
{
    QString text = c.state;
    if (c.exitCode)
        text += QStringLiteral(" (%1)").arg(*c.exitCode);
    return text;
}

} // namespace

AlertRules::AlertRules(const ClusterConfig &config)
{
    setConfig(config);
}

void AlertRules::setConfig(const ClusterConfig &config)
{
    m_config = config;
    m_nodes.clear();
    for (const NodeConfig &node : config.nodes)
        m_nodes.insert(node.name, NodeData{});
    m_redis.reset();
    m_postgres.reset();
    m_dockerReachable = false;
    m_progressSeen = false;
    m_stallClockMs.reset();
    m_lastCompleted.clear();
    m_lastFinished.reset();
    m_lastQueue.reset();
    m_errorSamples.clear();
}

void AlertRules::applyNode(const NodeSnapshot &snapshot)
{
    const auto it = m_nodes.find(snapshot.node);
    if (it == m_nodes.end())
        return;
    it->last = snapshot;
    if (snapshot.values.queueCompleted) {
        const double completed = *snapshot.values.queueCompleted;
        const auto previous = m_lastCompleted.constFind(snapshot.node);
        // A lower value is a restarted main: a new baseline, not progress.
        if (previous != m_lastCompleted.cend() && completed > *previous)
            m_progressSeen = true;
        m_lastCompleted.insert(snapshot.node, completed);
    }
}

void AlertRules::applyRedis(const RedisSnapshot &snapshot)
{
    if (snapshot.reachable && snapshot.queueRead) {
        if (m_lastQueue
            && (snapshot.queue.waiting < m_lastQueue->waiting || snapshot.queue.active != m_lastQueue->active))
            m_progressSeen = true;
        m_lastQueue = snapshot.queue;
    }
    m_redis = snapshot;
}

void AlertRules::applyPostgres(const PostgresSnapshot &snapshot)
{
    if (snapshot.reachable && snapshot.n8nSchema) {
        const qint64 finished = finishedExecutions(snapshot);
        // Pruning (EXECUTIONS_DATA_PRUNE) deletes rows: a drop is a new baseline.
        if (m_lastFinished && finished > *m_lastFinished)
            m_progressSeen = true;
        m_lastFinished = finished;

        const qint64 errors = snapshot.executions[std::size_t(statusIndex("error"))];
        if (!m_errorSamples.empty()
            && (errors < m_errorSamples.back().errors || snapshot.timestampMs <= m_errorSamples.back().timeMs))
            m_errorSamples.clear();
        m_errorSamples.push_back({snapshot.timestampMs, errors});
        // Keep one sample at least a window old as the baseline.
        while (m_errorSamples.size() >= 2 && m_errorSamples[1].timeMs <= snapshot.timestampMs - kRateWindowMs)
            m_errorSamples.pop_front();
    }
    m_postgres = snapshot;
}

void AlertRules::applyContainers(const DockerSnapshot &snapshot)
{
    m_dockerReachable = snapshot.reachable;
    const ContainerMapping mapping = snapshot.reachable ? mapContainers(m_config.nodes, snapshot.containers)
                                                        : ContainerMapping{};
    for (auto it = m_nodes.begin(); it != m_nodes.end(); ++it) {
        const auto found = mapping.byNode.constFind(it.key());
        if (found == mapping.byNode.cend()) {
            it->container.reset();
            it->stats.reset();
            continue;
        }
        if (it->stats && it->stats->id != found->id)
            it->stats.reset();   // a recreated container
        it->container = *found;
    }
}

void AlertRules::applyContainerStats(const ContainerStats &stats)
{
    for (NodeData &node : m_nodes) {
        if (node.container && node.container->id == stats.id) {
            node.stats = stats;
            return;
        }
    }
}

void AlertRules::applyDockerEvent(const DockerEvent &event)
{
    if (event.type != QLatin1String("container"))
        return;
    for (NodeData &node : m_nodes) {
        if (!node.container || (node.container->id != event.id && node.container->name != event.name))
            continue;
        if (applyLifecycleEvent(*node.container, event) && node.container->state == QLatin1String("exited"))
            node.stats.reset();
        return;
    }
}

const AlertRules::NodeData &AlertRules::nodeData(const QString &name) const
{
    static const NodeData none;
    const auto it = m_nodes.constFind(name);
    return it == m_nodes.cend() ? none : *it;
}

const AlertRuleConfig *AlertRules::enabledRule(const char *id) const
{
    const AlertRuleConfig *rule = m_config.alerts.rule(QLatin1String(id));
    return rule && rule->enabled ? rule : nullptr;
}

QStringList AlertRules::causes(bool redis, bool postgres) const
{
    QStringList list;
    if (redis && m_config.redis.configured)
        list.append(kRedisCause);
    if (postgres && m_config.postgres.configured)
        list.append(kPostgresCause);
    return list;
}

bool AlertRules::workerHealthy(const NodeData &node) const
{
    return node.last && node.last->health.ok() && node.last->readiness.ok() && !containerStopped(node.container);
}

std::optional<AlertRules::Backlog> AlertRules::backlog() const
{
    if (m_config.redis.configured) {
        if (!m_redis || !m_redis->reachable || !m_redis->queueRead)
            return std::nullopt;
        const QueueDepth &q = m_redis->queue;
        return Backlog{q.waiting + q.pausedWaiting, q.paused ? 0 : q.waiting, QStringLiteral("Redis")};
    }
    // Without Redis: main's n8n_scaling_mode_queue_jobs_waiting (refreshed every 20 s by default).
    std::optional<qint64> waiting;
    for (const NodeConfig &node : m_config.nodes) {
        const NodeData &data = nodeData(node.name);
        if (node.role == NodeRole::Main && data.last && data.last->values.queueWaiting)
            waiting = std::max(waiting.value_or(0), qint64(std::llround(*data.last->values.queueWaiting)));
    }
    if (!waiting)
        return std::nullopt;
    return Backlog{*waiting, *waiting, QStringLiteral("main's /metrics")};
}

std::optional<double> AlertRules::failedPerMinute() const
{
    if (m_errorSamples.size() < 2)
        return std::nullopt;
    const ErrorSample &base = m_errorSamples.front();
    const ErrorSample &last = m_errorSamples.back();
    const qint64 span = last.timeMs - base.timeMs;
    if (span < kMinRateSpanMs)
        return std::nullopt;
    return double(last.errors - base.errors) * 60'000.0 / double(span);
}

QList<RuleFinding> AlertRules::evaluate(qint64 nowMs)
{
    QList<RuleFinding> out;
    evaluateServices(out);
    evaluateNodes(out);
    evaluateQueue(nowMs, out);
    evaluateExecutions(out);
    evaluateSettings(out);
    return out;
}

void AlertRules::evaluateServices(QList<RuleFinding> &out) const
{
    const QString redis = QStringLiteral("Redis ") + m_config.redis.endpoint();
    if (m_config.redis.configured && enabledRule("redis_down")) {
        RuleFinding f{QStringLiteral("redis_down"), QStringLiteral("redis"), {}, {}, {}, {}};
        if (m_redis) {
            f.condition = !m_redis->reachable;
            f.summary = m_redis->reachable
                ? QString(redis + QStringLiteral(" reachable again"))
                : QString(redis + QStringLiteral(" not reachable: ")
                          + withoutSubject(m_redis->error, QLatin1String("Redis ")));
            if (!m_redis->reachable)
                f.detail = QStringLiteral("Workers lose their queue and fail readiness; main cannot enqueue.");
        }
        out.append(f);
    }
    if (m_config.postgres.configured && enabledRule("postgres_down")) {
        const QString postgres = QStringLiteral("PostgreSQL ") + m_config.postgres.endpoint();
        RuleFinding f{QStringLiteral("postgres_down"), QStringLiteral("postgres"), {}, {}, {}, {}};
        if (m_postgres) {
            f.condition = !m_postgres->reachable;
            f.summary = m_postgres->reachable
                ? QString(postgres + QStringLiteral(" reachable again"))
                : QString(postgres + QStringLiteral(" not reachable: ")
                          + withoutSubject(m_postgres->error, QLatin1String("PostgreSQL ")));
        }
        out.append(f);
    }
    if (m_config.redis.configured && enabledRule("redis_no_persistence")) {
        RuleFinding f{QStringLiteral("redis_no_persistence"), QStringLiteral("redis"), {}, {}, {}, {}};
        if (m_redis && m_redis->reachable) {
            QStringList problems;
            if (!m_redis->aofEnabled)
                problems.append(QStringLiteral("AOF is off (aof_enabled:0)"));
            if (m_redis->rdbLastBgsaveStatus == QLatin1String("err"))
                problems.append(QStringLiteral("the last RDB save failed (rdb_last_bgsave_status:err)"));
            f.condition = !problems.isEmpty();
            f.summary = problems.isEmpty()
                ? QString(redis + QStringLiteral(" persists again (AOF on, last RDB save ok)"))
                : QString(redis + QStringLiteral(" may lose queued jobs on restart: ") + problems.join(QStringLiteral("; ")));
            if (!problems.isEmpty())
                f.detail = QStringLiteral("n8n's queue lives in Redis; run it with appendonly yes.");
        }
        out.append(f);
    }
}

void AlertRules::evaluateNodes(QList<RuleFinding> &out) const
{
    const AlertRuleConfig *down = enabledRule("node_down");
    const AlertRuleConfig *ready = enabledRule("readiness_failing");
    const AlertRuleConfig *cpu = enabledRule("cpu_high");
    const AlertRuleConfig *memory = enabledRule("memory_high");

    for (const NodeConfig &node : m_config.nodes) {
        const NodeData &data = nodeData(node.name);
        const bool stopped = containerStopped(data.container);
        if (down) {
            // n8n exits when Redis stays away longer than QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD (10 s).
            RuleFinding f{QStringLiteral("node_down"), node.name, {}, {}, {}, causes(true, true)};
            if (stopped) {
                f.condition = true;
                f.summary = QStringLiteral("%1: container %2 %3")
                                .arg(node.name, data.container->name, containerStateText(*data.container));
            } else if (data.last) {
                f.condition = !data.last->health.ok();
                f.summary = data.last->health.ok()
                    ? QString(node.name + QStringLiteral(" answers again"))
                    : QString(node.name + QStringLiteral(" not answering: ") + data.last->health.errorText);
            }
            if (f.condition.value_or(false) && data.container)
                f.detail = QStringLiteral("container %1: %2").arg(data.container->name, containerStateText(*data.container));
            out.append(f);
        }
        if (ready) {
            // A worker's readiness also checks Redis; main's and a webhook processor's only the database.
            RuleFinding f{QStringLiteral("readiness_failing"), node.name, {}, {}, {},
                          causes(node.role == NodeRole::Worker, true)};
            // When /healthz fails the node is down: node_down speaks, readiness keeps its state.
            if (data.last && data.last->health.ok() && !stopped) {
                f.condition = !data.last->readiness.ok();
                f.summary = data.last->readiness.ok()
                    ? QString(node.name + QStringLiteral(" ready again"))
                    : QString(node.name + QStringLiteral(" not ready: ") + data.last->readiness.errorText);
                if (!data.last->readiness.ok())
                    f.detail = node.role == NodeRole::Worker
                        ? QStringLiteral("A worker is not ready when its database or Redis connection is gone.")
                        : QStringLiteral("n8n is not ready while its database is unreachable or migrating.");
            }
            out.append(f);
        }
        if (cpu) {
            RuleFinding f{QStringLiteral("cpu_high"), node.name, {}, {}, {}, {}};
            std::optional<double> percent;
            QString source;
            if (data.last && data.last->cpuPercent) {
                percent = data.last->cpuPercent;
                source = QStringLiteral("from /metrics (n8n_process_cpu_seconds_total)");
            } else if (data.stats && data.stats->cpuPercent) {
                percent = data.stats->cpuPercent;
                source = QStringLiteral("from Docker stats of container ") + data.container->name;
            }
            if (percent) {
                f.condition = *percent > cpu->threshold;
                f.summary = QStringLiteral("CPU %1 on %2").arg(fmt::percent(percent), node.name)
                    + (*f.condition ? QStringLiteral(" (> %1 %%2)").arg(figure(cpu->threshold), forText(*cpu))
                                    : QString());
                f.detail = source + QStringLiteral("; 100 % = one core");
            }
            out.append(f);
        }
        if (memory) {
            RuleFinding f{QStringLiteral("memory_high"), node.name, {}, {}, {}, {}};
            if (data.stats && data.stats->memoryLimitBytes > 0) {
                const double percent = 100.0 * double(data.stats->memoryUsedBytes) / double(data.stats->memoryLimitBytes);
                f.condition = percent > memory->threshold;
                f.summary = QStringLiteral("Memory %1 of the limit on %2: %3 of %4")
                                .arg(fmt::percent(percent), node.name, fmt::bytes(double(data.stats->memoryUsedBytes)),
                                     fmt::bytes(double(data.stats->memoryLimitBytes)))
                    + (*f.condition ? QStringLiteral(" (> %1 %%2)").arg(figure(memory->threshold), forText(*memory))
                                    : QString());
                f.detail = QStringLiteral("from Docker stats of container %1, without page cache; the limit is the "
                                          "host's memory unless the container has --memory")
                               .arg(data.container->name);
            }
            out.append(f);
        }
    }

    if (const AlertRuleConfig *none = enabledRule("no_worker")) {
        int workers = 0;
        int known = 0;
        int healthy = 0;
        QStringList reasons;
        for (const NodeConfig &node : m_config.nodes) {
            if (node.role != NodeRole::Worker)
                continue;
            ++workers;
            const NodeData &data = nodeData(node.name);
            if (!data.last && !data.container)
                continue;
            ++known;
            if (workerHealthy(data)) {
                ++healthy;
            } else if (containerStopped(data.container)) {
                reasons.append(QStringLiteral("%1: container %2").arg(node.name, containerStateText(*data.container)));
            } else if (data.last) {
                reasons.append(node.name + QStringLiteral(": ")
                               + (data.last->health.ok() ? QStringLiteral("not ready: ") + data.last->readiness.errorText
                                                         : data.last->health.errorText));
            }
        }
        if (workers > 0) {
            RuleFinding f{QStringLiteral("no_worker"), QStringLiteral("workers"), {}, {}, {}, causes(true, true)};
            if (known > 0) {
                f.condition = healthy == 0;
                f.summary = healthy == 0
                    ? QStringLiteral("No worker available: none of %1 workers answers healthy%2")
                          .arg(workers)
                          .arg(forText(*none))
                    : QStringLiteral("%1 of %2 workers answer healthy").arg(healthy).arg(workers);
                f.detail = reasons.join(QLatin1Char('\n'));
            }
            out.append(f);
        }
    }
}

void AlertRules::evaluateQueue(qint64 nowMs, QList<RuleFinding> &out)
{
    const std::optional<Backlog> jobs = backlog();
    if (const AlertRuleConfig *rule = enabledRule("queue_backlog")) {
        RuleFinding f{QStringLiteral("queue_backlog"), QStringLiteral("queue"), {}, {}, {}, {}};
        if (jobs) {
            f.condition = double(jobs->waiting) > rule->threshold;
            f.summary = QStringLiteral("Queue: %1 jobs waiting").arg(fmt::count(jobs->waiting))
                + (*f.condition ? QStringLiteral(" (> %1%2)").arg(figure(rule->threshold), forText(*rule)) : QString());
            f.detail = QStringLiteral("from ") + jobs->source;
            if (m_redis && m_redis->queueRead)
                f.detail += QStringLiteral(": wait %1, paused %2, active %3")
                                .arg(fmt::count(m_redis->queue.waiting), fmt::count(m_redis->queue.pausedWaiting),
                                     fmt::count(m_redis->queue.active));
        }
        out.append(f);
    }

    // The stall clock runs while jobs wait and restarts at every sign of progress.
    const bool progress = std::exchange(m_progressSeen, false);
    if (!jobs || jobs->runnable <= 0)
        m_stallClockMs.reset();
    else if (!m_stallClockMs || progress)
        m_stallClockMs = nowMs;

    const AlertRuleConfig *rule = enabledRule("worker_stalled");
    if (!rule)
        return;
    RuleFinding f{QStringLiteral("worker_stalled"), QStringLiteral("queue"), {}, {}, {}, causes(true, true)};
    if (!jobs) {
        out.append(f);
        return;
    }
    int workers = 0;
    int healthy = 0;
    for (const NodeConfig &node : m_config.nodes) {
        if (node.role == NodeRole::Worker) {
            ++workers;
            healthy += workerHealthy(nodeData(node.name)) ? 1 : 0;
        }
    }
    const auto limitMs = qint64(std::llround(rule->threshold * 1000.0));
    const qint64 stalledMs = m_stallClockMs ? nowMs - *m_stallClockMs : 0;
    // Without a healthy worker it is no_worker's (or Redis') alert, not a stall.
    f.condition = jobs->runnable > 0 && stalledMs >= limitMs && (workers == 0 || healthy > 0);
    if (*f.condition) {
        f.summary = QStringLiteral("Workers stalled: %1 jobs waiting, none finished for %2")
                        .arg(fmt::count(jobs->runnable), spanText(stalledMs))
            + (workers > 0 ? QStringLiteral(" while %1 of %2 workers answer healthy").arg(healthy).arg(workers)
                           : QString())
            + QStringLiteral(" (> %1)").arg(limitText(limitMs));
        f.detail = QStringLiteral("No progress seen in any of: main's completed-jobs counter, PostgreSQL's finished "
                                  "executions, Bull's wait and active lists. n8n's health checks do not notice "
                                  "a hung worker.");
    } else if (jobs->runnable <= 0) {
        f.summary = QStringLiteral("Queue: no job waiting");
    } else {
        f.summary = stalledMs < 1000
            ? QStringLiteral("Queue: %1 jobs waiting, jobs are moving").arg(fmt::count(jobs->runnable))
            : QStringLiteral("Queue: %1 jobs waiting, last progress %2 ago").arg(fmt::count(jobs->runnable), spanText(stalledMs));
    }
    out.append(f);
}

void AlertRules::evaluateExecutions(QList<RuleFinding> &out) const
{
    const bool known = m_postgres && m_postgres->reachable && m_postgres->n8nSchema;
    if (m_config.postgres.configured && enabledRule("executions_stuck")) {
        RuleFinding f{QStringLiteral("executions_stuck"), QStringLiteral("executions"), {}, {}, {}, {}};
        if (known) {
            const QString after = limitText(m_config.postgres.stuckRunningAfter.count());
            f.condition = m_postgres->stuckRunning > 0;
            f.summary = m_postgres->stuckRunning > 0
                ? QStringLiteral("%1 executions running for more than %2").arg(fmt::count(m_postgres->stuckRunning), after)
                : QStringLiteral("No execution running for more than %1").arg(after);
            if (m_postgres->stuckRunning > 0)
                f.detail = QStringLiteral("A worker that died or hung leaves its executions \"running\"; n8n marks them "
                                          "crashed only when that worker restarts.");
        }
        out.append(f);
    }
    if (m_config.postgres.configured) {
        if (const AlertRuleConfig *rule = enabledRule("failed_rate")) {
            RuleFinding f{QStringLiteral("failed_rate"), QStringLiteral("executions"), {}, {}, {}, {}};
            if (const std::optional<double> rate = failedPerMinute(); rate && known) {
                f.condition = *rate > rule->threshold;
                f.summary = QStringLiteral("%1 failed executions per minute").arg(QString::number(*rate, 'f', 1))
                    + (*f.condition ? QStringLiteral(" (> %1%2)").arg(figure(rule->threshold), forText(*rule))
                                    : QString());
                f.detail = QStringLiteral("growth of executions with status \"error\" over the last minute");
            }
            out.append(f);
        }
    }
}

void AlertRules::evaluateSettings(QList<RuleFinding> &out) const
{
    if (!enabledRule("config_mismatch") || !m_config.docker.configured)
        return;
    // Containers that report none of the settings (not n8n, or not inspected) say nothing.
    QList<std::pair<QString, const ContainerInfo *>> containers;
    for (const NodeConfig &node : m_config.nodes) {
        const NodeData &data = nodeData(node.name);
        if (data.container && !data.container->settingHashes.isEmpty())
            containers.append({node.name, &*data.container});
    }
    for (const QString &key : consistencySettingKeys()) {
        RuleFinding f{QStringLiteral("config_mismatch"), key, {}, {}, {}, {}};
        if (!m_dockerReachable) {
            out.append(f);
            continue;
        }
        // Groups by value hash, in first-seen order; the hash itself is never shown.
        QList<QByteArray> order;
        QMap<QByteArray, QStringList> groups;
        bool anySet = false;
        for (const auto &[name, container] : containers) {
            const auto hash = container->settingHashes.constFind(key);
            const QByteArray group = hash == container->settingHashes.cend() ? QByteArray() : *hash;
            anySet = anySet || !group.isEmpty();
            if (!groups.contains(group))
                order.append(group);
            groups[group].append(name);
        }
        f.condition = anySet && groups.size() > 1;
        if (*f.condition) {
            QStringList parts;
            QStringList lines;
            for (const QByteArray &group : std::as_const(order)) {
                parts.append(groups[group].join(QStringLiteral(", ")));
                lines.append((group.isEmpty() ? QStringLiteral("not set: ") : QStringLiteral("same value: "))
                             + groups[group].join(QStringLiteral(", ")));
            }
            f.summary = QStringLiteral("%1 differs between nodes: %2").arg(key, parts.join(QStringLiteral(" | ")));
            f.detail = lines.join(QLatin1Char('\n'))
                + QStringLiteral("\nCompared as hashes of the containers' environment; values are not shown.");
        } else {
            f.summary = QStringLiteral("%1 is the same on all %2 inspected nodes").arg(key).arg(containers.size());
        }
        out.append(f);
    }
}

} // namespace cw
