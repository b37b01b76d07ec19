/* ctl_store_accounts: producer and host accounts with their API token digests.
 *
 * Main thread only (or the only thread of a command-line tool), on the store's main
 * connection. Only digests are stored; a token is shown once, when it is made. */
#include <string.h>

#include "ctl_store.h"
#include "ctl_store_db.h"
#include "jc_error.h"

void ctl_account_free(CtlAccount *a)
{
    if (a == NULL)
        return;
    g_free(a->name);
    g_free(a->role);
    g_free(a->created_at);
    g_free(a->revoked_at);
    g_free(a);
}

static gboolean name_ok(const char *name, GError **error)
{
    gsize len = name != NULL ? strlen(name) : 0;
    if (len < 1 || len > 40) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "name: 1 to 40 characters");
        return FALSE;
    }
    for (const char *p = name; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.') {
            g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                                "name: letters, digits, '-', '_' and '.' only");
            return FALSE;
        }
    }
    return TRUE;
}

gint64 ctl_store_account_add(CtlStore *store, const char *name, const char *role,
                             const char *token_hash, GError **error)
{
    if (!name_ok(name, error))
        return 0;
    if (role == NULL || (strcmp(role, "producer") != 0 && strcmp(role, "host") != 0 &&
                         strcmp(role, "overlay") != 0)) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "role: must be producer, host or overlay");
        return 0;
    }
    sqlite3_stmt *st = ctl_store_prep(
        store, "INSERT INTO accounts (name, role, token_hash) VALUES (?1, ?2, ?3)", error);
    if (st == NULL)
        return 0;
    ctl_sql_bind_text(st, 1, name);
    ctl_sql_bind_text(st, 2, role);
    ctl_sql_bind_text(st, 3, token_hash);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return sqlite3_last_insert_rowid(ctl_store_db(store));
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT, "name: an account %s already exists", name);
    else
        ctl_sql_error(error, ctl_store_db(store), "adding an account");
    return 0;
}

static gboolean update_one(CtlStore *store, sqlite3_stmt *st, const char *name, GError **error)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), "changing an account");
        return FALSE;
    }
    if (sqlite3_changes(ctl_store_db(store)) == 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no account named %s", name);
        return FALSE;
    }
    return TRUE;
}

gboolean ctl_store_account_rotate(CtlStore *store, const char *name, const char *token_hash,
                                  GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store,
                                      "UPDATE accounts SET token_hash = ?2, revoked_at = NULL, "
                                      "generation = generation + 1, "
                                      "updated_at = " CTL_NOW_SQL " WHERE name = ?1",
                                      error);
    if (st == NULL)
        return FALSE;
    ctl_sql_bind_text(st, 1, name);
    ctl_sql_bind_text(st, 2, token_hash);
    return update_one(store, st, name, error);
}

gboolean ctl_store_account_revoke(CtlStore *store, const char *name, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "UPDATE accounts SET token_hash = NULL, password_hash = NULL, "
                       "generation = generation + 1, revoked_at = " CTL_NOW_SQL
                       ", updated_at = " CTL_NOW_SQL " WHERE name = ?1",
                       error);
    if (st == NULL)
        return FALSE;
    ctl_sql_bind_text(st, 1, name);
    return update_one(store, st, name, error);
}

gboolean ctl_store_account_set_password(CtlStore *store, const char *name,
                                        const char *password_hash, GError **error)
{
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "UPDATE accounts SET password_hash = ?2, generation = generation + 1, "
                       "updated_at = " CTL_NOW_SQL " WHERE name = ?1 AND revoked_at IS NULL",
                       error);
    if (st == NULL)
        return FALSE;
    ctl_sql_bind_text(st, 1, name);
    ctl_sql_bind_text(st, 2, password_hash);
    return update_one(store, st, name, error);
}

#define ACCOUNT_COLUMNS "SELECT id, name, role, created_at, revoked_at, generation FROM accounts "

static CtlAccount *account_from_row(sqlite3_stmt *st)
{
    CtlAccount *a = g_new0(CtlAccount, 1);
    a->id = sqlite3_column_int64(st, 0);
    a->name = ctl_sql_column_dup(st, 1);
    a->role = ctl_sql_column_dup(st, 2);
    a->created_at = ctl_sql_column_dup(st, 3);
    if (sqlite3_column_type(st, 4) != SQLITE_NULL)
        a->revoked_at = ctl_sql_column_dup(st, 4);
    a->generation = sqlite3_column_int64(st, 5);
    return a;
}

CtlAccount *ctl_store_account_by_token(CtlStore *store, const char *token_hash, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(
        store, ACCOUNT_COLUMNS "WHERE token_hash = ?1 AND revoked_at IS NULL", error);
    if (st == NULL)
        return NULL;
    ctl_sql_bind_text(st, 1, token_hash);
    CtlAccount *a = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        a = account_from_row(st);
    else if (rc != SQLITE_DONE)
        ctl_sql_error(error, ctl_store_db(store), "looking up a token");
    sqlite3_finalize(st);
    return a;
}

GPtrArray *ctl_store_list_accounts(CtlStore *store, GError **error)
{
    sqlite3_stmt *st = ctl_store_prep(store, ACCOUNT_COLUMNS "ORDER BY name", error);
    if (st == NULL)
        return NULL;
    return ctl_sql_collect(ctl_store_db(store), st, (gpointer(*)(sqlite3_stmt *))account_from_row,
                           (GDestroyNotify)ctl_account_free, "listing accounts", error);
}

CtlAccount *ctl_store_account_by_name(CtlStore *store, const char *name, char **password_hash,
                                      GError **error)
{
    *password_hash = NULL;
    sqlite3_stmt *st =
        ctl_store_prep(store,
                       "SELECT id, name, role, created_at, revoked_at, generation, password_hash "
                       "FROM accounts WHERE name = ?1 AND revoked_at IS NULL",
                       error);
    if (st == NULL)
        return NULL;
    ctl_sql_bind_text(st, 1, name);
    CtlAccount *a = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        a = account_from_row(st);
        if (sqlite3_column_type(st, 6) != SQLITE_NULL)
            *password_hash = ctl_sql_column_dup(st, 6);
    } else if (rc != SQLITE_DONE) {
        ctl_sql_error(error, ctl_store_db(store), "looking up an account");
    }
    sqlite3_finalize(st);
    return a;
}

gint64 ctl_store_data_version(CtlStore *store, GError **error)
{
    gint64 version = -1;
    if (!ctl_sql_query_int64(ctl_store_db(store), "PRAGMA data_version", &version,
                             "reading the data version", error))
        return -1;
    return version;
}
