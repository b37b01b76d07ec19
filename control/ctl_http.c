/* ctl_http: the HTTP transport of the control server: reading a request (path, method,
 * body within its caps), handing it to the router (ctl_routes.c), and writing the response
 * that was composed into the session (ctl_reply.c).
 *
 * Main thread only (lws on the GLib loop). Each connection's CtlHttpSession holds one request
 * at a time; a response is written only from LWS_CALLBACK_HTTP_WRITEABLE (headers first, then
 * the body in chunks). A request whose answer comes later (a sign-up waiting for the store, a
 * password check, a card preview) waits in the session's pending list; when the request ends
 * or the connection closes, the list is detached (ctl_pending.c), so a late answer never
 * touches a session lws has freed. */
#include "ctl_http.h"

#include <string.h>

#include "ctl_actions.h"
#include "ctl_reply.h"

#define HEADER_BUF 2048
#define CHUNK 4096
#define SMALL_BODY 1024 /* bytes: sent together with the headers */
#define PATH_MAX_LEN 512

/* Forgets the current request and response; the connection may carry another. */
static void session_reset(CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    /* The client went away (or was answered) before a late answer came: forget it. */
    ctl_pending_list_detach(&h->waiting);
    g_clear_pointer(&h->path, g_free);
    if (h->body != NULL)
        g_string_free(h->body, TRUE);
    g_clear_pointer(&h->content_type, g_free);
    g_clear_pointer(&h->headers, g_ptr_array_unref);
    g_clear_pointer(&h->out, g_bytes_unref);
    memset(h, 0, sizeof *h);
}

/* ---- writing ---- */

static int finish(CtlSession *s)
{
    gboolean close_after = s->http.close_after;
    session_reset(s);
    if (close_after)
        return -1;
    if (lws_http_transaction_completed(s->wsi))
        return -1;
    return 0;
}

static int write_headers(CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    guint8 buf[LWS_PRE + HEADER_BUF + SMALL_BODY];
    guint8 *start = buf + LWS_PRE;
    guint8 *p = start;
    guint8 *end = buf + LWS_PRE + HEADER_BUF - 1;
    gsize total = 0;
    const guint8 *body = g_bytes_get_data(h->out, &total);

    if (lws_add_http_common_headers(s->wsi, h->status, h->content_type, total, &p, end))
        return -1;
    for (guint i = 0; h->headers != NULL && i + 1 < h->headers->len; i += 2) {
        const char *name = g_ptr_array_index(h->headers, i);
        const char *value = g_ptr_array_index(h->headers, i + 1);
        if (lws_add_http_header_by_name(s->wsi, (const guchar *)name, (const guchar *)value,
                                        (int)strlen(value), &p, end))
            return -1;
    }
    if (total > 0 && total <= SMALL_BODY) {
        /* A small answer (a sign-up's JSON, a redirect) goes out with its headers in one send:
         * one syscall and one TCP segment instead of two, and no second writeable round trip.
         * HTTP/1.1 only (jobcast serves no h2): the bytes are written raw, as headers are. */
        if (lws_finalize_http_header(s->wsi, &p, end))
            return -1;
        memcpy(p, body, total);
        p += total;
        int n = (int)(p - start);
        if (lws_write(s->wsi, start, (size_t)n, LWS_WRITE_HTTP_HEADERS) != n)
            return -1;
        h->headers_sent = TRUE;
        h->out_sent = total;
        return finish(s);
    }
    if (lws_finalize_write_http_header(s->wsi, start, &p, end))
        return -1;
    h->headers_sent = TRUE;
    if (total == 0)
        return finish(s);
    lws_callback_on_writable(s->wsi);
    return 0;
}

static int write_response(CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    if (!h->responding)
        return 0;
    if (!h->headers_sent)
        return write_headers(s);

    gsize total = 0;
    const guint8 *data = g_bytes_get_data(h->out, &total);
    gsize n = MIN((gsize)CHUNK, total - h->out_sent);
    gboolean final = h->out_sent + n == total;
    guint8 buf[LWS_PRE + CHUNK];
    memcpy(buf + LWS_PRE, data + h->out_sent, n);
    int wrote = lws_write(s->wsi, buf + LWS_PRE, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP);
    if (wrote < 0 || (gsize)wrote != n)
        return -1;
    h->out_sent += n;
    if (final)
        return finish(s);
    lws_callback_on_writable(s->wsi);
    return 0;
}

