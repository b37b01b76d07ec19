/* Tests of `jobcast accounts ...` (the real binary, JOBCAST_BUILD_DIR/jobcast) against a data
 * folder in a temp dir: tokens are printed once and only their digests are stored; and, with
 * the real server running on the same folder (CtlTestServer), a change made from the command
 * line signs the account out of the running server as the protocol's accounts.* do. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_test.h"
#include "ctl_test_server.h"

typedef struct {
    int status;
    char *out; /* owned */
    char *err; /* owned */
} Run;

static Run run_input(const char *dir, const char *const *args, const char *input)
{
    g_autofree char *bin = g_build_filename(g_getenv("JOBCAST_BUILD_DIR"), "jobcast", NULL);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, bin);
    g_ptr_array_add(argv, (gpointer) "accounts");
    for (const char *const *a = args; *a != NULL; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, (gpointer) "--data-dir");
    g_ptr_array_add(argv, (gpointer)dir);
    g_ptr_array_add(argv, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p =
        g_subprocess_newv((const char *const *)argv->pdata,
                          G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE,
                          &error);
    g_assert_no_error(error);
    Run r = {0};
    gboolean talked =
        g_subprocess_communicate_utf8(p, input != NULL ? input : "", NULL, &r.out, &r.err, &error);
    if (!talked) /* e.g. it died before reading its input: say how */
        g_subprocess_wait(p, NULL, NULL);
    r.status = g_subprocess_get_if_exited(p) ? g_subprocess_get_exit_status(p) : -1;
    g_test_message("jobcast accounts %s: exit %d (-1: killed by signal %d), stderr: %s", args[0],
                   r.status, g_subprocess_get_if_signaled(p) ? g_subprocess_get_term_sig(p) : 0,
                   r.err != NULL ? r.err : "");
    g_assert_no_error(error);
    return r;
}

static Run run(const char *dir, const char *const *args)
{
    return run_input(dir, args, NULL);
}

static void run_clear(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

static char *stored_hash(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, "jobcast.db", NULL);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT token_hash FROM accounts WHERE name = ?1", -1, &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    char *hash = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        hash = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return hash;
}

static void test_add_rotate_revoke(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("jobcast-acct-XXXXXX", &error);
    g_assert_no_error(error);

    const char *add[] = {"add", "anchor", "--role", "host", NULL};
    Run r = run(dir, add);
    g_assert_cmpint(r.status, ==, 0);
    g_autofree char *token = g_strstrip(g_strdup(r.out));
    g_assert_cmpuint(strlen(token), ==, 32);
    g_autofree char *want = g_compute_checksum_for_string(G_CHECKSUM_SHA256, token, -1);
    g_autofree char *have = stored_hash(dir, "anchor");
    g_assert_cmpstr(have, ==, want); /* the digest, never the token */
    run_clear(&r);

    r = run(dir, add);
    g_assert_cmpint(r.status, ==, 1); /* the name is taken */
    g_assert_nonnull(strstr(r.err, "already exists"));
    run_clear(&r);

    /* A password, from stdin: stored as an argon2id hash. */
    const char *passwd[] = {"passwd", "anchor", NULL};
    r = run_input(dir, passwd, "correct horse battery\n");
    g_assert_cmpint(r.status, ==, 0);
    run_clear(&r);
    r = run_input(dir, passwd, "short\n");
    g_assert_cmpint(r.status, ==, 1); /* under 10 characters */
    run_clear(&r);
    {
        g_autofree char *path = g_build_filename(dir, "jobcast.db", NULL);
        sqlite3 *db = NULL;
        g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(db, "SELECT password_hash FROM accounts", -1, &st, NULL);
        g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
        g_assert_true(g_str_has_prefix((const char *)sqlite3_column_text(st, 0), "$argon2id$"));
        sqlite3_finalize(st);
        sqlite3_close(db);
    }

    const char *rotate[] = {"rotate", "anchor", NULL};
    r = run(dir, rotate);
    g_assert_cmpint(r.status, ==, 0);
    g_autofree char *rotated = stored_hash(dir, "anchor");
    g_assert_cmpstr(rotated, !=, want);
    run_clear(&r);

    const char *revoke[] = {"revoke", "anchor", NULL};
    r = run(dir, revoke);
    g_assert_cmpint(r.status, ==, 0);
    g_assert_null(stored_hash(dir, "anchor"));
    run_clear(&r);

    const char *list[] = {"list", NULL};
    r = run(dir, list);
    g_assert_nonnull(strstr(r.out, "anchor\thost"));
    g_assert_nonnull(strstr(r.out, "revoked"));
    run_clear(&r);

    const char *bad[] = {"add", "x", NULL};
    r = run(dir, bad);
    g_assert_cmpint(r.status, ==, 2); /* --role missing */
    run_clear(&r);

    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *file = g_build_filename(dir, name, NULL);
        g_remove(file);
    }
    g_rmdir(dir);
}

