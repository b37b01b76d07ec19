/* str_test: helpers shared by the streamer's test programs (see str_test.h). */
#include "str_test.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

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
gboolean wait_for(Run *r, const gboolean *flag, guint timeout_ms)
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

void run_for(Run *r, guint ms)
{
    gboolean never = FALSE;
    wait_for(r, &never, ms);
}

/* GStreamer is initialised by the tests that need it, not in main: `-l` (test discovery runs it
 * without the LSan suppressions) then never touches gst_init's start-up allocations. */
void run_init(Run *r)
{
    gst_init(NULL, NULL);
    memset(r, 0, sizeof *r);
    r->loop = g_main_loop_new(NULL, FALSE);
}

StrConfig config(Run *r, const char *record_dir)
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

/* Builds and starts a pipeline of cfg and waits for PLAYING. (transfer full: str_pipeline_free) */
StrPipeline *start_playing(const StrConfig *cfg, Run *r)
{
    g_autoptr(GError) error = NULL;
    StrPipeline *p = str_pipeline_new(cfg, &error);
    g_assert_no_error(error);
    g_assert_true(str_pipeline_start(p, &error));
    g_assert_no_error(error);
    g_assert_true(wait_for(r, &r->playing, 10000));
    return p;
}

/* Stops p (within 5 s), waits for STOPPED and checks that the program saw no error. */
void stop_clean(StrPipeline *p, Run *r)
{
    str_pipeline_stop(p, 5000);
    g_assert_true(wait_for(r, &r->stopped, 7000));
    g_assert_false(r->error);
}

/* Builds and starts a show, waits for PLAYING, lets it run for ms, stops it (within
 * stop_timeout_ms) and frees it. Returns the recording path (transfer full). */
char *run_show(const StrConfig *cfg, Run *r, guint ms, guint stop_timeout_ms)
{
    StrPipeline *p = start_playing(cfg, r);
    g_assert_false(r->error);
    run_for(r, ms);
    GstClockTime rt = str_pipeline_running_time(p);
    g_assert_true(GST_CLOCK_TIME_IS_VALID(rt));
    g_assert_cmpuint(rt, >=, ms * GST_MSECOND);
    {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        r->stalls = s->continuity.stalls;
        r->frames_repeated = s->continuity.frames_repeated;
        r->longest_gap = s->continuity.longest_gap;
        g_test_message("continuity: %" G_GUINT64_FORMAT " stalls, %" G_GUINT64_FORMAT
                       " frames repeated, longest gap %.3f s",
                       r->stalls, r->frames_repeated, r->longest_gap);
    }
    gint64 t0 = g_get_monotonic_time();
    str_pipeline_stop(p, stop_timeout_ms);
    g_assert_true(wait_for(r, &r->stopped, stop_timeout_ms + 2000));
    r->stop_took = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
    r->ran = (double)rt / GST_SECOND;
    g_test_message("ran %.2f s, stop took %.2f s", r->ran, r->stop_took);
    g_assert_cmpint(g_get_monotonic_time() - t0, <=, (gint64)stop_timeout_ms * 1000 + 500000);
    g_assert_false(r->error);
    char *path = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    return path;
}

char *make_tmp(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("jc-streamer-XXXXXX", &error);
    g_assert_no_error(error);
    return dir;
}

void remove_tree(const char *dir)
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
GBytes *run_tool(const char *const *argv)
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
JsonNode *ffprobe(const char *file, const char *what, const char *entries)
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
double check_playable(const char *file)
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

/* nginx's recordings of the stream, oldest first. (transfer full) */
GPtrArray *received_files(const char *dir)
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

gboolean have_nginx_rtmp(void)
{
    g_autofree char *nginx_path = g_find_program_in_path("nginx");
    if (!g_file_test(jc_test_nginx_rtmp_module(), G_FILE_TEST_EXISTS) || nginx_path == NULL) {
        g_test_skip("nginx with libnginx-mod-rtmp is not installed");
        return FALSE;
    }
    return TRUE;
}

