/* Tests of the ticker: it scrolls at a steady speed through jobcastoverlay without being drawn
 * again, stays in its band, wraps seamlessly every period, and survives takes of the card. */
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <string.h>

#include "gst_test.h"
#include "ovl_test.h"
#include "ovl_element.h"
#include "ovl_renderer.h"
#include "ovl_ticker.h"

#define TEXT "家政保洁员 35-45 元/时 · 电子厂普工 4500-6000 元/月 · 外卖骑手 8000+ 元/月"
#define WAIT_MS 10000

static GstVideoOverlayComposition *on_draw(GstElement *e, GstSample *sample, gpointer data)
{
    return gst_video_overlay_composition_ref(data);
}

/* A mid-grey I420 frame at running time t. */
static GstBuffer *grey_frame(const GstVideoInfo *info, GstClockTime t)
{
    GstBuffer *buf = gst_buffer_new_allocate(NULL, GST_VIDEO_INFO_SIZE(info), NULL);
    gst_buffer_memset(buf, 0, 128, GST_VIDEO_INFO_SIZE(info));
    GST_BUFFER_PTS(buf) = t;
    GST_BUFFER_DURATION(buf) = GST_SECOND / 30;
    return buf;
}

static guint8 luma(GstVideoFrame *f, int x, int y)
{
    return ((guint8 *)GST_VIDEO_FRAME_COMP_DATA(f, 0))[y * GST_VIDEO_FRAME_COMP_STRIDE(f, 0) + x];
}

typedef struct {
    GstHarness *h;
    GstVideoInfo info;
    GstVideoOverlayComposition *comp;
    const OvlTicker *ticker;
    OvlRect band;
} Rig;

static void rig_init(Rig *r)
{
    g_assert_true(ovl_element_register());
    r->comp = ovl_ticker_render(TEXT, 1280, 720, &r->band);
    g_assert_nonnull(r->comp);
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(r->comp), ==, 2);
    r->ticker = ovl_ticker_of(gst_video_overlay_composition_get_rectangle(r->comp, 1));
    g_assert_nonnull(r->ticker);
    g_assert_null(ovl_ticker_of(gst_video_overlay_composition_get_rectangle(r->comp, 0)));
    r->h = gst_harness_new("jobcastoverlay");
    g_signal_connect(r->h->element, "draw", G_CALLBACK(on_draw), r->comp);
    gst_harness_set_src_caps_str(r->h, "video/x-raw,format=I420,width=1280,height=720,"
                                       "framerate=30/1");
    gst_video_info_set_format(&r->info, GST_VIDEO_FORMAT_I420, 1280, 720);
}

static void rig_clear(Rig *r)
{
    gst_harness_teardown(r->h);
    gst_video_overlay_composition_unref(r->comp);
}

static GstBuffer *at(Rig *r, GstClockTime t)
{
    return gst_harness_push_and_pull(r->h, grey_frame(&r->info, t));
}

/* The band at time t shows the band at time 0 moved left by offset(t): column c then equals
 * column c + shift before. Nothing outside the band changes. */
static void test_scrolls(void)
{
    Rig r;
    rig_init(&r);
    GstClockTime t1 = GST_SECOND / 2;
    int shift = ovl_ticker_offset(r.ticker, t1) - ovl_ticker_offset(r.ticker, 0);
    g_assert_cmpint(shift, >, 10);
    GstBuffer *b0 = at(&r, 0), *b1 = at(&r, t1);
    GstVideoFrame f0, f1;
    g_assert_true(gst_video_frame_map(&f0, &r.info, b0, GST_MAP_READ));
    g_assert_true(gst_video_frame_map(&f1, &r.info, b1, GST_MAP_READ));
    const OvlRect *w = &r.ticker->band;
    int differing = 0;
    for (int y = w->y; y < w->y + w->height; y++) {
        for (int x = w->x; x < w->x + w->width - shift; x++) {
            g_assert_cmpint(luma(&f1, x, y), ==, luma(&f0, x + shift, y));
            differing += luma(&f1, x, y) != luma(&f0, x, y);
        }
    }
    g_assert_cmpint(differing, >, 100); /* it did move */
    for (int y = 0; y < 720; y += 3) {
        for (int x = 0; x < 1280; x += 3) {
            gboolean in = x >= r.band.x && x < r.band.x + r.band.width && y >= r.band.y &&
                          y < r.band.y + r.band.height;
            if (!in)
                g_assert_cmpint(luma(&f1, x, y), ==, 128);
        }
    }
    gst_video_frame_unmap(&f0);
    gst_video_frame_unmap(&f1);
    gst_buffer_unref(b0);
    gst_buffer_unref(b1);
    rig_clear(&r);
}

