/* ovl_chrome: brand bug and lower third (see ovl_chrome.h). Sizes are for a 720-line frame,
 * scaled by the shorter side / 720; positions are even so 4:2:0 chroma stays aligned. */
#include "ovl_chrome.h"

#include <math.h>

#include "ovl_theme.h"

enum {
    BRAND_H = 40,
    BRAND_FONT = 22,
    BRAND_PAD_X = 16,
    DOT = 10, /* the accent dot before the room's name: "live" */
    LT_NAME_FONT = 28,
    LT_TITLE_FONT = 20,
    LT_PAD_X = 18,
    LT_PAD_Y = 10,
    ACCENT_W = 6,
    Q_LABEL_FONT = 20,
    Q_TEXT_FONT = 26,
    Q_LINES = 2, /* a question longer than two lines ends in an ellipsis */
};

static int scaled(double s, double v)
{
    return (int)lround(v * s);
}

static int even_up(int v)
{
    return (v + 1) & ~1;
}

GstVideoOverlayRectangle *ovl_chrome_brand(const OvlTheme *t, const char *text, int width,
                                           int height, int top, OvlRect *box)
{
    if (text == NULL || text[0] == '\0')
        return NULL;
    double s = MIN(width, height) / 720.0;
    OvlRect safe;
    ovl_theme_safe_area(t, width, height, &safe);
    PangoContext *pc = ovl_theme_context();
    PangoLayout *layout = ovl_theme_line(pc, t->font, text, scaled(s, BRAND_FONT), TRUE);
    g_object_unref(pc);
    int th = 0;
    int tw = ovl_theme_extent(layout, &th);
    int dot = scaled(s, DOT), pad = scaled(s, BRAND_PAD_X);
    int h = even_up(scaled(s, BRAND_H));
    /* A logo takes the dot's place, as high as the bug less a small inset, its aspect kept. */
    double logo_scale = 0;
    if (t->logo != NULL) {
        int lh = h - 2 * scaled(s, 4);
        logo_scale = (double)lh / cairo_image_surface_get_height(t->logo);
        dot = (int)ceil(cairo_image_surface_get_width(t->logo) * logo_scale);
    }
    int w = even_up(MIN(pad + dot + pad / 2 + tw + pad, safe.width));

    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(surface);
    double r = h / 2.0;
    cairo_new_sub_path(cr);
    cairo_arc(cr, w - r, r, r, -G_PI / 2, G_PI / 2);
    cairo_arc(cr, r, r, r, G_PI / 2, 3 * G_PI / 2);
    cairo_close_path(cr);
    ovl_theme_source(cr, t->brand_bg, t->panel_alpha);
    cairo_fill(cr);
    if (t->logo != NULL) {
        cairo_save(cr);
        cairo_translate(cr, pad, scaled(s, 4));
        cairo_scale(cr, logo_scale, logo_scale);
        cairo_set_source_surface(cr, t->logo, 0, 0);
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
        cairo_paint(cr);
        cairo_restore(cr);
    } else {
        cairo_arc(cr, pad + dot / 2.0, h / 2.0, dot / 2.0, 0, 2 * G_PI);
        ovl_theme_source(cr, t->accent, 1.0);
        cairo_fill(cr);
    }
    ovl_theme_show(cr, layout, pad + dot + pad / 2, (h - th) / 2.0, t->brand_text);
    cairo_destroy(cr);
    g_object_unref(layout);

    int x = (safe.x + safe.width - w) & ~1;
    int y = even_up(top);
    if (x < safe.x)
        x += 2;
    GstVideoOverlayRectangle *rect = ovl_theme_rectangle(surface, x, y);
    cairo_surface_destroy(surface);
    *box = (OvlRect){x, y, w, h};
    return rect;
}

/* A lower-third panel w x h: the theme's lower background, the accent bar (bar wide), top at
 * (bar + pad_x, pad_y) in top_colour and below (may be NULL) under it in below_colour; placed at
 * the safe area's left edge x with its bottom on bottom. The layouts stay the caller's. */
