/* ctl_auth: producer credentials: the bearer token check and browser sessions.
 *
 * Main thread only. Keeps only a SHA-256 digest of the token; sessions live in memory with an
 * expiry (a restart signs everyone out) and their number is capped. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CTL_AUTH_SESSION_SECONDS (12 * 3600)
#define CTL_AUTH_MAX_SESSIONS 256
#define CTL_AUTH_COOKIE "jobcast_session"

typedef struct CtlAuth CtlAuth;

/* token: the producer token; NULL or "" means no token is ever accepted. (transfer full) */
CtlAuth *ctl_auth_new(const char *token);
void ctl_auth_free(CtlAuth *auth);

/* Compares presented (may be NULL) with the token in constant time (digests compared). */
gboolean ctl_auth_check_token(CtlAuth *auth, const char *presented);

/* Opens a session: returns its random id (64 hex characters) for the cookie. When the table is
 * full, expired sessions go first, then the one closest to expiring. (transfer full) */
char *ctl_auth_session_new(CtlAuth *auth);

/* TRUE when id (may be NULL) names a session that has not expired. */
gboolean ctl_auth_session_valid(CtlAuth *auth, const char *id);

G_END_DECLS
