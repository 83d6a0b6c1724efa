#include "views/NodeTilesView.h"

#include "models/items/ClusterModel.h"
#include "views/NodeTileDelegate.h"

#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <cmath>

namespace cw {

namespace {

constexpr int kTileGap = 4;
// The compact cells' edge at a desk, in pixels: as large as fits, never below the smallest a
// shape stays recognisable at.
constexpr double kMinCell = 12.0;
constexpr double kMaxCell = 40.0;
constexpr double kPreferredCell = 28.0;

} // namespace

NodeTilesView::NodeTilesView(QWidget *parent)
    : QAbstractItemView(parent)
    , m_tileDelegate(new NodeTileDelegate(this))
    , m_cells(kMaxCell, font())
{
    setItemDelegate(m_tileDelegate);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setMouseTracking(true);
    verticalScrollBar()->setSingleStep(24);
    m_relayout.setSingleShot(true);
    m_relayout.setInterval(0);
    connect(&m_relayout, &QTimer::timeout, this, &NodeTilesView::invalidateLayout);
}

void NodeTilesView::setModel(QAbstractItemModel *model)
{
    if (QAbstractItemModel *old = this->model())
        disconnect(old, nullptr, this, nullptr);
    QAbstractItemView::setModel(model);
    if (model) {
        connect(model, &QAbstractItemModel::rowsInserted, this, &NodeTilesView::invalidateLayout);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &NodeTilesView::invalidateLayout);
        connect(model, &QAbstractItemModel::rowsMoved, this, &NodeTilesView::invalidateLayout);
        connect(model, &QAbstractItemModel::layoutChanged, this, &NodeTilesView::invalidateLayout);
    }
    invalidateLayout();
}

void NodeTilesView::setCellScale(double scale)
{
    m_cellScale = scale > 0 ? scale : 1.0;
    invalidateLayout();
}

void NodeTilesView::invalidateLayout()
{
    m_dirty = true;
    updateGeometries();
    viewport()->update();
}

bool NodeTilesView::isCompact() const
{
    ensureLayout();
    return m_compact;
}

int NodeTilesView::columnCount() const
{
    ensureLayout();
    return m_compact ? 0 : m_columns;
}

double NodeTilesView::cellSide() const
{
    ensureLayout();
    return m_compact ? m_cells.side() : 0.0;
}

int NodeTilesView::contentHeight() const
{
    ensureLayout();
    return m_contentHeight;
}

int NodeTilesView::preferredHeight() const
{
    ensureLayout();
    if (!m_compact)
        return m_contentHeight;
    const int rows = int(m_rects.size());
    QList<NodeCell> cells(rows);
    for (int row = 0; row < rows; ++row)
        cells[row] = cellAt(row);
    // Measured on copies: the real layout stays as it is.
    const QList<QRect> rects = m_rects;
    const double side = m_cells.side();
    m_cells.setSide(kPreferredCell * m_cellScale);
    const int height = layoutCells(cells, std::max(1, viewport()->width()));
    m_cells.setSide(side);
    m_rects = rects;
    return height;
}

NodeCell NodeTilesView::cellAt(int row) const
{
    const QModelIndex index = model()->index(row, 0, rootIndex());
    NodeCell cell;
    cell.name = index.data(ClusterModel::NameRole).toString();
    cell.state = NodeState(std::clamp(index.data(ClusterModel::StateRole).toInt(), 0, 3));
    cell.stale = index.data(ClusterModel::StaleRole).toBool();
    return cell;
}

void NodeTilesView::ensureLayout() const
{
    const QSize size = viewport()->size();
    if (!m_dirty && size.width() == m_layoutWidth && size.height() == m_layoutHeight)
        return;
    m_dirty = false;
    m_layoutWidth = size.width();
    m_layoutHeight = size.height();
    const int rows = model() ? model()->rowCount(rootIndex()) : 0;
    m_rects = QList<QRect>(rows);
    m_compact = rows > kCompactAbove;
    const int width = std::max(1, size.width());
    if (!m_compact) {
        layoutTiles(width);
        return;
    }
    // The largest cells that still fit the view; the smallest ones scroll when even they do not.
    const double smallest = kMinCell * m_cellScale;
    double side = std::floor(kMaxCell * m_cellScale);
    QList<NodeCell> cells(rows);
    for (int row = 0; row < rows; ++row)
        cells[row] = cellAt(row);
    for (; side > smallest; side -= 1.0) {
        m_cells.setSide(side);
        m_contentHeight = layoutCells(cells, width);
        if (m_contentHeight <= size.height())
            return;
    }
    m_cells.setSide(smallest);
    m_contentHeight = layoutCells(cells, width);
}

