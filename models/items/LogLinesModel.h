#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QSortFilterProxyModel>

namespace cw {

/// The tail of one container's log, newest last, bounded (oldest lines drop out).
class LogLinesModel final : public QAbstractListModel {
    Q_OBJECT
public:
    enum Level { Info, Warning, Error };
    Q_ENUM(Level)
    enum Roles {
        LevelRole = Qt::UserRole
            + 1, ///< int (Level), detected from the text like the seed's grep -E "(ERROR|WARN)"
        StderrRole, ///< bool
    };

    explicit LogLinesModel(int maxLines = 5000, QObject *parent = nullptr);

    static Level levelOf(const QString &line);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    void clear();
    void append(const QStringList &lines, bool stderrStream = false);
    int maxLines() const { return m_maxLines; }

private:
    struct Line {
        QString text;
        Level level = Info;
        bool stderrStream = false;
    };
    QList<Line> m_lines;
    int m_maxLines;
};

/// Filters a LogLinesModel by minimum level and a case-insensitive search text.
class LogFilterModel final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit LogFilterModel(QObject *parent = nullptr);
    void setMinimumLevel(LogLinesModel::Level level);
    void setSearchText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    LogLinesModel::Level m_minimum = LogLinesModel::Info;
    QString m_search;
};

} // namespace cw