/* ---- a change from the command line reaches the running server ---- */

#define PRODUCER_TOKEN "cli-producer-token-0123456789"
/* The server checks once a second; the rest is slack for a loaded machine. */
#define NOTICED_MS 5000

typedef struct {
    CtlTestServer *srv;
    char *alice;        /* owned: alice's token (a producer account) */
    char *bob;          /* owned: bob's token (another producer, who must not be touched) */
    char *alice_cookie; /* owned: a session cookie pair (name=value) alice's token opened */
    char *bob_cookie;   /* owned: bob's */
    CtlTestWs *alice_by_cookie;
    CtlTestWs *alice_by_token;
    CtlTestWs *bob_ws;
} Live;

/* `jobcast accounts add NAME --role producer` on the running server's folder: the token. */
static char *add_producer(Live *l, const char *name)
{
    const char *add[] = {"add", name, "--role", "producer", NULL};
    Run r = run(l->srv->dir, add);
    g_assert_cmpint(r.status, ==, 0);
    char *token = g_strstrip(g_strdup(r.out));
    run_clear(&r);
    return token;
}

/* The session cookie pair a token link gives. (transfer full) */
static char *token_login(Live *l, const char *token)
{
    g_autofree char *req = g_strdup_printf(
        "GET /login?token=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", token, l->srv->port);
    g_autofree char *reply = ctl_test_raw(l->srv->port, req);
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 303);
    g_autofree char *set = ctl_test_raw_header(reply, "set-cookie");
    g_assert_nonnull(set);
    return g_strndup(set, strcspn(set, ";"));
}

/* The status of GET /control with a cookie pair: 200 signed in, 303 to the sign-in page. */
static guint control_page(Live *l, const char *cookie)
{
    g_autofree char *req = g_strdup_printf(
        "GET /control HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: %s\r\n\r\n", l->srv->port, cookie);
    g_autofree char *reply = ctl_test_raw(l->srv->port, req);
    return ctl_test_raw_status(reply);
}

static CtlTestWs *ws_with_cookie(Live *l, const char *cookie)
{
    g_autofree char *origin = g_strdup_printf("http://127.0.0.1:%d", l->srv->port);
    CtlTestWs *w = ctl_test_ws_connect(l->srv->soup, l->srv->port, NULL, cookie, origin);
    g_assert_cmpuint(w->status, ==, 101);
    return w;
}

/* The real server, alice and bob (producer accounts added from the command line while it
 * runs), each signed in with a cookie, alice's control page open by cookie and by token, bob's
 * by cookie. */
static void live_start(Live *l)
{
    memset(l, 0, sizeof *l);
    l->srv = ctl_test_server_new();
    ctl_test_server_start(l->srv, PRODUCER_TOKEN, NULL);
    l->alice = add_producer(l, "alice");
    l->bob = add_producer(l, "bob");
    l->alice_cookie = token_login(l, l->alice);
    l->bob_cookie = token_login(l, l->bob);
    l->alice_by_cookie = ws_with_cookie(l, l->alice_cookie);
    g_autofree char *bearer = g_strdup_printf("Bearer %s", l->alice);
    l->alice_by_token = ctl_test_ws_producer(l->srv->soup, l->srv->port, bearer);
    l->bob_ws = ws_with_cookie(l, l->bob_cookie);
    g_assert_cmpuint(control_page(l, l->alice_cookie), ==, 200);
}

static void live_stop(Live *l)
{
    ctl_test_ws_free(l->bob_ws);
    ctl_test_ws_free(l->alice_by_token);
    ctl_test_ws_free(l->alice_by_cookie);
    ctl_test_server_free(l->srv);
    g_free(l->alice_cookie);
    g_free(l->bob_cookie);
    g_free(l->alice);
    g_free(l->bob);
}

