// DockerClient against a real, private dockerd started by the test (scripts/dockerd-private.sh
// through cwtest::DockerEngine): container list, restart counts, restart / stop / start with the
// engine's 304 and 404, stats streams, the event stream across a daemon restart, log tails and
// follow, and an engine that is not there at all.

#include "DockerEngine.h"
#include "TestSupport.h"
#include "models/RuntimeTypes.h"
#include "services/base/WorkerThread.h"
#include "services/runtime/docker/DockerClient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLocale>
#include <QMutex>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <chrono>
#include <functional>
#include <memory>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {

constexpr cw::Millis kInterval { 200 };
const cw::Timeouts kTimeouts { cw::Millis(1000), cw::Millis(3000) };

qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// One client on its own thread, as the application runs it, with a spy on every signal.
class Harness {
public:
    explicit Harness(const QString &host)
        : Harness([&] {
            cw::DockerEndpoint endpoint;
            endpoint.host = host;
            endpoint.configured = true;
            return endpoint;
        }())
    {
    }

    explicit Harness(const cw::DockerEndpoint &endpoint)
        : m_thread(QStringLiteral("docker-client"))
    {
        m_client = m_thread.adopt(new cw::DockerClient(endpoint, kTimeouts, kInterval));
        snapshots = std::make_unique<QSignalSpy>(m_client, &cw::DockerClient::snapshotReady);
        stats = std::make_unique<QSignalSpy>(m_client, &cw::DockerClient::statsReady);
        events = std::make_unique<QSignalSpy>(m_client, &cw::DockerClient::eventReceived);
        actions = std::make_unique<QSignalSpy>(m_client, &cw::DockerClient::actionFinished);
        logs = std::make_unique<QSignalSpy>(m_client, &cw::DockerClient::logsReady);
        lines = std::make_unique<QSignalSpy>(m_client, &cw::DockerClient::logLine);
        m_thread.start(m_client, &cw::DockerClient::start);
    }

    cw::DockerClient *client() const { return m_client; }
    QThread *thread() const { return m_thread.thread(); }

    cw::RuntimeSnapshot snapshot(qsizetype i) const
    {
        return snapshots->at(i).at(0).value<cw::RuntimeSnapshot>();
    }
    cw::RuntimeSnapshot lastSnapshot() const
    {
        return snapshots->isEmpty() ? cw::RuntimeSnapshot {} : snapshot(snapshots->count() - 1);
    }
    cw::RuntimeEvent event(qsizetype i) const
    {
        return events->at(i).at(0).value<cw::RuntimeEvent>();
    }
    cw::ActionResult action(qsizetype i) const
    {
        return actions->at(i).at(0).value<cw::ActionResult>();
    }
    cw::ContainerStats statsAt(qsizetype i) const
    {
        return stats->at(i).at(0).value<cw::ContainerStats>();
    }

    /// Index of the first snapshot from @p from on that satisfies @p predicate, or -1.
    qsizetype findSnapshot(
        const std::function<bool(const cw::RuntimeSnapshot &)> &predicate, qsizetype from = 0) const
    {
        for (qsizetype i = from; i < snapshots->count(); ++i) {
            if (predicate(snapshot(i)))
                return i;
        }
        return -1;
    }
    qsizetype findEvent(const QString &name, const QString &action, qsizetype from = 0) const
    {
        for (qsizetype i = from; i < events->count(); ++i) {
            const cw::RuntimeEvent e = event(i);
            if (e.name == name && e.action == action)
                return i;
        }
        return -1;
    }
    std::optional<cw::ActionResult> findAction(quint64 requestId) const
    {
        for (qsizetype i = 0; i < actions->count(); ++i) {
            if (action(i).requestId == requestId)
                return action(i);
        }
        return std::nullopt;
    }

    void perform(quint64 id, const QString &container, cw::ContainerAction what, int grace = 2)
    {
        QMetaObject::invokeMethod(
            m_client,
            [c = m_client, id, container, what, grace] { c->perform(id, container, what, grace); },
            Qt::QueuedConnection);
    }
    void fetchLogs(quint64 id, const QString &container, int tail)
    {
        QMetaObject::invokeMethod(
            m_client, [c = m_client, id, container, tail] { c->fetchLogs(id, container, tail); },
            Qt::QueuedConnection);
    }
    void follow(const QString &container, bool on)
    {
        QMetaObject::invokeMethod(
            m_client,
            [c = m_client, container, on] {
                if (on)
                    c->followLogs(container);
                else
                    c->unfollowLogs(container);
            },
            Qt::QueuedConnection);
    }

    std::unique_ptr<QSignalSpy> snapshots, stats, events, actions, logs, lines;

private:
    cw::WorkerThread m_thread;
    cw::DockerClient *m_client = nullptr;
};

