// The cluster session with an in-process fake node source and fake runtime behind its seams
// (CollectorSet::Parts) and a clock driven by hand: what a face sees, in a few lines per case.
// The real sources and engine are exercised by the integration tests (tst_session, tst_check,
// tst_dockeractions).
#include "ManualClock.h"
#include "models/state/ClusterState.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "services/alerts/AlertEngine.h"
#include "services/collectors/CollectorSet.h"
#include "services/config/ConfigLoader.h"
#include "services/session/ClusterSession.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace cw;

namespace {

/// Node observations pushed by the test.
class FakeNodes final : public NodeSource {
    Q_OBJECT
public:
    QString kind() const override { return QStringLiteral("fake"); }
    void start() override { }
    void stop() override { }

    /// From the test's thread: @p node answers /healthz (or not) now, with main's completed-jobs
    /// counter when given.
    void observe(const QString &node, bool healthy, std::optional<double> completed = std::nullopt)
    {
        QMetaObject::invokeMethod(this, [this, node, healthy, completed] {
            NodeSnapshot s;
            s.node = node;
            s.sequence = ++m_sequence;
            s.timestampMs = QDateTime::currentMSecsSinceEpoch();
            s.health.httpStatus = healthy ? 200 : 0;
            s.health.error = healthy ? FetchError::None : FetchError::ConnectionRefused;
            s.health.errorText
                = healthy ? QString() : QStringLiteral("127.0.0.1:5678: connection refused");
            s.readiness = s.health;
            s.metricsState = completed ? MetricsState::Ok : MetricsState::NotExposed;
            s.values.queueCompleted = completed;
            Q_EMIT nodeSnapshotReady(s);
        });
    }

private:
    quint64 m_sequence = 0;
};

/// A runtime with one running container that answers actions after answerAfterMs (never when
/// negative).
class FakeRuntime final : public ContainerRuntime {
    Q_OBJECT
public:
    explicit FakeRuntime(int answerAfterMs)
        : m_answerAfterMs(answerAfterMs)
    {
    }
    QString kind() const override { return QStringLiteral("fake-runtime"); }
    bool supports(ContainerAction) const override { return true; }
    void start() override
    {
        RuntimeSnapshot snapshot;
        snapshot.reachable = true;
        ContainerInfo container;
        container.id = QStringLiteral("c1");
        container.name = QStringLiteral("n8n-main");
        container.state = QStringLiteral("running");
        snapshot.containers = { container };
        Q_EMIT snapshotReady(snapshot);
    }
    void stop() override { }
    void perform(quint64 requestId, const QString &container, ContainerAction action, int) override
    {
        if (m_answerAfterMs < 0)
            return; // the engine hangs
        QTimer::singleShot(m_answerAfterMs, this, [this, requestId, container, action] {
            ActionResult result;
            result.requestId = requestId;
            result.container = container;
            result.action = action;
            result.outcome = ActionOutcome::Done;
            Q_EMIT actionFinished(result);
        });
    }
    void fetchLogs(quint64, const QString &, int) override { }
    void followLogs(const QString &) override { }
    void unfollowLogs(const QString &) override { }

private:
    int m_answerAfterMs;
};

ClusterConfig cluster(const char *name = "fake")
{
    const QByteArray yaml = QByteArray("name: ") + name
        + "\npoll_interval: 1s\n"
          "docker: { host: 'unix:///nonexistent/fake.sock' }\n"
          "nodes:\n  - { name: n8n-main, role: main, url: 'http://127.0.0.1:5678', container: "
          "n8n-main }\n"
          "alerts:\n  rules:\n    node_down: { for: 30s, recovery_hold: 60s }\n";
    return parseClusterConfig(yaml, QStringLiteral("fake.yaml"), systemEnvironment()).value();
}

} // namespace

class TestSessionFakes : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    cwtest::ManualClock m_clock { 1'800'000'000'000, 1'000'000 };
    QPointer<FakeNodes> m_nodes;

    /// A session whose sources are the fakes; @p answerAfterMs: the runtime's delay.
    std::unique_ptr<ClusterSession> session(
        int answerAfterMs, std::chrono::milliseconds drain = std::chrono::seconds(2))
    {
        SessionOptions options;
        options.auditPath = m_dir.filePath(QStringLiteral("audit.jsonl"));
        options.alertHistoryPath = m_dir.filePath(QStringLiteral("alerts.sqlite"));
        options.clock = &m_clock;
        options.actionDrain = drain;
        options.makeCollectors = [this, answerAfterMs](const ClusterConfig &) {
            CollectorSet::Parts parts;
            auto nodes = std::make_unique<FakeNodes>();
            m_nodes = nodes.get();
            parts.nodes = std::move(nodes);
            parts.runtime = std::make_unique<FakeRuntime>(answerAfterMs);
            return new CollectorSet(std::move(parts));
        };
        return std::make_unique<ClusterSession>(options);
    }

    QList<QJsonObject> audit() const
    {
        QFile file(m_dir.filePath(QStringLiteral("audit.jsonl")));
        QList<QJsonObject> entries;
        if (file.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : file.readAll().split('\n')) {
                if (!line.isEmpty())
                    entries << QJsonDocument::fromJson(line).object();
            }
        }
        return entries;
    }

