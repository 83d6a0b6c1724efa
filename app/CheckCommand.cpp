#include "app/CheckCommand.h"

#include "services/config/ConfigLoader.h"
#include "services/session/HealthCheck.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <cstdio>

namespace cw {

namespace {

constexpr int kExitBadConfig = 2;

void printError(const QString &message)
{
    std::fprintf(stderr, "clusterwatch check: %s\n", message.toLocal8Bit().constData());
}

} // namespace

int runCheckCommand(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Clusterwatch"));
    QCoreApplication::setOrganizationName(QStringLiteral("Clusterwatch"));
    // The report says everything; the collectors' own log lines would only clutter cron mail.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(
            QStringLiteral("*.debug=false\n*.info=false\n*.warning=false"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("One round of every source of an n8n cluster, judged. Exit code: 0 OK, 1 "
                       "WARNING, 2 CRITICAL, "
                       "3 UNKNOWN (a source did not answer, or a usage error). A cluster file that "
                       "cannot be read exits "
                       "2 with its message on stderr and nothing on stdout."));
    parser.addPositionalArgument(QStringLiteral("check"), QStringLiteral("The check command."));
    const QCommandLineOption configOption({ QStringLiteral("c"), QStringLiteral("config") },
        QStringLiteral("Cluster file (YAML) to check."), QStringLiteral("FILE"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
        QStringLiteral("Print the report as JSON (schema clusterwatch-check/%1).")
            .arg(CheckReport::kSchemaVersion));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"),
        QStringLiteral("Longest wait for the sources to answer, e.g. 10s, 1500ms, 1m "
                       "(default 10s)."),
        QStringLiteral("DURATION"), QStringLiteral("10s"));
    const QCommandLineOption helpOption(
        { QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    parser.addOption(configOption);
    parser.addOption(jsonOption);
    parser.addOption(timeoutOption);
    parser.addOption(helpOption);
    if (!parser.parse(QCoreApplication::arguments())) {
        printError(parser.errorText());
        return int(CheckStatus::Unknown);
    }
    if (parser.isSet(helpOption)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.positionalArguments().size() != 1) {
        printError(QStringLiteral("unexpected arguments: %1")
                       .arg(parser.positionalArguments().mid(1).join(QLatin1Char(' '))));
        return int(CheckStatus::Unknown);
    }
    if (!parser.isSet(configOption)) {
        printError(QStringLiteral("--config FILE is required"));
        return int(CheckStatus::Unknown);
    }
    const auto timeout = parseCheckTimeout(parser.value(timeoutOption));
    if (!timeout) {
        printError(QStringLiteral(
            "--timeout: expected a duration from 1ms to 1h such as 10s, 1500ms or 1m, got \"%1\"")
                       .arg(parser.value(timeoutOption)));
        return int(CheckStatus::Unknown);
    }
    Result<ClusterConfig> config = loadClusterConfig(parser.value(configOption));
    if (!config) {
        printError(config.error());
        return kExitBadConfig;
    }

    HealthCheck check(std::move(config).value(), *timeout);
    int exitCode = int(CheckStatus::Unknown);
    QObject::connect(&check, &HealthCheck::finished, &app, [&](const CheckReport &report) {
        const QByteArray out = parser.isSet(jsonOption)
            ? QJsonDocument(report.json).toJson(QJsonDocument::Indented)
            : report.table().toLocal8Bit();
        std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
        std::fflush(stdout);
        exitCode = report.exitCode();
        QCoreApplication::quit();
    });
    check.start();
    QCoreApplication::exec();
    return exitCode;
}

} // namespace cw
