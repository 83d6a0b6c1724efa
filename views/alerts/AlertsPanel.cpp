#include "views/alerts/AlertsPanel.h"

#include "models/Formatter.h"
#include "models/items/ActiveAlertsModel.h"
#include "models/items/AlertHistoryFilter.h"
#include "models/items/AlertHistoryModel.h"
#include "views/PanelHelpers.h"
#include "views/StatePalette.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <array>

namespace cw {

namespace {

constexpr qint64 kMinuteMs = 60'000;
constexpr qint64 kHourMs = 60 * kMinuteMs;
constexpr qint64 kDayMs = 24 * kHourMs;

QColor severityColor(Severity severity)
{
    switch (severity) {
    case Severity::Critical:
        return palette::bad();
    case Severity::Warning:
        return palette::warn();
    case Severity::Info:
        return palette::muted();
    }
    return palette::muted();
}

QColor severityTextColor(Severity severity)
{
    return severity == Severity::Warning ? QColor(Qt::black) : QColor(Qt::white);
}

QFont scaled(QFont font, qreal factor, bool bold)
{
    font.setPointSizeF(font.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

/// A severity badge: filled in the severity's colour; only outlined while the alert is pending.
void paintBadge(
    QPainter *painter, const QRectF &rect, Severity severity, bool outlined, const QFont &font)
{
    QPainterPath path;
    path.addRoundedRect(rect, 4, 4);
    const QColor colour = severityColor(severity);
    if (outlined) {
        painter->setPen(QPen(colour, 2));
        painter->drawPath(path);
        painter->setPen(colour);
    } else {
        painter->fillPath(path, colour);
        painter->setPen(severityTextColor(severity));
    }
    painter->setFont(font);
    painter->drawText(rect, Qt::AlignCenter, toString(severity).toUpper());
}

QString forText(qint64 nowMs, qint64 sinceMs)
{
    const qint64 seconds = std::max<qint64>(0, (nowMs - sinceMs) / 1000);
    return seconds < 60 ? QStringLiteral("%1 s").arg(seconds)
                        : fmt::duration(double(seconds) * 1000.0);
}

/// Column of the history table: the severity as a small coloured badge.
class SeverityBadgeDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override
    {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        if (option.state & QStyle::State_Selected)
            painter->fillRect(option.rect, option.palette.highlight());
        const auto severity = Severity(index.data(AlertHistoryModel::SeverityRole).toInt());
        paintBadge(painter, QRectF(option.rect).adjusted(3, 2, -3, -2), severity, false,
            scaled(option.font, 1.0, true));
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const override
    {
        const QFontMetrics fm(scaled(option.font, 1.0, true));
        return QSize(fm.horizontalAdvance(QStringLiteral("CRITICAL")) + 20, fm.height() + 6);
    }
};

/// One active alert, readable across a room: badge, the summary in large type, and a line
/// with state, rule/subject, since when, and its root-cause grouping. Grouped alerts are
/// indented under their cause and set smaller. An alert that is clearing (held through its
/// recovery hold) says when it resolves, and its summary, the last figure while it fired, is
/// set dimmed.
class ActiveAlertDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
        const QModelIndex &index) const override
    {
        const bool grouped = index.data(ActiveAlertsModel::IsGroupedRole).toBool();
        const auto severity = Severity(index.data(ActiveAlertsModel::SeverityRole).toInt());
        const auto state = AlertState(index.data(ActiveAlertsModel::StateRole).toInt());
        const QFont big = scaled(option.font, grouped ? 1.2 : 1.6, !grouped);
        const QFont small = scaled(option.font, grouped ? 1.0 : 1.15, false);
        const QFont badgeFont = scaled(option.font, grouped ? 1.0 : 1.15, true);

        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const bool selected = option.state & QStyle::State_Selected;
        if (selected)
            painter->fillRect(option.rect, option.palette.highlight());
        const QColor text
            = option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);

        QRect r = option.rect.adjusted(8 + (grouped ? 40 : 0), 6, -8, -6);
        const QFontMetrics badgeFm(badgeFont);
        const int badgeWidth = badgeFm.horizontalAdvance(QStringLiteral("CRITICAL")) + 24;
        const QRectF badge(r.left(), r.top(), badgeWidth, r.height());
        paintBadge(painter, badge, severity, state == AlertState::Pending, badgeFont);
        r.setLeft(r.left() + badgeWidth + 14);

        const QFontMetrics bigFm(big);
        const QFontMetrics smallFm(small);
        QColor dim = text;
        if (!selected)
            dim.setAlphaF(0.75f);
        const QString clearing = index.data(ActiveAlertsModel::ClearingTextRole).toString();
        painter->setPen(clearing.isEmpty() ? text : dim);
        painter->setFont(big);
        const QRect line1(r.left(), r.top(), r.width(), bigFm.height());
        painter->drawText(line1, Qt::AlignLeft | Qt::AlignVCenter,
            bigFm.elidedText(
                index.data(ActiveAlertsModel::SummaryRole).toString(), Qt::ElideRight, r.width()));

        QStringList meta;
        meta << toString(state).toUpper();
        if (!clearing.isEmpty())
            meta << clearing;
        meta << index.data(ActiveAlertsModel::KeyRole).toString();
        const qint64 since = index.data(ActiveAlertsModel::SinceRole).toLongLong();
        if (since > 0) {
            meta << QStringLiteral("since %1 (%2)")
                        .arg(QDateTime::fromMSecsSinceEpoch(since).toString(
                                 QStringLiteral("HH:mm:ss")),
                            forText(QDateTime::currentMSecsSinceEpoch(), since));
        }
        const QString causedBy = index.data(ActiveAlertsModel::CausedByTextRole).toString();
        if (!causedBy.isEmpty())
            meta << causedBy;
        const QString groupedText = index.data(ActiveAlertsModel::GroupedTextRole).toString();
        if (!groupedText.isEmpty())
            meta << groupedText;
        painter->setFont(small);
        painter->setPen(dim);
        const QRect line2(r.left(), line1.bottom() + 4, r.width(), smallFm.height());
        painter->drawText(line2, Qt::AlignLeft | Qt::AlignVCenter,
            smallFm.elidedText(meta.join(QStringLiteral("  ·  ")), Qt::ElideRight, r.width()));
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const bool grouped = index.data(ActiveAlertsModel::IsGroupedRole).toBool();
        const QFontMetrics bigFm(scaled(option.font, grouped ? 1.2 : 1.6, !grouped));
        const QFontMetrics smallFm(scaled(option.font, grouped ? 1.0 : 1.15, false));
        return QSize(400, bigFm.height() + smallFm.height() + 4 + 12);
    }
};

} // namespace

