#include "views/MainWindow.h"

#include "models/Formatter.h"
#include "models/items/ClusterModel.h"
#include "models/items/NodeOrderModel.h"
#include "models/state/ClusterState.h"
#include "views/LogPanel.h"
#include "views/NodeTilesView.h"
#include "views/PostgresPanel.h"
#include "views/RedisPanel.h"
#include "views/StateBadgeDelegate.h"
#include "views/StatePalette.h"
#include "views/Theme.h"
#include "views/charts/ChartsPanel.h"

#include <QActionGroup>
#include <QDockWidget>
#include <QFileDialog>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace cw {

MainWindow::MainWindow(ClusterModel *nodes, const ClusterState *state, QWidget *parent)
    : QMainWindow(parent)
    , m_model(nodes)
    , m_state(state)
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
    m_dockerStatus = new QLabel(central);
    m_dockerStatus->setObjectName(QStringLiteral("dockerStatus"));
    m_alertSummary = new QLabel(central);
    m_alertSummary->setObjectName(QStringLiteral("alertSummary"));
    QFont alertFont = m_alertSummary->font();
    alertFont.setBold(true);
    alertFont.setPointSizeF(alertFont.pointSizeF() * 1.3);
    m_alertSummary->setFont(alertFont);
    header->addWidget(m_title);
    header->addSpacing(24);
    header->addWidget(m_summary);
    header->addSpacing(16);
    header->addWidget(m_alertSummary, 1);
    header->addWidget(m_dockerStatus);
    header->addSpacing(16);
    header->addWidget(m_updated);
    layout->addLayout(header);

    m_tabs = new QTabWidget(central);
    m_order = new NodeOrderModel(this);
    m_order->setSourceModel(nodes);
    m_tiles = new NodeTilesView(m_tabs);
    m_tiles->setObjectName(QStringLiteral("nodeTiles"));
    m_tiles->setModel(m_order);
    m_tabs->addTab(m_tiles, QStringLiteral("Tiles"));
    m_tiles->installEventFilter(this); // its width sets the rows of tiles, and so its height

    m_table = new QTableView(m_tabs);
    m_table->setObjectName(QStringLiteral("nodeTable"));
    m_table->setModel(m_order);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setItemDelegateForColumn(ClusterModel::StateColumn, new StateBadgeDelegate(m_table));
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_tabs->addTab(m_table, QStringLiteral("Table"));
    // One selection for both views, over the same ordered rows: the selected node is the same
    // in tiles and table.
    QItemSelectionModel *tableSelection = m_table->selectionModel();
    m_table->setSelectionModel(m_tiles->selectionModel());
    delete tableSelection;
    for (QAbstractItemView *view :
        { static_cast<QAbstractItemView *>(m_tiles), static_cast<QAbstractItemView *>(m_table) }) {
        view->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(view, &QWidget::customContextMenuRequested, this,
            [this, view](const QPoint &pos) { showNodeMenu(view->viewport()->mapToGlobal(pos)); });
    }

    // Redis and PostgreSQL: a narrow column beside the charts; it scrolls rather than pushing
    // the window past a small screen.
    auto *side = new QWidget;
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(new RedisPanel(state, side));
    sideLayout->addWidget(new PostgresPanel(state, side));
    sideLayout->addStretch(1);
    m_side = new QScrollArea(central);
    m_side->setObjectName(QStringLiteral("servicesColumn"));
    m_side->setWidget(side);
    m_side->setWidgetResizable(true);
    m_side->setFrameShape(QFrame::NoFrame);
    m_side->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_side->setMinimumWidth(side->minimumSizeHint().width());
    m_side->setMaximumWidth(
        std::max(side->minimumSizeHint().width(), side->sizeHint().width() + 24));
    m_discovered = new QLabel(central);
    m_discovered->setObjectName(QStringLiteral("discoveredContainers"));
    m_discovered->setWordWrap(true);
    m_discovered->hide();
    m_charts = new ChartsPanel(central);
    m_charts->setObjectName(QStringLiteral("chartsPanel"));
    auto *bottom = new QSplitter(Qt::Horizontal, central);
    bottom->setObjectName(QStringLiteral("trendsSplitter"));
    bottom->addWidget(m_charts);
    bottom->addWidget(m_side);
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 0);
    bottom->setChildrenCollapsible(false);
    // Now above (every node, full width), trends and services below.
    m_vertical = new QSplitter(Qt::Vertical, central);
    m_vertical->setObjectName(QStringLiteral("mainSplitter"));
    m_vertical->addWidget(m_tabs);
    m_vertical->addWidget(bottom);
    m_vertical->setStretchFactor(0, 0);
    m_vertical->setStretchFactor(1, 1);
    m_vertical->setChildrenCollapsible(false);
    connect(m_vertical, &QSplitter::splitterMoved, this, [this] { m_userSplit = true; });
    layout->addWidget(m_vertical, 1);
    layout->addWidget(m_discovered);
    setCentralWidget(central);

    // Actions on the selected node's container, each behind a confirmation.
    QToolBar *actions = addToolBar(QStringLiteral("Actions"));
    actions->setObjectName(QStringLiteral("actionsToolBar"));
    m_restart = actions->addAction(
        QStringLiteral("Restart…"), this, [this] { confirmAction(ContainerAction::Restart); });
    m_restart->setObjectName(QStringLiteral("actionRestart"));
    m_stop = actions->addAction(
        QStringLiteral("Stop…"), this, [this] { confirmAction(ContainerAction::Stop); });
    m_stop->setObjectName(QStringLiteral("actionStop"));
    m_start = actions->addAction(
        QStringLiteral("Start…"), this, [this] { confirmAction(ContainerAction::Start); });
    m_start->setObjectName(QStringLiteral("actionStart"));

    m_logPanel = new LogPanel(this);
    m_logDock = new QDockWidget(QStringLiteral("Container log"), this);
    m_logDock->setObjectName(QStringLiteral("logDock"));
    m_logDock->setWidget(m_logPanel);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    m_actionLog = new QListWidget(this);
    m_actionLog->setObjectName(QStringLiteral("actionResults"));
    m_actionDock = new QDockWidget(QStringLiteral("Actions"), this);
    m_actionDock->setObjectName(QStringLiteral("actionDock"));
    m_actionDock->setWidget(m_actionLog);
    addDockWidget(Qt::BottomDockWidgetArea, m_actionDock);
    tabifyDockWidget(m_logDock, m_actionDock);
    m_logDock->raise();
    // Without a Docker host there are no containers to act on or read logs of.
    m_logDock->hide();
    m_actionDock->hide();
    actions->hide();

    connect(m_tiles->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &MainWindow::updateActions);
    // The tiles' share of the height follows the node count: every tile, then the charts.
    m_fitTimer = new QTimer(this);
    m_fitTimer->setSingleShot(true);
    m_fitTimer->setInterval(0);
    connect(m_fitTimer, &QTimer::timeout, this, &MainWindow::fitTopArea);
    const auto fitSoon = [this] { m_fitTimer->start(); };
    connect(m_order, &QAbstractItemModel::rowsInserted, this, fitSoon);
    connect(m_order, &QAbstractItemModel::rowsRemoved, this, fitSoon);
    connect(m_order, &QAbstractItemModel::modelReset, this, fitSoon);
    connect(nodes, &QAbstractItemModel::dataChanged, this, &MainWindow::updateActions);
    connect(nodes, &QAbstractItemModel::modelReset, this, &MainWindow::updateActions);

    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction *open = file->addAction(
        QStringLiteral("&Open cluster file…"), this, &MainWindow::chooseClusterFile);
    open->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction *quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    m_drillsMenu = menuBar()->addMenu(QStringLiteral("&Drills"));
    m_drillsMenu->setObjectName(QStringLiteral("drillsMenu"));
    QAction *newDrill = m_drillsMenu->addAction(
        QStringLiteral("&New failover drill…"), this, &MainWindow::newDrillRequested);
    newDrill->setObjectName(QStringLiteral("newDrillAction"));
    QAction *drillHistory = m_drillsMenu->addAction(
        QStringLiteral("Drill &history"), this, &MainWindow::drillHistoryRequested);
    drillHistory->setObjectName(QStringLiteral("drillHistoryAction"));

    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    m_viewMenu = view;
    QMenu *themes = view->addMenu(QStringLiteral("&Theme"));
    auto *themeGroup = new QActionGroup(this);
    for (const Theme theme : { Theme::System, Theme::Light, Theme::Dark }) {
        QAction *action = themes->addAction(themeLabel(theme));
        action->setCheckable(true);
        action->setObjectName(QStringLiteral("theme_") + themeName(theme));
        action->setData(themeName(theme));
        themeGroup->addAction(action);
        connect(action, &QAction::triggered, this, [this, theme] { Q_EMIT themeRequested(theme); });
    }
    QAction *wall = view->addAction(
        QStringLiteral("&Wall screen (read-only)"), this, &MainWindow::wallRequested);
    wall->setObjectName(QStringLiteral("wallAction"));
    wall->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+W")));
    wall->setToolTip(QStringLiteral("Full screen for a NOC wall: no actions, no drills; "
                                    "Ctrl+Shift+W comes back"));
    view->addSeparator();
    view->addAction(m_logDock->toggleViewAction());
    view->addAction(m_actionDock->toggleViewAction());
    m_logDock->toggleViewAction()->setEnabled(false);
    m_actionDock->toggleViewAction()->setEnabled(false);
    // Double-clicking a node opens its container log.
    for (QAbstractItemView *v :
        { static_cast<QAbstractItemView *>(m_tiles), static_cast<QAbstractItemView *>(m_table) }) {
        connect(v, &QAbstractItemView::doubleClicked, this, [this] {
            if (!m_dockerHost.isEmpty() && !selectedContainer().isEmpty())
                showBottomDock(m_logDock);
        });
    }

    // Many rows may change in one burst of snapshots: summarise once per burst.
    m_summaryTimer->setSingleShot(true);
    m_summaryTimer->setInterval(0);
    connect(m_summaryTimer, &QTimer::timeout, this, &MainWindow::updateSummary);
    connect(nodes, &QAbstractItemModel::dataChanged, this, &MainWindow::scheduleSummary);
    connect(nodes, &QAbstractItemModel::modelReset, this, &MainWindow::scheduleSummary);
    connect(state, &ClusterState::redisChanged, this, &MainWindow::scheduleSummary);
    updateSummary();
    updateActions();
    fitToScreen(false);
}

