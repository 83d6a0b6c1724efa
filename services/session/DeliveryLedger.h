#pragma once

#include "models/Alert.h"

#include <QHash>
#include <QList>
#include <QString>
#include <optional>

namespace cw {

/// What became of the webhook messages of each alert transition, kept apart from the history's
/// SQLite commit: an alert is paged at once, and its outcome reaches the history row whenever
/// that row exists (it may be committed later, or never while the disk is full).
///
/// Each transition handed to the notifier gets a reference (negative, so it cannot be mistaken
/// for a history row id); the notifier reports per target by that reference. A transition is
/// "sent" as soon as one target took it, "failed" when every target failed. Failed ones stay
/// undelivered and are handed out again by redeliver(), also those read back from the history
/// after a restart, until a target takes them or they are older than the redelivery age.
class DeliveryLedger {
public:
    struct Update {
        qint64 rowId = 0; ///< the history row to write; 0 while it is not stored yet
        NotifyStatus status = NotifyStatus::None;
        QString error;
    };

    /// Tracks @p transition (rowId 0 when not stored yet) for @p targets webhooks; returns the
    /// copy to give the notifier, whose id is the ledger's reference.
    AlertTransition track(const AlertTransition &transition, int targets, qint64 rowId = 0);
    /// The history committed @p stored (with its row id). Returns the outcome decided before
    /// the commit, if any, to write to that row now.
    std::optional<Update> stored(const AlertTransition &stored);
    /// One target's answer for reference @p ref. Returns the row's new status once it is
    /// decided (rowId 0: write it when the row is stored).
    std::optional<Update> outcome(qint64 ref, bool delivered, const QString &error);
    /// Failed transitions not older than @p maxAgeMs at @p nowMs, each re-tracked under a new
    /// reference for @p targets: hand them to the notifier again.
    QList<AlertTransition> redeliver(int targets, qint64 nowMs, qint64 maxAgeMs);
    /// Rows the history holds as queued or failed (read back at start): the previous run could
    /// not deliver them; they go out with the next redeliver().
    void restoreUndelivered(const QList<AlertTransition> &rows);
    /// Drops the undelivered transitions (another cluster is opened: they stay "failed" in the
    /// history). Messages on their way still report.
    void forgetUndelivered() { m_failed.clear(); }
    /// Undelivered (failed, not yet retried) transitions.
    [[nodiscard]] int undelivered() const { return int(m_failed.size()); }
    /// Messages whose outcome is not known yet.
    [[nodiscard]] int inFlight() const { return int(m_entries.size()); }
    /// Outcomes decided before their history row was committed, waiting for stored().
    [[nodiscard]] int awaitingRows() const { return int(m_decidedUnstored.size()); }

private:
    struct Entry {
        AlertTransition transition; ///< as tracked (id: the history row, 0 when not stored)
        int pending = 0; ///< targets that have not answered
        bool sent = false;
        bool reported = false;
        QString error;
    };
    static QString identity(const AlertTransition &t);

    qint64 m_nextRef = -1;
    QHash<qint64, Entry> m_entries; ///< by reference
    QHash<QString, qint64> m_unstored; ///< identity → reference, until the row is committed
    QHash<QString, std::pair<NotifyStatus, QString>> m_decidedUnstored; ///< identity → outcome
    QList<AlertTransition> m_failed; ///< undelivered (id = row id, or 0)
};

} // namespace cw
