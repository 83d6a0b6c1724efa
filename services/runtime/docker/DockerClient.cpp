#include "services/runtime/docker/DockerClient.h"

#include "services/base/Logging.h"

#include "services/net/CurlFailure.h"
#include "services/net/CurlMulti.h"
#include "services/net/CurlSetup.h"
#include "services/runtime/docker/DockerJson.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTimer>
#include <QUrl>
#include <QVersionNumber>

#include <algorithm>
#include <cerrno>
#include <sys/stat.h>

namespace cw {

namespace {


constexpr qint64 kMinGapMs = 50;        ///< between two polls
constexpr qint64 kSoonGapMs = 50;       ///< a poll asked for by an event or an action
constexpr qint64 kMaxBackoffMs = 5000;
constexpr qint64 kEventsFirstBackoffMs = 250;
constexpr qint64 kStreamLivedMs = 5000; ///< a stream that lived this long resets its backoff
constexpr qint64 kFollowFirstBackoffMs = 1000;
constexpr int kMaxParallelInspects = 8;
constexpr qsizetype kMaxStreamLineBytes = qsizetype(1) << 20;
constexpr qint64 kMaxLogTailBytes = qint64(16) << 20;
constexpr int kMaxTail = 100000;
constexpr int kDefaultStopGraceS = 10;  ///< the engine's default for restart and stop

const QByteArray kEventsFilter = QByteArrayLiteral(R"({"type":["container"]})");

qint64 wallMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

/// Actions after which the container list or a restart count may have changed.
bool changesState(const QString &action)
{
    static const QSet<QString> actions = { QStringLiteral("create"), QStringLiteral("start"),
        QStringLiteral("restart"), QStringLiteral("stop"), QStringLiteral("die"),
        QStringLiteral("destroy"), QStringLiteral("pause"), QStringLiteral("unpause"),
        QStringLiteral("rename"), QStringLiteral("oom"), QStringLiteral("update") };
    return actions.contains(action);
}

/// Container names and ids as the engine accepts them; anything else never reaches a URL.
bool isContainerName(const QString &name)
{
    if (name.isEmpty() || name.size() > 255)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        const bool alnum = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
        if (!alnum && (i == 0 || (c != QLatin1Char('_') && c != QLatin1Char('.') && c != QLatin1Char('-'))))
            return false;
    }
    return true;
}

QString encoded(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

/// "1795460304.653424520": the `since` format of /events and /logs.
QString unixSeconds(qint64 nanos)
{
    return QStringLiteral("%1.%2")
        .arg(nanos / 1'000'000'000)
        .arg(nanos % 1'000'000'000, 9, 10, QLatin1Char('0'));
}

QString pastTense(ContainerAction action)
{
    switch (action) {
    case ContainerAction::Restart: return QStringLiteral("restarted");
    case ContainerAction::Stop: return QStringLiteral("stopped");
    case ContainerAction::Start: return QStringLiteral("started");
    }
    return {};
}

} // namespace

struct DockerClient::Request : CurlEasyHandle {
    DockerClient *client = nullptr;
    quint64 id = 0;
    QByteArray method;
    QString path;               ///< without the query, for messages
    bool stream = false;
    qint64 timeoutMs = 0;
    qint64 maxBodyBytes = 0;
    QByteArray body;            ///< whole body; for a stream, only a non-2xx answer's
    bool tooLarge = false;
    bool cancelled = false;
    bool notStarted = false;
    long status = 0;
    QByteArray apiVersion;
    DataHandler onData;
    DoneHandler onDone;
    std::function<void(Request &)> onHeaders;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    [[nodiscard]] bool success() const { return status >= 200 && status < 300; }

    static size_t header(char *data, size_t size, size_t count, void *userdata)
    {
        auto *self = static_cast<Request *>(userdata);
        const size_t bytes = size * count;
        const QByteArrayView line = QByteArrayView(data, qsizetype(bytes)).trimmed();
        if (line.startsWith("HTTP/")) {
            const QList<QByteArray> parts = line.toByteArray().split(' ');
            self->status = parts.size() > 1 ? parts.at(1).toLong() : 0;
            self->apiVersion.clear();
        } else if (line.isEmpty()) {
            if (self->status >= 200 && self->onHeaders && !self->cancelled) {
                ++self->client->m_callbackDepth;
                self->onHeaders(*self);
                --self->client->m_callbackDepth;
            }
        } else if (line.size() > 12 && qstrnicmp(line.data(), "api-version:", 12) == 0) {
            self->apiVersion = line.sliced(12).trimmed().toByteArray();
        }
        return self->cancelled ? 0 : bytes;
    }

    static size_t write(char *data, size_t size, size_t count, void *userdata)
    {
        auto *self = static_cast<Request *>(userdata);
        const size_t bytes = size * count;
        if (self->cancelled)
            return 0;
        if (self->stream && self->success()) {
            ++self->client->m_callbackDepth;
            self->onData(QByteArrayView(data, qsizetype(bytes)));
            --self->client->m_callbackDepth;
            return self->cancelled ? 0 : bytes;
        }
        if (self->body.size() + qint64(bytes) > self->maxBodyBytes) {
            self->tooLarge = true;
            return 0; // curl aborts with CURLE_WRITE_ERROR
        }
        self->body.append(data, qsizetype(bytes));
        return bytes;
    }
};

DockerClient::DockerClient(
    DockerEndpoint endpoint, Timeouts timeouts, Millis interval, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_timeouts(timeouts)
    , m_interval(std::max(interval, Millis(kMinGapMs)))
{
    curlGlobalInit(); // here, on the constructing thread
    qRegisterMetaType<cw::DockerSnapshot>();
    qRegisterMetaType<cw::ContainerStats>();
    qRegisterMetaType<cw::DockerEvent>();
    qRegisterMetaType<cw::ActionResult>();
    qRegisterMetaType<cw::ContainerAction>();

    m_userAgent = curlUserAgent();

    const QString &host = m_endpoint.host;
    if (host.startsWith(QLatin1String("unix://"))) {
        const QString path = host.mid(7);
        if (!path.startsWith(QLatin1Char('/')))
            m_endpointError = QStringLiteral("'%1' is not an absolute socket path").arg(path);
        else if (path.toUtf8().size() > 107)
            m_endpointError = QStringLiteral("socket path longer than 107 bytes");
        m_socketPath = path.toUtf8();
        m_urlBase = "http://localhost";
    } else if (host.startsWith(QLatin1String("tcp://"))) {
        const QUrl url(host);
        if (!url.isValid() || url.host().isEmpty()) {
            m_endpointError = QStringLiteral("'%1' is not tcp://host:port").arg(host);
        } else {
            const int port = url.port(m_endpoint.tlsVerify ? 2376 : 2375);
            const QString name = url.host().contains(QLatin1Char(':'))
                ? QLatin1Char('[') + url.host() + QLatin1Char(']')
                : url.host();
            m_urlBase = (m_endpoint.tlsVerify ? QByteArrayLiteral("https://")
                                              : QByteArrayLiteral("http://"))
                + name.toUtf8() + ':' + QByteArray::number(port);
            if (m_endpoint.tlsVerify) {
                const QString dir = m_endpoint.certPath;
                m_caFile = QFileInfo(dir + QStringLiteral("/ca.pem")).absoluteFilePath().toLocal8Bit();
                m_certFile = QFileInfo(dir + QStringLiteral("/cert.pem")).absoluteFilePath().toLocal8Bit();
                m_keyFile = QFileInfo(dir + QStringLiteral("/key.pem")).absoluteFilePath().toLocal8Bit();
            }
        }
    } else {
        m_endpointError
            = QStringLiteral("unsupported host (expected unix:///path or tcp://host:port)");
    }
}

DockerClient::~DockerClient()
{
    if (m_multi) {
        for (auto &[id, request] : m_requests)
            m_multi->remove(request->easy);
    }
    m_requests.clear(); // easy handles first: they are no longer in the multi handle
    m_multi.reset();
}

void DockerClient::start()
{
    if (m_running)
        return;
    m_running = true;
    if (!m_clock.isValid())
        m_clock.start();
    if (!m_multi) {
        m_multi = std::make_unique<CurlMulti>(
            [this](CURL *easy, CURLcode result) {
                if (Request *request = curlOwner<Request>(easy))
                    requestDone(request, result);
            });
        // Kept-alive connections for polls and inspects; streams hold their own.
        m_multi->setMaxConnections(kMaxParallelInspects + 8);
        m_pollTimer = new QTimer(this);
        m_pollTimer->setSingleShot(true);
        connect(m_pollTimer, &QTimer::timeout, this, &DockerClient::poll);
        m_eventsTimer = new QTimer(this);
        m_eventsTimer->setSingleShot(true);
        connect(m_eventsTimer, &QTimer::timeout, this, &DockerClient::ensureEvents);
    }
    m_backoffMs = m_interval.count();
    m_nextAttemptMs = 0;
    m_everPolled = false;
    poll();
}

void DockerClient::stop()
{
    m_running = false;
    if (m_pollTimer)
        m_pollTimer->stop();
    if (m_eventsTimer)
        m_eventsTimer->stop();
    std::vector<quint64> ids;
    for (const auto &[id, request] : m_requests)
        ids.push_back(id);
    for (const quint64 id : ids)
        cancel(id);
    m_pollInFlight = false;
    m_pollRequests.clear();
    m_toInspect.clear();
    m_inspectsInFlight = 0;
    m_negotiating = false;
    m_apiWaiters.clear();
    m_apiVersion.clear();
    m_eventsRequest = 0;
    m_stats.clear();
    m_statsBuffers.clear();
    m_follows.clear();
    m_busy.clear();
    m_reachable = false;
}

// --- requests ---------------------------------------------------------------------------------

quint64 DockerClient::send(const RequestSpec &spec, DoneHandler onDone, DataHandler onData,
    std::function<void(Request &)> onHeaders)
{
    auto owned = std::make_unique<Request>();
    Request &request = *owned;
    request.client = this;
    request.id = ++m_nextRequestId;
    request.stream = spec.stream;
    request.timeoutMs = spec.timeoutMs > 0 ? spec.timeoutMs : qint64(m_timeouts.request.count());
    request.maxBodyBytes = spec.maxBodyBytes;
    request.onDone = std::move(onDone);
    request.onData = std::move(onData);
    request.onHeaders = std::move(onHeaders);
    request.method = spec.method;
    request.path = spec.path.left(spec.path.indexOf(QLatin1Char('?')));

    const QString path = spec.versioned && !m_apiVersion.isEmpty()
        ? QStringLiteral("/v") + m_apiVersion + spec.path
        : spec.path;
    const QByteArray url = m_urlBase + path.toUtf8();
    request.easy = curl_easy_init();
    CURL *easy = request.easy;
    if (easy) {
        EasyOptions options;
        options.connectTimeoutMs = m_timeouts.connect.count();
        options.timeoutMs = spec.stream ? 0 : request.timeoutMs;
        options.userAgent = m_userAgent.constData();
        options.noProxy = "*"; // the engine is reached directly
        options.errorBuffer = request.errorBuffer;
        options.owner = &request;
        setCommonOptions(easy, options);
        // curl copies string options, so the temporaries may go.
        curl_easy_setopt(easy, CURLOPT_URL, url.constData());
        if (!m_socketPath.isEmpty())
            curl_easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, m_socketPath.constData());
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Request::write);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &request);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Request::header);
        curl_easy_setopt(easy, CURLOPT_HEADERDATA, &request);
        if (spec.stream && m_socketPath.isEmpty())
            curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
        if (spec.method == "POST") {
            curl_easy_setopt(easy, CURLOPT_POST, 1L);
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, 0L);
            request.headers = curl_slist_append(request.headers, "Content-Type:");
            curl_easy_setopt(easy, CURLOPT_HTTPHEADER, request.headers);
        }
        if (!m_caFile.isEmpty()) {
            curl_easy_setopt(easy, CURLOPT_CAINFO, m_caFile.constData());
            curl_easy_setopt(easy, CURLOPT_SSLCERT, m_certFile.constData());
            curl_easy_setopt(easy, CURLOPT_SSLKEY, m_keyFile.constData());
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
            curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
        }
    }

    const quint64 id = request.id;
    m_requests.emplace(id, std::move(owned));
    // Added (or failed) from the event loop, never inside curl's callbacks, and never before
    // the caller has the id.
    auto fail = [this, id] {
        const auto it = m_requests.find(id);
        if (it == m_requests.end())
            return;
        it->second->notStarted = true;
        requestDone(it->second.get(), CURLE_FAILED_INIT);
    };
    auto add = [this, id, fail] {
        const auto it = m_requests.find(id);
        if (it == m_requests.end() || it->second->cancelled)
            return;
        Request &r = *it->second;
        if (!r.easy || !m_multi || !m_multi->add(r.easy))
            QMetaObject::invokeMethod(this, fail, Qt::QueuedConnection);
    };
    if (m_callbackDepth > 0)
        QMetaObject::invokeMethod(this, add, Qt::QueuedConnection);
    else
        add();
    return id;
}

