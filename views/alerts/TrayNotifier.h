#pragma once

#include "models/Alert.h"

#include <QColor>
#include <QList>
#include <QObject>
#include <QString>

class QSystemTrayIcon;
class QTimer;

namespace cw {

/// Desktop notifications through the system tray: firing and flapping critical or warning
/// alerts, and their resolution. At most one message per interval (10 s); what comes in
/// between is merged into the next one ("… +3 more"), so a burst is one balloon.
///
/// Without a system tray (QSystemTrayIcon::isSystemTrayAvailable() false, e.g. a bare X
/// session or offscreen) it creates no icon and does nothing: available() says so.
class TrayNotifier final : public QObject {
    Q_OBJECT
public:
    explicit TrayNotifier(QObject *parent = nullptr);
    /// @p trayAvailable overrides the platform's answer (tests; a tray shown by other means).
    TrayNotifier(bool trayAvailable, QObject *parent);
    ~TrayNotifier() override;
    TrayNotifier(const TrayNotifier &) = delete;
    TrayNotifier &operator=(const TrayNotifier &) = delete;

    [[nodiscard]] bool available() const { return m_tray != nullptr; }
    /// Whether @p transition is worth a desktop message at all.
    [[nodiscard]] static bool wanted(const AlertTransition &transition);

    static constexpr int kDefaultIntervalMs = 10'000;
    /// Minimum time between two messages.
    void setInterval(int milliseconds);
    int interval() const { return m_intervalMs; }

public Q_SLOTS:
    /// AlertEngine::transition (or AlertHistory::stored).
    void notify(const cw::AlertTransition &transition);
    /// The tray icon's colour and tooltip follow the worst active alert.
    void setActiveAlerts(const QList<cw::AlertTransition> &alerts);

Q_SIGNALS:
    /// A message was handed to the tray (also for tests and the log).
    void messageShown(const QString &title, const QString &text);
    /// The operator clicked the icon or a message: raise the window.
    void showRequested();

private:
    void flush();
    void show(const QList<AlertTransition> &batch);

    QSystemTrayIcon *m_tray = nullptr;
    QTimer *m_window;
    QList<AlertTransition> m_queued;
    int m_intervalMs = kDefaultIntervalMs;
    QRgb m_iconColour = 0;
};

} // namespace cw
