#include "services/runtime/docker/DockerJson.h"

#include "services/net/BodySnippet.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <cmath>
#include <limits>

namespace cw {

namespace {

/// The compose service that runs a container, "project/service" from compose's labels; empty
/// for a container started on its own.
QString composeWorkload(const QHash<QString, QString> &labels)
{
    const QString service = labels.value(QStringLiteral("com.docker.compose.service"));
    if (service.isEmpty())
        return {};
    const QString project = labels.value(QStringLiteral("com.docker.compose.project"));
    return project.isEmpty() ? service : project + QLatin1Char('/') + service;
}

/// Thrown by the accessors below and caught in each public parser: it keeps the many checks
/// linear. Never leaves this file.
struct JsonFailure {
    QString message;
};

constexpr qsizetype kMaxLineBytes = qsizetype(1) << 20;
/// Docker's messages are longer than a web server's: more of them is quoted.
constexpr qsizetype kApiSnippetChars = 200;

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

QString snippet(QByteArrayView bytes)
{
    return bodySnippet(bytes, kApiSnippetChars);
}

/// Reads fields of one JSON answer, failing with "<what>: <path>: <problem>".
class Reader {
public:
    explicit Reader(QString what)
        : m_what(std::move(what))
    {
    }

    [[noreturn]] void fail(const QString &path, const QString &problem) const
    {
        QString message = m_what + QStringLiteral(": ");
        if (!path.isEmpty())
            message += path + QStringLiteral(": ");
        throw JsonFailure { message + problem };
    }

    QJsonDocument document(QByteArrayView bytes) const
    {
        if (bytes.trimmed().isEmpty())
            fail(QString(), QStringLiteral("empty answer"));
        QJsonParseError error {};
        const QJsonDocument doc = QJsonDocument::fromJson(bytes.toByteArray(), &error);
        if (error.error != QJsonParseError::NoError)
            fail(QString(),
                QStringLiteral("not JSON (%1 at byte %2): %3")
                    .arg(error.errorString())
                    .arg(error.offset)
                    .arg(snippet(bytes)));
        return doc;
    }

    QJsonObject rootObject(QByteArrayView bytes) const
    {
        const QJsonDocument doc = document(bytes);
        if (!doc.isObject())
            fail(QString(), QStringLiteral("expected a JSON object, got an array"));
        return doc.object();
    }

    static QString join(const QString &path, const QString &key)
    {
        return path.isEmpty() ? key : path + QLatin1Char('.') + key;
    }

    /// A present value of the wrong type fails; absent or null gives @p fallback.
    QString string(const QJsonObject &object, const QString &path, const QString &key,
        const QString &fallback = {}) const
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return fallback;
        if (!value.isString())
            fail(join(path, key), QStringLiteral("expected a string, got ") + typeName(value));
        return value.toString();
    }

    QString requiredString(const QJsonObject &object, const QString &path, const QString &key) const
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            fail(join(path, key), QStringLiteral("is missing"));
        const QString text = string(object, path, key);
        if (text.isEmpty())
            fail(join(path, key), QStringLiteral("is empty"));
        return text;
    }

