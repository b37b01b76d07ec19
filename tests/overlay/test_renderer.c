/* Tests of ovl_renderer: the worker publishes the newest scene, an empty scene clears the slot,
 * and readers on many threads can take the composition while scenes keep arriving. */
#include <gst/gst.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "jc_error.h"
#include "gst_test.h"
#include "ovl_test.h"
#include "ovl_card.h"
#include "ovl_renderer.h"
#include "ovl_ticker.h"

#define WAIT_MS 10000

static OvlScene *card_scene(int n)
{
    g_autofree char *title = g_strdup_printf("岗位 %d", n);
    g_autofree char *url = g_strdup_printf("http://127.0.0.1:8080/a/%d", n);
    OvlCardSpec spec = {title, "德州顺达物流有限公司", "180-220 元/天", "德州市德城区", n, url, 0,
                        NULL};
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

static OvlScene *counted_scene(const char *title, int signups)
{
    OvlCardSpec spec = {.title = title,
                        .employer = "德州顺达物流有限公司",
                        .pay = "180-220 元/天",
                        .apply_url = "http://127.0.0.1:8080/a/1",
                        .signups = signups};
    return ovl_scene_new_card(&spec);
}

static GstVideoOverlayComposition *render_scene(OvlRenderer *r, OvlScene *scene)
{
    g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), WAIT_MS));
    ovl_scene_unref(scene);
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    g_assert_nonnull(comp);
    return comp;
}

/* A new count redraws the counter alone: the card and QR rectangles are the very same objects
 * (same pixels, same sequence numbers, so the element converts nothing); a new card redraws all. */
static void test_count_redraws_counter_only(void)
{
    OvlRenderer *r = renderer_ok(1280, 720);
    GstVideoOverlayComposition *a = render_scene(r, counted_scene("仓库装卸工", 7));
    GstVideoOverlayComposition *b = render_scene(r, counted_scene("仓库装卸工", 8));
    GstVideoOverlayComposition *c = render_scene(r, counted_scene("家政保洁员", 8));
    GstVideoOverlayComposition *d = render_scene(r, counted_scene("家政保洁员", 0));
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(a), ==, 3);
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(b), ==, 3);
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(d), ==, 2);
    for (guint i = 0; i < 2; i++) {
        g_assert_true(gst_video_overlay_composition_get_rectangle(a, i) ==
                      gst_video_overlay_composition_get_rectangle(b, i));
        g_assert_true(gst_video_overlay_composition_get_rectangle(b, i) !=
                      gst_video_overlay_composition_get_rectangle(c, i));
        g_assert_true(gst_video_overlay_composition_get_rectangle(c, i) ==
                      gst_video_overlay_composition_get_rectangle(d, i));
    }
    g_assert_true(gst_video_overlay_composition_get_rectangle(a, 2) !=
                  gst_video_overlay_composition_get_rectangle(b, 2));

    /* And what is on screen equals a full rendering of the same card. */
    g_autoptr(GBytes) got = card_pixels(b);
    OvlScene *want_scene = counted_scene("仓库装卸工", 8);
    GstVideoOverlayComposition *want =
        ovl_card_render(ovl_scene_card(want_scene), 1280, 720, NULL, NULL);
    ovl_scene_unref(want_scene);
    g_autoptr(GBytes) want_px = card_pixels(want);
    g_assert_true(g_bytes_equal(got, want_px));
    gst_video_overlay_composition_unref(want);

    gst_video_overlay_composition_unref(a);
    gst_video_overlay_composition_unref(b);
    gst_video_overlay_composition_unref(c);
    gst_video_overlay_composition_unref(d);
    ovl_renderer_free(r);
}

/* The figures /metrics shows: a take is a new card, not a counter redraw nor a clear; every
 * scene drawn is timed into the histogram, whose buckets hold them all. */
static void test_stats_takes_and_render_times(void)
{
    OvlRenderer *r = renderer_ok(1280, 720);
    OvlRenderStats none = {0};
    ovl_renderer_add_stats(r, &none);
    g_assert_cmpuint(none.takes, ==, 0); /* the start-up probe is no take */
    g_assert_cmpuint(none.renders, ==, 0);
    GstVideoOverlayComposition *shown[] = {
        render_scene(r, counted_scene("仓库装卸工", 7)),
        render_scene(r, counted_scene("仓库装卸工", 8)), /* the counter only */
        render_scene(r, counted_scene("家政保洁员", 8)), /* a take */
    };
    OvlScene *clear = ovl_scene_new_empty();
    g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, clear), WAIT_MS));
    ovl_scene_unref(clear);
    OvlRenderStats st = {.takes = 100}; /* added to, not overwritten */
    ovl_renderer_add_stats(r, &st);
    g_assert_cmpuint(st.takes, ==, 102);
    g_assert_cmpuint(st.renders, ==, 4);
    g_assert_cmpfloat(st.render_seconds, >, 0);
    guint64 bucketed = 0;
    for (int i = 0; i < OVL_RENDER_BUCKETS; i++) {
        bucketed += st.buckets[i];
        if (i > 0)
            g_assert_cmpfloat(ovl_render_bucket_bounds[i], >, ovl_render_bucket_bounds[i - 1]);
    }
    g_assert_cmpuint(bucketed, ==, 4); /* none took a second */
    for (gsize i = 0; i < G_N_ELEMENTS(shown); i++) {
        if (shown[i] != NULL)
            gst_video_overlay_composition_unref(shown[i]);
    }
    ovl_renderer_free(r);
}

