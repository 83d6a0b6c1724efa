#pragma once

#include "models/DrillSpec.h"

#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace cw {

/// Where a drill is. The order is the order they run in; Rollback only after an abort, an error
/// or a drill found unfinished at start-up.
enum class DrillPhase { Preflight, Inject, Observe, Recover, Verify, Rollback, Report, Done };

/// How a drill ended.
enum class DrillVerdict {
    Running, ///< not finished (a journal in this state at start-up is an interrupted drill)
    Passed, ///< the fault was injected and recovered, and the steady state held again
    Deviated, ///< it ran to the end, but something did not behave as the steady state demands
    Aborted, ///< stopped early (abort condition, the operator, an error, the app closing);
             ///< the target was rolled back
    Refused, ///< preflight said no (steady state did not hold, target missing, read-only face)
    DryRun, ///< every step was shown, nothing was done
};

QString toString(DrillPhase phase); ///< "preflight", "inject", ...
QString toString(DrillVerdict verdict); ///< "running", "passed", "deviated", ...
std::optional<DrillPhase> drillPhaseFromString(const QString &text);
std::optional<DrillVerdict> drillVerdictFromString(const QString &text);
/// Every word in declaration order, for "expected one of ..." messages.
QStringList drillPhaseWords();
QStringList drillVerdictWords();

/// Time inside a drill: ms since the drill started (its monotonic clock), so a wall-clock step
/// during a drill cannot bend its figures. wallMs of DrillRecord::startedWallMs + offset is the
/// wall time shown.
using DrillOffset = qint64;

/// One step of the workflow, as it ran (or would run, in a dry run).
struct DrillStep {
    DrillPhase phase = DrillPhase::Preflight;
    QString title; ///< "stop n8n-worker-1 (docker stop, 10 s grace)"
    DrillOffset startMs = 0;
    DrillOffset endMs = -1; ///< -1 while running
    /// "ok", "failed", "skipped", "dry run", "running".
    QString outcome = QStringLiteral("running");
    QString detail; ///< the engine's answer, why a check failed, ...
    bool operator==(const DrillStep &) const = default;
};

/// Something observed during the drill, on the timeline.
struct DrillEvent {
    DrillOffset atMs = 0;
    /// "fault", "detected", "alert-pending", "alert-firing", "alert-resolved", "node-down",
    /// "node-up", "container-die", "container-start", "container-pause", "container-unpause",
    /// "recovery", "healthy", "abort", "steady-state", "note".
    QString kind;
    QString subject; ///< node, container or rule
    QString detail;
    bool operator==(const DrillEvent &) const = default;
};

/// One request sent through the load balancer by the prober.
struct ProbeSample {
    DrillOffset sentMs = 0;
    qint32 latencyMs = 0; ///< until the answer or the failure
    int status = 0; ///< HTTP status; 0 when no answer (error holds why)
    QString error; ///< empty on an HTTP answer; "connection refused", "timed out after 5 s"
    /// A failure as a client sees it: no answer, or a 5xx.
    [[nodiscard]] bool failed() const { return status == 0 || status >= 500; }
    bool operator==(const ProbeSample &) const = default;
};

/// One direct look at the target's own health endpoint (10 Hz), independent of the session's
/// polling: when it really went away and came back.
struct TargetSample {
    DrillOffset atMs = 0;
    bool up = false; ///< answered 200
    int status = 0; ///< 0: no answer
    qint32 latencyMs = 0;
    bool operator==(const TargetSample &) const = default;
};

/// What the session saw of the whole cluster at one evaluation (1 Hz).
struct ClusterSample {
    DrillOffset atMs = 0;
    int nodesUp = 0;
    int nodesTotal = 0;
    bool targetUp = false; ///< the session's verdict on the target (node up / Redis / Postgres)
    std::optional<qint64> waiting; ///< bull:jobs:wait (+ prioritized)
    std::optional<qint64> active;
    std::optional<double> completed; ///< n8n's completed-jobs counter (main's /metrics)
    std::optional<qint64> running; ///< execution_entity status running
    std::optional<qint64> crashed; ///< execution_entity status crashed
    int alertsFiring = 0;
    bool operator==(const ClusterSample &) const = default;
};

/// The figures of a drill, computed from the samples and events (DrillRecord::computeFigures).
struct DrillFigures {
    std::optional<qint64> faultAtMs; ///< when the fault was confirmed by the engine
    std::optional<qint64> detectionMs; ///< fault -> Clusterwatch marked the target down
    std::optional<qint64> alertMs; ///< fault -> first alert pending or firing
    std::optional<qint64> recoveryActionAtMs; ///< when the recovery action was confirmed
    std::optional<qint64> recoveryMs; ///< recovery action -> target healthy again
    std::optional<qint64> rtoMs; ///< fault -> target healthy again
    qint64 requests = 0; ///< prober requests sent during the drill
    qint64 failedRequests = 0;
    qint64 slowRequests = 0; ///< answered (or failed) after the slow threshold
    qint64 maxLatencyMs = 0;
    std::optional<qint64> errorWindowMs; ///< first failed request -> last failed request
    std::optional<qint64> slowWindowMs; ///< first slow request sent -> last slow request sent
    QMap<QString, qint64> outcomes; ///< "200" -> 730, "502" -> 12, "timed out" -> 3
    std::optional<double> completedDuringFault; ///< jobs completed while the fault was held
    std::optional<qint64> crashedExecutions; ///< crashed rows that appeared during the drill
    std::optional<qint64> runningAfter; ///< executions still running at the end
    QStringList exitedContainers; ///< n8n containers that died during the drill
    bool operator==(const DrillFigures &) const = default;
};

/// Everything a drill did and saw: written as its JSON journal after every step, read back for
/// the history, the report and the rollback of an interrupted drill.
struct DrillRecord {
    static constexpr int kFormat = 1;

    QString id; ///< uuid; also the journal's file name
    QString clusterName;
    QString clusterFile; ///< absolute path of the cluster file it ran against
    QString drillFile; ///< the drill file it came from; empty from the form
    QString dockerHost; ///< the runtime endpoint acted on
    QString user; ///< who confirmed it
    QString host; ///< the machine Clusterwatch ran on
    DrillSpec spec;
    bool dryRun = false;

    qint64 startedWallMs = 0;
    qint64 finishedWallMs = 0; ///< 0 while running
    DrillPhase phase = DrillPhase::Preflight;
    DrillVerdict verdict = DrillVerdict::Running;
    QString verdictReason; ///< one line: why passed / deviated / aborted / refused
    QStringList deviations; ///< each finding that made it "deviated"

    /// The fault is in place and not yet undone: what a rollback must undo.
    bool faultActive = false;
    /// The containers the drill acted on, with the state they had before (for the rollback):
    /// name -> "running", "paused".
    QMap<QString, QString> containersBefore;

    QList<DrillStep> steps;
    QList<DrillEvent> events;
    QList<ProbeSample> probes;
    QList<TargetSample> target;
    QList<ClusterSample> cluster;
    DrillFigures figures;

    /// Recomputes figures from the samples and events.
    void computeFigures();
    /// The last event of @p kind, if any.
    [[nodiscard]] std::optional<DrillEvent> lastEvent(const QString &kind) const;
    [[nodiscard]] std::optional<DrillEvent> firstEvent(const QString &kind) const;
    bool operator==(const DrillRecord &) const = default;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::DrillRecord)
Q_DECLARE_METATYPE(cw::ProbeSample)
Q_DECLARE_METATYPE(cw::TargetSample)
