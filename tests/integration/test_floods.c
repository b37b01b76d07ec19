/* /security/floods: build/jobcast under a flood of idle connections, as one machine on the
 * internet can make them. Flooders connect from other loopback addresses (127.0.0.2...: the whole
 * 127/8 is this machine, and the server sees each as its own peer); the open-file limit of the
 * server is lowered to 1024 where the test needs the descriptors to run out as they would in
 * production. Before the caps, one address took every descriptor: the apply page of everyone
 * else, and the admin listener, went unanswered until it let go, and RSS stayed at the flood's
 * peak after it closed. */
#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../jc_test_child.h"

typedef struct {
    char *dir;
    char *log;
    GSubprocess *proc;
    int port;
    int admin_port;
} Server;

static int free_port(void)
{
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string("127.0.0.1");
    g_autoptr(GSocket) s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
    g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(a, 0);
    g_assert_true(g_socket_bind(s, sa, TRUE, NULL));
    g_autoptr(GSocketAddress) got = g_socket_get_local_address(s, NULL);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(got));
}

/* In the child before exec: dies with the test, and with nofile (if nonzero) as its open-file
 * limit, soft and hard. */
static void child_setup(gpointer data)
{
    die_with_parent(NULL);
    rlim_t nofile = (rlim_t)GPOINTER_TO_UINT(data);
    if (nofile > 0) {
        struct rlimit lim = {nofile, nofile};
        setrlimit(RLIMIT_NOFILE, &lim);
    }
}

/* Starts jobcast on free ports (public and admin) with the extra arguments (NULL-terminated)
 * and waits for its banner. */
static void server_start(Server *s, guint nofile, const char *const *extra)
{
    s->dir = g_dir_make_tmp("jobcast-floods-XXXXXX", NULL);
    s->log = g_build_filename(s->dir, "jobcast.log", NULL);
    s->port = free_port();
    s->admin_port = free_port();
    g_autofree char *bin = g_build_filename(g_getenv("JOBCAST_BUILD_DIR"), "jobcast", NULL);
    g_autofree char *data = g_build_filename(s->dir, "data", NULL);
    g_autofree char *listen = g_strdup_printf("127.0.0.1:%d", s->port);
    g_autofree char *admin = g_strdup_printf("127.0.0.1:%d", s->admin_port);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *fixed[] = {bin,    "--data-dir",     data, "--no-record", "--listen",
                           listen, "--admin-listen", admin};
    for (gsize i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, (char *)fixed[i]);
    for (gsize i = 0; extra != NULL && extra[i] != NULL; i++)
        g_ptr_array_add(argv, (char *)extra[i]);
    g_ptr_array_add(argv, NULL);
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_subprocess_launcher_set_stdout_file_path(launcher, s->log);
    g_subprocess_launcher_set_child_setup(launcher, child_setup, GUINT_TO_POINTER(nofile), NULL);
    g_autoptr(GError) error = NULL;
    s->proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
    g_assert_no_error(error);
    g_autofree char *text = NULL;
    for (int i = 0; i < 300; i++) {
        g_clear_pointer(&text, g_free);
        if (g_file_get_contents(s->log, &text, NULL, NULL) && strstr(text, "jobcast is live"))
            return;
        g_usleep(100000);
    }
    g_test_message("jobcast did not start:\n%s", text);
    g_assert_not_reached();
}

/* The server's log lines containing what. */
static guint log_lines(Server *s, const char *what)
{
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(s->log, &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    guint n = 0;
    for (char **l = lines; *l != NULL; l++)
        n += strstr(*l, what) != NULL;
    g_test_message("%u log lines with '%s'", n, what);
    return n;
}

static void server_stop(Server *s)
{
    g_subprocess_send_signal(s->proc, SIGTERM);
    g_subprocess_wait(s->proc, NULL, NULL);
    g_clear_object(&s->proc);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", s->dir);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
    g_free(s->dir);
    g_free(s->log);
}

/* A TCP connection from address from to 127.0.0.1:port, with a receive timeout. */
static int connect_from(const char *from, int port, int timeout_ms)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    g_assert_cmpint(fd, >=, 0);
    int one = 1;
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    struct sockaddr_in local = {.sin_family = AF_INET};
    inet_pton(AF_INET, from, &local.sin_addr);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&local, sizeof local), ==, 0);
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((guint16)port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&to, sizeof to), ==, 0);
    return fd;
}