void DockerClient::cancel(quint64 id)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end())
        return;
    it->second->cancelled = true;
    if (m_callbackDepth > 0) {
        // curl must not be re-entered from its own callback: remove the handle from the loop.
        QMetaObject::invokeMethod(this, [this, id] { cancel(id); }, Qt::QueuedConnection);
        return;
    }
    if (m_multi && it->second->easy)
        m_multi->remove(it->second->easy);
    m_requests.erase(it);
}

void DockerClient::requestDone(Request *raw, int curlCode)
{
    const auto it = m_requests.find(raw->id);
    if (it == m_requests.end())
        return;
    const std::unique_ptr<Request> request = std::move(it->second);
    m_requests.erase(it);
    if (request->cancelled)
        return;
    const std::optional<Failure> failure = describe(*request, curlCode);
    if (request->onDone)
        request->onDone(*request, failure);
}

std::optional<DockerClient::Failure> DockerClient::describe(const Request &request, int curlCode) const
{
    const CURLcode code = request.notStarted ? CURLE_FAILED_INIT : CURLcode(curlCode);
    // 304: the container already is in the state an action asks for.
    if (code == CURLE_OK && (request.success() || request.status == 304))
        return std::nullopt;

    // The peer is not named: "Docker not reachable at <endpoint>" says where.
    TransferInfo info;
    info.method = QString::fromLatin1(request.method);
    info.path = request.path;
    info.connectTimeoutMs = m_timeouts.connect.count();
    info.timeoutMs = request.timeoutMs;
    info.maxBodyBytes = request.maxBodyBytes;
    if (!request.notStarted && request.easy)
        info.readFrom(request.easy, request.errorBuffer);
    info.httpStatus = request.status;
    info.bodyTooLarge = request.tooLarge;
    if (code == CURLE_COULDNT_CONNECT && info.osErrno == 0 && !m_socketPath.isEmpty()) {
        // curl does not always say why a unix socket refused: the file tells.
        struct stat status {};
        if (::stat(m_socketPath.constData(), &status) != 0)
            info.osErrno = errno;
        else if (!S_ISSOCK(status.st_mode))
            info.osErrno = ENOTSOCK;
    }
    if (code == CURLE_OK)
        info.answerText = parseApiError(request.body);
    const CurlFailure failure = describeCurlFailure(code, info);
    return Failure { failure.text, failure.scope != FailureScope::Answer };
}

