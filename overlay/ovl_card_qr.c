/* ovl_card_qr: the card's QR code (see ovl_card_qr.h), and the QR-only entry points of
 * ovl_card.h (ovl_card_qr_modules, ovl_card_render_qr) that the break slate uses.
 *
 * Pure functions; any thread. Not responsible for where the code sits on the card (ovl_card.c)
 * or for whether its modules are big enough for the frame (ovl_card_min_module_px). */
#include "ovl_card_qr.h"

#include "jc_error.h"
#include "ovl_card.h"
#include "ovl_theme.h"

QRcode *ovl_qr_encode(const char *url)
{
    if (url == NULL || url[0] == '\0')
        return NULL;
    return QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
}

int ovl_qr_side(const QRcode *qr, int module_px)
{
    return (qr->width + 2 * OVL_QR_QUIET_MODULES) * module_px;
}

/* Dark modules on white, whole pixels, no anti-aliasing, so a phone's scanner sees hard edges. */
void ovl_qr_paint(cairo_t *cr, const QRcode *qr, int module_px)
{
    cairo_save(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr, 1, 1, 1); /* never themed: scanners want black on white */
    int side = ovl_qr_side(qr, module_px);
    cairo_rectangle(cr, 0, 0, side, side);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    int n = qr->width;
    int m = module_px;
    for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
            if (qr->data[y * n + x] & 1)
                cairo_rectangle(cr, (x + OVL_QR_QUIET_MODULES) * m, (y + OVL_QR_QUIET_MODULES) * m,
                                m, m);
        }
    }
    cairo_fill(cr);
    cairo_restore(cr);
}

int ovl_card_qr_modules(const char *url)
{
    QRcode *qr = ovl_qr_encode(url);
    int n = qr != NULL ? qr->width : 0;
    if (qr != NULL)
        QRcode_free(qr);
    return n;
}

GstVideoOverlayRectangle *ovl_card_render_qr(const char *url, int module_px, int x, int y,
                                             int *side, GError **error)
{
    QRcode *qr = ovl_qr_encode(url);
    if (qr == NULL || module_px < 1) {
        g_set_error(error, JC_ERROR, JC_ERROR_RENDER, "cannot draw a QR code of that link");
        if (qr != NULL)
            QRcode_free(qr);
        return NULL;
    }
    int s = ovl_qr_side(qr, module_px);
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, s, s);
    cairo_t *cr = cairo_create(surface);
    ovl_qr_paint(cr, qr, module_px);
    cairo_destroy(cr);
    GstVideoOverlayRectangle *rect = ovl_theme_rectangle(surface, x, y);
    cairo_surface_destroy(surface);
    QRcode_free(qr);
    *side = s;
    return rect;
}
