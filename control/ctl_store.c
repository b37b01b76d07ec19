/* ctl_store: jobcast's SQLite database (postings, sign-ups, restart state): its connections, the
 * postings cache and the key/value state.
 *
 * Threads and connections:
 *   - main: the thread that called ctl_store_open (and must call every other function except
 *     ctl_store_add_signup and ctl_store_commit_count). It owns `db` and every statement
 *     prepared on it; reads, seeding and state writes run there, briefly.
 *   - writer (ctl_store_writer.c, the store's one thread crossing): its own connection, the
 *     only code that writes sign-ups, synchronous=FULL: a sign-up is answered only once it is
 *     on disk.
 *   Both connections: WAL, foreign_keys=ON, busy_timeout (so a state write on main and a
 *   sign-up batch on the writer wait for each other instead of failing). Main's is
 *   synchronous=NORMAL: producer edits (take, graphics, postings) must not fsync on the main
 *   thread; in WAL mode they survive a crash of jobcast and reach the disk with the next
 *   sign-up commit or checkpoint, and only a power cut right after one can undo it.
 *
 * Timestamps are UTC ISO-8601 text with milliseconds ("2024-05-01T08:30:00.123Z"): they sort as
 * text and read as-is in an export (CTL_NOW_SQL on main, ctl_store_stamp on the writer).
 *
 * Not responsible for the schema (ctl_store_migrate.c) or for validating network input
 * (control's HTTP layer does) beyond the schema's constraints. */
#include "ctl_store.h"
#include "ctl_store_db.h"

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "ctl_store_migrate.h"
#include "jc_error.h"

/* Postings kept decoded in memory (a show has tens; the bound only stops a scan of ids). */
#define POSTING_CACHE_MAX 1024

struct CtlStore {
    /* Main thread only. */
    sqlite3 *db;           /* owned */
    sqlite3_stmt *st_list; /* owned, on db */
    sqlite3_stmt *st_get;  /* owned, on db */
    /* Main thread: gint64* id (owned) -> CtlPosting* (owned), what st_get last returned.
     * Every sign-up looks its posting up, and turning a row into a posting (its tags are JSON)
     * cost 9% of the main thread at 19,000 sign-ups/s; postings change only through
     * ctl_store_postings.c, which empties this (ctl_store_postings_changed). */
    GHashTable *posting_cache;
    sqlite3_stmt *st_count;     /* owned, on db */
    sqlite3_stmt *st_state_get; /* owned, on db */
    sqlite3_stmt *st_state_set; /* owned, on db */
    sqlite3_stmt *st_state_del; /* owned, on db */
    CtlStoreWriter *writer;     /* owned: sign-ups, results back on the opener's context */
};

sqlite3_stmt *ctl_store_prep(CtlStore *store, const char *sql, GError **error)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(ctl_store_db(store), sql, -1, &st, NULL) != SQLITE_OK) {
        ctl_sql_error(error, ctl_store_db(store), "preparing a statement");
        return NULL;
    }
    return st;
}

static gboolean prepare_main(CtlStore *store, GError **error)
{
    return ctl_sql_prepare(store->db, CTL_POSTING_COLUMNS "WHERE archived = 0 ORDER BY id",
                           &store->st_list, error) &&
           ctl_sql_prepare(store->db, CTL_POSTING_COLUMNS "WHERE id = ?1", &store->st_get, error) &&
           ctl_sql_prepare(
               store->db, "SELECT coalesce((SELECT n FROM signup_counts WHERE posting_id = ?1), 0)",
               &store->st_count, error) &&
           ctl_sql_prepare(store->db, "SELECT value FROM state WHERE key = ?1",
                           &store->st_state_get, error) &&
           ctl_sql_prepare(store->db,
                           "INSERT INTO state (key, value) VALUES (?1, ?2) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           &store->st_state_set, error) &&
           ctl_sql_prepare(store->db, "DELETE FROM state WHERE key = ?1", &store->st_state_del,
                           error);
}

static void finalize_main(CtlStore *store)
{
    sqlite3_finalize(store->st_list);
    sqlite3_finalize(store->st_get);
    g_clear_pointer(&store->posting_cache, g_hash_table_unref);
    sqlite3_finalize(store->st_count);
    sqlite3_finalize(store->st_state_get);
    sqlite3_finalize(store->st_state_set);
    sqlite3_finalize(store->st_state_del);
}

/* Frees a store whose writer is stopped (or never started). */
static void store_free(CtlStore *store)
{
    finalize_main(store);
    sqlite3_close(store->db);
    g_free(store);
}

CtlStore *ctl_store_open(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);

    CtlStore *store = g_new0(CtlStore, 1);
    store->posting_cache = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                                 (GDestroyNotify)ctl_posting_free);
    store->db = ctl_sql_connect(path, error);
    if (store->db == NULL ||
        !ctl_sql_exec(store->db, "PRAGMA synchronous = NORMAL", "configuring the connection",
                      error) ||
        !ctl_sql_enable_wal(store->db, error) || !ctl_store_migrate(store->db, error) ||
        !prepare_main(store, error)) {
        store_free(store);
        return NULL;
    }
    g_autoptr(GMainContext) context = g_main_context_ref_thread_default();
    store->writer = ctl_store_writer_start(path, context, error);
    if (store->writer == NULL) {
        store_free(store);
        return NULL;
    }
    return store;
}

