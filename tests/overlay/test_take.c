/* Take latency: a live source paced by GStreamer's test clock feeds jobcastoverlay, whose "draw"
 * handler returns the render worker's published composition, as the program pipeline's does.
 * Once a take's composition is published (the take has reached the overlay element), the very
 * next frame carries the new card: its QR code decodes to the new apply URL and the previous
 * card's is gone, and that frame is at most one frame interval of clock time later.
 *
 * Threads: the harness pushes on the test's thread; the render worker publishes on its own. */
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>
#include <gst/video/video.h>

#include "gst_test.h"
#include "ovl_element.h"
#include "ovl_renderer.h"
#include "ovl_scene.h"
#include "ovl_test.h"

#define W 1280
#define H 720
#define FPS 30

static GstVideoOverlayComposition *draw_renderer(GstElement *e, GstSample *s, gpointer data)
{
    return ovl_renderer_get(data);
}

/* The QR codes in a frame's luma plane, newline-joined. (transfer full) */
static char *frame_qr(GstBuffer *buf)
{
    GstVideoInfo info;
    GstVideoFrame f;
    gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, W, H);
    g_assert_true(gst_video_frame_map(&f, &info, buf, GST_MAP_READ));
    g_autofree guint8 *gray = g_malloc((gsize)W * H);
    const guint8 *y = GST_VIDEO_FRAME_PLANE_DATA(&f, 0);
    int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&f, 0);
    for (int row = 0; row < H; row++)
        memcpy(gray + (gsize)row * W, y + (gsize)row * stride, W);
    gst_video_frame_unmap(&f);
    return ovl_test_scan_gray(gray, W, H);
}

/* Submits a card whose QR code is url and waits until the worker published it. */
static void take(OvlRenderer *r, const char *title, const char *url)
{
    OvlCardSpec spec = {.title = title, .apply_url = url};
    OvlScene *scene = ovl_scene_new_card(&spec);
    g_assert_true(ovl_renderer_wait(r, ovl_renderer_submit(r, scene), 10000));
    ovl_scene_unref(scene);
}

/* Lets the live source produce its next frame (the test clock advances to its time) and pulls
 * it out of the overlay. (transfer full) */
static GstBuffer *next_frame(GstHarness *h)
{
    g_assert_cmpint(gst_harness_src_crank_and_push_many(h, 1, 1), ==, GST_FLOW_OK);
    return gst_harness_pull(h);
}

static void test_take_next_frame(void)
{
    g_assert_true(ovl_element_register());
    g_autoptr(GError) error = NULL;
    OvlRenderer *r = ovl_renderer_new(W, H, &error);
    g_assert_no_error(error);
    GstHarness *h = gst_harness_new("jobcastoverlay");
    g_signal_connect(h->element, "draw", G_CALLBACK(draw_renderer), r);
    g_autofree char *src =
        g_strdup_printf("videotestsrc is-live=true pattern=black ! capsfilter caps="
                        "video/x-raw,format=I420,width=%d,height=%d,"
                        "framerate=%d/1",
                        W, H, FPS);
    gst_harness_add_src_parse(h, src, TRUE);
    GstTestClock *clock = GST_TEST_CLOCK(gst_harness_get_testclock(h->src_harness));
    g_assert_nonnull(clock);
    const GstClockTime frame = gst_util_uint64_scale_int_ceil(GST_SECOND, 1, FPS);

    /* Frames before any take carry no card. */
    GstBuffer *out = next_frame(h);
    g_autofree char *none = frame_qr(out);
    g_assert_cmpstr(none, ==, "");
    gst_buffer_unref(out);

    /* Several takes in a row, each checked on the frame right after it was published, then on
     * the frame after that (it stays). */
    for (int n = 1; n <= 5; n++) {
        g_autofree char *url = g_strdup_printf("http://127.0.0.1:8080/a/%d", n);
        take(r, n % 2 ? "仓库装卸工" : "家政保洁员", url);
        GstClockTime reached = gst_clock_get_time(GST_CLOCK(clock));
        for (int k = 0; k < 2; k++) {
            out = next_frame(h);
            GstClockTime shown = gst_clock_get_time(GST_CLOCK(clock));
            g_autofree char *qr = frame_qr(out);
            if (g_strcmp0(qr, url) != 0)
                g_error("take %d: frame %d after the take reached the overlay shows QR \"%s\", "
                        "not the new card's \"%s\"",
                        n, k + 1, qr, url);
            if (k == 0)
                g_assert_cmpuint(shown - reached, <=, frame);
            g_assert_cmpuint(GST_BUFFER_PTS(out), <=, shown);
            gst_buffer_unref(out);
        }
    }

    gst_object_unref(clock);
    gst_harness_teardown(h);
    ovl_renderer_free(r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    add_test("/overlay/take/next-frame", test_take_next_frame);
    return ovl_test_run();
}
