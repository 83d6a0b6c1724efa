#include "views/wall/WallAlerts.h"

#include "models/Formatter.h"
#include "views/wall/WallStyle.h"

#include <QDateTime>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace cw {

namespace {

NodeState iconOf(Severity severity)
{
    return severity == Severity::Critical ? NodeState::Down
        : severity == Severity::Warning   ? NodeState::Degraded
                                          : NodeState::Unknown;
}

QString since(qint64 nowMs, qint64 thenMs)
{
    return QDateTime::fromMSecsSinceEpoch(thenMs).toString(QStringLiteral("HH:mm"))
        + QStringLiteral(" (") + fmt::elapsedAgo(std::max<qint64>(0, nowMs - thenMs))
        + QStringLiteral(")");
}

} // namespace

QColor wallSeverityColor(Severity severity)
{
    switch (severity) {
    case Severity::Critical:
        return WallStyle::down();
    case Severity::Warning:
        return WallStyle::degraded();
    case Severity::Info:
        break;
    }
    return QColor(0x56, 0xb4, 0xe9);
}

QColor wallSeverityInk(Severity severity)
{
    return severity == Severity::Critical ? QColor(Qt::white) : QColor(Qt::black);
}

QList<AlertTransition> wallAlertOrder(const QList<AlertTransition> &active)
{
    QList<AlertTransition> out;
    for (const AlertTransition &a : active) {
        if (a.causedBy.isEmpty())
            out << a;
    }
    std::stable_sort(
        out.begin(), out.end(), [](const AlertTransition &a, const AlertTransition &b) {
            const bool af = a.state == AlertState::Firing;
            const bool bf = b.state == AlertState::Firing;
            if (af != bf)
                return af;
            if (a.severity != b.severity)
                return a.severity > b.severity;
            return a.timeMs < b.timeMs;
        });
    return out;
}

