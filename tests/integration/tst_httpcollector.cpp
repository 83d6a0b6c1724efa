// HttpCollector against real nginx serving real n8n captures (cwtest::NodeFarm), with real
// libcurl, on its own WorkerThread as in the application.

#include "HangingServer.h"
#include "NodeFarm.h"
#include "ProcessStats.h"
#include "TestSupport.h"
#include "services/base/WorkerThread.h"
#include "services/collectors/HttpCollector.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QLocale>
#include <QRegularExpression>
#include <QtTest>
#include <arpa/inet.h>
#include <atomic>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using cwtest::HangingServer;
using cwtest::NodeFarm;

// cw::toString() returns QString, which QTest's own toString() lookup cannot use.
#define QCOMPARE_STATE(actual, expected) QCOMPARE(cw::toString(actual), cw::toString(expected))

namespace {

constexpr qint64 kFourMiB = 4 * 1024 * 1024;

cw::NodeConfig nodeConfig(const QString &name, cw::NodeRole role, const QUrl &url)
{
    cw::NodeConfig config;
    config.name = name;
    config.role = role;
    config.baseUrl = url;
    return config;
}

cw::Timeouts timeouts(cw::Millis connect, cw::Millis request)
{
    cw::Timeouts t;
    t.connect = connect;
    t.request = request;
    return t;
}

int openFileDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}

/// The main capture's metrics with n8n_process_cpu_seconds_total (and optionally the start
/// time) replaced.
QByteArray metricsWithCpu(
    const QByteArray &capture, double cpuSeconds, std::optional<double> startTime = std::nullopt)
{
    QByteArray out;
    const QList<QByteArray> lines = capture.split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("n8n_process_cpu_seconds_total "))
            out += "n8n_process_cpu_seconds_total " + QByteArray::number(cpuSeconds, 'f', 6);
        else if (startTime && line.startsWith("n8n_process_start_time_seconds "))
            out += "n8n_process_start_time_seconds " + QByteArray::number(*startTime, 'f', 0);
        else
            out += line;
        out += '\n';
    }
    out.chop(1);
    return out;
}

/// An HttpCollector on its own thread, and the snapshots it sent to the test thread.
class CollectorRun {
public:
    CollectorRun(QList<cw::NodeConfig> nodes, cw::Timeouts t, cw::Millis interval,
        qint64 maxBodyBytes = kFourMiB)
        : m_thread(std::make_unique<cw::WorkerThread>(QStringLiteral("cw-http-test")))
    {
        m_collector
            = m_thread->adopt(new cw::HttpCollector(std::move(nodes), t, interval, maxBodyBytes));
        QObject::connect(m_collector, &cw::HttpCollector::nodeSnapshotReady, &m_receiver,
            [this](const cw::NodeSnapshot &s) { m_snapshots.append(s); });
        m_clock.start();
        m_thread->start(m_collector, &cw::HttpCollector::start);
    }

    void stop()
    {
        QMetaObject::invokeMethod(
            m_collector, &cw::HttpCollector::stop, Qt::BlockingQueuedConnection);
    }
    void restart()
    {
        QMetaObject::invokeMethod(m_collector, &cw::HttpCollector::start, Qt::QueuedConnection);
    }
    /// Quits the thread; the collector is deleted on it.
    void finish() { m_thread.reset(); }

    QList<cw::NodeSnapshot> of(const QString &node) const
    {
        QList<cw::NodeSnapshot> out;
        for (const cw::NodeSnapshot &s : m_snapshots) {
            if (s.node == node)
                out.append(s);
        }
        return out;
    }
    int count(const QString &node) const { return int(of(node).size()); }
    cw::NodeSnapshot latest(const QString &node) const
    {
        const auto list = of(node);
        return list.isEmpty() ? cw::NodeSnapshot {} : list.last();
    }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

private:
    std::unique_ptr<cw::WorkerThread> m_thread;
    cw::HttpCollector *m_collector = nullptr;
    QObject m_receiver;
    QList<cw::NodeSnapshot> m_snapshots;
    QElapsedTimer m_clock;
};