    std::optional<double> number(
        const QJsonObject &object, const QString &path, const QString &key) const
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return std::nullopt;
        if (!value.isDouble())
            fail(join(path, key), QStringLiteral("expected a number, got ") + typeName(value));
        const double d = value.toDouble();
        if (!std::isfinite(d))
            fail(join(path, key), QStringLiteral("is not a finite number"));
        return d;
    }

    /// Integers as the engine writes them (exact up to 2^63 when Qt kept them integral).
    std::optional<qint64> integer(
        const QJsonObject &object, const QString &path, const QString &key) const
    {
        const QJsonValue value = object.value(key);
        const std::optional<double> d = number(object, path, key);
        if (!d)
            return std::nullopt;
        const qint64 exact = value.toInteger(std::numeric_limits<qint64>::min());
        if (exact != std::numeric_limits<qint64>::min())
            return exact;
        if (*d >= 9.2e18 || *d <= -9.2e18)
            return *d > 0 ? std::numeric_limits<qint64>::max() : std::numeric_limits<qint64>::min();
        return qint64(std::llround(*d));
    }

    bool boolean(const QJsonObject &object, const QString &path, const QString &key) const
    {
        const QJsonValue value = object.value(key);
        if (value.isUndefined() || value.isNull())
            return false;
        if (!value.isBool())
            fail(join(path, key), QStringLiteral("expected true or false, got ") + typeName(value));
        return value.toBool();
    }

    /// Absent or null gives an empty object.
    QJsonObject object(const QJsonObject &parent, const QString &path, const QString &key) const
    {
        const QJsonValue value = parent.value(key);
        if (value.isUndefined() || value.isNull())
            return {};
        if (!value.isObject())
            fail(join(path, key), QStringLiteral("expected an object, got ") + typeName(value));
        return value.toObject();
    }

    QJsonObject requiredObject(
        const QJsonObject &parent, const QString &path, const QString &key) const
    {
        const QJsonValue value = parent.value(key);
        if (value.isUndefined() || value.isNull())
            fail(join(path, key), QStringLiteral("is missing"));
        return object(parent, path, key);
    }

    /// A map of strings (labels, event attributes).
    QHash<QString, QString> strings(
        const QJsonObject &parent, const QString &path, const QString &key) const
    {
        const QJsonObject map = object(parent, path, key);
        QHash<QString, QString> result;
        result.reserve(map.size());
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it.value().isString())
                fail(join(join(path, key), it.key()),
                    QStringLiteral("expected a string, got ") + typeName(it.value()));
            result.insert(it.key(), it.value().toString());
        }
        return result;
    }

private:
    QString m_what;
};

/// RFC 3339 with nanoseconds ("2026-11-23T18:58:18.074369713Z") to ms since the epoch;
/// 0 for Go's zero time ("0001-01-01T00:00:00Z") and anything before 1970.
std::optional<qint64> parseTimestampMs(const QString &text)
{
    if (text.size() < 20 || text.at(10) != QLatin1Char('T'))
        return std::nullopt;
    const QString base = text.left(19);
    qsizetype pos = 19;
    QString millis = QStringLiteral("000");
    if (pos < text.size() && text.at(pos) == QLatin1Char('.')) {
        ++pos;
        const qsizetype start = pos;
        while (pos < text.size() && text.at(pos).isDigit())
            ++pos;
        if (pos == start)
            return std::nullopt;
        millis
            = QString(text.mid(start, std::min<qsizetype>(3, pos - start)) + QStringLiteral("00"))
                  .left(3);
    }
    const QString zone = text.mid(pos);
    if (zone != QLatin1String("Z") && zone.size() != 6)
        return std::nullopt;
    const QDateTime time
        = QDateTime::fromString(base + QLatin1Char('.') + millis + zone, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    return std::max<qint64>(0, time.toMSecsSinceEpoch());
}

QString withoutSlash(QString name)
{
    if (name.startsWith(QLatin1Char('/')))
        name.remove(0, 1);
    return name;
}

ContainerInfo readListItem(const Reader &reader, const QJsonObject &item, const QString &path)
{
    ContainerInfo info;
    info.id = reader.requiredString(item, path, QStringLiteral("Id"));
    const QJsonValue names = item.value(QLatin1String("Names"));
    if (names.isArray()) {
        const QJsonArray list = names.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (!list.at(i).isString())
                reader.fail(path + QStringLiteral(".Names[%1]").arg(i),
                    QStringLiteral("expected a string, got ") + typeName(list.at(i)));
        }
        if (!list.isEmpty())
            info.name = withoutSlash(list.at(0).toString());
    } else if (!names.isUndefined() && !names.isNull()) {
        reader.fail(Reader::join(path, QStringLiteral("Names")),
            QStringLiteral("expected an array, got ") + typeName(names));
    }
    if (info.name.isEmpty())
        info.name = info.id.left(12);
    info.image = reader.string(item, path, QStringLiteral("Image"));
    info.state = reader.requiredString(item, path, QStringLiteral("State"));
    info.status = reader.string(item, path, QStringLiteral("Status"));
    info.createdS = reader.integer(item, path, QStringLiteral("Created")).value_or(0);
    info.labels = reader.strings(item, path, QStringLiteral("Labels"));
    info.workload = composeWorkload(info.labels);
    const QJsonValue ports = item.value(QLatin1String("Ports"));
    if (!ports.isUndefined() && !ports.isNull() && !ports.isArray())
        reader.fail(Reader::join(path, QStringLiteral("Ports")),
            QStringLiteral("expected an array, got ") + typeName(ports));
    return info;
}

