/* A posting's code to type (岗位码): /control/codes/... the store gives every open posting a
 * distinct 4-digit code (never 0000), gives an archived posting's code to another only when no
 * other is left, gives a reopened posting its old code back when it is still free, and the
 * migration gives the postings there were theirs; /security/code/... the code page (/j) of the
 * real jobcast binary played by a viewer and by a guesser: a known code (typed with full-width
 * digits too) leads to its apply page, an unknown or malformed one gets the page with a
 * message (404), and a flood gets 429 and leads nowhere.
 *
 * Threads: the test's thread; the store's tests own their store, the binary runs as a child. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_store.h"
#include "ctl_store_db.h"
#include "ctl_store_migrate.h"
#include "ctl_test.h"
#include "ctl_test_server.h"
#include "jc_error.h"

#define TOKEN "codes-test-producer-token"

/* ---- the store ---- */

typedef struct {
    char *dir;  /* owned: a temp folder */
    char *path; /* owned: DIR/jobcast.db */
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("jobcast-codes-XXXXXX", &error);
    g_assert_no_error(error);
    f->path = g_build_filename(f->dir, "jobcast.db", NULL);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_remove_dir(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

static CtlStore *open_store(Fixture *f)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = ctl_store_open(f->path, &error);
    g_assert_no_error(error);
    return store;
}

static sqlite3 *open_raw(Fixture *f)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static void exec_raw(sqlite3 *db, const char *sql)
{
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK)
        g_error("%s: %s", sql, message);
}

static gint64 query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    gint64 v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static gint64 create(CtlStore *store, GError **error)
{
    char *no_tags[] = {NULL};
    CtlPosting p = {
        .title = "普工",
        .company = "某厂",
        .pay_min = 200,
        .pay_max = 260,
        .pay_unit = "day",
        .location = "德州",
        .headcount = 5,
        .tags = no_tags,
        .requirements = "",
        .talking_points = "",
    };
    return ctl_store_create_posting(store, &p, error);
}

/* The code of posting id as the store shows it (NULL: none). (transfer full) */
static char *code_of(CtlStore *store, gint64 id)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(CtlPosting) p = ctl_store_get_posting(store, id, &error);
    g_assert_no_error(error);
    return g_strdup(p->code);
}

static void assert_well_formed(const char *code)
{
    g_assert_nonnull(code);
    g_assert_cmpuint(strlen(code), ==, 4);
    for (int i = 0; i < 4; i++)
        g_assert_true(g_ascii_isdigit(code[i]));
    g_assert_cmpstr(code, !=, "0000");
}

/* 300 postings: 300 distinct well-formed codes, each leading back to its posting. */
static void test_unique(Fixture *f, gconstpointer data)
{
    CtlStore *store = open_store(f);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (int i = 0; i < 300; i++) {
        g_autoptr(GError) error = NULL;
        gint64 id = create(store, &error);
        g_assert_no_error(error);
        char *code = code_of(store, id);
        assert_well_formed(code);
        g_assert_false(g_hash_table_contains(seen, code));
        g_autoptr(CtlPosting) back = ctl_store_posting_by_code(store, code, &error);
        g_assert_no_error(error);
        g_assert_cmpint(back->id, ==, id);
        g_hash_table_add(seen, code);
    }
    /* The schema refuses a second open posting with a code, and 0000. */
    sqlite3 *db = open_raw(f);
    g_assert_cmpint(sqlite3_exec(db,
                                 "UPDATE postings SET code = (SELECT code FROM postings "
                                 "WHERE id = 1) WHERE id = 2",
                                 NULL, NULL, NULL),
                    ==, SQLITE_CONSTRAINT);
    g_assert_cmpint(
        sqlite3_exec(db, "UPDATE postings SET code = '0000' WHERE id = 2", NULL, NULL, NULL), ==,
        SQLITE_CONSTRAINT);
    sqlite3_close(db);
    ctl_store_close(store);
}

/* Every code but the first posting's held by open postings (raw rows): no new posting gets
 * one; once the first is archived its code goes to the next, and an archived posting shows no
 * code and is not found by it. */
