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
} OvlCardLayout;

/* Smallest whole-pixel QR module allowed for a frame: 8 px from 1080p-class frames up
 * (shorter side >= 1080), else 5 px. */
int ovl_card_min_module_px(int width, int height);

/* The safe area of a frame. Landscape: a 5% margin all round. Portrait (height > width): the
 * platforms' apps cover the bottom third and the right 15% with comments and buttons, and the
 * top with the room's header, so those are left out. */
void ovl_card_safe_area(int width, int height, OvlRect *safe);

/* Draws card for frames of width x height. Returns a composition of the card rectangle and,
 * when card->apply_url is not empty, the QR rectangle after it (transfer full). layout, if not
 * NULL, receives the geometry. On error (JC_ERROR_RENDER: the frame is too small for readable
 * text or whole-pixel QR modules of ovl_card_min_module_px(); JC_ERROR_INVALID: bad arguments)
 * NULL is returned with error set. */
GstVideoOverlayComposition *ovl_card_render(const OvlCardSpec *card, int width, int height,
                                            OvlCardLayout *layout, GError **error);

G_END_DECLS
