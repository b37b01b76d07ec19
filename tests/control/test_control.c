/* Tests of the control server end to end: a real server on 127.0.0.1 (port 0) in this process,
 * over a real SQLite store in a temp dir, driven by libsoup clients on the same GLib loop. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "ctl_control.h"
#include "ctl_store.h"
#include "ctl_test.h"
#include "jc_error.h"

#define TOKEN "test-producer-token"

typedef struct {
    char *dir;           /* owned: temp dir */
    char *db_path;       /* owned */
    CtlStore *store;     /* owned */
    CtlControl *control; /* owned */
    int port;
    SoupSession *soup; /* owned */
    int on_air_calls;
    gint64 on_air_id; /* last posting put on air, 0 = none */
    char *on_air_url; /* owned: its apply URL */
} Fixture;

static void on_air(const CtlPosting *posting, const char *apply_url, gpointer data)
{
    Fixture *f = data;
    f->on_air_calls++;
    f->on_air_id = posting != NULL ? posting->id : 0;
    g_free(f->on_air_url);
    f->on_air_url = g_strdup(apply_url);
}

static CtlControl *start_control(Fixture *f, int port, GError **error)
{
    CtlControlConfig cfg = {
        .listen_host = "127.0.0.1",
        .listen_port = port,
        .public_url = NULL,
        .producer_token = TOKEN,
        .store = f->store,
        .on_air = on_air,
        .on_air_data = f,
    };
    return ctl_control_new(&cfg, error);
}

static void setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    f->dir = g_dir_make_tmp("jobcast-ctl-XXXXXX", &error);
    g_assert_no_error(error);
    f->db_path = g_build_filename(f->dir, "jobcast.db", NULL);
    f->store = ctl_store_open(f->db_path, &error);
    g_assert_no_error(error);

    g_assert_cmpuint(ctl_test_seed(f->store), >, 2);

    f->control = start_control(f, 0, &error);
    g_assert_no_error(error);
    g_assert_nonnull(f->control);
    f->port = ctl_control_port(f->control);
    g_assert_cmpint(f->port, >, 0);
    f->soup = soup_session_new_with_options("timeout", 10, NULL);
}

static void teardown(Fixture *f, gconstpointer data)
{
    g_clear_object(&f->soup);
    ctl_control_free(f->control);
    ctl_store_close(f->store);
    ctl_test_remove_dir(f->dir);
    g_free(f->db_path);
    g_free(f->dir);
    g_free(f->on_air_url);
}

/* ---- HTTP helpers ---- */

/* POSTs a JSON apply body; returns the status and the parsed reply in parser. */
static guint apply_json(Fixture *f, const char *body, JsonParser *parser, JsonObject **reply)
{
    g_autoptr(SoupMessage) msg =
        ctl_test_post(f->port, "/api/apply", "application/json", body, strlen(body));
    g_autofree char *text = ctl_test_http_text(f->soup, msg);
    const char *type =
        soup_message_headers_get_content_type(soup_message_get_response_headers(msg), NULL);
    g_assert_cmpstr(type, ==, "application/json");
    *reply = ctl_test_parse_object(text, parser);
    return soup_message_get_status(msg);
}

static gint64 count_rows(Fixture *f, const char *where)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_autofree char *sql = g_strdup_printf("SELECT count(*) FROM signups WHERE %s", where);
    sqlite3_stmt *st = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &st, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(st), ==, SQLITE_ROW);
    gint64 n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* ---- HTTP tests ---- */

static void test_healthz_before_ready(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) msg = ctl_test_get(f->port, "/healthz", NULL);
    g_autofree char *body = ctl_test_http_text(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 503);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_cmpstr(json_object_get_string_member(ctl_test_parse_object(body, parser), "status"),
                    ==, "starting");
}

