#include "services/drillrun/DrillProbe.h"

#include "models/Clock.h"
#include "models/Formatter.h"
#include "services/net/CurlFailure.h"
#include "services/net/CurlMulti.h"
#include "services/net/CurlSetup.h"

#include <QLoggingCategory>
#include <QNetworkProxy>
#include <QTcpSocket>
#include <QTimer>
#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace cw {

namespace {

Q_LOGGING_CATEGORY(lcProbe, "clusterwatch.drill.probe", QtInfoMsg)

/// Samples are handed over at most this often.
constexpr qint64 kBatchMs = 100;
/// Target probes outstanding at once; a tick finding this many sends none.
constexpr std::size_t kMaxTargetProbes = 10;
/// Bodies are counted and dropped; an answer longer than this is cut (its status still counts).
constexpr qint64 kMaxBodyBytes = qint64(1024) * 1024;
/// Finished easy handles kept for the next requests (their options stay set).
constexpr std::size_t kIdleHandles = 64;
/// Kept-alive connections to the load balancer or the target.
constexpr long kCachedConnections = 64;
/// A send timer that fell further behind than this (the thread was held up) sends one second's
/// worth of requests at once and drops the rest, instead of a burst that was never scheduled.
constexpr int kMaxCatchUpSeconds = 1;

qint64 monoNow()
{
    return Clock::system().now().monoMs;
}

/// "75 s", "1.50 s": whole seconds as they were configured.
QString seconds(qint64 ms)
{
    return ms % 1000 == 0 ? QString::number(ms / 1000) + QStringLiteral(" s")
                          : fmt::duration(double(ms));
}

/// The short text of a failed request, which the report also groups by: "connection refused",
/// "timed out after 75 s", "empty reply", else the shared curl wording (CurlFailure::reason).
QString requestError(CURLcode code, const TransferInfo &info)
{
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        if (info.connected)
            return QStringLiteral("timed out after ") + seconds(info.timeoutMs);
        return QStringLiteral("no connection within ")
            + seconds(std::min(info.connectTimeoutMs, info.timeoutMs));
    case CURLE_GOT_NOTHING:
        return QStringLiteral("empty reply");
    default:
        return describeCurlFailure(code, info).reason;
    }
}

/// "GET <loadBalancer><path>": the path is appended to the balancer's own path prefix.
QByteArray proberUrl(const QUrl &loadBalancer, const QString &path)
{
    QUrl url = loadBalancer;
    QString prefix = url.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    QString rest = path.startsWith(QLatin1Char('/')) ? path : QLatin1Char('/') + path;
    const qsizetype query = rest.indexOf(QLatin1Char('?'));
    if (query >= 0) {
        url.setQuery(rest.mid(query + 1));
        rest.truncate(query);
    } else {
        url.setQuery(QString());
    }
    url.setPath(prefix + rest);
    url.setFragment(QString());
    return url.toEncoded();
}

/// One HTTP request: a prober request or an HTTP target probe. Its easy handle keeps its options
/// between requests.
struct Transfer : CurlEasyHandle {
    qint64 sentMono = 0;
    std::size_t slot = 0; ///< index in Private::inFlight (prober requests)
    qint64 bodyBytes = 0;
    bool tooLarge = false;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    static size_t discard(char *, size_t size, size_t count, void *userdata)
    {
        auto *self = static_cast<Transfer *>(userdata);
        const size_t bytes = size * count;
        self->bodyBytes += qint64(bytes);
        if (self->bodyBytes > kMaxBodyBytes) {
            self->tooLarge = true;
            return 0; // curl ends the transfer with CURLE_WRITE_ERROR
        }
        return bytes;
    }

    void reset()
    {
        bodyBytes = 0;
        tooLarge = false;
        errorBuffer[0] = '\0';
    }
};

/// One look at the target, until it has answered, failed or timed out.
struct TargetProbe {
    qint64 sentMono = 0;
    std::unique_ptr<Transfer> transfer; ///< Http
    QTcpSocket *socket = nullptr; ///< Redis, Postgres, Tcp; a child of the DrillProbe
};

} // namespace

struct DrillProbe::Private {
    explicit Private(DrillProbe *owner);

    void stop();
    void startProber();
    void startTarget();

    // The prober.
    void sendDue();
    void sendOne();
    std::unique_ptr<Transfer> newTransfer(
        const QByteArray &url, qint64 connectTimeoutMs, qint64 timeoutMs, CurlMulti &multi);
    void requestDone(Transfer &transfer, CURLcode code);

