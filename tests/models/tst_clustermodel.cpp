// ClusterModel: rows per node, in-place updates naming only changed roles, staleness, and the
// health verdict an operator reads on the tiles.
#include "ManualClock.h"
#include "models/Formatter.h"
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

QList<NodeConfig> threeNodes()
{
    return { { QStringLiteral("n8n-main"), NodeRole::Main,
                 QUrl(QStringLiteral("http://127.0.0.1:5678")), QStringLiteral("n8n-main") },
        { QStringLiteral("n8n-worker-1"), NodeRole::Worker,
            QUrl(QStringLiteral("http://127.0.0.1:5679")), {} },
        { QStringLiteral("n8n-webhook-1"), NodeRole::Webhook,
            QUrl(QStringLiteral("http://127.0.0.1:5680")), {} } };
}

EndpointResult okResult(double ms = 3.0)
{
    EndpointResult r;
    r.httpStatus = 200;
    r.responseMs = ms;
    return r;
}

EndpointResult failed(FetchError error, const QString &text, int status = 0)
{
    EndpointResult r;
    r.error = error;
    r.errorText = text;
    r.httpStatus = status;
    return r;
}

NodeSnapshot healthy(const QString &node, qint64 ts, quint64 seq = 1)
{
    NodeSnapshot s;
    s.node = node;
    s.timestampMs = ts;
    s.sequence = seq;
    s.health = okResult();
    s.readiness = okResult();
    s.metrics = okResult();
    s.metricsState = MetricsState::Ok;
    s.values.residentMemoryBytes = 630353920.0;
    s.values.eventLoopLagSeconds = 0.0012;
    s.values.version = QStringLiteral("v1.123.81");
    s.cpuPercent = 12.5;
    return s;
}

QList<int> rolesOf(const QSignalSpy &spy, int i)
{
    return spy.at(i).at(2).value<QList<int>>();
}

} // namespace

class TestClusterModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void rowsFollowTheClusterFile()
    {
        ClusterState state;
        ClusterModel model(&state);
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        state.setConfig(clusterOf(threeNodes()));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(ClusterModel::ColumnCount));
        QCOMPARE(model.index(1, ClusterModel::NameColumn).data().toString(),
            QStringLiteral("n8n-worker-1"));
        QCOMPARE(model.index(1, 0).data(ClusterModel::StateRole).toInt(), int(NodeState::Unknown));
        QCOMPARE(
            model.index(2, ClusterModel::RoleColumn).data().toString(), QStringLiteral("webhook"));
        QCOMPARE(model.index(0, 0).data(ClusterModel::LastSeenTextRole).toString(),
            QStringLiteral("never"));
        state.setConfig(clusterOf(threeNodes().mid(0, 1)));
        QCOMPARE(model.rowCount(), 1);
    }

    void healthySnapshotFillsTheRow()
    {
        const qint64 t0 = 1'800'000'000'000;
        cwtest::ManualClock clock(t0);
        ClusterState state(&clock);
        ClusterModel model(&state);
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        state.setConfig(clusterOf(threeNodes()));
        state.tick(clock.now());
        state.applyNode(healthy(QStringLiteral("n8n-main"), t0));
        const QModelIndex main = model.index(0, 0);
        QCOMPARE(main.data(ClusterModel::StateRole).toInt(), int(NodeState::Healthy));
        QCOMPARE(main.data(ClusterModel::StateTextRole).toString(), QStringLiteral("healthy"));
        QCOMPARE(
            model.index(0, ClusterModel::CpuColumn).data().toString(), QStringLiteral("12.5 %"));
        QCOMPARE(model.index(0, ClusterModel::MemoryColumn).data().toString(),
            QStringLiteral("601.2 MiB"));
        QCOMPARE(model.index(0, ClusterModel::ReadinessColumn).data().toString(),
            QStringLiteral("ready"));
        QCOMPARE(main.data(ClusterModel::VersionRole).toString(), QStringLiteral("v1.123.81"));
        QCOMPARE(main.data(ClusterModel::LastSeenRole).toLongLong(), t0);
        QCOMPARE(state.lastUpdateMs(), t0);
        // The other rows are untouched.
        QCOMPARE(model.index(1, 0).data(ClusterModel::StateRole).toInt(), int(NodeState::Unknown));
    }

    void onlyChangedRowAndRolesAreSignalled()
    {
        const qint64 t0 = 1'800'000'000'000;
        cwtest::ManualClock clock(t0);
        ClusterState state(&clock);
        ClusterModel model(&state);
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        state.setConfig(clusterOf(threeNodes()));
        state.tick(clock.now());
        state.applyNode(healthy(QStringLiteral("n8n-worker-1"), t0, 1));
        QSignalSpy spy(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

        // Same values a moment later: only the update time changes.
        NodeSnapshot again = healthy(QStringLiteral("n8n-worker-1"), t0 + 200, 2);
        state.applyNode(again);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).value<QModelIndex>().row(), 1);
        QCOMPARE(rolesOf(spy, 0).contains(ClusterModel::LastUpdateRole), true);
        QCOMPARE(rolesOf(spy, 0).contains(ClusterModel::StateRole), false);
        QCOMPARE(rolesOf(spy, 0).contains(ClusterModel::CpuPercentRole), false);

        // CPU changes: CpuPercentRole and DisplayRole, not the state.
        spy.clear();
        NodeSnapshot busier = healthy(QStringLiteral("n8n-worker-1"), t0 + 200, 3);
        busier.cpuPercent = 55.0;
        state.applyNode(busier);
        QCOMPARE(spy.count(), 1);
        QVERIFY(rolesOf(spy, 0).contains(ClusterModel::CpuPercentRole));
        QVERIFY(rolesOf(spy, 0).contains(Qt::DisplayRole));
        QVERIFY(!rolesOf(spy, 0).contains(ClusterModel::StateRole));
        QCOMPARE(resets.count(), 0);
    }

    void staleRepliesAreDropped()
    {
        ClusterState state;
        ClusterModel model(&state);
        state.setConfig(clusterOf(threeNodes()));
        state.applyNode(healthy(QStringLiteral("n8n-main"), 2000, 5));
        NodeSnapshot old = healthy(QStringLiteral("n8n-main"), 1000, 4);
        old.health = failed(
            FetchError::ConnectionRefused, QStringLiteral("127.0.0.1:5678: connection refused"));
        state.applyNode(old);
        QCOMPARE(model.index(0, 0).data(ClusterModel::StateRole).toInt(), int(NodeState::Healthy));
        // A node of another cluster file is ignored.
        state.applyNode(healthy(QStringLiteral("not-in-this-cluster"), 3000));
        QCOMPARE(model.rowCount(), 3);
    }

    void verdicts_data()
    {
        QTest::addColumn<NodeSnapshot>("snapshot");
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("reasonContains");
        QTest::addColumn<QString>("readiness");

        const qint64 t = 1'800'000'000'000;
        NodeSnapshot s = healthy(QStringLiteral("n8n-main"), t);
        QTest::newRow("healthy") << s << int(NodeState::Healthy) << QString()
                                 << QStringLiteral("ready");

        s = healthy(QStringLiteral("n8n-main"), t);
        s.health = failed(
            FetchError::ConnectionRefused, QStringLiteral("127.0.0.1:5678: connection refused"));
        s.readiness = s.metrics = s.health;
        s.metricsState = MetricsState::Unknown;
        QTest::newRow("refused") << s << int(NodeState::Down)
                                 << QStringLiteral("connection refused") << QStringLiteral("—");

        s = healthy(QStringLiteral("n8n-main"), t);
        s.health
            = failed(FetchError::Timeout, QStringLiteral("GET /healthz: no answer within 3000 ms"));
        QTest::newRow("hanging") << s << int(NodeState::Down)
                                 << QStringLiteral("no answer within 3000 ms")
                                 << QStringLiteral("—");

        s = healthy(QStringLiteral("n8n-main"), t);
        s.readiness = failed(
            FetchError::HttpStatus, QStringLiteral("HTTP 503 from /healthz/readiness"), 503);
        QTest::newRow("readiness 503")
            << s << int(NodeState::Degraded) << QStringLiteral("not ready: HTTP 503")
            << QStringLiteral("not ready (HTTP 503)");

        s = healthy(QStringLiteral("n8n-main"), t);
        s.health.responseMs = 2500;
        QTest::newRow("slow") << s << int(NodeState::Degraded) << QStringLiteral("slow")
                              << QStringLiteral("ready");

        s = healthy(QStringLiteral("n8n-main"), t);
        s.values.eventLoopLagSeconds = 1.5;
        QTest::newRow("event loop lag")
            << s << int(NodeState::Degraded) << QStringLiteral("event loop lag 1.50 s")
            << QStringLiteral("ready");

        s = healthy(QStringLiteral("n8n-main"), t);
        s.metrics = failed(FetchError::HttpStatus, QStringLiteral("HTTP 404 from /metrics"), 404);
        s.metricsState = MetricsState::NotExposed;
        s.values = {};
        s.cpuPercent.reset();
        QTest::newRow("metrics not exposed is not a failure")
            << s << int(NodeState::Healthy) << QString() << QStringLiteral("ready");

        s = healthy(QStringLiteral("n8n-main"), t);
        s.metricsState = MetricsState::Malformed;
        s.metricsError = QStringLiteral("line 3: expected a sample value");
        QTest::newRow("metrics malformed keeps health")
            << s << int(NodeState::Healthy) << QString() << QStringLiteral("ready");
    }

    void verdicts()
    {
        QFETCH(NodeSnapshot, snapshot);
        QFETCH(int, state);
        QFETCH(QString, reasonContains);
        QFETCH(QString, readiness);
        cwtest::ManualClock clock(snapshot.timestampMs);
        ClusterState cluster(&clock);
        ClusterModel model(&cluster);
        cluster.setConfig(clusterOf(threeNodes()));
        cluster.tick(clock.now());
        cluster.applyNode(snapshot);
        const QModelIndex idx = model.index(0, 0);
        QCOMPARE(idx.data(ClusterModel::StateRole).toInt(), state);
        const QString reason = idx.data(ClusterModel::ReasonRole).toString();
        if (reasonContains.isEmpty())
            QVERIFY2(reason.isEmpty(), qPrintable(reason));
        else
            QVERIFY2(reason.contains(reasonContains), qPrintable(reason));
        QCOMPARE(model.index(0, ClusterModel::ReadinessColumn).data().toString(), readiness);
    }

    void thresholdsComeFromTheClusterFile()
    {
        // 400 ms is healthy under the default 1 s, degraded when the cluster file says 250 ms.
        cwtest::ManualClock clock(1000);
        ClusterState cluster(&clock);
        ClusterModel model(&cluster);
        ClusterConfig config = clusterOf(threeNodes());
        NodeSnapshot s = healthy(QStringLiteral("n8n-main"), 1000);
        s.health.responseMs = 400;
        cluster.setConfig(config);
        cluster.tick(clock.now());
        cluster.applyNode(s);
        QCOMPARE(model.index(0, 0).data(ClusterModel::StateRole).toInt(), int(NodeState::Healthy));
        config.health.slowResponse = Millis(250);
        cluster.setConfig(config);
        cluster.tick(clock.now());
        cluster.applyNode(s);
        QCOMPARE(model.index(0, 0).data(ClusterModel::StateRole).toInt(), int(NodeState::Degraded));
        QVERIFY(model.index(0, 0)
                    .data(ClusterModel::ReasonRole)
                    .toString()
                    .startsWith(QStringLiteral("slow")));
    }

    void malformedMetricsShowInErrorColumn()
    {
        cwtest::ManualClock clock(1000);
        ClusterState state(&clock);
        ClusterModel model(&state);
        state.setConfig(clusterOf(threeNodes()));
        state.tick(clock.now());
        NodeSnapshot s = healthy(QStringLiteral("n8n-main"), 1000);
        s.metricsState = MetricsState::Malformed;
        s.metricsError = QStringLiteral("line 3: expected a sample value");
        state.applyNode(s);
        QCOMPARE(model.index(0, ClusterModel::ErrorColumn).data().toString(),
            QStringLiteral("metrics malformed: line 3: expected a sample value"));
    }

    void downNodeKeepsLastSeen()
    {
        const qint64 t0 = 1'800'000'000'000;
        cwtest::ManualClock clock(t0);
        ClusterState state(&clock);
        ClusterModel model(&state);
        state.setConfig(clusterOf(threeNodes()));
        state.applyNode(healthy(QStringLiteral("n8n-worker-1"), t0, 1));
        clock.advance(12'000);
        NodeSnapshot down = healthy(QStringLiteral("n8n-worker-1"), t0 + 12'000, 2);
        down.health = failed(
            FetchError::ConnectionRefused, QStringLiteral("127.0.0.1:5679: connection refused"));
        state.applyNode(down);
        const QModelIndex idx = model.index(1, 0);
        QCOMPARE(idx.data(ClusterModel::StateTextRole).toString(), QStringLiteral("down"));
        QCOMPARE(idx.data(ClusterModel::LastSeenRole).toLongLong(), t0);
        QCOMPARE(idx.data(ClusterModel::LastSeenTextRole).toString(), QStringLiteral("12 s ago"));
    }

    void staleDataLooksStale()
    {
        const qint64 t0 = 1'800'000'000'000;
        cwtest::ManualClock clock(t0);
        ClusterState state(&clock);
        ClusterModel model(&state);
        QAbstractItemModelTester tester(
            &model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        state.setConfig(clusterOf(threeNodes()));
        // Default poll interval and request timeout: stale after 5 s.
        state.tick(clock.now());
        state.applyNode(healthy(QStringLiteral("n8n-main"), t0));
        QSignalSpy spy(&model, &QAbstractItemModel::dataChanged);

        clock.advance(4000);
        state.tick(clock.now());
        QCOMPARE(model.index(0, 0).data(ClusterModel::StaleRole).toBool(), false);
        QCOMPARE(model.index(0, 0).data(ClusterModel::LastSeenTextRole).toString(),
            QStringLiteral("4 s ago"));
        // Only the polled row changed ("last seen" text); never-polled rows stay quiet.
        QCOMPARE(spy.count(), 1);

        clock.advance(8000);
        state.tick(clock.now());
        const QModelIndex idx = model.index(0, 0);
        QCOMPARE(idx.data(ClusterModel::StaleRole).toBool(), true);
        QCOMPARE(
            idx.data(ClusterModel::StateTextRole).toString(), QStringLiteral("healthy (stale)"));
        QVERIFY(idx.data(ClusterModel::ReasonRole)
                    .toString()
                    .startsWith(QStringLiteral("no fresh data for 12")));
        QCOMPARE(idx.data(ClusterModel::LastSeenTextRole).toString(), QStringLiteral("12 s ago"));
        QVERIFY(rolesOf(spy, spy.count() - 1).contains(ClusterModel::StaleRole));

        // A fresh snapshot clears it.
        clock.advance(500);
        state.applyNode(healthy(QStringLiteral("n8n-main"), t0 + 12'500, 2));
        QCOMPARE(model.index(0, 0).data(ClusterModel::StaleRole).toBool(), false);
    }
};

QTEST_GUILESS_MAIN(TestClusterModel)
#include "tst_clustermodel.moc"
