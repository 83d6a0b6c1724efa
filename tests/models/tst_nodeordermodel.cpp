// NodeOrderModel: the order an operator sees the nodes in (tiles and table): down first, then
// degraded, stale, not polled yet, healthy; within a state main, webhook processors, workers; by
// name in natural order. Fed real ClusterState snapshots; re-sorted when a node goes down,
// recovers or goes stale.
#include "ManualClock.h"
#include "models/items/ClusterModel.h"
#include "models/items/NodeOrderModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace cw;

namespace {

constexpr qint64 kT0 = 1'800'000'000'000;

NodeConfig node(const char *name, NodeRole role, int port)
{
    return { QString::fromLatin1(name), role, QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)),
        {} };
}

// Deliberately not in display order: the file's order must not matter.
ClusterConfig scrambledCluster()
{
    ClusterConfig config;
    config.name = QStringLiteral("order");
    config.nodes = { node("n8n-worker-10", NodeRole::Worker, 5001),
        node("n8n-worker-2", NodeRole::Worker, 5002), node("n8n-main", NodeRole::Main, 5003),
        node("n8n-webhook-2", NodeRole::Webhook, 5004),
        node("n8n-worker-1", NodeRole::Worker, 5005),
        node("n8n-webhook-1", NodeRole::Webhook, 5006),
        node("n8n-worker-3", NodeRole::Worker, 5007) };
    return config;
}

EndpointResult ok()
{
    EndpointResult r;
    r.httpStatus = 200;
    r.responseMs = 3.0;
    return r;
}

NodeSnapshot healthy(const QString &name, qint64 ts, quint64 seq)
{
    NodeSnapshot s;
    s.node = name;
    s.timestampMs = ts;
    s.sequence = seq;
    s.health = ok();
    s.readiness = ok();
    s.metrics = ok();
    s.metricsState = MetricsState::Ok;
    return s;
}

NodeSnapshot refused(const QString &name, qint64 ts, quint64 seq)
{
    NodeSnapshot s = healthy(name, ts, seq);
    s.health = EndpointResult {};
    s.health.error = FetchError::ConnectionRefused;
    s.health.errorText = QStringLiteral("connection refused");
    s.readiness = s.health;
    return s;
}

NodeSnapshot notReady(const QString &name, qint64 ts, quint64 seq)
{
    NodeSnapshot s = healthy(name, ts, seq);
    s.readiness = EndpointResult {};
    s.readiness.error = FetchError::HttpStatus;
    s.readiness.httpStatus = 503;
    s.readiness.errorText = QStringLiteral("HTTP 503 from /healthz/readiness");
    return s;
}

QStringList shown(const QAbstractItemModel &model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names << model.index(row, 0).data(ClusterModel::NameRole).toString();
    return names;
}

QStringList names(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *n : list)
        out << QString::fromLatin1(n);
    return out;
}

} // namespace

class TestNodeOrderModel : public QObject {
    Q_OBJECT
private:
    cwtest::ManualClock m_clock { kT0 };
    std::unique_ptr<ClusterState> m_state;
    std::unique_ptr<ClusterModel> m_nodes;
    std::unique_ptr<NodeOrderModel> m_order;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    quint64 m_seq = 1;

    void allHealthy(qint64 ts, const QString &except = QString())
    {
        for (const NodeConfig &n : scrambledCluster().nodes) {
            if (n.name != except)
                m_state->applyNode(healthy(n.name, ts, ++m_seq));
        }
    }

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void init()
    {
        m_clock = cwtest::ManualClock(kT0);
        m_state = std::make_unique<ClusterState>(&m_clock);
        m_nodes = std::make_unique<ClusterModel>(m_state.get());
        m_order = std::make_unique<NodeOrderModel>();
        m_order->setSourceModel(m_nodes.get());
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_order.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_state->setConfig(scrambledCluster());
        m_state->tick(m_clock.now());
    }

    void cleanup()
    {
        m_tester.reset();
        m_order.reset();
        m_nodes.reset();
        m_state.reset();
    }

