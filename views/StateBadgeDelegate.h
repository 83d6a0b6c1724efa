#pragma once

#include <QStyledItemDelegate>

namespace cw {

/// Draws ClusterModel's state column as a coloured badge with the state's text, so the table
/// reads like the tiles: colour and words, grey when stale.
class StateBadgeDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit StateBadgeDelegate(QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace cw
