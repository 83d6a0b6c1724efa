#include "views/drills/DrillHistoryView.h"

#include "models/items/DrillHistoryModel.h"
#include "views/StatePalette.h"
#include "views/drills/DrillStyle.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace cw {

namespace {

/// The verdict column: the verdict's text on a badge in its colour.
class VerdictDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override
    {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        if (option.state & QStyle::State_Selected)
            painter->fillRect(option.rect, option.palette.highlight());
        const auto verdict = DrillVerdict(index.data(DrillHistoryModel::VerdictRole).toInt());
        const bool interrupted = index.data(DrillHistoryModel::InterruptedRole).toBool();
        const QString text = index.data(Qt::DisplayRole).toString();
        const QFont font = drillstyle::scaled(option.font, 1.0, true);
        const QFontMetrics fm(font);
        const QRectF rect(option.rect.left() + 3, option.rect.top() + 2,
            std::min(option.rect.width() - 6, fm.horizontalAdvance(text) + 16),
            option.rect.height() - 4);
        QPainterPath path;
        path.addRoundedRect(rect, 4, 4);
        painter->fillPath(path, drillstyle::verdictColor(verdict, interrupted));
        painter->setPen(drillstyle::verdictTextColor(verdict, interrupted));
        painter->setFont(font);
        painter->drawText(
            rect, Qt::AlignCenter, fm.elidedText(text, Qt::ElideRight, int(rect.width()) - 8));
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const QFontMetrics fm(drillstyle::scaled(option.font, 1.0, true));
        return QSize(
            fm.horizontalAdvance(index.data(Qt::DisplayRole).toString()) + 24, fm.height() + 6);
    }
};

} // namespace

DrillHistoryView::DrillHistoryView(QWidget *parent)
    : QWidget(parent)
    , m_model(new DrillHistoryModel(this))
{
    setObjectName(QStringLiteral("drillHistory"));
    auto *layout = new QVBoxLayout(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("drillHistoryTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setItemDelegateForColumn(
        DrillHistoryModel::VerdictColumn, new VerdictDelegate(m_table));
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    header->resizeSection(DrillHistoryModel::StartedColumn, digit * 21);
    header->resizeSection(DrillHistoryModel::TargetColumn, digit * 18);
    header->resizeSection(DrillHistoryModel::FaultColumn, digit * 9);
    header->resizeSection(DrillHistoryModel::VerdictColumn,
        QFontMetrics(drillstyle::scaled(font(), 1.0, true))
                .horizontalAdvance(QStringLiteral("interrupted — roll back?"))
            + 30);
    header->resizeSection(DrillHistoryModel::RtoColumn, digit * 11);
    header->resizeSection(DrillHistoryModel::FailedColumn, digit * 15);
    header->resizeSection(DrillHistoryModel::SlowColumn, digit * 15);
    header->setSectionResizeMode(DrillHistoryModel::NameColumn, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);

    auto *bottom = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("drillHistoryStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_report = new QPushButton(QStringLiteral("Open report"), this);
    m_report->setObjectName(QStringLiteral("historyReportButton"));
    m_rerun = new QPushButton(QStringLiteral("Re-run…"), this);
    m_rerun->setObjectName(QStringLiteral("historyRerunButton"));
    m_rollback = new QPushButton(QStringLiteral("Roll back…"), this);
    m_rollback->setObjectName(QStringLiteral("historyRollbackButton"));
    m_rollback->setToolTip(
        QStringLiteral("Bring back what this unfinished drill stopped or paused"));
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_rollback);
    bottom->addWidget(m_report);
    bottom->addWidget(m_rerun);
    layout->addLayout(bottom);

    const auto record = [this](int row) {
        return m_model->index(row, 0).data(DrillHistoryModel::RecordRole).value<DrillRecord>();
    };
    connect(m_report, &QPushButton::clicked, this, [this] {
        if (const int row = selectedRow(); row >= 0)
            Q_EMIT openReportRequested(m_model->at(row).path);
    });
    connect(m_rerun, &QPushButton::clicked, this, [this, record] {
        if (const int row = selectedRow(); row >= 0)
            Q_EMIT rerunRequested(record(row));
    });
    connect(m_rollback, &QPushButton::clicked, this, [this, record] {
        if (const int row = selectedRow(); row >= 0 && m_model->isInterrupted(row))
            Q_EMIT rollbackRequested(record(row));
    });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.isValid())
            Q_EMIT openReportRequested(m_model->at(index.row()).path);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &DrillHistoryView::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &DrillHistoryView::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &DrillHistoryView::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &DrillHistoryView::updateButtons);
    updateButtons();
}

void DrillHistoryView::setEntries(
    const QList<DrillJournalEntry> &entries, const QStringList &errors)
{
    QList<DrillHistoryEntry> rows;
    rows.reserve(entries.size());
    for (const DrillJournalEntry &entry : entries)
        rows.append({ entry.path, entry.record });
    m_model->setEntries(rows);
    m_errors = errors;
    updateButtons();
}

void DrillHistoryView::setRunningId(const QString &id)
{
    m_model->setRunningId(id);
}

void DrillHistoryView::selectRow(int row)
{
    m_table->selectRow(row);
}

int DrillHistoryView::selectedRow() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.constFirst().row();
}

void DrillHistoryView::updateButtons()
{
    const int row = selectedRow();
    const bool interrupted = row >= 0 && m_model->isInterrupted(row);
    const bool running
        = row >= 0 && !interrupted && m_model->at(row).record.verdict == DrillVerdict::Running;
    m_report->setEnabled(row >= 0 && !interrupted && !running);
    m_rerun->setEnabled(row >= 0 && !running);
    m_rollback->setVisible(interrupted);

    int unfinished = 0;
    for (int r = 0; r < m_model->rowCount(); ++r)
        unfinished += m_model->isInterrupted(r) ? 1 : 0;
    QStringList parts;
    const int n = m_model->rowCount();
    parts << (n == 1 ? QStringLiteral("1 drill") : QStringLiteral("%1 drills").arg(n));
    if (unfinished > 0)
        parts << QStringLiteral("%1 not finished: select it and roll back").arg(unfinished);
    if (!m_errors.isEmpty())
        parts << QStringLiteral("%1 journal(s) could not be read").arg(m_errors.size());
    m_status->setText(parts.join(QStringLiteral(" · ")));
    m_status->setToolTip(m_errors.join(QLatin1Char('\n')));
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText,
        unfinished > 0 || !m_errors.isEmpty() ? palette::bad()
                                              : palette().color(QPalette::WindowText));
    m_status->setPalette(pal);
}

} // namespace cw
