// The shared curl layer as pure functions: every failure a transfer can end in, worded once for
// HTTP nodes, Docker and webhooks (what each names, what is worth retrying), the classification
// of curl's codes, and the snippets of answer bodies quoted in those texts (binary, long, UTF-8,
// HTML, secrets echoed back).

#include "services/net/BodySnippet.h"
#include "services/net/CurlFailure.h"

#include <QTest>
#include <cerrno>
#include <cstring>

using namespace cw;

namespace {

const QString kEllipsis(QChar(0x2026));

/// How a transfer is named: an HTTP node (peer and path), a Docker request (path only: the
/// caller's prefix names the engine) or a webhook (nothing: the URL is a secret).
TransferInfo subject(const QString &kind)
{
    TransferInfo info;
    info.connectTimeoutMs = 1000;
    info.timeoutMs = 1500;
    info.maxBodyBytes = 1024;
    if (kind == QLatin1String("node")) {
        info.path = QStringLiteral("/healthz");
        info.peer = QStringLiteral("127.0.0.1:5678");
    } else if (kind == QLatin1String("docker")) {
        info.path = QStringLiteral("/containers/json");
    }
    return info;
}

QString strerrorText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

QString curlText(CURLcode code)
{
    return QString::fromUtf8(curl_easy_strerror(code));
}

} // namespace

class TestCurlFailure final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void describe_data();
    void describe();
    void tooLargeNamesTheLimit_data();
    void tooLargeNamesTheLimit();
    void classification_data();
    void classification();
    void tlsErrors();
    void snippet_data();
    void snippet();
    void snippetRedacts_data();
    void snippetRedacts();
};

