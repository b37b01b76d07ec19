/* str_continuity: stalls and holes of the program, measured before videorate (see
 * str_continuity.h). */
#include "str_continuity.h"

#include <stdatomic.h>

/* A gap between two frames' arrivals this long is a stall a viewer sees (8 frames at 30 fps).
 * Far above a busy machine's scheduling jitter, far below any blocked output's timeout (seconds).
 */
#define STALL_US (250 * G_TIME_SPAN_MILLISECOND)

struct StrContinuity {
    GstElement *videorate; /* ref */
    GstPad *pad;           /* ref: videorate's sink pad, where the probe sits */
    gulong probe;
    gint64 last_us;            /* streaming thread only: arrival of the previous frame, 0 = none */
    _Atomic gint64 longest_us; /* longest gap between two arrivals since the start */
    _Atomic guint64 stalls;    /* gaps of STALL_US or more */
};

static GstPadProbeReturn on_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    StrContinuity *c = data;
    gint64 now = g_get_monotonic_time();
    (void)pad;
    (void)info;
    if (c->last_us != 0) {
        gint64 gap = now - c->last_us;
        if (gap > atomic_load_explicit(&c->longest_us, memory_order_relaxed))
            atomic_store_explicit(&c->longest_us, gap, memory_order_relaxed);
        if (gap >= STALL_US)
            atomic_fetch_add_explicit(&c->stalls, 1, memory_order_relaxed);
    }
    c->last_us = now;
    return GST_PAD_PROBE_OK;
}

StrContinuity *str_continuity_attach(GstElement *videorate)
{
    StrContinuity *c = g_new0(StrContinuity, 1);
    c->videorate = gst_object_ref(videorate);
    c->pad = gst_element_get_static_pad(videorate, "sink");
    c->probe = gst_pad_add_probe(c->pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, c, NULL);
    return c;
}

void str_continuity_fill_status(StrContinuity *c, StrStatus *s)
{
    guint64 repeated = 0;
    guint64 dropped = 0;
    g_object_get(c->videorate, "duplicate", &repeated, "drop", &dropped, NULL);
    s->continuity.frames_repeated = repeated;
    s->continuity.frames_dropped = dropped;
    s->continuity.stalls = atomic_load(&c->stalls);
    s->continuity.longest_gap = (double)atomic_load(&c->longest_us) / G_USEC_PER_SEC;
}

void str_continuity_free(StrContinuity *c)
{
    if (c == NULL)
        return;
    gst_pad_remove_probe(c->pad, c->probe);
    gst_object_unref(c->pad);
    gst_object_unref(c->videorate);
    g_free(c);
}
