#pragma once

#include "models/DrillRecord.h"
#include "views/drills/DrillDialog.h"

#include <QObject>
#include <QPointer>
#include <memory>

namespace cw {

class ClusterSession;
class DrillHistoryView;
class DrillPanel;
class DrillRunner;
class MainWindow;

/// The drills face of the workstation window: the drill form, the confirmation, the live drill
/// dock, the drill history with its re-runs, and the offer to roll back a drill a killed
/// Clusterwatch left unfinished. The runner does the work; this only wires it to the widgets.
/// Destroyed before the session: a drill still running is rolled back then (DrillRunner).
class DrillsController final : public QObject {
    Q_OBJECT
public:
    /// @p journalDir: where journals and reports go; empty: defaultDrillDirectory().
    DrillsController(ClusterSession *session, MainWindow *window,
        const QString &journalDir = QString(), QObject *parent = nullptr);
    ~DrillsController() override;

    [[nodiscard]] DrillRunner *runner() const { return m_runner.get(); }
    [[nodiscard]] DrillPanel *panel() const { return m_panel; }
    [[nodiscard]] DrillHistoryView *history() const { return m_history; }
    /// The open drill form, if any.
    [[nodiscard]] DrillDialog *dialog() const { return m_dialog; }

    /// Opens the drill form for the current cluster (with @p spec when given: a re-run).
    void openDrillForm(const DrillSpec *spec = nullptr, const QString &drillFile = QString());
    /// Reads the journals again into the history.
    void refreshHistory();
    /// The reports (HTML, PDF) of a finished drill, beside its journal.
    static QString reportBase(const QString &journalPath);

Q_SIGNALS:
    /// The unfinished-drill question is on screen (tests answer it).
    void rollbackOffered(const cw::DrillRecord &record);
    /// A report was written after a drill ended (@p error when it could not be).
    void reportWritten(const QString &pdfPath, const QString &error);

private:
    void onStartRequested(const DrillSpec &spec, const QString &drillFile, bool dryRun);
    void onFinished(const DrillRecord &record, const QString &journalPath);
    void offerRollback();
    void askRollback(const DrillRecord &record);
    void showRecord();

    ClusterSession *m_session;
    MainWindow *m_window;
    std::unique_ptr<DrillRunner> m_runner;
    DrillPanel *m_panel = nullptr; ///< owned by the window's dock
    DrillHistoryView *m_history = nullptr; ///< owned by the window's dock
    QPointer<DrillDialog> m_dialog;
    QString m_lastJournal;
    QString m_offeredFor; ///< the cluster whose unfinished drills were offered already
};

} // namespace cw