static gboolean near(const guint8 *px, int r, int g, int b)
{
    return ABS(px[0] - r) < 40 && ABS(px[1] - g) < 40 && ABS(px[2] - b) < 40;
}

static Shown classify(const guint8 *px)
{
    if (near(px, 0x1f, 0x3a, 0x5f)) {
        return SHOW_SLATE;
    }
    /* Green, loosely: range and matrix conversions on the way dull it to about (0, 215, 0). */
    if (px[0] < 80 && px[1] > 150 && px[2] < 80) {
        return SHOW_GREEN;
    }
    return SHOW_OTHER;
}

/* Decodes file at SAMPLE_FPS into tiny RGB frames and classifies each by its (2, 2) pixel.
 * (transfer full) A GArray of Shown. */
GArray *shown_sequence_at(const char *file, guint fps)
{
    g_autofree char *filter = g_strdup_printf("fps=%u,scale=%d:%d", fps, SAMPLE_W, SAMPLE_H);
    const char *argv[] = {"ffmpeg", "-v",       "error",    "-i",    file, "-vf", filter,
                          "-f",     "rawvideo", "-pix_fmt", "rgb24", "-",  NULL};
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) proc = g_subprocess_newv(
        argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
    g_assert_no_error(error);
    g_autoptr(GBytes) out = NULL;
    g_assert_true(g_subprocess_communicate(proc, NULL, NULL, &out, NULL, &error));
    g_assert_no_error(error);
    gsize len = 0;
    const guint8 *rgb = g_bytes_get_data(out, &len);
    gsize frame = SAMPLE_W * SAMPLE_H * 3;
    GArray *seq = g_array_new(FALSE, FALSE, sizeof(Shown));
    for (gsize off = 0; off + frame <= len; off += frame) {
        Shown s = classify(rgb + off + (2 * SAMPLE_W + 2) * 3);
        g_array_append_val(seq, s);
    }
    return seq;
}

GArray *shown_sequence(const char *file)
{
    return shown_sequence_at(file, SAMPLE_FPS);
}

/* Run-length form of seq: pairs (what, how many samples), printed for failures. */
GArray *runs_of(GArray *seq)
{
    GArray *runs = g_array_new(FALSE, FALSE, sizeof(guint) * 2);
    GString *text = g_string_new("shown:");
    for (guint i = 0; i < seq->len; i++) {
        guint what = g_array_index(seq, Shown, i);
        if (runs->len > 0 && g_array_index(runs, guint, (runs->len - 1) * 2) == what) {
            g_array_index(runs, guint, (runs->len - 1) * 2 + 1)++;
            continue;
        }
        guint pair[2] = {what, 1};
        g_array_append_vals(runs, pair, 1);
    }
    for (guint i = 0; i < runs->len; i++) {
        static const char *const names[] = {"other", "slate", "green"};
        g_string_append_printf(text, " %s x%u", names[g_array_index(runs, guint, i * 2)],
                               g_array_index(runs, guint, i * 2 + 1));
    }
    g_test_message("%s", text->str);
    g_string_free(text, TRUE);
    return runs;
}

/* Index of the first run of what at or after run from, or -1. */
int find_run(GArray *runs, guint from, Shown what, guint min_len)
{
    for (guint i = from; i < runs->len; i++) {
        if (g_array_index(runs, guint, i * 2) == what &&
            g_array_index(runs, guint, i * 2 + 1) >= min_len) {
            return (int)i;
        }
    }
    return -1;
}

double run_seconds(GArray *runs, int i)
{
    return (double)g_array_index(runs, guint, (guint)i * 2 + 1) / SAMPLE_FPS;
}

/* A 2 s solid green clip, 1280x720 at 30 fps, with a tone or without any sound track.
 * (transfer full) */
