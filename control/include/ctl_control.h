/* ctl_control: the control plane: web server (HTTP + the JSON-RPC WebSocket), producer auth,
 * what is on air, and sign-ups flowing to the store.
 *
 * Threads: everything here runs on the main thread's GMainContext (libwebsockets joins the
 * GLib loop). Control opens, migrates and seeds its own store (CtlControlConfig.db_path).
 * Talks to the overlay and the streamer only through the callbacks in CtlControlConfig, which
 * main wires up. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "ctl_hooks.h"

G_BEGIN_DECLS

typedef struct CtlControl CtlControl;
typedef struct CtlStore CtlStore; /* ctl_store.h; only tests hand one in */

typedef struct {
    const char *listen_host;    /* e.g. "127.0.0.1" */
    int listen_port;            /* 0 = pick a free port (see ctl_control_port) */
    const char *public_url;     /* base of apply links, no trailing slash, e.g.
                                   "http://127.0.0.1:8080"; NULL = http://HOST:PORT */
    const char *producer_token; /* the bearer token producers present */
    CtlStore *store;            /* borrowed, must outlive the control; NULL with db_path */
    CtlOnAirFunc on_air;
    gpointer on_air_data;
    /* Fields below were appended; zero means the documented default. */
    CtlOnSceneFunc on_scene; /* may be NULL */
    gpointer on_scene_data;
    const char *admin_host; /* second listener for control/pages/preview/metrics; NULL = none
                               (then everything is served on the listen address) */
    int admin_port;         /* 0 = pick a free one (see ctl_control_admin_port) */
    const char *const *trusted_proxies; /* NULL-terminated addresses whose X-Forwarded-For is
                                           believed; NULL = none */
    const char *time_zone;              /* exports' (an identifier GTimeZone knows); NULL or
                                           unknown = the machine's local zone */
    guint signup_rate_per_minute;       /* per client address; 0 = CTL_SIGNUP_RATE_DEFAULT */
    const char *const *themes;          /* NULL-terminated: the names graphics.theme accepts
                                           ("default" first); NULL = any well-formed name */
    const char *layout;      /* "9:16" or "16:9": the layout of a studio that has none saved yet
                                (main passes --profile's orientation); NULL = "16:9". A saved one
                                always wins. */
    const char *db_path;     /* the database file: control creates its folder, opens and migrates
                                it and owns it; NULL = use store (tests) */
    gboolean seed;           /* with db_path: the sample postings go into a database with none */
    guint batch_max;         /* sign-ups per store transaction at most; 0 = no limit (group
                                commit), 1 = each on its own (the commit-each benchmark) */
    guint lockout_window_ms; /* tests only: the window 10 wrong credentials lock an address out
                                in, and its first lockout; 0 = a minute */
    guint lockout_max_ms;    /* tests only: the longest lockout; 0 = 15 minutes */
    guint max_connections_per_address; /* per peer address (IPv6: per /64), on every listener,
                                          trusted proxies excepted;
                                          0 = CTL_MAX_CONNECTIONS_PER_ADDRESS_DEFAULT */
    guint max_connections;             /* on the public listener (the admin one keeps its own
                                          room); 0 = CTL_MAX_CONNECTIONS_DEFAULT */
    /* Personal data (ctl_privacy.h). */
    int keep_signups_days;        /* sign-ups older are purged; 0 = kept, < 0 = the default
                                     (CTL_KEEP_SIGNUPS_DAYS_DEFAULT, 180) */
    const char *operator_name;    /* who runs the live room, on the apply page; NULL = not set */
    const char *operator_contact; /* how to reach them; NULL = not set */
    int max_signups_per_phone;    /* distinct postings a phone may sign up for in 24 h; 0 = no
                                     limit, < 0 = the default (5) */
    guint privacy_check_seconds;  /* between retention purges; 0 = an hour (tests set less) */
    /* SMS codes (ctl_verify.h): with a gateway, every sign-up waits for a code sent to the phone.
     */
    const char *sms_gateway_url;    /* http(s); NULL = sign-ups are stored at once */
    const char *sms_gateway_secret; /* its bearer token (copied; never logged) */
    guint sms_code_ttl_ms;          /* tests only: a code's life; 0 = 10 minutes */
    guint sms_resend_ms;            /* tests only: before another code; 0 = a minute */
    /* Outputs (ctl_outputs.h). */
    const char *const *output_names; /* the command line's outputs, NULL-terminated, checked
                                        (jc_output.h); written into the store at start (see
                                        ctl_outputs_merge); NULL = none */
    const char *const *output_uris;  /* parallel to output_names */
    CtlOutputFunc on_output;         /* may be NULL: changes are only stored */
    gpointer on_output_data;
    /* The province link (ctl_province.h): with a URL, every sign-up created, withdrawn or
     * purged is shipped to the province's PostgreSQL by a worker thread; without, nothing. */
    const char *province_url;      /* a libpq connection URI (a secret: never shown); NULL = off */
    const char *market;            /* with province_url: the 6-digit market code (checked) */
    const char *market_name;       /* NULL = the code */
    guint province_batch_rows;     /* outbox rows per PostgreSQL transaction; 0 = 500 */
    guint province_backoff_max_ms; /* longest pause while the province is away; 0 = 15 s */
} CtlControlConfig;

