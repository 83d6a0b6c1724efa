#include "services/drills/DrillFile.h"
#include "services/drills/DrillYaml.h"

#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <cctype>

namespace cw {

using namespace drillfile;

namespace {

constexpr qint64 kMaxFileBytes = qint64(64) * 1024; // a drill file is a screenful

constexpr std::initializer_list<const char *> kTopKeys = { "name", "description", "target",
    "container", "fault", "duration", "steady_state", "prober", "abort", "recovery" };

/// How the cluster file is named in a message: its file name, else "the cluster file".
QString clusterName(const ClusterConfig &cluster)
{
    const QString file = QFileInfo(cluster.sourceFile).fileName();
    return file.isEmpty() ? QStringLiteral("the cluster file") : file;
}

DrillTarget readTarget(const Section &top, const ClusterConfig &cluster)
{
    const YAML::Node &node = top.need("target");
    const QString field = top.field("target");
    const std::string name = text(node, field);
    if (name.empty())
        fail(node.Mark(), field, QStringLiteral("must not be empty"));
    DrillTarget target;
    // The infrastructure words come first: a drill on "redis" never means a node called so.
    const auto kind = drillTargetKindFromString(QString::fromStdString(name));
    if (kind && *kind != DrillTargetKind::Node)
        target.kind = *kind;
    const YAML::Node *container = top.find("container");
    if (target.kind == DrillTargetKind::Node) {
        const QString wanted = QString::fromStdString(name);
        const auto it = std::find_if(cluster.nodes.cbegin(), cluster.nodes.cend(),
            [&](const NodeConfig &n) { return n.name == wanted; });
        if (it == cluster.nodes.cend()) {
            QStringList names;
            for (const NodeConfig &n : cluster.nodes)
                names.append(n.name);
            names << drillTargetKindWords().mid(1); // redis, postgres, load_balancer
            fail(node.Mark(), field,
                QStringLiteral("%1 is not a node of %2; expected one of %3")
                    .arg(quoted(name), clusterName(cluster), names.join(QStringLiteral(", "))));
        }
        if (it->container.isEmpty())
            fail(node.Mark(), field,
                QStringLiteral("node %1 has no container in %2; a drill acts on a container")
                    .arg(quoted(name), clusterName(cluster)));
        if (container)
            fail(container->Mark(), top.field("container"),
                QStringLiteral("a node's container comes from %1 (%2); remove this key")
                    .arg(clusterName(cluster), it->container));
        target.node = it->name;
        target.container = it->container;
        return target;
    }
    const bool configured = target.kind == DrillTargetKind::Redis ? cluster.redis.configured
        : target.kind == DrillTargetKind::Postgres                ? cluster.postgres.configured
                                                   : !cluster.loadBalancerUrl.isEmpty();
    if (!configured)
        fail(node.Mark(), field,
            QStringLiteral("%1 needs %2 in %3")
                .arg(toString(target.kind),
                    target.kind == DrillTargetKind::LoadBalancer
                        ? QStringLiteral("load_balancer:")
                        : QStringLiteral("a %1: section").arg(toString(target.kind)),
                    clusterName(cluster)));
    if (container) {
        target.container = QString::fromStdString(text(*container, top.field("container")));
        if (target.container.isEmpty())
            fail(container->Mark(), top.field("container"), QStringLiteral("must not be empty"));
    }
    return target;
}

DrillDuration readDuration(const Section &top)
{
    DrillDuration duration;
    const YAML::Node *node = top.find("duration");
    if (!node)
        return duration;
    const QString field = top.field("duration");
    const std::string value = text(*node, field);
    const auto kind = drillDurationKindFromString(QString::fromStdString(value));
    if (kind && *kind != DrillDurationKind::Fixed) {
        duration.kind = *kind;
        return duration;
    }
    if (value.empty() || !(std::isdigit(static_cast<unsigned char>(value[0])) || value[0] == '.'))
        fail(node->Mark(), field,
            QStringLiteral("expected until_detected, until_recovered or a duration like 90s, "
                           "got %1")
                .arg(quoted(value)));
    duration.kind = DrillDurationKind::Fixed;
    duration.fixed = drillfile::duration(*node, field);
    return duration;
}

bool checkPossible(SteadyStateCheck check, const ClusterConfig &cluster)
{
    switch (check) {
    case SteadyStateCheck::AllNodesHealthy:
        return true;
    case SteadyStateCheck::LoadBalancerAnswers:
        return !cluster.loadBalancerUrl.isEmpty();
    case SteadyStateCheck::QueueDraining:
        return cluster.redis.configured;
    case SteadyStateCheck::NoStuckExecutions:
        return cluster.postgres.configured;
    }
    return false;
}

QString checkNeeds(SteadyStateCheck check)
{
    switch (check) {
    case SteadyStateCheck::LoadBalancerAnswers:
        return QStringLiteral("load_balancer:");
    case SteadyStateCheck::QueueDraining:
        return QStringLiteral("a redis: section");
    case SteadyStateCheck::NoStuckExecutions:
        return QStringLiteral("a postgres: section");
    case SteadyStateCheck::AllNodesHealthy:
        break;
    }
    return {};
}

QList<SteadyStateCheck> readSteadyState(const Section &top, const ClusterConfig &cluster)
{
    const QStringList words = steadyStateCheckWords();
    QList<SteadyStateCheck> checks;
    const YAML::Node *node = top.find("steady_state");
    if (!node) {
        // Every check this cluster can make.
        for (const QString &word : words) {
            const SteadyStateCheck check = *steadyStateCheckFromString(word);
            if (checkPossible(check, cluster))
                checks.append(check);
        }
        return checks;
    }
    const QString field = top.field("steady_state");
    if (!node->IsSequence())
        fail(node->Mark(), field,
            QStringLiteral("expected a list of checks (all_nodes_healthy, load_balancer_answers, "
                           "queue_draining, no_stuck_executions)"));
    if (node->size() == 0)
        fail(node->Mark(), field, QStringLiteral("must list at least one check"));
    int index = 0;
    for (const auto &item : *node) {
        const QString itemField = field + QStringLiteral("[%1]").arg(index++);
        const SteadyStateCheck check = *steadyStateCheckFromString(oneOf(item, itemField, words));
        if (checks.contains(check))
            fail(item.Mark(), itemField, QStringLiteral("%1 is listed twice").arg(toString(check)));
        if (!checkPossible(check, cluster))
            fail(item.Mark(), itemField,
                QStringLiteral("%1 needs %2 in %3")
                    .arg(toString(check), checkNeeds(check), clusterName(cluster)));
        checks.append(check);
    }
    return checks;
}

DrillProber readProber(const Section &top, const ClusterConfig &cluster)
{
    DrillProber prober;
    prober.enabled = !cluster.loadBalancerUrl.isEmpty();
    const YAML::Node *node = top.find("prober");
    if (!node)
        return prober;
    const Section map(
        *node, top.field("prober"), { "enabled", "path", "requests_per_second", "slow_threshold" });
    if (const YAML::Node *enabled = map.find("enabled"))
        prober.enabled = boolean(*enabled, map.field("enabled"));
    else
        prober.enabled = true;
    if (prober.enabled && cluster.loadBalancerUrl.isEmpty())
        fail(map.mark(), top.field("prober"),
            QStringLiteral("probes the load balancer and needs load_balancer: in %1")
                .arg(clusterName(cluster)));
    if (const YAML::Node *path = map.find("path")) {
        const std::string value = text(*path, map.field("path"));
        const bool plain
            = value.size() <= 2000 && std::none_of(value.begin(), value.end(), [](char c) {
                  return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#';
              });
        if (value.empty() || value[0] != '/' || value.rfind("//", 0) == 0 || !plain)
            fail(path->Mark(), map.field("path"),
                QStringLiteral("expected a path on the load balancer like /healthz, got %1")
                    .arg(quoted(value)));
        prober.path = QString::fromStdString(value);
    }
    if (const YAML::Node *rate = map.find("requests_per_second"))
        prober.requestsPerSecond = wholeNumber(*rate, map.field("requests_per_second"), 10, 1000);
    if (const YAML::Node *slow = map.find("slow_threshold"))
        prober.slowThreshold = duration(*slow, map.field("slow_threshold"));
    return prober;
}

DrillAbortConditions readAbort(const Section &top, const DrillSpec &spec)
{
    DrillAbortConditions abort;
    const YAML::Node *node = top.find("abort");
    if (!node)
        return abort;
    const Section map(*node, top.field("abort"), { "error_rate", "max_duration" });
    if (const YAML::Node *rate = map.find("error_rate")) {
        const Section errorRate(*rate, map.field("error_rate"), { "above", "for" });
        if (!spec.prober.enabled)
            fail(errorRate.mark(), map.field("error_rate"),
                QStringLiteral("needs the prober (it counts the load balancer's errors)"));
        DrillErrorRateAbort condition;
        condition.abovePercent = percent(errorRate.need("above"), errorRate.field("above"));
        condition.forDuration = duration(errorRate.need("for"), errorRate.field("for"));
        abort.errorRate = condition;
    }
    if (const YAML::Node *max = map.find("max_duration")) {
        abort.maxDuration = duration(*max, map.field("max_duration"));
        if (spec.duration.kind == DrillDurationKind::Fixed
            && abort.maxDuration < spec.duration.fixed)
            fail(max->Mark(), map.field("max_duration"),
                QStringLiteral("is shorter than the drill's duration"));
    } else if (spec.duration.kind == DrillDurationKind::Fixed) {
        abort.maxDuration = std::max(abort.maxDuration, spec.duration.fixed);
    }
    return abort;
}

DrillRecovery readRecovery(const Section &top, DrillFault fault)
{
    DrillRecovery recovery;
    recovery.action = defaultRecovery(fault);
    const YAML::Node *node = top.find("recovery");
    if (!node)
        return recovery;
    const Section map(*node, top.field("recovery"), { "action", "automatic" });
    if (const YAML::Node *action = map.find("action")) {
        recovery.action
            = *recoveryActionFromString(oneOf(*action, map.field("action"), recoveryActionWords()));
        if (!canRecover(fault, recovery.action))
            fail(action->Mark(), map.field("action"),
                QStringLiteral("%1 does not undo %2; expected %3 or restart")
                    .arg(toString(recovery.action), toString(fault),
                        toString(defaultRecovery(fault))));
    }
    if (const YAML::Node *automatic = map.find("automatic"))
        recovery.automatic = boolean(*automatic, map.field("automatic"));
    return recovery;
}

DrillSpec readDrill(const YAML::Node &root, const ClusterConfig &cluster)
{
    if (!root.IsDefined() || root.IsNull())
        fail(root.Mark(), QString(), QStringLiteral("the file is empty; expected a drill"));
    const Section top(root, QString(), kTopKeys);
    DrillSpec spec;
    spec.name = QString::fromStdString(text(top.need("name"), top.field("name")));
    if (spec.name.isEmpty())
        fail(top.need("name").Mark(), top.field("name"), QStringLiteral("must not be empty"));
    if (const YAML::Node *description = top.find("description"))
        spec.description = QString::fromStdString(text(*description, top.field("description")));
    spec.target = readTarget(top, cluster);
    spec.fault
        = *drillFaultFromString(oneOf(top.need("fault"), top.field("fault"), drillFaultWords()));
    spec.duration = readDuration(top);
    spec.steadyState = readSteadyState(top, cluster);
    spec.prober = readProber(top, cluster);
    spec.abort = readAbort(top, spec);
    spec.recovery = readRecovery(top, spec.fault);
    return spec;
}

} // namespace

Result<DrillSpec> parseDrillSpec(
    const QByteArray &yaml, const QString &sourceName, const ClusterConfig &cluster)
{
    if (yaml.size() > kMaxFileBytes)
        return Error { sourceName
            + QStringLiteral(":1: the file is larger than 64 KiB; is this a drill file?") };
    try {
        return readDrill(YAML::Load(yaml.toStdString()), cluster);
    } catch (const DrillFailure &failure) {
        QString message
            = sourceName + QLatin1Char(':') + QString::number(failure.line) + QStringLiteral(": ");
        if (!failure.field.isEmpty())
            message += failure.field + QStringLiteral(": ");
        return Error { message + failure.what };
    } catch (const YAML::Exception &e) {
        return Error { sourceName + QLatin1Char(':') + QString::number(lineOf(e.mark))
            + QStringLiteral(": YAML syntax error: ") + QString::fromStdString(e.msg) };
    } catch (const std::exception &e) {
        return Error { sourceName + QStringLiteral(":1: cannot read the file: ")
            + QString::fromUtf8(e.what()) };
    }
}

Result<DrillSpec> loadDrillFile(const QString &path, const ClusterConfig &cluster)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error { path + QStringLiteral(": cannot open: ") + file.errorString() };
    const QByteArray yaml = file.read(kMaxFileBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return Error { path + QStringLiteral(": cannot read: ") + file.errorString() };
    return parseDrillSpec(yaml, path, cluster);
}

} // namespace cw