static void test_healthz_ready(Fixture *f, gconstpointer data)
{
    ctl_control_set_pipeline_ready(f->control, TRUE);
    g_autoptr(SoupMessage) msg = ctl_test_get(f->port, "/healthz", NULL);
    g_autofree char *body = ctl_test_http_text(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_cmpstr(json_object_get_string_member(ctl_test_parse_object(body, parser), "status"),
                    ==, "ok");
}

static void test_static_and_not_found(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) css = ctl_test_get(f->port, "/static/apply.css", NULL);
    g_autofree char *body = ctl_test_http_text(f->soup, css);
    g_assert_cmpuint(soup_message_get_status(css), ==, 200);
    g_assert_cmpstr(
        soup_message_headers_get_content_type(soup_message_get_response_headers(css), NULL), ==,
        "text/css");
    g_assert_nonnull(strstr(body, "font-size"));

    const char *missing[] = {"/static/nope.css",
                             "/static/.hidden.css",
                             "/static/%2e%2e/x.css",
                             "/static/../data/postings.json",
                             "/nothing",
                             "/a/",
                             "/a/abc",
                             "/a/1/other"};
    for (gsize i = 0; i < G_N_ELEMENTS(missing); i++) {
        g_autoptr(SoupMessage) msg = ctl_test_get(f->port, missing[i], NULL);
        g_autofree char *page = ctl_test_http_text(f->soup, msg);
        g_assert_cmpuint(soup_message_get_status(msg), ==, 404);
        g_assert_null(strstr(page, "\"postings\""));
    }
}

/* ---- apply ---- */

static void test_apply_json_201_durable(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *reply = NULL;
    guint status =
        apply_json(f,
                   "{\"posting_id\":1,\"name\":\" 张三 \",\"phone\":\"+86 138-1234-5678\","
                   "\"consent\":true}",
                   parser, &reply);
    g_assert_cmpuint(status, ==, 201);
    g_assert_true(json_object_get_boolean_member(reply, "received"));
    /* ...and where this submission's withdraw code is shown: nothing else. */
    g_assert_cmpuint(json_object_get_size(reply), ==, 2);
    g_assert_true(
        g_str_has_prefix(json_object_get_string_member(reply, "thanks_url"), "/a/1/thanks?t="));

    /* The answer came after the commit: another connection already sees the row. */
    g_assert_cmpint(count_rows(f, "posting_id = 1 AND name = '张三' AND "
                                  "phone = '13812345678' AND consent_at IS NOT NULL AND "
                                  "client_addr = '127.0.0.1'"),
                    ==, 1);
}

static void test_apply_json_duplicate(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonParser) p1 = json_parser_new();
    g_autoptr(JsonParser) p2 = json_parser_new();
    JsonObject *first = NULL;
    JsonObject *second = NULL;
    g_assert_cmpuint(apply_json(f,
                                "{\"posting_id\":2,\"name\":\"李四\",\"phone\":\"13900001111\","
                                "\"consent\":true}",
                                p1, &first),
                     ==, 201);
    /* Same phone written differently, same posting. */
    g_assert_cmpuint(apply_json(f,
                                "{\"posting_id\":2,\"name\":\"李四四\",\"phone\":\"139 0000 1111\","
                                "\"consent\":true}",
                                p2, &second),
                     ==, 201);
    /* The same answer as a new one: nothing tells the two apart. */
    g_assert_true(json_object_get_boolean_member(second, "received"));
    g_assert_cmpuint(json_object_get_size(second), ==, 2);
    g_assert_true(json_object_get_boolean_member(first, "received"));
    g_assert_cmpuint(json_object_get_size(first), ==, 2);
    /* Each gets its own code, in the same shape. */
    const char *url1 = json_object_get_string_member(first, "thanks_url");
    const char *url2 = json_object_get_string_member(second, "thanks_url");
    g_assert_cmpstr(url1, !=, url2);
    g_assert_cmpuint(strlen(url1), ==, strlen(url2));
    g_assert_cmpint(count_rows(f, "posting_id = 2"), ==, 1);
}

static void assert_invalid(Fixture *f, const char *body, const char *field)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *reply = NULL;
    g_assert_cmpuint(apply_json(f, body, parser, &reply), ==, 400);
    JsonObject *err = json_object_get_object_member(reply, "error");
    g_assert_cmpstr(json_object_get_string_member(err, "code"), ==, "invalid");
    if (field != NULL)
        g_assert_cmpstr(json_object_get_string_member(err, "field"), ==, field);
    else
        g_assert_true(json_object_get_null_member(err, "field"));
    g_assert_cmpstr(json_object_get_string_member(err, "message"), !=, "");
}

