/* str_encoder: the encoder's frames and the ones it was late with, counted by probes on an
 * element standing in for x264enc (identity, which like it pushes each frame from its chain
 * function; its sleep-time makes it slow on purpose). */
#include <gst/gst.h>

#include "str_encoder.h"

/* Runs 20 frames at 30 fps through an encoder taking sleep_us per frame; fills st. */
static void run_frames(guint sleep_us, StrStatus *st)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *desc = g_strdup_printf(
        "videotestsrc num-buffers=20 ! video/x-raw,width=64,height=64,framerate=30/1 "
        "! identity name=enc sleep-time=%u ! fakesink sync=false",
        sleep_us);
    GstElement *pipeline = gst_parse_launch(desc, &error);
    g_assert_no_error(error);
    GstElement *enc = gst_bin_get_by_name(GST_BIN(pipeline), "enc");
    StrEncoder *e = str_encoder_attach(enc, 30);
    gst_object_unref(enc);
    g_assert_cmpint(gst_element_set_state(pipeline, GST_STATE_PLAYING), !=,
                    GST_STATE_CHANGE_FAILURE);
    GstBus *bus = gst_element_get_bus(pipeline);
    GstMessage *m =
        gst_bus_timed_pop_filtered(bus, 20 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    g_assert_nonnull(m);
    g_assert_cmpint(GST_MESSAGE_TYPE(m), ==, GST_MESSAGE_EOS);
    gst_message_unref(m);
    gst_object_unref(bus);
    str_encoder_fill_status(e, st);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    str_encoder_free(e);
    gst_object_unref(pipeline);
}

static void test_frames_counted(void)
{
    StrStatus st = {0};
    run_frames(0, &st);
    g_assert_cmpuint(st.encoder.frames, ==, 20);
    g_assert_cmpuint(st.encoder.late, ==, 0);
}

/* 50 ms a frame at 30 fps (33 ms): each frame is late. */
static void test_slow_frames_late(void)
{
    StrStatus st = {0};
    run_frames(50000, &st);
    g_assert_cmpuint(st.encoder.frames, ==, 20);
    g_assert_cmpuint(st.encoder.late, ==, 20);
}

int main(int argc, char **argv)
{
    gst_init(&argc, &argv);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streamer/encoder/frames-counted", test_frames_counted);
    g_test_add_func("/streamer/encoder/slow-frames-late", test_slow_frames_late);
    return g_test_run();
}
