/* jc_test_pg: a throw-away PostgreSQL on a Unix socket (see jc_test_pg.h). */
#include "jc_test_pg.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG_BIN "/usr/lib/postgresql/15/bin"

/* Runs argv (as the postgres user when we are root) and fails the test, with its output and
 * log, unless it exits 0. */
static void run(JcTestPg *pg, const char *const *argv)
{
    g_autoptr(GPtrArray) full = g_ptr_array_new();
    if (geteuid() == 0) {
        const char *as[] = {"runuser", "-u", "postgres", "--"};
        for (gsize i = 0; i < G_N_ELEMENTS(as); i++)
            g_ptr_array_add(full, (gpointer)as[i]);
    }
    for (const char *const *a = argv; *a != NULL; a++)
        g_ptr_array_add(full, (gpointer)*a);
    g_ptr_array_add(full, NULL);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_sync(pg->dir, (char **)full->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                      &err, &status, &error))
        g_error("cannot run %s: %s", argv[0], error->message);
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_autofree char *log_path = g_build_filename(pg->dir, "postgres.log", NULL);
        g_autofree char *log = NULL;
        g_file_get_contents(log_path, &log, NULL, NULL);
        g_error("%s failed:\n%s\n%s\nlog:\n%s", argv[0], out, err, log != NULL ? log : "");
    }
}

/* Gives path to the postgres user when we are root (initdb and the server run as it). */
static void give(const char *path)
{
    if (geteuid() != 0)
        return;
    struct passwd *pw = getpwnam("postgres");
    if (pw == NULL)
        g_error("running as root, the PostgreSQL tests need the user postgres (from Debian's "
                "postgresql-15: scripts/setup.sh installs it)");
    if (chown(path, pw->pw_uid, pw->pw_gid) != 0)
        g_error("cannot give %s to postgres", path);
}

static char *random_hex(gsize bytes)
{
    GString *s = g_string_new(NULL);
    for (gsize i = 0; i < bytes; i++)
        g_string_append_printf(s, "%02x", g_random_int_range(0, 256));
    return g_string_free(s, FALSE);
}

JcTestPg *jc_test_pg_new(void)
{
    const char *const tools[] = {PG_BIN "/initdb", PG_BIN "/pg_ctl", PG_BIN "/postgres"};
    for (gsize i = 0; i < G_N_ELEMENTS(tools); i++) {
        if (!g_file_test(tools[i], G_FILE_TEST_IS_EXECUTABLE))
            g_error("%s is missing: the province tests need Debian's postgresql-15 "
                    "(scripts/setup.sh installs it)",
                    tools[i]);
    }
    JcTestPg *pg = g_new0(JcTestPg, 1);
    g_autoptr(GError) error = NULL;
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (pw == NULL)
            g_error("running as root, the PostgreSQL tests need the user postgres (from Debian's "
                    "postgresql-15: scripts/setup.sh installs it)");
        pg->as_postgres = TRUE;
        pg->uid = pw->pw_uid;
        pg->gid = pw->pw_gid;
    }
    pg->dir = g_dir_make_tmp("jobcast-pg-XXXXXX", &error);
    g_assert_no_error(error);
    give(pg->dir);
    pg->data = g_build_filename(pg->dir, "data", NULL);
    pg->user = g_strdup("jobcast_test");
    g_autofree char *hex = random_hex(12);
    pg->password = g_strdup_printf("pw-%s", hex);
    g_autofree char *pwfile = g_build_filename(pg->dir, "pwfile", NULL);
    g_assert_true(g_file_set_contents(pwfile, pg->password, -1, NULL));
    give(pwfile);
    g_autofree char *pwarg = g_strdup_printf("--pwfile=%s", pwfile);
    const char *initdb[] = {
        PG_BIN "/initdb",       "-D",        pg->data, "-U",   pg->user,     pwarg,
        "--auth=scram-sha-256", "--no-sync", "-E",     "UTF8", "--locale=C", NULL};
    run(pg, initdb);
    g_remove(pwfile);
    pg->url =
        g_strdup_printf("postgresql://%s:%s@/province?host=%s", pg->user, pg->password, pg->dir);
    jc_test_pg_start(pg);
    g_autofree char *admin = jc_test_pg_url_with(pg, pg->password, "postgres");
    PGconn *c = PQconnectdb(admin);
    if (PQstatus(c) != CONNECTION_OK)
        g_error("cannot connect to the test PostgreSQL: %s", PQerrorMessage(c));
    PGresult *res = PQexec(c, "CREATE DATABASE province");
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        g_error("CREATE DATABASE: %s", PQresultErrorMessage(res));
    PQclear(res);
    PQfinish(c);
    return pg;
}

