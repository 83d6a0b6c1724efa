#include "BenchCluster.h"

#include "TestSupport.h"

namespace cwtest {

bool BenchCluster::start()
{
    for (int i = 0; i < 12; ++i) {
        const auto kind = i == 0 ? NodeFarm::Kind::Main
            : i < 9              ? NodeFarm::Kind::Worker
                                 : NodeFarm::Kind::Webhook;
        farm.addNode(QStringLiteral("n8n-%1").arg(i), kind, NodeFarm::CaptureSet::UnderLoad);
    }
    if (!farm.start()) {
        error = farm.errorString();
        return false;
    }
    if (!redis.start()) {
        error = redis.errorString();
        return false;
    }
    if (!postgres.start()) {
        error = postgres.errorString();
        return false;
    }
    if (auto r = postgres.createRoleAndDatabase(
            QStringLiteral("n8n"), QLatin1String(kPassword), QStringLiteral("n8n"));
        !r.ok()) {
        error = r.error();
        return false;
    }
    if (auto r = postgres.loadN8nSchema(QStringLiteral("n8n"), QStringLiteral("n8n")); !r.ok()) {
        error = r.error();
        return false;
    }
    qputenv(kPasswordVariable, kPassword);
    QByteArray yaml = "name: bench-12\npoll_interval: 1s\nnodes:\n";
    for (int i = 0; i < 12; ++i) {
        const QString name = QStringLiteral("n8n-%1").arg(i);
        const char *role = i == 0 ? "main" : i < 9 ? "worker" : "webhook";
        yaml += "  - { name: " + name.toUtf8() + ", role: " + role
            + ", url: " + farm.url(name).toString().toUtf8() + " }\n";
    }
    yaml += "redis: { host: 127.0.0.1, port: " + QByteArray::number(redis.port()) + " }\n";
    yaml += "postgres: { host: 127.0.0.1, port: " + QByteArray::number(postgres.port())
        + ", database: n8n, user: n8n, password: \"${" + QByteArray(kPasswordVariable)
        + "}\", sslmode: disable }\n";
    file = writeFile(dir, QStringLiteral("bench.yaml"), yaml);
    if (file.isEmpty())
        error = QStringLiteral("could not write the cluster file");
    return !file.isEmpty();
}

} // namespace cwtest