static void test_reused_only_after_archive(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    gint64 first = create(store, &error);
    g_assert_no_error(error);
    g_autofree char *code = code_of(store, first);
    sqlite3 *db = open_raw(f);
    g_autofree char *fill = g_strdup_printf(
        "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 9999) "
        "INSERT INTO postings (title, company, pay_min, pay_max, pay_unit, headcount, code) "
        "SELECT 'x', '某厂', 1, 1, 'day', 1, printf('%%04d', v) FROM n "
        "WHERE printf('%%04d', v) <> '%s'",
        code);
    exec_raw(db, fill);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM postings WHERE archived = 0"), ==, 9999);

    g_assert_cmpint(create(store, &error), ==, 0);
    g_assert_error(error, JC_ERROR, JC_ERROR_CONFLICT);
    g_clear_error(&error);

    g_assert_true(ctl_store_archive_posting(store, first, -1, TRUE, &error));
    g_assert_no_error(error);
    g_autofree char *archived = code_of(store, first);
    g_assert_null(archived);
    g_autoptr(CtlPosting) none = ctl_store_posting_by_code(store, code, &error);
    g_assert_null(none);
    g_assert_error(error, JC_ERROR, JC_ERROR_NOT_FOUND);
    g_clear_error(&error);

    gint64 next = create(store, &error);
    g_assert_no_error(error);
    g_autofree char *reused = code_of(store, next);
    g_assert_cmpstr(reused, ==, code);

    /* Reopened with its code taken and none free: refused, still archived. */
    g_assert_false(ctl_store_archive_posting(store, first, -1, FALSE, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_CONFLICT);
    g_clear_error(&error);
    g_autoptr(CtlPosting) still = ctl_store_get_posting(store, first, &error);
    g_assert_true(still->archived);
    sqlite3_close(db);
    ctl_store_close(store);
}

/* A new posting never gets a code an archived posting holds while others are free. */
static void test_fresh_codes_first(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    gint64 first = create(store, &error);
    g_autofree char *code = code_of(store, first);
    g_assert_true(ctl_store_archive_posting(store, first, -1, TRUE, &error));
    for (int i = 0; i < 200; i++) {
        gint64 id = create(store, &error);
        g_assert_no_error(error);
        g_autofree char *other = code_of(store, id);
        g_assert_cmpstr(other, !=, code);
    }
    ctl_store_close(store);
}

/* Reopened, a posting gets its old code back when it is still free, a new one when another
 * open posting took it meanwhile. */
static void test_reopened(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlStore *store = open_store(f);
    gint64 a = create(store, &error);
    gint64 b = create(store, &error);
    g_assert_no_error(error);
    g_autofree char *code_a = code_of(store, a);
    g_assert_true(ctl_store_archive_posting(store, a, -1, TRUE, &error));
    g_assert_true(ctl_store_archive_posting(store, a, -1, FALSE, &error));
    g_assert_no_error(error);
    g_autofree char *back = code_of(store, a);
    g_assert_cmpstr(back, ==, code_a);

    g_assert_true(ctl_store_archive_posting(store, a, -1, TRUE, &error));
    sqlite3 *db = open_raw(f);
    g_autofree char *take =
        g_strdup_printf("UPDATE postings SET code = '%s' WHERE id = %" G_GINT64_FORMAT, code_a, b);
    exec_raw(db, take);
    sqlite3_close(db);
    ctl_store_postings_changed(store);
    g_assert_true(ctl_store_archive_posting(store, a, -1, FALSE, &error));
    g_assert_no_error(error);
    g_autofree char *fresh = code_of(store, a);
    assert_well_formed(fresh);
    g_assert_cmpstr(fresh, !=, code_a);
    g_autofree char *kept = code_of(store, b);
    g_assert_cmpstr(kept, ==, code_a);
    ctl_store_close(store);
}

/* A database from before codes: its open postings get distinct codes, archived ones none. */
static void test_migration(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(ctl_store_create_at_version(f->path, 10, &error));
    g_assert_no_error(error);
    sqlite3 *db = open_raw(f);
    exec_raw(db, "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 40) "
                 "INSERT INTO postings (title, company, pay_min, pay_max, pay_unit, headcount, "
                 "archived) SELECT 'p' || v, '某厂', 1, 2, 'day', 1, v % 5 = 0 FROM n");
    sqlite3_close(db);

    CtlStore *store = open_store(f);
    db = open_raw(f);
    g_assert_cmpint(query_int(db, "PRAGMA user_version"), ==, ctl_store_schema_version());
    g_assert_cmpint(query_int(db, "SELECT count(DISTINCT code) FROM postings WHERE archived = 0"),
                    ==, 32);
    g_assert_cmpint(query_int(db, "SELECT count(*) FROM postings WHERE archived = 1 AND code IS "
                                  "NOT NULL"),
                    ==, 0);
    for (gint64 id = 1; id <= 40; id++) {
        g_autofree char *code = code_of(store, id);
        if (id % 5 == 0)
            g_assert_null(code);
        else
            assert_well_formed(code);
    }
    /* A reopened posting from then gets one too. */
    g_assert_true(ctl_store_archive_posting(store, 5, -1, FALSE, &error));
    g_assert_no_error(error);
    g_autofree char *reopened = code_of(store, 5);
    assert_well_formed(reopened);
    sqlite3_close(db);
    ctl_store_close(store);
}

/* ---- the code page of the real binary ---- */

typedef struct {
    CtlTestServer *srv; /* owned */
} Server;

static void server_setup(Server *f, gconstpointer data)
{
    f->srv = ctl_test_server_new();
    ctl_test_server_start(f->srv, TOKEN, NULL);
}

static void server_teardown(Server *f, gconstpointer data)
{
    ctl_test_server_free(f->srv);
}

/* GET path; *status and *location filled. (transfer full) the body. */
static char *get(Server *f, const char *path, guint *status, char **location)
{
    return ctl_test_server_request(f->srv, "GET", path, NULL, NULL, NULL, status, location);
}

/* The code of sample posting id, from the database. (transfer full) */
static char *sample_code(Server *f, gint64 id)
{
    g_autofree char *sql = g_strdup_printf(
        "SELECT CAST(code AS INTEGER) FROM postings WHERE id = %" G_GINT64_FORMAT, id);
    gint64 n = ctl_test_server_db_int(f->srv, sql);
    g_assert_cmpint(n, >=, 1);
    return g_strdup_printf("%04" G_GINT64_FORMAT, n);
}

/* code's digits as full-width ones (what a phone's Chinese keyboard may type), percent-encoded.
 * (transfer full) */
static char *full_width(const char *code)
{
    GString *out = g_string_new(NULL);
    for (const char *c = code; *c != '\0'; c++) {
        char one[8] = {0};
        g_unichar_to_utf8(0xFF10 + (gunichar)(*c - '0'), one);
        g_autofree char *escaped = g_uri_escape_string(one, NULL, FALSE);
        g_string_append(out, escaped);
    }
    return g_string_free(out, FALSE);
}

static void test_page(Server *f, gconstpointer data)
{
    guint status = 0;
    g_autofree char *page = get(f, "/j", &status, NULL);
    g_assert_cmpuint(status, ==, 200);
    g_assert_nonnull(strstr(page, "action=\"/j\""));
    g_assert_nonnull(strstr(page, "输入岗位码"));
    /* The apply page shows its posting's code. */
    g_autofree char *code = sample_code(f, 2);
    g_autofree char *apply = get(f, "/a/2", &status, NULL);
    g_autofree char *shown = g_strdup_printf("岗位码 <strong>%s</strong>", code);
    g_assert_nonnull(strstr(apply, shown));
}

static void test_known(Server *f, gconstpointer data)
{
    g_autofree char *code = sample_code(f, 3);
    g_autofree char *wide = full_width(code);
    g_autofree char *spaced = g_strdup_printf("%c%c+-%c%c", code[0], code[1], code[2], code[3]);
    const char *typed[] = {code, wide, spaced};
    for (guint i = 0; i < G_N_ELEMENTS(typed); i++) {
        guint status = 0;
        g_autofree char *location = NULL;
        g_autofree char *path = g_strdup_printf("/j?code=%s", typed[i]);
        g_autofree char *body = get(f, path, &status, &location);
        g_test_message("%s: %u %s", path, status, location);
        g_assert_cmpuint(status, ==, 303);
        g_assert_cmpstr(location, ==, "/a/3?src=code");
    }
}

/* A code nobody holds: the page again, 404, saying so with the code. */
static void test_unknown(Server *f, gconstpointer data)
{
    char code[8] = "";
    for (int v = 1000; v <= 9999; v++) {
        g_autofree char *sql =
            g_strdup_printf("SELECT count(*) FROM postings WHERE code = '%04d'", v);
        if (ctl_test_server_db_int(f->srv, sql) == 0) {
            g_snprintf(code, sizeof code, "%04d", v);
            break;
        }
    }
    guint status = 0;
    g_autofree char *location = NULL;
    g_autofree char *path = g_strdup_printf("/j?code=%s", code);
    g_autofree char *body = get(f, path, &status, &location);
    g_assert_cmpuint(status, ==, 404);
    g_assert_null(location);
    g_autofree char *said = g_strdup_printf("没有找到岗位码 %s 的岗位", code);
    g_assert_nonnull(strstr(body, said));
    g_assert_nonnull(strstr(body, "action=\"/j\""));
    /* 0000 is nobody's. */
    g_autofree char *zero = get(f, "/j?code=0000", &status, NULL);
    g_assert_cmpuint(status, ==, 404);
}

/* Not 4 digits, oversized, markup, a NUL: the page with its message, 404; what was typed comes
 * back escaped and cut to the box. */
static void test_malformed(Server *f, gconstpointer data)
{
    g_autofree char *long_digits = g_strnfill(300, '7');
    g_autofree char *oversized = g_strdup_printf("/j?code=%s", long_digits);
    const char *paths[] = {
        "/j?code=",     "/j?code=123",         "/j?code=12345",
        "/j?code=abcd", "/j?code=%3Cb%3E1024", "/j?code=%EF%BC%91%EF%BC%90%EF%BC%92",
        oversized};
    for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
        guint status = 0;
        g_autofree char *location = NULL;
        g_autofree char *body = get(f, paths[i], &status, &location);
        g_test_message("%.60s: %u", paths[i], status);
        g_assert_cmpuint(status, ==, 404);
        g_assert_null(location);
        g_assert_nonnull(strstr(body, "岗位码是 4 位数字"));
        g_assert_null(strstr(body, "<b>"));
        g_autofree char *seventeen = g_strnfill(17, '7');
        g_assert_null(strstr(body, seventeen));
    }
}

