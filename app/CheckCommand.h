#pragma once

namespace cw {

/// `clusterwatch check --config FILE [--json] [--timeout DURATION]`: one round of every source
/// of the cluster, no window and no display (a QCoreApplication only), for cron, CI and
/// Nagios/Icinga. Prints the report on stdout and returns the monitoring-plugin exit code:
/// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for a usage error). A cluster file that cannot
/// be read stays exit 2 as for the dashboard: its message goes to stderr and stdout stays empty,
/// which is how a script tells it from a CRITICAL cluster (whose report is on stdout).
/// @p argc / @p argv: the whole command line, argv[1] being "check".
int runCheckCommand(int argc, char *argv[]);

} // namespace cw
