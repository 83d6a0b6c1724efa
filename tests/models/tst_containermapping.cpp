// Containers are mapped to nodes by name, clusterwatch.node label or compose service; Docker
// state and events change what the node's tile says at once.
#include "ManualClock.h"
#include "models/ContainerMapping.h"
#include "models/items/ClusterModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace cw;

namespace {

ClusterConfig clusterOf(const QList<NodeConfig> &nodes)
{
    ClusterConfig config;
    config.name = QStringLiteral("test");
    config.nodes = nodes;
    return config;
}

ContainerInfo container(const QString &id, const QString &name, const QString &state,
    QHash<QString, QString> labels = {}, const QString &image = QStringLiteral("busybox"))
{
    ContainerInfo c;
    c.id = id;
    c.name = name;
    c.state = state;
    c.labels = std::move(labels);
    c.image = image;
    return c;
}

NodeConfig node(const QString &name, const QString &containerName = {})
{
    return { name, NodeRole::Worker, QUrl(QStringLiteral("http://127.0.0.1:5679")), containerName };
}

} // namespace

class TestContainerMapping : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void precedence()
    {
        const QList<NodeConfig> nodes = { node(QStringLiteral("main"), QStringLiteral("n8n-main")),
            node(QStringLiteral("worker-1")), node(QStringLiteral("worker-2")),
            node(QStringLiteral("webhook")) };
        const QList<ContainerInfo> containers = {
            // A label naming "main" loses to the explicit container name of the cluster file.
            container(QStringLiteral("a1"), QStringLiteral("impostor"), QStringLiteral("running"),
                { { QStringLiteral("clusterwatch.node"), QStringLiteral("main") } }),
            container(QStringLiteral("b2"), QStringLiteral("n8n-main"), QStringLiteral("running")),
            container(QStringLiteral("c3"), QStringLiteral("sandbox_w1_1"),
                QStringLiteral("exited"),
                { { QStringLiteral("clusterwatch.node"), QStringLiteral("worker-1") } }),
            container(QStringLiteral("d4"), QStringLiteral("proj-worker-2-1"),
                QStringLiteral("running"),
                { { QStringLiteral("com.docker.compose.service"), QStringLiteral("worker-2") } }),
            container(QStringLiteral("e5"), QStringLiteral("postgres"), QStringLiteral("running")),
            container(QStringLiteral("f6"), QStringLiteral("stray"), QStringLiteral("running"), {},
                QStringLiteral("n8nio/n8n:1.123.81")),
            // Named n8n-*, but its role label says Redis (scripts/sandbox.sh); a worker's does not
            // hide it.
            container(QStringLiteral("g7"), QStringLiteral("n8n-redis"), QStringLiteral("running"),
                { { QStringLiteral("clusterwatch.role"), QStringLiteral("redis") } }),
            container(QStringLiteral("h8"), QStringLiteral("n8n-worker-9"),
                QStringLiteral("running"),
                { { QStringLiteral("clusterwatch.role"), QStringLiteral("worker") } }),
        };
        const ContainerMapping m = mapContainers(nodes, containers);
        QCOMPARE(m.byNode.value(QStringLiteral("main")).id, QStringLiteral("b2"));
        QCOMPARE(m.byNode.value(QStringLiteral("worker-1")).id, QStringLiteral("c3"));
        QCOMPARE(m.byNode.value(QStringLiteral("worker-2")).id, QStringLiteral("d4"));
        QVERIFY(!m.byNode.contains(QStringLiteral("webhook")));
        // Discovered: n8n-looking containers that no node claims (the labelled impostor, the
        // n8n image, the worker by its name); postgres and n8n-redis are not n8n-looking.
        QStringList discovered;
        for (const ContainerInfo &c : m.discovered)
            discovered << c.name;
        QCOMPARE(discovered,
            QStringList({ QStringLiteral("impostor"), QStringLiteral("stray"),
                QStringLiteral("n8n-worker-9") }));
    }

    void dockerStateChangesTheTile()
    {
        const qint64 t0 = 1'800'000'000'000;
        cwtest::ManualClock clock(t0);
        ClusterState state(&clock);
        ClusterModel model(&state);
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        state.setConfig(
            clusterOf({ node(QStringLiteral("n8n-worker-1"), QStringLiteral("n8n-worker-1")) }));
        state.tick(clock.now());
        NodeSnapshot ok;
        ok.node = QStringLiteral("n8n-worker-1");
        ok.timestampMs = t0;
        ok.health.httpStatus = ok.readiness.httpStatus = 200;
        state.applyNode(ok);
        const QModelIndex idx = model.index(0, 0);
        QCOMPARE(idx.data(ClusterModel::StateTextRole).toString(), QStringLiteral("healthy"));
        QVERIFY(!idx.data(ClusterModel::RestartCountRole).isValid());

        RuntimeSnapshot docker;
        docker.reachable = true;
        ContainerInfo c = container(
            QStringLiteral("abc"), QStringLiteral("n8n-worker-1"), QStringLiteral("running"));
        c.restartCount = 2;
        docker.containers = { c };
        state.applyContainers(docker);
        QCOMPARE(idx.data(ClusterModel::ContainerStateRole).toString(), QStringLiteral("running"));
        QCOMPARE(idx.data(ClusterModel::RestartCountRole).toInt(), 2);

        ContainerStats stats;
        stats.id = QStringLiteral("abc");
        stats.cpuPercent = 12.5;
        stats.memoryUsedBytes = 300 << 20;
        stats.memoryLimitBytes = qint64(24) << 30;
        state.applyContainerStats(stats);
        QCOMPARE(idx.data(ClusterModel::ContainerCpuRole).toDouble(), 12.5);
        QCOMPARE(
            idx.data(ClusterModel::ContainerMemoryLimitRole).toDouble(), double(qint64(24) << 30));

        // A die event marks the node down at once, with the exit code, before any HTTP poll.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        RuntimeEvent die;
        die.type = QStringLiteral("container");
        die.action = QStringLiteral("die");
        die.id = QStringLiteral("abc");
        die.name = QStringLiteral("n8n-worker-1");
        die.attributes.insert(QStringLiteral("exitCode"), QStringLiteral("137"));
        state.applyRuntimeEvent(die);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(idx.data(ClusterModel::StateTextRole).toString(), QStringLiteral("down"));
        QCOMPARE(idx.data(ClusterModel::ReasonRole).toString(),
            QStringLiteral("container exited (137)"));
        QCOMPARE(
            idx.data(ClusterModel::ContainerStateRole).toString(), QStringLiteral("exited (137)"));
        QVERIFY(!idx.data(ClusterModel::ContainerCpuRole).isValid());

        // The following "stop" keeps die's exit code; "start" lets the HTTP verdict speak again.
        RuntimeEvent stop = die;
        stop.action = QStringLiteral("stop");
        stop.attributes.clear();
        state.applyRuntimeEvent(stop);
        QCOMPARE(
            idx.data(ClusterModel::ContainerStateRole).toString(), QStringLiteral("exited (137)"));
        RuntimeEvent start = stop;
        start.action = QStringLiteral("start");
        state.applyRuntimeEvent(start);
        QCOMPARE(idx.data(ClusterModel::StateTextRole).toString(), QStringLiteral("healthy"));

        // Docker unreachable: container facts are unknown, not frozen.
        RuntimeSnapshot gone;
        gone.reachable = false;
        state.applyContainers(gone);
        QCOMPARE(idx.data(ClusterModel::ContainerStateRole).toString(), QString());
        QVERIFY(!idx.data(ClusterModel::RestartCountRole).isValid());
    }
};

QTEST_GUILESS_MAIN(TestContainerMapping)
#include "tst_containermapping.moc"
