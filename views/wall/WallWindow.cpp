#include "views/wall/WallWindow.h"

#include "models/Clock.h"
#include "models/Formatter.h"
#include "models/items/ClusterModel.h"
#include "models/items/NodeOrderModel.h"
#include "models/state/ClusterState.h"
#include "views/charts/WallCharts.h"
#include "views/wall/WallAlerts.h"
#include "views/wall/WallOverview.h"

#include <QDateTime>
#include <QEvent>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPath>
#include <QScreen>
#include <QShortcut>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <array>

namespace cw {

namespace {

constexpr int kTimerMs = 250;
constexpr qint64 kChartsRefreshMs = 5'000;
constexpr qint64 kShiftEveryMs = 120'000;
// The burn-in guard's path: a slow square orbit, in units of 0.1 % of the screen's height.
constexpr std::array<QPoint, 8> kShiftPath { QPoint(0, 0), QPoint(2, 0), QPoint(4, 0), QPoint(4, 2),
    QPoint(4, 4), QPoint(2, 4), QPoint(0, 4), QPoint(0, 2) };

} // namespace

/// The header (cluster, verdict, clock, staleness banner) or the footer (pages, read-only):
/// painted from a few texts, repainted only when one of them changes.
class WallChrome final : public QWidget {
public:
    enum class Kind { Header, Footer };
    struct Texts {
        QString name;
        NodeState verdict = NodeState::Unknown;
        bool verdictStale = false;
        QString verdictText;
        QString clock;
        QString updated;
        QString banner; ///< empty: no banner
        bool bannerNoData = false;
        QString pages;
        QString note;
        friend bool operator==(const Texts &, const Texts &) = default;
    };

