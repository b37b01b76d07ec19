/* ovl_blend: overlay rectangles pre-converted once into premultiplied planes of the stream's own
 * format, and the per-frame blend of those planes over just the rectangle's area.
 *
 * Threads: a layer is immutable once made (only its reference count moves, atomically), so any
 * thread may blend it. Layers are made on the render worker (ovl_blend_prepare) or, when the
 * worker guessed the stream's colorimetry wrong, once by the element on its streaming thread.
 * ovl_blend_layer_apply() allocates nothing and takes no lock. */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

typedef struct OvlBlendLayer OvlBlendLayer;

/* TRUE for the raw formats the blend handles: I420, YV12 and NV12 (8-bit 4:2:0). */
gboolean ovl_blend_format_supported(GstVideoFormat format);

/* Converts rect, at its current render rectangle, for frames described by info (a supported
 * format): premultiplied luma + alpha, and premultiplied chroma + alpha averaged over each 2x2
 * chroma cell of the frame's grid. The rectangle's global alpha is NOT applied (the blend applies
 * it, so a fade does not convert again). (transfer full) */
OvlBlendLayer *ovl_blend_layer_new(GstVideoOverlayRectangle *rect, const GstVideoInfo *info);

OvlBlendLayer *ovl_blend_layer_ref(OvlBlendLayer *layer);
void ovl_blend_layer_unref(OvlBlendLayer *layer);

/* TRUE when layer can blend rect for frames described by info: same pixels, same render size,
 * same chroma parity of the position, same colour matrix and range. */
gboolean ovl_blend_layer_fits(const OvlBlendLayer *layer, GstVideoOverlayRectangle *rect,
                              const GstVideoInfo *info);

/* Blends layer over frame (mapped writable, the format of the info the layer was made for) with
 * its top-left at (x, y), which must have the parity the layer was made for; anything outside the
 * frame is clipped. global_alpha is 0..255 (255: as drawn). */
void ovl_blend_layer_apply(const OvlBlendLayer *layer, GstVideoFrame *frame, int x, int y,
                           guint8 global_alpha);

/* The same for columns [first, first + n) of the layer only, column 0 still at x: a scrolling
 * ticker blends a window of its long strip. With an odd first, the chroma cell it starts in is
 * blended whole (one column more than asked). */
void ovl_blend_layer_apply_window(const OvlBlendLayer *layer, GstVideoFrame *frame, int x, int y,
                                  guint8 global_alpha, int first, int n);

/* Frame pixels the layer covers (its width x height). */
gsize ovl_blend_layer_area(const OvlBlendLayer *layer);

/* Render-worker side: converts every rectangle of comp for frames described by info and attaches
 * the layer to the rectangle, so that a streaming thread blending for that info need not convert.
 * Call before comp is published (rectangles are then still private to the caller). */
void ovl_blend_prepare(GstVideoOverlayComposition *comp, const GstVideoInfo *info);

/* The same for one rectangle (one not yet shared with other threads). */
void ovl_blend_prepare_rectangle(GstVideoOverlayRectangle *rect, const GstVideoInfo *info);

/* Attaches the layer prepared for from (if any) to to, a copy of from (same pixels, size and
 * position parity) not yet shared with other threads: the copy is blended without converting. */
void ovl_blend_share(GstVideoOverlayRectangle *from, GstVideoOverlayRectangle *to);

/* The layer ovl_blend_prepare() attached to rect, if it fits info. (transfer full) or NULL. */
OvlBlendLayer *ovl_blend_layer_attached(GstVideoOverlayRectangle *rect, const GstVideoInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(OvlBlendLayer, ovl_blend_layer_unref)

G_END_DECLS