QString DockerClient::unreachableText(const QString &why) const
{
    return QStringLiteral("Docker not reachable at ") + m_endpoint.display() + QStringLiteral(": ")
        + why;
}

// --- API version ------------------------------------------------------------------------------

void DockerClient::withApi(std::function<void()> then, std::function<void(const Failure &)> fail)
{
    if (!m_endpointError.isEmpty()) {
        fail(Failure { m_endpointError, true });
        return;
    }
    if (!m_apiVersion.isEmpty()) {
        then();
        return;
    }
    m_apiWaiters.emplace_back(std::move(then), std::move(fail));
    if (m_negotiating)
        return;
    m_negotiating = true;
    RequestSpec ping;
    ping.path = QStringLiteral("/_ping");
    ping.versioned = false;
    send(ping, [this](Request &request, std::optional<Failure> failure) {
        if (failure) {
            negotiated(failure);
            return;
        }
        // Paths newer than the engine's version answer 400 "client version ... is too new".
        const QVersionNumber ours(kApiMajor, kApiMinor);
        const QVersionNumber theirs
            = QVersionNumber::fromString(QString::fromLatin1(request.apiVersion));
        const QVersionNumber use
            = theirs.segmentCount() >= 2 && theirs < ours ? theirs.normalized() : ours;
        m_apiVersion = QStringLiteral("%1.%2").arg(use.majorVersion()).arg(use.minorVersion());
        RequestSpec version;
        version.path = QStringLiteral("/version");
        send(version, [this](Request &answer, std::optional<Failure> versionFailure) {
            if (versionFailure && versionFailure->unreachable) {
                m_apiVersion.clear();
                negotiated(versionFailure);
                return;
            }
            if (!versionFailure) {
                const Result<QString> engine = parseEngineVersion(answer.body);
                m_engineVersion = engine ? engine.value() : QString();
            }
            negotiated(std::nullopt);
        });
    });
}

