/* ovl_card_qr: the QR symbol of an apply link as the card draws it: encoding (error correction
 * M, 8-bit), whole-pixel modules, a 4-module white quiet zone, black on white, no anti-aliasing.
 *
 * Threads: pure functions; any thread (the render worker, card previews on workers). Private to
 * the overlay (ovl_card.c, ovl_slate.c through ovl_card.h's ovl_card_render_qr). */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <qrencode.h>

G_BEGIN_DECLS

#define OVL_QR_QUIET_MODULES 4

/* url's symbol, or NULL when url is NULL, empty or cannot be encoded (too long).
 * (transfer full: QRcode_free) */
QRcode *ovl_qr_encode(const char *url);

/* Width and height in pixels of qr drawn with modules of module_px, quiet zone included. */
int ovl_qr_side(const QRcode *qr, int module_px);

/* Paints qr with its top-left at cr's origin: white over the whole side, dark modules. */
void ovl_qr_paint(cairo_t *cr, const QRcode *qr, int module_px);

G_END_DECLS
