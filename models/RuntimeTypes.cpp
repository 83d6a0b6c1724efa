#include "models/RuntimeTypes.h"

#include <QCryptographicHash>

namespace cw {

QString DockerEndpoint::display() const
{
    return tlsVerify ? host + QStringLiteral(" (TLS)") : host;
}

QString toString(ContainerAction action)
{
    switch (action) {
    case ContainerAction::Restart:
        return QStringLiteral("restart");
    case ContainerAction::Stop:
        return QStringLiteral("stop");
    case ContainerAction::Start:
        return QStringLiteral("start");
    case ContainerAction::Kill:
        return QStringLiteral("kill");
    case ContainerAction::Pause:
        return QStringLiteral("pause");
    case ContainerAction::Unpause:
        return QStringLiteral("unpause");
    case ContainerAction::RolloutRestart:
        return QStringLiteral("rollout-restart");
    case ContainerAction::Scale:
        return QStringLiteral("scale");
    }
    return {};
}

bool hasGracePeriod(ContainerAction action)
{
    switch (action) {
    case ContainerAction::Restart:
    case ContainerAction::Stop:
    case ContainerAction::RolloutRestart:
    case ContainerAction::Scale:
        return true;
    case ContainerAction::Start:
    case ContainerAction::Kill:
    case ContainerAction::Pause:
    case ContainerAction::Unpause:
        return false;
    }
    return false;
}

QString toString(ActionOutcome outcome)
{
    switch (outcome) {
    case ActionOutcome::Done:
        return QStringLiteral("done");
    case ActionOutcome::AlreadyInState:
        return QStringLiteral("already in that state");
    case ActionOutcome::NoSuchContainer:
        return QStringLiteral("no such container");
    case ActionOutcome::Refused:
        return QStringLiteral("refused");
    case ActionOutcome::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

bool applyLifecycleEvent(ContainerInfo &container, const RuntimeEvent &event)
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

const QStringList &consistencySettingKeys()
{
    static const QStringList keys = {
        QStringLiteral("N8N_ENCRYPTION_KEY"),
        QStringLiteral("DB_TYPE"),
        QStringLiteral("DB_POSTGRESDB_HOST"),
        QStringLiteral("DB_POSTGRESDB_PORT"),
        QStringLiteral("DB_POSTGRESDB_DATABASE"),
        QStringLiteral("DB_POSTGRESDB_SCHEMA"),
        QStringLiteral("DB_TABLE_PREFIX"),
        QStringLiteral("QUEUE_BULL_REDIS_HOST"),
        QStringLiteral("QUEUE_BULL_REDIS_PORT"),
        QStringLiteral("QUEUE_BULL_REDIS_DB"),
        QStringLiteral("QUEUE_BULL_PREFIX"),
        QStringLiteral("EXECUTIONS_MODE"),
    };
    return keys;
}

QByteArray settingHash(QStringView value)
{
    return QCryptographicHash::hash(value.toUtf8(), QCryptographicHash::Sha256).first(16);
}

} // namespace cw