static void route_post(CtlRoutes *routes, CtlSession *s)
{
    if (s->http.path == NULL || s->http.responding || ctl_session_waiting(s))
        return;
    ctl_routes_post(routes, s);
}

/* Every answer is counted once, when it starts going out, by route and code; a malformed
 * request also by kind (the status says which: ctl_rejects_kind_of_status). */
static void count_answer(CtlRoutes *routes, CtlSession *s)
{
    CtlHttpSession *h = &s->http;
    if (!h->responding || h->headers_sent)
        return;
    ctl_requests_count(ctl_routes_requests(routes), h->path, h->status);
    CtlRejectKind kind = ctl_rejects_kind_of_status(h->status);
    if (kind == CTL_REJECT_N)
        return;
    char peer[64] = "";
    lws_get_peer_simple(s->wsi, peer, sizeof peer);
    ctl_rejects_count(ctl_routes_rejects(routes), kind, peer);
}

/* ---- the lws callback ---- */

static int on_http(CtlRoutes *routes, CtlSession *s, const char *uri)
{
    session_reset(s);
    CtlHttpSession *h = &s->http;
    h->path = g_strndup(uri, PATH_MAX_LEN);
    h->is_post = lws_hdr_total_length(s->wsi, WSI_TOKEN_POST_URI) > 0;
    if (!h->is_post) {
        if (lws_hdr_total_length(s->wsi, WSI_TOKEN_GET_URI) <= 0) {
            ctl_reply_header(s, "allow:", "GET, POST");
            ctl_reply_message(s, 405, "不支持的请求", "Method not allowed.");
            h->close_after = TRUE;
            return 0;
        }
        ctl_routes_get(routes, s, h->path);
        return 0;
    }

    /* POST: the body follows in HTTP_BODY callbacks, which only come if we return 0 here. */
    char clen[32] = "";
    if (lws_hdr_copy(s->wsi, clen, sizeof clen, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0 &&
        g_str_has_prefix(h->path, CTL_ACTIONS_PREFIX)) {
        /* A button sends no body, and a Stream Deck plug-in may send no Content-Length
         * either: answered at once. A chunked body that may follow is not read: close. */
        h->close_after = lws_hdr_total_length(s->wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
        route_post(routes, s);
        return 0;
    }
    if (clen[0] == '\0') {
        ctl_reply_error(s, 411, "length_required", NULL, "Content-Length required");
        h->close_after = TRUE;
        return 0;
    }
    guint64 declared = 0;
    if (!g_ascii_string_to_unsigned(clen, 10, 0, G_MAXUINT64, &declared, NULL))
        declared = G_MAXUINT64;
    if (declared > CTL_HTTP_DRAIN_MAX) {
        /* Too big to be worth reading: answer now and close. */
        h->too_large = TRUE;
        h->close_after = TRUE;
        route_post(routes, s);
        return 0;
    }
    h->too_large = declared > CTL_HTTP_BODY_MAX;
    h->body = g_string_sized_new(h->too_large ? 0 : (gsize)declared);
    if (declared == 0)
        route_post(routes, s);
    return 0;
}

static void on_body(CtlSession *s, const void *in, size_t len)
{
    CtlHttpSession *h = &s->http;
    if (h->responding || h->body == NULL)
        return;
    h->body_seen += len;
    if (h->body_seen > CTL_HTTP_DRAIN_MAX) {
        h->too_large = TRUE;
        h->close_after = TRUE;
    } else if (h->body_seen > CTL_HTTP_BODY_MAX) {
        h->too_large = TRUE;
    }
    if (!h->too_large)
        g_string_append_len(h->body, in, (gssize)len);
}

int ctl_http_callback(CtlRoutes *routes, struct lws *wsi, enum lws_callback_reasons reason,
                      CtlSession *s, void *in, size_t len)
{
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        s->wsi = wsi;
        return on_http(routes, s, in);
    case LWS_CALLBACK_HTTP_BODY:
        on_body(s, in, len);
        if (s->http.close_after)
            route_post(routes, s);
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (!ctl_session_waiting(s))
            route_post(routes, s);
        return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        count_answer(routes, s);
        return write_response(s);
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (s != NULL)
            session_reset(s);
        return 0;
    default:
        return 0;
    }
}
