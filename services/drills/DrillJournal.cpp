#include "services/drills/DrillJournal.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>
#include <QStandardPaths>
#include <algorithm>
#include <array>
#include <limits>

namespace cw {

namespace {

const QString kSchema = QStringLiteral("clusterwatch-drill/1");
const QString kSchemaFamily = QStringLiteral("clusterwatch-drill/");
/// Far above any real drill (a 10-minute fault at 1000 requests/s is ~15 MB), far below what
/// would hurt to load by mistake.
constexpr qint64 kMaxJournalBytes = qint64(256) * 1024 * 1024;

// The sample lists are stored as columns ("probes": {"sent_ms": [...], "latency_ms": [...]}):
// a 5-minute drill is ~6000 samples, and a column of plain numbers is about a third of the size
// of the same samples as objects. Every column of a list has the same length.
const QString kProbeColumns[] = { QStringLiteral("sent_ms"), QStringLiteral("latency_ms"),
    QStringLiteral("status"), QStringLiteral("error") };
const QString kTargetColumns[] = { QStringLiteral("at_ms"), QStringLiteral("up"),
    QStringLiteral("status"), QStringLiteral("latency_ms") };
const QString kClusterColumns[] = { QStringLiteral("at_ms"), QStringLiteral("nodes_up"),
    QStringLiteral("nodes_total"), QStringLiteral("target_up"), QStringLiteral("waiting"),
    QStringLiteral("active"), QStringLiteral("completed"), QStringLiteral("running"),
    QStringLiteral("crashed"), QStringLiteral("alerts_firing") };

// ---------------------------------------------------------------------------------------------
// Writing

QJsonValue optional(const std::optional<qint64> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue optional(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonArray stringArray(const QStringList &list)
{
    QJsonArray array;
    for (const QString &text : list)
        array.append(text);
    return array;
}

QJsonObject specToJson(const DrillSpec &spec)
{
    QJsonArray checks;
    for (SteadyStateCheck check : spec.steadyState)
        checks.append(toString(check));
    QJsonObject duration { { QStringLiteral("kind"), toString(spec.duration.kind) } };
    duration.insert(QStringLiteral("fixed_ms"), qint64(spec.duration.fixed.count()));
    QJsonValue errorRate(QJsonValue::Null);
    if (spec.abort.errorRate)
        errorRate = QJsonObject {
            { QStringLiteral("above_percent"), spec.abort.errorRate->abovePercent },
            { QStringLiteral("for_ms"), qint64(spec.abort.errorRate->forDuration.count()) },
        };
    return QJsonObject {
        { QStringLiteral("name"), spec.name },
        { QStringLiteral("description"), spec.description },
        { QStringLiteral("target"),
            QJsonObject {
                { QStringLiteral("kind"), toString(spec.target.kind) },
                { QStringLiteral("node"), spec.target.node },
                { QStringLiteral("container"), spec.target.container },
            } },
        { QStringLiteral("fault"), toString(spec.fault) },
        { QStringLiteral("duration"), duration },
        { QStringLiteral("steady_state"), checks },
        { QStringLiteral("prober"),
            QJsonObject {
                { QStringLiteral("enabled"), spec.prober.enabled },
                { QStringLiteral("path"), spec.prober.path },
                { QStringLiteral("requests_per_second"), spec.prober.requestsPerSecond },
                { QStringLiteral("slow_threshold_ms"), qint64(spec.prober.slowThreshold.count()) },
            } },
        { QStringLiteral("abort"),
            QJsonObject {
                { QStringLiteral("error_rate"), errorRate },
                { QStringLiteral("max_duration_ms"), qint64(spec.abort.maxDuration.count()) },
            } },
        { QStringLiteral("recovery"),
            QJsonObject {
                { QStringLiteral("action"), toString(spec.recovery.action) },
                { QStringLiteral("automatic"), spec.recovery.automatic },
            } },
    };
}

QJsonObject figuresToJson(const DrillFigures &f)
{
    QJsonObject outcomes;
    for (auto it = f.outcomes.cbegin(); it != f.outcomes.cend(); ++it)
        outcomes.insert(it.key(), it.value());
    return QJsonObject {
        { QStringLiteral("fault_at_ms"), optional(f.faultAtMs) },
        { QStringLiteral("detection_ms"), optional(f.detectionMs) },
        { QStringLiteral("alert_ms"), optional(f.alertMs) },
        { QStringLiteral("recovery_action_at_ms"), optional(f.recoveryActionAtMs) },
        { QStringLiteral("recovery_ms"), optional(f.recoveryMs) },
        { QStringLiteral("rto_ms"), optional(f.rtoMs) },
        { QStringLiteral("requests"), f.requests },
        { QStringLiteral("failed_requests"), f.failedRequests },
        { QStringLiteral("slow_requests"), f.slowRequests },
        { QStringLiteral("max_latency_ms"), f.maxLatencyMs },
        { QStringLiteral("error_window_ms"), optional(f.errorWindowMs) },
        { QStringLiteral("slow_window_ms"), optional(f.slowWindowMs) },
        { QStringLiteral("outcomes"), outcomes },
        { QStringLiteral("completed_during_fault"), optional(f.completedDuringFault) },
        { QStringLiteral("crashed_executions"), optional(f.crashedExecutions) },
        { QStringLiteral("running_after"), optional(f.runningAfter) },
        { QStringLiteral("exited_containers"), stringArray(f.exitedContainers) },
    };
}

/// Builds one object of equally long column arrays from a sample list.
template <typename Sample, std::size_t N, typename Fill>
QJsonObject columns(const QList<Sample> &samples, const QString (&names)[N], Fill fill)
{
    std::array<QJsonArray, N> arrays;
    for (const Sample &sample : samples)
        fill(sample, arrays);
    QJsonObject object;
    for (std::size_t i = 0; i < N; ++i)
        object.insert(names[i], arrays[i]);
    return object;
}

// ---------------------------------------------------------------------------------------------
// Reading: strict on types, every failure names the JSON path.

/// Thrown inside the reader only and turned into an Error by drillRecordFromJson.
struct JournalFailure {
    QString path; ///< "steps[3].phase"; empty for the document as a whole
    QString what;
};

[[noreturn]] void fail(const QString &path, const QString &what)
{
    throw JournalFailure { path, what };
}

/// A string value for a message: quoted, cut short, control characters replaced.
QString quotedText(const QString &text)
{
    constexpr qsizetype kLongest = 80;
    QString shown = text.left(kLongest);
    std::replace_if(
        shown.begin(), shown.end(),
        [](QChar c) { return c.unicode() < 0x20 || c.unicode() == 0x7f || c.isSurrogate(); },
        QChar(0xfffd));
    if (text.size() > kLongest)
        shown += QChar(0x2026);
    return QLatin1Char('\'') + shown + QLatin1Char('\'');
}

/// What a JSON value is, for "expected ..., got X".
QString describe(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        if (const qint64 whole = value.toInteger(0); whole == value.toInteger(1))
            return QString::number(whole);
        return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::String:
        return quotedText(value.toString());
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QString indexed(const QString &path, qsizetype index)
{
    return path + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

qint64 wholeNumber(const QJsonValue &value, const QString &path, qint64 min, qint64 max)
{
    if (!value.isDouble())
        fail(path, QStringLiteral("expected a whole number, got %1").arg(describe(value)));
    // toInteger() gives its default for a fraction or a number beyond qint64: two defaults
    // that differ tell that case from a real value.
    const qint64 number = value.toInteger(0);
    if (number != value.toInteger(1))
        fail(path, QStringLiteral("expected a whole number, got %1").arg(describe(value)));
    if (number < min || number > max)
        fail(path,
            QStringLiteral("%1 is out of range (%2 to %3)").arg(describe(value)).arg(min).arg(max));
    return number;
}

qint64 wholeNumber(const QJsonValue &value, const QString &path)
{
    return wholeNumber(
        value, path, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
}

int int32(const QJsonValue &value, const QString &path)
{
    return int(wholeNumber(
        value, path, std::numeric_limits<qint32>::min(), std::numeric_limits<qint32>::max()));
}

double number(const QJsonValue &value, const QString &path)
{
    if (!value.isDouble())
        fail(path, QStringLiteral("expected a number, got %1").arg(describe(value)));
    return value.toDouble();
}

bool boolean(const QJsonValue &value, const QString &path)
{
    if (!value.isBool())
        fail(path, QStringLiteral("expected true or false, got %1").arg(describe(value)));
    return value.toBool();
}

QString string(const QJsonValue &value, const QString &path)
{
    if (!value.isString())
        fail(path, QStringLiteral("expected a string, got %1").arg(describe(value)));
    QString text = value.toString();
    // A lone surrogate ("\ud800") cannot be written back as UTF-8: the record would change.
    if (!text.isValidUtf16())
        fail(path, QStringLiteral("the string %1 is not valid Unicode").arg(quotedText(text)));
    return text;
}

QJsonArray array(const QJsonValue &value, const QString &path)
{
    if (!value.isArray())
        fail(path, QStringLiteral("expected a list, got %1").arg(describe(value)));
    return value.toArray();
}

QStringList strings(const QJsonValue &value, const QString &path)
{
    const QJsonArray items = array(value, path);
    QStringList list;
    list.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i)
        list.append(string(items[i], indexed(path, i)));
    return list;
}

/// One of @p words, else "expected one of a, b, c, got 'x'"; @p parse turns it into the value.
template <typename E>
E word(const QJsonValue &value, const QString &path, const QStringList &words,
    std::optional<E> (*parse)(const QString &))
{
    if (value.isString()) {
        if (const std::optional<E> parsed = parse(value.toString()))
            return *parsed;
    }
    fail(path,
        QStringLiteral("expected one of %1, got %2")
            .arg(words.join(QStringLiteral(", ")), describe(value)));
}

/// A JSON object and where it is: the typed getters below name the field on a failure.
class Obj {
public:
    Obj(const QJsonValue &value, QString path)
        : m_path(std::move(path))
    {
        if (!value.isObject())
            fail(m_path, QStringLiteral("expected an object, got %1").arg(describe(value)));
        m_object = value.toObject();
    }

    [[nodiscard]] QString field(const QString &key) const
    {
        return m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
    }
    [[nodiscard]] const QString &path() const { return m_path; }
    [[nodiscard]] const QJsonObject &object() const { return m_object; }

    /// The value of @p key; "required field is missing" when absent.
    [[nodiscard]] QJsonValue need(const QString &key) const
    {
        const auto it = m_object.constFind(key);
        if (it == m_object.constEnd())
            fail(field(key), QStringLiteral("required field is missing"));
        return *it;
    }
    /// The value of @p key; nullopt when absent or null.
    [[nodiscard]] std::optional<QJsonValue> find(const QString &key) const
    {
        const auto it = m_object.constFind(key);
        if (it == m_object.constEnd() || it->isNull())
            return std::nullopt;
        return *it;
    }

    [[nodiscard]] QString string(const QString &key) const
    {
        return cw::string(need(key), field(key));
    }
    [[nodiscard]] bool boolean(const QString &key) const
    {
        return cw::boolean(need(key), field(key));
    }
    [[nodiscard]] qint64 integer(const QString &key) const
    {
        return wholeNumber(need(key), field(key));
    }
    [[nodiscard]] int int32(const QString &key) const { return cw::int32(need(key), field(key)); }
    [[nodiscard]] Millis millis(const QString &key) const { return Millis(integer(key)); }
    [[nodiscard]] std::optional<qint64> optionalInteger(const QString &key) const
    {
        if (const auto value = find(key))
            return wholeNumber(*value, field(key));
        return std::nullopt;
    }
    [[nodiscard]] std::optional<double> optionalNumber(const QString &key) const
    {
        if (const auto value = find(key))
            return number(*value, field(key));
        return std::nullopt;
    }
    [[nodiscard]] QStringList strings(const QString &key) const
    {
        return cw::strings(need(key), field(key));
    }
    [[nodiscard]] QJsonArray array(const QString &key) const
    {
        return cw::array(need(key), field(key));
    }
    [[nodiscard]] Obj object(const QString &key) const { return Obj(need(key), field(key)); }
    template <typename E>
    E word(const QString &key, const QStringList &words,
        std::optional<E> (*parse)(const QString &)) const
    {
        return cw::word(need(key), field(key), words, parse);
    }

private:
    QString m_path;
    QJsonObject m_object;
};

DrillSpec specFromJson(const Obj &o)
{
    DrillSpec spec;
    spec.name = o.string(QStringLiteral("name"));
    spec.description = o.string(QStringLiteral("description"));
    const Obj target = o.object(QStringLiteral("target"));
    spec.target.kind
        = target.word(QStringLiteral("kind"), drillTargetKindWords(), &drillTargetKindFromString);
    spec.target.node = target.string(QStringLiteral("node"));
    spec.target.container = target.string(QStringLiteral("container"));
    spec.fault = o.word(QStringLiteral("fault"), drillFaultWords(), &drillFaultFromString);
    const Obj duration = o.object(QStringLiteral("duration"));
    spec.duration.kind = duration.word(
        QStringLiteral("kind"), drillDurationKindWords(), &drillDurationKindFromString);
    spec.duration.fixed = duration.millis(QStringLiteral("fixed_ms"));
    const QString checksPath = o.field(QStringLiteral("steady_state"));
    const QJsonArray checks = o.array(QStringLiteral("steady_state"));
    for (qsizetype i = 0; i < checks.size(); ++i)
        spec.steadyState.append(word(checks[i], indexed(checksPath, i), steadyStateCheckWords(),
            &steadyStateCheckFromString));
    const Obj prober = o.object(QStringLiteral("prober"));
    spec.prober.enabled = prober.boolean(QStringLiteral("enabled"));
    spec.prober.path = prober.string(QStringLiteral("path"));
    spec.prober.requestsPerSecond = prober.int32(QStringLiteral("requests_per_second"));
    spec.prober.slowThreshold = prober.millis(QStringLiteral("slow_threshold_ms"));
    const Obj abort = o.object(QStringLiteral("abort"));
    if (const auto rate = abort.find(QStringLiteral("error_rate"))) {
        const Obj errorRate(*rate, abort.field(QStringLiteral("error_rate")));
        spec.abort.errorRate = DrillErrorRateAbort {
            number(errorRate.need(QStringLiteral("above_percent")),
                errorRate.field(QStringLiteral("above_percent"))),
            errorRate.millis(QStringLiteral("for_ms")),
        };
    }
    spec.abort.maxDuration = abort.millis(QStringLiteral("max_duration_ms"));
    const Obj recovery = o.object(QStringLiteral("recovery"));
    spec.recovery.action
        = recovery.word(QStringLiteral("action"), recoveryActionWords(), &recoveryActionFromString);
    spec.recovery.automatic = recovery.boolean(QStringLiteral("automatic"));
    return spec;
}

DrillFigures figuresFromJson(const Obj &o)
{
    DrillFigures f;
    f.faultAtMs = o.optionalInteger(QStringLiteral("fault_at_ms"));
    f.detectionMs = o.optionalInteger(QStringLiteral("detection_ms"));
    f.alertMs = o.optionalInteger(QStringLiteral("alert_ms"));
    f.recoveryActionAtMs = o.optionalInteger(QStringLiteral("recovery_action_at_ms"));
    f.recoveryMs = o.optionalInteger(QStringLiteral("recovery_ms"));
    f.rtoMs = o.optionalInteger(QStringLiteral("rto_ms"));
    f.requests = o.integer(QStringLiteral("requests"));
    f.failedRequests = o.integer(QStringLiteral("failed_requests"));
    f.slowRequests = o.integer(QStringLiteral("slow_requests"));
    f.maxLatencyMs = o.integer(QStringLiteral("max_latency_ms"));
    f.errorWindowMs = o.optionalInteger(QStringLiteral("error_window_ms"));
    f.slowWindowMs = o.optionalInteger(QStringLiteral("slow_window_ms"));
    const Obj outcomes = o.object(QStringLiteral("outcomes"));
    for (auto it = outcomes.object().constBegin(); it != outcomes.object().constEnd(); ++it)
        f.outcomes.insert(it.key(), wholeNumber(it.value(), outcomes.field(it.key())));
    f.completedDuringFault = o.optionalNumber(QStringLiteral("completed_during_fault"));
    f.crashedExecutions = o.optionalInteger(QStringLiteral("crashed_executions"));
    f.runningAfter = o.optionalInteger(QStringLiteral("running_after"));
    f.exitedContainers = o.strings(QStringLiteral("exited_containers"));
    return f;
}

/// The columns of one sample list, all of the same length; unknown columns are ignored.
template <std::size_t N> struct Columns {
    std::array<QJsonArray, N> arrays;
    std::array<QString, N> paths;
    qsizetype rows = 0;

    Columns(const Obj &o, const QString (&names)[N])
    {
        for (std::size_t i = 0; i < N; ++i) {
            arrays[i] = o.array(names[i]);
            paths[i] = o.field(names[i]);
            if (i > 0 && arrays[i].size() != arrays[0].size())
                fail(paths[i],
                    QStringLiteral("has %1 values, %2 has %3")
                        .arg(arrays[i].size())
                        .arg(paths[0])
                        .arg(arrays[0].size()));
        }
        rows = arrays[0].size();
    }
    [[nodiscard]] QJsonValue at(std::size_t column, qsizetype row) const
    {
        return arrays[column][row];
    }
    [[nodiscard]] QString path(std::size_t column, qsizetype row) const
    {
        return indexed(paths[column], row);
    }
    [[nodiscard]] qint64 integer(std::size_t column, qsizetype row) const
    {
        return wholeNumber(at(column, row), path(column, row));
    }
    [[nodiscard]] int int32(std::size_t column, qsizetype row) const
    {
        return cw::int32(at(column, row), path(column, row));
    }
    [[nodiscard]] bool boolean(std::size_t column, qsizetype row) const
    {
        return cw::boolean(at(column, row), path(column, row));
    }
    [[nodiscard]] std::optional<qint64> optionalInteger(std::size_t column, qsizetype row) const
    {
        const QJsonValue value = at(column, row);
        if (value.isNull())
            return std::nullopt;
        return wholeNumber(value, path(column, row));
    }
};

QList<ProbeSample> probesFromJson(const Obj &o)
{
    const Columns columns(o, kProbeColumns);
    QList<ProbeSample> probes;
    probes.reserve(columns.rows);
    for (qsizetype row = 0; row < columns.rows; ++row) {
        probes.append(ProbeSample {
            columns.integer(0, row),
            columns.int32(1, row),
            columns.int32(2, row),
            string(columns.at(3, row), columns.path(3, row)),
        });
    }
    return probes;
}

QList<TargetSample> targetFromJson(const Obj &o)
{
    const Columns columns(o, kTargetColumns);
    QList<TargetSample> target;
    target.reserve(columns.rows);
    for (qsizetype row = 0; row < columns.rows; ++row) {
        target.append(TargetSample {
            columns.integer(0, row),
            columns.boolean(1, row),
            columns.int32(2, row),
            columns.int32(3, row),
        });
    }
    return target;
}

QList<ClusterSample> clusterFromJson(const Obj &o)
{
    const Columns columns(o, kClusterColumns);
    QList<ClusterSample> cluster;
    cluster.reserve(columns.rows);
    for (qsizetype row = 0; row < columns.rows; ++row) {
        ClusterSample sample;
        sample.atMs = columns.integer(0, row);
        sample.nodesUp = columns.int32(1, row);
        sample.nodesTotal = columns.int32(2, row);
        sample.targetUp = columns.boolean(3, row);
        sample.waiting = columns.optionalInteger(4, row);
        sample.active = columns.optionalInteger(5, row);
        if (const QJsonValue completed = columns.at(6, row); !completed.isNull())
            sample.completed = number(completed, columns.path(6, row));
        sample.running = columns.optionalInteger(7, row);
        sample.crashed = columns.optionalInteger(8, row);
        sample.alertsFiring = columns.int32(9, row);
        cluster.append(sample);
    }
    return cluster;
}

void checkSchema(const Obj &root)
{
    const QJsonValue schema = root.need(QStringLiteral("schema"));
    if (!schema.isString() || !schema.toString().startsWith(kSchemaFamily))
        fail(QStringLiteral("schema"),
            QStringLiteral("expected '%1', got %2: not a Clusterwatch drill journal")
                .arg(kSchema, describe(schema)));
    if (schema.toString() != kSchema)
        fail(QStringLiteral("schema"),
            QStringLiteral("%1 is not a schema this Clusterwatch reads (%2); a newer version "
                           "wrote it")
                .arg(describe(schema), kSchema));
    const QJsonValue format = root.need(QStringLiteral("format"));
    const qint64 version = wholeNumber(format, QStringLiteral("format"));
    if (version != DrillRecord::kFormat)
        fail(QStringLiteral("format"),
            QStringLiteral("journal format %1 is not the format this Clusterwatch reads (%2)")
                .arg(version)
                .arg(DrillRecord::kFormat));
}

DrillRecord recordFromJson(const QJsonValue &value)
{
    if (!value.isObject())
        fail(QString(),
            QStringLiteral("expected a JSON object (a drill journal), got %1")
                .arg(describe(value)));
    const Obj o(value, QString());
    checkSchema(o);
    DrillRecord r;
    r.id = o.string(QStringLiteral("id"));
    r.clusterName = o.string(QStringLiteral("cluster_name"));
    r.clusterFile = o.string(QStringLiteral("cluster_file"));
    r.drillFile = o.string(QStringLiteral("drill_file"));
    r.dockerHost = o.string(QStringLiteral("docker_host"));
    r.user = o.string(QStringLiteral("user"));
    r.host = o.string(QStringLiteral("host"));
    r.spec = specFromJson(o.object(QStringLiteral("spec")));
    r.dryRun = o.boolean(QStringLiteral("dry_run"));
    r.startedWallMs = o.integer(QStringLiteral("started_wall_ms"));
    r.finishedWallMs = o.integer(QStringLiteral("finished_wall_ms"));
    r.phase = o.word(QStringLiteral("phase"), drillPhaseWords(), &drillPhaseFromString);
    r.verdict = o.word(QStringLiteral("verdict"), drillVerdictWords(), &drillVerdictFromString);
    r.verdictReason = o.string(QStringLiteral("verdict_reason"));
    r.deviations = o.strings(QStringLiteral("deviations"));
    r.faultActive = o.boolean(QStringLiteral("fault_active"));
    const Obj before = o.object(QStringLiteral("containers_before"));
    for (auto it = before.object().constBegin(); it != before.object().constEnd(); ++it)
        r.containersBefore.insert(it.key(), string(it.value(), before.field(it.key())));

    const QString stepsPath = QStringLiteral("steps");
    const QJsonArray steps = o.array(stepsPath);
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const Obj s(steps[i], indexed(stepsPath, i));
        r.steps.append(DrillStep {
            s.word(QStringLiteral("phase"), drillPhaseWords(), &drillPhaseFromString),
            s.string(QStringLiteral("title")),
            s.integer(QStringLiteral("start_ms")),
            s.integer(QStringLiteral("end_ms")),
            s.string(QStringLiteral("outcome")),
            s.string(QStringLiteral("detail")),
        });
    }
    const QString eventsPath = QStringLiteral("events");
    const QJsonArray events = o.array(eventsPath);
    for (qsizetype i = 0; i < events.size(); ++i) {
        const Obj e(events[i], indexed(eventsPath, i));
        r.events.append(DrillEvent {
            e.integer(QStringLiteral("at_ms")),
            e.string(QStringLiteral("kind")),
            e.string(QStringLiteral("subject")),
            e.string(QStringLiteral("detail")),
        });
    }
    r.probes = probesFromJson(o.object(QStringLiteral("probes")));
    r.target = targetFromJson(o.object(QStringLiteral("target")));
    r.cluster = clusterFromJson(o.object(QStringLiteral("cluster")));
    r.figures = figuresFromJson(o.object(QStringLiteral("figures")));
    return r;
}

/// "drill-name" from any drill name: ASCII letters, digits, '.', '_' and '-' kept (letters in
/// lower case), every other run of characters one '-'.
QString fileSafe(const QString &text, qsizetype longest)
{
    QString out;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
            || u == '_' || u == '.' || u == '-';
        if (keep)
            out += QChar(u >= 'A' && u <= 'Z' ? char16_t(u - 'A' + 'a') : u);
        else if (!out.endsWith(QLatin1Char('-')))
            out += QLatin1Char('-');
        if (out.size() >= longest)
            break;
    }
    // No leading dot (a hidden file) and no dashes at either end.
    while (!out.isEmpty() && (out.front() == QLatin1Char('-') || out.front() == QLatin1Char('.')))
        out.remove(0, 1);
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    return out;
}

} // namespace

QJsonObject drillRecordToJson(const DrillRecord &record)
{
    QJsonObject before;
    for (auto it = record.containersBefore.cbegin(); it != record.containersBefore.cend(); ++it)
        before.insert(it.key(), it.value());
    QJsonArray steps;
    for (const DrillStep &step : record.steps)
        steps.append(QJsonObject {
            { QStringLiteral("phase"), toString(step.phase) },
            { QStringLiteral("title"), step.title },
            { QStringLiteral("start_ms"), step.startMs },
            { QStringLiteral("end_ms"), step.endMs },
            { QStringLiteral("outcome"), step.outcome },
            { QStringLiteral("detail"), step.detail },
        });
    QJsonArray events;
    for (const DrillEvent &event : record.events)
        events.append(QJsonObject {
            { QStringLiteral("at_ms"), event.atMs },
            { QStringLiteral("kind"), event.kind },
            { QStringLiteral("subject"), event.subject },
            { QStringLiteral("detail"), event.detail },
        });
    const QJsonObject probes
        = columns(record.probes, kProbeColumns, [](const ProbeSample &s, auto &c) {
              c[0].append(s.sentMs);
              c[1].append(s.latencyMs);
              c[2].append(s.status);
              c[3].append(s.error);
          });
    const QJsonObject target
        = columns(record.target, kTargetColumns, [](const TargetSample &s, auto &c) {
              c[0].append(s.atMs);
              c[1].append(s.up);
              c[2].append(s.status);
              c[3].append(s.latencyMs);
          });
    const QJsonObject cluster
        = columns(record.cluster, kClusterColumns, [](const ClusterSample &s, auto &c) {
              c[0].append(s.atMs);
              c[1].append(s.nodesUp);
              c[2].append(s.nodesTotal);
              c[3].append(s.targetUp);
              c[4].append(optional(s.waiting));
              c[5].append(optional(s.active));
              c[6].append(optional(s.completed));
              c[7].append(optional(s.running));
              c[8].append(optional(s.crashed));
              c[9].append(s.alertsFiring);
          });
    return QJsonObject {
        { QStringLiteral("schema"), kSchema },
        { QStringLiteral("format"), DrillRecord::kFormat },
        { QStringLiteral("id"), record.id },
        { QStringLiteral("cluster_name"), record.clusterName },
        { QStringLiteral("cluster_file"), record.clusterFile },
        { QStringLiteral("drill_file"), record.drillFile },
        { QStringLiteral("docker_host"), record.dockerHost },
        { QStringLiteral("user"), record.user },
        { QStringLiteral("host"), record.host },
        { QStringLiteral("spec"), specToJson(record.spec) },
        { QStringLiteral("dry_run"), record.dryRun },
        { QStringLiteral("started_wall_ms"), record.startedWallMs },
        { QStringLiteral("finished_wall_ms"), record.finishedWallMs },
        { QStringLiteral("phase"), toString(record.phase) },
        { QStringLiteral("verdict"), toString(record.verdict) },
        { QStringLiteral("verdict_reason"), record.verdictReason },
        { QStringLiteral("deviations"), stringArray(record.deviations) },
        { QStringLiteral("fault_active"), record.faultActive },
        { QStringLiteral("containers_before"), before },
        { QStringLiteral("steps"), steps },
        { QStringLiteral("events"), events },
        { QStringLiteral("probes"), probes },
        { QStringLiteral("target"), target },
        { QStringLiteral("cluster"), cluster },
        { QStringLiteral("figures"), figuresToJson(record.figures) },
    };
}

Result<DrillRecord> drillRecordFromJson(const QByteArray &json, const QString &sourceName)
{
    if (json.trimmed().isEmpty())
        return Error { sourceName
            + QStringLiteral(": the file is empty; expected a drill journal") };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const qsizetype offset = std::clamp<qsizetype>(parseError.offset, 0, json.size());
        const qsizetype line = json.left(offset).count('\n') + 1;
        return Error { sourceName
            + QStringLiteral(": not valid JSON (line %1, byte %2): %3")
                  .arg(line)
                  .arg(offset)
                  .arg(parseError.errorString()) };
    }
    try {
        return recordFromJson(
            document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array()));
    } catch (const JournalFailure &failure) {
        QString message = sourceName + QStringLiteral(": ");
        if (!failure.path.isEmpty())
            message += failure.path + QStringLiteral(": ");
        return Error { message + failure.what };
    } catch (const std::exception &e) {
        return Error { sourceName + QStringLiteral(": cannot read the journal: ")
            + QString::fromUtf8(e.what()) };
    }
}

QString defaultDrillDirectory()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return dir + QStringLiteral("/Clusterwatch/drills");
}

