/* The back office against the real jobcast binary: sign-ups' follow-up statuses and their
 * history (gone with a withdrawn or forgotten sign-up), employers' desk links (made, listed,
 * renewed, revoked), the desk page an employer opens with one (its applicants only, a status set
 * with a plain form), filled meaning hired, the funnel to hired in stats.get, the export's
 * status columns and the viewer's own status page; and, as /security/desk/... and
 * /security/status/..., what a revoked, expired or guessed link, another employer's applicant,
 * a bad note, a cross-site form and a duplicate's status link get: nothing. */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_store.h"
#include "ctl_store_migrate.h"
#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "backoffice-test-producer-token"
#define FORM "application/x-www-form-urlencoded"

typedef struct {
    CtlTestServer *srv; /* owned */
    CtlTestWs *ws;      /* owned: a producer's connection */
} Fixture;

static void setup(Fixture *f, gconstpointer data)
{
    f->srv = ctl_test_server_new();
    ctl_test_server_start(f->srv, TOKEN, NULL);
    f->ws = ctl_test_ws_producer(f->srv->soup, f->srv->port, "Bearer " TOKEN);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_ws_free(f->ws);
    ctl_test_server_free(f->srv);
}

static gint64 db_int(Fixture *f, const char *sql)
{
    return ctl_test_server_db_int(f->srv, sql);
}

static void db_exec(Fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(f->srv->db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        g_error("%s: %s", sql, msg);
    sqlite3_close(db);
}

/* ---- the protocol ---- */

/* The result of a call that must succeed. (transfer none: lives with *keep) */
static JsonObject *ok(Fixture *f, const char *method, const char *params, JsonNode **keep)
{
    *keep = ctl_test_ws_call(f->ws, method, params);
    JsonObject *o = json_node_get_object(*keep);
    if (json_object_has_member(o, "error"))
        g_error("%s %s: %s", method, params, json_to_string(*keep, FALSE));
    return json_object_get_object_member(o, "result");
}

/* The error code of a call that must fail. */
static gint64 refused(Fixture *f, const char *method, const char *params)
{
    g_autoptr(JsonNode) reply = ctl_test_ws_call(f->ws, method, params);
    JsonObject *o = json_node_get_object(reply);
    if (!json_object_has_member(o, "error"))
        g_error("%s %s was accepted: %s", method, params, json_to_string(reply, FALSE));
    return json_object_get_int_member(json_object_get_object_member(o, "error"), "code");
}

/* A posting's member (transfer none: lives with *keep). */
static JsonObject *posting(Fixture *f, gint64 id, JsonNode **keep)
{
    g_autofree char *params = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT "}", id);
    return json_object_get_object_member(ok(f, "postings.get", params, keep), "posting");
}

static gint64 employer_of(Fixture *f, gint64 posting_id)
{
    g_autoptr(JsonNode) keep = NULL;
    return json_object_get_int_member(posting(f, posting_id, &keep), "employer_id");
}

/* ---- HTTP ---- */

static char *request(Fixture *f, const char *method, const char *path, const char *body,
                     const char *origin)
{
    g_autofree char *extra =
        origin != NULL ? g_strdup_printf("Origin: %s\r\n", origin) : g_strdup("");
    g_autofree char *req =
        body != NULL ? g_strdup_printf("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s"
                                       "Content-Type: " FORM "\r\nContent-Length: %zu\r\n\r\n%s",
                                       method, path, f->srv->port, extra, strlen(body), body)
                     : g_strdup_printf("%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n", method,
                                       path, f->srv->port, extra);
    return ctl_test_raw(f->srv->port, req);
}

static const char *body_of(const char *reply)
{
    const char *end = strstr(reply, "\r\n\r\n");
    g_assert_nonnull(end);
    return end + 4;
}

