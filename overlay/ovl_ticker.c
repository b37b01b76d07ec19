/* ovl_ticker: the ticker band's label and scrolling strip (see ovl_ticker.h).
 *
 * Geometry (sizes for a 720-line frame, scaled by the shorter side / 720): a band BAND_H high
 * across the top of the safe area; the label on its left; the strip's window the rest of the
 * band. The strip's background is uniform along x, so any window of it looks the same. */
#include "ovl_ticker.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "ovl_theme.h"

#define LABEL_TEXT "更多岗位"
#define MAX_STRIP 16384
#define MAX_CHARS 1000

enum {
    BAND_H = 44,
    FONT = 24,
    LABEL_PAD_X = 14,
    GAP = 120,  /* between the end of the text and its next start */
    SPEED = 90, /* pixels per second at 720 lines: about 4 characters a second */
};

static GQuark ticker_quark(void)
{
    static GQuark q;
    if (q == 0)
        q = g_quark_from_static_string("jobcast-ovl-ticker");
    return q;
}

static int scaled(double s, double v)
{
    return (int)lround(v * s);
}

GstVideoOverlayComposition *ovl_ticker_render(const char *text, int width, int height,
                                              OvlRect *band_out)
{
    return ovl_ticker_render_themed(NULL, text, width, height, band_out);
}

GstVideoOverlayComposition *ovl_ticker_render_themed(const OvlTheme *t, const char *text, int width,
                                                     int height, OvlRect *band_out)
{
    if (t == NULL)
        t = ovl_theme_default();
    if (text == NULL || text[0] == '\0' || width <= 0 || height <= 0)
        return NULL;
    double s = MIN(width, height) / 720.0;
    OvlRect safe;
    ovl_theme_safe_area(t, width, height, &safe);
    /* Even edges keep the 4:2:0 chroma of both rectangles aligned. */
    int bx = (safe.x + 1) & ~1, by = (safe.y + 1) & ~1; /* rounded inwards */
    OvlRect band = {bx, by, (safe.x + safe.width - bx) & ~1, scaled(s, BAND_H)};

    /* The strip holds at most MAX_STRIP px, a few hundred characters: laying out more only to
     * ellipsize it costs seconds of the render worker (a take waits behind it). */
    g_autofree char *bounded = strlen(text) > MAX_CHARS && g_utf8_strlen(text, -1) > MAX_CHARS
                                   ? g_utf8_substring(text, 0, MAX_CHARS)
                                   : NULL;
    PangoContext *pc = ovl_theme_context();
    PangoLayout *label = ovl_theme_line(pc, t->font, LABEL_TEXT, scaled(s, FONT), TRUE);
    PangoLayout *line =
        ovl_theme_line(pc, t->font, bounded != NULL ? bounded : text, scaled(s, FONT), FALSE);
    g_object_unref(pc);

    int label_h = 0, line_h = 0;
    int label_w = (ovl_theme_extent(label, &label_h) + 2 * scaled(s, LABEL_PAD_X) + 1) & ~1;
    int window_w = band.width - label_w;
    int gap = scaled(s, GAP);
    int max_text = MAX_STRIP - window_w - gap;
    if (ovl_theme_extent(line, NULL) > max_text) {
        pango_layout_set_width(line, max_text * PANGO_SCALE);
        pango_layout_set_ellipsize(line, PANGO_ELLIPSIZE_END);
    }
    int period = (ovl_theme_extent(line, &line_h) + gap + 1) & ~1;
    int strip_w = period + window_w;

    /* The label: accent, words in white. */
    cairo_surface_t *ls = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, label_w, band.height);
    cairo_t *cr = cairo_create(ls);
    ovl_theme_source(cr, t->ticker_label, 1.0);
    cairo_paint(cr);
    ovl_theme_show(cr, label, scaled(s, LABEL_PAD_X), (band.height - label_h) / 2.0,
                   t->ticker_text);
    cairo_destroy(cr);

    /* The strip: the panel colour, the text at every period. */
    cairo_surface_t *ss = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, strip_w, band.height);
    cr = cairo_create(ss);
    ovl_theme_source(cr, t->ticker_bg, t->panel_alpha);
    cairo_paint(cr);
    for (int x = 0; x < strip_w; x += period)
        ovl_theme_show(cr, line, x + gap / 2, (band.height - line_h) / 2.0, t->ticker_text);
    cairo_destroy(cr);
    g_object_unref(label);
    g_object_unref(line);

    GstVideoOverlayRectangle *lr = ovl_theme_rectangle(ls, band.x, band.y);
    GstVideoOverlayRectangle *sr = ovl_theme_rectangle(ss, band.x + label_w, band.y);
    cairo_surface_destroy(ls);
    cairo_surface_destroy(ss);
    OvlTicker *scroll = g_new(OvlTicker, 1);
    *scroll = (OvlTicker){{band.x + label_w, band.y, window_w, band.height}, period, SPEED * s};
    gst_mini_object_set_qdata(GST_MINI_OBJECT(sr), ticker_quark(), scroll, g_free);

    GstVideoOverlayComposition *comp = gst_video_overlay_composition_new(lr);
    gst_video_overlay_composition_add_rectangle(comp, sr);
    gst_video_overlay_rectangle_unref(lr);
    gst_video_overlay_rectangle_unref(sr);
    if (band_out != NULL)
        *band_out = band;
    return comp;
}

const OvlTicker *ovl_ticker_of(GstVideoOverlayRectangle *rect)
{
    g_return_val_if_fail(rect != NULL, NULL);
    return gst_mini_object_get_qdata(GST_MINI_OBJECT(rect), ticker_quark());
}

int ovl_ticker_offset(const OvlTicker *ticker, GstClockTime running_time)
{
    g_return_val_if_fail(ticker != NULL && ticker->period > 0, 0);
    double seconds = (double)running_time / (double)GST_SECOND;
    long px = lround(fmod(seconds * ticker->px_per_s, ticker->period));
    return (int)(px % ticker->period) & ~1;
}
