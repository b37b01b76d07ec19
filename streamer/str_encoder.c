/* str_encoder: frames out of the program's encoder, and those it was late with (see
 * str_encoder.h). */
#include "str_encoder.h"

#include <stdatomic.h>

/* Arrivals remembered: far more than the frames an encoder in zerolatency mode holds (one). */
#define RING 64

typedef struct {
    GstClockTime pts;
    gint64 in_us; /* monotonic time the frame reached the encoder */
} Arrival;

struct StrEncoder {
    GstElement *encoder; /* ref */
    GstPad *sink;        /* ref: where frames arrive */
    GstPad *src;         /* ref: where encoded frames leave */
    gulong sink_probe;
    gulong src_probe;
    gint64 frame_us;        /* fixed: one frame's duration */
    Arrival ring[RING];     /* streaming thread only */
    guint next;             /* streaming thread only: the ring's next slot */
    _Atomic guint64 frames; /* encoded frames put out */
    _Atomic guint64 late;   /* of those, put out more than frame_us after they came in */
};

static GstPadProbeReturn on_in(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    StrEncoder *e = data;
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
    (void)pad;
    e->ring[e->next % RING] = (Arrival){GST_BUFFER_PTS(buf), g_get_monotonic_time()};
    e->next++;
    return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn on_out(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    StrEncoder *e = data;
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
    GstClockTime pts = GST_BUFFER_PTS(buf);
    gint64 now = g_get_monotonic_time();
    (void)pad;
    atomic_fetch_add_explicit(&e->frames, 1, memory_order_relaxed);
    /* The newest arrival with this timestamp: the frame just encoded. */
    for (guint k = 1; k <= MIN(e->next, (guint)RING) && GST_CLOCK_TIME_IS_VALID(pts); k++) {
        const Arrival *a = &e->ring[(e->next - k) % RING];
        if (a->pts != pts)
            continue;
        if (now - a->in_us > e->frame_us)
            atomic_fetch_add_explicit(&e->late, 1, memory_order_relaxed);
        break;
    }
    return GST_PAD_PROBE_OK;
}

StrEncoder *str_encoder_attach(GstElement *encoder, int fps)
{
    StrEncoder *e = g_new0(StrEncoder, 1);
    e->encoder = gst_object_ref(encoder);
    e->frame_us = G_USEC_PER_SEC / MAX(fps, 1);
    e->sink = gst_element_get_static_pad(encoder, "sink");
    e->src = gst_element_get_static_pad(encoder, "src");
    e->sink_probe = gst_pad_add_probe(e->sink, GST_PAD_PROBE_TYPE_BUFFER, on_in, e, NULL);
    e->src_probe = gst_pad_add_probe(e->src, GST_PAD_PROBE_TYPE_BUFFER, on_out, e, NULL);
    return e;
}

void str_encoder_fill_status(StrEncoder *e, StrStatus *s)
{
    s->encoder.frames = atomic_load(&e->frames);
    s->encoder.late = atomic_load(&e->late);
}

void str_encoder_free(StrEncoder *e)
{
    if (e == NULL)
        return;
    gst_pad_remove_probe(e->sink, e->sink_probe);
    gst_pad_remove_probe(e->src, e->src_probe);
    gst_object_unref(e->sink);
    gst_object_unref(e->src);
    gst_object_unref(e->encoder);
    g_free(e);
}
