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
#include "ctl_ratelimit.h"
#include "ctl_rpc.h"
#include "ctl_store.h"

G_BEGIN_DECLS

#define CTL_HTTP_BODY_MAX (16 * 1024)    /* POST bodies; more is 413 */
#define CTL_HTTP_DRAIN_MAX (1024 * 1024) /* up to this much is read and dropped before the 413 */
#define CTL_WS_QUEUE_MAX_MESSAGES 256    /* per producer; overflow disconnects it */
#define CTL_WS_QUEUE_MAX_BYTES (4 * 1024 * 1024)

typedef struct CtlApplyTicket CtlApplyTicket;
typedef struct CtlLoginTicket CtlLoginTicket;
typedef struct CtlCardTicket CtlCardTicket;

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
    CtlLoginTicket *login;  /* a ref while a password is being checked, else NULL */
    CtlCardTicket *card;    /* a ref while a card preview is being drawn, else NULL */
} CtlHttpSession;

/* What a connection may do: hosts read, producers also change things. */
typedef enum {
    CTL_ROLE_NONE = 0,
    CTL_ROLE_HOST = 1,
    CTL_ROLE_PRODUCER = 2,
} CtlRole;

/* One producer (or host) WebSocket. */
typedef struct {
    CtlRole role;        /* set when the upgrade is accepted */
    gboolean open;       /* between ESTABLISHED and CLOSED, and listed in producers */
    GString *rx;         /* owned: the message being received (fragments), capped */
    gboolean rx_dropped; /* the current message went over the cap: drop the rest of it */
    GQueue out;          /* owned GBytes*: messages waiting for SERVER_WRITEABLE */
    gsize out_bytes;
    gboolean kick;  /* the queue overflowed: close at the next writeable */
    guint64 serial; /* unique per connection: how work that answers later finds it again */
} CtlWsSession;

/* libwebsockets' per-session data (zeroed by lws, freed by lws after the CLOSED callbacks). */
typedef struct {
    struct lws *wsi; /* borrowed: this connection */
    CtlHttpSession http;
    CtlWsSession ws;
} CtlSession;

/* Per-posting funnel (all time): apply-page opens, submissions that reached the store; the
 * unsaved_* part has not been written to the store yet (ctl_control.c saves it every few
 * seconds and at exit). */
typedef struct {
    gint64 opens;
    gint64 submits;
    gint64 unsaved_opens;
    gint64 unsaved_submits;
} CtlFunnel;

/* What a JSON-RPC handler receives as user_data. */
typedef struct {
    CtlControl *c;
    CtlSession *s; /* borrowed, may be NULL (calls from inside the control) */
    CtlRole role;
    JsonNode *id; /* borrowed during the call: the request's id (for ctl_rpc_later) */
} CtlCall;

/* The studio: everything a producer sets besides postings (ctl_studio.c). Persisted as the
 * state key "studio" (JSON) so it survives a restart. */
typedef struct {
    gint64 show_id;      /* the current show, 0 = none */
    CtlPosting *preview; /* owned: cued (preview), NULL = none */
    char *ticker;        /* owned, never NULL */
    char *host_name;     /* owned, never NULL */
    char *host_title;    /* owned, never NULL */
    char *brand;         /* owned, never NULL */
    gboolean slate;
    char *slate_text; /* owned, never NULL */
    char *layout;     /* owned: "16:9" | "9:16" */
    char *theme;      /* owned */
    gboolean rotating;
    guint dwell_s;        /* seconds per posting while rotating */
    gboolean pinned;      /* rotation holds the current posting */
    guint rotation_timer; /* GSource id while rotating, else 0 */
    gboolean show_live;   /* the current show has started and not ended */
    gboolean muted;       /* the program's sound is muted (audio.set) */
} CtlStudio;

