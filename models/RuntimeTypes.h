#pragma once

// Value types of the container runtime (ContainerRuntime: Docker today, Kubernetes later): the
// containers it runs, their stats and lifecycle events, and what actions return. Runtime-neutral
// except DockerEndpoint, the Docker implementation's address. Immutable once emitted; they cross
// threads by queued signals.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <optional>

namespace cw {

/// Where the Docker Engine API is reached, as the docker CLI understands DOCKER_HOST,
/// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (or the cluster file's `docker:` section).
struct DockerEndpoint {
    QString host
        = QStringLiteral("unix:///var/run/docker.sock"); ///< unix:///path or tcp://host:port
    bool tlsVerify = false;
    QString certPath; ///< directory with ca.pem, cert.pem, key.pem
    bool configured = false; ///< false: Docker features are off for this cluster

    /// "unix:///var/run/docker.sock" or "tcp://10.0.0.5:2376 (TLS)", safe to show.
    QString display() const;
};

/// One container as the runtime reports it (Docker: GET /containers/json and inspect).
struct ContainerInfo {
    QString id;
    QString name; ///< without the leading '/'
    /// What runs it and would restart or scale it: the compose service (Docker labels
    /// com.docker.compose.project / .service, "n8n/n8n-worker"), later a Kubernetes
    /// Deployment; empty for a container started on its own.
    QString workload;
    QString image;
    QString state; ///< running | exited | restarting | paused | created | dead | removing
    QString status; ///< the runtime's human text, "Up 3 minutes", "Exited (137) 5 seconds ago"
    int restartCount = 0; ///< from inspect
    std::optional<int> exitCode;
    qint64 createdS = 0;
    bool tty = false; ///< TTY containers have no multiplexed log frames
    QHash<QString, QString> labels;
    /// From inspect's Config.Env, for the settings all nodes must share (services/DockerJson's
    /// consistencySettingKeys): setting name → truncated SHA-256 of its value. Never the value;
    /// a setting that is not in the environment has no entry.
    QHash<QString, QByteArray> settingHashes;
};

/// One stats sample of one container.
struct ContainerStats {
    QString id;
    qint64 timestampMs = 0;
    std::optional<double> cpuPercent; ///< 100 = one core; empty without a previous sample
    qint64 memoryUsedBytes = 0; ///< usage minus inactive file cache
    qint64 memoryLimitBytes = 0; ///< the host's RAM unless --memory was set
};

/// One runtime event (Docker: one line of GET /events).
struct RuntimeEvent {
    QString type; ///< "container", "network", ...
    QString action; ///< "die", "start", "stop", "restart", "kill", "pause", ...
    QString id;
    QString name; ///< Actor.Attributes.name
    qint64 timeNano = 0;
    QHash<QString, QString> attributes; ///< exitCode, signal, image, labels ...
};

/// Applies a lifecycle event (die, stop, start, restart, unpause, pause) of @p container's
/// container to it: state and exit code. Returns false when nothing changes (other events, or
/// the "stop" that follows "die", which must keep die's exit code).
bool applyLifecycleEvent(ContainerInfo &container, const RuntimeEvent &event);

/// The environment variables every n8n process of one cluster must agree on: the encryption
/// key, the database and the Bull queue's Redis, and the executions mode.
const QStringList &consistencySettingKeys();

/// What is kept of a setting's value: the first 16 bytes of its SHA-256, enough to tell two
/// values apart, never the value.
QByteArray settingHash(QStringView value);

/// The engine's state at one poll.
struct RuntimeSnapshot {
    QString endpoint; ///< where the runtime was reached (DockerEndpoint::display())
    qint64 timestampMs = 0;
    bool reachable = false;
    QString error; ///< "Docker not reachable at unix:///…: connection refused"
    QString apiVersion; ///< negotiated, e.g. "1.41"
    QString engineVersion;
    QList<ContainerInfo> containers; ///< all, running or not
};

/// What can be done to a container. Not every runtime does everything: see
/// ContainerRuntime::supports() (Docker: restart, stop, start, kill, pause, unpause).
enum class ContainerAction {
    Restart,
    Stop,
    Start,
    Kill, ///< SIGKILL at once, no grace period (a crash, for failover drills)
    Pause, ///< freeze every process; sockets stay open but nothing answers (a hang)
    Unpause, ///< undo Pause
    RolloutRestart, ///< replace the workload's instances one by one (Kubernetes)
    Scale, ///< change the workload's number of instances (Kubernetes)
};
/// "restart", "stop", "start", "kill", "pause", "unpause", "rollout-restart", "scale": for logs
/// and the audit trail.
QString toString(ContainerAction action);
/// Whether @p action stops processes gracefully, waiting a grace period before it kills them
/// (restart, stop and the Kubernetes ones); start, kill, pause and unpause act at once.
bool hasGracePeriod(ContainerAction action);

enum class ActionOutcome {
    Done,
    AlreadyInState, ///< 304: already started / already stopped; already paused / not paused
    NoSuchContainer, ///< 404
    Refused, ///< refused before reaching the engine (restart-storm guard, busy)
    Failed, ///< the engine's error text, or not reachable
};
QString toString(ActionOutcome outcome);

/// The result of one action (restart, stop, start, ...).
struct ActionResult {
    quint64 requestId = 0;
    QString container;
    ContainerAction action = ContainerAction::Restart;
    ActionOutcome outcome = ActionOutcome::Failed;
    QString message; ///< the engine's text or ours, for the user
    QString endpoint; ///< the Docker host it went to
    qint64 startedMs = 0;
    qint64 finishedMs = 0;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::RuntimeSnapshot)
Q_DECLARE_METATYPE(cw::ContainerStats)
Q_DECLARE_METATYPE(cw::RuntimeEvent)
Q_DECLARE_METATYPE(cw::ActionResult)
