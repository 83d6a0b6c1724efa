// Parse cost of real n8n /metrics bodies (tests/data/metrics). The dashboard parses one body per
// node per poll; even 1,000 bodies a second should cost no more than about 1% of a core.
// Time is µs per body; at 1,000 bodies a second, µs per body / 10 = % of one core.

#include "TestSupport.h"
#include "services/collectors/PrometheusParser.h"

#include <QDirIterator>
#include <QFileInfo>
#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct Capture {
    std::string name; // e.g. v1.123.81/under_load/main
    QByteArray body;
};

std::vector<Capture> loadCaptures()
{
    std::vector<Capture> captures;
    const QString root = cwtest::testDataPath(QStringLiteral("metrics"));
    QDirIterator it(
        root, { QStringLiteral("*_metrics*.http") }, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray raw = file.readAll();
        if (!raw.startsWith("HTTP/1.1 200"))
            continue; // the webhook processor's 404 pages
        QString name = QDir(root).relativeFilePath(path);
        name.chop(int(qstrlen(".http")));
        name.replace(QStringLiteral("_metrics"), QString());
        captures.push_back({ name.toStdString(), cwtest::httpBody(raw) });
    }
    std::sort(captures.begin(), captures.end(),
        [](const Capture &a, const Capture &b) { return a.name < b.name; });
    return captures;
}

void setCounters(benchmark::State &state, qsizetype bytes)
{
    state.SetBytesProcessed(int64_t(state.iterations()) * bytes);
    state.counters["body_bytes"] = double(bytes);
}

void parseN8n(benchmark::State &state, const QByteArray &body)
{
    for (auto _ : state) {
        auto result = cw::parseN8nMetrics(body);
        benchmark::DoNotOptimize(result);
        if (!result.ok()) {
            state.SkipWithError("capture did not parse");
            break;
        }
    }
    setCounters(state, body.size());
}

void parseStream(benchmark::State &state, const QByteArray &body)
{
    for (auto _ : state) {
        double sum = 0;
        auto result
            = cw::parsePrometheusText(body, [&](const cw::PrometheusSample &s) { sum += s.value; });
        benchmark::DoNotOptimize(sum);
        benchmark::DoNotOptimize(result);
    }
    setCounters(state, body.size());
}

} // namespace

int main(int argc, char **argv)
{
    static const std::vector<Capture> captures = loadCaptures();
    if (captures.empty()) {
        std::fprintf(stderr, "no captures under %s\n", CW_TEST_DATA_DIR);
        return 1;
    }
    for (const Capture &c : captures) {
        benchmark::RegisterBenchmark(("parseN8nMetrics/" + c.name).c_str(), parseN8n, c.body)
            ->Unit(benchmark::kMicrosecond);
    }
    for (const Capture &c : captures) {
        benchmark::RegisterBenchmark(("parsePrometheusText/" + c.name).c_str(), parseStream, c.body)
            ->Unit(benchmark::kMicrosecond);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return EXIT_SUCCESS;
}
