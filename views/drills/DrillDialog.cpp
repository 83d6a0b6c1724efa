#include "views/drills/DrillDialog.h"

#include "services/drills/DrillFile.h"
#include "views/PanelHelpers.h"
#include "views/StatePalette.h"
#include "views/drills/DrillForm.h"
#include "views/drills/DrillStyle.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QVBoxLayout>

namespace cw {

DrillDialog::DrillDialog(const ClusterConfig &cluster, QWidget *parent)
    : QDialog(parent)
    , m_form(new DrillForm(cluster, this))
{
    setObjectName(QStringLiteral("drillDialog"));
    setWindowTitle(QStringLiteral("Failover drill — %1").arg(cluster.name));
    auto *layout = new QVBoxLayout(this);

    m_file = new QLabel(this);
    m_file->setObjectName(QStringLiteral("drillFileLabel"));
    m_file->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_file->setFont(drillstyle::scaled(font(), 1.1, true));
    layout->addWidget(m_file);
    layout->addWidget(m_form, 1);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("dialogMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);
    m_blockersLabel = panel::makeStatusLabel(this, QStringLiteral("drillBlockers"));
    m_blockersLabel->hide();
    layout->addWidget(m_blockersLabel);

    auto *buttons = new QHBoxLayout;
    m_load = new QPushButton(QStringLiteral("Load drill file…"), this);
    m_load->setObjectName(QStringLiteral("loadDrillButton"));
    m_save = new QPushButton(QStringLiteral("Save as…"), this);
    m_save->setObjectName(QStringLiteral("saveDrillButton"));
    m_dryRun = new QPushButton(QStringLiteral("Dry run"), this);
    m_dryRun->setObjectName(QStringLiteral("dryRunButton"));
    m_dryRun->setToolTip(
        QStringLiteral("Walk every step and say what it would do; act on nothing"));
    m_start = new QPushButton(QStringLiteral("Start drill…"), this);
    m_start->setObjectName(QStringLiteral("startDrillButton"));
    auto *close = new QPushButton(QStringLiteral("Close"), this);
    close->setObjectName(QStringLiteral("closeButton"));
    // Enter in a field must never start a drill, nor open a file dialog.
    for (QPushButton *b : { m_load, m_save, m_dryRun, m_start, close })
        b->setAutoDefault(false);
    buttons->addWidget(m_load);
    buttons->addWidget(m_save);
    buttons->addStretch();
    buttons->addWidget(m_dryRun);
    buttons->addWidget(m_start);
    buttons->addWidget(close);
    layout->addLayout(buttons);

    connect(m_load, &QPushButton::clicked, this, &DrillDialog::askLoad);
    connect(m_save, &QPushButton::clicked, this, &DrillDialog::askSave);
    connect(m_dryRun, &QPushButton::clicked, this, [this] { requestStart(true); });
    connect(m_start, &QPushButton::clicked, this, [this] { requestStart(false); });
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_form, &DrillForm::changed, this, &DrillDialog::onFormChanged);
    onFormChanged();
}

void DrillDialog::setSpec(const DrillSpec &spec, const QString &drillFile)
{
    m_filePath = drillFile;
    m_fileSpec.reset();
    if (!drillFile.isEmpty())
        m_fileSpec = spec;
    m_form->setSpec(spec);
    onFormChanged();
}

QString DrillDialog::drillFile() const
{
    if (!m_fileSpec)
        return {};
    const Result<DrillSpec> spec = m_form->spec();
    return spec.ok() && spec.value() == *m_fileSpec ? m_filePath : QString();
}

void DrillDialog::onFormChanged()
{
    const Result<DrillSpec> spec = m_form->spec();
    m_valid = spec.ok();
    updateFileLabel();
    updateButtons();
    if (m_valid)
        Q_EMIT specChanged(spec.value());
}

void DrillDialog::updateFileLabel()
{
    if (m_filePath.isEmpty()) {
        m_file->setText(QStringLiteral("New drill (not saved to a file)"));
        m_file->setToolTip(QString());
        return;
    }
    const QString name = QFileInfo(m_filePath).fileName();
    m_file->setText(drillFile().isEmpty()
            ? QStringLiteral("Drill file: %1 (changed in the form, not saved)").arg(name)
            : QStringLiteral("Drill file: %1").arg(name));
    m_file->setToolTip(m_filePath);
}

void DrillDialog::setBlockers(const QStringList &blockers)
{
    m_blockers = blockers;
    updateButtons();
}

void DrillDialog::setReadOnly(bool readOnly, const QString &reason)
{
    m_readOnly = readOnly;
    m_readOnlyReason = reason.isEmpty()
        ? QStringLiteral("Drills are disabled here: this Clusterwatch is read-only (the wall "
                         "screen).")
        : reason;
    updateButtons();
}

void DrillDialog::updateButtons()
{
    m_start->setEnabled(m_valid && !m_readOnly && m_blockers.isEmpty());
    m_dryRun->setEnabled(m_valid && !m_readOnly);
    QStringList why;
    if (m_readOnly)
        why << m_readOnlyReason;
    else if (!m_blockers.isEmpty())
        why << QStringLiteral("Start is not possible now:")
            << QStringLiteral("• ") + m_blockers.join(QStringLiteral("\n• "));
    if (!m_valid && !m_readOnly)
        why << QStringLiteral("Fix the drill above to start it.");
    m_start->setToolTip(why.join(QLatin1Char('\n')));
    const bool show = m_readOnly || !m_blockers.isEmpty();
    m_blockersLabel->setVisible(show);
    if (show)
        panel::setStatus(m_blockersLabel, why.join(QLatin1Char('\n')),
            m_readOnly ? palette::muted() : palette::warn());
}

QString DrillDialog::statusText() const
{
    QStringList parts;
    if (!m_message->isHidden())
        parts << m_message->text();
    if (!m_blockersLabel->isHidden())
        parts << m_blockersLabel->text();
    return parts.join(QLatin1Char('\n'));
}

void DrillDialog::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    QPalette pal = m_message->palette();
    pal.setColor(
        QPalette::WindowText, error ? palette::bad() : palette().color(QPalette::WindowText));
    m_message->setPalette(pal);
    m_message->setVisible(!text.isEmpty());
}

