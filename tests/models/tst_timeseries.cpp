#include "models/timeseries/Downsampler.h"
#include "models/timeseries/TimeSeries.h"
#include "models/timeseries/TimeSeriesStore.h"

#include <QTest>
#include <algorithm>
#include <cmath>

using namespace cw;

namespace {

constexpr qint64 Epoch = 1'764'000'000'000; // a realistic wall-clock start, in ms
constexpr qint64 Day = 86'400;

enum class Method { MinMax, Lttb };

QList<QPointF> downsample(Method method, const TimeSeries &s, qint64 from, qint64 to, int width)
{
    return method == Method::MinMax ? Downsampler::minMax(s, from, to, width)
                                    : Downsampler::lttb(s, from, to, width);
}

// Upper bound promised by each method for a gap-free window.
qsizetype bound(Method method, int width)
{
    return method == Method::MinMax ? 2 * width + 2 : width + 2;
}

bool hasPoint(const QList<QPointF> &points, double x, double y)
{
    return std::any_of(
        points.cbegin(), points.cend(), [&](const QPointF &p) { return p.x() == x && p.y() == y; });
}

qsizetype breakCount(const QList<QPointF> &points)
{
    return std::count_if(
        points.cbegin(), points.cend(), [](const QPointF &p) { return std::isnan(p.y()); });
}

bool timeOrdered(const QList<QPointF> &points)
{
    return std::is_sorted(points.cbegin(), points.cend(),
        [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); });
}

} // namespace

Q_DECLARE_METATYPE(Method)

