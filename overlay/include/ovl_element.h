/* ovl_element: the jobcastoverlay GStreamer element, a drop-in replacement for overlaycomposition
 * with jobcast's fast blend.
 *
 * Like overlaycomposition, it emits "draw" (GstSample *frame -> GstVideoOverlayComposition *,
 * transfer full, NULL draws nothing) on the streaming thread once a frame, and "caps-changed"
 * (GstCaps *, guint width, guint height) when the format is set. With no "draw" handler and the
 * "scene-file" property set, it runs its own render worker showing that scene (ovl_scene_file.h),
 * in the look of "theme-file" and "safe-area", entering with "transition" over "transition-ms".
 * It blends I420, YV12 and NV12 in place (ovl_blend.h).
 *
 * Threads: properties from any thread (object lock); everything else on the streaming thread. */
#pragma once

#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define OVL_TYPE_ELEMENT (ovl_element_get_type())
G_DECLARE_FINAL_TYPE(OvlElement, ovl_element, OVL, ELEMENT, GstVideoFilter)

/* Registers jobcastoverlay with GStreamer for this process (after gst_init()), as the jobcast
 * binary and the tests do; the plugin (build/plugins/libgstjobcast.so) registers it for
 * gst-launch-1.0. TRUE on success (also when already registered). */
gboolean ovl_element_register(void);

/* Registers the element with plugin (NULL: for this process only). For the plugin's init. */
gboolean ovl_element_register_in(GstPlugin *plugin);

G_END_DECLS
