#include "models/Formatter.h"

#include <QTest>

using namespace cw;

class TestFormatter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void bytes_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << 0.0 << QStringLiteral("0 B");
        QTest::newRow("bytes") << 512.0 << QStringLiteral("512 B");
        QTest::newRow("KiB") << 1536.0 << QStringLiteral("1.50 KiB");
        QTest::newRow("n8n main RSS") << 630353920.0 << QStringLiteral("601.2 MiB");
        QTest::newRow("GiB") << 2.25 * 1024 * 1024 * 1024 << QStringLiteral("2.25 GiB");
        QTest::newRow("negative") << -1.0 << QStringLiteral("—");
    }
    void bytes()
    {
        QFETCH(double, value);
        QFETCH(QString, text);
        QCOMPARE(fmt::bytes(value), text);
    }

    void duration_data()
    {
        QTest::addColumn<double>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("sub-ms") << 0.25 << QStringLiteral("0.25 ms");
        QTest::newRow("ms") << 850.4 << QStringLiteral("850 ms");
        QTest::newRow("s") << 1250.0 << QStringLiteral("1.25 s");
        QTest::newRow("tens of s") << 12'345.0 << QStringLiteral("12.3 s");
        QTest::newRow("min") << 125'000.0 << QStringLiteral("2 min 5 s");
        QTest::newRow("h") << 3.2 * 3600'000 << QStringLiteral("3 h 12 min");
        QTest::newRow("d") << 98.0 * 3600'000 << QStringLiteral("4 d 2 h");
    }
    void duration()
    {
        QFETCH(double, ms);
        QFETCH(QString, text);
        QCOMPARE(fmt::duration(ms), text);
    }

    void ago()
    {
        const qint64 now = 1'800'000'000'000;
        QCOMPARE(fmt::ago(now, 0), QStringLiteral("never"));
        QCOMPARE(fmt::ago(now, now - 300), QStringLiteral("just now"));
        QCOMPARE(fmt::ago(now, now - 12'000), QStringLiteral("12 s ago"));
        QCOMPARE(fmt::ago(now, now - 600'000), QStringLiteral("10 min ago"));
        QCOMPARE(fmt::ago(now, now - 3 * 3600'000), QStringLiteral("3 h ago"));
        QCOMPARE(fmt::ago(now, now + 5000), QStringLiteral("just now")); // clock skew
    }

    void percentAndCount()
    {
        QCOMPARE(fmt::percent(37.54), QStringLiteral("37.5 %"));
        QCOMPARE(fmt::percent(std::nullopt), QStringLiteral("—"));
        QCOMPARE(fmt::count(1234567), QStringLiteral("1,234,567"));
        QCOMPARE(fmt::count(7), QStringLiteral("7"));
    }
};

QTEST_GUILESS_MAIN(TestFormatter)
#include "tst_formatter.moc"