void DockerClient::negotiated(std::optional<Failure> failure)
{
    m_negotiating = false;
    auto waiters = std::move(m_apiWaiters);
    m_apiWaiters.clear();
    for (auto &[then, fail] : waiters) {
        if (failure)
            fail(*failure);
        else if (!m_apiVersion.isEmpty())
            then();
        else
            fail(Failure { QStringLiteral("API version not negotiated"), true });
    }
}

// --- polling ----------------------------------------------------------------------------------

void DockerClient::poll()
{
    if (!m_running || m_pollInFlight)
        return;
    if (!m_reachable && m_everPolled && nowMs() < m_nextAttemptMs) {
        // Backing off: the last error again, without touching the network.
        DockerSnapshot snapshot;
        snapshot.error = m_lastError;
        emitSnapshot(snapshot);
        m_pollTimer->start(int(m_interval.count()));
        return;
    }
    m_pollInFlight = true;
    m_pollSoon = false;
    m_pollStartedMs = nowMs();
    m_pollStartedWallMs = wallMs();
    withApi([this] { listContainers(); }, [this](const Failure &failure) { pollFailed(failure); });
}

void DockerClient::listContainers()
{
    if (!m_pollInFlight)
        return;
    RequestSpec spec;
    spec.path = QStringLiteral("/containers/json?all=1");
    m_pollRequests.append(send(spec, [this](Request &request, std::optional<Failure> failure) {
        m_pollRequests.removeAll(request.id);
        if (failure && failure->unreachable) {
            pollFailed(*failure);
            return;
        }
        Result<QList<ContainerInfo>> parsed = failure
            ? Result<QList<ContainerInfo>>(Error { failure->text })
            : parseContainerList(request.body);
        if (!parsed) {
            // The engine answers, but not with a list: say so, with no containers.
            m_pending = DockerSnapshot {};
            m_pendingErrors = { parsed.error() };
            completePoll();
            return;
        }
        m_pending = DockerSnapshot {};
        m_pending.containers = std::move(parsed).value();
        m_pendingErrors.clear();
        m_toInspect.clear();
        for (const ContainerInfo &container : std::as_const(m_pending.containers)) {
            const auto cached = m_inspected.constFind(container.id);
            if (cached == m_inspected.constEnd() || cached->state != container.state
                || m_dirty.contains(container.id))
                m_toInspect.append(container.id);
        }
        inspectNext();
    }));
}

void DockerClient::inspectNext()
{
    while (m_inspectsInFlight < kMaxParallelInspects && !m_toInspect.isEmpty()) {
        const QString id = m_toInspect.takeFirst();
        m_dirty.remove(id); // an event from now on marks it again
        ++m_inspectsInFlight;
        ++m_inspectCount;
        RequestSpec spec;
        spec.path = QStringLiteral("/containers/") + encoded(id) + QStringLiteral("/json");
        m_pollRequests.append(send(spec, [this, id](Request &request, std::optional<Failure> failure) {
            m_pollRequests.removeAll(request.id);
            --m_inspectsInFlight;
            if (failure && failure->unreachable) {
                pollFailed(*failure);
                return;
            }
            if (failure) {
                if (request.status != 404) // 404: removed since the list; its event follows
                    m_pendingErrors.append(failure->text);
                m_inspected.remove(id);
            } else if (const Result<ContainerInfo> info = parseContainerInspect(request.body)) {
                const ContainerInfo &value = info.value();
                m_inspected.insert(id, Inspected { value.state, value.restartCount, value.exitCode, value.tty, value.settingHashes });
            } else {
                m_pendingErrors.append(info.error());
                m_inspected.remove(id);
            }
            if (m_toInspect.isEmpty() && m_inspectsInFlight == 0)
                completePoll();
            else
                inspectNext();
        }));
    }
    if (m_toInspect.isEmpty() && m_inspectsInFlight == 0)
        completePoll();
}