char *make_green_clip(const char *dir, gboolean with_sound)
{
    char *path = g_build_filename(dir, with_sound ? "green.mp4" : "mute-green.mp4", NULL);
    const char *sound[] = {"-f", "lavfi", "-i", "sine=f=440:d=2", "-c:a", "aac", "-shortest"};
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    const char *head[] = {
        "ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=0x00ff00:s=1280x720:r=30:d=2"};
    for (guint i = 0; i < G_N_ELEMENTS(head); i++) {
        g_ptr_array_add(argv, (gpointer)head[i]);
    }
    for (guint i = 0; with_sound && i < G_N_ELEMENTS(sound); i++) {
        g_ptr_array_add(argv, (gpointer)sound[i]);
    }
    const char *tail[] = {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", path};
    for (guint i = 0; i < G_N_ELEMENTS(tail); i++) {
        g_ptr_array_add(argv, (gpointer)tail[i]);
    }
    g_ptr_array_add(argv, NULL);
    g_autoptr(GBytes) out = run_tool((const char *const *)argv->pdata);
    g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
    return path;
}

/* Polls the status on the loop until the input is in state, or timeout_ms. */
gboolean wait_input_state(Run *r, StrPipeline *p, const char *state, guint timeout_ms)
{
    for (guint waited = 0; waited < timeout_ms; waited += 100) {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        if (g_strcmp0(s->input.state, state) == 0) {
            return TRUE;
        }
        run_for(r, 100);
    }
    return FALSE;
}

void on_waited(GObject *src, GAsyncResult *res, gpointer data)
{
    Waited *w = data;
    g_subprocess_wait_finish(G_SUBPROCESS(src), res, NULL);
    w->done = TRUE;
    g_main_loop_quit(w->run->loop);
}

/* Polls until output i is "live", or timeout_ms. */
gboolean wait_output_live(Run *r, StrPipeline *p, guint i, guint timeout_ms)
{
    for (guint waited = 0; waited <= timeout_ms; waited += 100) {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        StrOutputStatus *o = g_ptr_array_index(s->outputs, i);
        if (g_strcmp0(o->state, "live") == 0) {
            return TRUE;
        }
        run_for(r, 100);
    }
    return FALSE;
}

static void on_probe_done(GObject *src, GAsyncResult *res, gpointer data)
{
    Probe *pr = data;
    g_autoptr(GError) error = NULL;
    g_subprocess_communicate_utf8_finish(G_SUBPROCESS(src), res, &pr->out, NULL, &error);
    g_assert_no_error(error);
    pr->done = TRUE;
    g_main_loop_quit(pr->run->loop);
}

/* Starts ffprobe pulling url for 6 s (two whole GOPs after joining mid-GOP); the loop must run
 * until pr->done. (transfer full) */
GSubprocess *pull_start(Probe *pr, const char *url)
{
    const char *argv[] = {"ffprobe",
                          "-v",
                          "error",
                          "-rw_timeout",
                          "8000000",
                          "-read_intervals",
                          "%+6",
                          "-show_entries",
                          "stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate:"
                          "frame=media_type,key_frame,pts_time",
                          "-of",
                          "json",
                          url,
                          NULL};
    g_autoptr(GError) error = NULL;
    GSubprocess *proc = g_subprocess_newv(
        argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
    g_assert_no_error(error);
    g_subprocess_communicate_utf8_async(proc, NULL, NULL, on_probe_done, pr);
    return proc;
}

static double fraction(const char *f)
{
    char *end = NULL;
    double num = g_ascii_strtod(f, &end);
    double den = end != NULL && *end == '/' ? g_ascii_strtod(end + 1, NULL) : 1.0;
    return den > 0 ? num / den : 0.0;
}

/* What a platform checks on a pulled stream: H.264 720p30 + AAC, keyframes at most 2 s apart,
 * audio and video in step. */
void check_pulled(const char *json)
{
    g_assert_nonnull(json);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) root = json_from_string(json, &error);
    g_assert_no_error(error);
    JsonObject *obj = json_node_get_object(root);
    JsonArray *streams = json_object_get_array_member(obj, "streams");
    gboolean video = FALSE;
    gboolean audio = FALSE;
    for (guint i = 0; i < json_array_get_length(streams); i++) {
        JsonObject *s = json_array_get_object_element(streams, i);
        const char *type = json_object_get_string_member(s, "codec_type");
        if (g_strcmp0(type, "video") == 0) {
            video = TRUE;
            g_assert_cmpstr(json_object_get_string_member(s, "codec_name"), ==, "h264");
            g_assert_cmpint(json_object_get_int_member(s, "width"), ==, 1280);
            g_assert_cmpint(json_object_get_int_member(s, "height"), ==, 720);
            double fps = fraction(json_object_get_string_member(s, "r_frame_rate"));
            g_assert_cmpfloat(fps, >, 29.0);
            g_assert_cmpfloat(fps, <, 31.0);
        } else if (g_strcmp0(type, "audio") == 0) {
            audio = TRUE;
            g_assert_cmpstr(json_object_get_string_member(s, "codec_name"), ==, "aac");
        }
    }
    g_assert_true(video && audio);
    JsonArray *frames = json_object_get_array_member(obj, "frames");
    double last_key = -1.0;
    double first[2] = {-1.0, -1.0};
    double last[2] = {0.0, 0.0};
    guint keys = 0;
    guint vframes = 0;
    for (guint i = 0; i < json_array_get_length(frames); i++) {
        JsonObject *f = json_array_get_object_element(frames, i);
        if (!json_object_has_member(f, "pts_time")) {
            continue;
        }
        gboolean v = g_strcmp0(json_object_get_string_member(f, "media_type"), "video") == 0;
        double t = g_ascii_strtod(json_object_get_string_member(f, "pts_time"), NULL);
        if (first[v] < 0) {
            first[v] = t;
        }
        last[v] = MAX(last[v], t);
        if (v) {
            vframes++;
            if (json_object_get_int_member(f, "key_frame") == 1) {
                if (last_key >= 0) {
                    g_assert_cmpfloat(t - last_key, <=, 2.05);
                }
                last_key = t;
                keys++;
            }
        }
    }
    g_assert_cmpuint(vframes, >=, 60);
    g_assert_cmpuint(keys, >=, 2);
    /* In step: read for the same wall-clock stretch, both streams end at the same timestamp.
     * (They start apart: a player joining mid-GOP decodes video from the next keyframe.) */
    g_test_message("first audio at %.2f s, first video at %.2f s", first[0], first[1]);
    if (PACE_BOUNDED)
        g_assert_cmpfloat(ABS(first[0] - first[1]), <=, 2.1);
    g_assert_cmpfloat(ABS(last[0] - last[1]), <, 0.3);
}

GLogWriterOutput str_test_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n,
                                     gpointer data)
{
    for (gsize i = 0; i < n; i++) {
        if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0 &&
            g_strcmp0(fields[i].value, "jobcast-streamer") == 0 &&
            (level & G_LOG_LEVEL_WARNING) != 0) {
            return g_log_writer_standard_streams(level, fields, n, data);
        }
    }
    return g_log_writer_default(level, fields, n, data);
}

