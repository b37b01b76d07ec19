/* ctl_ws: the producers' WebSocket (/api/control): upgrade auth, receiving JSON-RPC messages,
 * the per-connection outgoing queue, and broadcasting notifications (the rooms reach it only
 * through the CtlNotifier it provides).
 *
 * Main thread only. Invariants: a CtlSession is in ws->producers exactly while its
 * ws.open is TRUE (ESTABLISHED to CLOSED); outgoing text is only queued here and written in
 * LWS_CALLBACK_SERVER_WRITEABLE, one message per callback; a queue never grows past
 * CTL_WS_QUEUE_MAX_* (a producer that cannot keep up is disconnected, not buffered forever);
 * an incoming message never grows past CTL_RPC_MAX_MESSAGE (the rest of it is dropped and the
 * sender gets -32600, the connection stays up); a reply that comes later (accounts.set_password)
 * waits in the session's pending list, which is detached when the connection closes; a
 * connection whose account was signed out (ctl_ws_sign_out) reads nothing more, gets no more
 * broadcasts, and closes once the replies already queued for it are written. */
#include "ctl_ws.h"

#include <string.h>

#include "ctl_call.h"
#include "ctl_stream.h"

struct CtlWs {
    CtlAccess *access;           /* borrowed */
    CtlRejects *rejects;         /* borrowed: malformed upgrades and messages are counted there */
    CtlRequests *requests;       /* borrowed: every upgrade's answer is counted there */
    const CtlRpcMethod *methods; /* borrowed: every method of every room */
    gsize n_methods;
    const CtlRpcMethod *overlay_methods; /* borrowed: all an overlay connection may call */
    gsize n_overlay_methods;
    GList *producers;     /* CtlSession* borrowed (lws owns them): open WebSockets */
    gboolean closing;     /* no new upgrades, no broadcasts */
    CtlNotifier notifier; /* broadcasts through this ws */
};

/* Refuses the upgrade with a whole HTTP/1.1 answer (the client sees e.g. 401, not a closed
 * socket); returning nonzero from FILTER_PROTOCOL_CONNECTION then drops the connection. The
 * answer is written here, not by lws_return_http_status(): at this point of an upgrade lws has
 * not noted the request's HTTP version and writes "HTTP/1.0", which strict WebSocket clients
 * (Python's websockets) refuse to read. extra: more header lines, each ending in CRLF. */
static int refuse_with(struct lws *wsi, guint status, const char *extra)
{
    const char *reason = status == 401   ? "Unauthorized"
                         : status == 403 ? "Forbidden"
                         : status == 404 ? "Not Found"
                         : status == 429 ? "Too Many Requests"
                                         : "Error";
    g_autofree char *body = g_strdup_printf("%u %s\n", status, reason);
    g_autofree char *head = g_strdup_printf("HTTP/1.1 %u %s\r\n"
                                            "Content-Type: text/plain; charset=utf-8\r\n"
                                            "Content-Length: %zu\r\n"
                                            "X-Content-Type-Options: nosniff\r\n"
                                            "Cache-Control: no-store\r\n"
                                            "Connection: close\r\n"
                                            "%s\r\n%s",
                                            status, reason, strlen(body), extra, body);
    gsize n = strlen(head);
    guint8 *buf = g_malloc(LWS_PRE + n);
    memcpy(buf + LWS_PRE, head, n);
    if (lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_HTTP_HEADERS) != (int)n)
        g_debug("control: the %u answer to an upgrade was not sent", status);
    g_free(buf);
    return -1;
}

static int refuse(struct lws *wsi, guint status)
{
    return refuse_with(wsi, status, status == 401 ? "WWW-Authenticate: Bearer\r\n" : "");
}

/* 429 with Retry-After: the client is locked out of credential checks. */
static int refuse_locked_out(struct lws *wsi, guint retry_after)
{
    g_autofree char *extra = g_strdup_printf("Retry-After: %u\r\n", retry_after);
    return refuse_with(wsi, 429, extra);
}

