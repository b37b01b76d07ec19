/* ctl_store_employers: the employers table (see ctl_store_employers.h).
 *
 * Main thread only, on the store's main connection. Each change is one statement; the schema's
 * triggers carry a rename to the postings inside it. */
#include "ctl_store_employers.h"

#include "ctl_store_db.h"
#include "jc_error.h"

#define EMPLOYER_COLUMNS                                                                           \
    "SELECT e.id, e.name, e.contact_person, e.contact_phone,"                                      \
    " (SELECT count(*) FROM postings p WHERE p.employer_id = e.id),"                               \
    " (SELECT count(*) FROM postings p WHERE p.employer_id = e.id AND NOT p.archived),"            \
    " (SELECT coalesce(sum(c.n), 0) FROM signup_counts c JOIN postings p"                          \
    "   ON p.id = c.posting_id WHERE p.employer_id = e.id) FROM employers e "

void ctl_employer_row_free(CtlEmployerRow *row)
{
    if (row == NULL)
        return;
    g_free(row->name);
    g_free(row->contact_person);
    g_free(row->contact_phone);
    g_free(row);
}

static gpointer row_from(sqlite3_stmt *st)
{
    CtlEmployerRow *row = g_new0(CtlEmployerRow, 1);
    row->id = sqlite3_column_int64(st, 0);
    row->name = ctl_sql_column_dup(st, 1);
    row->contact_person = ctl_sql_column_dup(st, 2);
    row->contact_phone = ctl_sql_column_dup(st, 3);
    row->postings = sqlite3_column_int64(st, 4);
    row->open_postings = sqlite3_column_int64(st, 5);
    row->signups = sqlite3_column_int64(st, 6);
    return row;
}

GPtrArray *ctl_store_list_employers(CtlStore *store, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, EMPLOYER_COLUMNS "ORDER BY e.name, e.id", error);
    if (st == NULL)
        return NULL;
    return ctl_sql_collect(ctl_store_db(store), st, row_from, (GDestroyNotify)ctl_employer_row_free,
                           "listing the employers", error);
}

CtlEmployerRow *ctl_store_get_employer(CtlStore *store, gint64 id, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, EMPLOYER_COLUMNS "WHERE e.id = ?1", error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    g_autoptr(GPtrArray) rows =
        ctl_sql_collect(ctl_store_db(store), st, row_from, (GDestroyNotify)ctl_employer_row_free,
                        "reading an employer", error);
    if (rows == NULL)
        return NULL;
    if (rows->len == 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no employer %" G_GINT64_FORMAT, id);
        return NULL;
    }
    return g_ptr_array_steal_index(rows, 0);
}

/* Steps st, one write (finalized here); a taken name (name) is JC_ERROR_CONFLICT. */
static gboolean write_once(CtlStore *store, sqlite3_stmt *st, const char *name, int *changed,
                           GError **error)
{
    g_autofree char *taken =
        name != NULL ? g_strdup_printf("name: an employer named %s exists already", name) : NULL;
    return ctl_sql_write(ctl_store_db(store), st, "employer", taken, changed, error);
}

static gboolean found(int changed, gint64 id, GError **error)
{
    if (changed > 0)
        return TRUE;
    g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no employer %" G_GINT64_FORMAT, id);
    return FALSE;
}

gint64 ctl_store_add_employer(CtlStore *store, const char *name, const char *contact_person,
                              const char *contact_phone, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store,
                                      "INSERT INTO employers (name, contact_person, contact_phone)"
                                      " VALUES (?1, ?2, ?3)",
                                      error);
    if (st == NULL)
        return 0;
    ctl_sql_bind_text(st, 1, name);
    ctl_sql_bind_text(st, 2, contact_person);
    ctl_sql_bind_text(st, 3, contact_phone);
    if (!write_once(store, st, name, NULL, error))
        return 0;
    return sqlite3_last_insert_rowid(ctl_store_db(store));
}

/* The ids of employer id's postings. (transfer full) */
static GArray *postings_of(CtlStore *store, gint64 id, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store, "SELECT id FROM postings WHERE employer_id = ?1 ORDER BY id", error);
    if (st == NULL)
        return NULL;
    sqlite3_bind_int64(st, 1, id);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        gint64 pid = sqlite3_column_int64(st, 0);
        g_array_append_val(ids, pid);
    }
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), "listing an employer's postings");
        g_clear_pointer(&ids, g_array_unref);
    }
    sqlite3_finalize(st);
    return ids;
}

gboolean ctl_store_update_employer(CtlStore *store, gint64 id, const char *name,
                                   const char *contact_person, const char *contact_phone,
                                   GArray **renamed, GError **error)
{
    g_autoptr(CtlEmployerRow) old = ctl_store_get_employer(store, id, error);
    if (old == NULL)
        return FALSE;
    g_autoptr(GArray) ids = postings_of(store, id, error);
    if (ids == NULL)
        return FALSE;
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "UPDATE employers SET name = ?2, contact_person = ?3,"
                       " contact_phone = ?4, updated_at = " CTL_NOW_SQL " WHERE id = ?1",
                       error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, id);
    ctl_sql_bind_text(st, 2, name);
    ctl_sql_bind_text(st, 3, contact_person);
    ctl_sql_bind_text(st, 4, contact_phone);
    int changed = 0;
    if (!write_once(store, st, name, &changed, error) || !found(changed, id, error))
        return FALSE;
    gboolean rename = g_strcmp0(old->name, name) != 0;
    if (rename)
        ctl_store_postings_changed(store);
    *renamed = rename ? g_steal_pointer(&ids) : g_array_new(FALSE, FALSE, sizeof(gint64));
    return TRUE;
}

gboolean ctl_store_remove_employer(CtlStore *store, gint64 id, GError **error)
{
    gint64 refs = 0;
    g_autofree char *sql =
        g_strdup_printf("SELECT count(*) FROM postings WHERE employer_id = %" G_GINT64_FORMAT, id);
    if (!ctl_sql_query_int64(ctl_store_db(store), sql, &refs, "counting postings", error))
        return FALSE;
    if (refs > 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT,
                    "the employer has %" G_GINT64_FORMAT " posting(s): it stays while they do "
                    "(postings are kept for their sign-ups)",
                    refs);
        return FALSE;
    }
    sqlite3_stmt *st = ctl_store_prep(store, "DELETE FROM employers WHERE id = ?1", error);
    if (st == NULL)
        return FALSE;
    sqlite3_bind_int64(st, 1, id);
    int changed = 0;
    return write_once(store, st, NULL, &changed, error) && found(changed, id, error);
}
