/* ctl_requests: HTTP answers counted by route and status code for GET /metrics
 * (jobcast_http_requests_total{route="...",code="..."}).
 *
 * A route label is a pattern from a fixed table (`/a/:id`, `/static/:name`), never a request's
 * own path: whatever a client asks for lands on one of those patterns or on "other", so no client
 * can make a label value. A code is a status jobcast itself chose.
 *
 * Main thread only. Counted where answers leave: the HTTP transport (ctl_http.c) and the
 * WebSocket upgrade (ctl_ws.c). Not responsible for answering anything. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct CtlRequests CtlRequests;

/* (transfer full) */
CtlRequests *ctl_requests_new(void);
/* NULL is allowed. */
void ctl_requests_free(CtlRequests *r);

/* The route pattern path falls under ("other" when none). (transfer none: static) */
const char *ctl_requests_route(const char *path);

/* One answer with status to a request for path (NULL counts as "other"). r NULL: nothing. */
void ctl_requests_count(CtlRequests *r, const char *path, guint status);

/* Appends jobcast_http_requests_total{route,code} for every pair seen (and none before). */
void ctl_requests_metrics(const CtlRequests *r, GString *out);

G_END_DECLS