/* Signs phone up for posting_id (JSON); returns the withdraw code of its thanks URL. */
static char *apply(Fixture *f, gint64 posting_id, const char *name, const char *phone)
{
    g_autofree char *json = g_strdup_printf("{\"posting_id\":%" G_GINT64_FORMAT
                                            ",\"name\":\"%s\",\"phone\":\"%s\",\"consent\":true}",
                                            posting_id, name, phone);
    guint status = 0;
    g_autofree char *body = ctl_test_server_request(f->srv, "POST", "/api/apply",
                                                    "application/json", json, NULL, &status, NULL);
    g_assert_cmpuint(status, ==, 201);
    g_autoptr(GRegex) shape = g_regex_new("thanks\\?t=([0-9A-Z]{12})", 0, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    g_assert_true(g_regex_match(shape, body, 0, &m));
    return g_match_info_fetch(m, 1);
}

/* The id of phone's newest sign-up. */
static gint64 signup_of(Fixture *f, const char *phone)
{
    g_autofree char *sql =
        g_strdup_printf("SELECT coalesce(max(id), 0) FROM signups WHERE phone = '%s'", phone);
    for (int i = 0; i < 100 && db_int(f, sql) == 0; i++)
        ctl_test_spin_for(50);
    return db_int(f, sql);
}

/* A desk link of employer_id; returns its token (transfer full), *link_id its id. */
static char *make_link(Fixture *f, gint64 employer_id, gint64 *link_id)
{
    g_autofree char *params =
        g_strdup_printf("{\"employer_id\":%" G_GINT64_FORMAT "}", employer_id);
    g_autoptr(JsonNode) keep = NULL;
    JsonObject *r = ok(f, "employers.links.create", params, &keep);
    const char *url = json_object_get_string_member(r, "url");
    const char *t = strstr(url, "/a/desk?t=");
    g_assert_nonnull(t);
    JsonObject *link = json_object_get_object_member(r, "link");
    g_assert_cmpstr(json_object_get_string_member(link, "state"), ==, "active");
    g_assert_false(json_object_has_member(link, "token"));
    if (link_id != NULL)
        *link_id = json_object_get_int_member(link, "id");
    return g_strdup(t + strlen("/a/desk?t="));
}

static char *desk_get(Fixture *f, const char *token, guint *status)
{
    g_autofree char *path = g_strdup_printf("/a/desk?t=%s", token);
    char *reply = request(f, "GET", path, NULL, NULL);
    *status = ctl_test_raw_status(reply);
    return reply;
}

static guint desk_post(Fixture *f, const char *body, const char *origin, char **location)
{
    g_autofree char *reply = request(f, "POST", "/a/desk", body, origin);
    if (location != NULL)
        *location = ctl_test_raw_header(reply, "location");
    return ctl_test_raw_status(reply);
}

static guint mark(Fixture *f, const char *token, gint64 signup_id, const char *status,
                  const char *note)
{
    g_autofree char *enc = g_uri_escape_string(note != NULL ? note : "", NULL, FALSE);
    g_autofree char *body =
        g_strdup_printf("t=%s&action=status&signup_id=%" G_GINT64_FORMAT "&status=%s&note=%s",
                        token, signup_id, status, enc);
    g_autofree char *origin = g_strdup_printf("http://127.0.0.1:%d", f->srv->port);
    return desk_post(f, body, origin, NULL);
}

static char *status_page(Fixture *f, const char *code)
{
    g_autofree char *path = g_strdup_printf("/a/1/thanks?t=%s", code);
    g_autofree char *page = request(f, "GET", path, NULL, NULL);
    g_autoptr(GRegex) link = g_regex_new("href=\"(/a/status\\?t=[0-9a-f]{64})\"", 0, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    g_assert_true(g_regex_match(link, page, 0, &m));
    g_autofree char *status_path = g_match_info_fetch(m, 1);
    char *reply = request(f, "GET", status_path, NULL, NULL);
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, 200);
    return reply;
}

/* ---- statuses ---- */

/* Producers set a status with a note; each one is a history row, the newest the current. */
static void test_status_history(Fixture *f, gconstpointer data)
{
    g_autofree char *code = apply(f, 1, "张三", "13800001111");
    gint64 id = signup_of(f, "13800001111");
    g_autofree char *p1 = g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT
                                          ",\"status\":\"contacted\",\"note\":\"明天来面试\"}",
                                          id);
    g_autoptr(JsonNode) k1 = NULL;
    JsonObject *r1 = ok(f, "signups.set_status", p1, &k1);
    g_assert_cmpstr(json_object_get_string_member(r1, "status"), ==, "contacted");
    g_assert_cmpstr(json_object_get_string_member(r1, "note"), ==, "明天来面试");
    g_autofree char *p2 =
        g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT ",\"status\":\"hired\"}", id);
    g_autoptr(JsonNode) k2 = NULL;
    ok(f, "signups.set_status", p2, &k2);
    g_autofree char *ph = g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT "}", id);
    g_autoptr(JsonNode) k3 = NULL;
    JsonArray *h = json_object_get_array_member(ok(f, "signups.history", ph, &k3), "history");
    g_assert_cmpuint(json_array_get_length(h), ==, 2);
    JsonObject *first = json_array_get_object_element(h, 0);
    g_assert_cmpstr(json_object_get_string_member(first, "status"), ==, "contacted");
    g_assert_true(g_str_has_prefix(json_object_get_string_member(first, "actor"), "producer"));
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signups WHERE status = 'hired'"), ==, 1);
    /* The producer's list shows the current status and note. */
    g_autoptr(JsonNode) k4 = NULL;
    JsonArray *list = json_object_get_array_member(ok(f, "signups.list", NULL, &k4), "signups");
    JsonObject *row = json_array_get_object_element(list, 0);
    g_assert_cmpstr(json_object_get_string_member(row, "status"), ==, "hired");
    /* History rows cannot be changed. */
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(f->srv->db_path, &db), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    g_assert_cmpint(
        sqlite3_exec(db, "UPDATE signup_status SET status = 'received'", NULL, NULL, NULL), !=,
        SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "DELETE FROM signup_status", NULL, NULL, NULL), !=, SQLITE_OK);
    sqlite3_close(db);
    /* Bad values change nothing. */
    g_autofree char *bad1 =
        g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT ",\"status\":\"married\"}", id);
    g_assert_cmpint(refused(f, "signups.set_status", bad1), ==, -32602);
    g_autofree char *longnote = g_strnfill(201, 'x');
    g_autofree char *bad2 = g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT
                                            ",\"status\":\"contacted\",\"note\":\"%s\"}",
                                            id, longnote);
    g_assert_cmpint(refused(f, "signups.set_status", bad2), ==, -32602);
    g_assert_cmpint(refused(f, "signups.set_status", "{\"signup_id\":9999,\"status\":\"hired\"}"),
                    ==, -32004);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signup_status"), ==, 2);
}

