#include "services/session/SyntheticHistory.h"

#include "models/timeseries/MetricsRecorder.h"
#include "models/timeseries/TimeSeriesStore.h"
#include "services/base/Logging.h"

#include <QRandomGenerator>
#include <algorithm>
#include <cmath>

namespace cw {

void fillSyntheticSeries(
    TimeSeriesStore *store, const ClusterConfig &config, int hours, qint64 nowMs)
{
    const qint64 now = nowMs;
    const qint64 step = std::max<qint64>(1000, config.pollInterval.count());
    const qint64 from = now - qint64(hours) * 3'600'000;
    QRandomGenerator random(42);
    const auto wave = [](qint64 t, double periodH, double phase) {
        return std::sin(2 * M_PI * (double(t) / (periodH * 3'600'000.0) + phase));
    };
    for (qint64 t = from; t < now; t += step) {
        for (int i = 0; i < config.nodes.size(); ++i) {
            const QString &node = config.nodes[i].name;
            const qint64 outageStart
                = from + (qint64(i) * 7'919'000) % std::max<qint64>(1, now - from);
            const bool down = t >= outageStart && t < outageStart + 180'000;
            const double load
                = 35 + 20 * wave(t, 24, i * 0.1) + 8 * wave(t, 1.5, i * 0.3) + random.bounded(6.0);
            for (const char *metric : { "cpu", "container_cpu" }) {
                const QString id = MetricsRecorder::nodeSeries(node, metric);
                down ? void(store->appendGap(id, t)) : void(store->append(id, t, load));
            }
            const double memoryPercent
                = 40 + 15 * wave(t, 24, 0.2 + i * 0.05) + random.bounded(2.0);
            const QString memPct = MetricsRecorder::nodeSeries(node, "memory_percent");
            const QString mem = MetricsRecorder::nodeSeries(node, "memory");
            const QString response = MetricsRecorder::nodeSeries(node, "response");
            if (down) {
                store->appendGap(memPct, t);
                store->appendGap(mem, t);
                store->appendGap(response, t);
            } else {
                store->append(memPct, t, memoryPercent);
                store->append(mem, t, memoryPercent / 100 * 1024.0 * 1024 * 1024);
                store->append(response, t, 4 + random.bounded(6.0) + (load > 60 ? 20 : 0));
            }
        }
        const double waiting = std::max(0.0, 30 * wave(t, 6, 0) + random.bounded(20.0) - 5);
        store->append(QStringLiteral("queue/waiting"), t, std::round(waiting));
        store->append(QStringLiteral("queue/active"), t, double(random.bounded(4, 11)));
        store->append(QStringLiteral("queue/delayed"), t, double(random.bounded(0, 3)));
        store->append(QStringLiteral("queue/failed"), t, double((t - from) / 3'600'000));
        store->append(QStringLiteral("queue/completed_per_min"), t,
            180 + 60 * wave(t, 24, 0) + random.bounded(20.0));
        store->append(QStringLiteral("redis/memory"), t, 3.0e6 + 1.0e6 * wave(t, 6, 0.5));
        store->append(QStringLiteral("redis/clients"), t, double(random.bounded(20, 26)));
        store->append(QStringLiteral("postgres/connections"), t, double(random.bounded(8, 14)));
        store->append(
            QStringLiteral("postgres/executions/running"), t, double(random.bounded(2, 9)));
        store->append(
            QStringLiteral("postgres/executions/waiting"), t, double(random.bounded(0, 3)));
    }
    qCInfo(lcApp) << "filled" << hours << "h of synthetic chart history:" << store->count()
                  << "series," << store->memoryBytes() / (1024 * 1024) << "MiB";
}

} // namespace cw