static void test_apply_invalid_400(Fixture *f, gconstpointer data)
{
    assert_invalid(f, "{\"posting_id\":1,\"name\":\"张三\",\"phone\":\"12345\",\"consent\":true}",
                   "phone");
    assert_invalid(
        f, "{\"posting_id\":1,\"name\":\"  \",\"phone\":\"13812345678\",\"consent\":true}", "name");
    assert_invalid(
        f, "{\"posting_id\":1,\"name\":\"张三\",\"phone\":\"13812345678\",\"consent\":false}",
        "consent");
    assert_invalid(f,
                   "{\"posting_id\":\"1\",\"name\":\"张三\",\"phone\":\"13812345678\","
                   "\"consent\":true}",
                   "posting_id");
    assert_invalid(f, "{\"posting_id\":1,\"name\":\"张三\",", NULL);
    g_assert_cmpint(count_rows(f, "1"), ==, 0);
}

static void test_apply_unknown_posting(Fixture *f, gconstpointer data)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *reply = NULL;
    g_assert_cmpuint(apply_json(f,
                                "{\"posting_id\":99999,\"name\":\"张三\",\"phone\":\"13812345678\","
                                "\"consent\":true}",
                                parser, &reply),
                     ==, 404);
    JsonObject *err = json_object_get_object_member(reply, "error");
    g_assert_cmpstr(json_object_get_string_member(err, "code"), ==, "not_found");
    g_assert_cmpint(count_rows(f, "1"), ==, 0);
}

static void test_apply_form_303(Fixture *f, gconstpointer data)
{
    const char body[] = "posting_id=3&name=%E7%8E%8B%E4%BA%94&phone=138+0000+2222&consent=on";
    g_autoptr(SoupMessage) msg = ctl_test_post(
        f->port, "/api/apply", "application/x-www-form-urlencoded", body, strlen(body));
    g_autofree char *text = ctl_test_http_text(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 303);
    const char *location =
        soup_message_headers_get_one(soup_message_get_response_headers(msg), "Location");
    g_assert_nonnull(location);
    g_assert_true(g_str_has_prefix(location, "/a/3/thanks?t="));
    g_assert_cmpint(count_rows(f, "posting_id = 3 AND phone = '13800002222'"), ==, 1);

    g_autoptr(SoupMessage) thanks = ctl_test_get(f->port, location, NULL);
    g_autofree char *page = ctl_test_http_text(f->soup, thanks);
    g_assert_cmpuint(soup_message_get_status(thanks), ==, 200);
    g_assert_nonnull(strstr(page, "报名成功"));
    g_assert_nonnull(strstr(page, "一个工作日内"));

    /* Again: a duplicate, answered like a new one (another token, the same page). */
    g_autoptr(SoupMessage) again = ctl_test_post(
        f->port, "/api/apply", "application/x-www-form-urlencoded", body, strlen(body));
    g_autofree char *text2 = ctl_test_http_text(f->soup, again);
    g_assert_cmpuint(soup_message_get_status(again), ==, 303);
    const char *loc2 =
        soup_message_headers_get_one(soup_message_get_response_headers(again), "Location");
    g_autoptr(SoupMessage) thanks2 = ctl_test_get(f->port, loc2, NULL);
    g_autofree char *page2 = ctl_test_http_text(f->soup, thanks2);
    g_assert_true(g_str_has_prefix(loc2, "/a/3/thanks?t="));
    g_assert_cmpstr(loc2, !=, location);
    /* The same page but for each submission's own withdraw code (and the status
     * link made from it). */
    g_autoptr(GRegex) code =
        g_regex_new("[0-9a-f]{64}|[0-9A-Z]{4}-?[0-9A-Z]{4}-?[0-9A-Z]{4}", 0, 0, NULL);
    g_autofree char *masked = g_regex_replace_literal(code, page, -1, 0, "CODE", 0, NULL);
    g_autofree char *masked2 = g_regex_replace_literal(code, page2, -1, 0, "CODE", 0, NULL);
    g_assert_cmpstr(masked2, ==, masked);
    g_assert_cmpstr(masked, !=, page);
}

