#include "app/DrillsController.h"

#include "models/state/ClusterState.h"
#include "services/base/Logging.h"
#include "services/drillrun/DrillRunner.h"
#include "services/drills/DrillJournal.h"
#include "services/report/DrillReport.h"
#include "services/session/ClusterSession.h"
#include "views/MainWindow.h"
#include "views/drills/DrillConfirm.h"
#include "views/drills/DrillDialog.h"
#include "views/drills/DrillHistoryView.h"
#include "views/drills/DrillPanel.h"

#include <QDateTime>
#include <QDesktopServices>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QUrl>

namespace cw {

DrillsController::DrillsController(
    ClusterSession *session, MainWindow *window, const QString &journalDir, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_window(window)
{
    DrillRunnerOptions options;
    options.journalDir = journalDir;
    m_runner = std::make_unique<DrillRunner>(session, options);
    m_panel = new DrillPanel;
    m_history = new DrillHistoryView;
    m_window->setDrillPanels(m_panel, m_history);

    connect(m_window, &MainWindow::newDrillRequested, this, [this] { openDrillForm(); });
    connect(m_window, &MainWindow::drillHistoryRequested, this, [this] {
        refreshHistory();
        m_window->showDrillPanel(true);
    });

    connect(m_runner.get(), &DrillRunner::started, this, [this] {
        m_lastJournal.clear();
        showRecord();
        m_window->showDrillPanel(false);
        m_history->setRunningId(m_runner->record().id);
    });
    connect(m_runner.get(), &DrillRunner::progressed, this, &DrillsController::showRecord);
    connect(m_runner.get(), &DrillRunner::stepChanged, this, &DrillsController::showRecord);
    connect(m_runner.get(), &DrillRunner::recoveryAwaited, this, &DrillsController::showRecord);
    connect(m_runner.get(), &DrillRunner::finished, this, &DrillsController::onFinished);
    connect(m_runner.get(), &DrillRunner::journalFailed, this, [this](const QString &error) {
        m_window->showError(QStringLiteral("Drill journal"),
            QStringLiteral("The drill's journal cannot be written; the drill goes on, but an "
                           "interrupted drill could not be rolled back from it.\n\n")
                + error,
            QStringLiteral("drillJournalError"));
    });

    connect(m_panel, &DrillPanel::abortRequested, this,
        [this] { m_runner->abort(QStringLiteral("aborted by %1").arg(m_runner->record().user)); });
    connect(m_panel, &DrillPanel::recoverRequested, m_runner.get(), &DrillRunner::recoverNow);
    connect(m_panel, &DrillPanel::openReportRequested, this, [this] {
        if (!m_lastJournal.isEmpty())
            QDesktopServices::openUrl(
                QUrl::fromLocalFile(reportBase(m_lastJournal) + QStringLiteral(".pdf")));
    });
    connect(m_panel, &DrillPanel::rerunRequested, this, [this] {
        const DrillRecord &record = m_runner->record();
        openDrillForm(&record.spec, record.drillFile);
    });

    connect(m_history, &DrillHistoryView::openReportRequested, this,
        [this](const QString &journalPath) {
            const QString pdf = reportBase(journalPath) + QStringLiteral(".pdf");
            if (!QFileInfo::exists(pdf)) {
                // A journal without a report (an interrupted drill, an older run): write it.
                const auto journal = readDrillJournal(journalPath);
                if (!journal) {
                    m_window->showError(QStringLiteral("Drill report"), journal.error());
                    return;
                }
                const auto written = exportDrillReport(journal.value(), reportBase(journalPath));
                if (!written) {
                    m_window->showError(QStringLiteral("Drill report"), written.error());
                    return;
                }
            }
            QDesktopServices::openUrl(QUrl::fromLocalFile(pdf));
        });
    connect(m_history, &DrillHistoryView::rerunRequested, this,
        [this](const DrillRecord &record) { openDrillForm(&record.spec, record.drillFile); });
    connect(m_history, &DrillHistoryView::rollbackRequested, this, &DrillsController::askRollback);

    // An unfinished drill is offered for rollback once Docker answers for its cluster.
    connect(m_session, &ClusterSession::runtimeStatusChanged, this,
        [this](const QString &, bool reachable, const QString &) {
            if (reachable)
                offerRollback();
        });
    connect(m_session, &ClusterSession::clusterOpened, this, [this] { refreshHistory(); });
}

DrillsController::~DrillsController()
{
    if (m_dialog)
        delete m_dialog;
    m_runner->shutdown();
}

QString DrillsController::reportBase(const QString &journalPath)
{
    QString base = journalPath;
    if (base.endsWith(QLatin1String(".json")))
        base.chop(5);
    return base;
}

void DrillsController::showRecord()
{
    m_panel->setRecord(m_runner->record(), m_runner->isRunning(), m_runner->awaitingRecovery());
}

void DrillsController::refreshHistory()
{
    QStringList errors;
    const auto entries = listDrillJournals(m_runner->journalDir(), &errors);
    m_history->setEntries(entries, errors);
    if (m_runner->isRunning())
        m_history->setRunningId(m_runner->record().id);
}

void DrillsController::openDrillForm(const DrillSpec *spec, const QString &drillFile)
{
    if (!m_session->isOpen()) {
        m_window->showError(
            QStringLiteral("Failover drill"), QStringLiteral("Open a cluster file first."));
        return;
    }
    if (!m_dialog) {
        m_dialog = new DrillDialog(m_session->config(), m_window);
        m_dialog->setObjectName(QStringLiteral("drillDialog"));
        m_dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_dialog, &DrillDialog::startRequested, this, &DrillsController::onStartRequested);
        connect(m_dialog, &DrillDialog::specChanged, this, [this](const DrillSpec &changed) {
            if (m_dialog)
                m_dialog->setBlockers(m_runner->blockers(changed));
        });
    }
    if (m_session->isReadOnly())
        m_dialog->setReadOnly(true, QStringLiteral("drills are disabled on this read-only screen"));
    if (spec)
        m_dialog->setSpec(*spec, drillFile);
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
}

void DrillsController::onStartRequested(
    const DrillSpec &spec, const QString &drillFile, bool dryRun)
{
    if (!dryRun
        && !confirmDrill(m_dialog ? static_cast<QWidget *>(m_dialog) : m_window,
            m_runner->confirmationText(spec), m_runner->plan(spec)))
        return;
    QString error;
    if (!m_runner->start(spec, drillFile, dryRun, &error)) {
        m_window->showError(QStringLiteral("Failover drill"), error);
        return;
    }
    if (m_dialog && !dryRun)
        m_dialog->close();
}

void DrillsController::onFinished(const DrillRecord &record, const QString &journalPath)
{
    m_lastJournal = journalPath;
    showRecord();
    QString error;
    QString pdf;
    if (record.verdict != DrillVerdict::DryRun) {
        const auto written = exportDrillReport(record, reportBase(journalPath));
        if (written)
            pdf = reportBase(journalPath) + QStringLiteral(".pdf");
        else
            error = written.error();
    }
    m_history->setRunningId(QString());
    refreshHistory();
    Q_EMIT reportWritten(pdf, error);
    if (!error.isEmpty())
        qCWarning(lcApp).noquote() << "drill report:" << error;
}

void DrillsController::offerRollback()
{
    const QString cluster = m_session->config().name;
    if (m_offeredFor == cluster || m_runner->isRunning())
        return;
    m_offeredFor = cluster;
    QStringList errors;
    const QList<DrillRecord> unfinished = m_runner->unfinishedDrills(&errors);
    for (const QString &error : errors)
        qCWarning(lcApp).noquote() << "drill history:" << error;
    if (!unfinished.isEmpty())
        askRollback(unfinished.constFirst());
}

void DrillsController::askRollback(const DrillRecord &record)
{
    auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Unfinished failover drill"),
        QStringLiteral("The drill \"%1\" started %2 by %3 did not finish (Clusterwatch stopped at "
                       "phase %4).\n\n%5 may still be %6. Roll it back now?")
            .arg(record.spec.name,
                QDateTime::fromMSecsSinceEpoch(record.startedWallMs)
                    .toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                record.user, toString(record.phase), record.spec.target.container,
                record.spec.fault == DrillFault::Pause ? QStringLiteral("frozen")
                                                       : QStringLiteral("stopped")),
        QMessageBox::NoButton, m_window);
    box->setObjectName(QStringLiteral("unfinishedDrillDialog"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *rollback
        = box->addButton(QStringLiteral("Roll back now"), QMessageBox::AcceptRole);
    rollback->setObjectName(QStringLiteral("rollbackButton"));
    QPushButton *later = box->addButton(QStringLiteral("Later"), QMessageBox::RejectRole);
    box->setDefaultButton(later);
    connect(box, &QMessageBox::finished, this, [this, box, rollback, record] {
        if (box->clickedButton() != rollback)
            return;
        QString error;
        if (!m_runner->rollback(record, &error))
            m_window->showError(QStringLiteral("Roll back the drill"), error);
    });
    box->open();
    Q_EMIT rollbackOffered(record);
}

} // namespace cw
