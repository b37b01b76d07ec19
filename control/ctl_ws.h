/* ctl_ws: the producers' WebSocket (/api/control): upgrade auth, JSON-RPC messages in,
 * per-connection outgoing queues, and the broadcast behind the rooms' notifier (see
 * ctl_ws.c). Main thread only. */
#pragma once

#include <libwebsockets.h>

#include "ctl_access.h"
#include "ctl_notify.h"
#include "ctl_rejects.h"
#include "ctl_requests.h"
#include "ctl_rpc.h"
#include "ctl_session.h"

G_BEGIN_DECLS

typedef struct CtlWs CtlWs;

/* access, rejects, requests: borrowed, outlive the ws. (transfer full) */
CtlWs *ctl_ws_new(CtlAccess *access, CtlRejects *rejects, CtlRequests *requests);
void ctl_ws_free(CtlWs *ws);

/* The method table messages are dispatched to (borrowed, outlives the ws). */
void ctl_ws_set_methods(CtlWs *ws, const CtlRpcMethod *methods, gsize n);
/* The methods an overlay's connection may call instead (borrowed, outlives the ws; none until
 * set): an overlay never reaches the table above. */
void ctl_ws_set_overlay_methods(CtlWs *ws, const CtlRpcMethod *methods, gsize n);
/* The notifier that broadcasts to every open WebSocket: notifications named "overlay.*" go
 * to overlay connections only, every other one to hosts and producers only (an overlay hears
 * nothing of postings, sign-ups or the studio). (transfer none: lives with ws) */
const CtlNotifier *ctl_ws_notifier(CtlWs *ws);
/* Closing: no new upgrades, no broadcasts; later replies are no longer delivered. */
void ctl_ws_close(CtlWs *ws);
/* Open WebSockets. */
guint ctl_ws_connections(const CtlWs *ws);
/* Signs account out of what it opened under a generation below before (G_MAXINT64: all of
 * it): ends those sessions and closes those open WebSockets (after what is queued for them,
 * such as the reply to the request that did it, is sent; nothing more is read). */
void ctl_ws_sign_out(CtlWs *ws, const char *account, gint64 before);

/* The server's lws callback for the WebSocket reasons (FILTER_PROTOCOL_CONNECTION,
 * ESTABLISHED, RECEIVE, SERVER_WRITEABLE, CLOSED). */
int ctl_ws_callback(CtlWs *ws, struct lws *wsi, enum lws_callback_reasons reason, CtlSession *s,
                    void *in, size_t len);

G_END_DECLS
