/* ovl_transition: how the layers of a take enter (and, for a slide, the previous take's layers
 * leave) the picture. The render worker marks the rectangles of a take before publishing them;
 * jobcastoverlay then moves them (slide) or ramps their global alpha (fade) from the first frame
 * that carries the take, from the frames' running time: a transition changes position or alpha,
 * never pixels, and costs the worker nothing after the mark.
 *
 * Every rectangle of one take (card, QR code, counter, even a counter redrawn mid-transition)
 * carries the same take number, so the element starts them on the same frame and they move as
 * one. Slide offsets are even, so 4:2:0 chroma stays aligned and no layer is converted again.
 *
 * Threads: mark before the composition is published; read once per new rectangle (GStreamer's
 * qdata lock), never per frame. */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

typedef enum {
    OVL_TRANSITION_CUT,   /* the new take replaces the old on one frame */
    OVL_TRANSITION_FADE,  /* the new take fades in over the old, which goes at once */
    OVL_TRANSITION_SLIDE, /* the new take slides in while the old one slides out */
} OvlTransitionKind;

/* The longest transition allowed (ms): --transition-ms is refused above it. */
#define OVL_TRANSITION_MAX_MS 5000

/* One rectangle's part in a take. */
typedef struct {
    OvlTransitionKind kind;
    guint ms;         /* duration; 0 behaves as a cut */
    guint64 take;     /* layers with the same non-zero take start on the same frame; 0: alone */
    gboolean leaving; /* the previous take's layer on its way out (slide) */
    int dx, dy;       /* slide, even: the offset an entering layer starts from, or a leaving one
                         ends at (off the frame) */
} OvlTransition;

/* "cut", "fade" or "slide" into *kind; FALSE (kind untouched) for anything else. */
gboolean ovl_transition_kind_from_string(const char *name, OvlTransitionKind *kind);

/* "cut", "fade" or "slide". */
const char *ovl_transition_kind_to_string(OvlTransitionKind kind);

/* Marks rect (not yet shared with other threads) with t. */
void ovl_transition_mark(GstVideoOverlayRectangle *rect, const OvlTransition *t);

/* Copies rect's mark into *t; FALSE when it has none. */
gboolean ovl_transition_of(GstVideoOverlayRectangle *rect, OvlTransition *t);

/* How a layer marked t shows on a frame `since` after the first frame of its take, frames
 * frame_duration apart: *dx, *dy (even) are added to its position and *alpha (0..255) multiplies
 * its global alpha. The first frame already shows an entering layer (faintly, or at least 2 px
 * into the frame): a take is visible on the very next frame. Returns FALSE when the layer is not
 * drawn at all (a leaving layer whose transition is over). */
gboolean ovl_transition_at(const OvlTransition *t, GstClockTime since, GstClockTime frame_duration,
                           int *dx, int *dy, guint8 *alpha);

/* Marks rect to fade in over ms milliseconds on its own (take 0; 0 ms: appear at once). */
void ovl_transition_set_fade_in(GstVideoOverlayRectangle *rect, guint ms);

/* The fade-in of rect in milliseconds, 0 when it has none (or another kind of mark). */
guint ovl_transition_fade_in(GstVideoOverlayRectangle *rect);

/* The fade's alpha (0..255) on a frame shown `since` after the frame that first carried the
 * layer, frame_duration apart: the first frame already shows it faintly (a take is visible on
 * the very next frame), full alpha once the fade is over. */
guint8 ovl_transition_alpha(guint fade_ms, GstClockTime since, GstClockTime frame_duration);

G_END_DECLS
