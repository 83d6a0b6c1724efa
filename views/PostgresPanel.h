#pragma once

#include <QGroupBox>
#include <array>

class QLabel;

namespace cw {

class ClusterState;

/// PostgreSQL: reachability and latency, n8n executions by status (and those stuck running),
/// connections by state and database size.
class PostgresPanel final : public QGroupBox {
    Q_OBJECT
public:
    explicit PostgresPanel(const ClusterState *state, QWidget *parent = nullptr);

private:
    void refresh();

    const ClusterState *m_state;
    QLabel *m_status;
    std::array<QLabel *, 8> m_executions {};
    QLabel *m_stuck;
    QLabel *m_details;
    QLabel *m_updated;
};

} // namespace cw
