/* ovl_card: lays out and draws the on-air job card and its QR code for one frame size, as the
 * GstVideoOverlayRectangles of one composition (card and QR switch on the same frame).
 *
 * Threads: pure functions; each call builds its own Pango context on the calling thread's
 * default font map, so any thread may call them (the render worker does, never a streaming
 * thread). The caller must have called gst_init(). */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

#include "ovl_scene.h"

G_BEGIN_DECLS

typedef struct OvlTheme OvlTheme; /* ovl_theme.h */

/* A rectangle in frame pixels. */
typedef struct {
    int x, y, width, height;
} OvlRect;

/* The words of a card, in the order they appear. */
typedef enum {
    OVL_CARD_TITLE,
    OVL_CARD_EMPLOYER,
    OVL_CARD_PAY,
    OVL_CARD_HEADCOUNT,
    OVL_CARD_PLACE,
    OVL_CARD_CTA,
    OVL_CARD_CODE, /* 岗位码 1024, with the call to action */
    OVL_CARD_N_TEXTS
} OvlCardText;

/* Where one piece of text went. Lets tests (and a producer's preview) see that nothing
 * overflowed, and warn when a title had to be shortened. */
typedef struct {
    OvlRect box;         /* the text's logical extents in frame pixels; 0x0 when not drawn */
    int n_chars;         /* characters laid out: user text is never parsed as markup */
    gboolean ellipsized; /* the text did not fit its box and ends in "…" */
} OvlCardTextInfo;

/* The geometry chosen for a card. */
typedef struct {
    OvlRect safe;     /* the safe area everything stays inside */
    OvlRect card;     /* the card panel's rectangle */
    OvlRect qr;       /* the QR code with its 4-module quiet zone; 0x0 when there is none */
    int qr_module_px; /* pixels per QR module (a whole number); 0 when there is no QR */
    int qr_modules;   /* modules across the symbol, quiet zone not counted */
    OvlCardTextInfo text[OVL_CARD_N_TEXTS];
    OvlRect counter_slot; /* where the sign-up counter may go: the card's top edge, right of the
                             "正在招聘" tab */
    OvlRect counter;      /* the counter drawn by ovl_card_render(); 0x0 when there is none */
} OvlCardLayout;

/* Smallest whole-pixel QR module allowed for a frame: 8 px from 1080p-class frames up
 * (shorter side >= 1080), else 5 px. */
int ovl_card_min_module_px(int width, int height);

/* The built-in theme's safe area of a frame (ovl_theme_safe_area() for another theme).
 * Landscape: a 5% margin all round. Portrait (height > width): the platforms' apps cover the
 * bottom third and the right 15% with comments and buttons, and the top 8% with the room's
 * header, so those are left out, and 4% on the left. */
void ovl_card_safe_area(int width, int height, OvlRect *safe);

/* Draws the live sign-up counter (已有 N 人报名) of a card laid out as layout, as its own small
 * rectangle, right-aligned in layout->counter_slot, so that a new count redraws a few thousand
 * pixels and not the card. Returns NULL when count <= 0 or the counter does not fit the slot
 * (then it is not drawn at all rather than over the tab). (transfer full) */
GstVideoOverlayRectangle *ovl_card_render_counter(const OvlCardLayout *layout, int count, int width,
                                                  int height);

/* The counter with 已招 hires 人 after the count when hires >= 0 (< 0: the plain counter), in
 * theme's colours and font (NULL: built-in). (transfer full) */
GstVideoOverlayRectangle *ovl_card_render_counter_hires(const OvlCardLayout *layout,
                                                        const OvlTheme *theme, int count, int hires,
                                                        int width, int height);

/* The same in theme's colours and font (NULL: built-in). (transfer full) */
GstVideoOverlayRectangle *ovl_card_render_counter_themed(const OvlCardLayout *layout,
                                                         const OvlTheme *theme, int count,
                                                         int width, int height);

/* Modules across the QR code of url (error correction M; quiet zone not counted), or 0 when url
 * cannot be encoded. */
int ovl_card_qr_modules(const char *url);

/* url's QR code alone, as the card draws it (whole-pixel modules of module_px, the 4-module white
 * quiet zone), its top-left at (x, y); *side receives its width and height. NULL with
 * JC_ERROR_RENDER when url cannot be encoded or module_px < 1. Whether module_px is big enough
 * for the frame (ovl_card_min_module_px) is the caller's check. (transfer full) */
GstVideoOverlayRectangle *ovl_card_render_qr(const char *url, int module_px, int x, int y,
                                             int *side, GError **error);

/* Checks that the fonts hold a glyph for every character of card's words (title, employer, pay,
 * place), which would otherwise show as boxes on air. Returns FALSE with JC_ERROR_RENDER naming
 * the field and the characters when some are missing. For the producer's editor and tests;
 * ovl_card_render() draws regardless. */
gboolean ovl_card_check_glyphs(const OvlCardSpec *card, GError **error);

/* Draws card for frames of width x height. Returns a composition of the card rectangle and,
 * when card->apply_url is not empty, the QR rectangle after it, then the sign-up counter when
 * card->signups > 0 and it fits (transfer full). layout, if not
 * NULL, receives the geometry. On error (JC_ERROR_RENDER: the frame is too small for readable
 * text or whole-pixel QR modules of ovl_card_min_module_px(); JC_ERROR_INVALID: bad arguments)
 * NULL is returned with error set. */
GstVideoOverlayComposition *ovl_card_render(const OvlCardSpec *card, int width, int height,
                                            OvlCardLayout *layout, GError **error);

/* The same in theme's colours, fonts and safe area (NULL: built-in): the card stays inside the
 * theme's safe area, and a safe area with no room for the card and whole-pixel QR modules of
 * ovl_card_min_module_px() is refused (JC_ERROR_RENDER). (transfer full) */
GstVideoOverlayComposition *ovl_card_render_themed(const OvlCardSpec *card, const OvlTheme *theme,
                                                   int width, int height, OvlCardLayout *layout,
                                                   GError **error);

G_END_DECLS
