#include "views/drills/DrillPanel.h"

#include "models/Formatter.h"
#include "views/PanelHelpers.h"
#include "views/StatePalette.h"
#include "views/charts/DrillTimelineChart.h"
#include "views/drills/DrillStyle.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace cw {

namespace {

enum StepColumn { PhaseColumn, TitleColumn, AtColumn, TookColumn, OutcomeColumn, StepColumns };

QString durationText(const DrillDuration &duration)
{
    switch (duration.kind) {
    case DrillDurationKind::Fixed:
        return QStringLiteral("held %1").arg(fmt::duration(double(duration.fixed.count())));
    case DrillDurationKind::UntilDetected:
        return QStringLiteral("held until detected");
    case DrillDurationKind::UntilRecovered:
        return QStringLiteral("held until the cluster works around it");
    }
    return {};
}

QString offsetText(qint64 ms)
{
    return ms <= 0 ? QStringLiteral("+0 s") : QStringLiteral("+%1").arg(fmt::duration(double(ms)));
}

QString optionalDuration(const std::optional<qint64> &ms)
{
    return ms ? fmt::duration(double(*ms)) : fmt::none();
}

QString shareText(qint64 part, qint64 whole)
{
    if (whole <= 0 || part <= 0)
        return fmt::count(part);
    return QStringLiteral("%1 (%2)").arg(
        fmt::count(part), fmt::percent(100.0 * double(part) / double(whole)));
}

} // namespace

