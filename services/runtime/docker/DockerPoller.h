#pragma once

// Internal to cw_docker: a part of DockerClient.

#include "models/ClusterConfig.h"
#include "models/RuntimeTypes.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <atomic>
#include <optional>

class QTimer;

namespace cw {

class DockerTransport;
struct DockerFailure;

/// The container polls of a DockerClient: GET /containers/json, then inspect for the containers
/// that are new, changed state or had an event since their last inspect (restart counts, exit
/// codes, TTY, the settings' hashes), one RuntimeSnapshot per poll.
///
/// Polls are self-paced and never overlap: the single-shot timer is re-armed when a poll has
/// finished. While the engine is unreachable, attempts back off from the interval up to 5 s;
/// polls in between report the last error without touching the network.
class DockerPoller final : public QObject {
    Q_OBJECT
public:
    DockerPoller(DockerTransport &transport, Millis interval, QObject *parent = nullptr);

    /// Polls at once, then paces itself (the transport runs).
    void start();
    /// Forgets the poll in flight (the transport cancels its requests) and stops pacing.
    void stop();
    /// A poll within 50 ms (after an event or an action), unless backing off.
    void requestPollSoon();
    /// @p id had an event: inspect it again at the next poll; @p pollSoon: do not wait for it.
    void containerTouched(const QString &id, bool pollSoon);

    /// Inspect requests sent so far (any thread).
    [[nodiscard]] quint64 inspectRequests() const { return m_inspectCount.load(); }

Q_SIGNALS:
    void snapshotReady(const cw::RuntimeSnapshot &snapshot);
    /// After the snapshot of a poll that reached the engine, while running: its containers, and
    /// when (wall clock) the list was asked for.
    void engineAnswered(const QList<cw::ContainerInfo> &containers, qint64 listedAtWallMs);
    /// Before the snapshot of a poll that could not reach the engine.
    void engineLost();

private:
    struct Inspected {
        QString state;
        int restartCount = 0;
        std::optional<int> exitCode;
        bool tty = false;
        QHash<QString, QByteArray> settingHashes; ///< for the config-consistency alert
    };

    void poll();
    void listContainers();
    void inspectNext();
    void completePoll();
    void pollFailed(const DockerFailure &failure);
    void finishPoll();
    void emitSnapshot(RuntimeSnapshot snapshot);

    DockerTransport &m_transport;
    Millis m_interval;
    QTimer *m_pollTimer = nullptr;
    bool m_pollInFlight = false;
    bool m_pollSoon = false;
    qint64 m_pollStartedMs = 0;
    qint64 m_pollStartedWallMs = 0;
    RuntimeSnapshot m_pending;
    QStringList m_pendingErrors;
    QStringList m_toInspect;
    QList<quint64> m_pollRequests; ///< of the poll in flight, cancelled if it fails
    int m_inspectsInFlight = 0;
    QHash<QString, Inspected> m_inspected; ///< by container id
    QSet<QString> m_dirty; ///< ids with an event since their last inspect
    std::atomic<quint64> m_inspectCount { 0 };

    // reachability
    bool m_reachable = false;
    bool m_everPolled = false;
    QString m_lastError;
    qint64 m_nextAttemptMs = 0;
    qint64 m_backoffMs = 0;
};

} // namespace cw
