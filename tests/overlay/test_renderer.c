/* Tests of ovl_renderer: the worker publishes the newest scene, an empty scene clears the slot,
 * and readers on many threads can take the composition while scenes keep arriving. */
#include <gst/gst.h>
#include <pango/pangocairo.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "jc_error.h"
#include "gst_test.h"
#include "ovl_card.h"
#include "ovl_renderer.h"

#define WAIT_MS 10000

static OvlScene *card_scene(int n)
{
    g_autofree char *title = g_strdup_printf("岗位 %d", n);
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:8080/a/%d", n);
    OvlCardSpec spec = {title, "德州顺达物流有限公司", "180-220 元/天", "德州市德城区", n, url};
    return ovl_scene_new_card(&spec);
}

static OvlRenderer *renderer_ok(int w, int h)
{
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(w, h, &error);
    g_assert_no_error(error);
    g_assert_nonnull(r);
    return r;
}

/* The card rectangle's pixels, for comparing two renderings. (transfer full) */
static GBytes *card_pixels(GstVideoOverlayComposition *comp)
{
    GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, 0);
    GstBuffer *buf = gst_video_overlay_rectangle_get_pixels_unscaled_argb(
        rect, GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
    GstMapInfo map;
    g_assert_true(gst_buffer_map(buf, &map, GST_MAP_READ));
    GBytes *bytes = g_bytes_new(map.data, map.size);
    gst_buffer_unmap(buf, &map);
    return bytes;
}

static void test_publishes(void)
{
    OvlRenderer *r = renderer_ok(1280, 720);
    g_assert_null(ovl_renderer_get(r));
    g_assert_cmpuint(ovl_renderer_published(r), ==, 0);

    g_autoptr(OvlScene) scene = card_scene(1);
    guint64 seq = ovl_renderer_submit(r, scene);
    g_assert_cmpuint(seq, ==, 1);
    g_assert_true(ovl_renderer_wait(r, seq, WAIT_MS));
    g_assert_cmpuint(ovl_renderer_published(r), ==, seq);
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    g_assert_nonnull(comp);
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(comp), ==, 2);
    g_assert_null(ovl_renderer_last_error(r));
    gst_video_overlay_composition_unref(comp);
    ovl_renderer_free(r);
}

static void test_latest_wins(void)
{
    OvlRenderer *r = renderer_ok(1280, 720);
    guint64 last = 0;
    for (int i = 1; i <= 20; i++) {
        g_autoptr(OvlScene) scene = card_scene(i);
        last = ovl_renderer_submit(r, scene);
    }
    g_assert_cmpuint(last, ==, 20);
    g_assert_true(ovl_renderer_wait(r, last, WAIT_MS));
    g_assert_cmpuint(ovl_renderer_published(r), ==, last);

    /* What is on screen is scene 20's card, pixel for pixel. */
    g_autoptr(OvlScene) want_scene = card_scene(20);
    g_autoptr(GError) error = NULL;
    GstVideoOverlayComposition *want =
        ovl_card_render(ovl_scene_card(want_scene), 1280, 720, NULL, &error);
    g_assert_no_error(error);
    GstVideoOverlayComposition *got = ovl_renderer_get(r);
    g_autoptr(GBytes) got_px = card_pixels(got);
    g_autoptr(GBytes) want_px = card_pixels(want);
    g_assert_true(g_bytes_equal(got_px, want_px));
    gst_video_overlay_composition_unref(got);
    gst_video_overlay_composition_unref(want);
    ovl_renderer_free(r);
}

static void test_empty_scene_clears(void)
{
    OvlRenderer *r = renderer_ok(720, 1280);
    g_autoptr(OvlScene) card = card_scene(3);
    g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, card), WAIT_MS));
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    g_assert_nonnull(comp);
    gst_video_overlay_composition_unref(comp);

    g_autoptr(OvlScene) empty = ovl_scene_new_empty();
    g_assert_null(ovl_scene_card(empty));
    guint64 seq = ovl_renderer_submit(r, empty);
    g_assert_cmpuint(seq, ==, 2);
    g_assert_true(ovl_renderer_wait(r, seq, WAIT_MS));
    g_assert_cmpuint(ovl_renderer_published(r), ==, 2);
    g_assert_null(ovl_renderer_get(r));
    ovl_renderer_free(r);
}

/* A card that cannot be drawn clears the screen rather than leave the previous job on air. */
static void test_unrenderable_clears(void)
{
    OvlRenderer *r = renderer_ok(1280, 720);
    g_autoptr(OvlScene) card = card_scene(4);
    g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, card), WAIT_MS));

    g_autoptr(GString) url = g_string_new("https://jobs.example.cn/a/1?x=");
    while (url->len < 1500)
        g_string_append(url, "0123456789");
    OvlCardSpec spec = {.title = "岗位", .apply_url = url->str};
    g_autoptr(OvlScene) bad = ovl_scene_new_card(&spec);
    guint64 seq = ovl_renderer_submit(r, bad);
    g_assert_true(ovl_renderer_wait(r, seq, WAIT_MS));
    g_assert_null(ovl_renderer_get(r));
    g_autofree char *why = ovl_renderer_last_error(r);
    g_assert_nonnull(why);
    g_assert_true(strstr(why, "too small") != NULL);
    ovl_renderer_free(r);
}

