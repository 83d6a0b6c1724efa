#include "views/charts/WallCharts.h"

#include "models/items/ChartLegendModel.h"
#include "views/charts/TimeChart.h"

#include <QChart>
#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

namespace cw {

namespace {

const QStringList kWallCharts { QStringLiteral("cpu"), QStringLiteral("memory"),
    QStringLiteral("queue"), QStringLiteral("throughput") };

} // namespace

WallCharts::WallCharts(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("wallCharts"));
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, m_colors.background);
    pal.setColor(QPalette::WindowText, m_colors.text);
    setPalette(pal);
    new QGridLayout(this);
}

WallCharts::~WallCharts() = default;

void WallCharts::setStore(const TimeSeriesStore *store)
{
    m_store = store;
    for (Card &card : m_cards)
        card.chart->setStore(store);
}

void WallCharts::setSpan(qint64 spanMs)
{
    m_spanMs = spanMs;
    for (Card &card : m_cards)
        card.chart->setSpan(spanMs);
}

void WallCharts::setCharts(const QList<ChartSpec> &charts)
{
    auto *grid = static_cast<QGridLayout *>(layout());
    for (Card &card : m_cards) {
        delete card.chart->parentWidget();
        delete card.legend;
    }
    m_cards.clear();
    QList<ChartSpec> chosen;
    for (const QString &key : kWallCharts) {
        for (const ChartSpec &spec : charts) {
            if (spec.key == key)
                chosen << spec;
        }
    }
    for (int i = 0; i < chosen.size(); ++i) {
        Card card;
        card.legend = new ChartLegendModel(this);
        card.legend->setSpec(chosen[i]);
        auto *frame = new QWidget(this);
        auto *box = new QVBoxLayout(frame);
        box->setContentsMargins(0, 0, 0, 0);
        box->setSpacing(0);
        card.chart = new TimeChart(card.legend, frame);
        card.chart->setObjectName(QStringLiteral("wallChart_") + chosen[i].key);
        card.chart->setColors(m_colors);
        card.chart->setStore(m_store);
        card.chart->setSpan(m_spanMs);
        card.chart->setLineScale(m_lineScale);
        card.chart->setMinimumSize(1, 1);
        card.chart->setAttribute(Qt::WA_TransparentForMouseEvents);
        card.chart->rebuild();
        card.top = new QLabel(frame);
        card.top->setTextFormat(Qt::RichText);
        // As many of the top lines as fit (updateTop); never widens the wall past its screen.
        card.top->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        box->addWidget(card.chart, 1);
        box->addWidget(card.top);
        grid->addWidget(frame, i / 2, i % 2);
        m_cards << card;
    }
    setFonts(m_labels, m_title);
}

void WallCharts::setLineScale(double scale)
{
    m_lineScale = scale;
    for (Card &card : m_cards)
        card.chart->setLineScale(scale);
}

void WallCharts::setFonts(const QFont &labels, const QFont &title)
{
    m_labels = labels;
    m_title = title;
    for (Card &card : m_cards) {
        card.chart->setTextFonts(labels, title);
        card.top->setFont(labels);
    }
}

QList<TimeChart *> WallCharts::charts() const
{
    QList<TimeChart *> out;
    for (const Card &card : m_cards)
        out << card.chart;
    return out;
}

QList<QFont> WallCharts::fonts() const
{
    QList<QFont> out;
    for (const Card &card : m_cards) {
        out << card.chart->chart()->titleFont();
        for (const QAbstractAxis *axis : card.chart->chart()->axes())
            out << axis->labelsFont();
        out << card.top->font();
    }
    return out;
}

void WallCharts::refreshNow(qint64 nowMs)
{
    if (!m_store)
        return;
    for (Card &card : m_cards) {
        card.legend->refresh(*m_store, nowMs, m_staleAfterMs);
        card.chart->refresh(nowMs);
        updateTop(card);
    }
}

void WallCharts::updateTop(Card &card)
{
    struct Entry {
        int row;
        double value;
    };
    QList<Entry> entries;
    for (int row = 0; row < card.legend->rowCount(); ++row) {
        const QVariant v = card.legend->index(row).data(ChartLegendModel::ValueRole);
        if (v.isValid())
            entries << Entry { row, v.toDouble() };
    }
    std::stable_sort(entries.begin(), entries.end(),
        [](const Entry &a, const Entry &b) { return a.value > b.value; });
    QStringList parts;
    const QFontMetrics fm(card.top->font());
    int used = 0;
    for (int i = 0; i < std::min<qsizetype>(3, entries.size()); ++i) {
        const QModelIndex idx = card.legend->index(entries[i].row);
        const QString name = idx.data(ChartLegendModel::NameRole).toString();
        const QString value = idx.data(ChartLegendModel::ValueTextRole).toString();
        const int width = fm.horizontalAdvance(QStringLiteral("■ %1 %2    ").arg(name, value));
        if (i > 0 && used + width > card.top->width())
            break;
        used += width;
        const QColor color = m_colors.line(idx.data(ChartLegendModel::ColorIndexRole).toInt());
        parts << QStringLiteral("<span style=\"color:%1\">&#9632;</span> %2 %3")
                     .arg(color.name(), name.toHtmlEscaped(), value.toHtmlEscaped());
    }
    card.top->setText(parts.isEmpty() ? QStringLiteral("no recent values")
                                      : parts.join(QStringLiteral(" &nbsp; ")));
}

} // namespace cw
