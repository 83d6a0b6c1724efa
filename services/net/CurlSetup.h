#pragma once

// Internal to cw_core: includes libcurl, so only sources of the core library (and its tests)
// include it.

#include <QByteArray>
#include <curl/curl.h>

namespace cw {

/// curl_global_init(), once per process. It is not thread-safe on every build: call it on the
/// thread that builds the workers (their constructors do), before any worker thread runs.
void curlGlobalInit();

/// "Clusterwatch/<application version>", the User-Agent of every request.
QByteArray curlUserAgent();

/// CURLOPT_NOPROXY: the user's no_proxy list plus loopback, which must never go through a proxy
/// (the option replaces the environment's list rather than adding to it).
QByteArray curlNoProxyList();

/// What setCommonOptions() needs of one easy handle's owner.
struct EasyOptions {
    qint64 connectTimeoutMs = 0;
    qint64 timeoutMs = 0; ///< the whole transfer, connect included; 0: none (streams)
    const char *userAgent = nullptr; ///< curlUserAgent(), read on the constructing thread
    const char *noProxy = nullptr; ///< CURLOPT_NOPROXY ("*": never a proxy)
    char *errorBuffer = nullptr; ///< CURL_ERROR_SIZE bytes, alive as long as the handle
    void *owner = nullptr; ///< CURLOPT_PRIVATE: who the finished transfer belongs to
};

/// The options every request of the application shares, set in one place: no signals, the
/// timeouts, http and https only, redirects not followed (a redirect is reported, see
/// describeCurlFailure()), the user agent, the proxy exceptions, the error buffer and the owner.
/// curl copies the strings.
void setCommonOptions(CURL *easy, const EasyOptions &options);

/// The owner @p easy was set up with (EasyOptions::owner), for a CurlMulti's DoneHandler.
template <typename Owner> Owner *curlOwner(CURL *easy)
{
    void *owner = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &owner);
    return static_cast<Owner *>(owner);
}

} // namespace cw
