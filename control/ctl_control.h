/* ctl_control: the control plane: web server (HTTP + the JSON-RPC WebSocket), producer auth,
 * what is on air, and sign-ups flowing to the store.
 *
 * Threads: everything here runs on the main thread's GMainContext (libwebsockets joins the
 * GLib loop). Talks to the overlay and the streamer only through the callbacks in
 * CtlControlConfig, which main wires up. */
#pragma once

#include <glib.h>

#include "ctl_store.h"

G_BEGIN_DECLS

typedef struct CtlControl CtlControl;

/* Called on the main thread whenever what is on air changes (and once at start-up).
 * posting is borrowed (NULL: nothing on air); apply_url is the QR link for it. */
typedef void (*CtlOnAirFunc)(const CtlPosting *posting, const char *apply_url, gpointer data);

typedef struct {
    const char *listen_host;    /* e.g. "127.0.0.1" */
    int listen_port;            /* 0 = pick a free port (see ctl_control_port) */
    const char *public_url;     /* base of apply links, no trailing slash, e.g.
                                   "http://127.0.0.1:8080"; NULL = http://HOST:PORT */
    const char *producer_token; /* the bearer token producers present */
    CtlStore *store;            /* borrowed; must outlive the control */
    CtlOnAirFunc on_air;
    gpointer on_air_data;
} CtlControlConfig;

/* Starts listening. Restores the on-air posting from the store (or puts the first posting on
 * air when none was) and calls on_air once. On error (port in use...), NULL with error set. */
CtlControl *ctl_control_new(const CtlControlConfig *cfg, GError **error);

/* The port actually bound (useful with listen_port 0). */
int ctl_control_port(CtlControl *c);

/* The apply URL for a posting id: PUBLIC_URL/a/ID. (transfer full) */
char *ctl_control_apply_url(CtlControl *c, gint64 posting_id);

/* /healthz answers 200 only once the pipeline is up; main sets this from streamer state. */
void ctl_control_set_pipeline_ready(CtlControl *c, gboolean ready);

/* Closes every connection and stops listening. NULL is allowed. */
void ctl_control_free(CtlControl *c);

G_END_DECLS
