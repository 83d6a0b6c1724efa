// Cost of the persistent alert history (issue 5): committed appends per second (one transaction
// per transition, as alerts arrive, and batched), filling a 1,000,000-row history (the default
// maxHistoryRows) and its file size, opening it (prune + statistics), and the history view's
// queries on it. Real SQLite files in a temporary folder; the 1 M file is built once per run.

#include "services/history/AlertHistory.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <benchmark/benchmark.h>
#include <memory>

namespace {

constexpr qint64 kRows = 1'000'000;
constexpr qint64 kSpanMs = 89LL * 86'400'000; // within the default retention (90 days)
const qint64 kNow = QDateTime::currentMSecsSinceEpoch();

const char *const kRules[]
    = { "cpu_high", "memory_high", "worker_stalled", "worker_readiness", "redis_down",
          "postgres_down", "queue_backlog", "failed_executions", "stuck_running", "restart_loop" };

// A realistic mix: 30 subjects, mostly warnings, half with a detail block.
cw::AlertTransition sample(qint64 k, qint64 timeMs)
{
    quint32 h = quint32(k) * 2'654'435'761u;
    cw::AlertTransition t;
    t.timeMs = timeMs;
    t.rule = QLatin1String(kRules[h % 10]);
    t.subject = QStringLiteral("n8n-worker-%1").arg((h >> 8) % 30);
    const quint32 s = (h >> 16) % 100;
    t.severity = s < 15 ? cw::Severity::Critical
        : s < 40        ? cw::Severity::Info
                        : cw::Severity::Warning;
    t.state = (h >> 4) % 2 ? cw::AlertState::Firing : cw::AlertState::Resolved;
    t.summary = QStringLiteral("CPU %1 % on %2 (> 80 % for 30 s)")
                    .arg(80 + (h >> 20) % 20)
                    .arg(t.subject);
    if (t.state == cw::AlertState::Firing)
        t.detail = t.rule == QLatin1String("redis_down")
            ? QStringLiteral("connect ECONNREFUSED 127.0.0.1:6379\nworkers waiting for jobs: "
                             "4\nqueue bull:jobs unreadable")
            : QStringLiteral(
                "last samples: 91 %, 93 %, 95 %, 92 %\nthreshold 80 % for 30 s\nnode role worker");
    t.notify = cw::NotifyStatus::Sent;
    return t;
}

struct Fixture {
    QTemporaryDir dir;
    QString path;
    double fillSeconds = 0;
    qint64 fileBytes = 0;
};

Fixture &million()
{
    static std::unique_ptr<Fixture> f;
    if (f)
        return *f;
    f = std::make_unique<Fixture>();
    f->path = f->dir.filePath(QStringLiteral("alerts.sqlite"));
    {
        cw::AlertHistory history(f->path);
        history.open();
        QElapsedTimer clock;
        clock.start();
        constexpr int kBatch = 10'000;
        for (qint64 k = 0; k < kRows; k += kBatch) {
            QList<cw::AlertTransition> batch;
            batch.reserve(kBatch);
            for (qint64 j = k; j < k + kBatch; ++j)
                batch << sample(j, kNow - kSpanMs + j * (kSpanMs / kRows));
            history.appendMany(batch);
        }
        f->fillSeconds = double(clock.nsecsElapsed()) / 1e9;
    } // closing checkpoints the WAL into the file
    f->fileBytes = QFileInfo(f->path).size() + QFileInfo(f->path + QStringLiteral("-wal")).size();
    return *f;
}

void BM_AppendCommitted(benchmark::State &state)
{
    QTemporaryDir dir;
    cw::AlertHistory history(dir.filePath(QStringLiteral("alerts.sqlite")));
    history.open();
    qint64 n = 0;
    for (auto _ : state) {
        history.append(sample(n, kNow + n));
        ++n;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["transitions_per_s"]
        = benchmark::Counter(double(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AppendCommitted)->MinTime(1.5)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_AppendBatch100(benchmark::State &state)
{
    QTemporaryDir dir;
    cw::AlertHistory history(dir.filePath(QStringLiteral("alerts.sqlite")));
    history.open();
    qint64 n = 0;
    for (auto _ : state) {
        QList<cw::AlertTransition> batch;
        for (int k = 0; k < 100; ++k, ++n)
            batch << sample(n, kNow + n);
        history.appendMany(batch);
    }
    state.counters["transitions_per_s"]
        = benchmark::Counter(double(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AppendBatch100)->MinTime(1.0)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_Fill1M(benchmark::State &state)
{
    for (auto _ : state) {
        const Fixture &f = million();
        state.SetIterationTime(f.fillSeconds);
        state.counters["rows_per_s"] = double(kRows) / f.fillSeconds;
        state.counters["MiB_per_1M_rows"] = double(f.fileBytes) / double(1 << 20);
        state.counters["bytes_per_row"] = double(f.fileBytes) / double(kRows);
    }
}
BENCHMARK(BM_Fill1M)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

// Opening the 1 M history: schema check, prune (count + deletes) and statistics.
void BM_Open1M(benchmark::State &state)
{
    const QString path = million().path;
    for (auto _ : state) {
        cw::AlertHistory history(path);
        history.open();
    }
}
BENCHMARK(BM_Open1M)->Iterations(2)->Unit(benchmark::kMillisecond);

enum Filter { NoFilter, CriticalOnOneNode, RuleAndSubject, SearchText, LastHour, RareSearchAll };

void BM_Query1M(benchmark::State &state)
{
    cw::AlertHistory history(million().path);
    history.open();
    cw::HistoryQuery q; // limit 5,000 = the model's bound
    switch (Filter(state.range(0))) {
    case NoFilter:
        state.SetLabel("newest 5,000");
        break;
    case CriticalOnOneNode:
        state.SetLabel("critical on one node");
        q.severities = { cw::Severity::Critical };
        q.subject = QStringLiteral("n8n-worker-7");
        break;
    case RuleAndSubject:
        state.SetLabel("rule + subject");
        q.rule = QStringLiteral("redis_down");
        q.subject = QStringLiteral("n8n-worker-7");
        break;
    case SearchText:
        state.SetLabel("search 'econnrefused'");
        q.search = QStringLiteral("econnrefused");
        break;
    case LastHour:
        state.SetLabel("last hour, warning+critical");
        q.fromMs = kNow - 3'600'000;
        q.severities = { cw::Severity::Warning, cw::Severity::Critical };
        break;
    case RareSearchAll:
        state.SetLabel("search with no match (full scan)");
        q.search = QStringLiteral("no such text");
        break;
    }
    qsizetype rows = 0;
    QObject::connect(&history, &cw::AlertHistory::queryFinished, &history,
        [&rows](quint64, const QList<cw::AlertTransition> &r) { rows = r.size(); });
    quint64 id = 0;
    for (auto _ : state)
        history.query(++id, q);
    state.counters["rows"] = double(rows);
}
BENCHMARK(BM_Query1M)
    ->ArgName("filter")
    ->DenseRange(NoFilter, RareSearchAll)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