/// An HTTP/1.1 server on a free 127.0.0.1 port that answers every request like a healthy n8n
/// node, keeps the connection open (no "Connection: close"), and then closes it while idle,
/// @p idleCloseMs after the answer: like n8n's 5 s keep-alive timeout, or a proxy's shorter one,
/// between two polls.
class IdleClosingServer final {
public:
    explicit IdleClosingServer(int idleCloseMs)
        : m_idleCloseMs(idleCloseMs)
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
            || ::listen(fd, 64) != 0
            || ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0
            || ::pipe2(m_wake, O_CLOEXEC) != 0) {
            if (fd >= 0)
                ::close(fd);
            return;
        }
        m_listenFd = fd;
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~IdleClosingServer()
    {
        if (m_thread.joinable()) {
            [[maybe_unused]] const auto written = ::write(m_wake[1], "s", 1);
            m_thread.join();
        }
        for (const int fd : { m_wake[0], m_wake[1], m_listenFd }) {
            if (fd >= 0)
                ::close(fd);
        }
    }
    IdleClosingServer(const IdleClosingServer &) = delete;
    IdleClosingServer &operator=(const IdleClosingServer &) = delete;

    bool listening() const { return m_listenFd >= 0; }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port)); }
    int acceptedConnections() const { return m_accepted.load(); }
    int closedWhileIdle() const { return m_closedIdle.load(); }
    int requests() const { return m_requests.load(); }

private:
    struct Client {
        int fd = -1;
        QByteArray pending;
        qint64 answeredAtMs = -1; ///< -1 while a request is being read
    };

    static QByteArray answer(const QByteArray &head)
    {
        const QByteArray body = head.startsWith("GET /metrics ")
            ? QByteArray("n8n_process_cpu_seconds_total 1.5\n")
            : QByteArray("{\"status\":\"ok\"}");
        return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

    void serve()
    {
        QElapsedTimer clock;
        clock.start();
        std::vector<Client> clients;
        for (;;) {
            std::vector<pollfd> fds { { m_wake[0], POLLIN, 0 }, { m_listenFd, POLLIN, 0 } };
            for (const Client &c : clients)
                fds.push_back({ c.fd, POLLIN, 0 });
            ::poll(fds.data(), fds.size(), 10);
            if (fds[0].revents)
                break;
            if (fds[1].revents) {
                const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
                if (fd >= 0) {
                    clients.push_back({ fd, {}, -1 });
                    ++m_accepted;
                }
            }
            for (std::size_t i = 2; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                Client &c = clients[i - 2];
                char buffer[4096];
                const ssize_t n = ::read(c.fd, buffer, sizeof buffer);
                if (n <= 0) { // the client closed it
                    ::close(c.fd);
                    c.fd = -1;
                    continue;
                }
                c.pending.append(buffer, qsizetype(n));
                const qsizetype end = c.pending.indexOf("\r\n\r\n");
                if (end < 0)
                    continue;
                const QByteArray reply = answer(c.pending.left(end));
                c.pending.remove(0, end + 4);
                [[maybe_unused]] const auto sent
                    = ::send(c.fd, reply.constData(), std::size_t(reply.size()), MSG_NOSIGNAL);
                c.answeredAtMs = clock.elapsed();
                ++m_requests;
            }
            for (Client &c : clients) {
                if (c.fd >= 0 && c.answeredAtMs >= 0 && c.pending.isEmpty()
                    && clock.elapsed() - c.answeredAtMs >= m_idleCloseMs) {
                    ::close(c.fd);
                    c.fd = -1;
                    ++m_closedIdle;
                }
            }
            std::erase_if(clients, [](const Client &c) { return c.fd < 0; });
        }
        for (const Client &c : clients)
            ::close(c.fd);
    }

    int m_idleCloseMs;
    int m_listenFd = -1;
    int m_wake[2] = { -1, -1 };
    quint16 m_port = 0;
    std::atomic<int> m_accepted { 0 };
    std::atomic<int> m_closedIdle { 0 };
    std::atomic<int> m_requests { 0 };
    std::thread m_thread;
};

using cwtest::processCpuSeconds;

} // namespace

class TestHttpCollector final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void healthyCluster();
    void refusedConnection();
    void tlsToAPlainHttpPort();
    void hangingNodeDoesNotStallOthers();
    void readinessFailing();
    void malformedMetrics();
    void bodyOverCap_data();
    void bodyOverCap();
    void cpuPercentFromCounter();
    void connectionsAreReused();
    void idleConnectionsClosedByTheServer();
    void stopWhileRequestsInFlight();
};