AlertsPanel::AlertsPanel(AlertHistoryModel *history, QWidget *parent)
    : QWidget(parent)
    , m_history(history)
    , m_filter(new AlertHistoryFilter(this))
    , m_active(new ActiveAlertsModel(this))
    , m_debounce(new QTimer(this))
    , m_ticker(new QTimer(this))
{
    setObjectName(QStringLiteral("alertsPanel"));
    m_filter->setSourceModel(history);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("alertsSplitter"));
    splitter->addWidget(buildActive());
    splitter->addWidget(buildHistory());
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter);

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, [this] {
        applyFilters();
        Q_EMIT queryRequested(currentQuery());
    });
    // "since … (3 min)" moves on while nothing else changes.
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, [this] {
        if (m_activeView->isVisible())
            m_activeView->viewport()->update();
    });

    connect(history, &QAbstractItemModel::modelReset, this,
        [this] { noteRows(0, m_history->rowCount() - 1); });
    connect(history, &QAbstractItemModel::rowsInserted, this,
        [this](const QModelIndex &, int first, int last) { noteRows(first, last); });
    const auto rowsChanged = [this] {
        refreshStatus();
        updateButtons();
    };
    connect(m_filter, &QAbstractItemModel::modelReset, this, rowsChanged);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, rowsChanged);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, rowsChanged);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &AlertsPanel::refreshStatus);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &AlertsPanel::updateButtons);

    noteRows(0, m_history->rowCount() - 1);
    refreshActiveHeader();
    refreshStatus();
    updateButtons();
}

