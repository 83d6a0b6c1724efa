// `clusterwatch check` as cron, CI or Nagios/Icinga run it: the real binary, in a process of its
// own with no display, no terminal and a bare environment, against real servers started here
// (nginx n8n-shaped nodes, redis-server, PostgreSQL 15 with n8n's schema). It must print a
// readable table or versioned JSON and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
#include "NodeFarm.h"
#include "PostgresServer.h"
#include "RedisServer.h"
#include "TestSupport.h"
#include "models/Snapshots.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kDbPassword = QStringLiteral("check-n8n-secret-31");

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 ms = 0;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

} // namespace

class TestCheck : public QObject {
    Q_OBJECT

    cwtest::NodeFarm m_farm;
    cwtest::RedisServer m_redis { cwtest::RedisServer::Options {
        QString(), true } }; // AOF on, as n8n needs
    cwtest::PostgresServer m_postgres;
    QTemporaryDir m_dir;
    QString m_cluster;

    // Like cron: no DISPLAY, no Wayland, no platform override, no terminal on stdin; only PATH,
    // HOME and the database password the cluster file refers to.
    Run check(const QStringList &args)
    {
        QProcess process;
        QProcessEnvironment env;
        env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin:/bin"));
        env.insert(QStringLiteral("HOME"), m_dir.path());
        env.insert(QStringLiteral("CW_CHECK_DB_PASSWORD"), kDbPassword);
        process.setProcessEnvironment(env);
        process.setStandardInputFile(QProcess::nullDevice());
        QElapsedTimer timer;
        timer.start();
        process.start(
            QStringLiteral(CLUSTERWATCH_BINARY), QStringList { QStringLiteral("check") } + args);
        Run run;
        if (!process.waitForFinished(60'000)) {
            process.kill();
            process.waitForFinished();
            return run;
        }
        run.ms = timer.elapsed();
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }

    static QJsonObject nodeIn(const QJsonObject &report, const QString &name)
    {
        for (const QJsonValue &node : report.value(QStringLiteral("nodes")).toArray()) {
            if (node.toObject().value(QStringLiteral("name")).toString() == name)
                return node.toObject();
        }
        return {};
    }

    static QJsonObject findingIn(
        const QJsonObject &report, const QString &rule, const QString &subject)
    {
        for (const QJsonValue &finding : report.value(QStringLiteral("rules")).toArray()) {
            const QJsonObject o = finding.toObject();
            if (o.value(QStringLiteral("rule")).toString() == rule
                && o.value(QStringLiteral("subject")).toString() == subject)
                return o;
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(cwtest::runningAsRoot(),
            "PostgreSQL is started as the postgres user: run the tests as root");
        m_farm.addNode(QStringLiteral("n8n-main"), cwtest::NodeFarm::Kind::Main);
        m_farm.addNode(QStringLiteral("n8n-worker-1"), cwtest::NodeFarm::Kind::Worker);
        m_farm.addNode(QStringLiteral("n8n-worker-2"), cwtest::NodeFarm::Kind::Worker);
        m_farm.addNode(QStringLiteral("n8n-webhook-1"), cwtest::NodeFarm::Kind::Webhook);
        QVERIFY2(m_farm.start(), qPrintable(m_farm.errorString()));
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
        QVERIFY2(m_postgres.start(), qPrintable(m_postgres.errorString()));
        const auto created = m_postgres.createRoleAndDatabase(
            QStringLiteral("n8n"), kDbPassword, QStringLiteral("n8n"));
        QVERIFY2(created, created ? "" : qPrintable(created.error()));
        const auto schema = m_postgres.loadN8nSchema(QStringLiteral("n8n"), QStringLiteral("n8n"));
        QVERIFY2(schema, schema ? "" : qPrintable(schema.error()));

        QByteArray yaml = "name: check-test\npoll_interval: 1s\ntimeouts: { connect: 1s, request: "
                          "2s }\nnodes:\n";
        for (const char *node : { "n8n-main", "n8n-worker-1", "n8n-worker-2", "n8n-webhook-1" }) {
            const QString name = QLatin1String(node);
            const QByteArray role = name.contains(QLatin1String("worker")) ? "worker"
                : name.contains(QLatin1String("webhook"))                  ? "webhook"
                                                                           : "main";
            yaml += "  - { name: " + name.toUtf8() + ", role: " + role + ", url: \""
                + m_farm.url(name).toString().toUtf8() + "\" }\n";
        }
        yaml += "redis: { host: 127.0.0.1, port: " + QByteArray::number(m_redis.port()) + " }\n";
        yaml += "postgres: { host: 127.0.0.1, port: " + QByteArray::number(m_postgres.port())
            + ", database: n8n, user: n8n, password: \"${CW_CHECK_DB_PASSWORD}\", sslmode: disable "
              "}\n";
        m_cluster = cwtest::writeFile(m_dir, QStringLiteral("cluster.yaml"), yaml);
        QVERIFY(!m_cluster.isEmpty());
    }

    void healthyIsOk()
    {
        const Run run = check({ QStringLiteral("--config"), m_cluster });
        QVERIFY2(run.exitCode == 0, QByteArray(run.out + run.err).constData());
        const QString table = QString::fromUtf8(run.out);
        QVERIFY2(
            table.startsWith(QLatin1String("OK - check-test: 4 nodes healthy")), qPrintable(table));
        for (const char *what : { "n8n-main", "n8n-worker-2", "n8n-webhook-1", "redis", "queue",
                 "postgres", "executions" })
            QVERIFY2(table.contains(QLatin1String(what)), what);
        QVERIFY2(run.err.isEmpty(), run.err.constData()); // nothing for cron to mail
        QVERIFY2(run.ms < 10'000, QByteArray::number(run.ms).constData());
        qInfo("healthy check took %lld ms", run.ms);
    }

    void jsonFollowsTheSchema()
    {
        const Run run = check({ QStringLiteral("--config"), m_cluster, QStringLiteral("--json") });
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = run.json();
        QCOMPARE(report.value(QStringLiteral("schema")).toString(),
            QStringLiteral("clusterwatch-check/1"));
        QCOMPARE(report.value(QStringLiteral("status")).toString(), QStringLiteral("OK"));
        QCOMPARE(report.value(QStringLiteral("exit_code")).toInt(), 0);
        QCOMPARE(report.value(QStringLiteral("nodes")).toArray().size(), 4);
        const QJsonObject main = nodeIn(report, QStringLiteral("n8n-main"));
        QCOMPARE(main.value(QStringLiteral("state")).toString(), QStringLiteral("healthy"));
        QCOMPARE(main.value(QStringLiteral("healthz"))
                     .toObject()
                     .value(QStringLiteral("http_status"))
                     .toInt(),
            200);
        QCOMPARE(main.value(QStringLiteral("version")).toString(), QStringLiteral("v1.123.81"));
        QCOMPARE(nodeIn(report, QStringLiteral("n8n-webhook-1"))
                     .value(QStringLiteral("metrics"))
                     .toString(),
            QStringLiteral("not exposed")); // a webhook processor has no /metrics
        QVERIFY(report.value(QStringLiteral("redis"))
                    .toObject()
                    .value(QStringLiteral("reachable"))
                    .toBool());
        QVERIFY(report.value(QStringLiteral("queue")).isObject());
        QCOMPARE(report.value(QStringLiteral("queue"))
                     .toObject()
                     .value(QStringLiteral("waiting"))
                     .toInt(),
            0);
        QVERIFY(report.value(QStringLiteral("postgres"))
                    .toObject()
                    .value(QStringLiteral("n8n_schema"))
                    .toBool());
        QCOMPARE(report.value(QStringLiteral("executions"))
                     .toObject()
                     .value(QStringLiteral("running"))
                     .toInt(),
            0);
        QVERIFY(report.value(QStringLiteral("runtime")).isNull()); // no Docker in this cluster file
        const QJsonObject redisDown
            = findingIn(report, QStringLiteral("redis_down"), QStringLiteral("redis"));
        QCOMPARE(redisDown.value(QStringLiteral("condition")).toBool(true), false);
        QCOMPARE(
            redisDown.value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
        QVERIFY(report.value(QStringLiteral("unanswered")).toArray().isEmpty());
    }

    void readinessFailureIsWarning()
    {
        m_farm.setReadinessFailing(QStringLiteral("n8n-worker-1"), true);
        const Run run = check({ QStringLiteral("--config"), m_cluster, QStringLiteral("--json") });
        m_farm.setReadinessFailing(QStringLiteral("n8n-worker-1"), false);
        QVERIFY2(run.exitCode == 1, QByteArray(run.out + run.err).constData());
        const QJsonObject report = run.json();
        QCOMPARE(report.value(QStringLiteral("status")).toString(), QStringLiteral("WARNING"));
        const QJsonObject worker = nodeIn(report, QStringLiteral("n8n-worker-1"));
        QCOMPARE(worker.value(QStringLiteral("state")).toString(), QStringLiteral("degraded"));
        QCOMPARE(worker.value(QStringLiteral("readiness"))
                     .toObject()
                     .value(QStringLiteral("http_status"))
                     .toInt(),
            503);
        QCOMPARE(
            findingIn(report, QStringLiteral("readiness_failing"), QStringLiteral("n8n-worker-1"))
                .value(QStringLiteral("condition"))
                .toBool(),
            true);
        QVERIFY2(report.value(QStringLiteral("headline"))
                     .toString()
                     .contains(QLatin1String("n8n-worker-1")),
            qPrintable(report.value(QStringLiteral("headline")).toString()));
    }

    void redisStoppedIsCritical()
    {
        m_redis.stop();
        const Run table = check({ QStringLiteral("--config"), m_cluster });
        const Run json = check({ QStringLiteral("--config"), m_cluster, QStringLiteral("--json") });
        QVERIFY2(m_redis.start(), qPrintable(m_redis.errorString()));
        QVERIFY2(table.exitCode == 2, QByteArray(table.out + table.err).constData());
        QVERIFY2(table.out.startsWith("CRITICAL - check-test: redis unreachable"),
            table.out.constData());
        QCOMPARE(json.exitCode, 2);
        const QJsonObject report = json.json();
        QCOMPARE(report.value(QStringLiteral("redis"))
                     .toObject()
                     .value(QStringLiteral("reachable"))
                     .toBool(true),
            false);
        QVERIFY(report.value(QStringLiteral("redis"))
                    .toObject()
                    .value(QStringLiteral("error"))
                    .toString()
                    .contains(QString::number(m_redis.port())));
        QCOMPARE(findingIn(report, QStringLiteral("redis_down"), QStringLiteral("redis"))
                     .value(QStringLiteral("condition"))
                     .toBool(),
            true);
    }

    void unansweredSourceIsUnknown()
    {
        // A node that accepts connections and never answers, with a check timeout shorter than the
        // request timeout: the check cannot tell, and says so instead of hanging.
        QByteArray yaml = "name: hanging\ntimeouts: { connect: 1s, request: 30s }\nnodes:\n"
                          "  - { name: n8n-main, role: main, url: \""
            + m_farm.url(QStringLiteral("n8n-main")).toString().toUtf8()
            + "\" }\n"
              "redis: { host: 127.0.0.1, port: "
            + QByteArray::number(m_redis.port()) + " }\n";
        m_redis.pause();
        const QString file = cwtest::writeFile(m_dir, QStringLiteral("hanging.yaml"), yaml);
        const Run run = check({ QStringLiteral("--config"), file, QStringLiteral("--timeout"),
            QStringLiteral("1500ms"), QStringLiteral("--json") });
        m_redis.resume();
        QVERIFY2(run.exitCode == 3, QByteArray(run.out + run.err).constData());
        QVERIFY2(run.ms < 6000, QByteArray::number(run.ms).constData());
        QCOMPARE(run.json().value(QStringLiteral("unanswered")).toArray(),
            QJsonArray { QStringLiteral("Redis") });
    }

    void badInputSaysWhat()
    {
        // A bad cluster file keeps the dashboard's exit code 2, with its message on stderr and
        // nothing on stdout: that is how a script tells it from a CRITICAL cluster.
        const QString bad = cwtest::writeFile(m_dir, QStringLiteral("bad.yaml"),
            "name: x\nnodes:\n  - { name: a, role: wroker, url: http://127.0.0.1:1 }\n");
        const Run badFile = check({ QStringLiteral("--config"), bad });
        QCOMPARE(badFile.exitCode, 2);
        QVERIFY(badFile.out.isEmpty());
        QVERIFY2(badFile.err.contains("bad.yaml:3: nodes[0].role"), badFile.err.constData());

        const Run noConfig = check({});
        QCOMPARE(noConfig.exitCode, 3);
        QVERIFY2(noConfig.err.contains("--config FILE is required"), noConfig.err.constData());
        const Run badTimeout = check({ QStringLiteral("--config"), m_cluster,
            QStringLiteral("--timeout"), QStringLiteral("soon") });
        QCOMPARE(badTimeout.exitCode, 3);
        QVERIFY2(
            badTimeout.err.contains("--timeout: expected a duration"), badTimeout.err.constData());
        QVERIFY(badTimeout.err.contains("\"soon\""));
    }
};

QTEST_GUILESS_MAIN(TestCheck)
#include "tst_check.moc"
