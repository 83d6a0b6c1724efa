#include "views/NodeCellPainter.h"

#include "views/StatePalette.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <algorithm>

namespace cw {

namespace {

// A name longer than this many average characters is elided: one runaway name must not take a
// whole row of the grid.
constexpr double kMaxNameChars = 24;

} // namespace

NodeCellPainter::NodeCellPainter(double side, const QFont &font)
    : m_side(side)
    , m_baseFont(font)
{
    setSide(side);
}

void NodeCellPainter::setSide(double side)
{
    m_side = std::max(4.0, side);
    m_nameFont = m_baseFont;
    const double base = m_baseFont.pointSizeF() > 0 ? m_baseFont.pointSizeF() : 9.0;
    // Grows a little with the cell, never below the given font's readable size: a wall screen
    // passes a larger font.
    m_nameFont.setPointSizeF(std::clamp(m_side * 0.42, base * 0.95, base * 1.25));
    m_nameFont.setBold(true);
}

bool NodeCellPainter::namedCell(NodeState state, bool stale)
{
    return stale || state == NodeState::Down || state == NodeState::Degraded;
}

double NodeCellPainter::namedHeight() const
{
    return std::max(m_side, QFontMetricsF(m_nameFont).height() + 4);
}

QSizeF NodeCellPainter::size(const NodeCell &cell) const
{
    if (!namedCell(cell.state, cell.stale))
        return { m_side, m_side };
    const QFontMetricsF fm(m_nameFont);
    const double text
        = std::min(fm.horizontalAdvance(cell.name), fm.averageCharWidth() * kMaxNameChars);
    const double h = namedHeight();
    return { h + text + h * 0.35, h };
}

void NodeCellPainter::paint(
    QPainter *painter, const QRectF &rect, const NodeCell &cell, const QPalette &palette) const
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QColor accent = palette::stateColor(cell.state, cell.stale);
    const double gap = std::clamp(m_side * 0.08, 1.0, 3.0);
    const QRectF box = rect.adjusted(gap / 2, gap / 2, -gap / 2, -gap / 2);
    const double radius = std::min(4.0, box.height() * 0.18);

    if (namedCell(cell.state, cell.stale)) {
        QPainterPath frame;
        frame.addRoundedRect(box, radius, radius);
        QColor tint = accent;
        tint.setAlphaF(0.16);
        painter->fillPath(frame, palette.color(QPalette::Base));
        painter->fillPath(frame, tint);
        painter->setPen(QPen(accent, 1.5));
        painter->drawPath(frame);
        const double s = std::min(m_side, box.height()) - 2;
        const QRectF square(box.left() + 1, box.center().y() - s / 2, s, s);
        paintGlyph(painter, square, cell);
        painter->setFont(m_nameFont);
        painter->setPen(cell.stale ? palette::muted() : palette.color(QPalette::Text));
        const QRectF text = box.adjusted(s + 2 + box.height() * 0.15, 0, -2, 0);
        painter->drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
            QFontMetricsF(m_nameFont).elidedText(cell.name, Qt::ElideMiddle, text.width()));
    } else {
        paintGlyph(painter, box, cell);
    }
    if (cell.selected) {
        painter->setPen(QPen(palette.color(QPalette::Highlight), std::max(2.0, gap)));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(rect.adjusted(1, 1, -1, -1), radius, radius);
    }
    painter->restore();
}

void NodeCellPainter::paintGlyph(
    QPainter *painter, const QRectF &square, const NodeCell &cell) const
{
    const QColor accent = palette::stateColor(cell.state, cell.stale);
    const double radius = std::min(4.0, square.height() * 0.18);
    QPainterPath path;
    path.addRoundedRect(square, radius, radius);
    const double w = square.width();
    const double stroke = std::max(1.5, w * 0.13);
    const QRectF g = square.adjusted(w * 0.26, w * 0.26, -w * 0.26, -w * 0.26);
    if (cell.stale) {
        // Hollow: no colour that could be read as a live verdict.
        painter->setPen(QPen(accent, std::max(1.5, w * 0.09)));
        painter->setBrush(Qt::NoBrush);
        painter->drawPath(path);
        painter->setPen(QPen(accent, stroke, Qt::SolidLine, Qt::RoundCap));
        painter->drawLine(QPointF(g.left(), g.center().y()), QPointF(g.right(), g.center().y()));
        return;
    }
    painter->fillPath(path, accent);
    painter->setPen(QPen(palette::stateTextColor(cell.state, cell.stale), stroke, Qt::SolidLine,
        Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(Qt::NoBrush);
    switch (cell.state) {
    case NodeState::Healthy: {
        const QPointF points[] = { { g.left(), g.top() + g.height() * 0.55 },
            { g.left() + g.width() * 0.38, g.bottom() },
            { g.right(), g.top() + g.height() * 0.08 } };
        painter->drawPolyline(points, 3);
        break;
    }
    case NodeState::Degraded:
        painter->drawLine(
            QPointF(g.center().x(), g.top()), QPointF(g.center().x(), g.top() + g.height() * 0.6));
        painter->drawPoint(QPointF(g.center().x(), g.bottom()));
        break;
    case NodeState::Down:
        painter->drawLine(g.topLeft(), g.bottomRight());
        painter->drawLine(g.topRight(), g.bottomLeft());
        break;
    case NodeState::Unknown: {
        QFont font = painter->font();
        font.setBold(true);
        font.setPixelSize(std::max(6, int(w * 0.7)));
        painter->setFont(font);
        painter->drawText(square, Qt::AlignCenter, QStringLiteral("?"));
        break;
    }
    }
}

} // namespace cw
