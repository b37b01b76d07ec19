/* ctl_store_desk: the back office's tables (see ctl_store_desk.h).
 *
 * Main thread only, on the store's main connection. Each change is one statement; the schema's
 * triggers keep a sign-up's current status and delete its history with it. */
#include "ctl_store_desk.h"

#include <string.h>

#include "ctl_store_db.h"
#include "jc_error.h"

static const char *const statuses[] = {"received", "contacted", "interviewed", "hired",
                                       "not_suitable"};

gboolean ctl_signup_status_valid(const char *status)
{
    for (gsize i = 0; status != NULL && i < G_N_ELEMENTS(statuses); i++) {
        if (strcmp(status, statuses[i]) == 0)
            return TRUE;
    }
    return FALSE;
}

static gboolean not_found(GError **error, const char *what, gint64 id)
{
    g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no %s %" G_GINT64_FORMAT, what, id);
    return FALSE;
}

gboolean ctl_store_set_signup_status(CtlStore *store, gint64 signup_id, gint64 employer_id,
                                     const char *status, const char *note, const char *actor,
                                     gint64 *posting_id, GError **error)
{
    *posting_id = 0;
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "INSERT INTO signup_status (signup_id, posting_id, status, note, actor)"
                       " SELECT s.id, s.posting_id, ?2, ?3, ?4 FROM signups s JOIN postings p"
                       " ON p.id = s.posting_id WHERE s.id = ?1 AND (?5 = 0 OR p.employer_id = ?5)"
                       " RETURNING posting_id",
                       error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, signup_id);
    ctl_sql_bind_text(st, 2, status);
    ctl_sql_bind_text(st, 3, note);
    ctl_sql_bind_text(st, 4, actor);
    sqlite3_bind_int64(st, 5, employer_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *posting_id = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        *posting_id = 0;
        ctl_sql_error(error, ctl_store_db(store), "setting a sign-up's status");
        if (rc == SQLITE_CONSTRAINT_CHECK && error != NULL && *error != NULL)
            (*error)->code = JC_ERROR_INVALID;
        return FALSE;
    }
    if (*posting_id == 0)
        return not_found(error, "sign-up", signup_id);
    return TRUE;
}

void ctl_status_row_free(CtlStatusRow *row)
{
    if (row == NULL)
        return;
    g_free(row->status);
    g_free(row->note);
    g_free(row->actor);
    g_free(row->set_at);
    g_free(row);
}

static gpointer status_from(sqlite3_stmt *st)
{
    CtlStatusRow *r = g_new0(CtlStatusRow, 1);
    r->id = sqlite3_column_int64(st, 0);
    r->status = ctl_sql_column_dup(st, 1);
    r->note = ctl_sql_column_dup(st, 2);
    r->actor = ctl_sql_column_dup(st, 3);
    r->set_at = ctl_sql_column_dup(st, 4);
    return r;
}

GPtrArray *ctl_store_signup_history(CtlStore *store, gint64 signup_id, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store,
                                      "SELECT id, status, note, actor, set_at FROM signup_status"
                                      " WHERE signup_id = ?1 ORDER BY id",
                                      error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, signup_id);
    return ctl_sql_collect(ctl_store_db(store), st, status_from,
                           (GDestroyNotify)ctl_status_row_free,
                           "reading a sign-up's status history", error);
}

/* A row of the desk's query (the columns of ctl_store_list_signups). (transfer full) */
static gpointer signup_from(sqlite3_stmt *st)
{
    CtlSignupRow *r = g_new0(CtlSignupRow, 1);
    r->id = sqlite3_column_int64(st, 0);
    r->posting_id = sqlite3_column_int64(st, 1);
    r->show_id = sqlite3_column_int64(st, 2);
    r->name = ctl_sql_column_dup(st, 3);
    r->phone = ctl_sql_column_dup(st, 4);
    r->created_at = ctl_sql_column_dup(st, 5);
    r->consent_at = sqlite3_column_type(st, 6) == SQLITE_NULL ? NULL : ctl_sql_column_dup(st, 6);
    r->title = ctl_sql_column_dup(st, 7);
    r->company = ctl_sql_column_dup(st, 8);
    r->status = ctl_sql_column_dup(st, 9);
    r->note = ctl_sql_column_dup(st, 10);
    return r;
}

GPtrArray *ctl_store_desk_signups(CtlStore *store, gint64 employer_id, gint64 posting_id,
                                  const char *status, guint limit, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "SELECT s.id, s.posting_id, s.show_id, s.name, s.phone, s.created_at, s.consent_at,"
        " p.title, p.company, s.status, " CTL_SIGNUP_NOTE_SQL
        " FROM signups s JOIN postings p ON p.id = s.posting_id"
        " WHERE p.employer_id = ?1 AND (?2 = 0 OR s.posting_id = ?2)"
        " AND (?3 IS NULL OR s.status = ?3) ORDER BY s.id DESC LIMIT ?4",
        error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, employer_id);
    sqlite3_bind_int64(st, 2, posting_id);
    ctl_sql_bind_text(st, 3, status);
    sqlite3_bind_int64(st, 4, limit > 0 ? (gint64)limit : -1);
    return ctl_sql_collect(ctl_store_db(store), st, signup_from,
                           (GDestroyNotify)ctl_signup_row_free, "listing an employer's sign-ups",
                           error);
}