    WallChrome(Kind kind, const WallStyle *style, QWidget *parent)
        : QWidget(parent)
        , m_kind(kind)
        , m_style(style)
    {
        setAttribute(Qt::WA_OpaquePaintEvent);
        relayout();
    }
    void setTexts(const Texts &texts)
    {
        if (texts == m_texts)
            return;
        const bool bannerChanged = texts.banner.isEmpty() != m_texts.banner.isEmpty();
        m_texts = texts;
        if (bannerChanged)
            relayout();
        update();
    }
    const Texts &texts() const { return m_texts; }
    void relayout()
    {
        const double u = m_style->unit();
        if (m_kind == Kind::Footer) {
            setFixedHeight(int(QFontMetricsF(m_style->small()).height() + u));
            return;
        }
        double h = QFontMetricsF(WallStyle::bold(m_style->medium())).height() + u * 1.5;
        if (!m_texts.banner.isEmpty())
            h += QFontMetricsF(WallStyle::bold(m_style->large())).height() + u * 2.5;
        setFixedHeight(int(h));
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.fillRect(rect(), m_style->background());
        const double u = m_style->unit();
        if (m_kind == Kind::Footer) {
            const QFont f = m_style->small();
            const QRectF r = QRectF(rect()).adjusted(0, u * 0.5, 0, 0);
            // Right: how old the newest data is, and that the wall is read-only.
            const QString right = m_texts.updated + QStringLiteral(" · ") + m_texts.note;
            const double noteW = QFontMetricsF(f).horizontalAdvance(right) + u;
            m_style->drawText(&p, r.adjusted(0, 0, -noteW, 0), Qt::AlignLeft | Qt::AlignVCenter,
                m_texts.pages, f, m_style->secondary());
            m_style->drawText(
                &p, r, Qt::AlignRight | Qt::AlignVCenter, right, f, m_style->secondary());
            return;
        }
        const QFont title = WallStyle::bold(m_style->medium());
        const double th = QFontMetricsF(title).height();
        const QRectF line(0, u * 0.5, width(), th);
        // Right: the clock, and how old the newest data is.
        const double clockW = QFontMetricsF(title).horizontalAdvance(m_texts.clock) + u;
        m_style->drawText(
            &p, line, Qt::AlignRight | Qt::AlignVCenter, m_texts.clock, title, m_style->text());
        // Left: the cluster, then its verdict with icon and word.
        const double nameW = std::min(
            line.width() * 0.35, QFontMetricsF(title).horizontalAdvance(m_texts.name) + u * 3);
        m_style->drawText(&p, QRectF(line.left(), line.top(), nameW, th),
            Qt::AlignLeft | Qt::AlignVCenter, m_texts.name, title, m_style->text());
        const QColor vc = WallStyle::stateColor(m_texts.verdict, m_texts.verdictStale);
        const QRectF icon(nameW, line.top() + th * 0.1, th * 0.8, th * 0.8);
        m_style->drawStateIcon(&p, icon, m_texts.verdict, m_texts.verdictStale, vc);
        m_style->drawText(&p,
            QRectF(icon.right() + u, line.top(),
                std::max(0.0, line.width() - icon.right() - u - clockW), th),
            Qt::AlignLeft | Qt::AlignVCenter, m_texts.verdictText, title,
            m_texts.verdict == NodeState::Healthy ? m_style->text() : vc);
        if (m_texts.banner.isEmpty())
            return;
        const QFont big = WallStyle::bold(m_style->large());
        const double bh = QFontMetricsF(big).height() + u * 2;
        const QRectF band(0, line.bottom() + u, width(), bh);
        QPainterPath path;
        path.addRoundedRect(band, u, u);
        // No data at all is the vermillion of "down"; old data is the yellow of "degraded".
        const NodeState look = m_texts.bannerNoData ? NodeState::Down : NodeState::Degraded;
        p.fillPath(path, WallStyle::stateColor(look, false));
        const QColor ink = WallStyle::onStateColor(look, false);
        const QRectF bi(band.left() + u, band.top() + u, bh - 2 * u, bh - 2 * u);
        m_style->drawStateIcon(&p, bi, NodeState::Healthy, true, ink);
        m_style->drawText(&p, band.adjusted(bh + u, 0, -u, 0), Qt::AlignLeft | Qt::AlignVCenter,
            m_texts.banner, big, ink);
    }

private:
    Kind m_kind;
    const WallStyle *m_style;
    Texts m_texts;
};

WallWindow::WallWindow(QAbstractItemModel *nodes, const ClusterState *state,
    const TimeSeriesStore *series, const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_state(state)
    , m_clock(clock ? clock : &Clock::system())
    , m_order(std::make_unique<NodeOrderModel>())
    , m_rotation(std::make_unique<WallRotation>())
{
    setObjectName(QStringLiteral("wallWindow"));
    setWindowTitle(QStringLiteral("Clusterwatch wall"));
    static_cast<NodeOrderModel *>(m_order.get())->setSourceModel(nodes);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, m_style.background());
    pal.setColor(QPalette::WindowText, m_style.text());
    setPalette(pal);
    setAutoFillBackground(true);

    m_header = new WallChrome(WallChrome::Kind::Header, &m_style, this);
    m_header->setObjectName(QStringLiteral("wallHeader"));
    m_footer = new WallChrome(WallChrome::Kind::Footer, &m_style, this);
    m_footer->setObjectName(QStringLiteral("wallFooter"));
    m_stack = new QStackedWidget(this);
    m_overview = new WallOverview(m_order.get(), state, &m_style, m_stack);
    m_charts = new WallCharts(m_stack);
    m_charts->setStore(series);
    m_alerts = new WallAlerts(&m_style, m_stack);
    m_takeover = new WallTakeover(&m_style, m_stack);
    m_stack->addWidget(m_overview);
    m_stack->addWidget(m_charts);
    m_stack->addWidget(m_alerts);
    m_stack->addWidget(m_takeover);
    auto *layout = new QVBoxLayout(this);
    // The wall's size is the screen's; no page's minimum may push it past that.
    layout->setSizeConstraint(QLayout::SetNoConstraint);
    m_stack->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    layout->setSpacing(0);
    layout->addWidget(m_header);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_footer);

    connect(m_rotation.get(), &WallRotation::pageChanged, this, &WallWindow::showPage);
    connect(m_rotation.get(), &WallRotation::takeoverChanged, this, &WallWindow::showPage);
    auto *leave = new QShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+W")), this);
    connect(leave, &QShortcut::activated, this, &WallWindow::leaveRequested);
    m_timer.setInterval(kTimerMs);
    connect(&m_timer, &QTimer::timeout, this, &WallWindow::refresh);
    m_timer.start();
    updateStyle();
    showPage();
}

WallWindow::~WallWindow() = default;

void WallWindow::setClusterName(const QString &name)
{
    WallChrome::Texts t = m_header->texts();
    t.name = name;
    m_header->setTexts(t);
    setWindowTitle(name + QStringLiteral(" — Clusterwatch wall"));
}

void WallWindow::setPollInterval(qint64 ms)
{
    m_pollMs = std::max<qint64>(100, ms);
}

