#pragma once

// Internal to cw_core: includes libcurl, so only sources of the core library (and its tests)
// include it.

#include "models/Snapshots.h"

#include <QString>
#include <curl/curl.h>

namespace cw {

/// One finished transfer, as the error texts need it: what was asked, filled in by the caller,
/// and what libcurl saw, read by readFrom() (or set by hand in tests).
struct TransferInfo {
    // What was asked, as it may be shown.
    QString method = QStringLiteral("GET");
    QString path; ///< "/healthz/readiness", no query; empty: never named (a secret)
    QString peer; ///< "127.0.0.1:5678"; empty: not named (a caller's prefix names it,
                  ///< or it is a secret)
    qint64 connectTimeoutMs = 0;
    qint64 timeoutMs = 0; ///< the whole transfer
    qint64 maxBodyBytes = 0; ///< the limit of the caller's write callback

    // What happened.
    long httpStatus = 0; ///< of the last answer; 0 without one
    long osErrno = 0; ///< CURLINFO_OS_ERRNO (a caller may know better, e.g. a socket path)
    bool connected = false; ///< a connection was made (CURLINFO_CONNECT_TIME_T > 0)
    bool bodyTooLarge = false; ///< the write callback refused more than maxBodyBytes
    /// curl's error buffer. Empty: curl_easy_strerror()'s generic text is used. It may name the
    /// host or the URL: leave it empty where they are secret.
    QString curlDetail;
    /// What a non-2xx answer said (bodySnippet(), an API's error message); empty: nothing.
    QString answerText;

    /// Reads the status, errno and connect time of @p easy, and @p errorBuffer when given.
    void readFrom(CURL *easy, const char *errorBuffer = nullptr);
};

/// Where a transfer failed, which decides what its text names.
enum class FailureScope {
    None, ///< no failure
    Connection, ///< no usable connection (refused, DNS, TLS, connect timeout): names the peer
    Exchange, ///< connected, but no complete answer: names the request and the peer
    Answer, ///< the server answered, unusably (status, size): names the path only
};

/// A transfer's outcome in words: the one wording for HTTP nodes, Docker and webhooks.
struct CurlFailure {
    FetchError kind = FetchError::None;
    FailureScope scope = FailureScope::None;
    QString reason; ///< without subject: "connection refused", "no answer within 1500 ms"
    QString text; ///< with what TransferInfo names: "127.0.0.1:5678: connection refused",
                  ///< "GET /healthz on 127.0.0.1:5678: no answer within 1500 ms",
                  ///< "HTTP 503 from /healthz/readiness: {"status":"error"}"
    bool retryable = false; ///< trying again may help (not a bad URL or certificate, not a 4xx)

    [[nodiscard]] bool ok() const { return kind == FetchError::None; }
};

/// Describes how a transfer ended. CURLE_OK with a 2xx status is no failure (ok()); any other
/// status is FetchError::HttpStatus (a 3xx says that redirects are not followed).
[[nodiscard]] CurlFailure describeCurlFailure(CURLcode code, const TransferInfo &info);

/// The class of a transport outcome: CURLE_OK is None (the HTTP status is not looked at);
/// @p osErrno tells a refused connection from other connect failures.
[[nodiscard]] FetchError classify(CURLcode code, long osErrno = 0);

/// Certificate, handshake and TLS engine failures.
[[nodiscard]] bool isTlsError(CURLcode code);
/// Failures that will not go away by trying again: a bad URL or protocol, a certificate that
/// does not verify.
[[nodiscard]] bool isPermanentError(CURLcode code);
/// 429 and 5xx: the server may answer differently later.
[[nodiscard]] bool isRetryableStatus(long status);
/// Why connect() failed: "connection refused" (also for 0: curl did not say), "no such socket",
/// "permission denied", ...
[[nodiscard]] QString connectErrorText(long osErrno);

} // namespace cw
