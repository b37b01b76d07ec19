/* Tests of jc_card_preview: the producer's card preview is the overlay's own card, as a PNG. */
#include <cairo.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <string.h>

#include "jc_card_preview.h"
#include "jc_error.h"
#include "ovl_card.h"

static const OvlCardSpec CARD = {
    .title = "仓库装卸工",
    .employer = "德州顺达物流有限公司",
    .pay = "180-220 元/天",
    .place = "德州市德城区",
    .headcount = 12,
    .apply_url = "http://127.0.0.1:8080/a/1",
    .signups = 3,
};

static cairo_status_t read_bytes(void *closure, unsigned char *data, unsigned int length)
{
    GInputStream *in = closure;
    return g_input_stream_read_all(in, data, length, NULL, NULL, NULL) ? CAIRO_STATUS_SUCCESS
                                                                       : CAIRO_STATUS_READ_ERROR;
}

/* Decodes png; asserts it is one. (transfer full) */
static cairo_surface_t *decode(GBytes *png)
{
    g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes(png);
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_bytes, in);
    g_assert_cmpint(cairo_surface_status(s), ==, CAIRO_STATUS_SUCCESS);
    return s;
}

/* Opaque pixels in a surface: the card drawn, the rest of the frame left transparent. */
static double opaque_share(cairo_surface_t *s)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const guint8 *data = cairo_image_surface_get_data(s);
    gint64 opaque = 0;
    for (int y = 0; y < h; y++) {
        const guint32 *row = (const guint32 *)(data + (gsize)y * (gsize)stride);
        for (int x = 0; x < w; x++)
            opaque += (row[x] >> 24) == 0xff;
    }
    return (double)opaque / ((double)w * h);
}

static void test_landscape(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) png = jc_card_preview_png(&CARD, NULL, 1280, 720, &error);
    g_assert_no_error(error);
    cairo_surface_t *s = decode(png);
    g_assert_cmpint(cairo_image_surface_get_width(s), ==, 1280);
    g_assert_cmpint(cairo_image_surface_get_height(s), ==, 720);
    double share = opaque_share(s);
    g_assert_cmpfloat(share, >, 0.05); /* a card is there */
    g_assert_cmpfloat(share, <, 0.9);  /* and the picture shows around it */
    cairo_surface_destroy(s);
}

static void test_portrait_size(void)
{
    int w = 0, h = 0;
    jc_card_preview_size(1280, 720, "9:16", &w, &h);
    g_assert_cmpint(w, ==, 720);
    g_assert_cmpint(h, ==, 1280);
    jc_card_preview_size(720, 1280, "16:9", &w, &h);
    g_assert_cmpint(w, ==, 1280);
    g_assert_cmpint(h, ==, 720);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) png = jc_card_preview_png(&CARD, NULL, 720, 1280, &error);
    g_assert_no_error(error);
    cairo_surface_t *s = decode(png);
    g_assert_cmpint(cairo_image_surface_get_height(s), ==, 1280);
    cairo_surface_destroy(s);
}

/* Other words give other pixels: the preview follows the draft. */
static void test_follows_text(void)
{
    OvlCardSpec other = CARD;
    other.title = "电子厂普工";
    g_autoptr(GBytes) a = jc_card_preview_png(&CARD, NULL, 1280, 720, NULL);
    g_autoptr(GBytes) b = jc_card_preview_png(&other, NULL, 1280, 720, NULL);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_false(g_bytes_equal(a, b));
}

/* The program's theme applies: a wider safe area moves the card. */
static void test_follows_theme(void)
{
    OvlSafeArea safe = {10, 10, 10, 20};
    g_autoptr(OvlTheme) theme = ovl_theme_with_safe_area(NULL, &safe);
    g_autoptr(GBytes) a = jc_card_preview_png(&CARD, NULL, 1280, 720, NULL);
    g_autoptr(GBytes) b = jc_card_preview_png(&CARD, theme, 1280, 720, NULL);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_false(g_bytes_equal(a, b));
}

/* Pixels of s inside r that are near black (QR modules are pure black on white). */
static int dark_pixels(cairo_surface_t *s, const OvlRect *r)
{
    int stride = cairo_image_surface_get_stride(s);
    const guint8 *data = cairo_image_surface_get_data(s);
    int dark = 0;
    for (int y = r->y; y < r->y + r->height; y++) {
        const guint32 *row = (const guint32 *)(data + (gsize)y * (gsize)stride);
        for (int x = r->x; x < r->x + r->width; x++)
            dark += (row[x] >> 24) == 0xff && (row[x] & 0xff) < 0x30 &&
                    ((row[x] >> 8) & 0xff) < 0x30 && ((row[x] >> 16) & 0xff) < 0x30;
    }
    return dark;
}

/* A draft (no posting id yet) gets a placeholder where its QR code goes: the same card, but no
 * code anyone could scan. */
static void test_draft_placeholder(void)
{
    OvlCardLayout layout;
    g_autoptr(GError) error = NULL;
    GstVideoOverlayComposition *comp =
        ovl_card_render_themed(&CARD, NULL, 1280, 720, &layout, &error);
    g_assert_no_error(error);
    gst_video_overlay_composition_unref(comp);
    g_assert_cmpint(layout.qr.width, >, 0);

    g_autoptr(GBytes) real = jc_card_preview_png(&CARD, NULL, 1280, 720, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) draft = jc_card_preview_draft_png(&CARD, NULL, 1280, 720, &error);
    g_assert_no_error(error);
    cairo_surface_t *a = decode(real);
    cairo_surface_t *b = decode(draft);
    int area = layout.qr.width * layout.qr.height;
    g_assert_cmpint(dark_pixels(a, &layout.qr), >, area / 5); /* a code is there */
    g_assert_cmpint(dark_pixels(b, &layout.qr), ==, 0);       /* and in the draft, none */
    /* Outside the QR square the two are the same picture. */
    int stride = cairo_image_surface_get_stride(a);
    const guint8 *da = cairo_image_surface_get_data(a), *db = cairo_image_surface_get_data(b);
    for (int y = 0; y < 720; y++) {
        for (int x = 0; x < 1280; x++) {
            gboolean in_qr = x >= layout.qr.x && x < layout.qr.x + layout.qr.width &&
                             y >= layout.qr.y && y < layout.qr.y + layout.qr.height;
            gsize at = (gsize)y * (gsize)stride + (gsize)x * 4;
            if (!in_qr && memcmp(da + at, db + at, 4) != 0)
                g_error("pixel %d,%d differs outside the QR square", x, y);
        }
    }
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
}

static void test_too_small(void)
{
    g_autoptr(GError) error = NULL;
    GBytes *png = jc_card_preview_png(&CARD, NULL, 64, 36, &error);
    g_assert_null(png);
    g_assert_error(error, JC_ERROR, JC_ERROR_RENDER);
}

int main(int argc, char **argv)
{
    gst_init(NULL, NULL);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/app/card-preview/landscape-card-on-transparent-frame", test_landscape);
    g_test_add_func("/app/card-preview/portrait-layout", test_portrait_size);
    g_test_add_func("/app/card-preview/follows-the-text", test_follows_text);
    g_test_add_func("/app/card-preview/follows-the-theme", test_follows_theme);
    g_test_add_func("/app/card-preview/draft-has-a-placeholder-not-a-qr-code",
                    test_draft_placeholder);
    g_test_add_func("/app/card-preview/frame-too-small-is-render-error", test_too_small);
    return g_test_run();
}
