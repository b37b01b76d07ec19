/* ctl_lockout: failed credentials counted per client address, and the lockout that follows a
 * burst of them (see ctl_lockout.c).
 *
 * Main thread only; pure apart from the table it keeps (the caller passes the time). Not
 * responsible for checking credentials or for working out the client's address. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CTL_LOCKOUT_FAILURES 10             /* failures in a window, then locked */
#define CTL_LOCKOUT_WINDOW_MS (60 * 1000)   /* the window, and the first lockout */
#define CTL_LOCKOUT_MAX_MS (15 * 60 * 1000) /* lockouts double up to this */
#define CTL_LOCKOUT_MAX_KEYS 10000          /* addresses remembered at most */

typedef struct CtlLockout CtlLockout;

/* window_ms: the window failures are counted in and the first lockout (0: the default); each
 * further burst doubles the lockout, up to max_ms (0: the default). (transfer full) */
CtlLockout *ctl_lockout_new(guint window_ms, guint max_ms);
void ctl_lockout_free(CtlLockout *l);

/* The key an address is counted under: the address itself, or its /64 for IPv6 (one machine
 * commonly holds a whole /64). (transfer full) */
char *ctl_lockout_key(const char *address);

/* Seconds (rounded up) key is still locked out at monotonic time now_us; 0 when it may try. */
guint ctl_lockout_wait(CtlLockout *l, const char *key, gint64 now_us);

/* Counts a failure of key: returns the lockout in seconds when this failure started one (the
 * caller logs it, once per burst), else 0. */
guint ctl_lockout_fail(CtlLockout *l, const char *key, gint64 now_us);

/* Takes back one failure counted in the current window (a check counted before its answer was
 * known turned out right). A lockout already started stays. */
void ctl_lockout_forgive(CtlLockout *l, const char *key, gint64 now_us);

G_END_DECLS
