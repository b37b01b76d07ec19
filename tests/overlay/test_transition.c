/* Tests of take transitions (ovl_transition.h): the slide's curve, the marks the render worker
 * puts on a take's layers, and jobcastoverlay's frames during a slide in every layout, compared
 * pixel for pixel with the same layers blended, unmarked, at the positions the curve gives. */
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdlib.h>

#include "gst_test.h"
#include "ovl_test.h"
#include "ovl_element.h"
#include "ovl_renderer.h"
#include "ovl_transition.h"

#define SLIDE_MS 400
#define STEP (GST_SECOND / 30)

static void test_kind_names(void)
{
    OvlTransitionKind k = OVL_TRANSITION_CUT;
    g_assert_true(ovl_transition_kind_from_string("slide", &k));
    g_assert_cmpint(k, ==, OVL_TRANSITION_SLIDE);
    g_assert_true(ovl_transition_kind_from_string("fade", &k));
    g_assert_cmpint(k, ==, OVL_TRANSITION_FADE);
    g_assert_true(ovl_transition_kind_from_string("cut", &k));
    g_assert_cmpint(k, ==, OVL_TRANSITION_CUT);
    g_assert_false(ovl_transition_kind_from_string("wipe", &k));
    g_assert_false(ovl_transition_kind_from_string("Slide", &k));
    g_assert_false(ovl_transition_kind_from_string(NULL, &k));
    g_assert_cmpint(k, ==, OVL_TRANSITION_CUT);
    g_assert_cmpstr(ovl_transition_kind_to_string(OVL_TRANSITION_SLIDE), ==, "slide");
}

/* Entering: inside the frame from the first frame, closer every frame, at rest at the end, and
 * always even. Leaving: further every frame, then not drawn. */
static void test_slide_curve(void)
{
    OvlTransition in = {OVL_TRANSITION_SLIDE, SLIDE_MS, 7, FALSE, -1000, 0};
    OvlTransition out = {OVL_TRANSITION_SLIDE, SLIDE_MS, 7, TRUE, 0, 400};
    int last_in = -1002, last_out = -1;
    for (int f = 0; f < 20; f++) {
        int dx = 1, dy = 1;
        guint8 a = 0;
        g_assert_true(ovl_transition_at(&in, (GstClockTime)f * STEP, STEP, &dx, &dy, &a));
        g_assert_cmpint(a, ==, 255);
        g_assert_cmpint(dy, ==, 0);
        g_assert_cmpint(dx % 2, ==, 0);
        g_assert_cmpint(dx, <=, 0);
        g_assert_cmpint(dx, >=, -998); /* at least 2 px in */
        g_assert_cmpint(dx, >=, last_in);
        if ((GstClockTime)(f + 1) * STEP >= SLIDE_MS * GST_MSECOND)
            g_assert_cmpint(dx, ==, 0);
        else if (last_in < 0)
            g_assert_cmpint(dx, >=, last_in);
        last_in = dx;

        gboolean drawn = ovl_transition_at(&out, (GstClockTime)f * STEP, STEP, &dx, &dy, &a);
        if ((GstClockTime)(f + 1) * STEP >= SLIDE_MS * GST_MSECOND) {
            g_assert_false(drawn);
            continue;
        }
        g_assert_true(drawn);
        g_assert_cmpint(dx, ==, 0);
        g_assert_cmpint(dy % 2, ==, 0);
        g_assert_cmpint(dy, >, last_out);
        g_assert_cmpint(dy, <, 400);
        last_out = dy;
    }
    /* The first frame of the slide already moved the entering layer well in (eases out). */
    int dx = 0, dy = 0;
    guint8 a = 0;
    ovl_transition_at(&in, 0, STEP, &dx, &dy, &a);
    g_assert_cmpint(dx, >, -900);
}

static void test_fade_curve(void)
{
    OvlTransition in = {OVL_TRANSITION_FADE, 300, 1, FALSE, 0, 0};
    int last = 0;
    for (int f = 0; f < 9; f++) {
        int dx = 1, dy = 1;
        guint8 a = 0;
        g_assert_true(ovl_transition_at(&in, (GstClockTime)f * STEP, STEP, &dx, &dy, &a));
        g_assert_cmpint(dx, ==, 0);
        g_assert_cmpint(dy, ==, 0);
        g_assert_cmpint(a, >, last);
        last = a;
    }
    g_assert_cmpint(last, ==, 255);
}

typedef struct {
    GstVideoOverlayComposition *comp; /* borrowed, or NULL */
} Source;

static GstVideoOverlayComposition *draw_source(GstElement *e, GstSample *s, gpointer data)
{
    Source *src = data;
    return src->comp != NULL ? gst_video_overlay_composition_ref(src->comp) : NULL;
}

static GstVideoOverlayComposition *draw_renderer(GstElement *e, GstSample *s, gpointer data)
{
    return ovl_renderer_get(data);
}

