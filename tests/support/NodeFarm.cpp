#include "NodeFarm.h"

#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace cwtest {

namespace {

const QString kCaptureRoot = QStringLiteral("n8n/v1.123.81/");

QString captureSetDir(NodeFarm::CaptureSet set)
{
    switch (set) {
    case NodeFarm::CaptureSet::Idle:
        return QStringLiteral("idle");
    case NodeFarm::CaptureSet::UnderLoad:
        return QStringLiteral("under_load");
    case NodeFarm::CaptureSet::AfterLoad:
        return QStringLiteral("after_load");
    }
    return {};
}

/// The Content-Type header of a raw capture, as n8n sent it.
QByteArray contentType(const QByteArray &capture)
{
    const qsizetype headerEnd = capture.indexOf("\r\n\r\n");
    const QList<QByteArray> lines = capture.left(headerEnd).split('\n');
    for (const QByteArray &line : lines) {
        if (line.toLower().startsWith("content-type:"))
            return line.mid(qsizetype(sizeof "content-type:") - 1).trimmed();
    }
    return "application/octet-stream";
}

bool writeAtomically(const QString &path, const QByteArray &data)
{
    // nginx opens the file per request: a rename never lets it see half a body.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(data);
    return file.commit();
}

QByteArray quoted(const QString &path)
{
    return '"' + path.toUtf8() + '"';
}

/// Express's 404 page, as n8n sends it for an unknown path (and /metrics on a webhook node).
const char kNotFoundReturn[]
    = "return 404 '<!DOCTYPE html>\\n<html lang=\"en\">\\n<head>\\n<meta charset=\"utf-8\">\\n"
      "<title>Error</title>\\n</head>\\n<body>\\n<pre>Cannot GET "
      "$uri</pre>\\n</body>\\n</html>\\n';";

} // namespace

NodeFarm::NodeFarm()
    : m_dir(std::make_unique<QTemporaryDir>())
{
}

NodeFarm::~NodeFarm()
{
    stop();
}

quint16 NodeFarm::allocatePort()
{
    for (int attempt = 0; attempt < 100; ++attempt) {
        const quint16 port = freeLoopbackPort();
        if (port != 0 && !m_usedPorts.contains(port)) {
            m_usedPorts.insert(port);
            return port;
        }
    }
    return 0;
}

QUrl NodeFarm::addNode(
    const QString &name, Kind kind, CaptureSet captures, const QString &pathPrefix)
{
    Q_ASSERT(!m_index.contains(name));
    Node node;
    node.name = name;
    node.kind = kind;
    node.port = allocatePort();
    node.prefix = pathPrefix;
    while (node.prefix.endsWith(QLatin1Char('/')))
        node.prefix.chop(1);
    node.captureDir = captureSetDir(captures);
    switch (kind) {
    case Kind::Main:
        node.capturePrefix = QStringLiteral("main");
        break;
    case Kind::Webhook:
        node.capturePrefix = QStringLiteral("webhook");
        break;
    case Kind::Worker:
        node.capturePrefix
            = m_workers % 2 == 0 ? QStringLiteral("worker1") : QStringLiteral("worker2");
        ++m_workers;
        break;
    }
    node.docroot = m_dir->filePath(QStringLiteral("nodes/") + QString::number(node.port));
    QDir().mkpath(node.docroot);

    const QString base = kCaptureRoot + node.captureDir + QLatin1Char('/') + node.capturePrefix;
    writeAtomically(node.docroot + QStringLiteral("/healthz.body"),
        httpBody(readTestData(base + QStringLiteral("_healthz.http"))));
    writeAtomically(node.docroot + QStringLiteral("/readiness.body"),
        httpBody(readTestData(base + QStringLiteral("_healthz_readiness.http"))));
    if (kind != Kind::Webhook)
        writeAtomically(node.docroot + QStringLiteral("/metrics.body"),
            httpBody(readTestData(base + QStringLiteral("_metrics.http"))));

    m_index.insert(name, m_nodes.size());
    m_nodes.append(node);
    return url(name);
}