void TestHttpCollector::initTestCase()
{
    QLocale::setDefault(QLocale::c());
    qRegisterMetaType<cw::NodeSnapshot>();
    QVERIFY2(!cwtest::findBinary(QStringLiteral("nginx")).isEmpty(),
        "nginx is required (Debian package nginx-light; scripts/deps.sh installs it)");
}

void TestHttpCollector::healthyCluster()
{
    NodeFarm farm;
    const auto load = NodeFarm::CaptureSet::UnderLoad;
    QList<cw::NodeConfig> nodes = {
        nodeConfig(QStringLiteral("main"), cw::NodeRole::Main,
            farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main, load)),
        nodeConfig(QStringLiteral("worker-1"), cw::NodeRole::Worker,
            farm.addNode(QStringLiteral("worker-1"), NodeFarm::Kind::Worker, load)),
        nodeConfig(QStringLiteral("worker-2"), cw::NodeRole::Worker,
            farm.addNode(QStringLiteral("worker-2"), NodeFarm::Kind::Worker, load)),
        nodeConfig(QStringLiteral("webhook"), cw::NodeRole::Webhook,
            farm.addNode(QStringLiteral("webhook"), NodeFarm::Kind::Webhook, load)),
        // Behind a reverse proxy under /n8n/: the endpoints answer 404 without the prefix.
        nodeConfig(QStringLiteral("proxied"), cw::NodeRole::Main,
            farm.addNode(
                QStringLiteral("proxied"), NodeFarm::Kind::Main, load, QStringLiteral("/n8n"))),
    };
    nodes.last().baseUrl.setPath(QStringLiteral("/n8n/"));
    QVERIFY2(farm.start(), qPrintable(farm.errorString()));
    QCOMPARE(farm.metricsCapture(QStringLiteral("worker-2")),
        QStringLiteral("under_load/worker2_metrics.http"));

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    CollectorRun run(nodes, timeouts(2000ms, 3000ms), 300ms);
    for (const auto &n : std::as_const(nodes))
        QTRY_VERIFY_WITH_TIMEOUT(run.count(n.name) >= 2, 5000);

    for (const auto &n : std::as_const(nodes)) {
        const cw::NodeSnapshot first = run.of(n.name).first();
        QVERIFY2(
            first.health.ok(), qPrintable(n.name + QStringLiteral(": ") + first.health.errorText));
        QCOMPARE(first.health.httpStatus, 200);
        QVERIFY(first.health.errorText.isEmpty());
        QVERIFY(first.health.responseMs > 0.0 && first.health.responseMs < 3000.0);
        QVERIFY2(first.readiness.ok(), qPrintable(first.readiness.errorText));
        QCOMPARE(first.readiness.httpStatus, 200);
        QCOMPARE(first.sequence, quint64(1));
        QCOMPARE(run.of(n.name).at(1).sequence, quint64(2));
        QVERIFY(first.timestampMs >= before
            && first.timestampMs <= QDateTime::currentMSecsSinceEpoch());
        QVERIFY(!first.cpuPercent); // needs two scrapes
    }

    // Figures of under_load/main_metrics.http
    const cw::NodeSnapshot main = run.of(QStringLiteral("main")).first();
    QCOMPARE_STATE(main.metricsState, cw::MetricsState::Ok);
    QCOMPARE(main.metrics.httpStatus, 200);
    QCOMPARE(main.values.cpuSecondsTotal.value_or(-1), 4.395769);
    QCOMPARE(main.values.residentMemoryBytes.value_or(-1), 339693568.0);
    QCOMPARE(main.values.eventLoopLagSeconds.value_or(-1), 0.008439067);
    QCOMPARE(main.values.queueWaiting.value_or(-1), 21.0);
    QCOMPARE(main.values.queueActive.value_or(-1), 10.0);
    QCOMPARE(main.values.queueCompleted.value_or(-1), 27.0);
    QCOMPARE(main.values.queueFailed.value_or(-1), 0.0);
    QCOMPARE(main.values.leader, std::optional<bool>(true));
    QCOMPARE(main.values.processStartTime.value_or(-1), 1795460993.0);
    QCOMPARE(main.values.version, QStringLiteral("v1.123.81"));

    const cw::NodeSnapshot w1 = run.of(QStringLiteral("worker-1")).first();
    QCOMPARE_STATE(w1.metricsState, cw::MetricsState::Ok);
    QCOMPARE(w1.values.cpuSecondsTotal.value_or(-1), 4.477367);
    QCOMPARE(w1.values.residentMemoryBytes.value_or(-1), 314372096.0);
    QVERIFY(!w1.values.queueWaiting); // queue gauges are on main only
    const cw::NodeSnapshot w2 = run.of(QStringLiteral("worker-2")).first();
    QCOMPARE(w2.values.cpuSecondsTotal.value_or(-1), 4.280981);
    QCOMPARE(w2.values.processStartTime.value_or(-1), 1795460928.0);
    QCOMPARE(w2.values.eventLoopLagSeconds.value_or(-1), 0.004236035);

    const cw::NodeSnapshot proxied = run.of(QStringLiteral("proxied")).first();
    QCOMPARE_STATE(proxied.metricsState, cw::MetricsState::Ok);
    QCOMPARE(proxied.values.cpuSecondsTotal.value_or(-1), 4.395769);

    // A webhook processor has no /metrics: not a failure.
    const cw::NodeSnapshot webhook = run.of(QStringLiteral("webhook")).first();
    QCOMPARE_STATE(webhook.metricsState, cw::MetricsState::NotExposed);
    QCOMPARE(webhook.metrics.httpStatus, 404);
    QVERIFY(webhook.metrics.ok());
    QVERIFY(!webhook.values.cpuSecondsTotal);

    // Same counter on the second scrape: 0 % CPU.
    const cw::NodeSnapshot mainAgain = run.of(QStringLiteral("main")).at(1);
    QVERIFY(mainAgain.cpuPercent.has_value());
    QCOMPARE(*mainAgain.cpuPercent, 0.0);
}

