#pragma once

#include <QByteArray>
#include <QObject>
#include <QSettings>
#include <QString>
#include <memory>

namespace cw {

/// The one owner of QSettings: typed accessors with defaults, key names in one place.
/// Lives on the GUI thread; workers get values copied in.
class SettingsStore final : public QObject {
    Q_OBJECT
public:
    /// Uses the platform's user settings (~/.config/Clusterwatch/clusterwatch.conf).
    explicit SettingsStore(QObject *parent = nullptr);
    /// Uses an INI file at @p path (tests).
    explicit SettingsStore(const QString &path, QObject *parent = nullptr);
    ~SettingsStore() override;

    QString lastClusterFile() const;
    void setLastClusterFile(const QString &path);

    /// Window geometry and state, stored with a layout version: a saved state from an
    /// incompatible layout is ignored.
    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindowGeometry(const QByteArray &geometry, const QByteArray &state);
    static constexpr int kWindowStateVersion = 2; ///< 2: tiles on top, narrower alerts dock

    /// "system" (default), "light" or "dark".
    QString theme() const;
    void setTheme(const QString &name);
    /// The charts' time range in ms; 5 minutes by default.
    qint64 chartSpanMs() const;
    void setChartSpanMs(qint64 spanMs);

Q_SIGNALS:
    void lastClusterFileChanged(const QString &path);

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace cw
