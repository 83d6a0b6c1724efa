#include "app/DrillCommand.h"

#include "app/SignalWatcher.h"
#include "models/state/ClusterState.h"
#include "services/config/ConfigLoader.h"
#include "services/drillrun/DrillChecks.h"
#include "services/drillrun/DrillRunner.h"
#include "services/drills/DrillFile.h"
#include "services/report/DrillReport.h"
#include "services/session/ClusterSession.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QGuiApplication>
#include <QLoggingCategory>
#include <QTextStream>
#include <QTimer>
#include <cstdio>
#include <unistd.h>

namespace cw {

namespace {

constexpr int kExitPassed = 0;
constexpr int kExitDeviated = 1;
constexpr int kExitBadFile = 2;
constexpr int kExitUsage = 3;
constexpr int kExitAborted = 4;
constexpr int kExitNotConfirmed = 5;

void printError(const QString &message)
{
    std::fprintf(stderr, "clusterwatch drill: %s\n", message.toLocal8Bit().constData());
}

void say(const QString &line)
{
    std::fprintf(stdout, "%s\n", line.toLocal8Bit().constData());
    std::fflush(stdout);
}

QString offset(qint64 ms)
{
    return QStringLiteral("+%1s").arg(double(ms) / 1000.0, 6, 'f', 1);
}

QString orDash(const std::optional<qint64> &ms)
{
    return ms ? drillDuration(*ms) : QStringLiteral("—");
}

void printFigures(const DrillRecord &record)
{
    const DrillFigures &f = record.figures;
    say(QStringLiteral("  detection        %1").arg(orDash(f.detectionMs)));
    say(QStringLiteral("  first alert      %1").arg(orDash(f.alertMs)));
    say(QStringLiteral("  recovery         %1 (recovery action -> healthy)")
            .arg(orDash(f.recoveryMs)));
    say(QStringLiteral("  RTO              %1 (fault -> healthy)").arg(orDash(f.rtoMs)));
    say(QStringLiteral("  requests         %1 sent, %2 failed, %3 slow (max %4)")
            .arg(f.requests)
            .arg(f.failedRequests)
            .arg(f.slowRequests)
            .arg(drillDuration(f.maxLatencyMs)));
    say(QStringLiteral("  error window     %1").arg(orDash(f.errorWindowMs)));
    if (f.completedDuringFault)
        say(QStringLiteral("  jobs completed   %1 while the fault was held")
                .arg(*f.completedDuringFault, 0, 'f', 0));
    if (f.crashedExecutions)
        say(QStringLiteral("  crashed          %1 executions").arg(*f.crashedExecutions));
    if (!f.exitedContainers.isEmpty())
        say(QStringLiteral("  exited           %1")
                .arg(f.exitedContainers.join(QStringLiteral(", "))));
}

bool confirmOnTerminal(const QString &question, const QStringList &plan, const QString &container)
{
    say(question);
    say(QString());
    for (const QString &line : plan)
        say(QStringLiteral("  - ") + line);
    say(QString());
    if (!isatty(STDIN_FILENO)) {
        printError(QStringLiteral("not confirmed: stdin is not a terminal (give --yes to confirm "
                                  "from a script)"));
        return false;
    }
    std::fprintf(stdout, "Type the container name (%s) to confirm: ", qPrintable(container));
    std::fflush(stdout);
    QTextStream in(stdin);
    const QString answer = in.readLine().trimmed();
    return answer == container;
}

} // namespace

int runDrillCommand(int argc, char *argv[])
{
    // The report's PDF needs QtGui; no display is needed for it.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Clusterwatch"));
    QCoreApplication::setOrganizationName(QStringLiteral("Clusterwatch"));
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(
            QStringLiteral("*.debug=false\n*.info=false\n*.warning=false"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs a failover drill without a window. Exit code: 0 passed (or dry run, or rollback "
        "done), 1 deviated, 2 a file that cannot be read, 3 usage, 4 refused or aborted, 5 not "
        "confirmed. Ctrl-C aborts and rolls the target back."));
    parser.addPositionalArgument(QStringLiteral("drill"), QStringLiteral("The drill command."));
    const QCommandLineOption configOption({ QStringLiteral("c"), QStringLiteral("config") },
        QStringLiteral("Cluster file (YAML)."), QStringLiteral("FILE"));
    const QCommandLineOption drillOption({ QStringLiteral("d"), QStringLiteral("drill") },
        QStringLiteral("Drill file (YAML)."), QStringLiteral("FILE"));
    const QCommandLineOption rollbackOption(QStringLiteral("rollback"),
        QStringLiteral("Roll back the drills of this cluster that a stopped Clusterwatch left "
                       "unfinished."));
    const QCommandLineOption dryRunOption(
        QStringLiteral("dry-run"), QStringLiteral("Show each step; act on nothing."));
    const QCommandLineOption yesOption(QStringLiteral("yes"),
        QStringLiteral("Confirmed already (scripts); otherwise the terminal asks."));
    const QCommandLineOption journalOption(QStringLiteral("journal-dir"),
        QStringLiteral("Where journals go (default: the app's drill history)."),
        QStringLiteral("DIR"));
    const QCommandLineOption auditOption(QStringLiteral("audit-file"),
        QStringLiteral("The audit trail (default: the app's)."), QStringLiteral("FILE"));
    const QCommandLineOption reportOption(QStringLiteral("report"),
        QStringLiteral("Also write BASE.html and BASE.pdf."), QStringLiteral("BASE"));
    const QCommandLineOption helpOption(
        { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    for (const auto *option : { &configOption, &drillOption, &rollbackOption, &dryRunOption,
             &yesOption, &journalOption, &auditOption, &reportOption, &helpOption })
        parser.addOption(*option);
    if (!parser.parse(QCoreApplication::arguments())) {
        printError(parser.errorText());
        return kExitUsage;
    }
    if (parser.isSet(helpOption)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.positionalArguments().size() != 1) {
        printError(QStringLiteral("unexpected arguments: %1")
                       .arg(parser.positionalArguments().mid(1).join(QLatin1Char(' '))));
        return kExitUsage;
    }
    if (!parser.isSet(configOption)) {
        printError(QStringLiteral("--config FILE is required"));
        return kExitUsage;
    }
    const bool rollback = parser.isSet(rollbackOption);
    if (rollback == parser.isSet(drillOption)) {
        printError(QStringLiteral("give either --drill FILE or --rollback"));
        return kExitUsage;
    }
    Result<ClusterConfig> config = loadClusterConfig(parser.value(configOption));
    if (!config) {
        printError(config.error());
        return kExitBadFile;
    }
    std::optional<DrillSpec> spec;
    if (!rollback) {
        Result<DrillSpec> loaded = loadDrillFile(parser.value(drillOption), config.value());
        if (!loaded) {
            printError(loaded.error());
            return kExitBadFile;
        }
        spec = std::move(loaded).value();
    }

    SignalWatcher watcher; // Ctrl-C: quit, then the runner rolls back (below)
    SessionOptions sessionOptions;
    sessionOptions.auditPath = parser.value(auditOption);
    ClusterSession session(sessionOptions);
    DrillRunnerOptions runnerOptions;
    runnerOptions.journalDir = parser.value(journalOption);
    runnerOptions.clusterFile = parser.value(configOption);
    DrillRunner runner(&session, runnerOptions);
    session.open(config.value());

    int exitCode = kExitAborted;
    bool done = false;
    QObject::connect(&runner, &DrillRunner::stepChanged, &runner, [](const DrillStep &step) {
        if (step.endMs < 0)
            say(QStringLiteral("%1 %2: %3")
                    .arg(offset(step.startMs), toString(step.phase), step.title));
        else
            say(QStringLiteral("%1   %2%3")
                    .arg(offset(step.endMs), step.outcome,
                        step.detail.isEmpty() ? QString() : QStringLiteral(" — ") + step.detail));
    });
    QObject::connect(&runner, &DrillRunner::journalFailed, &runner,
        [](const QString &error) { printError(QStringLiteral("journal: ") + error); });
    QObject::connect(&runner, &DrillRunner::finished, &app,
        [&](const DrillRecord &record, const QString &journalPath) {
            say(QString());
            say(QStringLiteral("verdict: %1 — %2")
                    .arg(toString(record.verdict), record.verdictReason));
            for (const QString &finding : record.deviations)
                say(QStringLiteral("  deviation: ") + finding);
            if (!record.dryRun && record.verdict != DrillVerdict::Refused)
                printFigures(record);
            say(QStringLiteral("journal: ") + journalPath);
            if (parser.isSet(reportOption)) {
                const auto written = exportDrillReport(record, parser.value(reportOption));
                if (written)
                    say(QStringLiteral("report: ") + written.value().join(QStringLiteral(", ")));
                else
                    printError(written.error());
            }
            switch (record.verdict) {
            case DrillVerdict::Passed:
            case DrillVerdict::DryRun:
                exitCode = kExitPassed;
                break;
            case DrillVerdict::Deviated:
                exitCode = kExitDeviated;
                break;
            default:
                exitCode = kExitAborted;
                break;
            }
            if (rollback && record.verdict == DrillVerdict::Aborted && !record.faultActive)
                exitCode = kExitPassed; // the rollback did what was asked
            done = true;
            QCoreApplication::quit();
        });

    // Once the session has heard from every source (or 15 s), the drill starts.
    QTimer ready;
    ready.setInterval(100);
    qint64 waited = 0;
    QObject::connect(&ready, &QTimer::timeout, &app, [&] {
        waited += 100;
        if (!session.everySourceAnswered() && waited < 15000)
            return;
        if (!session.state()->runtimeReachable() && waited < 5000)
            return;
        ready.stop();
        QString error;
        if (rollback) {
            QStringList errors;
            const QList<DrillRecord> unfinished = runner.unfinishedDrills(&errors);
            for (const QString &e : errors)
                printError(e);
            if (unfinished.isEmpty()) {
                say(QStringLiteral("no unfinished drill of %1 in %2")
                        .arg(session.config().name, runner.journalDir()));
                exitCode = kExitPassed;
                QCoreApplication::quit();
                return;
            }
            const DrillRecord &record = unfinished.constFirst();
            const QString question
                = QStringLiteral("Roll back the drill \"%1\" started %2 (left at "
                                 "phase %3)?")
                      .arg(record.spec.name,
                          QDateTime::fromMSecsSinceEpoch(record.startedWallMs)
                              .toString(Qt::ISODate),
                          toString(record.phase));
            if (!parser.isSet(yesOption)
                && !confirmOnTerminal(question, {}, record.spec.target.container)) {
                exitCode = kExitNotConfirmed;
                QCoreApplication::quit();
                return;
            }
            if (!runner.rollback(record, &error)) {
                printError(error);
                QCoreApplication::quit();
            }
            return;
        }
        const bool dryRun = parser.isSet(dryRunOption);
        if (!dryRun && !parser.isSet(yesOption)
            && !confirmOnTerminal(
                runner.confirmationText(*spec), runner.plan(*spec), spec->target.container)) {
            exitCode = kExitNotConfirmed;
            QCoreApplication::quit();
            return;
        }
        if (!runner.start(*spec, parser.value(drillOption), dryRun, &error)) {
            printError(error);
            QCoreApplication::quit();
        }
    });
    ready.start();
    app.exec();
    if (!done && runner.isRunning()) {
        say(QStringLiteral("interrupted: rolling back"));
        runner.shutdown(QStringLiteral("clusterwatch drill was interrupted"));
        if (runner.record().faultActive)
            printError(QStringLiteral("the rollback was not confirmed; run: clusterwatch drill "
                                      "--config %1 --rollback")
                           .arg(parser.value(configOption)));
    }
    return exitCode;
}

} // namespace cw
