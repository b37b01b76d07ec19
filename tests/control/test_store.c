/* Tests of ctl_store against real SQLite files in a fresh temporary directory per test.
 *
 * Threads: the tests run on the main thread, which owns the default GMainContext the store reports
 * sign-ups on; /control/store/signups-from-threads adds submitting threads. Durability is checked
 * through a separate sqlite3 connection, never through the store under test. */
#include "ctl_store.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_store_db.h"
#include "ctl_store_migrate.h"
#include "ctl_seed.h"
#include "jc_error.h"

/* The postings in data/postings.json. */
#define SAMPLE_POSTINGS 15

typedef struct {
    char *dir;  /* owned: the temporary directory, removed with its files on teardown */
    char *path; /* owned: the database file inside dir */
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->dir = g_dir_make_tmp("jobcast-store-XXXXXX", &error);
    g_assert_no_error(error);
    f->path = g_build_filename(f->dir, "jobcast.db", NULL);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    g_autoptr(GDir) dir = g_dir_open(f->dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *file = g_build_filename(f->dir, name, NULL);
        g_assert_cmpint(g_remove(file), ==, 0);
    }
    g_assert_cmpint(g_rmdir(f->dir), ==, 0);
    g_free(f->path);
    g_free(f->dir);
}

static CtlStore *open_store(const Fixture *f)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = ctl_store_open(f->path, &error);

    g_assert_no_error(error);
    g_assert_nonnull(store);
    return store;
}

/* The source tree: JOBCAST_SOURCE_DIR as ctest sets it, else two levels above this file (CMake
 * compiles it by absolute path) so the program also runs by hand. (transfer full) */
static char *source_dir(void)
{
    g_autofree char *here = NULL;
    g_autofree char *tests = NULL;

    if (g_getenv("JOBCAST_SOURCE_DIR") != NULL) {
        return g_strdup(g_getenv("JOBCAST_SOURCE_DIR"));
    }
    here = g_path_get_dirname(__FILE__);
    tests = g_path_get_dirname(here);
    return g_path_get_dirname(tests);
}

static char *read_samples(gsize *len)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = source_dir();
    g_autofree char *file = g_build_filename(dir, "data", "postings.json", NULL);
    char *text = NULL;

    g_file_get_contents(file, &text, len, &error);
    g_assert_no_error(error);
    return text;
}

