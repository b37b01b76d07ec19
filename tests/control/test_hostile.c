/* /security/garbage, /security/page-opens, /security/host-role: control against clients that
 * send garbage, inflate counters or hold a read-only role. A real control server on 127.0.0.1
 * (port 0) over a real store in a temp dir; hostile requests are written as raw bytes from
 * other loopback addresses (127.0.0.2, 127.0.0.3: the server sees each as its own peer), and
 * every log line of the process is counted by a log writer of the test's own. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ctl_auth.h"
#include "ctl_control.h"
#include "ctl_store.h"
#include "ctl_test.h"
#include "ctl_test_server.h"

#define HOST_TOKEN "host-role-token-0123456789abcdef"

typedef struct {
    CtlTestControl t;
} Fixture;

static guint log_malformed; /* log lines about malformed requests, since the last reset */
static guint log_total;     /* every log line */

static GLogWriterOutput count_logs(GLogLevelFlags level, const GLogField *fields, gsize n,
                                   gpointer data)
{
    for (gsize i = 0; i < n; i++) {
        /* What a server's journal keeps (libsoup's debug lines are the test client's). */
        if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) == 0 &&
            strcmp(fields[i].key, "MESSAGE") == 0 && fields[i].length < 0) {
            log_total++;
            if (strstr(fields[i].value, "malformed") != NULL ||
                strstr(fields[i].value, "header data") != NULL)
                log_malformed++;
        }
    }
    return g_log_writer_default(level, fields, n, data);
}

static void setup(Fixture *f, gconstpointer data)
{
    ctl_test_control_open(&f->t);
    ctl_test_add_account(f->t.store, "anchor", "host", HOST_TOKEN);
    CtlControlConfig cfg = {.producer_token = "hostile-producer-token"};
    ctl_test_control_start(&f->t, &cfg);
}

static void teardown(Fixture *f, gconstpointer data)
{
    ctl_test_control_close(&f->t);
}

/* ---- raw requests from a given address, on their own thread ---- */

typedef struct {
    int port;
    const char *from;   /* local address to connect from */
    GPtrArray *sends;   /* borrowed: the requests, each on its own connection */
    GPtrArray *replies; /* owned: what came back for each, up to the server's close */
    gboolean done;
} Batch;

static char *one_request(GSocketClient *client, int port, const char *request)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *host = g_strdup_printf("127.0.0.1:%d", port);
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect_to_host(client, host, 0, NULL, &error);
    g_assert_no_error(error);
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
    /* A server that closes before reading everything may reset the rest: not an error here. */
    g_output_stream_write_all(out, request, strlen(request), NULL, NULL, NULL);
    GString *reply = g_string_new(NULL);
    char buf[4096];
    gssize n;
    while ((n = g_input_stream_read(in, buf, sizeof buf, NULL, NULL)) > 0)
        g_string_append_len(reply, buf, n);
    return g_string_free(reply, FALSE);
}

static gpointer batch_thread(gpointer data)
{
    Batch *b = data;
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, 10);
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string(b->from);
    g_autoptr(GSocketAddress) local = g_inet_socket_address_new(a, 0);
    g_socket_client_set_local_address(client, local);
    for (guint i = 0; i < b->sends->len; i++)
        g_ptr_array_add(b->replies, one_request(client, b->port, g_ptr_array_index(b->sends, i)));
    g_atomic_int_set(&b->done, TRUE);
    return NULL;
}

/* Sends every request from address from; the replies, in order. (transfer full) */
static GPtrArray *send_all(Fixture *f, const char *from, GPtrArray *sends)
{
    Batch b = {.port = f->t.port, .from = from, .sends = sends};
    b.replies = g_ptr_array_new_with_free_func(g_free);
    GThread *t = g_thread_new("hostile", batch_thread, &b);
    ctl_test_spin_until(&b.done);
    g_thread_join(t);
    return b.replies;
}

static char *get_text(Fixture *f, const char *path)
{
    g_autoptr(SoupMessage) msg = ctl_test_get(f->t.port, path, NULL);
    return ctl_test_http_text(f->t.soup, msg);
}

/* The value of a /metrics line (name with its labels), -1 when absent. */
static gint64 metric(Fixture *f, const char *name)
{
    g_autofree char *text = get_text(f, "/metrics");
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        if (g_str_has_prefix(*l, name) && (*l)[strlen(name)] == ' ')
            return g_ascii_strtoll(*l + strlen(name) + 1, NULL, 10);
    }
    return -1;
}