/* A guesser's flood from one address: 429 after the page rate, and then even a right code
 * leads nowhere; nothing is written. */
static void test_flood(Server *f, gconstpointer data)
{
    g_autofree char *code = sample_code(f, 2);
    gint64 postings = ctl_test_server_db_int(f->srv, "SELECT count(*) FROM postings");
    guint limited = 0;
    for (int i = 0; i < 3000 && limited == 0; i++) {
        guint status = 0;
        g_autofree char *path = g_strdup_printf("/j?code=%04d", 1000 + i % 9000);
        g_autofree char *body = get(f, path, &status, NULL);
        if (status == 429)
            limited = (guint)i;
        else
            g_assert_true(status == 303 || status == 404);
    }
    g_test_message("429 after %u requests", limited);
    g_assert_cmpuint(limited, >=, 100);
    guint status = 0;
    g_autofree char *location = NULL;
    g_autofree char *path = g_strdup_printf("/j?code=%s", code);
    g_autofree char *body = get(f, path, &status, &location);
    g_assert_cmpuint(status, ==, 429);
    g_assert_null(location);
    g_assert_nonnull(strstr(body, "操作太频繁"));
    g_assert_cmpint(ctl_test_server_db_int(f->srv, "SELECT count(*) FROM postings"), ==, postings);
}