void TestHttpCollector::refusedConnection()
{
    const QUrl url = NodeFarm::refusingNodeUrl();
    const QString hostPort = QStringLiteral("127.0.0.1:%1").arg(url.port());
    CollectorRun run({ nodeConfig(QStringLiteral("gone"), cw::NodeRole::Worker, url) },
        timeouts(2000ms, 3000ms), 1000ms);
    QTRY_VERIFY_WITH_TIMEOUT(run.count(QStringLiteral("gone")) >= 1, 5000);
    QVERIFY2(run.elapsedMs() < 1500, "a refused connection must not wait for a timeout");

    const cw::NodeSnapshot s = run.latest(QStringLiteral("gone"));
    for (const cw::EndpointResult &r : { s.health, s.readiness, s.metrics }) {
        QCOMPARE_STATE(r.error, cw::FetchError::ConnectionRefused);
        QCOMPARE(r.httpStatus, 0);
        QCOMPARE(r.errorText, hostPort + QStringLiteral(": connection refused"));
    }
    QCOMPARE_STATE(s.metricsState, cw::MetricsState::Unknown);
}

void TestHttpCollector::tlsToAPlainHttpPort()
{
    // An https:// URL pointing at a plain-HTTP n8n: the TLS handshake fails, and the user is
    // told it is a TLS problem, not that the node is down for another reason.
    NodeFarm farm;
    QUrl url = farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main);
    QVERIFY2(farm.start(), qPrintable(farm.errorString()));
    url.setScheme(QStringLiteral("https"));
    CollectorRun run({ nodeConfig(QStringLiteral("main"), cw::NodeRole::Main, url) },
        timeouts(2000ms, 3000ms), 1000ms);
    QTRY_VERIFY_WITH_TIMEOUT(run.count(QStringLiteral("main")) >= 1, 5000);
    const cw::NodeSnapshot s = run.latest(QStringLiteral("main"));
    QCOMPARE_STATE(s.health.error, cw::FetchError::Tls);
    QVERIFY2(
        s.health.errorText.contains(QString::number(url.port())), qPrintable(s.health.errorText));
    QVERIFY2(s.health.errorText.contains(QStringLiteral("TLS"), Qt::CaseInsensitive),
        qPrintable(s.health.errorText));
}