/* A withdrawn sign-up takes its status history with it; so does a forgotten number's. */
static void test_withdrawn_takes_history(Fixture *f, gconstpointer data)
{
    g_autofree char *code = apply(f, 1, "张三", "13800001111");
    g_autofree char *code2 = apply(f, 2, "李四", "13800002222");
    gint64 a = signup_of(f, "13800001111");
    gint64 b = signup_of(f, "13800002222");
    g_autoptr(JsonNode) k1 = NULL;
    g_autoptr(JsonNode) k2 = NULL;
    g_autofree char *pa =
        g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT ",\"status\":\"contacted\"}", a);
    g_autofree char *pb =
        g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT ",\"status\":\"contacted\"}", b);
    ok(f, "signups.set_status", pa, &k1);
    ok(f, "signups.set_status", pb, &k2);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signup_status"), ==, 2);
    g_autofree char *body = g_strdup_printf("t=%s", code);
    guint status = 0;
    g_autofree char *page =
        ctl_test_server_request(f->srv, "POST", "/a/withdraw", FORM, body, NULL, &status, NULL);
    g_assert_cmpuint(status, ==, 200);
    g_autofree char *sql_a = g_strdup_printf(
        "SELECT count(*) FROM signup_status WHERE signup_id = %" G_GINT64_FORMAT, a);
    g_assert_cmpint(db_int(f, sql_a), ==, 0);
    g_autoptr(JsonNode) k3 = NULL;
    ok(f, "privacy.forget", "{\"phone\":\"13800002222\"}", &k3);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signup_status"), ==, 0);
}

/* ---- links and the desk ---- */

