/* Crash tests. kill9: a burst of concurrent sign-ups against the real jobcast binary, SIGKILL in
 * the middle of it, restart on the same data folder: every sign-up that was answered 201 is in
 * the database, and none is stored twice. Several iterations, each killing at a different point.
 * A killed process leaves the kernel's page cache behind, so this cannot see a missing fsync.
 *
 * power-cut: the real store writer under a stream of sign-ups, on a VFS that plays the page
 * cache (crash_vfs.c) and loses every write not yet synced when the power is cut, at a random
 * write or sync, or at a random sign-up's acknowledgement. Every sign-up acknowledged before the
 * cut must be in the database afterwards, and the database must pass integrity_check.
 *
 * Threads: the test drives libsoup on its own main context; jobcast runs as a child process
 * (JOBCAST_BUILD_DIR/jobcast). The database is checked through a separate sqlite3 connection
 * after the restarted server has opened (and so recovered) it. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "crash_vfs.h"
#include "ctl_test.h"
#include "../jc_test_child.h"

#define ITERATIONS 3
#define BURST 400

typedef struct {
    char *dir;
    int port;
    GSubprocess *proc;
} Server;

static int free_port(void)
{
    g_autoptr(GSocket) s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_assert_true(g_socket_bind(s, any, TRUE, NULL));
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(s, NULL);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

static gboolean flag_set(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Starts jobcast on the server's folder and waits until /healthz answers. */
static void server_start(Server *sv, SoupSession *soup)
{
    g_autofree char *bin = g_build_filename(g_getenv("JOBCAST_BUILD_DIR"), "jobcast", NULL);
    g_autofree char *listen = g_strdup_printf("127.0.0.1:%d", sv->port);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    sv->proc = g_subprocess_launcher_spawn(
        launcher, &error, bin, "--listen", listen, "--data-dir", sv->dir, "--no-record",
        "--profile", "720x1280", "--trusted-proxy", "127.0.0.1", "--duration", "120", NULL);
    g_assert_no_error(error);
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d/healthz", sv->port);
    for (int i = 0; i < 200; i++) {
        g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
        g_autoptr(GBytes) body = soup_session_send_and_read(soup, msg, NULL, NULL);
        if (body != NULL && soup_message_get_status(msg) == 200)
            return;
        ctl_test_spin_for(50);
    }
    g_error("jobcast did not come up on port %d", sv->port);
}

static void server_kill(Server *sv)
{
    g_subprocess_send_signal(sv->proc, SIGKILL);
    g_subprocess_wait(sv->proc, NULL, NULL);
    g_clear_object(&sv->proc);
}

#define IN_FLIGHT 48

typedef struct {
    SoupSession *soup;
    char *url; /* owned */
    int iteration;
    guint sent;
    guint answered;   /* any answer or failure */
    GPtrArray *acked; /* owned char*: phones answered 201 */
    guint kill_after; /* SIGKILL once this many were answered 201 */
    Server *sv;
} Burst;

typedef struct {
    Burst *b;
    char *phone;
} One;

static void one_done(GObject *src, GAsyncResult *res, gpointer data);

/* Keeps IN_FLIGHT sign-ups in flight until BURST were sent or the server was killed. */
static void send_one(Burst *b)
{
    if (b->sent >= BURST || b->sv->proc == NULL)
        return;
    guint i = b->sent++;
    One *o = g_new0(One, 1);
    o->b = b;
    o->phone = g_strdup_printf("13%d%08u", 5 + b->iteration, i);
    g_autofree char *body = g_strdup_printf(
        "{\"posting_id\":%u,\"name\":\"崩溃测试%u\",\"phone\":\"%s\",\"consent\":true}", 1 + i % 5,
        i, o->phone);
    SoupMessage *msg = soup_message_new("POST", b->url);
    g_autoptr(GBytes) bytes = g_bytes_new(body, strlen(body));
    soup_message_set_request_body_from_bytes(msg, "application/json", bytes);
    g_autofree char *xff = g_strdup_printf("10.9.%u.%u", i / 200, i % 200);
    soup_message_headers_replace(soup_message_get_request_headers(msg), "X-Forwarded-For", xff);
    soup_session_send_and_read_async(b->soup, msg, G_PRIORITY_DEFAULT, NULL, one_done, o);
    g_object_unref(msg);
}