static void seed_samples(CtlStore *store)
{
    g_autoptr(GError) error = NULL;
    gsize len = 0;
    g_autofree char *json = read_samples(&len);
    guint inserted = 0;

    g_assert_true(ctl_seed_postings(store, json, len, &inserted, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(inserted, ==, SAMPLE_POSTINGS);
}

/* A separate connection to the file: sees only what is committed. */
static sqlite3 *open_raw(const Fixture *f)
{
    sqlite3 *db = NULL;

    g_assert_cmpint(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static gint64 query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    gint64 v;

    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static char *query_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    char *v;

    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    v = g_strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

/* One sign-up's outcome, filled by on_done on the main thread. */
typedef struct {
    gboolean fired;
    guint times;
    gint64 id;
    gboolean duplicate;
    GError *error; /* owned copy */
    GThread *thread;
    guint *counter; /* borrowed: shared count of callbacks, may be NULL */
} Result;

static void result_clear(Result *r)
{
    g_clear_error(&r->error);
}

static void on_done(gint64 signup_id, gboolean duplicate, const GError *error, gpointer data)
{
    Result *r = data;

    r->fired = TRUE;
    r->times++;
    r->id = signup_id;
    r->duplicate = duplicate;
    g_clear_error(&r->error);
    r->error = error ? g_error_copy(error) : NULL;
    r->thread = g_thread_self();
    if (r->counter != NULL) {
        (*r->counter)++;
    }
}

static void submit(CtlStore *store, gint64 posting_id, const char *name, const char *phone,
                   Result *r)
{
    CtlSignupRequest req = {
        .posting_id = posting_id,
        .name = name,
        .phone = phone,
        .consent = TRUE,
        .client_addr = "127.0.0.1",
    };
    ctl_store_add_signup(store, &req, on_done, r);
}

static gboolean set_flag(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Iterates the default context until *counter reaches want; fails the test after 15 s. */
static void run_until(const guint *counter, guint want)
{
    gboolean timed_out = FALSE;
    guint timeout = g_timeout_add_seconds(15, set_flag, &timed_out);

    while (*counter < want && !timed_out) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_assert_false(timed_out);
    g_source_remove(timeout);
}

/* Holds the database's write lock on a separate connection and queues one sacrificial sign-up,
 * then waits: the writer has taken that one and stalls in BEGIN IMMEDIATE, so everything queued
 * until the returned connection commits lands in the writer's next batch, together. */
static sqlite3 *stall_writer(const Fixture *f, CtlStore *store, Result *sacrifice)
{
    sqlite3 *blocker = open_raw(f);

    g_assert_cmpint(sqlite3_exec(blocker, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
    submit(store, 1, "sacrifice", "10000000000", sacrifice);
    g_usleep(100 * 1000);
    return blocker;
}

static void release_writer(sqlite3 *blocker)
{
    g_assert_cmpint(sqlite3_exec(blocker, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(blocker);
}

static void test_creates_schema(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    sqlite3 *db = open_raw(f);
    g_autofree char *mode = query_text(db, "PRAGMA journal_mode");

    g_assert_cmpint(query_int(db, "PRAGMA user_version"), >=, 1);
    g_assert_cmpstr(mode, ==, "wal");
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                  "name IN ('postings', 'signups', 'state')"),
                    ==, 3);
    /* The schema's own checks hold, whoever writes. */
    g_assert_cmpint(sqlite3_exec(db,
                                 "INSERT INTO postings (title, company, pay_min, pay_max, "
                                 "pay_unit, headcount) VALUES ('t', 'c', 1, 2, 'week', 1)",
                                 NULL, NULL, NULL),
                    ==, SQLITE_CONSTRAINT);
    sqlite3_close(db);
    ctl_store_close(store);
}

static void test_open_missing_dir_fails(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = g_build_filename(f->dir, "no-such-dir", "jobcast.db", NULL);
    CtlStore *store = ctl_store_open(path, &error);

    g_assert_null(store);
    g_assert_error(error, JC_ERROR, JC_ERROR_DB);
}

static void test_reopen_keeps_data(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) postings = NULL;
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result r = {.counter = &fired};

    seed_samples(store);
    g_assert_true(ctl_store_set_state(store, "on_air_posting", "3", &error));
    submit(store, 3, "张三", "13800000001", &r);
    run_until(&fired, 1);
    g_assert_no_error(r.error);
    ctl_store_close(store);

    store = open_store(f);
    postings = ctl_store_list_postings(store, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(postings->len, ==, SAMPLE_POSTINGS);
    g_autofree char *on_air = ctl_store_get_state(store, "on_air_posting", &error);
    g_assert_cmpstr(on_air, ==, "3");
    g_assert_cmpint(ctl_store_count_signups(store, 3, &error), ==, 1);
    g_assert_no_error(error);
    ctl_store_close(store);
    result_clear(&r);
}

/* Every field of every sample posting reads back as the document has it. */
static void test_seed_inserts_samples(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GPtrArray) postings = NULL;
    gsize len = 0;
    g_autofree char *json = read_samples(&len);
    CtlStore *store = open_store(f);
    JsonArray *want;

    seed_samples(store);
    postings = ctl_store_list_postings(store, &error);
    g_assert_no_error(error);
    g_assert_true(json_parser_load_from_data(parser, json, (gssize)len, &error));
    want = json_object_get_array_member(json_node_get_object(json_parser_get_root(parser)),
                                        "postings");
    g_assert_cmpuint(postings->len, ==, json_array_get_length(want));
    for (guint i = 0; i < postings->len; i++) {
        const CtlPosting *p = postings->pdata[i];
        JsonObject *o = json_array_get_object_element(want, i);
        JsonArray *tags = json_object_get_array_member(o, "tags");

        if (i > 0) {
            g_assert_cmpint(p->id, >, ((CtlPosting *)postings->pdata[i - 1])->id);
        }
        g_assert_cmpstr(p->title, ==, json_object_get_string_member(o, "title"));
        g_assert_cmpstr(p->company, ==, json_object_get_string_member(o, "company"));
        g_assert_cmpfloat(p->pay_min, ==, json_object_get_double_member(o, "pay_min"));
        g_assert_cmpfloat(p->pay_max, ==, json_object_get_double_member(o, "pay_max"));
        g_assert_cmpstr(p->pay_unit, ==, json_object_get_string_member(o, "pay_unit"));
        g_assert_cmpstr(p->location, ==, json_object_get_string_member(o, "location"));
        g_assert_cmpint(p->headcount, ==, json_object_get_int_member(o, "headcount"));
        g_assert_cmpstr(p->requirements, ==, json_object_get_string_member(o, "requirements"));
        g_assert_cmpstr(p->talking_points, ==, json_object_get_string_member(o, "talking_points"));
        g_assert_cmpuint(g_strv_length(p->tags), ==, json_array_get_length(tags));
        for (guint t = 0; t < json_array_get_length(tags); t++) {
            g_assert_cmpstr(p->tags[t], ==, json_array_get_string_element(tags, t));
        }
    }

    /* The cases the comparison above could pass vacuously on. */
    g_autoptr(CtlPosting) beads = ctl_store_get_posting(store, 4, &error);
    g_assert_no_error(error);
    g_assert_cmpfloat(beads->pay_min, ==, 0.8);
    g_assert_cmpfloat(beads->pay_max, ==, 1.5);
    g_assert_cmpstr(beads->pay_unit, ==, "piece");
    g_assert_cmpstr(beads->tags[2], ==, "大龄可干");
    g_autoptr(CtlPosting) markup = ctl_store_get_posting(store, 15, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(markup->tags[1], ==, "<script>");
    g_assert_cmpstr(markup->company, ==, "O'Brien & 李氏搬家");
    g_autoptr(CtlPosting) english = ctl_store_get_posting(store, 14, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(english->requirements, ==, "");
    ctl_store_close(store);
}

static void test_seed_only_when_empty(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) postings = NULL;
    CtlStore *store = open_store(f);
    const char *other = "{\"postings\": [{\"title\": \"t\", \"company\": \"c\", \"pay_min\": 1,"
                        " \"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": 1}]}";
    guint inserted = 99;

    seed_samples(store);
    g_assert_true(ctl_seed_postings(store, other, strlen(other), &inserted, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(inserted, ==, 0);
    ctl_store_close(store);

    /* Also after a restart. */
    store = open_store(f);
    inserted = 99;
    g_assert_true(ctl_seed_postings(store, other, strlen(other), &inserted, &error));
    g_assert_cmpuint(inserted, ==, 0);
    postings = ctl_store_list_postings(store, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(postings->len, ==, SAMPLE_POSTINGS);
    ctl_store_close(store);
}

/* Each document is bad in one way; the good posting before the bad one is not inserted. */
static void test_seed_malformed_inserts_nothing(Fixture *f, gconstpointer data)
{
#define GOOD                                                                                       \
    "{\"title\": \"t\", \"company\": \"c\", \"pay_min\": 1, \"pay_max\": 2, \"pay_unit\": "        \
    "\"day\", \"headcount\": 1, \"tags\": [\"a\"]}"
    static const char *const bad[] = {
        "",
        "not json",
        "{\"postings\": [" GOOD ",", /* truncated */
        "[" GOOD "]",
        "{\"postings\": {}}",
        "{\"items\": [" GOOD "]}",
        "{\"postings\": [" GOOD ", 3]}",
        "{\"postings\": [" GOOD ", {\"title\": \"\", \"company\": \"c\", \"pay_min\": 1, "
        "\"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": 1}]}",
        "{\"postings\": [" GOOD ", {\"title\": \"t\", \"pay_min\": 1, "
        "\"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": 1}]}",
        "{\"postings\": [" GOOD ", {\"title\": \"t\", \"company\": \"c\", \"pay_min\": 3, "
        "\"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": 1}]}",
        "{\"postings\": [" GOOD ", {\"title\": \"t\", \"company\": \"c\", \"pay_min\": \"1\", "
        "\"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": 1}]}",
        "{\"postings\": [" GOOD ", {\"title\": \"t\", \"company\": \"c\", \"pay_min\": 1, "
        "\"pay_max\": 2, \"pay_unit\": \"week\", \"headcount\": 1}]}",
        "{\"postings\": [" GOOD ", {\"title\": \"t\", \"company\": \"c\", \"pay_min\": 1, "
        "\"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": -1}]}",
        "{\"postings\": [" GOOD ", {\"title\": \"t\", \"company\": \"c\", \"pay_min\": 1, "
        "\"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": 1.5}]}",
        "{\"postings\": [" GOOD ", {\"title\": \"t\", \"company\": \"c\", \"pay_min\": 1, "
        "\"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": 1, \"tags\": [1]}]}",
        "{\"postings\": [" GOOD ", {\"title\": \"t\", \"company\": \"c\", \"pay_min\": 1, "
        "\"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": 1, \"tags\": \"a\"}]}",
    };
    const char *good = "{\"postings\": [" GOOD "]}";