void ctl_store_close(CtlStore *store)
{
    if (store == NULL) {
        return;
    }
    /* Pending sign-ups are committed and reported first; then main's connection closes. */
    ctl_store_writer_stop(store->writer);
    store_free(store);
}

void ctl_store_mark_shipped(CtlStore *store, gint64 seq)
{
    ctl_store_writer_mark_shipped(store->writer, seq);
}

const char *ctl_store_path(CtlStore *store)
{
    return sqlite3_db_filename(store->db, "main");
}

void ctl_store_add_signup(CtlStore *store, const CtlSignupRequest *req, CtlSignupDone done,
                          gpointer user_data)
{
    g_return_if_fail(store != NULL);
    ctl_store_writer_add(store->writer, req, done, user_data);
}

guint64 ctl_store_commit_count(CtlStore *store)
{
    g_return_val_if_fail(store != NULL, 0);
    return ctl_store_writer_commits(store->writer);
}

void ctl_store_set_batch_max(CtlStore *store, guint max)
{
    ctl_store_writer_set_batch_max(store->writer, max);
}

void ctl_store_set_batch_func(CtlStore *store, CtlStoreBatchFunc fn, gpointer data)
{
    ctl_store_writer_set_batch_func(store->writer, fn, data);
}

/* Tags are stored as a JSON array of strings; anything else in the column reads as no tags
 * rather than failing the whole posting. (transfer full), never NULL. */
static char **tags_from_json(const char *json)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new();
    JsonNode *root;

    if (json != NULL && json_parser_load_from_data(parser, json, -1, NULL)) {
        root = json_parser_get_root(parser);
        if (root != NULL && JSON_NODE_HOLDS_ARRAY(root)) {
            JsonArray *arr = json_node_get_array(root);
            for (guint i = 0; i < json_array_get_length(arr); i++) {
                JsonNode *n = json_array_get_element(arr, i);
                if (json_node_get_value_type(n) == G_TYPE_STRING) {
                    g_strv_builder_add(builder, json_node_get_string(n));
                }
            }
        }
    }
    return g_strv_builder_end(builder);
}

/* The current row of a CTL_POSTING_COLUMNS statement. (transfer full) */
CtlPosting *ctl_store_posting_from_row(sqlite3_stmt *st)
{
    CtlPosting *p = g_new0(CtlPosting, 1);

    p->id = sqlite3_column_int64(st, 0);
    p->title = ctl_sql_column_dup(st, 1);
    p->company = ctl_sql_column_dup(st, 2);
    p->pay_min = sqlite3_column_double(st, 3);
    p->pay_max = sqlite3_column_double(st, 4);
    p->pay_unit = ctl_sql_column_dup(st, 5);
    p->location = ctl_sql_column_dup(st, 6);
    p->headcount = sqlite3_column_int(st, 7);
    p->tags = tags_from_json((const char *)sqlite3_column_text(st, 8));
    p->requirements = ctl_sql_column_dup(st, 9);
    p->talking_points = ctl_sql_column_dup(st, 10);
    p->version = sqlite3_column_int64(st, 11);
    p->archived = sqlite3_column_int(st, 12) != 0;
    p->employer_id = sqlite3_column_int64(st, 13);
    if (!p->archived && sqlite3_column_type(st, 14) == SQLITE_TEXT)
        p->code = ctl_sql_column_dup(st, 14);
    return p;
}