    // The target.
    void probeTarget();
    void startSocketProbe(TargetProbe &probe);
    void socketDone(QTcpSocket *socket, bool up);
    void targetTransferDone(Transfer &transfer, CURLcode code);
    void addTarget(qint64 sentMono, bool up, int status);

    // Batches.
    void addProbe(const ProbeSample &sample);
    void queueFlush();
    void flush();

    [[nodiscard]] qint64 offset(qint64 mono) const { return mono - originMonoMs; }

    DrillProbe *const q;
    DrillProbeSettings settings;
    qint64 originMonoMs = 0;
    bool running = false;
    const QByteArray userAgent;
    const QByteArray noProxy;

    // Declared before the transfers: destroyed after them.
    std::unique_ptr<CurlMulti> proberMulti;
    std::unique_ptr<CurlMulti> targetMulti;

    QByteArray requestUrl;
    std::vector<std::unique_ptr<Transfer>> inFlight; ///< by Transfer::slot
    std::vector<std::unique_ptr<Transfer>> idleRequests;
    QTimer *sendTimer = nullptr;
    qint64 sendStartMono = 0;
    qint64 sendIndex = 0; ///< requests due so far: request i is due at start + i * 1000 / rps
    bool saidFull = false;

    QByteArray targetUrl;
    std::vector<std::unique_ptr<TargetProbe>> targets; ///< outstanding, oldest first
    std::vector<std::unique_ptr<Transfer>> idleTargetTransfers;
    QTimer *probeTimer = nullptr;

    QList<ProbeSample> probeBatch;
    QList<TargetSample> targetBatch;
    QTimer *flushTimer = nullptr;
    qint64 lastFlushMono = std::numeric_limits<qint64>::min() / 2;
};

DrillProbe::Private::Private(DrillProbe *owner)
    : q(owner)
    , userAgent(curlUserAgent())
    , noProxy(curlNoProxyList())
    , sendTimer(new QTimer(owner))
    , probeTimer(new QTimer(owner))
    , flushTimer(new QTimer(owner))
{
    sendTimer->setSingleShot(true);
    sendTimer->setTimerType(Qt::PreciseTimer);
    QObject::connect(sendTimer, &QTimer::timeout, q, [this] { sendDue(); });
    probeTimer->setTimerType(Qt::PreciseTimer);
    QObject::connect(probeTimer, &QTimer::timeout, q, [this] { probeTarget(); });
    flushTimer->setSingleShot(true);
    flushTimer->setTimerType(Qt::PreciseTimer); // a coarse timer may fire early
    QObject::connect(flushTimer, &QTimer::timeout, q, [this] { flush(); });
}

DrillProbe::DrillProbe(QObject *parent)
    : QObject(parent)
{
    curlGlobalInit(); // here, on the thread that builds the probe
    qRegisterMetaType<DrillProbeSettings>();
    qRegisterMetaType<ProbeSample>();
    qRegisterMetaType<TargetSample>();
    qRegisterMetaType<QList<ProbeSample>>();
    qRegisterMetaType<QList<TargetSample>>();
    d = std::make_unique<Private>(this);
}

DrillProbe::~DrillProbe()
{
    d->stop();
}

void DrillProbe::start(const DrillProbeSettings &settings, qint64 originMonoMs)
{
    d->stop();
    d->settings = settings;
    d->originMonoMs = originMonoMs;
    d->running = true;
    d->startProber();
    d->startTarget();
}

void DrillProbe::stop()
{
    d->stop();
}

void DrillProbe::Private::stop()
{
    if (running)
        qCDebug(lcProbe) << "stopped with" << inFlight.size() << "requests in flight";
    running = false;
    sendTimer->stop();
    probeTimer->stop();
    flushTimer->stop();
    // Removed from the multi handle, a transfer is abandoned: no DoneHandler, its connection is
    // closed. The handles go with the multi handles: a later start() may use other settings.
    for (const auto &transfer : inFlight) {
        if (proberMulti)
            proberMulti->remove(transfer->easy);
    }
    inFlight.clear();
    idleRequests.clear();
    for (const auto &probe : targets) {
        if (probe->transfer && targetMulti)
            targetMulti->remove(probe->transfer->easy);
        if (probe->socket) {
            QObject::disconnect(probe->socket, nullptr, q, nullptr);
            probe->socket->abort();
            probe->socket->deleteLater();
        }
    }
    targets.clear();
    idleTargetTransfers.clear();
    proberMulti.reset(); // closes the kept-alive connections
    targetMulti.reset();
    probeBatch.clear();
    targetBatch.clear();
    saidFull = false;
}

