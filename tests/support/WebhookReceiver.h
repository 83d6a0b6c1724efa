#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <chrono>
#include <memory>

class QThread;

namespace cwtest {

/// A real HTTP/1.1 server on a free 127.0.0.1 port standing in for a webhook endpoint (Slack,
/// a JSON receiver): it records every request and answers as scripted. It serves on a thread of
/// its own (QTcpServer), so it answers while the test thread waits or blocks, and its request
/// times are not skewed by the test's event loop. Keep-alive connections are supported;
/// request bodies need a Content-Length (as libcurl sends them).
///
/// "Down" is not a mode: point the client at cwtest::freeLoopbackPort(), where nothing listens.
class WebhookReceiver final {
public:
    struct Request {
        QByteArray method;
        QByteArray path; ///< with the query, as sent
        QList<QPair<QByteArray, QByteArray>> headers; ///< names as sent
        QByteArray body;
        qint64 atMs = 0; ///< elapsedMs() when it was complete

        /// The value of header @p name (case-insensitive); empty when absent.
        QByteArray header(const QByteArray &name) const;
    };

    /// How one request is answered.
    struct Answer {
        int status = 200;
        QByteArray body = "ok";
        QList<QPair<QByteArray, QByteArray>> headers;
        std::chrono::milliseconds delay { 0 }; ///< wait this long before answering
        bool close = false; ///< close the connection without any answer
    };

    WebhookReceiver();
    ~WebhookReceiver();
    WebhookReceiver(const WebhookReceiver &) = delete;
    WebhookReceiver &operator=(const WebhookReceiver &) = delete;

    bool listening() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    /// http://127.0.0.1:<port><path>
    QUrl url(const QString &path) const;

    /// The answer to every request once the scripted ones are used up (initially 200 "ok").
    void setDefaultAnswer(const Answer &answer);
    /// The next @p times requests get @p answer, before any answer queued later.
    void queueAnswer(const Answer &answer, int times = 1);

    // Scripts in one call (they replace the default and clear the queue):
    void answerOk();
    /// @p failures answers of @p status, then 200.
    void failThenOk(int failures, int status = 500);
    /// @p times answers 429 with "Retry-After: @p retryAfterSeconds", then 200.
    void tooManyRequestsThenOk(int times, int retryAfterSeconds);
    /// Every answer waits @p delay (beyond a client's timeout: it has gone by then).
    void answerSlowly(std::chrono::milliseconds delay);
    /// Every connection is closed as soon as a request is complete, without an answer.
    void closeWithoutAnswer();

    QList<Request> requests() const;
    int requestCount() const;
    void clearRequests();
    /// Milliseconds since the receiver was created; the clock of Request::atMs.
    qint64 elapsedMs() const { return m_clock.elapsed(); }

private:
    class Server;
    struct Shared;

    void script(const Answer &fallback, const QList<Answer> &queued);

    std::shared_ptr<Shared> m_shared;
    std::unique_ptr<QThread> m_thread;
    Server *m_server = nullptr; ///< lives on m_thread; deleted there when it finishes
    quint16 m_port = 0;
    QElapsedTimer m_clock;
};

} // namespace cwtest
