/* str_gst: small GStreamer helpers shared by the streamer's files (internal to streamer/).
 *
 * Threads: called while building pipelines on the main thread. They turn GStreamer's NULL/FALSE
 * returns into JC_ERROR_PIPELINE errors so that every builder has one exit path. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Creates an element from factory. (transfer floating) On failure, NULL with error set naming
 * the missing element. */
GstElement *str_gst_make(const char *factory, const char *name, GError **error);

/* Creates every factory in the NULL-terminated list, adds them to bin and links them in order.
 * The created elements are stored in out[] (transfer none: owned by bin). On failure, FALSE with
 * error set; elements already added stay in bin (freed with it). */
gboolean str_gst_add_chain(GstBin *bin, const char *const *factories, GstElement **out,
                           GError **error);

/* Links src to a newly requested pad of mux made from template ("video_%u", "audio", ...).
 * On failure, FALSE with error set. */
gboolean str_gst_link_to_request(GstElement *src, GstElement *mux, const char *templ,
                                 GError **error);

/* Links a to b (adding a request pad if needed). On failure, FALSE with error set. */
gboolean str_gst_link(GstElement *a, GstElement *b, GError **error);

/* Sets capsfilter's caps to caps, taking them (transfer full). */
void str_gst_set_caps(GstElement *capsfilter, GstCaps *caps);

G_END_DECLS