static void count_reject(CtlWs *ws, struct lws *wsi, CtlRejectKind kind)
{
    char peer[64] = "";
    lws_get_peer_simple(wsi, peer, sizeof peer);
    ctl_rejects_count(ws->rejects, kind, peer);
}

/* 0 when the upgrade of uri is accepted (role and account noted in s), else the status that
 * refuses it (429: *retry_after set). */
static guint upgrade_status(CtlWs *ws, struct lws *wsi, CtlSession *s, const char *uri,
                            guint *retry_after)
{
    if (strcmp(uri, "/api/control") != 0 || !ctl_access_admin_allowed(ws->access, wsi)) {
        count_reject(ws, wsi, CTL_REJECT_WS_BAD_UPGRADE);
        return 404;
    }
    /* A present but wrong (or too long) Authorization never falls back to the cookie. */
    CtlWho who = ctl_access_request(ws->access, wsi);
    *retry_after = who.retry_after;
    if (who.retry_after > 0)
        return 429;
    if (who.role == CTL_ROLE_NONE)
        return 401;
    /* Browsers cannot send Authorization on a WebSocket: with the cookie, the Origin must be
     * this server (so another site's page cannot ride the cookie). */
    if (!who.bearer && !ctl_access_same_origin(wsi))
        return 403;
    s->ws.role = who.role;
    g_strlcpy(s->ws.account, who.account, sizeof s->ws.account);
    s->ws.generation = who.generation;
    return 0;
}

/* Every upgrade's answer is counted here: 101 when accepted, else its refusal. */
static int filter_connection(CtlWs *ws, struct lws *wsi, CtlSession *s)
{
    if (s == NULL)
        return -1;
    char uri[64] = "";
    if (ws->closing)
        return -1;
    if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0)
        uri[0] = '\0';
    guint retry_after = 0;
    guint status = upgrade_status(ws, wsi, s, uri, &retry_after);
    ctl_requests_count(ws->requests, uri[0] != '\0' ? uri : NULL, status == 0 ? 101 : status);
    if (status == 429)
        return refuse_locked_out(wsi, retry_after);
    if (status != 0)
        return refuse(wsi, status);
    return 0;
}

static void send_text(CtlSession *s, const char *text)
{
    CtlWsSession *w = &s->ws;
    if (!w->open || w->kick)
        return;
    gsize n = strlen(text);
    if (g_queue_get_length(&w->out) >= CTL_WS_QUEUE_MAX_MESSAGES ||
        w->out_bytes + n > CTL_WS_QUEUE_MAX_BYTES) {
        g_message("control: a producer is not reading its messages; disconnecting it");
        w->kick = TRUE;
    } else {
        g_queue_push_tail(&w->out, g_bytes_new(text, n));
        w->out_bytes += n;
    }
    lws_callback_on_writable(s->wsi);
}

/* A later reply to the caller that is still waiting (CtlReplyFunc). */
static void reply_later(gpointer waiter, const char *text)
{
    send_text(waiter, text);
}

/* An overlay's own notifications (overlay.*): to overlay connections only. */
static void broadcast_overlay(CtlWs *ws, const char *method, JsonNode *params)
{
    g_autofree char *note = ctl_rpc_build_notification(method, params);
    for (GList *l = ws->producers; l != NULL; l = l->next) {
        CtlSession *s = l->data;
        if (!s->ws.signed_out && s->ws.role == CTL_ROLE_OVERLAY)
            send_text(s, note);
    }
}

/* What a host gets of a notification (params: transfer none). Questions are told without the
 * question (a new one is not public yet): only the posting whose public list may have changed,
 * for the host monitor to ask again (questions.list gives hosts the public ones). Everything
 * else without URIs. (transfer full) */
static JsonNode *for_host(const char *method, JsonNode *params)
{
    if (!g_str_has_prefix(method, "questions."))
        return ctl_stream_without_uris(params);
    JsonObject *o = json_object_new();
    JsonObject *in = JSON_NODE_HOLDS_OBJECT(params) ? json_node_get_object(params) : NULL;
    json_object_set_int_member(o, "posting_id",
                               in != NULL ? ctl_json_get_int(in, "posting_id", 0) : 0);
    return ctl_json_object_node(o);
}