private Q_SLOTS:
    void cleanup() { QFile::remove(m_dir.filePath(QStringLiteral("audit.jsonl"))); }

    void nodeDownFiresAfterItsForDuration()
    {
        auto s = session(0);
        s->open(cluster());
        QVERIFY(m_nodes);
        m_nodes->observe(QStringLiteral("n8n-main"), false);
        QTRY_COMPARE(toString(s->state()->node(QStringLiteral("n8n-main"))->verdict.state),
            toString(NodeState::Down));
        s->evaluateNow();
        QCOMPARE(toString(s->alerts()
                              ->activeAlert(QStringLiteral("node_down"), QStringLiteral("n8n-main"))
                              ->state),
            toString(AlertState::Pending));
        m_clock.stepWall(24 * 3'600'000); // a wall-clock step is no time passing
        s->evaluateNow();
        QCOMPARE(toString(s->alerts()
                              ->activeAlert(QStringLiteral("node_down"), QStringLiteral("n8n-main"))
                              ->state),
            toString(AlertState::Pending));
        QSignalSpy raised(s.get(), &ClusterSession::alertRaised);
        m_clock.advance(30'000);
        s->evaluateNow();
        QCOMPARE(raised.count(), 1);
        QCOMPARE(toString(raised.at(0).at(0).value<AlertTransition>().state),
            toString(AlertState::Firing));
    }

    void completionsAreCountedOnce()
    {
        // Main's counter is added up by the state (a restarted main is a new baseline, not
        // progress), and the chart's rate is drawn from that one total.
        auto s = session(0);
        s->open(cluster());
        QVERIFY(m_nodes);
        const auto observeAndWait = [&](double counter) {
            const quint64 before = s->state()->node(QStringLiteral("n8n-main"))->last.sequence;
            m_nodes->observe(QStringLiteral("n8n-main"), true, counter);
            QTRY_VERIFY(s->state()->node(QStringLiteral("n8n-main"))->last.sequence > before);
            m_clock.advance(20'000);
        };
        for (const double counter : { 100.0, 110.0, 5.0, 12.0 })
            observeAndWait(counter);
        QCOMPARE(s->state()->completedJobs().value_or(-1), 17.0); // 10 + 7
        QCOMPARE(s->state()->completedCounterResets(), 1);
        const TimeSeries *rate = s->series()->series(QStringLiteral("queue/completed_per_min"));
        QVERIFY(rate);
        QCOMPARE(rate->size(), 2); // from the second total on: the restart is a break
        QVERIFY(rate->isGapAt(0));
        QCOMPARE(rate->valueAt(1), 21.0); // 7 in 20 s
    }

    void actionInFlightAtQuitIsAwaited()
    {
        {
            auto s = session(300);
            s->open(cluster());
            QTRY_VERIFY(s->state()->runtimeReachable());
            QCOMPARE(s->requestAction(QStringLiteral("n8n-main"), QStringLiteral("n8n-main"),
                         ContainerAction::Restart, false),
                ActionController::Verdict::Sent);
            QCOMPARE(s->actions()->inFlight(), 1);
        } // quit while the engine works: its answer (300 ms) is awaited
        const QList<QJsonObject> entries = audit();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(
            entries[0].value(QStringLiteral("result")).toString(), QStringLiteral("requested"));
        QCOMPARE(entries[1].value(QStringLiteral("result")).toString(), QStringLiteral("done"));
        QCOMPARE(entries[1].value(QStringLiteral("action_id")),
            entries[0].value(QStringLiteral("action_id")));
    }

    void actionThatNeverAnswersIsOutcomeUnknown()
    {
        QElapsedTimer quitting;
        {
            auto s = session(-1, std::chrono::milliseconds(300));
            s->open(cluster());
            QTRY_VERIFY(s->state()->runtimeReachable());
            QCOMPARE(s->requestAction(QStringLiteral("n8n-main"), QStringLiteral("n8n-main"),
                         ContainerAction::Stop, false),
                ActionController::Verdict::Sent);
            quitting.start();
        }
        QVERIFY2(
            quitting.elapsed() < 2000, qPrintable(QString::number(quitting.elapsed()))); // bounded
        const QList<QJsonObject> entries = audit();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries[1].value(QStringLiteral("result")).toString(),
            QStringLiteral("outcome unknown"));
        QCOMPARE(entries[1].value(QStringLiteral("action")).toString(), QStringLiteral("stop"));
    }

    void actionInFlightAtClusterSwitchIsOutcomeUnknown()
    {
        auto s = session(-1);
        s->open(cluster("staging"));
        QTRY_VERIFY(s->state()->runtimeReachable());
        QCOMPARE(s->requestAction(QStringLiteral("n8n-main"), QStringLiteral("n8n-main"),
                     ContainerAction::Restart, false),
            ActionController::Verdict::Sent);
        QSignalSpy finished(s.get(), &ClusterSession::actionFinished);
        s->open(cluster("production"));
        QCOMPARE(finished.count(), 1); // said at once, not left spinning
        QVERIFY(finished.at(0).at(0).value<ActionResult>().message.contains(
            QStringLiteral("cluster file was replaced")));
        QTRY_COMPARE(audit().size(), 2);
        QCOMPARE(audit()[1].value(QStringLiteral("result")).toString(),
            QStringLiteral("outcome unknown"));
    }

    void readOnlySessionRefusesActions()
    {
        SessionOptions options;
        options.readOnly = true;
        options.auditPath = m_dir.filePath(QStringLiteral("audit.jsonl"));
        options.alertHistoryPath = m_dir.filePath(QStringLiteral("ro.sqlite"));
        options.makeCollectors = [](const ClusterConfig &) {
            CollectorSet::Parts parts;
            parts.runtime = std::make_unique<FakeRuntime>(0);
            return new CollectorSet(std::move(parts));
        };
        ClusterSession s(options);
        s.open(cluster());
        QCOMPARE(s.requestAction(QStringLiteral("n8n-main"), QStringLiteral("n8n-main"),
                     ContainerAction::Restart, true),
            ActionController::Verdict::ReadOnly);
    }
};

QTEST_GUILESS_MAIN(TestSessionFakes)
#include "tst_session_fakes.moc"
