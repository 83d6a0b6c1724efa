#include "models/DockerTypes.h"

namespace cw {

QString DockerEndpoint::display() const
{
    return tlsVerify ? host + QStringLiteral(" (TLS)") : host;
}

QString toString(ContainerAction action)
{
    switch (action) {
    case ContainerAction::Restart: return QStringLiteral("restart");
    case ContainerAction::Stop: return QStringLiteral("stop");
    case ContainerAction::Start: return QStringLiteral("start");
    }
    return {};
}

QString toString(ActionOutcome outcome)
{
    switch (outcome) {
    case ActionOutcome::Done: return QStringLiteral("done");
    case ActionOutcome::AlreadyInState: return QStringLiteral("already in that state");
    case ActionOutcome::NoSuchContainer: return QStringLiteral("no such container");
    case ActionOutcome::Refused: return QStringLiteral("refused");
    case ActionOutcome::Failed: return QStringLiteral("failed");
    }
    return {};
}

bool applyLifecycleEvent(ContainerInfo &container, const DockerEvent &event)
{
    if (event.type != QLatin1String("container"))
        return false;
    QString state;
    if (event.action == QLatin1String("die") || event.action == QLatin1String("stop"))
        state = QStringLiteral("exited");
    else if (event.action == QLatin1String("start") || event.action == QLatin1String("restart")
             || event.action == QLatin1String("unpause"))
        state = QStringLiteral("running");
    else if (event.action == QLatin1String("pause"))
        state = QStringLiteral("paused");
    else
        return false;
    if (event.action == QLatin1String("stop") && container.state == QLatin1String("exited"))
        return false;
    container.state = state;
    if (state == QLatin1String("exited")) {
        bool ok = false;
        const int code = event.attributes.value(QStringLiteral("exitCode")).toInt(&ok);
        container.exitCode = ok ? std::optional<int>(code) : std::nullopt;
    } else {
        container.exitCode.reset();
    }
    return true;
}

} // namespace cw
