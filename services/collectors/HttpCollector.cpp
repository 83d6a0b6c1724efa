#include "services/collectors/HttpCollector.h"

#include "services/base/Logging.h"
#include "services/collectors/PrometheusParser.h"
#include "services/net/BodySnippet.h"
#include "services/net/CurlFailure.h"
#include "services/net/CurlMulti.h"
#include "services/net/CurlSetup.h"

#include <QDateTime>
#include <QTimer>
#include <array>

namespace cw {

namespace {

enum Endpoint { Health, Readiness, Metrics, EndpointCount };

/// A node that overran its interval waits at least this long before its next poll.
constexpr qint64 kMinGapMs = 100;
/// Nodes due within this window are started in the same batch.
constexpr qint64 kBatchSlackMs = 2;
/// libcurl 7.88 walks a multi handle's whole connection cache on every
/// curl_multi_remove_handle() (to close CONNECT_ONLY connections), so one multi handle for
/// 1,000 nodes (3,000 kept-alive connections) costs O(n) per request. Sharding the nodes over
/// several multi handles, all driven by the same thread and event loop, bounds that walk.
constexpr qsizetype kNodesPerMulti = 32;

} // namespace

struct HttpCollector::Transfer {
    Transfer() = default;
    Transfer(const Transfer &) = delete;
    Transfer &operator=(const Transfer &) = delete;
    ~Transfer()
    {
        if (easy)
            curl_easy_cleanup(easy);
        if (url)
            curl_url_cleanup(url);
    }

    Node *node = nullptr;
    Endpoint endpoint = Health;
    CURL *easy = nullptr;
    CURLU *url = nullptr; ///< parsed once: curl would parse a URL string on every request
    QString path; ///< as shown in messages, with the base URL's prefix
    QByteArray body;
    qint64 maxBodyBytes = 0;
    bool tooLarge = false;
    bool active = false;
    double doneAtMs = 0.0;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    static size_t write(char *data, size_t size, size_t count, void *userdata)
    {
        auto *self = static_cast<Transfer *>(userdata);
        const size_t bytes = size * count;
        if (self->body.size() + qint64(bytes) > self->maxBodyBytes) {
            self->tooLarge = true;
            return 0; // makes curl abort with CURLE_WRITE_ERROR
        }
        self->body.append(data, qsizetype(bytes));
        return bytes;
    }
};

struct HttpCollector::Node {
    struct CpuSample {
        double cpuSeconds = 0.0;
        double atMs = 0.0;
        std::optional<double> processStartTime;
    };

    NodeConfig config;
    std::size_t index = 0; ///< in m_nodes
    CurlMulti *multi = nullptr;
    QString hostPort;
    std::array<Transfer, EndpointCount> transfers;
    int pending = 0;
    quint64 sequence = 0;
    qint64 pollStartedMs = 0;
    NodeSnapshot snapshot; ///< of the poll in progress
    std::optional<CpuSample> lastCpu;
    FetchError lastHealthError = FetchError::None; ///< for logging changes only