/* Waits for the server to close w, at most NOTICED_MS from since (monotonic µs); asserts it
 * was closed as the protocol's sign-out closes: 1008 "signed out". */
static void closed_as_signed_out(CtlTestWs *w, gint64 since)
{
    while (soup_websocket_connection_get_state(w->ws) != SOUP_WEBSOCKET_STATE_CLOSED &&
           g_get_monotonic_time() - since < NOTICED_MS * 1000)
        ctl_test_spin_for(20);
    g_assert_cmpint(soup_websocket_connection_get_state(w->ws), ==, SOUP_WEBSOCKET_STATE_CLOSED);
    g_test_message("closed %.2f s after the command",
                   (double)(g_get_monotonic_time() - since) / 1e6);
    g_assert_cmpuint(soup_websocket_connection_get_close_code(w->ws), ==,
                     SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
    g_assert_cmpstr(soup_websocket_connection_get_close_data(w->ws), ==, "signed out");
}

/* alice's connections closed, her cookie refused; bob's session and connection untouched. */
static void alice_signed_out(Live *l, gint64 since)
{
    closed_as_signed_out(l->alice_by_cookie, since);
    closed_as_signed_out(l->alice_by_token, since);
    g_assert_cmpuint(control_page(l, l->alice_cookie), ==, 303);
    g_assert_cmpint(soup_websocket_connection_get_state(l->bob_ws->ws), ==,
                    SOUP_WEBSOCKET_STATE_OPEN);
    g_assert_cmpuint(control_page(l, l->bob_cookie), ==, 200);
    g_autofree char *log = ctl_test_server_log(l->srv);
    g_assert_nonnull(strstr(log, "signed alice out: 1 sessions ended, 2 connections closing"));
}

/* `jobcast accounts revoke` while the server runs: alice is out within about a second. */
static void test_cli_revoke_live(void)
{
    Live l;
    live_start(&l);
    const char *revoke[] = {"revoke", "alice", NULL};
    Run r = run(l.srv->dir, revoke);
    gint64 since = g_get_monotonic_time();
    g_assert_cmpint(r.status, ==, 0);
    run_clear(&r);
    alice_signed_out(&l, since);
    CtlTestWs *again = ctl_test_ws_connect(l.srv->soup, l.srv->port, NULL, l.alice_cookie, NULL);
    g_assert_cmpuint(again->status, ==, 401);
    ctl_test_ws_free(again);
    live_stop(&l);
}

/* `jobcast accounts rotate`: the old token's sessions and connections end; what the new token
 * opens (even before the server's next look) lives on. */
static void test_cli_rotate_live(void)
{
    Live l;
    live_start(&l);
    const char *rotate[] = {"rotate", "alice", NULL};
    Run r = run(l.srv->dir, rotate);
    gint64 since = g_get_monotonic_time();
    g_assert_cmpint(r.status, ==, 0);
    g_autofree char *fresh_token = g_strstrip(g_strdup(r.out));
    run_clear(&r);
    g_autofree char *fresh = token_login(&l, fresh_token);
    alice_signed_out(&l, since);
    ctl_test_spin_for(1500); /* past the server's next look */
    g_assert_cmpuint(control_page(&l, fresh), ==, 200);
    CtlTestWs *again = ws_with_cookie(&l, fresh);
    ctl_test_ws_free(again);
    live_stop(&l);
}

/* `jobcast accounts passwd`: setting a password ends the sessions too. */
static void test_cli_passwd_live(void)
{
    Live l;
    live_start(&l);
    const char *passwd[] = {"passwd", "alice", NULL};
    Run r = run_input(l.srv->dir, passwd, "alice-new-password\n");
    gint64 since = g_get_monotonic_time();
    g_assert_cmpint(r.status, ==, 0);
    run_clear(&r);
    alice_signed_out(&l, since);
    live_stop(&l);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* A command that dies before reading its input fails the test with its exit and stderr,
     * not by killing this process with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    g_test_add_func("/control/accounts-cli/add-rotate-revoke", test_add_rotate_revoke);
    g_test_add_func("/security/sessions/cli-revoke-ends-running-sessions", test_cli_revoke_live);
    g_test_add_func("/security/sessions/cli-rotate-ends-running-sessions", test_cli_rotate_live);
    g_test_add_func("/security/sessions/cli-passwd-ends-running-sessions", test_cli_passwd_live);
    return g_test_run();
}
