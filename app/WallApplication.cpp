#include "app/WallApplication.h"

#include "models/items/ClusterModel.h"
#include "services/session/ClusterSession.h"
#include "views/wall/WallWindow.h"

namespace cw {

namespace {

SessionOptions wallSessionOptions()
{
    SessionOptions options;
    options.persistent = false;
    options.readOnly = true;
    return options;
}

} // namespace

WallApplication::WallApplication(WallOptions options, QObject *parent)
    : QObject(parent)
    , m_session(std::make_unique<ClusterSession>(wallSessionOptions()))
    , m_nodes(std::make_unique<ClusterModel>(m_session->state()))
    , m_wall(std::make_unique<WallController>(m_session.get(), m_nodes.get(), std::move(options)))
{
}

WallApplication::~WallApplication()
{
    m_wall.reset();
    m_nodes.reset();
    m_session.reset();
}

void WallApplication::setCluster(const ClusterConfig &config)
{
    m_session->open(config);
}

void WallApplication::show()
{
    m_wall->show();
}

} // namespace cw
