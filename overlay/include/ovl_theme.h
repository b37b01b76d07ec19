/* ovl_theme: the overlay's look (colours, fonts, corner radius, brand logo) and its safe areas,
 * shared by every layer (card, counter, ticker, brand bug, lower third, slate) so that they read
 * as one design; built in, or read from a theme file (GKeyFile INI, see ovl_theme_load()). Also
 * the text and surface helpers those layers share.
 *
 * Threads: a theme is immutable once loaded (only its reference count moves, atomically), so the
 * render worker and any other thread may read it without a lock. The helpers run on whichever
 * thread calls them (the render worker); each call builds its own Pango context. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <gst/video/video.h>
#include <pango/pango.h>

#include "ovl_card.h"

G_BEGIN_DECLS

#define OVL_FONT_FAMILY "Noto Sans CJK SC"

typedef struct {
    double r, g, b;
} Rgb;

/* Margins kept clear of overlay, in % of the frame's height (top, bottom) or width (left,
 * right). */
typedef struct {
    double top, right, bottom, left;
} OvlSafeArea;

/* Read-only after ovl_theme_load() / ovl_theme_default(). Colours are straight RGB 0..1. */
/* Every theme but the built-in one lives in a g_atomic_rc_box (ovl_theme_ref/unref). */
typedef struct OvlTheme {
    char *path;                  /* owned, or NULL for the built-in theme: for messages */
    Rgb panel_top, panel_bottom; /* the card's gradient; the counter and bands use panel_top */
    double panel_alpha;          /* opacity of panels, bands and bugs, 0.3..1 */
    Rgb accent;                  /* tab, left bar, map pin, lower third's bar, slate's bar */
    Rgb text;                    /* words on panels */
    Rgb muted;                   /* employer, host's title */
    Rgb pay;                     /* pay and the counter's number */
    Rgb chip;                    /* the headcount chip's outline and tint */
    Rgb cta;                     /* the 扫码报名 button */
    Rgb ticker_bg, ticker_text, ticker_label; /* the ticker band, its words, its 更多岗位 label */
    Rgb lower_bg, lower_text;                 /* the lower third */
    Rgb brand_bg, brand_text;                 /* the brand bug */
    char *font;                               /* owned: every word */
    char *title_font;                         /* owned: the card's title and the slate's words */
    double radius;                            /* corner radius in px at 720 lines */
    OvlSafeArea landscape, portrait;
    cairo_surface_t *logo; /* a ref, or NULL: drawn in the brand bug before the room's name */
} OvlTheme;

/* The built-in theme (a dark navy panel, white words, one warm accent; the platforms' safe
 * areas). (transfer none) Lives as long as the process. */
const OvlTheme *ovl_theme_default(void);

/* Reads a theme file: groups [theme] (font, title-font, corner-radius, panel-opacity, logo: a
 * PNG, relative to the file), [colours] (panel-top, panel-bottom, accent, text, muted, pay, chip,
 * cta, ticker-background, ticker-text, ticker-label, lower-third-background, lower-third-text,
 * brand-background, brand-text: "#rrggbb" or a colour name) and [safe-area] (landscape,
 * portrait: "T,R,B,L" in % of the frame). Every key is optional; what is missing is the built-in
 * theme's. (transfer full) On error (JC_ERROR_INVALID: unreadable or not a key file, an unknown
 * group or key, a bad value, a font family that is not installed, a logo that cannot be read;
 * the message names the file and the key) NULL is returned. */
OvlTheme *ovl_theme_load(const char *path, GError **error);

/* A copy of theme (NULL: the built-in one) with both safe areas replaced by safe. (transfer
 * full) */
OvlTheme *ovl_theme_with_safe_area(const OvlTheme *theme, const OvlSafeArea *safe);

/* "T,R,B,L" (each 0..45 %, and room left between opposite margins) into *safe; FALSE with
 * JC_ERROR_INVALID naming `what` otherwise. */
gboolean ovl_theme_parse_safe_area(const char *value, const char *what, OvlSafeArea *safe,
                                   GError **error);

/* The theme for a program's options: the file at path (NULL: built-in), with both safe areas
 * replaced by safe when it is not NULL. (transfer full) NULL with error set as ovl_theme_load(). */
OvlTheme *ovl_theme_configure(const char *path, const OvlSafeArea *safe, GError **error);

OvlTheme *ovl_theme_ref(OvlTheme *theme);
void ovl_theme_unref(OvlTheme *theme); /* NULL is allowed */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OvlTheme, ovl_theme_unref)

/* The safe area of a width x height frame under theme (NULL: built-in): portrait (height >
 * width) or landscape margins, rounded inwards to whole pixels. */
void ovl_theme_safe_area(const OvlTheme *theme, int width, int height, OvlRect *safe);

/* A Pango context that only measures, with zh-cn shapes (Chinese, not Japanese, glyph forms).
 * (transfer full) */
PangoContext *ovl_theme_context(void);

/* One line of plain text (never markup) in family, size px, bold or not. (transfer full) */
PangoLayout *ovl_theme_line(PangoContext *pc, const char *family, const char *text, int size,
                            gboolean bold);

/* The logical width of layout in pixels; *height (if not NULL) receives its height. */
int ovl_theme_extent(PangoLayout *layout, int *height);

/* Draws layout with its top-left at (x, y) in colour. */
void ovl_theme_show(cairo_t *cr, PangoLayout *layout, double x, double y, Rgb colour);

/* Sets colour at alpha as cr's source. */
void ovl_theme_source(cairo_t *cr, Rgb colour, double alpha);

/* A cairo ARGB32 surface (premultiplied) as an overlay rectangle at (x, y), sharing the
 * surface's pixels (it takes its own ref: draw nothing more on it). (transfer full) */
GstVideoOverlayRectangle *ovl_theme_rectangle(cairo_surface_t *surface, int x, int y);

G_END_DECLS