static void test_links_lifecycle(Fixture *f, gconstpointer data)
{
    gint64 emp = employer_of(f, 1);
    gint64 link = 0;
    g_autofree char *token = make_link(f, emp, &link);
    g_assert_cmpuint(strlen(token), ==, 43);
    /* 30 days by default. */
    g_autofree char *sql = g_strdup_printf(
        "SELECT CAST(round(julianday(expires_at) - julianday(created_at)) AS INTEGER) FROM "
        "employer_links WHERE id = %" G_GINT64_FORMAT,
        link);
    g_assert_cmpint(db_int(f, sql), ==, 30);
    /* Only the token's hash is stored. */
    g_autofree char *stored = g_strdup_printf(
        "SELECT count(*) FROM employer_links WHERE token_hash LIKE '%%%s%%'", token);
    g_assert_cmpint(db_int(f, stored), ==, 0);
    g_autofree char *pl = g_strdup_printf("{\"employer_id\":%" G_GINT64_FORMAT "}", emp);
    g_autoptr(JsonNode) k1 = NULL;
    JsonArray *links =
        json_object_get_array_member(ok(f, "employers.links.list", pl, &k1), "links");
    g_assert_cmpuint(json_array_get_length(links), ==, 1);
    g_autofree char *listed = json_to_string(k1, FALSE);
    g_assert_null(strstr(listed, token));
    g_autofree char *pr = g_strdup_printf("{\"link_id\":%" G_GINT64_FORMAT ",\"days\":60}", link);
    g_autoptr(JsonNode) k2 = NULL;
    ok(f, "employers.links.renew", pr, &k2);
    g_autofree char *sql60 = g_strdup_printf(
        "SELECT CAST(round(julianday(expires_at) - julianday('now')) AS INTEGER) FROM "
        "employer_links WHERE id = %" G_GINT64_FORMAT,
        link);
    g_assert_cmpint(db_int(f, sql60), ==, 60);
    g_assert_cmpint(refused(f, "employers.links.create", "{\"employer_id\":9999}"), ==, -32004);
    g_assert_cmpint(refused(f, "employers.links.create", "{\"employer_id\":1,\"days\":9999}"), ==,
                    -32602);
    g_autofree char *pv = g_strdup_printf("{\"link_id\":%" G_GINT64_FORMAT "}", link);
    g_autoptr(JsonNode) k3 = NULL;
    JsonObject *rv = ok(f, "employers.links.revoke", pv, &k3);
    g_assert_cmpstr(
        json_object_get_string_member(json_object_get_object_member(rv, "link"), "state"), ==,
        "revoked");
    g_assert_cmpint(refused(f, "employers.links.renew", pv), ==, -32009);
}

/* The desk lists the employer's applicants with tap-to-call numbers; a status set there is the
 * sign-up's status, and the viewer's status page shows it with the employer's contact. */
static void test_desk_marks_hired(Fixture *f, gconstpointer data)
{
    gint64 emp = employer_of(f, 1);
    g_autofree char *pe = g_strdup_printf("{\"employer_id\":%" G_GINT64_FORMAT
                                          ",\"contact_person\":\"王经理\",\"contact_phone\":"
                                          "\"0571-88886666\"}",
                                          emp);
    g_autoptr(JsonNode) k0 = NULL;
    ok(f, "employers.update", pe, &k0);
    g_autofree char *code = apply(f, 1, "张三", "13800001111");
    gint64 id = signup_of(f, "13800001111");
    g_autofree char *before = status_page(f, code);
    g_assert_nonnull(strstr(before, "已收到报名"));
    g_assert_null(strstr(before, "0571-88886666"));
    g_autofree char *token = make_link(f, emp, NULL);
    guint status = 0;
    g_autofree char *page = desk_get(f, token, &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_nonnull(strstr(page, "href=\"tel:13800001111\""));
    g_assert_nonnull(strstr(page, "张三"));
    g_autofree char *enc = g_uri_escape_string("下周一上班", NULL, FALSE);
    g_autofree char *body = g_strdup_printf(
        "t=%s&action=status&signup_id=%" G_GINT64_FORMAT "&status=hired&note=%s", token, id, enc);
    g_autofree char *location = NULL;
    g_autofree char *origin = g_strdup_printf("http://127.0.0.1:%d", f->srv->port);
    g_assert_cmpuint(desk_post(f, body, origin, &location), ==, 303);
    g_assert_true(g_str_has_prefix(location, "/a/desk?t="));
    g_autofree char *sql =
        g_strdup_printf("SELECT status = 'hired' FROM signups WHERE id = %" G_GINT64_FORMAT, id);
    g_assert_cmpint(db_int(f, sql), ==, 1);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signup_status WHERE actor LIKE 'employer:%'"),
                    ==, 1);
    g_autofree char *after = status_page(f, code);
    g_assert_nonnull(strstr(after, "已录用"));
    g_assert_nonnull(strstr(after, "王经理"));
    g_assert_nonnull(strstr(after, "tel:0571-88886666"));
    /* Every use is logged, by link id. */
    g_autofree char *log = ctl_test_server_log(f->srv);
    g_assert_nonnull(strstr(log, "opened its desk"));
}

