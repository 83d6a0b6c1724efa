// The workstation window on a screen of a given size (the offscreen platform's screen from a
// config file, set before the QApplication exists): it opens within the screen's available
// area; the real application on a real nginx node farm (plus Redis and PostgreSQL) shows every
// node of a 12-node cluster without scrolling beside the alerts dock, a node that goes down
// moves to the first tile, the grid reflows on resize; 200 and 1,000 nodes switch to the
// compact grid of state cells that fits the view and names the nodes that are not healthy.
// Run with "--screen 1366x768": the window fits a small laptop screen with a bottom dock open
// and the charts keep readable axes instead of squeezing.
#include "NodeFarm.h"
#include "PostgresServer.h"
#include "RedisServer.h"
#include "TestSupport.h"
#include "app/Application.h"
#include "models/items/ClusterModel.h"
#include "models/items/NodeOrderModel.h"
#include "services/config/SettingsStore.h"
#include "views/MainWindow.h"
#include "views/NodeCellPainter.h"
#include "views/NodeTileDelegate.h"
#include "views/NodeTilesView.h"
#include "views/charts/ChartsPanel.h"
#include "views/charts/TimeChart.h"

#include <QApplication>
#include <QChart>
#include <QContextMenuEvent>
#include <QDateTimeAxis>
#include <QDockWidget>
#include <QHelpEvent>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>
#include <QValueAxis>
#include <sys/resource.h>

using cwtest::NodeFarm;

namespace {

QSize g_screen(1920, 1080);

struct NodeLine {
    QString name;
    QString role;
    QUrl url;
};

QStringList shownNames(const cw::NodeTilesView *view)
{
    QStringList names;
    const QAbstractItemModel *model = view->model();
    for (int row = 0; row < model->rowCount(); ++row)
        names << model->index(row, 0).data(cw::ClusterModel::NameRole).toString();
    return names;
}

/// Rows whose tile or cell is not wholly inside the view's viewport ("" when all are).
QString tilesOutsideViewport(const cw::NodeTilesView *view)
{
    QStringList outside;
    const QRect area = view->viewport()->rect();
    const QAbstractItemModel *model = view->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        const QRect rect = view->visualRect(index);
        if (rect.isEmpty() || !area.contains(rect))
            outside << QStringLiteral("%1 at %2,%3 %4x%5")
                           .arg(index.data(cw::ClusterModel::NameRole).toString())
                           .arg(rect.x())
                           .arg(rect.y())
                           .arg(rect.width())
                           .arg(rect.height());
    }
    if (view->verticalScrollBar()->isVisible())
        outside << QStringLiteral("vertical scroll bar shown");
    if (view->horizontalScrollBar()->isVisible())
        outside << QStringLiteral("horizontal scroll bar shown");
    return outside.isEmpty()
        ? QString()
        : QStringLiteral("viewport %1x%2: ").arg(area.width()).arg(area.height())
            + outside.mid(0, 5).join(QStringLiteral("; "));
}

int countState(cw::Application &app, cw::NodeState state)
{
    int n = 0;
    for (int row = 0; row < app.nodes()->rowCount(); ++row)
        n += app.nodes()->index(row, 0).data(cw::ClusterModel::StateRole).toInt() == int(state);
    return n;
}

QString screenText(const QWidget *window)
{
    const QRect avail = window->screen()->availableGeometry();
    const QRect frame = window->frameGeometry();
    return QStringLiteral("frame %1,%2 %3x%4 on available %5,%6 %7x%8")
        .arg(frame.x())
        .arg(frame.y())
        .arg(frame.width())
        .arg(frame.height())
        .arg(avail.x())
        .arg(avail.y())
        .arg(avail.width())
        .arg(avail.height());
}

} // namespace

using cw::NodeTilesView;

/// Shared set-up: the node farm, Redis and PostgreSQL, cluster files.
class TilesFixture : public QObject {
    Q_OBJECT
protected:
    QTemporaryDir m_dir;
    NodeFarm m_farm;
    std::unique_ptr<cwtest::RedisServer> m_redis;
    cwtest::PostgresServer m_postgres;
    int m_settingsCount = 0;

