#include "views/charts/ChartColors.h"

#include <QPalette>
#include <cmath>

namespace cw {

ChartColors ChartColors::light()
{
    ChartColors c;
    c.dark = false;
    c.background = QColor(0xff, 0xff, 0xff);
    c.plotBackground = QColor(0xfb, 0xfb, 0xfc);
    c.text = QColor(0x20, 0x24, 0x2a);
    c.grid = QColor(0xdd, 0xe0, 0xe4);
    c.threshold = QColor(0xc6, 0x28, 0x28);
    // Darker tones of a colour-blind-safe set, readable on white.
    c.lines = { QColor(0x1f, 0x5f, 0xa8), QColor(0xc2, 0x5e, 0x00), QColor(0x1b, 0x7f, 0x4c),
        QColor(0x8e, 0x3b, 0xb0), QColor(0x00, 0x7c, 0x8a), QColor(0xa6, 0x3d, 0x5e),
        QColor(0x5a, 0x64, 0x00), QColor(0x4a, 0x4a, 0xd0), QColor(0x99, 0x55, 0x22),
        QColor(0x2f, 0x6f, 0x6f), QColor(0xb0, 0x30, 0x90), QColor(0x55, 0x55, 0x55) };
    return c;
}

ChartColors ChartColors::darkTheme()
{
    ChartColors c;
    c.dark = true;
    c.background = QColor(0x1e, 0x21, 0x26);
    c.plotBackground = QColor(0x18, 0x1b, 0x1f);
    c.text = QColor(0xe6, 0xe8, 0xeb);
    c.grid = QColor(0x3a, 0x3f, 0x47);
    c.threshold = QColor(0xff, 0x6b, 0x6b);
    c.lines = { QColor(0x6c, 0xb4, 0xff), QColor(0xff, 0xa9, 0x4d), QColor(0x5f, 0xd3, 0x8d),
        QColor(0xd0, 0x96, 0xff), QColor(0x4d, 0xd8, 0xe6), QColor(0xff, 0x8f, 0xb4),
        QColor(0xd4, 0xe1, 0x57), QColor(0x9f, 0xa8, 0xff), QColor(0xe8, 0xb8, 0x86),
        QColor(0x8f, 0xd1, 0xc8), QColor(0xf2, 0x8b, 0xe0), QColor(0xc8, 0xc8, 0xc8) };
    return c;
}

ChartColors ChartColors::forPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5 ? darkTheme() : light();
}

double ChartColors::contrast(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF())
            + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace cw