void DockerClient::completePoll()
{
    if (!m_pollInFlight)
        return;
    DockerSnapshot snapshot = std::move(m_pending);
    m_pending = DockerSnapshot {};
    QSet<QString> present;
    for (ContainerInfo &container : snapshot.containers) {
        present.insert(container.id);
        const auto cached = m_inspected.constFind(container.id);
        if (cached != m_inspected.constEnd()) {
            container.restartCount = cached->restartCount;
            container.exitCode = cached->exitCode;
            container.tty = cached->tty;
            container.settingHashes = cached->settingHashes;
        }
    }
    for (auto it = m_inspected.begin(); it != m_inspected.end();)
        it = present.contains(it.key()) ? std::next(it) : m_inspected.erase(it);
    for (auto it = m_dirty.begin(); it != m_dirty.end();)
        it = present.contains(*it) ? std::next(it) : m_dirty.erase(it);

    if (!m_reachable && m_everPolled)
        qCInfo(lcDocker).noquote() << "reachable again:" << m_endpoint.display();
    if (m_firstListWallMs == 0)
        m_firstListWallMs = m_pollStartedWallMs;
    m_reachable = true;
    m_lastError.clear();
    m_backoffMs = m_interval.count();
    m_nextAttemptMs = 0;

    snapshot.reachable = true;
    snapshot.apiVersion = m_apiVersion;
    snapshot.engineVersion = m_engineVersion;
    snapshot.error = m_pendingErrors.join(QStringLiteral("; "));
    m_pendingErrors.clear();
    const QList<ContainerInfo> containers = snapshot.containers;
    emitSnapshot(std::move(snapshot));
    if (!m_running)
        return;
    reconcileStats(containers);
    ensureEvents();
    finishPoll();
}

void DockerClient::pollFailed(const Failure &failure)
{
    for (const quint64 id : std::as_const(m_pollRequests))
        cancel(id);
    m_pollRequests.clear();
    m_toInspect.clear();
    m_inspectsInFlight = 0;

    const QString text = unreachableText(failure.text);
    if (m_reachable || !m_everPolled || text != m_lastError)
        qCWarning(lcDocker).noquote() << text;
    m_reachable = false;
    m_lastError = text;
    m_nextAttemptMs = nowMs() + m_backoffMs;
    m_backoffMs = std::min(m_backoffMs * 2, std::max(kMaxBackoffMs, qint64(m_interval.count())));
    // Negotiate again on reconnect: the engine may have been replaced.
    m_apiVersion.clear();
    m_engineVersion.clear();
    dropStreams();

    DockerSnapshot snapshot;
    snapshot.error = text;
    emitSnapshot(snapshot);
    finishPoll();
}

void DockerClient::finishPoll()
{
    if (!m_pollInFlight)
        return;
    m_pollInFlight = false;
    if (!m_running)
        return;
    const qint64 elapsed = nowMs() - m_pollStartedMs;
    const qint64 delay
        = m_pollSoon ? kSoonGapMs : std::max(kMinGapMs, qint64(m_interval.count()) - elapsed);
    m_pollSoon = false;
    m_pollTimer->start(int(delay));
}

void DockerClient::requestPollSoon()
{
    if (!m_running || !m_pollTimer)
        return;
    if (m_pollInFlight) {
        m_pollSoon = true;
        return;
    }
    if (!m_reachable)
        return; // the backoff decides
    if (!m_pollTimer->isActive() || m_pollTimer->remainingTime() > kSoonGapMs)
        m_pollTimer->start(int(kSoonGapMs));
}

void DockerClient::emitSnapshot(DockerSnapshot snapshot)
{
    m_everPolled = true;
    snapshot.endpoint = m_endpoint.display();
    snapshot.timestampMs = wallMs();
    Q_EMIT snapshotReady(snapshot);
}

// --- streams ----------------------------------------------------------------------------------

void DockerClient::ensureEvents()
{
    if (!m_running || !m_reachable || m_eventsRequest != 0 || m_eventsTimer->isActive())
        return;
    openEvents();
}

