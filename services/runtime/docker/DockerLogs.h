#pragma once

// Internal to cw_docker: a part of DockerClient.

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>

namespace cw {

class DockerLogDemuxer;
class DockerTransport;
struct DockerFailure;
struct DockerReply;

/// The container logs of a DockerClient: tails (GET /containers/{id}/logs?tail=N, after an
/// inspect that tells whether the output is multiplexed) and follows (a logs stream with
/// follow=1, opened again with `since` after the container stopped and started, until
/// unfollowed).
class DockerLogs final : public QObject {
    Q_OBJECT
public:
    explicit DockerLogs(DockerTransport &transport, QObject *parent = nullptr);

    /// The last @p tail lines of stdout and stderr, demultiplexed, in order: logsReady().
    void fetch(quint64 requestId, const QString &container, int tail);
    void follow(const QString &container);
    void unfollow(const QString &container);
    /// Forgets every follow (the transport cancels their requests).
    void stop();

Q_SIGNALS:
    void logsReady(quint64 requestId, const QString &container, const QStringList &lines,
        const QString &error);
    void logLine(const QString &container, const QString &line, bool fromStderr);
    void followFailed(const QString &container, const QString &error);

private:
    struct Follow {
        quint64 generation = 0;
        quint64 request = 0;
        std::shared_ptr<DockerLogDemuxer> demuxer;
        qint64 backoffMs = 0;
        qint64 endedAtMs = 0; ///< wall clock; `since` for the next attempt
    };

    void fetchOf(quint64 requestId, const QString &container, int tail, bool tty);
    /// Why a logs request failed, for the log panel.
    [[nodiscard]] QString failureText(const DockerReply &reply, const DockerFailure &failure) const;
    void startFollow(const QString &container, quint64 generation);
    void openFollow(const QString &container, quint64 generation, bool tty);
    void followEnded(const QString &container, quint64 generation, const QString &error);
    [[nodiscard]] Follow *current(const QString &container, quint64 generation);

    DockerTransport &m_transport;
    QHash<QString, Follow> m_follows; ///< by container name as given
    quint64 m_followGeneration = 0;
};

} // namespace cw
