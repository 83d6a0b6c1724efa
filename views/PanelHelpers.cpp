#include "views/PanelHelpers.h"

#include "views/StatePalette.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace cw::panel {

QLabel *addFigure(
    QGridLayout *grid, int row, int column, const QString &caption, const QString &name)
{
    auto *box = new QWidget;
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->setSpacing(0);
    auto *value = new QLabel(QStringLiteral("—"), box);
    value->setObjectName(name);
    QFont font = value->font();
    font.setPointSizeF(font.pointSizeF() * 1.8);
    font.setBold(true);
    value->setFont(font);
    value->setAlignment(Qt::AlignCenter);
    auto *label = new QLabel(caption, box);
    label->setAlignment(Qt::AlignCenter);
    layout->addWidget(value);
    layout->addWidget(label);
    value->setAccessibleName(caption);
    grid->addWidget(box, row, column);
    return value;
}

QLabel *makeStatusLabel(QWidget *parent, const QString &name)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setMargin(6);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    label->setAutoFillBackground(true);
    return label;
}

void setStatus(QLabel *label, const QString &text, const QColor &background)
{
    label->setText(text);
    QPalette pal = label->palette();
    pal.setColor(QPalette::Window, background);
    pal.setColor(
        QPalette::WindowText, background.lightness() > 150 ? QColor(Qt::black) : QColor(Qt::white));
    label->setPalette(pal);
}

void setServiceStatus(QLabel *label, const ServiceStatus &s)
{
    if (!s.configured) {
        setStatus(label, QStringLiteral("not configured in the cluster file"), palette::muted());
        return;
    }
    if (s.timestampMs == 0) {
        setStatus(label, QStringLiteral("waiting for the first poll…"), palette::muted());
        return;
    }
    if (!s.reachable) {
        setStatus(label, QStringLiteral("DOWN — ") + s.error,
            s.stale ? palette::muted() : palette::bad());
        return;
    }
    QString text = QStringLiteral("UP — ") + s.upText;
    if (!s.warning.isEmpty())
        text += QStringLiteral(", but ") + s.warning;
    if (!s.error.isEmpty())
        text += QStringLiteral(" · ") + s.error;
    if (s.stale)
        text += QStringLiteral(" (stale)");
    const bool clean = s.error.isEmpty() && s.warning.isEmpty();
    setStatus(
        label, text, s.stale ? palette::muted() : (clean ? palette::good() : palette::warn()));
}

} // namespace cw::panel