static void test_apply_form_invalid_keeps_values(Fixture *f, gconstpointer data)
{
    const char body[] = "posting_id=3&name=%3Cb%3E%E7%8E%8B&phone=123&consent=on";
    g_autoptr(SoupMessage) msg = ctl_test_post(
        f->port, "/api/apply", "application/x-www-form-urlencoded", body, strlen(body));
    g_autofree char *page = ctl_test_http_text(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 400);
    g_assert_nonnull(strstr(page, "value=\"&lt;b&gt;王\""));
    g_assert_nonnull(strstr(page, "value=\"123\""));
    g_assert_nonnull(strstr(page, "请填写正确的11位手机号码"));
    g_assert_null(strstr(page, "<b>"));
    g_assert_cmpint(count_rows(f, "1"), ==, 0);
}

static void test_apply_unsupported_type_415(Fixture *f, gconstpointer data)
{
    const char body[] = "posting_id=3";
    g_autoptr(SoupMessage) msg =
        ctl_test_post(f->port, "/api/apply", "text/plain", body, strlen(body));
    g_autofree char *text = ctl_test_http_text(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 415);
}

static void test_apply_oversized_413(Fixture *f, gconstpointer data)
{
    GString *body = g_string_new("{\"posting_id\":1,\"name\":\"");
    while (body->len < 17 * 1024)
        g_string_append_c(body, 'x');
    g_string_append(body, "\",\"phone\":\"13812345678\",\"consent\":true}");
    g_autoptr(SoupMessage) msg =
        ctl_test_post(f->port, "/api/apply", "application/json", body->str, body->len);
    g_autofree char *text = ctl_test_http_text(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 413);
    g_string_free(body, TRUE);
    g_assert_cmpint(count_rows(f, "1"), ==, 0);

    /* The server is still fine afterwards. */
    g_autoptr(SoupMessage) health = ctl_test_get(f->port, "/healthz", NULL);
    g_autofree char *h = ctl_test_http_text(f->soup, health);
    g_assert_cmpuint(soup_message_get_status(health), ==, 503);
}

static gint64 markup_posting_id(Fixture *f)
{
    g_autoptr(GPtrArray) list = ctl_store_list_postings(f->store, NULL);
    for (guint i = 0; i < list->len; i++) {
        CtlPosting *p = g_ptr_array_index(list, i);
        if (strstr(p->title, "<b>") != NULL)
            return p->id;
    }
    g_assert_not_reached();
}

static void test_page_escapes_markup(Fixture *f, gconstpointer data)
{
    g_autofree char *path = g_strdup_printf("/a/%" G_GINT64_FORMAT, markup_posting_id(f));
    g_autoptr(SoupMessage) msg = ctl_test_get(f->port, path, NULL);
    g_autofree char *page = ctl_test_http_text(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    SoupMessageHeaders *h = soup_message_get_response_headers(msg);
    g_assert_cmpstr(soup_message_headers_get_one(h, "Content-Type"), ==,
                    "text/html; charset=utf-8");
    g_assert_cmpstr(soup_message_headers_get_one(h, "Cache-Control"), ==, "no-store");
    g_assert_nonnull(
        strstr(soup_message_headers_get_one(h, "Content-Security-Policy"), "script-src 'self'"));

    /* The one script is the page's own (web/apply.js); none comes from the posting. */
    const char *script = strstr(page, "<script");
    g_assert_nonnull(script);
    g_assert_true(g_str_has_prefix(script, "<script src=\"/static/apply.js\" defer></script>"));
    g_assert_null(strstr(script + 1, "<script"));
    g_assert_null(strstr(page, "<b>"));
    g_assert_nonnull(strstr(page, "&lt;script&gt;"));
    g_assert_nonnull(strstr(page, "&lt;b&gt;急招&lt;/b&gt;"));
    g_assert_nonnull(strstr(page, "O&apos;Brien &amp; 李氏搬家"));
    /* The form itself. */
    g_assert_nonnull(strstr(page, "lang=\"zh-CN\""));
    g_assert_nonnull(strstr(page, "action=\"/api/apply\""));
    g_assert_nonnull(strstr(page, "type=\"tel\""));
    g_assert_nonnull(strstr(page, "立即报名"));
    g_assert_nonnull(strstr(page, "300-400 元/天"));
}

static void test_page_unknown_404(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) msg = ctl_test_get(f->port, "/a/424242", NULL);
    g_autofree char *page = ctl_test_http_text(f->soup, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 404);
    g_assert_nonnull(strstr(page, "<html lang=\"zh-CN\">"));
}

/* A client that sends its sign-up and hangs up before the answer: the row is still stored and
 * the server (under ASan) touches nothing of the closed connection. */
