/* Tests for the program's sound: mute, the level meter in the status, and the fallback audio
 * device (a device that cannot be opened means silence, never a stop). Checked with ffmpeg's
 * volumedetect on the recordings.
 *
 * Threads: the test runs a GMainLoop on the main thread (see str_test.h). */
#include <glib/gstdio.h>
#include <string.h>

#include "jc_error.h"

#include "str_audio.h"
#include "str_pipeline.h"
#include "str_supervisor.h"
#include "str_test.h"

static void test_mute_silences_recording(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrConfig cfg = config(&r, dir);
    StrPipeline *p = start_playing(&cfg, &r);
    run_for(&r, 3000);
    GstClockTime muted_at = str_pipeline_running_time(p);
    str_pipeline_set_muted(p, TRUE);
    run_for(&r, 3000);
    stop_clean(p, &r);
    g_autofree char *file = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    check_playable(file);
    double at = (double)muted_at / GST_SECOND;
    double max_db = 0;
    double mean_db = 0;
    /* Before the mute: the test input's 440 Hz tone (about -23 dBFS). The recording starts at the
     * program's first frame, which is at most a second after its running time 0. */
    volume_of(file, 0.5, at - 1.5, &max_db, &mean_db);
    g_assert_cmpfloat(mean_db, >, -40.0);
    /* From a second after the mute (the mixers' latency and the encoder's lookahead) to the end:
     * digital silence. */
    volume_of(file, at + 0.5, 1.5, &max_db, &mean_db);
    g_assert_cmpfloat(max_db, <, -80.0);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

static void test_unmute_brings_sound_back(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrConfig cfg = config(&r, dir);
    cfg.muted = TRUE;
    StrPipeline *p = start_playing(&cfg, &r);
    run_for(&r, 2500);
    GstClockTime unmuted_at = str_pipeline_running_time(p);
    str_pipeline_set_muted(p, FALSE);
    run_for(&r, 3000);
    stop_clean(p, &r);
    g_autofree char *file = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    double at = (double)unmuted_at / GST_SECOND;
    double max_db = 0;
    double mean_db = 0;
    volume_of(file, 0.2, at - 1.2, &max_db, &mean_db);
    g_assert_cmpfloat(max_db, <, -80.0);
    volume_of(file, at + 0.5, 1.5, &max_db, &mean_db);
    g_assert_cmpfloat(mean_db, >, -40.0);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* Polls the status until the meter reads above -40 dBFS (the tone), or timeout_ms. */
static gboolean wait_level(Run *r, StrPipeline *p, guint timeout_ms)
{
    for (guint waited = 0; waited <= timeout_ms; waited += 100) {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        if (s->audio.level_dbfs > -40.0 && s->audio.peak_dbfs >= s->audio.level_dbfs) {
            return TRUE;
        }
        run_for(r, 100);
    }
    return FALSE;
}

static void test_level_in_status(void)
{
    Run r;
    run_init(&r);
    StrConfig cfg = config(&r, NULL);
    StrPipeline *p = start_playing(&cfg, &r);
    g_assert_true(wait_level(&r, p, 5000));
    g_autoptr(StrStatus) s = str_pipeline_status(p);
    g_assert_cmpstr(s->audio.source, ==, "input");
    g_assert_false(s->audio.muted);
    g_assert_cmpstr(s->audio.device_state, ==, "off");
    g_assert_null(s->audio.device);
    g_assert_cmpfloat(s->audio.level_dbfs, <=, 0.0);
    /* The meter is before the mute: a producer still sees the microphone working. */
    str_pipeline_set_muted(p, TRUE);
    run_for(&r, 600);
    g_autoptr(StrStatus) muted = str_pipeline_status(p);
    g_assert_true(muted->audio.muted);
    g_assert_cmpfloat(muted->audio.level_dbfs, >, -40.0);
    stop_clean(p, &r);
    str_pipeline_free(p);
    g_main_loop_unref(r.loop);
}

/* Starts a show on a looped silent clip with sound from device. (transfer full) */
static StrPipeline *start_with_device(Run *r, const char *dir, const char *device)
{
    g_autofree char *clip = make_green_clip(dir, FALSE);
    g_autofree char *plain = g_filename_to_uri(clip, NULL, NULL);
    g_autofree char *uri = g_strconcat(plain, "?loop=1", NULL);
    StrConfig cfg = config(r, dir);
    cfg.input_uri = uri;
    cfg.audio_device = device;
    return start_playing(&cfg, r);
}

/* Waits up to 8 s for the device to reach state (and, if not NULL, the program's sound to come
 * from source). */
static gboolean wait_device(Run *r, StrPipeline *p, const char *state, const char *source)
{
    for (guint waited = 0; waited < 8000; waited += 100) {
        g_autoptr(StrStatus) s = str_pipeline_status(p);
        if (g_strcmp0(s->audio.device_state, state) == 0 &&
            (source == NULL || g_strcmp0(s->audio.source, source) == 0)) {
            return TRUE;
        }
        run_for(r, 100);
    }
    return FALSE;
}

static void test_bogus_device_silence(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrPipeline *p = start_with_device(&r, dir, "pulse:jobcast-no-such-device");
    g_assert_true(wait_device(&r, p, "failed", NULL));
    run_for(&r, 2500);
    g_autoptr(StrStatus) s = str_pipeline_status(p);
    g_assert_cmpstr(s->program, ==, "playing");
    g_assert_cmpstr(s->audio.device, ==, "pulse:jobcast-no-such-device");
    g_assert_nonnull(s->audio.device_error);
    g_assert_cmpstr(s->audio.source, ==, "silence");
    g_assert_cmpstr(s->input.state, ==, "live");
    stop_clean(p, &r);
    g_autofree char *file = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    g_assert_cmpfloat(check_playable(file), >=, 3.0);
    double max_db = 0;
    double mean_db = 0;
    volume_of(file, 0.0, 3.0, &max_db, &mean_db);
    g_assert_cmpfloat(max_db, <, -80.0);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* A real ALSA device through alsasrc: ALSA's own "null" PCM (in every alsa-lib, no sound card
 * needed) captures silence. The device opens, goes live and its sound is what the program
 * carries when the input has none. */
static void test_alsa_device_live(void)
{
    Run r;
    run_init(&r);
    g_autofree char *dir = make_tmp();
    StrPipeline *p = start_with_device(&r, dir, "alsa:null");
    g_assert_true(wait_device(&r, p, "live", "device"));
    run_for(&r, 1500);
    g_autoptr(StrStatus) s = str_pipeline_status(p);
    g_assert_cmpstr(s->program, ==, "playing");
    g_assert_cmpstr(s->audio.device, ==, "alsa:null");
    g_assert_cmpstr(s->audio.device_state, ==, "live");
    g_assert_null(s->audio.device_error);
    stop_clean(p, &r);
    g_autofree char *file = g_strdup(str_pipeline_recording_path(p));
    str_pipeline_free(p);
    g_assert_cmpfloat(check_playable(file), >=, 2.0);
    remove_tree(dir);
    g_main_loop_unref(r.loop);
}

/* The device's state as the status shows it. */
static const char *device_state(StrAudio *a)
{
    StrStatus s = {0};
    str_audio_fill_status(a, &s);
    g_free(s.audio.device_error);
    return s.audio.device_state;
}

static gboolean wait_audio(Run *r, StrAudio *a, const char *state, guint timeout_ms)
{
    for (guint waited = 0; waited <= timeout_ms; waited += 50) {
        if (g_strcmp0(device_state(a), state) == 0) {
            return TRUE;
        }
        run_for(r, 50);
    }
    return FALSE;
}

/* A device that goes live and drops within a second (a flaky USB microphone) is not reopened
 * every 2 s: like the input, the back-off starts again only after 30 s live. ALSA's "null"
 * device goes live; the failures are the supervisor's, as an unplug would post them. */
static void test_backoff_kept_after_short_live(void)
{
    Run r;
    run_init(&r);
    GstElement *program = gst_pipeline_new("program");
    GstElement *mix = gst_element_factory_make("audiomixer", NULL);
    GstElement *sink = gst_element_factory_make("fakesink", NULL);
    g_object_set(sink, "sync", FALSE, NULL);
    gst_bin_add_many(GST_BIN(program), mix, sink, NULL);
    g_assert_true(gst_element_link(mix, sink));
    g_autoptr(GError) error = NULL;
    StrAudio *a = str_audio_new("alsa:null", NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(str_audio_attach(a, program, mix, &error));
    gst_element_set_state(program, GST_STATE_PLAYING);
    str_audio_start(a);
    StrSupervisor *sup = str_audio_supervisor(a);
    guint want[] = {2000, 3000};
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        g_assert_true(wait_audio(&r, a, "live", 4000));
        run_for(&r, 500);
        str_supervisor_fail(sup, "the device was unplugged", FALSE);
        g_assert_cmpstr(device_state(a), ==, "failed");
        g_assert_cmpuint(str_supervisor_last_delay_ms(sup), >=, want[i]);
        g_assert_cmpuint(str_supervisor_last_delay_ms(sup), <=, want[i] + want[i] / 10);
    }
    g_assert_cmpuint(str_supervisor_attempts(sup), ==, 2);
    str_audio_stop(a);
    gst_element_set_state(program, GST_STATE_NULL);
    str_audio_free(a);
    gst_object_unref(program);
    g_main_loop_unref(r.loop);
}

static void test_bad_device_rejected(void)
{
    Run r;
    run_init(&r);
    StrConfig cfg = config(&r, NULL);
    cfg.audio_device = "pulse:bad\nname";
    g_autoptr(GError) error = NULL;
    StrPipeline *p = str_pipeline_new(&cfg, &error);
    g_assert_null(p);
    g_assert_error(error, JC_ERROR, JC_ERROR_INVALID);
    g_main_loop_unref(r.loop);
}

int main(int argc, char **argv)
{
    g_log_set_writer_func(str_test_log_writer, NULL, NULL);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streamer/audio/mute-silences-recording", test_mute_silences_recording);
    g_test_add_func("/streamer/audio/unmute-brings-sound-back", test_unmute_brings_sound_back);
    g_test_add_func("/streamer/audio/level-in-status", test_level_in_status);
    g_test_add_func("/streamer/audio/bogus-device-silence", test_bogus_device_silence);
    g_test_add_func("/streamer/audio/alsa-device-live", test_alsa_device_live);
    g_test_add_func("/streamer/audio/bad-device-rejected", test_bad_device_rejected);
    g_test_add_func("/streamer/audio/backoff-kept-after-short-live",
                    test_backoff_kept_after_short_live);
    int rc = g_test_run();
    if (gst_is_initialized()) {
        gst_deinit();
    }
    return rc;
}
