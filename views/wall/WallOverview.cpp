#include "views/wall/WallOverview.h"

#include "models/Formatter.h"
#include "models/items/ClusterModel.h"
#include "models/state/ClusterState.h"
#include "views/wall/WallStyle.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <cmath>

namespace cw {

namespace {

constexpr int kRepaintMs = 500;

struct NodeView {
    QString name;
    QString role;
    NodeState state = NodeState::Unknown;
    bool stale = false;
    QString reason;
    QString detail;
};

NodeView nodeAt(const QAbstractItemModel *model, int row)
{
    const QModelIndex i = model->index(row, 0);
    NodeView n;
    n.name = i.data(ClusterModel::NameRole).toString();
    n.role = i.data(ClusterModel::NodeRoleRole).toString();
    n.state = NodeState(i.data(ClusterModel::StateRole).toInt());
    n.stale = i.data(ClusterModel::StaleRole).toBool();
    n.reason = i.data(ClusterModel::ReasonRole).toString();
    QStringList parts;
    if (const QVariant cpu = i.data(ClusterModel::CpuPercentRole); cpu.isValid())
        parts << QStringLiteral("CPU ") + fmt::percent(cpu.toDouble());
    if (const QVariant mem = i.data(ClusterModel::MemoryBytesRole); mem.isValid())
        parts << fmt::bytes(mem.toDouble());
    n.detail = parts.join(QStringLiteral(" · "));
    return n;
}

struct AttentionGroup {
    QString word;
    QStringList names;
};

// "2 DOWN: n8n-worker-3, n8n-worker-7", names flowing onto the next lines up to @p maxLines,
// the last one ending in "+5 more" when not all fit. @p shown: how many names made it.
QStringList attentionLines(const QList<AttentionGroup> &groups, int nodeCount,
    const QFontMetricsF &fm, double width, int maxLines, int *shown)
{
    QStringList lines;
    *shown = 0;
    for (const AttentionGroup &group : groups) {
        if (group.names.isEmpty() || lines.size() >= maxLines)
            continue;
        if (group.names.size() == nodeCount && nodeCount > 1) {
            lines << QStringLiteral("ALL %1 NODES %2").arg(nodeCount).arg(group.word);
            *shown += int(group.names.size());
            continue;
        }
        QString line = QStringLiteral("%1 %2:").arg(group.names.size()).arg(group.word);
        bool lineHasName = false;
        for (qsizetype i = 0; i < group.names.size(); ++i) {
            const bool lastLine = lines.size() == maxLines - 1;
            const qsizetype left = group.names.size() - i - 1;
            const QString more
                = left > 0 && lastLine ? QStringLiteral(" +%1 more").arg(left) : QString();
            const QString next = line + (lineHasName ? QStringLiteral(", ") : QStringLiteral(" "))
                + group.names[i];
            if (fm.horizontalAdvance(next + more) <= width || !lineHasName) {
                line = next;
                lineHasName = true;
                ++*shown;
                continue;
            }
            if (lastLine) {
                line += QStringLiteral(" +%1 more").arg(group.names.size() - i);
                break;
            }
            lines << line + QLatin1Char(',');
            line = group.names[i];
            ++*shown;
        }
        lines << line;
    }
    return lines.mid(0, maxLines);
}

bool needsAttention(NodeState state, bool stale)
{
    return stale || state == NodeState::Down || state == NodeState::Degraded;
}

} // namespace

WallGridPlan planWallGrid(int count, const QSizeF &area, const WallStyle &style, double nameWidth)
{
    WallGridPlan plan;
    if (count <= 0 || area.width() <= 0 || area.height() <= 0) {
        plan.rows = 0;
        plan.tile = QSizeF();
        return plan;
    }
    const double gap = style.unit() * 0.8;
    const double line = QFontMetricsF(style.small()).height();
    const double pad = style.unit() * 1.2;
    const double icon = line * 1.1;
    // The widest a tile needs to be for its name, and the narrowest that still reads.
    const double wideText = std::max(nameWidth,
        QFontMetricsF(WallStyle::bold(style.small()))
            .horizontalAdvance(QStringLiteral("DEGRADED")));
    struct Level {
        int level;
        double height;
        double minWidth;
    };
    // A whole name where it fits, else names shortened in the middle down to about 8
    // characters ("n8n-w…er-10"), and one line per tile before giving up text.
    const double whole = std::min(area.width(), pad * 2 + icon + gap + wideText);
    const double shortened = std::min(whole, pad * 2 + icon + gap + line * 4.5);
    const Level levels[] = {
        { 3, pad * 1.5 + line * 3.1, whole },
        { 2, pad * 1.5 + line * 2.05, whole },
        { 3, pad * 1.5 + line * 3.1, shortened },
        { 2, pad * 1.5 + line * 2.05, shortened },
        { 1, pad * 1.2 + line * 1.05, shortened },
    };
    for (const Level &l : levels) {
        const int columns = std::max(1, int(std::floor((area.width() + gap) / (l.minWidth + gap))));
        const int rows = (count + columns - 1) / columns;
        if (rows * l.height + (rows - 1) * gap <= area.height()) {
            plan.level = l.level;
            plan.columns = std::min(columns, count);
            plan.rows = rows;
            const double width = (area.width() - (plan.columns - 1) * gap) / plan.columns;
            // Tiles do not grow taller than their text needs; they take the width.
            plan.tile = QSizeF(width, l.height);
            return plan;
        }
    }
    // Cells: the largest square that lets every node fit.
    plan.level = 0;
    double side = std::min(area.width(), area.height());
    for (; side > 4; side *= 0.94) {
        const int columns
            = std::max(1, int(std::floor((area.width() + gap / 3) / (side + gap / 3))));
        const int rows = (count + columns - 1) / columns;
        if (rows * (side + gap / 3) <= area.height() + gap / 3) {
            plan.columns = columns;
            plan.rows = rows;
            break;
        }
    }
    plan.tile = QSizeF(side, side);
    if (plan.rows == 0) { // too many for the area even at 4 px: show what fits
        plan.columns = std::max(1, int(area.width() / 5));
        plan.rows = (count + plan.columns - 1) / plan.columns;
        plan.tile = QSizeF(4, 4);
    }
    return plan;
}

WallOverview::WallOverview(
    QAbstractItemModel *nodes, const ClusterState *state, const WallStyle *style, QWidget *parent)
    : QWidget(parent)
    , m_nodes(nodes)
    , m_state(state)
    , m_style(style)
{
    setObjectName(QStringLiteral("wallOverview"));
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_repaint.setSingleShot(true);
    m_repaint.setInterval(kRepaintMs);
    connect(&m_repaint, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    connect(nodes, &QAbstractItemModel::dataChanged, this, &WallOverview::scheduleRepaint);
    connect(nodes, &QAbstractItemModel::layoutChanged, this, &WallOverview::scheduleRepaint);
    connect(nodes, &QAbstractItemModel::modelReset, this, &WallOverview::scheduleRepaint);
    connect(state, &ClusterState::redisChanged, this, &WallOverview::scheduleRepaint);
    connect(state, &ClusterState::postgresChanged, this, &WallOverview::scheduleRepaint);
}

void WallOverview::setStyle(const WallStyle *style)
{
    m_style = style;
    update();
}

void WallOverview::setActiveAlerts(const QList<AlertTransition> &active)
{
    m_active = active;
    scheduleRepaint();
}

void WallOverview::setFeedStale(bool stale)
{
    if (stale == m_feedStale)
        return;
    m_feedStale = stale;
    update();
}

void WallOverview::scheduleRepaint()
{
    if (isVisible() && !m_repaint.isActive())
        m_repaint.start();
}

QList<WallOverview::Service> WallOverview::services() const
{
    QList<Service> out;
    const auto alertOn = [this](const QString &subject) {
        const AlertTransition *worst = nullptr;
        for (const AlertTransition &a : m_active) {
            if (a.subject == subject && a.state == AlertState::Firing
                && (!worst || a.severity > worst->severity))
                worst = &a;
        }
        return worst;
    };
    if (m_state->redisConfigured()) {
        Service s { QStringLiteral("Redis"), NodeState::Unknown, m_state->redisStale(), {} };
        if (m_state->hasRedis()) {
            const RedisSnapshot &r = m_state->redis();
            s.state = r.reachable ? NodeState::Healthy : NodeState::Down;
            s.detail = r.reachable ? QStringLiteral("ping ") + fmt::duration(r.pingMs) : r.error;
        }
        out << s;
        Service q { QStringLiteral("Queue"), NodeState::Unknown, m_state->redisStale(), {} };
        if (m_state->hasRedis() && m_state->redis().queueRead) {
            const QueueDepth &d = m_state->redis().queue;
            q.state = NodeState::Healthy;
            q.detail = QStringLiteral("%1 waiting · %2 active")
                           .arg(fmt::count(d.waiting + d.prioritized), fmt::count(d.active));
            if (d.paused) {
                q.state = NodeState::Degraded;
                q.detail = QStringLiteral("PAUSED · ") + q.detail;
            }
        } else if (m_state->hasRedis()) {
            q.state = NodeState::Down;
            q.detail = QStringLiteral("not readable");
        }
        if (const AlertTransition *a = alertOn(QStringLiteral("queue")))
            q.state = a->severity == Severity::Critical ? NodeState::Down : NodeState::Degraded;
        out << q;
    }
    if (m_state->postgresConfigured()) {
        Service s { QStringLiteral("PostgreSQL"), NodeState::Unknown, m_state->postgresStale(),
            {} };
        if (m_state->hasPostgres()) {
            const PostgresSnapshot &pg = m_state->postgres();
            s.state = pg.reachable ? NodeState::Healthy : NodeState::Down;
            s.detail = pg.reachable ? QStringLiteral("%1 running · %2 crashed")
                                          .arg(fmt::count(pg.executionsWith("running")),
                                              fmt::count(pg.executionsWith("crashed")))
                                    : pg.error;
            if (pg.reachable && pg.stuckRunning > 0) {
                s.state = NodeState::Degraded;
                s.detail = QStringLiteral("%1 stuck running").arg(pg.stuckRunning);
            }
        }
        if (const AlertTransition *a = alertOn(QStringLiteral("postgres"));
            a && s.state == NodeState::Healthy)
            s.state = NodeState::Degraded;
        out << s;
    }
    if (m_feedStale) {
        for (Service &s : out)
            s.stale = true;
    }
    return out;
}

void WallOverview::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), m_style->background());
    const QList<Service> svc = services();
    QRectF area = rect();
    const double gap = m_style->unit() * 1.2;
    const double used = paintAttention(&p, area, svc);
    area.setTop(area.top() + used + gap);
    if (!svc.isEmpty()) {
        const double h = QFontMetricsF(m_style->small()).height() * 2.3 + m_style->unit() * 1.6;
        paintServices(&p, QRectF(area.left(), area.top(), area.width(), h), svc);
        area.setTop(area.top() + h + gap);
    }
    paintNodes(&p, area);
}

