#pragma once

#include "models/items/WallRotation.h"

#include <QObject>
#include <QPointer>
#include <chrono>
#include <memory>

class QAbstractItemModel;

namespace cw {

class AckWatcher;
class ClusterSession;
class WallWindow;
class WorkerThread;

/// How the wall rotates (command line: --rotate, --pages).
struct WallOptions {
    QList<WallPage> pages { WallPage::Overview, WallPage::Charts, WallPage::Alerts };
    std::chrono::milliseconds rotateEvery { WallRotation::kDefaultInterval };
    qint64 chartSpanMs = 3'600'000;
    /// The alert history acknowledgements are read from (AlertHistory::defaultPath() by default,
    /// the workstation's on this machine).
    QString ackHistoryPath;
};

/// Puts a WallWindow on a session: the cluster's name, charts and poll interval, the active
/// alerts, and the workstation's acknowledgements, read on their own thread (AckWatcher) for
/// the critical alerts that could take the screen. The session must outlive it.
class WallController final : public QObject {
    Q_OBJECT
public:
    WallController(ClusterSession *session, QAbstractItemModel *nodes, WallOptions options,
        QObject *parent = nullptr);
    ~WallController() override;

    WallWindow *window() const { return m_window.get(); }
    void show();

Q_SIGNALS:
    void leaveRequested();

private:
    void onAlertsChanged();

    ClusterSession *m_session;
    std::unique_ptr<WallWindow> m_window;
    std::unique_ptr<WorkerThread> m_ackThread;
    AckWatcher *m_ack = nullptr; ///< lives on m_ackThread
};

} // namespace cw
