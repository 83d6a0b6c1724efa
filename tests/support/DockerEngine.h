#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace cwtest {

/// A private Docker Engine for one test executable, run by scripts/dockerd-private.sh with all
/// its state in a short directory /tmp/cwd-XXXXXX (socket DIR/docker.sock). It never touches
/// the system's /var/run/docker.sock. Containers use host networking (no bridge: nothing on
/// the host's firewall changes). Stopped and its directory deleted when this object goes away;
/// an engine left behind by a crashed test executable is stopped by the next start().
///
/// Needs docker.io and busybox-static, and root. A missing piece is a start() failure (with
/// the daemon's log in errorString()), never a skip.
class DockerEngine {
public:
    /// The busybox image that buildImage() imports; its entrypoint exits at once on SIGTERM
    /// and runs its arguments first ("sleep-loop" or nothing: it only idles).
    static constexpr const char *kImage = "cw-busybox:test";

    DockerEngine();
    ~DockerEngine();
    DockerEngine(const DockerEngine &) = delete;
    DockerEngine &operator=(const DockerEngine &) = delete;

    /// Before start(): also listen on tcp://127.0.0.1:@p port with mutual TLS (certificates
    /// made by the script in certPath()).
    void setTlsPort(quint16 port) { m_tlsPort = port; }

    /// Starts dockerd and waits until it answers /_ping.
    bool start();
    /// Stops dockerd (its containers stop with it); the state directory stays.
    bool stop();
    /// stop() then start() on the same directory: containers marked unless-stopped come back.
    bool restart();
    /// Imports kImage (once).
    bool buildImage();

    /// docker run -d --network host --name @p name [@p options] kImage @p command.
    /// Default options: --restart unless-stopped.
    bool runContainer(const QString &name,
        const QStringList &command = { QStringLiteral("sleep-loop") },
        const QStringList &options
        = { QStringLiteral("--restart"), QStringLiteral("unless-stopped") });
    /// The docker CLI against this engine; @p output gets stdout. False (errorString()) on
    /// a non-zero exit.
    bool docker(const QStringList &args, QByteArray *output = nullptr, int timeoutMs = 30000);

    QString dir() const { return m_dir; }
    QString socketPath() const { return m_dir + QStringLiteral("/docker.sock"); }
    QString host() const { return QStringLiteral("unix://") + socketPath(); }
    QString tlsHost() const { return QStringLiteral("tcp://127.0.0.1:%1").arg(m_tlsPort); }
    /// ca.pem, cert.pem and key.pem of a client, as DOCKER_CERT_PATH holds them.
    QString certPath() const { return m_dir + QStringLiteral("/tls"); }
    QString errorString() const { return m_error; }
    /// The last lines of the daemon's own log.
    QString logTail(int lines = 30) const;

private:
    bool script(const QStringList &args, int timeoutMs);
    void purge();
    static void reapStale();

    QString m_dir;
    QString m_script;
    QString m_cli;
    QString m_error;
    quint16 m_tlsPort = 0;
    bool m_imageBuilt = false;
};

} // namespace cwtest