GPtrArray *ctl_store_list_postings(CtlStore *store, GError **error)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)ctl_posting_free);
    int rc;

    g_return_val_if_fail(store != NULL, NULL);
    ctl_sql_reset(store->st_list);
    while ((rc = sqlite3_step(store->st_list)) == SQLITE_ROW) {
        g_ptr_array_add(out, ctl_store_posting_from_row(store->st_list));
    }
    if (rc != SQLITE_DONE) {
        ctl_sql_error(error, store->db, "listing postings");
        ctl_sql_reset(store->st_list);
        return NULL;
    }
    ctl_sql_reset(store->st_list);
    return g_steal_pointer(&out);
}

void ctl_store_postings_changed(CtlStore *store)
{
    g_hash_table_remove_all(store->posting_cache);
}

CtlPosting *ctl_store_get_posting(CtlStore *store, gint64 id, GError **error)
{
    CtlPosting *p = NULL;
    int rc;

    g_return_val_if_fail(store != NULL, NULL);
    const CtlPosting *cached = g_hash_table_lookup(store->posting_cache, &id);
    if (cached != NULL)
        return ctl_posting_copy(cached);
    ctl_sql_reset(store->st_get);
    sqlite3_bind_int64(store->st_get, 1, id);
    rc = sqlite3_step(store->st_get);
    if (rc == SQLITE_ROW) {
        p = ctl_store_posting_from_row(store->st_get);
        if (g_hash_table_size(store->posting_cache) >= POSTING_CACHE_MAX)
            g_hash_table_remove_all(store->posting_cache);
        g_hash_table_insert(store->posting_cache, g_memdup2(&id, sizeof id), ctl_posting_copy(p));
    } else if (rc == SQLITE_DONE) {
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no posting with id %" G_GINT64_FORMAT,
                    id);
    } else {
        ctl_sql_error(error, store->db, "reading a posting");
    }
    ctl_sql_reset(store->st_get);
    return p;
}

gint64 ctl_store_count_signups(CtlStore *store, gint64 posting_id, GError **error)
{
    gint64 n = -1;

    g_return_val_if_fail(store != NULL, -1);
    ctl_sql_reset(store->st_count);
    sqlite3_bind_int64(store->st_count, 1, posting_id);
    if (sqlite3_step(store->st_count) == SQLITE_ROW) {
        n = sqlite3_column_int64(store->st_count, 0);
    } else {
        ctl_sql_error(error, store->db, "counting sign-ups");
    }
    ctl_sql_reset(store->st_count);
    return n;
}

char *ctl_store_get_state(CtlStore *store, const char *key, GError **error)
{
    char *value = NULL;
    int rc;

    g_return_val_if_fail(store != NULL, NULL);
    g_return_val_if_fail(key != NULL, NULL);
    ctl_sql_reset(store->st_state_get);
    ctl_sql_bind_text(store->st_state_get, 1, key);
    rc = sqlite3_step(store->st_state_get);
    if (rc == SQLITE_ROW) {
        value = ctl_sql_column_dup(store->st_state_get, 0);
    } else if (rc != SQLITE_DONE) {
        ctl_sql_error(error, store->db, "reading state");
    }
    ctl_sql_reset(store->st_state_get);
    return value;
}

/* A NULL value removes the key (get then returns NULL again). */
gboolean ctl_store_set_state(CtlStore *store, const char *key, const char *value, GError **error)
{
    sqlite3_stmt *st;
    gboolean ok = TRUE;

    g_return_val_if_fail(store != NULL, FALSE);
    g_return_val_if_fail(key != NULL, FALSE);
    st = value != NULL ? store->st_state_set : store->st_state_del;
    ctl_sql_reset(st);
    ctl_sql_bind_text(st, 1, key);
    if (value != NULL) {
        ctl_sql_bind_text(st, 2, value);
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        ctl_sql_error(error, store->db, "writing state");
        ok = FALSE;
    }
    ctl_sql_reset(st);
    return ok;
}

sqlite3 *ctl_store_db(CtlStore *store)
{
    return store->db;
}