void WallWindow::setCharts(const QList<ChartSpec> &charts, qint64 staleAfterMs)
{
    m_charts->setCharts(charts);
    m_charts->setStaleAfter(staleAfterMs);
    updateStyle();
}

void WallWindow::setChartSpan(qint64 spanMs)
{
    m_charts->setSpan(spanMs);
}

void WallWindow::setActiveAlerts(const QList<AlertTransition> &active)
{
    m_overview->setActiveAlerts(active);
    m_alerts->setActiveAlerts(active);
    m_rotation->setActiveAlerts(active);
}

void WallWindow::setAcknowledged(const QHash<QString, QString> &byKey)
{
    m_alerts->setAcknowledged(byKey);
    QSet<QString> keys;
    for (auto it = byKey.cbegin(); it != byKey.cend(); ++it)
        keys.insert(it.key());
    m_rotation->setAcknowledged(keys);
}

void WallWindow::setAckStatus(const QString &error)
{
    // The full reason is in the log (WallController); the alerts page and the takeover say that
    // acknowledgements from workstations cannot end a takeover here.
    m_ackStatus = error;
    m_alerts->setAckStatus(error);
    m_takeover->setAckStatus(error);
}

void WallWindow::showWall()
{
    setWindowFlag(Qt::FramelessWindowHint, true);
    setCursor(Qt::BlankCursor);
    // Without a window manager (a kiosk X session) full screen is only a request: take the
    // screen's geometry ourselves.
    if (const QScreen *on = screen())
        setGeometry(on->geometry());
    showFullScreen();
}

QWidget *WallWindow::currentPage() const
{
    return m_stack->currentWidget();
}

void WallWindow::showPage()
{
    QWidget *page = nullptr;
    if (const auto &alert = m_rotation->takeover()) {
        m_takeover->setAlert(*alert, m_rotation->takeoverQueue());
        page = m_takeover;
    } else {
        switch (m_rotation->page()) {
        case WallPage::Overview:
            page = m_overview;
            break;
        case WallPage::Charts:
            page = m_charts;
            break;
        case WallPage::Alerts:
            page = m_alerts;
            break;
        }
    }
    if (page == m_charts && m_stack->currentWidget() != m_charts) {
        m_lastChartsMs = m_clock->now().wallMs;
        m_charts->refreshNow(m_lastChartsMs);
    }
    m_stack->setCurrentWidget(page);
    refresh();
}

QString WallWindow::bannerText() const
{
    return m_header->texts().banner;
}