/* ---- garbage ---- */

static const struct {
    const char *reason;
    const char *request; /* %s: padding */
} garbage[] = {
    {"bad_body", "POST /api/apply HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 "Content-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"posting%s"},
    {"not_found", "GET /wp-admin/%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
    {"body_too_large", "POST /api/apply HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 99999999\r\n\r\n%s"},
    {"bad_method", "PUT /a/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n%s"},
    {"header_too_large", "GET /a/1 HTTP/1.1\r\nHost: x\r\nX-Junk: %s\r\n\r\n"},
};

/* 1000 malformed requests of five kinds: each kind counted exactly, a few log lines in all. */
static void test_garbage_counted_quietly(Fixture *f, gconstpointer data)
{
    g_autofree char *big = g_strnfill(9000, 'x');
    g_autoptr(GPtrArray) sends = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < 200; i++) {
        for (gsize k = 0; k < G_N_ELEMENTS(garbage); k++) {
            const char *pad = strcmp(garbage[k].reason, "header_too_large") == 0 ? big : "";
            g_auto(GStrv) parts = g_strsplit(garbage[k].request, "%s", 2);
            g_ptr_array_add(sends, g_strjoinv(pad, parts));
        }
    }
    log_malformed = 0;
    log_total = 0;
    g_autoptr(GPtrArray) replies = send_all(f, "127.0.0.2", sends);
    g_test_message("%u log lines, %u about malformed requests", log_total, log_malformed);
    gint64 sum = 0;
    for (gsize k = 0; k < G_N_ELEMENTS(garbage); k++) {
        g_autofree char *name = g_strdup_printf(
            "jobcast_http_rejected_requests_total{reason=\"%s\"}", garbage[k].reason);
        gint64 n = metric(f, name);
        g_test_message("%s: %" G_GINT64_FORMAT, garbage[k].reason, n);
        g_assert_cmpint(n, ==, 200);
        sum += n;
    }
    g_assert_cmpint(sum, ==, 1000);
    /* One line per kind (the first of the minute), not one per request. */
    g_assert_cmpuint(log_malformed, <=, G_N_ELEMENTS(garbage));
    g_assert_cmpuint(log_total, <=, 2 * G_N_ELEMENTS(garbage));
}

/* Garbage on the producers' WebSocket: counted by kind, the connection stays up. */
static void test_garbage_websocket(Fixture *f, gconstpointer data)
{
    CtlTestWs *w = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer hostile-producer-token");
    soup_websocket_connection_send_text(w->ws, "{not json");
    soup_websocket_connection_send_text(w->ws, "[1,2]");
    g_autofree char *deep = g_strnfill(100, '[');
    soup_websocket_connection_send_text(w->ws, deep);
    for (int i = 0; i < 3; i++)
        json_node_unref(ctl_test_ws_next(w));
    g_assert_cmpint(metric(f, "jobcast_http_rejected_requests_total{reason=\"ws_bad_message\"}"),
                    ==, 2);
    g_assert_cmpint(metric(f, "jobcast_http_rejected_requests_total{reason=\"ws_too_large\"}"), ==,
                    1);
    ctl_test_ws_free(w);
}

/* ---- page opens ---- */

static gint64 opens_of(Fixture *f, int posting)
{
    CtlTestWs *w = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer hostile-producer-token");
    soup_websocket_connection_send_text(w->ws,
                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"stats.get\"}");
    g_autoptr(JsonNode) reply = ctl_test_ws_next(w);
    ctl_test_ws_free(w);
    JsonObject *funnel = json_object_get_object_member(
        json_object_get_object_member(json_node_get_object(reply), "result"), "funnel");
    g_autofree char *id = g_strdup_printf("%d", posting);
    if (!json_object_has_member(funnel, id))
        return 0;
    return json_object_get_int_member(json_object_get_object_member(funnel, id), "opens");
}

static GPtrArray *page_opens(guint n, int posting)
{
    GPtrArray *sends = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < n; i++)
        g_ptr_array_add(sends, g_strdup_printf("GET /a/%d HTTP/1.1\r\nHost: x\r\n"
                                               "Connection: close\r\n\r\n",
                                               posting));
    return sends;
}

