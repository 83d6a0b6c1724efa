#include "views/charts/ChartsPanel.h"

#include "models/items/ChartLegendModel.h"
#include "views/charts/TimeChart.h"

#include <QButtonGroup>
#include <QDateTime>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPainter>
#include <QScrollArea>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace cw {

namespace {

// A legend entry: a colour swatch (hollow when the line is switched off), the name and the
// current value. Clicking toggles the line.
class LegendDelegate final : public QStyledItemDelegate {
public:
    LegendDelegate(const ChartColors *colors, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_colors(colors)
    {
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override
    {
        painter->save();
        const QColor color = m_colors->line(index.data(ChartLegendModel::ColorIndexRole).toInt());
        const bool shown = index.data(Qt::CheckStateRole).value<Qt::CheckState>() == Qt::Checked;
        const QRect r = option.rect.adjusted(2, 2, -2, -2);
        const int side = std::min(12, r.height() - 4);
        const QRect swatch(r.left() + 2, r.center().y() - side / 2, side, side);
        painter->setPen(QPen(color, 2));
        painter->setBrush(shown ? QBrush(color) : QBrush(Qt::NoBrush));
        painter->drawRect(swatch);
        painter->setPen(shown ? m_colors->text : m_colors->grid);
        const QRect textRect = r.adjusted(side + 8, 0, 0, 0);
        painter->drawText(
            textRect, Qt::AlignVCenter | Qt::AlignLeft, index.data(Qt::DisplayRole).toString());
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const QString text
            = index.data(ChartLegendModel::NameRole).toString() + QStringLiteral("  0,000.0 MiB");
        return QSize(
            option.fontMetrics.horizontalAdvance(text) + 28, option.fontMetrics.height() + 6);
    }

private:
    const ChartColors *m_colors;
};

} // namespace

ChartsPanel::ChartsPanel(QWidget *parent)
    : QWidget(parent)
    , m_ranges(new QButtonGroup(this))
    , m_grid(new QGridLayout)
    , m_timer(new QTimer(this))
    , m_colors(ChartColors::forPalette(palette()))
    , m_spanMs(chartRanges().constFirst().spanMs)
{
    auto *bar = new QHBoxLayout;
    auto *caption = new QLabel(QStringLiteral("Range:"), this);
    bar->addWidget(caption);
    const QList<ChartRange> ranges = chartRanges();
    for (int i = 0; i < ranges.size(); ++i) {
        auto *button = new QToolButton(this);
        button->setText(ranges[i].label);
        button->setCheckable(true);
        button->setObjectName(QStringLiteral("range") + QString::number(ranges[i].spanMs / 60'000)
            + QStringLiteral("min"));
        button->setToolTip(QStringLiteral("Show the last %1").arg(ranges[i].label));
        m_ranges->addButton(button, i);
        bar->addWidget(button);
    }
    m_ranges->button(0)->setChecked(true);
    m_ranges->setExclusive(true);
    bar->addStretch(1);
    connect(m_ranges, &QButtonGroup::idClicked, this,
        [this](int id) { setSpan(chartRanges().value(id).spanMs); });

    // Cards keep their minimum size (axis labels readable, legends apart): below it the grid
    // scrolls instead of squeezing the charts.
    m_content = new QWidget;
    m_content->setObjectName(QStringLiteral("chartsGrid"));
    m_content->setLayout(m_grid);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("chartsScroll"));
    m_scroll->setWidget(m_content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->viewport()->installEventFilter(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_scroll, 1);

    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &ChartsPanel::tick);
    m_timer->start();
}

ChartsPanel::~ChartsPanel() = default;

void ChartsPanel::setStore(const TimeSeriesStore *store)
{
    m_store = store;
    for (const Card &card : std::as_const(m_cards))
        card.chart->setStore(store);
}

void ChartsPanel::setCharts(const QList<ChartSpec> &charts)
{
    for (const Card &card : std::as_const(m_cards)) {
        m_grid->removeWidget(card.frame);
        delete card.frame;
    }
    m_cards.clear();
    m_columns = 0;
    for (int i = 0; i < charts.size(); ++i) {
        Card card;
        card.key = charts[i].key;
        card.frame = new QWidget(m_content);
        card.frame->setObjectName(QStringLiteral("chart_") + card.key);
        card.legend = new ChartLegendModel(card.frame);
        card.legend->setSpec(charts[i]);
        card.chart = new TimeChart(card.legend, card.frame);
        card.chart->setObjectName(QStringLiteral("timeChart_") + card.key);
        card.chart->setStore(m_store);
        card.chart->setSpan(m_spanMs);
        card.chart->setColors(m_colors);
        card.chart->rebuild();
        card.legendView = new QListView(card.frame);
        card.legendView->setObjectName(QStringLiteral("legend_") + card.key);
        card.legendView->setModel(card.legend);
        card.legendView->setItemDelegate(new LegendDelegate(&m_colors, card.legendView));
        card.legendView->setFlow(QListView::LeftToRight);
        card.legendView->setWrapping(true);
        card.legendView->setResizeMode(QListView::Adjust);
        card.legendView->setFrameShape(QFrame::NoFrame);
        card.legendView->setMaximumHeight(card.legendView->fontMetrics().height() * 3 + 16);
        card.legendView->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
        card.legendView->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
        connect(card.legendView, &QListView::clicked, card.legend,
            [legend = card.legend](const QModelIndex &index) {
                const bool shown
                    = index.data(Qt::CheckStateRole).value<Qt::CheckState>() == Qt::Checked;
                legend->setData(index, shown ? Qt::Unchecked : Qt::Checked, Qt::CheckStateRole);
            });
        connect(card.legend, &ChartLegendModel::shownChanged, card.chart,
            [this, chart = card.chart] { chart->refresh(QDateTime::currentMSecsSinceEpoch()); });
        auto *box = new QVBoxLayout(card.frame);
        box->setContentsMargins(0, 0, 0, 0);
        box->setSpacing(0);
        box->addWidget(card.chart, 1);
        box->addWidget(card.legendView);
        if (!charts[i].note.isEmpty()) {
            auto *note = new QLabel(charts[i].note, card.frame);
            note->setObjectName(QStringLiteral("chartNote"));
            note->setWordWrap(true);
            QFont small = note->font();
            small.setPointSizeF(small.pointSizeF() * 0.85);
            note->setFont(small);
            box->addWidget(note);
        }
        m_cards.append(card);
    }
    arrangeCards();
    applyColors();
    m_sinceDraw.invalidate();
}

int ChartsPanel::columnsFor(int width, int count)
{
    if (count <= 0)
        return 1;
    const int fit = std::clamp(width / kMinCardWidth, 1, count);
    // Balanced rows: 4 charts are one row of four or two of two, never three and one.
    const int rows = (count + fit - 1) / fit;
    return (count + rows - 1) / rows;
}

void ChartsPanel::arrangeCards()
{
    const int columns = columnsFor(m_scroll->viewport()->width(), int(m_cards.size()));
    if (columns == m_columns)
        return;
    m_columns = columns;
    for (const Card &card : std::as_const(m_cards))
        m_grid->removeWidget(card.frame);
    for (int i = 0; i < m_grid->rowCount(); ++i)
        m_grid->setRowStretch(i, 0);
    for (int i = 0; i < m_grid->columnCount(); ++i)
        m_grid->setColumnStretch(i, 0);
    for (int i = 0; i < m_cards.size(); ++i) {
        m_grid->addWidget(m_cards[i].frame, i / columns, i % columns);
        m_grid->setRowStretch(i / columns, 1);
        m_grid->setColumnStretch(i % columns, 1);
    }
}

int ChartsPanel::oneRowHeight() const
{
    int card = 0;
    for (const Card &c : m_cards)
        card = std::max(card, c.frame->minimumSizeHint().height());
    const QMargins margins = layout()->contentsMargins();
    return margins.top() + margins.bottom() + layout()->spacing()
        + m_ranges->button(0)->sizeHint().height() + card + 2 * m_scroll->frameWidth();
}

bool ChartsPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize)
        arrangeCards();
    return QWidget::eventFilter(watched, event);
}