static GstHarness *harness(int w, int h, GCallback draw, gpointer data, GstVideoInfo *info)
{
    g_assert_true(ovl_element_register());
    GstHarness *hs = gst_harness_new("jobcastoverlay");
    g_signal_connect(hs->element, "draw", draw, data);
    g_autofree char *caps =
        g_strdup_printf("video/x-raw,format=I420,width=%d,height=%d,framerate=30/1", w, h);
    gst_harness_set_src_caps_str(hs, caps);
    gst_video_info_set_format(info, GST_VIDEO_FORMAT_I420, (guint)w, (guint)h);
    info->fps_n = 30;
    info->fps_d = 1;
    return hs;
}

static GstBuffer *grey_at(GstHarness *h, const GstVideoInfo *info, GstClockTime t)
{
    GstBuffer *buf = gst_buffer_new_allocate(NULL, GST_VIDEO_INFO_SIZE(info), NULL);
    gst_buffer_memset(buf, 0, 128, GST_VIDEO_INFO_SIZE(info));
    GST_BUFFER_PTS(buf) = t;
    return gst_harness_push_and_pull(h, buf);
}

/* Samples (all planes) that differ between two I420 frames. */
static gsize differing(GstBuffer *a, GstBuffer *b)
{
    GstMapInfo ma, mb;
    g_assert_true(gst_buffer_map(a, &ma, GST_MAP_READ));
    g_assert_true(gst_buffer_map(b, &mb, GST_MAP_READ));
    g_assert_cmpuint(ma.size, ==, mb.size);
    gsize n = 0;
    for (gsize i = 0; i < ma.size; i++)
        n += ma.data[i] != mb.data[i];
    gst_buffer_unmap(a, &ma);
    gst_buffer_unmap(b, &mb);
    return n;
}

/* comp's rectangles, unmarked copies, where they show `since` after the take's first frame.
 * (transfer full) NULL when nothing shows. */
static GstVideoOverlayComposition *expected_at(GstVideoOverlayComposition *comp, GstClockTime since)
{
    GstVideoOverlayComposition *out = NULL;
    for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(comp); i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        OvlTransition t;
        int dx = 0, dy = 0;
        guint8 a = 255;
        if (ovl_transition_of(rect, &t) && !ovl_transition_at(&t, since, STEP, &dx, &dy, &a))
            continue;
        g_assert_cmpint(a, ==, 255); /* a slide never touches alpha */
        GstVideoOverlayRectangle *copy = gst_video_overlay_rectangle_copy(rect);
        gint x, y;
        guint w, h;
        gst_video_overlay_rectangle_get_render_rectangle(rect, &x, &y, &w, &h);
        gst_video_overlay_rectangle_set_render_rectangle(copy, x + dx, y + dy, w, h);
        if (out == NULL)
            out = gst_video_overlay_composition_new(copy);
        else
            gst_video_overlay_composition_add_rectangle(out, copy);
        gst_video_overlay_rectangle_unref(copy);
    }
    return out;
}

static OvlScene *card_scene(const char *title, const char *url, int signups)
{
    OvlCardSpec spec = {.title = title,
                        .employer = "德州顺达物流有限公司",
                        .pay = "180-220 元/天",
                        .place = "德州市德城区",
                        .headcount = 12,
                        .apply_url = url,
                        .signups = signups};
    return ovl_scene_new_card(&spec);
}

static guint64 submit_wait(OvlRenderer *r, OvlScene *scene)
{
    guint64 seq = ovl_renderer_submit(r, scene);
    ovl_scene_unref(scene);
    g_assert_true(ovl_renderer_wait(r, seq, 10000));
    return seq;
}

/* A slide at frame size w x h: the take's marks (card, QR and counter one take, entering from the
 * side the layout anchors the card to; the old card's three layers leaving), and every frame of
 * the slide equal to the same layers blended unmarked at the curve's positions, the first one
 * already showing the new card, the last at rest without the old one. */