/* 100 opens from one address count once; from a second address, twice. */
static void test_page_opens_once_per_address(Fixture *f, gconstpointer data)
{
    g_autoptr(GPtrArray) sends = page_opens(100, 2);
    g_autoptr(GPtrArray) first = send_all(f, "127.0.0.2", sends);
    for (guint i = 0; i < first->len; i++)
        g_assert_true(g_str_has_prefix(g_ptr_array_index(first, i), "HTTP/1.1 200"));
    g_assert_cmpint(opens_of(f, 2), ==, 1);
    g_autoptr(GPtrArray) second = send_all(f, "127.0.0.3", sends);
    g_assert_cmpint(opens_of(f, 2), ==, 2);
    /* Another posting is another page. */
    g_autoptr(GPtrArray) other = page_opens(5, 3);
    g_autoptr(GPtrArray) third = send_all(f, "127.0.0.2", other);
    g_assert_cmpint(opens_of(f, 3), ==, 1);
}

/* ---- the host role ---- */

static const char status_json[] =
    "{\"program\":\"playing\",\"input\":{\"uri\":\"srt://:9000?passphrase=***\",\"state\":\"live\","
    "\"error\":null},\"outputs\":[{\"uri\":\"rtmp://live.example.com/app/***\",\"state\":"
    "\"backoff\",\"error\":\"Could not connect to rtmp://live.example.com/app/***: refused\"}]}";

static const char status_live_json[] =
    "{\"program\":\"playing\",\"input\":{\"uri\":\"srt://:9000?passphrase=***\",\"state\":"
    "\"live\"},\"outputs\":[{\"uri\":\"rtmp://live.example.com/app/***\",\"state\":\"live\","
    "\"error\":null}]}";

/* Asserts text names neither the input nor an output: no "uri" member, not even redacted, no
 * server in an error. (The postings' public apply URLs are for everyone.) */
static void assert_no_uris(const char *text)
{
    g_test_message("%s", text);
    g_assert_null(strstr(text, "\"uri\""));
    g_assert_null(strstr(text, "srt://"));
    g_assert_null(strstr(text, "rtmp://"));
    g_assert_null(strstr(text, "example.com"));
}

static void set_status(Fixture *f, const char *json)
{
    g_autoptr(JsonParser) p = json_parser_new();
    g_assert_true(json_parser_load_from_data(p, json, -1, NULL));
    ctl_control_set_stream_status(f->t.control, json_parser_get_root(p));
}

/* state.get and stream.status as a host: neither carries the input's or an output's URI, not
 * even redacted; the producer still gets them. */
static void test_host_no_uris(Fixture *f, gconstpointer data)
{
    set_status(f, status_json);
    CtlTestWs *h = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer " HOST_TOKEN);
    CtlTestWs *p = ctl_test_ws_producer(f->t.soup, f->t.port, "Bearer hostile-producer-token");
    const char get[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"state.get\"}";
    soup_websocket_connection_send_text(h->ws, get);
    g_autoptr(JsonNode) st = ctl_test_ws_next(h);
    g_autofree char *st_text = json_to_string(st, FALSE);
    g_assert_nonnull(strstr(st_text, "\"role\":\"host\""));
    g_assert_nonnull(strstr(st_text, "\"state\":\"backoff\"")); /* the rest is there */
    assert_no_uris(st_text);

    /* The next status reaches both; only the producer's names the outputs. */
    set_status(f, status_live_json);
    g_autoptr(JsonNode) to_host = ctl_test_ws_next(h);
    g_autofree char *host_text = json_to_string(to_host, FALSE);
    g_assert_nonnull(strstr(host_text, "stream.status"));
    assert_no_uris(host_text);
    g_autoptr(JsonNode) to_producer = ctl_test_ws_next(p);
    g_autofree char *producer_text = json_to_string(to_producer, FALSE);
    g_test_message("to the producer: %s", producer_text);
    g_assert_nonnull(strstr(producer_text, "rtmp://live.example.com/app/***"));
    ctl_test_ws_free(p);
    ctl_test_ws_free(h);
}

int main(int argc, char **argv)
{
    g_log_set_writer_func(count_logs, NULL, NULL);
    g_test_init(&argc, &argv, NULL);
    g_test_add("/security/garbage/flood-counted-quietly", Fixture, NULL, setup,
               test_garbage_counted_quietly, teardown);
    g_test_add("/security/garbage/websocket-counted", Fixture, NULL, setup, test_garbage_websocket,
               teardown);
    g_test_add("/security/page-opens/once-per-address-per-hour", Fixture, NULL, setup,
               test_page_opens_once_per_address, teardown);
    g_test_add("/security/host-role/no-uris", Fixture, NULL, setup, test_host_no_uris, teardown);
    return g_test_run();
}
