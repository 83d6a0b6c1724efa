#pragma once

#include <QGroupBox>

class QLabel;

namespace cw {

class ClusterState;

/// Redis: reachability and latency, the Bull queue's depth, and server facts that matter to
/// n8n (persistence, memory, clients).
class RedisPanel final : public QGroupBox {
    Q_OBJECT
public:
    explicit RedisPanel(const ClusterState *state, QWidget *parent = nullptr);

private:
    void refresh();

    const ClusterState *m_state;
    QLabel *m_status;
    QLabel *m_waiting;
    QLabel *m_active;
    QLabel *m_delayed;
    QLabel *m_failed;
    QLabel *m_details;
    QLabel *m_updated;
};

} // namespace cw
