// The GUI thread never blocks, whatever a backend does. The real application shows its window
// while one node accepts connections and never answers, and Redis and PostgreSQL are frozen
// with SIGSTOP. A 10 ms timer on the GUI thread must never be more than 50 ms late while the
// collectors time out and report, and the healthy nodes keep being polled meanwhile.
#include "HangingServer.h"
#include "NodeFarm.h"
#include "PostgresServer.h"
#include "RedisServer.h"
#include "TestSupport.h"
#include "app/Application.h"
#include "models/items/ClusterModel.h"
#include "services/config/SettingsStore.h"
#include "views/MainWindow.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using cwtest::NodeFarm;

class TestResponsiveness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void eventLoopKeepsTurningWhileBackendsHang()
    {
        QTemporaryDir dir;
        NodeFarm farm;
        farm.addNode(QStringLiteral("n8n-main"), NodeFarm::Kind::Main);
        farm.addNode(QStringLiteral("n8n-worker-1"), NodeFarm::Kind::Worker);
        QVERIFY2(farm.start(), qPrintable(farm.errorString()));
        cwtest::HangingServer hanging(cwtest::HangingServer::Mode::AcceptAndStall);
        QVERIFY(hanging.listening());
        cwtest::RedisServer redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorString()));
        cwtest::PostgresServer postgres;
        QVERIFY2(postgres.start(), qPrintable(postgres.errorString()));
        auto created = postgres.createRoleAndDatabase(
            QStringLiteral("n8n"), QStringLiteral("pw"), QStringLiteral("n8n"));
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error()));
        qputenv("CW_RESPONSIVENESS_DB_PASSWORD", "pw");

        const QString path = cwtest::writeFile(dir, QStringLiteral("cluster.yaml"),
            "name: frozen\npoll_interval: 500ms\ntimeouts: { connect: 1s, request: 1500ms "
            "}\nnodes:\n"
            "  - { name: n8n-main, role: main, url: "
                + farm.url(QStringLiteral("n8n-main")).toString().toUtf8()
                + " }\n"
                  "  - { name: n8n-worker-1, role: worker, url: "
                + farm.url(QStringLiteral("n8n-worker-1")).toString().toUtf8()
                + " }\n"
                  "  - { name: n8n-worker-2, role: worker, url: "
                + hanging.url().toString().toUtf8()
                + " }\n"
                  "redis: { host: 127.0.0.1, port: "
                + QByteArray::number(redis.port())
                + " }\n"
                  "postgres: { host: 127.0.0.1, port: "
                + QByteArray::number(postgres.port())
                + ", database: n8n, user: n8n, password: '${CW_RESPONSIVENESS_DB_PASSWORD}', "
                  "sslmode: disable }\n");
        QVERIFY(!path.isEmpty());

        cw::SettingsStore settings(dir.filePath(QStringLiteral("settings.ini")));
        cw::Application app(&settings, dir.filePath(QStringLiteral("audit.jsonl")));
        app.showWindow();
        QVERIFY(app.openClusterFile(path));
        const auto redisStatus = [&] {
            return app.window()->findChild<QLabel *>(QStringLiteral("redisStatus"))->text();
        };
        const auto postgresStatus = [&] {
            return app.window()->findChild<QLabel *>(QStringLiteral("postgresStatus"))->text();
        };
        QTRY_VERIFY_WITH_TIMEOUT(redisStatus().startsWith(QStringLiteral("UP")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(postgresStatus().startsWith(QStringLiteral("UP")), 5000);

        // Freeze both servers while the collectors hold open connections to them.
        redis.pause();
        postgres.pause();

        QElapsedTimer clock;
        clock.start();
        qint64 last = 0;
        qint64 worstLateness = 0;
        int ticks = 0;
        QTimer probe;
        probe.setTimerType(Qt::PreciseTimer);
        probe.setInterval(10);
        connect(&probe, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            if (last > 0)
                worstLateness = std::max(worstLateness, now - last - 10);
            last = now;
            ++ticks;
        });
        probe.start();

        const int mainRow = app.nodes()->rowOf(QStringLiteral("n8n-main"));
        const int hangingRow = app.nodes()->rowOf(QStringLiteral("n8n-worker-2"));
        const auto data = [&](int row, int role) { return app.nodes()->index(row, 0).data(role); };
        const qint64 mainUpdateBefore
            = data(mainRow, cw::ClusterModel::LastUpdateRole).toLongLong();

        // The collectors time out and say so, while the loop keeps turning.
        QTRY_VERIFY_WITH_TIMEOUT(redisStatus().contains(QStringLiteral("timed out")), 8000);
        QTRY_VERIFY_WITH_TIMEOUT(postgresStatus().contains(QStringLiteral("timed out")), 8000);
        QTRY_COMPARE_WITH_TIMEOUT(
            data(hangingRow, cw::ClusterModel::StateRole).toInt(), int(cw::NodeState::Down), 8000);
        QVERIFY2(data(hangingRow, cw::ClusterModel::ReasonRole)
                     .toString()
                     .contains(QStringLiteral("no answer within 1500 ms")),
            qPrintable(data(hangingRow, cw::ClusterModel::ReasonRole).toString()));
        QTest::qWait(3000);
        probe.stop();

        // Healthy nodes were polled all along, at their own pace.
        QCOMPARE(data(mainRow, cw::ClusterModel::StateRole).toInt(), int(cw::NodeState::Healthy));
        QVERIFY(
            data(mainRow, cw::ClusterModel::LastUpdateRole).toLongLong() > mainUpdateBefore + 3000);
        QVERIFY2(clock.elapsed() > 4000, "the scenario ran too briefly to mean anything");
        qInfo("GUI timer: %d ticks in %lld ms, worst lateness %lld ms", ticks, clock.elapsed(),
            worstLateness);
        QVERIFY2(worstLateness <= 50,
            qPrintable(QStringLiteral("the 10 ms timer was %1 ms late").arg(worstLateness)));

        redis.resume();
        postgres.resume();
        // And everything recovers by itself.
        QTRY_VERIFY_WITH_TIMEOUT(redisStatus().startsWith(QStringLiteral("UP")), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(postgresStatus().startsWith(QStringLiteral("UP")), 10'000);
    }
};

QTEST_MAIN(TestResponsiveness)
#include "tst_responsiveness.moc"
