#include "models/Alert.h"

#include <QStringList>
#include <array>
#include <utility>

namespace cw {

namespace {
template <typename E, size_t N>
bool parseEnum(const std::array<std::pair<E, const char *>, N> &names, const QString &text, E *out)
{
    for (const auto &[value, name] : names) {
        if (text == QLatin1String(name)) {
            *out = value;
            return true;
        }
    }
    return false;
}

template <typename E, size_t N>
QString enumName(const std::array<std::pair<E, const char *>, N> &names, E value)
{
    for (const auto &[v, name] : names) {
        if (v == value)
            return QLatin1String(name);
    }
    return QString();
}

constexpr std::array<std::pair<Severity, const char *>, 3> kSeverities {
    { { Severity::Info, "info" }, { Severity::Warning, "warning" },
        { Severity::Critical, "critical" } }
};
constexpr std::array<std::pair<AlertState, const char *>, 4> kStates {
    { { AlertState::Pending, "pending" }, { AlertState::Firing, "firing" },
        { AlertState::Resolved, "resolved" }, { AlertState::Flapping, "flapping" } }
};
constexpr std::array<std::pair<NotifyStatus, const char *>, 5> kNotify {
    { { NotifyStatus::None, "none" }, { NotifyStatus::Queued, "queued" },
        { NotifyStatus::Sent, "sent" }, { NotifyStatus::Failed, "failed" },
        { NotifyStatus::Silenced, "silenced" } }
};
} // namespace

QString toString(Severity severity)
{
    return enumName(kSeverities, severity);
}
bool severityFromString(const QString &text, Severity *out)
{
    return parseEnum(kSeverities, text, out);
}
QString toString(AlertState state)
{
    return enumName(kStates, state);
}
bool alertStateFromString(const QString &text, AlertState *out)
{
    return parseEnum(kStates, text, out);
}
QString toString(NotifyStatus status)
{
    return enumName(kNotify, status);
}
bool notifyStatusFromString(const QString &text, NotifyStatus *out)
{
    return parseEnum(kNotify, text, out);
}

bool Silence::matches(const QString &r, const QString &s, qint64 nowMs) const
{
    return nowMs < untilMs && (rule.isEmpty() || rule == r) && (subject.isEmpty() || subject == s);
}

QString firingSummary(const QList<AlertTransition> &active, bool *critical)
{
    int criticalCount = 0;
    int warningCount = 0;
    int clearingCount = 0;
    for (const AlertTransition &alert : active) {
        if (alert.state == AlertState::Pending || !alert.causedBy.isEmpty())
            continue; // grouped under their cause, which is counted
        (alert.severity == Severity::Critical ? criticalCount : warningCount) += 1;
        clearingCount += alert.isClearing() ? 1 : 0;
    }
    if (critical)
        *critical = criticalCount > 0;
    QStringList parts;
    if (criticalCount > 0)
        parts << QStringLiteral("%1 critical").arg(criticalCount);
    if (warningCount > 0)
        parts << QStringLiteral("%1 warning").arg(warningCount);
    if (parts.isEmpty())
        return {};
    QString text
        = QStringLiteral("⚠ ") + parts.join(QStringLiteral(" · ")) + QStringLiteral(" firing");
    if (clearingCount > 0)
        text += QStringLiteral(" (%1 clearing)").arg(clearingCount);
    return text;
}

} // namespace cw