    EndpointResult &result(Endpoint endpoint)
    {
        switch (endpoint) {
        case Health:
            return snapshot.health;
        case Readiness:
            return snapshot.readiness;
        case Metrics:
        case EndpointCount:
            break;
        }
        return snapshot.metrics;
    }
};

HttpCollector::HttpCollector(QList<NodeConfig> nodes, Timeouts timeouts, Millis interval,
    qint64 maxBodyBytes, QObject *parent)
    : NodeSource(parent)
    , m_configs(std::move(nodes))
    , m_timeouts(timeouts)
    , m_interval(interval)
    , m_maxBodyBytes(maxBodyBytes)
    , m_userAgent(curlUserAgent())
    , m_noProxy(curlNoProxyList())
{
    curlGlobalInit(); // here, on the thread that builds the collectors
}

QString HttpCollector::kind() const
{
    return QStringLiteral("http");
}

HttpCollector::~HttpCollector()
{
    stop();
    m_nodes.clear(); // easy handles first: they are no longer in the multi handle
    m_multis.clear();
}

void HttpCollector::start()
{
    if (m_running)
        return;
    m_running = true;
    if (!m_clock.isValid())
        m_clock.start();

    if (m_multis.empty()) {
        const auto onDone = [this](CURL *easy, CURLcode result) {
            if (Transfer *transfer = curlOwner<Transfer>(easy))
                transferDone(*transfer, result);
        };
        const qsizetype multis
            = std::max<qsizetype>(1, (m_configs.size() + kNodesPerMulti - 1) / kNodesPerMulti);
        for (qsizetype i = 0; i < multis; ++i) {
            m_multis.push_back(std::make_unique<CurlMulti>(onDone));
            // Every node keeps one connection per endpoint alive between polls.
            m_multis.back()->setMaxConnections(long(kNodesPerMulti) * EndpointCount + 4);
        }

        m_pollTimer = new QTimer(this);
        m_pollTimer->setSingleShot(true);
        m_pollTimer->setTimerType(Qt::PreciseTimer);
        connect(m_pollTimer, &QTimer::timeout, this, &HttpCollector::pollDueNodes);

        m_nodes.reserve(std::size_t(m_configs.size()));
        for (const NodeConfig &config : std::as_const(m_configs)) {
            auto node = std::make_unique<Node>();
            node->config = config;
            node->index = m_nodes.size();
            node->multi = m_multis[node->index / std::size_t(kNodesPerMulti)].get();
            const QUrl &url = config.baseUrl;
            const int defaultPort = url.scheme() == QLatin1String("https") ? 443 : 80;
            const QString host = url.host().contains(QLatin1Char(':'))
                ? QLatin1Char('[') + url.host() + QLatin1Char(']')
                : url.host();
            node->hostPort = host + QLatin1Char(':') + QString::number(url.port(defaultPort));
            QString prefix = url.path();
            while (prefix.endsWith(QLatin1Char('/')))
                prefix.chop(1);
            const std::array<QString, EndpointCount> paths = { prefix + QStringLiteral("/healthz"),
                prefix + QStringLiteral("/healthz/readiness"),
                prefix + QStringLiteral("/metrics") };
            for (int e = 0; e < EndpointCount; ++e) {
                Transfer &transfer = node->transfers[std::size_t(e)];
                transfer.node = node.get();
                transfer.endpoint = Endpoint(e);
                setUpTransfer(*node, transfer, paths[std::size_t(e)]);
            }
            m_nodes.push_back(std::move(node));
        }
    }

    for (auto &node : m_nodes)
        startPoll(*node);
}

void HttpCollector::setUpTransfer(Node &node, Transfer &transfer, const QString &path)
{
    transfer.path = path;
    transfer.maxBodyBytes = m_maxBodyBytes;
    transfer.easy = curl_easy_init();
    if (!transfer.easy)
        return;

    QUrl url = node.config.baseUrl;
    url.setPath(path);
    url.setQuery(QString());
    url.setFragment(QString());
    const QByteArray encoded = url.toEncoded();

    CURL *easy = transfer.easy;
    transfer.url = curl_url();
    if (transfer.url
        && curl_url_set(transfer.url, CURLUPART_URL, encoded.constData(), 0) == CURLUE_OK) {
        curl_easy_setopt(easy, CURLOPT_CURLU, transfer.url);
    } else {
        // curl copies string options, so the temporary may go; it reports a bad URL itself.
        curl_easy_setopt(easy, CURLOPT_URL, encoded.constData());
    }
    EasyOptions options;
    options.connectTimeoutMs = m_timeouts.connect.count();
    options.timeoutMs = m_timeouts.request.count();
    options.userAgent = m_userAgent.constData();
    options.noProxy = m_noProxy.constData();
    options.errorBuffer = transfer.errorBuffer;
    options.owner = &transfer;
    setCommonOptions(easy, options);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(m_maxBodyBytes));
    // Only new connections resolve (kept-alive ones do not), and libcurl 7.88 walks its whole
    // DNS cache after every transfer: an empty cache keeps that walk short, and a node that
    // moved (a recreated container) is found at its new address on the next connect.
    curl_easy_setopt(easy, CURLOPT_DNS_CACHE_TIMEOUT, 0L);
    node.multi->adoptSockets(easy);
}

void HttpCollector::stop()
{
    m_running = false;
    if (m_pollTimer)
        m_pollTimer->stop();
    m_due = {};
    for (auto &node : m_nodes) {
        for (Transfer &transfer : node->transfers) {
            if (transfer.active) {
                node->multi->remove(transfer.easy);
                transfer.active = false;
            }
        }
        node->pending = 0;
        node->snapshot = NodeSnapshot {};
    }
}

void HttpCollector::startPoll(Node &node)
{
    node.pollStartedMs = nowMs();
    node.snapshot = NodeSnapshot {};
    node.snapshot.node = node.config.name;
    node.snapshot.sequence = ++node.sequence;
    node.pending = 0;

    for (Transfer &transfer : node.transfers) {
        transfer.body.resize(0); // keeps the capacity for the next body
        transfer.tooLarge = false;
        transfer.errorBuffer[0] = '\0';
        transfer.active = transfer.easy && node.multi->add(transfer.easy);
        if (transfer.active) {
            ++node.pending;
        } else {
            const CurlFailure failure
                = describeCurlFailure(CURLE_FAILED_INIT, transferInfo(transfer));
            EndpointResult &result = node.result(transfer.endpoint);
            result.error = failure.kind;
            result.errorText = failure.text;
        }
    }
    if (node.pending == 0)
        finishPoll(node);
}

