/* ctl_process: the process's own figures as the standard Prometheus process collector names them
 * (process_cpu_seconds_total, process_open_fds, process_max_fds, process_virtual_memory_bytes,
 * process_resident_memory_bytes, process_start_time_seconds), read from /proc/self at each
 * scrape.
 *
 * Any thread (reads files, keeps nothing). Linux only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends the process_* series; one that cannot be read is left out. */
void ctl_process_metrics(GString *out);

G_END_DECLS
