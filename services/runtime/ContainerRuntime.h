#pragma once

#include "models/RuntimeTypes.h"

#include <QObject>
#include <QString>
#include <QStringList>

namespace cw {

/// The container side of one cluster: the data source for its containers (snapshots, stats,
/// lifecycle events, logs) and the backend of actions on them. Docker today (DockerClient),
/// Kubernetes later. A runtime lives on its own worker thread (see WorkerThread): its slots are
/// queued to it and its signals cross back queued.
///
/// Every request is answered exactly once by its signal, failures included (as data, never an
/// exception): perform() by actionFinished(), fetchLogs() by logsReady(). An action the runtime
/// does not support (supports() is false) is answered ActionOutcome::Failed without reaching the
/// engine.
class ContainerRuntime : public QObject {
    Q_OBJECT
public:
    ~ContainerRuntime() override;
    ContainerRuntime(const ContainerRuntime &) = delete;
    ContainerRuntime &operator=(const ContainerRuntime &) = delete;

    /// Which runtime this is, for logs and the audit trail: "docker".
    [[nodiscard]] virtual QString kind() const = 0;
    /// Whether perform() can carry out @p action here (any thread: a property of the runtime).
    [[nodiscard]] virtual bool supports(cw::ContainerAction action) const = 0;

public Q_SLOTS:
    /// On the runtime's thread: connects, observes at once, then paces itself.
    virtual void start() = 0;
    /// Aborts every request and stream; nothing more is emitted for them.
    virtual void stop() = 0;

    /// Carries out @p action on @p container (@p graceSeconds before a kill where it applies;
    /// negative: the runtime's default). Answers with actionFinished().
    virtual void perform(
        quint64 requestId, const QString &container, cw::ContainerAction action, int graceSeconds)
        = 0;
    /// The last @p tail lines of @p container's output, in order: logsReady().
    virtual void fetchLogs(quint64 requestId, const QString &container, int tail) = 0;
    /// New lines of @p container's output from now on, as logLine(), until unfollowLogs() (kept
    /// across restarts; a container that does not exist ends it with followFailed()).
    virtual void followLogs(const QString &container) = 0;
    virtual void unfollowLogs(const QString &container) = 0;

Q_SIGNALS:
    void snapshotReady(const cw::RuntimeSnapshot &snapshot);
    void statsReady(const cw::ContainerStats &stats);
    void eventReceived(const cw::RuntimeEvent &event);
    void actionFinished(const cw::ActionResult &result);
    void logsReady(quint64 requestId, const QString &container, const QStringList &lines,
        const QString &error);
    void logLine(const QString &container, const QString &line, bool fromStderr);
    void followFailed(const QString &container, const QString &error);

protected:
    explicit ContainerRuntime(QObject *parent = nullptr);
};

} // namespace cw
