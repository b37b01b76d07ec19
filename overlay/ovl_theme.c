/* ovl_theme: text and surface helpers shared by the overlay's smaller layers (ticker, brand
 * bug, lower third). Any thread; each call builds its own Pango context. */
#include "ovl_theme.h"

#include <pango/pangocairo.h>

PangoContext *ovl_theme_context(void)
{
    cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(scratch);
    PangoContext *pc = pango_cairo_create_context(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(scratch);
    pango_context_set_language(pc, pango_language_from_string("zh-cn"));
    return pc;
}

PangoLayout *ovl_theme_line(PangoContext *pc, const char *text, int size, gboolean bold)
{
    PangoLayout *layout = pango_layout_new(pc);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, OVL_FONT_FAMILY);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(fd, (double)size * PANGO_SCALE);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_single_paragraph_mode(layout, TRUE);
    pango_layout_set_text(layout, text, -1);
    return layout;
}

int ovl_theme_extent(PangoLayout *layout, int *height)
{
    PangoRectangle logical;
    pango_layout_get_pixel_extents(layout, NULL, &logical);
    if (height != NULL)
        *height = logical.height;
    return logical.width;
}

void ovl_theme_show(cairo_t *cr, PangoLayout *layout, double x, double y, Rgb colour)
{
    cairo_set_source_rgba(cr, colour.r, colour.g, colour.b, 1.0);
    cairo_move_to(cr, x, y);
    pango_cairo_update_layout(cr, layout);
    pango_cairo_show_layout(cr, layout);
}

GstVideoOverlayRectangle *ovl_theme_rectangle(cairo_surface_t *surface, int x, int y)
{
    cairo_surface_flush(surface);
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    /* The buffer shares the surface's pixels and holds a ref on it: no copy. */
    GstBuffer *buf = gst_buffer_new_wrapped_full(
        0, cairo_image_surface_get_data(surface), (gsize)stride * (gsize)h, 0,
        (gsize)stride * (gsize)h, cairo_surface_reference(surface),
        (GDestroyNotify)cairo_surface_destroy);
    gsize offset[GST_VIDEO_MAX_PLANES] = {0};
    gint strides[GST_VIDEO_MAX_PLANES] = {stride};
    gst_buffer_add_video_meta_full(buf, GST_VIDEO_FRAME_FLAG_NONE,
                                   GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, (guint)w, (guint)h, 1,
                                   offset, strides);
    GstVideoOverlayRectangle *rect = gst_video_overlay_rectangle_new_raw(
        buf, x, y, (guint)w, (guint)h, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
    gst_buffer_unref(buf);
    return rect;
}
