/* ctl_store_codes: the code a viewer types for a posting (岗位码): choosing one and finding the
 * open posting that holds one.
 *
 * Main thread only, on the store's main connection. Invariants (the schema's, step 11): a code
 * is 4 ASCII digits and never "0000"; no two open postings hold the same one (a partial unique
 * index); an archived posting keeps its code in the row, so it may get it back when reopened,
 * but shows none, and the code may go to another posting meanwhile. New codes are drawn at
 * random among those no posting ever held, so a code printed on an old poster rarely leads to
 * another job; only when none is left does an archived posting's code come back. Not
 * responsible for writing the code (ctl_store_postings.c does, in the same statement as the
 * posting). */
#include "ctl_store_db.h"

#include <string.h>

#include "jc_error.h"

#define RANDOM_TRIES 24 /* per kind of code before the exhaustive scan */

enum { CODE_FREE, CODE_ARCHIVED_ONLY, CODE_OPEN };

/* Who holds code, other than posting exclude_id. CODE_OPEN on a store failure (error set). */
static int code_use(CtlStore *store, const char *code, gint64 exclude_id, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store,
                                      "SELECT coalesce(max(CASE WHEN archived = 0 THEN 2 ELSE 1 "
                                      "END), 0) FROM postings WHERE code = ?1 AND id <> ?2",
                                      error);
    if (st == NULL)
        return CODE_OPEN;
    ctl_sql_bind_text(st, 1, code);
    sqlite3_bind_int64(st, 2, exclude_id);
    int use = CODE_OPEN;
    if (sqlite3_step(st) == SQLITE_ROW)
        use = sqlite3_column_int(st, 0);
    else
        ctl_sql_error(error, ctl_store_db(store), "looking up a posting code");
    sqlite3_finalize(st);
    return use;
}

/* Every code in order (1000-9999 first, then 0001-0999), the first one no open posting but
 * exclude_id holds, preferring one no posting holds. FALSE with JC_ERROR_CONFLICT when none. */
static gboolean scan(CtlStore *store, gint64 exclude_id, char *out, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store,
        "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 9999), "
        "c(code, v) AS (SELECT printf('%04d', v), v FROM n) "
        "SELECT code FROM c WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.code = c.code "
        "AND p.archived = 0 AND p.id <> ?1) "
        "ORDER BY EXISTS (SELECT 1 FROM postings p WHERE p.code = c.code), v < 1000, v LIMIT 1",
        error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, exclude_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        g_strlcpy(out, (const char *)sqlite3_column_text(st, 0), CTL_POSTING_CODE_LEN + 1);
    else if (rc == SQLITE_DONE)
        g_set_error_literal(error, JC_ERROR, JC_ERROR_CONFLICT,
                            "every posting code (0001-9999) is held by an open posting: archive "
                            "postings that are no longer recruiting");
    else
        ctl_sql_error(error, ctl_store_db(store), "choosing a posting code");
    sqlite3_finalize(st);
    return rc == SQLITE_ROW;
}

/* Up to RANDOM_TRIES random codes of 1000-9999 whose use is at most most; TRUE with *out set
 * when one was, FALSE (error unset) when none, FALSE with error on a store failure. */
static gboolean draw(CtlStore *store, gint64 exclude_id, int most, char *out, GError **error)
{
    for (int i = 0; i < RANDOM_TRIES; i++) {
        g_snprintf(out, CTL_POSTING_CODE_LEN + 1, "%04d", (int)g_random_int_range(1000, 10000));
        int use = code_use(store, out, exclude_id, error);
        if (error != NULL && *error != NULL)
            return FALSE;
        if (use <= most)
            return TRUE;
    }
    return FALSE;
}

gboolean ctl_store_pick_code(CtlStore *store, gint64 exclude_id, const char *keep,
                             char out[CTL_POSTING_CODE_LEN + 1], GError **error)
{
    g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
    GError *local = NULL;
    if (keep != NULL && strlen(keep) == CTL_POSTING_CODE_LEN) {
        int use = code_use(store, keep, exclude_id, &local);
        if (local != NULL) {
            g_propagate_error(error, local);
            return FALSE;
        }
        if (use != CODE_OPEN) {
            g_strlcpy(out, keep, CTL_POSTING_CODE_LEN + 1);
            return TRUE;
        }
    }
    if (draw(store, exclude_id, CODE_FREE, out, &local) ||
        (local == NULL && draw(store, exclude_id, CODE_ARCHIVED_ONLY, out, &local)))
        return TRUE;
    if (local != NULL) {
        g_propagate_error(error, local);
        return FALSE;
    }
    return scan(store, exclude_id, out, error);
}

CtlPosting *ctl_store_posting_by_code(CtlStore *store, const char *code, GError **error)
{
    g_return_val_if_fail(store != NULL && code != NULL, NULL);
    sqlite3_stmt *st =
        ctl_store_prep(store, CTL_POSTING_COLUMNS "WHERE code = ?1 AND archived = 0", error);
    if (st == NULL)
        return NULL;
    ctl_sql_bind_text(st, 1, code);
    CtlPosting *p = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        p = ctl_store_posting_from_row(st);
    else if (rc == SQLITE_DONE)
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no open posting has code %s", code);
    else
        ctl_sql_error(error, ctl_store_db(store), "looking up a posting code");
    sqlite3_finalize(st);
    return p;
}
