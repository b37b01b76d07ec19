/* ovl_theme: the overlay's palette and font, shared by every layer (card, counter, ticker) so
 * that they read as one design. Internal to overlay/. */
#pragma once

#define OVL_FONT_FAMILY "Noto Sans CJK SC"

/* A dark navy panel with white words and one warm accent, readable over any picture. */
typedef struct {
    double r, g, b;
} Rgb;

static const Rgb PANEL_TOP = {0.09, 0.15, 0.26};
static const Rgb PANEL_BOTTOM = {0.04, 0.07, 0.14};
static const double PANEL_ALPHA = 0.90;
static const Rgb ACCENT = {1.0, 0.42, 0.10};
static const Rgb WHITE = {1.0, 1.0, 1.0};
static const Rgb MUTED = {0.78, 0.83, 0.91};
static const Rgb GOLD = {1.0, 0.78, 0.24};
static const Rgb QR_DARK = {0.0, 0.0, 0.0};

#include <cairo.h>
#include <gst/video/video.h>
#include <pango/pango.h>

/* A Pango context that only measures, with zh-cn shapes (Chinese, not Japanese, glyph forms).
 * (transfer full) */
PangoContext *ovl_theme_context(void);

/* One line of plain text (never markup) in the theme's font, size px, bold or not.
 * (transfer full) */
PangoLayout *ovl_theme_line(PangoContext *pc, const char *text, int size, gboolean bold);

/* The logical width of layout in pixels; *height (if not NULL) receives its height. */
int ovl_theme_extent(PangoLayout *layout, int *height);

/* Draws layout with its top-left at (x, y) in colour. */
void ovl_theme_show(cairo_t *cr, PangoLayout *layout, double x, double y, Rgb colour);

/* A cairo ARGB32 surface (premultiplied) as an overlay rectangle at (x, y), sharing the
 * surface's pixels (it takes its own ref: draw nothing more on it). (transfer full) */
GstVideoOverlayRectangle *ovl_theme_rectangle(cairo_surface_t *surface, int x, int y);