bool DrillDialog::loadFile(const QString &path)
{
    const Result<DrillSpec> spec = loadDrillFile(path, m_form->cluster());
    if (!spec.ok()) {
        showMessage(QStringLiteral("Not loaded: %1").arg(spec.error()), true);
        return false;
    }
    setSpec(spec.value(), path);
    showMessage(
        QStringLiteral("Loaded %1").arg(QDir::toNativeSeparators(QDir::cleanPath(path))), false);
    return true;
}

bool DrillDialog::saveFile(const QString &path)
{
    const Result<DrillSpec> spec = m_form->spec();
    if (!spec.ok()) {
        showMessage(
            QStringLiteral("Not saved: the drill is not valid yet (%1)").arg(spec.error()), true);
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(writeDrillFile(spec.value())) < 0
        || !file.commit()) {
        showMessage(QStringLiteral("Not saved: %1: %2")
                        .arg(QDir::toNativeSeparators(path), file.errorString()),
            true);
        return false;
    }
    m_filePath = path;
    m_fileSpec = spec.value();
    updateFileLabel();
    showMessage(QStringLiteral("Saved %1").arg(QDir::toNativeSeparators(path)), false);
    return true;
}

void DrillDialog::askLoad()
{
    // A drill file lives next to its cluster file.
    const QString dir = QFileInfo(m_form->cluster().sourceFile).absolutePath();
    auto *dialog = new QFileDialog(this, QStringLiteral("Load drill file"), dir,
        QStringLiteral("Drill files (*.yaml *.yml);;All files (*)"));
    dialog->setObjectName(QStringLiteral("loadDrillDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &DrillDialog::loadFile);
    dialog->open();
}

void DrillDialog::askSave()
{
    QString start = m_filePath;
    if (start.isEmpty()) {
        const Result<DrillSpec> spec = m_form->spec();
        QString name = spec.ok() ? spec.value().name : QStringLiteral("drill");
        static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]+"));
        name = QStringLiteral("drill-") + name.replace(unsafe, QStringLiteral("-")).toLower()
            + QStringLiteral(".yaml");
        start = QFileInfo(m_form->cluster().sourceFile).absoluteDir().filePath(name);
    }
    auto *dialog = new QFileDialog(this, QStringLiteral("Save drill file"), start,
        QStringLiteral("Drill files (*.yaml *.yml)"));
    dialog->setObjectName(QStringLiteral("saveDrillDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("yaml"));
    connect(dialog, &QFileDialog::fileSelected, this, &DrillDialog::saveFile);
    dialog->open();
}

void DrillDialog::requestStart(bool dryRun)
{
    if (m_readOnly || (!dryRun && !m_blockers.isEmpty()))
        return;
    const Result<DrillSpec> spec = m_form->spec();
    if (!spec.ok())
        return;
    Q_EMIT startRequested(spec.value(), drillFile(), dryRun);
}

} // namespace cw