void DockerClient::openEvents()
{
    RequestSpec spec;
    spec.stream = true;
    spec.path = QStringLiteral("/events?filters=") + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(kEventsFilter)));
    // After a reconnect, ask for what happened meanwhile; repeats are dropped.
    if (m_lastEventNano > 0)
        spec.path += QStringLiteral("&since=") + unixSeconds(m_lastEventNano);
    else if (m_eventsOpenedWallMs > 0)
        spec.path += QStringLiteral("&since=") + unixSeconds(m_eventsOpenedWallMs * 1'000'000);
    else if (m_firstListWallMs > 0) // what happened while this stream was being opened
        spec.path += QStringLiteral("&since=") + unixSeconds(m_firstListWallMs * 1'000'000);
    m_replayBoundaryNano = m_lastEventNano;
    m_replayKeys = m_lastEventKeys;
    m_eventsBuffer.clear();
    m_eventsOpenedAtMs = 0;
    m_eventsRequest = send(
        spec,
        [this](Request &request, std::optional<Failure> failure) {
            if (request.id != m_eventsRequest)
                return;
            m_eventsRequest = 0;
            if (!m_running)
                return;
            const bool lived = m_eventsOpenedAtMs > 0 && nowMs() - m_eventsOpenedAtMs >= kStreamLivedMs;
            m_eventsBackoffMs = lived || m_eventsBackoffMs == 0
                ? kEventsFirstBackoffMs
                : std::min(m_eventsBackoffMs * 2, kMaxBackoffMs);
            qCDebug(lcDocker).noquote() << "event stream ended:"
                                        << (failure ? failure->text : QStringLiteral("closed by the engine"))
                                        << "- reconnecting in" << m_eventsBackoffMs << "ms";
            m_eventsTimer->start(int(m_eventsBackoffMs));
            requestPollSoon(); // the engine may be going away
        },
        [this](QByteArrayView data) { eventsData(data); },
        [this](Request &request) {
            if (request.success()) {
                m_eventsOpenedAtMs = nowMs();
                m_eventsOpenedWallMs = wallMs();
            }
        });
}

void DockerClient::eventsData(QByteArrayView data)
{
    m_eventsBuffer.append(data);
    qsizetype consumed = 0;
    while (true) {
        const qsizetype newline = m_eventsBuffer.indexOf('\n', consumed);
        if (newline < 0)
            break;
        const QByteArrayView line = QByteArrayView(m_eventsBuffer).sliced(consumed, newline - consumed);
        consumed = newline + 1;
        if (!line.trimmed().isEmpty())
            handleEventLine(line);
        if (m_eventsRequest == 0) // stopped by a slot connected directly
            return;
    }
    m_eventsBuffer.remove(0, consumed);
    if (m_eventsBuffer.size() > kMaxStreamLineBytes) {
        qCWarning(lcDocker) << "event line longer than" << kMaxStreamLineBytes << "bytes dropped";
        m_eventsBuffer.clear();
    }
}

void DockerClient::handleEventLine(QByteArrayView line)
{
    const Result<DockerEvent> parsed = parseDockerEvent(line);
    if (!parsed) {
        qCWarning(lcDocker).noquote() << parsed.error();
        return;
    }
    const DockerEvent &event = parsed.value();
    const QString key = event.type + QLatin1Char('/') + event.action + QLatin1Char('/') + event.id;
    if (event.timeNano > 0) {
        if (event.timeNano < m_replayBoundaryNano
            || (event.timeNano == m_replayBoundaryNano && m_replayKeys.contains(key)))
            return; // seen before the reconnect
        if (event.timeNano > m_lastEventNano) {
            m_lastEventNano = event.timeNano;
            m_lastEventKeys.clear();
        }
        if (event.timeNano == m_lastEventNano)
            m_lastEventKeys.insert(key);
    }
    if (event.type == QLatin1String("container") && !event.id.isEmpty()) {
        m_dirty.insert(event.id);
        if (changesState(event.action))
            requestPollSoon();
    }
    Q_EMIT eventReceived(event);
}

void DockerClient::reconcileStats(const QList<ContainerInfo> &containers)
{
    QSet<QString> running;
    for (const ContainerInfo &container : containers) {
        if (container.state == QLatin1String("running"))
            running.insert(container.id);
    }
    for (auto it = m_stats.begin(); it != m_stats.end();) {
        if (running.contains(it.key())) {
            ++it;
            continue;
        }
        cancel(it.value());
        m_statsBuffers.remove(it.key());
        it = m_stats.erase(it);
    }
    for (const QString &id : std::as_const(running)) {
        if (!m_stats.contains(id))
            openStats(id);
    }
}

void DockerClient::openStats(const QString &id)
{
    RequestSpec spec;
    spec.stream = true;
    spec.path = QStringLiteral("/containers/") + encoded(id) + QStringLiteral("/stats?stream=1");
    m_stats.insert(id,
        send(
            spec,
            [this, id](Request &request, std::optional<Failure> failure) {
                if (m_stats.value(id) != request.id)
                    return;
                m_stats.remove(id);
                m_statsBuffers.remove(id);
                if (failure)
                    qCDebug(lcDocker).noquote() << "stats of" << id.left(12) << "ended:" << failure->text;
                // The next poll opens it again if the container still runs.
            },
            [this, id](QByteArrayView data) {
                // Taken out while signals go out: a slot connected directly may stop streams.
                QByteArray buffer = m_statsBuffers.take(id) + data.toByteArray();
                qsizetype consumed = 0;
                qsizetype newline = -1;
                while ((newline = buffer.indexOf('\n', consumed)) >= 0) {
                    const QByteArrayView line = QByteArrayView(buffer).sliced(consumed, newline - consumed);
                    consumed = newline + 1;
                    if (line.trimmed().isEmpty())
                        continue;
                    Result<ContainerStats> stats = parseContainerStats(line);
                    if (!stats) {
                        qCDebug(lcDocker).noquote() << stats.error();
                        continue;
                    }
                    ContainerStats value = std::move(stats).value();
                    if (value.id.isEmpty())
                        value.id = id;
                    if (value.timestampMs == 0)
                        value.timestampMs = wallMs();
                    Q_EMIT statsReady(value);
                    if (!m_stats.contains(id))
                        return;
                }
                buffer.remove(0, consumed);
                if (buffer.size() <= kMaxStreamLineBytes)
                    m_statsBuffers.insert(id, buffer);
            }));
}

