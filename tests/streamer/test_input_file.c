/* Tests for raw Y4M file inputs (read by filesrc + y4mdec directly, not through decodebin): the
 * picture is on air, loops without a trip through the slate, and a separate WAV track plays.
 *
 * Threads: the test runs a GMainLoop on the main thread (see str_test.h). */
#include <string.h>

#include "str_pipeline.h"
#include "str_test.h"

/* A solid green Y4M picture (640x360: the input is scaled to the program's size) and a tone as
 * WAV, seconds long, made by ffmpeg in dir. */
static void make_y4m_clip(const char *dir, int seconds, char **y4m, char **wav)
{
    *y4m = g_build_filename(dir, "green.y4m", NULL);
    *wav = g_build_filename(dir, "tone.wav", NULL);
    g_autofree char *color = g_strdup_printf("color=c=0x00ff00:s=640x360:r=30:d=%d", seconds);
    g_autofree char *sine = g_strdup_printf("sine=f=440:d=%d", seconds);
    const char *video[] = {"ffmpeg", "-v",       "error",   "-f", "lavfi", "-i",
                           color,    "-pix_fmt", "yuv420p", *y4m, NULL};
    const char *audio[] = {"ffmpeg", "-v", "error", "-f",    "lavfi", "-i", sine,
                           "-ac",    "2",  "-ar",   "48000", *wav,    NULL};
    g_autoptr(GBytes) a = run_tool(video);
    g_autoptr(GBytes) b = run_tool(audio);
    g_assert_true(g_file_test(*y4m, G_FILE_TEST_IS_REGULAR));
    g_assert_true(g_file_test(*wav, G_FILE_TEST_IS_REGULAR));
}

/* The input URI of a looped clip of that many seconds with its WAV as sound. (transfer full) */
static char *looped_clip_uri(const char *dir, int seconds)
{
    g_autofree char *y4m = NULL;
    g_autofree char *wav = NULL;
    make_y4m_clip(dir, seconds, &y4m, &wav);
    g_autofree char *vuri = g_filename_to_uri(y4m, NULL, NULL);
    g_autofree char *auri = g_filename_to_uri(wav, NULL, NULL);
    return g_strdup_printf("%s?loop=1&audio=%s", vuri, auri);
}

static void test_y4m_loops_with_sound(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *uri = looped_clip_uri(dir, 2);
    StrConfig cfg = config(&r, dir);
    cfg.input_uri = uri;
    g_autofree char *file = run_show(&cfg, &r, 5500, 5000);
    g_assert_cmpfloat(check_playable(file), >=, 5.0);
    g_autoptr(GArray) seq = shown_sequence(file);
    g_autoptr(GArray) runs = runs_of(seq);
    /* Green soon after the start and then to the end, across two loops of the 2 s clip. */
    int first = find_run(runs, 0, SHOW_GREEN, 10);
    g_assert_cmpint(first, >=, 0);
    g_assert_cmpint(find_run(runs, (guint)first, SHOW_SLATE, 1), ==, -1);
    g_assert_cmpfloat(run_seconds(runs, first), >=, 3.5);
    /* The WAV's tone is on the program's sound track (the slate's audio is silence). */
    double max_db = 0.0;
    double mean_db = 0.0;
    volume_of(file, 2.0, 2.0, &max_db, &mean_db);
    g_assert_cmpfloat(max_db, >, -30.0);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* Regression: after the first loop a looped file was read as fast as the disk allowed (the seek
 * restarted the session's running time but not its base time, so every frame was late and the
 * appsinks stopped waiting), and the program dropped what it could not queue. Each loop must be
 * played at the clip's own pace: about 30 frames a second read, none dropped. */
static void test_loop_keeps_pace(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *uri = looped_clip_uri(dir, 1);
    StrConfig cfg = config(&r, dir);
    cfg.input_uri = uri;
    StrPipeline *p = start_playing(&cfg, &r);
    run_for(&r, 4500);
    g_autoptr(StrStatus) st = str_pipeline_status(p);
    g_test_message("%.2f s on air: %" G_GUINT64_FORMAT " input frames, %" G_GUINT64_FORMAT
                   " dropped",
                   st->running, st->input.frames, st->input.dropped);
    /* Four loops of the 1 s clip: 135 frames at 30 fps (the bug: thousands). */
    g_assert_cmpuint(st->input.frames, >=, 60);
    g_assert_cmpfloat((double)st->input.frames, <=, st->running * 30.0 * 1.2 + 15.0);
    g_assert_cmpuint(st->input.dropped, ==, 0);
    g_assert_cmpstr(st->input.state, ==, "live");
    stop_clean(p, &r);
    str_pipeline_free(p);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* A file that merely ends in .y4m but is not one goes through decodebin and fails cleanly. */
static void test_fake_y4m_fails_cleanly(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    g_autofree char *path = g_build_filename(dir, "not-a-clip.y4m", NULL);
    g_assert_true(g_file_set_contents(path, "YUV4MPEG2 garbage\n", -1, NULL));
    g_autofree char *uri = g_filename_to_uri(path, NULL, NULL);
    StrConfig cfg = config(&r, dir);
    cfg.input_uri = uri;
    /* The program plays on the slate whatever the input does. */
    StrPipeline *p = start_playing(&cfg, &r);
    g_assert_true(wait_input_state(&r, p, "failed", 5000));
    stop_clean(p, &r);
    str_pipeline_free(p);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

int main(int argc, char **argv)
{
    g_log_set_writer_func(str_test_log_writer, NULL, NULL);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streamer/input/y4m-loops-with-sound", test_y4m_loops_with_sound);
    g_test_add_func("/streamer/input/loop-keeps-pace", test_loop_keeps_pace);
    g_test_add_func("/streamer/input/bad-y4m-fails-cleanly", test_fake_y4m_fails_cleanly);
    int rc = g_test_run();
    if (gst_is_initialized()) {
        gst_deinit();
    }
    return rc;
}
