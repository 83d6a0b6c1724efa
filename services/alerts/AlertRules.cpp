#include "services/alerts/AlertRules.h"

#include "models/ContainerMapping.h"
#include "models/Formatter.h"
#include "models/RuntimeTypes.h"

#include <QMap>
#include <algorithm>
#include <cmath>
#include <utility>

namespace cw {

namespace {

const QString kRedisCause = QStringLiteral("redis_down/redis");
const QString kPostgresCause = QStringLiteral("postgres_down/postgres");

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
    return rule.forDuration.count() > 0
        ? QStringLiteral(" for ") + limitText(rule.forDuration.count())
        : QString();
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

} // namespace

AlertRules::AlertRules(const ClusterState *state)
    : m_state(state)
{
}

void AlertRules::reset()
{
    m_progressSeen = m_state->progressCount();
    m_stallClockMono.reset();
}

const AlertRuleConfig *AlertRules::enabledRule(const char *id) const
{
    const AlertRuleConfig *rule = config().alerts.rule(QLatin1String(id));
    return rule && rule->enabled ? rule : nullptr;
}

const RedisSnapshot *AlertRules::redisData() const
{
    return m_state->hasRedis() ? &m_state->redis() : nullptr;
}

const PostgresSnapshot *AlertRules::postgresData() const
{
    return m_state->hasPostgres() ? &m_state->postgres() : nullptr;
}

QStringList AlertRules::causes(bool redis, bool postgres) const
{
    QStringList list;
    if (redis && config().redis.configured)
        list.append(kRedisCause);
    if (postgres && config().postgres.configured)
        list.append(kPostgresCause);
    return list;
}

bool AlertRules::workerHealthy(const NodeEntry &node)
{
    return node.last.timestampMs > 0 && node.last.health.ok() && node.last.readiness.ok()
        && node.verdict.cause != NodeVerdict::Cause::ContainerNotRunning;
}

std::optional<AlertRules::Backlog> AlertRules::backlog() const
{
    if (config().redis.configured) {
        if (!redisData() || !redisData()->reachable || !redisData()->queueRead)
            return std::nullopt;
        const QueueDepth &q = redisData()->queue;
        return Backlog { q.waiting + q.pausedWaiting, q.paused ? 0 : q.waiting,
            QStringLiteral("Redis") };
    }
    // Without Redis: main's n8n_scaling_mode_queue_jobs_waiting (refreshed every 20 s by default).
    std::optional<qint64> waiting;
    for (const NodeEntry &data : m_state->nodes()) {
        const NodeConfig &node = data.config;
        if (node.role == NodeRole::Main && data.last.timestampMs > 0
            && data.last.values.queueWaiting)
            waiting = std::max(
                waiting.value_or(0), qint64(std::llround(*data.last.values.queueWaiting)));
    }
    if (!waiting)
        return std::nullopt;
    return Backlog { *waiting, *waiting, QStringLiteral("main's /metrics") };
}

QList<RuleFinding> AlertRules::evaluate(qint64 monoMs)
{
    QList<RuleFinding> out;
    evaluateServices(out);
    evaluateNodes(out);
    evaluateQueue(monoMs, out);
    evaluateExecutions(out);
    evaluateSettings(out);
    return out;
}

void AlertRules::evaluateServices(QList<RuleFinding> &out) const
{
    const QString redis = QStringLiteral("Redis ") + config().redis.endpoint();
    if (config().redis.configured && enabledRule("redis_down")) {
        RuleFinding f { QStringLiteral("redis_down"), QStringLiteral("redis"), {}, {}, {}, {} };
        if (redisData()) {
            f.condition = !redisData()->reachable;
            f.summary = redisData()->reachable
                ? QString(redis + QStringLiteral(" reachable again"))
                : QString(redis + QStringLiteral(" not reachable: ")
                    + withoutSubject(redisData()->error, QLatin1String("Redis ")));
            if (!redisData()->reachable)
                f.detail = QStringLiteral(
                    "Workers lose their queue and fail readiness; main cannot enqueue.");
        }
        out.append(f);
    }
    if (config().postgres.configured && enabledRule("postgres_down")) {
        const QString postgres = QStringLiteral("PostgreSQL ") + config().postgres.endpoint();
        RuleFinding f { QStringLiteral("postgres_down"), QStringLiteral("postgres"), {}, {}, {},
            {} };
        if (postgresData()) {
            f.condition = !postgresData()->reachable;
            f.summary = postgresData()->reachable
                ? QString(postgres + QStringLiteral(" reachable again"))
                : QString(postgres + QStringLiteral(" not reachable: ")
                    + withoutSubject(postgresData()->error, QLatin1String("PostgreSQL ")));
        }
        out.append(f);
    }
    if (config().redis.configured && enabledRule("redis_no_persistence")) {
        RuleFinding f { QStringLiteral("redis_no_persistence"), QStringLiteral("redis"), {}, {}, {},
            {} };
        if (redisData() && redisData()->reachable) {
            QStringList problems;
            if (!redisData()->aofEnabled)
                problems.append(QStringLiteral("AOF is off (aof_enabled:0)"));
            if (redisData()->rdbLastBgsaveStatus == QLatin1String("err"))
                problems.append(
                    QStringLiteral("the last RDB save failed (rdb_last_bgsave_status:err)"));
            f.condition = !problems.isEmpty();
            f.summary = problems.isEmpty()
                ? QString(redis + QStringLiteral(" persists again (AOF on, last RDB save ok)"))
                : QString(redis + QStringLiteral(" may lose queued jobs on restart: ")
                    + problems.join(QStringLiteral("; ")));
            if (!problems.isEmpty())
                f.detail
                    = QStringLiteral("n8n's queue lives in Redis; run it with appendonly yes.");
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

    for (const NodeEntry &data : m_state->nodes()) {
        const NodeConfig &node = data.config;
        using Cause = NodeVerdict::Cause;
        const Cause cause = data.verdict.cause;
        const bool stopped = cause == Cause::ContainerNotRunning;
        if (down) {
            // The node's one verdict (the tiles show the same). n8n exits when Redis stays away
            // longer than QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD (10 s).
            RuleFinding f { QStringLiteral("node_down"), node.name, {}, {}, {},
                causes(true, true) };
            if (stopped) {
                f.condition = true;
                f.summary = QStringLiteral("%1: container %2 %3")
                                .arg(node.name, data.container->name,
                                    containerStateText(*data.container));
            } else if (cause != Cause::NotPolled) {
                f.condition = cause == Cause::HealthFailed;
                f.summary = *f.condition
                    ? QString(node.name + QStringLiteral(" not answering: ") + data.verdict.reason)
                    : QString(node.name + QStringLiteral(" answers again"));
            }
            if (f.condition.value_or(false) && data.container)
                f.detail = QStringLiteral("container %1: %2")
                               .arg(data.container->name, containerStateText(*data.container));
            out.append(f);
        }
        if (ready) {
            // A worker's readiness also checks Redis; main's and a webhook processor's only the
            // database.
            RuleFinding f { QStringLiteral("readiness_failing"), node.name, {}, {}, {},
                causes(node.role == NodeRole::Worker, true) };
            // When the node is down node_down speaks, and readiness keeps its state.
            if (cause != Cause::NotPolled && cause != Cause::HealthFailed && !stopped) {
                f.condition = cause == Cause::NotReady;
                f.summary = *f.condition ? QString(node.name + QStringLiteral(" not ready: ")
                                + data.last.readiness.errorText)
                                         : QString(node.name + QStringLiteral(" ready again"));
                if (*f.condition)
                    f.detail = node.role == NodeRole::Worker
                        ? QStringLiteral(
                            "A worker is not ready when its database or Redis connection is gone.")
                        : QStringLiteral(
                            "n8n is not ready while its database is unreachable or migrating.");
            }
            out.append(f);
        }
        if (cpu) {
            RuleFinding f { QStringLiteral("cpu_high"), node.name, {}, {}, {}, {} };
            std::optional<double> percent;
            QString source;
            if (data.last.timestampMs > 0 && data.last.cpuPercent) {
                percent = data.last.cpuPercent;
                source = QStringLiteral("from /metrics (n8n_process_cpu_seconds_total)");
            } else if (data.stats && data.stats->cpuPercent) {
                percent = data.stats->cpuPercent;
                source = QStringLiteral("from Docker stats of container ") + data.container->name;
            }
            if (percent) {
                f.condition = *percent > cpu->threshold;
                f.summary = QStringLiteral("CPU %1 on %2").arg(fmt::percent(percent), node.name)
                    + (*f.condition ? QStringLiteral(" (> %1 %%2)")
                                          .arg(figure(cpu->threshold), forText(*cpu))
                                    : QString());
                f.detail = source + QStringLiteral("; 100 % = one core");
            }
            out.append(f);
        }
        if (memory) {
            RuleFinding f { QStringLiteral("memory_high"), node.name, {}, {}, {}, {} };
            if (data.stats && data.stats->memoryLimitBytes > 0) {
                const double percent = 100.0 * double(data.stats->memoryUsedBytes)
                    / double(data.stats->memoryLimitBytes);
                f.condition = percent > memory->threshold;
                f.summary = QStringLiteral("Memory %1 of the limit on %2: %3 of %4")
                                .arg(fmt::percent(percent), node.name,
                                    fmt::bytes(double(data.stats->memoryUsedBytes)),
                                    fmt::bytes(double(data.stats->memoryLimitBytes)))
                    + (*f.condition ? QStringLiteral(" (> %1 %%2)")
                                          .arg(figure(memory->threshold), forText(*memory))
                                    : QString());
                f.detail = QStringLiteral(
                    "from Docker stats of container %1, without page cache; the limit is the "
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
        for (const NodeConfig &node : config().nodes) {
            if (node.role != NodeRole::Worker)
                continue;
            ++workers;
            const NodeEntry &data = *m_state->node(node.name);
            if (data.last.timestampMs == 0 && !data.container)
                continue;
            ++known;
            if (workerHealthy(data)) {
                ++healthy;
            } else if (data.verdict.cause == NodeVerdict::Cause::ContainerNotRunning) {
                reasons.append(QStringLiteral("%1: container %2")
                                   .arg(node.name, containerStateText(*data.container)));
            } else if (data.last.timestampMs > 0) {
                reasons.append(node.name + QStringLiteral(": ")
                    + (data.last.health.ok()
                            ? QStringLiteral("not ready: ") + data.last.readiness.errorText
                            : data.last.health.errorText));
            }
        }
        if (workers > 0) {
            RuleFinding f { QStringLiteral("no_worker"), QStringLiteral("workers"), {}, {}, {},
                causes(true, true) };
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

void AlertRules::evaluateQueue(qint64 monoMs, QList<RuleFinding> &out)
{
    const std::optional<Backlog> jobs = backlog();
    if (const AlertRuleConfig *rule = enabledRule("queue_backlog")) {
        RuleFinding f { QStringLiteral("queue_backlog"), QStringLiteral("queue"), {}, {}, {}, {} };
        if (jobs) {
            f.condition = double(jobs->waiting) > rule->threshold;
            f.summary = QStringLiteral("Queue: %1 jobs waiting").arg(fmt::count(jobs->waiting))
                + (*f.condition
                        ? QStringLiteral(" (> %1%2)").arg(figure(rule->threshold), forText(*rule))
                        : QString());
            f.detail = QStringLiteral("from ") + jobs->source;
            if (redisData() && redisData()->queueRead)
                f.detail += QStringLiteral(": wait %1, paused %2, active %3")
                                .arg(fmt::count(redisData()->queue.waiting),
                                    fmt::count(redisData()->queue.pausedWaiting),
                                    fmt::count(redisData()->queue.active));
        }
        out.append(f);
    }

    // The stall clock runs while jobs wait and restarts at every sign of progress.
    const bool progress = m_state->progressCount() != m_progressSeen;
    m_progressSeen = m_state->progressCount();
    if (!jobs || jobs->runnable <= 0)
        m_stallClockMono.reset();
    else if (!m_stallClockMono || progress)
        m_stallClockMono = monoMs;

    const AlertRuleConfig *rule = enabledRule("worker_stalled");
    if (!rule)
        return;
    RuleFinding f { QStringLiteral("worker_stalled"), QStringLiteral("queue"), {}, {}, {},
        causes(true, true) };
    if (!jobs) {
        out.append(f);
        return;
    }
    int workers = 0;
    int healthy = 0;
    for (const NodeConfig &node : config().nodes) {
        if (node.role == NodeRole::Worker) {
            ++workers;
            healthy += workerHealthy(*m_state->node(node.name)) ? 1 : 0;
        }
    }
    const auto limitMs = qint64(std::llround(rule->threshold * 1000.0));
    const qint64 stalledMs = m_stallClockMono ? monoMs - *m_stallClockMono : 0;
    // Without a healthy worker it is no_worker's (or Redis') alert, not a stall.
    f.condition = jobs->runnable > 0 && stalledMs >= limitMs && (workers == 0 || healthy > 0);
    if (*f.condition) {
        f.summary = QStringLiteral("Workers stalled: %1 jobs waiting, none finished for %2")
                        .arg(fmt::count(jobs->runnable), spanText(stalledMs))
            + (workers > 0 ? QStringLiteral(" while %1 of %2 workers answer healthy")
                                 .arg(healthy)
                                 .arg(workers)
                           : QString())
            + QStringLiteral(" (> %1)").arg(limitText(limitMs));
        f.detail = QStringLiteral(
            "No progress seen in any of: main's completed-jobs counter, PostgreSQL's finished "
            "executions, Bull's wait and active lists. n8n's health checks do not notice "
            "a hung worker.");
    } else if (jobs->runnable <= 0) {
        f.summary = QStringLiteral("Queue: no job waiting");
    } else {
        f.summary = stalledMs < 1000
            ? QStringLiteral("Queue: %1 jobs waiting, jobs are moving")
                  .arg(fmt::count(jobs->runnable))
            : QStringLiteral("Queue: %1 jobs waiting, last progress %2 ago")
                  .arg(fmt::count(jobs->runnable), spanText(stalledMs));
    }
    out.append(f);
}

void AlertRules::evaluateExecutions(QList<RuleFinding> &out) const
{
    const bool known = postgresData() && postgresData()->reachable && postgresData()->n8nSchema;
    if (config().postgres.configured && enabledRule("executions_stuck")) {
        RuleFinding f { QStringLiteral("executions_stuck"), QStringLiteral("executions"), {}, {},
            {}, {} };
        if (known) {
            const QString after = limitText(config().postgres.stuckRunningAfter.count());
            f.condition = postgresData()->stuckRunning > 0;
            f.summary = postgresData()->stuckRunning > 0
                ? QStringLiteral("%1 executions running for more than %2")
                      .arg(fmt::count(postgresData()->stuckRunning), after)
                : QStringLiteral("No execution running for more than %1").arg(after);
            if (postgresData()->stuckRunning > 0)
                f.detail = QStringLiteral(
                    "A worker that died or hung leaves its executions \"running\"; n8n marks them "
                    "crashed only when that worker restarts.");
        }
        out.append(f);
    }
    if (config().postgres.configured) {
        if (const AlertRuleConfig *rule = enabledRule("failed_rate")) {
            RuleFinding f { QStringLiteral("failed_rate"), QStringLiteral("executions"), {}, {}, {},
                {} };
            if (const std::optional<double> rate = m_state->failedPerMinute(); rate && known) {
                f.condition = *rate > rule->threshold;
                f.summary = QStringLiteral("%1 failed executions per minute")
                                .arg(QString::number(*rate, 'f', 1))
                    + (*f.condition ? QStringLiteral(" (> %1%2)")
                                          .arg(figure(rule->threshold), forText(*rule))
                                    : QString());
                f.detail = QStringLiteral(
                    "growth of executions with status \"error\" over the last minute");
            }
            out.append(f);
        }
    }
}

void AlertRules::evaluateSettings(QList<RuleFinding> &out) const
{
    if (!enabledRule("config_mismatch") || !config().docker.configured)
        return;
    // Containers that report none of the settings (not n8n, or not inspected) say nothing.
    QList<std::pair<QString, const ContainerInfo *>> containers;
    for (const NodeEntry &data : m_state->nodes()) {
        const NodeConfig &node = data.config;
        if (data.container && !data.container->settingHashes.isEmpty())
            containers.append({ node.name, &*data.container });
    }
    for (const QString &key : consistencySettingKeys()) {
        RuleFinding f { QStringLiteral("config_mismatch"), key, {}, {}, {}, {} };
        if (!m_state->runtimeReachable()) {
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
                lines.append(
                    (group.isEmpty() ? QStringLiteral("not set: ") : QStringLiteral("same value: "))
                    + groups[group].join(QStringLiteral(", ")));
            }
            f.summary = QStringLiteral("%1 differs between nodes: %2")
                            .arg(key, parts.join(QStringLiteral(" | ")));
            f.detail = lines.join(QLatin1Char('\n'))
                + QStringLiteral(
                    "\nCompared as hashes of the containers' environment; values are not shown.");
        } else {
            f.summary = QStringLiteral("%1 is the same on all %2 inspected nodes")
                            .arg(key)
                            .arg(containers.size());
        }
        out.append(f);
    }
}

} // namespace cw
