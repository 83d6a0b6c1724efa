#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>
#include <memory>
#include <optional>

namespace cwtest {

class ChildProcess;

/// Fake n8n nodes served by one real nginx (Debian's), each node on its own free 127.0.0.1
/// port, answering /healthz, /healthz/readiness and /metrics with the bodies and content
/// types of real n8n 1.123.81 captures (tests/data/n8n/). Other paths answer 404
/// "Cannot GET <path>" like n8n's Express server, and so does /metrics on a webhook node.
///
/// Behaviour changes at runtime without a reload: nginx checks flag files in each node's
/// document root on every request, and metrics bodies are files replaced atomically.
class NodeFarm final {
public:
    enum class Kind { Main, Worker, Webhook };
    enum class CaptureSet { Idle, UnderLoad, AfterLoad };

    /// nginx's stub_status counters, over all nodes.
    struct Counters {
        qint64 active = 0; ///< open client connections, including the one asking
        qint64 accepted = 0; ///< connections accepted since start, including the one asking
        qint64 requests = 0; ///< requests since start, including this one
    };

    NodeFarm();
    ~NodeFarm();
    NodeFarm(const NodeFarm &) = delete;
    NodeFarm &operator=(const NodeFarm &) = delete;

    /// Adds a node before start() and returns its base URL (http://127.0.0.1:<port><prefix>).
    /// Workers alternate between the worker1 and worker2 captures, in the order added.
    /// @p pathPrefix ("/n8n") serves the endpoints below that path, as behind a reverse proxy.
    QUrl addNode(const QString &name, Kind kind, CaptureSet captures = CaptureSet::Idle,
        const QString &pathPrefix = QString());

    /// Starts nginx and waits until it accepts connections; false with errorString().
    bool start();
    void stop();
    bool running() const;
    QString errorString() const;

    QUrl url(const QString &name) const;
    quint16 port(const QString &name) const;
    /// The capture file a node's /metrics body came from ("under_load/worker2_metrics.http").
    QString metricsCapture(const QString &name) const;

    /// /healthz/readiness answers 503 {"status":"error"} while @p failing.
    void setReadinessFailing(const QString &name, bool failing);
    /// /healthz answers 503 {"status":"error"} while @p failing.
    void setHealthFailing(const QString &name, bool failing);
    /// Replaces the /metrics body (served with n8n's content type and a Content-Length).
    void setMetricsBody(const QString &name, const QByteArray &body);
    QByteArray metricsBody(const QString &name) const;
    /// /metrics answers 404 "Cannot GET /metrics" from now on, like a webhook processor.
    void removeMetrics(const QString &name);
    /// While @p chunked, /metrics is sent chunked, without a Content-Length.
    void setMetricsChunked(const QString &name, bool chunked);

    /// Freezes nginx (SIGSTOP to the master and its worker) or thaws it (SIGCONT): connections
    /// are still accepted by the kernel, but nothing answers until thawed.
    void setFrozen(bool frozen);

    /// A base URL on 127.0.0.1 whose port nothing listens on: connections are refused.
    static QUrl refusingNodeUrl();

    /// The raw answer (status line, headers, body) to one GET of @p path on node @p name, on a
    /// connection of its own. For checking what the farm serves.
    QByteArray rawGet(const QString &name, const QByteArray &path) const;

    /// nginx's connection and request counters; nullopt when they cannot be read.
    std::optional<Counters> counters() const;

private:
    struct Node {
        QString name;
        Kind kind = Kind::Main;
        quint16 port = 0;
        QString prefix;
        QString docroot;
        QString captureDir;
        QString capturePrefix; ///< "main", "worker1", "worker2" or "webhook"
    };

    const Node &node(const QString &name) const;
    void setFlag(const QString &name, const QString &flag, bool on);
    QString writeConfig();
    quint16 allocatePort();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ChildProcess> m_nginx;
    QList<Node> m_nodes;
    QHash<QString, qsizetype> m_index;
    QSet<quint16> m_usedPorts;
    quint16 m_statusPort = 0;
    int m_workers = 0;
    QString m_error;
};

} // namespace cwtest
