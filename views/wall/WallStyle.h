#pragma once

#include "models/NodeHealth.h"

#include <QColor>
#include <QFont>
#include <QSize>
#include <limits>

class QPainter;
class QRectF;

namespace cw {

/// How the wall screen looks: text sized from the screen, a high-contrast dark theme, and state
/// shown by colour, icon and word.
///
/// Text: the smallest text has a cap height of 3.4 % of the screen's height. On a 55-inch
/// 16:9 display (68.5 cm tall, the usual NOC wall panel) that is 23 mm, which seen from 5 m
/// is 16 minutes of arc, ISO 9241-303's minimum character height; larger panels only make it
/// bigger. Sizes follow the screen's height in pixels, so a 1080p and a 4K panel of the same
/// size show the same text.
///
/// Colours: the Okabe-Ito palette (bluish green, yellow, vermillion), which stays apart for
/// the common colour blindnesses, on a near-black background; every state also has its own
/// icon shape (check, triangle, cross, clock, question mark) and its word.
class WallStyle {
public:
    /// The minimum cap height as a fraction of the screen's height (see above).
    static constexpr double kMinCapFraction = 0.034;

    explicit WallStyle(QSize screen = QSize(1920, 1080));

    QSize screen() const { return m_screen; }
    /// Fonts, smallest first; small() is the smallest text ever drawn on the wall.
    const QFont &small() const { return m_small; }
    const QFont &medium() const { return m_medium; }
    const QFont &large() const { return m_large; }
    const QFont &huge() const { return m_huge; }
    /// Bold version of @p font.
    static QFont bold(QFont font);
    /// Cap height in pixels the smallest text must reach on this screen.
    double minCapHeight() const { return m_screen.height() * kMinCapFraction; }
    /// A margin/spacing unit (1 % of the height).
    double unit() const { return m_screen.height() / 100.0; }

    static QColor background() { return QColor(0x0b, 0x0d, 0x10); }
    static QColor surface() { return QColor(0x1c, 0x21, 0x28); }
    static QColor text() { return QColor(0xf4, 0xf5, 0xf7); }
    /// Secondary text: still ≥ 7:1 on the background.
    static QColor secondary() { return QColor(0xc2, 0xc8, 0xd0); }
    static QColor healthy() { return QColor(0x00, 0x9e, 0x73); }
    static QColor degraded() { return QColor(0xf0, 0xe4, 0x42); }
    static QColor down() { return QColor(0xd5, 0x5e, 0x00); }
    static QColor stale() { return QColor(0x8c, 0x93, 0x9d); }
    /// The fill of a state: green, yellow, vermillion, grey (stale or not polled yet).
    static QColor stateColor(NodeState state, bool stale);
    /// Text on stateColor(): black on yellow, white otherwise.
    static QColor onStateColor(NodeState state, bool stale);
    /// "HEALTHY", "DEGRADED", "DOWN", "STALE", "NO DATA YET".
    static QString stateWord(NodeState state, bool stale);

    /// Draws the state's icon in @p box (a square fits best): a check in a circle, a
    /// triangle with "!", a cross in an octagon, a clock (stale), a question mark.
    void drawStateIcon(
        QPainter *p, const QRectF &box, NodeState state, bool stale, const QColor &color) const;

    /// Draws @p text elided to @p rect in @p font, and records its cap height: every text on
    /// the wall goes through here, so smallestCapHeight() is what was really rendered.
    void drawText(QPainter *p, const QRectF &rect, int flags, const QString &text,
        const QFont &font, const QColor &color, Qt::TextElideMode elide = Qt::ElideRight) const;
    /// The smallest cap height drawn since resetMeasure(), in pixels (∞ when nothing).
    double smallestCapHeight() const { return m_smallestCap; }
    void resetMeasure() const { m_smallestCap = std::numeric_limits<double>::infinity(); }
    /// Records a font used by a widget that draws its own text (chart axes).
    void noteFont(const QFont &font) const;

private:
    QSize m_screen;
    QFont m_small;
    QFont m_medium;
    QFont m_large;
    QFont m_huge;
    mutable double m_smallestCap = std::numeric_limits<double>::infinity();
};

} // namespace cw
