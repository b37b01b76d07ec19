/* ctl_server: what the control's files share internally: the CtlControl struct, the
 * per-connection session that libwebsockets allocates, and the entry points between the HTTP,
 * WebSocket and state code. Not installed; only control/ctl_*.c include it.
 *
 * Threads: everything here is touched on the main thread only (lws runs on the GLib loop). */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libwebsockets.h>

#include "ctl_apply.h"
#include "ctl_auth.h"
#include "ctl_control.h"
#include "ctl_rpc.h"

G_BEGIN_DECLS

#define CTL_HTTP_BODY_MAX (16 * 1024)    /* POST bodies; more is 413 */
#define CTL_HTTP_DRAIN_MAX (1024 * 1024) /* up to this much is read and dropped before the 413 */
#define CTL_WS_QUEUE_MAX_MESSAGES 256    /* per producer; overflow disconnects it */
#define CTL_WS_QUEUE_MAX_BYTES (4 * 1024 * 1024)

typedef struct CtlApplyTicket CtlApplyTicket;

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
    CtlApplyTicket *ticket; /* a ref while a sign-up waits for the store, else NULL */
} CtlHttpSession;

/* One producer WebSocket. */
typedef struct {
    gboolean open;       /* between ESTABLISHED and CLOSED, and listed in producers */
    GString *rx;         /* owned: the message being received (fragments), capped */
    gboolean rx_dropped; /* the current message went over the cap: drop the rest of it */
    GQueue out;          /* owned GBytes*: messages waiting for SERVER_WRITEABLE */
    gsize out_bytes;
    gboolean kick; /* the queue overflowed: close at the next writeable */
} CtlWsSession;

/* libwebsockets' per-session data (zeroed by lws, freed by lws after the CLOSED callbacks). */
typedef struct {
    struct lws *wsi; /* borrowed: this connection */
    CtlHttpSession http;
    CtlWsSession ws;
} CtlSession;

struct CtlControl {
    CtlStore *store; /* borrowed; outlives the control */
    CtlOnAirFunc on_air;
    gpointer on_air_data;
    char *public_url;        /* owned, no trailing slash */
    CtlAuth *auth;           /* owned */
    GMainLoop *loop;         /* owned, never run: lws finds the thread-default context through it */
    struct lws_context *lws; /* owned; set to NULL by lws once fully destroyed */
    struct lws_vhost *vhost; /* owned by lws */
    int port;
    gboolean pipeline_ready;
    gboolean closing;           /* in ctl_control_free: no new work, no broadcasts */
    CtlPosting *on_air_posting; /* owned, NULL when nothing is on air */
    GList *producers;           /* CtlSession* borrowed (lws owns them): open WebSockets */
    GHashTable *tickets; /* CtlApplyTicket* (borrowed): sign-ups the store has not answered */
};

/* ctl_http.c */
int ctl_http_callback(CtlControl *c, struct lws *wsi, enum lws_callback_reasons reason,
                      CtlSession *s, void *in, size_t len);
/* TRUE when the request carries a valid jobcast_session cookie. */
gboolean ctl_http_session_cookie_valid(CtlControl *c, struct lws *wsi);
/* Detaches a waiting sign-up from its control and connection (the store still calls back). */
void ctl_http_ticket_orphan(CtlApplyTicket *t);

/* ctl_ws.c */
int ctl_ws_callback(CtlControl *c, struct lws *wsi, enum lws_callback_reasons reason, CtlSession *s,
                    void *in, size_t len);
/* Queues text for one producer / for every open producer. */
void ctl_ws_send(CtlSession *s, const char *text);
void ctl_ws_broadcast(CtlControl *c, const char *text);

/* ctl_control.c */
/* A posting as the protocol shows it, with pay_text, apply_url and its sign-up count.
 * (transfer full) */
JsonNode *ctl_control_posting_json(CtlControl *c, const CtlPosting *p);
/* Tells producers about a new committed sign-up. */
void ctl_control_signup_created(CtlControl *c, gint64 posting_id, gint64 signup_id,
                                const char *name, const char *phone);
/* The JSON-RPC methods (ctl_ws.c dispatches them with c as user data). */
extern const CtlRpcMethod ctl_control_methods[];
extern const gsize ctl_control_n_methods;

G_END_DECLS