void NodeTilesView::layoutTiles(int width) const
{
    QStyleOptionViewItem option;
    option.font = font();
    const QSize min = m_tileDelegate->sizeHint(option, QModelIndex());
    m_columns = std::max(1, (width + kTileGap) / (min.width() + kTileGap));
    const int tileW = (width - (m_columns - 1) * kTileGap) / m_columns;
    for (int row = 0; row < m_rects.size(); ++row) {
        const int column = row % m_columns;
        const int line = row / m_columns;
        m_rects[row] = QRect(
            column * (tileW + kTileGap), line * (min.height() + kTileGap), tileW, min.height());
    }
    const int lines = (int(m_rects.size()) + m_columns - 1) / m_columns;
    m_contentHeight = lines > 0 ? lines * min.height() + (lines - 1) * kTileGap : 0;
}

int NodeTilesView::layoutCells(const QList<NodeCell> &cells, int width) const
{
    int x = 0;
    int y = 0;
    int lineHeight = 0;
    int lineStart = 0;
    bool previousNamed = false;
    const auto closeLine = [&](int end) {
        // Cells shorter than their line sit in its middle.
        for (int i = lineStart; i < end; ++i)
            m_rects[i].moveTop(y + (lineHeight - m_rects[i].height()) / 2);
        y += lineHeight;
        x = 0;
        lineHeight = 0;
        lineStart = end;
    };
    for (int row = 0; row < m_rects.size(); ++row) {
        const NodeCell &cell = cells[row];
        const bool named = NodeCellPainter::namedCell(cell.state, cell.stale);
        const QSizeF size = m_cells.size(cell);
        const int w = std::min(width, int(std::ceil(size.width())));
        const int h = int(std::ceil(size.height()));
        // The named cells (worst first in the model's order) form their own lines above the grid.
        if (x > 0 && (x + w > width || (previousNamed && !named)))
            closeLine(row);
        m_rects[row] = QRect(x, y, w, h);
        x += w;
        lineHeight = std::max(lineHeight, h);
        previousNamed = named;
    }
    if (lineStart < m_rects.size())
        closeLine(int(m_rects.size()));
    return y;
}

QRect NodeTilesView::visualRect(const QModelIndex &index) const
{
    ensureLayout();
    if (!index.isValid() || index.parent() != rootIndex() || index.row() >= m_rects.size())
        return {};
    return m_rects[index.row()].translated(-horizontalOffset(), -verticalOffset());
}

void NodeTilesView::scrollTo(const QModelIndex &index, ScrollHint hint)
{
    const QRect rect = visualRect(index);
    if (rect.isEmpty())
        return;
    const QRect area = viewport()->rect();
    QScrollBar *bar = verticalScrollBar();
    if (hint == PositionAtTop || (hint == EnsureVisible && rect.top() < area.top()))
        bar->setValue(bar->value() + rect.top() - area.top());
    else if (hint == PositionAtBottom || (hint == EnsureVisible && rect.bottom() > area.bottom()))
        bar->setValue(
            bar->value() + std::min(rect.top() - area.top(), rect.bottom() - area.bottom()));
    else if (hint == PositionAtCenter)
        bar->setValue(bar->value() + rect.center().y() - area.center().y());
    viewport()->update();
}

QModelIndex NodeTilesView::indexAt(const QPoint &point) const
{
    ensureLayout();
    const QPoint content = point + QPoint(horizontalOffset(), verticalOffset());
    for (int row = 0; row < m_rects.size(); ++row) {
        if (m_rects[row].contains(content))
            return model()->index(row, 0, rootIndex());
    }
    return {};
}