static void broadcast(gpointer target, const char *method, JsonNode *params)
{
    CtlWs *ws = target;
    if (ws->closing || ws->producers == NULL) {
        json_node_unref(params);
        return;
    }
    if (g_str_has_prefix(method, "overlay.")) {
        broadcast_overlay(ws, method, params);
        return;
    }
    /* Hosts get the same message without URIs (ctl_stream_without_uris), built only if one is
     * listening; overlays get nothing of it, and the outputs' and employers' own events
     * ("outputs.*", "employers.*": stream keys, business contacts) are for producers alone. */
    gboolean producers_only =
        g_str_has_prefix(method, "outputs.") || g_str_has_prefix(method, "employers.");
    g_autofree char *for_hosts = NULL;
    for (GList *l = ws->producers; l != NULL && for_hosts == NULL && !producers_only; l = l->next) {
        CtlSession *s = l->data;
        if (s->ws.role == CTL_ROLE_HOST) {
            for_hosts = ctl_rpc_build_notification(method, for_host(method, params));
        }
    }
    g_autofree char *note = ctl_rpc_build_notification(method, params);
    for (GList *l = ws->producers; l != NULL; l = l->next) {
        CtlSession *s = l->data;
        if (s->ws.signed_out || !ctl_role_reads(s->ws.role))
            continue;
        gboolean producer = s->ws.role == CTL_ROLE_PRODUCER;
        if (producer || !producers_only)
            send_text(s, producer ? note : for_hosts);
    }
}

static gboolean listening(gpointer target)
{
    CtlWs *ws = target;
    return !ws->closing && ws->producers != NULL;
}

CtlWs *ctl_ws_new(CtlAccess *access, CtlRejects *rejects, CtlRequests *requests)
{
    CtlWs *ws = g_new0(CtlWs, 1);
    ws->access = access;
    ws->rejects = rejects;
    ws->requests = requests;
    ws->notifier.notify = broadcast;
    ws->notifier.listening = listening;
    ws->notifier.target = ws;
    return ws;
}

void ctl_ws_free(CtlWs *ws)
{
    if (ws == NULL)
        return;
    g_list_free(ws->producers);
    g_free(ws);
}

void ctl_ws_set_methods(CtlWs *ws, const CtlRpcMethod *methods, gsize n)
{
    ws->methods = methods;
    ws->n_methods = n;
}

void ctl_ws_set_overlay_methods(CtlWs *ws, const CtlRpcMethod *methods, gsize n)
{
    ws->overlay_methods = methods;
    ws->n_overlay_methods = n;
}

const CtlNotifier *ctl_ws_notifier(CtlWs *ws)
{
    return &ws->notifier;
}

void ctl_ws_close(CtlWs *ws)
{
    ws->closing = TRUE;
}

guint ctl_ws_connections(const CtlWs *ws)
{
    return g_list_length(ws->producers);
}

void ctl_ws_sign_out(CtlWs *ws, const char *account, gint64 before)
{
    guint sessions = ctl_access_end_sessions(ws->access, account, before);
    guint sockets = 0;
    for (GList *l = ws->producers; l != NULL; l = l->next) {
        CtlSession *s = l->data;
        if (strcmp(s->ws.account, account) != 0 || s->ws.signed_out || s->ws.generation >= before)
            continue;
        s->ws.signed_out = TRUE;
        sockets++;
        lws_callback_on_writable(s->wsi);
    }
    if (sessions > 0 || sockets > 0)
        g_message("control: signed %s out: %u sessions ended, %u connections closing", account,
                  sessions, sockets);
}