double WallOverview::paintAttention(QPainter *p, const QRectF &area, const QList<Service> &svc)
{
    QStringList down;
    QStringList degraded;
    QStringList stale;
    const int count = m_nodes->rowCount();
    int healthy = 0;
    for (int row = 0; row < count; ++row) {
        const QModelIndex i = m_nodes->index(row, 0);
        const auto state = NodeState(i.data(ClusterModel::StateRole).toInt());
        const bool isStale = m_feedStale || i.data(ClusterModel::StaleRole).toBool();
        const QString name = i.data(ClusterModel::NameRole).toString();
        if (isStale)
            stale << name;
        else if (state == NodeState::Down)
            down << name;
        else if (state == NodeState::Degraded)
            degraded << name;
        else if (state == NodeState::Healthy)
            ++healthy;
    }
    for (const Service &s : svc) {
        if (s.stale)
            stale << s.name;
        else if (s.state == NodeState::Down)
            down << s.name;
        else if (s.state == NodeState::Degraded)
            degraded << s.name;
    }
    const double pad = m_style->unit() * 1.2;
    const QList<AttentionGroup> groups { { QStringLiteral("DOWN"), down },
        { QStringLiteral("DEGRADED"), degraded }, { QStringLiteral("STALE"), stale } };
    // The largest print that names everyone in three lines; else more, smaller lines (never
    // below the medium size), whichever names more.
    QFont font = WallStyle::bold(m_style->large());
    const auto widthFor
        = [&](const QFont &f) { return area.width() - pad * 3 - QFontMetricsF(f).height(); };
    int shown = 0;
    QStringList parts
        = attentionLines(groups, count, QFontMetricsF(font), widthFor(font), 3, &shown);
    const qsizetype named = down.size() + degraded.size() + stale.size();
    if (shown < named) {
        const QFont smaller = WallStyle::bold(m_style->medium());
        int shownSmaller = 0;
        const QStringList more = attentionLines(
            groups, count, QFontMetricsF(smaller), widthFor(smaller), 5, &shownSmaller);
        if (shownSmaller > shown) {
            parts = more;
            font = smaller;
        }
    }
    const QFontMetricsF fm(font);

    if (parts.isEmpty()) {
        const QFont calm = WallStyle::bold(m_style->medium());
        const double h = QFontMetricsF(calm).height() + pad * 2;
        const QRectF band(area.left(), area.top(), area.width(), h);
        const QString text = count == 0 ? QStringLiteral("No nodes in the cluster file")
            : healthy == count          ? QStringLiteral("All %1 nodes healthy").arg(count)
                               : QStringLiteral("%1 of %2 nodes healthy, %3 not polled yet")
                                     .arg(healthy)
                                     .arg(count)
                                     .arg(count - healthy);
        m_attention = text;
        const bool allGood = count > 0 && healthy == count;
        const QRectF icon(band.left() + pad, band.top() + pad, h - 2 * pad, h - 2 * pad);
        m_style->drawStateIcon(p, icon, allGood ? NodeState::Healthy : NodeState::Unknown, false,
            allGood ? WallStyle::healthy() : WallStyle::stale());
        m_style->drawText(p, band.adjusted(h, 0, -pad, 0), Qt::AlignLeft | Qt::AlignVCenter, text,
            calm, m_style->text());
        return h;
    }
    // Something needs action: the biggest text on the page, filled with the worst state's colour.
    const NodeState worst = !down.isEmpty() ? NodeState::Down : NodeState::Degraded;
    const bool onlyStale = down.isEmpty() && degraded.isEmpty();
    const QColor fill = WallStyle::stateColor(worst, onlyStale);
    const QColor ink = WallStyle::onStateColor(worst, onlyStale);
    const int lines = int(parts.size());
    const double h = fm.height() * lines + pad * 2;
    const QRectF band(area.left(), area.top(), area.width(), h);
    QPainterPath path;
    path.addRoundedRect(band, pad, pad);
    p->fillPath(path, fill);
    const QRectF icon(band.left() + pad, band.top() + pad, fm.height(), fm.height());
    m_style->drawStateIcon(p, icon, worst, onlyStale, ink);
    for (int i = 0; i < lines; ++i) {
        const QRectF line(band.left() + pad * 2 + fm.height(), band.top() + pad + i * fm.height(),
            band.width() - pad * 3 - fm.height(), fm.height());
        m_style->drawText(p, line, Qt::AlignLeft | Qt::AlignVCenter, parts[i], font, ink);
    }
    m_attention = parts.join(QStringLiteral("\n"));
    return h;
}