const cw::ContainerInfo *findContainer(const cw::RuntimeSnapshot &snapshot, const QString &name)
{
    for (const cw::ContainerInfo &c : snapshot.containers) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

bool hasState(const cw::RuntimeSnapshot &snapshot, const QString &name, const QString &state)
{
    const cw::ContainerInfo *c = findContainer(snapshot, name);
    return snapshot.reachable && c && c->state == state;
}

QString describe(const cw::RuntimeSnapshot &s)
{
    QStringList parts;
    for (const cw::ContainerInfo &c : s.containers)
        parts << QStringLiteral("%1=%2(r%3)").arg(c.name, c.state).arg(c.restartCount);
    return QStringLiteral("reachable=%1 api=%2 error='%3' %4")
        .arg(s.reachable)
        .arg(s.apiVersion, s.error, parts.join(QLatin1Char(' ')));
}

} // namespace

class TestDockerClient : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void apiVersionNegotiated();
    void listShowsContainers();
    void inspectOnlyOnChange();
    void restartCountAfterCrash();
    void restartStopStartRoundTrip();
    void alreadyInStateAndNoSuchContainer();
    void statsArrive();
    void logsTailDemultiplexed();
    void followDeliversNewLines();
    void missingSocket();
    void kubernetesActionsAreNotSupported();
    void refusedSocket();
    void tlsEndpoint();
    void eventsReconnectAfterDaemonRestart();

private:
    cwtest::DockerEngine m_engine;
};

void TestDockerClient::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    QElapsedTimer timer;
    timer.start();
    m_engine.setTlsPort(cwtest::freeLoopbackPort());
    QVERIFY2(m_engine.start(),
        qPrintable(QStringLiteral("dockerd did not start: ") + m_engine.errorString()));
    const qint64 engineMs = timer.restart();
    QVERIFY2(m_engine.buildImage(), qPrintable(m_engine.errorString()));
    QVERIFY2(m_engine.runContainer(QStringLiteral("cw-main"), { QStringLiteral("sleep-loop") },
                 { QStringLiteral("--restart"), QStringLiteral("unless-stopped"),
                     QStringLiteral("--label"), QStringLiteral("cw.role=main"),
                     QStringLiteral("-e"), QStringLiteral("N8N_ENCRYPTION_KEY=key-of-main"),
                     QStringLiteral("-e"), QStringLiteral("EXECUTIONS_MODE=queue") }),
        qPrintable(m_engine.errorString()));
    QVERIFY2(m_engine.runContainer(QStringLiteral("cw-worker-1"), { QStringLiteral("sleep-loop") },
                 { QStringLiteral("--restart"), QStringLiteral("unless-stopped"),
                     QStringLiteral("-e"), QStringLiteral("N8N_ENCRYPTION_KEY=another-key"),
                     QStringLiteral("-e"), QStringLiteral("EXECUTIONS_MODE=queue") }),
        qPrintable(m_engine.errorString()));
    // Prints known lines to stdout and stderr, paced so the engine keeps their order.
    QVERIFY2(m_engine.runContainer(QStringLiteral("cw-logs"),
                 { QStringLiteral("sh"), QStringLiteral("-c"),
                     QStringLiteral(
                         "echo out-1; sleep 0.05; echo err-1 >&2; sleep 0.05; echo 'out 2 ✓'; "
                         "sleep 0.05; echo err-2 >&2") },
                 {}),
        qPrintable(m_engine.errorString()));
    QVERIFY2(m_engine.runContainer(QStringLiteral("cw-tty"),
                 { QStringLiteral("sh"), QStringLiteral("-c"),
                     QStringLiteral("echo tty-out; echo tty-err >&2") },
                 { QStringLiteral("-t") }),
        qPrintable(m_engine.errorString()));
    qInfo("dockerd up in %lld ms, image and 4 containers in %lld ms (%s)", engineMs,
        timer.elapsed(), qPrintable(m_engine.host()));
}

void TestDockerClient::init()
{
    // Whatever a failed test left stopped runs again (starting a running container is a no-op).
    QVERIFY2(m_engine.docker({ QStringLiteral("start"), QStringLiteral("cw-main"),
                 QStringLiteral("cw-worker-1") }),
        qPrintable(m_engine.errorString()));
}

void TestDockerClient::apiVersionNegotiated()
{
    Harness h(m_engine.host());
    QTRY_VERIFY_WITH_TIMEOUT(h.snapshots->count() >= 1, 5000);
    const cw::RuntimeSnapshot s = h.snapshot(0);
    QVERIFY2(s.reachable, qPrintable(describe(s)));
    // dockerd 20.10 speaks 1.41 at most; a newer path would get HTTP 400.
    QCOMPARE(s.apiVersion, QStringLiteral("1.41"));
    QVERIFY2(s.engineVersion.startsWith(QStringLiteral("20.10")), qPrintable(s.engineVersion));
    QCOMPARE(s.endpoint, m_engine.host());
    QVERIFY(s.error.isEmpty());
    QVERIFY(std::abs(s.timestampMs - QDateTime::currentMSecsSinceEpoch()) < 10000);
}

