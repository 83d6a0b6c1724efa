#include "views/NodeTileDelegate.h"

#include "models/Formatter.h"
#include "models/items/ClusterModel.h"
#include "views/StatePalette.h"

#include <QAbstractItemView>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

namespace cw {

namespace {

QString optionalText(const QVariant &value, const std::function<QString(double)> &format)
{
    return value.isValid() ? format(value.toDouble()) : fmt::none();
}

QString nameAndRole(const QModelIndex &index)
{
    QString role = index.data(ClusterModel::NodeRoleRole).toString();
    if (index.data(ClusterModel::LeaderRole).toBool())
        role += QStringLiteral(" · leader");
    return index.data(ClusterModel::NameRole).toString() + QStringLiteral("  ") + role;
}

QString responseText(const QModelIndex &index)
{
    return optionalText(
        index.data(ClusterModel::ResponseMsRole), [](double v) { return fmt::duration(v); });
}

QString cpuMemLag(const QModelIndex &index)
{
    const QVariant cpu = index.data(ClusterModel::CpuPercentRole);
    return QStringLiteral("CPU ")
        + fmt::percent(cpu.isValid() ? std::optional<double>(cpu.toDouble()) : std::nullopt)
        + QStringLiteral(" · mem ")
        + optionalText(
            index.data(ClusterModel::MemoryBytesRole), [](double v) { return fmt::bytes(v); })
        + QStringLiteral(" · lag ")
        + optionalText(index.data(ClusterModel::EventLoopLagRole),
            [](double v) { return fmt::duration(v * 1000.0); });
}

QString containerLine(const QModelIndex &index)
{
    const auto text = [&](int role) { return index.data(role).toString(); };
    const QString containerState = text(ClusterModel::ContainerStateRole);
    if (containerState.isEmpty()) {
        const QString configured = text(ClusterModel::ContainerRole);
        return configured.isEmpty()
            ? QStringLiteral("container: —")
            : QStringLiteral("container ") + configured + QStringLiteral(": not seen");
    }
    QString line = QStringLiteral("container ") + containerState + QStringLiteral(" · restarts ")
        + text(ClusterModel::RestartCountRole);
    const QVariant cpu = index.data(ClusterModel::ContainerCpuRole);
    const QVariant mem = index.data(ClusterModel::ContainerMemoryRole);
    if (cpu.isValid())
        line += QStringLiteral(" · ") + fmt::percent(cpu.toDouble());
    if (mem.isValid())
        line += QStringLiteral(" · ") + fmt::bytes(mem.toDouble()) + QStringLiteral(" / ")
            + fmt::bytes(index.data(ClusterModel::ContainerMemoryLimitRole).toDouble());
    return line;
}

bool needsLook(const QModelIndex &index)
{
    return index.data(ClusterModel::StaleRole).toBool()
        || NodeState(index.data(ClusterModel::StateRole).toInt()) != NodeState::Healthy;
}

// Tile geometry in lines of the tile font: padding, the name row with its badge, three lines.
constexpr double kPadding = 7.0;
constexpr double kHeaderLines = 1.45;
constexpr double kBodyLines = 3.0;
constexpr int kMinChars = 46;

} // namespace

NodeTileDelegate::NodeTileDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

void NodeTileDelegate::setScale(double scale)
{
    m_scale = scale > 0 ? scale : 1.0;
}

QStringList NodeTileDelegate::tileLines(const QModelIndex &index)
{
    QStringList lines;
    lines << nameAndRole(index) << index.data(ClusterModel::StateTextRole).toString().toUpper();
    const QString metrics = index.data(ClusterModel::MetricsTextRole).toString();
    const bool noFigures = !index.data(ClusterModel::CpuPercentRole).isValid()
        && !index.data(ClusterModel::MemoryBytesRole).isValid()
        && !index.data(ClusterModel::EventLoopLagRole).isValid();
    // A webhook processor has no /metrics: say so instead of three dashes.
    lines << (noFigures && !metrics.isEmpty() && metrics != QLatin1String("ok")
                     ? QStringLiteral("metrics ") + metrics
                     : cpuMemLag(index))
            + QStringLiteral(" · resp ") + responseText(index);
    lines << containerLine(index);
    const QString reason = index.data(ClusterModel::ReasonRole).toString();
    lines << (needsLook(index) && !reason.isEmpty()
            ? reason
            : QStringLiteral("last seen ") + index.data(ClusterModel::LastSeenTextRole).toString());
    return lines;
}

QStringList NodeTileDelegate::detailLines(const QModelIndex &index)
{
    const auto text = [&](int role) { return index.data(role).toString(); };
    const QString version = text(ClusterModel::VersionRole);
    return { nameAndRole(index), text(ClusterModel::StateTextRole).toUpper(),
        QStringLiteral("readiness: ") + text(ClusterModel::ReadinessTextRole)
            + QStringLiteral(" · ") + responseText(index),
        cpuMemLag(index),
        QStringLiteral("metrics: ") + text(ClusterModel::MetricsTextRole)
            + (version.isEmpty() ? QString() : QStringLiteral(" · ") + version),
        containerLine(index), text(ClusterModel::ReasonRole),
        QStringLiteral("last seen ") + text(ClusterModel::LastSeenTextRole) };
}

QSize NodeTileDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    QFont font = option.font;
    font.setPointSizeF(font.pointSizeF() * m_scale);
    const QFontMetricsF fm(font);
    const double pad = kPadding * m_scale;
    return QSize(int(fm.averageCharWidth() * kMinChars + 2 * pad + 8),
        int(fm.height() * (kHeaderLines + kBodyLines) + 2 * pad + 8));
}