static void one_done(GObject *src, GAsyncResult *res, gpointer data)
{
    One *o = data;
    Burst *b = o->b;
    SoupMessage *msg = soup_session_get_async_result_message(SOUP_SESSION(src), res);
    g_autoptr(GBytes) body = soup_session_send_and_read_finish(SOUP_SESSION(src), res, NULL);
    b->answered++;
    if (body != NULL && soup_message_get_status(msg) == 201) {
        g_ptr_array_add(b->acked, g_steal_pointer(&o->phone));
        if (b->acked->len == b->kill_after && b->sv->proc != NULL)
            server_kill(b->sv); /* in the middle of the burst: others are in flight */
    }
    g_free(o->phone);
    g_free(o);
    send_one(b);
}

static void test_kill9_keeps_every_acked_signup(void)
{
    g_autoptr(GError) error = NULL;
    Server sv = {0};
    sv.dir = g_dir_make_tmp("jobcast-crash-XXXXXX", &error);
    g_assert_no_error(error);
    g_autoptr(SoupSession) soup = soup_session_new_with_options(
        "timeout", 5, "max-conns", IN_FLIGHT, "max-conns-per-host", IN_FLIGHT, NULL);
    g_autoptr(GPtrArray) all_acked = g_ptr_array_new_with_free_func(g_free);

    for (int it = 0; it < ITERATIONS; it++) {
        sv.port = free_port();
        server_start(&sv, soup);
        Burst b = {.soup = soup,
                   .url = g_strdup_printf("http://127.0.0.1:%d/api/apply", sv.port),
                   .iteration = it,
                   .acked = g_ptr_array_new_with_free_func(g_free),
                   .kill_after = (guint)(BURST / 8 * (it + 2)),
                   .sv = &sv};
        for (int k = 0; k < IN_FLIGHT; k++)
            send_one(&b);
        gboolean expired = FALSE;
        guint timeout = g_timeout_add_seconds(60, flag_set, &expired);
        while (b.answered < b.sent && !expired)
            g_main_context_iteration(NULL, TRUE);
        g_source_remove(timeout);
        g_assert_false(expired);
        g_test_message("iteration %d: %u acknowledged, %u sent before the kill", it, b.acked->len,
                       b.sent);
        g_assert_cmpuint(b.acked->len, >=, b.kill_after);
        if (sv.proc != NULL)
            server_kill(&sv);
        for (guint i = 0; i < b.acked->len; i++)
            g_ptr_array_add(all_acked, g_strdup(b.acked->pdata[i]));
        g_ptr_array_unref(b.acked);
        g_free(b.url);
    }

    /* Restart: jobcast opens (and recovers) the database; then look at it. */
    sv.port = free_port();
    server_start(&sv, soup);
    g_autofree char *db_path = g_build_filename(sv.dir, "jobcast.db", NULL);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(
        sqlite3_prepare_v2(db, "SELECT count(*) FROM signups WHERE phone = ?1", -1, &st, NULL), ==,
        SQLITE_OK);
    for (guint i = 0; i < all_acked->len; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, all_acked->pdata[i], -1, SQLITE_STATIC);
        g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
        if (sqlite3_column_int(st, 0) != 1)
            g_error("acknowledged sign-up %s stored %d times", (const char *)all_acked->pdata[i],
                    sqlite3_column_int(st, 0));
    }
    sqlite3_finalize(st);
    g_assert_cmpint(sqlite3_prepare_v2(db,
                                       "SELECT count(*) FROM (SELECT phone FROM signups GROUP BY "
                                       "phone, posting_id, show_id HAVING count(*) > 1)",
                                       -1, &st, NULL),
                    ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int(st, 0), ==, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    server_kill(&sv);

    g_autoptr(GDir) dir = g_dir_open(sv.dir, 0, NULL);
    const char *name;
    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *file = g_build_filename(sv.dir, name, NULL);
        g_remove(file);
    }
    g_rmdir(sv.dir);
    g_free(sv.dir);
}