// --- the prober ---

void DrillProbe::Private::startProber()
{
    if (settings.loadBalancer.isEmpty() || settings.requestsPerSecond <= 0)
        return;
    if (!settings.loadBalancer.isValid()) {
        qCWarning(lcProbe).noquote()
            << "no prober: invalid load balancer URL" << settings.loadBalancer.errorString();
        return;
    }
    requestUrl = proberUrl(settings.loadBalancer, settings.path);
    proberMulti = std::make_unique<CurlMulti>([this](CURL *easy, CURLcode code) {
        if (auto *transfer = curlOwner<Transfer>(easy))
            requestDone(*transfer, code);
    });
    proberMulti->setMaxConnections(kCachedConnections);
    qCInfo(lcProbe).noquote() << "sending" << settings.requestsPerSecond << "requests/s to"
                              << settings.loadBalancer.toDisplayString(QUrl::RemoveUserInfo)
                              << settings.path;
    sendStartMono = monoNow();
    sendIndex = 0;
    sendDue();
}

void DrillProbe::Private::sendDue()
{
    if (!running || !proberMulti)
        return;
    const qint64 rps = settings.requestsPerSecond;
    const auto dueAt = [&](qint64 index) { return sendStartMono + index * 1000 / rps; };
    const qint64 now = monoNow();
    qint64 sent = 0;
    while (dueAt(sendIndex) <= now) {
        if (sent == rps * kMaxCatchUpSeconds) {
            const qint64 dropped = (now - dueAt(sendIndex)) * rps / 1000 + 1;
            qCWarning(lcProbe) << "the probe thread was held up: about" << dropped
                               << "requests were not sent";
            sendStartMono = now;
            sendIndex = 1;
            break;
        }
        sendOne();
        ++sendIndex;
        ++sent;
    }
    sendTimer->start(int(std::max<qint64>(0, dueAt(sendIndex) - monoNow())));
}

std::unique_ptr<Transfer> DrillProbe::Private::newTransfer(
    const QByteArray &url, qint64 connectTimeoutMs, qint64 timeoutMs, CurlMulti &multi)
{
    auto transfer = std::make_unique<Transfer>();
    transfer->easy = curl_easy_init();
    if (!transfer->easy)
        return transfer;
    CURL *easy = transfer->easy;
    curl_easy_setopt(easy, CURLOPT_URL, url.constData());
    EasyOptions options;
    options.connectTimeoutMs = connectTimeoutMs;
    options.timeoutMs = timeoutMs;
    options.userAgent = userAgent.constData();
    options.noProxy = noProxy.constData();
    options.errorBuffer = transfer->errorBuffer;
    options.owner = transfer.get();
    setCommonOptions(easy, options);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::discard);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(kMaxBodyBytes));
    // HTTP/1.1, one request per connection at a time, as the clients of a webhook send them:
    // HTTP/2 would queue requests behind a connection's stream limit and bend the rate.
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
    multi.adoptSockets(easy);
    return transfer;
}

void DrillProbe::Private::sendOne()
{
    const qint64 now = monoNow();
    ProbeSample notSent;
    notSent.sentMs = offset(now);
    const auto limit = std::size_t(std::max(0, settings.maxInFlight));
    if (inFlight.size() >= limit) {
        if (!saidFull) {
            qCWarning(lcProbe) << inFlight.size() << "requests in flight: further ones not sent";
            saidFull = true;
        }
        notSent.error = QStringLiteral("not sent: %1 requests already in flight")
                            .arg(qulonglong(inFlight.size()));
        addProbe(notSent);
        return;
    }
    saidFull = false;

    std::unique_ptr<Transfer> transfer;
    if (!idleRequests.empty()) {
        transfer = std::move(idleRequests.back());
        idleRequests.pop_back();
    } else {
        transfer = newTransfer(requestUrl, qint64(settings.connectTimeout.count()),
            qint64(settings.requestTimeout.count()), *proberMulti);
    }
    transfer->reset();
    if (!transfer->easy || !proberMulti->add(transfer->easy)) {
        notSent.error = QStringLiteral("could not start the request");
        addProbe(notSent);
        return;
    }
    transfer->sentMono = now;
    transfer->slot = inFlight.size();
    inFlight.push_back(std::move(transfer));
}