/* ---- where viewers came from ---- */

/* by_source.by_posting.ID.SRC.FIELD of stats.get. */
static gint64 by_source(CtlTestWs *w, gint64 id, const char *src, const char *field)
{
    g_autoptr(JsonNode) reply = ctl_test_ws_call(w, "stats.get", NULL);
    JsonObject *r = json_object_get_object_member(json_node_get_object(reply), "result");
    JsonObject *postings =
        json_object_get_object_member(json_object_get_object_member(r, "by_source"), "by_posting");
    g_autofree char *key = g_strdup_printf("%" G_GINT64_FORMAT, id);
    if (!json_object_has_member(postings, key))
        return 0;
    JsonObject *one = json_object_get_object_member(postings, key);
    return json_object_get_int_member(json_object_get_object_member(one, src), field);
}

/* A src tag that is not one of the three names counts as stream, on the page (its hidden field),
 * in the sign-up and in the database; never as what the URL said. */
static void test_unknown_source(Server *f, gconstpointer data)
{
    static const struct {
        gint64 id;
        const char *query; /* as the URL carries it */
    } opens[] = {
        {2, "src=%3Cb%3Eposter"}, {3, "src=POSTER"}, {4, "src=poster+"},
        {5, "src=code2"},         {6, "src="},
    };
    for (guint i = 0; i < G_N_ELEMENTS(opens); i++) {
        guint status = 0;
        g_autofree char *path =
            g_strdup_printf("/a/%" G_GINT64_FORMAT "?%s", opens[i].id, opens[i].query);
        g_autofree char *page = get(f, path, &status, NULL);
        g_assert_cmpuint(status, ==, 200);
        g_assert_nonnull(strstr(page, "name=\"src\" value=\"stream\""));
        g_assert_null(strstr(page, "<b>"));
    }
    guint status = 0;
    g_autofree char *poster = get(f, "/a/7?src=poster", &status, NULL);
    g_assert_nonnull(strstr(poster, "name=\"src\" value=\"poster\""));
    g_autofree char *location = NULL;
    g_autofree char *signed_up = ctl_test_server_request(
        f->srv, "POST", "/api/apply", "application/x-www-form-urlencoded",
        "posting_id=2&name=%E5%BC%A0%E4%B8%89&phone=13800138000&consent=on&src=%3Cb%3Ex", NULL,
        &status, &location);
    g_assert_cmpuint(status, ==, 303);
    CtlTestWs *w = ctl_test_ws_producer(f->srv->soup, f->srv->port, "Bearer " TOKEN);
    for (int i = 0; i < 100 && by_source(w, 2, "stream", "signups") == 0; i++)
        ctl_test_spin_for(50);
    g_assert_cmpint(by_source(w, 2, "stream", "opens"), ==, 1);
    g_assert_cmpint(by_source(w, 2, "stream", "signups"), ==, 1);
    g_assert_cmpint(by_source(w, 2, "poster", "signups"), ==, 0);
    g_assert_cmpint(by_source(w, 3, "stream", "opens"), ==, 1);
    g_assert_cmpint(by_source(w, 7, "poster", "opens"), ==, 1);
    ctl_test_ws_free(w);
    ctl_test_server_stop(f->srv);
    g_assert_cmpint(ctl_test_server_db_int(f->srv, "SELECT count(*) FROM funnel_sources WHERE "
                                                   "source NOT IN ('stream', 'poster', 'code')"),
                    ==, 0);
    g_assert_cmpint(ctl_test_server_db_int(f->srv, "SELECT signups FROM funnel_sources WHERE "
                                                   "posting_id = 2 AND source = 'stream'"),
                    ==, 1);
    g_assert_cmpint(ctl_test_server_db_int(f->srv, "SELECT opens FROM funnel_sources WHERE "
                                                   "posting_id = 7 AND source = 'poster'"),
                    ==, 1);
}

