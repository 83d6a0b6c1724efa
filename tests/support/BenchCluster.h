#pragma once

#include "NodeFarm.h"
#include "PostgresServer.h"
#include "RedisServer.h"

#include <QString>
#include <QTemporaryDir>

namespace cwtest {

/// The 12-node cluster the benchmarks measure against, all real and on loopback: nginx serving
/// one main, eight workers and three webhook processors from real n8n captures (under load),
/// redis-server, and PostgreSQL 15 with n8n's schema; plus a cluster file for it (1 s polls).
struct BenchCluster {
    QTemporaryDir dir;
    NodeFarm farm;
    RedisServer redis { RedisServer::Options {
        QString(), true } }; ///< AOF on, as n8n production wants
    PostgresServer postgres;
    QString file; ///< the cluster file
    QString error; ///< why start() failed
    /// The variable the cluster file reads the database password from, and its value.
    static constexpr const char *kPasswordVariable = "CW_BENCH_DB_PASSWORD";
    static constexpr const char *kPassword = "bench-pw";

    /// Starts everything and writes the file; sets the password variable in this process.
    bool start();
};

} // namespace cwtest
