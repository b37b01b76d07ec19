/* Tests for pulled inputs: RTMP (ffmpeg publishes a green picture to nginx-rtmp, the program
 * plays it) and RTSP (a gst-rtsp-server helper serves one). Each: the input is on air, the
 * source is killed and the slate is on air within a second, the source returns and so does the
 * picture, all in one playable recording.
 *
 * Threads: the test runs a GMainLoop on the main thread (see str_test.h). */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "str_pipeline.h"
#include "str_test.h"

/* ffmpeg publishing a live green 640x360 picture with a tone to url, until killed.
 * (transfer full) */
static GSubprocess *rtmp_publisher(const char *url)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    GSubprocess *proc = g_subprocess_launcher_spawn(
        launcher, &error, "ffmpeg", "-nostdin", "-re", "-f", "lavfi", "-i",
        "color=c=0x00ff00:s=640x360:r=30", "-f", "lavfi", "-i", "sine=f=440:sample_rate=48000",
        "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "15", "-pix_fmt",
        "yuv420p", "-c:a", "aac", "-f", "flv", url, NULL);
    g_assert_no_error(error);
    return proc;
}

static void kill_source(GSubprocess *proc)
{
    g_subprocess_send_signal(proc, SIGKILL);
    g_subprocess_wait(proc, NULL, NULL);
    g_object_unref(proc);
}

/* Polls until the input has delivered at least frames more frames than it had, or timeout_ms. */
static gboolean wait_frames(Run *r, StrPipeline *p, guint64 frames, guint timeout_ms)
{
    g_autoptr(StrStatus) start = str_pipeline_status(p);
    for (guint waited = 0; waited <= timeout_ms; waited += 100) {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        if (s->input.frames >= start->input.frames + frames) {
            return TRUE;
        }
        run_for(r, 100);
    }
    return FALSE;
}

/* Running time at which the input's first frame reached the program (polled every 5 ms): the
 * program places that frame at this time plus the input's 150 ms delay. */
static GstClockTime wait_first_frame(Run *r, StrPipeline *p, guint timeout_ms)
{
    for (guint waited = 0; waited <= timeout_ms; waited += 5) {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        if (s->input.frames > 0) {
            return str_pipeline_running_time(p);
        }
        run_for(r, 5);
    }
    g_assert_not_reached();
}

/* The recordings are judged frame by frame (30 a second) to time the slate. */
#define PULL_FPS 30

/* Seconds from the recording's start to the start of run i. */
static double run_start(GArray *runs, int i)
{
    guint samples = 0;
    for (int k = 0; k < i; k++) {
        samples += g_array_index(runs, guint, (guint)k * 2 + 1);
    }
    return (double)samples / PULL_FPS;
}

/* The recording shows green, then the slate within a second of the kill, then green again.
 * first_rt is when the input's first frame arrived (wait_first_frame), killed_rt when the source
 * was killed, both in the program's running time. The recording's own clock is tied to running
 * time by the first green sample: that is the first frame, placed at first_rt + 150 ms. */
static void check_green_slate_green(const char *file, GstClockTime first_rt, GstClockTime killed_rt)
{
    check_playable(file);
    g_autoptr(GArray) seq = shown_sequence_at(file, PULL_FPS);
    g_autoptr(GArray) runs = runs_of(seq);
    int first = find_run(runs, 0, SHOW_GREEN, 30);
    g_assert_cmpint(first, >=, 0);
    /* Nothing but the slate before it: the first green frame is the input's first. */
    g_assert_true(first == 0 || (first == 1 && g_array_index(runs, guint, 0) == SHOW_SLATE));
    int slate = find_run(runs, (guint)first + 1, SHOW_SLATE, 15);
    g_assert_cmpint(slate, ==, first + 1);
    g_assert_cmpint(find_run(runs, (guint)slate + 1, SHOW_GREEN, 30), >, slate);
    double rec_to_rt = (double)first_rt / GST_SECOND + 0.15 - run_start(runs, first);
    double latency = run_start(runs, slate) + rec_to_rt - (double)killed_rt / GST_SECOND;
    g_test_message("slate on air %.2f s after the source was killed", latency);
    /* The promise: the slate within a second (one frame of measuring error either way). */
    g_assert_cmpfloat(latency, <=, 1.0);
    g_assert_cmpfloat(latency, >, 0.0);
}