    static constexpr int kPool = 1000; ///< farm nodes behind the 200- and 1,000-node clusters

    /// @p pool: also the 1,000 nodes behind the large clusters (the small screen needs none).
    void startServers(bool pool = true)
    {
        QLocale::setDefault(QLocale::c());
        QVERIFY(m_dir.isValid());
        m_farm.addNode(
            QStringLiteral("n8n-main"), NodeFarm::Kind::Main, NodeFarm::CaptureSet::UnderLoad);
        for (int i = 1; i <= 2; ++i)
            m_farm.addNode(QStringLiteral("n8n-webhook-%1").arg(i), NodeFarm::Kind::Webhook,
                NodeFarm::CaptureSet::UnderLoad);
        for (int i = 1; i <= 9; ++i)
            m_farm.addNode(QStringLiteral("n8n-worker-%1").arg(i), NodeFarm::Kind::Worker,
                NodeFarm::CaptureSet::UnderLoad);
        // Big clusters: every node its own nginx port, polled over HTTP like any other.
        for (int i = 0; pool && i < kPool; ++i)
            m_farm.addNode(QStringLiteral("pool-%1").arg(i), NodeFarm::Kind::Worker,
                NodeFarm::CaptureSet::Idle);
        QVERIFY2(m_farm.start(), qPrintable(m_farm.errorString()));

        cwtest::RedisServer::Options options;
        m_redis = std::make_unique<cwtest::RedisServer>(options);
        QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
        QString error;
        QStringList push = { QStringLiteral("RPUSH"), QStringLiteral("bull:jobs:wait") };
        for (int i = 1; i <= 12; ++i)
            push << QString::number(100 + i);
        m_redis->command(push, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        auto created = m_postgres.createRoleAndDatabase(
            QStringLiteral("n8n"), QStringLiteral("tiles-db-pw"), QStringLiteral("n8n"));
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error()));
        auto schema = m_postgres.loadN8nSchema(QStringLiteral("n8n"), QStringLiteral("n8n"));
        QVERIFY2(schema.ok(), schema.ok() ? "" : qPrintable(schema.error()));
        qputenv("CW_TILES_DB_PASSWORD", "tiles-db-pw");
    }

    QString writeCluster(const QString &name, const QList<NodeLine> &nodes, const char *poll)
    {
        QByteArray yaml = "name: " + name.toUtf8() + "\npoll_interval: " + poll
            + "\ntimeouts: { connect: 1s, request: 2s }\nnodes:\n";
        for (const NodeLine &n : nodes)
            yaml += "  - { name: " + n.name.toUtf8() + ", role: " + n.role.toUtf8() + ", url: '"
                + n.url.toString().toUtf8() + "' }\n";
        yaml += "redis:\n  host: 127.0.0.1\n  port: " + QByteArray::number(m_redis->port()) + "\n";
        yaml += "postgres:\n  host: 127.0.0.1\n  port: " + QByteArray::number(m_postgres.port())
            + "\n  database: n8n\n  user: n8n\n  password: ${CW_TILES_DB_PASSWORD}\n"
              "  sslmode: disable\n";
        return cwtest::writeFile(m_dir, name + QStringLiteral(".yaml"), yaml);
    }

    /// 1 main, 2 webhook processors, 9 workers, each its own nginx port.
    QString twelveNodeCluster()
    {
        QList<NodeLine> nodes;
        nodes << NodeLine { QStringLiteral("n8n-main"), QStringLiteral("main"),
            m_farm.url(QStringLiteral("n8n-main")) };
        for (int i = 1; i <= 2; ++i) {
            const QString n = QStringLiteral("n8n-webhook-%1").arg(i);
            nodes << NodeLine { n, QStringLiteral("webhook"), m_farm.url(n) };
        }
        for (int i = 1; i <= 9; ++i) {
            const QString n = QStringLiteral("n8n-worker-%1").arg(i);
            nodes << NodeLine { n, QStringLiteral("worker"), m_farm.url(n) };
        }
        return writeCluster(QStringLiteral("prod-eu-12"), nodes, "500ms");
    }

    /// @p count nodes (1 main, a webhook processor per 25, workers); one node in every
    /// @p failEvery fails /healthz (down) and another one readiness (degraded).
    QString bigCluster(int count, int failEvery, const char *poll)
    {
        QList<NodeLine> nodes;
        for (int i = 0; i < count; ++i) {
            const QString farmNode = QStringLiteral("pool-%1").arg(i);
            m_farm.setHealthFailing(farmNode, i % failEvery == failEvery - 1);
            m_farm.setReadinessFailing(farmNode, i % failEvery == 1);
            const QString role = i == 0 ? QStringLiteral("main")
                : i % 25 == 3           ? QStringLiteral("webhook")
                                        : QStringLiteral("worker");
            nodes << NodeLine {
                QStringLiteral("n8n-%1-%2").arg(role).arg(i, 4, 10, QLatin1Char('0')), role,
                m_farm.url(farmNode)
            };
        }
        return writeCluster(QStringLiteral("big-%1").arg(count), nodes, poll);
    }

    std::unique_ptr<cw::SettingsStore> freshSettings()
    {
        return std::make_unique<cw::SettingsStore>(
            m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_settingsCount)));
    }

    cw::Application *makeApp(cw::SettingsStore *settings)
    {
        return new cw::Application(
            settings, m_dir.filePath(QStringLiteral("audit-%1.jsonl").arg(m_settingsCount)));
    }

    static void screenshot(QWidget *window, const QString &name)
    {
        const QByteArray dir = qgetenv("CW_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            window->grab().save(QString::fromLocal8Bit(dir) + QLatin1Char('/') + name);
    }

    static bool windowFitsScreen(const QWidget *window)
    {
        return window->screen()->availableGeometry().contains(window->frameGeometry());
    }

    /// The compact grid's checks: every cell inside the view, healthy ones small squares, the
    /// not-healthy ones wide enough for their whole name and with text drawn in that room.
    void checkCompactGrid(NodeTilesView *view, int expectNamed)
    {
        QVERIFY(view->isCompact());
        QTRY_COMPARE_WITH_TIMEOUT(tilesOutsideViewport(view), QString(), 5000);
        const double side = view->cellSide();
        QVERIFY2(side >= 12, qPrintable(QString::number(side)));
        cw::NodeCellPainter painter(side, view->font());
        const QImage image = view->viewport()->grab().toImage();
        const QColor background = view->palette().color(QPalette::Base);
        int named = 0;
        const QAbstractItemModel *model = view->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            const QModelIndex index = model->index(row, 0);
            cw::NodeCell cell;
            cell.name = index.data(cw::ClusterModel::NameRole).toString();
            cell.state = cw::NodeState(index.data(cw::ClusterModel::StateRole).toInt());
            cell.stale = index.data(cw::ClusterModel::StaleRole).toBool();
            const QRect rect = view->visualRect(index);
            if (!cw::NodeCellPainter::namedCell(cell.state, cell.stale)) {
                QVERIFY2(
                    rect.width() <= side + 1 && rect.height() <= side + 1, qPrintable(cell.name));
                continue;
            }
            ++named;
            // Worst first: every named cell comes before every healthy square.
            QCOMPARE(row, named - 1);
            QVERIFY2(rect.width() >= int(painter.size(cell).width()),
                qPrintable(
                    QStringLiteral("%1: %2 px for its name").arg(cell.name).arg(rect.width())));
            // The name's room holds text-coloured pixels: the name is drawn there.
            const QRect nameRoom = rect.adjusted(int(rect.height()) + 2, 3, -3, -3);
            int ink = 0;
            for (int y = nameRoom.top(); y <= nameRoom.bottom(); ++y) {
                for (int x = nameRoom.left(); x <= nameRoom.right(); ++x) {
                    const QColor c = image.pixelColor(
                        x * image.devicePixelRatio(), y * image.devicePixelRatio());
                    ink += std::abs(c.lightness() - background.lightness()) > 120;
                }
            }
            QVERIFY2(ink > nameRoom.width(),
                qPrintable(QStringLiteral("%1: %2 ink pixels").arg(cell.name).arg(ink)));
        }
        QCOMPARE(named, expectNamed);
    }
};