void MainWindow::setAlertsPanel(QWidget *panel)
{
    m_alertsDock = new QDockWidget(QStringLiteral("Alerts"), this);
    m_alertsDock->setObjectName(QStringLiteral("alertsDock"));
    m_alertsDock->setWidget(panel);
    addDockWidget(Qt::RightDockWidgetArea, m_alertsDock);
    resizeDocks({ m_alertsDock }, { alertsDockWidth() }, Qt::Horizontal);
    m_viewMenu->addAction(m_alertsDock->toggleViewAction());
    connect(m_alertsDock, &QDockWidget::visibilityChanged, this, [this] { m_fitTimer->start(); });
}

void MainWindow::setDrillPanels(QWidget *live, QWidget *history)
{
    m_drillDock = new QDockWidget(QStringLiteral("Drill"), this);
    m_drillDock->setObjectName(QStringLiteral("drillDock"));
    m_drillDock->setWidget(live);
    addDockWidget(Qt::BottomDockWidgetArea, m_drillDock);
    m_drillHistoryDock = new QDockWidget(QStringLiteral("Drill history"), this);
    m_drillHistoryDock->setObjectName(QStringLiteral("drillHistoryDock"));
    m_drillHistoryDock->setWidget(history);
    addDockWidget(Qt::BottomDockWidgetArea, m_drillHistoryDock);
    tabifyDockWidget(m_drillDock, m_drillHistoryDock);
    m_drillDock->hide();
    m_drillHistoryDock->hide();
    m_drillsMenu->addSeparator();
    m_drillsMenu->addAction(m_drillDock->toggleViewAction());
}