static void test_apply_client_gone(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect_to_host(client, "127.0.0.1", (guint16)f->port, NULL, &error);
    g_assert_no_error(error);
    const char body[] = "{\"posting_id\":4,\"name\":\"赵六\",\"phone\":\"13700003333\","
                        "\"consent\":true}";
    g_autofree char *req = g_strdup_printf("POST /api/apply HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Content-Length: %zu\r\n\r\n%s",
                                           strlen(body), body);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
    g_assert_true(g_output_stream_write_all(out, req, strlen(req), NULL, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(g_io_stream_close(G_IO_STREAM(conn), NULL, &error));
    for (int i = 0; i < 50 && count_rows(f, "posting_id = 4") == 0; i++)
        ctl_test_spin_for(20);
    g_assert_cmpint(count_rows(f, "posting_id = 4"), ==, 1);
    ctl_test_spin_for(50);

    g_autoptr(SoupMessage) health = ctl_test_get(f->port, "/healthz", NULL);
    g_autofree char *h = ctl_test_http_text(f->soup, health);
    g_assert_cmpuint(soup_message_get_status(health), ==, 503);
}

/* ---- WebSocket ---- */

/* The next message of w; *node holds it (transfer full). */
static JsonObject *ws_next(CtlTestWs *w, JsonNode **node)
{
    *node = ctl_test_ws_next(w);
    return json_node_get_object(*node);
}

/* Opens /api/control with the given Authorization / Cookie / Origin (each may be NULL);
 * returns the HTTP status of the handshake (101 on success, (*w)->ws set). */
static guint ws_open(Fixture *f, CtlTestWs **w, const char *authorization, const char *cookie,
                     const char *origin)
{
    *w = ctl_test_ws_connect(f->soup, f->port, authorization, cookie, origin);
    return (*w)->status;
}

static CtlTestWs *ws_producer(Fixture *f)
{
    return ctl_test_ws_producer(f->soup, f->port, "Bearer " TOKEN);
}

static void test_ws_no_token(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = NULL;
    g_assert_cmpuint(ws_open(f, &w, NULL, NULL, NULL), ==, 401);
    g_assert_null(w->ws);
    g_assert_nonnull(w->error);
    ctl_test_ws_free(w);
}

static void test_ws_wrong_token(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = NULL;
    g_assert_cmpuint(ws_open(f, &w, "Bearer not-the-token", NULL, NULL), ==, 401);
    g_assert_null(w->ws);
    ctl_test_ws_free(w);
    /* Almost right is still wrong. */
    g_assert_cmpuint(ws_open(f, &w, "Bearer " TOKEN "x", NULL, NULL), ==, 401);
    ctl_test_ws_free(w);
    g_assert_cmpuint(ws_open(f, &w, "Basic " TOKEN, NULL, NULL), ==, 401);
    ctl_test_ws_free(w);
}

static void test_ws_take_broadcasts(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(f->on_air_calls, ==, 1); /* at start-up: the first posting */
    g_assert_cmpint(f->on_air_id, ==, 1);
    CtlTestWs *a = ws_producer(f);
    CtlTestWs *b = ws_producer(f);
    soup_websocket_connection_send_text(
        a->ws,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"show.take\",\"params\":{\"posting_id\":3}}");

    /* a gets the notification and its result (in either order), b the notification. */
    gboolean got_result = FALSE;
    gboolean got_note = FALSE;
    for (int i = 0; i < 2; i++) {
        g_autoptr(JsonNode) node = NULL;
        JsonObject *m = ws_next(a, &node);
        JsonObject *holder = NULL;
        if (json_object_has_member(m, "result")) {
            g_assert_cmpint(json_object_get_int_member(m, "id"), ==, 1);
            holder = json_object_get_object_member(m, "result");
            got_result = TRUE;
        } else {
            g_assert_cmpstr(json_object_get_string_member(m, "method"), ==, "on_air.changed");
            holder = json_object_get_object_member(m, "params");
            got_note = TRUE;
        }
        JsonObject *posting = json_object_get_object_member(holder, "on_air");
        g_assert_cmpint(json_object_get_int_member(posting, "id"), ==, 3);
    }
    g_assert_true(got_result && got_note);

    g_autoptr(JsonNode) node = NULL;
    JsonObject *note = ws_next(b, &node);
    g_assert_cmpstr(json_object_get_string_member(note, "method"), ==, "on_air.changed");
    g_assert_false(json_object_has_member(note, "id"));
    JsonObject *posting =
        json_object_get_object_member(json_object_get_object_member(note, "params"), "on_air");
    g_assert_cmpint(json_object_get_int_member(posting, "id"), ==, 3);
    g_assert_nonnull(json_object_get_string_member(posting, "pay_text"));
    g_assert_nonnull(json_object_get_array_member(posting, "tags"));
    g_assert_cmpint(json_object_get_int_member(posting, "signups"), ==, 0);
    g_autofree char *want_url = g_strdup_printf("http://127.0.0.1:%d/a/3", f->port);
    g_assert_cmpstr(json_object_get_string_member(posting, "apply_url"), ==, want_url);

    g_assert_cmpint(f->on_air_calls, ==, 2);
    g_assert_cmpint(f->on_air_id, ==, 3);
    g_assert_cmpstr(f->on_air_url, ==, want_url);
    g_autofree char *saved = ctl_store_get_state(f->store, "on_air_posting", NULL);
    g_assert_cmpstr(saved, ==, "3");

    /* Taking a posting that does not exist changes nothing. */
    soup_websocket_connection_send_text(
        a->ws,
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"show.take\",\"params\":{\"posting_id\":999}}");
    g_autoptr(JsonNode) n2 = NULL;
    JsonObject *err = json_object_get_object_member(ws_next(a, &n2), "error");
    g_assert_cmpint(json_object_get_int_member(err, "code"), ==, -32004);
    g_assert_cmpint(f->on_air_id, ==, 3);
    ctl_test_ws_free(a);
    ctl_test_ws_free(b);
}

static void test_ws_malformed_message(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = ws_producer(f);
    soup_websocket_connection_send_text(a->ws, "{oops");
    g_autoptr(JsonNode) n1 = NULL;
    JsonObject *m = ws_next(a, &n1);
    g_assert_cmpint(json_object_get_int_member(json_object_get_object_member(m, "error"), "code"),
                    ==, -32700);
    g_assert_true(json_object_get_null_member(m, "id"));

    /* Over 64 KiB: -32600, and the connection stays. */
    GString *big = g_string_new("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"state.get\",\"x\":\"");
    while (big->len < 70 * 1024)
        g_string_append_c(big, 'y');
    g_string_append(big, "\"}");
    soup_websocket_connection_send_text(a->ws, big->str);
    g_string_free(big, TRUE);
    g_autoptr(JsonNode) n2 = NULL;
    m = ws_next(a, &n2);
    g_assert_cmpint(json_object_get_int_member(json_object_get_object_member(m, "error"), "code"),
                    ==, -32600);

    soup_websocket_connection_send_text(
        a->ws, "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"state.get\"}");
    g_autoptr(JsonNode) n3 = NULL;
    m = ws_next(a, &n3);
    g_assert_cmpstr(json_object_get_string_member(m, "id"), ==, "s");
    JsonObject *result = json_object_get_object_member(m, "result");
    g_assert_cmpint(
        json_object_get_int_member(json_object_get_object_member(result, "on_air"), "id"), ==, 1);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(result, "postings")), >, 2);
    ctl_test_ws_free(a);
}

