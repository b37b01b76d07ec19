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
#include <string.h>

#include "jc_error.h"
#include "str_output.h"
#include "str_pipeline.h"

/* Everything the streamer logs, so that a test can check no stream key leaks. */
static GMutex log_lock;
static GString *log_text;

typedef struct {
    GMainLoop *loop;
    gboolean playing;
    gboolean stopped;
    gboolean error;
    gboolean timed_out;
    guint stopped_count;
} Run;

static void on_state(StrState state, const char *message, gpointer data)
{
    Run *r = data;
    switch (state) {
    case STR_STATE_PLAYING:
        r->playing = TRUE;
        break;
    case STR_STATE_STOPPED:
        r->stopped = TRUE;
        r->stopped_count++;
        break;
    case STR_STATE_ERROR:
        g_printerr("program error: %s\n", message);
        r->error = TRUE;
        break;
    default:
        break;
    }
    g_main_loop_quit(r->loop);
}

static gboolean on_timeout(gpointer data)
{
    Run *r = data;
    r->timed_out = TRUE;
    g_main_loop_quit(r->loop);
    return G_SOURCE_REMOVE;
}

/* Runs the loop until *flag is set or timeout_ms passed. Returns *flag. */
static gboolean wait_for(Run *r, const gboolean *flag, guint timeout_ms)
{
    r->timed_out = FALSE;
    guint id = g_timeout_add(timeout_ms, on_timeout, r);
    while (!*flag && !r->timed_out) {
        g_main_loop_run(r->loop);
    }
    if (!r->timed_out) {
        g_source_remove(id);
    }
    return *flag;
}

static void run_for(Run *r, guint ms)
{
    gboolean never = FALSE;
    wait_for(r, &never, ms);
}

/* GStreamer is initialised by the tests that need it, not in main: `-l` (test discovery runs it
 * without the LSan suppressions) then never touches gst_init's start-up allocations. */
static void run_init(Run *r)
{
    gst_init(NULL, NULL);
    memset(r, 0, sizeof *r);
    r->loop = g_main_loop_new(NULL, FALSE);
}

static StrConfig config(Run *r, const char *record_dir)
{
    StrConfig cfg = {
        .input_uri = "test:",
        .profile = str_profile_lookup("720p30", NULL),
        .record_dir = record_dir,
        .on_state = on_state,
        .state_data = r,
    };
    g_assert_nonnull(cfg.profile);
    return cfg;
}

/* Builds and starts a show, waits for PLAYING, lets it run for ms, stops it (within
 * stop_timeout_ms) and frees it. Returns the recording path (transfer full). */
static char *run_show(const StrConfig *cfg, Run *r, guint ms, guint stop_timeout_ms)
{
    g_autoptr(GError) error = NULL;
    StrPipeline *p = str_pipeline_new(cfg, &error);
    g_assert_no_error(error);
    g_assert_true(str_pipeline_start(p, &error));
    g_assert_no_error(error);
    g_assert_true(wait_for(r, &r->playing, 10000));
    g_assert_false(r->error);
    run_for(r, ms);
    GstClockTime rt = str_pipeline_running_time(p);
    g_assert_true(GST_CLOCK_TIME_IS_VALID(rt));
    g_assert_cmpuint(rt, >=, ms * GST_MSECOND);
    gint64 t0 = g_get_monotonic_time();
    str_pipeline_stop(p, stop_timeout_ms);
    g_assert_true(wait_for(r, &r->stopped, stop_timeout_ms + 2000));
    g_assert_cmpint(g_get_monotonic_time() - t0, <=, (gint64)stop_timeout_ms * 1000 + 500000);
    g_assert_false(r->error);
    char *path = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    return path;
}

static char *make_tmp(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("jc-streamer-XXXXXX", &error);
    g_assert_no_error(error);
    return dir;
}

static void remove_tree(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d == NULL) {
        return;
    }
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_remove(path);
    }
    g_dir_close(d);
    g_rmdir(dir);
}

/* Runs argv and returns its stdout. (transfer full) */
static GBytes *run_tool(const char *const *argv)
{
    g_autoptr(GError) error = NULL;
    char *out = NULL;
    g_autofree char *err = NULL;
    gint status = 0;
    gboolean ok = g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error);
    g_assert_no_error(error);
    g_assert_true(ok);
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_printerr("%s failed: %s\n", argv[0], err);
        g_assert_not_reached();
    }
    return g_bytes_new_take(out, strlen(out) + 1); /* text: keep the NUL for JSON parsing */
}

