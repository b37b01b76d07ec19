/* Tests of ovl_layers: a composition read as the layers a page shows (the /overlay page of an
 * OBS browser source): every rectangle with its place, the ticker's strip with its scroll, and
 * each layer's pixels as a PNG of their own size whose colours are the rectangle's. */
#include <cairo.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <string.h>

#include "gst_test.h"
#include "ovl_layers.h"
#include "ovl_test.h"
#include "ovl_ticker.h"

#define TEXT "家政保洁员 35-45 元/时 · 电子厂普工 4500-6000 元/月"

typedef struct {
    const guint8 *data;
    gsize len;
    gsize pos;
} Reader;

static cairo_status_t read_png(void *closure, unsigned char *out, unsigned int length)
{
    Reader *r = closure;
    if (r->pos + length > r->len)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(out, r->data + r->pos, length);
    r->pos += length;
    return CAIRO_STATUS_SUCCESS;
}

static void test_ticker_listed_with_scroll(void)
{
    OvlRect band;
    GstVideoOverlayComposition *comp = ovl_ticker_render(TEXT, 1920, 1080, &band);
    g_assert_nonnull(comp);
    GArray *layers = ovl_layers_of(comp);
    g_assert_cmpuint(layers->len, ==, 2);
    const OvlLayer *label = &g_array_index(layers, OvlLayer, 0);
    const OvlLayer *strip = &g_array_index(layers, OvlLayer, 1);
    g_assert_false(label->scrolls);
    g_assert_true(strip->scrolls);
    const OvlTicker *t = ovl_ticker_of(gst_video_overlay_composition_get_rectangle(comp, 1));
    g_assert_cmpint(strip->band.x, ==, t->band.x);
    g_assert_cmpint(strip->band.width, ==, t->band.width);
    g_assert_cmpint(strip->period, ==, t->period);
    g_assert_cmpfloat(strip->px_per_s, ==, t->px_per_s);
    /* The strip starts at its window and is longer than it (it scrolls through it). */
    g_assert_cmpint(strip->x, ==, strip->band.x);
    g_assert_cmpint(strip->width, >, strip->band.width);
    g_assert_cmpuint(strip->id, ==,
                     gst_video_overlay_rectangle_get_seqnum(
                         gst_video_overlay_composition_get_rectangle(comp, 1)));
    g_assert_false(strip->has_transition);
    g_array_unref(layers);
    gst_video_overlay_composition_unref(comp);

    GArray *none = ovl_layers_of(NULL);
    g_assert_cmpuint(none->len, ==, 0);
    g_array_unref(none);
}

static void test_png_is_the_pixels(void)
{
    OvlRect band;
    GstVideoOverlayComposition *comp = ovl_ticker_render(TEXT, 1280, 720, &band);
    GstVideoOverlayRectangle *label = gst_video_overlay_composition_get_rectangle(comp, 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) png = ovl_layer_png(label, &error);
    g_assert_no_error(error);
    Reader r = {.data = g_bytes_get_data(png, &r.len)};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(read_png, &r);
    g_assert_cmpint(cairo_surface_status(img), ==, CAIRO_STATUS_SUCCESS);
    GstBuffer *buf = gst_video_overlay_rectangle_get_pixels_unscaled_argb(
        label, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
    GstVideoMeta *meta = gst_buffer_get_video_meta(buf);
    g_assert_cmpint(cairo_image_surface_get_width(img), ==, (int)meta->width);
    g_assert_cmpint(cairo_image_surface_get_height(img), ==, (int)meta->height);
    /* The label is opaque accent colour with words: its corner pixel survives exactly. */
    GstMapInfo map;
    g_assert_true(gst_buffer_map(buf, &map, GST_MAP_READ));
    guint32 want = *(const guint32 *)(map.data + meta->offset[0]);
    cairo_surface_flush(img);
    guint32 got = *(const guint32 *)cairo_image_surface_get_data(img);
    g_assert_cmphex(got, ==, want);
    gst_buffer_unmap(buf, &map);
    cairo_surface_destroy(img);
    gst_video_overlay_composition_unref(comp);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_test("/overlay/layers/ticker-listed-with-scroll", test_ticker_listed_with_scroll);
    add_test("/overlay/layers/png-is-the-pixels", test_png_is_the_pixels);
    return ovl_test_run();
}