    void rolesThenNaturalNameOrder()
    {
        const QStringList expected = names({ "n8n-main", "n8n-webhook-1", "n8n-webhook-2",
            "n8n-worker-1", "n8n-worker-2", "n8n-worker-3", "n8n-worker-10" });
        // Not polled yet: already grouped by role, "worker-10" after "worker-3".
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order), expected, 1000);
        allHealthy(kT0);
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order), expected, 1000);
        QCOMPARE(m_order->rowCount(), m_nodes->rowCount());
    }

    void aNodeThatGoesDownMovesFirstAndBackWhenItRecovers()
    {
        allHealthy(kT0);
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order).constFirst(), QStringLiteral("n8n-main"), 1000);

        m_state->applyNode(refused(QStringLiteral("n8n-worker-10"), kT0 + 500, ++m_seq));
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order),
            names({ "n8n-worker-10", "n8n-main", "n8n-webhook-1", "n8n-webhook-2", "n8n-worker-1",
                "n8n-worker-2", "n8n-worker-3" }),
            1000);
        QCOMPARE(m_order->index(0, 0).data(ClusterModel::StateRole).toInt(), int(NodeState::Down));

        // A degraded node comes after the down one, before the healthy ones.
        m_state->applyNode(notReady(QStringLiteral("n8n-webhook-2"), kT0 + 600, ++m_seq));
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order).mid(0, 3),
            names({ "n8n-worker-10", "n8n-webhook-2", "n8n-main" }), 1000);

        // A second down node: both down ones first, main before a worker within the state.
        m_state->applyNode(refused(QStringLiteral("n8n-main"), kT0 + 700, ++m_seq));
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order).mid(0, 3),
            names({ "n8n-main", "n8n-worker-10", "n8n-webhook-2" }), 1000);

        // Recovery puts them back in their group.
        m_state->applyNode(healthy(QStringLiteral("n8n-worker-10"), kT0 + 800, ++m_seq));
        m_state->applyNode(healthy(QStringLiteral("n8n-main"), kT0 + 800, ++m_seq));
        m_state->applyNode(healthy(QStringLiteral("n8n-webhook-2"), kT0 + 800, ++m_seq));
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order),
            names({ "n8n-main", "n8n-webhook-1", "n8n-webhook-2", "n8n-worker-1", "n8n-worker-2",
                "n8n-worker-3", "n8n-worker-10" }),
            1000);
    }

    void aStaleNodeComesBeforeTheHealthyOnes()
    {
        allHealthy(kT0);
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order).constFirst(), QStringLiteral("n8n-main"), 1000);
        // 12 s later everyone answered again but worker-2: its data is stale (greyed), ranked
        // after down and degraded nodes and before healthy ones.
        m_clock.advance(12'000);
        allHealthy(kT0 + 12'000, QStringLiteral("n8n-worker-2"));
        m_state->applyNode(notReady(QStringLiteral("n8n-worker-3"), kT0 + 12'000, ++m_seq));
        m_state->tick(m_clock.now());
        QCOMPARE(m_nodes->index(m_nodes->rowOf(QStringLiteral("n8n-worker-2")), 0)
                     .data(ClusterModel::StaleRole)
                     .toBool(),
            true);
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order),
            names({ "n8n-worker-3", "n8n-worker-2", "n8n-main", "n8n-webhook-1", "n8n-webhook-2",
                "n8n-worker-1", "n8n-worker-10" }),
            1000);
        // Fresh data again: back among the healthy workers.
        m_state->applyNode(healthy(QStringLiteral("n8n-worker-2"), kT0 + 12'500, ++m_seq));
        QTRY_COMPARE_WITH_TIMEOUT(shown(*m_order).mid(1),
            names({ "n8n-main", "n8n-webhook-1", "n8n-webhook-2", "n8n-worker-1", "n8n-worker-2",
                "n8n-worker-10" }),
            1000);
    }

    void aBurstOfChangesSortsOnce()
    {
        allHealthy(kT0);
        QTest::qWait(20);
        QSignalSpy layouts(m_order.get(), &QAbstractItemModel::layoutChanged);
        // Every node's verdict changes in one burst (Redis went away): one re-sort, not seven.
        for (const NodeConfig &n : scrambledCluster().nodes)
            m_state->applyNode(refused(n.name, kT0 + 1000, ++m_seq));
        QTRY_COMPARE_WITH_TIMEOUT(layouts.count(), 1, 1000);
        QTest::qWait(20);
        QCOMPARE(layouts.count(), 1);
        QCOMPARE(shown(*m_order),
            names({ "n8n-main", "n8n-webhook-1", "n8n-webhook-2", "n8n-worker-1", "n8n-worker-2",
                "n8n-worker-3", "n8n-worker-10" }));
        // One node recovering: one re-sort; a change that leaves every verdict alone (CPU):
        // none, the tiles stay where they are.
        layouts.clear();
        m_state->applyNode(healthy(QStringLiteral("n8n-worker-3"), kT0 + 2000, ++m_seq));
        QTRY_COMPARE_WITH_TIMEOUT(layouts.count(), 1, 1000);
        QCOMPARE(shown(*m_order).constLast(), QStringLiteral("n8n-worker-3"));
        layouts.clear();
        NodeSnapshot busy = healthy(QStringLiteral("n8n-worker-3"), kT0 + 3000, ++m_seq);
        busy.cpuPercent = 90;
        m_state->applyNode(busy);
        QTest::qWait(20);
        QCOMPARE(layouts.count(), 0);
    }

    void naturalOrder_data()
    {
        QTest::addColumn<QString>("left");
        QTest::addColumn<QString>("right");
        QTest::addColumn<int>("expected");
        QTest::newRow("2 before 10") << "worker-2"
                                     << "worker-10" << -1;
        QTest::newRow("10 after 9") << "worker-10"
                                    << "worker-9" << 1;
        QTest::newRow("case ignored") << "Worker-1"
                                      << "worker-2" << -1;
        QTest::newRow("prefix first") << "worker"
                                      << "worker-1" << -1;
        QTest::newRow("leading zeros") << "worker-002"
                                       << "worker-10" << -1;
        QTest::newRow("two numbers") << "eu-2-worker-10"
                                     << "eu-10-worker-2" << -1;
        QTest::newRow("long numbers") << "n-99999999999999999999"
                                      << "n-100000000000000000000" << -1;
        QTest::newRow("equal") << "main"
                               << "main" << 0;
        QTest::newRow("empty") << ""
                               << "a" << -1;
    }

    void naturalOrder()
    {
        QFETCH(QString, left);
        QFETCH(QString, right);
        QFETCH(int, expected);
        QCOMPARE(naturalCompare(left, right), expected);
        QCOMPARE(naturalCompare(right, left), -expected);
    }

    void badInputDoesNotCrash()
    {
        NodeOrderModel empty;
        QCOMPARE(empty.rowCount(), 0);
        empty.setSourceModel(nullptr);
        QCOMPARE(empty.rowCount(), 0);
        // An empty cluster, then the source going away.
        m_state->setConfig(ClusterConfig {});
        QTRY_COMPARE_WITH_TIMEOUT(m_order->rowCount(), 0, 1000);
        m_order->setSourceModel(nullptr);
        QCOMPARE(m_order->rowCount(), 0);
        QCOMPARE(urgencyRank(NodeState(42), false), 3);
    }
};

QTEST_GUILESS_MAIN(TestNodeOrderModel)
#include "tst_nodeordermodel.moc"
