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
#include "jc_error.h"

#define TOKEN "test-producer-token"
#define WAIT_MS 10000

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

    g_autofree char *seed_path =
        g_build_filename(g_getenv("JOBCAST_SOURCE_DIR"), "data", "postings.json", NULL);
    g_autofree char *seed = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(seed_path, &seed, &len, &error));
    guint inserted = 0;
    g_assert_true(ctl_store_seed(f->store, seed, len, &inserted, &error));
    g_assert_cmpuint(inserted, >, 2);

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
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *p = g_strconcat(f->db_path, suffixes[i], NULL);
        g_unlink(p);
    }
    g_rmdir(f->dir);
    g_free(f->db_path);
    g_free(f->dir);
    g_free(f->on_air_url);
}

/* ---- running the loop ---- */

static gboolean timed_out(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Iterates the default context until *flag is TRUE; fails the test after WAIT_MS. */
static void spin_until(const gboolean *flag)
{
    gboolean expired = FALSE;
    guint id = g_timeout_add(WAIT_MS, timed_out, &expired);
    while (!*flag && !expired)
        g_main_context_iteration(NULL, TRUE);
    if (!expired)
        g_source_remove(id);
    g_assert_false(expired);
}

/* Lets the loop run for ms (to show that something does NOT happen). */
static void spin_for(guint ms)
{
    gboolean expired = FALSE;
    g_timeout_add(ms, timed_out, &expired);
    while (!expired)
        g_main_context_iteration(NULL, TRUE);
}

/* ---- HTTP helpers ---- */

typedef struct {
    gboolean done;
    GBytes *body;
    GError *error;
} Pending;

static void read_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Pending *p = data;
    p->body = soup_session_send_and_read_finish(SOUP_SESSION(src), res, &p->error);
    p->done = TRUE;
}

static char *url_for(Fixture *f, const char *path)
{
    return g_strdup_printf("http://127.0.0.1:%d%s", f->port, path);
}

/* Sends msg (redirects not followed) and returns the body as a string. (transfer full) */
static char *send(Fixture *f, SoupMessage *msg)
{
    soup_message_add_flags(msg, SOUP_MESSAGE_NO_REDIRECT);
    Pending p = {0};
    soup_session_send_and_read_async(f->soup, msg, G_PRIORITY_DEFAULT, NULL, read_done, &p);
    spin_until(&p.done);
    g_assert_no_error(p.error);
    gsize len = 0;
    const char *data = g_bytes_get_data(p.body, &len);
    char *text = g_strndup(data, len);
    g_bytes_unref(p.body);
    return text;
}

static SoupMessage *get_msg(Fixture *f, const char *path)
{
    g_autofree char *url = url_for(f, path);
    return soup_message_new("GET", url);
}

static SoupMessage *post_msg(Fixture *f, const char *path, const char *type, const char *body,
                             gsize len)
{
    g_autofree char *url = url_for(f, path);
    SoupMessage *msg = soup_message_new("POST", url);
    g_autoptr(GBytes) bytes = g_bytes_new(body, len);
    soup_message_set_request_body_from_bytes(msg, type, bytes);
    return msg;
}

static JsonObject *parse_object(const char *text, JsonParser *parser)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_data(parser, text, -1, &error));
    g_assert_no_error(error);
    JsonNode *root = json_parser_get_root(parser);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
    return json_node_get_object(root);
}

/* POSTs a JSON apply body; returns the status and the parsed reply in parser. */
static guint apply_json(Fixture *f, const char *body, JsonParser *parser, JsonObject **reply)
{
    g_autoptr(SoupMessage) msg = post_msg(f, "/api/apply", "application/json", body, strlen(body));
    g_autofree char *text = send(f, msg);
    const char *type =
        soup_message_headers_get_content_type(soup_message_get_response_headers(msg), NULL);
    g_assert_cmpstr(type, ==, "application/json");
    *reply = parse_object(text, parser);
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
    g_autoptr(SoupMessage) msg = get_msg(f, "/healthz");
    g_autofree char *body = send(f, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 503);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_cmpstr(json_object_get_string_member(parse_object(body, parser), "status"), ==,
                    "starting");
}

