/* ovl_renderer: the render worker. Turns scenes into pre-rendered overlay compositions on its
 * own thread and publishes the newest one in a single slot.
 *
 * Threads: ovl_renderer_submit() from any thread (normally main); the worker renders with
 * pango/cairo/qrencode; ovl_renderer_get() from any thread (normally a GStreamer streaming
 * thread, once a frame) costs one mutex-guarded ref. A composition holds a whole scene, so a
 * take switches card and QR on the same frame. */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

#include "ovl_scene.h"

G_BEGIN_DECLS

typedef struct OvlRenderer OvlRenderer;

/* Starts the worker for frames of width x height. On error, NULL is returned with error set. */
OvlRenderer *ovl_renderer_new(int width, int height, GError **error);

/* Queues scene for rendering (takes its own ref; transfer none). Only the newest queued scene
 * is rendered: a burst of takes renders once. Returns the scene's sequence number (1, 2, ...). */
guint64 ovl_renderer_submit(OvlRenderer *r, OvlScene *scene);

/* The newest published composition, or NULL before the first render or for an empty scene.
 * (transfer full) Cheap enough for every frame. */
GstVideoOverlayComposition *ovl_renderer_get(OvlRenderer *r);

/* Sequence number of the scene behind the published composition (0 before the first). */
guint64 ovl_renderer_published(OvlRenderer *r);

/* Blocks until the scene with sequence number seq (or a newer one) is published, or timeout_ms
 * passes. TRUE if published. For tests and start-up, never for streaming threads. */
gboolean ovl_renderer_wait(OvlRenderer *r, guint64 seq, guint timeout_ms);

/* Why the scene behind the published composition could not be drawn (its card is then cleared
 * from the screen), or NULL when it was. (transfer full) For the control page and logs. */
char *ovl_renderer_last_error(OvlRenderer *r);

/* Makes the card of every later take fade in over ms milliseconds (0, the default: appear at
 * once). The fade is alpha only (jobcastoverlay ramps it per frame); the first frame after the
 * take already carries the new card. Any thread. */
void ovl_renderer_set_fade_ms(OvlRenderer *r, guint ms);

/* Stops the worker (finishing nothing queued) and frees everything. NULL is allowed. */
void ovl_renderer_free(OvlRenderer *r);

G_END_DECLS
