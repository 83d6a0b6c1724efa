#pragma once

#include "models/DrillRecord.h"
#include "models/NodeHealth.h"
#include "models/RuntimeTypes.h"
#include "services/drillrun/DrillChecks.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>

namespace cw {

class ClusterSession;
class DrillProbe;
class DrillJournalWriter;
class WorkerThread;
struct ProbeSample;
struct TargetSample;
struct AlertTransition;

struct DrillRunnerOptions {
    /// Where journals go; empty: defaultDrillDirectory().
    QString journalDir;
    /// The cluster file's path, recorded in the journal (re-runs and reports name it).
    QString clusterFile;
    /// Preflight waits at most this long for the steady state to be judged (every source
    /// answered, a few prober requests, a queue-progress window), then refuses.
    std::chrono::milliseconds preflightWait { std::chrono::seconds(15) };
    /// How long "the queue drains" looks back for progress.
    std::chrono::milliseconds progressWindow { std::chrono::seconds(30) };
    /// After recovery, how long the target and the steady state may take to come back before
    /// the verdict is "deviated".
    std::chrono::milliseconds verifyTimeout { std::chrono::minutes(3) };
    /// The steady state must hold this long after recovery to count.
    std::chrono::milliseconds verifyHold { std::chrono::seconds(3) };
    /// Prober requests kept sent after the recovery, to see the clients' side come back.
    std::chrono::milliseconds afterRecoveryProbe { std::chrono::seconds(5) };
    /// At close, how long shutdown() waits for the rollback's answer from the engine.
    std::chrono::milliseconds shutdownWait { std::chrono::seconds(10) };
};

/// Runs one failover drill at a time on a ClusterSession: preflight -> inject -> observe ->
/// recover -> verify -> report (DrillPhase). No widgets: the workstation window, a headless
/// `clusterwatch drill` and the tests drive it the same way.
///
/// - Preflight refuses (verdict Refused, reasons said) when the session is read-only (the wall
///   screen), there is no runtime, the target's container is unknown or not in a state the fault
///   applies to, or a steady-state check does not hold.
/// - Every action goes through the session's ActionController (audit trail, one action per
///   container); every step is also written to the audit trail as a "drill" entry.
/// - Measurements (DrillProbe on its own thread, 10 Hz) and the session's 1 Hz evaluations are
///   recorded in a DrillRecord, written as the JSON journal (on its own thread) after every step
///   and every 2 s.
/// - Rollback (start / unpause the target; start the n8n containers a Redis or PostgreSQL fault
///   made exit) runs on abort(), on an error, and at shutdown(). A journal left "running" by a
///   killed app is found by unfinishedDrills() and rolled back by rollback().
/// - A dry run walks the same steps, says what each would do, and acts on nothing.
class DrillRunner final : public QObject {
    Q_OBJECT
public:
    explicit DrillRunner(
        ClusterSession *session, DrillRunnerOptions options = {}, QObject *parent = nullptr);
    /// Calls shutdown().
    ~DrillRunner() override;
    DrillRunner(const DrillRunner &) = delete;
    DrillRunner &operator=(const DrillRunner &) = delete;

    [[nodiscard]] const DrillRunnerOptions &options() const { return m_options; }
    [[nodiscard]] QString journalDir() const;

    /// Why a drill of @p spec cannot start right now, judged on what the session knows (empty:
    /// it may start; start() still runs the full preflight). For the form's Start button.
    [[nodiscard]] QStringList blockers(const DrillSpec &spec) const;
    /// What the drill will do, step by step, for the confirmation and the dry run.
    [[nodiscard]] QStringList plan(const DrillSpec &spec) const;
    /// The confirmation question, naming the target, its container and the Docker host.
    [[nodiscard]] QString confirmationText(const DrillSpec &spec) const;

    /// Starts a drill (already confirmed by the operator). False when one is running or the
    /// session is read-only, with @p error set; otherwise the drill runs and finished() follows.
    bool start(const DrillSpec &spec, const QString &drillFile = QString(), bool dryRun = false,
        QString *error = nullptr);
    /// Stops the drill early and rolls the target back (verdict Aborted, @p why recorded).
    void abort(const QString &why);
    /// For a drill whose recovery is not automatic: recover now.
    void recoverNow();
    /// At close: an active fault is rolled back and its answer awaited (shutdownWait, the
    /// event loop keeps running); the journal then says so. A rollback the engine did not
    /// confirm leaves the journal "running", so the next start offers it again.
    void shutdown(const QString &why = QStringLiteral("Clusterwatch was closed mid-drill"));

    [[nodiscard]] bool isRunning() const { return m_running; }
    [[nodiscard]] bool awaitingRecovery() const { return m_awaitingRecovery; }
    /// The drill running or last run (samples included).
    [[nodiscard]] const DrillRecord &record() const { return m_record; }
    /// Where the current / last drill's journal is written.
    [[nodiscard]] QString journalPath() const { return m_journalPath; }