static gboolean rects_overlap(const OvlRect *a, const OvlRect *b)
{
    return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height &&
           b->y < a->y + a->height;
}

/* Card, QR, counter, ticker, brand bug and lower third all on screen in every layout, none over
 * another (the QR and counter belong to the card's rectangle), all inside the safe area. */
static void test_chrome_clear_of_each_other(void)
{
    static const int sizes[][2] = {{1280, 720}, {1920, 1080}, {720, 1280}, {1080, 1920}};
    for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
        int w = sizes[i][0], h = sizes[i][1];
        OvlRenderer *r = renderer_ok(w, h);
        OvlCardSpec spec = {.title = "仓库装卸工",
                            .employer = "德州顺达物流有限公司",
                            .pay = "180-220 元/天",
                            .place = "德州市德城区",
                            .headcount = 12,
                            .apply_url = "http://127.0.0.1:8080/a/1",
                            .signups = 37};
        OvlSceneExtras extras = {.ticker = "家政保洁员 35-45 元/时",
                                 .brand = "德州零工直播间",
                                 .host_name = "主播 小王",
                                 .host_title = "德州市公益零工市场"};
        GstVideoOverlayComposition *comp = render_scene(r, ovl_scene_new(&spec, &extras));
        guint n = gst_video_overlay_composition_n_rectangles(comp);
        g_assert_cmpuint(n, ==, 7); /* card, QR, counter, label, strip, brand, lower third */
        OvlRect safe, boxes[7];
        ovl_card_safe_area(w, h, &safe);
        for (guint j = 0; j < n; j++) {
            GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, j);
            guint rw, rh;
            gst_video_overlay_rectangle_get_render_rectangle(rect, &boxes[j].x, &boxes[j].y, &rw,
                                                             &rh);
            boxes[j].width = (int)rw;
            boxes[j].height = (int)rh;
            const OvlTicker *t = ovl_ticker_of(rect);
            if (t != NULL)
                boxes[j] = t->band; /* what the strip shows */
            g_assert_true(boxes[j].x >= safe.x && boxes[j].y >= safe.y &&
                          boxes[j].x + boxes[j].width <= safe.x + safe.width &&
                          boxes[j].y + boxes[j].height <= safe.y + safe.height);
        }
        for (guint a = 0; a < n; a++) {
            for (guint b = a + 1; b < n; b++) {
                if (a == 0 && b <= 2)
                    continue; /* the QR sits on its card, the counter in its top row */
                if (rects_overlap(&boxes[a], &boxes[b]))
                    g_error("%dx%d: rectangle %u overlaps rectangle %u", w, h, a, b);
            }
        }
        gst_video_overlay_composition_unref(comp);
        ovl_renderer_free(r);
    }
}

/* A break: the slate (panel + the card's QR code) replaces card and counter, inside the safe area;
 * the scene after the break brings the very same card rectangles back. */
static void test_slate_replaces_card(void)
{
    OvlRenderer *r = renderer_ok(1280, 720);
    OvlCardSpec spec = {
        .title = "仓库装卸工", .apply_url = "http://127.0.0.1:8080/a/1", .signups = 3};
    OvlSceneExtras brk = {.slate = "休息中"};
    GstVideoOverlayComposition *before = render_scene(r, ovl_scene_new(&spec, NULL));
    GstVideoOverlayComposition *during = render_scene(r, ovl_scene_new(&spec, &brk));
    GstVideoOverlayComposition *after = render_scene(r, ovl_scene_new(&spec, NULL));
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(before), ==, 3);
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(during), ==, 2);
    OvlRect safe;
    ovl_card_safe_area(1280, 720, &safe);
    for (guint i = 0; i < 2; i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(during, i);
        g_assert_true(rect != gst_video_overlay_composition_get_rectangle(before, i));
        gint x, y;
        guint w, h;
        gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h);
        g_assert_true(x >= safe.x && y >= safe.y && x + (int)w <= safe.x + safe.width &&
                      y + (int)h <= safe.y + safe.height);
    }
    for (guint i = 0; i < 3; i++) {
        g_assert_true(gst_video_overlay_composition_get_rectangle(before, i) ==
                      gst_video_overlay_composition_get_rectangle(after, i));
    }
    gst_video_overlay_composition_unref(before);
    gst_video_overlay_composition_unref(during);
    gst_video_overlay_composition_unref(after);
    ovl_renderer_free(r);
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
    add_test("/overlay/renderer/count-redraws-counter-only", test_count_redraws_counter_only);
    add_test("/overlay/renderer/layers-clear-of-each-other", test_chrome_clear_of_each_other);
    add_test("/overlay/renderer/stats-takes-and-render-times", test_stats_takes_and_render_times);
    add_test("/overlay/renderer/slate-replaces-card", test_slate_replaces_card);
    add_test("/overlay/scene/copies-strings", test_scene_copies_strings);
    return ovl_test_run();
}
