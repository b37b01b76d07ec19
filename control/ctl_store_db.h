/* ctl_store_db: what the store's files share internally: SQL helpers and the main-thread
 * connection. Not installed; only control/ctl_store*.c include it.
 *
 * Threads: the connection returned by ctl_store_db() belongs to the main thread (see
 * ctl_store.c); the helpers work on whichever connection they are given. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "ctl_store.h"

G_BEGIN_DECLS

#define CTL_NOW_SQL "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

/* Room for a ctl_store_stamp text ("2024-05-01T08:30:00.123Z" and its NUL, with slack). */
#define CTL_STORE_STAMP_SIZE 32

/* unix_us (microseconds since 1970, UTC, >= 0) as CTL_NOW_SQL writes it, milliseconds
 * truncated: "2024-05-01T08:30:00.123Z". Pure; any thread. */
void ctl_store_stamp(gint64 unix_us, char out[CTL_STORE_STAMP_SIZE]);

/* The columns ctl_store_posting_from_row reads, in order. */
#define CTL_POSTING_COLUMNS                                                                        \
    "SELECT id, title, company, pay_min, pay_max, pay_unit, location, headcount, tags, "           \
    "requirements, talking_points, version, archived FROM postings "

/* The main thread's read/write connection. (transfer none) */
sqlite3 *ctl_store_db(CtlStore *store);

void ctl_sql_error(GError **error, sqlite3 *db, const char *what);
gboolean ctl_sql_exec(sqlite3 *db, const char *sql, const char *what, GError **error);
/* Prepares a statement meant to be kept (SQLITE_PREPARE_PERSISTENT). */
gboolean ctl_sql_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **out, GError **error);
void ctl_sql_reset(sqlite3_stmt *st);
/* NULL binds SQL NULL. */
void ctl_sql_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* The column as a string, "" for NULL. (transfer full) */
char *ctl_sql_column_dup(sqlite3_stmt *st, int col);
/* Prepares a one-off statement on the main connection. NULL with error set on failure. */
sqlite3_stmt *ctl_store_prep(CtlStore *store, const char *sql, GError **error);
/* Steps st to the end, turning each row into an element with row() (transfer full), and
 * finalizes it. On a step error, NULL with error set ("what" names the query). */
GPtrArray *ctl_sql_collect(sqlite3 *db, sqlite3_stmt *st, gpointer (*row)(sqlite3_stmt *st),
                           GDestroyNotify free_row, const char *what, GError **error);
/* Postings were written: forget the decoded copies ctl_store_get_posting keeps. */
void ctl_store_postings_changed(CtlStore *store);
/* The current row of a CTL_POSTING_COLUMNS statement. (transfer full) */
CtlPosting *ctl_store_posting_from_row(sqlite3_stmt *st);

G_END_DECLS