QWidget *AlertsPanel::buildActive()
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 6, 6, 0);
    m_activeHeader = panel::makeStatusLabel(box, QStringLiteral("activeAlertsHeader"));
    m_activeHeader->setFont(scaled(m_activeHeader->font(), 1.4, true));
    layout->addWidget(m_activeHeader);
    m_activeView = new QListView(box);
    m_activeView->setObjectName(QStringLiteral("activeAlerts"));
    m_activeView->setModel(m_active);
    m_activeView->setItemDelegate(new ActiveAlertDelegate(m_activeView));
    m_activeView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_activeView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_activeView->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_activeView->setAccessibleName(QStringLiteral("Active alerts"));
    layout->addWidget(m_activeView, 1);
    return box;
}

QWidget *AlertsPanel::buildHistory()
{
    auto *box = new QWidget(this);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 0, 6, 6);

    auto *filters = new QHBoxLayout;
    auto *title = new QLabel(QStringLiteral("History"), box);
    title->setFont(scaled(title->font(), 1.2, true));
    filters->addWidget(title);
    filters->addSpacing(12);
    for (const Severity severity : { Severity::Critical, Severity::Warning, Severity::Info }) {
        auto *check = new QCheckBox(toString(severity), box);
        check->setObjectName(QStringLiteral("severity_") + toString(severity));
        check->setChecked(true);
        connect(check, &QCheckBox::toggled, this, [this, check](bool on) {
            // Nothing ticked would read as "all" to the store; keep at least one.
            if (!on
                && std::none_of(m_severityBoxes.cbegin(), m_severityBoxes.cend(),
                    [](const QCheckBox *c) { return c->isChecked(); })) {
                const QSignalBlocker block(check);
                check->setChecked(true);
                return;
            }
            applyFilters();
            scheduleQuery();
        });
        m_severityBoxes << check;
        filters->addWidget(check);
    }
    m_rule = new QComboBox(box);
    m_rule->setObjectName(QStringLiteral("ruleFilter"));
    m_subject = new QComboBox(box);
    m_subject->setObjectName(QStringLiteral("subjectFilter"));
    m_range = new QComboBox(box);
    m_range->setObjectName(QStringLiteral("rangeFilter"));
    m_range->addItem(QStringLiteral("Last hour"), kHourMs);
    m_range->addItem(QStringLiteral("Last 24 h"), kDayMs);
    m_range->addItem(QStringLiteral("Last 7 days"), 7 * kDayMs);
    m_range->addItem(QStringLiteral("Last 90 days"), 90 * kDayMs);
    m_range->addItem(QStringLiteral("All time"), qint64(0));
    m_range->setCurrentIndex(m_range->count() - 1);
    m_search = new QLineEdit(box);
    m_search->setObjectName(QStringLiteral("historySearch"));
    m_search->setPlaceholderText(QStringLiteral("Search summary, detail, node, rule…"));
    m_search->setClearButtonEnabled(true);
    // The filters under the title: the dock stays narrow enough to leave the tiles their room;
    // the combos shrink to a few characters rather than set the dock's width.
    filters->addStretch(1);
    auto *choices = new QHBoxLayout;
    for (QComboBox *combo : { m_rule, m_subject, m_range }) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(8);
        choices->addWidget(combo, 1);
    }
    choices->addWidget(m_search, 2);
    layout->addLayout(filters);
    layout->addLayout(choices);
    for (QComboBox *combo : { m_rule, m_subject, m_range }) {
        connect(combo, &QComboBox::currentIndexChanged, this, [this] {
            applyFilters();
            scheduleQuery();
        });
    }
    connect(m_search, &QLineEdit::textChanged, this, &AlertsPanel::scheduleQuery);

    m_table = new QTableView(box);
    m_table->setObjectName(QStringLiteral("alertHistory"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setItemDelegateForColumn(
        AlertHistoryModel::SeverityColumn, new SeverityBadgeDelegate(m_table));
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Fixed widths: measuring contents would walk all (up to thousands of) rows on each reset.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    QHeaderView *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    const int digit = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    header->resizeSection(AlertHistoryModel::TimeColumn, digit * 21);
    header->resizeSection(AlertHistoryModel::SeverityColumn, digit * 12);
    header->resizeSection(AlertHistoryModel::StateColumn, digit * 10);
    header->resizeSection(AlertHistoryModel::RuleColumn, digit * 18);
    header->resizeSection(AlertHistoryModel::SubjectColumn, digit * 16);
    header->resizeSection(AlertHistoryModel::NotificationColumn, digit * 22);
    header->resizeSection(AlertHistoryModel::AckColumn, digit * 12);
    header->setSectionResizeMode(AlertHistoryModel::SummaryColumn, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);

    auto *bottom = new QHBoxLayout;
    m_status = new QLabel(box);
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_ack = new QPushButton(QStringLiteral("Acknowledge…"), box);
    m_ack->setObjectName(QStringLiteral("ackButton"));
    m_silence = new QPushButton(QStringLiteral("Silence…"), box);
    m_silence->setObjectName(QStringLiteral("silenceButton"));
    m_export = new QPushButton(QStringLiteral("Export CSV…"), box);
    m_export->setObjectName(QStringLiteral("exportButton"));
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_ack);
    bottom->addWidget(m_silence);
    bottom->addWidget(m_export);
    layout->addLayout(bottom);
    connect(m_ack, &QPushButton::clicked, this, &AlertsPanel::askAcknowledge);
    connect(m_silence, &QPushButton::clicked, this, &AlertsPanel::askSilence);
    connect(m_export, &QPushButton::clicked, this, &AlertsPanel::askExport);
    refreshChoices();
    return box;
}

