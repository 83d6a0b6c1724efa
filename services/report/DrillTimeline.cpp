#include "services/report/DrillReport.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QSet>
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <vector>

namespace cw {

namespace {

// Longer offsets are clipped: a garbled journal must not make the axis (or its loops) absurd.
constexpr qint64 kLongestMs = qint64(31) * 24 * 3600 * 1000;
constexpr int kMarkerRows = 3;

const QColor kText(0x21, 0x21, 0x21);
const QColor kMuted(0x61, 0x61, 0x61);
const QColor kGrid(0xe0, 0xe0, 0xe0);
const QColor kFrame(0x9e, 0x9e, 0x9e);
const QColor kNoData(0xee, 0xee, 0xee);
const QColor kUp(0x43, 0xa0, 0x47);
const QColor kDown(0xd3, 0x2f, 0x2f);
const QColor kOk(0x66, 0xbb, 0x6a);
const QColor kSlow(0xfb, 0x8c, 0x00);
const QColor kFailed(0xe5, 0x39, 0x35);
const QColor kLatency(0x5e, 0x35, 0xb1);
const QColor kWaiting(0x1e, 0x88, 0xe5);
const QColor kCompleted(0x6d, 0x4c, 0x41); // brown, dashed: apart from waiting in grey print
const QColor kFaultHeld(0xff, 0xeb, 0xee);

struct Marker {
    const char *kind;
    const char *label;
    QColor colour;
};
const Marker kMarkers[] = {
    { "fault", "fault", QColor(0xc6, 0x28, 0x28) },
    { "detected", "detected", QColor(0xef, 0x6c, 0x00) },
    { "alert-firing", "alert firing", QColor(0x8e, 0x24, 0xaa) },
    { "recovery", "recovery", QColor(0x15, 0x65, 0xc0) },
    { "healthy", "healthy", QColor(0x2e, 0x7d, 0x32) },
    { "abort", "abort", QColor(0x21, 0x21, 0x21) },
};

QSize usable(QSize size)
{
    return QSize(std::clamp(size.width(), 320, 8000), std::clamp(size.height(), 200, 8000));
}

qint64 clipped(qint64 offsetMs)
{
    return std::clamp<qint64>(offsetMs, 0, kLongestMs);
}

/// The last moment the record knows of: its samples, events and steps, and how long it ran.
qint64 lastOffset(const DrillRecord &r)
{
    qint64 last = 0;
    for (const ProbeSample &p : r.probes)
        last = std::max(last, clipped(p.sentMs));
    for (const TargetSample &t : r.target)
        last = std::max(last, clipped(t.atMs));
    for (const ClusterSample &c : r.cluster)
        last = std::max(last, clipped(c.atMs));
    for (const DrillEvent &e : r.events)
        last = std::max(last, clipped(e.atMs));
    for (const DrillStep &s : r.steps)
        last = std::max({ last, clipped(s.startMs), clipped(s.endMs) });
    if (r.finishedWallMs > r.startedWallMs)
        last = std::max(last, clipped(r.finishedWallMs - r.startedWallMs));
    return last;
}

/// The first of 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 6, 12 h, days at least @p ms.
qint64 niceStep(double ms)
{
    static constexpr qint64 kSteps[]
        = { 1000, 2000, 5000, 10'000, 15'000, 30'000, 60'000, 120'000, 300'000, 600'000, 900'000,
              1'800'000, 3'600'000, 7'200'000, 21'600'000, 43'200'000, 86'400'000 };
    for (const qint64 step : kSteps)
        if (double(step) >= ms)
            return step;
    return qint64(std::ceil(ms / 86'400'000.0)) * 86'400'000;
}

/// 1, 2, 5 times a power of ten, at least @p value (>= 1).
double niceCeiling(double value)
{
    if (!(value > 1))
        return 1;
    const double decade = std::pow(10.0, std::floor(std::log10(value)));
    for (const double m : { 1.0, 2.0, 5.0, 10.0 })
        if (m * decade >= value)
            return m * decade;
    return 10 * decade;
}

QString numberText(double value)
{
    if (std::abs(value - std::round(value)) < 1e-9)
        return QString::number(qint64(std::round(value)));
    return QString::number(value, 'f', value < 10 ? 1 : 0);
}

QString latencyText(double ms)
{
    if (ms < 1000)
        return QString::number(qint64(ms)) + QStringLiteral(" ms");
    return numberText(ms / 1000) + QStringLiteral(" s");
}

QFont chartFont(double pixels, bool bold = false)
{
    QFont font;
    font.setFamilies({ QStringLiteral("DejaVu Sans"), QStringLiteral("Liberation Sans"),
        QStringLiteral("Arial") });
    font.setStyleHint(QFont::SansSerif);
    font.setPixelSize(std::max(1, int(std::lround(pixels))));
    font.setBold(bold);
    return font;
}

class TimelinePainter {
public:
    TimelinePainter(const DrillRecord &record, QImage &image)
        : m_r(record)
        , m_l(drillTimelineLayout(record, image.size()))
        , m_p(&image)
        , m_font(m_l.fontPixels)
        , m_line(std::max(1.0, m_font / 9.0))
    {
        m_p.setRenderHint(QPainter::Antialiasing);
        m_p.setRenderHint(QPainter::TextAntialiasing);
        m_p.setFont(chartFont(m_font));
    }

