/* ctl_store_sources: the funnel by source, stored (see ctl_store_sources.h). Main thread only,
 * on the store's main connection. */
#include "ctl_store_sources.h"

#include <string.h>

#include "ctl_store_db.h"

static const char *const names[CTL_SOURCE_N] = {"stream", "poster", "code"};

CtlSource ctl_source_parse(const char *tag)
{
    for (int i = 0; tag != NULL && i < CTL_SOURCE_N; i++) {
        if (strcmp(tag, names[i]) == 0)
            return (CtlSource)i;
    }
    return CTL_SOURCE_STREAM;
}

const char *ctl_source_name(CtlSource src)
{
    return (guint)src < CTL_SOURCE_N ? names[src] : names[CTL_SOURCE_STREAM];
}

GArray *ctl_store_sources_load(CtlStore *store, GError **error)
{
    g_return_val_if_fail(store != NULL, NULL);
    sqlite3_stmt *st = ctl_store_prep(
        store, "SELECT posting_id, source, opens, signups FROM funnel_sources", error);
    if (st == NULL)
        return NULL;
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(CtlSourceRow));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        CtlSourceRow r = {sqlite3_column_int64(st, 0),
                          ctl_source_parse((const char *)sqlite3_column_text(st, 1)),
                          sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
        g_array_append_val(rows, r);
    }
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), "reading the funnel by source");
        g_clear_pointer(&rows, g_array_unref);
    }
    sqlite3_finalize(st);
    return rows;
}

gboolean ctl_store_sources_add(CtlStore *store, GArray *deltas, GError **error)
{
    g_return_val_if_fail(store != NULL && deltas != NULL, FALSE);
    if (deltas->len == 0)
        return TRUE;
    sqlite3 *db = ctl_store_db(store);
    sqlite3_stmt *st = ctl_store_prep(store,
                                      "INSERT INTO funnel_sources (posting_id, source, opens, "
                                      "signups) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (posting_id, "
                                      "source) DO UPDATE SET opens = opens + ?3, "
                                      "signups = signups + ?4",
                                      error);
    if (st == NULL)
        return FALSE;
    gboolean ok = ctl_sql_exec(db, "BEGIN IMMEDIATE", "saving the funnel by source", error);
    for (guint i = 0; ok && i < deltas->len; i++) {
        const CtlSourceRow *r = &g_array_index(deltas, CtlSourceRow, i);
        sqlite3_bind_int64(st, 1, r->posting_id);
        ctl_sql_bind_text(st, 2, ctl_source_name(r->source));
        sqlite3_bind_int64(st, 3, r->opens);
        sqlite3_bind_int64(st, 4, r->signups);
        if (sqlite3_step(st) != SQLITE_DONE) {
            ctl_sql_error(error, db, "saving the funnel by source");
            ok = FALSE;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (ok)
        return ctl_sql_exec(db, "COMMIT", "saving the funnel by source", error);
    ctl_sql_exec(db, "ROLLBACK", "saving the funnel by source", NULL);
    return FALSE;
}