HistoryQuery AlertsPanel::currentQuery() const
{
    HistoryQuery q;
    const std::array<Severity, 3> order { Severity::Critical, Severity::Warning, Severity::Info };
    bool all = true;
    for (int i = 0; i < m_severityBoxes.size(); ++i) {
        if (m_severityBoxes.at(i)->isChecked())
            q.severities << order.at(size_t(i));
        else
            all = false;
    }
    if (all)
        q.severities.clear();
    q.rule = m_rule->currentData().toString();
    q.subject = m_subject->currentData().toString();
    const qint64 range = m_range->currentData().toLongLong();
    q.fromMs = range > 0 ? QDateTime::currentMSecsSinceEpoch() - range : 0;
    q.toMs = 0;
    q.search = m_search->text().trimmed();
    q.limit = m_history->maxRows();
    q.newestFirst = true;
    return q;
}

void AlertsPanel::applyFilters()
{
    const HistoryQuery q = currentQuery();
    m_filter->setSeverities(q.severities);
    m_filter->setRule(q.rule);
    m_filter->setSubject(q.subject);
    m_filter->setTimeRange(q.fromMs, q.toMs);
    m_filter->setSearchText(q.search);
}

void AlertsPanel::scheduleQuery()
{
    m_debounce->start();
}

void AlertsPanel::setKnownRules(const QStringList &rules)
{
    m_knownRules = rules;
    refreshChoices();
}

void AlertsPanel::setKnownSubjects(const QStringList &subjects)
{
    m_knownSubjects = subjects;
    refreshChoices();
}

void AlertsPanel::noteRows(int first, int last)
{
    bool grew = false;
    for (int row = std::max(0, first); row <= last && row < m_history->rowCount(); ++row) {
        const AlertTransition &t = m_history->at(row);
        if (!m_seenRules.contains(t.rule)) {
            m_seenRules.insert(t.rule);
            grew = true;
        }
        if (!m_seenSubjects.contains(t.subject)) {
            m_seenSubjects.insert(t.subject);
            grew = true;
        }
    }
    if (grew)
        refreshChoices();
}

void AlertsPanel::refreshChoices()
{
    // Choices only grow while the app runs: a narrowed query must not take the others away.
    const auto fill = [](QComboBox *combo, const QString &allText, QStringList items) {
        items.removeAll(QString());
        items.sort();
        items.removeDuplicates();
        const QString current = combo->currentData().toString();
        const QSignalBlocker block(combo);
        combo->clear();
        combo->addItem(allText, QString());
        for (const QString &item : std::as_const(items))
            combo->addItem(item, item);
        const int index = combo->findData(current);
        combo->setCurrentIndex(index >= 0 ? index : 0);
    };
    fill(m_rule, QStringLiteral("All rules"),
        m_knownRules + QStringList(m_seenRules.cbegin(), m_seenRules.cend()));
    fill(m_subject, QStringLiteral("All nodes and services"),
        m_knownSubjects + QStringList(m_seenSubjects.cbegin(), m_seenSubjects.cend()));
}