void TestHttpCollector::hangingNodeDoesNotStallOthers()
{
    NodeFarm farm;
    const QUrl mainUrl = farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main);
    const QUrl workerUrl = farm.addNode(QStringLiteral("worker"), NodeFarm::Kind::Worker);
    QVERIFY2(farm.start(), qPrintable(farm.errorString()));
    HangingServer frozen(HangingServer::Mode::AcceptAndStall);
    QVERIFY(frozen.listening());

    const QString hanging = QStringLiteral("frozen");
    CollectorRun run({ nodeConfig(QStringLiteral("main"), cw::NodeRole::Main, mainUrl),
                         nodeConfig(hanging, cw::NodeRole::Worker, frozen.url()),
                         nodeConfig(QStringLiteral("worker"), cw::NodeRole::Worker, workerUrl) },
        timeouts(1000ms, 1500ms), 200ms);

    QTRY_VERIFY_WITH_TIMEOUT(run.count(hanging) >= 1, 5000);
    const qint64 hangMs = run.elapsedMs();
    QVERIFY2(hangMs >= 1400 && hangMs < 3000, qPrintable(QString::number(hangMs)));
    // Meanwhile the healthy nodes kept their 200 ms pace (7 polls in 1.5 s; allow a busy box).
    QVERIFY2(run.count(QStringLiteral("main")) >= 4,
        qPrintable(QString::number(run.count(QStringLiteral("main")))));
    QVERIFY(run.count(QStringLiteral("worker")) >= 4);
    QVERIFY(run.latest(QStringLiteral("main")).health.ok());

    const cw::NodeSnapshot s = run.latest(hanging);
    QCOMPARE_STATE(s.health.error, cw::FetchError::Timeout);
    QCOMPARE(s.health.errorText,
        QStringLiteral("GET /healthz on 127.0.0.1:%1: no answer within 1500 ms")
            .arg(frozen.port()));
    QCOMPARE_STATE(s.readiness.error, cw::FetchError::Timeout);
    QCOMPARE_STATE(s.metrics.error, cw::FetchError::Timeout);
    QVERIFY(s.metrics.errorText.contains(QStringLiteral("/metrics")));
    QCOMPARE_STATE(s.metricsState, cw::MetricsState::Failed);

    // Requests never pile up: at most one poll (three connections) in flight at any time.
    QElapsedTimer watch;
    watch.start();
    int maxOpen = 0;
    while (watch.elapsed() < 3500) {
        maxOpen = std::max(maxOpen, frozen.openConnections());
        QTest::qWait(20);
    }
    QVERIFY2(maxOpen <= 3, qPrintable(QString::number(maxOpen)));
    const int polls = run.count(hanging);
    QVERIFY2(polls >= 2 && polls <= 4, qPrintable(QString::number(polls)));
    QVERIFY(frozen.acceptedConnections() <= 3 * (polls + 1));
    for (const cw::NodeSnapshot &h : run.of(hanging))
        QCOMPARE_STATE(h.health.error, cw::FetchError::Timeout);
}

void TestHttpCollector::readinessFailing()
{
    NodeFarm farm;
    const QUrl url = farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main);
    farm.setReadinessFailing(QStringLiteral("main"), true);
    QVERIFY2(farm.start(), qPrintable(farm.errorString()));

    CollectorRun run({ nodeConfig(QStringLiteral("main"), cw::NodeRole::Main, url) },
        timeouts(2000ms, 3000ms), 200ms);
    QTRY_VERIFY_WITH_TIMEOUT(run.count(QStringLiteral("main")) >= 1, 5000);
    cw::NodeSnapshot s = run.latest(QStringLiteral("main"));
    QCOMPARE_STATE(s.readiness.error, cw::FetchError::HttpStatus);
    QCOMPARE(s.readiness.httpStatus, 503);
    QCOMPARE(s.readiness.errorText,
        QStringLiteral("HTTP 503 from /healthz/readiness: {\"status\":\"error\"}"));
    QVERIFY(s.health.ok());
    QCOMPARE_STATE(s.metricsState, cw::MetricsState::Ok);

    // The database is back: the next polls see it without restarting anything.
    farm.setReadinessFailing(QStringLiteral("main"), false);
    QTRY_VERIFY_WITH_TIMEOUT(run.latest(QStringLiteral("main")).readiness.ok(), 3000);
    QCOMPARE(run.latest(QStringLiteral("main")).readiness.httpStatus, 200);

    farm.setHealthFailing(QStringLiteral("main"), true);
    QTRY_VERIFY_WITH_TIMEOUT(!run.latest(QStringLiteral("main")).health.ok(), 3000);
    QCOMPARE(run.latest(QStringLiteral("main")).health.errorText,
        QStringLiteral("HTTP 503 from /healthz: {\"status\":\"error\"}"));
}

