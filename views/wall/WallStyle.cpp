#include "views/wall/WallStyle.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QtMath>
#include <cmath>

namespace cw {

namespace {

// The pixel size of @p base whose cap height reaches @p cap.
QFont fontWithCap(const QFont &base, double cap)
{
    QFont f = base;
    f.setPixelSize(100);
    const double capAt100 = QFontMetricsF(f).capHeight();
    const double ratio = capAt100 > 0 ? capAt100 / 100.0 : 0.7;
    int px = int(std::ceil(cap / ratio));
    f.setPixelSize(px);
    // Hinting may round the cap height down by a pixel: grow until it is reached.
    while (QFontMetricsF(f).capHeight() + 0.01 < cap && px < 2000)
        f.setPixelSize(++px);
    return f;
}

} // namespace

WallStyle::WallStyle(QSize screen)
    : m_screen(screen.isValid() && screen.height() > 0 ? screen : QSize(1920, 1080))
{
    QFont base = QApplication::font();
    base.setStyleStrategy(QFont::PreferAntialias);
    const double cap = minCapHeight();
    m_small = fontWithCap(base, cap);
    m_medium = fontWithCap(base, cap * 1.35);
    m_large = fontWithCap(base, cap * 1.9);
    m_huge = fontWithCap(base, cap * 3.2);
}

QFont WallStyle::bold(QFont font)
{
    font.setBold(true);
    return font;
}

QColor WallStyle::stateColor(NodeState state, bool stale)
{
    if (stale)
        return WallStyle::stale();
    switch (state) {
    case NodeState::Healthy:
        return healthy();
    case NodeState::Degraded:
        return degraded();
    case NodeState::Down:
        return down();
    case NodeState::Unknown:
        break;
    }
    return WallStyle::stale();
}

QColor WallStyle::onStateColor(NodeState state, bool stale)
{
    return (!stale && state == NodeState::Degraded) ? QColor(Qt::black) : QColor(Qt::white);
}

QString WallStyle::stateWord(NodeState state, bool stale)
{
    if (stale)
        return QStringLiteral("STALE");
    switch (state) {
    case NodeState::Healthy:
        return QStringLiteral("HEALTHY");
    case NodeState::Degraded:
        return QStringLiteral("DEGRADED");
    case NodeState::Down:
        return QStringLiteral("DOWN");
    case NodeState::Unknown:
        break;
    }
    return QStringLiteral("NO DATA YET");
}

void WallStyle::drawStateIcon(
    QPainter *p, const QRectF &box, NodeState state, bool stale, const QColor &color) const
{
    const double side = std::min(box.width(), box.height());
    const QRectF r(box.center().x() - side / 2, box.center().y() - side / 2, side, side);
    const double w = std::max(2.0, side * 0.12);
    p->save();
    p->setRenderHint(QPainter::Antialiasing);
    QPen pen(color, w, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p->setPen(pen);
    p->setBrush(Qt::NoBrush);
    const QRectF in = r.adjusted(w / 2, w / 2, -w / 2, -w / 2);
    const auto at = [&](double x, double y) {
        return QPointF(in.left() + x * in.width(), in.top() + y * in.height());
    };
    if (stale) {
        p->drawEllipse(in);
        p->drawLine(at(0.5, 0.5), at(0.5, 0.2));
        p->drawLine(at(0.5, 0.5), at(0.72, 0.62));
    } else if (state == NodeState::Healthy) {
        p->drawEllipse(in);
        QPainterPath check;
        check.moveTo(at(0.27, 0.52));
        check.lineTo(at(0.44, 0.69));
        check.lineTo(at(0.74, 0.33));
        p->drawPath(check);
    } else if (state == NodeState::Degraded) {
        QPainterPath tri;
        tri.moveTo(at(0.5, 0.04));
        tri.lineTo(at(0.97, 0.92));
        tri.lineTo(at(0.03, 0.92));
        tri.closeSubpath();
        p->drawPath(tri);
        p->drawLine(at(0.5, 0.36), at(0.5, 0.62));
        p->drawPoint(at(0.5, 0.78));
    } else if (state == NodeState::Down) {
        QPolygonF octagon;
        for (int i = 0; i < 8; ++i) {
            const double a = qDegreesToRadians(22.5 + 45.0 * i);
            octagon << QPointF(in.center().x() + std::cos(a) * in.width() / 2,
                in.center().y() + std::sin(a) * in.height() / 2);
        }
        p->drawPolygon(octagon);
        p->drawLine(at(0.32, 0.32), at(0.68, 0.68));
        p->drawLine(at(0.68, 0.32), at(0.32, 0.68));
    } else {
        pen.setStyle(Qt::DashLine);
        p->setPen(pen);
        p->drawEllipse(in);
        p->setPen(QPen(color, w, Qt::SolidLine, Qt::RoundCap));
        QPainterPath q;
        q.moveTo(at(0.36, 0.38));
        q.cubicTo(at(0.36, 0.15), at(0.66, 0.15), at(0.64, 0.38));
        q.cubicTo(at(0.62, 0.5), at(0.5, 0.5), at(0.5, 0.6));
        p->drawPath(q);
        p->drawPoint(at(0.5, 0.76));
    }
    p->restore();
}

void WallStyle::drawText(QPainter *p, const QRectF &rect, int flags, const QString &text,
    const QFont &font, const QColor &color, Qt::TextElideMode elide) const
{
    if (text.isEmpty() || rect.width() <= 0)
        return;
    p->setFont(font);
    p->setPen(color);
    const QFontMetricsF fm(font);
    if (flags & Qt::TextWordWrap)
        p->drawText(rect, flags, text);
    else
        p->drawText(rect, flags, fm.elidedText(text, elide, rect.width()));
    noteFont(font);
}

void WallStyle::noteFont(const QFont &font) const
{
    m_smallestCap = std::min(m_smallestCap, QFontMetricsF(font).capHeight());
}

} // namespace cw
