#pragma once

#include "models/Alert.h"
#include "models/items/WallRotation.h"
#include "views/wall/WallStyle.h"

#include <QHash>
#include <QTimer>
#include <QWidget>
#include <memory>

class QAbstractItemModel;
class QStackedWidget;

namespace cw {

class Clock;
class ClusterState;
class TimeSeriesStore;
class WallAlerts;
class WallCharts;
class WallChrome;
class WallOverview;
class WallTakeover;
struct ChartSpec;

/// The NOC wall screen: full screen, no window chrome, a high-contrast dark theme with text
/// sized from the screen (WallStyle), read-only. A header with the cluster, its verdict, a
/// clock and "updated N s ago"; pages (overview, charts, active alerts) that rotate by
/// themselves (WallRotation); a firing critical alert takes the screen until it is acknowledged
/// at a workstation or resolves. When data stops arriving a banner says so, loudly, within two
/// poll intervals. Every two minutes the picture moves by a few pixels against burn-in.
///
/// It holds no action of any kind: nothing here can restart, stop, start or drill.
class WallWindow final : public QWidget {
    Q_OBJECT
public:
    /// @p nodes: ClusterModel (the wall orders it worst first itself). @p clock: the session's
    /// (nullptr: the system's).
    WallWindow(QAbstractItemModel *nodes, const ClusterState *state, const TimeSeriesStore *series,
        const Clock *clock = nullptr, QWidget *parent = nullptr);
    ~WallWindow() override;

    void setClusterName(const QString &name);
    /// The cluster's poll interval: data older than 1.5 intervals means the sources stopped.
    void setPollInterval(qint64 ms);
    void setCharts(const QList<cw::ChartSpec> &charts, qint64 staleAfterMs);
    void setChartSpan(qint64 spanMs);
    void setActiveAlerts(const QList<cw::AlertTransition> &active);
    /// Alerts acknowledged at a workstation: key → "alice 14:02".
    void setAcknowledged(const QHash<QString, QString> &byKey);
    /// Why acknowledgements cannot be seen (shown small in the footer); empty when they can.
    void setAckStatus(const QString &error);
    WallRotation *rotation() const { return m_rotation.get(); }

    /// Full screen on the screen the window is on, without chrome, cursor hidden.
    void showWall();
    /// Advances the clock-driven parts (header, staleness, rotation, charts) to now; the
    /// window's own timer calls it four times a second.
    void refresh();

    /// What the tests and the soak benchmark look at.
    const WallStyle &style() const { return m_style; }
    QWidget *currentPage() const;
    WallOverview *overview() const { return m_overview; }
    WallCharts *charts() const { return m_charts; }
    WallAlerts *alertsPage() const { return m_alerts; }
    WallTakeover *takeoverPage() const { return m_takeover; }
    /// The stale banner's text; empty when data flows.
    QString bannerText() const;
    /// Why the workstation's acknowledgements cannot be read (empty when they can).
    QString ackStatus() const { return m_ackStatus; }
    /// The pixel shift now applied (burn-in guard).
    QPoint pixelShift() const { return m_shift; }
    /// The smallest cap height of any text painted since the last call, in pixels (the
    /// painted pages, the header and the charts' fonts). Call after a grab().
    double takeSmallestCapHeight();

Q_SIGNALS:
    /// Ctrl+Shift+W: back to the workstation (when the wall was opened from it).
    void leaveRequested();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void showPage();
    void updateStyle();
    void applyShift();

    const ClusterState *m_state;
    const Clock *m_clock;
    std::unique_ptr<QAbstractItemModel> m_order;
    WallStyle m_style;
    std::unique_ptr<WallRotation> m_rotation;
    WallChrome *m_header;
    WallChrome *m_footer;
    QStackedWidget *m_stack;
    WallOverview *m_overview;
    WallCharts *m_charts;
    WallAlerts *m_alerts;
    WallTakeover *m_takeover;
    QTimer m_timer;
    qint64 m_pollMs = 1000;
    qint64 m_lastChartsMs = 0;
    qint64 m_lastShiftMonoMs = -1;
    int m_shiftStep = 0;
    QPoint m_shift;
    QString m_ackStatus;
};

} // namespace cw
