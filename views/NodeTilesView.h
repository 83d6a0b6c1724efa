#pragma once

#include "views/NodeCellPainter.h"

#include <QAbstractItemView>
#include <QList>
#include <QTimer>

namespace cw {

class NodeTileDelegate;

/// The cluster's nodes as a grid that fills the view's width and reflows on resize, in the
/// model's order (NodeOrderModel: worst first). Up to kCompactAbove nodes each node is a tile
/// (NodeTileDelegate): as many columns as fit at the tile's minimum width, each tile as wide as
/// the width divided by the columns. Above that the nodes are small state cells
/// (NodeCellPainter), as large as still fits the view, the ones not healthy wider and named.
/// Never a horizontal scroll bar; a vertical one only when even the smallest cells do not fit.
/// Tooltips give the node's detail; selection, context menu and double-click work as in any
/// item view.
class NodeTilesView final : public QAbstractItemView {
    Q_OBJECT
public:
    /// Above this many nodes the view shows compact cells instead of tiles.
    static constexpr int kCompactAbove = 50;

    explicit NodeTilesView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    QRect visualRect(const QModelIndex &index) const override;
    void scrollTo(const QModelIndex &index, ScrollHint hint = EnsureVisible) override;
    QModelIndex indexAt(const QPoint &point) const override;

    bool isCompact() const;
    /// Tiles per row; 0 in the compact grid, where rows hold as many cells as fit.
    int columnCount() const;
    /// The compact cells' edge in pixels (0 with tiles).
    double cellSide() const;
    /// The compact cells' size: 1.0 at a desk; the cell edge is bounded by kMinCell and
    /// kMaxCell times this.
    void setCellScale(double scale);
    NodeTileDelegate *tileDelegate() const { return m_tileDelegate; }
    /// Height the content takes at the current width and height.
    int contentHeight() const;
    /// Height the view would like at its current width: every tile, or the compact cells at a
    /// comfortable size (kPreferredCell); hosts size the view by it.
    int preferredHeight() const;

protected:
    QModelIndex moveCursor(CursorAction action, Qt::KeyboardModifiers modifiers) override;
    int horizontalOffset() const override;
    int verticalOffset() const override;
    bool isIndexHidden(const QModelIndex &index) const override;
    void setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags flags) override;
    QRegion visualRegionForSelection(const QItemSelection &selection) const override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void updateGeometries() override;
    void dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
        const QList<int> &roles = QList<int>()) override;
    void reset() override;

private:
    void invalidateLayout();
    void ensureLayout() const;
    void layoutTiles(int width) const;
    /// Places the cells at m_cells' current side; returns the content height.
    int layoutCells(const QList<NodeCell> &cells, int width) const;
    NodeCell cellAt(int row) const;

    NodeTileDelegate *m_tileDelegate;
    double m_cellScale = 1.0;
    QTimer m_relayout;
    mutable NodeCellPainter m_cells;
    mutable QList<QRect> m_rects; ///< per row, in content coordinates
    mutable int m_contentHeight = 0;
    mutable int m_columns = 0;
    mutable bool m_compact = false;
    mutable bool m_dirty = true;
    mutable int m_layoutWidth = -1;
    mutable int m_layoutHeight = -1;
};

} // namespace cw
