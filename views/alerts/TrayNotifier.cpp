#include "views/alerts/TrayNotifier.h"

#include "views/StatePalette.h"

#include <QIcon>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>
#include <QTimer>
#include <algorithm>
#include <utility>

namespace cw {

namespace {

constexpr int kMoreNamed = 3;

QIcon dotIcon(const QColor &colour)
{
    QPixmap pixmap(64, 64);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(colour.darker(150), 4));
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(6, 6, 52, 52));
    return QIcon(pixmap);
}

/// Firing critical first, then firing warning, then resolutions; the oldest first within each.
int rank(const AlertTransition &t)
{
    if (t.state == AlertState::Resolved)
        return 0;
    return t.severity == Severity::Critical ? 2 : 1;
}

QString titleOf(const AlertTransition &t)
{
    if (t.state == AlertState::Resolved)
        return QStringLiteral("Resolved: ") + t.key();
    return QStringLiteral("%1 %2: %3")
        .arg(toString(t.severity).toUpper(), toString(t.state), t.key());
}

} // namespace

TrayNotifier::TrayNotifier(QObject *parent)
    : TrayNotifier(QSystemTrayIcon::isSystemTrayAvailable(), parent)
{
}

TrayNotifier::TrayNotifier(bool trayAvailable, QObject *parent)
    : QObject(parent)
    , m_window(new QTimer(this))
{
    m_window->setSingleShot(true);
    m_window->setInterval(m_intervalMs);
    connect(m_window, &QTimer::timeout, this, &TrayNotifier::flush);
    if (!trayAvailable)
        return;
    m_iconColour = palette::good().rgb();
    m_tray = new QSystemTrayIcon(dotIcon(palette::good()), this);
    m_tray->setToolTip(QStringLiteral("Clusterwatch — no active alerts"));
    connect(m_tray, &QSystemTrayIcon::activated, this, [this] { Q_EMIT showRequested(); });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &TrayNotifier::showRequested);
    m_tray->show();
}

TrayNotifier::~TrayNotifier()
{
    if (m_tray)
        m_tray->hide();
}

bool TrayNotifier::wanted(const AlertTransition &t)
{
    if (t.severity == Severity::Info)
        return false;
    return t.state == AlertState::Firing || t.state == AlertState::Flapping
        || t.state == AlertState::Resolved;
}

void TrayNotifier::setInterval(int milliseconds)
{
    m_intervalMs = std::max(0, milliseconds);
    m_window->setInterval(m_intervalMs);
}

void TrayNotifier::notify(const AlertTransition &transition)
{
    if (!m_tray || !wanted(transition))
        return;
    if (m_window->isActive()) {
        m_queued.append(transition);
        return;
    }
    show({ transition });
    m_window->start();
}

void TrayNotifier::flush()
{
    if (m_queued.isEmpty())
        return;
    const QList<AlertTransition> batch = std::exchange(m_queued, {});
    show(batch);
    m_window->start();
}

void TrayNotifier::show(const QList<AlertTransition> &batch)
{
    QList<AlertTransition> sorted = batch;
    std::stable_sort(sorted.begin(), sorted.end(),
        [](const AlertTransition &a, const AlertTransition &b) { return rank(a) > rank(b); });
    const AlertTransition &lead = sorted.constFirst();
    QString text = lead.summary;
    if (!lead.causedBy.isEmpty())
        text += QStringLiteral("\n(caused by %1)").arg(lead.causedBy);
    if (sorted.size() > 1) {
        QStringList others;
        for (qsizetype i = 1; i < sorted.size() && others.size() < kMoreNamed; ++i)
            others << sorted.at(i).key();
        text += QStringLiteral("\n+%1 more: %2%3")
                    .arg(sorted.size() - 1)
                    .arg(others.join(QStringLiteral(", ")),
                        sorted.size() - 1 > kMoreNamed ? QStringLiteral(", …") : QString());
    }
    QSystemTrayIcon::MessageIcon icon = QSystemTrayIcon::Information;
    if (lead.state != AlertState::Resolved)
        icon = lead.severity == Severity::Critical ? QSystemTrayIcon::Critical
                                                   : QSystemTrayIcon::Warning;
    const QString title = titleOf(lead);
    m_tray->showMessage(title, text, icon);
    Q_EMIT messageShown(title, text);
}

void TrayNotifier::setActiveAlerts(const QList<AlertTransition> &alerts)
{
    if (!m_tray)
        return;
    int critical = 0;
    int warning = 0;
    int clearing = 0;
    for (const AlertTransition &t : alerts) {
        if (t.state == AlertState::Pending)
            continue;
        critical += t.severity == Severity::Critical ? 1 : 0;
        warning += t.severity == Severity::Warning ? 1 : 0;
        clearing += t.isClearing() && t.severity != Severity::Info ? 1 : 0;
    }
    const QColor colour
        = critical > 0 ? palette::bad() : (warning > 0 ? palette::warn() : palette::good());
    if (colour.rgb() != m_iconColour) {
        m_iconColour = colour.rgb();
        m_tray->setIcon(dotIcon(colour));
    }
    QStringList parts;
    if (critical > 0)
        parts << QStringLiteral("%1 critical").arg(critical);
    if (warning > 0)
        parts << QStringLiteral("%1 warning").arg(warning);
    m_tray->setToolTip(QStringLiteral("Clusterwatch — ")
        + (parts.isEmpty() ? QStringLiteral("no active alerts") : parts.join(QStringLiteral(", ")))
        + (clearing > 0 ? QStringLiteral(" (%1 clearing)").arg(clearing) : QString()));
}

} // namespace cw
