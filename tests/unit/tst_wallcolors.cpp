// The wall's state colours stay apart for colour-blind viewers, and its text stays readable on
// them from across the room. Each state colour is passed through the Machado, Oliveira and
// Fernandes (2009) simulation of full protanopia, deuteranopia and tritanopia (in linear RGB),
// and every pair must stay at least ΔE*ab 15 apart in CIELAB (10 is "clearly different" at a
// glance; icons and words carry the state too). Text contrast follows WCAG 2: 3:1 for the large
// text drawn on a state colour, 7:1 for the text on the background.
#include "views/wall/WallStyle.h"

#include <QTest>
#include <array>
#include <cmath>

using namespace cw;

namespace {

using Matrix = std::array<std::array<double, 3>, 3>;

double linear(double c)
{
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

std::array<double, 3> toLinear(const QColor &c)
{
    return { linear(c.redF()), linear(c.greenF()), linear(c.blueF()) };
}

std::array<double, 3> simulate(const QColor &c, const Matrix &m)
{
    const auto l = toLinear(c);
    std::array<double, 3> out {};
    for (size_t i = 0; i < 3; ++i)
        out[i] = std::clamp(m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2], 0.0, 1.0);
    return out;
}

std::array<double, 3> lab(const std::array<double, 3> &rgb)
{
    const double x = 0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2];
    const double y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    const double z = 0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2];
    const auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
    const double fx = f(x / 0.95047);
    const double fy = f(y);
    const double fz = f(z / 1.08883);
    return { 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz) };
}

double deltaE(const std::array<double, 3> &a, const std::array<double, 3> &b)
{
    return std::sqrt(
        std::pow(a[0] - b[0], 2) + std::pow(a[1] - b[1], 2) + std::pow(a[2] - b[2], 2));
}

double luminance(const QColor &c)
{
    const auto l = toLinear(c);
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a) + 0.05;
    const double lb = luminance(b) + 0.05;
    return std::max(la, lb) / std::min(la, lb);
}

} // namespace

class TestWallColors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void statesStayApart_data()
    {
        QTest::addColumn<Matrix>("matrix");
        QTest::newRow("normal vision") << Matrix { { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } } };
        QTest::newRow("protanopia") << Matrix { { { 0.152286, 1.052583, -0.204868 },
            { 0.114503, 0.786281, 0.099216 }, { -0.003882, -0.048116, 1.051998 } } };
        QTest::newRow("deuteranopia") << Matrix { { { 0.367322, 0.860646, -0.227968 },
            { 0.280085, 0.672501, 0.047413 }, { -0.011820, 0.042940, 0.968881 } } };
        QTest::newRow("tritanopia") << Matrix { { { 1.255528, -0.076749, -0.178779 },
            { -0.078411, 0.930809, 0.147602 }, { 0.004733, 0.691367, 0.303900 } } };
    }

    void statesStayApart()
    {
        QFETCH(Matrix, matrix);
        const struct {
            const char *name;
            QColor color;
        } states[] = {
            { "healthy", WallStyle::stateColor(NodeState::Healthy, false) },
            { "degraded", WallStyle::stateColor(NodeState::Degraded, false) },
            { "down", WallStyle::stateColor(NodeState::Down, false) },
            { "stale", WallStyle::stateColor(NodeState::Healthy, true) },
        };
        for (size_t i = 0; i < std::size(states); ++i) {
            for (size_t j = i + 1; j < std::size(states); ++j) {
                const double d = deltaE(
                    lab(simulate(states[i].color, matrix)), lab(simulate(states[j].color, matrix)));
                QVERIFY2(d >= 15,
                    qPrintable(
                        QStringLiteral("%1 and %2: ΔE %3")
                            .arg(QLatin1String(states[i].name), QLatin1String(states[j].name))
                            .arg(d, 0, 'f', 1)));
            }
        }
    }

    void textReadsOnEveryFill()
    {
        for (const NodeState state : { NodeState::Healthy, NodeState::Degraded, NodeState::Down }) {
            for (const bool stale : { false, true }) {
                const double c = contrast(
                    WallStyle::onStateColor(state, stale), WallStyle::stateColor(state, stale));
                QVERIFY2(c >= 3.0,
                    qPrintable(
                        QStringLiteral("%1%2: %3:1")
                            .arg(toString(state), stale ? QStringLiteral(" stale") : QString())
                            .arg(c, 0, 'f', 2)));
            }
        }
        QVERIFY(contrast(WallStyle::text(), WallStyle::background()) >= 7.0);
        QVERIFY(contrast(WallStyle::secondary(), WallStyle::background()) >= 7.0);
        QVERIFY(contrast(WallStyle::text(), WallStyle::surface()) >= 7.0);
        // The green of a healthy icon and word on the dark tile.
        QVERIFY(contrast(WallStyle::healthy().lighter(130), WallStyle::surface()) >= 3.0);
    }
};

QTEST_GUILESS_MAIN(TestWallColors)
#include "tst_wallcolors.moc"
