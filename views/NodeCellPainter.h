#pragma once

#include "models/NodeHealth.h"

#include <QFont>
#include <QRectF>
#include <QString>

class QPainter;
class QPalette;

namespace cw {

/// What one compact state cell shows: a node's state as colour and a shape, and for a node that
/// is not healthy its name beside the shape.
struct NodeCell {
    QString name;
    NodeState state = NodeState::Unknown;
    bool stale = false;
    bool selected = false;
};

/// Paints the compact grid's cells (the workstation above NodeTilesView::kCompactAbove nodes,
/// and the wall screen). A cell is a square of side() pixels: the state's colour with a shape
/// that tells the states apart without colour (check: healthy, "!": degraded, cross: down,
/// "?": not polled yet; a hollow grey square with a dash: stale). A node that needs a look
/// (namedCell()) gets a wider cell that also carries its name.
class NodeCellPainter final {
public:
    /// @p side is the square's edge in pixels; the name's font follows it down to a floor so
    /// names stay readable at any side.
    explicit NodeCellPainter(double side = 24.0, const QFont &font = QFont());

    double side() const { return m_side; }
    void setSide(double side);
    QFont nameFont() const { return m_nameFont; }

    /// True for a node whose name the grid shows: down, degraded or stale.
    static bool namedCell(NodeState state, bool stale);
    /// The cell's size: a square, or wider with the name for namedCell().
    QSizeF size(const NodeCell &cell) const;
    /// Height of a row that holds a named cell (the name must fit even when side() is small).
    double namedHeight() const;
    void paint(
        QPainter *painter, const QRectF &rect, const NodeCell &cell, const QPalette &palette) const;

private:
    void paintGlyph(QPainter *painter, const QRectF &square, const NodeCell &cell) const;

    double m_side;
    QFont m_baseFont;
    QFont m_nameFont;
};

} // namespace cw