/* Filled means hired: sign-ups up to the headcount leave a posting open; hires fill it; its
 * employer closing it from the desk fills it too. */
static void test_filled_means_hired(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonNode) k0 = NULL;
    ok(f, "postings.update", "{\"posting_id\":1,\"version\":1,\"headcount\":1}", &k0);
    g_autofree char *c1 = apply(f, 1, "张三", "13800001111");
    g_autofree char *c2 = apply(f, 1, "李四", "13800002222");
    g_autoptr(JsonNode) k1 = NULL;
    JsonObject *p = posting(f, 1, &k1);
    g_assert_cmpint(json_object_get_int_member(p, "signups"), ==, 2);
    g_assert_false(json_object_get_boolean_member(p, "filled"));
    gint64 id = signup_of(f, "13800002222");
    g_autofree char *ps =
        g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT ",\"status\":\"hired\"}", id);
    g_autoptr(JsonNode) k2 = NULL;
    ok(f, "signups.set_status", ps, &k2);
    g_autoptr(JsonNode) k3 = NULL;
    p = posting(f, 1, &k3);
    g_assert_cmpint(json_object_get_int_member(p, "hires"), ==, 1);
    g_assert_true(json_object_get_boolean_member(p, "filled"));
    /* Its employer's desk says so, and offers no closing of a filled posting. */
    g_autofree char *t1 = make_link(f, employer_of(f, 1), NULL);
    guint status = 0;
    g_autofree char *desk = desk_get(f, t1, &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_nonnull(strstr(desk, "已录用 1 / 招 1 人（已招满）"));
    /* Posting 2, closed by its employer from the desk. */
    g_autofree char *token = make_link(f, employer_of(f, 2), NULL);
    g_autofree char *body = g_strdup_printf("t=%s&action=close&posting_id=2", token);
    g_assert_cmpuint(desk_post(f, body, NULL, NULL), ==, 303);
    g_autoptr(JsonNode) k4 = NULL;
    p = posting(f, 2, &k4);
    g_assert_true(json_object_get_boolean_member(p, "closed"));
    g_assert_true(json_object_get_boolean_member(p, "filled"));
}

/* The funnel to hired, per posting and per show, and the export's status columns. */
static void test_funnel_and_export(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonNode) k0 = NULL;
    ok(f, "shows.create", "{\"title\":\"早场\"}", &k0);
    g_autoptr(JsonNode) k01 = NULL;
    ok(f, "shows.start", NULL, &k01);
    g_autofree char *c1 = apply(f, 1, "张三", "13800001111");
    g_autofree char *c2 = apply(f, 1, "李四", "13800002222");
    g_autofree char *c3 = apply(f, 1, "王五", "13800003333");
    const char *steps[][2] = {{"13800001111", "contacted"},
                              {"13800002222", "contacted"},
                              {"13800002222", "interviewed"},
                              {"13800002222", "hired"},
                              {"13800003333", "not_suitable"}};
    for (gsize i = 0; i < G_N_ELEMENTS(steps); i++) {
        g_autofree char *params = g_strdup_printf("{\"signup_id\":%" G_GINT64_FORMAT
                                                  ",\"status\":\"%s\",\"note\":\"=1+1\"}",
                                                  signup_of(f, steps[i][0]), steps[i][1]);
        g_autoptr(JsonNode) k = NULL;
        ok(f, "signups.set_status", params, &k);
    }
    g_autoptr(JsonNode) k1 = NULL;
    JsonObject *st = ok(f, "stats.get", NULL, &k1);
    JsonObject *one =
        json_object_get_object_member(json_object_get_object_member(st, "funnel"), "1");
    g_assert_cmpint(json_object_get_int_member(one, "signups"), ==, 3);
    g_assert_cmpint(json_object_get_int_member(one, "contacted"), ==, 2);
    g_assert_cmpint(json_object_get_int_member(one, "interviewed"), ==, 1);
    g_assert_cmpint(json_object_get_int_member(one, "hired"), ==, 1);
    g_assert_true(json_object_has_member(one, "opens"));
    JsonObject *show = json_object_get_object_member(st, "show");
    g_assert_nonnull(show);
    g_assert_cmpint(json_object_get_int_member(show, "signups"), ==, 3);
    g_assert_cmpint(json_object_get_int_member(show, "hired"), ==, 1);
    JsonObject *totals = json_object_get_object_member(st, "totals");
    g_assert_cmpint(json_object_get_int_member(totals, "contacted"), ==, 2);
    /* The export: a status and a note column, the note defused as a formula. */
    guint status = 0;
    g_autofree char *path =
        g_strdup_printf("/api/export.csv?employer_id=%" G_GINT64_FORMAT, employer_of(f, 1));
    g_autofree char *csv =
        ctl_test_server_request(f->srv, "GET", path, NULL, NULL, "Bearer " TOKEN, &status, NULL);
    g_assert_cmpuint(status, ==, 200);
    g_assert_nonnull(strstr(csv, ",场次,跟进状态,备注\r\n"));
    g_assert_nonnull(strstr(csv, ",已录用,\"'=1+1\"\r\n"));
}

