/* ctl_access: who a request is: its role from a bearer token or the session cookie (and what
 * wrong credentials cost its client), whether its Origin is this server, whether admin things
 * may be served on its listener, whether it came over TLS, and its client address behind
 * trusted proxies.
 *
 * Main thread only (reads lws headers of the connection being served). Owns the producer
 * credentials (CtlAuth), the sessions, the lockouts and the trusted proxy list; reads accounts
 * from the store. */
#pragma once

#include <glib.h>
#include <libwebsockets.h>

#include "ctl_auth.h"
#include "ctl_lockout.h"
#include "ctl_store.h"

G_BEGIN_DECLS

/* What a connection may do: hosts read, producers also change things; an overlay (an OBS
 * browser source showing /overlay) reads the picture's layers and nothing else: no postings, no
 * sign-ups, no state, no method of the control protocol but its own (ctl_overlay_http.h). */
typedef enum {
    CTL_ROLE_NONE = 0,
    CTL_ROLE_HOST = 1,
    CTL_ROLE_PRODUCER = 2,
    CTL_ROLE_OVERLAY = 3,
} CtlRole;

/* TRUE for the roles that read the studio (hosts and producers): not an overlay, not none. */
gboolean ctl_role_reads(CtlRole role);
/* The role an account's stored role name grants ("producer", "host", "overlay"); NONE for
 * anything else. */
CtlRole ctl_role_from_name(const char *name);

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

#define CTL_ACCOUNT_NAME_MAX 40 /* an account's name (ctl_store_account_add) */

/* Who a request is, as far as its credentials say. */
typedef struct {
    CtlRole role;      /* CTL_ROLE_NONE: none, wrong, ended, or not checked (locked out) */
    gboolean bearer;   /* it carried Authorization (a wrong one never falls back to the cookie) */
    guint retry_after; /* > 0: its client is locked out for so many seconds; nothing checked */
    char account[CTL_ACCOUNT_NAME_MAX + 1]; /* with a role: the account, "" the producer token */
    gint64 generation; /* with a role: the account's generation it was checked under (0 for the
                          producer token): what it opens ends when the account's changes */
} CtlWho;

/* Credentials cost attempts: every bearer token, token link and password checked counts a
 * failure against the client's address (ctl_access_client_address; an IPv6 one by its /64);
 * CTL_LOCKOUT_FAILURES in a window lock the address out of every credential check, the lockout
 * doubling with each further burst (ctl_lockout.h). Session cookies are no guess: never
 * counted, and still honoured while the address is locked out. */

/* Tests: the failure window and first lockout, and the longest lockout (0: the defaults). */
void ctl_access_set_lockout(CtlAccess *a, guint window_ms, guint max_ms);

/* Seconds the client (an address from ctl_access_client_address) must still wait before its
 * credentials are checked; 0 when they may be. */
guint ctl_access_locked_out(CtlAccess *a, const char *client);
/* Counts a failed credential of client; the first failure of a burst that locks it out logs. */
void ctl_access_failed(CtlAccess *a, const char *client);
/* Takes back a failure counted before a (slow) check turned out right. */
void ctl_access_forgive(CtlAccess *a, const char *client);

/* Checks token (a bearer token or a token link's; may be NULL) from the request's client,
 * counting a wrong one: the producer token, or an active account's token. */
CtlWho ctl_access_bearer(CtlAccess *a, struct lws *wsi, const char *token);
/* The request's session cookie (role CTL_ROLE_NONE: none or ended; never counted). */
CtlWho ctl_access_session(CtlAccess *a, struct lws *wsi);
/* The role of the request's session cookie. */
CtlRole ctl_access_session_role(CtlAccess *a, struct lws *wsi);
/* A request: its bearer token if it has an Authorization header (checked as
 * ctl_access_bearer; a wrong one never falls back to the cookie), else its session cookie. */
CtlWho ctl_access_request(CtlAccess *a, struct lws *wsi);
/* Opens a session of who (its role, account and generation; "" the producer token): the
 * Set-Cookie value, Secure when the request came over TLS (ctl_access_over_tls).
 * (transfer full) */
char *ctl_access_session_cookie(CtlAccess *a, struct lws *wsi, const CtlWho *who);
/* Ends every session of account opened under a generation below before (G_MAXINT64: all);
 * returns how many there were. */
guint ctl_access_end_sessions(CtlAccess *a, const char *account, gint64 before);
/* TRUE when the request came over TLS: to this server, or to a trusted proxy that says so
 * (X-Forwarded-Proto: https, its last value; the header from anyone else is ignored). */
gboolean ctl_access_over_tls(const CtlAccess *a, struct lws *wsi);

/* TRUE when the request's Origin is this server (http:// or https:// + its Host header): what
 * a browser request riding the session cookie must show (no cross-site use of the cookie). */
gboolean ctl_access_same_origin(struct lws *wsi);
/* TRUE when origin (an Origin header) names host (a Host header) over http or https, with no
 * path, query or user. Pure. */
gboolean ctl_access_origin_matches(const char *origin, const char *host);

/* The client's address (behind trusted proxies: from X-Forwarded-For). (transfer full) */
char *ctl_access_client_address(const CtlAccess *a, struct lws *wsi);

G_END_DECLS