struct CtlControl {
    CtlStore *store;       /* owned_store, or the caller's (borrowed; outlives the control) */
    CtlStore *owned_store; /* owned: opened from CtlControlConfig.db_path, else NULL */
    guint seeded;          /* sample postings inserted by the open */
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
    guint64 ws_serials;         /* the last CtlWsSession.serial handed out */
    guint jobs;                 /* methods answering later whose worker has not finished */
    GHashTable *tickets; /* CtlApplyTicket* (borrowed): sign-ups the store has not answered */
    CtlStudio studio;
    CtlOnSceneFunc on_scene;
    gpointer on_scene_data;
    JsonNode *stream_status;   /* owned, NULL until the streamer reported */
    gboolean stream_dirty;     /* changed since the last stream.status broadcast */
    gint64 stream_sent_us;     /* monotonic time of the last stream.status broadcast */
    guint stream_timer;        /* GSource id of a pending delayed broadcast, else 0 */
    CtlPreviewFunc preview_fn; /* may be NULL */
    gpointer preview_data;
    struct lws_vhost *admin_vhost; /* owned by lws; NULL without --admin-listen */
    int admin_port;
    GArray *methods;        /* owned: CtlRpcMethod, every method of every file */
    GHashTable *funnel;     /* owned: gint64* posting id (owned) -> CtlFunnel* (owned) */
    guint funnel_timer;     /* GSource id: saves the funnel's increments */
    guint counter_source;   /* GSource id of the pending redraw of the on-air sign-up counter
                               (one per batch of sign-ups, not one per sign-up), else 0 */
    gint64 minute_of[60];   /* sign-ups per minute: minute_of[m % 60] = m (minutes since epoch) */
    guint per_minute[60];   /* ... and how many sign-ups were committed in it */
    GTimeZone *tz;          /* owned: exports' time zone */
    GHashTable *logins;     /* CtlLoginTicket* (borrowed): password checks not yet finished */
    char **trusted_proxies; /* owned, NULL-terminated, may be NULL */
    CtlRateLimit *signup_limit; /* owned: sign-ups per client address */
    CtlRateLimit *login_limit;  /* owned: login attempts per client address */
    guint8 ref_key[32];         /* HMAC key of apply-page references (state "ref_key") */
    CtlCardFunc card_fn;        /* may be NULL: /api/card.png is then 404 */
    gpointer card_data;         /* immutable, outlives the control (read on worker threads) */
    GHashTable *cards;          /* CtlCardTicket* (borrowed): card previews being drawn */
    char **themes;              /* owned, NULL-terminated, or NULL: CtlControlConfig.themes */
    gboolean portrait_default;  /* CtlControlConfig.layout is "9:16" */
};

/* ctl_http.c */
int ctl_http_callback(CtlControl *c, struct lws *wsi, enum lws_callback_reasons reason,
                      CtlSession *s, void *in, size_t len);
/* TRUE when the request carries a valid jobcast_session cookie. */
gboolean ctl_http_session_cookie_valid(CtlControl *c, struct lws *wsi);
/* The role of the request's session cookie (CTL_ROLE_NONE: none or expired). */
CtlRole ctl_http_session_role(CtlControl *c, struct lws *wsi);
/* The role a bearer token grants: the producer token, or an active account's token. */
CtlRole ctl_http_bearer_role(CtlControl *c, const char *token);
/* TRUE when admin things (control, pages, preview, metrics) may be served on this connection:
 * there is no admin listener, or the connection came in on it. */
gboolean ctl_http_admin_allowed(CtlControl *c, struct lws *wsi);
/* Responds with text (transfer full) and Cache-Control: no-store. */
void ctl_http_respond_text(CtlSession *s, guint status, const char *type, char *text);
/* Detaches a waiting sign-up from its control and connection (the store still calls back). */
void ctl_http_ticket_orphan(CtlApplyTicket *t);
/* The same for a password check in progress (the worker still finishes). */
void ctl_http_login_orphan(CtlLoginTicket *t);
/* The same for a card preview being drawn. */
void ctl_http_card_orphan(CtlCardTicket *t);
/* TRUE when the request's Origin is this server (http:// or https:// + its Host header): what
 * a browser request riding the session cookie must show (no cross-site use of the cookie). */
gboolean ctl_http_same_origin(struct lws *wsi);

/* ctl_ws.c */
int ctl_ws_callback(CtlControl *c, struct lws *wsi, enum lws_callback_reasons reason, CtlSession *s,
                    void *in, size_t len);
