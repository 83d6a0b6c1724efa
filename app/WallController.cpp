#include "app/WallController.h"

#include "models/items/ChartSpec.h"
#include "models/state/ClusterState.h"
#include "services/alerts/AlertEngine.h"
#include "services/base/Logging.h"
#include "services/base/WorkerThread.h"
#include "services/history/AckWatcher.h"
#include "services/history/AlertHistory.h"
#include "services/session/ClusterSession.h"
#include "views/wall/WallWindow.h"

#include <QDateTime>

namespace cw {

WallController::WallController(
    ClusterSession *session, QAbstractItemModel *nodes, WallOptions options, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_window(std::make_unique<WallWindow>(
          nodes, session->state(), session->series(), session->options().clock))
    , m_ackThread(std::make_unique<WorkerThread>(QStringLiteral("wall-acks")))
{
    m_window->rotation()->setPages(options.pages);
    m_window->rotation()->setInterval(options.rotateEvery);
    m_window->setChartSpan(options.chartSpanMs);
    const QString ackPath = !options.ackHistoryPath.isEmpty() ? options.ackHistoryPath
        : !session->alertHistoryPath().isEmpty()              ? session->alertHistoryPath()
                                                              : AlertHistory::defaultPath();
    m_ack = m_ackThread->adopt(new AckWatcher(ackPath));
    connect(m_ack, &AckWatcher::acknowledgementsChanged, m_window.get(),
        [this](const QHash<QString, AlertAck> &acks) {
            QHash<QString, QString> byKey;
            for (auto it = acks.cbegin(); it != acks.cend(); ++it)
                byKey.insert(it.key(),
                    (it->by.isEmpty() ? QStringLiteral("acknowledged") : it->by)
                        + QStringLiteral(" ")
                        + QDateTime::fromMSecsSinceEpoch(it->timeMs)
                              .toString(QStringLiteral("HH:mm")));
            m_window->setAcknowledged(byKey);
        });
    connect(m_ack, &AckWatcher::statusChanged, m_window.get(), [this](const QString &error) {
        if (!error.isEmpty())
            qCWarning(lcApp).noquote() << "wall:" << error;
        m_window->setAckStatus(error);
    });
    m_ackThread->start(m_ack, &AckWatcher::start);

    const auto opened = [this](const ClusterConfig &config) {
        m_window->setClusterName(config.name);
        m_window->setPollInterval(config.pollInterval.count());
        m_window->setCharts(chartsForCluster(config), staleAfter(config).count());
    };
    connect(session, &ClusterSession::clusterOpened, this, opened);
    if (session->isOpen())
        opened(session->config());
    connect(session, &ClusterSession::activeAlertsChanged, this, &WallController::onAlertsChanged);
    // An acknowledgement made in this process is seen at once, not at the next read.
    connect(session, &ClusterSession::acknowledged, m_ack, &AckWatcher::readNow);
    connect(m_window.get(), &WallWindow::leaveRequested, this, &WallController::leaveRequested);
    onAlertsChanged();
}

WallController::~WallController()
{
    m_window.reset();
    m_ackThread.reset(); // quits and joins; the watcher is deleted on its thread
}

void WallController::show()
{
    m_window->showWall();
}

void WallController::onAlertsChanged()
{
    m_window->setActiveAlerts(m_session->alerts()->activeAlerts());
    const QStringList keys = m_window->rotation()->takeoverCandidates();
    QMetaObject::invokeMethod(m_ack, "watch", Qt::QueuedConnection, Q_ARG(QStringList, keys));
}

} // namespace cw
