#pragma once

#include "models/items/ChartSpec.h"
#include "views/charts/ChartColors.h"

#include <QFont>
#include <QList>
#include <QWidget>

class QLabel;

namespace cw {

class ChartLegendModel;
class TimeChart;
class TimeSeriesStore;

/// The wall's charts page: up to four of the cluster's charts (CPU, memory, the queue,
/// throughput), 2×2, over a fixed span, with wall-sized text on a dark background. Under each
/// chart, the three lines with the highest value now, in their colours: a legend of twelve
/// nodes cannot be read from across the room, the top three can. Refreshed only while shown,
/// by its owner and on the owner's clock (WallWindow refreshes it before showing it).
class WallCharts final : public QWidget {
    Q_OBJECT
public:
    explicit WallCharts(QWidget *parent = nullptr);
    ~WallCharts() override;

    void setStore(const TimeSeriesStore *store);
    /// The cluster's charts; the wall keeps cpu, memory, queue and throughput when present.
    void setCharts(const QList<ChartSpec> &charts);
    void setSpan(qint64 spanMs);
    void setStaleAfter(qint64 ms) { m_staleAfterMs = ms; }
    /// @p labels: the smallest wall text (axes, legends); @p title: chart titles.
    void setFonts(const QFont &labels, const QFont &title);
    /// Line widths relative to a desk's (2 on 1080p, 4 on 4K).
    void setLineScale(double scale);
    void refreshNow(qint64 nowMs);

    QList<TimeChart *> charts() const;
    /// Every font the page draws text with (tests check the smallest).
    QList<QFont> fonts() const;

protected:
private:
    struct Card {
        ChartLegendModel *legend = nullptr;
        TimeChart *chart = nullptr;
        QLabel *top = nullptr;
    };
    void updateTop(Card &card);

    const TimeSeriesStore *m_store = nullptr;
    QList<Card> m_cards;
    ChartColors m_colors = ChartColors::darkTheme();
    qint64 m_spanMs = 3'600'000;
    qint64 m_staleAfterMs = 5'000;
    QFont m_labels;
    QFont m_title;
    double m_lineScale = 2.0;
};

} // namespace cw