void DrillProbe::Private::requestDone(Transfer &transfer, CURLcode code)
{
    const qint64 now = monoNow();
    const std::size_t slot = transfer.slot;
    Q_ASSERT(slot < inFlight.size() && inFlight[slot].get() == &transfer);
    std::unique_ptr<Transfer> done = std::move(inFlight[slot]);
    if (slot + 1 != inFlight.size()) {
        inFlight[slot] = std::move(inFlight.back());
        inFlight[slot]->slot = slot;
    }
    inFlight.pop_back();

    ProbeSample sample;
    sample.sentMs = offset(done->sentMono);
    sample.latencyMs = qint32(now - done->sentMono);
    long status = 0;
    curl_easy_getinfo(done->easy, CURLINFO_RESPONSE_CODE, &status);
    const bool cut = done->tooLarge || code == CURLE_FILESIZE_EXCEEDED;
    if ((code == CURLE_OK || cut) && status > 0) {
        sample.status = int(status);
    } else {
        TransferInfo info;
        info.connectTimeoutMs = qint64(settings.connectTimeout.count());
        info.timeoutMs = qint64(settings.requestTimeout.count());
        info.maxBodyBytes = kMaxBodyBytes;
        info.readFrom(done->easy, done->errorBuffer);
        // A reused connection has no connect time of its own: a request sent was connected.
        long requestBytes = 0;
        curl_easy_getinfo(done->easy, CURLINFO_REQUEST_SIZE, &requestBytes);
        info.connected = info.connected || requestBytes > 0;
        sample.error
            = code == CURLE_OK ? QStringLiteral("no HTTP answer") : requestError(code, info);
    }
    addProbe(sample);

    if (idleRequests.size() < kIdleHandles)
        idleRequests.push_back(std::move(done));
}

// --- the target ---

void DrillProbe::Private::startTarget()
{
    const TargetProbeSpec &spec = settings.target;
    switch (spec.kind) {
    case TargetProbeSpec::Kind::None:
        return;
    case TargetProbeSpec::Kind::Http:
        if (!spec.url.isValid() || spec.url.isEmpty()) {
            qCWarning(lcProbe) << "no target probe: invalid URL";
            return;
        }
        targetUrl = spec.url.toEncoded();
        targetMulti = std::make_unique<CurlMulti>([this](CURL *easy, CURLcode code) {
            if (auto *transfer = curlOwner<Transfer>(easy))
                targetTransferDone(*transfer, code);
        });
        targetMulti->setMaxConnections(long(kMaxTargetProbes));
        break;
    case TargetProbeSpec::Kind::Redis:
    case TargetProbeSpec::Kind::Postgres:
    case TargetProbeSpec::Kind::Tcp:
        if (spec.host.isEmpty() || spec.port == 0) {
            qCWarning(lcProbe) << "no target probe: no host or port";
            return;
        }
        break;
    }
    probeTimer->start(int(std::max<qint64>(10, qint64(spec.interval.count()))));
    probeTarget();
}

void DrillProbe::Private::probeTarget()
{
    if (!running || targets.size() >= kMaxTargetProbes)
        return;
    const TargetProbeSpec &spec = settings.target;
    targets.push_back(std::make_unique<TargetProbe>());
    TargetProbe &probe = *targets.back();
    probe.sentMono = monoNow();
    if (spec.kind != TargetProbeSpec::Kind::Http) {
        startSocketProbe(probe);
        return;
    }

    const auto timeoutMs = qint64(spec.timeout.count());
    if (!idleTargetTransfers.empty()) {
        probe.transfer = std::move(idleTargetTransfers.back());
        idleTargetTransfers.pop_back();
    } else {
        probe.transfer = newTransfer(targetUrl, timeoutMs, timeoutMs, *targetMulti);
    }
    probe.transfer->reset();
    if (!probe.transfer->easy || !targetMulti->add(probe.transfer->easy)) {
        const qint64 sentMono = probe.sentMono;
        targets.pop_back();
        addTarget(sentMono, false, 0);
    }
}

