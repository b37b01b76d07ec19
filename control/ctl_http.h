/* ctl_http: the HTTP transport (see ctl_http.c). Main thread only. */
#pragma once

#include <libwebsockets.h>

#include "ctl_routes.h"
#include "ctl_session.h"

G_BEGIN_DECLS

/* The server's lws callback for every HTTP reason. */
int ctl_http_callback(CtlRoutes *routes, struct lws *wsi, enum lws_callback_reasons reason,
                      CtlSession *s, void *in, size_t len);

G_END_DECLS