void WallWindow::refresh()
{
    const Instant now = m_clock->now();
    // The state's ages are as of its own clock's last reading; carry them to now.
    const qint64 since = std::max<qint64>(0, now.monoMs - m_state->now().monoMs);
    qint64 newestAge = -1;
    const auto consider
        = [&newestAge](qint64 age) { newestAge = newestAge < 0 ? age : std::min(newestAge, age); };
    if (m_state->lastUpdateMs() > 0)
        consider(m_state->lastUpdateAgeMs() + since);
    if (m_state->hasRedis())
        consider(m_state->redisAgeMs() + since);
    if (m_state->hasPostgres())
        consider(m_state->postgresAgeMs() + since);

    WallChrome::Texts h = m_header->texts();
    h.clock = QDateTime::fromMSecsSinceEpoch(now.wallMs).toString(QStringLiteral("HH:mm:ss"));
    const qint64 threshold = m_pollMs * 3 / 2;
    const bool connecting = newestAge < 0;
    const bool stopped = !connecting && newestAge > threshold;
    h.updated = connecting ? QStringLiteral("no data yet")
                           : QStringLiteral("updated ") + fmt::elapsedAgo(newestAge);
    h.banner.clear();
    h.bannerNoData = false;
    if (stopped) {
        h.banner = QStringLiteral("NO DATA SINCE %1")
                       .arg(QDateTime::fromMSecsSinceEpoch(now.wallMs - newestAge)
                                .toString(QStringLiteral("HH:mm:ss")));
        h.bannerNoData = true;
    } else if (connecting && m_state->nodes().size() > 0) {
        h.banner = QStringLiteral("WAITING FOR THE FIRST DATA from %1 sources")
                       .arg(m_state->nodes().size() + (m_state->redisConfigured() ? 1 : 0)
                           + (m_state->postgresConfigured() ? 1 : 0));
    }
    // The verdict: the worst node, as a word and a count.
    int counts[4] = { 0, 0, 0, 0 };
    int stale = 0;
    for (const NodeEntry &n : m_state->nodes()) {
        ++counts[int(n.verdict.state)];
        stale += n.stale ? 1 : 0;
    }
    const int total = int(m_state->nodes().size());
    h.verdictStale = stopped || (stale > 0 && counts[int(NodeState::Down)] == 0);
    if (counts[int(NodeState::Down)] > 0) {
        h.verdict = NodeState::Down;
        h.verdictText = QStringLiteral("%1/%2 DOWN").arg(counts[int(NodeState::Down)]).arg(total);
    } else if (counts[int(NodeState::Degraded)] > 0) {
        h.verdict = NodeState::Degraded;
        h.verdictText
            = QStringLiteral("%1/%2 DEGRADED").arg(counts[int(NodeState::Degraded)]).arg(total);
    } else if (counts[int(NodeState::Healthy)] == total && total > 0) {
        h.verdict = NodeState::Healthy;
        h.verdictText = QStringLiteral("ALL %1 HEALTHY").arg(total);
    } else {
        h.verdict = NodeState::Unknown;
        h.verdictText
            = QStringLiteral("%1/%2 HEALTHY").arg(counts[int(NodeState::Healthy)]).arg(total);
    }
    if (stopped)
        h.verdictText = QStringLiteral("DATA STALE");
    m_header->setTexts(h);
    // Whatever the last answers said, they are old now: no tile stays green.
    m_overview->setFeedStale(stopped);

    m_rotation->advance(now.monoMs);
    WallChrome::Texts f = m_footer->texts();
    if (m_rotation->takeover()) {
        f.pages = QStringLiteral("ROTATION PAUSED");
    } else {
        // "CHARTS 2/3 · 12 s": which page, where in the rotation, when the next comes.
        const QList<WallPage> pages = m_rotation->pages();
        f.pages = toString(m_rotation->page()).toUpper();
        if (pages.size() > 1)
            f.pages += QStringLiteral(" %1/%2")
                           .arg(pages.indexOf(m_rotation->page()) + 1)
                           .arg(pages.size());
        if (const qint64 next = m_rotation->untilNextPageMs(now.monoMs); next > 0)
            f.pages += QStringLiteral(" · %1 s").arg((next + 999) / 1000);
    }
    if (f.note.isEmpty())
        f.note = QStringLiteral("READ-ONLY");
    f.updated = h.updated;
    m_footer->setTexts(f);

    m_alerts->setNow(now.wallMs);
    m_takeover->setNow(now.wallMs);
    if (m_stack->currentWidget() == m_charts && now.wallMs - m_lastChartsMs >= kChartsRefreshMs) {
        m_lastChartsMs = now.wallMs;
        m_charts->refreshNow(now.wallMs);
    }
    if (m_lastShiftMonoMs < 0)
        m_lastShiftMonoMs = now.monoMs;
    if (now.monoMs - m_lastShiftMonoMs >= kShiftEveryMs) {
        m_lastShiftMonoMs = now.monoMs;
        m_shiftStep = (m_shiftStep + 1) % int(kShiftPath.size());
        applyShift();
    }
}

void WallWindow::applyShift()
{
    // About 4 px of travel on a 1080p panel, 8 px on 4K: enough against burn-in, too little to
    // be seen moving.
    const double step = std::max(1.0, m_style.screen().height() / 1000.0);
    m_shift = QPoint(int(kShiftPath[size_t(m_shiftStep)].x() * step),
        int(kShiftPath[size_t(m_shiftStep)].y() * step));
    const int base = int(m_style.unit() * 1.5);
    const int slack = int(4 * step);
    layout()->setContentsMargins(base + m_shift.x(), base + m_shift.y(), base + slack - m_shift.x(),
        base + slack - m_shift.y());
}

void WallWindow::updateStyle()
{
    m_style = WallStyle(size().isValid() && height() > 100 ? size() : QSize(1920, 1080));
    m_header->relayout();
    m_footer->relayout();
    m_charts->setFonts(m_style.small(), WallStyle::bold(m_style.small()));
    m_charts->setLineScale(std::max(1.0, m_style.screen().height() / 540.0));
    applyShift();
    update();
}

void WallWindow::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateStyle();
}

double WallWindow::takeSmallestCapHeight()
{
    double smallest = m_style.smallestCapHeight();
    if (m_stack->currentWidget() == m_charts) {
        for (const QFont &font : m_charts->fonts())
            smallest = std::min(smallest, QFontMetricsF(font).capHeight());
    }
    m_style.resetMeasure();
    return smallest;
}

} // namespace cw
