// The shared curl layer against real loopback servers: a transfer set up with the options every
// request shares (setCommonOptions), run by a CurlMulti on this thread's event loop, and worded
// by describeCurlFailure() from what curl saw (TransferInfo::readFrom). A refused port, a
// listener that never answers, TLS spoken to plain HTTP (nginx), an HTTP error page, a body over
// the limit, and a connection closed without an answer.

#include "ClosingListener.h"
#include "HangingServer.h"
#include "NodeFarm.h"
#include "TestSupport.h"
#include "services/net/BodySnippet.h"
#include "services/net/CurlFailure.h"
#include "services/net/CurlMulti.h"
#include "services/net/CurlSetup.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QTest>
#include <optional>

using namespace cw;
using cwtest::NodeFarm;

namespace {

/// What one GET ended in.
struct Outcome {
    CURLcode code = CURLE_OK;
    CurlFailure failure;
    qint64 elapsedMs = 0;
};

struct Body {
    QByteArray bytes;
    qint64 max = 0;
    bool tooLarge = false;

    static size_t write(char *data, size_t size, size_t count, void *userdata)
    {
        auto *self = static_cast<Body *>(userdata);
        const size_t bytes = size * count;
        if (self->bytes.size() + qint64(bytes) > self->max) {
            self->tooLarge = true;
            return 0;
        }
        self->bytes.append(data, qsizetype(bytes));
        return bytes;
    }
};

/// One GET of @p url, as the collectors do it; waits at most @p timeoutMs + 5 s.
Outcome get(const QUrl &url, qint64 connectMs, qint64 timeoutMs, qint64 maxBody = 1 << 20)
{
    curlGlobalInit();
    CurlEasyHandle handle;
    handle.easy = curl_easy_init();
    char errorBuffer[CURL_ERROR_SIZE] = {};
    Body body;
    body.max = maxBody;
    const QByteArray userAgent = curlUserAgent();
    const QByteArray noProxy = curlNoProxyList();

    EasyOptions options;
    options.connectTimeoutMs = connectMs;
    options.timeoutMs = timeoutMs;
    options.userAgent = userAgent.constData();
    options.noProxy = noProxy.constData();
    options.errorBuffer = errorBuffer;
    setCommonOptions(handle.easy, options);
    curl_easy_setopt(handle.easy, CURLOPT_URL, url.toEncoded().constData());
    curl_easy_setopt(handle.easy, CURLOPT_WRITEFUNCTION, &Body::write);
    curl_easy_setopt(handle.easy, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(handle.easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(maxBody));

    std::optional<CURLcode> done;
    Outcome outcome;
    QElapsedTimer clock;
    clock.start();
    {
        CurlMulti multi([&done](CURL *, CURLcode code) { done = code; });
        if (!multi.add(handle.easy)) {
            outcome.code = CURLE_FAILED_INIT;
            return outcome;
        }
        const QDeadlineTimer deadline(timeoutMs + 5000);
        while (!done && !deadline.hasExpired())
            QTest::qWait(5);
        if (!done) {
            multi.remove(handle.easy);
            outcome.code = CURLE_ABORTED_BY_CALLBACK;
            return outcome;
        }
    }
    outcome.elapsedMs = clock.elapsed();
    outcome.code = *done;

    TransferInfo info;
    info.path = url.path();
    info.peer = QStringLiteral("%1:%2").arg(url.host()).arg(url.port());
    info.connectTimeoutMs = connectMs;
    info.timeoutMs = timeoutMs;
    info.maxBodyBytes = maxBody;
    info.readFrom(handle.easy, errorBuffer);
    info.bodyTooLarge = body.tooLarge;
    if (outcome.code == CURLE_OK)
        info.answerText = bodySnippet(body.bytes);
    outcome.failure = describeCurlFailure(outcome.code, info);
    return outcome;
}

QString describe(const Outcome &o)
{
    return QStringLiteral("curl %1 (%2): %3 [%4]")
        .arg(int(o.code))
        .arg(QString::fromUtf8(curl_easy_strerror(o.code)), o.failure.text,
            toString(o.failure.kind));
}

} // namespace

class TestCurlLoopback final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void refusedPort();
    void listenerThatNeverAnswers();
    void tlsToPlainHttp();
    void errorPageAndBodyLimit();
    void closedWithoutAnswer();

private:
    NodeFarm m_farm;
    QUrl m_node;
};

void TestCurlLoopback::initTestCase()
{
    m_node = m_farm.addNode(QStringLiteral("main"), NodeFarm::Kind::Main);
    QVERIFY2(m_farm.start(), qPrintable(m_farm.errorString()));
}

