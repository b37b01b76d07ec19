/* ctl_store_privacy: deleting sign-ups for the people they belong to: a viewer withdrawing their
 * own sign-up (by the hash of the token they were given) and the retention purge, and scrubbing
 * what SQLite keeps of deleted rows.
 *
 * Main thread only, on the store's main connection. Every connection runs with
 * secure_delete=ON (ctl_store_sql.c), so a deleted row's bytes are overwritten in the pages;
 * ctl_store_scrub_wal then moves the pages into the database file and empties the WAL, which
 * otherwise keeps older copies of them until its frames are reused. Not responsible for who may
 * delete (the HTTP and RPC layers decide) or for logging (the callers log counts). */
#include "ctl_store_db.h"

#include "ctl_store_outbox.h"
#include "jc_error.h"

gboolean ctl_store_withdraw(CtlStore *store, const char *withdraw_hash, gint64 *signup_id,
                            gint64 *posting_id, GError **error)
{
    *signup_id = 0;
    *posting_id = 0;
    sqlite3_stmt *st = ctl_store_prep(
        store, "DELETE FROM signups WHERE withdraw_hash = ?1 RETURNING id, posting_id", error);
    if (st == NULL)
        return FALSE;
    ctl_sql_bind_text(st, 1, withdraw_hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *signup_id = sqlite3_column_int64(st, 0);
        *posting_id = sqlite3_column_int64(st, 1);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), "withdrawing a sign-up");
        *signup_id = 0;
        *posting_id = 0;
        return FALSE;
    }
    return TRUE;
}

/* The purge's DELETE: the number of rows, -1 with error. */
static gint64 purge_rows(CtlStore *store, guint days, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store, "DELETE FROM signups WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?1)",
        error);
    if (st == NULL)
        return -1;
    g_autofree char *modifier = g_strdup_printf("-%u days", days);
    ctl_sql_bind_text(st, 1, modifier);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), "purging old sign-ups");
        return -1;
    }
    return sqlite3_changes(ctl_store_db(store));
}

/* One transaction, marked as a purge for the province outbox (its deletes travel as
 * signup.purged, not as withdrawals). */
gint64 ctl_store_purge_signups(CtlStore *store, guint days, GError **error)
{
    sqlite3 *db = ctl_store_db(store);
    if (!ctl_sql_exec(db, "SAVEPOINT purge_signups", "starting a purge", error))
        return -1;
    gint64 n = -1;
    if (ctl_outbox_purging(db, TRUE, error)) {
        n = purge_rows(store, days, error);
        if (n >= 0 && !ctl_outbox_purging(db, FALSE, error))
            n = -1;
    }
    if (n < 0)
        sqlite3_exec(db, "ROLLBACK TO purge_signups", NULL, NULL, NULL);
    sqlite3_exec(db, "RELEASE purge_signups", NULL, NULL, NULL);
    return n;
}

gboolean ctl_store_scrub_wal(CtlStore *store)
{
    sqlite3 *db = ctl_store_db(store);
    /* Never wait on the main thread: while the writer commits, the next scrub will do. */
    sqlite3_busy_timeout(db, 0);
    int rc = sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_busy_timeout(db, CTL_SQL_BUSY_TIMEOUT_MS);
    return rc == SQLITE_OK;
}

gint64 ctl_store_count_signups_all(CtlStore *store, GError **error)
{
    gint64 n = -1;
    if (!ctl_sql_query_int64(ctl_store_db(store), "SELECT count(*) FROM signups", &n,
                             "counting sign-ups", error))
        return -1;
    return n;
}
