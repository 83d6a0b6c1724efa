#pragma once

#include <QColor>
#include <QList>

class QPalette;

namespace cw {

/// Colours of the charts for a light or a dark background. Line colours are picked for
/// contrast against that background (≥ 3:1) and to stay apart for common colour blindness.
struct ChartColors {
    bool dark = false;
    QColor background;
    QColor plotBackground;
    QColor text;
    QColor grid;
    QColor threshold;
    QList<QColor> lines;

    QColor line(int index) const { return lines.at(index % lines.size()); }

    static ChartColors light();
    static ChartColors darkTheme();
    /// Dark colours when the palette's window is dark, else light ones.
    static ChartColors forPalette(const QPalette &palette);
    /// WCAG contrast ratio of two colours (1 … 21).
    static double contrast(const QColor &a, const QColor &b);
};

} // namespace cw