void ChartsPanel::setSpan(qint64 spanMs)
{
    if (spanMs <= 0 || spanMs == m_spanMs)
        return;
    m_spanMs = spanMs;
    const QList<ChartRange> ranges = chartRanges();
    for (int i = 0; i < ranges.size(); ++i) {
        if (ranges[i].spanMs == spanMs)
            m_ranges->button(i)->setChecked(true);
    }
    for (const Card &card : std::as_const(m_cards))
        card.chart->setSpan(spanMs);
    refreshNow(QDateTime::currentMSecsSinceEpoch());
    Q_EMIT spanChanged(spanMs);
}

void ChartsPanel::setColors(const ChartColors &colors)
{
    m_explicitColors = true;
    m_colors = colors;
    applyColors();
}

void ChartsPanel::applyColors()
{
    // The legend and note under a chart share its background, whatever the window's palette.
    for (const Card &card : std::as_const(m_cards)) {
        card.chart->setColors(m_colors);
        QPalette pal = card.frame->palette();
        for (const auto role : { QPalette::Window, QPalette::Base })
            pal.setColor(role, m_colors.background);
        for (const auto role : { QPalette::WindowText, QPalette::Text })
            pal.setColor(role, m_colors.text);
        card.frame->setPalette(pal);
        card.frame->setAutoFillBackground(true);
        card.legendView->setPalette(pal);
        card.legendView->viewport()->update();
    }
}

void ChartsPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange && !m_explicitColors) {
        m_colors = ChartColors::forPalette(palette());
        applyColors();
    }
    QWidget::changeEvent(event);
}

void ChartsPanel::refreshNow(qint64 nowMs)
{
    if (!m_store)
        return;
    for (const Card &card : std::as_const(m_cards)) {
        card.legend->refresh(*m_store, nowMs, m_staleAfterMs);
        card.chart->refresh(nowMs);
    }
    m_sinceDraw.start();
}

void ChartsPanel::tick()
{
    if (!m_store)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const Card &card : std::as_const(m_cards))
        card.legend->refresh(*m_store, now, m_staleAfterMs);
    if (!isVisible() || m_cards.isEmpty())
        return;
    // Redraw when the window has moved by about a pixel: every second for 5 minutes, every
    // ~45 s for 24 hours (capped at 10 s so a new sample never waits long).
    const qint64 perPixel = m_spanMs / std::max(1, m_cards.constFirst().chart->plotWidth());
    if (m_sinceDraw.isValid() && m_sinceDraw.elapsed() < std::clamp<qint64>(perPixel, 900, 10'000))
        return;
    for (const Card &card : std::as_const(m_cards))
        card.chart->refresh(now);
    m_sinceDraw.start();
}

QList<TimeChart *> ChartsPanel::charts() const
{
    QList<TimeChart *> result;
    for (const Card &card : m_cards)
        result.append(card.chart);
    return result;
}

TimeChart *ChartsPanel::chart(const QString &key) const
{
    for (const Card &card : m_cards) {
        if (card.key == key)
            return card.chart;
    }
    return nullptr;
}

ChartLegendModel *ChartsPanel::legend(const QString &key) const
{
    for (const Card &card : m_cards) {
        if (card.key == key)
            return card.legend;
    }
    return nullptr;
}

} // namespace cw
