/* str_gst: small GStreamer helpers shared by the streamer's files.
 *
 * Threads: main thread only (pipeline construction). No state. */
#include "str_gst.h"

#include "jc_error.h"

GstElement *str_gst_make(const char *factory, const char *name, GError **error)
{
    GstElement *e = gst_element_factory_make(factory, name);
    if (e == NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE,
                    "GStreamer element '%s' is not installed (see scripts/setup.sh)", factory);
    }
    return e;
}

gboolean str_gst_link(GstElement *a, GstElement *b, GError **error)
{
    if (!gst_element_link(a, b)) {
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "cannot link %s to %s", GST_ELEMENT_NAME(a),
                    GST_ELEMENT_NAME(b));
        return FALSE;
    }
    return TRUE;
}

gboolean str_gst_add_chain(GstBin *bin, const char *const *factories, GstElement **out,
                           GError **error)
{
    GstElement *prev = NULL;
    for (guint i = 0; factories[i] != NULL; i++) {
        GstElement *e = str_gst_make(factories[i], NULL, error);
        if (e == NULL) {
            return FALSE;
        }
        gst_bin_add(bin, e);
        out[i] = e;
        if (prev != NULL && !str_gst_link(prev, e, error)) {
            return FALSE;
        }
        prev = e;
    }
    return TRUE;
}

gboolean str_gst_link_to_request(GstElement *src, GstElement *mux, const char *templ,
                                 GError **error)
{
    GstPad *sinkpad = gst_element_request_pad_simple(mux, templ);
    if (sinkpad == NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "%s has no '%s' pad", GST_ELEMENT_NAME(mux),
                    templ);
        return FALSE;
    }
    GstPad *srcpad = gst_element_get_static_pad(src, "src");
    GstPadLinkReturn r = srcpad != NULL ? gst_pad_link(srcpad, sinkpad) : GST_PAD_LINK_NOFORMAT;
    if (srcpad != NULL) {
        gst_object_unref(srcpad);
    }
    gst_object_unref(sinkpad);
    if (r != GST_PAD_LINK_OK) {
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "cannot link %s to %s:%s",
                    GST_ELEMENT_NAME(src), GST_ELEMENT_NAME(mux), templ);
        return FALSE;
    }
    return TRUE;
}

void str_gst_set_caps(GstElement *capsfilter, GstCaps *caps)
{
    g_object_set(capsfilter, "caps", caps, NULL);
    gst_caps_unref(caps);
}
