#include "models/items/WallRotation.h"

#include <algorithm>

namespace cw {

namespace {

bool takesTheScreen(const AlertTransition &alert)
{
    return alert.severity == Severity::Critical && alert.state == AlertState::Firing
        && alert.causedBy.isEmpty();
}

} // namespace

QString toString(WallPage page)
{
    switch (page) {
    case WallPage::Overview:
        return QStringLiteral("overview");
    case WallPage::Charts:
        return QStringLiteral("charts");
    case WallPage::Alerts:
        return QStringLiteral("alerts");
    }
    return QString();
}

bool wallPageFromString(const QString &text, WallPage *out)
{
    for (const WallPage page : { WallPage::Overview, WallPage::Charts, WallPage::Alerts }) {
        if (text.compare(toString(page), Qt::CaseInsensitive) == 0) {
            *out = page;
            return true;
        }
    }
    return false;
}

WallRotation::WallRotation(QObject *parent)
    : QObject(parent)
{
}

void WallRotation::setPages(const QList<WallPage> &pages)
{
    if (pages.isEmpty() || pages == m_pages)
        return;
    const WallPage before = page();
    m_pages = pages;
    m_index = std::max(0, int(m_pages.indexOf(before)));
    if (page() != before)
        Q_EMIT pageChanged(page());
}

void WallRotation::setInterval(std::chrono::milliseconds interval)
{
    m_interval = std::max<std::chrono::milliseconds>(interval, kMinimumInterval);
}

void WallRotation::setActiveAlerts(const QList<AlertTransition> &active)
{
    m_active = active;
    reconsider();
}

void WallRotation::setAcknowledged(const QSet<QString> &keys)
{
    m_acknowledged = keys;
    reconsider();
}

QStringList WallRotation::takeoverCandidates() const
{
    QStringList keys;
    for (const AlertTransition &alert : m_active) {
        if (takesTheScreen(alert))
            keys << alert.key();
    }
    keys.sort();
    return keys;
}

void WallRotation::reconsider()
{
    QList<const AlertTransition *> waiting;
    for (const AlertTransition &alert : std::as_const(m_active)) {
        if (takesTheScreen(alert) && !m_acknowledged.contains(alert.key()))
            waiting << &alert;
    }
    std::optional<AlertTransition> next;
    if (!waiting.isEmpty()) {
        const auto first = std::min_element(
            waiting.begin(), waiting.end(), [](const AlertTransition *a, const AlertTransition *b) {
                return std::tie(a->timeMs, a->rule, a->subject)
                    < std::tie(b->timeMs, b->rule, b->subject);
            });
        next = **first;
    }
    const int queue = waiting.isEmpty() ? 0 : int(waiting.size()) - 1;
    const bool ended = m_takeover && !next;
    const bool changed = next.has_value() != m_takeover.has_value()
        || (next
            && (next->key() != m_takeover->key() || next->summary != m_takeover->summary
                || next->resolvesAtMs != m_takeover->resolvesAtMs))
        || queue != m_queue;
    m_takeover = std::move(next);
    m_queue = queue;
    if (ended)
        m_pageSinceMonoMs = m_lastNowMonoMs; // the page comes back for a whole interval
    if (changed)
        Q_EMIT takeoverChanged();
}

void WallRotation::advance(qint64 nowMonoMs)
{
    m_lastNowMonoMs = nowMonoMs;
    if (m_pageSinceMonoMs < 0 || m_takeover) {
        m_pageSinceMonoMs = m_pageSinceMonoMs < 0 || m_takeover ? nowMonoMs : m_pageSinceMonoMs;
        return;
    }
    if (m_pages.size() < 2 || nowMonoMs - m_pageSinceMonoMs < m_interval.count())
        return;
    m_index = (m_index + 1) % int(m_pages.size());
    m_pageSinceMonoMs = nowMonoMs;
    Q_EMIT pageChanged(page());
}

qint64 WallRotation::untilNextPageMs(qint64 nowMonoMs) const
{
    if (m_takeover || m_pageSinceMonoMs < 0 || m_pages.size() < 2)
        return 0;
    return std::max<qint64>(0, m_interval.count() - (nowMonoMs - m_pageSinceMonoMs));
}

} // namespace cw