static void on_receive(CtlWs *ws, struct lws *wsi, CtlSession *s, const void *in, size_t len)
{
    CtlWsSession *w = &s->ws;
    if (w->signed_out)
        return; /* its credentials are gone: nothing more it sends is acted on */
    if (!w->rx_dropped) {
        if (w->rx == NULL)
            w->rx = g_string_new(NULL);
        if (w->rx->len + len > CTL_RPC_MAX_MESSAGE) {
            w->rx_dropped = TRUE;
            g_string_free(w->rx, TRUE);
            w->rx = NULL;
        } else {
            g_string_append_len(w->rx, in, (gssize)len);
        }
    }
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) > 0)
        return;

    char *reply = NULL;
    if (w->rx_dropped) {
        count_reject(ws, wsi, CTL_REJECT_WS_TOO_LARGE);
        reply =
            ctl_rpc_build_error(NULL, CTL_RPC_INVALID_REQUEST,
                                "Invalid Request: message larger than 65536 bytes", "too_large");
    } else {
        CtlCall call = {
            .role = w->role,
            .actor = w->account[0] != '\0' ? w->account : NULL,
            .waiting = &w->waiting,
            .waiter = s,
            .reply = reply_later,
        };
        /* An overlay's connection sees its own table only: any other method is not found. */
        gboolean overlay = w->role == CTL_ROLE_OVERLAY;
        reply = ctl_rpc_handle_call(overlay ? ws->overlay_methods : ws->methods,
                                    overlay ? ws->n_overlay_methods : ws->n_methods, w->rx->str,
                                    w->rx->len, w->role == CTL_ROLE_PRODUCER, &call.rpc, &call);
        if (call.rpc.refused != CTL_RPC_REFUSED_NONE)
            count_reject(ws, wsi,
                         call.rpc.refused == CTL_RPC_REFUSED_TOO_LARGE ? CTL_REJECT_WS_TOO_LARGE
                                                                       : CTL_REJECT_WS_BAD_MESSAGE);
    }
    w->rx_dropped = FALSE;
    if (w->rx != NULL) {
        g_string_free(w->rx, TRUE);
        w->rx = NULL;
    }
    if (reply != NULL)
        send_text(s, reply);
    g_free(reply);
}

static int on_writeable(struct lws *wsi, CtlSession *s)
{
    CtlWsSession *w = &s->ws;
    if (w->kick) {
        static const char why[] = "send queue overflow";
        lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)why,
                         sizeof why - 1);
        return -1;
    }
    GBytes *msg = g_queue_pop_head(&w->out);
    if (msg == NULL && w->signed_out) {
        static const char why[] = "signed out";
        lws_close_reason(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)why,
                         sizeof why - 1);
        return -1;
    }
    if (msg == NULL)
        return 0;
    gsize n = 0;
    const guint8 *data = g_bytes_get_data(msg, &n);
    w->out_bytes -= n;
    guint8 *buf = g_malloc(LWS_PRE + n);
    memcpy(buf + LWS_PRE, data, n);
    int wrote = lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT);
    g_free(buf);
    g_bytes_unref(msg);
    if (wrote < 0 || (gsize)wrote < n)
        return -1;
    if (!g_queue_is_empty(&w->out) || w->signed_out)
        lws_callback_on_writable(wsi);
    return 0;
}

static void on_closed(CtlWs *ws, CtlSession *s)
{
    CtlWsSession *w = &s->ws;
    if (w->open)
        ws->producers = g_list_remove(ws->producers, s);
    w->open = FALSE;
    ctl_pending_list_detach(&w->waiting);
    g_queue_clear_full(&w->out, (GDestroyNotify)g_bytes_unref);
    w->out_bytes = 0;
    if (w->rx != NULL) {
        g_string_free(w->rx, TRUE);
        w->rx = NULL;
    }
}

int ctl_ws_callback(CtlWs *ws, struct lws *wsi, enum lws_callback_reasons reason, CtlSession *s,
                    void *in, size_t len)
{
    switch (reason) {
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return filter_connection(ws, wsi, s);
    case LWS_CALLBACK_ESTABLISHED:
        s->wsi = wsi;
        s->ws.open = TRUE;
        g_queue_init(&s->ws.out);
        ws->producers = g_list_prepend(ws->producers, s);
        return 0;
    case LWS_CALLBACK_RECEIVE:
        on_receive(ws, wsi, s, in, len);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return on_writeable(wsi, s);
    case LWS_CALLBACK_CLOSED:
        on_closed(ws, s);
        return 0;
    default:
        return 0;
    }
}
