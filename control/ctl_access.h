/* ctl_access: who a request is: its role from a bearer token or the session cookie, whether
 * its Origin is this server, whether admin things may be served on its listener, and its
 * client address behind trusted proxies.
 *
 * Main thread only (reads lws headers of the connection being served). Owns the producer
 * credentials (CtlAuth) and the trusted proxy list; reads accounts from the store. */
#pragma once

#include <glib.h>
#include <libwebsockets.h>

#include "ctl_auth.h"
#include "ctl_store.h"

G_BEGIN_DECLS

/* What a connection may do: hosts read, producers also change things. */
typedef enum {
    CTL_ROLE_NONE = 0,
    CTL_ROLE_HOST = 1,
    CTL_ROLE_PRODUCER = 2,
} CtlRole;

typedef struct CtlAccess CtlAccess;

/* store: borrowed, outlives the access. trusted_proxies: NULL-terminated, copied, may be NULL.
 * (transfer full) */
CtlAccess *ctl_access_new(CtlStore *store, const char *producer_token,
                          const char *const *trusted_proxies);
void ctl_access_free(CtlAccess *a);

/* The listener whose connections may see admin things (NULL: every listener). */
void ctl_access_set_admin_vhost(CtlAccess *a, struct lws_vhost *admin_vhost);
/* TRUE when admin things (control, pages, preview, metrics) may be served on this connection:
 * there is no admin listener, or the connection came in on it. */
gboolean ctl_access_admin_allowed(const CtlAccess *a, struct lws *wsi);

/* The role a bearer token grants: the producer token, or an active account's token. */
CtlRole ctl_access_bearer_role(CtlAccess *a, const char *token);
/* The role of the request's session cookie (CTL_ROLE_NONE: none or expired). */
CtlRole ctl_access_session_role(CtlAccess *a, struct lws *wsi);
/* The role of a request: its bearer token if it has an Authorization header (a wrong one
 * never falls back to the cookie), else its session cookie. */
CtlRole ctl_access_request_role(CtlAccess *a, struct lws *wsi);
/* Opens a session for role: the Set-Cookie value. (transfer full) */
char *ctl_access_session_cookie(CtlAccess *a, CtlRole role);

/* TRUE when the request's Origin is this server (http:// or https:// + its Host header): what
 * a browser request riding the session cookie must show (no cross-site use of the cookie). */
gboolean ctl_access_same_origin(struct lws *wsi);
/* TRUE when origin (an Origin header) names host (a Host header) over http or https, with no
 * path, query or user. Pure. */
gboolean ctl_access_origin_matches(const char *origin, const char *host);

/* The client's address (behind trusted proxies: from X-Forwarded-For). (transfer full) */
char *ctl_access_client_address(const CtlAccess *a, struct lws *wsi);

G_END_DECLS