/// CPU % over the two samples of one stats object, as the docker CLI computes it.
std::optional<double> cpuPercent(const Reader &reader, const QJsonObject &root)
{
    const QJsonObject cpu = reader.requiredObject(root, QString(), QStringLiteral("cpu_stats"));
    const QJsonObject pre = reader.object(root, QString(), QStringLiteral("precpu_stats"));
    const QJsonObject usage
        = reader.object(cpu, QStringLiteral("cpu_stats"), QStringLiteral("cpu_usage"));
    const QJsonObject preUsage
        = reader.object(pre, QStringLiteral("precpu_stats"), QStringLiteral("cpu_usage"));
    const std::optional<double> total = reader.number(
        usage, QStringLiteral("cpu_stats.cpu_usage"), QStringLiteral("total_usage"));
    const std::optional<double> system
        = reader.number(cpu, QStringLiteral("cpu_stats"), QStringLiteral("system_cpu_usage"));
    const std::optional<double> preTotal = reader.number(
        preUsage, QStringLiteral("precpu_stats.cpu_usage"), QStringLiteral("total_usage"));
    const std::optional<double> preSystem
        = reader.number(pre, QStringLiteral("precpu_stats"), QStringLiteral("system_cpu_usage"));
    double online = reader.number(cpu, QStringLiteral("cpu_stats"), QStringLiteral("online_cpus"))
                        .value_or(0);
    if (online <= 0) {
        const QJsonValue perCpu = usage.value(QLatin1String("percpu_usage"));
        online = perCpu.isArray() ? double(perCpu.toArray().size()) : 0;
    }
    // An empty precpu_stats (first sample, one-shot) has no system_cpu_usage.
    if (!total || !system || !preTotal || !preSystem || *preSystem <= 0 || online <= 0)
        return std::nullopt;
    const double systemDelta = *system - *preSystem;
    const double cpuDelta = *total - *preTotal;
    if (systemDelta <= 0 || cpuDelta < 0)
        return std::nullopt;
    return cpuDelta / systemDelta * online * 100.0;
}

/// Config.Env ("KEY=value" strings): hashes of the consistency settings' values. A variable
/// given twice counts as its last value, as Docker passes it.
QHash<QString, QByteArray> settingHashes(const Reader &reader, const QJsonObject &config)
{
    QHash<QString, QByteArray> hashes;
    const QJsonValue env = config.value(QLatin1String("Env"));
    if (env.isUndefined() || env.isNull())
        return hashes;
    if (!env.isArray())
        reader.fail(QStringLiteral("Config.Env"),
            QStringLiteral("expected an array, got ") + typeName(env));
    const QJsonArray items = env.toArray();
    const QStringList &keys = consistencySettingKeys();
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isString())
            reader.fail(QStringLiteral("Config.Env[%1]").arg(i),
                QStringLiteral("expected a string, got ") + typeName(items.at(i)));
        const QString item = items.at(i).toString();
        const qsizetype eq = item.indexOf(QLatin1Char('='));
        if (eq <= 0)
            continue;
        const QStringView key = QStringView(item).first(eq);
        for (const QString &wanted : keys) {
            if (key == wanted) {
                hashes.insert(wanted, settingHash(QStringView(item).sliced(eq + 1)));
                break;
            }
        }
    }
    return hashes;
}

} // namespace