/* After one period the picture is the same again: the seam is invisible. */
static void test_wraps_seamlessly(void)
{
    Rig r;
    rig_init(&r);
    /* The time the text takes to travel one period, then a frame-sized step on either side. */
    GstClockTime period = (GstClockTime)(r.ticker->period / r.ticker->px_per_s * GST_SECOND);
    GstClockTime start = GST_SECOND / 10;
    g_assert_cmpint(ovl_ticker_offset(r.ticker, start), ==,
                    ovl_ticker_offset(r.ticker, start + period));
    GstBuffer *a = at(&r, start), *b = at(&r, start + period);
    GstMapInfo ma, mb;
    g_assert_true(gst_buffer_map(a, &ma, GST_MAP_READ));
    g_assert_true(gst_buffer_map(b, &mb, GST_MAP_READ));
    g_assert_true(memcmp(ma.data, mb.data, ma.size) == 0);
    gst_buffer_unmap(a, &ma);
    gst_buffer_unmap(b, &mb);
    gst_buffer_unref(a);
    gst_buffer_unref(b);
    rig_clear(&r);
}

/* Offsets: even, within the period, growing at the set speed. */
static void test_offset_steady(void)
{
    OvlTicker t = {{0, 0, 1000, 40}, 700, 90.0};
    int last = -1;
    for (int frame = 0; frame < 200; frame++) {
        GstClockTime rt = gst_util_uint64_scale(frame, GST_SECOND, 30);
        int off = ovl_ticker_offset(&t, rt);
        g_assert_cmpint(off % 2, ==, 0);
        g_assert_cmpint(off, >=, 0);
        g_assert_cmpint(off, <, 700);
        if (last >= 0 && off > last)
            g_assert_cmpint(off - last, <=, 4); /* 3 px a frame, rounded to even */
        last = off;
    }
    g_assert_cmpint(ovl_ticker_offset(&t, GST_SECOND), ==, 90);
}

static void test_huge_text_bounded(void)
{
    GString *text = g_string_new(NULL);
    for (int i = 0; i < 2000; i++)
        g_string_append(text, "串珠手工 按件计酬 ");
    OvlRect band;
    GstVideoOverlayComposition *comp = ovl_ticker_render(text->str, 1920, 1080, &band);
    g_string_free(text, TRUE);
    guint w = 0;
    gst_video_overlay_rectangle_get_render_rectangle(
        gst_video_overlay_composition_get_rectangle(comp, 1), NULL, NULL, &w, NULL);
    g_assert_cmpuint(w, <=, 16384);
    gst_video_overlay_composition_unref(comp);
    g_assert_null(ovl_ticker_render("", 1920, 1080, NULL));
    g_assert_null(ovl_ticker_render(NULL, 1920, 1080, NULL));
}

/* Through the renderer: the ticker comes after the card, and a take of another card keeps the
 * very same ticker rectangles (no redraw, nothing to convert). */
static void test_renderer_keeps_ticker(void)
{
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(1280, 720, &error);
    g_assert_no_error(error);
    OvlSceneExtras extras = {.ticker = TEXT};
    OvlCardSpec a = {.title = "仓库装卸工", .apply_url = "http://127.0.0.1:8080/a/1"};
    OvlCardSpec b = {.title = "家政保洁员", .apply_url = "http://127.0.0.1:8080/a/2"};
    GstVideoOverlayComposition *comps[3];
    for (int i = 0; i < 3; i++) {
        OvlScene *scene = ovl_scene_new(i == 1 ? &b : &a, i == 2 ? NULL : &extras);
        g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), WAIT_MS));
        ovl_scene_unref(scene);
        comps[i] = ovl_renderer_get(r);
    }
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(comps[0]), ==, 4);
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(comps[2]), ==, 2);
    for (guint i = 2; i < 4; i++) {
        g_assert_true(gst_video_overlay_composition_get_rectangle(comps[0], i) ==
                      gst_video_overlay_composition_get_rectangle(comps[1], i));
    }
    g_assert_nonnull(ovl_ticker_of(gst_video_overlay_composition_get_rectangle(comps[1], 3)));
    for (int i = 0; i < 3; i++)
        gst_video_overlay_composition_unref(comps[i]);
    ovl_renderer_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_test("/overlay/ticker/scrolls-in-its-band", test_scrolls);
    add_test("/overlay/ticker/wraps-seamlessly", test_wraps_seamlessly);
    add_test("/overlay/ticker/offset-steady", test_offset_steady);
    add_test("/overlay/ticker/huge-text-bounded", test_huge_text_bounded);
    add_test("/overlay/ticker/kept-across-takes", test_renderer_keeps_ticker);
    return ovl_test_run();
}