static void test_rtmp_pull_slate_then_back(void)
{
    if (!have_nginx_rtmp()) {
        return;
    }
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    guint16 port = jc_test_free_port();
    GSubprocess *nginx = jc_test_nginx_start(dir, port, 0);
    g_autofree char *url = g_strdup_printf("rtmp://127.0.0.1:%u/other/camera", port);
    GSubprocess *source = rtmp_publisher(url);
    StrConfig cfg = config(&r, dir);
    cfg.input_uri = url;
    StrPipeline *p = start_playing(&cfg, &r);
    GstClockTime first_rt = wait_first_frame(&r, p, 15000);
    g_assert_true(wait_input_state(&r, p, "live", 15000));
    g_assert_true(wait_frames(&r, p, 60, 10000));
    GstClockTime killed_rt = str_pipeline_running_time(p);
    kill_source(source);
    /* The switch drops the held frame after 0.5 s: the slate, whatever the input's state. */
    run_for(&r, 3000);
    source = rtmp_publisher(url);
    g_assert_true(wait_input_state(&r, p, "live", 15000));
    g_assert_true(wait_frames(&r, p, 60, 10000));
    stop_clean(p, &r);
    g_autofree char *file = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    kill_source(source);
    jc_test_nginx_stop(nginx);
    check_green_slate_green(file, first_rt, killed_rt);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* The RTSP helper serving rtsp://127.0.0.1:port/test. (transfer full) */
static GSubprocess *rtsp_server(guint16 port)
{
    g_autofree char *arg = g_strdup_printf("%u", port);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    GSubprocess *proc =
        g_subprocess_launcher_spawn(launcher, &error, STR_TEST_RTSP_SERVER, arg, NULL);
    g_assert_no_error(error);
    g_autoptr(GSocketClient) client = g_socket_client_new();
    for (int i = 0; i < 200; i++) {
        g_autoptr(GSocketConnection) c =
            g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, NULL);
        if (c != NULL) {
            return proc;
        }
        g_usleep(20000);
    }
    g_assert_not_reached();
}

static void test_rtsp_pull_slate_then_back(void)
{
    if (STR_TEST_RTSP_SERVER[0] == '\0') {
        g_test_skip("gst-rtsp-server (libgstrtspserver-1.0-dev) is not installed");
        return;
    }
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    guint16 port = jc_test_free_port();
    GSubprocess *server = rtsp_server(port);
    g_autofree char *url = g_strdup_printf("rtsp://127.0.0.1:%u/test", port);
    StrConfig cfg = config(&r, dir);
    cfg.input_uri = url;
    StrPipeline *p = start_playing(&cfg, &r);
    GstClockTime first_rt = wait_first_frame(&r, p, 15000);
    g_assert_true(wait_input_state(&r, p, "live", 15000));
    g_assert_true(wait_frames(&r, p, 60, 10000));
    GstClockTime killed_rt = str_pipeline_running_time(p);
    kill_source(server);
    run_for(&r, 3000);
    server = rtsp_server(port);
    g_assert_true(wait_input_state(&r, p, "live", 20000));
    g_assert_true(wait_frames(&r, p, 60, 10000));
    stop_clean(p, &r);
    g_autofree char *file = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    kill_source(server);
    check_green_slate_green(file, first_rt, killed_rt);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

int main(int argc, char **argv)
{
    g_log_set_writer_func(str_test_log_writer, NULL, NULL);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streamer/input/rtmp-pull-slate-then-back", test_rtmp_pull_slate_then_back);
    g_test_add_func("/streamer/input/rtsp-pull-slate-then-back", test_rtsp_pull_slate_then_back);
    int rc = g_test_run();
    if (gst_is_initialized()) {
        gst_deinit();
    }
    return rc;
}