void MainWindow::showDrillPanel(bool history)
{
    QDockWidget *dock = history ? m_drillHistoryDock : m_drillDock;
    if (dock)
        showBottomDock(dock);
}

void MainWindow::showBottomDock(QDockWidget *dock)
{
    const bool wasVisible = dock->isVisible();
    dock->show();
    dock->raise();
    if (wasVisible)
        return;
    // A third of the window at most: a row of tiles and a row of charts stay in view on a
    // laptop screen (its contents scroll).
    QTimer::singleShot(0, this, [this, dock] {
        resizeDocks({ dock }, { std::min(dock->sizeHint().height(), height() / 3) }, Qt::Vertical);
    });
}

void MainWindow::setAlertSummary(const QString &text, bool critical)
{
    m_alertSummary->setText(text);
    QPalette pal = m_alertSummary->palette();
    pal.setColor(QPalette::WindowText, critical ? palette::bad() : palette::warn());
    m_alertSummary->setPalette(pal);
}

void MainWindow::showTheme(Theme theme)
{
    if (auto *action = findChild<QAction *>(QStringLiteral("theme_") + themeName(theme)))
        action->setChecked(true);
}

void MainWindow::setDockerStatus(const QString &host, bool reachable, const QString &detail)
{
    const bool dockerBefore = !m_dockerHost.isEmpty();
    m_dockerHost = host;
    m_dockerReachable = reachable;
    m_dockerStatus->setText(host.isEmpty() ? QString() : QStringLiteral("Docker: ") + detail);
    QPalette pal = m_dockerStatus->palette();
    pal.setColor(
        QPalette::WindowText, reachable ? palette().color(QPalette::WindowText) : palette::bad());
    m_dockerStatus->setPalette(pal);
    // The docks stay closed until asked for (View menu, "Show container log", an action's
    // result): the screen belongs to the tiles and charts. Without Docker they go away.
    if (const bool docker = !host.isEmpty(); docker != dockerBefore) {
        if (!docker) {
            m_logDock->hide();
            m_actionDock->hide();
        }
        m_logDock->toggleViewAction()->setEnabled(docker);
        m_actionDock->toggleViewAction()->setEnabled(docker);
        if (auto *bar = findChild<QToolBar *>(QStringLiteral("actionsToolBar")))
            bar->setVisible(docker);
    }
    updateActions();
}