void ctl_viewer_status_clear(CtlViewerStatus *v)
{
    g_clear_pointer(&v->status, g_free);
    g_clear_pointer(&v->title, g_free);
    g_clear_pointer(&v->employer, g_free);
    g_clear_pointer(&v->contact_person, g_free);
    g_clear_pointer(&v->contact_phone, g_free);
}

gboolean ctl_store_viewer_status(CtlStore *store, const char *withdraw_hash, CtlViewerStatus *out,
                                 GError **error)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "SELECT s.status, p.title, coalesce(e.name, p.company), coalesce(e.contact_person, ''),"
        " coalesce(e.contact_phone, '') FROM signups s JOIN postings p ON p.id = s.posting_id"
        " LEFT JOIN employers e ON e.id = p.employer_id WHERE s.withdraw_hash = ?1",
        error);
    if (st == NULL)
        return FALSE;
    ctl_sql_bind_text(st, 1, withdraw_hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->status = ctl_sql_column_dup(st, 0);
        out->title = ctl_sql_column_dup(st, 1);
        out->employer = ctl_sql_column_dup(st, 2);
        out->contact_person = ctl_sql_column_dup(st, 3);
        out->contact_phone = ctl_sql_column_dup(st, 4);
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ctl_viewer_status_clear(out);
        ctl_sql_error(error, ctl_store_db(store), "reading a viewer's status");
        return FALSE;
    }
    return TRUE;
}

gboolean ctl_store_posting_hires(CtlStore *store, gint64 posting_id, gint64 *hires,
                                 gboolean *closed, gboolean *show_hires, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "SELECT (SELECT count(*) FROM signups WHERE posting_id = ?1 AND status = 'hired'),"
        " closed_at IS NOT NULL, show_hires FROM postings WHERE id = ?1",
        error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, posting_id);
    int rc = sqlite3_step(st);
    gboolean row = rc == SQLITE_ROW;
    if (row) {
        *hires = sqlite3_column_int64(st, 0);
        *closed = sqlite3_column_int(st, 1) != 0;
        *show_hires = sqlite3_column_int(st, 2) != 0;
        rc = SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), "counting a posting's hires");
        return FALSE;
    }
    return row ? TRUE : not_found(error, "posting", posting_id);
}

/* Runs a one-row update st (finalized here); none changed is JC_ERROR_NOT_FOUND of what id. */
static gboolean update_one(CtlStore *store, sqlite3_stmt *st, const char *what, gint64 id,
                           GError **error)
{
    int changed = 0;
    if (!ctl_sql_write(ctl_store_db(store), st, what, NULL, &changed, error))
        return FALSE;
    return changed > 0 ? TRUE : not_found(error, what, id);
}

gboolean ctl_store_close_posting(CtlStore *store, gint64 employer_id, gint64 posting_id,
                                 GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "UPDATE postings SET closed_at = coalesce(closed_at, " CTL_NOW_SQL ")"
                       " WHERE id = ?1 AND employer_id = ?2",
                       error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, posting_id);
    sqlite3_bind_int64(st, 2, employer_id);
    return update_one(store, st, "posting", posting_id, error);
}

gboolean ctl_store_set_show_hires(CtlStore *store, gint64 posting_id, gboolean on, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store, "UPDATE postings SET show_hires = ?2 WHERE id = ?1", error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, posting_id);
    sqlite3_bind_int(st, 2, on ? 1 : 0);
    return update_one(store, st, "posting", posting_id, error);
}

GArray *ctl_store_status_funnel(CtlStore *store, gint64 show_id, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "SELECT s.posting_id, count(*),"
        " sum(s.status IN ('contacted', 'interviewed', 'hired') OR EXISTS (SELECT 1 FROM"
        "   signup_status h WHERE h.signup_id = s.id AND h.status IN ('contacted',"
        "   'interviewed', 'hired'))),"
        " sum(s.status IN ('interviewed', 'hired') OR EXISTS (SELECT 1 FROM signup_status h"
        "   WHERE h.signup_id = s.id AND h.status IN ('interviewed', 'hired'))),"
        " sum(s.status = 'hired')"
        " FROM signups s WHERE ?1 < 0 OR s.show_id = ?1 GROUP BY s.posting_id"
        " ORDER BY s.posting_id",
        error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, show_id);
    GArray *rows = g_array_new(FALSE, TRUE, sizeof(CtlStatusFunnelRow));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        CtlStatusFunnelRow r = {
            .posting_id = sqlite3_column_int64(st, 0),
            .signups = sqlite3_column_int64(st, 1),
            .contacted = sqlite3_column_int64(st, 2),
            .interviewed = sqlite3_column_int64(st, 3),
            .hired = sqlite3_column_int64(st, 4),
        };
        g_array_append_val(rows, r);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), "counting the funnel's statuses");
        g_clear_pointer(&rows, g_array_unref);
    }
    return rows;
}

/* ---- links ---- */

