#pragma once

#include "app/WallController.h"
#include "models/ClusterConfig.h"

#include <QObject>
#include <memory>

namespace cw {

class ClusterModel;
class ClusterSession;

/// The composition root of `clusterwatch --wall`: a session that only observes and judges
/// (read-only and not persistent: it pages no one, writes nothing and can act on nothing; the
/// workstation pages), the node model, and the wall on them.
class WallApplication final : public QObject {
    Q_OBJECT
public:
    explicit WallApplication(WallOptions options, QObject *parent = nullptr);
    ~WallApplication() override;

    void setCluster(const ClusterConfig &config);
    void show();

    ClusterSession *session() const { return m_session.get(); }
    ClusterModel *nodes() const { return m_nodes.get(); }
    WallController *wall() const { return m_wall.get(); }

private:
    std::unique_ptr<ClusterSession> m_session;
    std::unique_ptr<ClusterModel> m_nodes;
    std::unique_ptr<WallController> m_wall;
};

} // namespace cw
