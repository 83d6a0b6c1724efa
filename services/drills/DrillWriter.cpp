#include "services/drills/DrillFile.h"

#include <QLocale>

namespace cw {

namespace {

/// A YAML double-quoted scalar: the reader gets the same text back, whatever it holds.
QByteArray quotedScalar(const QString &value)
{
    QByteArray out = "\"";
    for (const char c : value.toUtf8()) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
            out += '\\' + QByteArray(1, c);
        else if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (u < 0x20 || u == 0x7f)
            out += "\\x" + QByteArray::number(u, 16).rightJustified(2, '0');
        else
            out += c;
    }
    return out + '"';
}

QByteArray durationText(Millis duration)
{
    const qint64 ms = duration.count();
    if (ms % 3'600'000 == 0)
        return QByteArray::number(ms / 3'600'000) + 'h';
    if (ms % 60'000 == 0)
        return QByteArray::number(ms / 60'000) + 'm';
    if (ms % 1000 == 0)
        return QByteArray::number(ms / 1000) + 's';
    return QByteArray::number(ms) + "ms";
}

QByteArray word(const QString &text)
{
    return text.toLatin1();
}

} // namespace

QByteArray writeDrillFile(const DrillSpec &spec)
{
    QByteArray out;
    out += "# Clusterwatch failover drill. Run it from Clusterwatch with the cluster file it "
           "names\n"
           "# targets from; see resources/examples/drill-worker-stop.yaml for every key.\n\n";
    out += "name: " + quotedScalar(spec.name) + '\n';
    if (!spec.description.isEmpty())
        out += "description: " + quotedScalar(spec.description) + '\n';

    out += "\n# A node of the cluster file (its container is acted on), or redis, postgres,\n"
           "# load_balancer.\n";
    out += "target: " + quotedScalar(spec.target.name()) + '\n';
    if (spec.target.kind != DrillTargetKind::Node && !spec.target.container.isEmpty())
        out += "container: " + quotedScalar(spec.target.container)
            + "   # the container that runs it\n";
    out += "# stop, kill, pause (freeze: the process hangs with its sockets open) or restart.\n";
    out += "fault: " + word(toString(spec.fault)) + '\n';
    out += "# How long the fault is held: a time like 90s, until_detected (Clusterwatch notices)\n"
           "# or until_recovered (the rest of the cluster works around it).\n";
    out += "duration: "
        + (spec.duration.kind == DrillDurationKind::Fixed ? durationText(spec.duration.fixed)
                                                          : word(toString(spec.duration.kind)))
        + '\n';

    out += "\n# Checked before the fault (the drill refuses to start when one fails) and after\n"
           "# recovery: all_nodes_healthy, load_balancer_answers, queue_draining,\n"
           "# no_stuck_executions.\n";
    out += "steady_state:";
    if (spec.steadyState.isEmpty())
        out += " []";
    out += '\n';
    for (SteadyStateCheck check : spec.steadyState)
        out += "  - " + word(toString(check)) + '\n';

    out += "\n# Requests sent through the load balancer during the drill: errors, status codes\n"
           "# and requests slower than slow_threshold.\n";
    out += "prober:\n";
    out += "  enabled: " + QByteArray(spec.prober.enabled ? "true" : "false") + '\n';
    out += "  path: " + quotedScalar(spec.prober.path) + '\n';
    out += "  requests_per_second: " + QByteArray::number(spec.prober.requestsPerSecond)
        + "   # at least 10\n";
    out += "  slow_threshold: " + durationText(spec.prober.slowThreshold) + '\n';

    out += "\n# The drill aborts, and recovers the target, when one of these holds.\n";
    out += "abort:\n";
    if (spec.abort.errorRate) {
        out += "  error_rate:           # of the prober's requests\n";
        out += "    above: "
            + QByteArray::number(
                spec.abort.errorRate->abovePercent, 'f', QLocale::FloatingPointShortest)
            + "%\n";
        out += "    for: " + durationText(spec.abort.errorRate->forDuration) + '\n';
    }
    out += "  max_duration: " + durationText(spec.abort.maxDuration)
        + "   # the fault is never held longer\n";

    out += "\n# How the target comes back: start, unpause or restart. automatic: false waits for\n"
           "# you; on abort, on error and on exit it is always recovered.\n";
    out += "recovery:\n";
    out += "  action: " + word(toString(spec.recovery.action)) + '\n';
    out += "  automatic: " + QByteArray(spec.recovery.automatic ? "true" : "false") + '\n';
    return out;
}

} // namespace cw
