/* ctl_store_postings: creating, updating (optimistic concurrency on a version number),
 * archiving and searching postings; a created or reopened posting gets its code to type
 * (ctl_store_codes.c).
 *
 * Main thread only, on the store's main connection. Fields arrive already validated by
 * ctl_posting_check (control's protocol layer); the schema's CHECK constraints are the last
 * line and surface as JC_ERROR_INVALID. An update is one UPDATE ... WHERE version = ?, so two
 * producers saving the same version cannot both win: the second gets JC_ERROR_CONFLICT. */
#include <json-glib/json-glib.h>

#include "ctl_store.h"
#include "ctl_store_db.h"
#include "jc_error.h"

static char *tags_to_json(char **tags)
{
    g_autoptr(JsonBuilder) b = json_builder_new_immutable();
    json_builder_begin_array(b);
    for (char **t = tags; t != NULL && *t != NULL; t++)
        json_builder_add_string_value(b, *t);
    json_builder_end_array(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    return json_to_string(root, FALSE);
}

/* Binds title..talking_points to ?1..?10. */
static void bind_fields(sqlite3_stmt *st, const CtlPosting *p)
{
    g_autofree char *tags = tags_to_json(p->tags);
    ctl_sql_bind_text(st, 1, p->title);
    ctl_sql_bind_text(st, 2, p->company);
    sqlite3_bind_double(st, 3, p->pay_min);
    sqlite3_bind_double(st, 4, p->pay_max);
    ctl_sql_bind_text(st, 5, p->pay_unit);
    ctl_sql_bind_text(st, 6, p->location != NULL ? p->location : "");
    sqlite3_bind_int64(st, 7, p->headcount);
    ctl_sql_bind_text(st, 8, tags);
    ctl_sql_bind_text(st, 9, p->requirements != NULL ? p->requirements : "");
    ctl_sql_bind_text(st, 10, p->talking_points != NULL ? p->talking_points : "");
}

static void step_error(GError **error, sqlite3 *db, int rc, const char *what)
{
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: %s", what, sqlite3_errmsg(db));
    else
        ctl_sql_error(error, db, what);
}

/* Prepares a statement that writes postings, and forgets the cached copies first. */
static sqlite3_stmt *prep_write(CtlStore *store, const char *sql, GError **error)
{
    ctl_store_postings_changed(store);
    return ctl_store_prep(store, sql, error);
}

/* prep_write, with title..talking_points bound to ?1..?10. */
static sqlite3_stmt *prep_fields(CtlStore *store, const char *sql, const CtlPosting *p,
                                 GError **error)
{
    sqlite3_stmt *st = prep_write(store, sql, error);
    if (st != NULL)
        bind_fields(st, p);
    return st;
}

gint64 ctl_store_create_posting(CtlStore *store, const CtlPosting *p, GError **error)
{
    sqlite3 *db = ctl_store_db(store);
    char code[CTL_POSTING_CODE_LEN + 1];
    if (!ctl_store_pick_code(store, 0, NULL, code, error))
        return 0;
    sqlite3_stmt *st =
        prep_fields(store,
                    "INSERT INTO postings (title, company, pay_min, pay_max, pay_unit, "
                    "location, headcount, tags, requirements, talking_points, code) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    p, error);
    if (st == NULL)
        return 0;
    ctl_sql_bind_text(st, 11, code);
    int rc = sqlite3_step(st);
    gint64 id = 0;
    if (rc == SQLITE_DONE)
        id = sqlite3_last_insert_rowid(db);
    else
        step_error(error, db, rc, "creating a posting");
    sqlite3_finalize(st);
    return id;
}

/* After an UPDATE ... WHERE id AND version changed nothing: tells a stale version from a
 * missing posting. */
static void explain_no_change(sqlite3 *db, gint64 id, gint64 version, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT version FROM postings WHERE id = ?1", -1, &st, NULL) !=
        SQLITE_OK) {
        ctl_sql_error(error, db, "preparing a statement");
        return;
    }
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT,
                    "posting %" G_GINT64_FORMAT " was changed by someone else (you have version "
                    "%" G_GINT64_FORMAT ", it is now %" G_GINT64_FORMAT "): reload and retry",
                    id, version, (gint64)sqlite3_column_int64(st, 0));
    else
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no posting with id %" G_GINT64_FORMAT,
                    id);
    sqlite3_finalize(st);
}

/* Steps an UPDATE of posting id WHERE its version matches, and finalizes it: FALSE with error
 * when it failed or changed nothing. */
static gboolean step_versioned(sqlite3 *db, sqlite3_stmt *st, gint64 id, gint64 version,
                               const char *what, GError **error)
{
    int rc = sqlite3_step(st);
    gboolean ok = FALSE;
    if (rc != SQLITE_DONE)
        step_error(error, db, rc, what);
    else if (sqlite3_changes(db) == 0)
        explain_no_change(db, id, version, error);
    else
        ok = TRUE;
    sqlite3_finalize(st);
    return ok;
}