Result<QList<ContainerInfo>> parseContainerList(QByteArrayView json)
{
    const Reader reader(QStringLiteral("containers list"));
    try {
        const QJsonDocument doc = reader.document(json);
        if (!doc.isArray())
            reader.fail(QString(), QStringLiteral("expected a JSON array, got an object"));
        const QJsonArray items = doc.array();
        QList<ContainerInfo> containers;
        containers.reserve(items.size());
        for (qsizetype i = 0; i < items.size(); ++i) {
            const QString path = QStringLiteral("[%1]").arg(i);
            if (!items.at(i).isObject())
                reader.fail(
                    path, QStringLiteral("expected an object, got ") + typeName(items.at(i)));
            containers.append(readListItem(reader, items.at(i).toObject(), path));
        }
        return containers;
    } catch (const JsonFailure &failure) {
        return Error { failure.message };
    }
}

Result<ContainerInfo> parseContainerInspect(QByteArrayView json)
{
    const Reader reader(QStringLiteral("container inspect"));
    try {
        const QJsonObject root = reader.rootObject(json);
        ContainerInfo info;
        info.id = reader.requiredString(root, QString(), QStringLiteral("Id"));
        info.name = withoutSlash(reader.string(root, QString(), QStringLiteral("Name")));
        if (info.name.isEmpty())
            info.name = info.id.left(12);
        const QJsonObject state = reader.requiredObject(root, QString(), QStringLiteral("State"));
        info.state
            = reader.requiredString(state, QStringLiteral("State"), QStringLiteral("Status"));
        const std::optional<qint64> exitCode
            = reader.integer(state, QStringLiteral("State"), QStringLiteral("ExitCode"));
        // A running or never started container has ExitCode 0: only a stopped one has one.
        if (exitCode
            && (info.state == QLatin1String("exited") || info.state == QLatin1String("dead")))
            info.exitCode = int(std::clamp<qint64>(*exitCode, -1, 255));
        const std::optional<qint64> restarts
            = reader.integer(root, QString(), QStringLiteral("RestartCount"));
        if (!restarts)
            reader.fail(QStringLiteral("RestartCount"), QStringLiteral("is missing"));
        info.restartCount = int(std::clamp<qint64>(*restarts, 0, std::numeric_limits<int>::max()));
        const QJsonObject config = reader.object(root, QString(), QStringLiteral("Config"));
        info.tty = reader.boolean(config, QStringLiteral("Config"), QStringLiteral("Tty"));
        info.image = reader.string(config, QStringLiteral("Config"), QStringLiteral("Image"));
        info.labels = reader.strings(config, QStringLiteral("Config"), QStringLiteral("Labels"));
        info.workload = composeWorkload(info.labels);
        info.settingHashes = settingHashes(reader, config);
        const QString created = reader.string(root, QString(), QStringLiteral("Created"));
        if (!created.isEmpty()) {
            const std::optional<qint64> ms = parseTimestampMs(created);
            if (!ms)
                reader.fail(QStringLiteral("Created"),
                    QStringLiteral("expected an RFC 3339 time, got '%1'").arg(created.left(40)));
            info.createdS = *ms / 1000;
        }
        return info;
    } catch (const JsonFailure &failure) {
        return Error { failure.message };
    }
}

