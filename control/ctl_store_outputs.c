/* ctl_store_outputs: the outputs table (see ctl_store_outputs.h).
 *
 * Main thread only, on the store's main connection (synchronous=NORMAL, like every producer
 * edit: durable against a crash of jobcast, see ctl_store.c). Each change is one statement. */
#include "ctl_store_outputs.h"

#include "ctl_store_db.h"
#include "jc_error.h"

void ctl_output_row_free(CtlOutputRow *row)
{
    if (row == NULL)
        return;
    g_free(row->name);
    g_free(row->uri);
    g_free(row);
}

static gpointer row_from(sqlite3_stmt *st)
{
    CtlOutputRow *row = g_new0(CtlOutputRow, 1);
    row->name = ctl_sql_column_dup(st, 0);
    row->uri = ctl_sql_column_dup(st, 1);
    row->enabled = sqlite3_column_int(st, 2) != 0;
    return row;
}

GPtrArray *ctl_store_list_outputs(CtlStore *store, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store, "SELECT name, uri, enabled FROM outputs ORDER BY id", error);
    if (st == NULL)
        return NULL;
    return ctl_sql_collect(ctl_store_db(store), st, row_from, (GDestroyNotify)ctl_output_row_free,
                           "listing the outputs", error);
}

CtlOutputRow *ctl_store_get_output(CtlStore *store, const char *name, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store, "SELECT name, uri, enabled FROM outputs WHERE name = ?1", error);
    if (st == NULL)
        return NULL;
    ctl_sql_bind_text(st, 1, name);
    g_autoptr(GPtrArray) rows =
        ctl_sql_collect(ctl_store_db(store), st, row_from, (GDestroyNotify)ctl_output_row_free,
                        "reading an output", error);
    if (rows == NULL)
        return NULL;
    if (rows->len == 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no output named %s", name);
        return NULL;
    }
    return g_ptr_array_steal_index(rows, 0);
}

/* Runs a one-row write of (name, uri, enabled) as ?1, ?2, ?3 (as many as sql has); *changed
 * gets the rows changed.
 * A constraint the schema refuses is JC_ERROR_INVALID, a taken name JC_ERROR_CONFLICT. */
static gboolean write_row(CtlStore *store, const char *sql, const char *name, const char *uri,
                          gboolean enabled, int *changed, GError **error)
{
    sqlite3 *db = ctl_store_db(store);
    sqlite3_stmt *st = ctl_store_prep(store, sql, error);
    if (st == NULL)
        return FALSE;
    int params = sqlite3_bind_parameter_count(st);
    ctl_sql_bind_text(st, 1, name);
    if (params >= 3) {
        ctl_sql_bind_text(st, 2, uri);
        sqlite3_bind_int(st, 3, enabled ? 1 : 0);
    }
    g_autofree char *taken = g_strdup_printf("an output named %s exists already", name);
    g_autofree char *what = g_strdup_printf("output %s", name);
    return ctl_sql_write(db, st, what, taken, changed, error);
}

static gboolean found(int changed, const char *name, GError **error)
{
    if (changed > 0)
        return TRUE;
    g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no output named %s", name);
    return FALSE;
}

gboolean ctl_store_add_output(CtlStore *store, const char *name, const char *uri, gboolean enabled,
                              GError **error)
{
    return write_row(store, "INSERT INTO outputs (name, uri, enabled) VALUES (?1, ?2, ?3)", name,
                     uri, enabled, NULL, error);
}

gboolean ctl_store_update_output(CtlStore *store, const char *name, const char *uri,
                                 gboolean enabled, GError **error)
{
    int changed = 0;
    return write_row(store,
                     "UPDATE outputs SET uri = ?2, enabled = ?3, updated_at = " CTL_NOW_SQL
                     " WHERE name = ?1",
                     name, uri, enabled, &changed, error) &&
           found(changed, name, error);
}

gboolean ctl_store_remove_output(CtlStore *store, const char *name, GError **error)
{
    int changed = 0;
    return write_row(store, "DELETE FROM outputs WHERE name = ?1", name, NULL, FALSE, &changed,
                     error) &&
           found(changed, name, error);
}

gboolean ctl_store_put_output(CtlStore *store, const char *name, const char *uri, GError **error)
{
    return write_row(store,
                     "INSERT INTO outputs (name, uri, enabled) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (name) DO UPDATE SET uri = excluded.uri, "
                     "updated_at = " CTL_NOW_SQL " WHERE uri <> excluded.uri",
                     name, uri, TRUE, NULL, error);
}
