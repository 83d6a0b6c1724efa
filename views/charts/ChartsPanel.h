#pragma once

#include "models/items/ChartSpec.h"
#include "views/charts/ChartColors.h"

#include <QElapsedTimer>
#include <QList>
#include <QWidget>

class QButtonGroup;
class QGridLayout;
class QListView;
class QScrollArea;
class QTimer;

namespace cw {

class ChartLegendModel;
class TimeChart;
class TimeSeriesStore;

/// The charts page: a range selector (5 min … 24 h) over a grid of time charts, each with a
/// legend that names its lines with their current values and switches lines on and off.
/// Redraws at most once a second, and only as often as the range moves by a pixel; a hidden
/// panel only keeps its legends current.
class ChartsPanel final : public QWidget {
    Q_OBJECT
public:
    explicit ChartsPanel(QWidget *parent = nullptr);
    ~ChartsPanel() override;

    void setStore(const TimeSeriesStore *store);
    void setCharts(const QList<ChartSpec> &charts);
    /// A value older than this shows as "—" in the legends.
    void setStaleAfter(qint64 ms) { m_staleAfterMs = ms; }
    void setSpan(qint64 spanMs);
    qint64 span() const { return m_spanMs; }
    /// Light or dark chart colours; follows the application palette unless set explicitly.
    void setColors(const ChartColors &colors);
    const ChartColors &colors() const { return m_colors; }

    /// Refreshes legends and redraws every chart for the window ending at @p nowMs.
    void refreshNow(qint64 nowMs);

    QList<TimeChart *> charts() const;
    /// Charts per row at the current width: as many as fit at kMinCardWidth, rows balanced.
    int columnCount() const { return m_columns; }
    /// The narrowest a chart card gets before the grid wraps to another row.
    static constexpr int kMinCardWidth = 260;
    static int columnsFor(int width, int count);
    /// Height that shows the range bar and one full row of charts at their minimum size.
    int oneRowHeight() const;
    TimeChart *chart(const QString &key) const;
    ChartLegendModel *legend(const QString &key) const;

Q_SIGNALS:
    void spanChanged(qint64 spanMs);

protected:
    void changeEvent(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    struct Card {
        QString key;
        ChartLegendModel *legend = nullptr;
        TimeChart *chart = nullptr;
        QListView *legendView = nullptr;
        QWidget *frame = nullptr;
    };

    void tick();
    void applyColors();
    void arrangeCards();

    const TimeSeriesStore *m_store = nullptr;
    QButtonGroup *m_ranges;
    QGridLayout *m_grid;
    QWidget *m_content = nullptr;
    QScrollArea *m_scroll = nullptr;
    int m_columns = 0;
    QTimer *m_timer;
    QList<Card> m_cards;
    ChartColors m_colors;
    bool m_explicitColors = false;
    qint64 m_spanMs;
    qint64 m_staleAfterMs = 5'000;
    QElapsedTimer m_sinceDraw; ///< monotonic: a wall clock set back must not stop the redraws
};

} // namespace cw