class TestTimeSeries : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void wrapAround_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("appended");
        QTest::newRow("capacity 5, 12 samples") << 5 << 12;
        QTest::newRow("exactly full") << 5 << 5;
        QTest::newRow("not yet full") << 5 << 3;
        QTest::newRow("two full turns") << 5 << 10;
        QTest::newRow("capacity 1") << 1 << 4;
    }
    void wrapAround()
    {
        QFETCH(int, capacity);
        QFETCH(int, appended);
        TimeSeries s(capacity);
        // Sample #k (1-based) is at Epoch + k s with value k.
        for (int k = 1; k <= appended; ++k)
            QVERIFY(s.append(Epoch + k * 1000, k));

        const int kept = std::min(capacity, appended);
        const int firstKept = appended - kept + 1;
        QCOMPARE(s.size(), kept);
        QCOMPARE(s.capacity(), capacity);
        QCOMPARE(s.oldest().value, double(firstKept));
        QCOMPARE(s.oldest().tMs, Epoch + firstKept * 1000);
        QCOMPARE(s.newest().value, double(appended));
        for (int i = 0; i < kept; ++i) {
            QCOMPARE(s.timeAt(i), Epoch + (firstKept + i) * 1000);
            QCOMPARE(s.at(i).value, double(firstKept + i));
        }
    }

    void wrapAroundCapacity5Append12()
    {
        TimeSeries s(5);
        for (int k = 1; k <= 12; ++k)
            s.append(Epoch + k, k);
        QCOMPARE(s.oldest().value, 8.0);
        QCOMPARE(s.at(4).value, 12.0);
        QCOMPARE(s.droppedCount(), 0);
    }

    void outOfOrderIsDroppedAndCounted()
    {
        TimeSeries s(10);
        QVERIFY(s.append(Epoch + 2000, 1));
        QVERIFY(!s.append(Epoch + 1000, 2));
        QVERIFY(!s.appendGap(Epoch + 1500));
        QVERIFY(s.append(Epoch + 2000, 3)); // same time is allowed
        QVERIFY(s.append(Epoch + 3000, 4));
        QCOMPARE(s.size(), 3);
        QCOMPARE(s.droppedCount(), 2);
        QCOMPARE(s.at(1).value, 3.0);
        QCOMPARE(s.newest().value, 4.0);
        s.clear();
        QCOMPARE(s.size(), 0);
        QCOMPARE(s.droppedCount(), 0);
        QVERIFY(s.append(Epoch, 5)); // earlier than before clear(): a fresh start
    }

    void gapsAreStored()
    {
        TimeSeries s(4);
        s.append(Epoch, 10);
        s.appendGap(Epoch + 1000);
        s.append(Epoch + 2000, 0); // a real zero is not a gap
        QCOMPARE(s.size(), 3);
        QVERIFY(!s.at(0).isGap());
        QVERIFY(s.at(1).isGap());
        QVERIFY(s.isGapAt(1));
        QVERIFY(std::isnan(s.valueAt(1)));
        QCOMPARE(s.timeAt(1), Epoch + 1000);
        QVERIFY(!s.isGapAt(2));
        QCOMPARE(s.valueAt(2), 0.0);
    }

    void compactStorage()
    {
        QVERIFY(TimeSeries::BytesPerSample <= 12);
        TimeSeries s;
        QCOMPARE(s.capacity(), 86'400);
        QCOMPARE(s.memoryBytes(), 86'400 * TimeSeries::BytesPerSample);
        s.append(Epoch, 0.1);
        QCOMPARE(s.valueAt(0), double(0.1f)); // stored as float
    }

    // 32-bit offsets hold 49.7 days; the base must move without changing any stored time.
    void timesBeyond32BitOffsets()
    {
        TimeSeries s(3);
        const qint64 step = 3'000'000'000; // ~35 days
        s.append(Epoch, 1);
        s.append(Epoch + step, 2);
        QCOMPARE(s.timeAt(1), Epoch + step);
        // More than 2^32 ms after the oldest: the oldest is evicted even though there is room.
        s.append(Epoch + 2 * step, 3);
        QCOMPARE(s.size(), 2);
        QCOMPARE(s.timeAt(0), Epoch + step);
        QCOMPARE(s.timeAt(1), Epoch + 2 * step);
        // Weeks of 1 Hz-like appends through a small ring, rebasing many times.
        TimeSeries ring(5);
        qint64 t = Epoch;
        for (int k = 0; k < 200; ++k) {
            t += 1'000'000'000;
            ring.append(t, k);
        }
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(ring.timeAt(i), t - (4 - i) * 1'000'000'000LL);
            QCOMPARE(ring.valueAt(i), double(195 + i));
        }
    }

    void windowLookup_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<qint64>("first");
        QTest::addColumn<qint64>("end");
        // Ring of 5 after 12 samples at t = 10..120: holds 80, 90, 100, 110, 120 and its
        // physical wrap point lies between 100 and 110.
        QTest::newRow("everything") << qint64(0) << qint64(1000) << qint64(0) << qint64(5);
        QTest::newRow("exact bounds") << qint64(80) << qint64(120) << qint64(0) << qint64(5);
        QTest::newRow("across the wrap") << qint64(95) << qint64(115) << qint64(2) << qint64(4);
        QTest::newRow("one on the wrap") << qint64(110) << qint64(110) << qint64(3) << qint64(4);
        QTest::newRow("between samples") << qint64(101) << qint64(109) << qint64(3) << qint64(3);
        QTest::newRow("before all") << qint64(0) << qint64(79) << qint64(0) << qint64(0);
        QTest::newRow("after all") << qint64(121) << qint64(500) << qint64(5) << qint64(5);
        QTest::newRow("overwritten time") << qint64(10) << qint64(70) << qint64(0) << qint64(0);
        QTest::newRow("reversed") << qint64(120) << qint64(80) << qint64(0) << qint64(0);
        QTest::newRow("tail") << qint64(100) << qint64(200) << qint64(2) << qint64(5);
    }
    void windowLookup()
    {
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        QFETCH(qint64, first);
        QFETCH(qint64, end);
        TimeSeries s(5);
        for (int k = 1; k <= 12; ++k)
            s.append(Epoch + k * 10, k);
        const TimeSeries::Range r = s.indexRange(Epoch + from, Epoch + to);
        if (end == first) {
            QVERIFY(r.isEmpty());
            QCOMPARE(r.count(), 0);
            return;
        }
        QCOMPARE(r.first, first);
        QCOMPARE(r.end, end);
        for (qsizetype i = r.first; i < r.end; ++i)
            QVERIFY(s.timeAt(i) >= Epoch + from && s.timeAt(i) <= Epoch + to);
    }

    void windowWithEqualTimes()
    {
        TimeSeries s(10);
        for (int v : { 1, 2, 3, 4 })
            s.append(Epoch + (v <= 2 ? 0 : 5), v);
        QCOMPARE(s.indexRange(Epoch, Epoch).count(), 2);
        QCOMPARE(s.indexRange(Epoch + 5, Epoch + 5).first, 2);
    }

    void shiftKeepsOrderAndSpacing()
    {
        // A wall clock set back an hour: the history moves with it, in O(1), wrapped or not.
        TimeSeries s(4);
        for (int i = 0; i < 6; ++i)
            QVERIFY(s.append(Epoch + i * 1000, i));
        s.shiftTimes(-3'600'000);
        QCOMPARE(s.size(), 4);
        QCOMPARE(s.oldest().tMs, Epoch + 2000 - 3'600'000);
        QCOMPARE(s.newest().tMs, Epoch + 5000 - 3'600'000);
        QCOMPARE(s.indexRange(Epoch - 3'600'000 + 3000, Epoch - 3'600'000 + 4000).count(), 2);
        QVERIFY(s.append(Epoch + 6000 - 3'600'000, 6));
        QCOMPARE(s.newest().value, 6.0);
        QCOMPARE(s.droppedCount(), 0);

        TimeSeriesStore store(10);
        store.append(QStringLiteral("a"), Epoch, 1);
        store.appendGap(QStringLiteral("b"), Epoch + 500);
        store.shiftTimes(86'400'000);
        QCOMPARE(store.series(QStringLiteral("a"))->newest().tMs, Epoch + 86'400'000);
        QCOMPARE(store.series(QStringLiteral("b"))->newest().tMs, Epoch + 500 + 86'400'000);
    }

    void store()
    {
        TimeSeriesStore store(100);
        QCOMPARE(store.count(), 0);
        QVERIFY(!store.series(QStringLiteral("queue/waiting")));
        QCOMPARE(store.memoryBytes(), 0);

        QVERIFY(store.append(QStringLiteral("queue/waiting"), Epoch, 5));
        QVERIFY(store.append(QStringLiteral("node/n8n-worker-1/cpu"), Epoch, 37.5));
        QVERIFY(store.appendGap(QStringLiteral("node/n8n-worker-1/cpu"), Epoch + 1000));
        QVERIFY(store.append(QStringLiteral("redis/memory"), Epoch, 1.5e6));
        QVERIFY(!store.append(QStringLiteral("queue/waiting"), Epoch - 1, 6));

        QCOMPARE(store.ids(),
            QStringList({ QStringLiteral("node/n8n-worker-1/cpu"), QStringLiteral("queue/waiting"),
                QStringLiteral("redis/memory") }));
        const TimeSeries *cpu = store.series(QStringLiteral("node/n8n-worker-1/cpu"));
        QVERIFY(cpu);
        QCOMPARE(cpu->capacity(), 100);
        QCOMPARE(cpu->size(), 2);
        QVERIFY(cpu->newest().isGap());
        QCOMPARE(store.series(QStringLiteral("queue/waiting"))->droppedCount(), 1);
        QCOMPARE(store.memoryBytes(), 3 * 100 * TimeSeries::BytesPerSample);

        // Appending to one series keeps pointers to the others valid.
        store.append(QStringLiteral("postgres/executions/error"), Epoch, 1);
        QCOMPARE(store.series(QStringLiteral("node/n8n-worker-1/cpu")), cpu);

        QVERIFY(store.remove(QStringLiteral("queue/waiting")));
        QVERIFY(!store.remove(QStringLiteral("queue/waiting")));
        QVERIFY(!store.contains(QStringLiteral("queue/waiting")));
        QCOMPARE(store.count(), 3);
        store.clear();
        QCOMPARE(store.count(), 0);
        QCOMPARE(store.memoryBytes(), 0);
        QVERIFY(store.ids().isEmpty());
    }

    void storeDefaultCapacity()
    {
        TimeSeriesStore store;
        store.append(QStringLiteral("node/main/cpu"), Epoch, 1);
        QCOMPARE(store.series(QStringLiteral("node/main/cpu"))->capacity(), 86'400);
    }

    void spikeSurvives_data()
    {
        QTest::addColumn<Method>("method");
        QTest::addColumn<int>("spikeAt");
        QTest::addColumn<double>("spike");
        for (const auto &[name, method] :
            { std::pair { "min-max", Method::MinMax }, std::pair { "LTTB", Method::Lttb } }) {
            for (int at : { 1, 12'345, 43'200, 86'398 }) {
                QTest::addRow("%s, spike up at %d", name, at) << method << at << 95.0;
                QTest::addRow("%s, spike down at %d", name, at) << method << at << -20.0;
            }
        }
    }
    // 24 h of a flat 1 Hz series with one sample spiking, through a ring that has wrapped.
    void spikeSurvives()
    {
        QFETCH(Method, method);
        QFETCH(int, spikeAt);
        QFETCH(double, spike);
        TimeSeries s;
        const qint64 start = Epoch - 500'000; // the first 500 samples get overwritten
        for (qint64 k = 0; k < Day + 500; ++k)
            s.append(start + k * 1000, k - 500 == spikeAt ? spike : 10.0);
        QCOMPARE(s.size(), Day);
        QCOMPARE(s.oldest().tMs, Epoch);

        const int width = 800;
        const QList<QPointF> points = downsample(method, s, Epoch, Epoch + Day * 1000, width);
        QVERIFY2(points.size() <= bound(method, width), qPrintable(QString::number(points.size())));
        QVERIFY(points.size() >= 2);
        QVERIFY(hasPoint(points, double(Epoch + spikeAt * 1000LL), spike));
        QCOMPARE(points.constFirst(), QPointF(double(Epoch), 10.0));
        QCOMPARE(points.constLast(), QPointF(double(Epoch + (Day - 1) * 1000), 10.0));
        QVERIFY(timeOrdered(points));
        QCOMPARE(breakCount(points), 0);
    }

    void keepsExtremesAndEnds_data()
    {
        QTest::addColumn<Method>("method");
        QTest::addColumn<int>("width");
        for (int width : { 10, 100, 800, 1920 }) {
            QTest::addRow("min-max %d px", width) << Method::MinMax << width;
            QTest::addRow("LTTB %d px", width) << Method::Lttb << width;
        }
    }
    // A noisy series: min-max keeps the global minimum and maximum; both keep first and last.
    void keepsExtremesAndEnds()
    {
        QFETCH(Method, method);
        QFETCH(int, width);
        TimeSeries s(20'000);
        quint32 seed = 12345;
        double lo = 1e9;
        double hi = -1e9;
        for (qint64 k = 0; k < 20'000; ++k) {
            seed = seed * 1'664'525u + 1'013'904'223u;
            const double v = double(float(50.0 + double(seed % 10'000) / 100.0 - 50.0));
            s.append(Epoch + k * 1000, v);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        const QList<QPointF> points = downsample(method, s, Epoch, Epoch + 20'000 * 1000, width);
        QVERIFY(points.size() <= bound(method, width));
        QVERIFY(timeOrdered(points));
        QCOMPARE(points.constFirst().x(), double(Epoch));
        QCOMPARE(points.constFirst().y(), s.valueAt(0));
        QCOMPARE(points.constLast().x(), double(s.newest().tMs));
        QCOMPARE(points.constLast().y(), s.newest().value);
        if (method == Method::MinMax) {
            const auto [minIt, maxIt] = std::minmax_element(points.cbegin(), points.cend(),
                [](const QPointF &a, const QPointF &b) { return a.y() < b.y(); });
            QCOMPARE(minIt->y(), lo);
            QCOMPARE(maxIt->y(), hi);
            QVERIFY(points.size() >= 2 * width - 2); // full columns yield two points each
        }
        for (const QPointF &p : points) { // every output point is a real sample
            const qsizetype i = s.lowerBound(qint64(p.x()));
            QCOMPARE(s.valueAt(i), p.y());
        }
    }

    void gapsPreserved_data()
    {
        QTest::addColumn<Method>("method");
        QTest::addColumn<int>("width");
        for (int width : { 50, 800 }) {
            QTest::addRow("min-max %d px", width) << Method::MinMax << width;
            QTest::addRow("LTTB %d px", width) << Method::Lttb << width;
        }
    }
    // 24 h with the node down for an hour at 06:00 and for 3 s at 18:00: two breaks, no line
    // through either outage, and no point invented inside it.
    void gapsPreserved()
    {
        QFETCH(Method, method);
        QFETCH(int, width);
        TimeSeries s;
        const auto down = [](qint64 k) {
            return (k >= 6 * 3600 && k < 7 * 3600) || (k >= 18 * 3600 && k < 18 * 3600 + 3);
        };
        for (qint64 k = 0; k < Day; ++k) {
            if (down(k))
                s.appendGap(Epoch + k * 1000);
            else
                s.append(Epoch + k * 1000, 40.0 + double(k % 7));
        }
        const QList<QPointF> points = downsample(method, s, Epoch, Epoch + Day * 1000, width);
        QCOMPARE(breakCount(points), 2);
        QVERIFY(points.size() <= bound(method, width) + 2 * 2 + 4);
        QVERIFY(timeOrdered(points));
        for (const QPointF &p : points) {
            const qint64 k = (qint64(p.x()) - Epoch) / 1000;
            QCOMPARE(std::isnan(p.y()), down(k));
        }
        // The two sides of each outage are separated by its break.
        for (qsizetype i = 1; i < points.size(); ++i) {
            const qint64 a = (qint64(points[i - 1].x()) - Epoch) / 1000;
            const qint64 b = (qint64(points[i].x()) - Epoch) / 1000;
            const bool spansOutage
                = (a < 6 * 3600 && b >= 7 * 3600 && a < b) || (a < 18 * 3600 && b >= 18 * 3600 + 3);
            if (!std::isnan(points[i - 1].y()) && !std::isnan(points[i].y()))
                QVERIFY2(
                    !spansOutage, qPrintable(QStringLiteral("line from %1 to %2").arg(a).arg(b)));
        }
    }

    // A node that flaps every other second must not blow up the point count.
    void flappingIsBounded()
    {
        TimeSeries s;
        for (qint64 k = 0; k < Day; ++k) {
            if (k % 2)
                s.appendGap(Epoch + k * 1000);
            else
                s.append(Epoch + k * 1000, double(k % 100));
        }
        for (Method method : { Method::MinMax, Method::Lttb }) {
            const QList<QPointF> points = downsample(method, s, Epoch, Epoch + Day * 1000, 800);
            QVERIFY2(points.size() <= 6 * 800 + 2, qPrintable(QString::number(points.size())));
            QVERIFY(breakCount(points) > 0);
            QVERIFY(timeOrdered(points));
        }
    }

    void tinyInputs_data()
    {
        QTest::addColumn<Method>("method");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("width");
        for (const auto &[name, method] :
            { std::pair { "min-max", Method::MinMax }, std::pair { "LTTB", Method::Lttb } }) {
            QTest::addRow("%s, empty", name) << method << 0 << 800;
            QTest::addRow("%s, one sample", name) << method << 1 << 800;
            QTest::addRow("%s, two samples", name) << method << 2 << 800;
            QTest::addRow("%s, two samples at 1 px", name) << method << 2 << 1;
            QTest::addRow("%s, zero width", name) << method << 2 << 0;
            QTest::addRow("%s, as many samples as pixels", name) << method << 800 << 800;
        }
    }
    // Inputs the reduction does not touch come back sample for sample.
    void tinyInputs()
    {
        QFETCH(Method, method);
        QFETCH(int, count);
        QFETCH(int, width);
        TimeSeries s(1000);
        for (int k = 0; k < count; ++k)
            s.append(Epoch + k * 1000, k * 3.0);
        const QList<QPointF> points = downsample(method, s, Epoch, Epoch + 10'000'000, width);
        QCOMPARE(points.size(), count);
        for (int k = 0; k < count; ++k)
            QCOMPARE(points[k], QPointF(double(Epoch + k * 1000), k * 3.0));
    }

    void tinyWithGaps()
    {
        TimeSeries s(10);
        s.appendGap(Epoch);
        s.appendGap(Epoch + 1000);
        s.append(Epoch + 2000, 1);
        s.appendGap(Epoch + 3000);
        for (Method method : { Method::MinMax, Method::Lttb }) {
            const QList<QPointF> points = downsample(method, s, Epoch, Epoch + 3000, 100);
            QCOMPARE(points.size(), 3); // adjacent gaps collapse into one break
            QVERIFY(std::isnan(points[0].y()));
            QCOMPARE(points[1], QPointF(double(Epoch + 2000), 1.0));
            QVERIFY(std::isnan(points[2].y()));
            QCOMPARE(points[2].x(), double(Epoch + 3000));
        }
    }

    // Below the reduction threshold nothing is touched; just above it min-max keeps the ends.
    void minMaxOneColumn()
    {
        TimeSeries s(10);
        s.append(Epoch, 5);
        s.append(Epoch + 1000, 9);
        s.append(Epoch + 2000, 1);
        const QList<QPointF> points = Downsampler::minMax(s, Epoch, Epoch + 2000, 1);
        QCOMPARE(points,
            QList<QPointF>({ QPointF(double(Epoch), 5), QPointF(double(Epoch + 1000), 9),
                QPointF(double(Epoch + 2000), 1) }));
        s.append(Epoch + 3000, 4); // 4 samples at 1 px: first, max, min, last
        QCOMPARE(Downsampler::minMax(s, Epoch, Epoch + 3000, 1).size(), 4);
        s.append(Epoch + 4000, 4); // 5 samples: the flat tail is dropped but the last stays
        const QList<QPointF> five = Downsampler::minMax(s, Epoch, Epoch + 4000, 1);
        QCOMPARE(five.size(), 4);
        QCOMPARE(five.constLast(), QPointF(double(Epoch + 4000), 4));
    }

    // An overflowed reading must not vanish, even filling a whole column (400..499 of 10 px).
    void infiniteValuesSurvive()
    {
        TimeSeries s(1000);
        for (qint64 k = 0; k < 1000; ++k)
            s.append(Epoch + k * 1000, k >= 400 && k < 500 ? HUGE_VAL : 1.0);
        const QList<QPointF> points = Downsampler::minMax(s, Epoch, Epoch + 1'000'000, 10);
        QVERIFY(std::any_of(
            points.cbegin(), points.cend(), [](const QPointF &p) { return std::isinf(p.y()); }));
    }

    // Only the requested window is reduced, with the window's own first and last samples.
    void subWindow()
    {
        TimeSeries s;
        for (qint64 k = 0; k < Day; ++k)
            s.append(Epoch + k * 1000, k == 50'000 ? 99.0 : 1.0);
        const qint64 from = Epoch + 40'000 * 1000;
        const qint64 to = Epoch + 60'000 * 1000;
        for (Method method : { Method::MinMax, Method::Lttb }) {
            const QList<QPointF> points = downsample(method, s, from, to, 300);
            QCOMPARE(points.constFirst().x(), double(from));
            QCOMPARE(points.constLast().x(), double(to));
            QVERIFY(hasPoint(points, double(Epoch + 50'000 * 1000), 99.0));
            QVERIFY(points.size() <= bound(method, 300));
        }
        QVERIFY(Downsampler::minMax(s, Epoch - 10'000, Epoch - 1, 300).isEmpty());
        QVERIFY(Downsampler::lttb(s, Epoch + Day * 1000, Epoch + Day * 2000, 300).isEmpty());
    }

    // A chart line draws through NaN, so the chart gets runs cut at the breaks; a lone sample
    // between two gaps becomes a short stub so it is still drawn.
    void splitAtBreaks()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const QList<QPointF> points { { 0, 1 }, { 1, 2 }, { 2, nan }, { 3, 5 }, { 4, nan },
            { 5, 7 }, { 6, 8 }, { 7, 9 } };
        const QList<QList<QPointF>> runs = Downsampler::splitAtBreaks(points, 0.25);
        QCOMPARE(runs.size(), 3);
        QCOMPARE(runs[0], (QList<QPointF> { { 0, 1 }, { 1, 2 } }));
        QCOMPARE(runs[1], (QList<QPointF> { { 2.75, 5 }, { 3.25, 5 } }));
        QCOMPARE(runs[2], (QList<QPointF> { { 5, 7 }, { 6, 8 }, { 7, 9 } }));
        QVERIFY(Downsampler::splitAtBreaks({}, 1).isEmpty());
        QVERIFY(Downsampler::splitAtBreaks({ { 0, nan }, { 1, nan } }, 1).isEmpty());

        // End to end: a node down for ten minutes in the middle of an hour is two runs, and no
        // drawn point lies inside the outage.
        TimeSeries s;
        for (qint64 k = 0; k < 3600; ++k) {
            const qint64 t = Epoch + k * 1000;
            k >= 1500 && k < 2100 ? s.appendGap(t) : s.append(t, 10.0 + double(k % 7));
        }
        const QList<QList<QPointF>> hour = Downsampler::splitAtBreaks(
            Downsampler::minMax(s, Epoch, Epoch + 3'600'000, 400), 1000);
        QCOMPARE(hour.size(), 2);
        for (const QList<QPointF> &run : hour) {
            for (const QPointF &p : run)
                QVERIFY2(p.x() < double(Epoch + 1'500'000) || p.x() >= double(Epoch + 2'100'000),
                    qPrintable(QString::number(p.x() - double(Epoch))));
        }
    }
};

QTEST_GUILESS_MAIN(TestTimeSeries)
#include "tst_timeseries.moc"
