/* jc_card_preview: the on-air card as a PNG, drawn by the overlay's card code so the producer's
 * preview is pixel for pixel what viewers will see.
 *
 * Threads: no shared state; every call builds its own surfaces (ovl_card_render_themed() is safe
 * on any thread). A call takes tens of milliseconds (layout + PNG deflate; bench/bench-card.sh),
 * which is why control runs it on a worker thread. */
#include "jc_card_preview.h"

#include <cairo.h>
#include <gst/video/video.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "jc_director.h"
#include "jc_error.h"
#include "ovl_card.h"

void jc_card_preview_size(int profile_width, int profile_height, const char *layout, int *width,
                          int *height)
{
    gboolean portrait = g_strcmp0(layout, "9:16") == 0;
    int longer = MAX(profile_width, profile_height);
    int shorter = MIN(profile_width, profile_height);
    *width = portrait ? shorter : longer;
    *height = portrait ? longer : shorter;
}

/* Paints one overlay rectangle (premultiplied ARGB, as cairo keeps it) at its place. */
static void paint_rectangle(cairo_t *cr, GstVideoOverlayRectangle *rect)
{
    gint x = 0, y = 0;
    guint w = 0, h = 0;
    gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h);
    GstBuffer *buf = gst_video_overlay_rectangle_get_pixels_unscaled_argb(
        rect, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
    GstVideoMeta *meta = buf != NULL ? gst_buffer_get_video_meta(buf) : NULL;
    GstMapInfo map;
    if (meta == NULL || !gst_buffer_map(buf, &map, GST_MAP_READ))
        return;
    cairo_surface_t *src =
        cairo_image_surface_create_for_data(map.data + meta->offset[0], CAIRO_FORMAT_ARGB32,
                                            (int)meta->width, (int)meta->height, meta->stride[0]);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    /* The rectangle's pixels may be drawn at another size than they were rendered at. */
    cairo_scale(cr, (double)w / meta->width, (double)h / meta->height);
    cairo_set_source_surface(cr, src, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(src);
    gst_buffer_unmap(buf, &map);
}

static cairo_status_t append_png(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* Covers the QR code (quiet zone included) at qr with a blank square that says the code comes
 * later: grey on white, dashed, nothing a phone could read as a code. */
static void paint_qr_placeholder(cairo_t *cr, const OvlRect *qr)
{
    double x = qr->x, y = qr->y, side = MIN(qr->width, qr->height);
    double inset = side * 0.06;
    cairo_save(cr);
    cairo_rectangle(cr, x, y, qr->width, qr->height);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    cairo_rectangle(cr, x + inset, y + inset, side - 2 * inset, side - 2 * inset);
    cairo_set_source_rgb(cr, 0.93, 0.93, 0.93);
    cairo_fill_preserve(cr);
    double dash = MAX(side / 24, 2.0);
    cairo_set_dash(cr, &dash, 1, 0);
    cairo_set_line_width(cr, MAX(side / 60, 1.5));
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_stroke(cr);

    PangoLayout *text = pango_cairo_create_layout(cr);
    g_autofree char *font = g_strdup_printf("Noto Sans CJK SC Bold %dpx", MAX((int)(side / 8), 8));
    PangoFontDescription *desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(text, desc);
    pango_font_description_free(desc);
    pango_layout_set_alignment(text, PANGO_ALIGN_CENTER);
    pango_layout_set_width(text, (int)((side - 4 * inset) * PANGO_SCALE));
    pango_layout_set_wrap(text, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(text, "保存后\n生成二维码", -1);
    int tw = 0, th = 0;
    pango_layout_get_pixel_size(text, &tw, &th);
    cairo_move_to(cr, x + 2 * inset, y + (side - th) / 2);
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    pango_cairo_show_layout(cr, text);
    g_object_unref(text);
    cairo_restore(cr);
}

static GBytes *render_png(const OvlCardSpec *card, const OvlTheme *theme, int width, int height,
                          gboolean qr_placeholder, GError **error)
{
    OvlCardLayout layout;
    GstVideoOverlayComposition *comp =
        ovl_card_render_themed(card, theme, width, height, &layout, error);
    if (comp == NULL)
        return NULL;
    cairo_surface_t *frame = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    cairo_t *cr = cairo_create(frame);
    guint n = gst_video_overlay_composition_n_rectangles(comp);
    for (guint i = 0; i < n; i++)
        paint_rectangle(cr, gst_video_overlay_composition_get_rectangle(comp, i));
    if (qr_placeholder && layout.qr.width > 0)
        paint_qr_placeholder(cr, &layout.qr);
    cairo_destroy(cr);
    gst_video_overlay_composition_unref(comp);

    GByteArray *png = g_byte_array_sized_new(64 * 1024);
    cairo_status_t st = cairo_surface_write_to_png_stream(frame, append_png, png);
    cairo_surface_destroy(frame);
    if (st != CAIRO_STATUS_SUCCESS) {
        g_byte_array_unref(png);
        g_set_error(error, JC_ERROR, JC_ERROR_RENDER, "encoding the card as PNG: %s",
                    cairo_status_to_string(st));
        return NULL;
    }
    return g_byte_array_free_to_bytes(png);
}

GBytes *jc_card_preview_png(const OvlCardSpec *card, const OvlTheme *theme, int width, int height,
                            GError **error)
{
    return render_png(card, theme, width, height, FALSE, error);
}

GBytes *jc_card_preview_draft_png(const OvlCardSpec *card, const OvlTheme *theme, int width,
                                  int height, GError **error)
{
    return render_png(card, theme, width, height, TRUE, error);
}

GBytes *jc_card_preview_request(const CtlCardRequest *req, const StrProfile *profile,
                                OvlThemes *themes, GError **error)
{
    const CtlPosting *p = req->posting;
    g_autofree char *pay = NULL;
    OvlCardSpec card = jc_director_card_spec(p, req->apply_url, req->signups, &pay);
    int width = 0;
    int height = 0;
    jc_card_preview_size(profile->width, profile->height, req->layout, &width, &height);
    g_autoptr(OvlTheme) theme = ovl_themes_current(themes);
    /* A draft (id 0) has no apply URL yet: no QR code that would open /a/0. */
    if (p->id <= 0)
        return jc_card_preview_draft_png(&card, theme, width, height, error);
    return jc_card_preview_png(&card, theme, width, height, error);
}
