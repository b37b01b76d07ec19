/* ctl_routes: which handler answers which HTTP request: the viewer's apply pages, login,
 * the producer and host pages, preview frames, card previews, the export, /metrics and
 * /healthz, and the static files; with an admin listener, the public one serves only the
 * viewer's paths (see ctl_routes.c). Main thread only. */
#pragma once

#include "ctl_access.h"
#include "ctl_actions.h"
#include "ctl_apply_http.h"
#include "ctl_card_http.h"
#include "ctl_conns.h"
#include "ctl_desk.h"
#include "ctl_hooks.h"
#include "ctl_login.h"
#include "ctl_overlay_http.h"
#include "ctl_province.h"
#include "ctl_rejects.h"
#include "ctl_session.h"
#include "ctl_stats.h"
#include "ctl_store.h"
#include "ctl_stream.h"
#include "ctl_ws.h"

G_BEGIN_DECLS

typedef struct CtlRoutes CtlRoutes;

/* The handlers and rooms requests go to; all borrowed, outliving the routes. */
typedef struct {
    CtlStore *store;
    CtlAccess *access;
    CtlApplyDesk *apply;
    CtlLoginDesk *login;
    CtlCardDesk *cards;
    CtlOverlayDesk *overlay;
    CtlStats *stats;
    CtlStream *stream;
    CtlWs *ws;             /* for /metrics: open control connections */
    CtlConns *conns;       /* for /metrics: open and refused connections */
    CtlRejects *rejects;   /* malformed requests are counted there (and shown in /metrics) */
    CtlRequests *requests; /* every answer is counted there by route and code (/metrics) */
    GTimeZone *tz;         /* exports' time zone */
    CtlActions *actions;   /* POST /api/actions/NAME */
    CtlDesk *desk; /* the employers' desk and the viewers' status pages (/a/desk, /a/status) */
    CtlProvince *province; /* for /metrics; NULL without the province link */
} CtlRoutesConfig;

/* (transfer full) */
CtlRoutes *ctl_routes_new(const CtlRoutesConfig *cfg);
void ctl_routes_free(CtlRoutes *r);

/* /healthz answers 200 only once the pipeline is up. */
void ctl_routes_set_pipeline_ready(CtlRoutes *r, gboolean ready);
/* Where GET /api/preview.jpg gets its frames from (fn NULL: 404). */
void ctl_routes_set_preview_func(CtlRoutes *r, CtlPreviewFunc fn, gpointer data);

/* Where the transport counts malformed requests. (transfer none) */
CtlRejects *ctl_routes_rejects(CtlRoutes *r);
/* Where the transport counts every answer by route and code. (transfer none) */
CtlRequests *ctl_routes_requests(CtlRoutes *r);

/* Answers a GET of path; a POST whose body is complete (path and body in s). */
void ctl_routes_get(CtlRoutes *r, CtlSession *s, const char *path);
void ctl_routes_post(CtlRoutes *r, CtlSession *s);

G_END_DECLS
