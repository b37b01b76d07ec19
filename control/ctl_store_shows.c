/* ctl_store_shows: shows (live sessions) and their rundowns, the exports log, and reading
 * sign-ups back (lists, counts, exports). The as-aired log is ctl_store_asaired.c's.
 *
 * Main thread only, on the store's main connection; every query is short and indexed (a
 * rundown is a few dozen rows, sign-up pages are capped by the caller). Sign-ups are written
 * only by the writer thread (ctl_store.c); the reads here see what it has committed. */
#include "ctl_store.h"
#include "ctl_store_db.h"
#include "ctl_store_outbox.h"
#include "jc_error.h"

/* Steps a statement that returns no rows; FALSE with error otherwise. Finalizes it. */
static gboolean run(CtlStore *store, sqlite3_stmt *st, const char *what, GError **error)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return TRUE;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: %s", what,
                    sqlite3_errmsg(ctl_store_db(store)));
    else
        ctl_sql_error(error, ctl_store_db(store), what);
    return FALSE;
}

static char *column_or_null(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t != NULL ? g_strdup((const char *)t) : NULL;
}

void ctl_show_free(CtlShow *show)
{
    if (show == NULL)
        return;
    g_free(show->title);
    g_free(show->created_at);
    g_free(show->started_at);
    g_free(show->ended_at);
    g_free(show);
}

#define SHOW_COLUMNS "SELECT id, title, created_at, started_at, ended_at FROM shows "

static CtlShow *show_from_row(sqlite3_stmt *st)
{
    CtlShow *s = g_new0(CtlShow, 1);
    s->id = sqlite3_column_int64(st, 0);
    s->title = ctl_sql_column_dup(st, 1);
    s->created_at = ctl_sql_column_dup(st, 2);
    s->started_at = column_or_null(st, 3);
    s->ended_at = column_or_null(st, 4);
    return s;
}

gint64 ctl_store_create_show(CtlStore *store, const char *title, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, "INSERT INTO shows (title) VALUES (?1)", error);
    if (st == NULL)
        return 0;
    ctl_sql_bind_text(st, 1, title);
    if (!run(store, st, "creating a show", error))
        return 0;
    return sqlite3_last_insert_rowid(ctl_store_db(store));
}

CtlShow *ctl_store_get_show(CtlStore *store, gint64 id, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, SHOW_COLUMNS "WHERE id = ?1", error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    CtlShow *show = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        show = show_from_row(st);
    else if (rc == SQLITE_DONE)
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no show with id %" G_GINT64_FORMAT, id);
    else
        ctl_sql_error(error, ctl_store_db(store), "reading a show");
    sqlite3_finalize(st);
    return show;
}

GPtrArray *ctl_store_list_shows(CtlStore *store, guint limit, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, SHOW_COLUMNS "ORDER BY id DESC LIMIT ?1", error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, limit > 0 ? (gint64)limit : -1);
    return ctl_sql_collect(ctl_store_db(store), st, (gpointer(*)(sqlite3_stmt *))show_from_row,
                           (GDestroyNotify)ctl_show_free, "listing shows", error);
}

/* Runs sql, an UPDATE of show ?1. */
static gboolean update_show(CtlStore *store, gint64 id, const char *sql, const char *what,
                            GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, sql, error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, id);
    return run(store, st, what, error);
}

gboolean ctl_store_start_show(CtlStore *store, gint64 id, GError **error)
{
    g_autoptr(CtlShow) show = ctl_store_get_show(store, id, error);
    if (show == NULL)
        return FALSE;
    if (show->ended_at != NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT,
                    "show %" G_GINT64_FORMAT " has already ended; create a new one", id);
        return FALSE;
    }
    if (show->started_at != NULL)
        return TRUE;
    return update_show(store, id, "UPDATE shows SET started_at = " CTL_NOW_SQL " WHERE id = ?1",
                       "starting a show", error);
}

gboolean ctl_store_stop_show(CtlStore *store, gint64 id, GError **error)
{
    g_autoptr(CtlShow) show = ctl_store_get_show(store, id, error);
    if (show == NULL)
        return FALSE;
    if (show->ended_at != NULL)
        return TRUE;
    return update_show(store, id,
                       "UPDATE shows SET ended_at = " CTL_NOW_SQL
                       ", started_at = coalesce(started_at, " CTL_NOW_SQL ") WHERE id = ?1",
                       "stopping a show", error);
}

