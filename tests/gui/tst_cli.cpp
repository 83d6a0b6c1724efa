// The clusterwatch executable as a user starts it: a bad cluster file is refused on stderr with
// exit code 2 before any window opens; a good one opens the dashboard and is remembered.
#include "TestSupport.h"

#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

class TestCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("CW_TEST_DB_PASSWORD"), QStringLiteral("s3cr3t-Pa55word"));
        env.remove(QStringLiteral("CW_TEST_UNSET_VARIABLE"));
        return env;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral(CLUSTERWATCH_BINARY)), CLUSTERWATCH_BINARY);
    }

    void badFileIsRefused_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected"); // in stderr

        QTest::newRow("bad role") << QByteArray(
            "name: demo\nnodes:\n  - name: n8n-main\n    role: wroker\n"
            "    url: http://127.0.0.1:5678\n")
                                  << QStringLiteral("bad.yaml:4: nodes[0].role");
        QTest::newRow("unknown key")
            << QByteArray("name: demo\npoll_intervall: 1s\nnodes:\n  - name: a\n    role: main\n"
                          "    url: http://127.0.0.1:5678\n")
            << QStringLiteral("bad.yaml:2: poll_intervall");
        // yaml-cpp stops at the block entry inside the unclosed flow sequence, on line 3.
        QTest::newRow("yaml syntax") << QByteArray("name: demo\nnodes: [\n  - name: a\n")
                                     << QStringLiteral("bad.yaml:3: YAML syntax error");
        QTest::newRow("unset password variable") << QByteArray(
            "name: demo\nnodes:\n  - name: a\n    role: main\n    url: http://127.0.0.1:5678\n"
            "postgres:\n  host: 127.0.0.1\n  password: ${CW_TEST_UNSET_VARIABLE}\n")
                                                 << QStringLiteral("CW_TEST_UNSET_VARIABLE");
    }

    void badFileIsRefused()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        const QString path = cwtest::writeFile(m_dir, QStringLiteral("bad.yaml"), yaml);
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(CLUSTERWATCH_BINARY), { QStringLiteral("--config"), path });
        QVERIFY(process.waitForFinished(10'000));
        const QString err = QString::fromLocal8Bit(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 2);
        QVERIFY2(err.contains(QStringLiteral("bad.yaml")), qPrintable(err));
        QVERIFY2(err.contains(expected), qPrintable(err));
    }

    void badWallOptionsAreRefused_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected"); // in stderr
        QTest::newRow("rotate without --wall")
            << QStringList { QStringLiteral("--rotate"), QStringLiteral("30s") }
            << QStringLiteral("--rotate applies to the wall screen: add --wall");
        QTest::newRow("rotate too fast") << QStringList {
            QStringLiteral("--wall"), QStringLiteral("--rotate"), QStringLiteral("2s")
        } << QStringLiteral("--rotate: expected a duration from 5s to 1h");
        QTest::newRow("unknown page") << QStringList { QStringLiteral("--wall"),
            QStringLiteral("--pages"), QStringLiteral("overview,graphs") }
                                      << QStringLiteral("--pages: \"graphs\" is not a page");
        QTest::newRow("wall without a cluster") << QStringList { QStringLiteral("--wall") }
                                                << QStringLiteral("--wall needs --config FILE");
    }

    void badWallOptionsAreRefused()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        QProcessEnvironment env = environment();
        // A fresh profile: no cluster file opened before.
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("fresh")));
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(CLUSTERWATCH_BINARY), arguments);
        QVERIFY(process.waitForFinished(10'000));
        const QString err = QString::fromLocal8Bit(process.readAllStandardError());
        QCOMPARE(process.exitCode(), 64);
        QVERIFY2(err.contains(expected), qPrintable(err));
    }

    void missingFileIsRefused()
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(CLUSTERWATCH_BINARY),
            { QStringLiteral("--config"), m_dir.filePath(QStringLiteral("does-not-exist.yaml")) });
        QVERIFY(process.waitForFinished(10'000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(QString::fromLocal8Bit(process.readAllStandardError())
                    .contains(QStringLiteral("does-not-exist.yaml")));
    }

    void goodFileOpensTheDashboardAndIsRemembered()
    {
        const QString path = cwtest::writeFile(m_dir, QStringLiteral("good.yaml"),
            "name: demo\npoll_interval: 1s\nnodes:\n  - name: n8n-main\n    role: main\n"
            "    url: http://127.0.0.1:"
                + QByteArray::number(cwtest::freeLoopbackPort())
                + "\n"
                  "postgres:\n  host: 127.0.0.1\n  port: "
                + QByteArray::number(cwtest::freeLoopbackPort())
                + "\n  password: ${CW_TEST_DB_PASSWORD}\n");
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(CLUSTERWATCH_BINARY), { QStringLiteral("--config"), path });
        QVERIFY(process.waitForStarted());
        // The window stays open, polling a cluster that refuses: no exit, no crash.
        QVERIFY(!process.waitForFinished(2500));
        process.terminate();
        QVERIFY(process.waitForFinished(10'000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        const QString output = QString::fromLocal8Bit(
            process.readAllStandardError() + process.readAllStandardOutput());
        QVERIFY2(!output.contains(QStringLiteral("s3cr3t-Pa55word")), "a password was printed");

        QSettings saved(m_dir.filePath(QStringLiteral("config/Clusterwatch/clusterwatch.conf")),
            QSettings::IniFormat);
        QCOMPARE(saved.value(QStringLiteral("cluster/lastFile")).toString(), path);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
