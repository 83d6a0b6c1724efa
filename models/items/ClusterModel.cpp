#include "models/items/ClusterModel.h"

#include "models/ContainerMapping.h"
#include "models/Formatter.h"

#include <QDateTime>

#include <array>

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
    case MetricsState::Unknown: return fmt::none();
    case MetricsState::Ok: return QStringLiteral("ok");
    case MetricsState::Disabled: return QStringLiteral("disabled (404)");
    case MetricsState::Malformed: return QStringLiteral("malformed: ") + s.metricsError;
    case MetricsState::Failed: return QStringLiteral("failed: ") + s.metrics.errorText;
    }
    return {};
}

// Every custom role; Qt::DisplayRole and Qt::ToolTipRole are compared separately.
constexpr std::array kAllRoles = {
    int(ClusterModel::NameRole),
    int(ClusterModel::NodeRoleRole), int(ClusterModel::StateRole), int(ClusterModel::StateTextRole),
    int(ClusterModel::ReasonRole), int(ClusterModel::ReadinessTextRole),
    int(ClusterModel::ResponseMsRole), int(ClusterModel::CpuPercentRole),
    int(ClusterModel::MemoryBytesRole), int(ClusterModel::EventLoopLagRole),
    int(ClusterModel::MetricsTextRole), int(ClusterModel::LastSeenRole),
    int(ClusterModel::LastSeenTextRole), int(ClusterModel::LastUpdateRole),
    int(ClusterModel::StaleRole), int(ClusterModel::VersionRole), int(ClusterModel::LeaderRole),
    int(ClusterModel::UrlRole), int(ClusterModel::ContainerRole), int(ClusterModel::ContainerStateRole),
    int(ClusterModel::RestartCountRole), int(ClusterModel::ContainerCpuRole),
    int(ClusterModel::ContainerMemoryRole), int(ClusterModel::ContainerMemoryLimitRole)};

QString containerStateText(const ContainerInfo &c)
{
    if (c.state != QLatin1String("running") && c.exitCode)
        return c.state + QStringLiteral(" (") + QString::number(*c.exitCode) + QLatin1Char(')');
    return c.state;
}

} // namespace

ClusterModel::ClusterModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_nowMs(QDateTime::currentMSecsSinceEpoch())
{
}

void ClusterModel::setNodes(const QList<NodeConfig> &nodes)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(nodes.size());
    for (const NodeConfig &node : nodes) {
        Row row;
        row.config = node;
        row.last.node = node.name;
        m_rows.append(row);
    }
    m_lastUpdateMs = 0;
    endResetModel();
}

void ClusterModel::setStaleAfter(Millis staleAfter)
{
    m_staleAfter = staleAfter;
}

void ClusterModel::setThresholds(const HealthThresholds &thresholds)
{
    m_thresholds = thresholds;
}

int ClusterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ClusterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int ClusterModel::rowOf(const QString &nodeName) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].config.name == nodeName)
            return i;
    }
    return -1;
}

bool ClusterModel::isStale(const Row &row, qint64 now) const
{
    // A node that has never been polled is "unknown", not stale.
    return row.last.timestampMs > 0 && now - row.last.timestampMs > m_staleAfter.count();
}

QVariant ClusterModel::roleValue(const Row &row, int role, qint64 now) const
{
    const NodeSnapshot &s = row.last;
    switch (role) {
    case NameRole: return row.config.name;
    case NodeRoleRole: return toString(row.config.role);
    case StateRole: return int(effectiveVerdict(row).state);
    case StateTextRole:
        return row.stale ? toString(effectiveVerdict(row).state) + QStringLiteral(" (stale)")
                         : toString(effectiveVerdict(row).state);
    case ReasonRole:
        return row.stale ? QStringLiteral("no fresh data for ") + fmt::duration(double(now - s.timestampMs))
                         : effectiveVerdict(row).reason;
    case ReadinessTextRole: return readinessText(s);
    case ResponseMsRole:
        return s.timestampMs > 0 && s.health.httpStatus > 0 ? QVariant(s.health.responseMs) : QVariant();
    case CpuPercentRole: return optionalValue(s.cpuPercent);
    case MemoryBytesRole: return optionalValue(s.values.residentMemoryBytes);
    case EventLoopLagRole: return optionalValue(s.values.eventLoopLagSeconds);
    case MetricsTextRole: return metricsText(s);
    case LastSeenRole: return row.lastSeenMs;
    case LastSeenTextRole: return fmt::ago(now, row.lastSeenMs);
    case LastUpdateRole: return s.timestampMs;
    case StaleRole: return row.stale;
    case VersionRole: return s.values.version;
    case LeaderRole: return s.values.leader.value_or(false);
    case UrlRole: return row.config.baseUrl.toString();
    case ContainerRole: return row.container ? row.container->name : row.config.container;
    case ContainerStateRole: return row.container ? containerStateText(*row.container) : QString();
    case RestartCountRole: return row.container ? QVariant(row.container->restartCount) : QVariant();
    case ContainerCpuRole:
        return row.containerStats && row.containerStats->cpuPercent ? QVariant(*row.containerStats->cpuPercent) : QVariant();
    case ContainerMemoryRole:
        return row.containerStats ? QVariant(double(row.containerStats->memoryUsedBytes)) : QVariant();
    case ContainerMemoryLimitRole:
        return row.containerStats ? QVariant(double(row.containerStats->memoryLimitBytes)) : QVariant();
    default: return {};
    }
}

