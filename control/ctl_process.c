/* ctl_process: the standard process_* series of GET /metrics, read from /proc/self (see
 * ctl_process.h).
 *
 * Fields of /proc/self/stat used (proc(5), counted from 1): 14 utime and 15 stime (clock ticks),
 * 22 starttime (clock ticks after boot), 23 vsize (bytes), 24 rss (pages). The second field, the
 * command in parentheses, may hold spaces and parentheses itself: the fields after it are read
 * from its last ')'. */
#include "ctl_process.h"

#include <dirent.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* What the process reports of itself; a field it could not read stays negative. */
typedef struct {
    double cpu_seconds;
    double start_time;
    double virtual_bytes;
    double resident_bytes;
    double open_fds;
    double max_fds;
} ProcessFigures;

/* Seconds since the epoch at which the machine booted (/proc/stat's btime); -1 unknown. */
static double boot_time(void)
{
    g_autofree char *stat = NULL;
    if (!g_file_get_contents("/proc/stat", &stat, NULL, NULL))
        return -1;
    const char *at = strstr(stat, "\nbtime ");
    return at != NULL ? g_ascii_strtod(at + strlen("\nbtime "), NULL) : -1;
}

/* Fills the figures of /proc/self/stat. */
static void read_stat(ProcessFigures *f)
{
    g_autofree char *stat = NULL;
    if (!g_file_get_contents("/proc/self/stat", &stat, NULL, NULL))
        return;
    const char *close = strrchr(stat, ')');
    if (close == NULL)
        return;
    /* Field 3 (the state) follows ") ". */
    g_auto(GStrv) fields = g_strsplit(close + 2, " ", 0);
    if (g_strv_length(fields) < 22)
        return;
    double ticks = (double)sysconf(_SC_CLK_TCK);
    double page = (double)sysconf(_SC_PAGESIZE);
    /* Field N is fields[N - 3]. */
    f->cpu_seconds =
        (g_ascii_strtod(fields[14 - 3], NULL) + g_ascii_strtod(fields[15 - 3], NULL)) / ticks;
    double boot = boot_time();
    if (boot >= 0)
        f->start_time = boot + g_ascii_strtod(fields[22 - 3], NULL) / ticks;
    f->virtual_bytes = g_ascii_strtod(fields[23 - 3], NULL);
    f->resident_bytes = g_ascii_strtod(fields[24 - 3], NULL) * page;
}

/* Open descriptors: the entries of /proc/self/fd, less the one reading it. */
static double open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return -1;
    double n = 0;
    const struct dirent *e = NULL;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.')
            n++;
    }
    closedir(d);
    return n - 1;
}

static void one(GString *out, const char *name, const char *type, const char *help, double v)
{
    if (v < 0)
        return;
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(num, sizeof num, "%.15g", v);
    g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name, help, name, type, name,
                           num);
}

void ctl_process_metrics(GString *out)
{
    ProcessFigures f = {-1, -1, -1, -1, -1, -1};
    read_stat(&f);
    f.open_fds = open_fds();
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
        f.max_fds = (double)lim.rlim_cur;
    one(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds",
        f.cpu_seconds);
    one(out, "process_open_fds", "gauge", "Number of open file descriptors", f.open_fds);
    one(out, "process_max_fds", "gauge", "Maximum number of open file descriptors", f.max_fds);
    one(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes",
        f.virtual_bytes);
    one(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes",
        f.resident_bytes);
    one(out, "process_start_time_seconds", "gauge",
        "Start time of the process since unix epoch in seconds", f.start_time);
}
