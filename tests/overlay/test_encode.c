/* Tests that the QR code survives what happens to the picture on its way to a phone: an H.264
 * encode at 720p-class 2.5 Mbit/s of each layout (jobcastoverlay over a moving test picture,
 * x264), then a platform's re-encode to 360p (shorter side) at 600 kbit/s (FFmpeg). zbar must
 * read the apply link from a decoded frame of both. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <string.h>

#include "gst_test.h"
#include "ovl_test.h"
#include "ovl_element.h"

#define URL "http://127.0.0.1:8080/a/12"

static void run(const char *const *argv, GBytes **out)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) proc = g_subprocess_newv(
        argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) err = NULL;
    g_assert_true(g_subprocess_communicate(proc, NULL, NULL, out, &err, &error));
    g_assert_no_error(error);
    if (g_subprocess_get_exit_status(proc) != 0)
        g_error("%s failed: %.*s", argv[0], (int)g_bytes_get_size(err),
                (const char *)g_bytes_get_data(err, NULL));
}

/* The link read from the frame at 0.8 s of file, decoded to w x h grey. (transfer full) */
static char *scan_file(const char *file, int w, int h)
{
    const char *argv[] = {"ffmpeg", "-v", "error",    "-ss",      "0.8",  "-i", file, "-frames:v",
                          "1",      "-f", "rawvideo", "-pix_fmt", "gray", "-",  NULL};
    g_autoptr(GBytes) gray = NULL;
    run(argv, &gray);
    g_assert_cmpuint(g_bytes_get_size(gray), ==, (gsize)w * (gsize)h);
    return ovl_test_scan_gray(g_bytes_get_data(gray, NULL), w, h);
}

static void check_layout_with(int w, int h, const char *more)
{
    g_assert_true(ovl_element_register());
    g_autofree char *dir = g_dir_make_tmp("jobcast-qr-XXXXXX", NULL);
    g_autofree char *scene = g_build_filename(dir, "scene.ini", NULL);
    g_autofree char *first = g_build_filename(dir, "720.mp4", NULL);
    g_autofree char *second = g_build_filename(dir, "360.mp4", NULL);
    g_assert_true(g_file_set_contents(scene,
                                      "[card]\ntitle=仓库装卸工\nemployer=德州顺达物流有限公司\n"
                                      "pay=180-220 元/天\nplace=德州市德城区\nheadcount=12\n"
                                      "apply-url=" URL "\nsignups=37\n",
                                      -1, NULL));
    if (more != NULL) {
        g_autofree char *text = NULL;
        g_assert_true(g_file_get_contents(scene, &text, NULL, NULL));
        g_autofree char *all = g_strconcat(text, more, NULL);
        g_assert_true(g_file_set_contents(scene, all, -1, NULL));
    }

    /* 1. Our pipeline: a busy moving picture, the overlay, x264 at 2.5 Mbit/s. */
    g_autofree char *desc = g_strdup_printf(
        "videotestsrc num-buffers=45 pattern=ball background-color=0xff406080 ! "
        "video/x-raw,format=I420,width=%d,height=%d,framerate=30/1 ! "
        "jobcastoverlay scene-file=\"%s\" ! x264enc bitrate=2500 speed-preset=veryfast "
        "tune=zerolatency key-int-max=60 ! video/x-h264,profile=high ! h264parse ! mp4mux ! "
        "filesink location=\"%s\"",
        w, h, scene, first);
    g_autoptr(GError) error = NULL;
    GstElement *pipeline = gst_parse_launch(desc, &error);
    g_assert_no_error(error);
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    GstBus *bus = gst_element_get_bus(pipeline);
    GstMessage *msg =
        gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    g_assert_nonnull(msg);
    g_assert_cmpint(GST_MESSAGE_TYPE(msg), ==, GST_MESSAGE_EOS);
    gst_message_unref(msg);
    gst_object_unref(bus);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
    g_autofree char *got = scan_file(first, w, h);
    g_assert_cmpstr(got, ==, URL);

    /* 2. What a platform does: down to 360 lines (the shorter side) at 600 kbit/s. */
    int w2 = w < h ? 360 : w * 360 / h, h2 = w < h ? h * 360 / w : 360;
    g_autofree char *scale = g_strdup_printf("scale=%d:%d", w2, h2);
    const char *argv[] = {"ffmpeg",   "-v",    "error",   "-y",       "-i",   first,      "-vf",
                          scale,      "-c:v",  "libx264", "-b:v",     "600k", "-maxrate", "600k",
                          "-bufsize", "1200k", "-preset", "veryfast", second, NULL};
    run(argv, NULL);
    g_autofree char *again = scan_file(second, w2, h2);
    g_assert_cmpstr(again, ==, URL);

    g_unlink(scene);
    g_unlink(first);
    g_unlink(second);
    g_rmdir(dir);
}

static void check_layout(int w, int h)
{
    check_layout_with(w, h, NULL);
}

/* The break slate's QR code too (the card gives way to it). */
static void test_slate_720p(void)
{
    check_layout_with(1280, 720, "[slate]\ntext=休息中\n");
}

static void test_slate_720x1280(void)
{
    check_layout_with(720, 1280, "[slate]\ntext=休息中\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ovl_test_add_sizes("/overlay/qr/survives-h264-and-360p", check_layout);
    add_test("/overlay/qr/slate-survives-h264-and-360p/1280x720", test_slate_720p);
    add_test("/overlay/qr/slate-survives-h264-and-360p/720x1280", test_slate_720x1280);
    return ovl_test_run();
}