void TestHttpCollector::malformedMetrics()
{
    NodeFarm farm;
    const QUrl url = farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main);
    farm.setMetricsBody(QStringLiteral("main"),
        "# TYPE n8n_process_cpu_seconds_total counter\n"
        "n8n_process_cpu_seconds_total 1.5\n"
        "n8n_version_info{version=\"v1.123.81\" 1\n");
    QVERIFY2(farm.start(), qPrintable(farm.errorString()));

    CollectorRun run({ nodeConfig(QStringLiteral("main"), cw::NodeRole::Main, url) },
        timeouts(2000ms, 3000ms), 200ms);
    QTRY_VERIFY_WITH_TIMEOUT(run.count(QStringLiteral("main")) >= 1, 5000);
    const cw::NodeSnapshot s = run.latest(QStringLiteral("main"));
    QVERIFY(s.metrics.ok());
    QCOMPARE(s.metrics.httpStatus, 200);
    QCOMPARE_STATE(s.metricsState, cw::MetricsState::Malformed);
    QVERIFY2(s.metricsError.startsWith(QStringLiteral("line 3")), qPrintable(s.metricsError));
    QVERIFY(!s.values.cpuSecondsTotal);
    QVERIFY(s.health.ok());

    // N8N_METRICS turned off: 404, NotExposed, and the node is still healthy.
    farm.removeMetrics(QStringLiteral("main"));
    QTRY_COMPARE_WITH_TIMEOUT(cw::toString(run.latest(QStringLiteral("main")).metricsState),
        cw::toString(cw::MetricsState::NotExposed), 3000);
    QVERIFY(run.latest(QStringLiteral("main")).metricsError.isEmpty());
}

void TestHttpCollector::bodyOverCap_data()
{
    QTest::addColumn<bool>("chunked");
    QTest::addColumn<int>("capDelta"); // cap = body size + capDelta
    QTest::addColumn<bool>("tooLarge");

    QTest::newRow("content-length over cap") << false << -1 << true;
    QTest::newRow("chunked over cap") << true << -1 << true;
    QTest::newRow("chunked at cap") << true << 0 << false;
    QTest::newRow("content-length at cap") << false << 0 << false;
}

void TestHttpCollector::bodyOverCap()
{
    QFETCH(bool, chunked);
    QFETCH(int, capDelta);
    QFETCH(bool, tooLarge);

    NodeFarm farm;
    const QUrl url = farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main);
    // A body of exactly 8192 bytes, valid metrics padded with a comment line.
    QByteArray body = farm.metricsBody(QStringLiteral("main")).left(8192);
    body.truncate(body.lastIndexOf('\n') + 1);
    body += QByteArray(8192 - body.size() - 1, '#') + '\n';
    QCOMPARE(body.size(), 8192);
    farm.setMetricsBody(QStringLiteral("main"), body);
    farm.setMetricsChunked(QStringLiteral("main"), chunked);
    QVERIFY2(farm.start(), qPrintable(farm.errorString()));

    // The farm really sends it the way this row means to test.
    const QByteArray raw = farm.rawGet(QStringLiteral("main"), "/metrics");
    QVERIFY2(raw.startsWith("HTTP/1.1 200"), raw.left(200).constData());
    QCOMPARE(raw.toLower().contains("transfer-encoding: chunked"), chunked);
    QCOMPARE(raw.toLower().contains("content-length: 8192"), !chunked);

    const qint64 cap = body.size() + capDelta;
    CollectorRun run({ nodeConfig(QStringLiteral("main"), cw::NodeRole::Main, url) },
        timeouts(2000ms, 3000ms), 500ms, cap);
    QTRY_VERIFY_WITH_TIMEOUT(run.count(QStringLiteral("main")) >= 1, 5000);
    const cw::NodeSnapshot s = run.latest(QStringLiteral("main"));
    QVERIFY(s.health.ok()); // 15 bytes
    if (tooLarge) {
        QCOMPARE_STATE(s.metrics.error, cw::FetchError::BodyTooLarge);
        QCOMPARE(s.metrics.errorText, QStringLiteral("GET /metrics: body over %1 bytes").arg(cap));
        QCOMPARE_STATE(s.metricsState, cw::MetricsState::Failed);
        QVERIFY(!s.values.cpuSecondsTotal);
    } else {
        QVERIFY2(s.metrics.ok(), qPrintable(s.metrics.errorText));
        QCOMPARE_STATE(s.metricsState, cw::MetricsState::Ok);
    }
}