/* PNG width and height of body, asserting it is a PNG. */
static void png_size(GBytes *body, guint32 *w, guint32 *h)
{
    gsize len = 0;
    const guint8 *b = g_bytes_get_data(body, &len);
    g_assert_cmpuint(len, >, 24);
    g_assert_cmpmem(b + 1, 3, "PNG", 3);
    *w = (guint32)b[16] << 24 | (guint32)b[17] << 16 | (guint32)b[18] << 8 | b[19];
    *h = (guint32)b[20] << 24 | (guint32)b[21] << 16 | (guint32)b[22] << 8 | b[23];
}

/* The poster: producers only, an open posting's, 9:16 at 1080x1920, as an attachment. */
static void test_poster(Server *f, gconstpointer data)
{
    guint status = 0;
    g_autofree char *none = ctl_test_server_request(
        f->srv, "GET", "/api/postings/poster.png?posting_id=2", NULL, NULL, NULL, &status, NULL);
    g_assert_cmpuint(status, ==, 401);
    g_autofree char *url =
        g_strdup_printf("http://127.0.0.1:%d/api/postings/poster.png?posting_id=2", f->srv->port);
    g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
    soup_message_headers_replace(soup_message_get_request_headers(msg), "Authorization",
                                 "Bearer " TOKEN);
    g_autoptr(GBytes) png = ctl_test_http(f->srv->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    SoupMessageHeaders *h = soup_message_get_response_headers(msg);
    g_assert_cmpstr(soup_message_headers_get_content_type(h, NULL), ==, "image/png");
    g_assert_nonnull(strstr(soup_message_headers_get_one(h, "Content-Disposition"), "attachment"));
    guint32 w = 0;
    guint32 hgt = 0;
    png_size(png, &w, &hgt);
    g_assert_cmpuint(w, ==, 1080);
    g_assert_cmpuint(hgt, ==, 1920);
    g_autofree char *missing =
        ctl_test_server_request(f->srv, "GET", "/api/postings/poster.png?posting_id=999", NULL,
                                NULL, "Bearer " TOKEN, &status, NULL);
    g_assert_cmpuint(status, ==, 404);
    g_autofree char *bad =
        ctl_test_server_request(f->srv, "GET", "/api/postings/poster.png?posting_id=x", NULL, NULL,
                                "Bearer " TOKEN, &status, NULL);
    g_assert_cmpuint(status, ==, 400);
}

/* The apply page's Open Graph tags: title, employer · pay · place, escaped (a title is the
 * producer's text), the image the public poster, which anyone may fetch while the posting is
 * open. */
static void test_open_graph(Server *f, gconstpointer data)
{
    CtlTestWs *w = ctl_test_ws_producer(f->srv->soup, f->srv->port, "Bearer " TOKEN);
    g_autoptr(JsonNode) made = ctl_test_ws_call(
        w, "postings.create",
        "{\"title\":\"<b>\\\"焊工\\\"&'</b>\",\"company\":\"某厂\",\"pay_min\":200,"
        "\"pay_max\":260,\"pay_unit\":\"day\",\"headcount\":3,\"location\":\"德州\"}");
    JsonObject *posting = json_object_get_object_member(
        json_object_get_object_member(json_node_get_object(made), "result"), "posting");
    gint64 id = json_object_get_int_member(posting, "id");
    guint status = 0;
    g_autofree char *path = g_strdup_printf("/a/%" G_GINT64_FORMAT, id);
    g_autofree char *page = get(f, path, &status, NULL);
    g_assert_cmpuint(status, ==, 200);
    g_test_message("%.1500s", page);
    g_assert_nonnull(strstr(page, "<meta property=\"og:title\" content=\"&lt;b&gt;&quot;焊工&quot;"
                                  "&amp;&apos;&lt;/b&gt;\">"));
    g_assert_nonnull(strstr(page, "<meta property=\"og:description\" content=\"某厂 · 200-260 "
                                  "元/天 · 德州\">"));
    g_autofree char *image = g_strdup_printf(
        "<meta property=\"og:image\" content=\"http://127.0.0.1:%d/a/%" G_GINT64_FORMAT
        "/poster.png\">",
        f->srv->port, id);
    g_assert_nonnull(strstr(page, image));
    g_assert_null(strstr(page, "<b>"));

    for (int i = 0; i < 2; i++) {
        g_autofree char *url = g_strdup_printf(
            "http://127.0.0.1:%d/a/%" G_GINT64_FORMAT "/poster.png", f->srv->port, id);
        g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
        g_autoptr(GBytes) png = ctl_test_http(f->srv->soup, msg);
        g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
        guint32 pw = 0;
        guint32 ph = 0;
        png_size(png, &pw, &ph);
        g_assert_cmpuint(pw, ==, 1080);
        g_assert_cmpuint(ph, ==, 1920);
    }
    g_autofree char *archive = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT "}", id);
    g_autoptr(JsonNode) gone = ctl_test_ws_call(w, "postings.archive", archive);
    g_autofree char *poster_path = g_strdup_printf("/a/%" G_GINT64_FORMAT "/poster.png", id);
    g_autofree char *closed = get(f, poster_path, &status, NULL);
    g_assert_cmpuint(status, ==, 404);
    g_autofree char *nobody = get(f, "/a/99999/poster.png", &status, NULL);
    g_assert_cmpuint(status, ==, 404);
    ctl_test_ws_free(w);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/control/codes/unique-never-0000", test_unique);
    ADD("/control/codes/reused-only-after-archive", test_reused_only_after_archive);
    ADD("/control/codes/fresh-codes-first", test_fresh_codes_first);
    ADD("/control/codes/reopened", test_reopened);
    ADD("/control/codes/migration", test_migration);
#undef ADD
#define ADD(path, fn) g_test_add(path, Server, NULL, server_setup, fn, server_teardown)
    ADD("/control/codes/page", test_page);
    ADD("/control/codes/known-code", test_known);
    ADD("/security/code/unknown", test_unknown);
    ADD("/security/code/malformed", test_malformed);
    ADD("/security/code/flood", test_flood);
    ADD("/security/source/unknown-counts-as-stream", test_unknown_source);
    ADD("/control/poster/png-for-producers", test_poster);
    ADD("/control/poster/open-graph-and-public-poster", test_open_graph);
#undef ADD
    return g_test_run();
}
