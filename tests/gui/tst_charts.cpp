// The charts as people see them, rendered offscreen: the expected lines and dashed threshold
// lines are drawn (checked on the pixels), a down node is a break, hover names time and values,
// the ranges switch, both themes stay legible; and on a live local cluster (nginx n8n nodes,
// a real redis-server) the running application's charts fill with real samples.
#include "NodeFarm.h"
#include "RedisServer.h"
#include "TestSupport.h"
#include "app/Application.h"
#include "models/items/ChartLegendModel.h"
#include "models/items/ChartSpec.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "services/config/SettingsStore.h"
#include "views/MainWindow.h"
#include "views/charts/ChartsPanel.h"
#include "views/charts/TimeChart.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QImage>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QValueAxis>

using namespace cw;

class TestCharts : public QObject {
    Q_OBJECT
private:
    qint64 m_now = 0;
    QTemporaryDir m_dir;

    static ClusterConfig cluster()
    {
        ClusterConfig config;
        config.name = QStringLiteral("charts");
        for (const char *name : { "n8n-main", "n8n-worker-1", "n8n-worker-2" })
            config.nodes.append({ QLatin1String(name), NodeRole::Worker,
                QUrl(QStringLiteral("http://127.0.0.1:1")), {} });
        config.docker.configured = true;
        config.redis.configured = true;
        return config;
    }

    // Five minutes at 1 Hz: main ~20 %, worker-1 flat 42 % but down from 180 s to 120 s ago,
    // worker-2 with one 97 % spike; the queue crossing 1,000.
    void fill(TimeSeriesStore &store) const
    {
        for (qint64 k = 300; k >= 0; --k) {
            const qint64 t = m_now - k * 1000;
            store.append(QStringLiteral("node/n8n-main/cpu"), t, 20 + double(k % 5));
            if (k > 120 && k <= 180)
                store.appendGap(QStringLiteral("node/n8n-worker-1/cpu"), t);
            else
                store.append(QStringLiteral("node/n8n-worker-1/cpu"), t, 42);
            store.append(QStringLiteral("node/n8n-worker-2/cpu"), t, k == 200 ? 97 : 5);
            store.append(QStringLiteral("queue/waiting"), t, 800 + double(300 - k));
            store.append(QStringLiteral("queue/active"), t, 10);
        }
    }

    // Where a chart value is drawn, in the chart widget's (= its grab's) pixels.
    static QPoint pixelOf(TimeChart *chart, const QPointF &value, QAbstractSeries *series)
    {
        const QPointF scene
            = chart->chart()->mapToScene(chart->chart()->mapToPosition(value, series));
        return chart->mapFromScene(scene);
    }

    // Same hue and clearly coloured: antialiasing blends a thin line with the background, so
    // exact colours are rare but the hue survives.
    static bool near(const QColor &pixel, const QColor &line)
    {
        if (pixel.hsvSaturationF() < 0.25 || pixel.valueF() < 0.2)
            return false;
        const int d = std::abs(pixel.hsvHue() - line.hsvHue());
        return std::min(d, 360 - d) <= 12;
    }

    // Pixels of @p color within ±2 rows of (x, y).
    static bool colorAround(const QImage &image, int x, int y, const QColor &color)
    {
        for (int dy = -2; dy <= 2; ++dy) {
            for (int dx = -1; dx <= 1; ++dx) {
                const QPoint p(x + dx, y + dy);
                if (image.rect().contains(p) && near(image.pixelColor(p), color))
                    return true;
            }
        }
        return false;
    }

    /// @p panel on @p store, filled with fill(), charts of cluster(), sized like a wall screen.
    void prepare(ChartsPanel &panel, TimeSeriesStore &store) const
    {
        fill(store);
        panel.setStore(&store);
        panel.setCharts(chartsForCluster(cluster()));
        panel.resize(1500, 900);
    }