/* ---- /security/desk ---- */

/* A revoked link and an expired one open nothing, the same answer as a made-up one. */
static void test_revoked_expired_show_nothing(Fixture *f, gconstpointer data)
{
    g_autofree char *code = apply(f, 1, "张三", "13800001111");
    gint64 emp = employer_of(f, 1);
    gint64 l1 = 0;
    gint64 l2 = 0;
    g_autofree char *revoked = make_link(f, emp, &l1);
    g_autofree char *expired = make_link(f, emp, &l2);
    guint status = 0;
    g_autofree char *open = desk_get(f, revoked, &status);
    g_assert_cmpuint(status, ==, 200);
    g_autofree char *pv = g_strdup_printf("{\"link_id\":%" G_GINT64_FORMAT "}", l1);
    g_autoptr(JsonNode) k = NULL;
    ok(f, "employers.links.revoke", pv, &k);
    g_autofree char *sql = g_strdup_printf(
        "UPDATE employer_links SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = "
        "%" G_GINT64_FORMAT,
        l2);
    db_exec(f, sql);
    g_autofree char *made_up = g_strnfill(43, 'A');
    g_autofree char *a = desk_get(f, revoked, &status);
    g_assert_cmpuint(status, ==, 404);
    g_autofree char *b = desk_get(f, expired, &status);
    g_assert_cmpuint(status, ==, 404);
    g_autofree char *c = desk_get(f, made_up, &status);
    g_assert_cmpuint(status, ==, 404);
    g_assert_cmpstr(body_of(a), ==, body_of(c));
    g_assert_cmpstr(body_of(b), ==, body_of(c));
    g_assert_null(strstr(a, "13800001111"));
    g_assert_null(strstr(b, "13800001111"));
    /* Nor can they change anything. */
    gint64 id = signup_of(f, "13800001111");
    g_assert_cmpuint(mark(f, revoked, id, "hired", NULL), ==, 404);
    g_assert_cmpuint(mark(f, expired, id, "hired", NULL), ==, 404);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signup_status"), ==, 0);
}

/* Guessing tokens costs what guessing any credential does: locked out, right token or not. */
static void test_guessing_locks_out(Fixture *f, gconstpointer data)
{
    g_autofree char *token = make_link(f, employer_of(f, 1), NULL);
    guint status = 0;
    for (int i = 0; i < 10; i++) {
        g_autofree char *guess = g_strdup_printf("%042dX", i);
        g_autofree char *r = desk_get(f, guess, &status);
        g_assert_cmpuint(status, ==, 404);
    }
    g_autofree char *r = desk_get(f, token, &status);
    g_assert_cmpuint(status, ==, 429);
    g_autofree char *retry = ctl_test_raw_header(r, "retry-after");
    g_assert_nonnull(retry);
    g_autofree char *log = ctl_test_server_log(f->srv);
    g_assert_nonnull(strstr(log, "too many wrong credentials"));
}