/* Queues text for one producer / for every open producer. */
void ctl_ws_send(CtlSession *s, const char *text);
/* The open WebSocket with this serial, or NULL once it has closed. (transfer none) */
CtlSession *ctl_ws_find(CtlControl *c, guint64 serial);
void ctl_ws_broadcast(CtlControl *c, const char *text);

/* ctl_control.c */
/* A posting as the protocol shows it, with pay_text, apply_url and its sign-up count.
 * (transfer full) */
JsonNode *ctl_control_posting_json(CtlControl *c, const CtlPosting *p);
/* Stats: an apply page was opened / a sign-up was submitted / one was committed. */
void ctl_control_count_open(CtlControl *c, gint64 posting_id);
void ctl_control_count_submit(CtlControl *c, gint64 posting_id);
/* GET /metrics: Prometheus text from the stream status and the control's own counters. */
void ctl_control_metrics(CtlControl *c, CtlSession *s);
/* Tells producers about a new committed sign-up. */
void ctl_control_signup_created(CtlControl *c, gint64 posting_id, gint64 signup_id,
                                const char *name, const char *phone);
/* Broadcasts a notification (params: transfer full) to every open WebSocket. */
void ctl_control_notify(CtlControl *c, const char *method, JsonNode *params);
/* A JSON object node from o (transfer full). */
JsonNode *ctl_json_object_node(JsonObject *o);
/* The JSON-RPC methods (ctl_ws.c dispatches them with a CtlCall as user data). Methods
 * flagged CTL_RPC_PRODUCER need the producer role. */
const CtlRpcMethod *ctl_control_methods(CtlControl *c, gsize *n);

/* ctl_postings.c: postings.* methods (fields are validated by ctl_posting.c). */
extern const CtlRpcMethod ctl_postings_methods[];
extern const gsize ctl_postings_n_methods;
/* Reads a positive integer member; FALSE with JC_ERROR_INVALID naming it otherwise.
 * Absent: *out = 0 and TRUE when optional. */
gboolean ctl_param_id(JsonObject *params, const char *name, gboolean optional, gint64 *out,
                      GError **error);

/* The signed reference an apply page carries: which show was live when it was opened
 * ("SHOW.SIGNATURE"). (transfer full) */
char *ctl_control_make_ref(CtlControl *c, gint64 posting_id, gint64 show_id);
/* The show a sign-up counts for: the reference's show when its signature is right, else the
 * current show if it is live, else 0. */
gint64 ctl_control_signup_show(CtlControl *c, gint64 posting_id, const char *ref);

/* ctl_signups.c: signups.list, accounts.*, and the CSV export. */
extern const CtlRpcMethod ctl_signups_methods[];
extern const gsize ctl_signups_n_methods;
/* The sign-ups of one employer (company name; show_id 0 = every show) as CSV: UTF-8 with a
 * BOM, CRLF lines, formula-looking cells neutralised, times in the control's time zone.
 * *rows gets the number of sign-ups. (transfer full) */
GBytes *ctl_signups_csv(CtlControl *c, const char *employer, gint64 show_id, gint64 *rows,
                        GError **error);
/* One CSV cell: quoted when needed; a cell starting with = + - @ (or tab/CR) gets a leading '
 * so spreadsheets show it as text instead of running it. Appends to out. */
void ctl_csv_cell(GString *out, const char *value);

/* ctl_studio.c: shows, rundown, cue/take, graphics, rotation. */
void ctl_studio_init(CtlControl *c);
void ctl_studio_clear(CtlControl *c);
/* The studio's part of state.get, added to o. */
void ctl_studio_add_state(CtlControl *c, JsonObject *o);
/* Tells on_scene about the current scene. */
void ctl_studio_emit_scene(CtlControl *c);
/* A posting changed (edited/archived): refresh the copies on air / cued and notify. */
void ctl_studio_posting_changed(CtlControl *c, const CtlPosting *p);
extern const CtlRpcMethod ctl_studio_methods[];
extern const gsize ctl_studio_n_methods;

G_END_DECLS
