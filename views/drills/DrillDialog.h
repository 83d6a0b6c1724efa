#pragma once

#include "models/ClusterConfig.h"
#include "models/DrillSpec.h"

#include <QDialog>
#include <QStringList>
#include <optional>

class QLabel;
class QPushButton;

namespace cw {

class DrillForm;

/// The drill editor: a DrillForm with "Load drill file…", "Save as…", "Dry run" and
/// "Start drill…". Start and dry run only ask (startRequested); the caller confirms
/// (confirmDrill) and runs. The reasons Start is not possible now (setBlockers) and the
/// read-only face's reason are shown above the buttons. Loading or saving never loses what is
/// in the form: a failure is said and the form stays as it was.
class DrillDialog final : public QDialog {
    Q_OBJECT
public:
    explicit DrillDialog(const ClusterConfig &cluster, QWidget *parent = nullptr);

    [[nodiscard]] DrillForm *form() const { return m_form; }
    /// Shows @p spec (a re-run); @p drillFile: the file it came from, if any.
    void setSpec(const DrillSpec &spec, const QString &drillFile = QString());
    /// The drill file the form holds, while what is in the form is still what the file says;
    /// empty for a drill made or changed in the form.
    [[nodiscard]] QString drillFile() const;

    /// Why a drill cannot start now ("n8n-worker-1 is not healthy"); empty: it may. A dry run
    /// acts on nothing and stays possible.
    void setBlockers(const QStringList &blockers);
    [[nodiscard]] QStringList blockers() const { return m_blockers; }
    /// Read-only (the wall screen): Start and Dry run are disabled, with @p reason shown.
    void setReadOnly(bool readOnly, const QString &reason = QString());
    [[nodiscard]] bool isReadOnly() const { return m_readOnly; }

    /// The text shown above the buttons (blockers, read-only reason, load/save results).
    [[nodiscard]] QString statusText() const;

public Q_SLOTS:
    /// Loads a drill file into the form; false (and the error shown) when it does not load
    /// against the cluster, the form then unchanged.
    bool loadFile(const QString &path);
    /// Writes the form as a drill file; false (and the error shown) when the form does not
    /// validate or the file cannot be written.
    bool saveFile(const QString &path);

Q_SIGNALS:
    /// "Start drill…" (dryRun false) or "Dry run" (true) with a valid drill. @p drillFile:
    /// drillFile().
    void startRequested(const cw::DrillSpec &spec, const QString &drillFile, bool dryRun);
    /// The form holds a valid drill again after an edit: the caller may update the blockers.
    void specChanged(const cw::DrillSpec &spec);

private:
    void onFormChanged();
    void updateButtons();
    void showMessage(const QString &text, bool error);
    void askLoad();
    void askSave();
    void requestStart(bool dryRun);
    void updateFileLabel();

    DrillForm *m_form;
    QLabel *m_file = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_blockersLabel = nullptr;
    QPushButton *m_load = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_dryRun = nullptr;
    QPushButton *m_start = nullptr;
    QStringList m_blockers;
    bool m_readOnly = false;
    QString m_readOnlyReason;
    bool m_valid = false;
    QString m_filePath;
    std::optional<DrillSpec> m_fileSpec; ///< what m_filePath says
};

} // namespace cw
