#pragma once

#include <QColor>
#include <QString>

class QGridLayout;
class QLabel;
class QWidget;

namespace cw::panel {

/// A big figure with a caption under it, placed at (row, column) of @p grid.
/// The value label gets objectName @p name so tests and screen readers can find it.
QLabel *addFigure(QGridLayout *grid, int row, int column, const QString &caption, const QString &name);

/// A one-line status label (coloured background and text).
QLabel *makeStatusLabel(QWidget *parent, const QString &name);
void setStatus(QLabel *label, const QString &text, const QColor &background);

} // namespace cw::panel