const NodeFarm::Node &NodeFarm::node(const QString &name) const
{
    Q_ASSERT_X(m_index.contains(name), "NodeFarm", "unknown node");
    return m_nodes.at(m_index.value(name));
}

QUrl NodeFarm::url(const QString &name) const
{
    const Node &n = node(name);
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(n.port);
    url.setPath(n.prefix);
    return url;
}

quint16 NodeFarm::port(const QString &name) const
{
    return node(name).port;
}

QString NodeFarm::metricsCapture(const QString &name) const
{
    const Node &n = node(name);
    return n.captureDir + QLatin1Char('/') + n.capturePrefix + QStringLiteral("_metrics.http");
}

QString NodeFarm::writeConfig()
{
    const QString dir = m_dir->path();
    const qsizetype nodes = m_nodes.size();
    // Per node: the listening socket and one kept-alive connection per endpoint, plus room.
    const long connections = std::max<long>(1024, long(nodes) * 5 + 256);
    long fileLimit = connections * 2 + 64;
    rlimit limit {};
    if (!runningAsRoot() && ::getrlimit(RLIMIT_NOFILE, &limit) == 0
        && limit.rlim_max != RLIM_INFINITY)
        fileLimit = std::min<long>(fileLimit, long(limit.rlim_max));

    for (const char *sub : { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        QDir().mkpath(dir + QStringLiteral("/temp/") + QLatin1String(sub));

    QByteArray conf;
    conf += "# Generated by cwtest::NodeFarm\n";
    conf += "worker_processes 1;\n";
    // As root nginx would run its worker as nobody, which cannot enter the 0700 temp dir.
    if (runningAsRoot())
        conf += "user root;\n";
    conf += "pid " + quoted(dir + QStringLiteral("/nginx.pid")) + ";\n";
    conf += "error_log " + quoted(dir + QStringLiteral("/error.log")) + " warn;\n";
    conf += "worker_rlimit_nofile " + QByteArray::number(qlonglong(fileLimit)) + ";\n";
    conf += "events { worker_connections " + QByteArray::number(qlonglong(connections)) + "; }\n";
    conf += "http {\n";
    conf += "  access_log off;\n  server_tokens off;\n  etag off;\n";
    conf += "  types {}\n  default_type application/octet-stream;\n";
    // n8n (Node's http server) closes idle connections after 5 s and has no request limit.
    conf += "  keepalive_timeout 5s;\n  keepalive_requests 100000000;\n";
    conf += "  client_body_temp_path " + quoted(dir + QStringLiteral("/temp/client_body")) + ";\n";
    conf += "  proxy_temp_path " + quoted(dir + QStringLiteral("/temp/proxy")) + ";\n";
    conf += "  fastcgi_temp_path " + quoted(dir + QStringLiteral("/temp/fastcgi")) + ";\n";
    conf += "  uwsgi_temp_path " + quoted(dir + QStringLiteral("/temp/uwsgi")) + ";\n";
    conf += "  scgi_temp_path " + quoted(dir + QStringLiteral("/temp/scgi")) + ";\n";
    conf += "  server {\n    listen 127.0.0.1:" + QByteArray::number(m_statusPort)
        + ";\n    location = /status { stub_status; }\n  }\n";

    QHash<QString, QByteArray> captures;
    auto typeOf = [&captures](const QString &file) {
        auto it = captures.find(file);
        if (it == captures.end())
            it = captures.insert(file, contentType(readTestData(file)));
        return it.value();
    };

    for (const Node &n : std::as_const(m_nodes)) {
        const QString base = kCaptureRoot + n.captureDir + QLatin1Char('/') + n.capturePrefix;
        const QByteArray jsonType = typeOf(base + QStringLiteral("_healthz.http"));
        const QByteArray metricsType = n.kind == Kind::Webhook
            ? QByteArray("text/plain; charset=utf-8; version=0.0.4")
            : typeOf(base + QStringLiteral("_metrics.http"));
        const QByteArray prefix = n.prefix.toUtf8();
        conf += "  server {\n";
        conf += "    listen 127.0.0.1:" + QByteArray::number(n.port) + ";\n";
        conf += "    root " + quoted(n.docroot) + ";\n";
        conf += "    location = " + prefix + "/healthz {\n";
        conf += "      default_type \"" + jsonType + "\";\n";
        conf
            += "      if (-f $document_root/.health503) { return 503 '{\"status\":\"error\"}'; }\n";
        conf += "      try_files /healthz.body =500;\n    }\n";
        conf += "    location = " + prefix + "/healthz/readiness {\n";
        conf += "      default_type \"" + jsonType + "\";\n";
        conf += "      if (-f $document_root/.ready503) { return 503 '{\"status\":\"error\"}'; }\n";
        conf += "      try_files /readiness.body =500;\n    }\n";
        conf += "    location = " + prefix + "/metrics {\n";
        conf += "      default_type \"" + metricsType + "\";\n";
        conf += "      if (-f $document_root/.chunked) { rewrite ^ /__chunked_metrics last; }\n";
        conf += "      try_files /metrics.body @nometrics;\n    }\n";
        // sub_filter drops the Content-Length, so the body goes out chunked.
        conf += "    location = /__chunked_metrics {\n      internal;\n";
        conf += "      default_type \"" + metricsType + "\";\n";
        conf += "      sub_filter_types *;\n      sub_filter 'no-such-text-in-metrics' '';\n";
        conf += "      try_files /metrics.body @nometrics;\n    }\n";
        conf += "    location @nometrics {\n      default_type \"text/html; charset=utf-8\";\n     "
                " ";
        conf += kNotFoundReturn;
        conf += "\n    }\n";
        conf += "    location / {\n      default_type \"text/html; charset=utf-8\";\n      ";
        conf += kNotFoundReturn;
        conf += "\n    }\n  }\n";
    }
    conf += "}\n";

    const QString path = dir + QStringLiteral("/nginx.conf");
    if (!writeAtomically(path, conf))
        return {};
    return path;
}

bool NodeFarm::start()
{
    m_error.clear();
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    const QString nginx = findBinary(QStringLiteral("nginx"));
    if (nginx.isEmpty()) {
        m_error = QStringLiteral(
            "nginx not found (Debian package nginx-light; scripts/deps.sh installs it)");
        return false;
    }
    if (m_statusPort == 0)
        m_statusPort = allocatePort();
    const QString conf = writeConfig();
    if (conf.isEmpty()) {
        m_error = QStringLiteral("cannot write the nginx configuration");
        return false;
    }

    m_nginx = std::make_unique<ChildProcess>();
    const QString errorLog = m_dir->filePath(QStringLiteral("error.log"));
    if (!m_nginx->start(nginx,
            { QStringLiteral("-p"), m_dir->path() + QLatin1Char('/'), QStringLiteral("-c"), conf,
                QStringLiteral("-e"), errorLog, QStringLiteral("-g"),
                QStringLiteral("daemon off;") })) {
        m_error = QStringLiteral("cannot run %1: %2").arg(nginx, m_nginx->errorString());
        m_nginx.reset();
        return false;
    }
    // nginx binds every listening socket before it starts its worker.
    if (!waitForTcpPort(m_statusPort, std::chrono::seconds(20)) || !m_nginx->running()) {
        QFile log(errorLog);
        log.open(QIODevice::ReadOnly);
        m_error = QStringLiteral("nginx did not start: ")
            + QString::fromUtf8(m_nginx->output() + log.readAll()).trimmed();
        m_nginx.reset();
        return false;
    }
    return true;
}

void NodeFarm::setFrozen(bool frozen)
{
    if (!m_nginx || !m_nginx->running())
        return;
    const qint64 master = m_nginx->pid();
    QList<qint64> pids { master };
    QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(master));
    if (children.open(QIODevice::ReadOnly)) {
        for (const QByteArray &pid : children.readAll().simplified().split(' ')) {
            if (!pid.isEmpty())
                pids << pid.toLongLong();
        }
    }
    // Workers first when freezing, the master first when thawing: neither notices the other.
    if (!frozen)
        std::reverse(pids.begin(), pids.end());
    for (auto it = pids.crbegin(); it != pids.crend(); ++it)
        ::kill(pid_t(*it), frozen ? SIGSTOP : SIGCONT);
}

void NodeFarm::stop()
{
    if (m_nginx)
        m_nginx->terminate(std::chrono::milliseconds(5000));
    m_nginx.reset();
}

bool NodeFarm::running() const
{
    return m_nginx && m_nginx->running();
}

QString NodeFarm::errorString() const
{
    return m_error;
}

void NodeFarm::setFlag(const QString &name, const QString &flag, bool on)
{
    const QString path = node(name).docroot + QLatin1Char('/') + flag;
    if (on)
        writeAtomically(path, QByteArray());
    else
        QFile::remove(path);
}

void NodeFarm::setReadinessFailing(const QString &name, bool failing)
{
    setFlag(name, QStringLiteral(".ready503"), failing);
}

void NodeFarm::setHealthFailing(const QString &name, bool failing)
{
    setFlag(name, QStringLiteral(".health503"), failing);
}

void NodeFarm::setMetricsChunked(const QString &name, bool chunked)
{
    setFlag(name, QStringLiteral(".chunked"), chunked);
}

void NodeFarm::setMetricsBody(const QString &name, const QByteArray &body)
{
    writeAtomically(node(name).docroot + QStringLiteral("/metrics.body"), body);
}

QByteArray NodeFarm::metricsBody(const QString &name) const
{
    QFile file(node(name).docroot + QStringLiteral("/metrics.body"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void NodeFarm::removeMetrics(const QString &name)
{
    QFile::remove(node(name).docroot + QStringLiteral("/metrics.body"));
}

QUrl NodeFarm::refusingNodeUrl()
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(freeLoopbackPort());
    return url;
}

namespace {

/// One blocking HTTP/1.1 GET on 127.0.0.1:@p port; the raw answer, headers included.
QByteArray rawHttpGet(quint16 port, const QByteArray &path)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return {};
    timeval timeout { 2, 0 };
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QByteArray answer;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
        const QByteArray request
            = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        if (::send(fd, request.constData(), size_t(request.size()), 0) == request.size()) {
            char buffer[16384];
            ssize_t n = 0;
            while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
                answer.append(buffer, qsizetype(n));
        }
    }
    ::close(fd);
    return answer;
}

} // namespace

QByteArray NodeFarm::rawGet(const QString &name, const QByteArray &path) const
{
    if (!running())
        return {};
    return rawHttpGet(port(name), path);
}

std::optional<NodeFarm::Counters> NodeFarm::counters() const
{
    if (!running())
        return std::nullopt;
    const QByteArray answer = rawHttpGet(m_statusPort, "/status");

    // "Active connections: 1 \nserver accepts handled requests\n 5 5 9 \nReading: ..."
    const QByteArray body = httpBody(answer);
    const QList<QByteArray> lines = body.split('\n');
    if (lines.size() < 3 || !lines.at(0).startsWith("Active connections:"))
        return std::nullopt;
    const QList<QByteArray> figures = lines.at(2).simplified().split(' ');
    if (figures.size() != 3)
        return std::nullopt;
    Counters counters;
    counters.active
        = lines.at(0).mid(qsizetype(sizeof "Active connections:") - 1).trimmed().toLongLong();
    counters.accepted = figures.at(0).toLongLong();
    counters.requests = figures.at(2).toLongLong();
    return counters;
}

} // namespace cwtest