/* ffprobe's JSON for file with extra arguments. (transfer full) */
static JsonNode *ffprobe(const char *file, const char *what, const char *entries)
{
    const char *argv[12];
    guint n = 0;
    argv[n++] = "ffprobe";
    argv[n++] = "-v";
    argv[n++] = "error";
    argv[n++] = what;
    if (entries != NULL) {
        argv[n++] = "-show_entries";
        argv[n++] = entries;
        argv[n++] = "-select_streams";
        argv[n++] = "v";
    }
    argv[n++] = "-of";
    argv[n++] = "json";
    argv[n++] = file;
    argv[n] = NULL;
    g_autoptr(GBytes) out = run_tool(argv);
    g_autoptr(GError) error = NULL;
    JsonNode *root = json_from_string(g_bytes_get_data(out, NULL), &error);
    g_assert_no_error(error);
    g_assert_nonnull(root);
    return root;
}

/* Asserts file holds one 1280x720 h264 stream and one aac stream; returns its duration (s). */
static double check_playable(const char *file)
{
    g_assert_true(g_file_test(file, G_FILE_TEST_IS_REGULAR));
    const char *argv[] = {"ffprobe", "-v", "error", "-show_streams", "-show_format", "-of",
                          "json",    file, NULL};
    g_autoptr(GBytes) out = run_tool(argv);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) root = json_from_string(g_bytes_get_data(out, NULL), &error);
    g_assert_no_error(error);
    JsonObject *obj = json_node_get_object(root);
    JsonArray *streams = json_object_get_array_member(obj, "streams");
    guint video = 0;
    guint audio = 0;
    for (guint i = 0; i < json_array_get_length(streams); i++) {
        JsonObject *s = json_array_get_object_element(streams, i);
        const char *type = json_object_get_string_member(s, "codec_type");
        const char *codec = json_object_get_string_member(s, "codec_name");
        if (g_strcmp0(type, "video") == 0) {
            video++;
            g_assert_cmpstr(codec, ==, "h264");
            g_assert_cmpint(json_object_get_int_member(s, "width"), ==, 1280);
            g_assert_cmpint(json_object_get_int_member(s, "height"), ==, 720);
        } else if (g_strcmp0(type, "audio") == 0) {
            audio++;
            g_assert_cmpstr(codec, ==, "aac");
        }
    }
    g_assert_cmpuint(video, ==, 1);
    g_assert_cmpuint(audio, ==, 1);
    JsonObject *format = json_object_get_object_member(obj, "format");
    const char *duration = json_object_get_string_member_with_default(format, "duration", "0");
    return g_ascii_strtod(duration, NULL);
}

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

static void test_input_unsupported_rejected(void)
{
    Run r;
    run_init(&r);
    StrConfig cfg = config(&r, NULL);
    cfg.input_uri = "srt://127.0.0.1:9000";
    g_autoptr(GError) error = NULL;
    g_assert_null(str_pipeline_new(&cfg, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, "srt://127.0.0.1:9000"));
    g_assert_nonnull(strstr(error->message, "test:"));
    g_main_loop_unref(r.loop);
}