DrillPanel::DrillPanel(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("drillPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildHeader());
    m_awaitingBanner = panel::makeStatusLabel(this, QStringLiteral("awaitingRecovery"));
    m_awaitingBanner->setFont(drillstyle::scaled(m_awaitingBanner->font(), 1.3, true));
    panel::setStatus(m_awaitingBanner,
        QStringLiteral("The fault is held and recovery waits for you: press Recover now when "
                       "you have seen enough (or Abort)."),
        palette::warn());
    m_awaitingBanner->hide();
    layout->addWidget(m_awaitingBanner);
    layout->addWidget(buildFigures());

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    m_chart = new DrillTimelineChart(splitter);
    m_chart->setMinimumHeight(260);
    m_steps = new QTreeWidget(splitter);
    m_steps->setObjectName(QStringLiteral("drillSteps"));
    m_steps->setColumnCount(StepColumns);
    m_steps->setHeaderLabels({ QStringLiteral("Phase"), QStringLiteral("Step"),
        QStringLiteral("At"), QStringLiteral("Took"), QStringLiteral("Outcome") });
    m_steps->setRootIsDecorated(false);
    m_steps->setUniformRowHeights(true);
    m_steps->setSelectionMode(QAbstractItemView::NoSelection);
    m_steps->setFocusPolicy(Qt::NoFocus);
    m_steps->setFont(drillstyle::scaled(font(), 1.1, false));
    QHeaderView *header = m_steps->header();
    header->setStretchLastSection(false);
    const int digit = QFontMetrics(m_steps->font()).horizontalAdvance(QLatin1Char('0'));
    header->resizeSection(PhaseColumn, digit * 11);
    header->setSectionResizeMode(TitleColumn, QHeaderView::Stretch);
    header->resizeSection(AtColumn, digit * 12);
    header->resizeSection(TookColumn, digit * 12);
    header->resizeSection(OutcomeColumn, digit * 10);
    m_steps->setMinimumHeight(QFontMetrics(m_steps->font()).height() * 6);
    splitter->addWidget(m_chart);
    splitter->addWidget(m_steps);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    // The timeline is what people watch; the steps list scrolls.
    splitter->setSizes({ 2500, 1000 });
    layout->addWidget(splitter, 1);
    layout->addWidget(buildButtons());
    setRecord(DrillRecord(), false, false);
}

QWidget *DrillPanel::buildHeader()
{
    auto *box = new QWidget(this);
    auto *grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    m_name = new QLabel(box);
    m_name->setObjectName(QStringLiteral("drillTitle"));
    m_name->setFont(drillstyle::scaled(font(), 2.0, true));
    m_target = new QLabel(box);
    m_target->setObjectName(QStringLiteral("drillTarget"));
    m_target->setFont(drillstyle::scaled(font(), 1.2, false));
    m_target->setWordWrap(true);
    m_phase = new QLabel(box);
    m_phase->setObjectName(QStringLiteral("drillPhase"));
    m_phase->setFont(drillstyle::scaled(font(), 1.6, true));
    m_phase->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_verdict = panel::makeStatusLabel(box, QStringLiteral("drillVerdict"));
    m_verdict->setFont(drillstyle::scaled(font(), 1.8, true));
    m_verdict->setAlignment(Qt::AlignCenter);
    m_verdict->setMargin(10);
    m_verdict->setWordWrap(false);
    m_verdict->setMinimumWidth(
        QFontMetrics(m_verdict->font()).horizontalAdvance(QStringLiteral("DEVIATED")) + 40);
    m_reason = new QLabel(box);
    m_reason->setObjectName(QStringLiteral("drillReason"));
    m_reason->setWordWrap(true);
    m_reason->setFont(drillstyle::scaled(font(), 1.15, false));
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(m_name, 0, 0);
    grid->addWidget(m_phase, 0, 1);
    grid->addWidget(m_verdict, 0, 2, 2, 1);
    grid->addWidget(m_target, 1, 0, 1, 2);
    grid->addWidget(m_reason, 2, 0, 1, 3);
    grid->setColumnStretch(0, 1);
    grid->setHorizontalSpacing(16);
    return box;
}

QWidget *DrillPanel::buildFigures()
{
    auto *box = new QWidget(this);
    auto *grid = new QGridLayout(box);
    grid->setContentsMargins(0, 4, 0, 4);
    m_detection = panel::addFigure(
        grid, 0, 0, QStringLiteral("detected after"), QStringLiteral("figureDetection"));
    m_alert = panel::addFigure(
        grid, 0, 1, QStringLiteral("first alert after"), QStringLiteral("figureAlert"));
    m_recovery = panel::addFigure(
        grid, 0, 2, QStringLiteral("healthy after recovery"), QStringLiteral("figureRecovery"));
    m_rto = panel::addFigure(
        grid, 0, 3, QStringLiteral("RTO (fault → healthy)"), QStringLiteral("figureRto"));
    m_completed = panel::addFigure(grid, 0, 4, QStringLiteral("jobs done during the fault"),
        QStringLiteral("figureCompleted"));
    m_requests = panel::addFigure(
        grid, 1, 0, QStringLiteral("prober requests"), QStringLiteral("figureRequests"));
    m_failed
        = panel::addFigure(grid, 1, 1, QStringLiteral("failed"), QStringLiteral("figureFailed"));
    m_slow = panel::addFigure(grid, 1, 2, QStringLiteral("slow"), QStringLiteral("figureSlow"));
    m_errorWindow = panel::addFigure(
        grid, 1, 3, QStringLiteral("errors seen for"), QStringLiteral("figureErrorWindow"));
    m_maxLatency = panel::addFigure(
        grid, 1, 4, QStringLiteral("slowest answer"), QStringLiteral("figureMaxLatency"));
    for (int column = 0; column < 5; ++column)
        grid->setColumnStretch(column, 1);
    return box;
}

QWidget *DrillPanel::buildButtons()
{
    auto *box = new QWidget(this);
    auto *row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    const QFont big = drillstyle::scaled(font(), 1.25, true);
    m_recover = new QPushButton(QStringLiteral("Recover now"), box);
    m_recover->setObjectName(QStringLiteral("recoverNowButton"));
    m_abort = new QPushButton(QStringLiteral("Abort drill"), box);
    m_abort->setObjectName(QStringLiteral("abortButton"));
    m_abort->setToolTip(QStringLiteral("Stop the drill now and bring the target back"));
    m_report = new QPushButton(QStringLiteral("Open report"), box);
    m_report->setObjectName(QStringLiteral("openReportButton"));
    m_rerun = new QPushButton(QStringLiteral("Re-run…"), box);
    m_rerun->setObjectName(QStringLiteral("rerunButton"));
    for (QPushButton *b : { m_recover, m_abort, m_report, m_rerun }) {
        b->setFont(big);
        b->setMinimumHeight(QFontMetrics(big).height() * 2);
        b->setAutoDefault(false);
    }
    row->addWidget(m_report);
    row->addWidget(m_rerun);
    row->addStretch();
    row->addWidget(m_recover);
    row->addWidget(m_abort);
    connect(m_abort, &QPushButton::clicked, this, &DrillPanel::abortRequested);
    connect(m_recover, &QPushButton::clicked, this, &DrillPanel::recoverRequested);
    connect(m_report, &QPushButton::clicked, this, &DrillPanel::openReportRequested);
    connect(m_rerun, &QPushButton::clicked, this, &DrillPanel::rerunRequested);
    return box;
}

qint64 DrillPanel::elapsedMs(const DrillRecord &record)
{
    if (record.verdict != DrillVerdict::Running && record.finishedWallMs > 0
        && record.startedWallMs > 0)
        return record.finishedWallMs - record.startedWallMs;
    qint64 end = 0;
    for (const DrillStep &s : record.steps)
        end = std::max({ end, s.startMs, s.endMs });
    for (const DrillEvent &e : record.events)
        end = std::max(end, e.atMs);
    if (!record.probes.isEmpty())
        end = std::max(end, record.probes.constLast().sentMs + record.probes.constLast().latencyMs);
    if (!record.target.isEmpty())
        end = std::max(end, record.target.constLast().atMs);
    if (!record.cluster.isEmpty())
        end = std::max(end, record.cluster.constLast().atMs);
    return end;
}

void DrillPanel::setRecord(const DrillRecord &record, bool running, bool awaitingRecovery)
{
    m_record = record;
    m_running = running;
    m_awaiting = running && awaitingRecovery;
    // While it runs the figures are worked out here from what arrived so far; a finished
    // record's figures are the runner's.
    if (running)
        m_record.computeFigures();
    showHeader();
    showFigures();
    showSteps();
    showButtons();
    m_chart->setRecord(m_record);
}

void DrillPanel::showHeader()
{
    const DrillRecord &r = m_record;
    const DrillSpec &spec = r.spec;
    if (spec.name.isEmpty() && r.id.isEmpty()) {
        m_name->setText(QStringLiteral("No drill yet"));
        m_target->setText(QStringLiteral("Start one from Drills ▸ New drill…"));
        m_phase->clear();
        panel::setStatus(m_verdict, QStringLiteral("—"), palette::muted());
        m_reason->hide();
        return;
    }
    m_name->setText(spec.name + (r.dryRun ? QStringLiteral(" (dry run)") : QString()));
    QStringList target;
    target << spec.target.name();
    if (!spec.target.container.isEmpty())
        target << QStringLiteral("container %1").arg(spec.target.container);
    target << QStringLiteral("fault: %1").arg(toString(spec.fault)) << durationText(spec.duration);
    if (!r.dockerHost.isEmpty())
        target << QStringLiteral("on %1").arg(r.dockerHost);
    m_target->setText(target.join(QStringLiteral("  ·  ")));

    const QString elapsed = fmt::duration(double(elapsedMs(r)));
    m_phase->setText(m_running ? QStringLiteral("%1  ·  %2").arg(toString(r.phase), elapsed)
                               : QStringLiteral("took %1").arg(elapsed));
    const bool interrupted = !m_running && r.verdict == DrillVerdict::Running;
    const QString verdict
        = interrupted ? QStringLiteral("INTERRUPTED") : toString(r.verdict).toUpper();
    panel::setStatus(m_verdict, verdict, drillstyle::verdictColor(r.verdict, interrupted));
    QPalette pal = m_verdict->palette();
    pal.setColor(QPalette::WindowText, drillstyle::verdictTextColor(r.verdict, interrupted));
    m_verdict->setPalette(pal);

    QString reason = r.verdictReason;
    for (const QString &deviation : r.deviations)
        reason += QStringLiteral("\n• ") + deviation;
    m_reason->setText(reason.trimmed());
    m_reason->setVisible(!reason.trimmed().isEmpty());
}

void DrillPanel::showFigures()
{
    const DrillRecord &r = m_record;
    const DrillFigures &f = r.figures;
    m_detection->setText(optionalDuration(f.detectionMs));
    m_alert->setText(optionalDuration(f.alertMs));
    m_recovery->setText(optionalDuration(f.recoveryMs));
    m_rto->setText(optionalDuration(f.rtoMs));
    m_completed->setText(
        f.completedDuringFault ? fmt::count(qRound64(*f.completedDuringFault)) : fmt::none());
    // The prober's counts are known once it sent something (or the drill ended with it on).
    const bool probed = f.requests > 0 || (!m_running && r.spec.prober.enabled && !r.dryRun);
    m_requests->setText(probed ? fmt::count(f.requests) : fmt::none());
    m_failed->setText(probed ? shareText(f.failedRequests, f.requests) : fmt::none());
    m_slow->setText(probed ? shareText(f.slowRequests, f.requests) : fmt::none());
    m_errorWindow->setText(f.errorWindowMs
            ? fmt::duration(double(*f.errorWindowMs))
            : (probed && f.failedRequests == 0 ? QStringLiteral("none") : fmt::none()));
    m_maxLatency->setText(f.requests > 0 ? fmt::duration(double(f.maxLatencyMs)) : fmt::none());

    const auto colour = [](QLabel *label, const QColor &c) {
        QPalette pal = label->palette();
        pal.setColor(QPalette::WindowText, c);
        label->setPalette(pal);
    };
    colour(m_failed, f.failedRequests > 0 ? palette::bad() : palette().color(QPalette::WindowText));
    colour(m_slow, f.slowRequests > 0 ? palette::warn() : palette().color(QPalette::WindowText));
    // Outcomes by status ("200: 730, 502: 12") for those who want the detail.
    QStringList outcomes;
    for (auto it = f.outcomes.cbegin(); it != f.outcomes.cend(); ++it)
        outcomes << QStringLiteral("%1: %2").arg(it.key(), fmt::count(it.value()));
    m_requests->setToolTip(outcomes.join(QStringLiteral("\n")));
}

void DrillPanel::showSteps()
{
    const QList<DrillStep> &steps = m_record.steps;
    // Steps only grow while a drill runs: rows are updated in place, not rebuilt.
    while (m_steps->topLevelItemCount() > steps.size())
        delete m_steps->takeTopLevelItem(m_steps->topLevelItemCount() - 1);
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const DrillStep &step = steps.at(i);
        QTreeWidgetItem *item = m_steps->topLevelItem(int(i));
        if (!item) {
            item = new QTreeWidgetItem(m_steps);
            QFont bold = m_steps->font();
            bold.setBold(true);
            item->setFont(OutcomeColumn, bold);
        }
        const auto set = [item](int column, const QString &text) {
            if (item->text(column) != text)
                item->setText(column, text);
        };
        set(PhaseColumn, toString(step.phase));
        set(TitleColumn, step.title);
        set(AtColumn, offsetText(step.startMs));
        set(TookColumn,
            step.endMs >= 0 ? fmt::duration(double(step.endMs - step.startMs))
                            : QStringLiteral("…"));
        set(OutcomeColumn, step.outcome);
        item->setForeground(OutcomeColumn, drillstyle::outcomeColor(step.outcome));
        const QString tip
            = step.detail.isEmpty() ? step.title : step.title + QLatin1Char('\n') + step.detail;
        for (int column = 0; column < StepColumns; ++column) {
            if (item->toolTip(column) != tip)
                item->setToolTip(column, tip);
        }
    }
    if (m_running && !steps.isEmpty())
        m_steps->scrollToItem(m_steps->topLevelItem(int(steps.size()) - 1));
}

void DrillPanel::showButtons()
{
    const bool ended = !m_running && (!m_record.id.isEmpty() || !m_record.spec.name.isEmpty());
    m_abort->setVisible(m_running);
    m_abort->setEnabled(m_running);
    m_recover->setVisible(m_awaiting);
    m_awaitingBanner->setVisible(m_awaiting);
    m_report->setVisible(ended && !m_record.id.isEmpty());
    m_rerun->setVisible(ended);
}

} // namespace cw
