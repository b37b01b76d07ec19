/* ctl_store_asaired: the as-aired log: appending an entry (what went on air or off it, when, by
 * whom, the posting's fields as shown) and reading entries back by show, time and posting.
 *
 * Main thread only, on the store's main connection. The log is append-only: the schema refuses
 * updates and deletes (triggers of schema step 2), and nothing here tries either. */
#include "ctl_store.h"
#include "ctl_store_db.h"
#include "jc_error.h"

gboolean ctl_store_asaired_append(CtlStore *store, const CtlAsAiredEntry *e, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "INSERT INTO as_aired (show_id, posting_id, posting_version, fields, actor, event, detail)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, e->show_id);
    sqlite3_bind_int64(st, 2, e->posting_id);
    sqlite3_bind_int64(st, 3, e->posting_version);
    ctl_sql_bind_text(st, 4, e->fields_json != NULL ? e->fields_json : "{}");
    ctl_sql_bind_text(st, 5, e->actor != NULL ? e->actor : "");
    ctl_sql_bind_text(st, 6, e->event);
    ctl_sql_bind_text(st, 7, e->detail != NULL ? e->detail : "");
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return TRUE;
    ctl_sql_error(error, ctl_store_db(store), "appending to the as-aired log");
    return FALSE;
}

gboolean ctl_store_log_take(CtlStore *store, gint64 show_id, const CtlPosting *p,
                            const char *fields_json, const char *actor, GError **error)
{
    CtlAsAiredEntry e = {
        .event = "take",
        .show_id = show_id,
        .posting_id = p->id,
        .posting_version = p->version,
        .fields_json = fields_json,
        .actor = actor,
    };
    return ctl_store_asaired_append(store, &e, error);
}

void ctl_asaired_row_free(CtlAsAiredRow *r)
{
    if (r == NULL)
        return;
    g_free(r->aired_at);
    g_free(r->event);
    g_free(r->title);
    g_free(r->company);
    g_free(r->pay_text);
    g_free(r->actor);
    g_free(r->detail);
    g_free(r);
}

static gpointer row_from(sqlite3_stmt *st)
{
    CtlAsAiredRow *r = g_new0(CtlAsAiredRow, 1);
    r->id = sqlite3_column_int64(st, 0);
    r->aired_at = ctl_sql_column_dup(st, 1);
    r->event = ctl_sql_column_dup(st, 2);
    r->show_id = sqlite3_column_int64(st, 3);
    r->posting_id = sqlite3_column_int64(st, 4);
    r->posting_version = sqlite3_column_int64(st, 5);
    r->title = ctl_sql_column_dup(st, 6);
    r->company = ctl_sql_column_dup(st, 7);
    r->pay_text = ctl_sql_column_dup(st, 8);
    r->actor = ctl_sql_column_dup(st, 9);
    r->detail = ctl_sql_column_dup(st, 10);
    return r;
}

GPtrArray *ctl_store_asaired_list(CtlStore *store, const CtlAsAiredQuery *q, GError **error)
{
    /* The title, employer and pay are the ones shown (the fields saved with the entry), not
     * the posting as it reads today. */
    g_autofree char *sql = g_strdup_printf(
        "SELECT id, aired_at, event, show_id, posting_id, posting_version, "
        "coalesce(json_extract(fields, '$.title'), ''), "
        "coalesce(json_extract(fields, '$.company'), ''), "
        "coalesce(json_extract(fields, '$.pay_text'), ''), actor, detail FROM as_aired "
        "WHERE (?1 < 0 OR show_id = ?1) AND (?2 = 0 OR posting_id = ?2) "
        "AND (?3 IS NULL OR aired_at >= ?3) AND (?4 IS NULL OR aired_at < ?4) "
        "AND (?5 = 0 OR id < ?5) ORDER BY id %s LIMIT ?6",
        q->oldest_first ? "ASC" : "DESC");
    sqlite3_stmt *st = ctl_store_prep(store, sql, error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, q->show_id);
    sqlite3_bind_int64(st, 2, q->posting_id);
    ctl_sql_bind_text(st, 3, q->from);
    ctl_sql_bind_text(st, 4, q->to);
    sqlite3_bind_int64(st, 5, q->before_id);
    sqlite3_bind_int64(st, 6, q->limit > 0 ? (gint64)q->limit : -1);
    return ctl_sql_collect(ctl_store_db(store), st, row_from, (GDestroyNotify)ctl_asaired_row_free,
                           "reading the as-aired log", error);
}