void TestDockerClient::listShowsContainers()
{
    Harness h(m_engine.host());
    QTRY_VERIFY_WITH_TIMEOUT(h.snapshots->count() >= 1, 5000);
    const cw::RuntimeSnapshot s = h.snapshot(0);
    QVERIFY2(
        hasState(s, QStringLiteral("cw-main"), QStringLiteral("running")), qPrintable(describe(s)));
    QVERIFY2(hasState(s, QStringLiteral("cw-worker-1"), QStringLiteral("running")),
        qPrintable(describe(s)));
    QVERIFY2(findContainer(s, QStringLiteral("cw-logs")), qPrintable(describe(s)));
    const cw::ContainerInfo *main = findContainer(s, QStringLiteral("cw-main"));
    QCOMPARE(main->image, QLatin1String(cwtest::DockerEngine::kImage));
    QVERIFY2(main->status.startsWith(QStringLiteral("Up")), qPrintable(main->status));
    QCOMPARE(main->labels.value(QStringLiteral("cw.role")), QStringLiteral("main"));
    QCOMPARE(main->id.size(), 64);
    QVERIFY(!main->tty);
    QVERIFY(!main->exitCode);
    QVERIFY(findContainer(s, QStringLiteral("cw-tty"))->tty);
    // The settings that must match across nodes arrive as hashes, never as values: equal
    // settings hash equal, different keys differ, and the key itself is nowhere in the snapshot.
    const cw::ContainerInfo *worker = findContainer(s, QStringLiteral("cw-worker-1"));
    const QString key = QStringLiteral("N8N_ENCRYPTION_KEY");
    QVERIFY2(main->settingHashes.contains(key) && worker->settingHashes.contains(key),
        qPrintable(describe(s)));
    QVERIFY(main->settingHashes.value(key) != worker->settingHashes.value(key));
    QCOMPARE(main->settingHashes.value(QStringLiteral("EXECUTIONS_MODE")),
        worker->settingHashes.value(QStringLiteral("EXECUTIONS_MODE")));
    for (const QByteArray &hash : main->settingHashes)
        QVERIFY(!hash.contains("key-of-main"));
    // Polls keep coming at the interval.
    QTRY_VERIFY_WITH_TIMEOUT(h.snapshots->count() >= 4, 3000);
}

void TestDockerClient::inspectOnlyOnChange()
{
    Harness h(m_engine.host());
    QTRY_VERIFY_WITH_TIMEOUT(h.snapshots->count() >= 1 && h.lastSnapshot().reachable, 5000);
    const quint64 afterFirst = h.client()->inspectRequests();
    QCOMPARE(afterFirst, quint64(h.lastSnapshot().containers.size()));
    const qsizetype seen = h.snapshots->count();
    QTRY_VERIFY_WITH_TIMEOUT(h.snapshots->count() >= seen + 5, 5000);
    // Nothing changed: five more polls, no inspect.
    QCOMPARE(h.client()->inspectRequests(), afterFirst);
}

