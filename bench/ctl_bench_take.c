/* ctl-bench-take: the protocol round trip of bench/bench-protocol.sh. A control server (no
 * streamer) on 127.0.0.1 over a store in a temp dir, N producers connected over WebSocket
 * (libsoup, same process and loop); one of them sends show.take R times in a row, each after
 * the previous one was seen everywhere. Per take it measures request -> reply at the sender and
 * request -> on_air.changed at the last of the N clients. Prints
 * "take N_PRODUCERS reply_p50_us reply_p99_us all_p50_us all_p99_us". Usage:
 * ctl-bench-take PRODUCERS ROUNDS */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_control.h"
#include "ctl_seed.h"
#include "ctl_store.h"

#define TOKEN "bench-producer-token-0123"

typedef struct {
    SoupWebsocketConnection *ws;
    gboolean connected;
    gint64 seen_round; /* last round whose notification arrived */
    gint64 reply_round;
} Client;

static gint64 round_no;
static gint64 sent_us;
static guint notified; /* clients that saw this round's notification */

static void on_message(SoupWebsocketConnection *ws, gint type, GBytes *msg, gpointer data)
{
    Client *c = data;
    gsize len = 0;
    const char *text = g_bytes_get_data(msg, &len);
    if (g_strstr_len(text, (gssize)len, "\"on_air.changed\"") != NULL) {
        c->seen_round = round_no;
        notified++;
    } else if (g_strstr_len(text, (gssize)len, "\"result\"") != NULL) {
        c->reply_round = round_no;
    }
}

static void connected(GObject *src, GAsyncResult *res, gpointer data)
{
    Client *c = data;
    c->ws = soup_session_websocket_connect_finish(SOUP_SESSION(src), res, NULL);
    if (c->ws == NULL)
        g_error("cannot connect");
    soup_websocket_connection_set_max_incoming_payload_size(c->ws, 0);
    g_signal_connect(c->ws, "message", G_CALLBACK(on_message), c);
    c->connected = TRUE;
}

static int cmp64(const void *a, const void *b)
{
    gint64 x = *(const gint64 *)a;
    gint64 y = *(const gint64 *)b;
    return (x > y) - (x < y);
}

static gint64 pct(GArray *a, double p)
{
    g_array_sort(a, cmp64);
    guint i = (guint)(p * (a->len - 1));
    return g_array_index(a, gint64, i);
}

int main(int argc, char **argv)
{
    guint n = argc > 1 ? (guint)atoi(argv[1]) : 50;
    guint rounds = argc > 2 ? (guint)atoi(argv[2]) : 200;
    g_autofree char *dir = g_dir_make_tmp("jobcast-bench-take-XXXXXX", NULL);
    g_autofree char *db = g_build_filename(dir, "jobcast.db", NULL);
    CtlStore *store = ctl_store_open(db, NULL);
    g_autofree char *seed_path =
        g_build_filename(JOBCAST_SOURCE_DIR, "data", "postings.json", NULL);
    g_autofree char *seed = NULL;
    gsize len = 0;
    if (store == NULL || !g_file_get_contents(seed_path, &seed, &len, NULL) ||
        !ctl_seed_postings(store, seed, len, NULL, NULL))
        g_error("store");
    CtlControlConfig cfg = {.listen_host = "127.0.0.1", .producer_token = TOKEN, .store = store};
    CtlControl *control = ctl_control_new(&cfg, NULL);
    if (control == NULL)
        g_error("control");
    g_autofree char *url =
        g_strdup_printf("ws://127.0.0.1:%d/api/control", ctl_control_port(control));
    SoupSession *soup =
        soup_session_new_with_options("max-conns", 1000, "max-conns-per-host", 1000, NULL);
    Client *clients = g_new0(Client, n);
    for (guint i = 0; i < n; i++) {
        SoupMessage *msg = soup_message_new("GET", url);
        soup_message_headers_replace(soup_message_get_request_headers(msg), "Authorization",
                                     "Bearer " TOKEN);
        soup_session_websocket_connect_async(soup, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                             connected, &clients[i]);
        g_object_unref(msg);
    }
    for (guint i = 0; i < n; i++) {
        while (!clients[i].connected)
            g_main_context_iteration(NULL, TRUE);
    }
    GArray *reply = g_array_new(FALSE, FALSE, sizeof(gint64));
    GArray *all = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint r = 0; r < rounds; r++) {
        round_no = r + 1;
        notified = 0;
        g_autofree char *req = g_strdup_printf("{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"show."
                                               "take\",\"params\":{\"posting_id\":%u}}",
                                               r, 1 + r % 15);
        sent_us = g_get_monotonic_time();
        soup_websocket_connection_send_text(clients[0].ws, req);
        gboolean got_reply = FALSE;
        while (!got_reply || notified < n) {
            g_main_context_iteration(NULL, TRUE);
            if (!got_reply && clients[0].reply_round == round_no) {
                got_reply = TRUE;
                gint64 d = g_get_monotonic_time() - sent_us;
                g_array_append_val(reply, d);
            }
        }
        gint64 d = g_get_monotonic_time() - sent_us;
        g_array_append_val(all, d);
    }
    printf("take %u %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
           " %" G_GINT64_FORMAT "\n",
           n, pct(reply, 0.5), pct(reply, 0.99), pct(all, 0.5), pct(all, 0.99));
    for (guint i = 0; i < n; i++) {
        soup_websocket_connection_close(clients[i].ws, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
        g_object_unref(clients[i].ws);
    }
    g_free(clients);
    g_object_unref(soup);
    ctl_control_free(control);
    ctl_store_close(store);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        g_autofree char *file = g_build_filename(dir, name, NULL);
        g_remove(file);
    }
    g_rmdir(dir);
    g_array_unref(reply);
    g_array_unref(all);
    return 0;
}
