/* /security/bind: the listen addresses bind exactly what was asked. build/jobcast is started on
 * loopback addresses with --listen and --admin-listen, then connected to as a machine on the
 * LAN would: on another address of the same host (127.0.0.2 is this machine too, and not the
 * address asked for) the port must refuse, as it would for a neighbour. Before the fix, lws
 * bound an IPv4 address as `::`, and every one of these answered. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include "../jc_test_child.h"

typedef struct {
    char *dir;
    GSubprocess *proc;
} Server;

/* A port free on host now (the kernel's pick; released for jobcast to take). */
static int free_port(const char *host)
{
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string(host);
    g_autoptr(GSocket) s =
        g_socket_new(g_inet_address_get_family(a), G_SOCKET_TYPE_STREAM, 0, NULL);
    g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(a, 0);
    g_assert_true(g_socket_bind(s, sa, TRUE, NULL));
    g_autoptr(GSocketAddress) got = g_socket_get_local_address(s, NULL);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(got));
}

static gboolean can_connect(const char *host, int port)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, 2);
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string(host);
    g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(a, (guint16)port);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect(client, G_SOCKET_CONNECTABLE(sa), NULL, &error);
    g_test_message("connect %s port %d: %s", host, port, conn ? "answered" : error->message);
    return conn != NULL;
}

/* Starts jobcast with listen (and admin, may be NULL) and waits until it says it is live. */
static void server_start(Server *s, const char *listen, const char *admin)
{
    s->dir = g_dir_make_tmp("jobcast-bind-XXXXXX", NULL);
    g_autofree char *bin = g_build_filename(g_getenv("JOBCAST_BUILD_DIR"), "jobcast", NULL);
    GPtrArray *argv = g_ptr_array_new();
    const char *fixed[] = {bin, "--data-dir", s->dir, "--no-record", "--listen", listen};
    for (gsize i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, (char *)fixed[i]);
    if (admin != NULL) {
        g_ptr_array_add(argv, "--admin-listen");
        g_ptr_array_add(argv, (char *)admin);
    }
    g_ptr_array_add(argv, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    s->proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
    g_ptr_array_free(argv, TRUE);
    g_assert_no_error(error);
    g_autoptr(GDataInputStream) out =
        g_data_input_stream_new(g_subprocess_get_stdout_pipe(s->proc));
    for (;;) {
        g_autofree char *line = g_data_input_stream_read_line_utf8(out, NULL, NULL, &error);
        g_assert_no_error(error);
        g_assert_nonnull(line); /* EOF before the banner: jobcast refused to start */
        g_test_message("jobcast: %s", line);
        if (strstr(line, "jobcast is live") != NULL)
            break;
    }
}

static void server_stop(Server *s)
{
    g_subprocess_send_signal(s->proc, SIGTERM);
    g_subprocess_wait(s->proc, NULL, NULL);
    g_clear_object(&s->proc);
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", s->dir);
    g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
    g_free(s->dir);
}

static void test_ipv4(void)
{
    int port = free_port("127.0.0.1");
    int admin = free_port("127.0.0.1");
    g_autofree char *listen = g_strdup_printf("127.0.0.1:%d", port);
    g_autofree char *admin_listen = g_strdup_printf("127.0.0.1:%d", admin);
    Server s = {0};
    server_start(&s, listen, admin_listen);
    g_assert_true(can_connect("127.0.0.1", port));
    g_assert_true(can_connect("127.0.0.1", admin));
    /* The same ports on any other address of the machine: refused. */
    g_assert_false(can_connect("127.0.0.2", port));
    g_assert_false(can_connect("127.0.0.2", admin));
    g_assert_false(can_connect("::1", port));
    g_assert_false(can_connect("::1", admin));
    server_stop(&s);
}

static void test_ipv6(void)
{
    int port = free_port("::1");
    g_autofree char *listen = g_strdup_printf("[::1]:%d", port);
    Server s = {0};
    server_start(&s, listen, NULL);
    g_assert_true(can_connect("::1", port));
    g_assert_false(can_connect("127.0.0.1", port));
    server_stop(&s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/security/bind/ipv4-only-that-address", test_ipv4);
    g_test_add_func("/security/bind/ipv6-only-that-address", test_ipv6);
    return g_test_run();
}
