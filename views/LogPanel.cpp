#include "views/LogPanel.h"

#include "models/items/LogLinesModel.h"
#include "views/StatePalette.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

namespace cw {

namespace {
constexpr int kTailLines = 200;

/// Colours ERROR and WARN lines.
class LogLineDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const int level = index.data(LogLinesModel::LevelRole).toInt();
        if (level == LogLinesModel::Error)
            option->palette.setColor(QPalette::Text, palette::bad());
        else if (level == LogLinesModel::Warning)
            option->palette.setColor(QPalette::Text, palette::warn().darker(140));
    }
};
} // namespace

LogPanel::LogPanel(QWidget *parent)
    : QWidget(parent)
    , m_lines(new LogLinesModel(5000, this))
    , m_filter(new LogFilterModel(this))
{
    setObjectName(QStringLiteral("logPanel"));
    m_filter->setSourceModel(m_lines);
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("logHeader"));
    m_level = new QComboBox(this);
    m_level->setObjectName(QStringLiteral("logLevel"));
    m_level->addItem(QStringLiteral("All lines"), int(LogLinesModel::Info));
    m_level->addItem(QStringLiteral("ERROR and WARN"), int(LogLinesModel::Warning));
    m_level->addItem(QStringLiteral("ERROR only"), int(LogLinesModel::Error));
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("logSearch"));
    m_search->setPlaceholderText(QStringLiteral("Search…"));
    m_search->setClearButtonEnabled(true);
    m_follow = new QCheckBox(QStringLiteral("Follow"), this);
    m_follow->setObjectName(QStringLiteral("logFollow"));
    m_follow->setChecked(true);
    bar->addWidget(m_header, 1);
    bar->addWidget(m_level);
    bar->addWidget(m_search);
    bar->addWidget(m_follow);
    layout->addLayout(bar);
    m_view = new QListView(this);
    m_view->setObjectName(QStringLiteral("logLines"));
    m_view->setModel(m_filter);
    m_view->setItemDelegate(new LogLineDelegate(m_view));
    m_view->setUniformItemSizes(true);
    m_view->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    layout->addWidget(m_view, 1);

    connect(m_level, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setMinimumLevel(LogLinesModel::Level(m_level->currentData().toInt()));
    });
    connect(m_search, &QLineEdit::textChanged, m_filter, &LogFilterModel::setSearchText);
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        if (!m_container.isEmpty())
            Q_EMIT followRequested(m_container, on);
    });
    // Keep the newest line in view while following.
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow->isChecked())
            m_view->scrollToBottom();
    });
    refreshHeader();
}

void LogPanel::setContainer(const QString &node, const QString &container)
{
    if (container == m_container && node == m_node)
        return;
    if (!m_container.isEmpty() && m_follow->isChecked())
        Q_EMIT followRequested(m_container, false);
    m_node = node;
    m_container = container;
    m_error.clear();
    m_lines->clear();
    refreshHeader();
    if (m_container.isEmpty())
        return;
    Q_EMIT tailRequested(m_container, kTailLines);
    if (m_follow->isChecked())
        Q_EMIT followRequested(m_container, true);
}

void LogPanel::showTail(const QString &container, const QStringList &lines, const QString &error)
{
    if (container != m_container)
        return; // a late answer for a node no longer shown
    m_error = error;
    m_lines->clear();
    m_lines->append(lines);
    refreshHeader();
}

void LogPanel::appendLine(const QString &container, const QString &line, bool stderrStream)
{
    if (container == m_container)
        m_lines->append({ line }, stderrStream);
}

void LogPanel::refreshHeader()
{
    if (m_container.isEmpty()) {
        m_header->setText(m_node.isEmpty()
                ? QStringLiteral("Select a node to see its container log")
                : QStringLiteral("%1 has no known container").arg(m_node));
    } else if (!m_error.isEmpty()) {
        m_header->setText(QStringLiteral("Logs of %1: %2").arg(m_container, m_error));
    } else {
        m_header->setText(QStringLiteral("Logs of %1 (node %2)").arg(m_container, m_node));
    }
}

} // namespace cw