/* The first n_cols columns of every row of st, as int64s one row after another; finalizes
 * st. (transfer full) NULL with error on failure. */
static GArray *collect_int64s(CtlStore *store, sqlite3_stmt *st, int n_cols, const char *what,
                              GError **error)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(gint64));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < n_cols; i++) {
            gint64 v = sqlite3_column_int64(st, i);
            g_array_append_val(out, v);
        }
    }
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), what);
        g_clear_pointer(&out, g_array_unref);
    }
    sqlite3_finalize(st);
    return out;
}

GArray *ctl_store_get_rundown(CtlStore *store, gint64 show_id, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store, "SELECT posting_id FROM rundown WHERE show_id = ?1 ORDER BY position", error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, show_id);
    return collect_int64s(store, st, 1, "reading a rundown", error);
}

gboolean ctl_store_set_rundown(CtlStore *store, gint64 show_id, const gint64 *posting_ids, guint n,
                               GError **error)
{
    sqlite3 *db = ctl_store_db(store);
    for (guint i = 0; i < n; i++) {
        for (guint j = 0; j < i; j++) {
            if (posting_ids[i] == posting_ids[j]) {
                g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                            "posting_ids: posting %" G_GINT64_FORMAT " is listed twice",
                            posting_ids[i]);
                return FALSE;
            }
        }
    }
    if (!ctl_sql_exec(db, "SAVEPOINT rundown", "starting a rundown change", error))
        return FALSE;
    sqlite3_stmt *del = ctl_store_prep(store, "DELETE FROM rundown WHERE show_id = ?1", error);
    gboolean ok = del != NULL;
    if (ok) {
        sqlite3_bind_int64(del, 1, show_id);
        ok = run(store, del, "clearing a rundown", error);
    }
    sqlite3_stmt *ins =
        ok ? ctl_store_prep(
                 store, "INSERT INTO rundown (show_id, position, posting_id) VALUES (?1, ?2, ?3)",
                 error)
           : NULL;
    ok = ok && ins != NULL;
    for (guint i = 0; ok && i < n; i++) {
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, show_id);
        sqlite3_bind_int64(ins, 2, i);
        sqlite3_bind_int64(ins, 3, posting_ids[i]);
        int rc = sqlite3_step(ins);
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
            g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND,
                        "no show %" G_GINT64_FORMAT " or no posting %" G_GINT64_FORMAT, show_id,
                        posting_ids[i]);
            ok = FALSE;
        } else if (rc != SQLITE_DONE) {
            ctl_sql_error(error, db, "writing a rundown");
            ok = FALSE;
        }
    }
    sqlite3_finalize(ins);
    if (!ok)
        sqlite3_exec(db, "ROLLBACK TO rundown", NULL, NULL, NULL);
    sqlite3_exec(db, "RELEASE rundown", NULL, NULL, NULL);
    return ok;
}

static gint64 count_query(CtlStore *store, const char *sql, GError **error)
{
    gint64 n = -1;
    if (!ctl_sql_query_int64(ctl_store_db(store), sql, &n, "counting", error))
        return -1;
    return n;
}

gint64 ctl_store_count_as_aired(CtlStore *store, GError **error)
{
    return count_query(store, "SELECT count(*) FROM as_aired", error);
}

gboolean ctl_store_log_export(CtlStore *store, const char *actor, const char *employer,
                              gint64 show_id, gint64 rows, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store,
                                      "INSERT INTO exports (actor, employer, show_id, row_count) "
                                      "VALUES (?1, ?2, ?3, ?4)",
                                      error);
    if (st == NULL)
        return FALSE;
    ctl_sql_bind_text(st, 1, actor != NULL ? actor : "");
    ctl_sql_bind_text(st, 2, employer);
    sqlite3_bind_int64(st, 3, show_id);
    sqlite3_bind_int64(st, 4, rows);
    return run(store, st, "logging an export", error);
}

void ctl_signup_row_free(CtlSignupRow *row)
{
    if (row == NULL)
        return;
    g_free(row->name);
    g_free(row->phone);
    g_free(row->created_at);
    g_free(row->consent_at);
    g_free(row->title);
    g_free(row->company);
    g_free(row->status);
    g_free(row->note);
    g_free(row);
}