    /// Journals in journalDir() of this cluster whose drill did not finish (a killed app), or
    /// whose rollback was not confirmed, newest first.
    [[nodiscard]] QList<DrillRecord> unfinishedDrills(QStringList *errors = nullptr) const;
    /// Rolls back @p interrupted (from unfinishedDrills()): starts / unpauses what it stopped or
    /// froze, then marks its journal aborted. Runs like a drill (finished() follows); false when
    /// a drill is running or the session is read-only.
    bool rollback(const DrillRecord &interrupted, QString *error = nullptr);

Q_SIGNALS:
    void started(const cw::DrillRecord &record);
    /// A step began or ended (also each step of a dry run).
    void stepChanged(const cw::DrillStep &step);
    /// Samples or events arrived; at most 4 times a second, for the live timeline.
    void progressed(const cw::DrillRecord &record);
    /// The fault is held and recovery is not automatic: recoverNow() or abort().
    void recoveryAwaited();
    /// The drill ended (any verdict); its journal is written at @p journalPath.
    void finished(const cw::DrillRecord &record, const QString &journalPath);
    /// The journal could not be written (the drill goes on; said once per drill).
    void journalFailed(const QString &error);

private:
    /// blockers(); @p countRunning false: the running drill is not one (its own preflight).
    [[nodiscard]] QStringList blockersOf(const DrillSpec &spec, bool countRunning) const;
    struct Pending; // an action sent and awaited
    void begin(const DrillSpec &spec, const QString &drillFile, bool dryRun);
    void step(DrillPhase phase, const QString &title);
    void endStep(const QString &outcome, const QString &detail = QString());
    void note(const QString &kind, const QString &subject, const QString &detail = QString());
    void noteAt(qint64 atMs, const QString &kind, const QString &subject, const QString &detail);
    void advance(); ///< every 100 ms while a drill runs
    void refuse(const QStringList &reasons);
    void prepareInjection();
    void inject();
    void recover();
    void verify();
    void conclude(const QString &verifyFailure);
    void finish(DrillVerdict verdict, const QString &reason);
    void stopDrill();
    void startRollback(const QString &why);
    void nextRollbackAction();
    [[nodiscard]] QList<std::pair<QString, ContainerAction>> rollbackActions(
        const DrillRecord &record) const;
    [[nodiscard]] bool workedAround(qint64 now);
    bool checkAbortConditions(qint64 now);
    void onEvaluated();
    void onActionFinished(const cw::ActionResult &result, const QString &node);
    void onRuntimeEvent(const cw::RuntimeEvent &event);
    void onAlert(const cw::AlertTransition &transition);
    void onSamples(const QList<cw::ProbeSample> &probes, const QList<cw::TargetSample> &targets);
    void sendAction(const QString &container, ContainerAction action, const QString &why);
    quint64 writeJournal(); ///< queued to the journal thread; returns its sequence number
    void audit(const QString &what, const QString &result, const QString &message);
    void startProbe();
    void stopProbe();
    [[nodiscard]] qint64 offsetNow() const;
    [[nodiscard]] SteadyStateInputs steadyInputs(bool afterRecovery) const;
    [[nodiscard]] QStringList steadyStateFailures(const DrillSpec &spec, bool afterRecovery) const;
    [[nodiscard]] bool targetDown() const;
    [[nodiscard]] bool targetHealthy() const;
    [[nodiscard]] QString targetContainer(const DrillSpec &spec) const;
    [[nodiscard]] std::optional<ContainerInfo> container(const QString &name) const;

    ClusterSession *m_session;
    DrillRunnerOptions m_options;
    DrillRecord m_record;
    QString m_journalPath;
    bool m_running = false;
    bool m_awaitingRecovery = false;
    bool m_rollingBack = false;
    bool m_restartedExited = false;
    qint64 m_originMonoMs = 0;
    qint64 m_phaseStartMs = 0; ///< offset when the current phase began
    qint64 m_healthySinceMs = -1; ///< verify: the steady state holds since
    qint64 m_workedAroundSinceMs = -1; ///< observe (until_recovered): worked around since
    std::optional<quint64> m_progressAtFault;
    QString m_abortWhy;
    std::unique_ptr<Pending> m_pending;
    QStringList m_queued; ///< n8n containers still to start after a Redis / PostgreSQL drill
    QList<std::pair<QString, ContainerAction>> m_rollbackActions;
    QStringList m_rollbackFailures;
    QHash<QString, NodeState> m_nodeStates; ///< for node-down / node-up events
    std::deque<ProgressPoint> m_progress; ///< the last progressWindow of evaluations, always

    std::unique_ptr<WorkerThread> m_journalThread;
    DrillJournalWriter *m_journal = nullptr; ///< on m_journalThread
    quint64 m_journalSequence = 0;
    quint64 m_journalAcked = 0;
    quint64 m_journalBeforeFault = 0; ///< the write that must land before the fault
    bool m_waitingForJournal = false;
    bool m_journalFailedSaid = false;
    QString m_journalError; ///< the last write's error; empty when it landed

    std::unique_ptr<WorkerThread> m_probeThread;
    DrillProbe *m_probe = nullptr; ///< on m_probeThread
    QTimer m_tick; ///< 100 ms while a drill runs: phases, deadlines, abort conditions
    QTimer m_journalTimer; ///< 2 s
    qint64 m_lastProgressMs = 0;
};

} // namespace cw
