/* ctl_test_server: the real binary as a child process (see ctl_test_server.h). */
#include "ctl_test_server.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "../jc_test_child.h"
#include "ctl_auth.h"
#include "ctl_test.h"

CtlTestServer *ctl_test_server_new(void)
{
    CtlTestServer *t = g_new0(CtlTestServer, 1);
    g_autoptr(GError) error = NULL;
    t->dir = g_dir_make_tmp("jobcast-test-XXXXXX", &error);
    g_assert_no_error(error);
    t->db_path = g_build_filename(t->dir, "jobcast.db", NULL);
    t->log = g_build_filename(t->dir, "stderr.log", NULL);
    t->soup = soup_session_new();
    return t;
}

void ctl_test_server_stop(CtlTestServer *t)
{
    if (t->proc == NULL)
        return;
    g_subprocess_send_signal(t->proc, SIGTERM);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_subprocess_wait(t->proc, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(g_subprocess_get_if_exited(t->proc));
    g_assert_cmpint(g_subprocess_get_exit_status(t->proc), ==, 0);
    g_clear_object(&t->proc);
}

void ctl_test_server_free(CtlTestServer *t)
{
    if (t == NULL)
        return;
    ctl_test_server_stop(t);
    g_object_unref(t->soup);
    ctl_test_remove_dir(t->dir);
    g_free(t->log);
    g_free(t->db_path);
    g_free(t->dir);
    g_free(t);
}

int ctl_test_free_port(void)
{
    g_autoptr(GSocket) s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_assert_true(g_socket_bind(s, any, TRUE, NULL));
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(s, NULL);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

void ctl_test_server_start(CtlTestServer *t, const char *token, const char *const *extra)
{
    t->port = ctl_test_free_port();
    g_autofree char *bin = g_build_filename(g_getenv("JOBCAST_BUILD_DIR"), "jobcast", NULL);
    g_autofree char *listen = g_strdup_printf("127.0.0.1:%d", t->port);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *fixed[] = {
        bin,        "--listen",   listen, "--data-dir",       t->dir, "--no-record", "--profile",
        "720x1280", "--duration", "120",  "--producer-token", token};
    for (gsize i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, (gpointer)fixed[i]);
    for (const char *const *e = extra; e != NULL && *e != NULL; e++)
        g_ptr_array_add(argv, (gpointer)*e);
    g_ptr_array_add(argv, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_subprocess_launcher_set_stderr_file_path(launcher, t->log);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    t->proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)argv->pdata, &error);
    g_assert_no_error(error);
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d/healthz", t->port);
    for (int i = 0; i < 300; i++) {
        g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
        g_autoptr(GBytes) body = soup_session_send_and_read(t->soup, msg, NULL, NULL);
        if (body != NULL && soup_message_get_status(msg) == 200)
            return;
        ctl_test_spin_for(50);
    }
    g_error("jobcast did not come up on port %d", t->port);
}

char *ctl_test_server_log(CtlTestServer *t)
{
    char *text = NULL;
    if (!g_file_get_contents(t->log, &text, NULL, NULL))
        return g_strdup("");
    return text;
}

gint64 ctl_test_server_db_int(CtlTestServer *t, const char *sql)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(t->db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    gint64 n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

char *ctl_test_server_request(CtlTestServer *t, const char *method, const char *path,
                              const char *type, const char *body, const char *authorization,
                              guint *status, char **location)
{
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d%s", t->port, path);
    g_autoptr(SoupMessage) msg = soup_message_new(method, url);
    g_assert_nonnull(msg);
    if (body != NULL) {
        g_autoptr(GBytes) bytes = g_bytes_new(body, strlen(body));
        soup_message_set_request_body_from_bytes(msg, type, bytes);
    }
    if (authorization != NULL)
        soup_message_headers_replace(soup_message_get_request_headers(msg), "Authorization",
                                     authorization);
    char *text = ctl_test_http_text(t->soup, msg);
    *status = soup_message_get_status(msg);
    if (location != NULL)
        *location = g_strdup(
            soup_message_headers_get_one(soup_message_get_response_headers(msg), "Location"));
    return text;
}

void ctl_test_control_open(CtlTestControl *t)
{
    g_autoptr(GError) error = NULL;
    memset(t, 0, sizeof *t);
    t->dir = g_dir_make_tmp("jobcast-control-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *db = g_build_filename(t->dir, "jobcast.db", NULL);
    t->store = ctl_store_open(db, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(ctl_test_seed(t->store), >, 2);
    t->soup = soup_session_new_with_options("timeout", 10, NULL);
}

void ctl_test_control_start(CtlTestControl *t, const CtlControlConfig *config)
{
    CtlControlConfig cfg = *config;
    if (cfg.store == NULL && cfg.db_path == NULL)
        cfg.store = t->store;
    if (cfg.listen_host == NULL)
        cfg.listen_host = "127.0.0.1";
    g_autoptr(GError) error = NULL;
    t->control = ctl_control_new(&cfg, &error);
    g_assert_no_error(error);
    t->port = ctl_control_port(t->control);
}

void ctl_test_control_close(CtlTestControl *t)
{
    g_clear_object(&t->soup);
    g_clear_pointer(&t->control, ctl_control_free);
    g_clear_pointer(&t->store, ctl_store_close);
    ctl_test_remove_dir(t->dir);
    g_clear_pointer(&t->dir, g_free);
}

void ctl_test_add_account(CtlStore *store, const char *name, const char *role, const char *token)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *hash = ctl_auth_token_hash(token);
    g_assert_cmpint(ctl_store_account_add(store, name, role, hash, &error), >, 0);
    g_assert_no_error(error);
}
