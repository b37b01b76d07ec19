/* ctl_store_stats: the figures that outlive a restart: the apply-page funnel per posting and,
 * read back from the sign-ups themselves, sign-ups per minute.
 *
 * Threads: main only (the main connection, see ctl_store_db.h). Page opens arrive at the rate
 * viewers load pages, so ctl_control counts them in memory and hands the increments here in one
 * transaction every few seconds; a crash loses at most those seconds of opens, never a sign-up
 * (sign-ups are counted from the signups table). */
#include "ctl_store_db.h"

#include <string.h>

#include "jc_error.h"

GArray *ctl_store_funnel_load(CtlStore *store, GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    sqlite3_stmt *st =
        ctl_store_prep(store, "SELECT posting_id, opens, submits FROM funnel", error);
    if (st == NULL)
        return NULL;
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(CtlFunnelRow));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        CtlFunnelRow r = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                          sqlite3_column_int64(st, 2)};
        g_array_append_val(rows, r);
    }
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), "reading the funnel");
        g_array_unref(rows);
        rows = NULL;
    }
    sqlite3_finalize(st);
    return rows;
}

gboolean ctl_store_funnel_add(CtlStore *store, GArray *deltas, GError **error)
{
    g_return_val_if_fail(store != NULL && deltas != NULL, FALSE);
    if (deltas->len == 0)
        return TRUE;
    sqlite3 *db = ctl_store_db(store);
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "INSERT INTO funnel (posting_id, opens, submits) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (posting_id) DO UPDATE SET opens = opens + ?2, submits = submits + ?3",
        error);
    if (st == NULL)
        return FALSE;
    gboolean ok = ctl_sql_exec(db, "BEGIN IMMEDIATE", "saving the funnel", error);
    for (guint i = 0; ok && i < deltas->len; i++) {
        const CtlFunnelRow *r = &g_array_index(deltas, CtlFunnelRow, i);
        sqlite3_bind_int64(st, 1, r->posting_id);
        sqlite3_bind_int64(st, 2, r->opens);
        sqlite3_bind_int64(st, 3, r->submits);
        if (sqlite3_step(st) != SQLITE_DONE) {
            ctl_sql_error(error, db, "saving the funnel");
            ok = FALSE;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (ok)
        return ctl_sql_exec(db, "COMMIT", "saving the funnel", error);
    ctl_sql_exec(db, "ROLLBACK", "saving the funnel", NULL);
    return FALSE;
}

gboolean ctl_store_signups_per_minute(CtlStore *store, guint minutes, gint64 *counts,
                                      gint64 *now_minute, GError **error)
{
    g_return_val_if_fail(store != NULL && counts != NULL && minutes > 0, FALSE);
    /* created_at is UTC ISO 8601 (CTL_NOW_SQL), which sorts as text and which unixepoch()
     * reads; the range scan keeps this cheap however many sign-ups there are. */
    gint64 now = g_get_real_time() / (60 * G_USEC_PER_SEC);
    gint64 first = now - (gint64)minutes + 1;
    g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc(first * 60);
    g_autofree char *since = g_date_time_format(from, "%Y-%m-%dT%H:%M:%S.000Z");
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "SELECT CAST(strftime('%s', created_at) AS INTEGER) / 60 AS m, count(*) FROM signups "
        "WHERE created_at >= ?1 GROUP BY m",
        error);
    if (st == NULL)
        return FALSE;
    ctl_sql_bind_text(st, 1, since);
    memset(counts, 0, sizeof *counts * minutes);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 m = sqlite3_column_int64(st, 0);
        if (m >= first && m <= now)
            counts[m - first] = sqlite3_column_int64(st, 1);
    }
    gboolean ok = rc == SQLITE_DONE;
    if (!ok)
        ctl_sql_error(error, ctl_store_db(store), "counting sign-ups per minute");
    sqlite3_finalize(st);
    if (now_minute != NULL)
        *now_minute = now;
    return ok;
}