/* An applicant or posting of another employer is 404 from a desk, like a missing one. */
static void test_other_employer_unreachable(Fixture *f, gconstpointer data)
{
    gint64 e1 = employer_of(f, 1);
    gint64 e2 = employer_of(f, 2);
    g_assert_cmpint(e1, !=, e2);
    g_autofree char *c1 = apply(f, 1, "张三", "13800001111");
    g_autofree char *c2 = apply(f, 2, "李四", "13800002222");
    gint64 other = signup_of(f, "13800002222");
    g_autofree char *token = make_link(f, e1, NULL);
    guint status = 0;
    g_autofree char *page = desk_get(f, token, &status);
    g_assert_cmpuint(status, ==, 200);
    g_assert_nonnull(strstr(page, "13800001111"));
    g_assert_null(strstr(page, "13800002222"));
    g_assert_null(strstr(page, "李四"));
    /* Filtering by the other's posting shows none of its applicants. */
    g_autofree char *path = g_strdup_printf("/a/desk?t=%s&posting=2", token);
    g_autofree char *filtered = request(f, "GET", path, NULL, NULL);
    g_assert_null(strstr(filtered, "13800002222"));
    guint other_status = mark(f, token, other, "hired", NULL);
    guint missing_status = mark(f, token, 99999, "hired", NULL);
    g_assert_cmpuint(other_status, ==, 404);
    g_assert_cmpuint(missing_status, ==, 404);
    g_autofree char *body = g_strdup_printf("t=%s&action=close&posting_id=2", token);
    g_assert_cmpuint(desk_post(f, body, NULL, NULL), ==, 404);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signup_status"), ==, 0);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM postings WHERE closed_at IS NOT NULL"), ==, 0);
}

/* Oversized or bad notes and statuses change nothing. */
static void test_bad_notes_change_nothing(Fixture *f, gconstpointer data)
{
    g_autofree char *c1 = apply(f, 1, "张三", "13800001111");
    gint64 id = signup_of(f, "13800001111");
    g_autofree char *token = make_link(f, employer_of(f, 1), NULL);
    g_autofree char *huge = g_strnfill(201, 'x');
    g_assert_cmpuint(mark(f, token, id, "hired", huge), ==, 400);
    g_assert_cmpuint(mark(f, token, id, "hired", "bell\x07"), ==, 400);
    g_assert_cmpuint(mark(f, token, id, "hired", "\xff\xfe"), ==, 400);
    g_assert_cmpuint(mark(f, token, id, "boss", NULL), ==, 400);
    g_autofree char *body = g_strdup_printf(
        "t=%s&action=status&signup_id=%" G_GINT64_FORMAT "&status=hired&note=%s", token, id, huge);
    g_autofree char *big = g_strnfill(17000, 'y');
    g_autofree char *oversized = g_strconcat(body, big, NULL);
    guint status = desk_post(f, oversized, NULL, NULL);
    g_assert_cmpuint(status, !=, 303);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signup_status"), ==, 0);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signups WHERE status <> 'received'"), ==, 0);
    /* A note of 200 characters is fine. */
    g_autofree char *fine = g_strnfill(200, 'z');
    g_assert_cmpuint(mark(f, token, id, "contacted", fine), ==, 303);
}

/* A form posted from another site is refused before anything is looked at. */
static void test_cross_origin_refused(Fixture *f, gconstpointer data)
{
    g_autofree char *c1 = apply(f, 1, "张三", "13800001111");
    gint64 id = signup_of(f, "13800001111");
    g_autofree char *token = make_link(f, employer_of(f, 1), NULL);
    g_autofree char *body = g_strdup_printf(
        "t=%s&action=status&signup_id=%" G_GINT64_FORMAT "&status=hired", token, id);
    g_assert_cmpuint(desk_post(f, body, "https://evil.example", NULL), ==, 403);
    g_assert_cmpint(db_int(f, "SELECT count(*) FROM signup_status"), ==, 0);
}

/* The token is never in the log, nor in /metrics. */
static void test_token_not_logged(Fixture *f, gconstpointer data)
{
    g_autofree char *c1 = apply(f, 1, "张三", "13800001111");
    gint64 id = signup_of(f, "13800001111");
    g_autofree char *token = make_link(f, employer_of(f, 1), NULL);
    guint status = 0;
    g_autofree char *page = desk_get(f, token, &status);
    g_assert_cmpuint(mark(f, token, id, "contacted", "已打电话"), ==, 303);
    g_autofree char *bad = g_strdup_printf("%.42sQ", token);
    g_autofree char *miss = desk_get(f, bad, &status);
    g_autofree char *metrics = ctl_test_server_request(f->srv, "GET", "/metrics", NULL, NULL,
                                                       "Bearer " TOKEN, &status, NULL);
    g_assert_cmpuint(status, ==, 200);
    g_assert_null(strstr(metrics, token));
    g_assert_nonnull(strstr(metrics, "route=\"/a/desk\""));
    ctl_test_server_stop(f->srv);
    g_autofree char *log = ctl_test_server_log(f->srv);
    g_assert_nonnull(strstr(log, "opened its desk"));
    g_assert_null(strstr(log, token));
    g_assert_null(strstr(log, bad));
}