/* In the server's child before exec: the postgres user when we are root, and death with the
 * test (a test that fails half-way leaves no server behind). Only async-signal-safe calls. */
static void server_child(gpointer data)
{
    const JcTestPg *pg = data;
    if (pg->as_postgres) {
        if (setgroups(0, NULL) != 0 || setgid(pg->gid) != 0 || setuid(pg->uid) != 0)
            _exit(127);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

void jc_test_pg_start(JcTestPg *pg)
{
    g_autofree char *log = g_build_filename(pg->dir, "postgres.log", NULL);
    const char *argv[] = {PG_BIN "/postgres",
                          "-D",
                          pg->data,
                          "-k",
                          pg->dir,
                          "-c",
                          "listen_addresses=",
                          "-c",
                          "fsync=off",
                          "-c",
                          "full_page_writes=off",
                          "-c",
                          "max_connections=40",
                          NULL};
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_subprocess_launcher_set_stderr_file_path(launcher, log);
    g_subprocess_launcher_set_child_setup(launcher, server_child, pg, NULL);
    g_autoptr(GError) error = NULL;
    pg->proc = g_subprocess_launcher_spawnv(launcher, argv, &error);
    g_assert_no_error(error);
    g_autofree char *ping = g_strdup_printf("host=%s dbname=postgres user=%s", pg->dir, pg->user);
    for (int i = 0; i < 600; i++) {
        if (PQping(ping) == PQPING_OK) {
            pg->running = TRUE;
            return;
        }
        g_usleep(50000);
    }
    g_autofree char *text = NULL;
    g_file_get_contents(log, &text, NULL, NULL);
    g_error("the test PostgreSQL did not start:\n%s", text != NULL ? text : "");
}

void jc_test_pg_stop(JcTestPg *pg)
{
    if (!pg->running)
        return;
    /* SIGINT: a fast shutdown (connections closed, a clean checkpoint). */
    g_subprocess_send_signal(pg->proc, SIGINT);
    g_autoptr(GError) error = NULL;
    g_assert_true(g_subprocess_wait(pg->proc, NULL, &error));
    g_assert_no_error(error);
    g_clear_object(&pg->proc);
    pg->running = FALSE;
}

void jc_test_pg_free(JcTestPg *pg)
{
    if (pg == NULL)
        return;
    jc_test_pg_stop(pg);
    const char *rm[] = {"rm", "-rf", pg->dir, NULL};
    g_spawn_sync(NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
    g_free(pg->dir);
    g_free(pg->data);
    g_free(pg->user);
    g_free(pg->password);
    g_free(pg->url);
    g_clear_object(&pg->proc);
    g_free(pg);
}

char *jc_test_pg_url_with(JcTestPg *pg, const char *password, const char *dbname)
{
    return g_strdup_printf("postgresql://%s:%s@/%s?host=%s", pg->user, password, dbname, pg->dir);
}

PGconn *jc_test_pg_connect(JcTestPg *pg)
{
    PGconn *c = PQconnectdb(pg->url);
    if (PQstatus(c) != CONNECTION_OK)
        g_error("cannot connect to the test PostgreSQL: %s", PQerrorMessage(c));
    return c;
}

gint64 jc_test_pg_int(JcTestPg *pg, const char *sql)
{
    PGconn *c = jc_test_pg_connect(pg);
    PGresult *res = PQexec(c, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        g_error("%s: %s", sql, PQresultErrorMessage(res));
    gint64 n = 0;
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        n = g_ascii_strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    PQfinish(c);
    return n;
}

void jc_test_pg_exec(JcTestPg *pg, const char *sql)
{
    PGconn *c = jc_test_pg_connect(pg);
    PGresult *res = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        g_error("%s: %s", sql, PQresultErrorMessage(res));
    PQclear(res);
    PQfinish(c);
}
