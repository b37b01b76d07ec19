/* ovl_slate: the break slate's panel and QR code (see ovl_slate.h). Sizes are for a 720-line
 * frame, scaled by the shorter side / 720; the panel is centred in the safe area, the QR under
 * the words, "扫码报名" beside nothing else: the slate says one thing. */
#include "ovl_slate.h"

#include <math.h>

#include "jc_error.h"
#include "ovl_theme.h"

#define SUBTITLE "扫码报名，主播马上回来"

enum {
    TITLE_FONT = 56,
    SUB_FONT = 26,
    PAD = 28,
    GAP = 14,
    QR_TARGET = 220,
};

static int scaled(double s, double v)
{
    return (int)lround(v * s);
}

typedef struct {
    int w, h, title_y, sub_y, qr_y;
    double s;
    const OvlTheme *t;        /* borrowed */
    PangoLayout *title, *sub; /* owned */
} Slate;

static void draw_panel(cairo_t *cr, const Slate *k)
{
    double r = k->t->radius * 16.0 / 14.0 * k->s; /* the card's radius, a little rounder */
    cairo_new_sub_path(cr);
    cairo_arc(cr, k->w - r, r, r, -G_PI / 2, 0);
    cairo_arc(cr, k->w - r, k->h - r, r, 0, G_PI / 2);
    cairo_arc(cr, r, k->h - r, r, G_PI / 2, G_PI);
    cairo_arc(cr, r, r, r, G_PI, 3 * G_PI / 2);
    cairo_close_path(cr);
    ovl_theme_source(cr, k->t->panel_bottom, k->t->panel_alpha);
    cairo_fill(cr);
    cairo_rectangle(cr, 0, 0, k->w, scaled(k->s, 8));
    ovl_theme_source(cr, k->t->accent, 1.0);
    cairo_fill(cr);
    int tw = ovl_theme_extent(k->title, NULL), sw = ovl_theme_extent(k->sub, NULL);
    ovl_theme_show(cr, k->title, (k->w - tw) / 2.0, k->title_y, k->t->text);
    ovl_theme_show(cr, k->sub, (k->w - sw) / 2.0, k->sub_y, k->t->pay);
}

GstVideoOverlayComposition *ovl_slate_render(const OvlTheme *theme, const char *text,
                                             const char *apply_url, int width, int height,
                                             OvlRect *box, GError **error)
{
    if (text == NULL || text[0] == '\0')
        text = "休息中";
    double s = MIN(width, height) / 720.0;
    OvlRect safe;
    ovl_theme_safe_area(theme, width, height, &safe);
    PangoContext *pc = ovl_theme_context();
    Slate k = {.s = s, .t = theme};
    k.title = ovl_theme_line(pc, theme->title_font, text, scaled(s, TITLE_FONT), TRUE);
    k.sub = ovl_theme_line(pc, theme->font, SUBTITLE, scaled(s, SUB_FONT), FALSE);
    g_object_unref(pc);
    int th = 0, sh = 0;
    int tw = ovl_theme_extent(k.title, &th), sw = ovl_theme_extent(k.sub, &sh);

    int modules = apply_url != NULL && apply_url[0] != '\0' ? ovl_card_qr_modules(apply_url) : 0;
    int module_px = 0, qr_side = 0;
    if (modules > 0) {
        module_px =
            MAX(ovl_card_min_module_px(width, height), scaled(s, QR_TARGET) / (modules + 8));
        qr_side = (modules + 8) * module_px;
    }
    int pad = scaled(s, PAD), gap = scaled(s, GAP);
    k.w = (MAX(MAX(tw, sw), qr_side) + 2 * pad + 1) & ~1;
    k.title_y = pad;
    k.sub_y = k.title_y + th + gap / 2;
    k.qr_y = k.sub_y + sh + gap;
    k.h = ((qr_side > 0 ? k.qr_y + qr_side : k.sub_y + sh) + pad + 1) & ~1;
    if (k.w > safe.width || k.h > safe.height ||
        (modules == 0 && apply_url != NULL && apply_url[0] != '\0')) {
        g_set_error(error, JC_ERROR, JC_ERROR_RENDER,
                    "a %dx%d frame is too small for the slate (safe area %dx%d px)", width, height,
                    safe.width, safe.height);
        g_object_unref(k.title);
        g_object_unref(k.sub);
        return NULL;
    }
    int x = (safe.x + (safe.width - k.w) / 2 + 1) & ~1;
    int y = (safe.y + (safe.height - k.h) / 2 + 1) & ~1;

    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, k.w, k.h);
    cairo_t *cr = cairo_create(surface);
    draw_panel(cr, &k);
    cairo_destroy(cr);
    g_object_unref(k.title);
    g_object_unref(k.sub);
    GstVideoOverlayRectangle *panel = ovl_theme_rectangle(surface, x, y);
    cairo_surface_destroy(surface);
    GstVideoOverlayComposition *comp = gst_video_overlay_composition_new(panel);
    gst_video_overlay_rectangle_unref(panel);
    if (qr_side > 0) {
        int side = 0;
        GstVideoOverlayRectangle *qr = ovl_card_render_qr(
            apply_url, module_px, (x + (k.w - qr_side) / 2) & ~1, y + k.qr_y, &side, error);
        if (qr == NULL) {
            gst_video_overlay_composition_unref(comp);
            return NULL;
        }
        gst_video_overlay_composition_add_rectangle(comp, qr);
        gst_video_overlay_rectangle_unref(qr);
    }
    *box = (OvlRect){x, y, k.w, k.h};
    return comp;
}
