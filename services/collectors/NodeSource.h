#pragma once

#include "models/Snapshots.h"

#include <QObject>
#include <QString>

namespace cw {

/// Where the observations of a cluster's n8n nodes come from: HTTP probes of every node today
/// (HttpCollector), a Prometheus server later. A source lives on its own worker thread (see
/// WorkerThread); start() and stop() are queued to it, its signal crosses back queued.
///
/// An implementation emits one NodeSnapshot per node and observation round, with its own pace;
/// rounds of one node never overlap, and nothing is emitted after stop() returned.
class NodeSource : public QObject {
    Q_OBJECT
public:
    ~NodeSource() override;
    NodeSource(const NodeSource &) = delete;
    NodeSource &operator=(const NodeSource &) = delete;

    /// What observes the nodes, for logs and the status bar: "http".
    [[nodiscard]] virtual QString kind() const = 0;

public Q_SLOTS:
    /// On the source's thread: opens what it needs and observes every node at once.
    virtual void start() = 0;
    /// Aborts what is in flight and stops observing; no snapshot is emitted for it.
    virtual void stop() = 0;

Q_SIGNALS:
    void nodeSnapshotReady(const cw::NodeSnapshot &snapshot);

protected:
    explicit NodeSource(QObject *parent = nullptr);
};

} // namespace cw
