#include "services/session/HealthCheck.h"

#include "models/Clock.h"
#include "models/NodeHealth.h"
#include "models/state/ClusterState.h"
#include "services/alerts/AlertRules.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <algorithm>
#include <cmath>

namespace cw {

QString toString(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Ok:
        return QStringLiteral("OK");
    case CheckStatus::Warning:
        return QStringLiteral("WARNING");
    case CheckStatus::Critical:
        return QStringLiteral("CRITICAL");
    case CheckStatus::Unknown:
        return QStringLiteral("UNKNOWN");
    }
    return {};
}

namespace {

/// CRITICAL over UNKNOWN over WARNING over OK, as monitoring plugins rank them.
int rank(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Ok:
        return 0;
    case CheckStatus::Warning:
        return 1;
    case CheckStatus::Unknown:
        return 2;
    case CheckStatus::Critical:
        return 3;
    }
    return 0;
}

CheckStatus statusOf(NodeState state)
{
    switch (state) {
    case NodeState::Healthy:
        return CheckStatus::Ok;
    case NodeState::Degraded:
        return CheckStatus::Warning;
    case NodeState::Down:
        return CheckStatus::Critical;
    case NodeState::Unknown:
        return CheckStatus::Unknown;
    }
    return CheckStatus::Unknown;
}

CheckStatus statusOf(Severity severity)
{
    switch (severity) {
    case Severity::Critical:
        return CheckStatus::Critical;
    case Severity::Warning:
        return CheckStatus::Warning;
    case Severity::Info:
        return CheckStatus::Ok;
    }
    return CheckStatus::Warning;
}

QJsonValue optionalNumber(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonObject probe(const EndpointResult &result)
{
    QJsonObject o;
    o.insert(QStringLiteral("ok"), result.ok());
    o.insert(QStringLiteral("http_status"), result.httpStatus);
    o.insert(QStringLiteral("response_ms"), std::round(result.responseMs * 10) / 10);
    if (!result.ok())
        o.insert(QStringLiteral("error"), result.errorText);
    return o;
}

/// Collects the rows of the report, the worst status and the headline's problems.
struct Builder {
    CheckStatus worst = CheckStatus::Ok;
    QStringList problems; ///< for the headline
    QStringList subjects; ///< what the headline already names
    QList<CheckReport::Row> rows;

    /// @p subject: what the row is about; a rule finding about a subject the headline already
    /// names (node_down about a node shown down) is listed but not repeated in the headline.
    void add(CheckStatus status, const QString &what, const QString &detail,
        const QString &subject = QString())
    {
        if (rank(status) > rank(worst))
            worst = status;
        const QString about = subject.isEmpty() ? what : subject;
        if (status != CheckStatus::Ok && !subjects.contains(about)) {
            problems << what + QLatin1Char(' ') + detail;
            subjects << about;
        }
        rows.append({ status, what, detail });
    }
};

} // namespace