QString drillJournalFileName(const DrillRecord &record)
{
    const QString started = QDateTime::fromMSecsSinceEpoch(record.startedWallMs, Qt::UTC)
                                .toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString name = fileSafe(record.spec.name, 48);
    if (name.isEmpty())
        name = QStringLiteral("drill");
    const QString id = fileSafe(record.id, 64).remove(QLatin1Char('-')).left(8);
    QString file = started + QLatin1Char('-') + name;
    if (!id.isEmpty())
        file += QLatin1Char('-') + id;
    return file + QStringLiteral(".json");
}

Result<QString> writeDrillJournal(const DrillRecord &record, const QString &dir)
{
    if (!QDir().mkpath(dir))
        return Error { dir + QStringLiteral(": cannot create the drill journal directory") };
    const QString path = QDir(dir).filePath(drillJournalFileName(record));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { path + QStringLiteral(": cannot write: ") + file.errorString() };
    const QByteArray json = QJsonDocument(drillRecordToJson(record)).toJson(QJsonDocument::Compact);
    if (file.write(json) != json.size() || file.write("\n", 1) != 1 || !file.commit())
        return Error { path + QStringLiteral(": cannot write: ") + file.errorString() };
    return path;
}

Result<DrillRecord> readDrillJournal(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error { path + QStringLiteral(": cannot open: ") + file.errorString() };
    if (file.size() > kMaxJournalBytes)
        return Error { path
            + QStringLiteral(": the file is larger than 256 MiB; is this a drill "
                             "journal?") };
    const QByteArray json = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return Error { path + QStringLiteral(": cannot read: ") + file.errorString() };
    return drillRecordFromJson(json, path);
}

QList<DrillJournalEntry> listDrillJournals(const QString &dir, QStringList *errors)
{
    QList<DrillJournalEntry> entries;
    const QFileInfo info(dir);
    if (!info.exists())
        return entries; // nothing written yet
    if (!info.isDir() || !info.isReadable()) {
        if (errors)
            errors->append(dir
                + QStringLiteral(": cannot list the drill journals: not a readable "
                                 "directory"));
        return entries;
    }
    const QStringList names
        = QDir(dir).entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    for (const QString &name : names) {
        const QString path = QDir(dir).filePath(name);
        Result<DrillRecord> record = readDrillJournal(path);
        if (!record.ok()) {
            if (errors)
                errors->append(record.error());
            continue;
        }
        entries.append(DrillJournalEntry { path, std::move(record).value() });
    }
    // Newest first; the file name (start time, then name) breaks ties the same way every time.
    std::stable_sort(
        entries.begin(), entries.end(), [](const DrillJournalEntry &a, const DrillJournalEntry &b) {
            if (a.record.startedWallMs != b.record.startedWallMs)
                return a.record.startedWallMs > b.record.startedWallMs;
            return a.path > b.path;
        });
    return entries;
}

} // namespace cw