#define LINK_COLUMNS                                                                               \
    "SELECT id, employer_id, created_at, expires_at, revoked_at, last_used_at, uses,"              \
    " revoked_at IS NULL AND expires_at > " CTL_NOW_SQL " FROM employer_links "

void ctl_link_row_free(CtlLinkRow *row)
{
    if (row == NULL)
        return;
    g_free(row->created_at);
    g_free(row->expires_at);
    g_free(row->revoked_at);
    g_free(row->last_used_at);
    g_free(row);
}

static char *dup_or_null(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : ctl_sql_column_dup(st, col);
}

static gpointer link_from(sqlite3_stmt *st)
{
    CtlLinkRow *r = g_new0(CtlLinkRow, 1);
    r->id = sqlite3_column_int64(st, 0);
    r->employer_id = sqlite3_column_int64(st, 1);
    r->created_at = ctl_sql_column_dup(st, 2);
    r->expires_at = ctl_sql_column_dup(st, 3);
    r->revoked_at = dup_or_null(st, 4);
    r->last_used_at = dup_or_null(st, 5);
    r->uses = sqlite3_column_int64(st, 6);
    r->active = sqlite3_column_int(st, 7) != 0;
    return r;
}

static char *days_modifier(guint days)
{
    return g_strdup_printf("+%u days", days);
}

gint64 ctl_store_add_link(CtlStore *store, gint64 employer_id, const char *token_hash, guint days,
                          GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "INSERT INTO employer_links (employer_id, token_hash, expires_at)"
        " SELECT id, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?3) FROM employers WHERE id = ?1",
        error);
    if (st == NULL)
        return 0;
    g_autofree char *modifier = days_modifier(days);
    sqlite3_bind_int64(st, 1, employer_id);
    ctl_sql_bind_text(st, 2, token_hash);
    ctl_sql_bind_text(st, 3, modifier);
    int changed = 0;
    if (!ctl_sql_write(ctl_store_db(store), st, "employer link", NULL, &changed, error))
        return 0;
    if (changed == 0) {
        not_found(error, "employer", employer_id);
        return 0;
    }
    return sqlite3_last_insert_rowid(ctl_store_db(store));
}

GPtrArray *ctl_store_list_links(CtlStore *store, gint64 employer_id, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store, LINK_COLUMNS "WHERE ?1 = 0 OR employer_id = ?1 ORDER BY id DESC", error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, employer_id);
    return ctl_sql_collect(ctl_store_db(store), st, link_from, (GDestroyNotify)ctl_link_row_free,
                           "listing employer links", error);
}

CtlLinkRow *ctl_store_get_link(CtlStore *store, gint64 link_id, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, LINK_COLUMNS "WHERE id = ?1", error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, link_id);
    g_autoptr(GPtrArray) rows =
        ctl_sql_collect(ctl_store_db(store), st, link_from, (GDestroyNotify)ctl_link_row_free,
                        "reading an employer link", error);
    if (rows == NULL)
        return NULL;
    if (rows->len == 0) {
        not_found(error, "link", link_id);
        return NULL;
    }
    return g_ptr_array_steal_index(rows, 0);
}

gboolean ctl_store_revoke_link(CtlStore *store, gint64 link_id, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "UPDATE employer_links SET revoked_at = coalesce(revoked_at, " CTL_NOW_SQL
                       ") WHERE id = ?1",
                       error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, link_id);
    return update_one(store, st, "link", link_id, error);
}

gboolean ctl_store_renew_link(CtlStore *store, gint64 link_id, guint days, GError **error)
{
    g_autoptr(CtlLinkRow) row = ctl_store_get_link(store, link_id, error);
    if (row == NULL)
        return FALSE;
    if (row->revoked_at != NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT,
                    "link %" G_GINT64_FORMAT " is revoked: make a new one", link_id);
        return FALSE;
    }
    sqlite3_stmt *st = ctl_store_prep(store,
                                      "UPDATE employer_links SET expires_at ="
                                      " strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?2)"
                                      " WHERE id = ?1 AND revoked_at IS NULL",
                                      error);
    if (st == NULL)
        return FALSE;
    g_autofree char *modifier = days_modifier(days);
    sqlite3_bind_int64(st, 1, link_id);
    ctl_sql_bind_text(st, 2, modifier);
    return update_one(store, st, "link", link_id, error);
}

gboolean ctl_store_use_link(CtlStore *store, const char *token_hash, gint64 *link_id,
                            gint64 *employer_id, GError **error)
{
    *link_id = 0;
    *employer_id = 0;
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "UPDATE employer_links SET uses = uses + 1, last_used_at = " CTL_NOW_SQL
                       " WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > " CTL_NOW_SQL
                       " RETURNING id, employer_id",
                       error);
    if (st == NULL)
        return FALSE;
    ctl_sql_bind_text(st, 1, token_hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *link_id = sqlite3_column_int64(st, 0);
        *employer_id = sqlite3_column_int64(st, 1);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        *link_id = 0;
        *employer_id = 0;
        ctl_sql_error(error, ctl_store_db(store), "checking an employer link");
        return FALSE;
    }
    return TRUE;
}