static void test_ws_unknown_method(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = ws_producer(f);
    soup_websocket_connection_send_text(a->ws,
                                        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"show.fly\"}");
    g_autoptr(JsonNode) node = NULL;
    JsonObject *m = ws_next(a, &node);
    g_assert_cmpint(json_object_get_int_member(m, "id"), ==, 4);
    g_assert_cmpint(json_object_get_int_member(json_object_get_object_member(m, "error"), "code"),
                    ==, -32601);
    /* A notification gets no reply at all. */
    soup_websocket_connection_send_text(a->ws, "{\"jsonrpc\":\"2.0\",\"method\":\"show.fly\"}");
    soup_websocket_connection_send_text(
        a->ws, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"postings.list\"}");
    g_autoptr(JsonNode) n2 = NULL;
    m = ws_next(a, &n2);
    g_assert_cmpint(json_object_get_int_member(m, "id"), ==, 5);
    ctl_test_ws_free(a);
}

static void test_ws_signup_broadcast(Fixture *f, gconstpointer data)
{
    CtlTestWs *a = ws_producer(f);
    ctl_test_spin_for(20);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *reply = NULL;
    g_assert_cmpuint(apply_json(f,
                                "{\"posting_id\":5,\"name\":\"钱七\",\"phone\":\"13612345678\","
                                "\"consent\":true}",
                                parser, &reply),
                     ==, 201);
    g_autoptr(JsonNode) n2 = NULL;
    JsonObject *note = ws_next(a, &n2);
    g_assert_cmpstr(json_object_get_string_member(note, "method"), ==, "signup.created");
    JsonObject *params = json_object_get_object_member(note, "params");
    g_assert_cmpint(json_object_get_int_member(params, "posting_id"), ==, 5);
    g_assert_cmpint(json_object_get_int_member(params, "signup_id"), ==, 1); /* the first row */
    g_assert_cmpstr(json_object_get_string_member(params, "name"), ==, "钱七");
    g_assert_cmpstr(json_object_get_string_member(params, "phone_masked"), ==, "136****5678");
    g_assert_cmpint(json_object_get_int_member(params, "count"), ==, 1);

    /* A duplicate is not news. */
    g_autoptr(JsonParser) p3 = json_parser_new();
    g_assert_cmpuint(apply_json(f,
                                "{\"posting_id\":5,\"name\":\"钱七\",\"phone\":\"13612345678\","
                                "\"consent\":true}",
                                p3, &reply),
                     ==, 201);
    ctl_test_spin_for(100);
    g_assert_true(g_queue_is_empty(&a->messages));
    ctl_test_ws_free(a);
}

