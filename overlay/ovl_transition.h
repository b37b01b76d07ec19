/* ovl_transition: how a layer enters the picture on a take. The render worker marks the
 * rectangles of a new card with a fade-in duration; jobcastoverlay then ramps their global alpha
 * from the first frame that carries them, from the frames' running time: a fade changes alpha,
 * never pixels, and costs the worker nothing.
 *
 * Threads: mark before the composition is published; read once per new rectangle (GStreamer's
 * qdata lock), never per frame. */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

/* Marks rect to fade in over ms milliseconds (0: appear at once). */
void ovl_transition_set_fade_in(GstVideoOverlayRectangle *rect, guint ms);

/* The fade-in of rect in milliseconds, 0 when it has none. */
guint ovl_transition_fade_in(GstVideoOverlayRectangle *rect);

/* The fade's alpha (0..255) on a frame shown `since` after the frame that first carried the
 * layer, frame_duration apart: the first frame already shows it faintly (a take is visible on
 * the very next frame), full alpha once the fade is over. */
guint8 ovl_transition_alpha(guint fade_ms, GstClockTime since, GstClockTime frame_duration);

G_END_DECLS