void TestCurlFailure::describe_data()
{
    QTest::addColumn<QString>("subject");
    QTest::addColumn<int>("code");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("osErrno");
    QTest::addColumn<bool>("connected");
    QTest::addColumn<QString>("detail");
    QTest::addColumn<QString>("answer");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("retryable");

    const auto row = [](const char *name, const char *subj, CURLcode code, int status, int err,
                         bool connected, const QString &detail, const QString &answer,
                         FetchError kind, const QString &text, bool retryable) {
        QTest::newRow(name) << QString::fromLatin1(subj) << int(code) << status << err << connected
                            << detail << answer << toString(kind) << text << retryable;
    };
    const QString none;

    // Answers.
    row("200", "node", CURLE_OK, 200, 0, true, none, none, FetchError::None, none, false);
    row("204", "node", CURLE_OK, 204, 0, true, none, none, FetchError::None, none, false);
    row("503 with a body", "node", CURLE_OK, 503, 0, true, none,
        QStringLiteral(R"({"status":"error"})"), FetchError::HttpStatus,
        QStringLiteral(R"(HTTP 503 from /healthz: {"status":"error"})"), true);
    row("404", "node", CURLE_OK, 404, 0, true, none, QStringLiteral("Cannot GET /healthz"),
        FetchError::HttpStatus, QStringLiteral("HTTP 404 from /healthz: Cannot GET /healthz"),
        false);
    row("429 without a body", "node", CURLE_OK, 429, 0, true, none, none, FetchError::HttpStatus,
        QStringLiteral("HTTP 429 from /healthz"), true);
    row("redirect", "node", CURLE_OK, 302, 0, true, none, QStringLiteral("Found"),
        FetchError::HttpStatus,
        QStringLiteral("HTTP 302 from /healthz (redirects are not followed)"), false);
    row("docker: the engine's words", "docker", CURLE_OK, 400, 0, true, none,
        QStringLiteral("Client sent an HTTP request to an HTTPS server."), FetchError::HttpStatus,
        QStringLiteral(
            "HTTP 400 from /containers/json: Client sent an HTTP request to an HTTPS server."),
        false);
    row("webhook: no path", "webhook", CURLE_OK, 410, 0, true, none, QStringLiteral("gone"),
        FetchError::HttpStatus, QStringLiteral("HTTP 410: gone"), false);

    // No connection: the peer is named.
    row("refused", "node", CURLE_COULDNT_CONNECT, 0, ECONNREFUSED, false, none, none,
        FetchError::ConnectionRefused, QStringLiteral("127.0.0.1:5678: connection refused"), true);
    row("refused, errno unknown", "node", CURLE_COULDNT_CONNECT, 0, 0, false,
        QStringLiteral("Failed to connect to 127.0.0.1 port 5678"), none,
        FetchError::ConnectionRefused, QStringLiteral("127.0.0.1:5678: connection refused"), true);
    row("docker: no such socket", "docker", CURLE_COULDNT_CONNECT, 0, ENOENT, false, none, none,
        FetchError::ConnectionRefused, QStringLiteral("no such socket"), true);
    row("docker: permission denied", "docker", CURLE_COULDNT_CONNECT, 0, EACCES, false, none, none,
        FetchError::Other, QStringLiteral("permission denied"), true);
    row("no route", "node", CURLE_COULDNT_CONNECT, 0, EHOSTUNREACH, false, none, none,
        FetchError::Other, QStringLiteral("127.0.0.1:5678: no route to host"), true);
    row("connect() timed out", "node", CURLE_COULDNT_CONNECT, 0, ETIMEDOUT, false, none, none,
        FetchError::Timeout, QStringLiteral("127.0.0.1:5678: connection timed out"), true);
    row("other errno", "node", CURLE_COULDNT_CONNECT, 0, EPIPE, false, none, none,
        FetchError::Other, QStringLiteral("127.0.0.1:5678: cannot connect: ") + strerrorText(EPIPE),
        true);
    row("webhook: refused", "webhook", CURLE_COULDNT_CONNECT, 0, ECONNREFUSED, false, none, none,
        FetchError::ConnectionRefused, QStringLiteral("connection refused"), true);
    row("connect timeout", "node", CURLE_OPERATION_TIMEDOUT, 0, 0, false, none, none,
        FetchError::Timeout, QStringLiteral("127.0.0.1:5678: no connection within 1000 ms"), true);
    row("DNS", "node", CURLE_COULDNT_RESOLVE_HOST, 0, 0, false,
        QStringLiteral("Could not resolve host: 127.0.0.1"), none, FetchError::Dns,
        QStringLiteral("127.0.0.1:5678: cannot resolve the host name"), true);
    row("proxy DNS", "webhook", CURLE_COULDNT_RESOLVE_PROXY, 0, 0, false, none, none,
        FetchError::Dns, QStringLiteral("cannot resolve the proxy's host name"), true);
    row("TLS handshake", "node", CURLE_SSL_CONNECT_ERROR, 0, 0, true,
        QStringLiteral("OpenSSL/3.0.11: error:0A00010B:SSL routines::wrong version number"), none,
        FetchError::Tls,
        QStringLiteral("127.0.0.1:5678: TLS error: OpenSSL/3.0.11: error:0A00010B:SSL "
                       "routines::wrong version number"),
        true);
    row("TLS: curl's generic text", "webhook", CURLE_SSL_CONNECT_ERROR, 0, 0, true, none, none,
        FetchError::Tls, QStringLiteral("TLS error: ") + curlText(CURLE_SSL_CONNECT_ERROR), true);
    row("certificate not trusted", "node", CURLE_PEER_FAILED_VERIFICATION, 0, 0, true,
        QStringLiteral("SSL certificate problem: self-signed certificate"), none, FetchError::Tls,
        QStringLiteral(
            "127.0.0.1:5678: TLS error: SSL certificate problem: self-signed certificate"),
        false);
    row("docker: client certificate", "docker", CURLE_SSL_CERTPROBLEM, 0, 0, true,
        QStringLiteral("could not load PEM client certificate from /certs/cert.pem"), none,
        FetchError::Tls,
        QStringLiteral("TLS error: could not load PEM client certificate from /certs/cert.pem"),
        false);

    // Connected, no complete answer: the request and the peer are named.
    row("no answer", "node", CURLE_OPERATION_TIMEDOUT, 0, 0, true, none, none, FetchError::Timeout,
        QStringLiteral("GET /healthz on 127.0.0.1:5678: no answer within 1500 ms"), true);
    row("docker: no answer", "docker", CURLE_OPERATION_TIMEDOUT, 0, 0, true, none, none,
        FetchError::Timeout, QStringLiteral("GET /containers/json: no answer within 1500 ms"),
        true);
    row("webhook: no answer", "webhook", CURLE_OPERATION_TIMEDOUT, 0, 0, true, none, none,
        FetchError::Timeout, QStringLiteral("no answer within 1500 ms"), true);
    row("closed without an answer", "node", CURLE_GOT_NOTHING, 0, 0, true,
        QStringLiteral("Empty reply from server"), none, FetchError::Other,
        QStringLiteral("GET /healthz on 127.0.0.1:5678: connection closed without an answer"),
        true);
    row("broken", "node", CURLE_RECV_ERROR, 0, 0, true,
        QStringLiteral("Recv failure: Connection reset by peer"), none, FetchError::Other,
        QStringLiteral("GET /healthz on 127.0.0.1:5678: connection broken during the request "
                       "(Recv failure: Connection reset by peer)"),
        true);
    row("webhook: broken, no detail", "webhook", CURLE_PARTIAL_FILE, 200, 0, true, none, none,
        FetchError::Other, QStringLiteral("connection broken during the request"), true);
    row("not started", "docker", CURLE_FAILED_INIT, 0, 0, false, none, none, FetchError::Other,
        QStringLiteral("GET /containers/json: could not start the request"), true);
    row("bad URL", "node", CURLE_URL_MALFORMAT, 0, 0, false, none, none, FetchError::Other,
        QStringLiteral("GET /healthz on 127.0.0.1:5678: ") + curlText(CURLE_URL_MALFORMAT), false);
    row("anything else: curl's detail", "node", CURLE_SEND_FAIL_REWIND, 0, 0, true,
        QStringLiteral("necessary data rewind wasn't possible"), none, FetchError::Other,
        QStringLiteral("GET /healthz on 127.0.0.1:5678: necessary data rewind wasn't possible"),
        true);
}

