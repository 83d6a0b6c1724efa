#pragma once

#include "models/DrillRecord.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace cw {

class DrillTimelineChart;

/// The live view of one drill, readable from across the room: the drill's name, target and
/// verdict, the phase and the time since it started; the timeline; the steps as they run;
/// the figures ("—" until known); and the buttons the moment allows: Abort while it runs,
/// Recover now while recovery waits for the operator, Open report and Re-run once it ended.
/// Takes plain records (DrillRunner::progressed / finished) and asks by signals.
class DrillPanel final : public QWidget {
    Q_OBJECT
public:
    explicit DrillPanel(QWidget *parent = nullptr);

    /// Shows @p record. @p running: the drill has not ended; @p awaitingRecovery: the fault is
    /// held until the operator recovers it (DrillRunner::awaitingRecovery()).
    void setRecord(const cw::DrillRecord &record, bool running, bool awaitingRecovery);
    [[nodiscard]] const DrillRecord &record() const { return m_record; }
    [[nodiscard]] bool isRunning() const { return m_running; }
    [[nodiscard]] DrillTimelineChart *timeline() const { return m_chart; }

    /// How long the drill has run: to its end once finished, else to the latest thing it
    /// recorded (its own monotonic offsets, so no wall clock is read).
    static qint64 elapsedMs(const DrillRecord &record);

Q_SIGNALS:
    void abortRequested();
    void recoverRequested();
    void openReportRequested();
    void rerunRequested();

private:
    QWidget *buildHeader();
    QWidget *buildFigures();
    QWidget *buildButtons();
    void showHeader();
    void showFigures();
    void showSteps();
    void showButtons();

    DrillRecord m_record;
    bool m_running = false;
    bool m_awaiting = false;

    QLabel *m_name = nullptr;
    QLabel *m_target = nullptr;
    QLabel *m_verdict = nullptr;
    QLabel *m_phase = nullptr;
    QLabel *m_reason = nullptr;
    QLabel *m_awaitingBanner = nullptr;
    QLabel *m_detection = nullptr;
    QLabel *m_alert = nullptr;
    QLabel *m_recovery = nullptr;
    QLabel *m_rto = nullptr;
    QLabel *m_completed = nullptr;
    QLabel *m_requests = nullptr;
    QLabel *m_failed = nullptr;
    QLabel *m_slow = nullptr;
    QLabel *m_errorWindow = nullptr;
    QLabel *m_maxLatency = nullptr;
    DrillTimelineChart *m_chart = nullptr;
    QTreeWidget *m_steps = nullptr;
    QPushButton *m_abort = nullptr;
    QPushButton *m_recover = nullptr;
    QPushButton *m_report = nullptr;
    QPushButton *m_rerun = nullptr;
};

} // namespace cw