void AlertsPanel::setActiveAlerts(const QList<AlertTransition> &alerts)
{
    m_active->setAlerts(alerts);
    refreshActiveHeader();
    if (m_active->rowCount() > 0 && !m_ticker->isActive())
        m_ticker->start();
    else if (m_active->rowCount() == 0)
        m_ticker->stop();
}

void AlertsPanel::refreshActiveHeader()
{
    if (m_active->rowCount() == 0) {
        panel::setStatus(
            m_activeHeader, QStringLiteral("No active alerts — all clear"), palette::good());
        return;
    }
    QStringList parts;
    for (const Severity severity : { Severity::Critical, Severity::Warning, Severity::Info }) {
        if (const int n = m_active->count(severity); n > 0)
            parts << QStringLiteral("%1 %2").arg(n).arg(toString(severity));
    }
    int pending = 0;
    for (int row = 0; row < m_active->rowCount(); ++row)
        pending += m_active->at(row).state == AlertState::Pending ? 1 : 0;
    if (pending > 0)
        parts << QStringLiteral("%1 pending").arg(pending);
    const int n = m_active->rowCount();
    const QString text
        = QStringLiteral("%1 active alert%2: ").arg(n).arg(n == 1 ? QString() : QStringLiteral("s"))
        + parts.join(QStringLiteral(" · "));
    QColor colour = palette::muted();
    if (m_active->firingCount(Severity::Critical) > 0)
        colour = palette::bad();
    else if (m_active->firingCount(Severity::Warning) > 0)
        colour = palette::warn();
    panel::setStatus(m_activeHeader, text, colour);
}

void AlertsPanel::showExportResult(const QString &path, qint64 rows, const QString &error)
{
    m_exportFailed = !error.isEmpty();
    m_exportText = m_exportFailed
        ? QStringLiteral("export to %1 failed: %2").arg(path, error)
        : QStringLiteral("exported %1 rows to %2").arg(fmt::count(rows), path);
    refreshStatus();
}

void AlertsPanel::showHistoryError(const QString &error)
{
    m_error = error;
    refreshStatus();
}

void AlertsPanel::setPending(int count)
{
    m_pending = std::max(0, count);
    refreshStatus();
}

void AlertsPanel::refreshStatus()
{
    QStringList parts;
    const int shown = m_filter->rowCount();
    QString rows = QStringLiteral("history: %1 row%2")
                       .arg(fmt::count(shown), shown == 1 ? QString() : QStringLiteral("s"));
    if (shown != m_history->rowCount())
        rows += QStringLiteral(" of %1 loaded").arg(fmt::count(m_history->rowCount()));
    parts << rows;
    if (m_pending > 0)
        parts << QStringLiteral("%1 write%2 pending")
                     .arg(fmt::count(m_pending), m_pending == 1 ? QString() : QStringLiteral("s"));
    if (!m_error.isEmpty())
        parts << QStringLiteral("last error: ") + m_error;
    if (!m_exportText.isEmpty())
        parts << m_exportText;
    m_status->setText(parts.join(QStringLiteral(" · ")));
    m_status->setToolTip(m_error);
    QPalette pal = m_status->palette();
    const bool bad = !m_error.isEmpty() || m_exportFailed;
    pal.setColor(
        QPalette::WindowText, bad ? palette::bad() : palette().color(QPalette::WindowText));
    m_status->setPalette(pal);
}

void AlertsPanel::updateButtons()
{
    const int n = int(selectedIds().size());
    m_ack->setEnabled(n > 0);
    m_ack->setToolTip(n > 0
            ? QStringLiteral("Acknowledge the %1 selected history entries with a comment").arg(n)
            : QStringLiteral("Select history entries to acknowledge"));
}