void TestDockerClient::restartCountAfterCrash()
{
    Harness h(m_engine.host());
    QTRY_VERIFY_WITH_TIMEOUT(
        hasState(h.lastSnapshot(), QStringLiteral("cw-worker-1"), QStringLiteral("running")), 5000);
    const int before = findContainer(h.lastSnapshot(), QStringLiteral("cw-worker-1"))->restartCount;
    const qsizetype from = h.snapshots->count();
    // PID 1 ends; the restart policy brings the container back and counts it. The exec'd kill
    // may itself be killed with its container (exit 137) before it reports: that is success too.
    if (!m_engine.docker({ QStringLiteral("exec"), QStringLiteral("cw-worker-1"),
            QStringLiteral("kill"), QStringLiteral("1") }))
        QVERIFY2(m_engine.errorString().contains(QStringLiteral("exit 137")),
            qPrintable(m_engine.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(
        h.findSnapshot(
            [&](const cw::RuntimeSnapshot &s) {
                const cw::ContainerInfo *c = findContainer(s, QStringLiteral("cw-worker-1"));
                return c && c->state == QLatin1String("running") && c->restartCount == before + 1;
            },
            from)
            >= 0,
        8000);
    QVERIFY(h.findEvent(QStringLiteral("cw-worker-1"), QStringLiteral("die")) >= 0);
}

void TestDockerClient::restartStopStartRoundTrip()
{
    Harness h(m_engine.host());
    QTRY_VERIFY_WITH_TIMEOUT(
        hasState(h.lastSnapshot(), QStringLiteral("cw-main"), QStringLiteral("running")), 5000);

    // The die event's way to this thread: from the daemon's clock (the same host's), and from
    // the moment the client thread emitted it.
    QMutex mutex;
    QHash<QString, qint64> emittedNs;
    QObject::connect(
        h.client(), &cw::DockerClient::eventReceived, h.client(),
        [&](const cw::RuntimeEvent &e) {
            const QMutexLocker lock(&mutex);
            emittedNs.insert(e.name + QLatin1Char('/') + e.action, steadyNs());
        },
        Qt::DirectConnection);
    // The test thread idles in an event loop meanwhile, as the GUI thread does.
    QEventLoop idle;
    QObject receiver;
    bool dieReceived = false;
    qint64 dieDaemonToTestUs = -1;
    qint64 dieEmitToTestUs = -1;
    QObject::connect(
        h.client(), &cw::DockerClient::eventReceived, &receiver,
        [&](const cw::RuntimeEvent &e) {
            if (e.name != QLatin1String("cw-main") || e.action != QLatin1String("die")
                || dieReceived)
                return;
            const qint64 now = steadyNs();
            dieReceived = true;
            dieDaemonToTestUs = (std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                        .count()
                                    - e.timeNano)
                / 1000;
            const QMutexLocker lock(&mutex);
            dieEmitToTestUs = (now - emittedNs.value(QStringLiteral("cw-main/die"))) / 1000;
            idle.quit();
        },
        Qt::QueuedConnection);

    // stop
    const qsizetype from = h.snapshots->count();
    QElapsedTimer timer;
    timer.start();
    h.perform(1, QStringLiteral("cw-main"), cw::ContainerAction::Stop);
    QTimer::singleShot(5000, &idle, &QEventLoop::quit);
    idle.exec();
    QVERIFY2(dieReceived, "no die event within 5 s");
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(1).has_value(), 10000);
    const qint64 stopMs = timer.elapsed();
    cw::ActionResult stop = *h.findAction(1);
    QCOMPARE(cw::toString(stop.outcome), cw::toString(cw::ActionOutcome::Done));
    QCOMPARE(stop.container, QStringLiteral("cw-main"));
    QCOMPARE(cw::toString(stop.action), cw::toString(cw::ContainerAction::Stop));
    QCOMPARE(stop.endpoint, m_engine.host());
    QCOMPARE(stop.message, QStringLiteral("cw-main stopped"));
    QVERIFY(stop.finishedMs >= stop.startedMs);
    QTRY_VERIFY_WITH_TIMEOUT(
        h.findEvent(QStringLiteral("cw-main"), QStringLiteral("die")) >= 0, 5000);
    const cw::RuntimeEvent die
        = h.event(h.findEvent(QStringLiteral("cw-main"), QStringLiteral("die")));
    QCOMPARE(die.type, QStringLiteral("container"));
    QCOMPARE(
        die.attributes.value(QStringLiteral("exitCode")), QStringLiteral("0")); // SIGTERM handled
    QTRY_VERIFY_WITH_TIMEOUT(h.findSnapshot(
                                 [](const cw::RuntimeSnapshot &s) {
                                     return hasState(
                                         s, QStringLiteral("cw-main"), QStringLiteral("exited"));
                                 },
                                 from)
            >= 0,
        5000);
    const cw::RuntimeSnapshot stopped = h.snapshot(h.findSnapshot(
        [](const cw::RuntimeSnapshot &s) {
            return hasState(s, QStringLiteral("cw-main"), QStringLiteral("exited"));
        },
        from));
    QCOMPARE(findContainer(stopped, QStringLiteral("cw-main"))->exitCode, std::optional<int>(0));
    qInfo("stop took %lld ms; die event: daemon clock -> test thread %lld us, of which client "
          "thread emit -> test thread %lld us",
        stopMs, dieDaemonToTestUs, dieEmitToTestUs);
    QVERIFY2(dieDaemonToTestUs < 1'000'000, qPrintable(QString::number(dieDaemonToTestUs)));

    // start
    timer.restart();
    h.perform(2, QStringLiteral("cw-main"), cw::ContainerAction::Start);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(2).has_value(), 10000);
    const qint64 startMs = timer.elapsed();
    QCOMPARE(cw::toString(h.findAction(2)->outcome), cw::toString(cw::ActionOutcome::Done));
    QCOMPARE(h.findAction(2)->message, QStringLiteral("cw-main started"));
    const qsizetype afterStart = h.snapshots->count();
    QTRY_VERIFY_WITH_TIMEOUT(h.findSnapshot(
                                 [](const cw::RuntimeSnapshot &s) {
                                     return hasState(
                                         s, QStringLiteral("cw-main"), QStringLiteral("running"));
                                 },
                                 afterStart)
            >= 0,
        5000);

    // restart
    const qsizetype eventsBefore = h.events->count();
    timer.restart();
    h.perform(3, QStringLiteral("cw-main"), cw::ContainerAction::Restart, 2);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(3).has_value(), 10000);
    const qint64 restartMs = timer.elapsed();
    QCOMPARE(cw::toString(h.findAction(3)->outcome), cw::toString(cw::ActionOutcome::Done));
    QTRY_VERIFY_WITH_TIMEOUT(
        h.findEvent(QStringLiteral("cw-main"), QStringLiteral("restart"), eventsBefore) >= 0, 5000);
    QVERIFY(h.findEvent(QStringLiteral("cw-main"), QStringLiteral("die"), eventsBefore) >= 0);
    const qsizetype afterRestart = h.snapshots->count();
    QTRY_VERIFY_WITH_TIMEOUT(h.findSnapshot(
                                 [](const cw::RuntimeSnapshot &s) {
                                     return hasState(
                                         s, QStringLiteral("cw-main"), QStringLiteral("running"));
                                 },
                                 afterRestart)
            >= 0,
        5000);
    qInfo("start took %lld ms, restart %lld ms (round trips through the client thread)", startMs,
        restartMs);
}