class TestTiles : public TilesFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(QGuiApplication::primaryScreen()->geometry().size(), g_screen);
        startServers();
    }

    void twelveNodesFitBesideTheAlerts()
    {
        auto settings = freshSettings();
        std::unique_ptr<cw::Application> app(makeApp(settings.get()));
        app->showWindow();
        cw::MainWindow *window = app->window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QVERIFY2(windowFitsScreen(window), qPrintable(screenText(window)));
        // A first start takes most of the screen, not a fixed 1280x800.
        QVERIFY2(window->width() >= g_screen.width() * 8 / 10, qPrintable(screenText(window)));
        QVERIFY(app->openClusterFile(twelveNodeCluster()));

        auto *view = window->tilesView();
        QTRY_COMPARE_WITH_TIMEOUT(countState(*app, cw::NodeState::Healthy), 12, 15'000);
        auto *alerts = window->findChild<QDockWidget *>(QStringLiteral("alertsDock"));
        QVERIFY(alerts && alerts->isVisible());
        QVERIFY(!view->isCompact());
        QTRY_COMPARE_WITH_TIMEOUT(tilesOutsideViewport(view), QString(), 5000);
        QVERIFY2(view->columnCount() >= 3, qPrintable(QString::number(view->columnCount())));
        // Grouped by role in natural order while all are healthy.
        QCOMPARE(shownNames(view).mid(0, 4),
            QStringList({ QStringLiteral("n8n-main"), QStringLiteral("n8n-webhook-1"),
                QStringLiteral("n8n-webhook-2"), QStringLiteral("n8n-worker-1") }));
        QTRY_COMPARE_WITH_TIMEOUT(
            window->findChild<QLabel *>(QStringLiteral("queueWaiting"))->text(),
            QStringLiteral("12"), 5000);
        QTest::qWait(1200); // a chart redraw with data
        screenshot(window, QStringLiteral("tiles-1920-12nodes.png"));
        // The tiles did not push the services and the charts off the screen: every chart is
        // in view (no scrolling) and the Redis and PostgreSQL figures show.
        auto *charts = window->chartsPanel();
        auto *chartsScroll = charts->findChild<QScrollArea *>(QStringLiteral("chartsScroll"));
        QVERIFY(chartsScroll);
        QTRY_VERIFY_WITH_TIMEOUT(charts->charts().size() >= 4, 5000);
        for (cw::TimeChart *chart : charts->charts()) {
            const QRect inViewport(
                chart->mapTo(chartsScroll->viewport(), QPoint(0, 0)), chart->size());
            QVERIFY2(chartsScroll->viewport()->rect().contains(inViewport),
                qPrintable(chart->objectName()));
            QVERIFY2(chart->height() >= 160, qPrintable(chart->objectName()));
        }
        for (const char *figure : { "queueWaiting", "executions_success" }) {
            auto *label = window->findChild<QLabel *>(QLatin1String(figure));
            QVERIFY2(label && label->isVisible() && !label->visibleRegion().isEmpty(), figure);
        }

        // A worker goes down: it moves to the first tile, top left, in red with the reason.
        m_farm.setHealthFailing(QStringLiteral("n8n-worker-7"), true);
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(view).value(0), QStringLiteral("n8n-worker-7"), 5000);
        const QModelIndex first = view->model()->index(0, 0);
        QCOMPARE(first.data(cw::ClusterModel::StateRole).toInt(), int(cw::NodeState::Down));
        QCOMPARE(view->visualRect(first).topLeft(), QPoint(0, 0));
        QCOMPARE(cw::NodeTileDelegate::tileLines(first).value(1), QStringLiteral("DOWN"));
        QVERIFY2(cw::NodeTileDelegate::tileLines(first).value(4).contains(QStringLiteral("503")),
            qPrintable(cw::NodeTileDelegate::tileLines(first).join(u'|')));
        // Degraded comes next, before the healthy ones.
        m_farm.setReadinessFailing(QStringLiteral("n8n-worker-2"), true);
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(view).value(1), QStringLiteral("n8n-worker-2"), 5000);
        QCOMPARE(shownNames(view).value(2), QStringLiteral("n8n-main"));
        QCOMPARE(tilesOutsideViewport(view), QString());
        QTest::qWait(600);
        screenshot(window, QStringLiteral("tiles-1920-12nodes-down.png"));

        // Selection, tooltip and context menu on the reordered tiles.
        const QRect downRect = view->visualRect(first);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, downRect.center());
        QCOMPARE(view->currentIndex().data(cw::ClusterModel::NameRole).toString(),
            QStringLiteral("n8n-worker-7"));
        // The table shows the same node selected (one selection over the same order).
        QCOMPARE(window->tableView()->currentIndex().data(cw::ClusterModel::NameRole).toString(),
            QStringLiteral("n8n-worker-7"));
        window->selectNode(QStringLiteral("n8n-worker-5"));
        QCOMPARE(view->currentIndex().data(cw::ClusterModel::NameRole).toString(),
            QStringLiteral("n8n-worker-5"));
        QHelpEvent help(
            QEvent::ToolTip, downRect.center(), view->viewport()->mapToGlobal(downRect.center()));
        QApplication::sendEvent(view->viewport(), &help);
        QTRY_VERIFY_WITH_TIMEOUT(QToolTip::isVisible(), 2000);
        QVERIFY2(QToolTip::text().contains(QStringLiteral("readiness: "))
                && QToolTip::text().contains(m_farm.url(QStringLiteral("n8n-worker-7")).toString()),
            qPrintable(QToolTip::text()));
        QToolTip::hideText();
        QContextMenuEvent menuEvent(QContextMenuEvent::Mouse, downRect.center(),
            view->viewport()->mapToGlobal(downRect.center()));
        QApplication::sendEvent(view->viewport(), &menuEvent);
        QMenu *menu = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (menu = window->findChild<QMenu *>(QString(), Qt::FindDirectChildrenOnly))
                && menu->isVisible(),
            2000);
        QStringList entries;
        for (QAction *a : menu->actions())
            entries << a->text();
        QVERIFY2(entries.contains(QStringLiteral("Restart…")), qPrintable(entries.join(u'|')));
        menu->close();

        m_farm.setHealthFailing(QStringLiteral("n8n-worker-7"), false);
        m_farm.setReadinessFailing(QStringLiteral("n8n-worker-2"), false);
        QTRY_COMPARE_WITH_TIMEOUT(shownNames(view).value(0), QStringLiteral("n8n-main"), 5000);

        // Reflow: a narrower window has fewer columns, never a horizontal scroll bar.
        const int wide = view->columnCount();
        window->showNormal();
        window->resize(window->screen()->availableGeometry().width() * 6 / 10, window->height());
        QTRY_VERIFY_WITH_TIMEOUT(view->columnCount() < wide, 3000);
        QVERIFY(!view->horizontalScrollBar()->isVisible());
        for (int row = 0; row < view->model()->rowCount(); ++row)
            QVERIFY(
                view->visualRect(view->model()->index(row, 0)).right() < view->viewport()->width());
        window->showMaximized();
        QTRY_COMPARE_WITH_TIMEOUT(view->columnCount(), wide, 3000);
        QVERIFY2(windowFitsScreen(window), qPrintable(screenText(window)));
        QTRY_COMPARE_WITH_TIMEOUT(tilesOutsideViewport(view), QString(), 3000);
    }

    void twoHundredNodesUseTheCompactGrid()
    {
        auto settings = freshSettings();
        std::unique_ptr<cw::Application> app(makeApp(settings.get()));
        app->showWindow();
        cw::MainWindow *window = app->window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QVERIFY(app->openClusterFile(bigCluster(200, 20, "2s")));
        auto *view = window->tilesView();
        QCOMPARE(view->model()->rowCount(), 200);
        QVERIFY(200 > NodeTilesView::kCompactAbove);
        QTRY_COMPARE_WITH_TIMEOUT(countState(*app, cw::NodeState::Down), 10, 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(countState(*app, cw::NodeState::Degraded), 10, 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(countState(*app, cw::NodeState::Healthy), 180, 20'000);
        QTest::qWait(300);
        checkCompactGrid(view, 20);
        // 200 cells have room to be larger than the smallest.
        QVERIFY2(view->cellSide() >= 20, qPrintable(QString::number(view->cellSide())));
        QVERIFY2(windowFitsScreen(window), qPrintable(screenText(window)));
        // A click on a cell selects its node.
        const QModelIndex some = view->model()->index(150, 0);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(some).center());
        QCOMPARE(view->currentIndex(), some);
        QTest::qWait(1200);
        screenshot(window, QStringLiteral("tiles-1920-200nodes.png"));
    }

    void thousandNodesFitOneScreen()
    {
        auto settings = freshSettings();
        std::unique_ptr<cw::Application> app(makeApp(settings.get()));
        app->showWindow();
        cw::MainWindow *window = app->window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QVERIFY(app->openClusterFile(bigCluster(1000, 100, "5s")));
        auto *view = window->tilesView();
        QCOMPARE(view->model()->rowCount(), 1000);
        QTRY_COMPARE_WITH_TIMEOUT(countState(*app, cw::NodeState::Down), 10, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(countState(*app, cw::NodeState::Degraded), 10, 30'000);
        QTRY_COMPARE_WITH_TIMEOUT(countState(*app, cw::NodeState::Healthy), 980, 30'000);
        QTest::qWait(300);
        checkCompactGrid(view, 20);
        QVERIFY2(windowFitsScreen(window), qPrintable(screenText(window)));
        QTest::qWait(1200);
        screenshot(window, QStringLiteral("tiles-1920-1000nodes.png"));
    }
};

class TestTilesSmallScreen : public TilesFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCOMPARE(QGuiApplication::primaryScreen()->geometry().size(), g_screen);
        startServers(false);
    }

    void fitsWithReadableCharts()
    {
        // Last saved on a big monitor: the restored window is brought onto this screen.
        QByteArray bigGeometry;
        {
            QWidget big;
            big.setGeometry(300, 200, 2400, 1400);
            bigGeometry = big.saveGeometry();
        }
        auto settings = freshSettings();
        settings->setWindowGeometry(bigGeometry, QByteArray());
        std::unique_ptr<cw::Application> app(makeApp(settings.get()));
        app->showWindow();
        cw::MainWindow *window = app->window();
        QVERIFY(QTest::qWaitForWindowExposed(window));
        QVERIFY2(windowFitsScreen(window), qPrintable(screenText(window)));
        QVERIFY(app->openClusterFile(twelveNodeCluster()));
        // A bottom dock open as well (the drill history).
        window->showDrillPanel(true);
        auto *history = window->findChild<QDockWidget *>(QStringLiteral("drillHistoryDock"));
        QVERIFY(history && history->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(countState(*app, cw::NodeState::Healthy), 12, 15'000);
        QTest::qWait(1500); // charts drawn with data
        QVERIFY2(windowFitsScreen(window), qPrintable(screenText(window)));
        const QSize avail = window->screen()->availableGeometry().size();
        QVERIFY2(window->minimumSizeHint().width() <= avail.width()
                && window->minimumSizeHint().height() <= avail.height(),
            qPrintable(QStringLiteral("minimum %1x%2")
                           .arg(window->minimumSizeHint().width())
                           .arg(window->minimumSizeHint().height())));

        // Every chart keeps a plot that shows its axes: a minimum plot size, time labels that
        // do not run into each other, value labels that fit the height, and the legend under
        // the chart, not over it.
        const QList<cw::TimeChart *> charts = window->chartsPanel()->charts();
        QVERIFY(charts.size() >= 4);
        for (cw::TimeChart *chart : charts) {
            const QString name = chart->objectName();
            const QRectF plot = chart->chart()->plotArea();
            QVERIFY2(plot.height() >= 100 && plot.width() >= 180,
                qPrintable(QStringLiteral("%1: plot %2x%3")
                               .arg(name)
                               .arg(plot.width())
                               .arg(plot.height())));
            QDateTimeAxis *time = chart->timeAxis();
            const QFontMetricsF timeFm(time->labelsFont());
            const double label
                = timeFm.horizontalAdvance(QDateTime::currentDateTime().toString(time->format()));
            QVERIFY2(label * 1.1 <= plot.width() / std::max(1, time->tickCount() - 1),
                qPrintable(QStringLiteral("%1: %2 time labels of %3 px in %4 px")
                               .arg(name)
                               .arg(time->tickCount())
                               .arg(label)
                               .arg(plot.width())));
            const QFontMetricsF valueFm(chart->valueAxis()->labelsFont());
            QVERIFY2(valueFm.height() * chart->valueAxis()->tickCount() <= plot.height(),
                qPrintable(name));
            auto *legend = chart->parentWidget()->findChild<QListView *>();
            QVERIFY2(legend, qPrintable(name));
            QVERIFY2(!chart->geometry().intersects(legend->geometry()), qPrintable(name));
            // The time labels are drawn under the plot, inside the chart's own widget.
            QVERIFY2(plot.bottom() + timeFm.height() <= chart->height(), qPrintable(name));
        }
        // The bottom dock leaves the window's own content usable: a full row of tiles, and a
        // full chart in the charts' scrolling area.
        NodeTilesView *view = window->tilesView();
        const QModelIndex first = view->model()->index(0, 0);
        QVERIFY2(view->viewport()->rect().contains(view->visualRect(first)),
            qPrintable(
                QStringLiteral("tiles viewport %1 px high").arg(view->viewport()->height())));
        auto *chartsScroll
            = window->chartsPanel()->findChild<QScrollArea *>(QStringLiteral("chartsScroll"));
        QVERIFY(chartsScroll);
        QVERIFY2(chartsScroll->viewport()->height() >= charts.first()->height(),
            qPrintable(QStringLiteral("charts viewport %1 px for a chart of %2 px")
                           .arg(chartsScroll->viewport()->height())
                           .arg(charts.first()->height())));
        QVERIFY2(history->height() <= window->height() / 3 + 1,
            qPrintable(QString::number(history->height())));
        screenshot(window, QStringLiteral("tiles-1366x768.png"));
    }
};

int main(int argc, char **argv)
{
    // 1,000 nodes polled at once hold a connection each: take the hard limit of open files.
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    // "--screen WxH" (default 1920x1080) sets the offscreen platform's one screen; the
    // platform reads it when the QApplication is made, so it is written first.
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    if (const qsizetype at = args.indexOf(QStringLiteral("--screen"));
        at > 0 && at + 1 < args.size()) {
        const QStringList wh = args[at + 1].split(u'x');
        g_screen = QSize(wh.value(0).toInt(), wh.value(1).toInt());
        args.remove(at, 2);
    }
    if (!g_screen.isValid()) {
        qCritical("--screen takes WIDTHxHEIGHT");
        return 2;
    }
    QTemporaryDir dir;
    const QString config = dir.filePath(QStringLiteral("screen.json"));
    QFile file(config);
    if (!dir.isValid() || !file.open(QIODevice::WriteOnly))
        return 2;
    file.write(QStringLiteral("{\"synchronousWindowSystemEvents\": false, \"windowFrameMargins\": "
                              "false, \"screens\": [{\"name\": \"s\", \"x\": 0, \"y\": 0, "
                              "\"width\": %1, \"height\": %2, \"logicalDpi\": 96, "
                              "\"logicalBaseDpi\": 96, \"dpr\": 1}]}")
                   .arg(g_screen.width())
                   .arg(g_screen.height())
                   .toUtf8());
    file.close();
    qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.toLocal8Bit());
    QApplication app(argc, argv);
    QTEST_SET_MAIN_SOURCE_PATH
    if (g_screen.width() >= 1920) {
        TestTiles test;
        return QTest::qExec(&test, args);
    }
    TestTilesSmallScreen test;
    return QTest::qExec(&test, args);
}

#include "tst_tiles.moc"
