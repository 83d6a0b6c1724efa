#include "models/items/LogLinesModel.h"

namespace cw {

LogLinesModel::LogLinesModel(int maxLines, QObject *parent)
    : QAbstractListModel(parent)
    , m_maxLines(std::max(1, maxLines))
{
}

LogLinesModel::Level LogLinesModel::levelOf(const QString &line)
{
    // n8n logs "ERROR"/"WARN" in text mode and "level":"error"/"warn" in JSON mode.
    if (line.contains(QLatin1String("ERROR"))
        || line.contains(QLatin1String("\"level\":\"error\"")))
        return Error;
    if (line.contains(QLatin1String("WARN")) || line.contains(QLatin1String("\"level\":\"warn\"")))
        return Warning;
    return Info;
}

int LogLinesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lines.size());
}

QVariant LogLinesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Line &line = m_lines.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return line.text;
    case LevelRole:
        return int(line.level);
    case StderrRole:
        return line.stderrStream;
    default:
        return {};
    }
}

void LogLinesModel::clear()
{
    if (m_lines.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_lines.size()) - 1);
    m_lines.clear();
    endRemoveRows();
}

void LogLinesModel::append(const QStringList &lines, bool stderrStream)
{
    if (lines.isEmpty())
        return;
    const QStringList kept
        = lines.size() > m_maxLines ? lines.mid(lines.size() - m_maxLines) : lines;
    const int overflow = int(m_lines.size() + kept.size()) - m_maxLines;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_lines.remove(0, overflow);
        endRemoveRows();
    }
    beginInsertRows({}, int(m_lines.size()), int(m_lines.size() + kept.size()) - 1);
    for (const QString &text : kept)
        m_lines.append({ text, levelOf(text), stderrStream });
    endInsertRows();
}

LogFilterModel::LogFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
}

void LogFilterModel::setMinimumLevel(LogLinesModel::Level level)
{
    m_minimum = level;
    invalidateFilter();
}

void LogFilterModel::setSearchText(const QString &text)
{
    m_search = text;
    invalidateFilter();
}

bool LogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (idx.data(LogLinesModel::LevelRole).toInt() < m_minimum)
        return false;
    return m_search.isEmpty() || idx.data().toString().contains(m_search, Qt::CaseInsensitive);
}

} // namespace cw