void TestHttpCollector::cpuPercentFromCounter()
{
    NodeFarm farm;
    const QUrl url = farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main);
    const QByteArray capture = farm.metricsBody(QStringLiteral("main"));
    QVERIFY(capture.contains("n8n_process_cpu_seconds_total 1.515801\n"));
    QVERIFY2(farm.start(), qPrintable(farm.errorString()));

    const QString name = QStringLiteral("main");
    CollectorRun run(
        { nodeConfig(name, cw::NodeRole::Main, url) }, timeouts(2000ms, 3000ms), 1000ms);
    QTRY_VERIFY_WITH_TIMEOUT(run.count(name) >= 1, 5000);
    QVERIFY(!run.latest(name).cpuPercent);

    // Right after a scrape, so the next one (one interval later) sees the new counter.
    auto bumpAndWait = [&](const QByteArray &body) -> cw::NodeSnapshot {
        const int seen = run.count(name);
        farm.setMetricsBody(name, body);
        if (!QTest::qWaitFor([&] { return run.count(name) > seen; }, 3000))
            return {};
        return run.latest(name);
    };

    // +0.5 s of CPU over about one second: about 50 % of one core.
    const cw::NodeSnapshot previous = run.latest(name);
    cw::NodeSnapshot s = bumpAndWait(metricsWithCpu(capture, 1.515801 + 0.5));
    QVERIFY(s.cpuPercent.has_value());
    const double expected = 0.5 / (double(s.timestampMs - previous.timestampMs) / 1000.0) * 100.0;
    QVERIFY2(std::abs(*s.cpuPercent - expected) < expected * 0.15,
        qPrintable(QStringLiteral("%1 %, expected about %2 %").arg(*s.cpuPercent).arg(expected)));
    QVERIFY2(
        *s.cpuPercent > 35.0 && *s.cpuPercent < 65.0, qPrintable(QString::number(*s.cpuPercent)));

    // The counter went backwards: the process restarted; no value for this scrape...
    s = bumpAndWait(metricsWithCpu(capture, 0.2));
    QVERIFY(s.values.cpuSecondsTotal.has_value());
    QVERIFY(!s.cpuPercent);
    // ...and a rate again from the one after.
    s = bumpAndWait(metricsWithCpu(capture, 0.45));
    QVERIFY(s.cpuPercent.has_value());
    QVERIFY2(
        *s.cpuPercent > 15.0 && *s.cpuPercent < 35.0, qPrintable(QString::number(*s.cpuPercent)));

    // A new start time with a higher counter is a restart too.
    s = bumpAndWait(metricsWithCpu(capture, 9.0, 1795461913.0));
    QVERIFY(s.values.cpuSecondsTotal.has_value());
    QVERIFY(!s.cpuPercent);
}

void TestHttpCollector::connectionsAreReused()
{
    NodeFarm farm;
    QList<cw::NodeConfig> nodes;
    for (const QString &name :
        { QStringLiteral("main"), QStringLiteral("w1"), QStringLiteral("w2") }) {
        const auto kind
            = name == QLatin1String("main") ? NodeFarm::Kind::Main : NodeFarm::Kind::Worker;
        nodes.append(nodeConfig(name, cw::NodeRole::Worker, farm.addNode(name, kind)));
    }
    QVERIFY2(farm.start(), qPrintable(farm.errorString()));
    const auto before = farm.counters();
    QVERIFY(before.has_value());

    CollectorRun run(nodes, timeouts(2000ms, 3000ms), 200ms);
    for (const auto &n : std::as_const(nodes))
        QTRY_VERIFY_WITH_TIMEOUT(run.count(n.name) >= 5, 5000);
    run.stop();
    const auto after = farm.counters();
    QVERIFY(after.has_value());

    int polls = 0;
    for (const auto &n : std::as_const(nodes)) {
        polls += run.count(n.name);
        for (const cw::NodeSnapshot &s : run.of(n.name))
            QVERIFY(s.health.ok() && s.readiness.ok() && s.metrics.ok());
    }
    // Each counter query is one connection and one request of its own.
    const qint64 requests = after->requests - before->requests - 1;
    const qint64 connections = after->accepted - before->accepted - 1;
    QVERIFY2(requests >= 3 * polls, qPrintable(QString::number(requests)));
    // One connection per node and endpoint, kept alive; without reuse it would be 3 x polls.
    QVERIFY2(connections <= 9 + 3,
        qPrintable(
            QStringLiteral("%1 connections for %2 requests").arg(connections).arg(requests)));
}