gboolean ctl_store_update_posting(CtlStore *store, const CtlPosting *p, GError **error)
{
    sqlite3 *db = ctl_store_db(store);
    sqlite3_stmt *st =
        prep_fields(store,
                    "UPDATE postings SET title = ?1, company = ?2, pay_min = ?3, "
                    "pay_max = ?4, pay_unit = ?5, location = ?6, headcount = ?7, tags = ?8, "
                    "requirements = ?9, talking_points = ?10, version = version + 1, "
                    "updated_at = " CTL_NOW_SQL " WHERE id = ?11 AND version = ?12",
                    p, error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 11, p->id);
    sqlite3_bind_int64(st, 12, p->version);
    return step_versioned(db, st, p->id, p->version, "updating a posting", error);
}

gboolean ctl_store_archive_posting(CtlStore *store, gint64 id, gint64 version, gboolean archived,
                                   GError **error)
{
    sqlite3 *db = ctl_store_db(store);
    char code[CTL_POSTING_CODE_LEN + 1] = "";
    if (!archived) {
        g_autofree char *had = NULL;
        sqlite3_stmt *old = ctl_store_prep(store, "SELECT code FROM postings WHERE id = ?1", error);
        if (old == NULL)
            return FALSE;
        sqlite3_bind_int64(old, 1, id);
        if (sqlite3_step(old) == SQLITE_ROW && sqlite3_column_type(old, 0) == SQLITE_TEXT)
            had = ctl_sql_column_dup(old, 0);
        sqlite3_finalize(old);
        if (!ctl_store_pick_code(store, id, had, code, error))
            return FALSE;
    }
    /* Archiving keeps the code in the row (not in the posting shown): reopened, the posting gets
     * it back unless another took it meanwhile. */
    sqlite3_stmt *st =
        prep_write(store,
                   "UPDATE postings SET archived = ?1, version = version + 1, "
                   "code = CASE WHEN ?1 = 0 THEN ?4 ELSE code END, "
                   "updated_at = " CTL_NOW_SQL " WHERE id = ?2 AND (?3 < 0 OR version = ?3)",
                   error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int(st, 1, archived ? 1 : 0);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, version);
    ctl_sql_bind_text(st, 4, code);
    return step_versioned(db, st, id, version, "archiving a posting", error);
}

/* LIKE with its wildcards escaped: what the producer typed is matched literally. */
static char *like_pattern(const char *query)
{
    GString *out = g_string_new("%");
    for (const char *q = query; *q != '\0'; q++) {
        if (*q == '%' || *q == '_' || *q == '\\')
            g_string_append_c(out, '\\');
        g_string_append_c(out, *q);
    }
    g_string_append_c(out, '%');
    return g_string_free(out, FALSE);
}

GPtrArray *ctl_store_search_postings(CtlStore *store, const char *query, gboolean include_archived,
                                     guint limit, GError **error)
{
    sqlite3 *db = ctl_store_db(store);
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       CTL_POSTING_COLUMNS
                       "WHERE (?1 OR archived = 0) AND (?2 IS NULL OR title LIKE ?2 ESCAPE '\\' "
                       "OR company LIKE ?2 ESCAPE '\\' OR location LIKE ?2 ESCAPE '\\' "
                       "OR tags LIKE ?2 ESCAPE '\\' OR requirements LIKE ?2 ESCAPE '\\') "
                       "ORDER BY id LIMIT ?3",
                       error);
    if (st == NULL)
        return NULL;
    g_autofree char *pattern = query != NULL && query[0] != '\0' ? like_pattern(query) : NULL;
    sqlite3_bind_int(st, 1, include_archived ? 1 : 0);
    ctl_sql_bind_text(st, 2, pattern);
    sqlite3_bind_int64(st, 3, limit > 0 ? (gint64)limit : -1);
    return ctl_sql_collect(db, st, (gpointer(*)(sqlite3_stmt *))ctl_store_posting_from_row,
                           (GDestroyNotify)ctl_posting_free, "searching postings", error);
}

gboolean ctl_store_seed_postings(CtlStore *store, CtlPosting *const *postings, guint n,
                                 guint *inserted, GError **error)
{
    sqlite3 *db = ctl_store_db(store);
    gint64 any = 0;
    gboolean ok;

    if (inserted != NULL)
        *inserted = 0;
    /* The emptiness check runs inside the write transaction so that two seeders (or a restart
     * racing a seed) cannot both insert. */
    if (!ctl_sql_exec(db, "BEGIN IMMEDIATE", "starting the seed", error))
        return FALSE;
    ok = ctl_sql_query_int64(db, "SELECT EXISTS (SELECT 1 FROM postings)", &any,
                             "checking for postings", error);
    for (guint i = 0; ok && any == 0 && i < n; i++)
        ok = ctl_store_create_posting(store, postings[i], error) > 0;
    if (!ok || !ctl_sql_exec(db, "COMMIT", "committing the seed", error)) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        ctl_store_postings_changed(store);
        return FALSE;
    }
    if (inserted != NULL && any == 0)
        *inserted = n;
    return TRUE;
}