static void check_slide(int w, int h)
{
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(w, h, &error);
    g_assert_no_error(error);
    ovl_renderer_set_transition(r, OVL_TRANSITION_SLIDE, SLIDE_MS);
    GstVideoInfo info;
    GstHarness *hs = harness(w, h, G_CALLBACK(draw_renderer), r, &info);
    Source src = {NULL};
    GstVideoInfo unused;
    GstHarness *ref = harness(w, h, G_CALLBACK(draw_source), &src, &unused);

    submit_wait(r, card_scene("仓库装卸工", "http://127.0.0.1:8080/a/1", 3));
    gst_buffer_unref(grey_at(hs, &info, 0));            /* the first take slides in ... */
    GstBuffer *before = grey_at(hs, &info, GST_SECOND); /* ... and is at rest */

    guint64 seq = submit_wait(r, card_scene("家政保洁员", "http://127.0.0.1:8080/a/2", 9));
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    guint n = gst_video_overlay_composition_n_rectangles(comp);
    g_assert_cmpuint(n, ==, 6); /* old card, QR, counter leaving; the new three entering */
    for (guint i = 0; i < n; i++) {
        OvlTransition t;
        g_assert_true(ovl_transition_of(gst_video_overlay_composition_get_rectangle(comp, i), &t));
        g_assert_cmpint(t.kind, ==, OVL_TRANSITION_SLIDE);
        g_assert_cmpuint(t.take, ==, seq);
        g_assert_cmpint(t.leaving, ==, i < 3);
        gboolean sideways = (h > w) == t.leaving;
        if (sideways) {
            g_assert_cmpint(t.dx, <, 0);
            g_assert_cmpint(t.dy, ==, 0);
        } else {
            g_assert_cmpint(t.dx, ==, 0);
            g_assert_cmpint(t.dy, >, 0);
        }
        OvlTransition first;
        ovl_transition_of(gst_video_overlay_composition_get_rectangle(comp, i < 3 ? 0 : 3), &first);
        g_assert_cmpint(t.dx, ==, first.dx); /* one take moves as one */
        g_assert_cmpint(t.dy, ==, first.dy);
    }

    GstClockTime t0 = 2 * GST_SECOND;
    int frames = SLIDE_MS * 30 / 1000 + 2;
    for (int f = 0; f <= frames; f++) {
        GstClockTime since = (GstClockTime)f * STEP;
        GstBuffer *out = grey_at(hs, &info, t0 + since);
        GstVideoOverlayComposition *want = expected_at(comp, since);
        src.comp = want;
        GstBuffer *exp = grey_at(ref, &info, t0 + since);
        src.comp = NULL;
        if (differing(out, exp) != 0)
            g_error("%dx%d: frame %d of the slide is not the layers at the curve's positions", w, h,
                    f);
        if (f == 0) {
            g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(want), ==, 6);
            g_assert_cmpuint(differing(out, before), >, 1000); /* the take shows at once */
        }
        if (f == frames) /* at rest, the old card gone */
            g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(want), ==, 3);
        if (want != NULL)
            gst_video_overlay_composition_unref(want);
        gst_buffer_unref(exp);
        gst_buffer_unref(out);
    }
    gst_video_overlay_composition_unref(comp);
    gst_buffer_unref(before);
    gst_harness_teardown(ref);
    gst_harness_teardown(hs);
    ovl_renderer_free(r);
}

/* A new sign-up count in the middle of a slide joins its take: the counter moves with the card,
 * and after the take nothing is redrawn or moved by a new count. */
static void test_counter_joins_slide(void)
{
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(1280, 720, &error);
    g_assert_no_error(error);
    ovl_renderer_set_transition(r, OVL_TRANSITION_SLIDE, SLIDE_MS);
    guint64 seq = submit_wait(r, card_scene("仓库装卸工", "http://127.0.0.1:8080/a/1", 3));
    submit_wait(r, card_scene("仓库装卸工", "http://127.0.0.1:8080/a/1", 4));
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(comp), ==, 3);
    OvlTransition card, counter;
    g_assert_true(ovl_transition_of(gst_video_overlay_composition_get_rectangle(comp, 0), &card));
    g_assert_true(
        ovl_transition_of(gst_video_overlay_composition_get_rectangle(comp, 2), &counter));
    g_assert_cmpuint(counter.take, ==, seq);
    g_assert_cmpuint(card.take, ==, seq);
    g_assert_cmpint(counter.dx, ==, card.dx);
    g_assert_false(counter.leaving);
    gst_video_overlay_composition_unref(comp);
    ovl_renderer_free(r);
}

/* A cut marks nothing and leaves nothing behind. */
static void test_cut_marks_nothing(void)
{
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(1280, 720, &error);
    g_assert_no_error(error);
    submit_wait(r, card_scene("仓库装卸工", "http://127.0.0.1:8080/a/1", 3));
    submit_wait(r, card_scene("家政保洁员", "http://127.0.0.1:8080/a/2", 3));
    GstVideoOverlayComposition *comp = ovl_renderer_get(r);
    g_assert_cmpuint(gst_video_overlay_composition_n_rectangles(comp), ==, 3);
    for (guint i = 0; i < 3; i++) {
        OvlTransition t;
        g_assert_false(ovl_transition_of(gst_video_overlay_composition_get_rectangle(comp, i), &t));
    }
    gst_video_overlay_composition_unref(comp);
    ovl_renderer_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/overlay/transition/kind-names", test_kind_names);
    g_test_add_func("/overlay/transition/slide-curve", test_slide_curve);
    g_test_add_func("/overlay/transition/fade-curve", test_fade_curve);
    ovl_test_add_sizes("/overlay/transition/slide-frames", check_slide);
    add_test("/overlay/transition/counter-joins-slide", test_counter_joins_slide);
    add_test("/overlay/transition/cut-marks-nothing", test_cut_marks_nothing);
    return ovl_test_run();
}