QVariant ClusterModel::displayValue(const Row &row, int column, qint64 now) const
{
    const NodeSnapshot &s = row.last;
    switch (column) {
    case NameColumn: return row.config.name;
    case RoleColumn:
        return s.values.leader.value_or(false) ? toString(row.config.role) + QStringLiteral(" (leader)")
                                               : toString(row.config.role);
    case StateColumn: return roleValue(row, StateTextRole, now);
    case ReadinessColumn: return readinessText(s);
    case ResponseColumn:
        return s.timestampMs > 0 && s.health.httpStatus > 0 ? fmt::duration(s.health.responseMs) : fmt::none();
    case CpuColumn: return fmt::percent(s.cpuPercent);
    case MemoryColumn:
        return s.values.residentMemoryBytes ? fmt::bytes(*s.values.residentMemoryBytes) : fmt::none();
    case LagColumn:
        return s.values.eventLoopLagSeconds ? fmt::duration(*s.values.eventLoopLagSeconds * 1000.0)
                                            : fmt::none();
    case LastSeenColumn: return fmt::ago(now, row.lastSeenMs);
    case ErrorColumn: {
        const QString reason = roleValue(row, ReasonRole, now).toString();
        if (!reason.isEmpty())
            return reason;
        if (s.metricsState == MetricsState::Malformed || s.metricsState == MetricsState::Failed)
            return QString(QStringLiteral("metrics ") + metricsText(s));
        return QString();
    }
    default: return {};
    }
}

QVariant ClusterModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    if (role == Qt::DisplayRole)
        return displayValue(row, index.column(), m_nowMs);
    if (role == Qt::ToolTipRole)
        return toolTip(row, m_nowMs);
    if (role == Qt::TextAlignmentRole && index.column() >= ResponseColumn && index.column() <= LagColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return roleValue(row, role, m_nowMs);
}

QVariant ClusterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return QStringLiteral("Node");
    case RoleColumn: return QStringLiteral("Role");
    case StateColumn: return QStringLiteral("State");
    case ReadinessColumn: return QStringLiteral("Readiness");
    case ResponseColumn: return QStringLiteral("Response");
    case CpuColumn: return QStringLiteral("CPU");
    case MemoryColumn: return QStringLiteral("Memory");
    case LagColumn: return QStringLiteral("Event loop lag");
    case LastSeenColumn: return QStringLiteral("Last seen");
    case ErrorColumn: return QStringLiteral("Last error");
    default: return {};
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

QString ClusterModel::toolTip(const Row &row, qint64 now) const
{
    const QString reason = roleValue(row, ReasonRole, now).toString();
    return row.config.name + QStringLiteral(" — ") + row.config.baseUrl.toString()
        + (reason.isEmpty() ? QString() : QStringLiteral("\n") + reason);
}

