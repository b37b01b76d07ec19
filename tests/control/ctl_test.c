/* ctl_test: the loop, HTTP and WebSocket client helpers shared by the control test programs (see
 * ctl_test.h). Runs on the test thread's default main context only. */
#include "ctl_test.h"

#include "ctl_seed.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

static gboolean timed_out(gpointer data)
{
    *(gboolean *)data = TRUE;
    return G_SOURCE_REMOVE;
}

void ctl_test_spin_until(const gboolean *flag)
{
    gboolean expired = FALSE;
    guint id = g_timeout_add(CTL_TEST_WAIT_MS, timed_out, &expired);
    while (!*flag && !expired)
        g_main_context_iteration(NULL, TRUE);
    if (!expired)
        g_source_remove(id);
    g_assert_false(expired);
}

void ctl_test_spin_for(guint ms)
{
    gboolean expired = FALSE;
    g_timeout_add(ms, timed_out, &expired);
    while (!expired)
        g_main_context_iteration(NULL, TRUE);
}

guint ctl_test_seed(CtlStore *store)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *seed_path =
        g_build_filename(g_getenv("JOBCAST_SOURCE_DIR"), "data", "postings.json", NULL);
    g_autofree char *seed = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(seed_path, &seed, &len, &error));
    g_assert_no_error(error);
    guint inserted = 0;
    g_assert_true(ctl_seed_postings(store, seed, len, &inserted, &error));
    g_assert_no_error(error);
    return inserted;
}

void ctl_test_remove_dir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *file = g_build_filename(dir, name, NULL);
        g_remove(file);
    }
    g_rmdir(dir);
}

JsonObject *ctl_test_parse_object(const char *text, JsonParser *parser)
{
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_data(parser, text, -1, &error));
    g_assert_no_error(error);
    JsonNode *root = json_parser_get_root(parser);
    g_assert_true(JSON_NODE_HOLDS_OBJECT(root));
    return json_node_get_object(root);
}

SoupMessage *ctl_test_get(int port, const char *path, const char *authorization)
{
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d%s", port, path);
    SoupMessage *msg = soup_message_new("GET", url);
    if (authorization != NULL)
        soup_message_headers_replace(soup_message_get_request_headers(msg), "Authorization",
                                     authorization);
    return msg;
}

SoupMessage *ctl_test_post(int port, const char *path, const char *type, const char *body,
                           gsize len)
{
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:%d%s", port, path);
    SoupMessage *msg = soup_message_new("POST", url);
    g_autoptr(GBytes) bytes = g_bytes_new(body, len);
    soup_message_set_request_body_from_bytes(msg, type, bytes);
    return msg;
}

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

GBytes *ctl_test_http(SoupSession *soup, SoupMessage *msg)
{
    soup_message_add_flags(msg, SOUP_MESSAGE_NO_REDIRECT);
    Pending p = {0};
    soup_session_send_and_read_async(soup, msg, G_PRIORITY_DEFAULT, NULL, read_done, &p);
    ctl_test_spin_until(&p.done);
    g_assert_no_error(p.error);
    return p.body;
}

char *ctl_test_http_text(SoupSession *soup, SoupMessage *msg)
{
    g_autoptr(GBytes) body = ctl_test_http(soup, msg);
    gsize len = 0;
    const char *data = g_bytes_get_data(body, &len);
    return g_strndup(data, len);
}

static void ws_message(SoupWebsocketConnection *ws, gint type, GBytes *message, gpointer data)
{
    CtlTestWs *w = data;
    gsize len = 0;
    const char *text = g_bytes_get_data(message, &len);
    g_autoptr(JsonParser) parser = json_parser_new();
    g_assert_true(json_parser_load_from_data(parser, text, (gssize)len, NULL));
    g_assert_true(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)));
    g_queue_push_tail(&w->messages, json_node_copy(json_parser_get_root(parser)));
}

static void ws_connected(GObject *src, GAsyncResult *res, gpointer data)
{
    CtlTestWs *w = data;
    w->ws = soup_session_websocket_connect_finish(SOUP_SESSION(src), res, &w->error);
    if (w->ws != NULL)
        g_signal_connect(w->ws, "message", G_CALLBACK(ws_message), w);
    w->done = TRUE;
}

CtlTestWs *ctl_test_ws_connect(SoupSession *soup, int port, const char *authorization,
                               const char *cookie, const char *origin)
{
    CtlTestWs *w = g_new0(CtlTestWs, 1);
    g_queue_init(&w->messages);
    g_autofree char *url = g_strdup_printf("ws://127.0.0.1:%d/api/control", port);
    g_autoptr(SoupMessage) msg = soup_message_new("GET", url);
    SoupMessageHeaders *h = soup_message_get_request_headers(msg);
    if (authorization != NULL)
        soup_message_headers_replace(h, "Authorization", authorization);
    if (cookie != NULL)
        soup_message_headers_replace(h, "Cookie", cookie);
    soup_session_websocket_connect_async(soup, msg, origin, NULL, G_PRIORITY_DEFAULT, NULL,
                                         ws_connected, w);
    ctl_test_spin_until(&w->done);
    w->status = soup_message_get_status(msg);
    return w;
}

