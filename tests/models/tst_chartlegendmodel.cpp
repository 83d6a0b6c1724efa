// The chart legends: which series each line draws, the current values people read, "—" for
// stale or missing data, the on/off switch, and the chart catalogue built from a cluster file.
#include "models/items/ChartLegendModel.h"
#include "models/items/ChartSpec.h"
#include "models/timeseries/MetricsRecorder.h"
#include "models/timeseries/TimeSeriesStore.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace cw;

class TestChartLegendModel : public QObject {
    Q_OBJECT
private:
    static constexpr qint64 Now = 1'790'000'000'000;

    static ClusterConfig cluster(bool docker, bool redis, bool postgres)
    {
        ClusterConfig config;
        config.name = QStringLiteral("prod");
        for (const char *name : { "n8n-main", "n8n-worker-1", "n8n-webhook-1" })
            config.nodes.append({ QLatin1String(name), NodeRole::Main,
                QUrl(QStringLiteral("http://127.0.0.1:5678")), {} });
        config.docker.configured = docker;
        config.redis.configured = redis;
        config.postgres.configured = postgres;
        return config;
    }

    static const ChartSpec *find(const QList<ChartSpec> &charts, const char *key)
    {
        for (const ChartSpec &c : charts) {
            if (c.key == QLatin1String(key))
                return &c;
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void catalogueFollowsTheCluster()
    {
        const QList<ChartSpec> full = chartsForCluster(cluster(true, true, true));
        QStringList keys;
        for (const ChartSpec &c : full)
            keys << c.key;
        QCOMPARE(keys,
            (QStringList { QStringLiteral("cpu"), QStringLiteral("memory"), QStringLiteral("queue"),
                QStringLiteral("throughput"), QStringLiteral("redis"), QStringLiteral("postgres"),
                QStringLiteral("response") }));
        const ChartSpec *cpu = find(full, "cpu");
        QCOMPARE(cpu->series.size(), 3);
        QCOMPARE(cpu->series[2].label, QStringLiteral("n8n-webhook-1"));
        QCOMPARE(cpu->series[2].candidates,
            (QStringList { QStringLiteral("node/n8n-webhook-1/container_cpu"),
                QStringLiteral("node/n8n-webhook-1/cpu") }));
        // The seed's thresholds, as dashed lines.
        QCOMPARE(cpu->thresholds.size(), 1);
        QCOMPARE(cpu->thresholds[0].value, 80.0);
        QCOMPARE(find(full, "memory")->thresholds[0].value, 85.0);
        QCOMPARE(find(full, "memory")->unit, ChartUnit::Percent);
        QCOMPARE(find(full, "queue")->thresholds[0].value, 1000.0);
        QCOMPARE(find(full, "queue")->thresholds[0].label, QStringLiteral("alert 1,000 waiting"));
        QVERIFY(find(full, "redis")->hasRightAxis());

        // Without Docker there are no container limits: memory is resident bytes, no 85 % line,
        // and the chart says why. Without Redis / PostgreSQL their charts are not offered.
        const QList<ChartSpec> bare = chartsForCluster(cluster(false, false, false));
        QVERIFY(!find(bare, "queue"));
        QVERIFY(!find(bare, "redis"));
        QVERIFY(!find(bare, "postgres"));
        QCOMPARE(find(bare, "memory")->unit, ChartUnit::Bytes);
        QVERIFY(find(bare, "memory")->thresholds.isEmpty());
        QVERIFY(find(bare, "memory")->note.contains(QStringLiteral("docker:")));

        // Thresholds follow the alert rules of the cluster file; a disabled rule draws no line.
        ClusterConfig tuned = cluster(true, true, false);
        for (AlertRuleConfig &rule : tuned.alerts.rules) {
            if (rule.id == QLatin1String("cpu_high"))
                rule.threshold = 65;
            if (rule.id == QLatin1String("queue_backlog"))
                rule.enabled = false;
        }
        const QList<ChartSpec> custom = chartsForCluster(tuned);
        QCOMPARE(find(custom, "cpu")->thresholds[0].value, 65.0);
        QVERIFY(find(custom, "queue")->thresholds.isEmpty());
    }

    void valuesAndFallbacks()
    {
        TimeSeriesStore store(1000);
        ChartLegendModel legend;
        QAbstractItemModelTester tester(
            &legend, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const ChartSpec cpu = chartsForCluster(cluster(true, true, true)).constFirst();
        legend.setSpec(cpu);
        QCOMPARE(legend.rowCount(), 3);
        legend.refresh(store, Now, 5000);
        QCOMPARE(
            legend.index(0).data(ChartLegendModel::ValueTextRole).toString(), QStringLiteral("—"));
        QCOMPARE(legend.index(0).data(Qt::ToolTipRole).toString(),
            QStringLiteral("n8n-main: no data yet"));

        // main has /metrics CPU only; the webhook processor only its container's CPU.
        store.append(QStringLiteral("node/n8n-main/cpu"), Now - 1000, 12.5);
        store.append(QStringLiteral("node/n8n-webhook-1/container_cpu"), Now - 1000, 3.25);
        store.append(QStringLiteral("node/n8n-worker-1/cpu"), Now - 1000, 50);
        store.append(QStringLiteral("node/n8n-worker-1/container_cpu"), Now - 1000, 61);
        QSignalSpy changed(&legend, &QAbstractItemModel::dataChanged);
        legend.refresh(store, Now, 5000);
        QCOMPARE(changed.count(), 3);
        QCOMPARE(legend.seriesId(0), QStringLiteral("node/n8n-main/cpu"));
        QCOMPARE(legend.seriesId(1),
            QStringLiteral("node/n8n-worker-1/container_cpu")); // Docker's first
        QCOMPARE(legend.seriesId(2), QStringLiteral("node/n8n-webhook-1/container_cpu"));
        QCOMPARE(legend.index(0).data().toString(), QStringLiteral("n8n-main  12.5 %"));
        QCOMPARE(legend.index(1).data(ChartLegendModel::ValueRole).toDouble(), 61.0);
        QCOMPARE(legend.index(2).data(ChartLegendModel::ValueTextRole).toString(),
            QStringLiteral("3.3 %"));

        // Nothing changed: nothing announced.
        changed.clear();
        legend.refresh(store, Now, 5000);
        QCOMPARE(changed.count(), 0);

        // A down node's gap and a value gone stale both read "—", never a frozen number.
        store.appendGap(QStringLiteral("node/n8n-main/cpu"), Now);
        legend.refresh(store, Now + 2000, 5000);
        QCOMPARE(
            legend.index(0).data(ChartLegendModel::ValueTextRole).toString(), QStringLiteral("—"));
        QVERIFY(!legend.index(0).data(ChartLegendModel::ValueRole).isValid());
        legend.refresh(store, Now + 60'000, 5000);
        QCOMPARE(
            legend.index(1).data(ChartLegendModel::ValueTextRole).toString(), QStringLiteral("—"));
        QCOMPARE(changed.count(), 3); // main at +2 s; worker-1 and the webhook processor at +60 s
        for (const QList<QVariant> &args : std::as_const(changed))
            QCOMPARE(args.at(0).toModelIndex(), args.at(1).toModelIndex());
    }

    void switchingLinesOff()
    {
        ChartLegendModel legend;
        QAbstractItemModelTester tester(
            &legend, QAbstractItemModelTester::FailureReportingMode::QtTest);
        legend.setSpec(chartsForCluster(cluster(true, true, true))[2]); // queue
        QCOMPARE(legend.rowCount(), 4);
        QCOMPARE(legend.name(3), QStringLiteral("failed"));
        QVERIFY(legend.flags(legend.index(3)) & Qt::ItemIsUserCheckable);
        QSignalSpy shown(&legend, &ChartLegendModel::shownChanged);
        QVERIFY(legend.setData(legend.index(3), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(!legend.isShown(3));
        QCOMPARE(shown.count(), 1);
        QCOMPARE(shown.at(0).at(1).toBool(), false);
        QVERIFY(legend.setData(legend.index(3), Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(shown.count(), 1); // no change, no signal
        QVERIFY(!legend.setData(legend.index(3), QStringLiteral("x"), Qt::EditRole));
    }

    void unitsAsPeopleRead()
    {
        QCOMPARE(formatChartValue(ChartUnit::Percent, 85), QStringLiteral("85.0 %"));
        QCOMPARE(formatChartValue(ChartUnit::Bytes, 3.0 * 1024 * 1024), QStringLiteral("3.00 MiB"));
        QCOMPARE(formatChartValue(ChartUnit::Count, 1240), QStringLiteral("1,240"));
        QCOMPARE(formatChartValue(ChartUnit::PerMinute, 4.25), QStringLiteral("4.3/min"));
        QCOMPARE(formatChartValue(ChartUnit::PerMinute, 180.4), QStringLiteral("180/min"));
        QCOMPARE(formatChartValue(ChartUnit::Milliseconds, 85), QStringLiteral("85 ms"));
    }
};

QTEST_GUILESS_MAIN(TestChartLegendModel)
#include "tst_chartlegendmodel.moc"