    static void screenshot(QWidget *widget, const QString &name)
    {
        const QByteArray dir = qgetenv("CW_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            widget->grab().save(QString::fromLocal8Bit(dir) + QLatin1Char('/') + name);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QLocale::setDefault(QLocale::c());
        QVERIFY(m_dir.isValid());
        m_now = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
    }

    void drawsLinesBreaksAndThresholds()
    {
        TimeSeriesStore store(4000);
        ChartsPanel panel;
        panel.setColors(ChartColors::light());
        prepare(panel, store);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.refreshNow(m_now);
        QCoreApplication::processEvents();
        panel.refreshNow(m_now); // after layout: the plot has its final width
        screenshot(&panel, QStringLiteral("charts-light.png"));

        TimeChart *cpu = panel.chart(QStringLiteral("cpu"));
        QVERIFY(cpu);
        QCOMPARE(cpu->chart()->animationOptions(), QChart::NoAnimation);
        ChartLegendModel *legend = panel.legend(QStringLiteral("cpu"));
        QCOMPARE(legend->index(1).data().toString(), QStringLiteral("n8n-worker-1  42.0 %"));

        // One line per node; worker-1's outage cuts it in two and nothing is drawn inside it.
        QCOMPARE(cpu->segments(0).size(), 1);
        QCOMPARE(cpu->segments(1).size(), 2);
        QCOMPARE(cpu->segments(2).size(), 1);
        for (QLineSeries *segment : cpu->segments(1)) {
            for (const QPointF &p : segment->points())
                QVERIFY(p.x() <= double(m_now - 181'000) || p.x() >= double(m_now - 120'000));
        }
        // The one-second spike survives downsampling.
        double top = 0;
        for (const QPointF &p : cpu->segments(2).constFirst()->points())
            top = std::max(top, p.y());
        QCOMPARE(top, 97.0);
        // Never more points than about two per pixel column per line.
        QVERIFY2(cpu->lastPointCount() <= 3 * (2 * cpu->plotWidth() + 4) + 2,
            qPrintable(QString::number(cpu->lastPointCount())));

        // The dashed alert line at 80 %.
        QCOMPARE(cpu->thresholdLines().size(), 1);
        QLineSeries *threshold = cpu->thresholdLines().constFirst();
        QCOMPARE(threshold->pen().style(), Qt::DashLine);
        QCOMPARE(threshold->points().constFirst().y(), 80.0);
        QCOMPARE(cpu->valueAxis()->max(), 100.0);

        // On the pixels: the dashed line is there with gaps between dashes, worker-1's line is
        // drawn before the outage and absent inside it.
        const QImage image = cpu->grab().toImage();
        const ChartColors colors = ChartColors::light();
        const QPoint left = pixelOf(cpu, QPointF(double(m_now - 290'000), 80), threshold);
        const QPoint right = pixelOf(cpu, QPointF(double(m_now - 10'000), 80), threshold);
        int dashPixels = 0;
        int total = 0;
        for (int x = left.x(); x <= right.x(); ++x, ++total) {
            bool on = false;
            for (int dy = -1; dy <= 1; ++dy)
                on = on || near(image.pixelColor(x, left.y() + dy), colors.threshold);
            dashPixels += on ? 1 : 0;
        }
        QVERIFY2(dashPixels > total / 4 && dashPixels < total * 95 / 100,
            qPrintable(QStringLiteral("%1 of %2 pixels of the 80 % row are threshold-coloured")
                           .arg(dashPixels)
                           .arg(total)));
        QLineSeries *worker1 = cpu->segments(1).constFirst();
        const QPoint before = pixelOf(cpu, QPointF(double(m_now - 250'000), 42), worker1);
        const QPoint during = pixelOf(cpu, QPointF(double(m_now - 150'000), 42), worker1);
        QVERIFY2(colorAround(image, before.x(), before.y(), colors.line(1)),
            "worker-1's line is missing");
        QVERIFY2(!colorAround(image, during.x(), during.y(), colors.line(1)),
            "worker-1 is drawn during its outage");

        // The queue crossed 1,000: its threshold is on the scale and labelled.
        TimeChart *queue = panel.chart(QStringLiteral("queue"));
        QCOMPARE(queue->thresholdLines().constFirst()->points().constFirst().y(), 1000.0);
        QVERIFY(queue->valueAxis()->max() >= 1100.0);

        // Hover: the time and every line's value there; the outage says so.
        cpu->hoverAt(pixelOf(cpu, QPointF(double(m_now - 60'000), 42), worker1));
        const QString text = cpu->hoverText();
        QVERIFY2(text.contains(QStringLiteral("n8n-worker-1: 42.0 %")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("n8n-worker-2: 5.0 %")), qPrintable(text));
        QVERIFY2(text.startsWith(QDateTime::fromMSecsSinceEpoch(m_now - 60'000)
                                     .toString(QStringLiteral("yyyy-MM-dd HH:mm"))),
            qPrintable(text));
        cpu->hoverAt(during);
        QVERIFY2(cpu->hoverText().contains(QStringLiteral("n8n-worker-1: no data (down)")),
            qPrintable(cpu->hoverText()));
        screenshot(cpu, QStringLiteral("chart-cpu-hover.png"));
        cpu->hoverAt(QPoint(1, 1));
        QVERIFY(cpu->hoverText().isEmpty());

        // Switching a line off in the legend removes it from the chart.
        QVERIFY(legend->setData(legend->index(0), Qt::Unchecked, Qt::CheckStateRole));
        QTRY_VERIFY(cpu->segments(0).isEmpty());
    }

    void redrawsAfterTheWallClockWasSetBack()
    {
        // Drawn last while the wall clock stood an hour ahead: once it is set back the panel
        // still redraws on its own (its throttle runs on the monotonic clock), for the window
        // that ends now.
        TimeSeriesStore store(4000);
        ChartsPanel panel;
        prepare(panel, store);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.refreshNow(QDateTime::currentMSecsSinceEpoch() + 3'600'000);
        TimeChart *cpu = panel.chart(QStringLiteral("cpu"));
        QTRY_VERIFY_WITH_TIMEOUT(
            cpu->timeAxis()->max().toMSecsSinceEpoch() <= QDateTime::currentMSecsSinceEpoch(),
            5000);
        QVERIFY(cpu->timeAxis()->max().toMSecsSinceEpoch()
            > QDateTime::currentMSecsSinceEpoch() - 5000);
    }

    void rangesAndFullDay()
    {
        // 24 h at 1 Hz for three nodes: the chart gets a pixel's worth of points, not 86,400.
        TimeSeriesStore store;
        for (qint64 k = 86'399; k >= 0; --k) {
            const qint64 t = m_now - k * 1000;
            store.append(
                QStringLiteral("node/n8n-main/cpu"), t, k == 40'000 ? 99.5 : 10 + double(k % 13));
            store.append(QStringLiteral("node/n8n-worker-1/cpu"), t, 30);
        }
        ChartsPanel panel;
        panel.setStore(&store);
        panel.setCharts(chartsForCluster(cluster()));
        panel.resize(1500, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QSignalSpy span(&panel, &ChartsPanel::spanChanged);
        auto *day = panel.findChild<QToolButton *>(QStringLiteral("range1440min"));
        QVERIFY(day);
        day->click();
        QCOMPARE(span.count(), 1);
        QCOMPARE(panel.span(), qint64(86'400'000));
        panel.refreshNow(m_now);
        TimeChart *cpu = panel.chart(QStringLiteral("cpu"));
        QCOMPARE(cpu->timeAxis()->format(), QStringLiteral("HH:mm"));
        QCOMPARE(cpu->timeAxis()->min().msecsTo(cpu->timeAxis()->max()), qint64(86'400'000));
        QVERIFY2(cpu->lastPointCount() < 3 * (2 * cpu->plotWidth() + 4) + 2,
            qPrintable(QString::number(cpu->lastPointCount())));
        double top = 0;
        for (const QPointF &p : cpu->segments(0).constFirst()->points())
            top = std::max(top, p.y());
        QCOMPARE(top, 99.5); // the one-second spike of the day is still drawn
        screenshot(&panel, QStringLiteral("charts-24h.png"));

        auto *fiveMinutes = panel.findChild<QToolButton *>(QStringLiteral("range5min"));
        fiveMinutes->click();
        QCOMPARE(cpu->timeAxis()->format(), QStringLiteral("HH:mm:ss"));
        QCOMPARE(cpu->timeAxis()->min().msecsTo(cpu->timeAxis()->max()), qint64(300'000));
    }

    void bothThemesLegible()
    {
        for (const ChartColors &colors : { ChartColors::light(), ChartColors::darkTheme() }) {
            for (int i = 0; i < colors.lines.size(); ++i) {
                QVERIFY2(ChartColors::contrast(colors.line(i), colors.plotBackground) >= 3.0,
                    qPrintable(
                        QStringLiteral("%1 line %2: contrast %3")
                            .arg(colors.dark ? u"dark" : u"light")
                            .arg(i)
                            .arg(ChartColors::contrast(colors.line(i), colors.plotBackground))));
            }
            QVERIFY(ChartColors::contrast(colors.text, colors.background) >= 7.0);
            QVERIFY(ChartColors::contrast(colors.threshold, colors.plotBackground) >= 3.0);
        }

        TimeSeriesStore store(4000);
        ChartsPanel panel;
        prepare(panel, store);
        panel.setColors(ChartColors::darkTheme());
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.refreshNow(m_now);
        QCoreApplication::processEvents();
        panel.refreshNow(m_now);
        TimeChart *cpu = panel.chart(QStringLiteral("cpu"));
        const QImage image = cpu->grab().toImage();
        const QPoint corner(3, 3);
        QVERIFY2(image.pixelColor(corner).lightnessF() < 0.2,
            qPrintable(image.pixelColor(corner).name()));
        QLineSeries *main = cpu->segments(0).constFirst();
        const QPoint at
            = pixelOf(cpu, QPointF(double(m_now - 100'000), main->points().constFirst().y()), main);
        bool found = false;
        for (const QPointF &p : main->points()) {
            const QPoint px = pixelOf(cpu, p, main);
            if (std::abs(px.x() - at.x()) < 3)
                found
                    = found || colorAround(image, px.x(), px.y(), ChartColors::darkTheme().line(0));
        }
        QVERIFY2(found, "main's line is not drawn in the dark theme's colour");
        screenshot(&panel, QStringLiteral("charts-dark.png"));
    }

    void liveClusterFillsTheCharts()
    {
        cwtest::NodeFarm farm;
        farm.addNode(QStringLiteral("n8n-main"), cwtest::NodeFarm::Kind::Main,
            cwtest::NodeFarm::CaptureSet::UnderLoad);
        farm.addNode(QStringLiteral("n8n-worker-1"), cwtest::NodeFarm::Kind::Worker,
            cwtest::NodeFarm::CaptureSet::UnderLoad);
        QVERIFY2(farm.start(), qPrintable(farm.errorString()));
        cwtest::RedisServer redis;
        QVERIFY2(redis.start(), qPrintable(redis.errorString()));
        QString error;
        redis.command({ QStringLiteral("RPUSH"), QStringLiteral("bull:jobs:wait"),
                          QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3") },
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString file = cwtest::writeFile(m_dir, QStringLiteral("live.yaml"),
            "name: live-charts\npoll_interval: 250ms\n"
            "nodes:\n"
            "  - { name: n8n-main, role: main, url: "
                + farm.url(QStringLiteral("n8n-main")).toString().toUtf8()
                + " }\n"
                  "  - { name: n8n-worker-1, role: worker, url: "
                + farm.url(QStringLiteral("n8n-worker-1")).toString().toUtf8()
                + " }\n"
                  "redis: { host: 127.0.0.1, port: "
                + QByteArray::number(redis.port()) + " }\n");
        SettingsStore settings(m_dir.filePath(QStringLiteral("settings.ini")));
        Application app(&settings, m_dir.filePath(QStringLiteral("audit.jsonl")));
        app.showWindow();
        QVERIFY(app.openClusterFile(file));
        ChartsPanel *panel = app.window()->chartsPanel();
        ChartLegendModel *queue = panel->legend(QStringLiteral("queue"));
        QVERIFY(queue);
        QTRY_COMPARE_WITH_TIMEOUT(
            queue->index(0).data().toString(), QStringLiteral("waiting  3"), 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(app.history()->series(QStringLiteral("node/n8n-worker-1/response"))
                && app.history()->series(QStringLiteral("node/n8n-worker-1/response"))->size() >= 4,
            10'000);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        panel->refreshNow(now);
        TimeChart *response = panel->chart(QStringLiteral("response"));
        QCOMPARE(response->segments(0).size(), 1);
        QVERIFY(response->segments(0).constFirst()->count() >= 4);

        // A node going down draws a break: its samples become gaps.
        farm.setHealthFailing(QStringLiteral("n8n-worker-1"), true);
        QTRY_VERIFY_WITH_TIMEOUT(
            app.history()->series(QStringLiteral("node/n8n-worker-1/response"))->newest().isGap(),
            10'000);
        farm.setHealthFailing(QStringLiteral("n8n-worker-1"), false);
        QTRY_VERIFY_WITH_TIMEOUT(
            !app.history()->series(QStringLiteral("node/n8n-worker-1/response"))->newest().isGap(),
            10'000);
        QTest::qWait(600);
        panel->refreshNow(QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(response->segments(1).size(), 2);

        // The chosen range is remembered.
        panel->findChild<QToolButton *>(QStringLiteral("range60min"))->click();
        QCOMPARE(settings.chartSpanMs(), qint64(3'600'000));
        screenshot(app.window(), QStringLiteral("app-live-charts.png"));
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
