/* ovl_layers: a published composition read as the list of layers it draws, for pages that show
 * the overlay themselves (the /overlay page of an OBS browser source): each layer's pixels as
 * PNG, the rectangle the program places it at, how it scrolls (the ticker's strip) and how it
 * enters (a take's transition).
 *
 * Threads: any. A composition is immutable once published; ovl_layers_of() reads each
 * rectangle's marks (GStreamer's qdata lock), so call it once per composition, not per frame.
 * ovl_layer_png() takes milliseconds (deflate): not for a streaming thread or the main loop. */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

#include "ovl_card.h"
#include "ovl_transition.h"

G_BEGIN_DECLS

/* One layer of a composition. */
typedef struct {
    GstVideoOverlayRectangle *rect; /* a ref */
    guint id;                       /* the rectangle's sequence number: same id, same pixels */
    int x, y, width, height;        /* where the program draws it, in frame pixels */
    gboolean scrolls;               /* a ticker strip: shown through `band`, moving left */
    OvlRect band;                   /* with scrolls: the window it is seen through */
    int period;                     /* with scrolls: columns per cycle (it wraps) */
    double px_per_s;                /* with scrolls: speed */
    gboolean has_transition;        /* part of a take that fades or slides */
    OvlTransition transition;       /* with has_transition */
} OvlLayer;

/* The layers of comp (NULL: none) in drawing order, as an array of OvlLayer whose clear
 * function drops each ref. (transfer full) */
GArray *ovl_layers_of(GstVideoOverlayComposition *comp);

/* rect's pixels at their own size as an RGBA PNG. NULL with error set (JC_ERROR_RENDER) when
 * they cannot be read or encoded. (transfer full) */
GBytes *ovl_layer_png(GstVideoOverlayRectangle *rect, GError **error);

G_END_DECLS
