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
 * (control's HTTP layer does) beyond the schema's constraints and the seed document's shape. */
#include "ctl_store.h"
#include "ctl_store_db.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <sqlite3.h>

#include "ctl_store_migrate.h"
#include "jc_error.h"
#include "jc_text.h"

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

void ctl_posting_free(CtlPosting *p)
{
    if (p == NULL) {
        return;
    }
    g_free(p->title);
    g_free(p->company);
    g_free(p->pay_unit);
    g_free(p->location);
    g_strfreev(p->tags);
    g_free(p->requirements);
    g_free(p->talking_points);
    g_free(p);
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

CtlPosting *ctl_posting_copy(const CtlPosting *p)
{
    CtlPosting *c = g_new(CtlPosting, 1);
    *c = *p;
    c->title = g_strdup(p->title);
    c->company = g_strdup(p->company);
    c->pay_unit = g_strdup(p->pay_unit);
    c->location = g_strdup(p->location);
    c->tags = g_strdupv(p->tags);
    c->requirements = g_strdup(p->requirements);
    c->talking_points = g_strdup(p->talking_points);
    return c;
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

/* Seeding. A posting as read from the seed document, before it is stored. */
typedef struct {
    const char *title; /* borrowed from the parsed document, as are the other strings */
    const char *company;
    double pay_min;
    double pay_max;
    const char *pay_unit;
    const char *location;
    gint64 headcount;
    char *tags_json; /* owned */
    const char *requirements;
    const char *talking_points;
} SeedPosting;

static void seed_posting_clear(gpointer data)
{
    SeedPosting *sp = data;
    g_free(sp->tags_json);
}

static gboolean invalid(GError **error, guint index, const char *what)
{
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "seed posting %u: %s", index, what);
    return FALSE;
}

/* A string member; missing counts as "" only when optional. */
static gboolean get_string(JsonObject *o, const char *name, gboolean optional, const char **out)
{
    JsonNode *n = json_object_get_member(o, name);

    if (n == NULL || JSON_NODE_HOLDS_NULL(n)) {
        *out = "";
        return optional;
    }
    if (json_node_get_value_type(n) != G_TYPE_STRING) {
        return FALSE;
    }
    *out = json_node_get_string(n);
    return TRUE;
}

static gboolean get_number(JsonObject *o, const char *name, double *out)
{
    JsonNode *n = json_object_get_member(o, name);
    GType t = n != NULL ? json_node_get_value_type(n) : G_TYPE_INVALID;

    if (t == G_TYPE_INT64) {
        *out = (double)json_node_get_int(n);
    } else if (t == G_TYPE_DOUBLE) {
        *out = json_node_get_double(n);
    } else {
        return FALSE;
    }
    return isfinite(*out);
}

/* Tags: an optional array of strings, re-serialised so the column holds exactly that. */
static gboolean get_tags(JsonObject *o, char **out)
{
    JsonNode *n = json_object_get_member(o, "tags");
    g_autoptr(JsonBuilder) b = json_builder_new_immutable();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_array(b);
    if (n != NULL && !JSON_NODE_HOLDS_NULL(n)) {
        JsonArray *arr;
        if (!JSON_NODE_HOLDS_ARRAY(n)) {
            return FALSE;
        }
        arr = json_node_get_array(n);
        for (guint i = 0; i < json_array_get_length(arr); i++) {
            JsonNode *t = json_array_get_element(arr, i);
            if (json_node_get_value_type(t) != G_TYPE_STRING) {
                return FALSE;
            }
            json_builder_add_string_value(b, json_node_get_string(t));
        }
    }
    json_builder_end_array(b);
    root = json_builder_get_root(b);
    *out = json_to_string(root, FALSE);
    return TRUE;
}

static gboolean parse_posting(JsonNode *node, guint index, SeedPosting *sp, GError **error)
{
    JsonObject *o;
    double headcount;

    if (!JSON_NODE_HOLDS_OBJECT(node)) {
        return invalid(error, index, "not an object");
    }
    o = json_node_get_object(node);
    if (!get_string(o, "title", FALSE, &sp->title) || sp->title[0] == '\0') {
        return invalid(error, index, "title must be a non-empty string");
    }
    if (!get_string(o, "company", FALSE, &sp->company) || sp->company[0] == '\0') {
        return invalid(error, index, "company must be a non-empty string");
    }
    if (!get_number(o, "pay_min", &sp->pay_min) || !get_number(o, "pay_max", &sp->pay_max) ||
        sp->pay_min < 0 || sp->pay_min > sp->pay_max) {
        return invalid(error, index, "pay_min and pay_max must be numbers, 0 <= min <= max");
    }
    if (!get_string(o, "pay_unit", FALSE, &sp->pay_unit) || !jc_pay_unit_valid(sp->pay_unit)) {
        return invalid(error, index, "pay_unit must be hour, day, month or piece");
    }
    if (!get_number(o, "headcount", &headcount) || headcount < 0 || headcount > G_MAXINT ||
        headcount != (double)(gint64)headcount) {
        return invalid(error, index, "headcount must be a whole number >= 0");
    }
    sp->headcount = (gint64)headcount;
    if (!get_string(o, "location", TRUE, &sp->location) ||
        !get_string(o, "requirements", TRUE, &sp->requirements) ||
        !get_string(o, "talking_points", TRUE, &sp->talking_points)) {
        return invalid(error, index, "location, requirements and talking_points must be strings");
    }
    if (!get_tags(o, &sp->tags_json)) {
        return invalid(error, index, "tags must be an array of strings");
    }
    return TRUE;
}

/* Parses and validates the whole document. (transfer full) GArray of SeedPosting, whose
 * strings point into parser; NULL with JC_ERROR_INVALID on the first problem. */
static GArray *parse_seed(JsonParser *parser, const char *json, gsize len, GError **error)
{
    g_autoptr(GArray) out = g_array_new(FALSE, TRUE, sizeof(SeedPosting));
    g_autoptr(GError) local = NULL;
    JsonNode *root;
    JsonNode *list;
    JsonArray *arr;

    g_array_set_clear_func(out, seed_posting_clear);
    if (len > G_MAXSSIZE || !json_parser_load_from_data(parser, json, (gssize)len, &local)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "seed document is not JSON: %s",
                    local ? local->message : "too large");
        return NULL;
    }
    root = json_parser_get_root(parser);
    list = root != NULL && JSON_NODE_HOLDS_OBJECT(root)
               ? json_object_get_member(json_node_get_object(root), "postings")
               : NULL;
    if (list == NULL || !JSON_NODE_HOLDS_ARRAY(list)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "seed document must be an object with a \"postings\" array");
        return NULL;
    }
    arr = json_node_get_array(list);
    g_array_set_size(out, json_array_get_length(arr));
    for (guint i = 0; i < out->len; i++) {
        if (!parse_posting(json_array_get_element(arr, i), i, &g_array_index(out, SeedPosting, i),
                           error)) {
            return NULL;
        }
    }
    return g_steal_pointer(&out);
}