static void test_healthz_ready(Fixture *f, gconstpointer data)
{
    ctl_control_set_pipeline_ready(f->control, TRUE);
    g_autoptr(SoupMessage) msg = get_msg(f, "/healthz");
    g_autofree char *body = send(f, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 200);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_cmpstr(json_object_get_string_member(parse_object(body, parser), "status"), ==, "ok");
}

static void test_static_and_not_found(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) css = get_msg(f, "/static/apply.css");
    g_autofree char *body = send(f, css);
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
        g_autoptr(SoupMessage) msg = get_msg(f, missing[i]);
        g_autofree char *page = send(f, msg);
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
    gint64 id = json_object_get_int_member(reply, "id");
    g_assert_cmpint(id, >, 0);
    g_assert_false(json_object_get_boolean_member(reply, "duplicate"));

    /* The answer came after the commit: another connection already sees the row. */
    g_autofree char *where = g_strdup_printf(
        "id = %" G_GINT64_FORMAT " AND posting_id = 1 AND name = '张三' AND "
        "phone = '13812345678' AND consent_at IS NOT NULL AND client_addr = '127.0.0.1'",
        id);
    g_assert_cmpint(count_rows(f, where), ==, 1);
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
                     ==, 200);
    g_assert_true(json_object_get_boolean_member(second, "duplicate"));
    g_assert_cmpint(json_object_get_int_member(second, "id"), ==,
                    json_object_get_int_member(first, "id"));
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
    g_autoptr(SoupMessage) msg =
        post_msg(f, "/api/apply", "application/x-www-form-urlencoded", body, strlen(body));
    g_autofree char *text = send(f, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 303);
    const char *location =
        soup_message_headers_get_one(soup_message_get_response_headers(msg), "Location");
    g_assert_nonnull(location);
    g_assert_true(g_str_has_prefix(location, "/a/3/thanks?s="));
    g_assert_cmpint(count_rows(f, "posting_id = 3 AND phone = '13800002222'"), ==, 1);

    g_autoptr(SoupMessage) thanks = get_msg(f, location);
    g_autofree char *page = send(f, thanks);
    g_assert_cmpuint(soup_message_get_status(thanks), ==, 200);
    g_assert_nonnull(strstr(page, "报名成功"));
    g_assert_nonnull(strstr(page, "一个工作日内"));

    /* Again: a duplicate, and the page says it was already received. */
    g_autoptr(SoupMessage) again =
        post_msg(f, "/api/apply", "application/x-www-form-urlencoded", body, strlen(body));
    g_autofree char *text2 = send(f, again);
    g_assert_cmpuint(soup_message_get_status(again), ==, 303);
    const char *loc2 =
        soup_message_headers_get_one(soup_message_get_response_headers(again), "Location");
    g_autoptr(SoupMessage) thanks2 = get_msg(f, loc2);
    g_autofree char *page2 = send(f, thanks2);
    g_assert_nonnull(strstr(page2, "已经"));
    g_assert_null(strstr(page2, "报名成功"));
}

static void test_apply_form_invalid_keeps_values(Fixture *f, gconstpointer data)
{
    const char body[] = "posting_id=3&name=%3Cb%3E%E7%8E%8B&phone=123&consent=on";
    g_autoptr(SoupMessage) msg =
        post_msg(f, "/api/apply", "application/x-www-form-urlencoded", body, strlen(body));
    g_autofree char *page = send(f, msg);
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
    g_autoptr(SoupMessage) msg = post_msg(f, "/api/apply", "text/plain", body, strlen(body));
    g_autofree char *text = send(f, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 415);
}

