#pragma once

#include "models/Alert.h"
#include "models/NodeHealth.h"

#include <QList>
#include <QTimer>
#include <QWidget>

class QAbstractItemModel;

namespace cw {

class ClusterState;
class WallStyle;

/// How the overview lays out N nodes in an area: the most text per tile that still fits.
struct WallGridPlan {
    /// 3: name, state word, detail; 2: name, state; 1: one line (icon, name, and the word
    /// when not healthy); 0: state cells without text (the names of the nodes that are not
    /// healthy are in the attention band).
    int level = 3;
    int columns = 1;
    int rows = 0;
    QSizeF tile;
};
WallGridPlan planWallGrid(int count, const QSizeF &area, const WallStyle &style, double nameWidth);

/// The wall's overview page: what needs action first and biggest (an attention band naming the
/// nodes and services that are not healthy), the shared services (Redis, PostgreSQL, the Bull
/// queue, the load balancer), then every node worst first, as large as the screen allows.
/// Painted, read-only; repaints at most twice a second whatever the data rate.
class WallOverview final : public QWidget {
    Q_OBJECT
public:
    /// @p nodes: NodeOrderModel over ClusterModel (worst first).
    WallOverview(QAbstractItemModel *nodes, const ClusterState *state, const WallStyle *style,
        QWidget *parent = nullptr);

    void setStyle(const WallStyle *style);
    void setActiveAlerts(const QList<cw::AlertTransition> &active);
    /// No source has answered for a while (WallWindow's banner): every node and service is
    /// drawn stale, whatever its last verdict.
    void setFeedStale(bool stale);
    /// The plan used for the last paint (tests).
    const WallGridPlan &plan() const { return m_plan; }
    /// The attention band's text as last painted (tests).
    QString attentionText() const { return m_attention; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Service {
        QString name;
        NodeState state = NodeState::Unknown;
        bool stale = false;
        QString detail;
    };
    QList<Service> services() const;
    void scheduleRepaint();
    double paintAttention(QPainter *p, const QRectF &area, const QList<Service> &services);
    void paintServices(QPainter *p, const QRectF &area, const QList<Service> &services);
    void paintNodes(QPainter *p, const QRectF &area);
    void paintTile(QPainter *p, const QRectF &rect, int row, int level);

    QAbstractItemModel *m_nodes;
    const ClusterState *m_state;
    const WallStyle *m_style;
    QList<AlertTransition> m_active;
    QTimer m_repaint;
    WallGridPlan m_plan;
    QString m_attention;
    bool m_feedStale = false;
};

} // namespace cw