WallAlerts::WallAlerts(const WallStyle *style, QWidget *parent)
    : QWidget(parent)
    , m_style(style)
{
    setObjectName(QStringLiteral("wallAlerts"));
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void WallAlerts::setStyle(const WallStyle *style)
{
    m_style = style;
    update();
}

void WallAlerts::setActiveAlerts(const QList<AlertTransition> &active)
{
    m_alerts = wallAlertOrder(active);
    m_symptoms.clear();
    for (const AlertTransition &a : active) {
        if (!a.causedBy.isEmpty())
            ++m_symptoms[a.causedBy];
    }
    update();
}

void WallAlerts::setAcknowledged(const QHash<QString, QString> &byKey)
{
    if (byKey == m_acks)
        return;
    m_acks = byKey;
    update();
}

void WallAlerts::setNow(qint64 nowMs)
{
    // The "(5 min)" texts change once a minute at most; repaint only when visible.
    const bool minuteTurned = nowMs / 60'000 != m_nowMs / 60'000;
    m_nowMs = nowMs;
    if (minuteTurned && isVisible())
        update();
}

void WallAlerts::setAckStatus(const QString &error)
{
    m_ackStatus = error;
    update();
}

void WallAlerts::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), m_style->background());
    const double pad = m_style->unit() * 1.2;
    const QFont title = WallStyle::bold(m_style->medium());
    const QFont summary = WallStyle::bold(m_style->small());
    const QFont meta = m_style->small();
    const double titleH = QFontMetricsF(title).height();
    const double line = QFontMetricsF(summary).height();
    int firing = 0;
    for (const AlertTransition &a : std::as_const(m_alerts))
        firing += a.state == AlertState::Firing ? 1 : 0;
    m_style->drawText(&p, QRectF(0, 0, width(), titleH), Qt::AlignLeft | Qt::AlignVCenter,
        m_alerts.isEmpty() ? QStringLiteral("No active alerts")
                           : QStringLiteral("Active alerts: %1 firing, %2 pending")
                                 .arg(firing)
                                 .arg(m_alerts.size() - firing),
        title, m_style->text());
    double y = titleH + pad;
    double bottom = height();
    if (!m_ackStatus.isEmpty()) {
        bottom -= line * 1.2;
        m_style->drawText(&p, QRectF(0, bottom, width(), line), Qt::AlignLeft | Qt::AlignVCenter,
            QStringLiteral("Acknowledgements from workstations are not seen here: ") + m_ackStatus,
            meta, m_style->secondary());
    }
    if (m_alerts.isEmpty()) {
        // Nothing to do: a large calm check, so the page reads at a glance from the door.
        const double side = std::min(width(), height()) * 0.35;
        m_style->drawStateIcon(&p,
            QRectF((width() - side) / 2, y + (height() - y - side) / 2, side, side),
            NodeState::Healthy, false, WallStyle::healthy());
        m_shown = 0;
        return;
    }
    const double rowH = line * 2.1 + pad * 2;
    m_shown = 0;
    for (int i = 0; i < m_alerts.size(); ++i) {
        const bool last = y + rowH * 2 + pad > bottom;
        if (last && i < m_alerts.size() - 1) {
            m_style->drawText(&p, QRectF(pad, y, width() - 2 * pad, line),
                Qt::AlignLeft | Qt::AlignVCenter,
                QStringLiteral("+ %1 more").arg(m_alerts.size() - i), summary,
                m_style->secondary());
            break;
        }
        const AlertTransition &a = m_alerts[i];
        const QRectF row(0, y, width(), rowH);
        QPainterPath path;
        path.addRoundedRect(row, pad, pad);
        const bool isFiring = a.state == AlertState::Firing;
        const QColor color = wallSeverityColor(a.severity);
        p.fillPath(path, m_style->surface());
        if (isFiring) {
            QPainterPath bar;
            bar.addRoundedRect(
                QRectF(row.left(), row.top(), pad * 1.2, row.height()), pad / 2, pad / 2);
            p.fillPath(bar, color);
        }
        const QRectF icon(row.left() + pad * 2, row.top() + pad, line, line);
        m_style->drawStateIcon(&p, icon, iconOf(a.severity), false, color);
        const QString word = toString(a.severity).toUpper()
            + (isFiring ? QString() : QStringLiteral(" · PENDING"));
        const double wordW = QFontMetricsF(summary).horizontalAdvance(word) + pad;
        m_style->drawText(&p, QRectF(icon.right() + pad, row.top() + pad, wordW, line),
            Qt::AlignLeft | Qt::AlignVCenter, word, summary, color);
        m_style->drawText(&p,
            QRectF(icon.right() + pad + wordW, row.top() + pad,
                row.width() - icon.right() - 2 * pad - wordW, line),
            Qt::AlignLeft | Qt::AlignVCenter, a.summary, summary, m_style->text());
        QString second = a.subject + QStringLiteral(" · since ") + since(m_nowMs, a.timeMs);
        if (const int symptoms = m_symptoms.value(a.key()); symptoms > 0)
            second += QStringLiteral(" · %1 grouped").arg(symptoms);
        if (a.isClearing())
            second += QStringLiteral(" · clearing");
        if (const QString by = m_acks.value(a.key()); !by.isEmpty())
            second += QStringLiteral(" · ACK ") + by;
        m_style->drawText(&p,
            QRectF(icon.right() + pad, row.top() + pad + line * 1.05,
                row.width() - icon.right() - 2 * pad, line),
            Qt::AlignLeft | Qt::AlignVCenter, second, meta, m_style->secondary());
        y += rowH + pad * 0.6;
        ++m_shown;
    }
}