Result<ContainerStats> parseContainerStats(QByteArrayView json)
{
    const Reader reader(QStringLiteral("stats"));
    try {
        const QJsonObject root = reader.rootObject(json);
        ContainerStats stats;
        stats.id = reader.string(root, QString(), QStringLiteral("id"));
        const QString read = reader.string(root, QString(), QStringLiteral("read"));
        if (!read.isEmpty()) {
            const std::optional<qint64> ms = parseTimestampMs(read);
            if (!ms)
                reader.fail(QStringLiteral("read"),
                    QStringLiteral("expected an RFC 3339 time, got '%1'").arg(read.left(40)));
            stats.timestampMs = *ms;
        }
        stats.cpuPercent = cpuPercent(reader, root);

        const QJsonObject memory
            = reader.requiredObject(root, QString(), QStringLiteral("memory_stats"));
        const QString memPath = QStringLiteral("memory_stats");
        const QJsonObject detail = reader.object(memory, memPath, QStringLiteral("stats"));
        const QString detailPath = QStringLiteral("memory_stats.stats");
        // cgroup v1 reports the hierarchy's total_inactive_file; v2 has only inactive_file.
        std::optional<qint64> inactive
            = reader.integer(detail, detailPath, QStringLiteral("total_inactive_file"));
        if (!inactive)
            inactive = reader.integer(detail, detailPath, QStringLiteral("inactive_file"));
        const qint64 usage = reader.integer(memory, memPath, QStringLiteral("usage")).value_or(0);
        stats.memoryUsedBytes = std::max<qint64>(
            0, inactive && *inactive > 0 && *inactive <= usage ? usage - *inactive : usage);
        stats.memoryLimitBytes = std::max<qint64>(
            0, reader.integer(memory, memPath, QStringLiteral("limit")).value_or(0));
        const QJsonValue networks = root.value(QLatin1String("networks"));
        if (!networks.isUndefined() && !networks.isNull() && !networks.isObject())
            reader.fail(QStringLiteral("networks"),
                QStringLiteral("expected an object, got ") + typeName(networks));
        return stats;
    } catch (const JsonFailure &failure) {
        return Error { failure.message };
    }
}

Result<RuntimeEvent> parseDockerEvent(QByteArrayView line)
{
    const Reader reader(QStringLiteral("event"));
    try {
        const QJsonObject root = reader.rootObject(line);
        RuntimeEvent event;
        // API < 1.22 wrote only status/id/from; keep reading those as a fallback.
        event.type = reader.string(root, QString(), QStringLiteral("Type"));
        event.action = reader.string(root, QString(), QStringLiteral("Action"),
            reader.string(root, QString(), QStringLiteral("status")));
        if (event.action.isEmpty())
            reader.fail(QStringLiteral("Action"), QStringLiteral("is missing"));
        if (event.type.isEmpty())
            event.type = QStringLiteral("container");
        const QJsonObject actor = reader.object(root, QString(), QStringLiteral("Actor"));
        event.id = reader.string(actor, QStringLiteral("Actor"), QStringLiteral("ID"),
            reader.string(root, QString(), QStringLiteral("id")));
        event.attributes
            = reader.strings(actor, QStringLiteral("Actor"), QStringLiteral("Attributes"));
        event.name = event.attributes.value(QStringLiteral("name"));
        if (const std::optional<qint64> nano
            = reader.integer(root, QString(), QStringLiteral("timeNano")))
            event.timeNano = *nano;
        else if (const std::optional<qint64> seconds
            = reader.integer(root, QString(), QStringLiteral("time")))
            event.timeNano = *seconds * 1'000'000'000;
        return event;
    } catch (const JsonFailure &failure) {
        return Error { failure.message };
    }
}

Result<QString> parseEngineVersion(QByteArrayView json)
{
    const Reader reader(QStringLiteral("version"));
    try {
        return reader.requiredString(reader.rootObject(json), QString(), QStringLiteral("Version"));
    } catch (const JsonFailure &failure) {
        return Error { failure.message };
    }
}

QString parseApiError(QByteArrayView body)
{
    if (body.trimmed().isEmpty())
        return {};
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(body.toByteArray(), &error);
    if (error.error == QJsonParseError::NoError && doc.isObject()) {
        const QJsonValue message = doc.object().value(QLatin1String("message"));
        if (message.isString() && !message.toString().trimmed().isEmpty())
            return message.toString().trimmed();
    }
    return snippet(body);
}

