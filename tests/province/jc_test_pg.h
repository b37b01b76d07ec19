/* jc_test_pg: a real PostgreSQL for the province tests: Debian's postgresql-15 binaries
 * (initdb, pg_ctl) on a fresh data folder, listening on a Unix socket in a temp folder only (no
 * TCP), with password authentication (scram-sha-256) for one superuser, and a database
 * `province`. Started fast for tests only: initdb --no-sync, fsync=off.
 *
 * A missing binary fails the test (never a skip). initdb refuses to run as root: as root the
 * binaries run as the `postgres` user (runuser for initdb, setuid in the server's child), which
 * the package creates, on folders it owns. The server is the test's child and gets SIGKILL when
 * the test dies, so a failed test leaves no server running.
 *
 * Threads: the test's. Every function fails the test (g_error) when PostgreSQL misbehaves. */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>
#include <sys/types.h>

typedef struct {
    char *dir;      /* owned: the temp folder (socket, log, password file) */
    char *data;     /* owned: DIR/data */
    char *user;     /* owned: the superuser's name */
    char *password; /* owned: its password */
    char *url;      /* owned: postgresql://USER:PASSWORD@/province?host=DIR */
    gboolean running;
    GSubprocess *proc;    /* owned while running: the postmaster, which dies with the test */
    gboolean as_postgres; /* we are root: initdb and the server run as the postgres user */
    uid_t uid;            /* with as_postgres */
    gid_t gid;
} JcTestPg;

/* initdb into a fresh folder, start, create the database `province`. (transfer full) */
JcTestPg *jc_test_pg_new(void);

/* Stops the server (fast shutdown; nothing when stopped) and removes its folder. NULL ok. */
void jc_test_pg_free(JcTestPg *pg);

/* Stops (fast shutdown: connections are closed) / starts again on the same data. */
void jc_test_pg_stop(JcTestPg *pg);
void jc_test_pg_start(JcTestPg *pg);

/* The URL with another password / database (for the bad-config tests). (transfer full) */
char *jc_test_pg_url_with(JcTestPg *pg, const char *password, const char *dbname);

/* A connection as the superuser to the database `province`; fails the test if it cannot.
 * (transfer full: PQfinish) */
PGconn *jc_test_pg_connect(JcTestPg *pg);

/* Runs sql (no parameters) and returns the first column of the first row as an integer (0 for
 * no row or NULL); fails the test on an error. */
gint64 jc_test_pg_int(JcTestPg *pg, const char *sql);

/* Runs sql; fails the test on an error. */
void jc_test_pg_exec(JcTestPg *pg, const char *sql);
