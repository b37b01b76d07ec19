/* str_backoff: exponential reconnect delays with jitter (2 s, x1.5, capped).
 *
 * Threads: whoever owns the StrBackoff (the main thread); no shared state. */
#include "str_backoff.h"

void str_backoff_init(StrBackoff *b, guint first_ms, guint max_ms)
{
    b->first_ms = first_ms;
    b->max_ms = max_ms;
    str_backoff_reset(b);
}

guint str_backoff_next(StrBackoff *b)
{
    guint base = b->next_ms;
    /* Jitter only upwards: the first retry is never sooner than first_ms. */
    guint jitter = base / 10 > 0 ? (guint)g_random_int_range(0, (gint32)(base / 10) + 1) : 0;
    b->next_ms = MIN(base + base / 2, b->max_ms);
    b->tries++;
    return MIN(base + jitter, b->max_ms + b->max_ms / 10);
}

void str_backoff_reset(StrBackoff *b)
{
    b->next_ms = b->first_ms;
    b->tries = 0;
}