CheckReport buildCheckReport(const ClusterState &state, const QList<RuleFinding> &findings,
    const QStringList &unanswered, qint64 startedMs, qint64 durationMs)
{
    const ClusterConfig &config = state.config();
    Builder b;
    QJsonObject root;
    root.insert(QStringLiteral("schema"),
        QStringLiteral("clusterwatch-check/%1").arg(CheckReport::kSchemaVersion));
    root.insert(QStringLiteral("cluster"), config.name);
    root.insert(QStringLiteral("config"), config.sourceFile);
    root.insert(QStringLiteral("checked_at"),
        QDateTime::fromMSecsSinceEpoch(startedMs, Qt::UTC).toString(Qt::ISODateWithMs));
    root.insert(QStringLiteral("duration_ms"), durationMs);

    QJsonArray nodes;
    for (const NodeEntry &node : state.nodes()) {
        const CheckStatus status = statusOf(node.verdict.state);
        QJsonObject o;
        o.insert(QStringLiteral("name"), node.config.name);
        o.insert(QStringLiteral("role"), toString(node.config.role));
        o.insert(QStringLiteral("url"), node.config.baseUrl.toString());
        o.insert(QStringLiteral("status"), toString(status));
        o.insert(QStringLiteral("state"), toString(node.verdict.state));
        o.insert(QStringLiteral("reason"), node.verdict.reason);
        const bool polled = node.last.timestampMs > 0;
        o.insert(
            QStringLiteral("healthz"), polled ? QJsonValue(probe(node.last.health)) : QJsonValue());
        o.insert(QStringLiteral("readiness"),
            polled ? QJsonValue(probe(node.last.readiness)) : QJsonValue());
        o.insert(QStringLiteral("metrics"), toString(node.last.metricsState));
        o.insert(QStringLiteral("version"), node.last.values.version);
        o.insert(QStringLiteral("leader"),
            node.last.values.leader ? QJsonValue(*node.last.values.leader)
                                    : QJsonValue(QJsonValue::Null));
        o.insert(
            QStringLiteral("memory_bytes"), optionalNumber(node.last.values.residentMemoryBytes));
        if (node.container) {
            QJsonObject c;
            c.insert(QStringLiteral("name"), node.container->name);
            c.insert(QStringLiteral("state"), node.container->state);
            c.insert(QStringLiteral("restart_count"), node.container->restartCount);
            c.insert(QStringLiteral("exit_code"),
                node.container->exitCode ? QJsonValue(*node.container->exitCode)
                                         : QJsonValue(QJsonValue::Null));
            o.insert(QStringLiteral("container"), c);
        } else {
            o.insert(QStringLiteral("container"), QJsonValue());
        }
        nodes.append(o);
        QString detail = toString(node.verdict.state);
        if (!node.verdict.reason.isEmpty())
            detail += QStringLiteral(": ") + node.verdict.reason;
        else if (polled)
            detail
                += QStringLiteral(" (/healthz %1 ms)").arg(node.last.health.responseMs, 0, 'f', 0);
        b.add(status, node.config.name, detail);
    }
    root.insert(QStringLiteral("nodes"), nodes);

    if (state.redisConfigured()) {
        const RedisSnapshot &r = state.redis();
        QJsonObject o;
        o.insert(QStringLiteral("endpoint"), config.redis.endpoint());
        o.insert(QStringLiteral("answered"), state.hasRedis());
        o.insert(QStringLiteral("reachable"), r.reachable);
        const CheckStatus status = !state.hasRedis() ? CheckStatus::Unknown
            : r.reachable                            ? CheckStatus::Ok
                                                     : CheckStatus::Critical;
        o.insert(QStringLiteral("status"), toString(status));
        if (r.reachable) {
            o.insert(QStringLiteral("version"), r.version);
            o.insert(QStringLiteral("ping_ms"), std::round(r.pingMs * 10) / 10);
            o.insert(QStringLiteral("used_memory_bytes"), r.usedMemoryBytes);
            o.insert(QStringLiteral("connected_clients"), r.connectedClients);
        }
        if (!r.error.isEmpty())
            o.insert(QStringLiteral("error"), r.error);
        root.insert(QStringLiteral("redis"), o);
        b.add(status, QStringLiteral("redis"),
            !state.hasRedis() ? QStringLiteral("no answer")
                : r.reachable ? QStringLiteral("reachable, ping %1 ms")
                                    .arg(r.pingMs, 0, 'f', r.pingMs < 1 ? 2 : 1)
                              : QStringLiteral("unreachable: ") + r.error);
        if (r.reachable && r.queueRead) {
            QJsonObject q;
            q.insert(QStringLiteral("waiting"), r.queue.waiting);
            q.insert(QStringLiteral("active"), r.queue.active);
            q.insert(QStringLiteral("delayed"), r.queue.delayed);
            q.insert(QStringLiteral("prioritized"), r.queue.prioritized);
            q.insert(QStringLiteral("failed"), r.queue.failed);
            q.insert(QStringLiteral("paused"), r.queue.paused);
            root.insert(QStringLiteral("queue"), q);
            b.add(CheckStatus::Ok, QStringLiteral("queue"),
                QStringLiteral("%1 waiting, %2 active, %3 delayed%4")
                    .arg(r.queue.waiting)
                    .arg(r.queue.active)
                    .arg(r.queue.delayed)
                    .arg(r.queue.paused ? QStringLiteral(", paused") : QString()));
        } else {
            root.insert(QStringLiteral("queue"), QJsonValue());
        }
    } else {
        root.insert(QStringLiteral("redis"), QJsonValue());
        root.insert(QStringLiteral("queue"), QJsonValue());
    }

    if (state.postgresConfigured()) {
        const PostgresSnapshot &p = state.postgres();
        QJsonObject o;
        o.insert(QStringLiteral("endpoint"), config.postgres.endpoint());
        o.insert(QStringLiteral("answered"), state.hasPostgres());
        o.insert(QStringLiteral("reachable"), p.reachable);
        const CheckStatus status = !state.hasPostgres() ? CheckStatus::Unknown
            : p.reachable                               ? CheckStatus::Ok
                                                        : CheckStatus::Critical;
        o.insert(QStringLiteral("status"), toString(status));
        if (p.reachable) {
            o.insert(QStringLiteral("version"), p.serverVersion);
            o.insert(QStringLiteral("connections"), p.totalConnections());
            o.insert(QStringLiteral("max_connections"), p.maxConnections);
            o.insert(QStringLiteral("n8n_schema"), p.n8nSchema);
        }
        if (!p.error.isEmpty())
            o.insert(QStringLiteral("error"), p.error);
        root.insert(QStringLiteral("postgres"), o);
        b.add(status, QStringLiteral("postgres"),
            !state.hasPostgres() ? QStringLiteral("no answer")
                : p.reachable    ? QStringLiteral("reachable, %1/%2 connections")
                                    .arg(p.totalConnections())
                                    .arg(p.maxConnections)
                              : QStringLiteral("unreachable: ") + p.error);
        if (p.reachable && p.n8nSchema) {
            QJsonObject e;
            for (std::size_t i = 0; i < kExecutionStatuses.size(); ++i)
                e.insert(QLatin1String(kExecutionStatuses[i]), p.executions[i]);
            e.insert(QStringLiteral("stuck_running"), p.stuckRunning);
            root.insert(QStringLiteral("executions"), e);
            b.add(CheckStatus::Ok, QStringLiteral("executions"),
                QStringLiteral("%1 running, %2 waiting, %3 crashed, %4 stuck")
                    .arg(p.executionsWith("running"))
                    .arg(p.executionsWith("waiting"))
                    .arg(p.executionsWith("crashed"))
                    .arg(p.stuckRunning));
        } else {
            root.insert(QStringLiteral("executions"), QJsonValue());
        }
    } else {
        root.insert(QStringLiteral("postgres"), QJsonValue());
        root.insert(QStringLiteral("executions"), QJsonValue());
    }

    if (config.docker.configured) {
        QJsonObject o;
        o.insert(QStringLiteral("endpoint"), config.docker.display());
        o.insert(QStringLiteral("reachable"), state.runtimeReachable());
        QJsonArray containers;
        for (const NodeEntry &node : state.nodes()) {
            if (!node.container)
                continue;
            QJsonObject c;
            c.insert(QStringLiteral("node"), node.config.name);
            c.insert(QStringLiteral("name"), node.container->name);
            c.insert(QStringLiteral("state"), containerStateText(*node.container));
            c.insert(QStringLiteral("restart_count"), node.container->restartCount);
            containers.append(c);
        }
        o.insert(QStringLiteral("containers"), containers);
        root.insert(QStringLiteral("runtime"), o);
        b.add(state.runtimeReachable() ? CheckStatus::Ok : CheckStatus::Warning,
            QStringLiteral("runtime"),
            state.runtimeReachable()
                ? QStringLiteral("%1, %2 containers mapped")
                      .arg(config.docker.display())
                      .arg(containers.size())
                : QStringLiteral("%1 not reachable").arg(config.docker.display()));
    } else {
        root.insert(QStringLiteral("runtime"), QJsonValue());
    }

    QJsonArray rules;
    for (const RuleFinding &finding : findings) {
        const AlertRuleConfig *rule = config.alerts.rule(finding.rule);
        const Severity severity = rule ? rule->severity : Severity::Warning;
        const CheckStatus status = !finding.condition ? CheckStatus::Ok
            : *finding.condition                      ? statusOf(severity)
                                                      : CheckStatus::Ok;
        QJsonObject o;
        o.insert(QStringLiteral("rule"), finding.rule);
        o.insert(QStringLiteral("subject"), finding.subject);
        o.insert(QStringLiteral("severity"), toString(severity));
        o.insert(QStringLiteral("condition"),
            finding.condition ? QJsonValue(*finding.condition) : QJsonValue());
        o.insert(QStringLiteral("status"), toString(status));
        o.insert(QStringLiteral("summary"), finding.summary);
        rules.append(o);
        if (finding.condition && *finding.condition)
            b.add(status, finding.rule + QLatin1Char('/') + finding.subject, finding.summary,
                finding.subject);
    }
    root.insert(QStringLiteral("rules"), rules);

    for (const QString &source : unanswered)
        b.add(CheckStatus::Unknown, source, QStringLiteral("did not answer within the timeout"));
    QJsonArray unansweredJson;
    for (const QString &source : unanswered)
        unansweredJson.append(source);
    root.insert(QStringLiteral("unanswered"), unansweredJson);

    CheckReport report;
    report.status = b.worst;
    report.unanswered = unanswered;
    report.durationMs = durationMs;
    report.headline = toString(b.worst) + QStringLiteral(" - ")
        + (b.problems.isEmpty()
                ? QStringLiteral("%1: %2 nodes healthy").arg(config.name).arg(state.nodes().size())
                : config.name + QStringLiteral(": ") + b.problems.join(QStringLiteral("; ")));
    root.insert(QStringLiteral("status"), toString(b.worst));
    root.insert(QStringLiteral("exit_code"), report.exitCode());
    root.insert(QStringLiteral("headline"), report.headline);
    QJsonArray problems;
    for (const CheckReport::Row &row : std::as_const(b.rows)) {
        if (row.status != CheckStatus::Ok)
            problems.append(QString(toString(row.status) + QLatin1Char(' ') + row.what
                + QStringLiteral(": ") + row.detail));
    }
    root.insert(QStringLiteral("problems"), problems);
    report.rows = b.rows;
    report.json = root;
    return report;
}