static void test_apply_oversized_413(Fixture *f, gconstpointer data)
{
    GString *body = g_string_new("{\"posting_id\":1,\"name\":\"");
    while (body->len < 17 * 1024)
        g_string_append_c(body, 'x');
    g_string_append(body, "\",\"phone\":\"13812345678\",\"consent\":true}");
    g_autoptr(SoupMessage) msg =
        post_msg(f, "/api/apply", "application/json", body->str, body->len);
    g_autofree char *text = send(f, msg);
    g_assert_cmpuint(soup_message_get_status(msg), ==, 413);
    g_string_free(body, TRUE);
    g_assert_cmpint(count_rows(f, "1"), ==, 0);

    /* The server is still fine afterwards. */
    g_autoptr(SoupMessage) health = get_msg(f, "/healthz");
    g_autofree char *h = send(f, health);
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
    g_autoptr(SoupMessage) msg = get_msg(f, path);
    g_autofree char *page = send(f, msg);
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
    g_assert_nonnull(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
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
    g_autoptr(SoupMessage) msg = get_msg(f, "/a/424242");
    g_autofree char *page = send(f, msg);
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
        spin_for(20);
    g_assert_cmpint(count_rows(f, "posting_id = 4"), ==, 1);
    spin_for(50);

    g_autoptr(SoupMessage) health = get_msg(f, "/healthz");
    g_autofree char *h = send(f, health);
    g_assert_cmpuint(soup_message_get_status(health), ==, 503);
}

/* ---- WebSocket ---- */

typedef struct {
    gboolean done;
    SoupWebsocketConnection *ws; /* owned */
    GError *error;               /* owned */
    GQueue messages;             /* owned char* */
} Ws;

static void ws_message(SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer data)
{
    Ws *w = data;
    gsize len = 0;
    const char *text = g_bytes_get_data(message, &len);
    g_queue_push_tail(&w->messages, g_strndup(text, len));
}

static void ws_connected(GObject *src, GAsyncResult *res, gpointer data)
{
    Ws *w = data;
    w->ws = soup_session_websocket_connect_finish(SOUP_SESSION(src), res, &w->error);
    if (w->ws != NULL)
        g_signal_connect(w->ws, "message", G_CALLBACK(ws_message), w);
    w->done = TRUE;
}

/* Opens /api/control with the given Authorization / Cookie / Origin (each may be NULL);
 * returns the HTTP status of the handshake (101 on success, w->ws set). */
static guint ws_open(Fixture *f, Ws *w, const char *authorization, const char *cookie,
                     const char *origin)
{
    memset(w, 0, sizeof *w);
    g_queue_init(&w->messages);
    g_autofree char *url = g_strdup_printf("ws://127.0.0.1:%d/api/control", f->port);
    g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
    SoupMessageHeaders *h = soup_message_get_request_headers(msg);
    if (authorization != NULL)
        soup_message_headers_replace(h, "Authorization", authorization);
    if (cookie != NULL)
        soup_message_headers_replace(h, "Cookie", cookie);
    soup_session_websocket_connect_async(f->soup, msg, origin, NULL, G_PRIORITY_DEFAULT, NULL,
                                         ws_connected, w);
    spin_until(&w->done);
    return soup_message_get_status(msg);
}

static void ws_close(Ws *w)
{
    if (w->ws != NULL) {
        g_signal_handlers_disconnect_by_data(w->ws, w);
        if (soup_websocket_connection_get_state(w->ws) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_close(w->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
        g_clear_object(&w->ws);
    }
    g_clear_error(&w->error);
    g_queue_clear_full(&w->messages, g_free);
}

static gboolean has_message(gpointer data)
{
    return !g_queue_is_empty(&((Ws *)data)->messages);
}

/* The next message, parsed into parser. */
static JsonObject *ws_next(Ws *w, JsonParser *parser)
{
    gboolean expired = FALSE;
    guint id = g_timeout_add(WAIT_MS, timed_out, &expired);
    while (!has_message(w) && !expired)
        g_main_context_iteration(NULL, TRUE);
    if (!expired)
        g_source_remove(id);
    g_assert_false(expired);
    g_autofree char *text = g_queue_pop_head(&w->messages);
    return parse_object(text, parser);
}

static Ws *ws_producer(Fixture *f)
{
    Ws *w = g_new0(Ws, 1);
    g_assert_cmpuint(ws_open(f, w, "Bearer " TOKEN, NULL, NULL), ==, 101);
    g_assert_no_error(w->error);
    g_assert_nonnull(w->ws);
    return w;
}

static void ws_free(Ws *w)
{
    ws_close(w);
    g_free(w);
}

static void test_ws_no_token(Fixture *f, gconstpointer data)
{
    Ws w;
    g_assert_cmpuint(ws_open(f, &w, NULL, NULL, NULL), ==, 401);
    g_assert_null(w.ws);
    g_assert_nonnull(w.error);
    ws_close(&w);
}

static void test_ws_wrong_token(Fixture *f, gconstpointer data)
{
    Ws w;
    g_assert_cmpuint(ws_open(f, &w, "Bearer not-the-token", NULL, NULL), ==, 401);
    g_assert_null(w.ws);
    ws_close(&w);
    /* Almost right is still wrong. */
    g_assert_cmpuint(ws_open(f, &w, "Bearer " TOKEN "x", NULL, NULL), ==, 401);
    ws_close(&w);
    g_assert_cmpuint(ws_open(f, &w, "Basic " TOKEN, NULL, NULL), ==, 401);
    ws_close(&w);
}

static void test_ws_take_broadcasts(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(f->on_air_calls, ==, 1); /* at start-up: the first posting */
    g_assert_cmpint(f->on_air_id, ==, 1);
    Ws *a = ws_producer(f);
    Ws *b = ws_producer(f);
    soup_websocket_connection_send_text(
        a->ws,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"show.take\",\"params\":{\"posting_id\":3}}");

    /* a gets the notification and its result (in either order), b the notification. */
    gboolean got_result = FALSE;
    gboolean got_note = FALSE;
    for (int i = 0; i < 2; i++) {
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonObject *m = ws_next(a, parser);
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

    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *note = ws_next(b, parser);
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
    g_autoptr(JsonParser) p2 = json_parser_new();
    JsonObject *err = json_object_get_object_member(ws_next(a, p2), "error");
    g_assert_cmpint(json_object_get_int_member(err, "code"), ==, -32004);
    g_assert_cmpint(f->on_air_id, ==, 3);
    ws_free(a);
    ws_free(b);
}

static void test_ws_malformed_message(Fixture *f, gconstpointer data)
{
    Ws *a = ws_producer(f);
    soup_websocket_connection_send_text(a->ws, "{oops");
    g_autoptr(JsonParser) p1 = json_parser_new();
    JsonObject *m = ws_next(a, p1);
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
    g_autoptr(JsonParser) p2 = json_parser_new();
    m = ws_next(a, p2);
    g_assert_cmpint(json_object_get_int_member(json_object_get_object_member(m, "error"), "code"),
                    ==, -32600);

    soup_websocket_connection_send_text(
        a->ws, "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"state.get\"}");
    g_autoptr(JsonParser) p3 = json_parser_new();
    m = ws_next(a, p3);
    g_assert_cmpstr(json_object_get_string_member(m, "id"), ==, "s");
    JsonObject *result = json_object_get_object_member(m, "result");
    g_assert_cmpint(
        json_object_get_int_member(json_object_get_object_member(result, "on_air"), "id"), ==, 1);
    g_assert_cmpuint(json_array_get_length(json_object_get_array_member(result, "postings")), >, 2);
    ws_free(a);
}

static void test_ws_unknown_method(Fixture *f, gconstpointer data)
{
    Ws *a = ws_producer(f);
    soup_websocket_connection_send_text(a->ws,
                                        "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"show.fly\"}");
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *m = ws_next(a, parser);
    g_assert_cmpint(json_object_get_int_member(m, "id"), ==, 4);
    g_assert_cmpint(json_object_get_int_member(json_object_get_object_member(m, "error"), "code"),
                    ==, -32601);
    /* A notification gets no reply at all. */
    soup_websocket_connection_send_text(a->ws, "{\"jsonrpc\":\"2.0\",\"method\":\"show.fly\"}");
    soup_websocket_connection_send_text(
        a->ws, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"postings.list\"}");
    g_autoptr(JsonParser) p2 = json_parser_new();
    m = ws_next(a, p2);
    g_assert_cmpint(json_object_get_int_member(m, "id"), ==, 5);
    ws_free(a);
}

static void test_ws_signup_broadcast(Fixture *f, gconstpointer data)
{
    Ws *a = ws_producer(f);
    spin_for(20);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *reply = NULL;
    g_assert_cmpuint(apply_json(f,
                                "{\"posting_id\":5,\"name\":\"钱七\",\"phone\":\"13612345678\","
                                "\"consent\":true}",
                                parser, &reply),
                     ==, 201);
    g_autoptr(JsonParser) p2 = json_parser_new();
    JsonObject *note = ws_next(a, p2);
    g_assert_cmpstr(json_object_get_string_member(note, "method"), ==, "signup.created");
    JsonObject *params = json_object_get_object_member(note, "params");
    g_assert_cmpint(json_object_get_int_member(params, "posting_id"), ==, 5);
    g_assert_cmpint(json_object_get_int_member(params, "signup_id"), ==,
                    json_object_get_int_member(reply, "id"));
    g_assert_cmpstr(json_object_get_string_member(params, "name"), ==, "钱七");
    g_assert_cmpstr(json_object_get_string_member(params, "phone_masked"), ==, "136****5678");
    g_assert_cmpint(json_object_get_int_member(params, "count"), ==, 1);

    /* A duplicate is not news. */
    g_autoptr(JsonParser) p3 = json_parser_new();
    g_assert_cmpuint(apply_json(f,
                                "{\"posting_id\":5,\"name\":\"钱七\",\"phone\":\"13612345678\","
                                "\"consent\":true}",
                                p3, &reply),
                     ==, 200);
    spin_for(100);
    g_assert_true(g_queue_is_empty(&a->messages));
    ws_free(a);
}

/* ---- login, cookie, origin ---- */

static void test_login_cookie_and_origin(Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) bad = get_msg(f, "/login?token=nope");
    g_autofree char *bad_page = send(f, bad);
    g_assert_cmpuint(soup_message_get_status(bad), ==, 401);
    g_assert_null(
        soup_message_headers_get_one(soup_message_get_response_headers(bad), "Set-Cookie"));

    g_autoptr(SoupMessage) anon = get_msg(f, "/control");
    g_autofree char *anon_page = send(f, anon);
    g_assert_cmpuint(soup_message_get_status(anon), ==, 303);

    g_autoptr(SoupMessage) login = get_msg(f, "/login?token=" TOKEN);
    g_autofree char *login_page = send(f, login);
    g_assert_cmpuint(soup_message_get_status(login), ==, 303);
    SoupMessageHeaders *h = soup_message_get_response_headers(login);
    g_assert_cmpstr(soup_message_headers_get_one(h, "Location"), ==, "/control");
    const char *set_cookie = soup_message_headers_get_one(h, "Set-Cookie");
    g_assert_nonnull(set_cookie);
    g_assert_true(g_str_has_prefix(set_cookie, "jobcast_session="));
    g_assert_nonnull(strstr(set_cookie, "HttpOnly"));
    g_assert_nonnull(strstr(set_cookie, "SameSite=Strict"));
    g_assert_nonnull(strstr(set_cookie, "Max-Age=43200"));
    g_autofree char *cookie = g_strndup(set_cookie, strcspn(set_cookie, ";"));

    g_autoptr(SoupMessage) page = get_msg(f, "/control");
    soup_message_headers_replace(soup_message_get_request_headers(page), "Cookie", cookie);
    g_autofree char *html = send(f, page);
    g_assert_cmpuint(soup_message_get_status(page), ==, 200);

    g_autoptr(SoupMessage) forged = get_msg(f, "/control");
    soup_message_headers_replace(soup_message_get_request_headers(forged), "Cookie",
                                 "jobcast_session=0000");
    g_autofree char *forged_page = send(f, forged);
    g_assert_cmpuint(soup_message_get_status(forged), ==, 303);

    /* The browser's WebSocket: cookie plus its own origin works... */
    g_autofree char *origin = g_strdup_printf("http://127.0.0.1:%d", f->port);
    Ws w;
    g_assert_cmpuint(ws_open(f, &w, NULL, cookie, origin), ==, 101);
    g_assert_nonnull(w.ws);
    soup_websocket_connection_send_text(w.ws,
                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"state.get\"}");
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_object_has_member(ws_next(&w, parser), "result"));
    ws_close(&w);
    /* ...another site's page riding the cookie does not, nor one without an Origin... */
    g_assert_cmpuint(ws_open(f, &w, NULL, cookie, "http://evil.example"), ==, 403);
    g_assert_null(w.ws);
    ws_close(&w);
    g_assert_cmpuint(ws_open(f, &w, NULL, cookie, NULL), ==, 403);
    ws_close(&w);
    /* ...and a forged cookie is no credential. */
    g_assert_cmpuint(ws_open(f, &w, NULL, "jobcast_session=0000", origin), ==, 401);
    ws_close(&w);
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
    g_autoptr(SoupMessage) health = get_msg(f, "/healthz");
    g_autofree char *h = send(f, health);
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