#undef GOOD
    CtlStore *store = open_store(f);
    g_autoptr(GPtrArray) postings = NULL;
    g_autoptr(GError) error = NULL;
    guint inserted = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) bad_error = NULL;
        g_autoptr(GPtrArray) none = NULL;

        inserted = 99;
        g_assert_false(ctl_seed_postings(store, bad[i], strlen(bad[i]), &inserted, &bad_error));
        g_assert_error(bad_error, JC_ERROR, JC_ERROR_INVALID);
        g_assert_cmpuint(inserted, ==, 0);
        none = ctl_store_list_postings(store, &error);
        g_assert_no_error(error);
        g_assert_cmpuint(none->len, ==, 0);
    }
    /* The table is still empty, so a good document seeds. */
    g_assert_true(ctl_seed_postings(store, good, strlen(good), &inserted, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(inserted, ==, 1);
    postings = ctl_store_list_postings(store, &error);
    g_assert_cmpuint(postings->len, ==, 1);
    ctl_store_close(store);
}

/* Every sample posting passes the validation postings.create applies (the same code seeds
 * them), one by one so that a failure names the posting, and the embedded copy seeds them all. */
static void test_seed_every_sample_valid(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonParser) parser = json_parser_new();
    gsize len = 0;
    g_autofree char *json = read_samples(&len);
    g_assert_true(json_parser_load_from_data(parser, json, (gssize)len, &error));
    JsonArray *all = json_object_get_array_member(
        json_node_get_object(json_parser_get_root(parser)), "postings");
    g_assert_cmpuint(json_array_get_length(all), ==, SAMPLE_POSTINGS);
    for (guint i = 0; i < json_array_get_length(all); i++) {
        g_autoptr(CtlPosting) p =
            ctl_posting_from_params(json_array_get_object_element(all, i), NULL, &error);
        if (p == NULL)
            g_test_message("sample posting %u: %s", i, error->message);
        g_assert_no_error(error);
    }
    CtlStore *store = open_store(f);
    guint inserted = 0;
    g_assert_true(ctl_seed_samples(store, &inserted, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(inserted, ==, SAMPLE_POSTINGS);
    ctl_store_close(store);
}

/* A posting the producer's form would refuse is refused in a seed document too, by name. */
static void test_seed_refuses_what_create_refuses(Fixture *f, gconstpointer data)
{
    const char *json = "{\"postings\": [{\"title\": \"t\", \"company\": \"c\", \"pay_min\": 1, "
                       "\"pay_max\": 2, \"pay_unit\": \"day\", \"headcount\": 1, \"tags\": "
                       "[\"a tag far longer than twelve\"]}]}";
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    guint inserted = 99;
    g_assert_false(ctl_seed_postings(store, json, strlen(json), &inserted, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_true(g_str_has_prefix(error->message, "seed posting 0: tags: "));
    g_assert_cmpuint(inserted, ==, 0);
    ctl_store_close(store);
}

static void test_get_missing_not_found(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    CtlPosting *p;

    seed_samples(store);
    p = ctl_store_get_posting(store, 999, &error);
    g_assert_null(p);
    g_assert_error(error, JC_ERROR, JC_ERROR_NOT_FOUND);
    ctl_store_close(store);
}

static void test_signup_durable(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result r = {.counter = &fired};
    sqlite3 *db;

    seed_samples(store);
    submit(store, 2, "李四", "13900000002", &r);
    run_until(&fired, 1);
    g_assert_no_error(r.error);
    g_assert_cmpint(r.id, >, 0);
    g_assert_false(r.duplicate);
    g_assert_true(r.thread == g_thread_self());

    /* Before close: the row is committed, not merely queued. */
    db = open_raw(f);
    g_autofree char *sql = g_strdup_printf("SELECT name || '|' || phone || '|' || posting_id || "
                                           "'|' || client_addr || '|' || (consent_at IS NOT NULL)"
                                           " FROM signups WHERE id = %" G_GINT64_FORMAT,
                                           r.id);
    g_autofree char *row = query_text(db, sql);
    g_assert_cmpstr(row, ==, "李四|13900000002|2|127.0.0.1|1");
    sqlite3_close(db);
    g_assert_cmpint(ctl_store_count_signups(store, 2, &error), ==, 1);
    ctl_store_close(store);
    g_assert_cmpuint(r.times, ==, 1);
    result_clear(&r);
}

/* The writer stamps a batch in C: the same text SQLite's strftime makes (CTL_NOW_SQL), for
 * times across a year, a leap day and the last millisecond of a minute. */
static void test_stamp_like_sqlite(Fixture *f, gconstpointer data)
{
    static const gint64 ms[] = {0, 1714552200123, 1709208000999, 1735689599999, 1764288000001};
    sqlite3 *db = NULL;

    g_assert_cmpint(sqlite3_open(":memory:", &db), ==, SQLITE_OK);
    for (gsize i = 0; i < G_N_ELEMENTS(ms); i++) {
        char stamp[CTL_STORE_STAMP_SIZE];
        /* Microseconds below the millisecond are cut, as SQLite's clock never has them. */
        ctl_store_stamp(ms[i] * 1000 + 999, stamp);
        g_autofree char *sql = g_strdup_printf(
            "SELECT strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', %" G_GINT64_FORMAT " / 1000.0, "
            "'unixepoch')",
            ms[i]);
        g_autofree char *want = query_text(db, sql);
        g_assert_cmpstr(stamp, ==, want);
    }
    sqlite3_close(db);
    char stamp[CTL_STORE_STAMP_SIZE];
    ctl_store_stamp(1714552200123456, stamp);
    g_assert_cmpstr(stamp, ==, "2024-05-01T08:30:00.123Z");
}

/* A stored sign-up's created_at and consent_at are the batch's stamp, close to now. */
static void test_signup_stamped(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result r = {.counter = &fired};
    sqlite3 *db;

    seed_samples(store);
    submit(store, 1, "王五", "13900000005", &r);
    run_until(&fired, 1);
    g_assert_no_error(r.error);
    db = open_raw(f);
    g_autofree char *sql =
        g_strdup_printf("SELECT created_at FROM signups WHERE id = %" G_GINT64_FORMAT, r.id);
    g_autofree char *created = query_text(db, sql);
    g_autofree char *same = g_strdup_printf(
        "SELECT consent_at = created_at AND abs(julianday(created_at) - julianday('now')) * 86400 "
        "< 60 FROM signups WHERE id = %" G_GINT64_FORMAT,
        r.id);
    g_assert_cmpint(query_int(db, same), ==, 1);
    g_assert_true(g_regex_match_simple("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$",
                                       created, 0, 0));
    sqlite3_close(db);
    ctl_store_close(store);
    result_clear(&r);
}

static void test_signup_duplicate_returns_first(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result first = {.counter = &fired};
    Result again = {.counter = &fired};
    Result other_posting = {.counter = &fired};
    sqlite3 *db;

    seed_samples(store);
    /* Same phone for another posting is not a duplicate; committing it first also makes sure
     * the duplicate's id is looked up, not merely the latest row's. */
    submit(store, 5, "王五", "13700000003", &first);
    submit(store, 6, "王五", "13700000003", &other_posting);
    run_until(&fired, 2);
    submit(store, 5, "王五 again", "13700000003", &again);
    run_until(&fired, 3);

    g_assert_no_error(first.error);
    g_assert_no_error(again.error);
    g_assert_no_error(other_posting.error);
    g_assert_false(first.duplicate);
    g_assert_true(again.duplicate);
    g_assert_cmpint(again.id, ==, first.id);
    g_assert_false(other_posting.duplicate);
    g_assert_cmpint(other_posting.id, !=, first.id);
    g_assert_cmpint(ctl_store_count_signups(store, 5, &error), ==, 1);

    db = open_raw(f);
    g_autofree char *name = query_text(db, "SELECT name FROM signups WHERE posting_id = 5");
    g_assert_cmpstr(name, ==, "王五");
    sqlite3_close(db);
    ctl_store_close(store);
    result_clear(&first);
    result_clear(&again);
    result_clear(&other_posting);
}

/* Both submissions land in one batch; the second still sees the first's row. */
static void test_signup_duplicate_in_one_batch(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result sacrifice = {.counter = &fired};
    Result a = {.counter = &fired};
    Result b = {.counter = &fired};
    sqlite3 *blocker;
    guint64 commits_before;

    seed_samples(store);
    commits_before = ctl_store_commit_count(store);
    blocker = stall_writer(f, store, &sacrifice);
    submit(store, 7, "赵六", "13600000004", &a);
    submit(store, 7, "赵六", "13600000004", &b);
    release_writer(blocker);
    run_until(&fired, 3);
    g_assert_cmpuint(ctl_store_commit_count(store) - commits_before, <=, 2);
    g_assert_no_error(a.error);
    g_assert_no_error(b.error);
    g_assert_cmpint(a.id, ==, b.id);
    g_assert_false(a.duplicate);
    g_assert_true(b.duplicate);
    g_assert_cmpint(ctl_store_count_signups(store, 7, NULL), ==, 1);
    ctl_store_close(store);
    result_clear(&sacrifice);
    result_clear(&a);
    result_clear(&b);
}

/* Good and bad rows in one batch: the bad ones fail, the good ones commit with them. */
static void test_signup_unknown_posting_fails_alone(Fixture *f, gconstpointer data)
{
    static const gint64 posting[] = {1, 999, 2, 1000, 3};
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result sacrifice = {.counter = &fired};
    Result r[G_N_ELEMENTS(posting)] = {0};
    guint64 commits_before;
    sqlite3 *blocker;
    sqlite3 *db;

    seed_samples(store);
    commits_before = ctl_store_commit_count(store);
    blocker = stall_writer(f, store, &sacrifice);
    for (gsize i = 0; i < G_N_ELEMENTS(posting); i++) {
        g_autofree char *phone = g_strdup_printf("1350000000%zu", i);
        r[i].counter = &fired;
        submit(store, posting[i], "applicant", phone, &r[i]);
    }
    g_assert_cmpuint(fired, ==, 0);
    release_writer(blocker);
    run_until(&fired, 1 + G_N_ELEMENTS(posting));

    /* The sacrifice's batch and one more: the failures cost no transaction of their own. */
    g_assert_cmpuint(ctl_store_commit_count(store) - commits_before, <=, 2);
    g_assert_no_error(sacrifice.error);
    for (gsize i = 0; i < G_N_ELEMENTS(posting); i++) {
        if (posting[i] >= 999) {
            g_assert_error(r[i].error, JC_ERROR, JC_ERROR_NOT_FOUND);
        } else {
            g_assert_no_error(r[i].error);
            g_assert_cmpint(r[i].id, >, 0);
        }
        g_assert_cmpuint(r[i].times, ==, 1);
    }
    db = open_raw(f);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM signups WHERE name = 'applicant'"), ==, 3);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM signups WHERE posting_id IN (1, 2, 3) "
                                  "AND name = 'applicant'"),
                    ==, 3);
    /* A failed row's trigger work went with it (no savepoint: SQLite backs out the statement),
     * so the kept counts still agree with the table. */
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM signup_counts WHERE posting_id >= 999"), ==,
                    0);
    g_assert_cmpint(query_int(db, "SELECT (SELECT sum(n) FROM signup_counts) - "
                                  "(SELECT count(*) FROM signups)"),
                    ==, 0);
    sqlite3_close(db);
    ctl_store_close(store);
    result_clear(&sacrifice);
    for (gsize i = 0; i < G_N_ELEMENTS(posting); i++) {
        result_clear(&r[i]);
    }
}

#define MANY 200

static void test_group_commit(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result *r = g_new0(Result, MANY);
    guint64 commits;
    sqlite3 *db;

    seed_samples(store);
    for (guint i = 0; i < MANY; i++) {
        g_autofree char *phone = g_strdup_printf("138%08u", i);
        r[i].counter = &fired;
        submit(store, 1 + i % SAMPLE_POSTINGS, "applicant", phone, &r[i]);
    }
    run_until(&fired, MANY);
    commits = ctl_store_commit_count(store);
    g_test_message("%u sign-ups in %" G_GUINT64_FORMAT " transactions", MANY, commits);
    g_assert_cmpuint(commits, >=, 1);
    g_assert_cmpuint(commits, <=, MANY / 4);
    for (guint i = 0; i < MANY; i++) {
        g_assert_no_error(r[i].error);
        g_assert_cmpuint(r[i].times, ==, 1);
        g_assert_false(r[i].duplicate);
    }
    db = open_raw(f);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM signups"), ==, MANY);
    g_assert_cmpint(query_int(db, "SELECT count(DISTINCT id) FROM signups"), ==, MANY);
    sqlite3_close(db);
    ctl_store_close(store);
    for (guint i = 0; i < MANY; i++) {
        result_clear(&r[i]);
    }
    g_free(r);
}

#define THREADS 4
#define PER_THREAD 50

typedef struct {
    CtlStore *store; /* borrowed */
    guint index;
    Result *results; /* borrowed: PER_THREAD of them */
} Submitter;

static gpointer submitter_main(gpointer data)
{
    Submitter *s = data;

    for (guint i = 0; i < PER_THREAD; i++) {
        g_autofree char *phone = g_strdup_printf("139%02u%06u", s->index, i);
        submit(s->store, 1 + (s->index + i) % SAMPLE_POSTINGS, "applicant", phone, &s->results[i]);
    }
    return NULL;
}

static void test_signups_from_threads(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result *r = g_new0(Result, THREADS * PER_THREAD);
    Submitter sub[THREADS];
    GThread *threads[THREADS];
    sqlite3 *db;

    seed_samples(store);
    for (guint i = 0; i < THREADS * PER_THREAD; i++) {
        r[i].counter = &fired;
    }
    for (guint t = 0; t < THREADS; t++) {
        sub[t] = (Submitter){.store = store, .index = t, .results = &r[t * PER_THREAD]};
        threads[t] = g_thread_new("submitter", submitter_main, &sub[t]);
    }
    for (guint t = 0; t < THREADS; t++) {
        g_thread_join(threads[t]);
    }
    run_until(&fired, THREADS * PER_THREAD);
    for (guint i = 0; i < THREADS * PER_THREAD; i++) {
        g_assert_no_error(r[i].error);
        g_assert_cmpuint(r[i].times, ==, 1);
        g_assert_true(r[i].thread == g_thread_self());
    }
    db = open_raw(f);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM signups"), ==, THREADS * PER_THREAD);
    sqlite3_close(db);
    ctl_store_close(store);
    for (guint i = 0; i < THREADS * PER_THREAD; i++) {
        result_clear(&r[i]);
    }
    g_free(r);
}

#define DRAIN 50

static void test_close_drains(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result r[DRAIN] = {0};
    sqlite3 *db;

    seed_samples(store);
    for (guint i = 0; i < DRAIN; i++) {
        g_autofree char *phone = g_strdup_printf("137%08u", i);
        r[i].counter = &fired;
        submit(store, 9, "applicant", phone, &r[i]);
    }
    /* No main loop iteration: every result must come out of close itself. */
    ctl_store_close(store);
    g_assert_cmpuint(fired, ==, DRAIN);
    for (guint i = 0; i < DRAIN; i++) {
        g_assert_no_error(r[i].error);
        g_assert_cmpuint(r[i].times, ==, 1);
    }
    db = open_raw(f);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM signups"), ==, DRAIN);
    sqlite3_close(db);
    /* Nothing stale is left on the context to fire after the store is gone. */
    while (g_main_context_iteration(NULL, FALSE)) {
    }
    g_assert_cmpuint(fired, ==, DRAIN);
    for (guint i = 0; i < DRAIN; i++) {
        result_clear(&r[i]);
    }
}

static void test_state_persists(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    char *value;

    value = ctl_store_get_state(store, "on_air_posting", &error);
    g_assert_no_error(error);
    g_assert_null(value);
    g_assert_true(ctl_store_set_state(store, "on_air_posting", "4", &error));
    g_assert_true(ctl_store_set_state(store, "on_air_posting", "7", &error));
    g_assert_true(ctl_store_set_state(store, "rundown", "[1,2,3]", &error));
    g_assert_true(ctl_store_set_state(store, "scratch", "x", &error));
    g_assert_true(ctl_store_set_state(store, "scratch", NULL, &error));
    g_assert_no_error(error);
    ctl_store_close(store);

    store = open_store(f);
    value = ctl_store_get_state(store, "on_air_posting", &error);
    g_assert_cmpstr(value, ==, "7");
    g_free(value);
    value = ctl_store_get_state(store, "rundown", &error);
    g_assert_cmpstr(value, ==, "[1,2,3]");
    g_free(value);
    value = ctl_store_get_state(store, "scratch", &error);
    g_assert_null(value);
    g_assert_no_error(error);
    ctl_store_close(store);
}

/* ---- schema migrations ---- */

/* Data an older jobcast could have written at each schema version, inserted raw. */
static void fill_old(const Fixture *f, guint version)
{
    sqlite3 *db = open_raw(f);
    if (version >= 1) {
        g_assert_cmpint(
            sqlite3_exec(
                db,
                "INSERT INTO postings (title, company, pay_min, pay_max, pay_unit, "
                "headcount, tags) VALUES ('普工', '某厂', 200, 260, 'day', 5, '[\"日结\"]');"
                "INSERT INTO signups (posting_id, name, phone, consent_at, client_addr) "
                "VALUES (1, '张三', '13800001111', '2026-01-01T00:00:00.000Z', '1.2.3.4');"
                "INSERT INTO state (key, value) VALUES ('on_air_posting', '1');",
                NULL, NULL, NULL),
            ==, SQLITE_OK);
    }
    sqlite3_close(db);
}

/* From every earlier schema version (0 = an empty file) the current code migrates, and what
 * was there is intact. */
static void test_migrates_from_each_version(Fixture *f, gconstpointer data)
{
    guint latest = ctl_store_schema_version();
    g_assert_cmpuint(latest, >=, 2);
    for (guint v = 0; v < latest; v++) {
        g_autoptr(GError) error = NULL;
        g_remove(f->path);
        g_autofree char *wal = g_strconcat(f->path, "-wal", NULL);
        g_autofree char *shm = g_strconcat(f->path, "-shm", NULL);
        g_remove(wal);
        g_remove(shm);
        g_assert_true(ctl_store_create_at_version(f->path, v, &error));
        g_assert_no_error(error);
        fill_old(f, v);

        CtlStore *store = open_store(f);
        sqlite3 *db = open_raw(f);
        g_assert_cmpint(query_int(db, "PRAGMA user_version"), ==, latest);
        if (v >= 1) {
            g_autoptr(CtlPosting) p = ctl_store_get_posting(store, 1, &error);
            g_assert_no_error(error);
            g_assert_cmpstr(p->title, ==, "普工");
            g_assert_cmpstr(p->tags[0], ==, "日结");
            g_assert_cmpint(p->version, ==, 1);
            g_assert_false(p->archived);
            g_autofree char *name = query_text(db, "SELECT name FROM signups WHERE id = 1");
            g_assert_cmpstr(name, ==, "张三");
            g_assert_cmpint(query_int(db, "SELECT show_id FROM signups WHERE id = 1"), ==, 0);
            g_autofree char *consent = query_text(db, "SELECT consent_at FROM signups");
            g_assert_cmpstr(consent, ==, "2026-01-01T00:00:00.000Z");
            g_assert_cmpint(ctl_store_count_signups(store, 1, &error), ==, 1);
            g_autofree char *on_air = ctl_store_get_state(store, "on_air_posting", &error);
            g_assert_cmpstr(on_air, ==, "1");
        }
        /* The new tables exist and work. */
        g_assert_cmpint(query_int(db, "SELECT count(*) FROM shows"), ==, 0);
        g_assert_cmpint(query_int(db, "SELECT count(*) FROM accounts"), ==, 0);
        g_assert_cmpint(query_int(db, "SELECT count(*) FROM funnel"), ==, 0);
        /* Every role, the overlay's too, goes into the accounts; nothing else does. */
        g_assert_cmpint(ctl_store_account_add(store, "obs", "overlay", "h1", &error), >, 0);
        g_assert_no_error(error);
        g_assert_cmpint(sqlite3_exec(db, "INSERT INTO accounts (name, role) VALUES ('x', 'root')",
                                     NULL, NULL, NULL),
                        ==, SQLITE_CONSTRAINT);
        sqlite3_close(db);
        ctl_store_close(store);
    }
}

static void test_newer_schema_refused(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    ctl_store_close(store);
    sqlite3 *db = open_raw(f);
    g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
    g_assert_null(ctl_store_open(f->path, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_DB);
}

/* ---- postings ---- */

static CtlPosting *sample_posting(void)
{
    CtlPosting *p = g_new0(CtlPosting, 1);
    p->title = g_strdup("仓库装卸工");
    p->company = g_strdup("临沂物流园");
    p->pay_min = 200;
    p->pay_max = 300;
    p->pay_unit = g_strdup("day");
    p->location = g_strdup("临沂");
    p->headcount = 2;
    p->tags = g_strsplit("日结,包午餐", ",", -1);
    p->requirements = g_strdup("");
    p->talking_points = g_strdup("");
    return p;
}

static void test_posting_update_conflict(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    g_autoptr(CtlPosting) p = sample_posting();
    gint64 id = ctl_store_create_posting(store, p, &error);
    g_assert_no_error(error);
    g_assert_cmpint(id, >, 0);

    /* Two producers load version 1; the first save wins, the second is refused. */
    p->id = id;
    p->version = 1;
    g_free(p->title);
    p->title = g_strdup("first");
    g_assert_true(ctl_store_update_posting(store, p, &error));
    g_free(p->title);
    p->title = g_strdup("second");
    g_assert_false(ctl_store_update_posting(store, p, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_CONFLICT);
    g_clear_error(&error);
    g_autoptr(CtlPosting) now = ctl_store_get_posting(store, id, &error);
    g_assert_cmpstr(now->title, ==, "first");
    g_assert_cmpint(now->version, ==, 2);

    p->id = 9999;
    g_assert_false(ctl_store_update_posting(store, p, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_NOT_FOUND);
    ctl_store_close(store);
}

/* ctl_store_get_posting keeps decoded postings in memory: what it returns after an update or
 * an archive is the new posting, and the copy a caller gets is its own. */
static void test_posting_get_follows_writes(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    g_autoptr(CtlPosting) p = sample_posting();
    gint64 id = ctl_store_create_posting(store, p, &error);
    g_autoptr(CtlPosting) a = ctl_store_get_posting(store, id, &error);
    g_assert_cmpstr(a->title, ==, "仓库装卸工");
    g_free(a->title);
    a->title = g_strdup("changed by the caller only");
    g_autoptr(CtlPosting) b = ctl_store_get_posting(store, id, &error);
    g_assert_cmpstr(b->title, ==, "仓库装卸工");
    g_assert_cmpstr(b->tags[1], ==, "包午餐");

    p->id = id;
    p->version = 1;
    g_free(p->title);
    p->title = g_strdup("叉车司机");
    g_assert_true(ctl_store_update_posting(store, p, &error));
    g_autoptr(CtlPosting) c = ctl_store_get_posting(store, id, &error);
    g_assert_cmpstr(c->title, ==, "叉车司机");
    g_assert_cmpint(c->version, ==, 2);
    g_assert_true(ctl_store_archive_posting(store, id, 2, TRUE, &error));
    g_autoptr(CtlPosting) d = ctl_store_get_posting(store, id, &error);
    g_assert_true(d->archived);
    g_assert_cmpint(d->version, ==, 3);
    g_assert_null(ctl_store_get_posting(store, id + 1, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_NOT_FOUND);
    ctl_store_close(store);
}

static void test_posting_archive_and_search(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    seed_samples(store);
    g_assert_true(ctl_store_archive_posting(store, 1, -1, TRUE, &error));
    g_autoptr(GPtrArray) listed = ctl_store_list_postings(store, &error);
    g_assert_cmpuint(listed->len, ==, SAMPLE_POSTINGS - 1);
    g_autoptr(GPtrArray) all = ctl_store_search_postings(store, NULL, TRUE, 0, &error);
    g_assert_cmpuint(all->len, ==, SAMPLE_POSTINGS);
    /* LIKE wildcards in a query are matched literally. */
    g_autoptr(GPtrArray) none = ctl_store_search_postings(store, "%", TRUE, 0, &error);
    g_assert_cmpuint(none->len, ==, 0);
    g_autoptr(CtlPosting) second = ctl_store_get_posting(store, 2, &error);
    g_autoptr(GPtrArray) found =
        ctl_store_search_postings(store, second->company, FALSE, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(found->len, >=, 1);
    ctl_store_close(store);
}

/* ---- shows, rundown, as-aired, accounts ---- */

static void test_rundown_set_and_refuse(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    seed_samples(store);
    gint64 show = ctl_store_create_show(store, "周五专场", &error);
    g_assert_cmpint(show, >, 0);
    gint64 ids[] = {3, 1, 2};
    g_assert_true(ctl_store_set_rundown(store, show, ids, 3, &error));
    gint64 bad[] = {3, 4242};
    g_assert_false(ctl_store_set_rundown(store, show, bad, 2, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_NOT_FOUND);
    g_clear_error(&error);
    gint64 twice[] = {1, 1};
    g_assert_false(ctl_store_set_rundown(store, show, twice, 2, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_clear_error(&error);
    g_autoptr(GArray) got = ctl_store_get_rundown(store, show, &error);
    g_assert_cmpuint(got->len, ==, 3); /* the failed changes left it as it was */
    g_assert_cmpint(g_array_index(got, gint64, 0), ==, 3);
    g_assert_cmpint(g_array_index(got, gint64, 2), ==, 2);

    g_assert_true(ctl_store_start_show(store, show, &error));
    g_assert_true(ctl_store_stop_show(store, show, &error));
    g_assert_false(ctl_store_start_show(store, show, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_CONFLICT);
    ctl_store_close(store);
}

static void test_as_aired_append_only(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    seed_samples(store);
    g_autoptr(CtlPosting) p = ctl_store_get_posting(store, 1, &error);
    g_assert_true(ctl_store_log_take(store, 0, p, "{\"title\":\"x\"}", "producer", &error));
    g_assert_cmpint(ctl_store_count_as_aired(store, &error), ==, 1);
    sqlite3 *db = open_raw(f);
    g_assert_cmpint(sqlite3_exec(db, "UPDATE as_aired SET actor = 'x'", NULL, NULL, NULL), !=,
                    SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "DELETE FROM as_aired", NULL, NULL, NULL), !=, SQLITE_OK);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM as_aired"), ==, 1);
    sqlite3_close(db);
    ctl_store_close(store);
}

static void test_signup_dedup_per_show(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    seed_samples(store);
    guint done = 0;
    Result r[3] = {{.counter = &done}, {.counter = &done}, {.counter = &done}};
    for (int i = 0; i < 3; i++) {
        CtlSignupRequest req = {
            .posting_id = 1,
            .name = "李四",
            .phone = "13900002222",
            .consent = TRUE,
            .show_id = i == 2 ? 7 : 0,
        };
        ctl_store_add_signup(store, &req, on_done, &r[i]);
        run_until(&done, (guint)i + 1);
    }
    g_assert_false(r[0].duplicate);
    g_assert_true(r[1].duplicate); /* same show: the first one back */
    g_assert_cmpint(r[1].id, ==, r[0].id);
    g_assert_false(r[2].duplicate); /* another show counts again */
    g_autoptr(GArray) in_show = ctl_store_count_signups_by_posting(store, 7, NULL);
    g_assert_cmpuint(in_show->len, ==, 2);
    g_assert_cmpint(g_array_index(in_show, gint64, 1), ==, 1);
    for (int i = 0; i < 3; i++)
        result_clear(&r[i]);
    ctl_store_close(store);
}

static void test_accounts_tokens(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    g_assert_cmpint(ctl_store_account_add(store, "host1", "host", "aaa", &error), >, 0);
    g_assert_cmpint(ctl_store_account_add(store, "host1", "host", "bbb", &error), ==, 0);
    g_assert_error(error, JC_ERROR, JC_ERROR_CONFLICT);
    g_clear_error(&error);
    g_assert_cmpint(ctl_store_account_add(store, "x", "admin", "ccc", &error), ==, 0);
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_clear_error(&error);
    CtlAccount *a = ctl_store_account_by_token(store, "aaa", &error);
    g_assert_nonnull(a);
    g_assert_cmpstr(a->role, ==, "host");
    g_assert_cmpint(a->generation, ==, 0);
    ctl_account_free(a);
    /* Every change of credentials is a new generation (what a server signs out by). */
    g_assert_true(ctl_store_account_set_password(store, "host1", "$argon2id$x", &error));
    g_assert_true(ctl_store_account_rotate(store, "host1", "ddd", &error));
    g_assert_null(ctl_store_account_by_token(store, "aaa", &error));
    a = ctl_store_account_by_token(store, "ddd", &error);
    g_assert_nonnull(a);
    g_assert_cmpint(a->generation, ==, 2);
    ctl_account_free(a);
    g_assert_true(ctl_store_account_revoke(store, "host1", &error));
    g_assert_null(ctl_store_account_by_token(store, "ddd", &error));
    g_assert_no_error(error);
    g_autoptr(GPtrArray) all = ctl_store_list_accounts(store, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(all->len, ==, 1);
    g_assert_cmpint(((CtlAccount *)all->pdata[0])->generation, ==, 3);

    /* The data version moves with another connection's commit (`jobcast accounts`), not with
     * the store's own. */
    gint64 before = ctl_store_data_version(store, &error);
    g_assert_cmpint(before, >=, 0);
    g_assert_true(ctl_store_account_rotate(store, "host1", "eee", &error));
    g_assert_cmpint(ctl_store_data_version(store, &error), ==, before);
    sqlite3 *other = NULL;
    g_assert_cmpint(sqlite3_open_v2(f->path, &other, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    g_assert_cmpint(
        sqlite3_exec(other, "UPDATE accounts SET generation = generation + 1", NULL, NULL, NULL),
        ==, SQLITE_OK);
    sqlite3_close(other);
    g_assert_cmpint(ctl_store_data_version(store, &error), !=, before);
    g_assert_no_error(error);
    g_assert_false(ctl_store_account_revoke(store, "nobody", &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_NOT_FOUND);
    ctl_store_close(store);
}

static void test_commit_each(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    seed_samples(store);
    ctl_store_set_batch_max(store, 1);
    Result sacrifice = {0};
    sqlite3 *blocker = stall_writer(f, store, &sacrifice);
    guint done = 0;
    Result r[4];
    memset(r, 0, sizeof r);
    for (int i = 0; i < 4; i++) {
        r[i].counter = &done;
        char phone[16];
        g_snprintf(phone, sizeof phone, "1380000000%d", i);
        submit(store, 1, "x", phone, &r[i]);
    }
    guint64 before = ctl_store_commit_count(store);
    release_writer(blocker);
    run_until(&done, 4);
    /* Without batching each sign-up is its own transaction. */
    g_assert_cmpuint(ctl_store_commit_count(store) - before, >=, 4);
    for (int i = 0; i < 4; i++)
        result_clear(&r[i]);
    result_clear(&sacrifice);
    ctl_store_close(store);
}

/* What the batch callback saw: how often, how many sign-ups, and how many done() had run. */
typedef struct {
    const guint *fired; /* the test's done() counter */
    guint calls;
    guint signups;
    gboolean after_done; /* every call came after the done() of its sign-ups */
} BatchSeen;

static void on_batch(guint n_signups, gpointer data)
{
    BatchSeen *seen = data;
    seen->calls++;
    seen->signups += n_signups;
    if (*seen->fired != seen->signups)
        seen->after_done = FALSE;
}

/* The caller is told once per committed transaction, after its sign-ups were answered. */
static void test_batch_func_once_per_commit(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    guint fired = 0;
    Result sacrifice = {.counter = &fired};
    Result r[4];
    BatchSeen seen = {.fired = &fired, .after_done = TRUE};

    memset(r, 0, sizeof r);
    seed_samples(store);
    ctl_store_set_batch_func(store, on_batch, &seen);
    guint64 before = ctl_store_commit_count(store);
    sqlite3 *blocker = stall_writer(f, store, &sacrifice);
    for (int i = 0; i < 4; i++) {
        char phone[16];
        g_snprintf(phone, sizeof phone, "1370000000%d", i);
        r[i].counter = &fired;
        submit(store, i == 3 ? 999 : 2, "y", phone, &r[i]); /* one fails inside the batch */
    }
    release_writer(blocker);
    run_until(&fired, 5);
    g_assert_cmpuint(seen.calls, ==, ctl_store_commit_count(store) - before);
    g_assert_cmpuint(seen.calls, <=, 2); /* the sacrifice's transaction and one more */
    g_assert_cmpuint(seen.signups, ==, 5);
    g_assert_true(seen.after_done);
    ctl_store_set_batch_func(store, NULL, NULL);
    for (int i = 0; i < 4; i++)
        result_clear(&r[i]);
    result_clear(&sacrifice);
    ctl_store_close(store);
}

static void test_purge_older(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    seed_samples(store);
    sqlite3 *db = open_raw(f);
    g_assert_cmpint(
        sqlite3_exec(db,
                     "INSERT INTO signups (posting_id, name, phone, created_at) VALUES "
                     "(1, 'old', '13800000001', '2020-01-01T00:00:00.000Z'),"
                     "(1, 'new', '13800000002', strftime('%Y-%m-%dT%H:%M:%fZ','now'));"
                     "INSERT INTO shows (title, started_at, ended_at) VALUES "
                     "('old show', '2020-01-01T00:00:00.000Z', '2020-01-01T02:00:00.000Z'),"
                     "('live show', strftime('%Y-%m-%dT%H:%M:%fZ','now'), NULL);"
                     "INSERT INTO rundown (show_id, position, posting_id) VALUES (1, 0, 1);",
                     NULL, NULL, NULL),
        ==, SQLITE_OK);
    gint64 shows = 0;
    g_assert_cmpint(ctl_store_purge_older(store, 30, &shows, &error), ==, 1);
    g_assert_no_error(error);
    g_assert_cmpint(shows, ==, 1);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM signups"), ==, 1);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM rundown"), ==, 0);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM shows"), ==, 1);
    g_assert_cmpint(ctl_store_forget_phone(store, "13800000002", &error), ==, 1);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM signups"), ==, 0);
    sqlite3_close(db);
    ctl_store_close(store);
}

static void add(const char *path, void (*func)(Fixture *, gconstpointer))
{
    g_test_add(path, Fixture, NULL, fixture_setup, func, fixture_teardown);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add("/control/store/creates-schema", test_creates_schema);
    add("/control/store/posting-get-follows-writes", test_posting_get_follows_writes);
    add("/control/store/open-missing-dir-fails", test_open_missing_dir_fails);
    add("/control/store/reopen-keeps-data", test_reopen_keeps_data);
    add("/control/store/seed-inserts-samples", test_seed_inserts_samples);
    add("/control/store/seed-only-when-empty", test_seed_only_when_empty);
    add("/control/store/seed-malformed-inserts-nothing", test_seed_malformed_inserts_nothing);
    add("/control/seed/every-sample-valid", test_seed_every_sample_valid);
    add("/control/seed/refuses-what-create-refuses", test_seed_refuses_what_create_refuses);
    add("/control/store/get-missing-not-found", test_get_missing_not_found);
    add("/control/store/signup-durable", test_signup_durable);
    add("/control/store/stamp-like-sqlite", test_stamp_like_sqlite);
    add("/control/store/signup-stamped", test_signup_stamped);
    add("/control/store/signup-duplicate-returns-first", test_signup_duplicate_returns_first);
    add("/control/store/signup-duplicate-in-one-batch", test_signup_duplicate_in_one_batch);
    add("/control/store/signup-unknown-posting-fails-alone",
        test_signup_unknown_posting_fails_alone);
    add("/control/store/group-commit", test_group_commit);
    add("/control/store/signups-from-threads", test_signups_from_threads);
    add("/control/store/close-drains", test_close_drains);
    add("/control/store/state-persists", test_state_persists);
    add("/control/store/migrates-from-each-version", test_migrates_from_each_version);
    add("/control/store/newer-schema-refused", test_newer_schema_refused);
    add("/control/store/posting-update-conflict", test_posting_update_conflict);
    add("/control/store/posting-archive-and-search", test_posting_archive_and_search);
    add("/control/store/rundown-set-and-refuse", test_rundown_set_and_refuse);
    add("/control/store/as-aired-append-only", test_as_aired_append_only);
    add("/control/store/signup-dedup-per-show", test_signup_dedup_per_show);
    add("/control/store/accounts-tokens", test_accounts_tokens);
    add("/control/store/commit-each", test_commit_each);
    add("/control/store/batch-func-once-per-commit", test_batch_func_once_per_commit);
    add("/control/store/purge-older", test_purge_older);
    return g_test_run();
}