void TestDockerClient::alreadyInStateAndNoSuchContainer()
{
    Harness h(m_engine.host());
    QTRY_VERIFY_WITH_TIMEOUT(
        hasState(h.lastSnapshot(), QStringLiteral("cw-worker-1"), QStringLiteral("running")), 8000);

    h.perform(10, QStringLiteral("cw-worker-1"), cw::ContainerAction::Start);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(10).has_value(), 5000);
    QCOMPARE(
        cw::toString(h.findAction(10)->outcome), cw::toString(cw::ActionOutcome::AlreadyInState));
    QCOMPARE(h.findAction(10)->message, QStringLiteral("cw-worker-1 is already running"));

    h.perform(11, QStringLiteral("cw-worker-1"), cw::ContainerAction::Stop, 1);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(11).has_value(), 8000);
    QCOMPARE(cw::toString(h.findAction(11)->outcome), cw::toString(cw::ActionOutcome::Done));
    h.perform(12, QStringLiteral("cw-worker-1"), cw::ContainerAction::Stop, 1);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(12).has_value(), 5000);
    QCOMPARE(
        cw::toString(h.findAction(12)->outcome), cw::toString(cw::ActionOutcome::AlreadyInState));
    QCOMPARE(h.findAction(12)->message, QStringLiteral("cw-worker-1 is already stopped"));
    h.perform(13, QStringLiteral("cw-worker-1"), cw::ContainerAction::Start);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(13).has_value(), 5000);
    QCOMPARE(cw::toString(h.findAction(13)->outcome), cw::toString(cw::ActionOutcome::Done));

    for (const cw::ContainerAction action :
        { cw::ContainerAction::Restart, cw::ContainerAction::Stop, cw::ContainerAction::Start }) {
        const quint64 id = 20 + quint64(action);
        h.perform(id, QStringLiteral("nope"), action);
        QTRY_VERIFY_WITH_TIMEOUT(h.findAction(id).has_value(), 5000);
        QCOMPARE(cw::toString(h.findAction(id)->outcome),
            cw::toString(cw::ActionOutcome::NoSuchContainer));
        QCOMPARE(h.findAction(id)->message, QStringLiteral("No such container: nope"));
        QCOMPARE(h.findAction(id)->endpoint, m_engine.host());
    }

    // Never sent: not a container name.
    h.perform(30, QStringLiteral("../../containers/x"), cw::ContainerAction::Stop);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(30).has_value(), 5000);
    QCOMPARE(cw::toString(h.findAction(30)->outcome), cw::toString(cw::ActionOutcome::Refused));
}

