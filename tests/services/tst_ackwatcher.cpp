// The wall's view of a workstation's acknowledgements: an AlertHistory file written as the
// workstation writes it, read by AckWatcher without writing. An alert counts as acknowledged
// while its newest firing transition carries an acknowledgement and nothing resolved it since;
// a missing file is said, not guessed.
#include "services/history/AckWatcher.h"
#include "services/history/AlertHistory.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cw;
using AckMap = QHash<QString, AlertAck>;

namespace {

constexpr qint64 T0 = 1'764'000'000'000;

AlertTransition transition(const QString &rule, const QString &subject, AlertState state, qint64 t)
{
    AlertTransition a;
    a.timeMs = t;
    a.rule = rule;
    a.subject = subject;
    a.severity = Severity::Critical;
    a.state = state;
    a.summary = subject + QStringLiteral(" down");
    return a;
}

QByteArray digest(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestAckWatcher : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    /// Appends @p t; its row id.
    static qint64 store(AlertHistory &history, const AlertTransition &t)
    {
        QSignalSpy stored(&history, &AlertHistory::stored);
        history.append(t); // committed before it returns
        if (stored.count() != 1)
            return 0;
        return stored.takeFirst().at(0).value<AlertTransition>().id;
    }

private Q_SLOTS:
    void missingFileIsSaid()
    {
        const QString path = m_dir.filePath(QStringLiteral("none/alerts.sqlite"));
        AckWatcher watcher(path);
        QSignalSpy status(&watcher, &AckWatcher::statusChanged);
        watcher.watch({ QStringLiteral("node_down/n8n-main") });
        QCOMPARE(status.count(), 1);
        const QString error = status.at(0).at(0).toString();
        QVERIFY2(
            error.contains(path) && error.contains(QLatin1String("not seen")), qPrintable(error));
        QVERIFY(!QFile::exists(path)); // never created by the reader
    }

    void acknowledgedEpisodeUntilResolved()
    {
        const QString path = m_dir.filePath(QStringLiteral("alerts.sqlite"));
        AlertHistory history(path);
        history.open();
        const QString rule = QStringLiteral("node_down");
        const QString main = QStringLiteral("n8n-main");
        const QString key = rule + QStringLiteral("/") + main;
        QVERIFY(store(history, transition(rule, main, AlertState::Pending, T0)) > 0);
        const qint64 firing = store(history, transition(rule, main, AlertState::Firing, T0 + 1000));
        QVERIFY(firing > 0);

        AckWatcher watcher(path);
        QSignalSpy acks(&watcher, &AckWatcher::acknowledgementsChanged);
        QSignalSpy status(&watcher, &AckWatcher::statusChanged);
        watcher.watch({ key, QStringLiteral("redis_down/redis") });
        QCOMPARE(status.count(), 1);
        QCOMPARE(status.at(0).at(0).toString(), QString()); // readable
        QCOMPARE(acks.count(), 0); // nothing acknowledged yet

        QSignalSpy acked(&history, &AlertHistory::acknowledged);
        history.acknowledge(
            { firing }, QStringLiteral("alice"), QStringLiteral("on it"), T0 + 5000);
        QCOMPARE(acked.count(), 1);
        const QByteArray before = digest(path);
        watcher.readNow();
        QCOMPARE(acks.count(), 1);
        auto seen = acks.takeFirst().at(0).value<AckMap>();
        QCOMPARE(seen.keys(), QList<QString> { key });
        QCOMPARE(seen.value(key).by, QStringLiteral("alice"));
        QCOMPARE(seen.value(key).timeMs, T0 + 5000);
        watcher.readNow();
        QCOMPARE(acks.count(), 0); // said on change only
        QCOMPARE(digest(path), before); // read without writing

        // Resolved, then firing again: the new episode is not acknowledged.
        QVERIFY(store(history, transition(rule, main, AlertState::Resolved, T0 + 60'000)) > 0);
        watcher.readNow();
        QCOMPARE(acks.count(), 1);
        QVERIFY(acks.takeFirst().at(0).value<AckMap>().isEmpty());
        QVERIFY(store(history, transition(rule, main, AlertState::Firing, T0 + 90'000)) > 0);
        watcher.readNow();
        QCOMPARE(acks.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAckWatcher)
#include "tst_ackwatcher.moc"
