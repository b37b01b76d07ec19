/* str_slate: builds the slate branch of the program: one drawn frame, repeated live, and
 * silence.
 *
 * Threads: main thread (construction); unbounded_latency on whichever thread asks for the
 * latency. Not responsible for switching: the switch shows the slate wherever the input has no
 * current frame (see str_input.c). */
#include "str_slate.h"

#include "jc_error.h"
#include "str_gst.h"

/* imagefreeze's src pad, after it answered a latency query: it declares a maximum latency of
 * one frame, below the input's 150 ms, and the switch then cannot configure its own. It holds
 * one picture and makes a new frame of it whenever it is let, so it can wait any time: say so.
 * (A queue after it used to raise the maximum instead, at the cost of a thread hand-over for
 * every slate frame, all day, even while the input covers the slate.) */
static GstPadProbeReturn unbounded_latency(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    GstQuery *query = GST_PAD_PROBE_INFO_QUERY(info);
    if (GST_QUERY_TYPE(query) == GST_QUERY_LATENCY) {
        gboolean live;
        GstClockTime min;
        gst_query_parse_latency(query, &live, &min, NULL);
        gst_query_set_latency(query, live, min, GST_CLOCK_TIME_NONE);
    }
    return GST_PAD_PROBE_OK;
}

gboolean str_slate_add(GstBin *program, const StrProfile *profile, GstElement *video_mix,
                       GstElement *audio_mix, GstPad **video_pad, GError **error)
{
    static const char *const vchain[] = {"videotestsrc", "capsfilter", "textoverlay", "imagefreeze",
                                         NULL};
    static const char *const achain[] = {"audiotestsrc", "capsfilter", NULL};
    GstElement *v[4];
    GstElement *a[2];
    if (!str_gst_add_chain(program, vchain, v, error) ||
        !str_gst_add_chain(program, achain, a, error)) {
        return FALSE;
    }
    g_object_set(v[0], "num-buffers", 1, "foreground-color", STR_SLATE_ARGB, NULL);
    gst_util_set_object_arg(G_OBJECT(v[0]), "pattern", "solid-color");
    GstCaps *caps = gst_caps_new_simple(
        "video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT, profile->width,
        "height", G_TYPE_INT, profile->height, "framerate", GST_TYPE_FRACTION, profile->fps, 1,
        "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
    g_object_set(v[1], "caps", caps, NULL);
    gst_caps_unref(caps);
    /* Noto Sans CJK SC by name: under C.UTF-8 "sans-serif" picks Japanese glyph shapes. */
    int px = MIN(profile->width, profile->height) / 10;
    g_autofree char *font = g_strdup_printf("Noto Sans CJK SC Bold %dpx", px);
    g_object_set(v[2], "text", "直播马上回来", "font-desc", font, "auto-resize", FALSE,
                 "shaded-background", FALSE, NULL);
    gst_util_set_object_arg(G_OBJECT(v[2]), "valignment", "center");
    gst_util_set_object_arg(G_OBJECT(v[2]), "halignment", "center");
    g_object_set(v[3], "is-live", TRUE, NULL);
    gst_util_set_object_arg(G_OBJECT(a[0]), "wave", "silence");
    /* 100 ms blocks: 10 wake-ups a second instead of 47 for silence, which the mixer waits for
     * only when the input has no sound of its own. */
    g_object_set(a[0], "is-live", TRUE, "samplesperbuffer", 4800, NULL);
    caps = gst_caps_new_simple("audio/x-raw", "format", G_TYPE_STRING, "F32LE", "rate", G_TYPE_INT,
                               48000, "channels", G_TYPE_INT, 2, "layout", G_TYPE_STRING,
                               "interleaved", NULL);
    g_object_set(a[1], "caps", caps, NULL);
    gst_caps_unref(caps);
    if (!str_gst_link_to_request(v[3], video_mix, "sink_%u", error) ||
        !str_gst_link_to_request(a[1], audio_mix, "sink_%u", error)) {
        return FALSE;
    }
    GstPad *src = gst_element_get_static_pad(v[3], "src");
    gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_QUERY_UPSTREAM | GST_PAD_PROBE_TYPE_PULL,
                      unbounded_latency, NULL, NULL);
    GstPad *peer = gst_pad_get_peer(src);
    gst_object_unref(src);
    g_object_set(peer, "zorder", 0u, NULL);
    *video_pad = peer;
    gst_object_unref(peer); /* the switch keeps it */
    return TRUE;
}
