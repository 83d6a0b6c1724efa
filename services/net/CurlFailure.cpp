#include "services/net/CurlFailure.h"

#include <cerrno>
#include <cstring>

namespace cw {

namespace {

/// A configured limit, exactly: "1 MiB", "64 KiB", "1500 bytes".
QString limitText(qint64 bytes)
{
    constexpr qint64 kiB = 1024;
    constexpr qint64 miB = 1024 * kiB;
    if (bytes >= miB && bytes % miB == 0)
        return QString::number(bytes / miB) + QStringLiteral(" MiB");
    if (bytes >= kiB && bytes % kiB == 0)
        return QString::number(bytes / kiB) + QStringLiteral(" KiB");
    return QString::number(bytes) + QStringLiteral(" bytes");
}

/// "GET /healthz", "GET /healthz on 127.0.0.1:5678", "127.0.0.1:5678" or nothing.
QString exchangeSubject(const TransferInfo &info)
{
    const QString request
        = info.path.isEmpty() ? QString() : info.method + QLatin1Char(' ') + info.path;
    if (info.peer.isEmpty())
        return request;
    return request.isEmpty() ? info.peer : request + QStringLiteral(" on ") + info.peer;
}

QString prefixed(const QString &subject, const QString &reason)
{
    return subject.isEmpty() ? reason : subject + QStringLiteral(": ") + reason;
}

CurlFailure answerFailure(const TransferInfo &info)
{
    CurlFailure failure;
    failure.kind = FetchError::HttpStatus;
    failure.scope = FailureScope::Answer;
    failure.retryable = isRetryableStatus(info.httpStatus);
    const QString status = QStringLiteral("HTTP %1").arg(info.httpStatus);
    QString said;
    if (info.httpStatus >= 300 && info.httpStatus <= 399)
        said = QStringLiteral(" (redirects are not followed)");
    else if (!info.answerText.isEmpty())
        said = QStringLiteral(": ") + info.answerText;
    failure.reason = status + said;
    failure.text
        = (info.path.isEmpty() ? status : status + QStringLiteral(" from ") + info.path) + said;
    return failure;
}

} // namespace

void TransferInfo::readFrom(CURL *easy, const char *errorBuffer)
{
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &httpStatus);
    curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &osErrno);
    curl_off_t connectUs = 0;
    curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connectUs);
    connected = connectUs > 0;
    if (errorBuffer && errorBuffer[0])
        curlDetail = QString::fromUtf8(errorBuffer);
}

CurlFailure describeCurlFailure(CURLcode code, const TransferInfo &info)
{
    if (code == CURLE_OK) {
        if (info.httpStatus >= 200 && info.httpStatus <= 299)
            return {};
        return answerFailure(info);
    }
    CurlFailure failure;
    if (info.bodyTooLarge || code == CURLE_FILESIZE_EXCEEDED) {
        failure.kind = FetchError::BodyTooLarge;
        failure.scope = FailureScope::Answer;
        failure.reason = QStringLiteral("body over ") + limitText(info.maxBodyBytes);
        failure.text
            = prefixed(info.path.isEmpty() ? QString() : info.method + QLatin1Char(' ') + info.path,
                failure.reason);
        return failure;
    }

    failure.kind = classify(code, info.osErrno);
    failure.retryable = !isPermanentError(code);
    const auto detail = [&] {
        return info.curlDetail.isEmpty() ? QString::fromUtf8(curl_easy_strerror(code))
                                         : info.curlDetail;
    };
    failure.scope = FailureScope::Connection;
    if (code == CURLE_COULDNT_CONNECT) {
        failure.reason = connectErrorText(info.osErrno);
    } else if (code == CURLE_OPERATION_TIMEDOUT && !info.connected) {
        failure.reason = QStringLiteral("no connection within %1 ms").arg(info.connectTimeoutMs);
    } else if (code == CURLE_COULDNT_RESOLVE_HOST) {
        // curl's text only repeats the name ("Could not resolve host: x").
        failure.reason = QStringLiteral("cannot resolve the host name");
    } else if (code == CURLE_COULDNT_RESOLVE_PROXY) {
        failure.reason = QStringLiteral("cannot resolve the proxy's host name");
    } else if (isTlsError(code)) {
        failure.reason = QStringLiteral("TLS error: ") + detail();
    } else {
        failure.scope = FailureScope::Exchange;
        switch (code) {
        case CURLE_OPERATION_TIMEDOUT:
            failure.reason = QStringLiteral("no answer within %1 ms").arg(info.timeoutMs);
            break;
        case CURLE_GOT_NOTHING:
            failure.reason = QStringLiteral("connection closed without an answer");
            break;
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_PARTIAL_FILE:
            failure.reason = QStringLiteral("connection broken during the request");
            if (!info.curlDetail.isEmpty())
                failure.reason += QStringLiteral(" (") + info.curlDetail + QLatin1Char(')');
            break;
        case CURLE_FAILED_INIT:
            failure.reason = QStringLiteral("could not start the request");
            break;
        default:
            failure.reason = detail();
            break;
        }
    }
    failure.text
        = prefixed(failure.scope == FailureScope::Connection ? info.peer : exchangeSubject(info),
            failure.reason);
    return failure;
}

FetchError classify(CURLcode code, long osErrno)
{
    switch (code) {
    case CURLE_OK:
        return FetchError::None;
    case CURLE_COULDNT_CONNECT:
        if (osErrno == 0 || osErrno == ECONNREFUSED || osErrno == ENOENT)
            return FetchError::ConnectionRefused;
        return osErrno == ETIMEDOUT ? FetchError::Timeout : FetchError::Other;
    case CURLE_OPERATION_TIMEDOUT:
        return FetchError::Timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return FetchError::Dns;
    case CURLE_FILESIZE_EXCEEDED:
        return FetchError::BodyTooLarge;
    default:
        return isTlsError(code) ? FetchError::Tls : FetchError::Other;
    }
}

bool isTlsError(CURLcode code)
{
    switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
        return true;
    default:
        return false;
    }
}

bool isPermanentError(CURLcode code)
{
    switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return true;
    default:
        return false;
    }
}

bool isRetryableStatus(long status)
{
    return status == 429 || (status >= 500 && status <= 599);
}

QString connectErrorText(long osErrno)
{
    switch (osErrno) {
    case 0:
    case ECONNREFUSED:
        return QStringLiteral("connection refused");
    case ENOENT:
        return QStringLiteral("no such socket");
    case EACCES:
        return QStringLiteral("permission denied");
    case ENOTSOCK:
        return QStringLiteral("not a socket");
    case ETIMEDOUT:
        return QStringLiteral("connection timed out");
    case EHOSTUNREACH:
        return QStringLiteral("no route to host");
    case ENETUNREACH:
        return QStringLiteral("network unreachable");
    default:
        return QStringLiteral("cannot connect: ")
            + QString::fromLocal8Bit(std::strerror(int(osErrno)));
    }
}

} // namespace cw