    void paint()
    {
        const bool measured
            = !m_r.probes.isEmpty() || !m_r.target.isEmpty() || !m_r.cluster.isEmpty();
        paintFaultHeld();
        paintGrid();
        if (measured) {
            paintTarget();
            paintRequests();
            paintLatency();
            paintQueue();
        } else {
            paintNoMeasurements();
        }
        paintAxis();
        paintMarkers();
    }

private:
    [[nodiscard]] QRectF lanes() const
    {
        return QRectF(m_l.target.topLeft(), m_l.queue.bottomRight());
    }

    [[nodiscard]] QRectF header(const QRectF &lane) const
    {
        return QRectF(lane.left(), lane.top() - m_font * 1.55, lane.width(), m_font * 1.5);
    }

    /// A lane's title and its legend (colour swatch, text), above the lane.
    void paintHeader(
        const QRectF &lane, const QString &title, const QList<std::pair<QColor, QString>> &legend)
    {
        const QRectF band = header(lane);
        m_p.setPen(kText);
        m_p.setFont(chartFont(m_font, true));
        double x = band.left();
        m_p.drawText(QRectF(x, band.top(), band.width(), band.height()),
            Qt::AlignLeft | Qt::AlignVCenter, title);
        x += QFontMetricsF(m_p.font()).horizontalAdvance(title) + m_font * 1.2;
        m_p.setFont(chartFont(m_font));
        const QFontMetricsF metrics(m_p.font());
        for (const auto &[colour, text] : legend) {
            const double swatch = m_font * 0.8;
            m_p.fillRect(QRectF(x, band.center().y() - swatch / 2, swatch, swatch), colour);
            x += swatch + m_font * 0.35;
            m_p.setPen(kText);
            m_p.drawText(QRectF(x, band.top(), band.right() - x, band.height()),
                Qt::AlignLeft | Qt::AlignVCenter, text);
            x += metrics.horizontalAdvance(text) + m_font * 1.0;
        }
    }

    void paintFrame(const QRectF &lane)
    {
        m_p.setPen(QPen(kFrame, m_line * 0.8));
        m_p.setBrush(Qt::NoBrush);
        m_p.drawRect(lane);
    }

    void paintEmpty(const QRectF &lane, const QString &text)
    {
        m_p.setPen(kMuted);
        m_p.setFont(chartFont(m_font));
        m_p.drawText(lane, Qt::AlignCenter, text);
    }

