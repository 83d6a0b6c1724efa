#include "services/runtime/docker/DockerTransport.h"

#include "services/net/CurlFailure.h"
#include "services/net/CurlMulti.h"
#include "services/net/CurlSetup.h"
#include "services/runtime/docker/DockerJson.h"

#include <QDateTime>
#include <QFileInfo>
#include <QUrl>
#include <QVersionNumber>
#include <cerrno>
#include <sys/stat.h>

namespace cw {

namespace {

/// Kept-alive connections for polls and the poller's parallel inspects (8); streams hold their
/// own.
constexpr long kMaxIdleConnections = 16;

} // namespace

struct DockerTransport::Request : CurlEasyHandle {
    DockerTransport *transport = nullptr;
    DockerReply reply;
    QByteArray method;
    QString path; ///< without the query, for messages
    bool stream = false;
    qint64 timeoutMs = 0;
    qint64 maxBodyBytes = 0;
    bool tooLarge = false;
    bool cancelled = false;
    bool notStarted = false;
    DataHandler onData;
    DoneHandler onDone;
    HeadersHandler onHeaders;
    char errorBuffer[CURL_ERROR_SIZE] = {};

    static size_t header(char *data, size_t size, size_t count, void *userdata)
    {
        auto *self = static_cast<Request *>(userdata);
        const size_t bytes = size * count;
        const QByteArrayView line = QByteArrayView(data, qsizetype(bytes)).trimmed();
        if (line.startsWith("HTTP/")) {
            const QList<QByteArray> parts = line.toByteArray().split(' ');
            self->reply.status = parts.size() > 1 ? parts.at(1).toLong() : 0;
            self->reply.apiVersion.clear();
        } else if (line.isEmpty()) {
            if (self->reply.status >= 200 && self->onHeaders && !self->cancelled) {
                ++self->transport->m_callbackDepth;
                self->onHeaders(self->reply);
                --self->transport->m_callbackDepth;
            }
        } else if (line.size() > 12 && qstrnicmp(line.data(), "api-version:", 12) == 0) {
            self->reply.apiVersion = line.sliced(12).trimmed().toByteArray();
        }
        return self->cancelled ? 0 : bytes;
    }

    static size_t write(char *data, size_t size, size_t count, void *userdata)
    {
        auto *self = static_cast<Request *>(userdata);
        const size_t bytes = size * count;
        if (self->cancelled)
            return 0;
        if (self->stream && self->reply.success()) {
            ++self->transport->m_callbackDepth;
            self->onData(QByteArrayView(data, qsizetype(bytes)));
            --self->transport->m_callbackDepth;
            return self->cancelled ? 0 : bytes;
        }
        if (self->reply.body.size() + qint64(bytes) > self->maxBodyBytes) {
            self->tooLarge = true;
            return 0; // curl aborts with CURLE_WRITE_ERROR
        }
        self->reply.body.append(data, qsizetype(bytes));
        return bytes;
    }
};

DockerTransport::DockerTransport(DockerEndpoint endpoint, Timeouts timeouts, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_timeouts(timeouts)
    , m_userAgent(curlUserAgent())
{
    curlGlobalInit(); // here, on the constructing thread
    m_clock.start();

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
                m_caFile
                    = QFileInfo(dir + QStringLiteral("/ca.pem")).absoluteFilePath().toLocal8Bit();
                m_certFile
                    = QFileInfo(dir + QStringLiteral("/cert.pem")).absoluteFilePath().toLocal8Bit();
                m_keyFile
                    = QFileInfo(dir + QStringLiteral("/key.pem")).absoluteFilePath().toLocal8Bit();
            }
        }
    } else {
        m_endpointError
            = QStringLiteral("unsupported host (expected unix:///path or tcp://host:port)");
    }
}

DockerTransport::~DockerTransport()
{
    if (m_multi) {
        for (auto &[id, request] : m_requests)
            m_multi->remove(request->easy);
    }
    m_requests.clear(); // easy handles first: they are no longer in the multi handle
    m_multi.reset();
}

void DockerTransport::start()
{
    m_running = true;
    if (m_multi)
        return;
    m_multi = std::make_unique<CurlMulti>([this](CURL *easy, CURLcode result) {
        if (Request *request = curlOwner<Request>(easy))
            requestDone(request, result);
    });
    m_multi->setMaxConnections(kMaxIdleConnections);
}

void DockerTransport::stop()
{
    m_running = false;
    std::vector<quint64> ids;
    for (const auto &[id, request] : m_requests)
        ids.push_back(id);
    for (const quint64 id : ids)
        cancel(id);
    m_negotiating = false;
    m_apiWaiters.clear();
    m_apiVersion.clear();
}

// --- requests ---------------------------------------------------------------------------------