void MainWindow::setDiscoveredContainers(const QList<ContainerInfo> &containers)
{
    QStringList names;
    for (const ContainerInfo &c : containers)
        names << QStringLiteral("%1 (%2, %3)").arg(c.name, c.image, c.state);
    m_discovered->setVisible(!names.isEmpty());
    m_discovered->setText(names.isEmpty()
            ? QString()
            : QStringLiteral("Discovered on the Docker host, not in the cluster file: ")
                + names.join(QStringLiteral(", ")));
}

QString MainWindow::selectedNode() const
{
    const QModelIndex current = m_tiles->selectionModel()->currentIndex();
    return current.isValid() ? current.siblingAtColumn(0).data(ClusterModel::NameRole).toString()
                             : QString();
}

QString MainWindow::selectedContainer() const
{
    const QModelIndex current = m_tiles->selectionModel()->currentIndex();
    return current.isValid()
        ? current.siblingAtColumn(0).data(ClusterModel::ContainerRole).toString()
        : QString();
}

void MainWindow::selectNode(const QString &node)
{
    const int row = m_model->rowOf(node);
    const QModelIndex index
        = row >= 0 ? m_order->mapFromSource(m_model->index(row, 0)) : QModelIndex();
    if (!index.isValid())
        return;
    m_tiles->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_tiles->scrollTo(index);
}

int MainWindow::alertsDockWidth() const
{
    // A quarter of the window, enough for the active alerts' words, never most of a small screen.
    return std::clamp(width() / 4, 340, 460);
}

void MainWindow::restoreWindow(const QByteArray &geometry, const QByteArray &state)
{
    const bool restored = !geometry.isEmpty() && restoreGeometry(geometry);
    m_stateRestored = !state.isEmpty() && restoreState(state);
    fitToScreen(restored);
}