void TestCurlLoopback::refusedPort()
{
    QUrl url = NodeFarm::refusingNodeUrl();
    url.setPath(QStringLiteral("/healthz"));
    const Outcome o = get(url, 2000, 3000);
    QCOMPARE(o.code, CURLE_COULDNT_CONNECT);
    QVERIFY2(o.elapsedMs < 1500, "a refused connection must not wait for a timeout");
    QCOMPARE(toString(o.failure.kind), toString(FetchError::ConnectionRefused));
    QCOMPARE(o.failure.text, QStringLiteral("127.0.0.1:%1: connection refused").arg(url.port()));
    QVERIFY(o.failure.retryable);
}

void TestCurlLoopback::listenerThatNeverAnswers()
{
    // The kernel's backlog completes the handshake: connected, and then nothing.
    cwtest::HangingServer frozen(cwtest::HangingServer::Mode::NeverAccept);
    QVERIFY(frozen.listening());
    QUrl url = frozen.url();
    url.setPath(QStringLiteral("/healthz"));
    const Outcome o = get(url, 1000, 400);
    QCOMPARE(o.code, CURLE_OPERATION_TIMEDOUT);
    QVERIFY2(o.elapsedMs >= 350 && o.elapsedMs < 2000, qPrintable(QString::number(o.elapsedMs)));
    QCOMPARE(toString(o.failure.kind), toString(FetchError::Timeout));
    QCOMPARE(o.failure.text,
        QStringLiteral("GET /healthz on 127.0.0.1:%1: no answer within 400 ms").arg(frozen.port()));
    QVERIFY(o.failure.scope == FailureScope::Exchange);
    QVERIFY(o.failure.retryable);
}

void TestCurlLoopback::tlsToPlainHttp()
{
    // https:// to nginx speaking plain HTTP: the handshake fails, and it says TLS.
    QUrl url = m_node;
    url.setScheme(QStringLiteral("https"));
    url.setPath(QStringLiteral("/healthz"));
    const Outcome o = get(url, 2000, 3000);
    QVERIFY2(isTlsError(o.code), qPrintable(describe(o)));
    QCOMPARE(toString(o.failure.kind), toString(FetchError::Tls));
    const QString prefix = QStringLiteral("127.0.0.1:%1: TLS error: ").arg(url.port());
    QVERIFY2(o.failure.text.startsWith(prefix) && o.failure.text.size() > prefix.size(),
        qPrintable(describe(o)));
    QVERIFY(o.failure.scope == FailureScope::Connection);
}

void TestCurlLoopback::errorPageAndBodyLimit()
{
    // n8n's Express answer to an unknown path, quoted.
    QUrl missing = m_node;
    missing.setPath(QStringLiteral("/nope"));
    const Outcome notFound = get(missing, 2000, 3000);
    QCOMPARE(notFound.code, CURLE_OK);
    QCOMPARE(toString(notFound.failure.kind), toString(FetchError::HttpStatus));
    QVERIFY2(
        notFound.failure.text.startsWith(QStringLiteral("HTTP 404 from /nope: Cannot GET /nope")),
        qPrintable(describe(notFound)));
    QVERIFY(!notFound.failure.retryable);

    QUrl metrics = m_node;
    metrics.setPath(QStringLiteral("/metrics"));
    const Outcome whole = get(metrics, 2000, 3000);
    QVERIFY2(whole.failure.ok(), qPrintable(describe(whole)));
    const Outcome tooLarge = get(metrics, 2000, 3000, 100);
    QCOMPARE(toString(tooLarge.failure.kind), toString(FetchError::BodyTooLarge));
    QCOMPARE(tooLarge.failure.text, QStringLiteral("GET /metrics: body over 100 bytes"));
}

void TestCurlLoopback::closedWithoutAnswer()
{
    // Accepted and closed at once: whether curl sees an empty reply or a reset depends on the
    // timing; either way the request and the peer are named, and it is worth another try.
    cwtest::ClosingListener closing;
    QVERIFY(closing.port() != 0);
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(closing.port());
    url.setPath(QStringLiteral("/healthz"));
    const Outcome o = get(url, 2000, 3000);
    QVERIFY2(
        o.code == CURLE_GOT_NOTHING || o.code == CURLE_RECV_ERROR || o.code == CURLE_SEND_ERROR,
        qPrintable(describe(o)));
    const QString request
        = QStringLiteral("GET /healthz on 127.0.0.1:%1: connection ").arg(closing.port());
    QVERIFY2(o.failure.text.startsWith(request), qPrintable(describe(o)));
    QVERIFY(o.failure.scope == FailureScope::Exchange);
    QVERIFY(o.failure.retryable);
    QVERIFY(closing.accepted() >= 1);
}

QTEST_GUILESS_MAIN(TestCurlLoopback)
#include "tst_curlloopback.moc"