#define CUT_ROUNDS 16
#define CUT_SIGNUPS 500
#define CUT_IN_FLIGHT 24
/* Writes and syncs a round of CUT_SIGNUPS makes after the seed with the writer's
 * synchronous=FULL (measured: 300 to 450 with group commit): the VFS cut comes at a random one of
 * them, or after the last if there are fewer. */
#define CUT_OPS_ESTIMATE 480

typedef struct {
    CtlStore *store;
    int round;
    guint sent;
    guint answered;
    guint cut_at_ack; /* cut at this acknowledgement; 0: the VFS cuts at a random operation */
    GPtrArray *acked; /* owned char*: phones acknowledged before the cut */
} Load;

typedef struct {
    Load *load;
    char *phone; /* owned */
} Pending;

static void load_send(Load *l);

static void load_done(gint64 signup_id, gboolean duplicate, const GError *error, gpointer data)
{
    Pending *p = data;
    Load *l = p->load;

    l->answered++;
    /* A machine without power acknowledges nothing: what comes back after the cut is lost. */
    if (error == NULL && !crash_vfs_is_cut()) {
        g_ptr_array_add(l->acked, g_steal_pointer(&p->phone));
        if (l->acked->len == l->cut_at_ack) {
            crash_vfs_power_cut();
        }
    }
    g_free(p->phone);
    g_free(p);
    load_send(l);
}

/* Keeps CUT_IN_FLIGHT sign-ups queued until CUT_SIGNUPS were sent or the power is cut. */
static void load_send(Load *l)
{
    if (l->sent >= CUT_SIGNUPS || crash_vfs_is_cut()) {
        return;
    }
    guint i = l->sent++;
    Pending *p = g_new0(Pending, 1);
    p->load = l;
    p->phone = g_strdup_printf("1370%d%06u", l->round, i);
    g_autofree char *name = g_strdup_printf("断电测试%u", i);
    CtlSignupRequest req = {
        .posting_id = 1 + i % 5,
        .name = name,
        .phone = p->phone,
        .consent = TRUE,
        .client_addr = "127.0.0.1",
    };
    ctl_store_add_signup(l->store, &req, load_done, p);
}

/* How many of the acknowledged phones the database at path lacks; *why says why if it could not
 * even be read (then all are counted). */
static guint count_lost(sqlite3 *db, GPtrArray *acked, char **why)
{
    sqlite3_stmt *st = NULL;
    guint lost = 0;

    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM signups WHERE phone = ?1", -1, &st, NULL) !=
        SQLITE_OK) {
        *why = g_strdup(sqlite3_errmsg(db));
        return acked->len;
    }
    for (guint i = 0; i < acked->len; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, acked->pdata[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1) {
            if (lost++ == 0) {
                *why = g_strdup_printf("first: %s", (const char *)acked->pdata[i]);
            }
        }
    }
    sqlite3_finalize(st);
    return lost;
}