void MainWindow::fitToScreen(bool keepRestored)
{
    QScreen *target = keepRestored ? QGuiApplication::screenAt(geometry().center()) : nullptr;
    if (!target)
        target = screen() ? screen() : QGuiApplication::primaryScreen();
    if (!target)
        return;
    const QRect available = target->availableGeometry();
    if (keepRestored && (isMaximized() || isFullScreen()))
        return; // the window system fits those to the screen
    // The frame is known only once shown; before that, leave room for a typical one.
    const QMargins frame = isVisible()
        ? QMargins(geometry().left() - frameGeometry().left(),
            geometry().top() - frameGeometry().top(), frameGeometry().right() - geometry().right(),
            frameGeometry().bottom() - geometry().bottom())
        : QMargins();
    const QSize room = available.marginsRemoved(frame).size();
    QSize size
        = keepRestored ? geometry().size() : QSize(room.width() * 9 / 10, room.height() * 9 / 10);
    size = size.boundedTo(room).expandedTo(minimumSizeHint().boundedTo(room));
    QRect placed(keepRestored ? geometry().topLeft() : QPoint(), size);
    if (!keepRestored)
        placed.moveCenter(available.center());
    // Onto the screen: the whole frame inside the available area.
    placed.moveLeft(std::clamp(placed.left(), available.left() + frame.left(),
        std::max(available.left() + frame.left(),
            available.right() - frame.right() - size.width() + 1)));
    placed.moveTop(std::clamp(placed.top(), available.top() + frame.top(),
        std::max(available.top() + frame.top(),
            available.bottom() - frame.bottom() - size.height() + 1)));
    setGeometry(placed);
    // A first start uses the whole screen (a dashboard's place); 90 %, centred, is what the
    // window returns to when the operator un-maximizes it.
    if (!keepRestored)
        setWindowState(windowState() | Qt::WindowMaximized);
    m_fitTimer->start();
}

void MainWindow::fitTopArea()
{
    if (m_userSplit || !m_vertical)
        return;
    const int total = m_vertical->height();
    if (total <= 0)
        return;
    const int chrome = m_tabs->height() - m_tiles->viewport()->height() + 4;
    // Every tile without scrolling while the charts keep at least 40 % and one full row of
    // charts (the compact grid at most half: its cells shrink to fit what they get). On a short
    // screen the tiles scroll before the charts do.
    const int floor = std::min(total, 120);
    const int ceiling = std::max(floor,
        std::min(m_tiles->isCompact() ? total / 2 : total * 3 / 5,
            total - m_charts->oneRowHeight() - m_vertical->handleWidth()));
    const int top = std::clamp(m_tiles->preferredHeight() + chrome, floor, ceiling);
    m_vertical->setSizes({ top, total - top });
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_tiles && event->type() == QEvent::Resize && m_fitTimer)
        m_fitTimer->start();
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    if (m_fitTimer)
        m_fitTimer->start();
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    // Docks take their size once the window is laid out; the operator's own split is kept.
    if (!m_shown && m_alertsDock && !m_stateRestored)
        QTimer::singleShot(0, this,
            [this] { resizeDocks({ m_alertsDock }, { alertsDockWidth() }, Qt::Horizontal); });
    // The frame and the final minimum size are known only now: bring a window that does not fit
    // back onto its screen.
    if (!m_shown)
        QTimer::singleShot(0, this, [this] {
            const QScreen *on = screen();
            if (on && !isMaximized() && !isFullScreen()
                && !on->availableGeometry().contains(frameGeometry()))
                fitToScreen(true);
        });
    m_shown = true;
    if (m_fitTimer)
        m_fitTimer->start();
}

void MainWindow::updateActions()
{
    const QString container = selectedContainer();
    const bool possible = !container.isEmpty() && !m_dockerHost.isEmpty();
    for (QAction *a : { m_restart, m_stop, m_start }) {
        a->setEnabled(possible);
        a->setToolTip(possible ? QStringLiteral("%1 container %2 on %3")
                                     .arg(a->text().chopped(1), container, m_dockerHost)
                               : QStringLiteral("Select a node that runs in a known container"));
    }
    m_logPanel->setContainer(selectedNode(), m_dockerHost.isEmpty() ? QString() : container);
}

