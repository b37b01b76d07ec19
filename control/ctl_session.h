/* ctl_session: the per-connection data libwebsockets allocates (zeroed) for every connection:
 * the HTTP request/response in progress, or the producer WebSocket's queues. Types only.
 *
 * Main thread only (lws runs on the GLib loop). Owned by lws; freed after the CLOSED
 * callbacks, which release everything the session owns. */
#pragma once

#include <glib.h>
#include <libwebsockets.h>

#include "ctl_access.h"
#include "ctl_pending.h"

G_BEGIN_DECLS

#define CTL_HTTP_BODY_MAX (16 * 1024)    /* POST bodies; more is 413 */
#define CTL_HTTP_DRAIN_MAX (1024 * 1024) /* up to this much is read and dropped before the 413 */
#define CTL_WS_QUEUE_MAX_MESSAGES 256    /* per producer; overflow disconnects it */
#define CTL_WS_QUEUE_MAX_BYTES (4 * 1024 * 1024)

/* One HTTP request/response on a connection; reset for each request of a keep-alive one. */
typedef struct {
    gboolean is_post;
    char *path;      /* owned: the request path, no query */
    GString *body;   /* owned: the POST body, never more than CTL_HTTP_BODY_MAX */
    gsize body_seen; /* bytes received, kept or dropped */
    gboolean too_large;

    gboolean responding; /* a response is set and being written */
    guint status;
    char *content_type; /* owned */
    GPtrArray *headers; /* owned char*: name (with ':'), value, name, value... */
    GBytes *out;        /* owned: the response body */
    gsize out_sent;
    gboolean headers_sent;
    gboolean close_after;   /* close instead of keeping alive (unread body left) */
    CtlPendingList waiting; /* the answer this request waits for (a sign-up, a password
                               check, a card): at most one; detached when the request ends */
} CtlHttpSession;

/* One producer (or host) WebSocket. */
typedef struct {
    CtlRole role;                           /* set when the upgrade is accepted */
    char account[CTL_ACCOUNT_NAME_MAX + 1]; /* whose credentials opened it ("" producer token) */
    gint64 generation;                      /* the account's generation they were checked under */
    gboolean signed_out; /* its account was revoked or changed: close once the queue is sent */
    gboolean open;       /* between ESTABLISHED and CLOSED, and listed in producers */
    GString *rx;         /* owned: the message being received (fragments), capped */
    gboolean rx_dropped; /* the current message went over the cap: drop the rest of it */
    GQueue out;          /* owned GBytes*: messages waiting for SERVER_WRITEABLE */
    gsize out_bytes;
    gboolean kick;          /* the queue overflowed: close at the next writeable */
    CtlPendingList waiting; /* replies that come later (accounts.set_password) */
} CtlWsSession;

/* libwebsockets' per-session data (zeroed by lws, freed by lws after the CLOSED callbacks). */
typedef struct {
    struct lws *wsi; /* borrowed: this connection */
    CtlHttpSession http;
    CtlWsSession ws;
} CtlSession;

/* TRUE while the request waits for an answer that comes later. */
static inline gboolean ctl_session_waiting(const CtlSession *s)
{
    return ctl_pending_list_length(&s->http.waiting) > 0;
}

G_END_DECLS