static GstVideoOverlayRectangle *lower_panel(const OvlTheme *t, int w, int h, int bar, int pad_x,
                                             int pad_y, PangoLayout *top, int top_h, Rgb top_colour,
                                             PangoLayout *below, Rgb below_colour, int x,
                                             int bottom, OvlRect *box)
{
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(surface);
    cairo_rectangle(cr, 0, 0, w, h);
    ovl_theme_source(cr, t->lower_bg, t->panel_alpha);
    cairo_fill(cr);
    cairo_rectangle(cr, 0, 0, bar, h);
    ovl_theme_source(cr, t->accent, 1.0);
    cairo_fill(cr);
    ovl_theme_show(cr, top, bar + pad_x, pad_y, top_colour);
    if (below != NULL)
        ovl_theme_show(cr, below, bar + pad_x, pad_y + top_h, below_colour);
    cairo_destroy(cr);
    x = even_up(x);
    int y = (bottom - h) & ~1;
    GstVideoOverlayRectangle *rect = ovl_theme_rectangle(surface, x, y);
    cairo_surface_destroy(surface);
    *box = (OvlRect){x, y, w, h};
    return rect;
}

GstVideoOverlayRectangle *ovl_chrome_lower_third(const OvlTheme *t, const char *name,
                                                 const char *title, int width, int height,
                                                 int bottom, OvlRect *box)
{
    if (name == NULL || name[0] == '\0')
        return NULL;
    double s = MIN(width, height) / 720.0;
    OvlRect safe;
    ovl_theme_safe_area(t, width, height, &safe);
    PangoContext *pc = ovl_theme_context();
    PangoLayout *nl = ovl_theme_line(pc, t->font, name, scaled(s, LT_NAME_FONT), TRUE);
    PangoLayout *tl = title != NULL && title[0] != '\0'
                          ? ovl_theme_line(pc, t->font, title, scaled(s, LT_TITLE_FONT), FALSE)
                          : NULL;
    g_object_unref(pc);
    int nh = 0, th = 0;
    int nw = ovl_theme_extent(nl, &nh);
    int tw = tl != NULL ? ovl_theme_extent(tl, &th) : 0;
    int pad_x = scaled(s, LT_PAD_X), pad_y = scaled(s, LT_PAD_Y), bar = scaled(s, ACCENT_W);
    int w = even_up(MIN(bar + pad_x + MAX(nw, tw) + pad_x, safe.width));
    int h = even_up(pad_y + nh + th + pad_y);

    GstVideoOverlayRectangle *rect = lower_panel(t, w, h, bar, pad_x, pad_y, nl, nh, t->lower_text,
                                                 tl, t->muted, safe.x, bottom, box);
    g_object_unref(nl);
    if (tl != NULL)
        g_object_unref(tl);
    return rect;
}

GstVideoOverlayRectangle *ovl_chrome_question(const OvlTheme *t, const char *text, int width,
                                              int height, int bottom, OvlRect *box)
{
    if (text == NULL || text[0] == '\0')
        return NULL;
    double s = MIN(width, height) / 720.0;
    OvlRect safe;
    ovl_theme_safe_area(t, width, height, &safe);
    int pad_x = scaled(s, LT_PAD_X), pad_y = scaled(s, LT_PAD_Y), bar = scaled(s, ACCENT_W);
    int text_max = MAX(safe.width - bar - 2 * pad_x, 1);
    PangoContext *pc = ovl_theme_context();
    PangoLayout *label = ovl_theme_line(pc, t->font, "观众提问", scaled(s, Q_LABEL_FONT), TRUE);
    PangoLayout *body = ovl_theme_line(pc, t->font, text, scaled(s, Q_TEXT_FONT), TRUE);
    g_object_unref(pc);
    /* The question wraps inside the safe area and ends in an ellipsis past two lines. */
    pango_layout_set_single_paragraph_mode(body, FALSE);
    pango_layout_set_width(body, text_max * PANGO_SCALE);
    pango_layout_set_wrap(body, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_height(body, -Q_LINES);
    pango_layout_set_ellipsize(body, PANGO_ELLIPSIZE_END);
    int lh = 0, bh = 0;
    int lw = ovl_theme_extent(label, &lh);
    PangoRectangle ink, logical;
    pango_layout_get_pixel_extents(body, &ink, &logical);
    bh = logical.height;
    int bw = MIN(logical.width, text_max);
    int w = even_up(MIN(bar + pad_x + MAX(lw, bw) + pad_x, safe.width));
    int h = even_up(pad_y + lh + bh + pad_y);

    GstVideoOverlayRectangle *rect = lower_panel(t, w, h, bar, pad_x, pad_y, label, lh, t->accent,
                                                 body, t->lower_text, safe.x, bottom, box);
    g_object_unref(label);
    g_object_unref(body);
    return rect;
}