static gboolean postings_empty(sqlite3 *db, gboolean *empty, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = FALSE;

    if (!ctl_sql_prepare(db, "SELECT EXISTS (SELECT 1 FROM postings)", &st, error)) {
        return FALSE;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        *empty = sqlite3_column_int(st, 0) == 0;
        ok = TRUE;
    } else {
        ctl_sql_error(error, db, "checking for postings");
    }
    sqlite3_finalize(st);
    return ok;
}

static gboolean insert_seed(sqlite3 *db, GArray *postings, GError **error)
{
    sqlite3_stmt *st = NULL;
    gboolean ok = TRUE;

    if (!ctl_sql_prepare(
            db,
            "INSERT INTO postings (title, company, pay_min, pay_max, pay_unit, location, "
            "headcount, tags, requirements, talking_points) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            &st, error)) {
        return FALSE;
    }
    for (guint i = 0; ok && i < postings->len; i++) {
        const SeedPosting *sp = &g_array_index(postings, SeedPosting, i);
        ctl_sql_reset(st);
        ctl_sql_bind_text(st, 1, sp->title);
        ctl_sql_bind_text(st, 2, sp->company);
        sqlite3_bind_double(st, 3, sp->pay_min);
        sqlite3_bind_double(st, 4, sp->pay_max);
        ctl_sql_bind_text(st, 5, sp->pay_unit);
        ctl_sql_bind_text(st, 6, sp->location);
        sqlite3_bind_int64(st, 7, sp->headcount);
        ctl_sql_bind_text(st, 8, sp->tags_json);
        ctl_sql_bind_text(st, 9, sp->requirements);
        ctl_sql_bind_text(st, 10, sp->talking_points);
        if (sqlite3_step(st) != SQLITE_DONE) {
            ctl_sql_error(error, db, "inserting a seed posting");
            ok = FALSE;
        }
    }
    sqlite3_finalize(st);
    return ok;
}

gboolean ctl_store_seed(CtlStore *store, const char *json, gsize len, guint *inserted,
                        GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new_immutable();
    g_autoptr(GArray) postings = NULL;
    gboolean empty = FALSE;

    g_return_val_if_fail(store != NULL, FALSE);
    g_return_val_if_fail(json != NULL, FALSE);
    if (inserted != NULL) {
        *inserted = 0;
    }
    /* Validate everything first: a bad document must not be half-inserted. */
    postings = parse_seed(parser, json, len, error);
    if (postings == NULL) {
        return FALSE;
    }
    /* The emptiness check runs inside the write transaction so that two seeders (or a
     * restart racing a seed) cannot both insert. */
    if (!ctl_sql_exec(store->db, "BEGIN IMMEDIATE", "starting the seed", error)) {
        return FALSE;
    }
    if (!postings_empty(store->db, &empty, error) ||
        (empty && !insert_seed(store->db, postings, error)) ||
        !ctl_sql_exec(store->db, "COMMIT", "committing the seed", error)) {
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
        return FALSE;
    }
    if (inserted != NULL && empty) {
        *inserted = postings->len;
    }
    return TRUE;
}

sqlite3 *ctl_store_db(CtlStore *store)
{
    return store->db;
}