void DockerClient::dropStreams()
{
    if (m_eventsRequest != 0)
        cancel(m_eventsRequest);
    m_eventsRequest = 0;
    if (m_eventsTimer)
        m_eventsTimer->stop();
    m_eventsBackoffMs = 0;
    for (const quint64 id : std::as_const(m_stats))
        cancel(id);
    m_stats.clear();
    m_statsBuffers.clear();
}

// --- actions ----------------------------------------------------------------------------------

void DockerClient::perform(
    quint64 requestId, const QString &container, ContainerAction action, int graceSeconds)
{
    ActionResult result;
    result.requestId = requestId;
    result.container = container;
    result.action = action;
    result.endpoint = m_endpoint.display();
    result.startedMs = wallMs();
    auto finish = [this](ActionResult done) {
        done.finishedMs = wallMs();
        qCInfo(lcDocker).noquote() << toString(done.action) << done.container << "on"
                                   << done.endpoint << "->" << toString(done.outcome)
                                   << done.message;
        Q_EMIT actionFinished(done);
    };
    if (!m_running) {
        result.outcome = ActionOutcome::Failed;
        result.message = QStringLiteral("the Docker client is not running");
        finish(result);
        return;
    }
    if (!isContainerName(container)) {
        result.outcome = ActionOutcome::Refused;
        result.message = QStringLiteral("'%1' is not a container name").arg(container.left(80));
        finish(result);
        return;
    }
    if (m_busy.contains(container)) {
        result.outcome = ActionOutcome::Refused;
        result.message = QStringLiteral("another action on %1 is still running").arg(container);
        finish(result);
        return;
    }
    m_busy.insert(container);
    withApi(
        [this, result, graceSeconds, finish] {
            RequestSpec spec;
            spec.method = "POST";
            spec.path = QStringLiteral("/containers/") + encoded(result.container) + QLatin1Char('/')
                + toString(result.action);
            if (result.action != ContainerAction::Start) {
                if (graceSeconds >= 0)
                    spec.path += QStringLiteral("?t=") + QString::number(graceSeconds);
                // The engine answers once the container stopped: up to the grace period.
                spec.timeoutMs = qint64(m_timeouts.request.count())
                    + qint64(graceSeconds >= 0 ? graceSeconds : kDefaultStopGraceS) * 1000;
            }
            send(spec, [this, result, finish](Request &request, std::optional<Failure> failure) {
                ActionResult done = result;
                if (!failure && request.status == 304) {
                    done.outcome = ActionOutcome::AlreadyInState;
                    done.message = done.action == ContainerAction::Start
                        ? QStringLiteral("%1 is already running").arg(done.container)
                        : QStringLiteral("%1 is already stopped").arg(done.container);
                } else if (!failure) {
                    done.outcome = ActionOutcome::Done;
                    done.message = done.container + QLatin1Char(' ') + pastTense(done.action);
                } else if (!failure->unreachable && request.status == 404) {
                    done.outcome = ActionOutcome::NoSuchContainer;
                    const QString message = parseApiError(request.body);
                    done.message = message.isEmpty()
                        ? QStringLiteral("No such container: ") + done.container
                        : message;
                } else {
                    done.outcome = ActionOutcome::Failed;
                    const QString message = failure->unreachable ? QString() : parseApiError(request.body);
                    done.message = failure->unreachable ? unreachableText(failure->text)
                                                        : (message.isEmpty() ? failure->text : message);
                }
                m_busy.remove(done.container);
                finish(done);
                requestPollSoon();
            });
        },
        [this, result, finish](const Failure &failure) {
            ActionResult done = result;
            done.outcome = ActionOutcome::Failed;
            done.message = unreachableText(failure.text);
            m_busy.remove(done.container);
            finish(done);
        });
}

// --- logs -------------------------------------------------------------------------------------

void DockerClient::fetchLogs(quint64 requestId, const QString &container, int tail)
{
    if (!m_running) {
        Q_EMIT logsReady(requestId, container, {}, QStringLiteral("the Docker client is not running"));
        return;
    }
    if (!isContainerName(container)) {
        Q_EMIT logsReady(requestId, container, {},
            QStringLiteral("'%1' is not a container name").arg(container.left(80)));
        return;
    }
    withApi(
        [this, requestId, container, tail] {
            // Multiplexed or raw depends on the container's TTY: ask first.
            RequestSpec spec;
            spec.path = QStringLiteral("/containers/") + encoded(container) + QStringLiteral("/json");
            send(spec, [this, requestId, container, tail](Request &request, std::optional<Failure> failure) {
                if (failure) {
                    Q_EMIT logsReady(requestId, container, {}, logsFailureText(request, *failure));
                    return;
                }
                const Result<ContainerInfo> info = parseContainerInspect(request.body);
                fetchLogsOf(requestId, container, tail, info && info.value().tty);
            });
        },
        [this, requestId, container](const Failure &failure) {
            Q_EMIT logsReady(requestId, container, {}, unreachableText(failure.text));
        });
}

QString DockerClient::logsFailureText(const Request &request, const Failure &failure) const
{
    // 404 carries the engine's own words ("No such container: …").
    if (failure.unreachable)
        return unreachableText(failure.text);
    return request.status == 404 ? parseApiError(request.body) : failure.text;
}

