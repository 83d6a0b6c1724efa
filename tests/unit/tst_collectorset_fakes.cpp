// CollectorSet with in-process fakes behind its seams (NodeSource, ContainerRuntime): each part
// runs on a thread of its own named after its kind, its results are forwarded to the owner's
// thread, requests are queued to the runtime and answered once, and the parts die on their
// threads. Proves a Prometheus source or a Kubernetes runtime plugs in without touching the set.

#include "services/collectors/CollectorSet.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>

using namespace cw;

namespace {

/// Where the fakes ran, read by the test after their threads are gone.
struct Trace {
    std::atomic<bool> nodesStartedOnOwnThread { false };
    std::atomic<bool> nodesDestroyedOnOwnThread { false };
    std::atomic<bool> runtimeDestroyedOnOwnThread { false };
};

class FakeNodeSource final : public NodeSource {
    Q_OBJECT
public:
    explicit FakeNodeSource(std::shared_ptr<Trace> trace)
        : m_trace(std::move(trace))
    {
    }
    ~FakeNodeSource() override
    {
        m_trace->nodesDestroyedOnOwnThread
            = QThread::currentThread()->objectName() == QStringLiteral("cw-fake");
    }

    QString kind() const override { return QStringLiteral("fake"); }

    void start() override
    {
        m_trace->nodesStartedOnOwnThread = QThread::currentThread() == thread()
            && QThread::currentThread() != QCoreApplication::instance()->thread();
        NodeSnapshot snapshot;
        snapshot.node = QStringLiteral("n8n-main");
        snapshot.sequence = 1;
        snapshot.metricsState = MetricsState::NotExposed;
        Q_EMIT nodeSnapshotReady(snapshot);
    }
    void stop() override { }

private:
    std::shared_ptr<Trace> m_trace;
};

/// Restarts only, answers everything at once, and names the thread it ran on.
class FakeRuntime final : public ContainerRuntime {
    Q_OBJECT
public:
    explicit FakeRuntime(std::shared_ptr<Trace> trace)
        : m_trace(std::move(trace))
    {
    }
    ~FakeRuntime() override
    {
        m_trace->runtimeDestroyedOnOwnThread
            = QThread::currentThread()->objectName() == QStringLiteral("cw-fake-rt");
    }

    QString kind() const override { return QStringLiteral("fake-rt"); }
    bool supports(ContainerAction action) const override
    {
        return action == ContainerAction::Restart;
    }

    void start() override
    {
        RuntimeSnapshot snapshot;
        snapshot.endpoint = QStringLiteral("fake://");
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
        ActionResult result;
        result.requestId = requestId;
        result.container = container;
        result.action = action;
        result.endpoint = QThread::currentThread()->objectName();
        result.outcome = supports(action) ? ActionOutcome::Done : ActionOutcome::Failed;
        result.message = supports(action) ? container + QStringLiteral(" restarted")
                                          : QStringLiteral("not supported by the fake runtime");
        Q_EMIT actionFinished(result);
    }
    void fetchLogs(quint64 requestId, const QString &container, int tail) override
    {
        Q_EMIT logsReady(
            requestId, container, QStringList(tail, QStringLiteral("line")), QString());
    }
    void followLogs(const QString &container) override
    {
        if (container == QLatin1String("gone"))
            Q_EMIT followFailed(container, QStringLiteral("No such container: gone"));
        else
            Q_EMIT logLine(container, QStringLiteral("followed"), true);
    }
    void unfollowLogs(const QString &) override { }

private:
    std::shared_ptr<Trace> m_trace;
};

} // namespace

class TestCollectorSetFakes final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void forwardsThroughTheSeams();
    void withoutRuntimeActionsAreAnswered();
};

