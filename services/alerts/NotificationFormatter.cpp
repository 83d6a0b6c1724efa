#include "services/alerts/NotificationFormatter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace cw::notification {

namespace {

/// Slack cuts a section block at 3,000 characters; the text is kept within that too, so that
/// the notification and the block show the same.
constexpr qsizetype kMaxSlackChars = 3000;
constexpr qsizetype kMaxDetailLines = 10;

/// The three characters Slack's mrkdwn needs escaped; everything else is literal.
QString slackEscape(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('&'))
            out += QLatin1String("&amp;");
        else if (c == QLatin1Char('<'))
            out += QLatin1String("&lt;");
        else if (c == QLatin1Char('>'))
            out += QLatin1String("&gt;");
        else
            out += c;
    }
    return out;
}

QString describe(const AlertTransition &t)
{
    const QString what = t.summary.isEmpty() ? t.key() : t.summary;
    return toString(t.severity).toUpper() + QLatin1Char(' ') + toString(t.state)
        + QStringLiteral(": ") + what;
}

QString origin(const AlertTransition &t)
{
    return t.rule + QStringLiteral(" on ") + t.subject;
}

QString slackLine(const AlertTransition &t)
{
    const QString what = t.summary.isEmpty() ? t.key() : t.summary;
    return QStringLiteral("*%1 %2*: %3 (`%4` on *%5*)")
        .arg(toString(t.severity).toUpper(), toString(t.state), slackEscape(what),
            slackEscape(t.rule), slackEscape(t.subject));
}

QString truncated(const QString &text, qsizetype maxChars)
{
    if (text.size() <= maxChars)
        return text;
    return text.left(maxChars - 1) + QChar(0x2026);
}

/// The group with its lead first.
QList<AlertTransition> ordered(const QList<AlertTransition> &group)
{
    QList<AlertTransition> out = group;
    const qsizetype lead = leadIndex(group);
    if (lead > 0)
        out.move(lead, 0);
    return out;
}

} // namespace

qsizetype leadIndex(const QList<AlertTransition> &group)
{
    for (qsizetype i = 0; i < group.size(); ++i) {
        if (group.at(i).causedBy.isEmpty())
            return i;
    }
    return 0;
}

QString headline(const QString &cluster, const QList<AlertTransition> &group)
{
    if (group.isEmpty())
        return QString();
    const AlertTransition &lead = group.at(leadIndex(group));
    QString line = QLatin1Char('[') + cluster + QStringLiteral("] ") + describe(lead)
        + QStringLiteral(" (") + origin(lead) + QLatin1Char(')');
    if (group.size() > 1)
        line += QStringLiteral(" +%1 related").arg(group.size() - 1);
    return line;
}

QByteArray slack(const QString &cluster, const QList<AlertTransition> &group)
{
    const QList<AlertTransition> items = ordered(group);
    QStringList lines;
    if (!items.isEmpty()) {
        const AlertTransition &lead = items.first();
        lines << QLatin1Char('[') + slackEscape(cluster) + QStringLiteral("] ") + slackLine(lead);
        const QStringList detail = lead.detail.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (qsizetype i = 0; i < detail.size() && i < kMaxDetailLines; ++i)
            lines << QStringLiteral("> ") + slackEscape(detail.at(i));
        if (detail.size() > kMaxDetailLines)
            lines << QStringLiteral("> ") + QChar(0x2026);
    }
    if (items.size() > 1) {
        lines << QStringLiteral("Related (%1):").arg(items.size() - 1);
        for (qsizetype i = 1; i < items.size() && i <= kMaxListed; ++i)
            lines << QChar(0x2022) + QLatin1Char(' ') + slackLine(items.at(i));
        if (items.size() - 1 > kMaxListed)
            lines << QChar(0x2026)
                    + QStringLiteral(" and %1 more").arg(items.size() - 1 - kMaxListed);
    }
    const QString text = truncated(lines.join(QLatin1Char('\n')), kMaxSlackChars);

    QJsonObject section;
    section.insert(QStringLiteral("type"), QStringLiteral("section"));
    section.insert(QStringLiteral("text"),
        QJsonObject { { QStringLiteral("type"), QStringLiteral("mrkdwn") },
            { QStringLiteral("text"), text } });
    QJsonObject context;
    context.insert(QStringLiteral("type"), QStringLiteral("context"));
    const QString when = items.isEmpty() ? QString() : isoTime(items.first().timeMs);
    const QString footer = QStringLiteral("Clusterwatch \u00b7 ") + slackEscape(cluster)
        + QStringLiteral(" \u00b7 ") + when;
    context.insert(QStringLiteral("elements"),
        QJsonArray { QJsonObject { { QStringLiteral("type"), QStringLiteral("mrkdwn") },
            { QStringLiteral("text"), footer } } });

    QJsonObject root;
    root.insert(QStringLiteral("text"), text);
    root.insert(QStringLiteral("blocks"), QJsonArray { section, context });
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

QByteArray json(const QString &cluster, const QList<AlertTransition> &group)
{
    QJsonArray alerts;
    for (const AlertTransition &t : ordered(group)) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), t.id);
        o.insert(QStringLiteral("rule"), t.rule);
        o.insert(QStringLiteral("subject"), t.subject);
        o.insert(QStringLiteral("severity"), toString(t.severity));
        o.insert(QStringLiteral("state"), toString(t.state));
        o.insert(QStringLiteral("summary"), t.summary);
        o.insert(QStringLiteral("detail"), t.detail);
        o.insert(QStringLiteral("causedBy"), t.causedBy);
        o.insert(QStringLiteral("time"), isoTime(t.timeMs));
        alerts.append(o);
    }
    QJsonObject root;
    root.insert(QStringLiteral("source"), QStringLiteral("clusterwatch"));
    root.insert(QStringLiteral("cluster"), cluster);
    root.insert(QStringLiteral("alerts"), alerts);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

QByteArray payload(
    WebhookConfig::Kind kind, const QString &cluster, const QList<AlertTransition> &group)
{
    return kind == WebhookConfig::Kind::Slack ? slack(cluster, group) : json(cluster, group);
}

QString isoTime(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace cw::notification