/* A row of the sign-up listing query. (transfer full) */
static gpointer signup_from_row(sqlite3_stmt *st)
{
    CtlSignupRow *r = g_new0(CtlSignupRow, 1);
    r->id = sqlite3_column_int64(st, 0);
    r->posting_id = sqlite3_column_int64(st, 1);
    r->show_id = sqlite3_column_int64(st, 2);
    r->name = ctl_sql_column_dup(st, 3);
    r->phone = ctl_sql_column_dup(st, 4);
    r->created_at = ctl_sql_column_dup(st, 5);
    r->consent_at = column_or_null(st, 6);
    r->title = ctl_sql_column_dup(st, 7);
    r->company = ctl_sql_column_dup(st, 8);
    r->status = ctl_sql_column_dup(st, 9);
    r->note = ctl_sql_column_dup(st, 10);
    return r;
}

GPtrArray *ctl_store_list_signups(CtlStore *store, gint64 posting_id, gint64 show_id,
                                  const char *company, gint64 before_id, guint limit,
                                  gboolean oldest_first, GError **error)
{
    g_autofree char *sql = g_strdup_printf(
        "SELECT s.id, s.posting_id, s.show_id, s.name, s.phone, s.created_at, s.consent_at, "
        "p.title, p.company, s.status, " CTL_SIGNUP_NOTE_SQL
        " FROM signups s JOIN postings p ON p.id = s.posting_id "
        "WHERE (?1 = 0 OR s.posting_id = ?1) AND (?2 < 0 OR s.show_id = ?2) "
        "AND (?3 IS NULL OR p.company = ?3) AND (?4 = 0 OR s.id < ?4) "
        "ORDER BY s.id %s LIMIT ?5",
        oldest_first ? "ASC" : "DESC");
    sqlite3_stmt *st = ctl_store_prep(store, sql, error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, posting_id);
    sqlite3_bind_int64(st, 2, show_id);
    ctl_sql_bind_text(st, 3, company);
    sqlite3_bind_int64(st, 4, before_id);
    sqlite3_bind_int64(st, 5, limit > 0 ? (gint64)limit : -1);
    return ctl_sql_collect(ctl_store_db(store), st, signup_from_row,
                           (GDestroyNotify)ctl_signup_row_free, "listing sign-ups", error);
}

GArray *ctl_store_count_signups_by_posting(CtlStore *store, gint64 show_id, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "SELECT posting_id, count(*) FROM signups WHERE ?1 < 0 OR show_id = ?1 "
                       "GROUP BY posting_id ORDER BY posting_id",
                       error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, show_id);
    return collect_int64s(store, st, 2, "counting sign-ups", error);
}

gint64 ctl_store_forget_phone(CtlStore *store, const char *phone, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, "DELETE FROM signups WHERE phone = ?1", error);
    if (st == NULL)
        return -1;
    ctl_sql_bind_text(st, 1, phone);
    if (!run(store, st, "deleting a person's sign-ups", error))
        return -1;
    return sqlite3_changes(ctl_store_db(store));
}

gint64 ctl_store_purge_older(CtlStore *store, guint days, gint64 *shows, GError **error)
{
    sqlite3 *db = ctl_store_db(store);
    g_autofree char *cutoff = g_strdup_printf("strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now', "
                                              "'-%u days')",
                                              days);
    g_autofree char *del_signups =
        g_strdup_printf("DELETE FROM signups WHERE created_at < %s", cutoff);
    g_autofree char *del_shows =
        g_strdup_printf("DELETE FROM shows WHERE ended_at IS NOT NULL AND ended_at < %s", cutoff);
    *shows = 0;
    if (!ctl_sql_exec(db, "SAVEPOINT purge", "starting a purge", error))
        return -1;
    gint64 n = -1;
    if (ctl_outbox_purging(db, TRUE, error) &&
        ctl_sql_exec(db, del_signups, "purging sign-ups", error)) {
        n = sqlite3_changes(db);
        if (ctl_sql_exec(db, del_shows, "purging shows", error))
            *shows = sqlite3_changes(db);
        else
            n = -1;
        if (n >= 0 && !ctl_outbox_purging(db, FALSE, error))
            n = -1;
    }
    if (n < 0)
        sqlite3_exec(db, "ROLLBACK TO purge", NULL, NULL, NULL);
    sqlite3_exec(db, "RELEASE purge", NULL, NULL, NULL);
    return n;
}