void DockerClient::fetchLogsOf(quint64 requestId, const QString &container, int tail, bool tty)
{
    RequestSpec spec;
    spec.path = QStringLiteral("/containers/") + encoded(container)
        + QStringLiteral("/logs?stdout=1&stderr=1&tail=%1&timestamps=0")
              .arg(std::clamp(tail, 0, kMaxTail));
    spec.maxBodyBytes = kMaxLogTailBytes;
    send(spec, [this, requestId, container, tty](Request &request, std::optional<Failure> failure) {
        if (failure) {
            Q_EMIT logsReady(requestId, container, {}, logsFailureText(request, *failure));
            return;
        }
        DockerLogDemuxer demuxer(tty);
        QList<LogLine> lines = demuxer.feed(request.body);
        lines += demuxer.finish();
        QStringList texts;
        texts.reserve(lines.size());
        for (const LogLine &line : std::as_const(lines))
            texts.append(line.text);
        Q_EMIT logsReady(requestId, container, texts, demuxer.error());
    });
}

void DockerClient::followLogs(const QString &container)
{
    if (!m_running || m_follows.contains(container))
        return;
    if (!isContainerName(container)) {
        Q_EMIT followFailed(container, QStringLiteral("'%1' is not a container name").arg(container.left(80)));
        return;
    }
    Follow follow;
    follow.generation = ++m_followGeneration;
    m_follows.insert(container, follow);
    startFollow(container, follow.generation);
}

void DockerClient::unfollowLogs(const QString &container)
{
    const auto it = m_follows.find(container);
    if (it == m_follows.end())
        return;
    if (it->request != 0)
        cancel(it->request);
    m_follows.erase(it);
}

void DockerClient::startFollow(const QString &container, quint64 generation)
{
    auto current = [this, container, generation]() -> Follow * {
        const auto it = m_follows.find(container);
        return it != m_follows.end() && it->generation == generation ? &it.value() : nullptr;
    };
    if (!current())
        return;
    withApi(
        [this, container, generation, current] {
            if (!current())
                return;
            RequestSpec spec;
            spec.path = QStringLiteral("/containers/") + encoded(container) + QStringLiteral("/json");
            current()->request = send(spec,
                [this, container, generation, current](Request &request, std::optional<Failure> failure) {
                    Follow *follow = current();
                    if (!follow)
                        return;
                    follow->request = 0;
                    if (failure && !failure->unreachable && request.status == 404) {
                        m_follows.remove(container);
                        Q_EMIT followFailed(container, parseApiError(request.body));
                        return;
                    }
                    if (failure) {
                        followEnded(container, generation, failure->text);
                        return;
                    }
                    const Result<ContainerInfo> info = parseContainerInspect(request.body);
                    RequestSpec logs;
                    logs.stream = true;
                    logs.path = QStringLiteral("/containers/") + encoded(container)
                        + QStringLiteral("/logs?stdout=1&stderr=1&follow=1");
                    // Again after the stream ended (container stopped): what came meanwhile.
                    logs.path += follow->endedAtMs > 0
                        ? QStringLiteral("&tail=all&since=") + unixSeconds(follow->endedAtMs * 1'000'000)
                        : QStringLiteral("&tail=0");
                    follow->demuxer = std::make_shared<DockerLogDemuxer>(info && info.value().tty);
                    follow->request = send(
                        logs,
                        [this, container, generation, current](Request &, std::optional<Failure> ended) {
                            Follow *active = current();
                            if (!active)
                                return;
                            active->request = 0;
                            const std::shared_ptr<DockerLogDemuxer> demuxer = active->demuxer;
                            for (const LogLine &line : demuxer->finish()) {
                                Q_EMIT logLine(container, line.text, line.fromStderr);
                                if (!current())
                                    return;
                            }
                            followEnded(container, generation, ended ? ended->text : QString());
                        },
                        [this, container, current](QByteArrayView data) {
                            Follow *active = current();
                            if (!active)
                                return;
                            const std::shared_ptr<DockerLogDemuxer> demuxer = active->demuxer;
                            const QList<LogLine> lines = demuxer->feed(data);
                            if (!lines.isEmpty())
                                active->backoffMs = 0;
                            for (const LogLine &line : lines) {
                                Q_EMIT logLine(container, line.text, line.fromStderr);
                                if (!current()) // unfollowed by a slot connected directly
                                    return;
                            }
                        });
                });
        },
        [this, container, generation](const Failure &failure) {
            followEnded(container, generation, unreachableText(failure.text));
        });
}

void DockerClient::followEnded(const QString &container, quint64 generation, const QString &error)
{
    const auto it = m_follows.find(container);
    if (it == m_follows.end() || it->generation != generation || !m_running)
        return;
    it->endedAtMs = wallMs();
    it->backoffMs = it->backoffMs == 0 ? kFollowFirstBackoffMs : std::min(it->backoffMs * 2, kMaxBackoffMs);
    if (!error.isEmpty())
        qCDebug(lcDocker).noquote() << "log follow of" << container << "ended:" << error;
    QTimer::singleShot(int(it->backoffMs), this,
        [this, container, generation] { startFollow(container, generation); });
}

} // namespace cw
