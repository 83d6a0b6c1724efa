#include "views/StateBadgeDelegate.h"

#include "models/items/ClusterModel.h"
#include "views/StatePalette.h"

#include <QPainter>
#include <QPainterPath>

namespace cw {

StateBadgeDelegate::StateBadgeDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

void StateBadgeDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto state = NodeState(index.data(ClusterModel::StateRole).toInt());
    const bool stale = index.data(ClusterModel::StaleRole).toBool();
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    if (option.state & QStyle::State_Selected)
        painter->fillRect(option.rect, option.palette.highlight());
    const QRectF badge = QRectF(option.rect).adjusted(3, 3, -3, -3);
    QPainterPath path;
    path.addRoundedRect(badge, 4, 4);
    painter->fillPath(path, palette::stateColor(state, stale));
    painter->setPen(palette::stateTextColor(state, stale));
    QFont bold = option.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->drawText(badge, Qt::AlignCenter, index.data(Qt::DisplayRole).toString());
    painter->restore();
}

QSize StateBadgeDelegate::sizeHint(
    const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QFont bold = option.font;
    bold.setBold(true);
    const QFontMetrics fm(bold);
    return QSize(
        fm.horizontalAdvance(index.data(Qt::DisplayRole).toString()) + 20, fm.height() + 10);
}

} // namespace cw
