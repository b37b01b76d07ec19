/* Tests for str_pipeline: real GStreamer pipelines with the test: input, checked with ffprobe and
 * ffmpeg on the files they write.
 *
 * Threads: the test runs a GMainLoop on the main thread (the streamer's bus watches and timers
 * live there); the overlay callback runs on a streaming thread and only touches atomics. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>
#include <utime.h>
#include <string.h>

#include "jc_error.h"
#include "str_output.h"
#include "str_pipeline.h"
#include "jc_uri.h"
#include "str_test.h"

/* Everything the streamer logs, so that a test can check no stream key leaks. */
static GMutex log_lock;
static GString *log_text;

static void test_profile_lookup(void)
{
    g_autoptr(GError) error = NULL;
    const StrProfile *p = str_profile_lookup("1080p30", &error);
    g_assert_no_error(error);
    g_assert_nonnull(p);
    g_assert_cmpint(p->width, ==, 1920);
    g_assert_cmpint(p->height, ==, 1080);
    g_assert_cmpint(p->fps, ==, 30);
    g_assert_cmpint(p->video_kbps, ==, 4500);
    g_assert_cmpint(p->audio_kbps, ==, 128);
    p = str_profile_lookup("720x1280", &error);
    g_assert_no_error(error);
    g_assert_cmpint(p->width, ==, 720);
    g_assert_cmpint(p->height, ==, 1280);
    g_assert_cmpint(p->video_kbps, ==, 2500);
}

static void test_profile_unknown_rejected(void)
{
    g_autoptr(GError) error = NULL;
    g_assert_null(str_profile_lookup("4k60", &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "4k60"));
    g_assert_nonnull(strstr(error->message, "720p30"));
    g_assert_nonnull(strstr(error->message, "1080x1920"));
}

/* Each profile turned to each layout: the same size class, the other orientation. */
static void test_profile_for_layout(void)
{
    static const char *const pairs[][2] = {{"720p30", "720x1280"}, {"1080p30", "1080x1920"}};
    for (gsize i = 0; i < G_N_ELEMENTS(pairs); i++) {
        const StrProfile *land = str_profile_lookup(pairs[i][0], NULL);
        const StrProfile *port = str_profile_lookup(pairs[i][1], NULL);
        g_assert_true(str_profile_for_layout(land, "9:16") == port);
        g_assert_true(str_profile_for_layout(land, "16:9") == land);
        g_assert_true(str_profile_for_layout(port, "16:9") == land);
        g_assert_true(str_profile_for_layout(port, "9:16") == port);
        g_assert_cmpstr(str_profile_layout(land), ==, "16:9");
        g_assert_cmpstr(str_profile_layout(port), ==, "9:16");
    }
}

static void test_input_unsupported_rejected(void)
{
    Run r;
    run_init(&r);
    StrConfig cfg = config(&r, NULL);
    cfg.input_uri = "ftp://127.0.0.1:9000/cam";
    g_autoptr(GError) error = NULL;
    g_assert_null(str_pipeline_new(&cfg, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "ftp://127.0.0.1:9000/cam"));
    g_assert_nonnull(strstr(error->message, "test:"));
    g_assert_nonnull(strstr(error->message, "srt://"));
    g_clear_error(&error);
    cfg.input_uri = "file:///nonexistent/show.mp4";
    g_assert_null(str_pipeline_new(&cfg, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "no such file"));
    g_clear_error(&error);
    /* A separate sound track must exist too. */
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *self_uri = g_filename_to_uri(self, NULL, NULL);
    g_autofree char *with_audio = g_strconcat(self_uri, "?audio=file:///nonexistent/a.wav", NULL);
    cfg.input_uri = with_audio;
    g_assert_null(str_pipeline_new(&cfg, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "a.wav"));
    g_main_loop_unref(r.loop);
}

