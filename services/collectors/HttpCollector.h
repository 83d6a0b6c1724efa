#pragma once

#include "models/ClusterConfig.h"
#include "models/Snapshots.h"
#include "services/collectors/NodeSource.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <memory>
#include <queue>
#include <vector>

class QTimer;

namespace cw {

class CurlMulti;
struct TransferInfo;

/// The HTTP node source: polls every n8n node's /healthz, /healthz/readiness and /metrics, all
/// nodes concurrently on the thread it lives on, with libcurl multi handles driven by that
/// thread's event loop. Connections are kept alive and reused between polls.
///
/// Each node paces itself: its next poll starts one interval after the previous one started,
/// or shortly after it finished if it overran, so a hanging node neither delays the others
/// nor piles up requests. One NodeSnapshot is emitted per node and poll.
class HttpCollector final : public NodeSource {
    Q_OBJECT
public:
    HttpCollector(QList<cw::NodeConfig> nodes, cw::Timeouts timeouts, cw::Millis interval,
        qint64 maxBodyBytes, QObject *parent = nullptr);
    ~HttpCollector() override; ///< frees curl's handles; runs on the collector thread

    [[nodiscard]] QString kind() const override; ///< "http"

public Q_SLOTS:
    /// On the collector thread: creates the curl handles and polls all nodes at once.
    void start() override;
    /// Aborts the requests in flight and stops polling; no snapshot is emitted for them.
    void stop() override;

private:
    struct Node;
    struct Transfer;

    void setUpTransfer(Node &node, Transfer &transfer, const QString &path);
    void startPoll(Node &node);
    [[nodiscard]] TransferInfo transferInfo(const Transfer &transfer) const;
    void transferDone(Transfer &transfer, int curlCode);
    void finishPoll(Node &node);
    void schedule(Node &node, qint64 dueMs);
    void pollDueNodes();
    void armPollTimer();
    qint64 nowMs() const { return m_clock.elapsed(); }

    using Due = std::pair<qint64, std::size_t>; ///< (steady ms, node index)

    QList<NodeConfig> m_configs;
    Timeouts m_timeouts;
    Millis m_interval;
    qint64 m_maxBodyBytes;
    QByteArray m_userAgent;
    QByteArray m_noProxy;

    QElapsedTimer m_clock;
    bool m_running = false;
    std::vector<std::unique_ptr<CurlMulti>> m_multis; ///< shards of kNodesPerMulti nodes
    std::vector<std::unique_ptr<Node>> m_nodes;
    std::priority_queue<Due, std::vector<Due>, std::greater<>> m_due;
    QTimer *m_pollTimer = nullptr;
};

} // namespace cw