/* n connections from address from, each sending send (may be NULL), appended to fds. */
static void flood(GArray *fds, const char *from, int port, guint n, const char *send)
{
    for (guint i = 0; i < n; i++) {
        int fd = connect_from(from, port, 1000);
        if (send != NULL)
            g_assert_cmpint(write(fd, send, strlen(send)), ==, (gssize)strlen(send));
        g_array_append_val(fds, fd);
    }
}

/* How many of fds the server still holds open (the others it closed: EOF or reset). */
static guint still_open(GArray *fds)
{
    guint open = 0;
    for (guint i = 0; i < fds->len; i++) {
        char c;
        gssize n = recv(g_array_index(fds, int, i), &c, 1, MSG_DONTWAIT | MSG_PEEK);
        open += n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    return open;
}

/* Waits (at most 5 s) until the server holds at most want of fds; returns how many it holds. */
static guint settle(GArray *fds, guint want)
{
    guint open = still_open(fds);
    for (int i = 0; i < 50 && open > want; i++) {
        g_usleep(100000);
        open = still_open(fds);
    }
    g_test_message("%u of %u flood connections held", open, fds->len);
    return open;
}

static void close_all(GArray *fds)
{
    for (guint i = 0; i < fds->len; i++)
        close(g_array_index(fds, int, i));
    g_array_set_size(fds, 0);
}

/* GET path from address from; the whole answer, "" when none came within timeout_ms (or the
 * server closed at once). Sets *ms to how long it took. (transfer full) */
static char *get_from(const char *from, int port, const char *path, int timeout_ms, double *ms)
{
    gint64 start = g_get_monotonic_time();
    int fd = connect_from(from, port, timeout_ms);
    g_autofree char *req =
        g_strdup_printf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
    g_assert_cmpint(write(fd, req, strlen(req)), ==, (gssize)strlen(req));
    GString *got = g_string_new(NULL);
    char buf[4096];
    gssize n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        g_string_append_len(got, buf, n);
    *ms = (double)(g_get_monotonic_time() - start) / 1000.0;
    close(fd);
    g_test_message("GET %s from %s: %.1f ms, %.12s", path, from, *ms, got->str);
    return g_string_free(got, FALSE);
}

/* One address at its cap: it keeps 256, the rest are closed at once and logged once; another
 * address still gets its apply page within a second. */
static void test_per_address(void)
{
    Server s = {0};
    server_start(&s, 1024, NULL);
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    flood(fds, "127.0.0.2", s.port, 1200, NULL);
    g_assert_cmpuint(settle(fds, 256), ==, 256);
    double ms = 0;
    g_autofree char *page = get_from("127.0.0.3", s.port, "/a/1", 1000, &ms);
    g_assert_true(g_str_has_prefix(page, "HTTP/1.1 200"));
    g_assert_cmpfloat(ms, <, 1000.0);
    /* 944 refusals: one log line, not one each. */
    g_assert_cmpuint(log_lines(&s, "refused"), <=, 1);
    close_all(fds);
    server_stop(&s);
}

/* The public listener at its total cap (what 1024 descriptors leave room for): the admin
 * listener still answers, with the refusals counted. */
static void test_admin_at_total_cap(void)
{
    Server s = {0};
    server_start(&s, 1024, NULL);
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    const char *from[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
    for (gsize i = 0; i < G_N_ELEMENTS(from); i++)
        flood(fds, from[i], s.port, 256, NULL);
    guint held = settle(fds, 1024 - 320);
    g_assert_cmpuint(held, <=, 1024 - 320);
    double ms = 0;
    g_autofree char *metrics = get_from("127.0.0.6", s.admin_port, "/metrics", 1000, &ms);
    g_assert_true(g_str_has_prefix(metrics, "HTTP/1.1 200"));
    g_assert_cmpfloat(ms, <, 1000.0);
    /* A newcomer on the public listener is turned away, not queued. */
    g_autofree char *late = get_from("127.0.0.7", s.port, "/a/1", 1000, &ms);
    g_assert_cmpstr(late, ==, "");
    g_assert_cmpfloat(ms, <, 900.0);
    close_all(fds);
    server_stop(&s);
}

/* The value of a line of /metrics (from the admin listener), "" when absent. (transfer full) */
static char *metric(Server *s, const char *name)
{
    double ms = 0;
    g_autofree char *out = get_from("127.0.0.1", s->admin_port, "/metrics", 5000, &ms);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        if (g_str_has_prefix(*l, name) && (*l)[strlen(name)] == ' ')
            return g_strdup(*l + strlen(name) + 1);
    }
    return g_strdup("");
}

/* The caps from the config file, as numbers in /metrics; a trusted proxy, which carries every
 * viewer, is held to the total only. */
static void test_config_caps(void)
{
    Server s = {0};
    g_autofree char *ini_dir = g_dir_make_tmp("jobcast-floods-ini-XXXXXX", NULL);
    g_autofree char *ini = g_build_filename(ini_dir, "jobcast.ini", NULL);
    g_assert_true(
        g_file_set_contents(ini,
                            "[jobcast]\nmax-connections = 180\nmax-connections-per-address = 60\n"
                            "trusted-proxy = 127.0.0.4\n",
                            -1, NULL));
    const char *extra[] = {"--config", ini, NULL};
    server_start(&s, 0, extra);
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    flood(fds, "127.0.0.2", s.port, 80, NULL);
    flood(fds, "127.0.0.4", s.port, 80, NULL); /* the proxy: no per-address cap */
    flood(fds, "127.0.0.3", s.port, 80, NULL);
    g_assert_cmpuint(settle(fds, 180), ==, 180);
    g_autofree char *per =
        metric(&s, "jobcast_http_connections_refused_total{reason=\"per_address\"}");
    g_autofree char *total = metric(&s, "jobcast_http_connections_refused_total{reason=\"total\"}");
    g_autofree char *open = metric(&s, "jobcast_http_connections{listener=\"public\"}");
    g_assert_cmpstr(per, ==, "20");   /* 127.0.0.2's last 20 */
    g_assert_cmpstr(total, ==, "40"); /* 127.0.0.3's last 40: 60 + 80 + 40 = 180 */
    g_assert_cmpstr(open, ==, "180");
    close_all(fds);
    server_stop(&s);
    g_unlink(ini);
    g_rmdir(ini_dir);
}

static guint rss_mb(Server *s)
{
    g_autofree char *path =
        g_strdup_printf("/proc/%s/status", g_subprocess_get_identifier(s->proc));
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    const char *rss = strstr(text, "VmRSS:");
    g_assert_nonnull(rss);
    return (guint)(g_ascii_strtoull(rss + 6, NULL, 10) / 1024);
}

/* 9000 connections (36 addresses at 250) each half-way through a request's headers: RSS
 * grows, and comes back near its baseline once they are closed. */
G_GNUC_UNUSED static void test_rss_returns(void)
{
    Server s = {0};
    server_start(&s, 0, NULL);
    g_usleep(2 * G_USEC_PER_SEC); /* the show settles */
    guint base = rss_mb(&s);
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    g_autofree char *pad = g_strnfill(1000, 'a');
    g_autofree char *half = g_strdup_printf("GET /a/1 HTTP/1.1\r\nHost: x\r\nX-Pad: %s", pad);
    for (int a = 2; a < 38; a++) {
        g_autofree char *from = g_strdup_printf("127.0.0.%d", a);
        flood(fds, from, s.port, 250, half);
    }
    g_assert_cmpuint(settle(fds, 9000), ==, 9000);
    g_usleep(G_USEC_PER_SEC);
    guint peak = rss_mb(&s);
    g_test_message("RSS %u MB at start, %u MB with the flood", base, peak);
    g_assert_cmpuint(peak, >=, base + 30); /* else this measured nothing */
    close_all(fds);
    guint after = peak;
    guint near = base + MAX(10, (peak - base) / 5);
    for (int i = 0; i < 150 && after > near; i++) {
        g_usleep(100000);
        after = MIN(after, rss_mb(&s));
    }
    g_test_message("RSS %u MB after the flood closed (near: %u)", after, near);
    g_assert_cmpuint(after, <=, near);
    server_stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* The flooder needs its descriptors too (9000 at once). */
    struct rlimit lim;
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    g_test_add_func("/security/floods/per-address-cap", test_per_address);
    g_test_add_func("/security/floods/admin-answers-at-total-cap", test_admin_at_total_cap);
    g_test_add_func("/security/floods/caps-from-config-proxy-exempt", test_config_caps);
#ifndef JC_TEST_SANITIZED
    /* RSS is glibc's heap given back by malloc_trim; under ASan another allocator (with its
     * quarantine) holds the memory, so this one runs in the optimised build only. */
    g_test_add_func("/security/floods/rss-returns-after", test_rss_returns);
#endif
    return g_test_run();
}
