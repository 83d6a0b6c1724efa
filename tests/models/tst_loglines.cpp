// The log panel's model: bounded tail, ERROR/WARN detection as the seed's grep does it, filter
// and search through the proxy.
#include "models/items/LogLinesModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace cw;

class TestLogLines : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void levels_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<int>("level");
        QTest::newRow("info") << QStringLiteral("Editor is now accessible via:")
                              << int(LogLinesModel::Info);
        QTest::newRow("warn") << QStringLiteral("WARN: MaxListenersExceededWarning")
                              << int(LogLinesModel::Warning);
        QTest::newRow("error") << QStringLiteral("Error: ERROR: Lock mismatch for job 17")
                               << int(LogLinesModel::Error);
        QTest::newRow("json warn") << QStringLiteral("{\"level\":\"warn\",\"message\":\"x\"}")
                                   << int(LogLinesModel::Warning);
        QTest::newRow("lowercase error is not the seed's ERROR")
            << QStringLiteral("no error here") << int(LogLinesModel::Info);
    }
    void levels()
    {
        QFETCH(QString, line);
        QFETCH(int, level);
        QCOMPARE(int(LogLinesModel::levelOf(line)), level);
    }

    void boundedFilteredSearched()
    {
        LogLinesModel lines(4);
        QAbstractItemModelTester tester(
            &lines, QAbstractItemModelTester::FailureReportingMode::QtTest);
        LogFilterModel filter;
        filter.setSourceModel(&lines);
        QAbstractItemModelTester proxyTester(
            &filter, QAbstractItemModelTester::FailureReportingMode::QtTest);

        lines.append(
            { QStringLiteral("n8n worker is now ready"), QStringLiteral("WARN slow query") });
        lines.append({ QStringLiteral("ERROR connect ECONNREFUSED 127.0.0.1:5432") }, true);
        lines.append({ QStringLiteral("job 5 done"), QStringLiteral("ERROR Redis unavailable") });
        QCOMPARE(lines.rowCount(), 4); // the oldest line dropped out
        QCOMPARE(lines.index(0).data().toString(), QStringLiteral("WARN slow query"));
        QCOMPARE(lines.index(1).data(LogLinesModel::StderrRole).toBool(), true);

        filter.setMinimumLevel(LogLinesModel::Warning);
        QCOMPARE(filter.rowCount(), 3);
        filter.setMinimumLevel(LogLinesModel::Error);
        QCOMPARE(filter.rowCount(), 2);
        filter.setSearchText(QStringLiteral("redis"));
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, 0).data().toString(), QStringLiteral("ERROR Redis unavailable"));
        filter.setMinimumLevel(LogLinesModel::Info);
        filter.setSearchText({});
        QCOMPARE(filter.rowCount(), 4);

        // More lines than the bound in one go: only the newest stay.
        lines.append({ QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
            QStringLiteral("d"), QStringLiteral("e") });
        QCOMPARE(lines.rowCount(), 4);
        QCOMPARE(lines.index(0).data().toString(), QStringLiteral("b"));
        lines.clear();
        QCOMPARE(filter.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLogLines)
#include "tst_loglines.moc"