static void test_wait_times_out(void)
{
    OvlRenderer *r = renderer_ok(1280, 720);
    gint64 start = g_get_monotonic_time();
    g_assert_false(ovl_renderer_wait(r, 1, 100));
    gint64 elapsed = g_get_monotonic_time() - start;
    g_assert_cmpint(elapsed, >=, 90 * 1000);
    g_assert_cmpint(elapsed, <, 5 * G_USEC_PER_SEC);
    ovl_renderer_free(r);
}

static void test_too_small_refused(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_null(ovl_renderer_new(160, 90, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_RENDER);
    g_clear_error(&error);
    g_assert_null(ovl_renderer_new(-1, 90, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
}

/* A scene outlives its creator's reference: the renderer holds its own. */
static void test_scene_copies_strings(void)
{
    char title[] = "仓库装卸工";
    OvlCardSpec spec = {.title = title, .headcount = 3};
    OvlScene *scene = ovl_scene_new_card(&spec);
    title[0] = 'X';
    g_assert_cmpstr(ovl_scene_card(scene)->title, ==, "仓库装卸工");
    g_assert_null(ovl_scene_card(scene)->apply_url);
    g_assert_cmpint(ovl_scene_card(scene)->headcount, ==, 3);
    OvlScene *again = ovl_scene_ref(scene);
    ovl_scene_unref(scene);
    g_assert_cmpstr(ovl_scene_card(again)->title, ==, "仓库装卸工");
    ovl_scene_unref(again);
}

typedef struct {
    OvlRenderer *r;
    atomic_bool stop;
    atomic_int frames;
} Readers;

/* A streaming thread's part: take the composition, look at it, drop it, once a "frame". */
static gpointer reader_main(gpointer data)
{
    Readers *rd = data;
    while (!atomic_load(&rd->stop)) {
        GstVideoOverlayComposition *comp = ovl_renderer_get(rd->r);
        if (comp != NULL) {
            guint n = gst_video_overlay_composition_n_rectangles(comp);
            g_assert_cmpuint(n, ==, 2);
            GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, 1);
            int x, y;
            guint w, h;
            gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h);
            g_assert_cmpuint(w, >, 0);
            gst_video_overlay_composition_unref(comp);
        }
        (void)ovl_renderer_published(rd->r);
        atomic_fetch_add(&rd->frames, 1);
        g_thread_yield();
    }
    return NULL;
}

static void test_get_from_many_threads(void)
{
    Readers rd = {.r = renderer_ok(1280, 720)};
    atomic_init(&rd.stop, false);
    atomic_init(&rd.frames, 0);
    GThread *threads[4];
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        threads[i] = g_thread_new("reader", reader_main, &rd);

    guint64 seq = 0;
    for (int i = 1; i <= 30; i++) {
        g_autoptr(OvlScene) scene = i % 3 == 0 ? ovl_scene_new_empty() : card_scene(i);
        seq = ovl_renderer_submit(rd.r, scene);
        if (i % 5 == 0)
            g_assert_true(ovl_renderer_wait(rd.r, seq, WAIT_MS));
    }
    g_assert_true(ovl_renderer_wait(rd.r, seq, WAIT_MS));
    atomic_store(&rd.stop, true);
    for (guint i = 0; i < G_N_ELEMENTS(threads); i++)
        g_thread_join(threads[i]);
    g_assert_cmpint(atomic_load(&rd.frames), >, 0);
    g_assert_cmpuint(ovl_renderer_published(rd.r), ==, 30);
    g_assert_null(ovl_renderer_get(rd.r)); /* scene 30 is empty */
    ovl_renderer_free(rd.r);
}

static void test_free_null(void)
{
    ovl_renderer_free(NULL);
    ovl_scene_unref(NULL);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_test("/overlay/renderer/publishes", test_publishes);
    add_test("/overlay/renderer/latest-wins", test_latest_wins);
    add_test("/overlay/renderer/empty-scene-clears", test_empty_scene_clears);
    add_test("/overlay/renderer/unrenderable-card-clears", test_unrenderable_clears);
    add_test("/overlay/renderer/wait-times-out", test_wait_times_out);
    add_test("/overlay/renderer/too-small-refused", test_too_small_refused);
    add_test("/overlay/renderer/get-from-many-threads", test_get_from_many_threads);
    add_test("/overlay/renderer/free-null", test_free_null);
    add_test("/overlay/scene/copies-strings", test_scene_copies_strings);
    int rc = g_test_run();

    /* As in test_card.c: fonts and GStreamer released, fontconfig's caches suppressed. */
    pango_cairo_font_map_set_default(NULL);
    if (gst_is_initialized())
        gst_deinit();
    return rc;
}