void TestCurlFailure::describe()
{
    QFETCH(QString, subject);
    QFETCH(int, code);
    QFETCH(int, status);
    QFETCH(int, osErrno);
    QFETCH(bool, connected);
    QFETCH(QString, detail);
    QFETCH(QString, answer);
    QFETCH(QString, kind);
    QFETCH(QString, text);
    QFETCH(bool, retryable);

    TransferInfo info = ::subject(subject);
    info.httpStatus = status;
    info.osErrno = osErrno;
    info.connected = connected;
    info.curlDetail = detail;
    info.answerText = answer;
    const CurlFailure failure = describeCurlFailure(CURLcode(code), info);
    QCOMPARE(toString(failure.kind), kind);
    QCOMPARE(failure.text, text);
    QCOMPARE(failure.ok(), text.isEmpty());
    if (!failure.ok()) {
        QCOMPARE(failure.retryable, retryable);
        // The reason is the text without its subject.
        QVERIFY2(text.endsWith(failure.reason) || failure.scope == FailureScope::Answer,
            qPrintable(failure.reason));
        QCOMPARE(failure.scope == FailureScope::Answer, code == CURLE_OK);
    }
}

void TestCurlFailure::tooLargeNamesTheLimit_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<bool>("refused");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<QString>("text");
    QTest::newRow("write callback, KiB") << int(CURLE_WRITE_ERROR) << true << qint64(1024)
                                         << QStringLiteral("GET /healthz: body over 1 KiB");
    QTest::newRow("Content-Length, MiB") << int(CURLE_FILESIZE_EXCEEDED) << false << qint64(8 << 20)
                                         << QStringLiteral("GET /healthz: body over 8 MiB");
    QTest::newRow("exact bytes") << int(CURLE_FILESIZE_EXCEEDED) << false << qint64(1500)
                                 << QStringLiteral("GET /healthz: body over 1500 bytes");
}

void TestCurlFailure::tooLargeNamesTheLimit()
{
    QFETCH(int, code);
    QFETCH(bool, refused);
    QFETCH(qint64, limit);
    QFETCH(QString, text);
    TransferInfo info = subject(QStringLiteral("node"));
    info.httpStatus = 200;
    info.connected = true;
    info.maxBodyBytes = limit;
    info.bodyTooLarge = refused;
    const CurlFailure failure = describeCurlFailure(CURLcode(code), info);
    QCOMPARE(toString(failure.kind), toString(FetchError::BodyTooLarge));
    QVERIFY(failure.scope == FailureScope::Answer);
    QCOMPARE(failure.text, text);
    QVERIFY(!failure.retryable);
}

