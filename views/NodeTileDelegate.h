#pragma once

#include <QStyledItemDelegate>

namespace cw {

/// Paints one node of ClusterModel as a tile: name, role, a state badge (colour and text),
/// readiness and response time, CPU, memory, event-loop lag, metrics state, the container's
/// state (restarts, CPU, memory), last error and
/// "last seen". Stale tiles are drawn greyed.
class NodeTileDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit NodeTileDelegate(QObject *parent = nullptr);

    /// The text lines a tile shows, top to bottom (also its accessible text).
    static QStringList tileLines(const QModelIndex &index);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    void setScale(double scale); ///< 1.0 at a desk, larger for a wall screen

private:
    double m_scale = 1.0;
};

} // namespace cw
