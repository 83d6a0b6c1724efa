#pragma once

#include "models/Alert.h"

#include <QList>
#include <QObject>
#include <QSet>
#include <chrono>
#include <optional>

namespace cw {

/// The pages a wall screen rotates through.
enum class WallPage { Overview, Charts, Alerts };
QString toString(WallPage page); ///< "overview", "charts", "alerts"
bool wallPageFromString(const QString &text, WallPage *out);

/// What the wall screen shows, decided without widgets: the pages rotate every interval; a
/// firing critical alert that stands on its own (not a symptom grouped under a cause) stops
/// the rotation and takes the screen until a workstation acknowledges it or it resolves. When
/// several do, the one that fired first is shown and the others are counted. Rotation resumes
/// on the page it was on, with a full interval.
///
/// Driven by advance() with a monotonic time, so tests and the soak benchmark run it on a
/// manual clock.
class WallRotation final : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::seconds kDefaultInterval { 20 };
    static constexpr std::chrono::seconds kMinimumInterval { 5 };

    explicit WallRotation(QObject *parent = nullptr);

    /// At least one page; an empty list keeps the current ones.
    void setPages(const QList<cw::WallPage> &pages);
    QList<WallPage> pages() const { return m_pages; }
    /// Clamped to at least kMinimumInterval.
    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const { return m_interval; }

    /// The alerts active now (AlertEngine::activeAlerts()).
    void setActiveAlerts(const QList<cw::AlertTransition> &active);
    /// Alert keys ("rule/subject") a workstation acknowledged (AckWatcher).
    void setAcknowledged(const QSet<QString> &keys);
    /// The keys of the alerts that could take the screen, acknowledged or not (what the
    /// AckWatcher should look up).
    QStringList takeoverCandidates() const;

    /// Moves time to @p nowMonoMs: turns the page when its interval is over (not during a
    /// takeover). The first call starts the first page's interval.
    void advance(qint64 nowMonoMs);

    WallPage page() const { return m_pages.value(m_index, WallPage::Overview); }
    /// The alert holding the screen, if any.
    const std::optional<AlertTransition> &takeover() const { return m_takeover; }
    /// Other unacknowledged critical alerts waiting behind the one shown.
    int takeoverQueue() const { return m_queue; }
    /// Milliseconds until the next page turn (0 during a takeover).
    qint64 untilNextPageMs(qint64 nowMonoMs) const;

Q_SIGNALS:
    void pageChanged(cw::WallPage page);
    /// A takeover began, ended, or now shows another alert.
    void takeoverChanged();

private:
    void reconsider();

    QList<WallPage> m_pages { WallPage::Overview, WallPage::Charts, WallPage::Alerts };
    std::chrono::milliseconds m_interval { kDefaultInterval };
    int m_index = 0;
    qint64 m_pageSinceMonoMs = -1;
    qint64 m_lastNowMonoMs = 0;
    QList<AlertTransition> m_active;
    QSet<QString> m_acknowledged;
    std::optional<AlertTransition> m_takeover;
    int m_queue = 0;
};

} // namespace cw
