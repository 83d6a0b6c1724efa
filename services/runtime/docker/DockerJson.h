#pragma once

// Pure parsers of the Docker Engine API's answers (v1.41): functions of bytes, no I/O.
// Errors name the answer and what in it was wrong ("containers list: item 2: "Id" is missing").

#include "models/Result.h"
#include "models/RuntimeTypes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

namespace cw {

/// GET /containers/json?all=1: every container, names without the leading '/'.
/// `Ports` may be absent or empty and `Labels` null (host networking, no labels).
Result<QList<ContainerInfo>> parseContainerList(QByteArrayView json);

/// GET /containers/{id}/json: id, name, image, state, restart count, exit code (for a container
/// that has run and stopped), TTY, labels, and settingHashes from Config.Env for the
/// consistencySettingKeys(). `status` stays empty (only the list has it).
Result<ContainerInfo> parseContainerInspect(QByteArrayView json);

/// One stats object (GET /containers/{id}/stats, one line of the stream=1 answer). CPU % is
/// empty when precpu_stats is (the first sample of a stream, or one-shot=true); memory used
/// is usage minus the inactive file cache (total_inactive_file on cgroup v1, inactive_file
/// on v2). Accepts an answer without `networks` (host networking).
Result<ContainerStats> parseContainerStats(QByteArrayView json);

/// One line of GET /events.
Result<RuntimeEvent> parseDockerEvent(QByteArrayView line);

/// GET /version: the engine's version ("20.10.24+dfsg1").
Result<QString> parseEngineVersion(QByteArrayView json);

/// The text of an API error body ({"message": "No such container: nope"}); for a body that is
/// not such JSON, its printable start; empty for an empty body.
QString parseApiError(QByteArrayView body);

/// One line of a container's log.
struct LogLine {
    QString text; ///< without the line break
    bool fromStderr = false;

    friend bool operator==(const LogLine &, const LogLine &) = default;
};

/// Splits the body of GET /containers/{id}/logs into lines, fed in pieces as they arrive.
///
/// Without a TTY the engine multiplexes stdout and stderr in frames: an 8-byte header (stream
/// type 0/1 stdout, 2 stderr, 3 engine error; three zero bytes; big-endian uint32 payload
/// length) and the payload. Frames and headers may be split anywhere between reads, and a long
/// line arrives in several frames (the engine cuts at 16 KiB): a line is complete at its '\n'.
/// With a TTY the body is the raw terminal text ("\r\n" line ends), all on stdout.
class DockerLogDemuxer final {
public:
    explicit DockerLogDemuxer(bool tty);

    /// The lines completed by @p bytes, in order. After an error() nothing more is returned.
    QList<LogLine> feed(QByteArrayView bytes);
    /// At the end of the body: the unterminated last lines, if any.
    QList<LogLine> finish();

    /// Non-empty once the stream turned out not to be a log stream (a corrupt frame header).
    [[nodiscard]] const QString &error() const { return m_error; }
    /// True for a TTY stream, or when the first bytes were not a frame header (then the body
    /// is taken as raw text, as a TTY container's is).
    [[nodiscard]] bool raw() const { return m_raw; }

private:
    void appendText(int stream, QByteArrayView text, QList<LogLine> &out);
    void flushPartial(int stream, QList<LogLine> &out);

    bool m_raw;
    QString m_error;
    qint64 m_offset = 0; ///< bytes consumed so far, for error messages
    QByteArray m_header; ///< a frame header split between two reads
    quint32 m_payloadLeft = 0; ///< bytes of the current frame still to come
    int m_stream = 1; ///< of the current frame
    QByteArray m_partial[2]; ///< unterminated line of stdout, stderr
};

} // namespace cw
