#include "services/net/CurlSetup.h"

#include <QCoreApplication>
#include <mutex>

namespace cw {

void curlGlobalInit()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

QByteArray curlUserAgent()
{
    QString version = QCoreApplication::applicationVersion();
    if (version.isEmpty())
        version = QStringLiteral("0");
    return "Clusterwatch/" + version.toUtf8();
}

QByteArray curlNoProxyList()
{
    QByteArray list = qgetenv("no_proxy");
    if (list.isEmpty())
        list = qgetenv("NO_PROXY");
    if (list.trimmed() == "*")
        return list;
    if (!list.isEmpty())
        list += ',';
    return list + "localhost,127.0.0.0/8,::1";
}

void setCommonOptions(CURL *easy, const EasyOptions &options)
{
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(options.connectTimeoutMs));
    if (options.timeoutMs > 0)
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(options.timeoutMs));
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    if (options.userAgent)
        curl_easy_setopt(easy, CURLOPT_USERAGENT, options.userAgent);
    if (options.noProxy)
        curl_easy_setopt(easy, CURLOPT_NOPROXY, options.noProxy);
    if (options.errorBuffer) {
        options.errorBuffer[0] = '\0';
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, options.errorBuffer);
    }
    if (options.owner)
        curl_easy_setopt(easy, CURLOPT_PRIVATE, options.owner);
}

} // namespace cw