QModelIndex NodeTilesView::moveCursor(CursorAction action, Qt::KeyboardModifiers)
{
    ensureLayout();
    const int rows = int(m_rects.size());
    if (rows == 0)
        return {};
    const QModelIndex current = currentIndex();
    const int row = current.isValid() ? current.row() : -1;
    if (row < 0)
        return model()->index(0, 0, rootIndex());
    const auto at
        = [&](int r) { return model()->index(std::clamp(r, 0, rows - 1), 0, rootIndex()); };
    // Up and down: the nearest cell in the line above or below.
    const auto vertical = [&](bool down) {
        const QRect from = m_rects[row];
        int best = row;
        int bestLine = down ? INT_MAX : INT_MIN;
        int bestDistance = INT_MAX;
        for (int r = 0; r < rows; ++r) {
            const QRect &rect = m_rects[r];
            const bool beyond = down ? rect.top() > from.center().y() + from.height() / 2
                                     : rect.bottom() < from.center().y() - from.height() / 2;
            if (!beyond)
                continue;
            const int distance = std::abs(rect.center().x() - from.center().x());
            const bool closerLine = down ? rect.top() < bestLine : rect.top() > bestLine;
            if (closerLine || (rect.top() == bestLine && distance < bestDistance)) {
                best = r;
                bestLine = rect.top();
                bestDistance = distance;
            }
        }
        return at(best);
    };
    switch (action) {
    case MoveLeft:
    case MovePrevious:
        return at(row - 1);
    case MoveRight:
    case MoveNext:
        return at(row + 1);
    case MoveUp:
        return vertical(false);
    case MoveDown:
        return vertical(true);
    case MoveHome:
        return at(0);
    case MoveEnd:
        return at(rows - 1);
    case MovePageUp:
    case MovePageDown:
        return at(row + (action == MovePageDown ? 1 : -1) * std::max(1, m_columns) * 3);
    }
    return current;
}

int NodeTilesView::horizontalOffset() const
{
    return 0;
}

int NodeTilesView::verticalOffset() const
{
    return verticalScrollBar()->value();
}

bool NodeTilesView::isIndexHidden(const QModelIndex &) const
{
    return false;
}

void NodeTilesView::setSelection(const QRect &rect, QItemSelectionModel::SelectionFlags flags)
{
    ensureLayout();
    const QRect content = rect.normalized().translated(horizontalOffset(), verticalOffset());
    QItemSelection selection;
    for (int row = 0; row < m_rects.size(); ++row) {
        if (m_rects[row].intersects(content)) {
            const QModelIndex index = model()->index(row, 0, rootIndex());
            selection.select(index, index);
        }
    }
    selectionModel()->select(selection, flags | QItemSelectionModel::Rows);
}

QRegion NodeTilesView::visualRegionForSelection(const QItemSelection &selection) const
{
    QRegion region;
    for (const QItemSelectionRange &range : selection) {
        for (int row = range.top(); row <= range.bottom(); ++row)
            region += visualRect(model()->index(row, 0, rootIndex()));
    }
    return region;
}

void NodeTilesView::paintEvent(QPaintEvent *event)
{
    ensureLayout();
    if (!model())
        return;
    QPainter painter(viewport());
    const QRect exposed = event->rect();
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    const QModelIndex current = currentIndex();
    for (int row = 0; row < m_rects.size(); ++row) {
        const QRect rect = m_rects[row].translated(0, -verticalOffset());
        if (!rect.intersects(exposed))
            continue;
        const QModelIndex index = model()->index(row, 0, rootIndex());
        const bool selected = selectionModel() && selectionModel()->isSelected(index);
        if (m_compact) {
            NodeCell cell = cellAt(row);
            cell.selected = selected || (hasFocus() && index == current);
            m_cells.paint(&painter, rect, cell, palette());
            continue;
        }
        option.rect = rect;
        option.state = QStyle::State_Enabled;
        if (selected)
            option.state |= QStyle::State_Selected;
        if (hasFocus() && index == current)
            option.state |= QStyle::State_HasFocus;
        itemDelegateForIndex(index)->paint(&painter, option, index);
    }
}

void NodeTilesView::resizeEvent(QResizeEvent *event)
{
    QAbstractItemView::resizeEvent(event);
    invalidateLayout();
}

void NodeTilesView::updateGeometries()
{
    ensureLayout();
    QScrollBar *bar = verticalScrollBar();
    bar->setPageStep(viewport()->height());
    bar->setRange(0, std::max(0, m_contentHeight - viewport()->height()));
    QAbstractItemView::updateGeometries();
}

void NodeTilesView::dataChanged(
    const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles)
{
    // In the compact grid a verdict changes a cell's width (named or not): lay out again, once
    // per burst of changes (a poll round of 1,000 nodes is 1,000 signals).
    if (m_compact
        && (roles.isEmpty() || roles.contains(ClusterModel::StateRole)
            || roles.contains(ClusterModel::StaleRole))
        && !m_relayout.isActive())
        m_relayout.start();
    QAbstractItemView::dataChanged(topLeft, bottomRight, roles);
    viewport()->update();
}

void NodeTilesView::reset()
{
    QAbstractItemView::reset();
    invalidateLayout();
}

} // namespace cw