bool NodeTileDelegate::helpEvent(QHelpEvent *event, QAbstractItemView *view,
    const QStyleOptionViewItem &option, const QModelIndex &index)
{
    if (event && view && index.isValid() && event->type() == QEvent::ToolTip) {
        QStringList lines = detailLines(index);
        lines.removeAll(QString());
        lines << index.data(ClusterModel::UrlRole).toString();
        QToolTip::showText(event->globalPos(), lines.join(u'\n'), view, option.rect);
        return true;
    }
    return QStyledItemDelegate::helpEvent(event, view, option, index);
}

void NodeTileDelegate::paint(
    QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto state = NodeState(index.data(ClusterModel::StateRole).toInt());
    const bool stale = index.data(ClusterModel::StaleRole).toBool();
    const bool selected = option.state & QStyle::State_Selected;
    const QStringList lines = tileLines(index);
    const QPalette &pal = option.palette;

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF tile = QRectF(option.rect).adjusted(3, 3, -3, -3);
    const QColor accent = palette::stateColor(state, stale);

    QPainterPath path;
    path.addRoundedRect(tile, 6, 6);
    painter->fillPath(path, pal.color(QPalette::Base));
    painter->setPen(QPen(selected ? pal.color(QPalette::Highlight) : accent, selected ? 3.0 : 2.0));
    painter->drawPath(path);

    QFont font = option.font;
    font.setPointSizeF(font.pointSizeF() * m_scale);
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF fm(font);
    const QFontMetricsF boldFm(bold);
    const double pad = kPadding * m_scale;
    const double lineH = fm.height();
    const double left = tile.left() + pad;
    const double width = tile.width() - 2 * pad;
    const QColor textColor = stale ? palette::muted() : pal.color(QPalette::Text);

    // Row 0: the state badge at the right, the name (bold) and role in what is left.
    const double headerH = lineH * kHeaderLines;
    double y = tile.top() + pad;
    const QString badge = lines[1];
    const double badgeW = std::min(boldFm.horizontalAdvance(badge) + 1.5 * pad, width * 0.5);
    const QRectF badgeRect(tile.right() - pad - badgeW, y, badgeW, headerH);
    QPainterPath badgePath;
    badgePath.addRoundedRect(badgeRect, 4, 4);
    painter->fillPath(badgePath, accent);
    painter->setFont(bold);
    painter->setPen(palette::stateTextColor(state, stale));
    painter->drawText(badgeRect, Qt::AlignCenter,
        boldFm.elidedText(badge, Qt::ElideRight, badgeRect.width() - pad / 2));

    const QString name = index.data(ClusterModel::NameRole).toString();
    const QString role = lines[0].mid(name.size()).trimmed();
    const double nameSpace = width - badgeW - pad;
    const QString shownName = boldFm.elidedText(name, Qt::ElideMiddle, nameSpace);
    painter->setPen(textColor);
    painter->drawText(
        QRectF(left, y, nameSpace, headerH), Qt::AlignLeft | Qt::AlignVCenter, shownName);
    const double roleLeft = boldFm.horizontalAdvance(shownName) + fm.averageCharWidth() * 1.5;
    if (roleLeft < nameSpace) {
        painter->setFont(font);
        painter->setPen(palette::muted());
        painter->drawText(QRectF(left + roleLeft, y, nameSpace - roleLeft, headerH),
            Qt::AlignLeft | Qt::AlignVCenter,
            fm.elidedText(role, Qt::ElideRight, nameSpace - roleLeft));
    }
    y += headerH + 1;

    painter->setFont(font);
    for (int i = 2; i < lines.size(); ++i) {
        QColor color = textColor;
        const bool last = i == lines.size() - 1;
        if (last && needsLook(index) && !stale)
            color = state == NodeState::Down ? palette::bad() : palette::warn().darker(135);
        else if (last || stale)
            color = palette::muted();
        if (last && needsLook(index) && !stale) {
            QFont emphasis = font;
            emphasis.setBold(state == NodeState::Down);
            painter->setFont(emphasis);
        }
        painter->setPen(color);
        painter->drawText(QRectF(left, y, width, lineH), Qt::AlignLeft | Qt::AlignVCenter,
            QFontMetricsF(painter->font()).elidedText(lines[i], Qt::ElideRight, width));
        y += lineH;
    }
    painter->restore();
}

} // namespace cw
