#pragma once

#include <QColor>
#include <QString>

class QGridLayout;
class QLabel;
class QWidget;

namespace cw::panel {

/// A big figure with a caption under it, placed at (row, column) of @p grid.
/// The value label gets objectName @p name so tests and screen readers can find it.
QLabel *addFigure(
    QGridLayout *grid, int row, int column, const QString &caption, const QString &name);

/// A one-line status label (coloured background and text).
QLabel *makeStatusLabel(QWidget *parent, const QString &name);
void setStatus(QLabel *label, const QString &text, const QColor &background);

/// What a backing service's status line needs.
struct ServiceStatus {
    bool configured = false;
    qint64 timestampMs = 0; ///< 0: not polled yet
    bool reachable = false;
    bool stale = false;
    QString error; ///< when unreachable: why; when reachable: a partial failure
    QString upText; ///< "127.0.0.1:6379/0 · ping 0.3 ms"
    QString warning; ///< reachable but not as expected (shown amber), e.g. no n8n schema
};

/// Sets the status line: not configured / waiting / DOWN — error / UP — text, coloured and
/// greyed when stale.
void setServiceStatus(QLabel *label, const ServiceStatus &status);

} // namespace cw::panel