quint64 DockerTransport::send(
    const DockerRequestSpec &spec, DoneHandler onDone, DataHandler onData, HeadersHandler onHeaders)
{
    auto owned = std::make_unique<Request>();
    Request &request = *owned;
    request.transport = this;
    request.reply.id = ++m_nextRequestId;
    request.method = spec.method;
    request.path = spec.path.left(spec.path.indexOf(QLatin1Char('?')));
    request.stream = spec.stream;
    request.timeoutMs = spec.timeoutMs > 0 ? spec.timeoutMs : qint64(m_timeouts.request.count());
    request.maxBodyBytes = spec.maxBodyBytes;
    request.onDone = std::move(onDone);
    request.onData = std::move(onData);
    request.onHeaders = std::move(onHeaders);

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

    const quint64 id = request.reply.id;
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

void DockerTransport::cancel(quint64 id)
{
    const auto it = m_requests.find(id);
    if (it == m_requests.end())
        return;
    it->second->cancelled = true;
    if (m_callbackDepth > 0) {
        // curl must not be re-entered from its own callback: remove the handle from the loop.
        QMetaObject::invokeMethod(
            this, [this, id] { cancel(id); }, Qt::QueuedConnection);
        return;
    }
    if (m_multi && it->second->easy)
        m_multi->remove(it->second->easy);
    m_requests.erase(it);
}

void DockerTransport::requestDone(Request *raw, int curlCode)
{
    const auto it = m_requests.find(raw->reply.id);
    if (it == m_requests.end())
        return;
    const std::unique_ptr<Request> request = std::move(it->second);
    m_requests.erase(it);
    if (request->cancelled)
        return;
    const std::optional<DockerFailure> failure = describe(*request, curlCode);
    if (request->onDone)
        request->onDone(request->reply, failure);
}

std::optional<DockerFailure> DockerTransport::describe(const Request &request, int curlCode) const
{
    const CURLcode code = request.notStarted ? CURLE_FAILED_INIT : CURLcode(curlCode);
    // 304: the container already is in the state an action asks for.
    if (code == CURLE_OK && (request.reply.success() || request.reply.status == 304))
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
    info.httpStatus = request.reply.status;
    info.bodyTooLarge = request.tooLarge;
    if (code == CURLE_COULDNT_CONNECT && info.osErrno == 0 && !m_socketPath.isEmpty()) {
        // curl does not always say why a unix socket refused: the file tells.
        struct stat status { };
        if (::stat(m_socketPath.constData(), &status) != 0)
            info.osErrno = errno;
        else if (!S_ISSOCK(status.st_mode))
            info.osErrno = ENOTSOCK;
    }
    if (code == CURLE_OK)
        info.answerText = parseApiError(request.reply.body);
    const CurlFailure failure = describeCurlFailure(code, info);
    return DockerFailure { failure.text, failure.scope != FailureScope::Answer };
}

QString DockerTransport::unreachableText(const QString &why) const
{
    return QStringLiteral("Docker not reachable at ") + m_endpoint.display() + QStringLiteral(": ")
        + why;
}

// --- API version ------------------------------------------------------------------------------

void DockerTransport::withApi(
    std::function<void()> then, std::function<void(const DockerFailure &)> fail)
{
    if (!m_endpointError.isEmpty()) {
        fail(DockerFailure { m_endpointError, true });
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
    DockerRequestSpec ping;
    ping.path = QStringLiteral("/_ping");
    ping.versioned = false;
    send(ping, [this](const DockerReply &reply, std::optional<DockerFailure> failure) {
        if (failure) {
            negotiated(failure);
            return;
        }
        // Paths newer than the engine's version answer 400 "client version ... is too new".
        const QVersionNumber ours(kApiMajor, kApiMinor);
        const QVersionNumber theirs
            = QVersionNumber::fromString(QString::fromLatin1(reply.apiVersion));
        const QVersionNumber use
            = theirs.segmentCount() >= 2 && theirs < ours ? theirs.normalized() : ours;
        m_apiVersion = QStringLiteral("%1.%2").arg(use.majorVersion()).arg(use.minorVersion());
        DockerRequestSpec version;
        version.path = QStringLiteral("/version");
        send(version,
            [this](const DockerReply &answer, std::optional<DockerFailure> versionFailure) {
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

void DockerTransport::forgetApi()
{
    m_apiVersion.clear();
    m_engineVersion.clear();
}

void DockerTransport::negotiated(std::optional<DockerFailure> failure)
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
            fail(DockerFailure { QStringLiteral("API version not negotiated"), true });
    }
}

// --- paths ------------------------------------------------------------------------------------

namespace docker {

bool isContainerName(const QString &name)
{
    if (name.isEmpty() || name.size() > 255)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        const bool alnum = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
        if (!alnum
            && (i == 0
                || (c != QLatin1Char('_') && c != QLatin1Char('.') && c != QLatin1Char('-'))))
            return false;
    }
    return true;
}

QString notAContainerName(const QString &name)
{
    return QStringLiteral("'%1' is not a container name").arg(name.left(80));
}

QString containerPath(const QString &container, QStringView suffix)
{
    return QStringLiteral("/containers/") + QString::fromLatin1(QUrl::toPercentEncoding(container))
        + suffix;
}

QString unixSeconds(qint64 nanos)
{
    return QStringLiteral("%1.%2")
        .arg(nanos / 1'000'000'000)
        .arg(nanos % 1'000'000'000, 9, 10, QLatin1Char('0'));
}

qint64 wallMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace docker

} // namespace cw
