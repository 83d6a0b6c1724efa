// The real application, window shown (offscreen), on a live local cluster: nginx serving
// n8n-shaped nodes, a real redis-server with Bull keys, a real PostgreSQL with n8n's schema.
// Asserts what the tiles and panels say, healthy and then with a node down, and that a bad
// cluster file opened from the GUI is shown in a dialog while the current cluster stays.
#include "NodeFarm.h"
#include "PostgresServer.h"
#include "RedisServer.h"
#include "TestSupport.h"
#include "app/Application.h"
#include "models/items/ClusterModel.h"
#include "services/config/SettingsStore.h"
#include "views/MainWindow.h"
#include "views/NodeTileDelegate.h"
#include "views/NodeTilesView.h"

#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using cwtest::NodeFarm;

class TestDashboard : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    NodeFarm m_farm;
    std::unique_ptr<cwtest::RedisServer> m_redis;
    cwtest::PostgresServer m_postgres;
    QString m_clusterFile;
    quint16 m_refusingPort = 0;

    static QString dbPassword() { return QStringLiteral("dashboard-db-pw"); }
    static QString redisPassword() { return QStringLiteral("dashboard-redis-pw"); }

    /// The node's row in the order the window shows (tiles and table share it).
    static QModelIndex shownIndex(cw::Application &app, const QString &node, int column = 0)
    {
        const QAbstractItemModel *model = app.window()->tilesView()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data(cw::ClusterModel::NameRole).toString() == node)
                return model->index(row, column);
        }
        return {};
    }
    /// What the node's tile says.
    QStringList tile(cw::Application &app, const QString &node) const
    {
        const QModelIndex index = shownIndex(app, node);
        return index.isValid() ? cw::NodeTileDelegate::tileLines(index) : QStringList();
    }
    /// The node's tooltip: the detail the compact tile leaves out.
    QStringList detail(cw::Application &app, const QString &node) const
    {
        const QModelIndex index = shownIndex(app, node);
        return index.isValid() ? cw::NodeTileDelegate::detailLines(index) : QStringList();
    }

    QString label(cw::Application &app, const QString &name) const
    {
        auto *l = app.window()->findChild<QLabel *>(name);
        return l ? l->text() : QStringLiteral("<no label %1>").arg(name);
    }

    void screenshot(cw::Application &app, const QString &name) const
    {
        const QByteArray dir = qgetenv("CW_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            app.window()->grab().save(QString::fromLocal8Bit(dir) + QLatin1Char('/') + name);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        QVERIFY(m_dir.isValid());
        m_farm.addNode(
            QStringLiteral("n8n-main"), NodeFarm::Kind::Main, NodeFarm::CaptureSet::UnderLoad);
        m_farm.addNode(QStringLiteral("n8n-worker-1"), NodeFarm::Kind::Worker,
            NodeFarm::CaptureSet::UnderLoad);
        m_farm.addNode(QStringLiteral("n8n-worker-2"), NodeFarm::Kind::Worker,
            NodeFarm::CaptureSet::UnderLoad);
        m_farm.addNode(QStringLiteral("n8n-webhook-1"), NodeFarm::Kind::Webhook,
            NodeFarm::CaptureSet::UnderLoad);
        QVERIFY2(m_farm.start(), qPrintable(m_farm.errorString()));

        cwtest::RedisServer::Options options;
        options.password = redisPassword();
        m_redis = std::make_unique<cwtest::RedisServer>(options);
        QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
        QStringList push = { QStringLiteral("RPUSH"), QStringLiteral("bull:jobs:wait") };
        for (int i = 1; i <= 27; ++i)
            push << QString::number(100 + i);
        QString error;
        m_redis->command(push, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_redis->command({ QStringLiteral("RPUSH"), QStringLiteral("bull:jobs:active"),
                             QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3") },
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        auto created = m_postgres.createRoleAndDatabase(
            QStringLiteral("n8n"), dbPassword(), QStringLiteral("n8n"));
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error()));
        auto schema = m_postgres.loadN8nSchema(QStringLiteral("n8n"), QStringLiteral("n8n"));
        QVERIFY2(schema.ok(), schema.ok() ? "" : qPrintable(schema.error()));
        auto rows = m_postgres.exec(
            QStringLiteral(
                "INSERT INTO workflow_entity (id, name, active, nodes, connections, \"versionId\") "
                "VALUES ('probeQueueWf0001', 'probe', false, '[]', '{}', "
                "'00000000-0000-0000-0000-000000000001');"
                "INSERT INTO execution_entity (finished, mode, status, \"workflowId\", "
                "\"startedAt\") VALUES "
                "(true, 'webhook', 'success', 'probeQueueWf0001', now()),"
                "(true, 'webhook', 'success', 'probeQueueWf0001', now()),"
                "(false, 'webhook', 'error', 'probeQueueWf0001', now()),"
                "(false, 'webhook', 'running', 'probeQueueWf0001', now() - interval '30 min'),"
                "(false, 'webhook', 'new', 'probeQueueWf0001', NULL)"),
            QStringLiteral("n8n"));
        QVERIFY2(rows.ok(), rows.ok() ? "" : qPrintable(rows.error()));

        m_refusingPort = NodeFarm::refusingNodeUrl().port();
        qputenv("CW_DASHBOARD_DB_PASSWORD", dbPassword().toUtf8());
        qputenv("CW_DASHBOARD_REDIS_PASSWORD", redisPassword().toUtf8());
        const auto url = [this](const char *node) {
            return m_farm.url(QString::fromLatin1(node)).toString().toUtf8();
        };
        m_clusterFile = cwtest::writeFile(m_dir, QStringLiteral("cluster.yaml"),
            "name: local-test-cluster\n"
            "poll_interval: 500ms\n"
            "timeouts: { connect: 1s, request: 2s }\n"
            "nodes:\n"
            "  - { name: n8n-main, role: main, url: "
                + url("n8n-main")
                + " }\n"
                  "  - { name: n8n-worker-1, role: worker, url: "
                + url("n8n-worker-1")
                + " }\n"
                  "  - { name: n8n-worker-2, role: worker, url: "
                + url("n8n-worker-2")
                + " }\n"
                  "  - { name: n8n-webhook-1, role: webhook, url: "
                + url("n8n-webhook-1")
                + " }\n"
                  "  - { name: n8n-worker-3, role: worker, url: 'http://127.0.0.1:"
                + QByteArray::number(m_refusingPort)
                + "' }\n"
                  "redis:\n  host: 127.0.0.1\n  port: "
                + QByteArray::number(m_redis->port())
                + "\n"
                  "  password: ${CW_DASHBOARD_REDIS_PASSWORD}\n"
                  "postgres:\n  host: 127.0.0.1\n  port: "
                + QByteArray::number(m_postgres.port())
                + "\n"
                  "  database: n8n\n  user: n8n\n  password: ${CW_DASHBOARD_DB_PASSWORD}\n  "
                  "sslmode: disable\n"
                  "  stuck_running_after: 10m\n");
        QVERIFY(!m_clusterFile.isEmpty());
    }

    void showsTheLiveCluster()
    {
        cw::SettingsStore settings(m_dir.filePath(QStringLiteral("settings.ini")));
        cw::Application app(&settings, m_dir.filePath(QStringLiteral("audit.jsonl")));
        app.showWindow();
        QVERIFY(app.openClusterFile(m_clusterFile));
        QCOMPARE(settings.lastClusterFile(), m_clusterFile);
        QCOMPARE(app.window()->windowTitle(), QStringLiteral("local-test-cluster — Clusterwatch"));

        QTRY_COMPARE_WITH_TIMEOUT(
            tile(app, QStringLiteral("n8n-main")).value(1), QStringLiteral("HEALTHY"), 10'000);
        QStringList main = tile(app, QStringLiteral("n8n-main"));
        QVERIFY2(
            main.value(0).contains(QStringLiteral("main · leader")), qPrintable(main.join(u'|')));
        QVERIFY2(main.value(2).contains(QStringLiteral("mem "))
                && !main.value(2).contains(QStringLiteral("mem —"))
                && main.value(2).contains(QStringLiteral(" · resp ")),
            qPrintable(main.join(u'|')));
        QVERIFY2(
            main.value(4).startsWith(QStringLiteral("last seen ")), qPrintable(main.join(u'|')));
        const QStringList mainDetail = detail(app, QStringLiteral("n8n-main"));
        QVERIFY2(mainDetail.value(2).startsWith(QStringLiteral("readiness: ready")),
            qPrintable(mainDetail.join(u'|')));
        QVERIFY2(mainDetail.value(4).contains(QStringLiteral("metrics: ok · v1.123.81")),
            qPrintable(mainDetail.join(u'|')));

        QTRY_COMPARE_WITH_TIMEOUT(
            tile(app, QStringLiteral("n8n-worker-1")).value(1), QStringLiteral("HEALTHY"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(
            tile(app, QStringLiteral("n8n-webhook-1")).value(1), QStringLiteral("HEALTHY"), 5000);
        QCOMPARE(detail(app, QStringLiteral("n8n-webhook-1")).value(4),
            QStringLiteral("metrics: not exposed"));
        QVERIFY2(tile(app, QStringLiteral("n8n-webhook-1"))
                     .value(2)
                     .startsWith(QStringLiteral("metrics not exposed · resp ")),
            qPrintable(tile(app, QStringLiteral("n8n-webhook-1")).join(u'|')));

        QTRY_COMPARE_WITH_TIMEOUT(
            tile(app, QStringLiteral("n8n-worker-3")).value(1), QStringLiteral("DOWN"), 5000);
        const QStringList refused = tile(app, QStringLiteral("n8n-worker-3"));
        QVERIFY2(refused.value(4).contains(QStringLiteral("connection refused")),
            qPrintable(refused.join(u'|')));
        QVERIFY2(refused.value(4).contains(QString::number(m_refusingPort)),
            qPrintable(refused.join(u'|')));
        QCOMPARE(detail(app, QStringLiteral("n8n-worker-3")).value(7),
            QStringLiteral("last seen never"));
        // Worst first: the down node is the first tile.
        QCOMPARE(shownIndex(app, QStringLiteral("n8n-worker-3")).row(), 0);

        // Redis panel: the queue depth the test pushed into the Bull keys.
        QTRY_COMPARE_WITH_TIMEOUT(
            label(app, QStringLiteral("queueWaiting")), QStringLiteral("27"), 5000);
        QCOMPARE(label(app, QStringLiteral("queueActive")), QStringLiteral("3"));
        QVERIFY2(label(app, QStringLiteral("redisStatus")).startsWith(QStringLiteral("UP")),
            qPrintable(label(app, QStringLiteral("redisStatus"))));
        // PostgreSQL panel: executions by status equal the inserted rows.
        QTRY_COMPARE_WITH_TIMEOUT(
            label(app, QStringLiteral("executions_success")), QStringLiteral("2"), 8000);
        QCOMPARE(label(app, QStringLiteral("executions_error")), QStringLiteral("1"));
        QCOMPARE(label(app, QStringLiteral("executions_running")), QStringLiteral("1"));
        QCOMPARE(label(app, QStringLiteral("executions_new")), QStringLiteral("1"));
        QCOMPARE(label(app, QStringLiteral("executions_crashed")), QStringLiteral("0"));
        QCOMPARE(label(app, QStringLiteral("executionsStuck")),
            QStringLiteral("running longer than the threshold: 1"));
        QTRY_VERIFY_WITH_TIMEOUT(
            label(app, QStringLiteral("clusterSummary")).contains(QStringLiteral("4 healthy")),
            5000);
        QVERIFY(label(app, QStringLiteral("clusterSummary")).contains(QStringLiteral("1 down")));
        QTRY_VERIFY_WITH_TIMEOUT(
            label(app, QStringLiteral("lastUpdate")).startsWith(QStringLiteral("last update: ")),
            2000);
        QVERIFY(!label(app, QStringLiteral("lastUpdate")).contains(QStringLiteral("never")));
        screenshot(app, QStringLiteral("dashboard-healthy.png"));
        // The same rows in the table view, with the same words.
        auto *table = app.window()->tableView();
        const int mainRow = shownIndex(app, QStringLiteral("n8n-main")).row();
        QCOMPARE(table->model()->index(mainRow, cw::ClusterModel::NameColumn).data().toString(),
            QStringLiteral("n8n-main"));
        QCOMPARE(table->model()->index(mainRow, cw::ClusterModel::StateColumn).data().toString(),
            QStringLiteral("healthy"));
        QCOMPARE(
            table->model()->index(mainRow, cw::ClusterModel::ReadinessColumn).data().toString(),
            QStringLiteral("ready"));
        if (auto *tabs = app.window()->findChild<QTabWidget *>()) {
            tabs->setCurrentWidget(table);
            screenshot(app, QStringLiteral("dashboard-table.png"));
            tabs->setCurrentIndex(0);
        }

        // A worker goes down: its tile says so in words, the others stay healthy.
        m_farm.setHealthFailing(QStringLiteral("n8n-worker-2"), true);
        QTRY_COMPARE_WITH_TIMEOUT(
            tile(app, QStringLiteral("n8n-worker-2")).value(1), QStringLiteral("DOWN"), 5000);
        const QStringList down = tile(app, QStringLiteral("n8n-worker-2"));
        QVERIFY2(down.value(4).contains(QStringLiteral("503")), qPrintable(down.join(u'|')));
        QCOMPARE(tile(app, QStringLiteral("n8n-worker-1")).value(1), QStringLiteral("HEALTHY"));
        QTRY_VERIFY_WITH_TIMEOUT(
            label(app, QStringLiteral("clusterSummary")).contains(QStringLiteral("2 down")), 5000);
        screenshot(app, QStringLiteral("dashboard-node-down.png"));
        m_farm.setHealthFailing(QStringLiteral("n8n-worker-2"), false);
        QTRY_COMPARE_WITH_TIMEOUT(
            tile(app, QStringLiteral("n8n-worker-2")).value(1), QStringLiteral("HEALTHY"), 5000);
    }

    void badFileFromTheGuiKeepsTheCurrentCluster()
    {
        cw::SettingsStore settings(m_dir.filePath(QStringLiteral("settings2.ini")));
        cw::Application app(&settings, m_dir.filePath(QStringLiteral("audit.jsonl")));
        app.showWindow();
        QVERIFY(app.openClusterFile(m_clusterFile));
        const QString bad = cwtest::writeFile(m_dir, QStringLiteral("bad.yaml"),
            "name: broken\nnodes:\n  - name: x\n    role: wroker\n    url: http://127.0.0.1:1\n");
        QVERIFY(!app.openClusterFile(bad));
        QMessageBox *box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (box = app.window()->findChild<QMessageBox *>(QStringLiteral("configErrorDialog")))
                && box->isVisible(),
            2000);
        QVERIFY2(box->text().contains(QStringLiteral("bad.yaml:4:")), qPrintable(box->text()));
        QVERIFY2(box->text().contains(QStringLiteral("role")), qPrintable(box->text()));
        QTRY_VERIFY_WITH_TIMEOUT(
            label(app, QStringLiteral("clusterSummary")).startsWith(QStringLiteral("5 nodes")),
            2000);
        screenshot(app, QStringLiteral("dashboard-bad-file.png"));
        box->accept();
        // Still the same cluster, still polling.
        QCOMPARE(app.nodes()->rowCount(), 5);
        QCOMPARE(app.window()->windowTitle(), QStringLiteral("local-test-cluster — Clusterwatch"));
        QCOMPARE(settings.lastClusterFile(), m_clusterFile);
        QTRY_COMPARE_WITH_TIMEOUT(
            tile(app, QStringLiteral("n8n-main")).value(1), QStringLiteral("HEALTHY"), 10'000);
    }
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
