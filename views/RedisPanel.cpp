#include "views/RedisPanel.h"

#include "models/Formatter.h"
#include "models/state/ClusterState.h"
#include "views/PanelHelpers.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace cw {

RedisPanel::RedisPanel(const ClusterState *state, QWidget *parent)
    : QGroupBox(QStringLiteral("Redis · Bull queue"), parent)
    , m_state(state)
{
    setObjectName(QStringLiteral("redisPanel"));
    auto *layout = new QVBoxLayout(this);
    m_status = panel::makeStatusLabel(this, QStringLiteral("redisStatus"));
    layout->addWidget(m_status);
    auto *grid = new QGridLayout;
    m_waiting
        = panel::addFigure(grid, 0, 0, QStringLiteral("waiting"), QStringLiteral("queueWaiting"));
    m_active
        = panel::addFigure(grid, 0, 1, QStringLiteral("active"), QStringLiteral("queueActive"));
    m_delayed
        = panel::addFigure(grid, 0, 2, QStringLiteral("delayed"), QStringLiteral("queueDelayed"));
    m_failed
        = panel::addFigure(grid, 0, 3, QStringLiteral("failed"), QStringLiteral("queueFailed"));
    layout->addLayout(grid);
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("redisDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_details);
    m_updated = new QLabel(this);
    m_updated->setObjectName(QStringLiteral("redisUpdated"));
    layout->addWidget(m_updated);
    layout->addStretch();
    connect(state, &ClusterState::redisChanged, this, &RedisPanel::refresh);
    refresh();
}

void RedisPanel::refresh()
{
    const RedisSnapshot &r = m_state->redis();
    const bool stale = m_state->redisStale();
    panel::setServiceStatus(m_status,
        { m_state->redisConfigured(), r.timestampMs, r.reachable, stale, r.error,
            QStringLiteral("%1 · ping %2").arg(r.endpoint, fmt::duration(r.pingMs)), {} });

    const bool queueKnown = r.reachable && r.queueRead && !stale;
    const auto figure = [&](QLabel *label, qint64 value) {
        label->setText(queueKnown ? fmt::count(value) : fmt::none());
    };
    figure(m_waiting, r.queue.waiting + r.queue.pausedWaiting);
    figure(m_active, r.queue.active);
    figure(m_delayed, r.queue.delayed);
    figure(m_failed, r.queue.failed);

    if (r.reachable) {
        QStringList facts;
        facts << QStringLiteral("Redis %1 (%2)").arg(r.version, r.role)
              << QStringLiteral("%1 clients").arg(r.connectedClients)
              << QStringLiteral("memory %1%2")
                     .arg(fmt::bytes(double(r.usedMemoryBytes)),
                         r.maxMemoryBytes > 0
                             ? QStringLiteral(" of ") + fmt::bytes(double(r.maxMemoryBytes))
                             : QString())
              << (r.aofEnabled ? QStringLiteral("AOF on") : QStringLiteral("AOF off"))
              << QStringLiteral("last RDB save: ")
                + (r.rdbLastBgsaveStatus.isEmpty() ? fmt::none() : r.rdbLastBgsaveStatus)
              << QStringLiteral("up ") + fmt::duration(double(r.uptimeSeconds) * 1000.0);
        if (r.queue.paused)
            facts << QStringLiteral("QUEUE PAUSED");
        if (r.queue.lastJobId)
            facts << QStringLiteral("last job id %1").arg(*r.queue.lastJobId);
        m_details->setText(facts.join(QStringLiteral(" · ")));
    } else {
        m_details->clear();
    }
    m_updated->setText(QStringLiteral("updated ")
        + (m_state->hasRedis() ? fmt::elapsedAgo(m_state->redisAgeMs()) : QStringLiteral("never")));
}

} // namespace cw