void DrillProbe::Private::startSocketProbe(TargetProbe &probe)
{
    const TargetProbeSpec::Kind kind = settings.target.kind;
    auto *socket = new QTcpSocket(q);
    probe.socket = socket;
    socket->setProxy(QNetworkProxy::NoProxy);

    // A paused process's kernel still completes the handshake: only an answer from the
    // application itself counts as up (except for the plain TCP probe, which asks for none).
    QObject::connect(socket, &QTcpSocket::connected, q, [this, socket, kind] {
        switch (kind) {
        case TargetProbeSpec::Kind::Redis:
            socket->write("PING\r\n");
            break;
        case TargetProbeSpec::Kind::Postgres: {
            // SSLRequest: length 8, code 80877103 (1234 << 16 | 5679), big-endian.
            static constexpr char sslRequest[8] = { 0, 0, 0, 8, 0x04, char(0xd2), 0x16, 0x2f };
            socket->write(sslRequest, sizeof sslRequest);
            break;
        }
        case TargetProbeSpec::Kind::Tcp:
        case TargetProbeSpec::Kind::Http:
        case TargetProbeSpec::Kind::None:
            socketDone(socket, true);
            break;
        }
    });
    QObject::connect(socket, &QTcpSocket::readyRead, q, [this, socket, kind] {
        char first = 0;
        if (!socket->getChar(&first))
            return;
        const bool up = kind == TargetProbeSpec::Kind::Redis ? (first == '+' || first == '-')
                                                             : (first == 'S' || first == 'N');
        socketDone(socket, up);
    });
    QObject::connect(socket, &QTcpSocket::errorOccurred, q,
        [this, socket](QAbstractSocket::SocketError) { socketDone(socket, false); });
    // Context: the socket, so that the timer goes with it; a probe already done is not found.
    QTimer::singleShot(int(std::max<qint64>(1, qint64(settings.target.timeout.count()))), socket,
        [this, socket] { socketDone(socket, false); });

    socket->connectToHost(settings.target.host, settings.target.port);
}

void DrillProbe::Private::socketDone(QTcpSocket *socket, bool up)
{
    const auto it = std::find_if(targets.begin(), targets.end(),
        [socket](const std::unique_ptr<TargetProbe> &probe) { return probe->socket == socket; });
    if (it == targets.end())
        return;
    const qint64 sentMono = (*it)->sentMono;
    targets.erase(it);
    // Called from the socket's own signals: it is deleted later, and says nothing more.
    QObject::disconnect(socket, nullptr, q, nullptr);
    socket->abort();
    socket->deleteLater();
    addTarget(sentMono, up, 0);
}

void DrillProbe::Private::targetTransferDone(Transfer &transfer, CURLcode code)
{
    const auto it = std::find_if(
        targets.begin(), targets.end(), [&transfer](const std::unique_ptr<TargetProbe> &probe) {
            return probe->transfer.get() == &transfer;
        });
    if (it == targets.end())
        return;
    std::unique_ptr<TargetProbe> probe = std::move(*it);
    targets.erase(it);
    long status = 0;
    if (code == CURLE_OK || transfer.tooLarge || code == CURLE_FILESIZE_EXCEEDED)
        curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &status);
    addTarget(probe->sentMono, status == 200, int(status));
    if (idleTargetTransfers.size() < kMaxTargetProbes)
        idleTargetTransfers.push_back(std::move(probe->transfer));
}

void DrillProbe::Private::addTarget(qint64 sentMono, bool up, int status)
{
    TargetSample sample;
    sample.atMs = offset(sentMono);
    sample.up = up;
    sample.status = status;
    sample.latencyMs = qint32(monoNow() - sentMono);
    targetBatch.append(sample);
    queueFlush();
}

// --- batches ---

void DrillProbe::Private::addProbe(const ProbeSample &sample)
{
    probeBatch.append(sample);
    queueFlush();
}

void DrillProbe::Private::queueFlush()
{
    if (!running || flushTimer->isActive())
        return;
    flushTimer->start(int(std::clamp<qint64>(lastFlushMono + kBatchMs - monoNow(), 0, kBatchMs)));
}

void DrillProbe::Private::flush()
{
    if (!running || (probeBatch.isEmpty() && targetBatch.isEmpty()))
        return;
    lastFlushMono = monoNow();
    const QList<ProbeSample> probes = std::exchange(probeBatch, {});
    const QList<TargetSample> targetSamples = std::exchange(targetBatch, {});
    Q_EMIT q->samples(probes, targetSamples);
}

} // namespace cw