/* ---- /security/status ---- */

/* A duplicate's thanks page looks the same and links a status page that shows nothing; so does
 * a withdrawn sign-up's. */
static void test_duplicate_status_shows_nothing(Fixture *f, gconstpointer data)
{
    g_autofree char *first = apply(f, 1, "张三", "13800001111");
    g_autofree char *dup = apply(f, 1, "张三", "13800001111");
    g_assert_cmpstr(first, !=, dup);
    g_autofree char *real = status_page(f, first);
    g_assert_nonnull(strstr(real, "已收到报名"));
    g_autofree char *copy = status_page(f, dup);
    g_assert_null(strstr(copy, "已收到报名"));
    g_assert_null(strstr(copy, "张三"));
    g_autofree char *made_up = status_page(f, "0000000000AB");
    g_assert_cmpstr(body_of(copy), ==, body_of(made_up));
    /* Withdrawn: nothing either. */
    g_autofree char *body = g_strdup_printf("t=%s", first);
    guint status = 0;
    g_autofree char *w =
        ctl_test_server_request(f->srv, "POST", "/a/withdraw", FORM, body, NULL, &status, NULL);
    g_autofree char *gone = status_page(f, first);
    g_assert_cmpstr(body_of(gone), ==, body_of(made_up));
}

/* ---- an older database ---- */

/* A database from before the back office keeps every sign-up, each one received, with no
 * history; its postings are open and show no hires. */
static void test_migrated_signups_received(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("jobcast-backoffice-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "jobcast.db", NULL);
    g_assert_true(ctl_store_create_at_version(path, 10, &error));
    g_assert_no_error(error);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    g_assert_cmpint(
        sqlite3_exec(db,
                     "INSERT INTO postings (title, company, pay_min, pay_max, pay_unit, headcount)"
                     " VALUES ('普工', '某厂', 200, 260, 'day', 1);"
                     "INSERT INTO signups (posting_id, name, phone) VALUES"
                     " (1, '张三', '13800001111'), (1, '李四', '13800002222');",
                     NULL, NULL, NULL),
        ==, SQLITE_OK);
    sqlite3_close(db);
    CtlStore *store = ctl_store_open(path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(ctl_store_count_signups(store, 1, &error), ==, 2);
    g_autoptr(GPtrArray) rows = ctl_store_list_signups(store, 0, -1, NULL, 0, 0, TRUE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(rows->len, ==, 2);
    for (guint i = 0; i < rows->len; i++) {
        const CtlSignupRow *r = rows->pdata[i];
        g_assert_cmpstr(r->status, ==, "received");
        g_assert_cmpstr(r->note, ==, "");
    }
    ctl_store_close(store);
    ctl_test_remove_dir(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    g_test_add_func("/control/backoffice/migrated-signups-received",
                    test_migrated_signups_received);
    ADD("/control/backoffice/status-history", test_status_history);
    ADD("/control/backoffice/withdrawn-takes-history", test_withdrawn_takes_history);
    ADD("/control/backoffice/links-lifecycle", test_links_lifecycle);
    ADD("/control/backoffice/desk-marks-hired", test_desk_marks_hired);
    ADD("/control/backoffice/filled-means-hired", test_filled_means_hired);
    ADD("/control/backoffice/funnel-and-export", test_funnel_and_export);
    ADD("/security/desk/revoked-and-expired-show-nothing", test_revoked_expired_show_nothing);
    ADD("/security/desk/guessing-locks-out", test_guessing_locks_out);
    ADD("/security/desk/other-employer-unreachable", test_other_employer_unreachable);
    ADD("/security/desk/bad-notes-change-nothing", test_bad_notes_change_nothing);
    ADD("/security/desk/cross-origin-refused", test_cross_origin_refused);
    ADD("/security/desk/token-not-logged", test_token_not_logged);
    ADD("/security/status/duplicate-shows-nothing", test_duplicate_status_shows_nothing);
#undef ADD
    return g_test_run();
}
