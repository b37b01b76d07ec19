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
#include "ovl_theme.h"
#include "ovl_transition.h"

G_BEGIN_DECLS

typedef struct OvlRenderer OvlRenderer;

/* Starts the worker for frames of width x height. On error, NULL is returned with error set. */
OvlRenderer *ovl_renderer_new(int width, int height, GError **error);

/* The same, drawing in theme's look and safe area (NULL: the built-in theme; a ref is taken).
 * A theme whose safe area leaves no room for a card with a scannable QR code (modules of
 * ovl_card_min_module_px()) is refused here, with JC_ERROR_RENDER saying so. */
OvlRenderer *ovl_renderer_new_themed(int width, int height, OvlTheme *theme, GError **error);

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

/* Sets how every later take enters: OVL_TRANSITION_CUT (the default), _FADE (alpha ramps up
 * over ms) or _SLIDE (the card, its QR code and counter slide in from the side the card is
 * anchored to over ms while the previous card slides out). Position and alpha only: the first
 * frame after a take already carries the new card. ms is capped at OVL_TRANSITION_MAX_MS; 0 is a
 * cut. Any thread. */
void ovl_renderer_set_transition(OvlRenderer *r, OvlTransitionKind kind, guint ms);

/* Switches the look to theme (a ref is taken; NULL: the built-in one): the scene submitted last
 * is drawn again in it on the worker (never on a streaming thread) and published whole, so the
 * card, ticker and chrome change on one frame without a gap. It is not a take: the card does not
 * transition again, and one mid-transition carries on. Scenes submitted later are drawn in it too.
 * Returns the sequence number of that redraw (for ovl_renderer_wait()), 0 when nothing was
 * submitted yet or theme is already the one asked for. The theme should have passed
 * ovl_renderer_check_theme() for this frame size; otherwise cards show nothing and
 * ovl_renderer_last_error() says why. Any thread. */
guint64 ovl_renderer_set_theme(OvlRenderer *r, OvlTheme *theme);

/* Whether a card with a scannable QR code fits theme's safe area (NULL: built-in) in a width x
 * height frame: what ovl_renderer_new_themed() checks, for themes to be switched to later. Draws
 * a card on the calling thread (tens of ms): for start-up, never a streaming thread. FALSE with
 * error set (JC_ERROR_RENDER) when it does not. */
gboolean ovl_renderer_check_theme(int width, int height, const OvlTheme *theme, GError **error);

/* Upper bounds (seconds) of the render-time histogram's buckets, shortest first; a render longer
 * than the last is counted only in the totals. */
#define OVL_RENDER_BUCKETS 10
extern const double ovl_render_bucket_bounds[OVL_RENDER_BUCKETS];

/* What the worker did since it started. */
typedef struct {
    guint64 takes;   /* a new card (or slate) reached the picture: not a redraw of the same one */
    guint64 renders; /* scenes drawn (takes, counter and ticker changes, theme switches) */
    double render_seconds;               /* their drawing time, summed */
    guint64 buckets[OVL_RENDER_BUCKETS]; /* renders that took at most bounds[i] s and more
                                            than bounds[i - 1] (not cumulative) */
} OvlRenderStats;

/* Adds the worker's figures to *sum (so that the figures of renderers that came one after the
 * other add up). Reads atomics: never waits for the worker. Any thread. */
void ovl_renderer_add_stats(OvlRenderer *r, OvlRenderStats *sum);

/* Stops the worker (finishing nothing queued) and frees everything. NULL is allowed. */
void ovl_renderer_free(OvlRenderer *r);

G_END_DECLS
