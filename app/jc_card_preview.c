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

#define POSTER_MARGIN 56  /* px, on every side of the poster's words and card */
#define POSTER_BAND_H 300 /* the band on top */
#define POSTER_FOOT_H 300 /* the words under the card */

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

static void paint_composition(cairo_t *cr, GstVideoOverlayComposition *comp)
{
    guint n = gst_video_overlay_composition_n_rectangles(comp);
    for (guint i = 0; i < n; i++)
        paint_rectangle(cr, gst_video_overlay_composition_get_rectangle(comp, i));
}

/* frame as PNG. (transfer full) or NULL with error set. */
static GBytes *encode_png(cairo_surface_t *frame, GError **error)
{
    GByteArray *png = g_byte_array_sized_new(64 * 1024);
    cairo_status_t st = cairo_surface_write_to_png_stream(frame, append_png, png);
    if (st != CAIRO_STATUS_SUCCESS) {
        g_byte_array_unref(png);
        g_set_error(error, JC_ERROR, JC_ERROR_RENDER, "encoding the card as PNG: %s",
                    cairo_status_to_string(st));
        return NULL;
    }
    return g_byte_array_free_to_bytes(png);
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
    paint_composition(cr, comp);
    if (qr_placeholder && layout.qr.width > 0)
        paint_qr_placeholder(cr, &layout.qr);
    cairo_destroy(cr);
    gst_video_overlay_composition_unref(comp);
    GBytes *png = encode_png(frame, error);
    cairo_surface_destroy(frame);
    return png;
}

/* One paragraph of words centred across the poster, its top at y, in family at size px (bold
 * or not), colour; returns its height. Words go in as plain text, never markup. */
static int poster_words(cairo_t *cr, const char *family, const char *text, int size, gboolean bold,
                        int y, Rgb colour)
{
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, family);
    pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(fd, (double)size * PANGO_SCALE);
    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(layout, (JC_POSTER_WIDTH - 2 * POSTER_MARGIN) * PANGO_SCALE);
    pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout, text, -1);
    int w = 0;
    int h = 0;
    pango_layout_get_pixel_size(layout, &w, &h);
    cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
    cairo_move_to(cr, POSTER_MARGIN, y);
    pango_cairo_show_layout(cr, layout);
    g_object_unref(layout);
    return h;
}

/* The poster around the card: a light page, a band in the panel's colour on top saying what it
 * is and the code, and under the card how to sign up without scanning. */
static void paint_poster_frame(cairo_t *cr, const OvlTheme *theme, const OvlCardSpec *card,
                               const char *code_url)
{
    gboolean code = card->code != NULL && card->code[0] != '\0';
    cairo_set_source_rgb(cr, 0.96, 0.96, 0.97);
    cairo_paint(cr);
    cairo_rectangle(cr, 0, 0, JC_POSTER_WIDTH, POSTER_BAND_H);
    cairo_set_source_rgb(cr, theme->panel_top.r, theme->panel_top.g, theme->panel_top.b);
    cairo_fill(cr);
    cairo_rectangle(cr, 0, POSTER_BAND_H - 14, JC_POSTER_WIDTH, 14);
    cairo_set_source_rgb(cr, theme->accent.r, theme->accent.g, theme->accent.b);
    cairo_fill(cr);
    int y = 64;
    y += poster_words(cr, theme->title_font, "直播带岗 · 扫码报名", 76, TRUE, y, theme->text);
    if (code) {
        g_autofree char *line = g_strdup_printf("岗位码 %s", card->code);
        poster_words(cr, theme->font, line, 64, TRUE, y + 16, theme->pay);
    }
    Rgb ink = {0.1, 0.1, 0.1};
    Rgb grey = {0.3, 0.3, 0.3};
    y = JC_POSTER_HEIGHT - POSTER_FOOT_H + 40;
    y += poster_words(cr, theme->font, "微信扫一扫，或长按识别图中二维码报名", 46, TRUE, y, ink);
    if (code && code_url != NULL) {
        g_autofree char *how =
            g_strdup_printf("扫不了码？打开 %s\n输入岗位码 %s", code_url, card->code);
        poster_words(cr, theme->font, how, 38, FALSE, y + 24, grey);
    }
}

GBytes *jc_card_preview_poster_png(const OvlCardSpec *card, const OvlTheme *theme,
                                   const char *code_url, GError **error)
{
    if (theme == NULL)
        theme = ovl_theme_default();
    /* The card as the program draws it, in a safe area of the poster's own: clear of the band
     * and of the words under it. */
    OvlSafeArea area = {
        .top = 100.0 * (POSTER_BAND_H + POSTER_MARGIN) / JC_POSTER_HEIGHT,
        .right = 100.0 * POSTER_MARGIN / JC_POSTER_WIDTH,
        .bottom = 100.0 * (POSTER_FOOT_H + POSTER_MARGIN) / JC_POSTER_HEIGHT,
        .left = 100.0 * POSTER_MARGIN / JC_POSTER_WIDTH,
    };
    g_autoptr(OvlTheme) framed = ovl_theme_with_safe_area(theme, &area);
    OvlCardLayout layout;
    GstVideoOverlayComposition *comp =
        ovl_card_render_themed(card, framed, JC_POSTER_WIDTH, JC_POSTER_HEIGHT, &layout, error);
    if (comp == NULL)
        return NULL;
    cairo_surface_t *frame =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, JC_POSTER_WIDTH, JC_POSTER_HEIGHT);
    cairo_t *cr = cairo_create(frame);
    paint_poster_frame(cr, theme, card, code_url);
    /* The card sits at the bottom of its safe area: centre it in the room between. */
    int room_top = POSTER_BAND_H + POSTER_MARGIN;
    int room_bottom = JC_POSTER_HEIGHT - POSTER_FOOT_H - POSTER_MARGIN;
    int dy = (room_top + room_bottom) / 2 - (layout.card.y + layout.card.height / 2);
    cairo_translate(cr, 0, MAX(dy, room_top - layout.card.y));
    paint_composition(cr, comp);
    cairo_destroy(cr);
    gst_video_overlay_composition_unref(comp);
    GBytes *png = encode_png(frame, error);
    cairo_surface_destroy(frame);
    return png;
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
    g_autoptr(OvlTheme) theme = ovl_themes_current(themes);
    if (req->poster)
        return jc_card_preview_poster_png(&card, theme, req->code_url, error);
    int width = 0;
    int height = 0;
    jc_card_preview_size(profile->width, profile->height, req->layout, &width, &height);
    /* A draft (id 0) has no apply URL yet: no QR code that would open /a/0. */
    if (p->id <= 0)
        return jc_card_preview_draft_png(&card, theme, width, height, error);
    return jc_card_preview_png(&card, theme, width, height, error);
}
