// The NOC wall screen on a live 12-node cluster (nginx serving n8n captures, polled for real):
// - the smallest text rendered on every page reaches the legibility floor at 1920×1080 and at
//   3840×2160, and all 12 nodes are on the overview without scrolling;
// - the wall is read-only in the code path (actions and drills refused), also when opened from
//   the workstation's View menu, and gives the actions back when left;
// - when the sources stop answering, the stale banner is up within two poll intervals, and goes
//   when they answer again;
// - a critical alert takes the screen, a workstation's acknowledgement (another session writing
//   the alert history file) gives it back to the rotation, and a resolved one ends by itself.
// Screenshots go to $CW_SCREENSHOT_DIR when it is set.
#include "ManualClock.h"
#include "NodeFarm.h"
#include "TestSupport.h"
#include "app/Application.h"
#include "app/WallApplication.h"
#include "app/WallController.h"
#include "models/DrillSpec.h"
#include "models/items/ClusterModel.h"
#include "models/state/ClusterState.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "services/config/ConfigLoader.h"
#include "services/config/SettingsStore.h"
#include "services/drillrun/DrillRunner.h"
#include "services/session/ClusterSession.h"
#include "views/MainWindow.h"
#include "views/charts/WallCharts.h"
#include "views/wall/WallAlerts.h"
#include "views/wall/WallOverview.h"
#include "views/wall/WallWindow.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using cwtest::NodeFarm;
using namespace cw;

namespace {

const QSize kFullHd(1920, 1080);
const QSize kUltraHd(3840, 2160);

void screenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("CW_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        widget->grab().save(dir + QLatin1Char('/') + name);
}

EndpointResult answered(int status, const QString &error = {})
{
    EndpointResult r;
    r.httpStatus = status;
    r.responseMs = 3.0;
    if (!error.isEmpty()) {
        r.error = FetchError::ConnectionRefused;
        r.errorText = error;
    }
    return r;
}

/// A state with @p count nodes, every @p downEvery-th of them refusing connections.
void feedNodes(ClusterState &state, int count, int downEvery, qint64 nowMs)
{
    ClusterConfig config;
    config.name = QStringLiteral("large");
    for (int i = 0; i < count; ++i)
        config.nodes << NodeConfig { QStringLiteral("n8n-worker-%1").arg(i + 1),
            i == 0 ? NodeRole::Main : NodeRole::Worker,
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(20000 + i)), {} };
    state.setConfig(config);
    for (int i = 0; i < count; ++i) {
        NodeSnapshot s;
        s.node = config.nodes[i].name;
        s.timestampMs = nowMs;
        s.sequence = 1;
        const bool down = downEvery > 0 && i % downEvery == downEvery - 1;
        s.health = down ? answered(0, QStringLiteral("connection refused")) : answered(200);
        s.readiness = s.health;
        s.metrics = answered(200);
        s.metricsState = MetricsState::Ok;
        s.cpuPercent = 10.0 + i % 50;
        state.applyNode(s);
    }
}

bool allHealthy(const ClusterState *state)
{
    if (state->nodes().isEmpty())
        return false;
    for (const NodeEntry &n : state->nodes()) {
        if (n.verdict.state != NodeState::Healthy || n.stale)
            return false;
    }
    return true;
}

} // namespace

