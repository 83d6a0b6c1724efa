#pragma once

// Internal to cw_docker: a part of DockerClient.

#include "models/RuntimeTypes.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

class QTimer;

namespace cw {

class DockerTransport;

/// The long-lived streams of a DockerClient while the engine answers: GET /events (container
/// events, reconnected with backoff and `since`, repeats after a reconnect dropped) and one
/// GET /containers/{id}/stats stream per running container.
class DockerStreams final : public QObject {
    Q_OBJECT
public:
    explicit DockerStreams(DockerTransport &transport, QObject *parent = nullptr);

    /// A poll reached the engine: opens the event stream if it is not open, and a stats stream
    /// for every running container of @p containers (closing those of the others).
    void engineAnswered(const QList<cw::ContainerInfo> &containers, qint64 listedAtWallMs);
    /// Closes every stream until the engine answers again.
    void engineLost();
    /// Forgets every stream (the transport cancels their requests).
    void stop();

Q_SIGNALS:
    void eventReceived(const cw::RuntimeEvent &event);
    void statsReady(const cw::ContainerStats &stats);
    /// Before eventReceived(): container @p id had an event; @p stateMayHaveChanged for those
    /// after which the list or a restart count may differ (start, die, destroy, ...).
    void containerTouched(const QString &id, bool stateMayHaveChanged);
    /// The event stream ended (it reconnects itself): the engine may be going away.
    void eventsEnded();

private:
    void ensureEvents();
    void openEvents();
    void eventsData(QByteArrayView data);
    void handleEventLine(QByteArrayView line);
    void reconcileStats(const QList<ContainerInfo> &containers);
    void openStats(const QString &id);
    void statsData(const QString &id, QByteArrayView data);

    DockerTransport &m_transport;
    bool m_engineAnswers = false;

    // event stream
    quint64 m_eventsRequest = 0;
    QTimer *m_eventsTimer = nullptr;
    qint64 m_eventsBackoffMs = 0;
    qint64 m_eventsOpenedAtMs = 0; ///< monotonic
    qint64 m_eventsOpenedWallMs = 0; ///< wall clock, `since` before any event was seen
    qint64 m_firstListWallMs = 0; ///< `since` of the first stream: nothing after the
                                  ///< first list is missed
    QByteArray m_eventsBuffer;
    qint64 m_lastEventNano = 0;
    QSet<QString> m_lastEventKeys; ///< events at m_lastEventNano (a reconnect repeats them)
    qint64 m_replayBoundaryNano = 0; ///< a reconnected stream repeats events up to here
    QSet<QString> m_replayKeys;

    // stats streams
    QHash<QString, quint64> m_stats; ///< container id -> stream request
    QHash<QString, QByteArray> m_statsBuffers;
};

} // namespace cw
