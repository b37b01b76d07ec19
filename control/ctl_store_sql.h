/* ctl_store_sql: SQL helpers shared by the store's files and threads, and the opening of one
 * connection. Not installed; only control/ctl_store*.c (and the store's tests) include it.
 *
 * Threads: none of its own; each helper works on the connection it is given, on the thread that
 * owns that connection. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define CTL_NOW_SQL "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

/* How long one connection waits for the other's write lock before giving up. */
#define CTL_SQL_BUSY_TIMEOUT_MS 5000

/* Room for a ctl_store_stamp text ("2024-05-01T08:30:00.123Z" and its NUL, with slack). */
#define CTL_STORE_STAMP_SIZE 32

/* unix_us (microseconds since 1970, UTC, >= 0) as CTL_NOW_SQL writes it, milliseconds
 * truncated: "2024-05-01T08:30:00.123Z". Pure; any thread. */
void ctl_store_stamp(gint64 unix_us, char out[CTL_STORE_STAMP_SIZE]);

/* Opens (creating if missing) the database at path: extended result codes, a busy timeout,
 * synchronous=FULL, foreign_keys=ON, no SQLite mutex (one thread per connection). NULL with
 * JC_ERROR_DB on failure (the half-open handle is closed). */
sqlite3 *ctl_sql_connect(const char *path, GError **error);
/* Switches the file to WAL (a persistent property of the file) and checks it took. */
gboolean ctl_sql_enable_wal(sqlite3 *db, GError **error);

void ctl_sql_error(GError **error, sqlite3 *db, const char *what);
gboolean ctl_sql_exec(sqlite3 *db, const char *sql, const char *what, GError **error);
/* Prepares a statement meant to be kept (SQLITE_PREPARE_PERSISTENT). */
gboolean ctl_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, GError **error);
void ctl_sql_reset(sqlite3_stmt *st);
/* NULL binds SQL NULL. */
void ctl_sql_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* The column as a string, "" for NULL. (transfer full) */
char *ctl_sql_column_dup(sqlite3_stmt *st, int col);
/* Runs sql, a query of one row, and reads its first column into *out. FALSE with JC_ERROR_DB
 * ("what" names the query) when it cannot be prepared or returns no row. */
gboolean ctl_sql_query_int64(sqlite3 *db, const char *sql, gint64 *out, const char *what,
                             GError **error);
/* Steps st, one write, and finalizes it; *changed (may be NULL) gets the rows it changed. A
 * UNIQUE or PRIMARY KEY constraint is JC_ERROR_CONFLICT with taken as its message (when taken is
 * NULL, like any other constraint), another constraint the schema refuses JC_ERROR_INVALID
 * ("what: SQLite's message"), anything else JC_ERROR_DB. */
gboolean ctl_sql_write(sqlite3 *db, sqlite3_stmt *st, const char *what, const char *taken,
                       int *changed, GError **error);
/* Steps st to the end, turning each row into an element with row() (transfer full), and
 * finalizes it. On a step error, NULL with error set ("what" names the query). */
GPtrArray *ctl_sql_collect(sqlite3 *db, sqlite3_stmt *st, gpointer (*row)(sqlite3_stmt *st),
                           GDestroyNotify free_row, const char *what, GError **error);

G_END_DECLS
