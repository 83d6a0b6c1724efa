#include "services/session/DeliveryLedger.h"

#include <algorithm>

namespace cw {

QString DeliveryLedger::identity(const AlertTransition &t)
{
    // One alert cannot enter the same state twice in the same millisecond.
    return t.key() + QLatin1Char('@') + QString::number(t.timeMs) + QLatin1Char('/')
        + toString(t.state);
}

AlertTransition DeliveryLedger::track(const AlertTransition &transition, int targets, qint64 rowId)
{
    const qint64 ref = m_nextRef--;
    Entry entry;
    entry.transition = transition;
    entry.transition.id = rowId;
    entry.pending = std::max(1, targets);
    m_entries.insert(ref, entry);
    if (rowId == 0)
        m_unstored.insert(identity(transition), ref);
    AlertTransition out = transition;
    out.id = ref;
    return out;
}

std::optional<DeliveryLedger::Update> DeliveryLedger::stored(const AlertTransition &stored)
{
    const QString id = identity(stored);
    if (const auto ref = m_unstored.constFind(id); ref != m_unstored.cend()) {
        if (auto entry = m_entries.find(*ref); entry != m_entries.end())
            entry->transition.id = stored.id;
        m_unstored.erase(ref);
    }
    for (AlertTransition &failed : m_failed) {
        if (failed.id == 0 && identity(failed) == id)
            failed.id = stored.id;
    }
    if (const auto decided = m_decidedUnstored.constFind(id); decided != m_decidedUnstored.cend()) {
        Update update { stored.id, decided->first, decided->second };
        m_decidedUnstored.erase(decided);
        return update;
    }
    return std::nullopt;
}

std::optional<DeliveryLedger::Update> DeliveryLedger::outcome(
    qint64 ref, bool delivered, const QString &error)
{
    const auto it = m_entries.find(ref);
    if (it == m_entries.end())
        return std::nullopt; // not ours: a message of a ledger that was replaced
    --it->pending;
    if (delivered)
        it->sent = true;
    else if (!error.isEmpty() && !it->error.contains(error))
        it->error += (it->error.isEmpty() ? QString() : QStringLiteral("; ")) + error;

    std::optional<Update> update;
    if (!it->reported && (it->sent || it->pending <= 0)) {
        it->reported = true;
        update = Update { it->transition.id, it->sent ? NotifyStatus::Sent : NotifyStatus::Failed,
            it->sent ? QString() : it->error };
        if (!it->sent) {
            AlertTransition failed = it->transition;
            failed.notify = NotifyStatus::Failed;
            failed.notifyError = it->error;
            m_failed.append(failed);
        }
        if (it->transition.id == 0)
            m_decidedUnstored.insert(identity(it->transition), { update->status, update->error });
    }
    if (it->pending <= 0) {
        if (it->transition.id == 0 && !it->reported)
            m_unstored.remove(identity(it->transition));
        m_entries.erase(it);
    }
    return update;
}

void DeliveryLedger::restoreUndelivered(const QList<AlertTransition> &rows)
{
    for (const AlertTransition &row : rows) {
        const bool known = std::any_of(m_failed.cbegin(), m_failed.cend(),
            [&](const AlertTransition &t) { return t.id == row.id; });
        if (row.id > 0 && !known)
            m_failed.append(row);
    }
}

QList<AlertTransition> DeliveryLedger::redeliver(int targets, qint64 nowMs, qint64 maxAgeMs)
{
    QList<AlertTransition> again;
    const QList<AlertTransition> failed = std::exchange(m_failed, {});
    for (const AlertTransition &t : failed) {
        if (nowMs - t.timeMs > maxAgeMs)
            continue; // too old to page about now; it stays "failed" in the history
        again << track(t, targets, t.id);
    }
    return again;
}

} // namespace cw
