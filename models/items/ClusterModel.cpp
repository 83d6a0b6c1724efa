#include "models/items/ClusterModel.h"

#include "models/Formatter.h"

namespace cw {

namespace {

QVariant optionalValue(const std::optional<double> &value)
{
    return value ? QVariant(*value) : QVariant();
}

QString readinessText(const NodeSnapshot &s)
{
    if (s.timestampMs == 0 || !s.health.ok())
        return fmt::none();
    if (s.readiness.ok())
        return QStringLiteral("ready");
    if (s.readiness.error == FetchError::HttpStatus)
        return QStringLiteral("not ready (HTTP %1)").arg(s.readiness.httpStatus);
    return QStringLiteral("not ready (%1)").arg(toString(s.readiness.error));
}

QString metricsText(const NodeSnapshot &s)
{
    switch (s.metricsState) {
    case MetricsState::Unknown:
        return fmt::none();
    case MetricsState::Ok:
        return QStringLiteral("ok");
    case MetricsState::NotExposed:
        return QStringLiteral("not exposed");
    case MetricsState::Malformed:
        return QStringLiteral("malformed: ") + s.metricsError;
    case MetricsState::Failed:
        return QStringLiteral("failed: ") + s.metrics.errorText;
    }
    return {};
}

} // namespace

ClusterModel::ClusterModel(const ClusterState *state, QObject *parent)
    : QAbstractTableModel(parent)
    , m_state(state)
{
    connect(state, &ClusterState::aboutToReset, this, &ClusterModel::beginResetModel);
    connect(state, &ClusterState::reset, this, &ClusterModel::endResetModel);
    connect(state, &ClusterState::nodeChanged, this, &ClusterModel::onNodeChanged);
    connect(state, &ClusterState::ticked, this, &ClusterModel::onTicked);
}

int ClusterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_state->nodes().size());
}

int ClusterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int ClusterModel::rowOf(const QString &nodeName) const
{
    return m_state->indexOf(nodeName);
}

QVariant ClusterModel::roleValue(const NodeEntry &row, int role) const
{
    const NodeSnapshot &s = row.last;
    switch (role) {
    case NameRole:
        return row.config.name;
    case NodeRoleRole:
        return toString(row.config.role);
    case StateRole:
        return int(row.verdict.state);
    case StateTextRole:
        return row.stale ? toString(row.verdict.state) + QStringLiteral(" (stale)")
                         : toString(row.verdict.state);
    case ReasonRole:
        return row.stale ? QStringLiteral("no fresh data for ")
                + fmt::duration(double(m_state->ageMs(row.receivedMonoMs)))
                         : row.verdict.reason;
    case ReadinessTextRole:
        return readinessText(s);
    case ResponseMsRole:
        return s.timestampMs > 0 && s.health.httpStatus > 0 ? QVariant(s.health.responseMs)
                                                            : QVariant();
    case CpuPercentRole:
        return optionalValue(s.cpuPercent);
    case MemoryBytesRole:
        return optionalValue(s.values.residentMemoryBytes);
    case EventLoopLagRole:
        return optionalValue(s.values.eventLoopLagSeconds);
    case MetricsTextRole:
        return metricsText(s);
    case LastSeenRole:
        return row.lastSeenMs;
    case LastSeenTextRole:
        return lastSeenText(row);
    case LastUpdateRole:
        return s.timestampMs;
    case StaleRole:
        return row.stale;
    case VersionRole:
        return s.values.version;
    case LeaderRole:
        return s.values.leader.value_or(false);
    case UrlRole:
        return row.config.baseUrl.toString();
    case ContainerRole:
        return row.container ? row.container->name : row.config.container;
    case ContainerStateRole:
        return row.container ? containerStateText(*row.container) : QString();
    case RestartCountRole:
        return row.container ? QVariant(row.container->restartCount) : QVariant();
    case ContainerCpuRole:
        return row.stats && row.stats->cpuPercent ? QVariant(*row.stats->cpuPercent) : QVariant();
    case ContainerMemoryRole:
        return row.stats ? QVariant(double(row.stats->memoryUsedBytes)) : QVariant();
    case ContainerMemoryLimitRole:
        return row.stats ? QVariant(double(row.stats->memoryLimitBytes)) : QVariant();
    default:
        return {};
    }
}

QString ClusterModel::lastSeenText(const NodeEntry &row) const
{
    return row.lastSeenMs > 0 ? fmt::elapsedAgo(m_state->ageMs(row.lastSeenMonoMs))
                              : QStringLiteral("never");
}

