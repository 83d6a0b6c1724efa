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

} // namespace cw
