/* ovl_render_stats: the render worker's counters (see ovl_render_stats.h). */
#include "ovl_render_stats.h"

/* From a counter redraw (about a millisecond at 1080p) to a first card with Pango's start-up
 * (tens of ms) and a starved machine (a second). */
const double ovl_render_bucket_bounds[OVL_RENDER_BUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                             0.05,  0.1,    0.25,  0.5,  1.0};

void ovl_render_counters_take(OvlRenderCounters *c)
{
    atomic_fetch_add_explicit(&c->takes, 1, memory_order_relaxed);
}

void ovl_render_counters_render(OvlRenderCounters *c, gint64 us)
{
    atomic_fetch_add_explicit(&c->renders, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->render_us, (guint64)MAX(us, 0), memory_order_relaxed);
    for (int i = 0; i < OVL_RENDER_BUCKETS; i++) {
        if ((double)us <= ovl_render_bucket_bounds[i] * G_USEC_PER_SEC) {
            atomic_fetch_add_explicit(&c->buckets[i], 1, memory_order_relaxed);
            break;
        }
    }
}

void ovl_render_counters_add(OvlRenderCounters *c, OvlRenderStats *sum)
{
    sum->takes += atomic_load_explicit(&c->takes, memory_order_relaxed);
    sum->renders += atomic_load_explicit(&c->renders, memory_order_relaxed);
    sum->render_seconds +=
        (double)atomic_load_explicit(&c->render_us, memory_order_relaxed) / G_USEC_PER_SEC;
    for (int i = 0; i < OVL_RENDER_BUCKETS; i++)
        sum->buckets[i] += atomic_load_explicit(&c->buckets[i], memory_order_relaxed);
}
