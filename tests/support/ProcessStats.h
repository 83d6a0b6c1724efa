#pragma once

namespace cwtest {

/// CPU time this process has used so far (all its threads, user + system), in seconds.
double processCpuSeconds();
/// A "VmRSS:" / "VmHWM:" style field of /proc/self/status in MiB; -1 when it cannot be read.
double statusMiB(const char *field);

} // namespace cwtest
