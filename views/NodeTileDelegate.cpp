#include "views/NodeTileDelegate.h"

#include "models/Formatter.h"
#include "models/items/ClusterModel.h"
#include "views/StatePalette.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace cw {

namespace {

QString optionalText(const QVariant &value, const std::function<QString(double)> &format)
{
    return value.isValid() ? format(value.toDouble()) : fmt::none();
}

} // namespace

NodeTileDelegate::NodeTileDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

void NodeTileDelegate::setScale(double scale)
{
    m_scale = scale;
}

QStringList NodeTileDelegate::tileLines(const QModelIndex &index)
{
    const auto text = [&](int role) { return index.data(role).toString(); };
    QString role = text(ClusterModel::NodeRoleRole);
    if (index.data(ClusterModel::LeaderRole).toBool())
        role += QStringLiteral(" · leader");
    const QString version = text(ClusterModel::VersionRole);

    QStringList lines;
    lines << text(ClusterModel::NameRole) + QStringLiteral("  ") + role
          << text(ClusterModel::StateTextRole).toUpper()
          << QStringLiteral("readiness: ") + text(ClusterModel::ReadinessTextRole)
            + QStringLiteral(" · ")
            + optionalText(
                index.data(ClusterModel::ResponseMsRole), [](double v) { return fmt::duration(v); })
          << QStringLiteral("CPU ")
            + fmt::percent(index.data(ClusterModel::CpuPercentRole).isValid()
                    ? std::optional<double>(index.data(ClusterModel::CpuPercentRole).toDouble())
                    : std::nullopt)
            + QStringLiteral(" · mem ")
            + optionalText(
                index.data(ClusterModel::MemoryBytesRole), [](double v) { return fmt::bytes(v); })
            + QStringLiteral(" · lag ")
            + optionalText(index.data(ClusterModel::EventLoopLagRole),
                [](double v) { return fmt::duration(v * 1000.0); })
          << QStringLiteral("metrics: ") + text(ClusterModel::MetricsTextRole)
            + (version.isEmpty() ? QString() : QStringLiteral(" · ") + version);
    const QString containerState = text(ClusterModel::ContainerStateRole);
    if (containerState.isEmpty()) {
        const QString configured = text(ClusterModel::ContainerRole);
        lines << (configured.isEmpty()
                ? QStringLiteral("container: —")
                : QStringLiteral("container ") + configured + QStringLiteral(": not seen"));
    } else {
        QString line = QStringLiteral("container ") + containerState
            + QStringLiteral(" · restarts ") + text(ClusterModel::RestartCountRole);
        const QVariant cpu = index.data(ClusterModel::ContainerCpuRole);
        const QVariant mem = index.data(ClusterModel::ContainerMemoryRole);
        if (cpu.isValid())
            line += QStringLiteral(" · ") + fmt::percent(cpu.toDouble());
        if (mem.isValid())
            line += QStringLiteral(" · ") + fmt::bytes(mem.toDouble()) + QStringLiteral(" / ")
                + fmt::bytes(index.data(ClusterModel::ContainerMemoryLimitRole).toDouble());
        lines << line;
    }
    const QString reason = text(ClusterModel::ReasonRole);
    lines << (reason.isEmpty() ? QString() : reason);
    lines << QStringLiteral("last seen ") + text(ClusterModel::LastSeenTextRole);
    return lines;
}

QSize NodeTileDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const QFontMetrics fm(option.font);
    return QSize(int(fm.averageCharWidth() * 54 * m_scale), int(fm.height() * 10.2 * m_scale));
}

void NodeTileDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto state = NodeState(index.data(ClusterModel::StateRole).toInt());
    const bool stale = index.data(ClusterModel::StaleRole).toBool();
    const QStringList lines = tileLines(index);
    const QPalette &pal = option.palette;

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF tile = QRectF(option.rect).adjusted(4, 4, -4, -4);
    const QColor accent = palette::stateColor(state, stale);

    QPainterPath path;
    path.addRoundedRect(tile, 6, 6);
    painter->fillPath(path, pal.color(QPalette::Base));
    painter->setPen(
        QPen(option.state & QStyle::State_Selected ? pal.color(QPalette::Highlight) : accent,
            option.state & QStyle::State_Selected ? 3.0 : 2.0));
    painter->drawPath(path);

    QFont font = option.font;
    font.setPointSizeF(font.pointSizeF() * m_scale);
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF fm(font);
    const double pad = 8 * m_scale;
    const double lineH = fm.height();
    double y = tile.top() + pad;
    const double width = tile.width() - 2 * pad;
    const QColor textColor = stale ? palette::muted() : pal.color(QPalette::Text);

    // Line 0: name (bold) and role.
    painter->setFont(bold);
    painter->setPen(textColor);
    painter->drawText(QRectF(tile.left() + pad, y, width, lineH), Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(bold).elidedText(lines[0], Qt::ElideRight, width));
    y += lineH * 1.2;

    // Line 1: the state badge, colour and text.
    const QString badge = lines[1];
    const double badgeW = QFontMetricsF(bold).horizontalAdvance(badge) + 2 * pad;
    const QRectF badgeRect(tile.left() + pad, y, badgeW, lineH * 1.3);
    QPainterPath badgePath;
    badgePath.addRoundedRect(badgeRect, 4, 4);
    painter->fillPath(badgePath, accent);
    painter->setPen(palette::stateTextColor(state, stale));
    painter->drawText(badgeRect, Qt::AlignCenter, badge);
    y += lineH * 1.6;

    painter->setFont(font);
    for (int i = 2; i < lines.size(); ++i) {
        QColor color = textColor;
        if (i == 6 && !lines[i].isEmpty() && !stale)
            color = state == NodeState::Down ? palette::bad() : palette::warn().darker(130);
        if (i == 4
            && (lines[i].contains(QLatin1String("malformed"))
                || lines[i].contains(QLatin1String("failed"))))
            color = palette::warn().darker(130);
        if (i == lines.size() - 1 || stale)
            color = palette::muted();
        painter->setPen(color);
        painter->drawText(QRectF(tile.left() + pad, y, width, lineH),
            Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(lines[i], Qt::ElideRight, width));
        y += lineH;
    }
    painter->restore();
}

} // namespace cw