/* ---- login, cookie, origin ---- */

static void test_login_cookie_and_origin(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) bad = ctl_test_get(f->port, "/login?token=nope", NULL);
    g_autofree char *bad_page = ctl_test_http_text(f->soup, bad);
    g_assert_cmpuint(soup_message_get_status(bad), ==, 401);
    g_assert_null(
        soup_message_headers_get_one(soup_message_get_response_headers(bad), "Set-Cookie"));

    g_autoptr(SoupMessage) anon = ctl_test_get(f->port, "/control", NULL);
    g_autofree char *anon_page = ctl_test_http_text(f->soup, anon);
    g_assert_cmpuint(soup_message_get_status(anon), ==, 303);

    g_autoptr(SoupMessage) login = ctl_test_get(f->port, "/login?token=" TOKEN, NULL);
    g_autofree char *login_page = ctl_test_http_text(f->soup, login);
    g_assert_cmpuint(soup_message_get_status(login), ==, 303);
    SoupMessageHeaders *h = soup_message_get_response_headers(login);
    g_assert_cmpstr(soup_message_headers_get_one(h, "Location"), ==, "/control");
    const char *set_cookie = soup_message_headers_get_one(h, "Set-Cookie");
    g_assert_nonnull(set_cookie);
    g_assert_true(g_str_has_prefix(set_cookie, "jobcast_session="));
    g_assert_nonnull(strstr(set_cookie, "HttpOnly"));
    g_assert_nonnull(strstr(set_cookie, "SameSite=Strict"));
    g_assert_nonnull(strstr(set_cookie, "Max-Age=604800")); /* 7 days; idle ends it sooner */
    g_autofree char *cookie = g_strndup(set_cookie, strcspn(set_cookie, ";"));

    g_autoptr(SoupMessage) page = ctl_test_get(f->port, "/control", NULL);
    soup_message_headers_replace(soup_message_get_request_headers(page), "Cookie", cookie);
    g_autofree char *html = ctl_test_http_text(f->soup, page);
    g_assert_cmpuint(soup_message_get_status(page), ==, 200);

    g_autoptr(SoupMessage) forged = ctl_test_get(f->port, "/control", NULL);
    soup_message_headers_replace(soup_message_get_request_headers(forged), "Cookie",
                                 "jobcast_session=0000");
    g_autofree char *forged_page = ctl_test_http_text(f->soup, forged);
    g_assert_cmpuint(soup_message_get_status(forged), ==, 303);

    /* The browser's WebSocket: cookie plus its own origin works... */
    g_autofree char *origin = g_strdup_printf("http://127.0.0.1:%d", f->port);
    CtlTestWs *w = NULL;
    g_assert_cmpuint(ws_open(f, &w, NULL, cookie, origin), ==, 101);
    g_assert_nonnull(w->ws);
    soup_websocket_connection_send_text(w->ws,
                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"state.get\"}");
    g_autoptr(JsonNode) node = NULL;
    g_assert_true(json_object_has_member(ws_next(w, &node), "result"));
    ctl_test_ws_free(w);
    /* ...another site's page riding the cookie does not, nor one without an Origin... */
    g_assert_cmpuint(ws_open(f, &w, NULL, cookie, "http://evil.example"), ==, 403);
    g_assert_null(w->ws);
    ctl_test_ws_free(w);
    g_assert_cmpuint(ws_open(f, &w, NULL, cookie, NULL), ==, 403);
    ctl_test_ws_free(w);
    /* ...and a forged cookie is no credential. */
    g_assert_cmpuint(ws_open(f, &w, NULL, "jobcast_session=0000", origin), ==, 401);
    ctl_test_ws_free(w);
}

