#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;

namespace cw {

class LogFilterModel;
class LogLinesModel;

/// The tail of the selected node's container log, with an ERROR / WARN filter and search (what
/// the seed's `docker logs --tail 10 | grep -E "(ERROR|WARN)"` does), following new lines while
/// open. Talks to the Docker side only through signals.
class LogPanel final : public QWidget {
    Q_OBJECT
public:
    explicit LogPanel(QWidget *parent = nullptr);

    /// Shows @p container's log (empty: the node has no known container).
    void setContainer(const QString &node, const QString &container);
    QString container() const { return m_container; }
    LogLinesModel *lines() const { return m_lines; }
    /// Modest by default: the tiles are the main thing; the dock can be dragged taller.
    QSize sizeHint() const override { return QSize(640, 170); }
    LogFilterModel *filtered() const { return m_filter; }

public Q_SLOTS:
    void showTail(const QString &container, const QStringList &lines, const QString &error);
    void appendLine(const QString &container, const QString &line, bool stderrStream);

Q_SIGNALS:
    void tailRequested(const QString &container, int lines);
    void followRequested(const QString &container, bool follow);

private:
    void refreshHeader();

    QString m_node;
    QString m_container;
    QString m_error;
    LogLinesModel *m_lines;
    LogFilterModel *m_filter;
    QLabel *m_header;
    QComboBox *m_level;
    QLineEdit *m_search;
    QCheckBox *m_follow;
    QListView *m_view;
};

} // namespace cw
