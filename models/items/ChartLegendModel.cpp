#include "models/items/ChartLegendModel.h"

#include "models/Formatter.h"
#include "models/timeseries/TimeSeriesStore.h"

namespace cw {

ChartLegendModel::ChartLegendModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void ChartLegendModel::setSpec(const ChartSpec &spec)
{
    beginResetModel();
    m_spec = spec;
    m_rows = QList<Row>(spec.series.size());
    endResetModel();
}

ChartUnit ChartLegendModel::unitOf(int row) const
{
    return m_spec.series.value(row).rightAxis ? m_spec.rightUnit : m_spec.unit;
}

void ChartLegendModel::refresh(const TimeSeriesStore &store, qint64 nowMs, qint64 staleAfterMs)
{
    for (int i = 0; i < m_rows.size(); ++i) {
        Row &row = m_rows[i];
        QString id;
        const TimeSeries *series = nullptr;
        for (const QString &candidate : m_spec.series[i].candidates) {
            series = store.series(candidate);
            if (series && !series->isEmpty()) {
                id = candidate;
                break;
            }
            series = nullptr;
        }
        std::optional<double> value;
        if (series) {
            const TimeSeries::Sample newest = series->newest();
            if (!newest.isGap() && nowMs - newest.tMs <= staleAfterMs)
                value = newest.value;
        }
        QList<int> roles;
        if (id != row.seriesId) {
            row.seriesId = id;
            roles << SeriesIdRole;
        }
        if (value != row.value) {
            row.value = value;
            roles << Qt::DisplayRole << ValueTextRole << ValueRole << Qt::ToolTipRole;
        }
        if (!roles.isEmpty())
            Q_EMIT dataChanged(index(i), index(i), roles);
    }
}

int ChartLegendModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ChartLegendModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int r = index.row();
    const Row &row = m_rows[r];
    const ChartSeriesSpec &spec = m_spec.series[r];
    const QString valueText = row.value ? formatChartValue(unitOf(r), *row.value) : fmt::none();
    switch (role) {
    case Qt::DisplayRole:
        return QString(spec.label + QStringLiteral("  ") + valueText);
    case Qt::ToolTipRole:
        return row.seriesId.isEmpty() ? QString(spec.label + QStringLiteral(": no data yet"))
                                      : QString(spec.label + QStringLiteral(": ") + valueText);
    case Qt::CheckStateRole:
        return row.shown ? Qt::Checked : Qt::Unchecked;
    case NameRole:
        return spec.label;
    case ValueTextRole:
        return valueText;
    case ValueRole:
        return row.value ? QVariant(*row.value) : QVariant();
    case SeriesIdRole:
        return row.seriesId;
    case ColorIndexRole:
        return r;
    case RightAxisRole:
        return spec.rightAxis;
    default:
        return {};
    }
}

bool ChartLegendModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::CheckStateRole
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const bool shown = value.value<Qt::CheckState>() == Qt::Checked;
    Row &row = m_rows[index.row()];
    if (row.shown == shown)
        return true;
    row.shown = shown;
    Q_EMIT dataChanged(index, index, { Qt::CheckStateRole });
    Q_EMIT shownChanged(index.row(), shown);
    return true;
}

Qt::ItemFlags ChartLegendModel::flags(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable
        | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> ChartLegendModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(ValueTextRole, "valueText");
    names.insert(ValueRole, "value");
    names.insert(SeriesIdRole, "seriesId");
    names.insert(ColorIndexRole, "colorIndex");
    names.insert(RightAxisRole, "rightAxis");
    return names;
}

} // namespace cw