static void test_output_unknown_scheme_rejected(void)
{
    Run r;
    run_init(&r);
    StrConfig cfg = config(&r, NULL);
    const char *outputs[] = {"srt://example.com:9000", NULL};
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
    g_autofree char *a = str_output_redact_uri("rtmp://a.rtmp.youtube.com/live2/abcd-efgh-1234");
    g_assert_cmpstr(a, ==, "rtmp://a.rtmp.youtube.com/live2/***");
    g_autofree char *b = str_output_redact_uri("rtmps://user:pw@host:443/app?key=s3cret");
    g_assert_cmpstr(b, ==, "rtmps://***@host:443/app?***");
    g_autofree char *c = str_output_redact_uri("file:///tmp/out.mkv");
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
    g_assert_cmpfloat(duration, <=, 4.0);
    g_assert_cmpuint(r.stopped_count, ==, 1);
    remove_tree(dir);
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

static guint16 free_port(void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) sock =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_assert_true(g_socket_bind(sock, any, FALSE, &error));
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(sock, &error);
    g_assert_no_error(error);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

static void test_output_dead_rtmp_isolated(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *uri = g_strdup_printf("rtmp://127.0.0.1:%u/live/sekrit-key-42", free_port());
    const char *outputs[] = {uri, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    /* 3.5 s: the output fails, waits 2 s, fails again, all while the program records. */
    g_autofree char *file = run_show(&cfg, &r, 3500, 3000);
    double duration = check_playable(file);
    g_assert_cmpfloat(duration, >=, 3.0);
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
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

#define NGINX_RTMP_MODULE "/usr/lib/nginx/modules/ngx_rtmp_module.so"

/* Starts nginx-rtmp on 127.0.0.1:port recording every stream into dir. (transfer full) */
static GSubprocess *start_nginx(const char *dir, guint16 port)
{
    g_autofree char *conf_path = g_build_filename(dir, "nginx.conf", NULL);
    g_autofree char *conf = g_strdup_printf(
        "load_module " NGINX_RTMP_MODULE ";\n"
        "daemon off;\nmaster_process off;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
        "events { worker_connections 64; }\n"
        "rtmp { server { listen 127.0.0.1:%u; application live {\n"
        "  live on; record all; record_path %s; record_unique on; } } }\n",
        dir, dir, port, dir);
    g_assert_true(g_file_set_contents(conf_path, conf, -1, NULL));
    g_autoptr(GError) error = NULL;
    GSubprocess *proc = g_subprocess_new(G_SUBPROCESS_FLAGS_NONE, &error, "nginx", "-p", dir, "-c",
                                         conf_path, NULL);
    g_assert_no_error(error);
    /* Ready when it accepts a connection. */
    g_autoptr(GSocketClient) client = g_socket_client_new();
    for (int i = 0; i < 100; i++) {
        g_autoptr(GSocketConnection) c =
            g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, NULL);
        if (c != NULL) {
            return proc;
        }
        g_usleep(20000);
    }
    g_assert_not_reached();
}

static void stop_nginx(GSubprocess *proc)
{
    g_subprocess_send_signal(proc, SIGTERM);
    g_assert_true(g_subprocess_wait(proc, NULL, NULL));
    g_object_unref(proc);
}

/* nginx's recordings of the stream, oldest first. (transfer full) */
static GPtrArray *received_files(const char *dir)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        if (g_str_has_prefix(name, "key-") && g_str_has_suffix(name, ".flv")) {
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
        }
    }
    g_dir_close(d);
    return files;
}

static void test_output_rtmp_reconnects(void)
{
    g_autofree char *nginx_path = g_find_program_in_path("nginx");
    if (!g_file_test(NGINX_RTMP_MODULE, G_FILE_TEST_EXISTS) || nginx_path == NULL) {
        g_test_skip("nginx with libnginx-mod-rtmp is not installed");
        return;
    }
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    guint16 port = free_port();
    g_autofree char *uri = g_strdup_printf("rtmp://127.0.0.1:%u/live/key", port);
    const char *outputs[] = {uri, NULL};
    StrConfig cfg = config(&r, dir);
    cfg.outputs = outputs;
    GSubprocess *nginx = start_nginx(dir, port);
    g_autoptr(GError) error = NULL;
    StrPipeline *p = str_pipeline_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_true(str_pipeline_start(p, &error));
    g_assert_true(wait_for(&r, &r.playing, 10000));
    run_for(&r, 2000);
    /* The server goes away and comes back: the output must find it again by itself (first
     * retry after 2 s) and restart at a keyframe. */
    stop_nginx(nginx);
    nginx = start_nginx(dir, port);
    run_for(&r, 4500);
    str_pipeline_stop(p, 5000);
    g_assert_true(wait_for(&r, &r.stopped, 7000));
    g_assert_false(r.error);
    g_autofree char *recording = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    stop_nginx(nginx);

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
    log_text = g_string_new(NULL);
    g_log_set_writer_func(log_writer, NULL, NULL);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streamer/profile/lookup", test_profile_lookup);
    g_test_add_func("/streamer/profile/unknown-rejected", test_profile_unknown_rejected);
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
    int rc = g_test_run();
    if (gst_is_initialized()) {
        gst_deinit();
    }
    g_string_free(log_text, TRUE);
    return rc;
}