void TestDockerClient::statsArrive()
{
    Harness h(m_engine.host());
    QTRY_VERIFY_WITH_TIMEOUT(
        hasState(h.lastSnapshot(), QStringLiteral("cw-main"), QStringLiteral("running")), 5000);
    const QString id = findContainer(h.lastSnapshot(), QStringLiteral("cw-main"))->id;
    auto samplesOf = [&](const QString &which) {
        QList<cw::ContainerStats> result;
        for (qsizetype i = 0; i < h.stats->count(); ++i) {
            if (h.statsAt(i).id == which)
                result << h.statsAt(i);
        }
        return result;
    };
    QElapsedTimer timer;
    timer.start();
    QTRY_VERIFY_WITH_TIMEOUT(!samplesOf(id).isEmpty(), 5000);
    const qint64 firstMs = timer.elapsed();
    const cw::ContainerStats first = samplesOf(id).first();
    QVERIFY(first.memoryUsedBytes > 0);
    QVERIFY(first.memoryLimitBytes >= first.memoryUsedBytes);
    QVERIFY(std::abs(first.timestampMs - QDateTime::currentMSecsSinceEpoch()) < 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        samplesOf(id).size() >= 2 && samplesOf(id).last().cpuPercent.has_value(), 5000);
    const double cpu = *samplesOf(id).last().cpuPercent;
    QVERIFY2(cpu >= 0 && cpu < 200, qPrintable(QString::number(cpu)));
    // Every running container has its stream; the client thread never waits for one.
    const qsizetype running
        = std::count_if(h.lastSnapshot().containers.cbegin(), h.lastSnapshot().containers.cend(),
            [](const cw::ContainerInfo &c) { return c.state == QLatin1String("running"); });
    QSet<QString> ids;
    for (qsizetype i = 0; i < h.stats->count(); ++i)
        ids.insert(h.statsAt(i).id);
    QVERIFY2(
        ids.size() >= running, qPrintable(QStringLiteral("%1 of %2").arg(ids.size()).arg(running)));
    QVERIFY(h.snapshots->count() >= 5); // polls went on meanwhile
    qInfo("first stats sample after %lld ms; CPU %.3f %%, memory %lld of %lld bytes", firstMs, cpu,
        samplesOf(id).last().memoryUsedBytes, samplesOf(id).last().memoryLimitBytes);
}

void TestDockerClient::logsTailDemultiplexed()
{
    Harness h(m_engine.host());
    h.fetchLogs(1, QStringLiteral("cw-logs"), 100);
    h.fetchLogs(2, QStringLiteral("cw-logs"), 2);
    h.fetchLogs(3, QStringLiteral("nope"), 10);
    h.fetchLogs(4, QStringLiteral("cw-tty"), 10);
    QTRY_COMPARE_WITH_TIMEOUT(h.logs->count(), 4, 5000);
    QHash<quint64, QList<QVariant>> byId;
    for (const QList<QVariant> &args : std::as_const(*h.logs))
        byId.insert(args.at(0).value<quint64>(), args);
    QCOMPARE(byId.value(1).at(1).toString(), QStringLiteral("cw-logs"));
    QCOMPARE(byId.value(1).at(2).toStringList(),
        QStringList({ QStringLiteral("out-1"), QStringLiteral("err-1"), QStringLiteral("out 2 ✓"),
            QStringLiteral("err-2") }));
    QCOMPARE(byId.value(1).at(3).toString(), QString());
    QCOMPARE(byId.value(2).at(2).toStringList(),
        QStringList({ QStringLiteral("out 2 ✓"), QStringLiteral("err-2") }));
    QCOMPARE(byId.value(3).at(2).toStringList(), QStringList());
    QCOMPARE(byId.value(3).at(3).toString(), QStringLiteral("No such container: nope"));
    // A TTY container's log is raw text, with stderr in the same stream.
    QCOMPARE(byId.value(4).at(2).toStringList(),
        QStringList({ QStringLiteral("tty-out"), QStringLiteral("tty-err") }));
}

void TestDockerClient::followDeliversNewLines()
{
    Harness h(m_engine.host());
    QTRY_VERIFY_WITH_TIMEOUT(
        hasState(h.lastSnapshot(), QStringLiteral("cw-main"), QStringLiteral("running")), 5000);
    h.follow(QStringLiteral("cw-main"), true);
    auto linesOf = [&](const QString &text) {
        for (qsizetype i = 0; i < h.lines->count(); ++i) {
            if (h.lines->at(i).at(1).toString() == text)
                return i;
        }
        return qsizetype(-1);
    };
    // Writes to PID 1's stdout / stderr are the container's log.
    auto write = [&](const QString &text, int fd) {
        return m_engine.docker({ QStringLiteral("exec"), QStringLiteral("cw-main"),
            QStringLiteral("sh"), QStringLiteral("-c"),
            QStringLiteral("echo %1 > /proc/1/fd/%2").arg(text).arg(fd) });
    };
    // The stream opens asynchronously: write until the first line arrives.
    QElapsedTimer timer;
    timer.start();
    int n = 0;
    while (h.lines->isEmpty() && timer.elapsed() < 5000) {
        QVERIFY2(
            write(QStringLiteral("warmup-%1").arg(n++), 1), qPrintable(m_engine.errorString()));
        QTest::qWait(100);
    }
    QVERIFY2(!h.lines->isEmpty(), "follow delivered nothing within 5 s");

    for (int round = 0; round < 3; ++round) {
        const QString text = QStringLiteral("follow-line-%1").arg(round);
        const int fd = round == 1 ? 2 : 1;
        QVERIFY2(write(text, fd), qPrintable(m_engine.errorString()));
        timer.restart();
        QTRY_VERIFY_WITH_TIMEOUT(linesOf(text) >= 0, 1000);
        const QList<QVariant> args = h.lines->at(linesOf(text));
        QCOMPARE(args.at(0).toString(), QStringLiteral("cw-main"));
        QCOMPARE(args.at(2).toBool(), fd == 2);
        qInfo(
            "followed line %d arrived %lld ms after docker exec returned", round, timer.elapsed());
    }

    h.follow(QStringLiteral("cw-main"), false);
    QTest::qWait(200);
    QVERIFY(write(QStringLiteral("after-unfollow"), 1));
    QTest::qWait(700);
    QCOMPARE(linesOf(QStringLiteral("after-unfollow")), qsizetype(-1));
}