void TestHttpCollector::idleConnectionsClosedByTheServer()
{
    // The server drops each kept-alive connection 100 ms after answering, before the next poll
    // (n8n closes idle connections after 5 s; a longer poll interval meets this every time).
    IdleClosingServer server(100);
    QVERIFY(server.listening());
    const QString name = QStringLiteral("main");
    CollectorRun run(
        { nodeConfig(name, cw::NodeRole::Main, server.url()) }, timeouts(2000ms, 3000ms), 400ms);
    QTRY_VERIFY_WITH_TIMEOUT(run.count(name) >= 1, 5000);

    // While the dropped connections lie idle the collector must not spin on them.
    const double cpuBefore = processCpuSeconds();
    QElapsedTimer wall;
    wall.start();
    QTRY_VERIFY_WITH_TIMEOUT(run.count(name) >= 6, 5000);
    const double cpuShare = (processCpuSeconds() - cpuBefore) / (double(wall.elapsed()) / 1000.0);
    QVERIFY2(cpuShare < 0.25, qPrintable(QStringLiteral("%1 of a core").arg(cpuShare)));

    // Every poll found its connections gone and answered all the same, on new connections.
    for (const cw::NodeSnapshot &s : run.of(name)) {
        QVERIFY2(s.health.ok(), qPrintable(s.health.errorText));
        QVERIFY2(s.readiness.ok(), qPrintable(s.readiness.errorText));
        QCOMPARE_STATE(s.metricsState, cw::MetricsState::Ok);
        QCOMPARE(s.values.cpuSecondsTotal.value_or(-1), 1.5);
    }
    QVERIFY2(server.closedWhileIdle() >= 3 * (run.count(name) - 1),
        qPrintable(QString::number(server.closedWhileIdle())));
    QVERIFY(server.acceptedConnections() >= 3 * run.count(name));
}

void TestHttpCollector::stopWhileRequestsInFlight()
{
    NodeFarm farm;
    const QUrl url = farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main);
    QVERIFY2(farm.start(), qPrintable(farm.errorString()));
    HangingServer frozen(HangingServer::Mode::AcceptAndStall);
    const int fdsBefore = openFileDescriptors();

    {
        CollectorRun run(
            { nodeConfig(QStringLiteral("main"), cw::NodeRole::Main, url),
                nodeConfig(QStringLiteral("frozen"), cw::NodeRole::Worker, frozen.url()) },
            timeouts(1000ms, 2000ms), 200ms);
        QTRY_COMPARE_WITH_TIMEOUT(frozen.openConnections(), 3, 3000);
        run.stop();
        // The aborted requests are closed, and no snapshot comes for them.
        QTRY_COMPARE_WITH_TIMEOUT(frozen.openConnections(), 0, 3000);
        const int mainCount = run.count(QStringLiteral("main"));
        QTest::qWait(2500);
        QCOMPARE(run.count(QStringLiteral("frozen")), 0);
        QCOMPARE(run.count(QStringLiteral("main")), mainCount);

        // Polling resumes after start().
        run.restart();
        QTRY_VERIFY_WITH_TIMEOUT(run.count(QStringLiteral("main")) > mainCount, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(frozen.openConnections(), 3, 3000);
        // Quitting the thread with requests in flight deletes the collector there.
        run.finish();
    }
    QTRY_COMPARE_WITH_TIMEOUT(frozen.openConnections(), 0, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(openFileDescriptors(), fdsBefore, 3000);
}

QTEST_GUILESS_MAIN(TestHttpCollector)
#include "tst_httpcollector.moc"