/* ---- start-up ---- */

static void test_start_restores_on_air(Fixture *f, gconstpointer data)
{
    g_assert_true(ctl_store_set_state(f->store, "on_air_posting", "4", NULL));
    ctl_control_free(f->control);
    f->on_air_calls = 0;
    g_autoptr(GError) error = NULL;
    f->control = start_control(f, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpint(f->on_air_calls, ==, 1);
    g_assert_cmpint(f->on_air_id, ==, 4);
    f->port = ctl_control_port(f->control);
    g_autofree char *want = g_strdup_printf("http://127.0.0.1:%d/a/4", f->port);
    g_assert_cmpstr(f->on_air_url, ==, want);

    /* A saved id that no longer exists falls back to the first posting. */
    g_assert_true(ctl_store_set_state(f->store, "on_air_posting", "9999", NULL));
    ctl_control_free(f->control);
    f->control = start_control(f, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpint(f->on_air_id, ==, 1);
    f->port = ctl_control_port(f->control);
}

static void test_start_port_in_use(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    CtlControl *second = start_control(f, f->port, &error);
    g_assert_null(second);
    g_assert_error(error, JC_ERROR, JC_ERROR_IO);
    /* The first one still serves. */
    g_autoptr(SoupMessage) health = ctl_test_get(f->port, "/healthz", NULL);
    g_autofree char *h = ctl_test_http_text(f->soup, health);
    g_assert_cmpuint(soup_message_get_status(health), ==, 503);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
    ADD("/control/http/healthz-before-ready-503", test_healthz_before_ready);
    ADD("/control/http/healthz-ready-200", test_healthz_ready);
    ADD("/control/http/static-and-not-found", test_static_and_not_found);
    ADD("/control/apply/json-201-durable", test_apply_json_201_durable);
    ADD("/control/apply/json-duplicate-200", test_apply_json_duplicate);
    ADD("/control/apply/invalid-400-names-field", test_apply_invalid_400);
    ADD("/control/apply/unknown-posting-404", test_apply_unknown_posting);
    ADD("/control/apply/form-303", test_apply_form_303);
    ADD("/control/apply/form-invalid-keeps-values", test_apply_form_invalid_keeps_values);
    ADD("/control/apply/unsupported-type-415", test_apply_unsupported_type_415);
    ADD("/control/apply/oversized-413", test_apply_oversized_413);
    ADD("/control/apply/page-escapes-markup", test_page_escapes_markup);
    ADD("/control/apply/page-unknown-404", test_page_unknown_404);
    ADD("/control/apply/client-gone-before-answer", test_apply_client_gone);
    ADD("/control/ws/no-token-401", test_ws_no_token);
    ADD("/control/ws/wrong-token-401", test_ws_wrong_token);
    ADD("/control/ws/take-broadcasts", test_ws_take_broadcasts);
    ADD("/control/ws/malformed-message-error", test_ws_malformed_message);
    ADD("/control/ws/unknown-method", test_ws_unknown_method);
    ADD("/control/ws/signup-broadcast", test_ws_signup_broadcast);
    ADD("/control/login/cookie-and-origin", test_login_cookie_and_origin);
    ADD("/control/start/restores-on-air", test_start_restores_on_air);
    ADD("/control/start/port-in-use", test_start_port_in_use);
#undef ADD
    return g_test_run();
}
