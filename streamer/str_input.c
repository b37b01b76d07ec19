/* str_input: builds the program's source bin from an input URI.
 *
 * Threads: main thread only; the bin's sources then push on their own streaming threads.
 * Not responsible for encoding, the overlay or recovering a failed camera (later: slate). */
#include "str_input.h"

#include "jc_error.h"
#include "str_gst.h"

static gboolean ghost(GstBin *bin, GstElement *last, const char *name, GError **error)
{
    GstPad *target = gst_element_get_static_pad(last, "src");
    gboolean ok = gst_element_add_pad(GST_ELEMENT(bin), gst_ghost_pad_new(name, target));
    gst_object_unref(target);
    if (!ok) {
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "cannot expose input pad %s", name);
    }
    return ok;
}

/* The synthetic camera: moving so that a frozen picture shows, with a wall clock so that latency
 * and stalls can be read off the screen. */
static GstElement *test_input_new(const StrProfile *profile, GError **error)
{
    GstBin *bin = GST_BIN(gst_bin_new("input-test"));
    GstElement *v[4];
    GstElement *a[2];
    static const char *const vchain[] = {"videotestsrc", "capsfilter", "clockoverlay", NULL};
    static const char *const achain[] = {"audiotestsrc", NULL};
    if (!str_gst_add_chain(bin, vchain, v, error) || !str_gst_add_chain(bin, achain, a, error)) {
        gst_object_unref(gst_object_ref_sink(bin));
        return NULL;
    }
    gst_util_set_object_arg(G_OBJECT(v[0]), "pattern", "ball");
    g_object_set(v[0], "is-live", TRUE, NULL);
    GstCaps *caps = gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, profile->width,
                                        "height", G_TYPE_INT, profile->height, "framerate",
                                        GST_TYPE_FRACTION, profile->fps, 1, NULL);
    g_object_set(v[1], "caps", caps, NULL);
    gst_caps_unref(caps);
    /* auto-resize=false: the default re-lays out the font for the frame size, costly at 1080p. */
    g_object_set(v[2], "time-format", "%H:%M:%S", "auto-resize", FALSE, "font-desc", "Sans 28",
                 NULL);
    gst_util_set_object_arg(G_OBJECT(a[0]), "wave", "sine");
    g_object_set(a[0], "is-live", TRUE, "freq", 440.0, "volume", 0.1, NULL);
    if (!ghost(bin, v[2], "video", error) || !ghost(bin, a[0], "audio", error)) {
        gst_object_unref(gst_object_ref_sink(bin));
        return NULL;
    }
    return GST_ELEMENT(bin);
}

GstElement *str_input_new(const char *uri, const StrProfile *profile, GError **error)
{
    if (uri != NULL && g_strcmp0(uri, "test:") == 0) {
        return test_input_new(profile, error);
    }
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                "input %s not supported yet; use test:", uri != NULL ? uri : "(none)");
    return NULL;
}