QString CheckReport::table() const
{
    // Column widths from the content, so it reads well in a terminal and in a mail from cron.
    qsizetype statusWidth = 6;
    qsizetype whatWidth = 4;
    for (const Row &row : rows) {
        statusWidth = std::max(statusWidth, toString(row.status).size());
        whatWidth = std::max(whatWidth, row.what.size());
    }
    QString out = headline + QLatin1Char('\n');
    out += QStringLiteral("STATUS").leftJustified(statusWidth + 2)
        + QStringLiteral("WHAT").leftJustified(whatWidth + 2) + QStringLiteral("DETAIL\n");
    for (const Row &row : rows)
        out += toString(row.status).leftJustified(statusWidth + 2)
            + row.what.leftJustified(whatWidth + 2) + row.detail + QLatin1Char('\n');
    return out;
}

std::optional<std::chrono::milliseconds> parseCheckTimeout(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)?\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const double number = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    const double factor = unit == QLatin1String("ms") ? 1
        : unit == QLatin1String("m")                  ? 60'000
                                                      : 1000;
    const double ms = number * factor;
    if (ms < 1 || ms > 3'600'000)
        return std::nullopt;
    return std::chrono::milliseconds(qint64(std::llround(ms)));
}

HealthCheck::HealthCheck(ClusterConfig config, std::chrono::milliseconds timeout,
    SessionOptions options, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_timeout(timeout)
{
    options.persistent = false; // a check neither writes history nor pages nor acts
    options.readOnly = true;
    m_session = std::make_unique<ClusterSession>(std::move(options));
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &HealthCheck::finish);
    connect(m_session.get(), &ClusterSession::roundComplete, this, &HealthCheck::finish,
        Qt::QueuedConnection);
}

HealthCheck::~HealthCheck() = default;

void HealthCheck::start()
{
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    m_elapsed.start();
    m_deadline.start(int(m_timeout.count()));
    m_session->open(m_config);
    if (m_session->everySourceAnswered())
        QMetaObject::invokeMethod(
            this, &HealthCheck::finish, Qt::QueuedConnection); // nothing to ask
}

void HealthCheck::finish()
{
    if (std::exchange(m_done, true))
        return;
    m_deadline.stop();
    ClusterState *state = m_session->state();
    const Clock *clock = m_session->options().clock;
    const Instant now = clock ? clock->now() : Clock::system().now();
    state->tick(now);
    AlertRules rules(state);
    const QList<RuleFinding> findings = rules.evaluate(now.monoMs);
    const CheckReport report = buildCheckReport(
        *state, findings, m_session->unansweredSources(), m_startedMs, m_elapsed.elapsed());
    m_session->close(); // a source still waiting for its timeout must not hold the answer back
    Q_EMIT finished(report);
}

} // namespace cw
