#include "models/DrillSpec.h"

#include <iterator>

namespace cw {

namespace {

/// A value and its drill-file word. Each table lists every value once, in declaration order
/// (checked below), so toString() cannot miss one and the word lists read in a stable order.
template <typename E> struct Word {
    E value;
    const char *word;
};

template <typename E, std::size_t N> constexpr bool inDeclarationOrder(const Word<E> (&table)[N])
{
    for (std::size_t i = 0; i < N; ++i)
        if (table[i].value != E(i))
            return false;
    return true;
}

constexpr Word<DrillTargetKind> kTargetKinds[] = {
    { DrillTargetKind::Node, "node" },
    { DrillTargetKind::Redis, "redis" },
    { DrillTargetKind::Postgres, "postgres" },
    { DrillTargetKind::LoadBalancer, "load_balancer" },
};
constexpr Word<DrillFault> kFaults[] = {
    { DrillFault::Stop, "stop" },
    { DrillFault::Kill, "kill" },
    { DrillFault::Pause, "pause" },
    { DrillFault::Restart, "restart" },
};
constexpr Word<DrillDurationKind> kDurationKinds[] = {
    { DrillDurationKind::Fixed, "fixed" },
    { DrillDurationKind::UntilDetected, "until_detected" },
    { DrillDurationKind::UntilRecovered, "until_recovered" },
};
constexpr Word<SteadyStateCheck> kChecks[] = {
    { SteadyStateCheck::AllNodesHealthy, "all_nodes_healthy" },
    { SteadyStateCheck::LoadBalancerAnswers, "load_balancer_answers" },
    { SteadyStateCheck::QueueDraining, "queue_draining" },
    { SteadyStateCheck::NoStuckExecutions, "no_stuck_executions" },
};
constexpr Word<RecoveryAction> kActions[] = {
    { RecoveryAction::Start, "start" },
    { RecoveryAction::Unpause, "unpause" },
    { RecoveryAction::Restart, "restart" },
};

static_assert(inDeclarationOrder(kTargetKinds) && std::size(kTargetKinds) == 4);
static_assert(inDeclarationOrder(kFaults) && std::size(kFaults) == 4);
static_assert(inDeclarationOrder(kDurationKinds) && std::size(kDurationKinds) == 3);
static_assert(inDeclarationOrder(kChecks) && std::size(kChecks) == 4);
static_assert(inDeclarationOrder(kActions) && std::size(kActions) == 3);

template <typename E, std::size_t N> QString wordOf(const Word<E> (&table)[N], E value)
{
    for (const Word<E> &entry : table)
        if (entry.value == value)
            return QString::fromLatin1(entry.word);
    return {};
}

template <typename E, std::size_t N>
std::optional<E> valueOf(const Word<E> (&table)[N], const QString &text)
{
    for (const Word<E> &entry : table)
        if (text == QLatin1String(entry.word))
            return entry.value;
    return std::nullopt;
}

template <typename E, std::size_t N> QStringList wordsOf(const Word<E> (&table)[N])
{
    QStringList words;
    words.reserve(qsizetype(N));
    for (const Word<E> &entry : table)
        words.append(QString::fromLatin1(entry.word));
    return words;
}

} // namespace

QString toString(DrillTargetKind kind)
{
    return wordOf(kTargetKinds, kind);
}

QString toString(DrillFault fault)
{
    return wordOf(kFaults, fault);
}

QString toString(DrillDurationKind kind)
{
    return wordOf(kDurationKinds, kind);
}

QString toString(SteadyStateCheck check)
{
    return wordOf(kChecks, check);
}

QString toString(RecoveryAction action)
{
    return wordOf(kActions, action);
}

std::optional<DrillTargetKind> drillTargetKindFromString(const QString &text)
{
    return valueOf(kTargetKinds, text);
}

std::optional<DrillFault> drillFaultFromString(const QString &text)
{
    return valueOf(kFaults, text);
}

std::optional<DrillDurationKind> drillDurationKindFromString(const QString &text)
{
    return valueOf(kDurationKinds, text);
}

std::optional<SteadyStateCheck> steadyStateCheckFromString(const QString &text)
{
    return valueOf(kChecks, text);
}

std::optional<RecoveryAction> recoveryActionFromString(const QString &text)
{
    return valueOf(kActions, text);
}

QStringList drillTargetKindWords()
{
    return wordsOf(kTargetKinds);
}

QStringList drillFaultWords()
{
    return wordsOf(kFaults);
}

QStringList drillDurationKindWords()
{
    return wordsOf(kDurationKinds);
}

QStringList steadyStateCheckWords()
{
    return wordsOf(kChecks);
}

QStringList recoveryActionWords()
{
    return wordsOf(kActions);
}

RecoveryAction defaultRecovery(DrillFault fault)
{
    return fault == DrillFault::Pause ? RecoveryAction::Unpause : RecoveryAction::Start;
}

bool canRecover(DrillFault fault, RecoveryAction action)
{
    if (action == RecoveryAction::Restart)
        return true;
    return (fault == DrillFault::Pause) == (action == RecoveryAction::Unpause);
}

QString DrillTarget::name() const
{
    return kind == DrillTargetKind::Node ? node : toString(kind);
}

} // namespace cw
