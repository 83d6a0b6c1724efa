#pragma once

#include <QObject>

class QSocketNotifier;

namespace cw {

/// Turns SIGTERM and SIGINT into a clean QCoreApplication::quit() (self-pipe), so a wall
/// screen stopped by its supervisor saves its state and stops its threads in order.
class SignalWatcher final : public QObject {
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace cw