QList<qint64> AlertsPanel::selectedIds() const
{
    QList<qint64> ids;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows(0);
    for (const QModelIndex &index : rows) {
        const qint64 id = index.data(AlertHistoryModel::TransitionIdRole).toLongLong();
        if (id != 0 && !ids.contains(id))
            ids << id;
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

void AlertsPanel::askAcknowledge()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("ackDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(QStringLiteral("Acknowledge alerts"));
    dialog->setLabelText(ids.size() == 1
            ? QStringLiteral("Acknowledge 1 history entry. Comment:")
            : QStringLiteral("Acknowledge %1 history entries. Comment:").arg(ids.size()));
    dialog->setOption(QInputDialog::UsePlainTextEditForTextInput);
    dialog->setOkButtonText(QStringLiteral("Acknowledge"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this, ids](const QString &comment) {
        Q_EMIT acknowledgeRequested(ids, comment.trimmed());
    });
    dialog->open();
}

void AlertsPanel::askSilence()
{
    // Prefilled from the selected history row, else from the selected active alert.
    QString rule;
    QString subject;
    if (const QModelIndex current = m_table->selectionModel()->currentIndex();
        current.isValid() && m_table->selectionModel()->isRowSelected(current.row(), {})) {
        rule = current.data(AlertHistoryModel::RuleRole).toString();
        subject = current.data(AlertHistoryModel::SubjectRole).toString();
    } else if (const QModelIndex active = m_activeView->currentIndex(); active.isValid()) {
        rule = active.data(ActiveAlertsModel::RuleRole).toString();
        subject = active.data(ActiveAlertsModel::SubjectRole).toString();
    }

    auto *dialog = new QDialog(this);
    dialog->setObjectName(QStringLiteral("silenceDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(QStringLiteral("Silence notifications"));
    auto *form = new QFormLayout(dialog);
    auto *ruleEdit = new QLineEdit(rule, dialog);
    ruleEdit->setObjectName(QStringLiteral("silenceRule"));
    ruleEdit->setPlaceholderText(QStringLiteral("any rule"));
    auto *subjectEdit = new QLineEdit(subject, dialog);
    subjectEdit->setObjectName(QStringLiteral("silenceSubject"));
    subjectEdit->setPlaceholderText(QStringLiteral("any node or service"));
    auto *duration = new QComboBox(dialog);
    duration->setObjectName(QStringLiteral("silenceDuration"));
    duration->addItem(QStringLiteral("15 minutes"), 15 * kMinuteMs);
    duration->addItem(QStringLiteral("1 hour"), kHourMs);
    duration->addItem(QStringLiteral("4 hours"), 4 * kHourMs);
    duration->addItem(QStringLiteral("24 hours"), kDayMs);
    duration->setCurrentIndex(1);
    auto *comment = new QLineEdit(dialog);
    comment->setObjectName(QStringLiteral("silenceComment"));
    comment->setPlaceholderText(QStringLiteral("why (kept in the history)"));
    form->addRow(QStringLiteral("Rule:"), ruleEdit);
    form->addRow(QStringLiteral("Node or service:"), subjectEdit);
    form->addRow(QStringLiteral("For:"), duration);
    form->addRow(QStringLiteral("Comment:"), comment);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setText(QStringLiteral("Silence"));
    form->addRow(buttons);
    // Both empty would silence every alert of the cluster: not by accident.
    const auto check = [ok, ruleEdit, subjectEdit] {
        ok->setEnabled(
            !ruleEdit->text().trimmed().isEmpty() || !subjectEdit->text().trimmed().isEmpty());
    };
    connect(ruleEdit, &QLineEdit::textChanged, dialog, check);
    connect(subjectEdit, &QLineEdit::textChanged, dialog, check);
    check();
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    connect(dialog, &QDialog::accepted, this, [this, ruleEdit, subjectEdit, duration, comment] {
        if (ruleEdit->text().trimmed().isEmpty() && subjectEdit->text().trimmed().isEmpty())
            return;
        Silence s;
        s.rule = ruleEdit->text().trimmed();
        s.subject = subjectEdit->text().trimmed();
        s.createdMs = QDateTime::currentMSecsSinceEpoch();
        s.untilMs = s.createdMs + duration->currentData().toLongLong();
        s.comment = comment->text().trimmed();
        Q_EMIT silenceRequested(s);
    });
    dialog->open();
}

void AlertsPanel::askExport()
{
    auto *dialog = new QFileDialog(this, QStringLiteral("Export alert history"), QString(),
        QStringLiteral("CSV files (*.csv);;All files (*)"));
    dialog->setObjectName(QStringLiteral("exportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    dialog->setDefaultSuffix(QStringLiteral("csv"));
    dialog->selectFile(
        QStringLiteral("alert-history-%1.csv")
            .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm"))));
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &path) {
        HistoryQuery q = currentQuery();
        q.limit = 0; // the export is the whole matching history, not the rows loaded
        Q_EMIT exportRequested(path, q);
    });
    dialog->open();
}

} // namespace cw
