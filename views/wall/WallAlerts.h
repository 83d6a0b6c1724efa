#pragma once

#include "models/Alert.h"

#include <QHash>
#include <QWidget>

namespace cw {

class WallStyle;

/// Orders active alerts for the wall: firing before pending, critical before warning before
/// info, oldest first; symptoms grouped under a cause are left out (the cause counts them).
QList<AlertTransition> wallAlertOrder(const QList<AlertTransition> &active);

/// The wall's active-alerts page: one row per alert, severity by colour, icon and word, its
/// summary, subject and how long it has been firing, and who acknowledged it.
class WallAlerts final : public QWidget {
    Q_OBJECT
public:
    explicit WallAlerts(const WallStyle *style, QWidget *parent = nullptr);
    void setStyle(const WallStyle *style);
    void setActiveAlerts(const QList<cw::AlertTransition> &active);
    /// Who acknowledged what, by alert key.
    void setAcknowledged(const QHash<QString, QString> &byKey);
    void setNow(qint64 nowMs);
    /// Why workstation acknowledgements cannot be seen; empty when they can.
    void setAckStatus(const QString &error);
    /// Rows shown in the last paint (tests).
    int shownRows() const { return m_shown; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const WallStyle *m_style;
    QList<AlertTransition> m_alerts;
    QHash<QString, int> m_symptoms;
    QHash<QString, QString> m_acks;
    qint64 m_nowMs = 0;
    int m_shown = 0;
    QString m_ackStatus;
};

/// A firing critical alert holding the wall: the biggest text there is, what it is about,
/// since when, its evidence, and how it ends.
class WallTakeover final : public QWidget {
    Q_OBJECT
public:
    explicit WallTakeover(const WallStyle *style, QWidget *parent = nullptr);
    void setStyle(const WallStyle *style);
    void setAlert(const cw::AlertTransition &alert, int othersWaiting);
    void setNow(qint64 nowMs);
    void setAckStatus(const QString &error);
    const AlertTransition &alert() const { return m_alert; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    const WallStyle *m_style;
    AlertTransition m_alert;
    int m_others = 0;
    qint64 m_nowMs = 0;
    bool m_acksSeen = true;
};

/// Severity colours on the wall (vermillion, yellow, sky blue) and their ink.
QColor wallSeverityColor(Severity severity);
QColor wallSeverityInk(Severity severity);

} // namespace cw
