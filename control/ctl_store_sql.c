/* ctl_store_sql: the SQL helpers every file of the store uses, and the opening of one
 * connection with the settings both of the store's threads rely on.
 *
 * Threads: none of its own; each function works on the connection or statement it is given,
 * on whichever thread owns that connection. Not responsible for the schema (ctl_store_migrate.c)
 * or for which thread owns which connection (ctl_store.c, ctl_store_writer.c). */
#include "ctl_store_sql.h"

#include <time.h>

#include "jc_error.h"

void ctl_sql_error(GError **error, sqlite3 *db, const char *what)
{
    g_set_error(error, JC_ERROR, JC_ERROR_DB, "%s: %s", what, sqlite3_errmsg(db));
}

gboolean ctl_sql_exec(sqlite3 *db, const char *sql, const char *what, GError **error)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        ctl_sql_error(error, db, what);
        return FALSE;
    }
    return TRUE;
}

GPtrArray *ctl_sql_collect(sqlite3 *db, sqlite3_stmt *st, gpointer (*row)(sqlite3_stmt *st),
                           GDestroyNotify free_row, const char *what, GError **error)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(free_row);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        g_ptr_array_add(out, row(st));
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, db, what);
        g_clear_pointer(&out, g_ptr_array_unref);
    }
    sqlite3_finalize(st);
    return out;
}

gboolean ctl_sql_write(sqlite3 *db, sqlite3_stmt *st, const char *what, const char *taken,
                       int *changed, GError **error)
{
    int rc = sqlite3_step(st);
    gboolean ok = rc == SQLITE_DONE;
    if (taken != NULL && (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY))
        g_set_error_literal(error, JC_ERROR, JC_ERROR_CONFLICT, taken);
    else if ((rc & 0xff) == SQLITE_CONSTRAINT)
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: %s", what, sqlite3_errmsg(db));
    else if (!ok)
        ctl_sql_error(error, db, what);
    if (changed != NULL)
        *changed = ok ? sqlite3_changes(db) : 0;
    sqlite3_finalize(st);
    return ok;
}

gboolean ctl_sql_query_int64(sqlite3 *db, const char *sql, gint64 *out, const char *what,
                             GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        ctl_sql_error(error, db, "preparing a statement");
        return FALSE;
    }
    gboolean ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *out = sqlite3_column_int64(st, 0);
    else
        ctl_sql_error(error, db, what);
    sqlite3_finalize(st);
    return ok;
}

gboolean ctl_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, GError **error)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
        ctl_sql_error(error, db, "preparing a statement");
        return FALSE;
    }
    return TRUE;
}

/* Statements are reused: each use starts from a clean slate. */
void ctl_sql_reset(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

void ctl_sql_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s == NULL) {
        sqlite3_bind_null(st, idx);
    } else {
        sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    }
}

char *ctl_sql_column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    return g_strdup(text ? (const char *)text : "");
}

/* Opens one connection with the settings both threads rely on. On error, NULL with error set
 * (the half-open handle is closed). */
sqlite3 *ctl_sql_connect(const char *path, GError **error)
{
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

    /* NOMUTEX: each connection is used by one thread at a time (see the file header). */
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "opening %s: %s", path,
                    db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, CTL_SQL_BUSY_TIMEOUT_MS);
    /* secure_delete: a deleted sign-up (withdrawn, purged, forgotten) is overwritten with
     * zeros instead of lingering in a page's free space or on the free list (PIPL). */
    if (!ctl_sql_exec(db,
                      "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; "
                      "PRAGMA secure_delete = ON;",
                      "configuring the connection", error)) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* Switches the file to WAL (a persistent property of the file) and checks it took. */
gboolean ctl_sql_enable_wal(sqlite3 *db, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = FALSE;

    if (!ctl_sql_prepare(db, "PRAGMA journal_mode = WAL", &st, error)) {
        return FALSE;
    }
    if (sqlite3_step(st) != SQLITE_ROW) {
        ctl_sql_error(error, db, "enabling WAL");
    } else if (g_ascii_strcasecmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_DB, "the database refused WAL mode (got %s)",
                    (const char *)sqlite3_column_text(st, 0));
    } else {
        ok = TRUE;
    }
    sqlite3_finalize(st);
    return ok;
}

void ctl_store_stamp(gint64 unix_us, char out[CTL_STORE_STAMP_SIZE])
{
    time_t secs = (time_t)(unix_us / G_USEC_PER_SEC);
    int ms = (int)(unix_us % G_USEC_PER_SEC / 1000);
    struct tm tm;

    gmtime_r(&secs, &tm);
    g_snprintf(out, CTL_STORE_STAMP_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}
