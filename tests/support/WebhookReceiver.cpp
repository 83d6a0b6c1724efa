#include "WebhookReceiver.h"

#include <QHash>
#include <QHostAddress>
#include <QMutex>
#include <QMutexLocker>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <deque>

namespace cwtest {

namespace {

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace

QByteArray WebhookReceiver::Request::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return QByteArray();
}

/// The script and the record, shared by the test thread and the server thread.
struct WebhookReceiver::Shared {
    QMutex mutex;
    Answer fallback;
    std::deque<Answer> queued;
    QList<Request> requests;

    Answer record(Request request)
    {
        const QMutexLocker lock(&mutex);
        requests.append(std::move(request));
        if (queued.empty())
            return fallback;
        Answer answer = queued.front();
        queued.pop_front();
        return answer;
    }
};

/// Lives on the receiver's thread: the listening socket and its connections.
class WebhookReceiver::Server final : public QObject {
public:
    Server(std::shared_ptr<Shared> shared, const QElapsedTimer *clock)
        : m_shared(std::move(shared))
        , m_clock(clock)
    {
    }

    quint16 listen()
    {
        m_server = new QTcpServer(this);
        if (!m_server->listen(QHostAddress::LocalHost, 0))
            return 0;
        connect(m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                m_connections.insert(socket, Connection {});
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
                connect(socket, &QObject::destroyed, this,
                    [this, socket] { m_connections.remove(socket); });
            }
        });
        return m_server->serverPort();
    }

private:
    struct Connection {
        QByteArray buffer;
        bool answering = false; ///< a delayed answer is pending: later requests wait
    };

    void serve(QTcpSocket *socket)
    {
        const auto it = m_connections.find(socket);
        if (it == m_connections.end())
            return;
        it->buffer += socket->readAll();
        while (!it->answering) {
            const qsizetype headEnd = it->buffer.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return;
            const QList<QByteArray> lines = it->buffer.left(headEnd).split('\n');
            Request request;
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            request.method = first.value(0);
            request.path = first.value(1);
            qsizetype length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                const QByteArray name = line.left(colon).trimmed();
                const QByteArray value = line.mid(colon + 1).trimmed();
                request.headers.append({ name, value });
                if (name.compare("content-length", Qt::CaseInsensitive) == 0)
                    length = value.toLongLong();
            }
            const qsizetype total = headEnd + 4 + length;
            if (it->buffer.size() < total)
                return;
            request.body = it->buffer.mid(headEnd + 4, length);
            it->buffer.remove(0, total);
            request.atMs = m_clock->elapsed();

            const Answer answer = m_shared->record(std::move(request));
            if (answer.close) {
                it->answering = true; // nothing more is read on this connection
                socket->disconnectFromHost();
                return;
            }
            if (answer.delay.count() > 0) {
                it->answering = true;
                // With the socket as context: a client that gave up (and closed) cancels it.
                QTimer::singleShot(answer.delay, socket, [this, socket, answer] {
                    respond(socket, answer);
                    const auto again = m_connections.find(socket);
                    if (again != m_connections.end()) {
                        again->answering = false;
                        serve(socket);
                    }
                });
                return;
            }
            respond(socket, answer);
        }
    }

    static void respond(QTcpSocket *socket, const Answer &answer)
    {
        QByteArray out = "HTTP/1.1 " + QByteArray::number(answer.status) + ' '
            + reason(answer.status) + "\r\nContent-Type: text/plain\r\nContent-Length: "
            + QByteArray::number(answer.body.size()) + "\r\n";
        for (const auto &[name, value] : answer.headers)
            out += name + ": " + value + "\r\n";
        out += "\r\n" + answer.body;
        socket->write(out);
    }

    std::shared_ptr<Shared> m_shared;
    const QElapsedTimer *m_clock;
    QTcpServer *m_server = nullptr;
    QHash<QTcpSocket *, Connection> m_connections;
};

WebhookReceiver::WebhookReceiver()
    : m_shared(std::make_shared<Shared>())
    , m_thread(std::make_unique<QThread>())
{
    m_clock.start();
    m_thread->setObjectName(QStringLiteral("webhook-receiver"));
    m_server = new Server(m_shared, &m_clock);
    m_server->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, m_server, &QObject::deleteLater);
    m_thread->start();
    quint16 port = 0;
    Server *server = m_server;
    QMetaObject::invokeMethod(
        m_server, [server, &port] { port = server->listen(); }, Qt::BlockingQueuedConnection);
    m_port = port;
}

WebhookReceiver::~WebhookReceiver()
{
    m_thread->quit();
    m_thread->wait();
}

QUrl WebhookReceiver::url(const QString &path) const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_port);
    url.setPath(path);
    return url;
}

void WebhookReceiver::setDefaultAnswer(const Answer &answer)
{
    const QMutexLocker lock(&m_shared->mutex);
    m_shared->fallback = answer;
}

void WebhookReceiver::queueAnswer(const Answer &answer, int times)
{
    const QMutexLocker lock(&m_shared->mutex);
    for (int i = 0; i < times; ++i)
        m_shared->queued.push_back(answer);
}

void WebhookReceiver::script(const Answer &fallback, const QList<Answer> &queued)
{
    const QMutexLocker lock(&m_shared->mutex);
    m_shared->fallback = fallback;
    m_shared->queued.assign(queued.begin(), queued.end());
}

void WebhookReceiver::answerOk()
{
    script(Answer {}, {});
}

void WebhookReceiver::failThenOk(int failures, int status)
{
    Answer failure;
    failure.status = status;
    failure.body = "upstream trouble";
    script(Answer {}, QList<Answer>(failures, failure));
}

void WebhookReceiver::tooManyRequestsThenOk(int times, int retryAfterSeconds)
{
    Answer limited;
    limited.status = 429;
    limited.body = "rate limited";
    limited.headers.append({ "Retry-After", QByteArray::number(retryAfterSeconds) });
    script(Answer {}, QList<Answer>(times, limited));
}

void WebhookReceiver::answerSlowly(std::chrono::milliseconds delay)
{
    Answer slow;
    slow.delay = delay;
    script(slow, {});
}

void WebhookReceiver::closeWithoutAnswer()
{
    Answer close;
    close.close = true;
    script(close, {});
}

QList<WebhookReceiver::Request> WebhookReceiver::requests() const
{
    const QMutexLocker lock(&m_shared->mutex);
    return m_shared->requests;
}

int WebhookReceiver::requestCount() const
{
    const QMutexLocker lock(&m_shared->mutex);
    return int(m_shared->requests.size());
}

void WebhookReceiver::clearRequests()
{
    const QMutexLocker lock(&m_shared->mutex);
    m_shared->requests.clear();
}

} // namespace cwtest
