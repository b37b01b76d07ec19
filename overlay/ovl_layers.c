/* ovl_layers: a composition as a list of layers and their PNGs (see ovl_layers.h).
 *
 * Threads: pure functions over immutable compositions; any thread. */
#include "ovl_layers.h"

#include <cairo.h>

#include "jc_error.h"
#include "ovl_ticker.h"

static void layer_clear(gpointer data)
{
    OvlLayer *l = data;
    g_clear_pointer(&l->rect, gst_video_overlay_rectangle_unref);
}

GArray *ovl_layers_of(GstVideoOverlayComposition *comp)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(OvlLayer));
    g_array_set_clear_func(out, layer_clear);
    guint n = comp != NULL ? gst_video_overlay_composition_n_rectangles(comp) : 0;
    for (guint i = 0; i < n; i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        OvlLayer l = {.rect = gst_video_overlay_rectangle_ref(rect)};
        l.id = gst_video_overlay_rectangle_get_seqnum(rect);
        guint w = 0, h = 0;
        gst_video_overlay_rectangle_get_render_rectangle(rect, &l.x, &l.y, &w, &h);
        l.width = (int)w;
        l.height = (int)h;
        const OvlTicker *t = ovl_ticker_of(rect);
        if (t != NULL) {
            l.scrolls = TRUE;
            l.band = t->band;
            l.period = t->period;
            l.px_per_s = t->px_per_s;
        }
        l.has_transition = ovl_transition_of(rect, &l.transition);
        g_array_append_val(out, l);
    }
    return out;
}

static cairo_status_t append_png(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

GBytes *ovl_layer_png(GstVideoOverlayRectangle *rect, GError **error)
{
    /* Premultiplied ARGB in native order is what cairo keeps, and what it writes PNGs from. */
    GstBuffer *buf = gst_video_overlay_rectangle_get_pixels_unscaled_argb(
        rect, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
    GstVideoMeta *meta = buf != NULL ? gst_buffer_get_video_meta(buf) : NULL;
    GstMapInfo map;
    if (meta == NULL || !gst_buffer_map(buf, &map, GST_MAP_READ)) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_RENDER, "a layer's pixels are unreadable");
        return NULL;
    }
    cairo_surface_t *src =
        cairo_image_surface_create_for_data(map.data + meta->offset[0], CAIRO_FORMAT_ARGB32,
                                            (int)meta->width, (int)meta->height, meta->stride[0]);
    GByteArray *png = g_byte_array_sized_new(16 * 1024);
    cairo_status_t st = cairo_surface_write_to_png_stream(src, append_png, png);
    cairo_surface_destroy(src);
    gst_buffer_unmap(buf, &map);
    if (st != CAIRO_STATUS_SUCCESS) {
        g_byte_array_unref(png);
        g_set_error(error, JC_ERROR, JC_ERROR_RENDER, "encoding a layer as PNG: %s",
                    cairo_status_to_string(st));
        return NULL;
    }
    return g_byte_array_free_to_bytes(png);
}
