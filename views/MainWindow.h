#pragma once

#include "models/RuntimeTypes.h"
#include "views/Theme.h"

#include <QMainWindow>

class QAction;
class QDockWidget;
class QLabel;
class QListWidget;
class QScrollArea;
class QSplitter;
class QTableView;
class QTabWidget;
class QTimer;

namespace cw {

class ChartsPanel;
class ClusterModel;
class LogPanel;
class NodeOrderModel;
class NodeTilesView;
class ClusterState;

/// Hosts the dashboard: node tiles (or a table), the Redis and PostgreSQL panels, and a header
/// with the cluster's name, a summary and the time of the last update. No application logic:
/// requests go out as signals to the composition root.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(ClusterModel *nodes, const ClusterState *state, QWidget *parent = nullptr);

    void setClusterName(const QString &name, const QString &sourceFile);
    /// Shows a configuration error without blocking the event loop; the current cluster stays.
    void showConfigError(const QString &message);
    /// Shows an error without blocking the event loop.
    void showError(const QString &title, const QString &message,
        const QString &objectName = QStringLiteral("errorDialog"));

    /// Tiles and table show the nodes in this order (worst first) and share one selection.
    NodeOrderModel *nodeOrder() const { return m_order; }
    NodeTilesView *tilesView() const { return m_tiles; }
    QTableView *tableView() const { return m_table; }
    LogPanel *logPanel() const { return m_logPanel; }
    ChartsPanel *chartsPanel() const { return m_charts; }
    /// Docks the alerts page (active alerts and history) at the right, open by default.
    void setAlertsPanel(QWidget *panel);
    /// Docks the live drill view (bottom) and the drill history (tabbed with it), both closed
    /// until a drill runs or the history is asked for; adds the Drills menu's entries.
    void setDrillPanels(QWidget *live, QWidget *history);
    /// Shows and raises the live drill dock (a drill started) or the history dock.
    void showDrillPanel(bool history);
    /// "2 critical · 1 warning firing" in the header; empty when all is quiet.
    void setAlertSummary(const QString &text, bool critical);
    /// Checks @p theme in the View menu (the composition root applies it).
    void showTheme(cw::Theme theme);

    /// The Docker host actions go to (named in every confirmation), and whether it answers.
    void setDockerStatus(const QString &host, bool reachable, const QString &detail);
    /// n8n-looking containers on the Docker host that the cluster file does not name.
    void setDiscoveredContainers(const QList<cw::ContainerInfo> &containers);
    /// Restores the saved geometry and dock state, then fits the window onto the screen it
    /// opens on (never larger than its available area). Without a saved geometry the window
    /// opens maximized (90 % of that area, centred, when un-maximized).
    void restoreWindow(const QByteArray &geometry, const QByteArray &state);
    /// Selects @p node (tiles and table share the selection).
    void selectNode(const QString &node);
    /// Asks, step by step, for @p action on the selected node.
    void confirmAction(cw::ContainerAction action);

public Q_SLOTS:
    /// The restart-storm guard refused: ask whether to override.
    void askGuardOverride(
        const QString &node, const QString &container, int recentRestarts, int windowMinutes);
    void showActionResult(const cw::ActionResult &result, const QString &node);

Q_SIGNALS:
    void openClusterFileRequested(const QString &path);
    void themeRequested(cw::Theme theme);
    /// Drills menu: the drill form, the drill history.
    void newDrillRequested();
    void drillHistoryRequested();
    /// View → Wall screen: the read-only wall on this cluster, full screen (Ctrl+Shift+W).
    void wallRequested();
    /// The operator confirmed @p action on @p container of @p node.
    void actionConfirmed(const QString &node, const QString &container, cw::ContainerAction action,
        bool overrideGuard);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fitToScreen(bool keepRestored);
    void fitTopArea();
    void showBottomDock(QDockWidget *dock);
    int alertsDockWidth() const;
    void updateActions();
    QString selectedNode() const;
    QString selectedContainer() const;
    void showNodeMenu(const QPoint &globalPos);
    void chooseClusterFile();
    void scheduleSummary();
    void updateSummary();

    ClusterModel *m_model;
    const ClusterState *m_state;
    QLabel *m_title;
    QLabel *m_summary;
    QLabel *m_updated;
    QTabWidget *m_tabs;
    NodeOrderModel *m_order;
    NodeTilesView *m_tiles;
    QTableView *m_table;
    QScrollArea *m_side;
    QSplitter *m_vertical;
    QTimer *m_fitTimer = nullptr;
    bool m_stateRestored = false;
    bool m_shown = false;
    bool m_userSplit = false; ///< the operator moved the splitter: keep their split
    QTimer *m_summaryTimer;
    QLabel *m_dockerStatus;
    QLabel *m_discovered;
    QString m_dockerHost;
    bool m_dockerReachable = false;
    QAction *m_restart;
    QAction *m_stop;
    QAction *m_start;
    LogPanel *m_logPanel;
    ChartsPanel *m_charts;
    QDockWidget *m_logDock;
    QDockWidget *m_actionDock;
    QDockWidget *m_alertsDock = nullptr;
    QDockWidget *m_drillDock = nullptr;
    QDockWidget *m_drillHistoryDock = nullptr;
    QLabel *m_alertSummary;
    QMenu *m_viewMenu;
    QMenu *m_drillsMenu = nullptr;
    QListWidget *m_actionLog;
};

} // namespace cw
