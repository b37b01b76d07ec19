/* ctl_auth: producer credentials: the bearer token check and browser sessions.
 *
 * Main thread only. Keeps only a SHA-256 digest of the token; sessions live in memory (a
 * restart signs everyone out), belong to an account, expire when idle and when old, and their
 * number is capped per account. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CTL_AUTH_SESSION_IDLE_SECONDS (12 * 3600) /* unused this long: ended */
#define CTL_AUTH_SESSION_SECONDS (7 * 24 * 3600)  /* ended this long after sign-in */
#define CTL_AUTH_SESSIONS_PER_ACCOUNT 20          /* more: the account's oldest goes */
#define CTL_AUTH_COOKIE "jobcast_session"

typedef struct CtlAuth CtlAuth;

/* token: the producer token; NULL or "" means no token is ever accepted. (transfer full) */
CtlAuth *ctl_auth_new(const char *token);
void ctl_auth_free(CtlAuth *auth);

/* Compares presented (may be NULL) with the token in constant time (digests compared). */
gboolean ctl_auth_check_token(CtlAuth *auth, const char *presented);

/* Opens a session of account (an account's name; "" for the producer token) with role
 * (control's CtlRole: 1 host, 2 producer), signed in under the account's generation (its
 * credentials' version, ctl_store.h; 0 for the producer token): returns its random id (64 hex
 * characters) for the cookie. An account holds at most CTL_AUTH_SESSIONS_PER_ACCOUNT sessions:
 * its own oldest goes to make room; no account's sign-ins ever end another account's sessions.
 * (transfer full) */
char *ctl_auth_session_new(CtlAuth *auth, int role, const char *account, gint64 generation);

/* The role of a live session, 0 when id (may be NULL) names none, or one that ended (idle
 * for CTL_AUTH_SESSION_IDLE_SECONDS, or CTL_AUTH_SESSION_SECONDS old). A live session counts
 * as used now. *account (may be NULL) gets its account's name (transfer none: valid until
 * the session ends), *generation (may be NULL) the generation it was opened under. */
int ctl_auth_session_role(CtlAuth *auth, const char *id, const char **account, gint64 *generation);

/* Ends every session of account opened under a generation below before (G_MAXINT64: all of
 * them); returns how many there were. */
guint ctl_auth_end_sessions(CtlAuth *auth, const char *account, gint64 before);

/* Live sessions (all accounts). */
guint ctl_auth_sessions(CtlAuth *auth);

/* Moves the sessions' clock forward (tests: idle and absolute expiry). */
void ctl_auth_advance_clock(CtlAuth *auth, gint64 seconds);

/* Passwords (libsodium's crypto_pwhash, argon2id, "interactive" limits: about 64 MiB and a
 * noticeable fraction of a second). Slow on purpose: never call these on the main thread.
 * Any thread. */
#define CTL_AUTH_PASSWORD_MIN 10 /* characters */
#define CTL_AUTH_PASSWORD_MAX 128
/* The encoded hash ("$argon2id$v=19$m=...") or NULL with JC_ERROR_INVALID (too short/long) or
 * JC_ERROR_IO (out of memory). (transfer full) */
char *ctl_auth_password_hash(const char *password, GError **error);
/* TRUE when password is one ctl_auth_password_hash accepts (UTF-8, CTL_AUTH_PASSWORD_MIN to
 * _MAX characters); else JC_ERROR_INVALID naming "password". Cheap: for checks before hashing. */
gboolean ctl_auth_password_ok(const char *password, GError **error);
/* TRUE when password matches hash. hash NULL: compares against a dummy hash anyway, so that an
 * unknown name takes as long as a wrong password, and returns FALSE. */
gboolean ctl_auth_password_verify(const char *hash, const char *password);

/* A new random API token: 32 hex characters (128 bits). (transfer full) */
char *ctl_auth_token_new(void);
/* Hex SHA-256 of a token, as stored in the accounts table. (transfer full) */
char *ctl_auth_token_hash(const char *token);

G_END_DECLS