class TestWall : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    NodeFarm m_farm;
    QString m_clusterFile;
    ClusterConfig m_config;
    QString m_ackPath;
    std::unique_ptr<WallApplication> m_wall;

    WallWindow *wall() const { return m_wall->wall()->window(); }

    /// Shows @p page alone and paints it at @p size; the smallest cap height painted.
    double paintPage(WallPage page, QSize size)
    {
        WallWindow *w = wall();
        w->resize(size);
        w->rotation()->setPages({ page });
        w->refresh();
        QCoreApplication::processEvents();
        w->takeSmallestCapHeight();
        const QImage shot = w->grab().toImage();
        [&] { QVERIFY(!shot.isNull()); }();
        return w->takeSmallestCapHeight();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        QVERIFY(m_dir.isValid());
        m_farm.addNode(
            QStringLiteral("n8n-main"), NodeFarm::Kind::Main, NodeFarm::CaptureSet::UnderLoad);
        for (int i = 1; i <= 3; ++i)
            m_farm.addNode(QStringLiteral("n8n-webhook-%1").arg(i), NodeFarm::Kind::Webhook);
        for (int i = 1; i <= 8; ++i)
            m_farm.addNode(QStringLiteral("n8n-worker-%1").arg(i), NodeFarm::Kind::Worker,
                NodeFarm::CaptureSet::UnderLoad);
        QVERIFY2(m_farm.start(), qPrintable(m_farm.errorString()));
        QByteArray yaml = "name: noc-wall-test\n"
                          "poll_interval: 1s\n"
                          "timeouts: { connect: 1s, request: 6s }\n"
                          "alerts:\n"
                          "  rules:\n"
                          "    node_down: { for: 1s, recovery_hold: 1s }\n"
                          "nodes:\n";
        const QStringList names = { QStringLiteral("n8n-main"), QStringLiteral("n8n-webhook-1"),
            QStringLiteral("n8n-webhook-2"), QStringLiteral("n8n-webhook-3") };
        QStringList all = names;
        for (int i = 1; i <= 8; ++i)
            all << QStringLiteral("n8n-worker-%1").arg(i);
        for (const QString &name : std::as_const(all)) {
            const char *role = name.contains(QLatin1String("main")) ? "main"
                : name.contains(QLatin1String("webhook"))           ? "webhook"
                                                                    : "worker";
            yaml += "  - { name: " + name.toUtf8() + ", role: " + role + ", url: '"
                + m_farm.url(name).toString().toUtf8() + "' }\n";
        }
        m_clusterFile = cwtest::writeFile(m_dir, QStringLiteral("cluster.yaml"), yaml);
        Result<ClusterConfig> config = loadClusterConfig(m_clusterFile);
        QVERIFY2(config.ok(), config.ok() ? "" : qPrintable(config.error()));
        m_config = config.value();

        // The workstation's alert history on this machine: the wall reads acknowledgements
        // from it.
        m_ackPath = m_dir.filePath(QStringLiteral("alerts.sqlite"));
        WallOptions options;
        options.ackHistoryPath = m_ackPath;
        options.rotateEvery = std::chrono::seconds(5);
        m_wall = std::make_unique<WallApplication>(options);
        m_wall->setCluster(m_config);
        m_wall->show();
        QVERIFY(QTest::qWaitForWindowExposed(wall()));
        QTRY_VERIFY_WITH_TIMEOUT(allHealthy(m_wall->session()->state()), 20'000);
    }

    void cleanupTestCase()
    {
        m_farm.setFrozen(false);
        m_wall.reset();
    }

    void fullScreenWithoutChrome()
    {
        QVERIFY(wall()->isFullScreen());
        QVERIFY(wall()->windowFlags() & Qt::FramelessWindowHint);
        QCOMPARE(wall()->size(), wall()->screen()->geometry().size());
        QCOMPARE(wall()->cursor().shape(), Qt::BlankCursor);
    }

    void legibleAtBothSizes_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1080p") << kFullHd;
        QTest::newRow("4K") << kUltraHd;
    }

    void legibleAtBothSizes()
    {
        QFETCH(QSize, size);
        // ISO 9241-303's 16 arcmin at 5 m on a 55-inch panel: 3.4 % of the screen's height.
        const double floor = size.height() * 0.034;
        for (const WallPage page : { WallPage::Overview, WallPage::Charts, WallPage::Alerts }) {
            const double smallest = paintPage(page, size);
            QVERIFY2(smallest >= floor - 0.5,
                qPrintable(QStringLiteral("%1 at %2×%3: smallest text %4 px, floor %5 px")
                               .arg(toString(page))
                               .arg(size.width())
                               .arg(size.height())
                               .arg(smallest)
                               .arg(floor)));
            QVERIFY(std::isfinite(smallest)); // something was drawn
            screenshot(
                wall(), QStringLiteral("wall-%1-%2.png").arg(toString(page)).arg(size.height()));
        }
        // Every one of the 12 nodes has its tile on the overview, with its name and state word.
        paintPage(WallPage::Overview, size);
        const WallGridPlan plan = wall()->overview()->plan();
        QVERIFY2(plan.level >= 2, qPrintable(QStringLiteral("level %1").arg(plan.level)));
        QVERIFY(plan.columns * plan.rows >= 12);
        const double gap = wall()->style().unit() * 0.8;
        QVERIFY(plan.rows * (plan.tile.height() + gap) - gap <= wall()->overview()->height());
        QCOMPARE(wall()->overview()->attentionText(), QStringLiteral("All 12 nodes healthy"));
    }

    void thousandNodesFitAsCells_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("minimumLevel");
        QTest::newRow("200 nodes") << 200 << 0;
        QTest::newRow("1000 nodes") << 1000 << 0;
    }

    void thousandNodesFitAsCells()
    {
        QFETCH(int, count);
        QFETCH(int, minimumLevel);
        cwtest::ManualClock clock(1'764'000'000'000, 1'000'000);
        ClusterState state(&clock);
        feedNodes(state, count, 97, clock.wallMs());
        ClusterModel model(&state);
        TimeSeriesStore series;
        WallWindow window(&model, &state, &series, &clock);
        window.resize(kFullHd);
        window.rotation()->setPages({ WallPage::Overview });
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.refresh();
        QCoreApplication::processEvents();
        window.takeSmallestCapHeight();
        const QImage shot = window.grab().toImage();
        QVERIFY(!shot.isNull());
        const WallGridPlan plan = window.overview()->plan();
        QVERIFY(plan.level >= minimumLevel);
        QVERIFY2(plan.columns * plan.rows >= count,
            qPrintable(QStringLiteral("%1 × %2").arg(plan.columns).arg(plan.rows)));
        // Every cell inside the page: nothing scrolled away.
        const double gap = window.style().unit() * (plan.level == 0 ? 0.8 / 3 : 0.8);
        QVERIFY(plan.rows * (plan.tile.height() + gap) - gap <= window.overview()->height() + 0.5);
        QVERIFY(plan.tile.width() >= 8); // a cell still shows its colour and icon
        // The nodes that are not healthy are named in the attention band, in large print.
        const int down = count / 97;
        QVERIFY2(
            window.overview()->attentionText().startsWith(QStringLiteral("%1 DOWN: ").arg(down)),
            qPrintable(window.overview()->attentionText()));
        QVERIFY2(window.overview()->attentionText().contains(QStringLiteral("n8n-worker-97")),
            qPrintable(window.overview()->attentionText()));
        QVERIFY(window.takeSmallestCapHeight() >= kFullHd.height() * 0.034 - 0.5);
        screenshot(&window, QStringLiteral("wall-overview-%1-nodes.png").arg(count));
    }

    void pixelShiftMovesSlowlyWithinBounds()
    {
        cwtest::ManualClock clock(1'764'000'000'000, 1'000'000);
        ClusterState state(&clock);
        feedNodes(state, 12, 0, clock.wallMs());
        ClusterModel model(&state);
        TimeSeriesStore series;
        WallWindow window(&model, &state, &series, &clock);
        window.resize(kFullHd);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.refresh();
        QSet<QPair<int, int>> seen;
        QPoint last = window.pixelShift();
        for (int minute = 1; minute <= 16 * 2; ++minute) {
            clock.advance(60'000);
            window.refresh();
            const QPoint now = window.pixelShift();
            // Never more than a few pixels, and never a jump.
            QVERIFY(now.x() >= 0 && now.y() >= 0 && now.x() <= 8 && now.y() <= 8);
            QVERIFY((now - last).manhattanLength() <= 4);
            if (minute % 2 == 1)
                QCOMPARE(now, last); // it moves every two minutes, not every tick
            seen.insert({ now.x(), now.y() });
            last = now;
        }
        QVERIFY2(seen.size() >= 6, "the picture should visit several positions");
    }

    void readOnlyInTheCodePath()
    {
        ClusterSession *session = m_wall->session();
        QVERIFY(session->isReadOnly());
        QCOMPARE(session->requestAction(QStringLiteral("n8n-worker-1"),
                     QStringLiteral("n8n-worker-1"), ContainerAction::Restart, false),
            ActionController::Verdict::ReadOnly);
        session->setReadOnly(false); // a session that writes no audit trail stays read-only
        QVERIFY(session->isReadOnly());
        DrillRunner runner(session);
        DrillSpec spec;
        spec.name = QStringLiteral("wall");
        QVERIFY(runner.blockers(spec).contains(
            QStringLiteral("drills are disabled on this read-only screen")));
        QVERIFY(!runner.start(spec));
        // Nothing on the wall could be clicked to act.
        QVERIFY(wall()->findChildren<QAbstractButton *>().isEmpty());
        for (const QAction *action : wall()->findChildren<QAction *>())
            QVERIFY2(!action->text().contains(QLatin1String("Restart"), Qt::CaseInsensitive),
                qPrintable(action->text()));
    }

    void wallFromTheWorkstationIsReadOnly()
    {
        SettingsStore settings(m_dir.filePath(QStringLiteral("settings.ini")));
        Application app(&settings, m_dir.filePath(QStringLiteral("audit/audit.jsonl")));
        app.setCluster(m_config);
        app.showWindow();
        auto *toggle = app.window()->findChild<QAction *>(QStringLiteral("wallAction"));
        QVERIFY(toggle);
        QCOMPARE(toggle->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+W")));
        QVERIFY(!app.session()->isReadOnly());
        toggle->trigger();
        QVERIFY(app.wall());
        QVERIFY(app.session()->isReadOnly());
        QVERIFY(!app.window()->isVisible());
        QVERIFY(app.wall()->window()->isVisible());
        QCOMPARE(app.session()->requestAction(QStringLiteral("n8n-worker-1"),
                     QStringLiteral("n8n-worker-1"), ContainerAction::Stop, false),
            ActionController::Verdict::ReadOnly);
        app.wall()->window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(app.wall()->window()));
        QTest::keyClick(app.wall()->window(), Qt::Key_W, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(!app.wall());
        QVERIFY(!app.session()->isReadOnly());
        QVERIFY(app.window()->isVisible());
    }

    void staleBannerWithinTwoPollIntervals()
    {
        wall()->resize(kFullHd);
        wall()->rotation()->setPages({ WallPage::Overview });
        QTRY_VERIFY_WITH_TIMEOUT(wall()->bannerText().isEmpty(), 10'000);
        const qint64 poll = m_config.pollInterval.count();
        // The sources stop answering: nginx frozen, requests hang (timeout 6 s).
        m_farm.setFrozen(true);
        QElapsedTimer since;
        since.start();
        QTRY_VERIFY_WITH_TIMEOUT(!wall()->bannerText().isEmpty(), int(poll * 4));
        const qint64 shownAfter = since.elapsed();
        qInfo("stale banner up %lld ms after the sources stopped (poll interval %lld ms): %s",
            shownAfter, poll, qPrintable(wall()->bannerText()));
        QVERIFY2(shownAfter <= 2 * poll,
            qPrintable(QStringLiteral("banner after %1 ms").arg(shownAfter)));
        QVERIFY(wall()->bannerText().startsWith(QLatin1String("NO DATA SINCE")));
        // No frozen green: every node is drawn stale while nothing arrives.
        wall()->grab();
        QCOMPARE(wall()->overview()->attentionText(), QStringLiteral("ALL 12 NODES STALE"));
        screenshot(wall(), QStringLiteral("wall-stale-1080.png"));
        wall()->resize(kUltraHd);
        QCoreApplication::processEvents();
        screenshot(wall(), QStringLiteral("wall-stale-2160.png"));
        // They answer again: the wall reconnects by itself and the banner goes.
        m_farm.setFrozen(false);
        QTRY_VERIFY_WITH_TIMEOUT(wall()->bannerText().isEmpty(), 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(allHealthy(m_wall->session()->state()), 20'000);
    }

    void criticalTakeoverEndsByAcknowledgementOrResolution()
    {
        wall()->resize(kFullHd);
        wall()->rotation()->setPages({ WallPage::Overview, WallPage::Charts, WallPage::Alerts });
        // A workstation on this machine: its own session, writing the alert history the wall
        // reads acknowledgements from.
        SessionOptions options;
        options.alertHistoryPath = m_ackPath;
        options.auditPath = m_dir.filePath(QStringLiteral("ws/audit.jsonl"));
        ClusterSession workstation(options);
        qint64 firingRow = 0;
        connect(&workstation, &ClusterSession::alertStored, this,
            [&firingRow](const AlertTransition &t) {
                if (t.key() == QLatin1String("node_down/n8n-main") && t.state == AlertState::Firing)
                    firingRow = t.id;
            });
        workstation.open(m_config);

        m_farm.setHealthFailing(QStringLiteral("n8n-main"), true);
        QTRY_VERIFY_WITH_TIMEOUT(wall()->currentPage() == wall()->takeoverPage(), 15'000);
        QCOMPARE(wall()->takeoverPage()->alert().key(), QStringLiteral("node_down/n8n-main"));
        const WallPage held = wall()->rotation()->page();
        screenshot(wall(), QStringLiteral("wall-critical-1080.png"));
        QVERIFY(wall()->takeSmallestCapHeight() >= 0); // reset the measure
        wall()->resize(kUltraHd);
        QCoreApplication::processEvents();
        wall()->grab();
        QVERIFY(wall()->takeSmallestCapHeight() >= kUltraHd.height() * 0.034 - 0.5);
        screenshot(wall(), QStringLiteral("wall-critical-2160.png"));
        wall()->resize(kFullHd);
        // The rotation stands still while it holds.
        QTest::qWait(6'000);
        QCOMPARE(wall()->currentPage(), wall()->takeoverPage());

        // Acknowledged at the workstation: the wall sees it in the shared history file.
        QTRY_VERIFY_WITH_TIMEOUT(firingRow > 0, 15'000);
        workstation.acknowledge({ firingRow }, QStringLiteral("on it"));
        QTRY_VERIFY_WITH_TIMEOUT(wall()->currentPage() != wall()->takeoverPage(), 10'000);
        QCOMPARE(toString(wall()->rotation()->page()), toString(held));
        m_farm.setHealthFailing(QStringLiteral("n8n-main"), false);
        QTRY_VERIFY_WITH_TIMEOUT(allHealthy(m_wall->session()->state()), 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(wall()->rotation()->takeoverCandidates().isEmpty(), 20'000);

        // Not acknowledged: the takeover ends when the alert resolves.
        m_farm.setHealthFailing(QStringLiteral("n8n-webhook-2"), true);
        QTRY_VERIFY_WITH_TIMEOUT(wall()->currentPage() == wall()->takeoverPage(), 15'000);
        QCOMPARE(wall()->takeoverPage()->alert().key(), QStringLiteral("node_down/n8n-webhook-2"));
        m_farm.setHealthFailing(QStringLiteral("n8n-webhook-2"), false);
        QTRY_VERIFY_WITH_TIMEOUT(wall()->currentPage() != wall()->takeoverPage(), 20'000);
        QVERIFY(!wall()->rotation()->takeover());
    }
};

int main(int argc, char *argv[])
{
    // One 4K screen: the wall goes full screen on it; the 1080p checks resize the wall.
    QTemporaryDir screenDir;
    const QString screenFile = screenDir.filePath(QStringLiteral("screen.json"));
    QFile json(screenFile);
    if (!json.open(QIODevice::WriteOnly))
        return 1;
    json.write(R"({"synchronousWindowSystemEvents": false, "windowFrameMargins": false,
        "screens": [{"name": "wall", "x": 0, "y": 0, "width": 3840, "height": 2160,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})");
    json.close();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + screenFile.toLocal8Bit());
    QApplication app(argc, argv);
    TestWall test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_wall.moc"
