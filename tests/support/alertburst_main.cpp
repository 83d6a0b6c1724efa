// cw_alertburst DB_PATH BASE_MS FIRST_N: appends transitions to an AlertHistory as fast as it
// can, printing "n id" for each one after its commit (flushed), until killed or 1,000,000 done.
// Used by tst_alerthistory to SIGKILL it mid-burst.

#include "services/history/AlertHistory.h"
#include "tests/support/AlertBurst.h"

#include <QCoreApplication>
#include <QList>
#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 4) {
        std::fprintf(stderr, "usage: cw_alertburst DB_PATH BASE_MS FIRST_N\n");
        return 2;
    }
    const qint64 baseMs = args.at(2).toLongLong();
    qint64 n = args.at(3).toLongLong();

    cw::AlertHistory history(args.at(1));
    bool failed = false;
    QObject::connect(&history, &cw::AlertHistory::failed, &history, [&](const QString &error) {
        std::fprintf(stderr, "failed: %s\n", qPrintable(error));
        failed = true;
    });
    QObject::connect(
        &history, &cw::AlertHistory::stored, &history, [](const cw::AlertTransition &t) {
            std::printf(
                "%lld %lld\n", static_cast<long long>(t.timeMs), static_cast<long long>(t.id));
            std::fflush(stdout);
        });
    history.open();
    if (failed)
        return 1;

    const qint64 end = n + 1'000'000;
    for (qint64 step = 0; n < end && !failed; ++step) {
        if (step % cwtest::kBurstBatchEvery == 0) {
            QList<cw::AlertTransition> batch;
            const qint64 first = n;
            for (int k = 0; k < cwtest::kBurstBatchSize; ++k, ++n)
                batch << cwtest::burstTransition(n, baseMs, first);
            history.appendMany(batch);
        } else {
            history.append(cwtest::burstTransition(n++, baseMs));
        }
    }
    return failed ? 1 : 0;
}
