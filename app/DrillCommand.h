#pragma once

namespace cw {

/// `clusterwatch drill --config FILE --drill FILE [--dry-run] [--yes] [--journal-dir DIR]
/// [--report BASE]` and `clusterwatch drill --config FILE --rollback [--yes]`: a failover drill
/// (or the rollback of one a killed Clusterwatch left unfinished) without a window, for people
/// at a terminal and for scripts. It asks for confirmation on the terminal unless --yes, prints
/// each step and the figures, writes the journal and, with --report, the HTML and PDF report.
/// Exit codes: 0 passed (or a dry run, or a rollback done), 1 deviated, 2 a bad file, 3 usage,
/// 4 refused or aborted (the target was rolled back), 5 not confirmed.
/// Ctrl-C (SIGINT / SIGTERM) aborts the drill and rolls the target back before exiting.
/// @p argv[1] is "drill".
int runDrillCommand(int argc, char *argv[]);

} // namespace cw