    /// A y-axis label left (or right) of @p lane at @p y.
    void paintTick(const QRectF &lane, double y, const QString &text, bool right = false,
        const QColor &colour = kMuted)
    {
        m_p.setPen(colour);
        m_p.setFont(chartFont(m_font * 0.85));
        const double width = m_font * 4;
        const QRectF box = right
            ? QRectF(lane.right() + m_font * 0.3, y - m_font, width, m_font * 2)
            : QRectF(lane.left() - width - m_font * 0.3, y - m_font, width, m_font * 2);
        m_p.drawText(box, (right ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter, text);
    }

    void paintFaultHeld()
    {
        const auto fault = m_r.firstEvent(QStringLiteral("fault"));
        if (!fault)
            return;
        qint64 until = m_l.toMs;
        if (const auto recovery = m_r.firstEvent(QStringLiteral("recovery")))
            until = recovery->atMs;
        else if (const auto abort = m_r.firstEvent(QStringLiteral("abort")))
            until = abort->atMs;
        const double x0 = m_l.xAt(fault->atMs);
        const double x1 = m_l.xAt(until);
        for (const QRectF &lane : { m_l.target, m_l.requests, m_l.latency, m_l.queue })
            m_p.fillRect(QRectF(x0, lane.top(), std::max(0.0, x1 - x0), lane.height()), kFaultHeld);
    }

    void paintGrid()
    {
        m_p.setPen(QPen(kGrid, m_line * 0.7));
        for (qint64 t = m_l.fromMs; t <= m_l.toMs; t += m_l.tickMs) {
            const double x = m_l.xAt(t);
            for (const QRectF &lane : { m_l.requests, m_l.latency, m_l.queue })
                m_p.drawLine(QPointF(x, lane.top()), QPointF(x, lane.bottom()));
        }
    }

    void paintTarget()
    {
        const QRectF lane = m_l.target;
        const QString name = m_r.spec.target.container.isEmpty() ? m_r.spec.target.name()
                                                                 : m_r.spec.target.container;
        paintHeader(lane, QStringLiteral("Target %1 (own health check)").arg(name),
            { { kUp, QStringLiteral("up") }, { kDown, QStringLiteral("down") },
                { kNoData, QStringLiteral("no sample") } });
        m_p.fillRect(lane, kNoData);
        if (m_r.target.isEmpty()) {
            paintEmpty(lane, QStringLiteral("no target samples"));
        } else {
            // Each sample holds until the next one, at most a second (a gap shows as no
            // sample); runs of one state are filled as one rectangle, without seams.
            qint64 runStart = 0;
            qint64 runEnd = -1;
            bool runUp = false;
            const auto flush = [&] {
                if (runEnd <= runStart)
                    return;
                const double x0 = m_l.xAt(runStart);
                m_p.fillRect(QRectF(x0, lane.top(), m_l.xAt(runEnd) - x0, lane.height()),
                    runUp ? kUp : kDown);
            };
            for (qsizetype i = 0; i < m_r.target.size(); ++i) {
                const TargetSample &s = m_r.target[i];
                const qint64 next = i + 1 < m_r.target.size()
                    ? std::min(m_r.target[i + 1].atMs, s.atMs + 1000)
                    : s.atMs + 100;
                if (next <= s.atMs)
                    continue;
                if (s.up != runUp || s.atMs != runEnd) {
                    flush();
                    runStart = s.atMs;
                    runUp = s.up;
                }
                runEnd = next;
            }
            flush();
        }
        paintFrame(lane);
    }

    struct Bucket {
        int ok = 0;
        int slow = 0;
        int failed = 0;
        qint32 maxLatency = -1;
    };

    [[nodiscard]] std::vector<Bucket> buckets() const
    {
        const qint64 count = (m_l.toMs - m_l.fromMs + m_l.bucketMs - 1) / m_l.bucketMs;
        std::vector<Bucket> out(std::size_t(std::max<qint64>(count, 1)));
        const qint64 slowMs = qint64(m_r.spec.prober.slowThreshold.count());
        for (const ProbeSample &p : m_r.probes) {
            if (p.sentMs < m_l.fromMs || p.sentMs >= m_l.toMs)
                continue;
            Bucket &b = out[std::size_t((p.sentMs - m_l.fromMs) / m_l.bucketMs)];
            if (p.failed())
                ++b.failed;
            else if (p.latencyMs > slowMs)
                ++b.slow;
            else
                ++b.ok;
            b.maxLatency = std::max(b.maxLatency, p.latencyMs);
        }
        return out;
    }

    [[nodiscard]] QString perBucket() const
    {
        return m_l.bucketMs == 1000 ? QStringLiteral("per second")
                                    : QStringLiteral("per %1 s").arg(m_l.bucketMs / 1000);
    }

    void paintRequests()
    {
        const QRectF lane = m_l.requests;
        const QString slow = latencyText(double(m_r.spec.prober.slowThreshold.count()));
        paintHeader(lane, QStringLiteral("Requests through the load balancer, %1").arg(perBucket()),
            { { kOk, QStringLiteral("ok") }, { kSlow, QStringLiteral("slow (over %1)").arg(slow) },
                { kFailed, QStringLiteral("failed (no answer or 5xx)") } });
        if (m_r.probes.isEmpty()) {
            paintEmpty(lane,
                m_r.spec.prober.enabled ? QStringLiteral("no requests recorded")
                                        : QStringLiteral("prober off: not measured"));
            paintFrame(lane);
            return;
        }
        const std::vector<Bucket> all = buckets();
        int highest = 1;
        for (const Bucket &b : all)
            highest = std::max(highest, b.ok + b.slow + b.failed);
        const double top = niceCeiling(highest);
        const auto y = [&](double v) { return lane.bottom() - v / top * lane.height(); };
        for (const double v : { 0.0, top / 2, top })
            paintTick(lane, y(v), numberText(v));
        const double width = m_l.xAt(m_l.fromMs + m_l.bucketMs) - m_l.xAt(m_l.fromMs);
        const double gap = width > 4 ? std::max(1.0, width * 0.12) : 0.0;
        for (std::size_t i = 0; i < all.size(); ++i) {
            const Bucket &b = all[i];
            const double x = m_l.xAt(m_l.fromMs + qint64(i) * m_l.bucketMs);
            double base = 0;
            for (const auto &[n, colour] : { std::pair { b.ok, kOk }, std::pair { b.slow, kSlow },
                     std::pair { b.failed, kFailed } }) {
                if (n == 0)
                    continue;
                m_p.fillRect(
                    QRectF(x + gap / 2, y(base + n), width - gap, y(base) - y(base + n)), colour);
                base += n;
            }
        }
        paintFrame(lane);
    }

    void paintLatency()
    {
        const QRectF lane = m_l.latency;
        const double slowMs = double(m_r.spec.prober.slowThreshold.count());
        paintHeader(lane, QStringLiteral("Slowest request %1 (log scale)").arg(perBucket()),
            { { kLatency, QStringLiteral("latency") },
                { kSlow, QStringLiteral("slow threshold %1").arg(latencyText(slowMs)) } });
        if (m_r.probes.isEmpty()) {
            paintEmpty(lane,
                m_r.spec.prober.enabled ? QStringLiteral("no requests recorded")
                                        : QStringLiteral("prober off: not measured"));
            paintFrame(lane);
            return;
        }
        const std::vector<Bucket> all = buckets();
        qint32 highest = 1;
        for (const Bucket &b : all)
            highest = std::max(highest, b.maxLatency);
        // Decades from 1 ms to the one above the slowest request (and the threshold).
        const int decades = std::clamp(
            int(std::ceil(std::log10(std::max({ double(highest), slowMs * 2, 10.0 })))), 1, 7);
        const auto y = [&](double ms) {
            const double v = std::clamp(std::log10(std::max(ms, 1.0)), 0.0, double(decades));
            return lane.bottom() - v / decades * lane.height();
        };
        for (int d = 0; d <= decades; ++d) {
            const double ms = std::pow(10.0, d);
            m_p.setPen(QPen(kGrid, m_line * 0.7));
            m_p.drawLine(QPointF(lane.left(), y(ms)), QPointF(lane.right(), y(ms)));
            if (decades <= 4 || d % 2 == 0)
                paintTick(lane, y(ms), latencyText(ms));
        }
        m_p.setPen(QPen(kSlow, m_line * 1.5, Qt::DashLine));
        m_p.drawLine(QPointF(lane.left(), y(slowMs)), QPointF(lane.right(), y(slowMs)));

        const double half = (m_l.xAt(m_l.fromMs + m_l.bucketMs) - m_l.xAt(m_l.fromMs)) / 2;
        QPainterPath path;
        bool open = false;
        std::vector<QPointF> dots;
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (all[i].maxLatency < 0) {
                open = false; // no request sent in this bucket: a break in the line
                continue;
            }
            const QPointF point(
                m_l.xAt(m_l.fromMs + qint64(i) * m_l.bucketMs) + half, y(all[i].maxLatency));
            if (open)
                path.lineTo(point);
            else
                path.moveTo(point);
            open = true;
            dots.push_back(point);
        }
        m_p.setPen(QPen(kLatency, m_line * 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        m_p.setBrush(Qt::NoBrush);
        m_p.drawPath(path);
        if (dots.size() < 400) {
            m_p.setBrush(kLatency);
            m_p.setPen(Qt::NoPen);
            for (const QPointF &dot : dots)
                m_p.drawEllipse(dot, m_line * 2, m_line * 2);
        }
        paintFrame(lane);
    }

    void paintQueue()
    {
        const QRectF lane = m_l.queue;
        paintHeader(lane, QStringLiteral("Queue"),
            { { kWaiting, QStringLiteral("jobs waiting (left axis)") },
                { kCompleted, QStringLiteral("jobs completed per second (right axis)") } });
        std::vector<std::optional<QPointF>> waiting; // (offset, value); nullopt: a break
        std::vector<std::optional<QPointF>> rate;
        double highestWaiting = 1;
        double highestRate = 1;
        bool havePrevious = false;
        qint64 previousAt = 0;
        double previousCompleted = 0;
        for (const ClusterSample &s : m_r.cluster) {
            if (s.waiting) {
                waiting.emplace_back(QPointF(double(s.atMs), double(*s.waiting)));
                highestWaiting = std::max(highestWaiting, double(*s.waiting));
            } else {
                waiting.emplace_back(std::nullopt);
            }
            // A counter that went down was restarted: no rate across the restart.
            if (s.completed && havePrevious && s.atMs > previousAt
                && *s.completed >= previousCompleted) {
                const double perSecond
                    = (*s.completed - previousCompleted) * 1000.0 / double(s.atMs - previousAt);
                rate.emplace_back(QPointF(double(s.atMs), perSecond));
                highestRate = std::max(highestRate, perSecond);
            } else {
                rate.emplace_back(std::nullopt);
            }
            havePrevious = s.completed.has_value();
            previousAt = s.atMs;
            previousCompleted = s.completed.value_or(0);
        }
        const bool anyWaiting = std::any_of(
            waiting.begin(), waiting.end(), [](const auto &p) { return p.has_value(); });
        const bool anyRate
            = std::any_of(rate.begin(), rate.end(), [](const auto &p) { return p.has_value(); });
        if (!anyWaiting && !anyRate) {
            paintEmpty(lane, QStringLiteral("no queue data"));
            paintFrame(lane);
            return;
        }
        const double topWaiting = niceCeiling(highestWaiting);
        const double topRate = niceCeiling(highestRate);
        const auto line = [&](const std::vector<std::optional<QPointF>> &points, double top,
                              const QColor &colour, Qt::PenStyle style) {
            QPainterPath path;
            bool open = false;
            for (const auto &point : points) {
                if (!point) {
                    open = false;
                    continue;
                }
                const QPointF at(m_l.xAt(qint64(point->x())),
                    lane.bottom() - std::min(point->y() / top, 1.0) * lane.height());
                if (open)
                    path.lineTo(at);
                else
                    path.moveTo(at);
                open = true;
            }
            m_p.setPen(QPen(colour, m_line * 2.2, style, Qt::FlatCap, Qt::RoundJoin));
            m_p.setBrush(Qt::NoBrush);
            m_p.drawPath(path);
        };
        for (const double f : { 0.0, 0.5, 1.0 }) {
            const double y = lane.bottom() - f * lane.height();
            if (anyWaiting)
                paintTick(lane, y, numberText(topWaiting * f), false, kWaiting);
            if (anyRate)
                paintTick(lane, y, numberText(topRate * f), true, kCompleted);
        }
        if (anyWaiting)
            line(waiting, topWaiting, kWaiting, Qt::SolidLine);
        if (anyRate)
            line(rate, topRate, kCompleted, Qt::DashLine);
        paintFrame(lane);
    }

    void paintNoMeasurements()
    {
        const QRectF area(m_l.target.left(), m_l.target.top(), m_l.target.width(),
            m_l.queue.bottom() - m_l.target.top());
        m_p.fillRect(area, QColor(0xf5, 0xf5, 0xf5));
        paintFrame(area);
        QString why;
        if (m_r.verdict == DrillVerdict::DryRun || m_r.dryRun)
            why = QStringLiteral("dry run: every step was shown, nothing was done");
        else if (m_r.verdict == DrillVerdict::Refused)
            why = QStringLiteral("refused before the fault: ") + m_r.verdictReason;
        else if (!m_r.verdictReason.isEmpty())
            why = m_r.verdictReason;
        else
            why = QStringLiteral("the drill recorded no samples");
        m_p.setPen(kMuted);
        m_p.setFont(chartFont(m_font * 1.6, true));
        const QRectF upper(area.left(), area.top(), area.width(), area.height() / 2);
        m_p.drawText(upper, Qt::AlignHCenter | Qt::AlignBottom, QStringLiteral("No measurements"));
        m_p.setFont(chartFont(m_font));
        const QRectF lower(area.left() + m_font, area.center().y() + m_font * 0.5,
            area.width() - 2 * m_font, area.height() / 2 - m_font);
        m_p.drawText(lower, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, why);
    }

    void paintAxis()
    {
        const QRectF all = lanes();
        m_p.setFont(chartFont(m_font * 0.9));
        const QFontMetricsF metrics(m_p.font());
        for (qint64 t = m_l.fromMs; t <= m_l.toMs; t += m_l.tickMs) {
            const double x = m_l.xAt(t);
            m_p.setPen(QPen(kFrame, m_line * 0.8));
            m_p.drawLine(QPointF(x, all.bottom()), QPointF(x, all.bottom() + m_font * 0.35));
            m_p.setPen(kText);
            const QString label = QString::number(t / 1000);
            const double w = metrics.horizontalAdvance(label);
            m_p.drawText(QRectF(x - w / 2 - 2, all.bottom() + m_font * 0.4, w + 4, m_font * 1.3),
                Qt::AlignCenter, label);
        }
        m_p.setFont(chartFont(m_font));
        m_p.setPen(kMuted);
        m_p.drawText(QRectF(all.left(), all.bottom() + m_font * 1.7, all.width(), m_font * 1.4),
            Qt::AlignCenter, QStringLiteral("seconds since the drill started"));
    }

    void paintMarkers()
    {
        m_p.setFont(chartFont(m_font * 0.9, true));
        const QFontMetricsF metrics(m_p.font());
        const double rowHeight = m_l.markers.height() / kMarkerRows;
        std::array<double, kMarkerRows> rowEnd;
        rowEnd.fill(-1e9);
        struct Label {
            double lineX;
            QRectF box;
            QString text;
            QColor colour;
        };
        std::vector<Label> labels;
        QSet<QString> labelled;
        for (const DrillEvent &event : m_r.events) {
            const auto marker = std::find_if(std::begin(kMarkers), std::end(kMarkers),
                [&](const Marker &m) { return event.kind == QLatin1String(m.kind); });
            if (marker == std::end(kMarkers) || event.atMs < m_l.fromMs || event.atMs > m_l.toMs)
                continue;
            const double x = m_l.xAt(event.atMs);
            // Inside the lanes only: the lane titles stay readable.
            m_p.setPen(QPen(marker->colour, m_line * 1.6));
            for (const QRectF &lane : { m_l.target, m_l.requests, m_l.latency, m_l.queue })
                m_p.drawLine(QPointF(x, lane.top()), QPointF(x, lane.bottom()));
            // The first of each kind is labelled (the figures count from it).
            if (labelled.contains(event.kind))
                continue;
            labelled.insert(event.kind);
            const QString text = QLatin1String(marker->label) + QLatin1Char(' ')
                + QString::number(double(event.atMs) / 1000, 'f', 1) + QStringLiteral(" s");
            const double width = metrics.horizontalAdvance(text) + m_font * 0.6;
            // Left of its line when it would run out of the image.
            const double left = x + width > m_l.markers.right() + m_font * 3 ? x - width : x;
            // The first row free at this x, else the one that frees first.
            std::size_t row = 0;
            for (std::size_t r = 0; r < rowEnd.size(); ++r) {
                if (rowEnd[r] < left) {
                    row = r;
                    break;
                }
                if (rowEnd[r] < rowEnd[row])
                    row = r;
            }
            rowEnd[row] = left + width;
            labels.push_back(
                { x, QRectF(left, m_l.markers.top() + double(row) * rowHeight, width, rowHeight),
                    text, marker->colour });
        }
        for (const Label &label : labels) {
            m_p.setPen(QPen(label.colour, m_line * 1.2, Qt::DotLine));
            // Down to the band's bottom: the lane titles below stay clear.
            m_p.drawLine(QPointF(label.lineX, label.box.center().y() + m_font * 0.5),
                QPointF(label.lineX, m_l.markers.bottom()));
            m_p.setPen(label.colour);
            m_p.drawText(
                label.box.adjusted(m_font * 0.3, 0, -m_font * 0.3, 0), Qt::AlignCenter, label.text);
        }
    }

    const DrillRecord &m_r;
    DrillTimelineLayout m_l;
    QPainter m_p;
    double m_font;
    double m_line;
};

} // namespace

double DrillTimelineLayout::xAt(qint64 offsetMs) const
{
    const qint64 span = std::max<qint64>(1, toMs - fromMs);
    const double f = double(std::clamp(offsetMs, fromMs, toMs) - fromMs) / double(span);
    return target.left() + f * target.width();
}

DrillTimelineLayout drillTimelineLayout(const DrillRecord &record, QSize requested)
{
    const QSize size = usable(requested);
    DrillTimelineLayout l;
    const double w = size.width();
    const double h = size.height();
    l.fontPixels = std::clamp(int(std::lround(std::min(w / 64, h / 36))), 8, 64);
    const double f = l.fontPixels;
    const double pad = f * 0.6;
    const double left = f * 4.6;
    const double right = f * 3.6;
    const double headerBand = f * 1.6;
    const double gap = f * 0.5;
    const double markerBand = kMarkerRows * f * 1.25;
    const double axisBand = f * 3.2;
    const double fixed = pad + markerBand + 4 * headerBand + 3 * gap + axisBand + pad;
    const double rest = std::max(h - fixed, f * 8);
    const double targetHeight = std::max(f * 1.4, rest * 0.08);
    const double body = rest - targetHeight;
    const double plotWidth = std::max(w - left - right, f * 4);

    double y = pad;
    l.markers = QRectF(left, y, plotWidth, markerBand);
    y += markerBand + headerBand;
    l.target = QRectF(left, y, plotWidth, targetHeight);
    y += targetHeight + gap + headerBand;
    l.requests = QRectF(left, y, plotWidth, body * 0.38);
    y += body * 0.38 + gap + headerBand;
    l.latency = QRectF(left, y, plotWidth, body * 0.31);
    y += body * 0.31 + gap + headerBand;
    l.queue = QRectF(left, y, plotWidth, body * 0.31);

    // The axis: whole ticks, about one per five label widths, ending on a tick.
    const qint64 last = std::max<qint64>(lastOffset(record), 10'000);
    const double ticks = std::max(2.0, plotWidth / (f * 5));
    l.tickMs = niceStep(double(last) / ticks);
    l.fromMs = 0;
    l.toMs = (last + l.tickMs - 1) / l.tickMs * l.tickMs;
    // Just past a tick (the report step after the last sample): end there, not a step later.
    if (const qint64 past = last % l.tickMs; past > 0 && past * 50 < last)
        l.toMs = last;
    // Bars at least three pixels wide: wider buckets for long drills.
    const double msPerPixel = double(l.toMs - l.fromMs) / plotWidth;
    l.bucketMs = niceStep(std::max(1000.0, msPerPixel * 3));
    return l;
}

QImage renderDrillTimeline(const DrillRecord &record, QSize size)
{
    QImage image(usable(size), QImage::Format_RGB32);
    image.fill(Qt::white);
    TimelinePainter(record, image).paint();
    return image;
}

} // namespace cw