CtlTestWs *ctl_test_ws_producer(SoupSession *soup, int port, const char *authorization)
{
    CtlTestWs *w = ctl_test_ws_connect(soup, port, authorization, NULL, NULL);
    g_assert_cmpuint(w->status, ==, 101);
    g_assert_no_error(w->error);
    g_assert_nonnull(w->ws);
    return w;
}

void ctl_test_ws_free(CtlTestWs *w)
{
    if (w->ws != NULL) {
        g_signal_handlers_disconnect_by_data(w->ws, w);
        if (soup_websocket_connection_get_state(w->ws) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_close(w->ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
        g_clear_object(&w->ws);
    }
    g_clear_error(&w->error);
    g_queue_clear_full(&w->messages, (GDestroyNotify)json_node_unref);
    g_free(w);
}

JsonNode *ctl_test_ws_next(CtlTestWs *w)
{
    gboolean expired = FALSE;
    guint id = g_timeout_add(CTL_TEST_WAIT_MS, timed_out, &expired);
    while (g_queue_is_empty(&w->messages) && !expired)
        g_main_context_iteration(NULL, TRUE);
    if (!expired)
        g_source_remove(id);
    g_assert_false(expired);
    return g_queue_pop_head(&w->messages);
}

/* ---- raw HTTP ---- */

typedef struct {
    int port;
    const char *request; /* borrowed */
    GString *reply;      /* owned by the caller */
    gboolean done;
} Raw;

/* TRUE when reply holds a whole answer: headers, and a 101's none or Content-Length's body. */
static gboolean raw_complete(const GString *reply)
{
    const char *end = strstr(reply->str, "\r\n\r\n");
    if (end == NULL)
        return FALSE;
    if (g_str_has_prefix(reply->str, "HTTP/1.1 101"))
        return TRUE;
    g_autofree char *length = ctl_test_raw_header(reply->str, "content-length");
    gsize have = reply->len - (gsize)(end + 4 - reply->str);
    return length != NULL && have >= g_ascii_strtoull(length, NULL, 10);
}

static gpointer raw_thread(gpointer data)
{
    Raw *r = data;
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, 10);
    g_autoptr(GError) error = NULL;
    g_autofree char *host = g_strdup_printf("127.0.0.1:%d", r->port);
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect_to_host(client, host, 0, NULL, &error);
    g_assert_no_error(error);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
    g_assert_true(
        g_output_stream_write_all(out, r->request, strlen(r->request), NULL, NULL, &error));
    g_assert_no_error(error);
    while (!raw_complete(r->reply)) {
        char buf[4096];
        gssize n = g_input_stream_read(in, buf, sizeof buf, NULL, NULL);
        if (n <= 0)
            break;
        g_string_append_len(r->reply, buf, n);
    }
    g_atomic_int_set(&r->done, TRUE);
    /* The test's loop may be asleep with nothing else to wake it (a server in another process). */
    g_main_context_wakeup(NULL);
    return NULL;
}

char *ctl_test_raw(int port, const char *request)
{
    Raw r = {.port = port, .request = request, .reply = g_string_new(NULL)};
    GThread *t = g_thread_new("raw-http", raw_thread, &r);
    ctl_test_spin_until(&r.done);
    g_thread_join(t);
    return g_string_free(r.reply, FALSE);
}

guint ctl_test_raw_status(const char *reply)
{
    /* Every answer, a refused WebSocket upgrade's too, is HTTP/1.1. */
    g_assert_true(g_str_has_prefix(reply, "HTTP/1.1 "));
    return (guint)g_ascii_strtoull(reply + 9, NULL, 10);
}

char *ctl_test_raw_header(const char *reply, const char *name)
{
    const char *end = strstr(reply, "\r\n\r\n");
    g_autofree char *head = g_strndup(reply, end != NULL ? (gsize)(end - reply) : strlen(reply));
    g_auto(GStrv) lines = g_strsplit(head, "\r\n", -1);
    gsize len = strlen(name);
    for (char **l = lines; *l != NULL; l++) {
        if (g_ascii_strncasecmp(*l, name, len) == 0 && (*l)[len] == ':')
            return g_strstrip(g_strdup(*l + len + 1));
    }
    return NULL;
}

JsonNode *ctl_test_ws_call(CtlTestWs *w, const char *method, const char *params)
{
    int id = ++w->next_id;
    g_autofree char *msg =
        g_strdup_printf("{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}", id,
                        method, params != NULL ? params : "{}");
    soup_websocket_connection_send_text(w->ws, msg);
    GQueue held = G_QUEUE_INIT;
    JsonNode *reply = NULL;
    while (reply == NULL) {
        JsonNode *m = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(m);
        if (json_object_has_member(o, "id") && json_object_get_int_member(o, "id") == id)
            reply = m;
        else
            g_queue_push_tail(&held, m);
    }
    while (!g_queue_is_empty(&held))
        g_queue_push_head(&w->messages, g_queue_pop_tail(&held));
    return reply;
}
