/* ovl_render_stats: the render worker's counters (takes, renders, drawing time in histogram
 * buckets) behind ovl_renderer_add_stats().
 *
 * Threads: the worker alone counts; any thread reads. Atomics only: a reader never holds up the
 * worker, nor the worker a reader. */
#pragma once

#include <glib.h>
#include <stdatomic.h>

#include "ovl_renderer.h"

G_BEGIN_DECLS

typedef struct {
    _Atomic guint64 takes;
    _Atomic guint64 renders;
    _Atomic guint64 render_us; /* drawing time summed, microseconds */
    _Atomic guint64 buckets[OVL_RENDER_BUCKETS];
} OvlRenderCounters;

/* Worker: a new card (or slate) reached the picture. */
void ovl_render_counters_take(OvlRenderCounters *c);
/* Worker: one scene drawn in us microseconds. */
void ovl_render_counters_render(OvlRenderCounters *c, gint64 us);
/* Any thread: adds the counts to *sum. */
void ovl_render_counters_add(OvlRenderCounters *c, OvlRenderStats *sum);

G_END_DECLS
