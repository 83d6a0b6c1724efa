#pragma once

#include "models/Alert.h"
#include "models/ClusterConfig.h"

#include <QByteArray>
#include <QList>
#include <QString>

/// Webhook bodies for one notification: a group of alert transitions that share a root cause
/// (see Notifier). Pure functions of their arguments.
///
/// The lead of a group is its first transition without a causedBy (the root cause), else its
/// first transition; the others are listed after it in the order given.
namespace cw::notification {

/// The transition a message is about (index into @p group); 0 for an empty group.
qsizetype leadIndex(const QList<AlertTransition> &group);

/// One line for people: "[prod] CRITICAL firing: Redis not reachable (redis_down on redis)
/// +3 related". Plain text, no markup.
QString headline(const QString &cluster, const QList<AlertTransition> &group);

/// Slack-compatible incoming-webhook body: {"text": ..., "blocks": [...]}. "text" carries the
/// whole message in Slack mrkdwn (it is also the fallback of the notification); related
/// transitions beyond kMaxListed are summarised as "… and N more".
QByteArray slack(const QString &cluster, const QList<AlertTransition> &group);

/// Generic body: {"source":"clusterwatch","cluster":...,"alerts":[{"id","rule","subject",
/// "severity","state","summary","detail","causedBy","time"}]}, every transition of the group,
/// lead first; time is ISO-8601 UTC with milliseconds.
QByteArray json(const QString &cluster, const QList<AlertTransition> &group);

/// slack() or json() as the target's kind asks.
QByteArray payload(
    WebhookConfig::Kind kind, const QString &cluster, const QList<AlertTransition> &group);

/// "2026-03-01T12:00:00.000Z"
QString isoTime(qint64 msSinceEpoch);

/// Related transitions listed one per line in a Slack message before "… and N more".
inline constexpr qsizetype kMaxListed = 20;

} // namespace cw::notification
