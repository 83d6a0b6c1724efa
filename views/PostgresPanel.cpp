#include "views/PostgresPanel.h"

#include "models/Formatter.h"
#include "models/state/ClusterState.h"
#include "views/PanelHelpers.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace cw {

PostgresPanel::PostgresPanel(const ClusterState *state, QWidget *parent)
    : QGroupBox(QStringLiteral("PostgreSQL · n8n executions"), parent)
    , m_state(state)
{
    setObjectName(QStringLiteral("postgresPanel"));
    auto *layout = new QVBoxLayout(this);
    m_status = panel::makeStatusLabel(this, QStringLiteral("postgresStatus"));
    layout->addWidget(m_status);
    auto *grid = new QGridLayout;
    for (size_t i = 0; i < kExecutionStatuses.size(); ++i) {
        const QString status = QString::fromLatin1(kExecutionStatuses[i]);
        m_executions[i] = panel::addFigure(
            grid, int(i / 4), int(i % 4), status, QStringLiteral("executions_") + status);
    }
    layout->addLayout(grid);
    m_stuck = new QLabel(this);
    m_stuck->setObjectName(QStringLiteral("executionsStuck"));
    layout->addWidget(m_stuck);
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("postgresDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_details);
    m_updated = new QLabel(this);
    m_updated->setObjectName(QStringLiteral("postgresUpdated"));
    layout->addWidget(m_updated);
    layout->addStretch();
    connect(state, &ClusterState::postgresChanged, this, &PostgresPanel::refresh);
    refresh();
}

void PostgresPanel::refresh()
{
    const PostgresSnapshot &p = m_state->postgres();
    const bool stale = m_state->postgresStale();
    panel::setServiceStatus(m_status,
        { m_state->postgresConfigured(), p.timestampMs, p.reachable, stale, p.error,
            QStringLiteral("%1 · SELECT 1 in %2").arg(p.endpoint, fmt::duration(p.selectOneMs)),
            p.n8nSchema ? QString()
                        : QStringLiteral("no n8n schema (execution_entity not found)") });

    const bool known = p.reachable && p.n8nSchema && !stale;
    for (size_t i = 0; i < m_executions.size(); ++i)
        m_executions[i]->setText(known ? fmt::count(p.executions[i]) : fmt::none());
    m_stuck->setText(known
            ? QStringLiteral("running longer than the threshold: %1").arg(p.stuckRunning)
            : QString());

    if (p.reachable) {
        QStringList byState;
        for (const ConnectionCount &c : p.connections)
            byState << QStringLiteral("%1 %2").arg(c.count).arg(c.state);
        m_details->setText(
            QStringLiteral("PostgreSQL %1 · connections %2 of %3 (%4) · database %5")
                .arg(p.serverVersion)
                .arg(p.totalConnections())
                .arg(p.maxConnections)
                .arg(byState.join(QStringLiteral(", ")), fmt::bytes(double(p.databaseSizeBytes))));
    } else {
        m_details->clear();
    }
    m_updated->setText(QStringLiteral("updated ")
        + (m_state->hasPostgres() ? fmt::elapsedAgo(m_state->postgresAgeMs())
                                  : QStringLiteral("never")));
}

} // namespace cw
