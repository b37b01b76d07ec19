/* ctl_overlay_http: the /overlay page (an OBS browser source showing the program's overlay
 * layers on a transparent page), its layer endpoints and the overlay's own control-protocol
 * table: GET /overlay, GET /api/overlay/layers, GET /api/overlay/layer.png?id=N, the method
 * overlay.layers and the notification overlay.changed.
 *
 * Main thread only, apart from the PNG encoding of a layer, which runs on a worker as a
 * CtlPending (see ctl_overlay_http.c). */
#pragma once

#include "ctl_access.h"
#include "ctl_hooks.h"
#include "ctl_notify.h"
#include "ctl_rpc.h"
#include "ctl_session.h"

G_BEGIN_DECLS

typedef struct CtlOverlayDesk CtlOverlayDesk;

/* access and notify: borrowed, outlive the desk. (transfer full) */
CtlOverlayDesk *ctl_overlay_desk_new(CtlAccess *access, const CtlNotifier *notify);
/* Orphans the encodings still running (their answers go nowhere). NULL is allowed. */
void ctl_overlay_desk_free(CtlOverlayDesk *d);

/* Where the layers come from (hooks NULL: none). Borrowed, outlive the desk. */
void ctl_overlay_desk_set_hooks(CtlOverlayDesk *d, const CtlOverlayHooks *hooks, gpointer data);
/* Tells the overlay connections that version was published (overlay.changed). */
void ctl_overlay_desk_changed(CtlOverlayDesk *d, guint64 version);
/* Encodings in flight (the server lets them finish before it goes). */
guint ctl_overlay_desk_in_flight(const CtlOverlayDesk *d);

/* GET /overlay[?token=T]: the page. With a token: checked (a wrong one is counted against the
 * client like every credential, 401) and, if right, a session cookie of its role comes with the
 * page (the page's WebSocket and images ride it). Without: the session cookie's role. */
void ctl_overlay_page(CtlOverlayDesk *d, CtlSession *s);
/* GET /api/overlay/layers: the layers on air (any role). */
void ctl_overlay_layers_get(CtlOverlayDesk *d, CtlSession *s);
/* GET /api/overlay/layer.png?id=N: one layer's pixels (any role); 404 for an id not on air. */
void ctl_overlay_layer_get(CtlOverlayDesk *d, CtlSession *s);

/* The methods an overlay's connection may call (rooms filled in with d): overlay.layers. */
const CtlRpcMethod *ctl_overlay_methods(gsize *n);

G_END_DECLS