void MainWindow::showNodeMenu(const QPoint &globalPos)
{
    if (selectedNode().isEmpty())
        return;
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(m_restart);
    menu->addAction(m_stop);
    menu->addAction(m_start);
    menu->addSeparator();
    QAction *log = menu->addAction(
        QStringLiteral("Show container log"), this, [this] { showBottomDock(m_logDock); });
    log->setEnabled(!selectedContainer().isEmpty());
    menu->popup(globalPos);
}

void MainWindow::confirmAction(ContainerAction action)
{
    const QString node = selectedNode();
    const QString container = selectedContainer();
    if (container.isEmpty())
        return;
    const QString verb = toString(action);
    QString text = QStringLiteral("%1 container <b>%2</b> (node %3) on Docker host <b>%4</b>?")
                       .arg(verb.left(1).toUpper() + verb.mid(1), container.toHtmlEscaped(),
                           node.toHtmlEscaped(), m_dockerHost.toHtmlEscaped());
    if (!m_dockerReachable)
        text += QStringLiteral("<br><br>The Docker host does not answer at the moment.");
    auto *box = new QMessageBox(QMessageBox::Question, QStringLiteral("Confirm %1").arg(verb), text,
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("confirmActionDialog"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(verb.left(1).toUpper() + verb.mid(1));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, node, container, action](int) {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            Q_EMIT actionConfirmed(node, container, action, false);
    });
    box->open();
}

void MainWindow::askGuardOverride(
    const QString &node, const QString &container, int recentRestarts, int windowMinutes)
{
    auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Restart storm"),
        QStringLiteral(
            "<b>%1</b> was restarted %2 times in the last %3 minutes. Restarting a crash-looping "
            "container rarely helps; look at its log first.<br><br>Restart it anyway on %4?")
            .arg(container.toHtmlEscaped())
            .arg(recentRestarts)
            .arg(windowMinutes)
            .arg(m_dockerHost.toHtmlEscaped()),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("guardOverrideDialog"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(QStringLiteral("Override and restart"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, node, container](int) {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            Q_EMIT actionConfirmed(node, container, ContainerAction::Restart, true);
    });
    box->open();
}

void MainWindow::showActionResult(const ActionResult &result, const QString &node)
{
    if (!m_actionDock->isVisible())
        showBottomDock(m_actionDock);
    const QString line
        = QStringLiteral("%1  %2 %3 (node %4) on %5: %6%7")
              .arg(QDateTime::fromMSecsSinceEpoch(result.finishedMs)
                       .toString(QStringLiteral("HH:mm:ss")),
                  toString(result.action), result.container, node, result.endpoint,
                  toString(result.outcome),
                  result.message.isEmpty() ? QString() : QStringLiteral(" — ") + result.message);
    auto *item = new QListWidgetItem(line);
    const bool good
        = result.outcome == ActionOutcome::Done || result.outcome == ActionOutcome::AlreadyInState;
    item->setForeground(good ? palette::good() : palette::bad());
    m_actionLog->insertItem(0, item);
    while (m_actionLog->count() > 200)
        delete m_actionLog->takeItem(m_actionLog->count() - 1);
    statusBar()->showMessage(line, 15'000);
}

void MainWindow::setClusterName(const QString &name, const QString &sourceFile)
{
    m_title->setText(name);
    m_title->setToolTip(sourceFile);
    setWindowTitle(name + QStringLiteral(" — Clusterwatch"));
}

void MainWindow::showConfigError(const QString &message)
{
    showError(QStringLiteral("Cluster file refused"),
        message + QStringLiteral("\n\nThe current cluster stays open."),
        QStringLiteral("configErrorDialog"));
}

void MainWindow::showError(const QString &title, const QString &message, const QString &objectName)
{
    auto *box = new QMessageBox(QMessageBox::Critical, title, message, QMessageBox::Ok, this);
    box->setObjectName(objectName);
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
    int counts[4] = { 0, 0, 0, 0 };
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
        + (m_state->lastUpdateMs() > 0 ? QDateTime::fromMSecsSinceEpoch(m_state->lastUpdateMs())
                                             .toString(QStringLiteral("HH:mm:ss"))
                    + QStringLiteral(" (") + fmt::elapsedAgo(m_state->lastUpdateAgeMs())
                    + QStringLiteral(")")
                                       : QStringLiteral("never")));
}

} // namespace cw
