/* ctl_ratelimit: per-client request limits (token buckets keyed by address) and working out
 * the client's address behind trusted reverse proxies.
 *
 * Main thread only; pure apart from the table it keeps. Not responsible for where the peer
 * address comes from (ctl_http asks lws). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct CtlRateLimit CtlRateLimit;

/* per_minute requests per key per minute, refilled continuously, bursts up to burst. The
 * table holds at most max_keys keys; when full, idle keys (full buckets) are dropped first,
 * then everything (a flood of spoofed keys resets limits rather than growing memory).
 * (transfer full) */
CtlRateLimit *ctl_rate_limit_new(guint per_minute, guint burst, guint max_keys);
void ctl_rate_limit_free(CtlRateLimit *rl);

/* Takes one token for key at monotonic time now_us: TRUE if allowed. */
gboolean ctl_rate_limit_take(CtlRateLimit *rl, const char *key, gint64 now_us);

/* The client's address: peer itself unless peer is one of trusted (NULL-terminated, may be
 * NULL) and xff (the X-Forwarded-For header, may be NULL, of any length) names addresses; then
 * xff is walked from the right, skipping trusted proxies, and the first address that is not one
 * is the client (what the nearest untrusted hop said). A hop that is not one address (empty,
 * a name, a port, garbage) ends the walk: the client is the address walked before it (the
 * peer, or the trusted proxy that passed the garbage on); when every hop is trusted, the
 * left-most. Addresses are compared as addresses (GInetAddress: "::1" equals "0::1", and an
 * IPv4-mapped "::ffff:1.2.3.4" equals "1.2.3.4"); a hop is returned in its canonical text,
 * without an IPv4-mapped prefix. (transfer full) */
char *ctl_client_address(const char *peer, const char *xff, const char *const *trusted);

/* TRUE when addr (a peer address) is one of trusted (NULL-terminated, may be NULL), compared
 * as addresses. */
gboolean ctl_address_trusted(const char *addr, const char *const *trusted);

G_END_DECLS
