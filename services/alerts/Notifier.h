#pragma once

#include "models/Alert.h"
#include "models/ClusterConfig.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

class QTimer;

namespace cw {

class CurlMulti;

/// How webhook deliveries are attempted (copied into the Notifier by configure()).
struct DeliveryPolicy {
    int maxAttempts = 4; ///< per message and target, the first included
    Millis firstRetry { 1000 }; ///< wait after the 1st failure; doubles per attempt
    Millis maxRetry { 30000 }; ///< cap of that wait
    Millis maxRetryAfter { std::chrono::minutes(5) }; ///< cap of a 429's Retry-After
    Millis connectTimeout { 5000 };
    Millis requestTimeout { 10000 }; ///< a whole attempt, connect included
    int maxQueued = 256; ///< undelivered messages over all targets
};

/// Sends alert transitions to the configured webhooks (Slack incoming webhooks or generic
/// JSON), grouped, with retries, on the thread it lives on (see WorkerThread): one CurlMulti
/// driven by that thread's event loop carries every request, so nothing blocks it.
///
/// Grouping: a transition's group key is its causedBy when set, else its own "rule/subject".
/// So a root cause and the symptoms it caused (Redis down + three workers' readiness failures
/// naming "redis_down/redis"), or an alert that fires and resolves again, share a group. The
/// first transition of a group opens it; groupWindow later the group is closed and becomes one
/// message per target, listing every transition it collected (a fixed window from the first
/// transition, so a steady trickle cannot delay a message forever). A window of 0 sends each
/// transition at once.
///
/// Delivery: POST, Content-Type application/json, connect and total timeouts. Each target sends
/// its messages one at a time, in order; targets do not wait for each other. Connection
/// failures, timeouts, HTTP 5xx and 429 are retried with exponential backoff (firstRetry,
/// doubling, capped at maxRetry; a 429's Retry-After is honoured up to maxRetryAfter) until
/// maxAttempts; any other status outside 2xx is a permanent failure at once.
///
/// Bounded: at most maxQueued undelivered messages are kept over all targets (a message in
/// flight is never dropped, so the bound may be exceeded by one per target); beyond that the
/// oldest waiting one is dropped and reported failed. notify() never blocks its caller.
///
/// Webhook URLs are secrets: neither logs nor error texts contain them (nor their path, query
/// or user info); errors name the target ("webhook 'ops-slack': HTTP 500 after 4 attempts").
///
/// Without targets, notify() drops transitions silently: the caller should not mark them
/// queued. Messages still undelivered when the Notifier is destroyed are not reported.
class Notifier final : public QObject {
    Q_OBJECT
public:
    explicit Notifier(QObject *parent = nullptr);
    ~Notifier() override; ///< frees curl's handles; runs on the notifier's thread
    Notifier(const Notifier &) = delete;
    Notifier &operator=(const Notifier &) = delete;

    /// On the notifier's thread: groups still collecting transitions.
    [[nodiscard]] int openGroups() const { return int(m_groups.size()); }
    /// On the notifier's thread: messages not yet delivered nor failed, over all targets.
    [[nodiscard]] int queuedMessages() const;

public Q_SLOTS:
    /// On the notifier's thread: creates the curl handles (otherwise done on first use).
    void start();
    /// Replaces the targets, the grouping window and the policy. Targets are matched by name:
    /// the messages of a target that is kept (its URL or kind may change) stay queued; those of
    /// a removed target are reported failed. Open groups keep their deadlines.
    void configure(const QString &cluster, const QList<cw::WebhookConfig> &webhooks,
        qint64 groupWindowMs, const cw::DeliveryPolicy &policy);
    /// Queues @p transition (already stored in the history, so it has an id) for its group.
    void notify(const cw::AlertTransition &transition);
    /// Closes every open group now (e.g. before quitting): their messages go out at once.
    void flush();

Q_SIGNALS:
    /// The message listing @p transitionIds reached @p target (answered 2xx).
    void delivered(const QList<qint64> &transitionIds, const QString &target);
    /// The message listing @p transitionIds did not reach @p target; @p error names the target,
    /// never its URL.
    void deliveryFailed(
        const QList<qint64> &transitionIds, const QString &target, const QString &error);

private:
    struct Group {
        QString key;
        QList<AlertTransition> transitions;
        qint64 closesAtMs = 0; ///< steady clock
        quint64 order = 0; ///< opening order, for closing the oldest first
    };
    struct Message;
    struct Target;

    void ensureStarted();
    void armGroupTimer();
    void closeDueGroups();
    void closeGroup(const QString &key);
    void enqueue(Target &target, const QList<AlertTransition> &transitions);
    void makeRoom();
    void kick(Target &target);
    void startAttempt(Target &target);
    void attemptDone(Target &target, int curlCode);
    void finishHead(Target &target, bool ok, const QString &error);
    [[nodiscard]] std::unique_ptr<Target> makeTarget(const WebhookConfig &config);
    void dropTarget(Target &target, const QString &why);
    [[nodiscard]] qint64 nowMs() const { return m_clock.elapsed(); }

    QString m_cluster;
    qint64 m_groupWindowMs = 30000;
    DeliveryPolicy m_policy;
    QByteArray m_userAgent;
    QByteArray m_noProxy;

    QElapsedTimer m_clock;
    std::unique_ptr<CurlMulti> m_multi;
    std::vector<std::unique_ptr<Target>> m_targets;
    QHash<QString, Group> m_groups;
    QTimer *m_groupTimer = nullptr;
    quint64 m_nextOrder = 0;
};

} // namespace cw

Q_DECLARE_METATYPE(cw::DeliveryPolicy)
