/* str_backoff: the reconnect delay policy shared by inputs and outputs (internal to streamer/).
 *
 * OBS's policy is the reference: first retry after 2 s, then x1.5, with a little jitter so that
 * several outputs that failed together (one network outage) do not all retry on the same tick,
 * capped. Threads: owned by one object on the main thread; no locking. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    guint first_ms; /* first delay, e.g. 2000 */
    guint max_ms;   /* cap */
    guint next_ms;  /* delay before jitter for the next failure */
    guint tries;    /* consecutive failures since the last reset */
} StrBackoff;

/* Initialises b with its first delay and cap. */
void str_backoff_init(StrBackoff *b, guint first_ms, guint max_ms);

/* Returns the delay (ms) to wait before the next attempt: the current delay plus up to 10 %
 * jitter; the next delay grows x1.5 up to the cap. */
guint str_backoff_next(StrBackoff *b);

/* Back to the first delay (after a healthy run). */
void str_backoff_reset(StrBackoff *b);

G_END_DECLS