void WallOverview::paintServices(QPainter *p, const QRectF &area, const QList<Service> &svc)
{
    const double gap = m_style->unit() * 0.8;
    const double pad = m_style->unit() * 0.8;
    const double w = (area.width() - gap * (svc.size() - 1)) / svc.size();
    const QFont name = WallStyle::bold(m_style->small());
    const double line = QFontMetricsF(name).height();
    for (int i = 0; i < svc.size(); ++i) {
        const Service &s = svc[i];
        const QRectF box(area.left() + i * (w + gap), area.top(), w, area.height());
        const bool bad = s.stale || s.state == NodeState::Down || s.state == NodeState::Degraded;
        const QColor color = WallStyle::stateColor(s.state, s.stale);
        QPainterPath path;
        path.addRoundedRect(box, pad, pad);
        p->fillPath(path, bad ? color : m_style->surface());
        const QColor ink = bad ? WallStyle::onStateColor(s.state, s.stale) : m_style->text();
        const QRectF icon(box.left() + pad, box.top() + pad, line, line);
        m_style->drawStateIcon(p, icon, s.state, s.stale, bad ? ink : color);
        const QRectF top(icon.right() + pad, box.top() + pad, box.width() - line - 3 * pad, line);
        m_style->drawText(p, top, Qt::AlignLeft | Qt::AlignVCenter, s.name, name, ink);
        const QRectF bottom(
            box.left() + pad, top.bottom() + pad * 0.3, box.width() - 2 * pad, line);
        // The word first, so a narrow box shortens the detail, never the state.
        const QString word = WallStyle::stateWord(s.state, s.stale);
        const double wordW = QFontMetricsF(name).horizontalAdvance(word);
        m_style->drawText(p, bottom, Qt::AlignLeft | Qt::AlignVCenter, word, name,
            bad ? ink : color.lighter(130));
        m_style->drawText(p, bottom.adjusted(wordW, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
            s.detail.isEmpty() ? QString() : QStringLiteral(" · ") + s.detail, m_style->small(),
            bad ? ink : m_style->secondary());
    }
}

void WallOverview::paintNodes(QPainter *p, const QRectF &area)
{
    const int count = m_nodes->rowCount();
    double nameWidth = 0;
    const QFontMetricsF bold(WallStyle::bold(m_style->small()));
    for (int row = 0; row < count && row < 200; ++row)
        nameWidth = std::max(nameWidth,
            bold.horizontalAdvance(m_nodes->index(row, 0).data(ClusterModel::NameRole).toString()));
    m_plan = planWallGrid(count, area.size(), *m_style, nameWidth);
    if (m_plan.rows == 0)
        return;
    const double gap = m_plan.level == 0 ? m_style->unit() * 0.8 / 3 : m_style->unit() * 0.8;
    for (int row = 0; row < count; ++row) {
        const int r = row / m_plan.columns;
        const int c = row % m_plan.columns;
        const QRectF rect(area.left() + c * (m_plan.tile.width() + gap),
            area.top() + r * (m_plan.tile.height() + gap), m_plan.tile.width(),
            m_plan.tile.height());
        if (rect.top() > area.bottom())
            break;
        paintTile(p, rect, row, m_plan.level);
    }
}

void WallOverview::paintTile(QPainter *p, const QRectF &rect, int row, int level)
{
    NodeView n = nodeAt(m_nodes, row);
    n.stale = n.stale || m_feedStale;
    const bool bad = needsAttention(n.state, n.stale);
    const QColor color = WallStyle::stateColor(n.state, n.stale);
    const QColor ink = bad ? WallStyle::onStateColor(n.state, n.stale) : m_style->text();
    const double radius = std::min(rect.height() / 6, m_style->unit());
    QPainterPath path;
    path.addRoundedRect(rect, radius, radius);
    p->fillPath(path, bad ? color : m_style->surface());
    if (level == 0) {
        // A cell: the state's colour and icon; the healthy ones carry a green icon on grey.
        const double inset = rect.width() * 0.18;
        m_style->drawStateIcon(
            p, rect.adjusted(inset, inset, -inset, -inset), n.state, n.stale, bad ? ink : color);
        return;
    }
    const double pad = m_style->unit() * (level == 1 ? 0.6 : 0.75);
    const QFont nameFont = WallStyle::bold(m_style->small());
    const double line = QFontMetricsF(nameFont).height();
    const QRectF icon(rect.left() + pad, rect.top() + pad, line, line);
    m_style->drawStateIcon(p, icon, n.state, n.stale, bad ? ink : color);
    const double left = icon.right() + pad;
    const double width = rect.right() - pad - left;
    const QString word = WallStyle::stateWord(n.state, n.stale);
    if (level == 1) {
        const double wordW = bad ? QFontMetricsF(nameFont).horizontalAdvance(word) + pad : 0;
        m_style->drawText(p, QRectF(left, icon.top(), width - wordW, line),
            Qt::AlignLeft | Qt::AlignVCenter, n.name, nameFont, ink, Qt::ElideMiddle);
        if (bad)
            m_style->drawText(p, QRectF(rect.right() - pad - wordW, icon.top(), wordW, line),
                Qt::AlignRight | Qt::AlignVCenter, word, nameFont, ink);
        return;
    }
    m_style->drawText(p, QRectF(left, icon.top(), width, line), Qt::AlignLeft | Qt::AlignVCenter,
        n.name, nameFont, ink);
    m_style->drawText(p,
        QRectF(rect.left() + pad, icon.top() + line * 1.05, rect.width() - 2 * pad, line),
        Qt::AlignLeft | Qt::AlignVCenter, word, nameFont, bad ? ink : color.lighter(130));
    if (level == 3) {
        const QString detail = bad && !n.reason.isEmpty() ? n.reason : n.detail;
        m_style->drawText(p,
            QRectF(rect.left() + pad, icon.top() + line * 2.1, rect.width() - 2 * pad, line),
            Qt::AlignLeft | Qt::AlignVCenter, detail, m_style->small(),
            bad ? ink : m_style->secondary());
    }
}

} // namespace cw
