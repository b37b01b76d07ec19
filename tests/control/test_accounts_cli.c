/* Tests of `jobcast accounts ...` (the real binary, JOBCAST_BUILD_DIR/jobcast) against a data
 * folder in a temp dir: tokens are printed once and only their digests are stored. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

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
    g_assert_true(
        g_subprocess_communicate_utf8(p, input != NULL ? input : "", NULL, &r.out, &r.err, &error));
    r.status = g_subprocess_get_exit_status(p);
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/control/accounts-cli/add-rotate-revoke", test_add_rotate_revoke);
    return g_test_run();
}