/* Connection caps by default (docs/protocol.md, "Connections"). */
#define CTL_MAX_CONNECTIONS_PER_ADDRESS_DEFAULT 256
#define CTL_MAX_CONNECTIONS_DEFAULT 10000

/* Sign-ups accepted per client address per minute by default: generous, since a whole carrier
 * NAT can share one address (docs/protocol.md). */
#define CTL_SIGNUP_RATE_DEFAULT 600

/* Starts listening. Restores the on-air posting from the store (or puts the first posting on
 * air when none was) and calls on_air once. On error (port in use...), NULL with error set. */
CtlControl *ctl_control_new(const CtlControlConfig *cfg, GError **error);

/* How many sample postings were put into the database at start (0: it had postings, or no
 * seed was asked for). */
guint ctl_control_seeded(CtlControl *c);

/* The port actually bound (useful with listen_port 0). */
int ctl_control_port(CtlControl *c);

/* The apply URL for a posting id: PUBLIC_URL/a/ID. (transfer full) */
char *ctl_control_apply_url(CtlControl *c, gint64 posting_id);

/* /healthz answers 200 only once the pipeline is up; main sets this from streamer state. */
void ctl_control_set_pipeline_ready(CtlControl *c, gboolean ready);

/* The admin listener's port (0 when there is none). */
int ctl_control_admin_port(CtlControl *c);

/* The streamer's status (transfer none: copied), e.g. {"state":"playing","fps":30,
 * "outputs":[...]}. Kept for state.get ("stream"), broadcast as stream.status when it changed
 * (at most once a second), and turned into Prometheus metrics at GET /metrics. Main thread. */
void ctl_control_set_stream_status(CtlControl *c, JsonNode *status);

/* The outputs a program starting now should run: the stored ones that are enabled, in order,
 * with their full URIs. (transfer full) two NULL-terminated strvs of the same length. Main
 * thread. */
void ctl_control_outputs(CtlControl *c, char ***names, char ***uris);

/* Where GET /api/preview.jpg gets its frames from (fn NULL: 404). Main thread. */
void ctl_control_set_preview_func(CtlControl *c, CtlPreviewFunc fn, gpointer data);

/* How GET/POST /api/card.png draws cards (fn NULL: 404). Main thread. */
void ctl_control_set_card_func(CtlControl *c, CtlCardFunc fn, gpointer data);

/* Where /overlay's layers come from (hooks NULL: the page shows nothing, the layer endpoints
 * answer 404). hooks and data are borrowed and must outlive the control. Main thread. */
void ctl_control_set_overlay_hooks(CtlControl *c, const CtlOverlayHooks *hooks, gpointer data);

/* The overlay's layers changed (a new composition was published: version, growing): every
 * /overlay page is told (overlay.changed) and fetches what it lacks. Main thread. */
void ctl_control_overlay_changed(CtlControl *c, guint64 version);

/* `jobcast accounts ...`: argv[0] is "accounts". Prints to stdout/stderr; returns the exit
 * status (0 ok, 1 failed, 2 bad usage). Opens the store in --data-dir itself. */
int ctl_accounts_command(int argc, char **argv);

/* Closes every connection and stops listening. NULL is allowed. */
void ctl_control_free(CtlControl *c);

G_END_DECLS
