#pragma once

#include <QMainWindow>

class QLabel;
class QListView;
class QTableView;
class QTabWidget;
class QTimer;

namespace cw {

class ClusterModel;
class NodeTileDelegate;
class ServicesState;

/// Hosts the dashboard: node tiles (or a table), the Redis and PostgreSQL panels, and a header
/// with the cluster's name, a summary and the time of the last update. No application logic:
/// requests go out as signals to the composition root.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ClusterModel *nodes, ServicesState *services, QWidget *parent = nullptr);

    void setClusterName(const QString &name, const QString &sourceFile);
    /// Shows a configuration error without blocking the event loop; the current cluster stays.
    void showConfigError(const QString &message);

    QListView *tilesView() const { return m_tiles; }
    QTableView *tableView() const { return m_table; }

Q_SIGNALS:
    void openClusterFileRequested(const QString &path);

private:
    void chooseClusterFile();
    void scheduleSummary();
    void updateSummary();

    ClusterModel *m_model;
    ServicesState *m_services;
    QLabel *m_title;
    QLabel *m_summary;
    QLabel *m_updated;
    QTabWidget *m_tabs;
    QListView *m_tiles;
    QTableView *m_table;
    NodeTileDelegate *m_delegate;
    QTimer *m_summaryTimer;
};

} // namespace cw