WallTakeover::WallTakeover(const WallStyle *style, QWidget *parent)
    : QWidget(parent)
    , m_style(style)
{
    setObjectName(QStringLiteral("wallTakeover"));
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void WallTakeover::setStyle(const WallStyle *style)
{
    m_style = style;
    update();
}

void WallTakeover::setAlert(const AlertTransition &alert, int othersWaiting)
{
    m_alert = alert;
    m_others = othersWaiting;
    update();
}

void WallTakeover::setNow(qint64 nowMs)
{
    const bool secondTurned = nowMs / 1000 != m_nowMs / 1000;
    m_nowMs = nowMs;
    if (secondTurned && isVisible())
        update();
}

void WallTakeover::setAckStatus(const QString &error)
{
    m_acksSeen = error.isEmpty();
    update();
}

void WallTakeover::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), m_style->background());
    const double u = m_style->unit();
    const QColor color = wallSeverityColor(Severity::Critical);
    // A thick vermillion frame: the screen says "critical" before any word is read.
    p.setPen(QPen(color, u * 1.6));
    p.setBrush(Qt::NoBrush);
    p.drawRoundedRect(QRectF(rect()).adjusted(u, u, -u, -u), u * 2, u * 2);
    const QRectF inner = QRectF(rect()).adjusted(u * 4, u * 3, -u * 4, -u * 3);

    const QFont huge = WallStyle::bold(m_style->huge());
    const double hugeH = QFontMetricsF(huge).height();
    const QRectF band(inner.left(), inner.top(), inner.width(), hugeH * 1.25);
    QPainterPath path;
    path.addRoundedRect(band, u * 1.5, u * 1.5);
    p.fillPath(path, color);
    m_style->drawStateIcon(&p,
        QRectF(band.left() + u * 2, band.top() + hugeH * 0.15, hugeH * 0.95, hugeH * 0.95),
        NodeState::Down, false, Qt::white);
    const double wordW = QFontMetricsF(huge).horizontalAdvance(QStringLiteral("CRITICAL"));
    m_style->drawText(&p, band.adjusted(hugeH * 1.2 + u * 2, 0, -u * 2, 0),
        Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("CRITICAL"), huge, Qt::white);
    // What it is about, beside the word, as large as the room allows.
    m_style->drawText(&p, band.adjusted(hugeH * 1.2 + u * 5 + wordW, 0, -u * 2, 0),
        Qt::AlignRight | Qt::AlignVCenter, m_alert.subject, WallStyle::bold(m_style->large()),
        Qt::white, Qt::ElideMiddle);

    double y = band.bottom() + u * 3;
    const QFont large = WallStyle::bold(m_style->large());
    const QFontMetricsF lfm(large);
    const QRectF summaryRect(inner.left(), y, inner.width(), lfm.height() * 3);
    const QRectF used = lfm.boundingRect(summaryRect, Qt::TextWordWrap, m_alert.summary);
    p.save();
    p.setClipRect(summaryRect);
    m_style->drawText(&p, summaryRect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
        m_alert.summary, large, m_style->text());
    p.restore();
    y += std::min(used.height(), summaryRect.height()) + u * 2;

    const QFont medium = m_style->medium();
    const double mh = QFontMetricsF(medium).height();
    QString when = QStringLiteral("Firing since ")
        + QDateTime::fromMSecsSinceEpoch(m_alert.timeMs).toString(QStringLiteral("HH:mm:ss"))
        + QStringLiteral(" · ") + fmt::elapsedAgo(std::max<qint64>(0, m_nowMs - m_alert.timeMs));
    if (m_alert.isClearing())
        when += QStringLiteral(" · clearing, resolves at ")
            + QDateTime::fromMSecsSinceEpoch(m_alert.resolvesAtMs)
                  .toString(QStringLiteral("HH:mm:ss"));
    m_style->drawText(&p, QRectF(inner.left(), y, inner.width(), mh),
        Qt::AlignLeft | Qt::AlignVCenter, when, medium, m_style->secondary());
    y += mh * 1.3;

    const QFont small = m_style->small();
    const double sh = QFontMetricsF(small).height();
    const double footerH = sh * 1.4;
    const QStringList detail = m_alert.detail.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &lineText : detail) {
        if (y + sh > inner.bottom() - footerH * (m_others > 0 ? 2 : 1))
            break;
        m_style->drawText(&p, QRectF(inner.left(), y, inner.width(), sh),
            Qt::AlignLeft | Qt::AlignVCenter, lineText, small, m_style->text());
        y += sh;
    }
    double fy = inner.bottom() - footerH;
    m_style->drawText(&p, QRectF(inner.left(), fy, inner.width(), footerH),
        Qt::AlignLeft | Qt::AlignVCenter,
        m_acksSeen ? QStringLiteral("Acknowledge at a workstation, or it ends when resolved")
                   : QStringLiteral("Ends when resolved: workstation acknowledgements not seen "
                                    "here"),
        small, m_style->secondary());
    if (m_others > 0) {
        fy -= footerH;
        m_style->drawText(&p, QRectF(inner.left(), fy, inner.width(), footerH),
            Qt::AlignLeft | Qt::AlignVCenter,
            QStringLiteral("+ %1 more critical alert%2 waiting")
                .arg(m_others)
                .arg(m_others == 1 ? QString() : QStringLiteral("s")),
            WallStyle::bold(small), color);
    }
}

} // namespace cw