void TestCollectorSetFakes::forwardsThroughTheSeams()
{
    auto trace = std::make_shared<Trace>();
    {
        CollectorSet::Parts parts;
        parts.nodes = std::make_unique<FakeNodeSource>(trace);
        parts.runtime = std::make_unique<FakeRuntime>(trace);
        CollectorSet set(std::move(parts));
        QVERIFY(set.hasRuntime());
        QSignalSpy nodes(&set, &CollectorSet::nodeSnapshotReady);
        QSignalSpy containers(&set, &CollectorSet::runtimeSnapshotReady);
        QSignalSpy actions(&set, &CollectorSet::actionFinished);
        QSignalSpy logs(&set, &CollectorSet::logsReady);
        QSignalSpy lines(&set, &CollectorSet::logLine);
        QSignalSpy followFailed(&set, &CollectorSet::followFailed);
        set.start();

        QTRY_COMPARE_WITH_TIMEOUT(nodes.count(), 1, 5000);
        QCOMPARE(nodes.at(0).at(0).value<NodeSnapshot>().node, QStringLiteral("n8n-main"));
        QVERIFY(trace->nodesStartedOnOwnThread);
        QTRY_COMPARE_WITH_TIMEOUT(containers.count(), 1, 5000);
        QCOMPARE(containers.at(0).at(0).value<RuntimeSnapshot>().containers.value(0).name,
            QStringLiteral("n8n-main"));

        set.perform(7, QStringLiteral("n8n-main"), ContainerAction::Restart, 10);
        set.perform(8, QStringLiteral("n8n-main"), ContainerAction::Scale, 10);
        QTRY_COMPARE_WITH_TIMEOUT(actions.count(), 2, 5000);
        const ActionResult restarted = actions.at(0).at(0).value<ActionResult>();
        QCOMPARE(restarted.requestId, quint64(7));
        QCOMPARE(toString(restarted.outcome), toString(ActionOutcome::Done));
        QCOMPARE(restarted.endpoint, QStringLiteral("cw-fake-rt")); // ran on the runtime's thread
        QCOMPARE(toString(actions.at(1).at(0).value<ActionResult>().outcome),
            toString(ActionOutcome::Failed));

        set.fetchLogs(9, QStringLiteral("n8n-main"), 3);
        QTRY_COMPARE_WITH_TIMEOUT(logs.count(), 1, 5000);
        QCOMPARE(logs.at(0).at(0).toULongLong(), quint64(9));
        QCOMPARE(logs.at(0).at(2).toStringList().size(), 3);

        set.followLogs(QStringLiteral("n8n-main"), true);
        set.followLogs(QStringLiteral("gone"), true);
        QTRY_COMPARE_WITH_TIMEOUT(lines.count(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(followFailed.count(), 1, 5000);
        QCOMPARE(lines.at(0).at(1).toString(), QStringLiteral("followed"));
        QCOMPARE(followFailed.at(0).at(0).toString(), QStringLiteral("gone"));
    }
    // The set waited for its threads; each part was deleted on its own.
    QVERIFY(trace->nodesDestroyedOnOwnThread);
    QVERIFY(trace->runtimeDestroyedOnOwnThread);
}

void TestCollectorSetFakes::withoutRuntimeActionsAreAnswered()
{
    auto trace = std::make_shared<Trace>();
    CollectorSet::Parts parts;
    parts.nodes = std::make_unique<FakeNodeSource>(trace);
    auto *set = new CollectorSet(std::move(parts));
    QVERIFY(!set->hasRuntime());
    QSignalSpy actions(set, &CollectorSet::actionFinished);
    set->start();
    set->perform(1, QStringLiteral("n8n-main"), ContainerAction::Restart, 10);
    QCOMPARE(actions.count(), 1);
    QCOMPARE(actions.at(0).at(0).value<ActionResult>().message,
        QStringLiteral("no Docker host is configured for this cluster"));

    // Retired: deletes itself once its thread has finished, without blocking.
    const QPointer<CollectorSet> alive(set);
    set->retire();
    QTRY_VERIFY_WITH_TIMEOUT(alive.isNull(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(trace->nodesDestroyedOnOwnThread, 5000);
}

QTEST_GUILESS_MAIN(TestCollectorSetFakes)
#include "tst_collectorset_fakes.moc"