void ClusterModel::updateRow(int rowIndex, qint64 nowBefore, const std::function<void(Row &)> &change)
{
    Row &row = m_rows[rowIndex];
    std::array<QVariant, kAllRoles.size()> before;
    std::array<QVariant, ColumnCount> displayBefore;
    for (size_t i = 0; i < kAllRoles.size(); ++i)
        before[i] = roleValue(row, kAllRoles[i], nowBefore);
    for (int c = 0; c < ColumnCount; ++c)
        displayBefore[size_t(c)] = displayValue(row, c, nowBefore);
    const QString tooltipBefore = toolTip(row, nowBefore);

    change(row);

    QList<int> changedRoles;
    for (size_t i = 0; i < kAllRoles.size(); ++i) {
        if (roleValue(row, kAllRoles[i], m_nowMs) != before[i])
            changedRoles.append(kAllRoles[i]);
    }
    int first = ColumnCount;
    int last = -1;
    for (int c = 0; c < ColumnCount; ++c) {
        if (displayValue(row, c, m_nowMs) != displayBefore[size_t(c)]) {
            first = std::min(first, c);
            last = c;
        }
    }
    if (last >= 0)
        changedRoles.append(Qt::DisplayRole);
    if (toolTip(row, m_nowMs) != tooltipBefore)
        changedRoles.append(Qt::ToolTipRole);
    if (changedRoles.isEmpty())
        return;
    if (changedRoles.size() > 1 || last < 0) {
        // Custom roles are served on every column.
        first = 0;
        last = ColumnCount - 1;
    }
    Q_EMIT dataChanged(index(rowIndex, first), index(rowIndex, last), changedRoles);
}

void ClusterModel::applySnapshot(const NodeSnapshot &snapshot)
{
    const int rowIndex = rowOf(snapshot.node);
    if (rowIndex < 0)
        return;  // a reply for a node of a previous cluster file
    if (snapshot.sequence != 0 && snapshot.sequence < m_rows[rowIndex].last.sequence)
        return;  // stale reply
    const qint64 nowBefore = m_nowMs;
    m_nowMs = std::max(m_nowMs, snapshot.timestampMs);
    m_lastUpdateMs = std::max(m_lastUpdateMs, snapshot.timestampMs);
    updateRow(rowIndex, nowBefore, [&](Row &row) {
        row.last = snapshot;
        row.verdict = evaluateNode(snapshot, m_thresholds);
        if (snapshot.health.ok())
            row.lastSeenMs = snapshot.timestampMs;
        row.stale = isStale(row, m_nowMs);
    });
}

void ClusterModel::tick(qint64 nowMs)
{
    const qint64 nowBefore = m_nowMs;
    m_nowMs = nowMs;
    for (int i = 0; i < m_rows.size(); ++i)
        updateRow(i, nowBefore, [this](Row &row) { row.stale = isStale(row, m_nowMs); });
}

NodeVerdict ClusterModel::effectiveVerdict(const Row &row)
{
    if (row.container && row.container->state != QLatin1String("running"))
        return {NodeState::Down, QStringLiteral("container ") + containerStateText(*row.container)};
    return row.verdict;
}

int ClusterModel::rowOfContainer(const QString &idOrName) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &row = m_rows[i];
        if (row.container && (row.container->id == idOrName || row.container->name == idOrName))
            return i;
    }
    return -1;
}

QString ClusterModel::nodeOfContainer(const QString &idOrName) const
{
    const int rowIndex = rowOfContainer(idOrName);
    return rowIndex >= 0 ? m_rows[rowIndex].config.name : QString();
}

QList<ContainerInfo> ClusterModel::applyContainers(const DockerSnapshot &snapshot)
{
    QList<NodeConfig> nodes;
    nodes.reserve(m_rows.size());
    for (const Row &row : std::as_const(m_rows))
        nodes.append(row.config);
    const ContainerMapping mapping = snapshot.reachable ? mapContainers(nodes, snapshot.containers)
                                                        : ContainerMapping{};
    for (int i = 0; i < m_rows.size(); ++i) {
        updateRow(i, m_nowMs, [&](Row &row) {
            const auto it = mapping.byNode.constFind(row.config.name);
            if (it == mapping.byNode.cend()) {
                row.container.reset();
                row.containerStats.reset();
                return;
            }
            if (row.containerStats && row.containerStats->id != it->id)
                row.containerStats.reset();   // a recreated container
            row.container = *it;
        });
    }
    return mapping.discovered;
}

void ClusterModel::applyContainerStats(const ContainerStats &stats)
{
    const int rowIndex = rowOfContainer(stats.id);
    if (rowIndex >= 0)
        updateRow(rowIndex, m_nowMs, [&](Row &row) { row.containerStats = stats; });
}

void ClusterModel::applyDockerEvent(const DockerEvent &event)
{
    if (event.type != QLatin1String("container"))
        return;
    int rowIndex = rowOfContainer(event.id);
    if (rowIndex < 0)
        rowIndex = rowOfContainer(event.name);
    if (rowIndex < 0)
        return;
    updateRow(rowIndex, m_nowMs, [&](Row &row) {
        if (applyLifecycleEvent(*row.container, event) && row.container->state == QLatin1String("exited"))
            row.containerStats.reset();
    });
}

} // namespace cw
