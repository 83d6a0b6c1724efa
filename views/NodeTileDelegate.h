#pragma once

#include <QStyledItemDelegate>

namespace cw {

/// Paints one node of ClusterModel as a compact workstation tile, four lines: name and role
/// with a state badge (colour and word); CPU · memory · event-loop lag · response time; the
/// container's state and restarts; why the node is not healthy (red or amber) or, when it is,
/// "last seen". Stale tiles are drawn greyed. The full detail is the tooltip (detailLines()).
class NodeTileDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit NodeTileDelegate(QObject *parent = nullptr);

    /// The text a tile shows, top to bottom: [0] name and role, [1] the state badge's word,
    /// [2] CPU · mem · lag · response, [3] the container, [4] the reason when not healthy (or
    /// stale), else "last seen …". Also the tile's accessible text.
    static QStringList tileLines(const QModelIndex &index);
    /// Everything known about the node, top to bottom (the tooltip): [0] name and role,
    /// [1] state, [2] readiness · response, [3] CPU · mem · lag, [4] metrics · version,
    /// [5] container, [6] reason (empty when none), [7] "last seen …".
    static QStringList detailLines(const QModelIndex &index);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override;
    /// The smallest tile that shows its lines readably; views widen it to fill their width.
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
        const QModelIndex &index) override;

    void setScale(double scale); ///< 1.0 at a desk, larger for a wall screen

private:
    double m_scale = 1.0;
};

} // namespace cw