DockerLogDemuxer::DockerLogDemuxer(bool tty)
    : m_raw(tty)
{
}

QList<LogLine> DockerLogDemuxer::feed(QByteArrayView bytes)
{
    QList<LogLine> out;
    if (!m_error.isEmpty())
        return out;
    if (m_raw) {
        appendText(1, bytes, out);
        m_offset += bytes.size();
        return out;
    }
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        if (m_payloadLeft > 0) {
            const qsizetype take
                = std::min<qsizetype>(qsizetype(m_payloadLeft), bytes.size() - pos);
            appendText(m_stream, bytes.sliced(pos, take), out);
            pos += take;
            m_payloadLeft -= quint32(take);
            m_offset += take;
            continue;
        }
        const qsizetype take = std::min<qsizetype>(8 - m_header.size(), bytes.size() - pos);
        m_header.append(bytes.sliced(pos, take));
        pos += take;
        if (m_header.size() < 8)
            break;
        const auto *h = reinterpret_cast<const unsigned char *>(m_header.constData());
        if (h[0] > 3 || h[1] != 0 || h[2] != 0 || h[3] != 0) {
            if (m_offset == 0) {
                // Not multiplexed at all: a TTY container's raw text.
                m_raw = true;
                const QByteArray text = m_header + bytes.sliced(pos).toByteArray();
                m_header.clear();
                appendText(1, text, out);
                m_offset += text.size();
                return out;
            }
            m_error = QStringLiteral("log stream: corrupt frame header at byte %1 (%2)")
                          .arg(m_offset)
                          .arg(QString::fromLatin1(m_header.toHex(' ')));
            return out;
        }
        m_stream = h[0] >= 2 ? 2 : 1;
        m_payloadLeft
            = (quint32(h[4]) << 24) | (quint32(h[5]) << 16) | (quint32(h[6]) << 8) | quint32(h[7]);
        m_header.clear();
        m_offset += 8;
    }
    return out;
}

QList<LogLine> DockerLogDemuxer::finish()
{
    QList<LogLine> out;
    if (!m_error.isEmpty())
        return out;
    if (!m_header.isEmpty() && m_offset == 0) {
        // A body shorter than one header: raw text unless it starts like a frame header.
        const auto *h = reinterpret_cast<const unsigned char *>(m_header.constData());
        bool header = h[0] <= 3;
        for (qsizetype i = 1; i < std::min<qsizetype>(4, m_header.size()); ++i)
            header = header && h[i] == 0;
        if (!header) {
            m_raw = true;
            appendText(1, m_header, out);
        }
        m_header.clear();
    }
    flushPartial(1, out);
    flushPartial(2, out);
    return out;
}

void DockerLogDemuxer::appendText(int stream, QByteArrayView text, QList<LogLine> &out)
{
    QByteArray &partial = m_partial[stream == 2 ? 1 : 0];
    while (!text.isEmpty()) {
        const qsizetype newline = text.indexOf('\n');
        if (newline < 0) {
            partial.append(text);
            if (partial.size() >= kMaxLineBytes)
                flushPartial(stream, out);
            return;
        }
        partial.append(text.first(newline));
        text = text.sliced(newline + 1);
        if (partial.endsWith('\r'))
            partial.chop(1);
        out.append(LogLine { QString::fromUtf8(partial), stream == 2 });
        partial.clear();
    }
}

void DockerLogDemuxer::flushPartial(int stream, QList<LogLine> &out)
{
    QByteArray &partial = m_partial[stream == 2 ? 1 : 0];
    if (partial.isEmpty())
        return;
    if (partial.endsWith('\r'))
        partial.chop(1);
    out.append(LogLine { QString::fromUtf8(partial), stream == 2 });
    partial.clear();
}

} // namespace cw