void TestCurlFailure::classification_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<int>("osErrno");
    QTest::addColumn<QString>("kind");
    const auto row = [](const char *name, CURLcode code, int err, FetchError kind) {
        QTest::newRow(name) << int(code) << err << toString(kind);
    };
    row("ok", CURLE_OK, 0, FetchError::None);
    row("refused", CURLE_COULDNT_CONNECT, ECONNREFUSED, FetchError::ConnectionRefused);
    row("refused, no errno", CURLE_COULDNT_CONNECT, 0, FetchError::ConnectionRefused);
    row("no socket file", CURLE_COULDNT_CONNECT, ENOENT, FetchError::ConnectionRefused);
    row("connect() timed out", CURLE_COULDNT_CONNECT, ETIMEDOUT, FetchError::Timeout);
    row("unreachable", CURLE_COULDNT_CONNECT, ENETUNREACH, FetchError::Other);
    row("timeout", CURLE_OPERATION_TIMEDOUT, 0, FetchError::Timeout);
    row("DNS", CURLE_COULDNT_RESOLVE_HOST, 0, FetchError::Dns);
    row("proxy DNS", CURLE_COULDNT_RESOLVE_PROXY, 0, FetchError::Dns);
    row("handshake", CURLE_SSL_CONNECT_ERROR, 0, FetchError::Tls);
    row("verification", CURLE_PEER_FAILED_VERIFICATION, 0, FetchError::Tls);
    row("STARTTLS refused", CURLE_USE_SSL_FAILED, 0, FetchError::Tls);
    row("too large", CURLE_FILESIZE_EXCEEDED, 0, FetchError::BodyTooLarge);
    row("empty reply", CURLE_GOT_NOTHING, 0, FetchError::Other);
    row("write refused", CURLE_WRITE_ERROR, 0, FetchError::Other);
}

void TestCurlFailure::classification()
{
    QFETCH(int, code);
    QFETCH(int, osErrno);
    QFETCH(QString, kind);
    QCOMPARE(toString(classify(CURLcode(code), osErrno)), kind);
}

void TestCurlFailure::tlsErrors()
{
    for (const CURLcode code : { CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED }) {
        QVERIFY2(isTlsError(code), curl_easy_strerror(code));
    }
    for (const CURLcode code : { CURLE_OK, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
             CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_URL_MALFORMAT }) {
        QVERIFY2(!isTlsError(code), curl_easy_strerror(code));
    }
    // Certificates that do not verify stay so; a failed handshake may be a passing glitch.
    QVERIFY(isPermanentError(CURLE_PEER_FAILED_VERIFICATION));
    QVERIFY(isPermanentError(CURLE_SSL_CACERT_BADFILE));
    QVERIFY(!isPermanentError(CURLE_SSL_CONNECT_ERROR));
    QVERIFY(!isPermanentError(CURLE_COULDNT_CONNECT));
    QVERIFY(isRetryableStatus(429) && isRetryableStatus(500) && isRetryableStatus(503));
    QVERIFY(!isRetryableStatus(404) && !isRetryableStatus(410) && !isRetryableStatus(301));
}