void TestDockerClient::missingSocket()
{
    QTemporaryDir dir(QStringLiteral("/tmp/cwd-missing-XXXXXX"));
    QVERIFY(dir.isValid());
    const QString host = QStringLiteral("unix://") + dir.path() + QStringLiteral("/docker.sock");
    Harness h(host);
    QTRY_VERIFY_WITH_TIMEOUT(h.snapshots->count() >= 1, 3000);
    const cw::RuntimeSnapshot s = h.snapshot(0);
    QVERIFY(!s.reachable);
    QCOMPARE(s.error, QStringLiteral("Docker not reachable at %1: no such socket").arg(host));
    QCOMPARE(s.endpoint, host);
    QVERIFY(s.containers.isEmpty());

    // The thread keeps running: snapshots go on, actions and logs answer with the same reason.
    QTRY_VERIFY_WITH_TIMEOUT(h.snapshots->count() >= 5, 3000);
    QVERIFY(h.thread()->isRunning());
    QCOMPARE(h.lastSnapshot().error, s.error);
    h.perform(1, QStringLiteral("cw-main"), cw::ContainerAction::Restart);
    h.fetchLogs(2, QStringLiteral("cw-main"), 10);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(1).has_value() && h.logs->count() == 1, 3000);
    QCOMPARE(cw::toString(h.findAction(1)->outcome), cw::toString(cw::ActionOutcome::Failed));
    QCOMPARE(h.findAction(1)->message, s.error);
    QCOMPARE(h.logs->at(0).at(3).toString(), s.error);
}

void TestDockerClient::kubernetesActionsAreNotSupported()
{
    // Room for a Kubernetes runtime: Docker says no before anything reaches the engine.
    Harness h(m_engine.host());
    QCOMPARE(h.client()->kind(), QStringLiteral("docker"));
    QVERIFY(h.client()->supports(cw::ContainerAction::Restart));
    QVERIFY(!h.client()->supports(cw::ContainerAction::RolloutRestart));
    QVERIFY(!h.client()->supports(cw::ContainerAction::Scale));
    h.perform(1, QStringLiteral("cw-main"), cw::ContainerAction::RolloutRestart);
    h.perform(2, QStringLiteral("cw-main"), cw::ContainerAction::Scale);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(1).has_value() && h.findAction(2).has_value(), 3000);
    QCOMPARE(cw::toString(h.findAction(1)->outcome), cw::toString(cw::ActionOutcome::Failed));
    QCOMPARE(h.findAction(1)->message,
        QStringLiteral("rollout-restart is not supported by the Docker runtime"));
    QCOMPARE(
        h.findAction(2)->message, QStringLiteral("scale is not supported by the Docker runtime"));
}