static void test_output_unknown_scheme_rejected(void)
{
    Run r;
    run_init(&r);
    StrConfig cfg = config(&r, NULL);
    const char *outputs[] = {"udp://example.com:9000", NULL};
    cfg.outputs = outputs;
    g_autoptr(GError) error = NULL;
    g_assert_null(str_pipeline_new(&cfg, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_clear_error(&error);
    const char *bad_ext[] = {"file:///tmp/x.avi", NULL};
    cfg.outputs = bad_ext;
    g_assert_null(str_pipeline_new(&cfg, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_main_loop_unref(r.loop);
}

static void test_output_uri_redacted(void)
{
    g_autofree char *a = jc_uri_redact("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-1234");
    g_assert_cmpstr(a, ==, "rtmp://a.rtmp.youtube.com/live2/***");
    g_autofree char *b = jc_uri_redact("rtmps://user:pw@host:443/app?key=s3cret");
    g_assert_cmpstr(b, ==, "rtmps://***@host:443/***?***");
    g_autofree char *c = jc_uri_redact("file:///tmp/out.mkv");
    g_assert_cmpstr(c, ==, "file:///tmp/out.mkv");
}

static void test_record_playable(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrConfig cfg = config(&r, dir);
    g_autofree char *file = run_show(&cfg, &r, 3000, 5000);
    g_assert_nonnull(file);
    g_autofree char *base = g_path_get_basename(file);
    g_assert_true(g_str_has_prefix(base, "show-"));
    g_assert_true(g_str_has_suffix(base, ".mp4"));
    double duration = check_playable(file);
    g_assert_cmpfloat(duration, >=, 2.5);
    /* Everything up to the stop and nothing more (timers run late on a loaded machine: compare
     * with what the program ran, not with what was asked). */
    g_assert_cmpfloat(duration, <=, r.ran + r.stop_took + 0.5);
    g_assert_cmpuint(r.stopped_count, ==, 1);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* Elements of the program made by factory (recursing into bins). */
static guint count_factory(StrPipeline *p, const char *factory)
{
    guint n = 0;
    GstIterator *it = gst_bin_iterate_recurse(GST_BIN(str_pipeline_bin(p)));
    GValue item = G_VALUE_INIT;
    while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
        GstElementFactory *f = gst_element_get_factory(g_value_get_object(&item));
        n += f != NULL && g_strcmp0(GST_OBJECT_NAME(f), factory) == 0;
        g_value_reset(&item);
    }
    g_value_unset(&item);
    gst_iterator_free(it);
    return n;
}

/* An overlay-only show (no recording, no output: the overlay goes to OBS through /overlay)
 * encodes nothing, yet plays, draws the overlay into its preview and stops cleanly; one that
 * records has both encoders. */
static void test_encode_none_without_takers(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrConfig rec = config(&r, dir);
    g_autoptr(GError) error = NULL;
    StrPipeline *with = str_pipeline_new(&rec, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(count_factory(with, "x264enc"), ==, 1);
    g_assert_cmpuint(count_factory(with, "avenc_aac"), ==, 1);
    str_pipeline_free(with);
    remove_tree(dir);

    StrConfig cfg = config(&r, NULL);
    StrPipeline *p = start_playing(&cfg, &r);
    g_assert_cmpuint(count_factory(p, "x264enc"), ==, 0);
    g_assert_cmpuint(count_factory(p, "avenc_aac"), ==, 0);
    g_assert_cmpuint(count_factory(p, "jobcastoverlay"), ==, 1);
    run_for(&r, 1500);
    g_autoptr(GBytes) jpeg = str_pipeline_preview_jpeg(p, NULL);
    g_assert_nonnull(jpeg);
    stop_clean(p, &r);
    str_pipeline_free(p);
    g_main_loop_unref(r.loop);
}

static void test_record_keyframe_interval(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrConfig cfg = config(&r, dir);
    g_autofree char *file = run_show(&cfg, &r, 4500, 5000);
    g_autoptr(JsonNode) root = ffprobe(file, "-show_frames", "frame=key_frame,pts_time");
    JsonArray *frames = json_object_get_array_member(json_node_get_object(root), "frames");
    guint n = json_array_get_length(frames);
    g_assert_cmpuint(n, >=, 100);
    double last_key = -1.0;
    double end = 0.0;
    guint keys = 0;
    for (guint i = 0; i < n; i++) {
        JsonObject *f = json_array_get_object_element(frames, i);
        double t = g_ascii_strtod(json_object_get_string_member(f, "pts_time"), NULL);
        end = MAX(end, t);
        if (json_object_get_int_member(f, "key_frame") == 1) {
            if (last_key >= 0.0) {
                g_assert_cmpfloat(t - last_key, <=, 2.01);
            } else {
                g_assert_cmpfloat(t, <, 0.1); /* the recording starts on a keyframe */
            }
            last_key = t;
            keys++;
        }
    }
    g_assert_cmpuint(keys, >=, 2);
    g_assert_cmpfloat(end - last_key, <=, 2.01);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

#define RECT_X 100
#define RECT_Y 80
#define RECT_W 160
#define RECT_H 96

typedef struct {
    GstVideoOverlayComposition *comp; /* ref, built before the show */
    GThread *main_thread;
    gint calls;    /* atomic */
    gint off_main; /* atomic: calls made on a thread other than main */
} OverlayProbe;

static GstVideoOverlayComposition *red_overlay(gpointer data)
{
    OverlayProbe *o = data;
    g_atomic_int_inc(&o->calls);
    if (g_thread_self() != o->main_thread) {
        g_atomic_int_inc(&o->off_main);
    }
    return gst_video_overlay_composition_ref(o->comp);
}

static GstVideoOverlayComposition *red_composition(void)
{
    GstBuffer *buf = gst_buffer_new_allocate(NULL, RECT_W * RECT_H * 4, NULL);
    GstMapInfo map;
    g_assert_true(gst_buffer_map(buf, &map, GST_MAP_WRITE));
    guint32 *px = (guint32 *)map.data;
    for (guint i = 0; i < RECT_W * RECT_H; i++) {
        px[i] = 0xffff0000u; /* native-endian ARGB: opaque red */
    }
    gst_buffer_unmap(buf, &map);
    gst_buffer_add_video_meta(buf, GST_VIDEO_FRAME_FLAG_NONE,
                              GST_VIDEO_OVERLAY_COMPOSITION_FORMAT_RGB, RECT_W, RECT_H);
    GstVideoOverlayRectangle *rect = gst_video_overlay_rectangle_new_raw(
        buf, RECT_X, RECT_Y, RECT_W, RECT_H, GST_VIDEO_OVERLAY_FORMAT_FLAG_NONE);
    gst_buffer_unref(buf);
    GstVideoOverlayComposition *comp = gst_video_overlay_composition_new(rect);
    gst_video_overlay_rectangle_unref(rect);
    return comp;
}

static void test_overlay_drawn(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    OverlayProbe probe = {.comp = red_composition(), .main_thread = g_thread_self()};
    StrConfig cfg = config(&r, dir);
    cfg.overlay = red_overlay;
    cfg.overlay_data = &probe;
    g_autofree char *file = run_show(&cfg, &r, 3000, 5000);
    g_assert_cmpint(g_atomic_int_get(&probe.calls), >, 30);
    g_assert_cmpint(g_atomic_int_get(&probe.off_main), ==, g_atomic_int_get(&probe.calls));

    const char *argv[] = {"ffmpeg", "-v", "error",    "-ss",      "2",     "-i", file, "-frames:v",
                          "1",      "-f", "rawvideo", "-pix_fmt", "rgb24", "-",  NULL};
    g_autoptr(GError) error = NULL;
    gint status = 0;
    gsize len = 0;
    g_autoptr(GSubprocess) proc = g_subprocess_newv(
        argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) stdout_bytes = NULL;
    g_assert_true(g_subprocess_communicate(proc, NULL, NULL, &stdout_bytes, NULL, &error));
    g_assert_no_error(error);
    status = g_subprocess_get_exit_status(proc);
    g_assert_cmpint(status, ==, 0);
    const guint8 *rgb = g_bytes_get_data(stdout_bytes, &len);
    g_assert_cmpuint(len, ==, 1280 * 720 * 3);
    /* Sample inside the rectangle, away from its chroma-subsampled edges. */
    for (int y = RECT_Y + 8; y < RECT_Y + RECT_H - 8; y += 20) {
        for (int x = RECT_X + 8; x < RECT_X + RECT_W - 8; x += 20) {
            const guint8 *p = rgb + ((gsize)y * 1280 + (gsize)x) * 3;
            g_assert_cmpuint(p[0], >, 200);
            g_assert_cmpuint(p[1], <, 60);
            g_assert_cmpuint(p[2], <, 60);
        }
    }
    gst_video_overlay_composition_unref(probe.comp);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

static void test_output_file(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *out_path = g_build_filename(dir, "extra-output.mp4", NULL);
    g_autofree char *out_uri = g_filename_to_uri(out_path, NULL, NULL);
    const char *outputs[] = {out_uri, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    g_autofree char *file = run_show(&cfg, &r, 3000, 5000);
    double rec = check_playable(file);
    double out = check_playable(out_path);
    g_assert_cmpfloat(out, >=, 2.0);
    g_assert_cmpfloat(out, <=, rec + 0.1);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

static void test_output_dead_rtmp_isolated(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *uri =
        g_strdup_printf("rtmp://127.0.0.1:%u/live/sekrit-key-42", jc_test_free_port());
    const char *outputs[] = {uri, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    /* 3.5 s: the output fails, waits 2 s, fails again, all while the program records. */
    g_autofree char *file = run_show(&cfg, &r, 3500, 3000);
    double duration = check_playable(file);
    g_assert_cmpfloat(duration, >=, 3.0);
    /* ... and kept time: the recording's length alone would not show a stall that the program's
     * videorate then filled with repeated frames. An output that blocked the program would stop
     * it for its whole connection timeout (seconds); a loaded machine (the sanitised build beside
     * the other tests) can starve the program's thread for a few hundred milliseconds, which
     * `stalls` (250 ms) counts, so the bound here is a second. */
    g_assert_cmpfloat(r.longest_gap, <, 1.0);
    g_mutex_lock(&log_lock);
    g_assert_nonnull(strstr(log_text->str, "rtmp://127.0.0.1"));
    g_assert_null(strstr(log_text->str, "sekrit"));
    g_mutex_unlock(&log_lock);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

static void test_output_stalled_rtmp_isolated(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    /* A server that accepts the TCP connection (the kernel does, from the backlog) and then never
     * answers the RTMP handshake: the output stalls instead of failing. */
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) sock =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_assert_true(g_socket_bind(sock, any, FALSE, &error));
    g_assert_true(g_socket_listen(sock, &error));
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(sock, &error);
    guint16 port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    g_autofree char *uri = g_strdup_printf("rtmp://127.0.0.1:%u/live/stalled", port);
    const char *outputs[] = {uri, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    /* run_show asserts that stop returns within its timeout (+0.5 s) despite the stuck output,
     * before rtmp2sink gives up connecting (5 s): the hard stop is what ends it. */
    g_autofree char *file = run_show(&cfg, &r, 3000, 1000);
    g_assert_cmpfloat(check_playable(file), >=, 2.8);
    g_assert_cmpfloat(r.longest_gap, <, 1.0); /* see dead-rtmp-isolated */
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

static void test_output_rtmp_reconnects(void)
{
    if (!have_nginx_rtmp()) {
        return;
    }
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    guint16 port = jc_test_free_port();
    g_autofree char *uri = g_strdup_printf("rtmp://127.0.0.1:%u/live/key", port);
    const char *outputs[] = {uri, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    GSubprocess *nginx = jc_test_nginx_start(dir, port, 0);
    g_autoptr(GError) error = NULL;
    StrPipeline *p = start_playing(&cfg, &r);
    run_for(&r, 2000);
    /* The server goes away and comes back: the output must find it again by itself (first
     * retry after 2 s) and restart at a keyframe. */
    jc_test_nginx_stop(nginx);
    nginx = jc_test_nginx_start(dir, port, 0);
    run_for(&r, 4500);
    stop_clean(p, &r);
    g_autofree char *recording = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    jc_test_nginx_stop(nginx);

    g_assert_cmpfloat(check_playable(recording), >=, 6.0);
    g_autoptr(GPtrArray) files = received_files(dir);
    g_assert_cmpuint(files->len, ==, 2);
    for (guint i = 0; i < files->len; i++) {
        const char *file = g_ptr_array_index(files, i);
        g_assert_cmpfloat(check_playable(file), >=, 1.0);
        g_autoptr(JsonNode) root = ffprobe(file, "-show_frames", "frame=key_frame,pts_time");
        JsonArray *frames = json_object_get_array_member(json_node_get_object(root), "frames");
        g_assert_cmpuint(json_array_get_length(frames), >, 30);
        JsonObject *first = json_array_get_object_element(frames, 0);
        g_assert_cmpint(json_object_get_int_member(first, "key_frame"), ==, 1);
        g_assert_cmpfloat(g_ascii_strtod(json_object_get_string_member(first, "pts_time"), NULL), <,
                          0.1);
    }
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

static void test_stop_twice_safe(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrConfig cfg = config(&r, dir);
    g_autoptr(GError) error = NULL;

    /* Never started: stop reports STOPPED once, from the loop. */
    StrPipeline *idle = str_pipeline_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_false(GST_CLOCK_TIME_IS_VALID(str_pipeline_running_time(idle)));
    str_pipeline_stop(idle, 1000);
    str_pipeline_stop(idle, 1000);
    g_assert_false(r.stopped);
    g_assert_true(wait_for(&r, &r.stopped, 3000));
    run_for(&r, 200);
    g_assert_cmpuint(r.stopped_count, ==, 1);
    str_pipeline_free(idle);

    /* Playing: two stops, one STOPPED, and a third stop after it is a no-op. */
    r.stopped = FALSE;
    r.stopped_count = 0;
    StrPipeline *p = str_pipeline_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_true(str_pipeline_start(p, &error));
    g_assert_true(wait_for(&r, &r.playing, 10000));
    run_for(&r, 500);
    str_pipeline_stop(p, 3000);
    str_pipeline_stop(p, 3000);
    g_assert_true(wait_for(&r, &r.stopped, 5000));
    str_pipeline_stop(p, 3000);
    run_for(&r, 300);
    g_assert_cmpuint(r.stopped_count, ==, 1);
    g_assert_false(GST_CLOCK_TIME_IS_VALID(str_pipeline_running_time(p)));
    g_assert_false(str_pipeline_start(p, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_CONFLICT);
    str_pipeline_free(p);
    str_pipeline_free(NULL);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* ---- slate and input failover ------------------------------------------------------------- */

static void test_input_file_ends_slate_then_back(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *clip = make_green_clip(dir, TRUE);
    g_autofree char *uri = g_filename_to_uri(clip, NULL, NULL);
    StrConfig cfg = config(&r, dir);
    cfg.input_uri = uri;
    /* The clip plays (2 s), ends, the slate shows while the input is reopened after 2 s, and the
     * clip plays again. 11.5 s, not the 5.5 s this takes on an idle machine: in the sanitised
     * build beside the other tests, opening the clip took up to 3.3 s and reopening it long
     * enough (program gaps of 0.7 s) that its second run had not shown a second of green by
     * 7.5 s. */
    g_autofree char *file = run_show(&cfg, &r, 11500, 5000);
    g_assert_cmpfloat(check_playable(file), >=, 7.0);
    g_autoptr(GArray) seq = shown_sequence(file);
    g_autoptr(GArray) runs = runs_of(seq);
    int first = find_run(runs, 0, SHOW_GREEN, 10);
    g_assert_cmpint(first, >=, 0);
    /* The clip was on air soon after the start (generous: a functional bound, under load; the
     * sanitised build beside another test took 3.3 s to open the file). */
    guint before = 0;
    for (int i = 0; i < first; i++) {
        before += g_array_index(runs, guint, (guint)i * 2 + 1);
    }
    g_assert_cmpfloat((double)before / SAMPLE_FPS, <=, 5.0);
    /* 2 s of clip, then the slate within a second of its end (its last frame is held 0.5 s). */
    g_assert_cmpfloat(run_seconds(runs, first), <=, 3.0);
    int slate = find_run(runs, (guint)first + 1, SHOW_SLATE, 5);
    g_assert_cmpint(slate, ==, first + 1);
    g_assert_cmpfloat(run_seconds(runs, slate), >=, 1.0);
    g_assert_cmpfloat(run_seconds(runs, slate), <=, 4.0);
    int again = find_run(runs, (guint)slate + 1, SHOW_GREEN, 10);
    g_assert_cmpint(again, ==, slate + 1);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

static void test_input_file_loops(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *clip = make_green_clip(dir, TRUE);
    g_autofree char *plain = g_filename_to_uri(clip, NULL, NULL);
    g_autofree char *uri = g_strconcat(plain, "?loop=1", NULL);
    StrConfig cfg = config(&r, dir);
    cfg.input_uri = uri;
    g_autofree char *file = run_show(&cfg, &r, 5000, 5000);
    g_autoptr(GArray) seq = shown_sequence(file);
    g_autoptr(GArray) runs = runs_of(seq);
    /* Looped: green from the first second to the end, no slate in between. */
    int first = find_run(runs, 0, SHOW_GREEN, 10);
    g_assert_cmpint(first, >=, 0);
    g_assert_cmpint(find_run(runs, (guint)first, SHOW_SLATE, 1), ==, -1);
    g_assert_cmpfloat(run_seconds(runs, first), >=, 3.5);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* A camera that is not there (unplugged, or this machine, which has none): v4l2src fails, the
 * input says why and retries, and the program plays on the slate all along. */
static void test_input_camera_missing(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrConfig cfg = config(&r, dir);
    cfg.input_uri = "v4l2:///dev/video-jobcast-missing";
    StrPipeline *p = start_playing(&cfg, &r);
    g_assert_true(wait_input_state(&r, p, "failed", 8000));
    g_autoptr(StrStatus) s = str_pipeline_status(p);
    g_assert_cmpstr(s->program, ==, "playing");
    g_assert_nonnull(s->input.error);
    g_test_message("input error: %s", s->input.error);
    g_assert_true(strstr(s->input.error, "/dev/video-jobcast-missing") != NULL);
    g_assert_cmpfloat(s->input.retry_in, >, 0.0);
    run_for(&r, 1500);
    g_autoptr(StrStatus) later = str_pipeline_status(p);
    g_assert_cmpstr(later->program, ==, "playing");
    g_assert_cmpfloat(later->running, >=, 1.5);
    stop_clean(p, &r);
    g_autofree char *file = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    /* The slate was recorded the whole time. */
    g_assert_cmpfloat(check_playable(file), >=, 1.5);
    g_autoptr(GArray) seq = shown_sequence(file);
    g_autoptr(GArray) runs = runs_of(seq);
    g_assert_cmpint(find_run(runs, 0, SHOW_GREEN, 1), ==, -1);
    g_assert_cmpint(find_run(runs, 0, SHOW_SLATE, 10), >=, 0);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* gst-launch pushing 3 s of green H.264 in MPEG-TS to an SRT listener on 127.0.0.1:port. */
static GSubprocess *srt_sender(guint16 port)
{
    g_autofree char *sink = g_strdup_printf("uri=srt://127.0.0.1:%u?mode=caller", port);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(
        G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    /* gst-launch is not built with ASan: it must not load our (possibly ASan) plugin. */
    g_subprocess_launcher_unsetenv(launcher, "GST_PLUGIN_PATH");
    GSubprocess *proc = g_subprocess_launcher_spawn(
        launcher, &error, "gst-launch-1.0", "-q", "videotestsrc", "is-live=true", "num-buffers=90",
        "pattern=solid-color", "foreground-color=0xff00ff00", "!",
        "video/x-raw,width=640,height=360,framerate=30/1", "!", "x264enc", "tune=zerolatency",
        "speed-preset=ultrafast", "key-int-max=10", "!", "mpegtsmux", "!", "srtsink", sink,
        "latency=50", NULL);
    g_assert_no_error(error);
    return proc;
}

static void test_input_srt_sender_disconnects(void)
{
    Run r;
    run_init(&r);
    GstElementFactory *srt = gst_element_factory_find("srtsrc");
    if (srt == NULL) {
        g_test_skip("srtsrc is not installed");
        g_main_loop_unref(r.loop);
        return;
    }
    gst_object_unref(srt);
    g_autofree char *dir = make_tmp();
    guint16 port = jc_test_free_port();
    g_autofree char *uri = g_strdup_printf("srt://127.0.0.1:%u?mode=listener", port);
    StrConfig cfg = config(&r, dir);
    cfg.input_uri = uri;
    g_autoptr(GError) error = NULL;
    StrPipeline *p = start_playing(&cfg, &r);
    run_for(&r, 500);
    /* A phone pushes, then hangs up; the listener is reopened and a second push is on air. A
     * sender that found no listener yet (the reopening is asynchronous) is started again. */
    for (int push = 0; push < 2; push++) {
        g_autoptr(StrStatus) before = str_pipeline_status(p);
        guint64 frames = before->input.frames;
        gboolean pushed = FALSE;
        for (int attempt = 0; attempt < 4 && !pushed; attempt++) {
            g_assert_true(wait_input_state(&r, p, "connecting", 15000));
            g_autoptr(GSubprocess) sender = srt_sender(port);
            Waited w = {.run = &r};
            g_subprocess_wait_async(sender, NULL, on_waited, &w);
            g_assert_true(wait_for(&r, &w.done, 20000));
            g_autoptr(StrStatus) s = str_pipeline_status(p);
            pushed = s->input.frames > frames + 10;
            if (!pushed) {
                g_test_message("push %d attempt %d: only %" G_GUINT64_FORMAT " frames", push,
                               attempt, s->input.frames - frames);
                run_for(&r, 500);
            }
        }
        g_assert_true(pushed);
    }
    run_for(&r, 1000);
    stop_clean(p, &r);
    g_autofree char *file = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    check_playable(file);
    g_autoptr(GArray) seq = shown_sequence(file);
    g_autoptr(GArray) runs = runs_of(seq);
    int first = find_run(runs, 0, SHOW_GREEN, 5);
    g_assert_cmpint(first, >=, 0);
    g_assert_cmpint(find_run(runs, 0, SHOW_SLATE, 3), <, first); /* slate before the push */
    /* The 3 s push, then the slate within a second of the hang-up. */
    g_assert_cmpfloat(run_seconds(runs, first), <=, 4.0);
    int slate = find_run(runs, (guint)first + 1, SHOW_SLATE, 5);
    g_assert_cmpint(slate, ==, first + 1);
    g_assert_cmpint(find_run(runs, (guint)slate + 1, SHOW_GREEN, 5), >, slate);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* ---- status and preview ------------------------------------------------------------------- */

static void test_status_dead_output_reconnecting(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *uri =
        g_strdup_printf("rtmp://127.0.0.1:%u/live/sekrit-key-42", jc_test_free_port());
    const char *outputs[] = {uri, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    g_autoptr(GError) error = NULL;
    StrPipeline *p = str_pipeline_new(&cfg, &error);
    g_assert_no_error(error);
    g_autoptr(StrStatus) built = str_pipeline_status(p);
    g_assert_cmpstr(built->program, ==, "built");
    g_assert_true(str_pipeline_start(p, &error));
    g_assert_true(wait_for(&r, &r.playing, 10000));
    /* 2.5 s: the first fragment of the recording is on disk, the output has failed twice. */
    run_for(&r, 2500);
    g_autoptr(StrStatus) s = str_pipeline_status(p);
    g_assert_cmpstr(s->program, ==, "playing");
    g_assert_cmpfloat(s->running, >=, 1.0);
    g_assert_cmpstr(s->input.uri, ==, "test:");
    g_assert_cmpstr(s->input.state, ==, "live");
    g_assert_cmpuint(s->input.frames, >, 10);
    g_assert_cmpfloat(s->input.fps, >, 15.0);
    g_assert_cmpfloat(s->input.uptime, >, 0.5);
    g_assert_cmpstr(s->recording.state, ==, "recording");
    g_assert_nonnull(s->recording.path);
    /* The first fragments reach the disk within a few seconds (filesink buffers 64 KB). */
    for (int i = 0; i < 50 && s->recording.bytes == 0; i++) {
        run_for(&r, 100);
        str_status_free(g_steal_pointer(&s));
        s = str_pipeline_status(p);
    }
    g_assert_cmpuint(s->recording.bytes, >, 0);
    g_assert_cmpuint(s->outputs->len, ==, 1);
    StrOutputStatus *o = g_ptr_array_index(s->outputs, 0);
    g_assert_cmpstr(o->state, ==, "reconnecting");
    g_assert_cmpfloat(o->retry_in, >, 0.0);
    g_assert_cmpfloat(o->retry_in, <=, 2.0 * 1.5 * 1.5 * 1.1); /* a third delay at most */
    g_assert_cmpfloat(o->kbps, ==, 0.0);
    g_assert_cmpuint(o->attempts, >=, 1);
    g_assert_nonnull(o->error);
    g_assert_null(strstr(o->uri, "sekrit"));
    g_assert_null(strstr(o->error, "sekrit"));
    g_assert_true(g_str_has_prefix(o->uri, "rtmp://127.0.0.1"));
    str_pipeline_stop(p, 3000);
    g_assert_true(wait_for(&r, &r.stopped, 5000));
    g_autoptr(StrStatus) done = str_pipeline_status(p);
    g_assert_cmpstr(done->program, ==, "stopped");
    g_assert_cmpstr(done->input.state, ==, "stopped");
    g_assert_cmpstr(done->recording.state, ==, "stopped");
    g_assert_cmpstr(((StrOutputStatus *)g_ptr_array_index(done->outputs, 0))->state, ==, "stopped");
    str_pipeline_free(p);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* JPEG's size from its first SOF marker, or FALSE. */
static gboolean jpeg_size(const guint8 *d, gsize n, guint *w, guint *h)
{
    if (n < 4 || d[0] != 0xff || d[1] != 0xd8 || d[n - 2] != 0xff || d[n - 1] != 0xd9) {
        return FALSE;
    }
    for (gsize i = 2; i + 9 < n;) {
        if (d[i] != 0xff) {
            return FALSE;
        }
        guint8 marker = d[i + 1];
        gsize len = (gsize)d[i + 2] << 8 | d[i + 3];
        if (marker >= 0xc0 && marker <= 0xc3) {
            *h = (guint)d[i + 5] << 8 | d[i + 6];
            *w = (guint)d[i + 7] << 8 | d[i + 8];
            return TRUE;
        }
        i += 2 + len;
    }
    return FALSE;
}

/* Nobody asks for the thumbnail: one every 2 s, not 4 a second (scaling and encoding them
 * cost 2-3% of a 720p show); someone asks: back to about 4 a second. */
static void test_preview_idle_slow(void)
{
    Run r;
    run_init(&r);
    StrConfig cfg = config(&r, NULL);
    StrPipeline *p = start_playing(&cfg, &r);
    run_for(&r, 4500);
    gint64 idle = 0;
    g_autoptr(GBytes) first = str_pipeline_preview_jpeg(p, &idle);
    g_assert_nonnull(first); /* a page that starts looking gets a picture at once */
    g_test_message("%" G_GINT64_FORMAT " thumbnails in 4.5 s unwatched", idle);
    g_assert_cmpint(idle, >=, 1);
    g_assert_cmpint(idle, <=, 4);
    run_for(&r, 500);
    gint64 seq1 = 0;
    g_autoptr(GBytes) a = str_pipeline_preview_jpeg(p, &seq1);
    run_for(&r, 1000);
    gint64 seq2 = 0;
    g_autoptr(GBytes) b = str_pipeline_preview_jpeg(p, &seq2);
    /* Back to full rate (its pace is /streamer/preview/jpeg's business: under ASan a backlog
     * of frames can come out at once here). */
    g_assert_cmpint(seq2 - seq1, >=, 2);
    stop_clean(p, &r);
    str_pipeline_free(p);
    g_main_loop_unref(r.loop);
}

static void test_preview_jpeg(void)
{
    Run r;
    run_init(&r);
    StrConfig cfg = config(&r, NULL);
    OverlayProbe probe = {.comp = red_composition(), .main_thread = g_thread_self()};
    cfg.overlay = red_overlay;
    cfg.overlay_data = &probe;
    g_autoptr(GError) error = NULL;
    StrPipeline *p = str_pipeline_new(&cfg, &error);
    g_assert_no_error(error);
    gint64 seq = -1;
    g_assert_null(str_pipeline_preview_jpeg(p, &seq));
    g_assert_cmpint(seq, ==, 0);
    g_assert_true(str_pipeline_start(p, &error));
    g_assert_true(wait_for(&r, &r.playing, 10000));
    run_for(&r, 1500);
    gint64 seq1 = 0;
    g_autoptr(GBytes) a = str_pipeline_preview_jpeg(p, &seq1);
    g_assert_nonnull(a);
    g_assert_cmpint(seq1, >=, 1);
    run_for(&r, 1000);
    gint64 seq2 = 0;
    g_autoptr(GBytes) b = str_pipeline_preview_jpeg(p, &seq2);
    /* About 4 a second. */
    g_assert_cmpint(seq2 - seq1, >=, 2);
    g_assert_cmpint(seq2 - seq1, <=, 6);
    gsize n = 0;
    const guint8 *d = g_bytes_get_data(b, &n);
    guint w = 0;
    guint h = 0;
    g_assert_true(jpeg_size(d, n, &w, &h));
    g_assert_cmpuint(w, ==, 480);
    g_assert_cmpuint(h, ==, 270);
    g_assert_cmpuint(n, <, 100000);
    /* It decodes, and it is the program after the overlay: the red rectangle is in it. */
    g_autofree char *dir = make_tmp();
    g_autofree char *jpg = g_build_filename(dir, "preview.jpg", NULL);
    g_assert_true(g_file_set_contents(jpg, (const char *)d, (gssize)n, NULL));
    const char *argv[] = {"ffmpeg",   "-v",       "error", "-i", jpg, "-f",
                          "rawvideo", "-pix_fmt", "rgb24", "-",  NULL};
    g_autoptr(GSubprocess) proc = g_subprocess_newv(
        argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) rgb = NULL;
    g_assert_true(g_subprocess_communicate(proc, NULL, NULL, &rgb, NULL, &error));
    gsize rgb_len = 0;
    const guint8 *px0 = g_bytes_get_data(rgb, &rgb_len);
    g_assert_cmpuint(rgb_len, ==, 480 * 270 * 3);
    /* Centre of the red rectangle, scaled by 480/1280. */
    gsize x = (RECT_X + RECT_W / 2) * 480 / 1280;
    gsize y = (RECT_Y + RECT_H / 2) * 480 / 1280;
    const guint8 *px = px0 + (y * 480 + x) * 3;
    g_assert_cmpuint(px[0], >, 180);
    g_assert_cmpuint(px[1], <, 80);
    remove_tree(dir);
    str_pipeline_stop(p, 3000);
    g_assert_true(wait_for(&r, &r.stopped, 5000));
    str_pipeline_free(p);
    gst_video_overlay_composition_unref(probe.comp);
    g_main_loop_unref(r.loop);
}

/* ---- RTMP: two destinations, pulled back; a server killed and restarted -------------------- */

static void test_output_two_rtmp_apps(void)
{
    if (!have_nginx_rtmp()) {
        return;
    }
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    guint16 port = jc_test_free_port();
    g_autofree char *one = g_strdup_printf("rtmp://127.0.0.1:%u/live/one", port);
    g_autofree char *two = g_strdup_printf("rtmp://127.0.0.1:%u/other/two", port);
    const char *outputs[] = {one, two, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    GSubprocess *nginx = jc_test_nginx_start(dir, port, 0);
    g_autoptr(GError) error = NULL;
    StrPipeline *p = start_playing(&cfg, &r);
    g_assert_true(wait_output_live(&r, p, 0, 10000));
    g_assert_true(wait_output_live(&r, p, 1, 10000));
    Probe a = {.run = &r};
    Probe b = {.run = &r};
    g_autoptr(GSubprocess) pa = pull_start(&a, one);
    g_autoptr(GSubprocess) pb = pull_start(&b, two);
    g_assert_true(wait_for(&r, &a.done, 20000));
    g_assert_true(wait_for(&r, &b.done, 20000));
    g_autoptr(StrStatus) s = str_pipeline_status(p);
    for (guint i = 0; i < 2; i++) {
        StrOutputStatus *o = g_ptr_array_index(s->outputs, i);
        g_assert_cmpstr(o->state, ==, "live");
        /* At most 2.5 Mbit/s video + audio; the moving ball compresses to far less. */
        g_assert_cmpfloat(o->kbps, >, 50.0);
        g_assert_cmpfloat(o->kbps, <, 8000.0);
        g_assert_cmpuint(o->bytes, >, 100000);
        g_assert_cmpfloat(o->uptime, >, 2.0);
        g_assert_null(o->error);
    }
    stop_clean(p, &r);
    str_pipeline_free(p);
    jc_test_nginx_stop(nginx);
    check_pulled(a.out);
    check_pulled(b.out);
    g_free(a.out);
    g_free(b.out);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* Size of the newest recording nginx has made of stream NAME in dir (0 before it has one). */
static guint64 received_bytes(const char *dir, const char *name)
{
    g_autofree char *prefix = g_strdup_printf("%s-", name);
    guint64 size = 0;
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *entry;
    while (d != NULL && (entry = g_dir_read_name(d)) != NULL) {
        if (g_str_has_prefix(entry, prefix) && g_str_has_suffix(entry, ".flv")) {
            g_autofree char *path = g_build_filename(dir, entry, NULL);
            GStatBuf st;
            if (g_stat(path, &st) == 0)
                size = MAX(size, (guint64)st.st_size);
        }
    }
    if (d != NULL)
        g_dir_close(d);
    return size;
}

/* Largest gap (s) between consecutive video frames of file. */
static double largest_gap(const char *file)
{
    g_autoptr(JsonNode) root = ffprobe(file, "-show_frames", "frame=pts_time");
    JsonArray *frames = json_object_get_array_member(json_node_get_object(root), "frames");
    double prev = -1.0;
    double gap = 0.0;
    for (guint i = 0; i < json_array_get_length(frames); i++) {
        double t = g_ascii_strtod(
            json_object_get_string_member(json_array_get_object_element(frames, i), "pts_time"),
            NULL);
        if (prev >= 0) {
            gap = MAX(gap, t - prev);
        }
        prev = t;
    }
    return gap;
}

static void test_output_rtmp_server_killed(void)
{
    if (!have_nginx_rtmp()) {
        return;
    }
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *dir_a = g_build_filename(dir, "a", NULL);
    g_autofree char *dir_b = g_build_filename(dir, "b", NULL);
    g_assert_cmpint(g_mkdir(dir_a, 0700), ==, 0);
    g_assert_cmpint(g_mkdir(dir_b, 0700), ==, 0);
    guint16 port_a = jc_test_free_port();
    guint16 port_b = jc_test_free_port();
    g_autofree char *one = g_strdup_printf("rtmp://127.0.0.1:%u/live/one", port_a);
    g_autofree char *two = g_strdup_printf("rtmp://127.0.0.1:%u/live/two", port_b);
    const char *outputs[] = {one, two, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    GSubprocess *nginx_a = jc_test_nginx_start(dir_a, port_a, 0);
    GSubprocess *nginx_b = jc_test_nginx_start(dir_b, port_b, 0);
    g_autoptr(GError) error = NULL;
    StrPipeline *p = start_playing(&cfg, &r);
    g_assert_true(wait_output_live(&r, p, 0, 10000));
    g_assert_true(wait_output_live(&r, p, 1, 10000));
    run_for(&r, 1000);
    /* Server A dies without a word and stays away 2.5 s; B must not notice: not in its state,
     * and not in what it receives (server B's own recording keeps growing, every second), nor in
     * the program that feeds it (no stop, no more than half a second of repeated frames). */
    guint64 stalls0, repeated0;
    {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        stalls0 = s->continuity.stalls;
        repeated0 = s->continuity.frames_repeated;
    }
    g_subprocess_send_signal(nginx_a, SIGKILL);
    g_assert_true(g_subprocess_wait(nginx_a, NULL, NULL));
    g_object_unref(nginx_a);
    gboolean a_noticed = FALSE;
    guint64 b_bytes = received_bytes(dir_b, "two");
    gint64 b_grew = g_get_monotonic_time(), b_still = 0;
    for (int i = 0; i < 25; i++) {
        run_for(&r, 100);
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        StrOutputStatus *a = g_ptr_array_index(s->outputs, 0);
        StrOutputStatus *b = g_ptr_array_index(s->outputs, 1);
        a_noticed = a_noticed || g_strcmp0(a->state, "reconnecting") == 0;
        g_assert_cmpstr(b->state, ==, "live");
        guint64 now_bytes = received_bytes(dir_b, "two");
        gint64 now = g_get_monotonic_time();
        if (now_bytes > b_bytes)
            b_grew = now;
        b_still = MAX(b_still, now - b_grew);
        b_bytes = now_bytes;
    }
    g_assert_true(a_noticed);
    g_test_message("server B received nothing for at most %.2f s while A was dead",
                   (double)b_still / G_USEC_PER_SEC);
    g_assert_cmpint(b_still, <, G_TIME_SPAN_SECOND);
    {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        g_test_message("while A was dead: %" G_GUINT64_FORMAT " stalls, %" G_GUINT64_FORMAT
                       " frames repeated",
                       s->continuity.stalls - stalls0, s->continuity.frames_repeated - repeated0);
        /* Bounds as in dead-rtmp-isolated: a blocked program would stop for seconds. */
        g_assert_cmpfloat(s->continuity.longest_gap, <, 1.0);
        g_assert_cmpuint(s->continuity.frames_repeated - repeated0, <=, 15);
    }
    nginx_a = jc_test_nginx_start(dir_a, port_a, 0);
    gint64 back = g_get_monotonic_time();
    g_assert_true(wait_output_live(&r, p, 0, 8000));
    double took = (double)(g_get_monotonic_time() - back) / G_USEC_PER_SEC;
    g_test_message("output back %.1f s after the server", took);
    g_assert_cmpfloat(took, <=, 5.0);
    {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        StrOutputStatus *b = g_ptr_array_index(s->outputs, 1);
        g_assert_cmpstr(b->state, ==, "live");
        g_assert_cmpuint(b->attempts, ==, 0);
    }
    run_for(&r, 1000);
    stop_clean(p, &r);
    g_autofree char *recording = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    jc_test_nginx_stop(nginx_a);
    jc_test_nginx_stop(nginx_b);
    /* The recording has no gap: one frame every 1/30 s throughout. */
    g_assert_cmpfloat(check_playable(recording), >=, 5.0);
    g_assert_cmpfloat(largest_gap(recording), <, 0.1);
    /* Nor has what server B received: its own recording, one file, every frame's timestamp
     * 1/30 s after the one before, from before A died to after it came back. */
    g_autoptr(GPtrArray) b_files = g_ptr_array_new_with_free_func(g_free);
    {
        GDir *d = g_dir_open(dir_b, 0, NULL);
        const char *entry;
        while ((entry = g_dir_read_name(d)) != NULL) {
            if (g_str_has_prefix(entry, "two-") && g_str_has_suffix(entry, ".flv"))
                g_ptr_array_add(b_files, g_build_filename(dir_b, entry, NULL));
        }
        g_dir_close(d);
    }
    g_assert_cmpuint(b_files->len, ==, 1);
    g_assert_cmpfloat(check_playable(b_files->pdata[0]), >=, 4.5);
    g_assert_cmpfloat(largest_gap(b_files->pdata[0]), <, 0.1);
    remove_tree(dir_a);
    remove_tree(dir_b);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* ---- recording: parts by time, kill -9 ------------------------------------------------------ */

static gint compare_paths(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* The recording's files (show-*.mp4) in dir, sorted by name. (transfer full) */
static GPtrArray *recording_parts(const char *dir)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        if (g_str_has_prefix(name, "show-") && g_str_has_suffix(name, ".mp4")) {
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
        }
    }
    g_dir_close(d);
    g_ptr_array_sort(files, compare_paths);
    return files;
}

static void test_record_split_by_time(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrConfig cfg = config(&r, dir);
    cfg.segment_seconds = 2;
    g_autofree char *first = run_show(&cfg, &r, 5500, 5000);
    g_autoptr(GPtrArray) parts = recording_parts(dir);
    g_assert_cmpuint(parts->len, >=, 3);
    g_autofree char *base = g_strndup(first, strlen(first) - strlen(".mp4"));
    double total = 0.0;
    for (guint i = 0; i < parts->len; i++) {
        /* show-STAMP.mp4, then show-STAMP-002.mp4, show-STAMP-003.mp4... */
        g_autofree char *part =
            i == 0 ? g_strdup(first) : g_strdup_printf("%s-%03u.mp4", base, i + 1);
        g_assert_true(g_file_test(part, G_FILE_TEST_IS_REGULAR));
        double d = check_playable(part);
        g_assert_cmpfloat(d, <=, 2.6);
        total += d;
        /* Every part starts with a keyframe, so each plays on its own. */
        g_autoptr(JsonNode) root = ffprobe(part, "-show_frames", "frame=key_frame");
        JsonArray *frames = json_object_get_array_member(json_node_get_object(root), "frames");
        g_assert_cmpuint(json_array_get_length(frames), >, 0);
        g_assert_cmpint(
            json_object_get_int_member(json_array_get_object_element(frames, 0), "key_frame"), ==,
            1);
    }
    g_assert_cmpfloat(total, >=, 5.0);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* Child mode (--child-show DIR): records a show into DIR until killed. */
static int child_show(const char *dir)
{
    Run r;
    run_init(&r);
    StrConfig cfg = config(&r, dir);
    g_autoptr(GError) error = NULL;
    StrPipeline *p = str_pipeline_new(&cfg, &error);
    if (p == NULL || !str_pipeline_start(p, &error)) {
        g_printerr("child show: %s\n", error->message);
        return 1;
    }
    g_main_loop_run(r.loop); /* on_state quits it; run again until the kill */
    for (;;) {
        g_main_loop_run(r.loop);
    }
}

static void test_record_survives_kill(void)
{
    g_autofree char *dir = make_tmp();
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_assert_nonnull(self);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    g_autoptr(GSubprocess) child =
        g_subprocess_launcher_spawn(launcher, &error, self, "--child-show", dir, NULL);
    g_assert_no_error(error);
    /* Let it record about 4 s (its first fragment lands after 1 s), then kill -9. The file's
     * first bytes are its header, written before any fragment: counting from them left about
     * 3 s, and on a loaded machine (a browser test beside it) 1.96 s were whole. So the count
     * starts when the file grows past its first size: the first fragment is in. */
    g_autofree char *file = NULL;
    goffset first_size = 0;
    gboolean fragment = FALSE;
    for (int i = 0; i < 200 && !fragment; i++) { /* 20 s: a sanitised child beside another test */
        g_usleep(100000);
        g_autoptr(GPtrArray) parts = recording_parts(dir);
        GStatBuf st;
        if (parts->len > 0 && g_stat(g_ptr_array_index(parts, 0), &st) == 0 && st.st_size > 0) {
            if (file == NULL) {
                file = g_strdup(g_ptr_array_index(parts, 0));
                first_size = st.st_size;
            }
            fragment = st.st_size > first_size;
        }
    }
    g_assert_nonnull(file);
    g_assert_true(fragment);
    g_usleep(3 * G_USEC_PER_SEC);
    g_subprocess_send_signal(child, SIGKILL);
    g_assert_true(g_subprocess_wait(child, NULL, NULL));
    g_assert_true(g_subprocess_get_if_signaled(child));
    /* Playable up to the last whole fragment: 1 s fragments, about 4 s recorded. */
    double duration = check_playable(file);
    g_assert_cmpfloat(duration, >=, 2.0);
    const char *argv[] = {"ffmpeg", "-v", "error", "-i", file, "-f", "null", "-", NULL};
    g_autoptr(GBytes) out = run_tool(argv);
    remove_tree(dir);
}

static void test_record_stops_before_disk_full(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *out_path = g_build_filename(dir, "extra-output.mkv", NULL);
    g_autofree char *out_uri = g_filename_to_uri(out_path, NULL, NULL);
    const char *outputs[] = {out_uri, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    /* More free space than any disk has: the first check finds the disk "full". */
    cfg.min_free_mb = G_MAXUINT;
    g_autoptr(GError) error = NULL;
    StrPipeline *p = start_playing(&cfg, &r);
    /* The guard acts once the first part has a fragment (1.5 s after it opened), at its 2 s
     * ticks: by 4 s, or 6 s on a loaded machine. */
    run_for(&r, 6500);
    g_autoptr(StrStatus) s = str_pipeline_status(p);
    g_assert_cmpstr(s->recording.state, ==, "disk-full");
    g_assert_cmpuint(s->recording.free_mb, >, 0);
    g_assert_cmpstr(s->program, ==, "playing");
    g_assert_cmpstr(s->input.state, ==, "live");
    /* The show goes on past the guard: the output keeps growing while the recording does not. */
    run_for(&r, 3000);
    stop_clean(p, &r);
    g_autofree char *file = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    /* The recording was finalised when the guard acted, playable; the output ran on for the
     * 3 s after it. A guard that stopped nothing leaves both the same length. (How soon it
     * acts is bounded by the disk-full state read above, not by the recording's length: a
     * starved machine's program runs seconds of media before the test's clock starts.) */
    double rec = check_playable(file);
    double out = check_playable(out_path);
    g_test_message("recording %.2f s, output %.2f s", rec, out);
    g_assert_cmpfloat(out, >=, 7.0);
    g_assert_cmpfloat(out - rec, >=, 1.5);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* A fake recording of size bytes, last written days ago. (transfer full) */
static char *old_recording(const char *dir, const char *name, gsize size, int days)
{
    char *path = g_build_filename(dir, name, NULL);
    g_autofree char *data = g_malloc0(size);
    g_assert_true(g_file_set_contents(path, data, (gssize)size, NULL));
    struct utimbuf t;
    t.actime = t.modtime = time(NULL) - (time_t)days * 24 * 3600;
    g_assert_cmpint(utime(path, &t), ==, 0);
    return path;
}

static void test_record_retention(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *ancient = old_recording(dir, "show-20200101-090000.mp4", 1000, 40);
    g_autofree char *big = old_recording(dir, "show-20260101-090000.mp4", 3u << 20, 2);
    g_autofree char *recent = old_recording(dir, "show-20260102-090000.mp4", 1000, 1);
    g_autofree char *other = old_recording(dir, "notes.txt", 1000, 400);
    StrConfig cfg = config(&r, dir);
    cfg.keep_days = 30; /* the 40-day-old one goes */
    cfg.keep_mb = 2;    /* then the 3 MB one, oldest of the rest, to get under 2 MB */
    g_autofree char *file = run_show(&cfg, &r, 1500, 5000);
    g_assert_false(g_file_test(ancient, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(big, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(recent, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(other, G_FILE_TEST_EXISTS)); /* not a recording */
    check_playable(file);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* Records every message and keeps the streamer's warnings (a failed output is expected in some
 * tests) from aborting the test; everything else goes to GLib's default writer. */
static GLogWriterOutput log_writer(GLogLevelFlags level, const GLogField *fields, gsize n,
                                   gpointer data)
{
    const char *domain = NULL;
    const char *message = NULL;
    for (gsize i = 0; i < n; i++) {
        if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0) {
            domain = fields[i].value;
        } else if (g_strcmp0(fields[i].key, "MESSAGE") == 0) {
            message = fields[i].value;
        }
    }
    if (message != NULL) {
        g_mutex_lock(&log_lock);
        g_string_append_printf(log_text, "%s\n", message);
        g_mutex_unlock(&log_lock);
    }
    if (g_strcmp0(domain, "jobcast-streamer") == 0 && (level & G_LOG_LEVEL_WARNING) != 0) {
        return g_log_writer_standard_streams(level, fields, n, data);
    }
    return g_log_writer_default(level, fields, n, data);
}

int main(int argc, char **argv)
{
    if (argc == 3 && g_strcmp0(argv[1], "--child-show") == 0) {
        return child_show(argv[2]);
    }
    log_text = g_string_new(NULL);
    g_log_set_writer_func(log_writer, NULL, NULL);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streamer/profile/lookup", test_profile_lookup);
    g_test_add_func("/streamer/profile/unknown-rejected", test_profile_unknown_rejected);
    g_test_add_func("/streamer/profile/for-layout", test_profile_for_layout);
    g_test_add_func("/streamer/input/unsupported-rejected", test_input_unsupported_rejected);
    g_test_add_func("/streamer/output/unknown-scheme-rejected",
                    test_output_unknown_scheme_rejected);
    g_test_add_func("/streamer/output/uri-redacted", test_output_uri_redacted);
    g_test_add_func("/streamer/record/playable", test_record_playable);
    g_test_add_func("/streamer/record/keyframe-interval", test_record_keyframe_interval);
    g_test_add_func("/streamer/overlay/drawn", test_overlay_drawn);
    g_test_add_func("/streamer/output/file", test_output_file);
    g_test_add_func("/streamer/output/dead-rtmp-isolated", test_output_dead_rtmp_isolated);
    g_test_add_func("/streamer/output/stalled-rtmp-isolated", test_output_stalled_rtmp_isolated);
    g_test_add_func("/streamer/output/rtmp-reconnects", test_output_rtmp_reconnects);
    g_test_add_func("/streamer/stop/twice-safe", test_stop_twice_safe);
    g_test_add_func("/streamer/input/file-ends-slate-then-back",
                    test_input_file_ends_slate_then_back);
    g_test_add_func("/streamer/input/file-loops", test_input_file_loops);
    g_test_add_func("/streamer/input/camera-missing", test_input_camera_missing);
    g_test_add_func("/streamer/input/srt-sender-disconnects", test_input_srt_sender_disconnects);
    g_test_add_func("/streamer/status/dead-output-reconnecting",
                    test_status_dead_output_reconnecting);
    g_test_add_func("/streamer/preview/jpeg", test_preview_jpeg);
    g_test_add_func("/streamer/encode/none-without-takers", test_encode_none_without_takers);
    g_test_add_func("/streamer/preview/idle-slow", test_preview_idle_slow);
    g_test_add_func("/streamer/output/two-rtmp-apps", test_output_two_rtmp_apps);
    g_test_add_func("/streamer/output/rtmp-server-killed", test_output_rtmp_server_killed);
    g_test_add_func("/streamer/record/split-by-time", test_record_split_by_time);
    g_test_add_func("/streamer/record/survives-kill", test_record_survives_kill);
    g_test_add_func("/streamer/record/stops-before-disk-full", test_record_stops_before_disk_full);
    g_test_add_func("/streamer/record/retention", test_record_retention);
    int rc = g_test_run();
    if (gst_is_initialized()) {
        gst_deinit();
    }
    g_string_free(log_text, TRUE);
    return rc;
}
