#pragma once

#include "models/ClusterConfig.h"
#include "models/DrillSpec.h"
#include "models/Result.h"

#include <QList>
#include <QMap>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLayout;
class QLineEdit;
class QSpinBox;

namespace cw {

class DurationSpinBox;

/// Edits one failover drill for a cluster: name, target (the cluster's nodes that run in a
/// container, and Redis / PostgreSQL / the load balancer where the cluster file has them),
/// fault, duration, steady-state checks, prober, abort conditions and recovery. Only what the
/// cluster allows is offered. spec() validates by writing the drill file and reading it back
/// against the cluster, so the form accepts exactly what a drill file may say; the loader's
/// error is shown in red under the form, naming the field. No buttons: DrillDialog has them.
class DrillForm final : public QWidget {
    Q_OBJECT
public:
    explicit DrillForm(ClusterConfig cluster, QWidget *parent = nullptr);

    [[nodiscard]] const ClusterConfig &cluster() const { return m_cluster; }
    /// Another cluster: targets and checks are offered anew; what was entered is kept where
    /// it still applies (spec() then says what does not).
    void setCluster(const ClusterConfig &cluster);

    /// Shows @p spec. A target the cluster does not offer is still shown (and spec() fails
    /// naming it), so nothing loaded is silently changed.
    void setSpec(const DrillSpec &spec);
    /// The drill as entered, validated against the cluster; on failure the error is also shown
    /// under the form ("Requests per second: expected a whole number from 10 to 1000, …").
    [[nodiscard]] Result<DrillSpec> spec() const;
    /// The error shown under the form; empty when the last spec() passed.
    [[nodiscard]] QString errorText() const;

    /// What a new drill starts as: the drill file's defaults on the first target offered.
    static DrillSpec defaultSpec(const ClusterConfig &cluster);
    /// One line on what @p fault does to a container.
    static QString faultExplanation(DrillFault fault, const ClusterConfig &cluster);

Q_SIGNALS:
    /// Anything was edited (not emitted for each field while setSpec() fills them).
    void changed();

private:
    QWidget *buildDrill();
    QWidget *buildSteadyState();
    QWidget *buildProber();
    QWidget *buildAbortAndRecovery();
    void fillTargets();
    void applyAvailability();
    void onTargetChanged();
    void onFaultChanged();
    void onDurationKindChanged();
    void onProberToggled();
    void fillRecoveryActions(RecoveryAction wanted);
    void noteChange();
    [[nodiscard]] DrillSpec rawSpec() const;
    void showError(const QString &error) const;
    [[nodiscard]] QString targetKey() const;
    void addRow(QFormLayout *form, const QString &label, QWidget *field, const char *key);
    void addRow(QFormLayout *form, const QString &label, QLayout *field, const char *key);

    ClusterConfig m_cluster;
    bool m_filling = false;
    QList<SteadyStateCheck> m_checkOrder; ///< the loaded spec's order, kept for a round trip
    QMap<QString, QString> m_infraContainers; ///< target key -> container typed for it

    QLineEdit *m_name = nullptr;
    QLineEdit *m_description = nullptr;
    QComboBox *m_target = nullptr;
    QLineEdit *m_container = nullptr;
    QComboBox *m_fault = nullptr;
    QLabel *m_faultText = nullptr;
    QComboBox *m_durationKind = nullptr;
    DurationSpinBox *m_durationFixed = nullptr;
    QMap<SteadyStateCheck, QCheckBox *> m_checks;
    QGroupBox *m_prober = nullptr;
    QLineEdit *m_path = nullptr;
    QSpinBox *m_rate = nullptr;
    DurationSpinBox *m_slow = nullptr;
    QCheckBox *m_errorRate = nullptr;
    QDoubleSpinBox *m_errorAbove = nullptr;
    DurationSpinBox *m_errorFor = nullptr;
    DurationSpinBox *m_maxDuration = nullptr;
    QComboBox *m_recovery = nullptr;
    QCheckBox *m_automatic = nullptr;
    QLabel *m_error = nullptr;
    /// The drill file's field ("prober.path", "steady_state") -> what turns red when the
    /// loader names it.
    QMap<QString, QWidget *> m_fieldLabels;
};

} // namespace cw
