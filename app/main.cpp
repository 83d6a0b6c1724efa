#include "app/Application.h"
#include "app/CheckCommand.h"
#include "app/DrillCommand.h"
#include "app/SignalWatcher.h"
#include "app/WallApplication.h"
#include "services/config/ConfigLoader.h"
#include "services/config/SettingsStore.h"
#include "services/session/ClusterSession.h"
#include "services/session/HealthCheck.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <cstdio>
#include <optional>
#include <sys/resource.h>

namespace {

constexpr int kExitBadConfig = 2;
constexpr int kExitUsage = 64;

struct Options {
    QString configPath;
};

void printError(const QString &message)
{
    std::fprintf(stderr, "clusterwatch: %s\n", message.toLocal8Bit().constData());
}

} // namespace

int main(int argc, char *argv[])
{
    // A drill's prober keeps every request to a frozen backend open until it answers (nginx
    // holds them up to 120 s): at 10 requests/s that is over a thousand sockets, beyond the
    // usual soft limit of 1024 descriptors. The hard limit is ours to take.
    if (rlimit limit {}; getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    // The headless check needs no display: it never creates a QApplication.
    if (argc > 1 && qstrcmp(argv[1], "check") == 0)
        return cw::runCheckCommand(argc, argv);
    // A drill from a terminal or a script: no window (the report needs only QtGui).
    if (argc > 1 && qstrcmp(argv[1], "drill") == 0)
        return cw::runDrillCommand(argc, argv);

    // Arguments and the cluster file are checked before any window system is touched, so a
    // bad file fails fast with exit code 2, also on a machine without a display.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Live health dashboard for n8n queue-mode clusters.\n\n"
        "Headless: clusterwatch check --config FILE [--json] [--timeout DURATION]\n"
        "  one round of every source, no display needed; exit 0 OK, 1 WARNING, 2 "
        "CRITICAL, 3 UNKNOWN\n"
        "  (see clusterwatch check --help).\n"
        "Drills: clusterwatch drill --config FILE --drill FILE [--dry-run] [--yes]\n"
        "  a failover drill without a window (see clusterwatch drill --help).\n"
        "Wall screen: clusterwatch --wall --config FILE [--rotate DURATION] [--pages LIST]\n"
        "  full screen, read-only, for a NOC wall; Ctrl+Shift+W in the workstation's "
        "View menu opens it too."));
    const QCommandLineOption configOption({ QStringLiteral("c"), QStringLiteral("config") },
        QStringLiteral("Cluster file (YAML) to monitor."), QStringLiteral("FILE"));
    const QCommandLineOption helpOption(
        { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    const QCommandLineOption versionOption(
        QStringLiteral("version"), QStringLiteral("Show the version."));
    const QCommandLineOption syntheticOption(QStringLiteral("synthetic-history"),
        QStringLiteral("Fill the charts with HOURS (1-24) of generated samples before the "
                       "live ones, to look at the long ranges at once (demos, benchmarks)."),
        QStringLiteral("HOURS"));
    const QCommandLineOption themeOption(QStringLiteral("theme"),
        QStringLiteral("Colour theme for this run: system, light or dark."),
        QStringLiteral("THEME"));
    const QCommandLineOption wallOption(QStringLiteral("wall"),
        QStringLiteral("Open the read-only wall screen (full screen, no window chrome) instead of "
                       "the workstation window. It observes only: it pages no one and acts on "
                       "nothing."));
    const QCommandLineOption rotateOption(QStringLiteral("rotate"),
        QStringLiteral("Wall screen: how long each page shows, from 5s to 1h (default 20s)."),
        QStringLiteral("DURATION"));
    const QCommandLineOption pagesOption(QStringLiteral("pages"),
        QStringLiteral("Wall screen: the pages to rotate through, comma-separated, from "
                       "overview, charts, alerts (default: all three)."),
        QStringLiteral("LIST"));
    const QCommandLineOption ackFromOption(QStringLiteral("ack-from"),
        QStringLiteral("Wall screen: the alert history whose acknowledgements end a critical "
                       "alert's takeover (default: this user's, the workstation's on this "
                       "machine)."),
        QStringLiteral("FILE"));
    parser.addOption(configOption);
    parser.addOption(wallOption);
    parser.addOption(rotateOption);
    parser.addOption(pagesOption);
    parser.addOption(ackFromOption);
    parser.addOption(syntheticOption);
    parser.addOption(themeOption);
    parser.addOption(helpOption);
    parser.addOption(versionOption);
    if (!parser.parse(arguments)) {
        printError(parser.errorText());
        return kExitUsage;
    }
    if (parser.isSet(helpOption)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet(versionOption)) {
        std::printf("clusterwatch %s\n", CLUSTERWATCH_VERSION);
        return 0;
    }

    int syntheticHours = 0;
    if (parser.isSet(syntheticOption)) {
        bool ok = false;
        syntheticHours = parser.value(syntheticOption).toInt(&ok);
        if (!ok || syntheticHours < 1 || syntheticHours > 24) {
            printError(QStringLiteral(
                "--synthetic-history: expected a number of hours from 1 to 24, got \"%1\"")
                           .arg(parser.value(syntheticOption)));
            return kExitUsage;
        }
    }
    const QString theme = parser.value(themeOption);
    if (parser.isSet(themeOption) && theme != QLatin1String("system")
        && theme != QLatin1String("light") && theme != QLatin1String("dark")) {
        printError(
            QStringLiteral("--theme: expected system, light or dark, got \"%1\"").arg(theme));
        return kExitUsage;
    }

    const bool wall = parser.isSet(wallOption);
    cw::WallOptions wallOptions;
    for (const QCommandLineOption *option : { &rotateOption, &pagesOption, &ackFromOption }) {
        if (!wall && parser.isSet(*option)) {
            printError(QStringLiteral("--%1 applies to the wall screen: add --wall")
                           .arg(option->names().constFirst()));
            return kExitUsage;
        }
    }
    if (parser.isSet(rotateOption)) {
        const auto every = cw::parseCheckTimeout(parser.value(rotateOption));
        if (!every || *every < cw::WallRotation::kMinimumInterval) {
            printError(QStringLiteral("--rotate: expected a duration from 5s to 1h such as 20s "
                                      "or 1m, got \"%1\"")
                           .arg(parser.value(rotateOption)));
            return kExitUsage;
        }
        wallOptions.rotateEvery = *every;
    }
    if (parser.isSet(pagesOption)) {
        wallOptions.pages.clear();
        for (const QString &name :
            parser.value(pagesOption).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            cw::WallPage page {};
            if (!cw::wallPageFromString(name.trimmed(), &page)) {
                printError(QStringLiteral("--pages: \"%1\" is not a page; expected overview, "
                                          "charts or alerts")
                               .arg(name.trimmed()));
                return kExitUsage;
            }
            if (!wallOptions.pages.contains(page))
                wallOptions.pages << page;
        }
        if (wallOptions.pages.isEmpty()) {
            printError(QStringLiteral("--pages: name at least one of overview, charts, alerts"));
            return kExitUsage;
        }
    }
    wallOptions.ackHistoryPath = parser.value(ackFromOption);

    std::optional<cw::ClusterConfig> initial;
    if (parser.isSet(configOption)) {
        cw::Result<cw::ClusterConfig> config = cw::loadClusterConfig(parser.value(configOption));
        if (!config) {
            printError(config.error());
            return kExitBadConfig;
        }
        initial = std::move(config).value();
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Clusterwatch"));
    QApplication::setOrganizationName(QStringLiteral("Clusterwatch"));
    QApplication::setApplicationVersion(QStringLiteral(CLUSTERWATCH_VERSION));

    cw::SignalWatcher signalWatcher;
    cw::SettingsStore settings;
    if (wall) {
        // The wall needs its cluster at start: nobody is there to open one.
        if (!initial) {
            const QString last = settings.lastClusterFile();
            if (last.isEmpty() || !QFileInfo::exists(last)) {
                printError(QStringLiteral("--wall needs --config FILE (no cluster file was "
                                          "opened before)"));
                return kExitUsage;
            }
            cw::Result<cw::ClusterConfig> config = cw::loadClusterConfig(last);
            if (!config) {
                printError(config.error());
                return kExitBadConfig;
            }
            initial = std::move(config).value();
        }
        cw::WallApplication wallApp(wallOptions);
        wallApp.setCluster(*initial);
        if (syntheticHours > 0)
            wallApp.session()->fillSyntheticHistory(syntheticHours);
        wallApp.show();
        return QApplication::exec();
    }
    if (!theme.isEmpty())
        settings.setTheme(theme);
    cw::Application application(&settings);
    application.showWindow();
    if (initial) {
        application.setCluster(*initial);
    } else if (const QString last = settings.lastClusterFile();
               !last.isEmpty() && QFileInfo::exists(last)) {
        application.openClusterFile(last);
    }
    if (syntheticHours > 0)
        application.fillSyntheticHistory(syntheticHours);
    return QApplication::exec();
}