TransferInfo HttpCollector::transferInfo(const Transfer &transfer) const
{
    TransferInfo info;
    info.path = transfer.path;
    info.peer = transfer.node->hostPort;
    info.connectTimeoutMs = m_timeouts.connect.count();
    info.timeoutMs = m_timeouts.request.count();
    info.maxBodyBytes = m_maxBodyBytes;
    return info;
}

void HttpCollector::transferDone(Transfer &transfer, int curlCode)
{
    if (!transfer.active)
        return;
    transfer.active = false;
    transfer.doneAtMs = double(m_clock.nsecsElapsed()) / 1e6;

    Node &node = *transfer.node;
    CURL *easy = transfer.easy;
    const auto code = CURLcode(curlCode);
    EndpointResult &result = node.result(transfer.endpoint);

    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_off_t totalUs = 0;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &totalUs);
    result.httpStatus = int(status);
    result.responseMs = double(totalUs) / 1000.0;

    // Only failures need words: a successful request allocates nothing here.
    if (code != CURLE_OK || status < 200 || status > 299) {
        TransferInfo info = transferInfo(transfer);
        info.readFrom(easy, transfer.errorBuffer);
        info.bodyTooLarge = transfer.tooLarge;
        if (code == CURLE_OK)
            info.answerText = bodySnippet(transfer.body);
        const CurlFailure failure = describeCurlFailure(code, info);
        result.error = failure.kind;
        result.errorText = failure.text;
    }

    if (--node.pending == 0)
        finishPoll(node);
}

void HttpCollector::finishPoll(Node &node)
{
    NodeSnapshot &snapshot = node.snapshot;
    snapshot.timestampMs = QDateTime::currentMSecsSinceEpoch();

    EndpointResult &metrics = snapshot.metrics;
    if (metrics.ok()) {
        const Transfer &transfer = node.transfers[Metrics];
        Result<NodeMetrics> parsed = parseN8nMetrics(transfer.body);
        if (parsed) {
            snapshot.metricsState = MetricsState::Ok;
            snapshot.values = std::move(parsed).value();
            if (const auto cpu = snapshot.values.cpuSecondsTotal) {
                const Node::CpuSample sample { *cpu, transfer.doneAtMs,
                    snapshot.values.processStartTime };
                // A counter that went back or a new start time means the process restarted.
                if (node.lastCpu && node.lastCpu->processStartTime == sample.processStartTime
                    && sample.cpuSeconds >= node.lastCpu->cpuSeconds
                    && sample.atMs - node.lastCpu->atMs > 1.0) {
                    snapshot.cpuPercent = (sample.cpuSeconds - node.lastCpu->cpuSeconds)
                        / ((sample.atMs - node.lastCpu->atMs) / 1000.0) * 100.0;
                }
                node.lastCpu = sample;
            }
        } else {
            snapshot.metricsState = MetricsState::Malformed;
            snapshot.metricsError = parsed.error();
        }
    } else if (metrics.error == FetchError::HttpStatus && metrics.httpStatus == 404) {
        // No /metrics here (webhook processor, or N8N_METRICS off): not a node failure.
        snapshot.metricsState = MetricsState::NotExposed;
        metrics.error = FetchError::None;
        metrics.errorText.clear();
    } else if (metrics.error == FetchError::ConnectionRefused || metrics.error == FetchError::Dns) {
        snapshot.metricsState = MetricsState::Unknown; // the node is unreachable
    } else {
        snapshot.metricsState = MetricsState::Failed;
    }

    if (snapshot.health.error != node.lastHealthError) {
        if (snapshot.health.ok())
            qCInfo(lcHttp).noquote() << node.config.name << "answers /healthz again";
        else
            qCInfo(lcHttp).noquote() << node.config.name << snapshot.health.errorText;
        node.lastHealthError = snapshot.health.error;
    }

    Q_EMIT nodeSnapshotReady(snapshot);
    snapshot = NodeSnapshot {};

    if (!m_running)
        return;
    const qint64 now = nowMs();
    const qint64 due = node.pollStartedMs + qint64(m_interval.count());
    schedule(node, due >= now ? due : now + kMinGapMs);
}

void HttpCollector::schedule(Node &node, qint64 dueMs)
{
    m_due.emplace(dueMs, node.index);
    armPollTimer();
}

void HttpCollector::armPollTimer()
{
    if (m_due.empty()) {
        m_pollTimer->stop();
        return;
    }
    const qint64 delay = std::max<qint64>(0, m_due.top().first - nowMs());
    if (!m_pollTimer->isActive() || delay < m_pollTimer->remainingTime())
        m_pollTimer->start(int(delay));
}

void HttpCollector::pollDueNodes()
{
    const qint64 now = nowMs();
    while (m_running && !m_due.empty() && m_due.top().first <= now + kBatchSlackMs) {
        const std::size_t index = m_due.top().second;
        m_due.pop();
        startPoll(*m_nodes[index]);
    }
    if (m_running)
        armPollTimer();
}

} // namespace cw
