#include "views/MainWindow.h"

#include "models/ClusterModel.h"
#include "models/Formatter.h"
#include "models/ServicesState.h"
#include "views/NodeTileDelegate.h"
#include "views/PostgresPanel.h"
#include "views/RedisPanel.h"
#include "views/StateBadgeDelegate.h"

#include <QFileDialog>
#include <QHeaderView>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace cw {

MainWindow::MainWindow(ClusterModel *nodes, ServicesState *services, QWidget *parent)
    : QMainWindow(parent)
    , m_model(nodes)
    , m_services(services)
    , m_summaryTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Clusterwatch"));

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);

    auto *header = new QHBoxLayout;
    m_title = new QLabel(QStringLiteral("No cluster file"), central);
    m_title->setObjectName(QStringLiteral("clusterTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_summary = new QLabel(central);
    m_summary->setObjectName(QStringLiteral("clusterSummary"));
    m_updated = new QLabel(central);
    m_updated->setObjectName(QStringLiteral("lastUpdate"));
    header->addWidget(m_title);
    header->addSpacing(24);
    header->addWidget(m_summary, 1);
    header->addWidget(m_updated);
    layout->addLayout(header);

    auto *splitter = new QSplitter(Qt::Horizontal, central);
    m_tabs = new QTabWidget(splitter);
    m_tiles = new QListView(m_tabs);
    m_tiles->setObjectName(QStringLiteral("nodeTiles"));
    m_tiles->setViewMode(QListView::IconMode);
    m_tiles->setFlow(QListView::LeftToRight);
    m_tiles->setWrapping(true);
    m_tiles->setResizeMode(QListView::Adjust);
    m_tiles->setMovement(QListView::Static);
    m_tiles->setUniformItemSizes(true);
    m_tiles->setSpacing(2);
    m_tiles->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tiles->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_delegate = new NodeTileDelegate(m_tiles);
    m_tiles->setItemDelegate(m_delegate);
    m_tiles->setModel(nodes);
    m_tabs->addTab(m_tiles, QStringLiteral("Tiles"));

    m_table = new QTableView(m_tabs);
    m_table->setObjectName(QStringLiteral("nodeTable"));
    m_table->setModel(nodes);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setItemDelegateForColumn(ClusterModel::StateColumn, new StateBadgeDelegate(m_table));
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_tabs->addTab(m_table, QStringLiteral("Table"));

    auto *side = new QWidget(splitter);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(new RedisPanel(services, side));
    sideLayout->addWidget(new PostgresPanel(services, side));
    splitter->addWidget(m_tabs);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction *open = file->addAction(QStringLiteral("&Open cluster file…"), this, &MainWindow::chooseClusterFile);
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction *quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    // Many rows may change in one burst of snapshots: summarise once per burst.
    m_summaryTimer->setSingleShot(true);
    m_summaryTimer->setInterval(0);
    connect(m_summaryTimer, &QTimer::timeout, this, &MainWindow::updateSummary);
    connect(nodes, &QAbstractItemModel::dataChanged, this, &MainWindow::scheduleSummary);
    connect(nodes, &QAbstractItemModel::modelReset, this, &MainWindow::scheduleSummary);
    connect(services, &ServicesState::redisChanged, this, &MainWindow::scheduleSummary);
    updateSummary();
    resize(1280, 800);
}

void MainWindow::setClusterName(const QString &name, const QString &sourceFile)
{
    m_title->setText(name);
    m_title->setToolTip(sourceFile);
    setWindowTitle(name + QStringLiteral(" — Clusterwatch"));
}

void MainWindow::showConfigError(const QString &message)
{
    auto *box = new QMessageBox(QMessageBox::Critical, QStringLiteral("Cluster file refused"),
                                message + QStringLiteral("\n\nThe current cluster stays open."),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("configErrorDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::chooseClusterFile()
{
    auto *dialog = new QFileDialog(this, QStringLiteral("Open cluster file"), QString(),
                                   QStringLiteral("Cluster files (*.yaml *.yml);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openClusterFileRequested);
    dialog->open();
}

void MainWindow::scheduleSummary()
{
    if (!m_summaryTimer->isActive())
        m_summaryTimer->start();
}

void MainWindow::updateSummary()
{
    int counts[4] = {0, 0, 0, 0};
    int stale = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex idx = m_model->index(row, 0);
        ++counts[qBound(0, idx.data(ClusterModel::StateRole).toInt(), 3)];
        stale += idx.data(ClusterModel::StaleRole).toBool() ? 1 : 0;
    }
    QStringList parts;
    parts << QStringLiteral("%1 nodes").arg(m_model->rowCount());
    const auto add = [&](NodeState state, const char *word) {
        if (counts[int(state)] > 0)
            parts << QStringLiteral("%1 %2").arg(counts[int(state)]).arg(QLatin1String(word));
    };
    add(NodeState::Healthy, "healthy");
    add(NodeState::Degraded, "degraded");
    add(NodeState::Down, "down");
    add(NodeState::Unknown, "unknown");
    if (stale > 0)
        parts << QStringLiteral("%1 stale").arg(stale);
    m_summary->setText(parts.join(QStringLiteral(" · ")));
    m_updated->setText(QStringLiteral("last update: ")
                       + (m_model->lastUpdateMs() > 0
                              ? QDateTime::fromMSecsSinceEpoch(m_model->lastUpdateMs()).toString(QStringLiteral("HH:mm:ss"))
                                  + QStringLiteral(" (") + fmt::ago(m_services->nowMs(), m_model->lastUpdateMs()) + QStringLiteral(")")
                              : QStringLiteral("never")));
}

} // namespace cw