static char *integrity(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    char *result = NULL;

    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
        return g_strdup(sqlite3_errmsg(db));
    }
    GString *all = g_string_new(NULL);
    while (sqlite3_step(st) == SQLITE_ROW) {
        g_string_append_printf(all, "%s%s", all->len ? "; " : "", sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    result = g_string_free(all, FALSE);
    return result;
}

static void test_power_cut_keeps_every_acked_signup(void)
{
    guint total_acked = 0;
    guint total_lost = 0;
    GString *failures = g_string_new(NULL);

    for (int round = 0; round < CUT_ROUNDS; round++) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("jobcast-power-cut-XXXXXX", &error);
        g_assert_no_error(error);
        g_autofree char *path = g_build_filename(dir, "jobcast.db", NULL);
        Load l = {.round = round, .acked = g_ptr_array_new_with_free_func(g_free)};
        guint cut_op = 0;

        crash_vfs_install();
        l.store = ctl_store_open(path, &error);
        g_assert_no_error(error);
        ctl_test_seed(l.store);
        guint64 seed_ops = crash_vfs_op_count();
        /* Even rounds: the power goes at a random write or sync (often inside a commit, on the
         * writer's thread); odd rounds: right after a random acknowledgement. */
        if (round % 2 == 0) {
            cut_op = (guint)g_test_rand_int_range(1, CUT_OPS_ESTIMATE);
            crash_vfs_cut_after(cut_op);
        } else {
            l.cut_at_ack = (guint)g_test_rand_int_range(1, CUT_SIGNUPS);
        }
        for (int k = 0; k < CUT_IN_FLIGHT; k++) {
            load_send(&l);
        }
        gboolean expired = FALSE;
        guint timeout = g_timeout_add_seconds(20, flag_set, &expired);
        while (!crash_vfs_is_cut() && l.answered < l.sent && !expired) {
            g_main_context_iteration(NULL, TRUE);
        }
        g_source_remove(timeout);
        g_assert_false(expired);
        guint64 ops = crash_vfs_op_count() - seed_ops;
        if (!crash_vfs_is_cut()) {
            crash_vfs_power_cut(); /* every sign-up answered before the chosen point */
        }
        guint64 commits = ctl_store_commit_count(l.store);
        ctl_store_close(l.store); /* what is still queued fails: no more I/O reaches the disk */
        g_assert_cmpuint(l.answered, ==, l.sent);
        crash_vfs_uninstall();

        /* "Reboot": the WAL index is memory, gone with the power; SQLite rebuilds it. */
        g_autofree char *shm = g_strconcat(path, "-shm", NULL);
        g_remove(shm);
        sqlite3 *db = NULL;
        g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
        g_autofree char *why = NULL;
        guint lost = count_lost(db, l.acked, &why);
        g_autofree char *check = integrity(db);
        sqlite3_close(db);
        g_test_message("round %d: cut at %s %u (the load made %" G_GUINT64_FORMAT
                       " writes and syncs, %" G_GUINT64_FORMAT
                       " commits), %u acknowledged, %u lost, integrity: %s",
                       round, cut_op ? "write or sync" : "acknowledgement",
                       cut_op ? cut_op : l.cut_at_ack, ops, commits, l.acked->len, lost, check);
        if (strcmp(check, "ok") != 0) {
            g_string_append_printf(failures, "round %d: integrity_check: %s\n", round, check);
        }
        total_acked += l.acked->len;
        total_lost += lost;
        if (lost > 0) {
            g_string_append_printf(failures, "round %d: %u of %u acknowledged sign-ups lost (%s)\n",
                                   round, lost, l.acked->len, why);
        }
        g_ptr_array_unref(l.acked);
        ctl_test_remove_dir(dir);
    }
    if (failures->len > 0) {
        g_error("%u of %u acknowledged sign-ups lost after power cuts:\n%s", total_lost,
                total_acked, failures->str);
    }
    g_assert_cmpuint(total_acked, >, 0);
    g_string_free(failures, TRUE);
}

/* A transaction bigger than one write of the unix VFS (128 KiB): the cache syncs it in pieces.
 * It once synced the WAL's merged appends in one write, which the unix VFS cut short and
 * reported as SQLITE_FULL: any schema step that made the first transactions' WAL pass 128 KiB
 * stopped every sign-up of the power-cut test from committing. */
static void test_big_transaction_survives(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("jobcast-big-sync-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *path = g_build_filename(dir, "big.db", NULL);
    crash_vfs_install();
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                    ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db,
                                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                                 "CREATE TABLE t (b BLOB);"
                                 "INSERT INTO t VALUES (zeroblob(300000));",
                                 NULL, NULL, NULL),
                    ==, SQLITE_OK);
    crash_vfs_power_cut();
    sqlite3_close(db);
    crash_vfs_uninstall();
    g_autofree char *shm = g_strconcat(path, "-shm", NULL);
    g_remove(shm);
    g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, "SELECT length(b) FROM t", -1, &st, NULL), ==,
                    SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    g_assert_cmpint(sqlite3_column_int(st, 0), ==, 300000);
    sqlite3_finalize(st);
    sqlite3_close(db);
    ctl_test_remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/control/crash/kill9-keeps-every-acked-signup",
                    test_kill9_keeps_every_acked_signup);
    g_test_add_func("/control/crash/power-cut", test_power_cut_keeps_every_acked_signup);
    g_test_add_func("/control/crash/big-transaction-synced-in-pieces",
                    test_big_transaction_survives);
    return g_test_run();
}
