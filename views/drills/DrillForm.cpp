#include "views/drills/DrillForm.h"

#include "models/Formatter.h"
#include "services/drills/DrillFile.h"
#include "views/StatePalette.h"
#include "views/drills/DurationSpinBox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

namespace cw {

namespace {

constexpr SteadyStateCheck kChecks[]
    = { SteadyStateCheck::AllNodesHealthy, SteadyStateCheck::LoadBalancerAnswers,
          SteadyStateCheck::QueueDraining, SteadyStateCheck::NoStuckExecutions };
constexpr DrillFault kFaults[]
    = { DrillFault::Stop, DrillFault::Kill, DrillFault::Pause, DrillFault::Restart };
constexpr RecoveryAction kActions[]
    = { RecoveryAction::Start, RecoveryAction::Unpause, RecoveryAction::Restart };

/// The name the form's source has in a loader message; stripped again before it is shown.
const QString kSource = QStringLiteral("form");

QString checkLabel(SteadyStateCheck check)
{
    switch (check) {
    case SteadyStateCheck::AllNodesHealthy:
        return QStringLiteral("All nodes healthy");
    case SteadyStateCheck::LoadBalancerAnswers:
        return QStringLiteral("The load balancer answers");
    case SteadyStateCheck::QueueDraining:
        return QStringLiteral("The queue drains");
    case SteadyStateCheck::NoStuckExecutions:
        return QStringLiteral("No stuck executions");
    }
    return {};
}

/// What a check needs in the cluster file, or empty when every cluster can make it (the rule
/// of services/drills' reader).
QString checkNeeds(SteadyStateCheck check, const ClusterConfig &cluster)
{
    switch (check) {
    case SteadyStateCheck::AllNodesHealthy:
        return {};
    case SteadyStateCheck::LoadBalancerAnswers:
        return cluster.loadBalancerUrl.isEmpty() ? QStringLiteral("load_balancer:") : QString();
    case SteadyStateCheck::QueueDraining:
        return cluster.redis.configured ? QString() : QStringLiteral("a redis: section");
    case SteadyStateCheck::NoStuckExecutions:
        return cluster.postgres.configured ? QString() : QStringLiteral("a postgres: section");
    }
    return {};
}

QString actionLabel(RecoveryAction action)
{
    switch (action) {
    case RecoveryAction::Start:
        return QStringLiteral("start (docker start)");
    case RecoveryAction::Unpause:
        return QStringLiteral("unpause (docker unpause)");
    case RecoveryAction::Restart:
        return QStringLiteral("restart (docker restart)");
    }
    return {};
}

QString nodeKey(const QString &node)
{
    return QStringLiteral("node:") + node;
}

QString targetKeyOf(const DrillTarget &target)
{
    return target.kind == DrillTargetKind::Node ? nodeKey(target.node) : toString(target.kind);
}

/// A percentage shown without trailing zeros: "50 %", "12.5 %".
class PercentSpinBox final : public QDoubleSpinBox {
public:
    using QDoubleSpinBox::QDoubleSpinBox;

protected:
    QString textFromValue(double value) const override
    {
        return QLocale::c().toString(value, 'g', QLocale::FloatingPointShortest);
    }
};

/// A loader field ("prober.requests_per_second", "steady_state[2]") in the form's words.
QString fieldLabel(const QString &field)
{
    struct Name {
        const char *field;
        const char *label;
    };
    static constexpr Name kNames[] = {
        { "name", "Name" },
        { "description", "Description" },
        { "target", "Target" },
        { "container", "Container" },
        { "fault", "Fault" },
        { "duration", "Duration" },
        { "steady_state", "Steady state" },
        { "prober.path", "Path" },
        { "prober.requests_per_second", "Requests per second" },
        { "prober.slow_threshold", "Slow after" },
        { "prober", "Prober" },
        { "abort.error_rate", "Error rate" },
        { "abort.max_duration", "Max duration" },
        { "abort", "Abort" },
        { "recovery.action", "Recovery action" },
        { "recovery.automatic", "Recover automatically" },
    };
    for (const Name &name : kNames) {
        if (field.startsWith(QLatin1String(name.field)))
            return QLatin1String(name.label);
    }
    return field;
}

} // namespace

DrillForm::DrillForm(ClusterConfig cluster, QWidget *parent)
    : QWidget(parent)
    , m_cluster(std::move(cluster))
{
    setObjectName(QStringLiteral("drillForm"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *columns = new QHBoxLayout;
    auto *left = new QVBoxLayout;
    left->addWidget(buildDrill());
    left->addWidget(buildSteadyState());
    left->addStretch();
    auto *right = new QVBoxLayout;
    right->addWidget(buildProber());
    right->addWidget(buildAbortAndRecovery());
    right->addStretch();
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    layout->addLayout(columns);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("formError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette pal = m_error->palette();
    pal.setColor(QPalette::WindowText, palette::bad());
    m_error->setPalette(pal);
    QFont bold = m_error->font();
    bold.setBold(true);
    m_error->setFont(bold);
    m_error->hide();
    layout->addWidget(m_error);

    fillTargets();
    applyAvailability();
    setSpec(defaultSpec(m_cluster));
}

QWidget *DrillForm::buildDrill()
{
    auto *box = new QGroupBox(QStringLiteral("Drill"), this);
    auto *form = new QFormLayout(box);
    m_name = new QLineEdit(box);
    m_name->setObjectName(QStringLiteral("drillName"));
    m_name->setPlaceholderText(QStringLiteral("e.g. worker-1 stop"));
    m_description = new QLineEdit(box);
    m_description->setObjectName(QStringLiteral("drillDescription"));
    m_description->setPlaceholderText(
        QStringLiteral("what should happen (optional, for the report)"));
    // Room for a sentence: the description is read in the report.
    m_description->setMinimumWidth(fontMetrics().averageCharWidth() * 58);
    m_target = new QComboBox(box);
    m_target->setObjectName(QStringLiteral("drillTarget"));
    m_container = new QLineEdit(box);
    m_container->setObjectName(QStringLiteral("drillContainer"));
    m_fault = new QComboBox(box);
    m_fault->setObjectName(QStringLiteral("drillFault"));
    for (DrillFault fault : kFaults)
        m_fault->addItem(toString(fault), int(fault));
    m_faultText = new QLabel(box);
    m_faultText->setObjectName(QStringLiteral("faultExplanation"));
    m_faultText->setWordWrap(true);
    // A wrapped label in a form layout gets one line's height when the dialog is short: keep
    // room for the longest explanation (three lines).
    m_faultText->setMinimumHeight(m_faultText->fontMetrics().lineSpacing() * 3 + 2);
    m_faultText->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    QPalette muted = m_faultText->palette();
    muted.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
    m_faultText->setPalette(muted);

    m_durationKind = new QComboBox(box);
    m_durationKind->setObjectName(QStringLiteral("durationKind"));
    m_durationKind->addItem(
        QStringLiteral("until Clusterwatch detects it"), int(DrillDurationKind::UntilDetected));
    m_durationKind->addItem(QStringLiteral("until the cluster works around it"),
        int(DrillDurationKind::UntilRecovered));
    m_durationKind->addItem(QStringLiteral("for a fixed time"), int(DrillDurationKind::Fixed));
    m_durationFixed = new DurationSpinBox(box);
    m_durationFixed->setObjectName(QStringLiteral("durationFixed"));
    auto *duration = new QHBoxLayout;
    duration->addWidget(m_durationKind, 1);
    duration->addWidget(m_durationFixed);

    addRow(form, QStringLiteral("Name:"), m_name, "name");
    addRow(form, QStringLiteral("Description:"), m_description, "description");
    addRow(form, QStringLiteral("Target:"), m_target, "target");
    addRow(form, QStringLiteral("Container:"), m_container, "container");
    addRow(form, QStringLiteral("Fault:"), m_fault, "fault");
    form->addRow(QString(), m_faultText);
    addRow(form, QStringLiteral("Hold the fault:"), duration, "duration");

    connect(m_name, &QLineEdit::textChanged, this, &DrillForm::noteChange);
    connect(m_description, &QLineEdit::textChanged, this, &DrillForm::noteChange);
    connect(m_target, &QComboBox::currentIndexChanged, this, &DrillForm::onTargetChanged);
    connect(m_container, &QLineEdit::textEdited, this, [this](const QString &text) {
        m_infraContainers[targetKey()] = text;
        noteChange();
    });
    connect(m_fault, &QComboBox::currentIndexChanged, this, &DrillForm::onFaultChanged);
    connect(
        m_durationKind, &QComboBox::currentIndexChanged, this, &DrillForm::onDurationKindChanged);
    connect(m_durationFixed, &QSpinBox::valueChanged, this, &DrillForm::noteChange);
    return box;
}

QWidget *DrillForm::buildSteadyState()
{
    auto *box
        = new QGroupBox(QStringLiteral("Steady state (before the fault and after recovery)"), this);
    m_fieldLabels.insert(QStringLiteral("steady_state"), box);
    auto *layout = new QVBoxLayout(box);
    for (SteadyStateCheck check : kChecks) {
        auto *checkBox = new QCheckBox(checkLabel(check), box);
        checkBox->setObjectName(QStringLiteral("check_") + toString(check));
        m_checks.insert(check, checkBox);
        layout->addWidget(checkBox);
        connect(checkBox, &QCheckBox::toggled, this, &DrillForm::noteChange);
    }
    return box;
}

QWidget *DrillForm::buildProber()
{
    m_prober = new QGroupBox(QStringLiteral("Prober: requests through the load balancer"), this);
    m_prober->setObjectName(QStringLiteral("proberGroup"));
    m_prober->setCheckable(true);
    m_fieldLabels.insert(QStringLiteral("prober"), m_prober);
    auto *form = new QFormLayout(m_prober);
    m_path = new QLineEdit(m_prober);
    m_path->setObjectName(QStringLiteral("proberPath"));
    m_path->setPlaceholderText(QStringLiteral("/healthz"));
    // Below the loader's minimum on purpose: the loader says why 5 is not enough.
    m_rate = new QSpinBox(m_prober);
    m_rate->setObjectName(QStringLiteral("proberRate"));
    m_rate->setRange(1, 10'000);
    m_rate->setSuffix(QStringLiteral(" per second"));
    m_slow = new DurationSpinBox(m_prober);
    m_slow->setObjectName(QStringLiteral("proberSlow"));
    m_slow->setSingleStep(100);
    addRow(form, QStringLiteral("Path:"), m_path, "prober.path");
    addRow(form, QStringLiteral("Requests:"), m_rate, "prober.requests_per_second");
    addRow(form, QStringLiteral("Slow after:"), m_slow, "prober.slow_threshold");
    connect(m_prober, &QGroupBox::toggled, this, &DrillForm::onProberToggled);
    connect(m_path, &QLineEdit::textChanged, this, &DrillForm::noteChange);
    connect(m_rate, &QSpinBox::valueChanged, this, &DrillForm::noteChange);
    connect(m_slow, &QSpinBox::valueChanged, this, &DrillForm::noteChange);
    return m_prober;
}

QWidget *DrillForm::buildAbortAndRecovery()
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *abort = new QGroupBox(QStringLiteral("Abort and roll back when"), box);
    auto *abortForm = new QFormLayout(abort);
    m_fieldLabels.insert(QStringLiteral("abort"), abort);
    m_errorRate = new QCheckBox(QStringLiteral("more than"), abort);
    m_errorRate->setObjectName(QStringLiteral("errorRateEnabled"));
    m_errorAbove = new PercentSpinBox(abort);
    m_errorAbove->setObjectName(QStringLiteral("errorRateAbove"));
    m_errorAbove->setRange(0, 100);
    m_errorAbove->setDecimals(2);
    m_errorAbove->setSuffix(QStringLiteral(" %"));
    m_errorFor = new DurationSpinBox(abort);
    m_errorFor->setObjectName(QStringLiteral("errorRateFor"));
    auto *rate = new QHBoxLayout;
    rate->addWidget(m_errorRate);
    rate->addWidget(m_errorAbove);
    rate->addWidget(new QLabel(QStringLiteral("fail for"), abort));
    rate->addWidget(m_errorFor);
    rate->addStretch();
    m_maxDuration = new DurationSpinBox(abort);
    m_maxDuration->setObjectName(QStringLiteral("maxDuration"));
    addRow(abortForm, QStringLiteral("Requests:"), rate, "abort.error_rate");
    addRow(abortForm, QStringLiteral("The fault is held:"), m_maxDuration, "abort.max_duration");
    connect(m_errorRate, &QCheckBox::toggled, this, [this] {
        m_errorAbove->setEnabled(m_errorRate->isChecked());
        m_errorFor->setEnabled(m_errorRate->isChecked());
        noteChange();
    });
    connect(m_errorAbove, &QDoubleSpinBox::valueChanged, this, &DrillForm::noteChange);
    connect(m_errorFor, &QSpinBox::valueChanged, this, &DrillForm::noteChange);
    connect(m_maxDuration, &QSpinBox::valueChanged, this, &DrillForm::noteChange);
    layout->addWidget(abort);

    auto *recovery = new QGroupBox(QStringLiteral("Recovery"), box);
    auto *recoveryForm = new QFormLayout(recovery);
    m_fieldLabels.insert(QStringLiteral("recovery"), recovery);
    m_recovery = new QComboBox(recovery);
    m_recovery->setObjectName(QStringLiteral("recoveryAction"));
    m_automatic = new QCheckBox(
        QStringLiteral("Recover as soon as the fault ends (else wait for me)"), recovery);
    m_automatic->setObjectName(QStringLiteral("recoveryAutomatic"));
    m_fieldLabels.insert(QStringLiteral("recovery.automatic"), m_automatic);
    auto *note = new QLabel(
        QStringLiteral("On abort, on an error and when Clusterwatch closes, the target is always "
                       "brought back."),
        recovery);
    note->setWordWrap(true);
    note->setPalette(m_faultText->palette());
    addRow(recoveryForm, QStringLiteral("Action:"), m_recovery, "recovery.action");
    recoveryForm->addRow(m_automatic);
    recoveryForm->addRow(note);
    connect(m_recovery, &QComboBox::currentIndexChanged, this, &DrillForm::noteChange);
    connect(m_automatic, &QCheckBox::toggled, this, &DrillForm::noteChange);
    layout->addWidget(recovery);
    return box;
}

void DrillForm::fillTargets()
{
    const QSignalBlocker block(m_target);
    m_target->clear();
    for (const NodeConfig &node : m_cluster.nodes) {
        // A drill acts on a container: a node the cluster file gives none cannot be a target.
        if (node.container.isEmpty())
            continue;
        m_target->addItem(
            QStringLiteral("%1 (container %2)").arg(node.name, node.container), nodeKey(node.name));
    }
    if (m_cluster.redis.configured)
        m_target->addItem(QStringLiteral("Redis (%1)").arg(m_cluster.redis.endpoint()),
            toString(DrillTargetKind::Redis));
    if (m_cluster.postgres.configured)
        m_target->addItem(QStringLiteral("PostgreSQL (%1)").arg(m_cluster.postgres.endpoint()),
            toString(DrillTargetKind::Postgres));
    if (!m_cluster.loadBalancerUrl.isEmpty())
        m_target->addItem(
            QStringLiteral("Load balancer (%1)").arg(m_cluster.loadBalancerUrl.toDisplayString()),
            toString(DrillTargetKind::LoadBalancer));
}

void DrillForm::applyAvailability()
{
    for (auto it = m_checks.cbegin(); it != m_checks.cend(); ++it) {
        const QString needs = checkNeeds(it.key(), m_cluster);
        it.value()->setEnabled(needs.isEmpty() || it.value()->isChecked());
        it.value()->setText(needs.isEmpty() ? checkLabel(it.key())
                                            : QStringLiteral("%1 (needs %2 in the cluster file)")
                                                  .arg(checkLabel(it.key()), needs));
    }
    const bool balancer = !m_cluster.loadBalancerUrl.isEmpty();
    m_prober->setEnabled(balancer || m_prober->isChecked());
    m_prober->setToolTip(balancer
            ? QStringLiteral("Sent to %1").arg(m_cluster.loadBalancerUrl.toDisplayString())
            : QStringLiteral("Needs load_balancer: in the cluster file"));
    m_faultText->setText(faultExplanation(DrillFault(m_fault->currentData().toInt()), m_cluster));
}

void DrillForm::setCluster(const ClusterConfig &cluster)
{
    const DrillSpec entered = rawSpec();
    m_cluster = cluster;
    fillTargets();
    setSpec(entered);
}

DrillSpec DrillForm::defaultSpec(const ClusterConfig &cluster)
{
    QString target;
    for (const NodeConfig &node : cluster.nodes) {
        if (!node.container.isEmpty()) {
            target = node.name;
            break;
        }
    }
    if (target.isEmpty()) {
        if (cluster.redis.configured)
            target = QStringLiteral("redis");
        else if (cluster.postgres.configured)
            target = QStringLiteral("postgres");
        else if (!cluster.loadBalancerUrl.isEmpty())
            target = QStringLiteral("load_balancer");
    }
    // The loader fills in its own defaults for the rest.
    DrillSpec minimal;
    minimal.name
        = QStringLiteral("%1 stop").arg(target.isEmpty() ? QStringLiteral("drill") : target);
    if (!target.isEmpty()) {
        minimal.target.kind = target == QLatin1String("redis") ? DrillTargetKind::Redis
            : target == QLatin1String("postgres")              ? DrillTargetKind::Postgres
            : target == QLatin1String("load_balancer")         ? DrillTargetKind::LoadBalancer
                                                               : DrillTargetKind::Node;
        minimal.target.node = minimal.target.kind == DrillTargetKind::Node ? target : QString();
        const QByteArray yaml = "name: \"" + minimal.name.toUtf8() + "\"\ntarget: \""
            + target.toUtf8() + "\"\nfault: stop\n";
        const Result<DrillSpec> parsed = parseDrillSpec(yaml, kSource, cluster);
        if (parsed.ok())
            return parsed.value();
    }
    return minimal;
}

QString DrillForm::faultExplanation(DrillFault fault, const ClusterConfig &cluster)
{
    switch (fault) {
    case DrillFault::Stop:
        return QStringLiteral("docker stop: SIGTERM, then SIGKILL after %1. The container exits "
                              "cleanly, as in a deploy or a host reboot.")
            .arg(DurationSpinBox::format(cluster.actions.stopGrace.count()));
    case DrillFault::Kill:
        return QStringLiteral("docker kill: SIGKILL at once, like a crash or the OOM killer. "
                              "Running executions are cut off.");
    case DrillFault::Pause:
        return QStringLiteral("docker pause: the processes freeze with their sockets open, like a "
                              "hung process. Clients wait instead of being refused.");
    case DrillFault::Restart:
        return QStringLiteral("docker restart: stop, then start again at once. Shows how fast it "
                              "comes back and rejoins.");
    }
    return {};
}

QString DrillForm::targetKey() const
{
    return m_target->currentData().toString();
}

void DrillForm::setSpec(const DrillSpec &spec)
{
    m_filling = true;
    m_name->setText(spec.name);
    m_description->setText(spec.description);
    m_description->setCursorPosition(0);

    const QString key = targetKeyOf(spec.target);
    if (spec.target.kind != DrillTargetKind::Node)
        m_infraContainers[key] = spec.target.container;
    int index = m_target->findData(key);
    if (index < 0) {
        // Shown as it is; spec() will say what the cluster thinks of it.
        m_target->addItem(
            QStringLiteral("%1 (not offered by this cluster)").arg(spec.target.name()), key);
        index = m_target->count() - 1;
    }
    m_target->setCurrentIndex(index);
    onTargetChanged();

    m_fault->setCurrentIndex(m_fault->findData(int(spec.fault)));
    m_durationKind->setCurrentIndex(m_durationKind->findData(int(spec.duration.kind)));
    m_durationFixed->setDuration(
        spec.duration.fixed.count() > 0 ? spec.duration.fixed : std::chrono::seconds(60));
    onDurationKindChanged();

    m_checkOrder = spec.steadyState;
    for (auto it = m_checks.cbegin(); it != m_checks.cend(); ++it)
        it.value()->setChecked(spec.steadyState.contains(it.key()));

    m_prober->setChecked(spec.prober.enabled);
    m_path->setText(spec.prober.path);
    m_rate->setValue(spec.prober.requestsPerSecond);
    m_slow->setDuration(spec.prober.slowThreshold);

    m_errorRate->setChecked(spec.abort.errorRate.has_value());
    const DrillErrorRateAbort rate
        = spec.abort.errorRate.value_or(DrillErrorRateAbort { 50, std::chrono::seconds(10) });
    m_errorAbove->setValue(rate.abovePercent);
    m_errorFor->setDuration(rate.forDuration);
    m_errorAbove->setEnabled(m_errorRate->isChecked());
    m_errorFor->setEnabled(m_errorRate->isChecked());
    m_maxDuration->setDuration(spec.abort.maxDuration);

    fillRecoveryActions(spec.recovery.action);
    m_automatic->setChecked(spec.recovery.automatic);
    applyAvailability();
    onProberToggled();
    m_filling = false;
    showError(QString());
    Q_EMIT changed();
}

void DrillForm::onTargetChanged()
{
    const QString key = targetKey();
    if (key.startsWith(QLatin1String("node:"))) {
        const QString name = key.mid(5);
        QString container;
        for (const NodeConfig &node : m_cluster.nodes) {
            if (node.name == name)
                container = node.container;
        }
        m_container->setText(container);
        m_container->setReadOnly(true);
        m_container->setPlaceholderText(QString());
        m_container->setToolTip(QStringLiteral("A node's container comes from the cluster file"));
    } else {
        m_container->setText(m_infraContainers.value(key));
        m_container->setReadOnly(false);
        m_container->setPlaceholderText(
            QStringLiteral("the container that runs it (needed to inject the fault)"));
        m_container->setToolTip(QString());
    }
    noteChange();
}

void DrillForm::onFaultChanged()
{
    const auto fault = DrillFault(m_fault->currentData().toInt());
    m_faultText->setText(faultExplanation(fault, m_cluster));
    fillRecoveryActions(RecoveryAction(m_recovery->currentData().toInt()));
    noteChange();
}

void DrillForm::fillRecoveryActions(RecoveryAction wanted)
{
    const auto fault = DrillFault(m_fault->currentData().toInt());
    const QSignalBlocker block(m_recovery);
    const bool keep = m_recovery->count() > 0 && canRecover(fault, wanted);
    m_recovery->clear();
    for (RecoveryAction action : kActions) {
        // Only what undoes the fault: unpause after pause, start after stop and kill.
        if (canRecover(fault, action))
            m_recovery->addItem(actionLabel(action), int(action));
    }
    const RecoveryAction chosen
        = (keep || m_filling) && canRecover(fault, wanted) ? wanted : defaultRecovery(fault);
    m_recovery->setCurrentIndex(std::max(0, m_recovery->findData(int(chosen))));
}

void DrillForm::onDurationKindChanged()
{
    m_durationFixed->setVisible(
        DrillDurationKind(m_durationKind->currentData().toInt()) == DrillDurationKind::Fixed);
    noteChange();
}

void DrillForm::onProberToggled()
{
    // The error-rate abort counts the prober's failures: without the prober it cannot apply.
    const bool on = m_prober->isChecked();
    m_errorRate->setEnabled(on);
    m_errorAbove->setEnabled(on && m_errorRate->isChecked());
    m_errorFor->setEnabled(on && m_errorRate->isChecked());
    m_errorRate->setToolTip(on ? QString() : QStringLiteral("Needs the prober"));
    m_prober->setEnabled(!m_cluster.loadBalancerUrl.isEmpty() || on);
    noteChange();
}

void DrillForm::noteChange()
{
    if (!m_filling)
        Q_EMIT changed();
}

DrillSpec DrillForm::rawSpec() const
{
    DrillSpec spec;
    spec.name = m_name->text().trimmed();
    spec.description = m_description->text().trimmed();
    const QString key = targetKey();
    if (key.startsWith(QLatin1String("node:"))) {
        spec.target.kind = DrillTargetKind::Node;
        spec.target.node = key.mid(5);
        spec.target.container = m_container->text();
    } else {
        spec.target.kind = key == QLatin1String("redis") ? DrillTargetKind::Redis
            : key == QLatin1String("postgres")           ? DrillTargetKind::Postgres
                                                         : DrillTargetKind::LoadBalancer;
        spec.target.container = m_container->text().trimmed();
    }
    spec.fault = DrillFault(m_fault->currentData().toInt());
    spec.duration.kind = DrillDurationKind(m_durationKind->currentData().toInt());
    if (spec.duration.kind == DrillDurationKind::Fixed)
        spec.duration.fixed = m_durationFixed->duration();

    // The loaded order first, then what was ticked since, in the usual order.
    for (SteadyStateCheck check : m_checkOrder) {
        if (m_checks.value(check)->isChecked())
            spec.steadyState.append(check);
    }
    for (SteadyStateCheck check : kChecks) {
        if (m_checks.value(check)->isChecked() && !spec.steadyState.contains(check))
            spec.steadyState.append(check);
    }

    spec.prober.enabled = m_prober->isChecked();
    spec.prober.path = m_path->text().trimmed();
    spec.prober.requestsPerSecond = m_rate->value();
    spec.prober.slowThreshold = m_slow->duration();
    if (spec.prober.enabled && m_errorRate->isChecked())
        spec.abort.errorRate
            = DrillErrorRateAbort { m_errorAbove->value(), m_errorFor->duration() };
    spec.abort.maxDuration = m_maxDuration->duration();
    spec.recovery.action = RecoveryAction(m_recovery->currentData().toInt());
    spec.recovery.automatic = m_automatic->isChecked();
    return spec;
}

Result<DrillSpec> DrillForm::spec() const
{
    // Through the file and back: the form accepts exactly what a drill file may say.
    Result<DrillSpec> parsed = parseDrillSpec(writeDrillFile(rawSpec()), kSource, m_cluster);
    showError(parsed.ok() ? QString() : parsed.error());
    if (parsed.ok())
        return parsed;
    return Error { errorText() };
}

QString DrillForm::errorText() const
{
    return m_error->text();
}

void DrillForm::showError(const QString &error) const
{
    for (QWidget *label : m_fieldLabels)
        label->setPalette(QPalette());
    if (error.isEmpty()) {
        m_error->clear();
        m_error->hide();
        return;
    }
    // "form:14: prober.requests_per_second: expected ..." -> the field and the message; the
    // line of a file the user never sees means nothing.
    static const QRegularExpression located(
        QStringLiteral("^[^:]*:\\d+: (?:([a-z_.\\[\\]0-9]+): )?"));
    const QRegularExpressionMatch match = located.match(error);
    const QString field = match.hasMatch() ? match.captured(1) : QString();
    const QString message = match.hasMatch() ? error.mid(match.capturedLength()) : error;
    m_error->setText(field.isEmpty() ? message
                                     : QStringLiteral("%1: %2 (%3 in the drill file)")
                                           .arg(fieldLabel(field), message, field));
    m_error->show();

    // The label of the field named (the longest registered prefix: "prober.path" before
    // "prober") turns red too.
    QString best;
    for (auto it = m_fieldLabels.cbegin(); it != m_fieldLabels.cend(); ++it) {
        if (field.startsWith(it.key()) && it.key().size() > best.size())
            best = it.key();
    }
    if (QWidget *label = m_fieldLabels.value(best)) {
        QPalette pal = label->palette();
        pal.setColor(QPalette::WindowText, palette::bad());
        pal.setColor(QPalette::ButtonText, palette::bad());
        label->setPalette(pal);
    }
}

void DrillForm::addRow(QFormLayout *form, const QString &label, QWidget *field, const char *key)
{
    auto *text = new QLabel(label);
    text->setBuddy(field);
    form->addRow(text, field);
    m_fieldLabels.insert(QLatin1String(key), text);
}

void DrillForm::addRow(QFormLayout *form, const QString &label, QLayout *field, const char *key)
{
    auto *text = new QLabel(label);
    form->addRow(text, field);
    m_fieldLabels.insert(QLatin1String(key), text);
}

} // namespace cw