void volume_of(const char *file, double from, double len, double *max_db, double *mean_db)
{
    g_autofree char *ss = g_strdup_printf("%.2f", from);
    g_autofree char *t = g_strdup_printf("%.2f", len);
    const char *argv[] = {"ffmpeg", "-hide_banner", "-nostats", "-ss", ss,    "-t",
                          t,        "-i",           file,       "-vn", "-af", "volumedetect",
                          "-f",     "null",         "-",        NULL};
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) proc = g_subprocess_newv(
        argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
    g_assert_no_error(error);
    g_autofree char *err = NULL;
    g_assert_true(g_subprocess_communicate_utf8(proc, NULL, NULL, NULL, &err, &error));
    g_assert_no_error(error);
    const char *max = strstr(err, "max_volume:");
    const char *mean = strstr(err, "mean_volume:");
    if (max == NULL || mean == NULL) {
        g_printerr("%s\n", err);
        g_assert_not_reached();
    }
    *max_db = g_ascii_strtod(max + strlen("max_volume:"), NULL);
    *mean_db = g_ascii_strtod(mean + strlen("mean_volume:"), NULL);
    g_test_message("%s [%.1f s, +%.1f s]: max %.1f dB, mean %.1f dB", file, from, len, *max_db,
                   *mean_db);
}
