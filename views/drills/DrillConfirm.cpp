#include "views/drills/DrillConfirm.h"

#include <QAbstractButton>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>

namespace cw {

bool confirmDrill(QWidget *parent, const QString &question, const QStringList &plan)
{
    QStringList steps;
    for (qsizetype i = 0; i < plan.size(); ++i)
        steps << QStringLiteral("%1. %2").arg(i + 1).arg(plan.at(i));
    // Parented so it is centred on (and found from) the window; deleted when this returns.
    QPointer<QMessageBox> box
        = new QMessageBox(QMessageBox::Warning, QStringLiteral("Start failover drill"), question,
            QMessageBox::Yes | QMessageBox::Cancel, parent);
    box->setObjectName(QStringLiteral("confirmDrillDialog"));
    box->setInformativeText(plan.isEmpty()
            ? QStringLiteral("The target is brought back on abort, on an error and when "
                             "Clusterwatch closes.")
            : QStringLiteral("%1 steps (Show Details…). The target is brought back on abort, on "
                             "an error and when Clusterwatch closes.")
                  .arg(plan.size()));
    if (!steps.isEmpty())
        box->setDetailedText(steps.join(QLatin1Char('\n')));
    QAbstractButton *start = box->button(QMessageBox::Yes);
    start->setText(QStringLiteral("Start drill"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setEscapeButton(QMessageBox::Cancel);
    box->exec();
    // The parent may have gone away during exec() and taken the box with it.
    const bool confirmed = box && box->clickedButton() == start;
    delete box;
    return confirmed;
}

} // namespace cw
