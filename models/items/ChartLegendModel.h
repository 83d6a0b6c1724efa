#pragma once

#include "models/items/ChartSpec.h"

#include <QAbstractListModel>

namespace cw {

class TimeSeriesStore;

/// The legend of one chart: a row per line with its name, its current value and whether it is
/// shown. It also decides which candidate series each line draws (ChartSeriesSpec::candidates),
/// so the chart and its legend can never disagree. Values update in place at most once per
/// refresh, naming only the rows and roles that changed.
class ChartLegendModel final : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        NameRole = Qt::UserRole + 1, ///< QString: node name, "waiting", ...
        ValueTextRole, ///< QString: "37.5 %", "—" when there is no recent value
        ValueRole, ///< double, or invalid when there is no recent value
        SeriesIdRole, ///< QString: the store id drawn for this line; empty: none yet
        ColorIndexRole, ///< int: stable index into the view's palette
        RightAxisRole, ///< bool: drawn against the second value axis
    };
    Q_ENUM(Role)

    explicit ChartLegendModel(QObject *parent = nullptr);

    void setSpec(const ChartSpec &spec);
    const ChartSpec &spec() const { return m_spec; }

    /// Re-reads the newest sample of each line. A sample older than @p staleAfterMs, or a gap,
    /// shows as "—" rather than a frozen value.
    void refresh(const TimeSeriesStore &store, qint64 nowMs, qint64 staleAfterMs);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString seriesId(int row) const { return m_rows.value(row).seriesId; }
    bool isShown(int row) const { return m_rows.value(row).shown; }
    QString name(int row) const { return m_spec.series.value(row).label; }
    ChartUnit unitOf(int row) const;

Q_SIGNALS:
    /// A line was switched on or off by the user (the check box in the legend).
    void shownChanged(int row, bool shown);

private:
    struct Row {
        QString seriesId;
        std::optional<double> value;
        bool shown = true;
    };

    ChartSpec m_spec;
    QList<Row> m_rows;
};

} // namespace cw