QVariant ClusterModel::displayValue(const NodeEntry &row, int column) const
{
    const NodeSnapshot &s = row.last;
    switch (column) {
    case NameColumn:
        return row.config.name;
    case RoleColumn:
        return s.values.leader.value_or(false)
            ? toString(row.config.role) + QStringLiteral(" (leader)")
            : toString(row.config.role);
    case StateColumn:
        return roleValue(row, StateTextRole);
    case ReadinessColumn:
        return readinessText(s);
    case ResponseColumn:
        return s.timestampMs > 0 && s.health.httpStatus > 0 ? fmt::duration(s.health.responseMs)
                                                            : fmt::none();
    case CpuColumn:
        return fmt::percent(s.cpuPercent);
    case MemoryColumn:
        return s.values.residentMemoryBytes ? fmt::bytes(*s.values.residentMemoryBytes)
                                            : fmt::none();
    case LagColumn:
        return s.values.eventLoopLagSeconds ? fmt::duration(*s.values.eventLoopLagSeconds * 1000.0)
                                            : fmt::none();
    case LastSeenColumn:
        return lastSeenText(row);
    case ErrorColumn: {
        const QString reason = roleValue(row, ReasonRole).toString();
        if (!reason.isEmpty())
            return reason;
        if (s.metricsState == MetricsState::Malformed || s.metricsState == MetricsState::Failed)
            return QString(QStringLiteral("metrics ") + metricsText(s));
        return QString();
    }
    default:
        return {};
    }
}

QVariant ClusterModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const NodeEntry &row = m_state->nodes().at(index.row());
    if (role == Qt::DisplayRole)
        return displayValue(row, index.column());
    if (role == Qt::ToolTipRole)
        return toolTip(row);
    if (role == Qt::TextAlignmentRole && index.column() >= ResponseColumn
        && index.column() <= LagColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return roleValue(row, role);
}

QVariant ClusterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return QStringLiteral("Node");
    case RoleColumn:
        return QStringLiteral("Role");
    case StateColumn:
        return QStringLiteral("State");
    case ReadinessColumn:
        return QStringLiteral("Readiness");
    case ResponseColumn:
        return QStringLiteral("Response");
    case CpuColumn:
        return QStringLiteral("CPU");
    case MemoryColumn:
        return QStringLiteral("Memory");
    case LagColumn:
        return QStringLiteral("Event loop lag");
    case LastSeenColumn:
        return QStringLiteral("Last seen");
    case ErrorColumn:
        return QStringLiteral("Last error");
    default:
        return {};
    }
}

QHash<int, QByteArray> ClusterModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(NodeRoleRole, "nodeRole");
    names.insert(StateRole, "state");
    names.insert(StateTextRole, "stateText");
    names.insert(ReasonRole, "reason");
    names.insert(LastSeenRole, "lastSeen");
    names.insert(StaleRole, "stale");
    return names;
}

QString ClusterModel::toolTip(const NodeEntry &row) const
{
    const QString reason = roleValue(row, ReasonRole).toString();
    return row.config.name + QStringLiteral(" — ") + row.config.baseUrl.toString()
        + (reason.isEmpty() ? QString() : QStringLiteral("\n") + reason);
}

void ClusterModel::onNodeChanged(int row, ClusterState::Changes what)
{
    using Change = ClusterState::Change;
    // Each kind of change names the roles that show it; text is formatted when a view asks.
    QList<int> roles;
    const auto add
        = [&roles](Change change, ClusterState::Changes changes, std::initializer_list<int> list) {
              if (changes & change)
                  roles.append(list);
          };
    add(Change::Verdict, what, { StateRole, StateTextRole, ReasonRole });
    add(Change::Observed, what, { LastUpdateRole });
    add(Change::Readiness, what, { ReadinessTextRole });
    add(Change::Response, what, { ResponseMsRole });
    add(Change::Metrics, what,
        { CpuPercentRole, MemoryBytesRole, EventLoopLagRole, MetricsTextRole, VersionRole,
            LeaderRole });
    add(Change::LastSeen, what, { LastSeenRole, LastSeenTextRole });
    add(Change::Container, what, { ContainerRole, ContainerStateRole, RestartCountRole });
    add(Change::Stats, what, { ContainerCpuRole, ContainerMemoryRole, ContainerMemoryLimitRole });
    add(Change::Staleness, what, { StaleRole, StateTextRole, ReasonRole });
    // Columns and the tooltip show the verdict, readiness, timings, metrics and "last seen";
    // container stats and the update time show only in the tiles' own roles.
    if (what & ~ClusterState::Changes(Change::Observed | Change::Stats | Change::Container))
        roles << Qt::DisplayRole << Qt::ToolTipRole;
    if (roles.isEmpty())
        return;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1), roles);
}

void ClusterModel::onTicked()
{
    // "last seen 12 s ago" and "no fresh data for 9 s" follow the clock: one signal for all rows.
    if (!m_state->nodes().isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_state->nodes().size()) - 1, ColumnCount - 1),
            { Qt::DisplayRole, Qt::ToolTipRole, LastSeenTextRole, ReasonRole });
}

} // namespace cw