void TestCurlFailure::snippet_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("maxChars");
    QTest::addColumn<QString>("snippet");

    QTest::newRow("empty") << QByteArray() << 80 << QString();
    QTest::newRow("blank") << QByteArray("  \r\n\t ") << 80 << QString();
    QTest::newRow("plain") << QByteArray("page not found\n") << 80
                           << QStringLiteral("page not found");
    QTest::newRow("control characters")
        << QByteArray("bad\r\n\tgateway\x01") << 80 << QStringLiteral("bad gateway");
    QTest::newRow("JSON") << QByteArray(R"({"status":"error"})") << 80
                          << QStringLiteral(R"({"status":"error"})");
    QTest::newRow("nginx error page") << QByteArray(
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
        "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
        "</body>\r\n</html>\r\n") << 80
                                      << QStringLiteral("502 Bad Gateway nginx/1.22.1");
    QTest::newRow("Express error page")
        << QByteArray("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
                      "charset=\"utf-8\">\n<title>Error</title>\n"
                      "</head>\n<body>\n<pre>Cannot GET /nope</pre>\n</body>\n</html>\n")
        << 80 << QStringLiteral("Cannot GET /nope");
    QTest::newRow("scripts and styles are not text")
        << QByteArray("<html><body><style>p { color: red }</style><p>Down for maintenance</p>"
                      "<SCRIPT type=x>var a = 1 < 2;</SCRIPT><br/>back soon</body></html>")
        << 80 << QStringLiteral("Down for maintenance back soon");
    QTest::newRow("tags kept in text") << QByteArray("a <b> c") << 80 << QStringLiteral("a <b> c");
    QTest::newRow("long") << QByteArray(1000, 'a') << 80
                          << QString(79, QLatin1Char('a')) + kEllipsis;
    QTest::newRow("long, wider") << QByteArray(1000, 'a') << 200
                                 << QString(199, QLatin1Char('a')) + kEllipsis;
    QTest::newRow("cut after a word")
        << QByteArray("one two") << 5 << QStringLiteral("one") + kEllipsis;
    QTest::newRow("more than is looked at") << QByteArray("short text") + QByteArray(5000, ' ')
                                            << 80 << QStringLiteral("short text") + kEllipsis;
    QTest::newRow("UTF-8") << QStringLiteral("Grüße, 世界 ✓").toUtf8() << 80
                           << QStringLiteral("Grüße, 世界 ✓");
    QTest::newRow("UTF-8 cut by the window")
        << QByteArray("x") + QStringLiteral("ä").repeated(1500).toUtf8() << 80
        << QStringLiteral("x") + QStringLiteral("ä").repeated(78) + kEllipsis;
    QTest::newRow("surrogate pair at the cut")
        << QByteArray(78, 'a') + QStringLiteral("\U0001F600bbb").toUtf8() << 80
        << QString(78, QLatin1Char('a')) + kEllipsis;
    QTest::newRow("a stray Latin-1 byte")
        << QByteArray("caf\xe9 au lait") << 80 << QStringLiteral("caf au lait");
    QTest::newRow("binary: NUL") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << 80
                                 << QStringLiteral("(16 bytes of binary data)");
    QTest::newRow("binary: not UTF-8")
        << QByteArray(64, '\xff') << 80 << QStringLiteral("(64 bytes of binary data)");
    QTest::newRow("binary: gzip") << QByteArray::fromHex(
        "1f8b0800000000000003cb48cdc9c95728cf2fca490100")
                                  << 80 << QStringLiteral("(23 bytes of binary data)");
}

void TestCurlFailure::snippet()
{
    QFETCH(QByteArray, body);
    QFETCH(int, maxChars);
    QFETCH(QString, snippet);
    const QString result = bodySnippet(body, maxChars);
    QCOMPARE(result, snippet);
    QVERIFY(result.size() <= maxChars || result.startsWith(QLatin1Char('(')));
    QVERIFY(!result.contains(QChar::ReplacementCharacter));
}

void TestCurlFailure::snippetRedacts_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QStringList>("redact");
    QTest::addColumn<QString>("snippet");

    QTest::newRow("an echoed path and token")
        << QByteArray("Cannot POST /hooks/T0KEN123 (token T0KEN123)")
        << QStringList { QStringLiteral("T0KEN123"), QStringLiteral("/hooks/T0KEN123") }
        << QStringLiteral("Cannot POST %1 (token %1)").arg(kEllipsis);
    QTest::newRow("in any case") << QByteArray("token t0ken123")
                                 << QStringList { QStringLiteral("T0KEN123") }
                                 << QStringLiteral("token ") + kEllipsis;
    QTest::newRow("longest first")
        << QByteArray("key abcdef")
        << QStringList { QStringLiteral("abc"), QStringLiteral("abcdef") }
        << QStringLiteral("key ") + kEllipsis;
    // Blanked before the cut: no part of it survives at the end.
    QTest::newRow("across the cut")
        << QByteArray(75, 'a') + " SECRETVALUE tail"
        << QStringList { QStringLiteral("SECRETVALUE") }
        << QString(75, QLatin1Char('a')) + QStringLiteral(" %1 t%1").arg(kEllipsis);
}

void TestCurlFailure::snippetRedacts()
{
    QFETCH(QByteArray, body);
    QFETCH(QStringList, redact);
    QFETCH(QString, snippet);
    const QString result = bodySnippet(body, kSnippetChars, redact);
    QCOMPARE(result, snippet);
    for (const QString &secret : redact)
        QVERIFY(!result.contains(secret.left(4), Qt::CaseInsensitive));
}

QTEST_GUILESS_MAIN(TestCurlFailure)
#include "tst_curlfailure.moc"
