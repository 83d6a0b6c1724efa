#pragma once

#include "models/ClusterConfig.h"
#include "models/DrillRecord.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QUrl>
#include <memory>

namespace cw {

/// How the target's own liveness is looked at, 10 times a second, independently of the
/// session's 1 s polling.
struct TargetProbeSpec {
    enum class Kind {
        None, ///< nothing to probe directly (the session's verdicts are used)
        Http, ///< GET url; up when it answers 200 (a node's /healthz)
        Redis, ///< TCP connect, send "PING\r\n"; up on any RESP reply (+PONG, -NOAUTH ...)
        Postgres, ///< TCP connect, send an SSLRequest; up on the one-byte 'S' or 'N' answer
        Tcp, ///< TCP connect only (a paused process still accepts: prefer the others)
    };
    Kind kind = Kind::None;
    QUrl url; ///< Http
    QString host; ///< Redis, Postgres, Tcp
    quint16 port = 0;
    Millis interval { 100 }; ///< one probe every interval (at most 10 outstanding)
    Millis timeout { 1000 }; ///< a probe not answered within this is "down"
};

/// What the drill's measurement thread sends and looks at.
struct DrillProbeSettings {
    /// Requests through the load balancer (empty url: no prober). GET loadBalancer + path.
    QUrl loadBalancer;
    QString path = QStringLiteral("/healthz");
    int requestsPerSecond = 10; ///< sent evenly spaced, never fewer (a slow answer does not
                                ///< hold back the next request)
    /// A request is given up after this; longer than nginx's 60 s proxy_read_timeout so that
    /// the waits of a frozen backend are measured, not cut.
    Millis requestTimeout { 75000 };
    Millis connectTimeout { 3000 };
    int maxInFlight = 2000; ///< beyond this a request is not sent but recorded as failed
    TargetProbeSpec target;
};

/// The drill's measurements: a worker on its own thread (WorkerThread) that sends the prober's
/// requests through the load balancer and probes the target at 10 Hz, with libcurl's multi
/// interface (HTTP) and non-blocking sockets. Results go back in batches every 100 ms.
///
/// Times are ms since @p originMonoMs of start(), read from Clock::system()'s monotonic clock.
class DrillProbe final : public QObject {
    Q_OBJECT
public:
    explicit DrillProbe(QObject *parent = nullptr);
    ~DrillProbe() override;

public Q_SLOTS:
    /// Starts sending and probing (a second start() replaces the first).
    void start(const cw::DrillProbeSettings &settings, qint64 originMonoMs);
    /// Stops at once: requests in flight are abandoned and not reported. Safe to call twice.
    void stop();

Q_SIGNALS:
    /// Each request when it has finished (answered, failed or timed out), and each target probe;
    /// batched, at most every 100 ms, in the order they finished. A target sample's status is
    /// the HTTP status of an Http probe; the socket probes leave it 0 (up says it all).
    void samples(const QList<cw::ProbeSample> &probes, const QList<cw::TargetSample> &targets);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::DrillProbeSettings)