void TestDockerClient::refusedSocket()
{
    // A socket file nobody listens on (a daemon that died without cleaning up).
    QTemporaryDir dir(QStringLiteral("/tmp/cwd-refused-XXXXXX"));
    QVERIFY(dir.isValid());
    const QString path = dir.path() + QStringLiteral("/docker.sock");
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    QVERIFY(fd >= 0);
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    const QByteArray encoded = path.toLocal8Bit();
    qstrncpy(addr.sun_path, encoded.constData(), sizeof addr.sun_path);
    QVERIFY(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    ::close(fd);

    Harness h(QStringLiteral("unix://") + path);
    QTRY_VERIFY_WITH_TIMEOUT(h.snapshots->count() >= 1, 3000);
    QCOMPARE(h.snapshot(0).error,
        QStringLiteral("Docker not reachable at unix://%1: connection refused").arg(path));
}

void TestDockerClient::tlsEndpoint()
{
    // tcp:// with the client certificates of DOCKER_CERT_PATH, as the docker CLI does it.
    cw::DockerEndpoint endpoint;
    endpoint.host = m_engine.tlsHost();
    endpoint.tlsVerify = true;
    endpoint.certPath = m_engine.certPath();
    endpoint.configured = true;
    Harness h(endpoint);
    QTRY_VERIFY_WITH_TIMEOUT(h.snapshots->count() >= 1, 5000);
    const cw::RuntimeSnapshot s = h.snapshot(0);
    QVERIFY2(
        hasState(s, QStringLiteral("cw-main"), QStringLiteral("running")), qPrintable(describe(s)));
    QCOMPARE(s.apiVersion, QStringLiteral("1.41"));
    QCOMPARE(s.endpoint, m_engine.tlsHost() + QStringLiteral(" (TLS)"));
    h.perform(1, QStringLiteral("cw-main"), cw::ContainerAction::Start);
    QTRY_VERIFY_WITH_TIMEOUT(h.findAction(1).has_value(), 5000);
    QCOMPARE(
        cw::toString(h.findAction(1)->outcome), cw::toString(cw::ActionOutcome::AlreadyInState));
    QCOMPARE(h.findAction(1)->endpoint, s.endpoint);

    // A DOCKER_CERT_PATH without the client's certificate: a TLS error that names the file.
    QTemporaryDir empty;
    endpoint.certPath = empty.path();
    Harness noCert(endpoint);
    QTRY_VERIFY_WITH_TIMEOUT(noCert.snapshots->count() >= 1, 5000);
    const QString prefix
        = QStringLiteral("Docker not reachable at %1 (TLS): TLS error: ").arg(m_engine.tlsHost());
    QVERIFY2(noCert.snapshot(0).error.startsWith(prefix), qPrintable(noCert.snapshot(0).error));
    QVERIFY2(noCert.snapshot(0).error.contains(empty.path() + QStringLiteral("/cert.pem")),
        qPrintable(noCert.snapshot(0).error));

    // Plain HTTP to the TLS port: the engine says what is wrong.
    endpoint.tlsVerify = false;
    Harness plain(endpoint);
    QTRY_VERIFY_WITH_TIMEOUT(plain.snapshots->count() >= 1, 5000);
    QCOMPARE(plain.snapshot(0).error,
        QStringLiteral("Docker not reachable at %1: HTTP 400 from /_ping: Client sent an HTTP "
                       "request to an HTTPS server.")
            .arg(m_engine.tlsHost()));
}

void TestDockerClient::eventsReconnectAfterDaemonRestart()
{
    Harness h(m_engine.host());
    QTRY_VERIFY_WITH_TIMEOUT(
        hasState(h.lastSnapshot(), QStringLiteral("cw-worker-1"), QStringLiteral("running")), 5000);
    QTest::qWait(300); // the event stream is open

    QElapsedTimer timer;
    timer.start();
    QVERIFY2(m_engine.restart(),
        qPrintable(m_engine.errorString() + QStringLiteral("\n") + m_engine.logTail()));
    const qint64 restartMs = timer.elapsed();
    QVERIFY2(h.findSnapshot([](const cw::RuntimeSnapshot &s) { return !s.reachable; }) >= 0,
        "the restart went unnoticed");
    const qsizetype from = h.snapshots->count();
    // Containers marked unless-stopped come back with the daemon.
    QTRY_VERIFY_WITH_TIMEOUT(
        h.findSnapshot(
            [](const cw::RuntimeSnapshot &s) {
                return hasState(s, QStringLiteral("cw-worker-1"), QStringLiteral("running"));
            },
            from)
            >= 0,
        10000);
    const qint64 backMs = timer.elapsed();

    const qsizetype eventsBefore = h.events->count();
    QVERIFY2(m_engine.docker({ QStringLiteral("stop"), QStringLiteral("-t"), QStringLiteral("2"),
                 QStringLiteral("cw-worker-1") }),
        qPrintable(m_engine.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(
        h.findEvent(QStringLiteral("cw-worker-1"), QStringLiteral("die"), eventsBefore) >= 0, 5000);
    // No event twice although the reconnect asked for what happened meanwhile.
    QSet<QString> seen;
    for (qsizetype i = 0; i < h.events->count(); ++i) {
        const cw::RuntimeEvent e = h.event(i);
        const QString key = e.id + e.action + QString::number(e.timeNano);
        QVERIFY2(!seen.contains(key),
            qPrintable(QStringLiteral("duplicate event %1 %2").arg(e.name, e.action)));
        seen.insert(key);
    }
    qInfo(
        "daemon restart took %lld ms, client saw the engine again %lld ms after the restart began",
        restartMs, backMs);
    QVERIFY(m_engine.docker({ QStringLiteral("start"), QStringLiteral("cw-worker-1") }));
}

QTEST_GUILESS_MAIN(TestDockerClient)
#include "tst_dockerclient.moc"
