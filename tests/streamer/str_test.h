/* str_test: helpers shared by the streamer's test programs: a main loop that waits for the
 * program's state, temporary folders, ffprobe/ffmpeg checks on recordings, nginx-rtmp on
 * loopback, and what a recording shows over time (slate, green clip).
 *
 * Threads: main thread only (the streamer's bus watches and timers run on its default main
 * context while these helpers run the loop). Failures abort the test with g_assert. */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "../jc_test_child.h" /* die_with_parent, for every server a test spawns */
#include "../jc_test_nginx.h" /* nginx-rtmp on loopback */
#include "str_pipeline.h"

G_BEGIN_DECLS

/* One test's main loop and what the program reported (on_state sets the flags). */
typedef struct {
    GMainLoop *loop;
    gboolean playing;
    gboolean stopped;
    gboolean error;
    gboolean timed_out;
    guint stopped_count;
    double ran;       /* run_show: seconds the program had run when stop was called */
    double stop_took; /* run_show: seconds from stop to STOPPED */
    /* run_show: the program's continuity just before stop (see str_continuity.h) */
    guint64 stalls, frames_repeated;
    double longest_gap;
} Run;

/* Wall-clock bounds (how soon, how steady) hold in the optimised build. Under AddressSanitizer
 * two streaming tests side by side (make check runs two at once) starve each other's encoders
 * (90 repeated frames, 2.6 s gaps, a first keyframe three seconds late seen): there the figures
 * are printed and the functional checks still run, but the bounds would measure the machine,
 * not the change. */
#ifdef __SANITIZE_ADDRESS__
#define PACE_BOUNDED FALSE
#else
#define PACE_BOUNDED TRUE
#endif

/* What a decoded frame shows, judged by two pixels away from the slate's centred text. */
typedef enum { SHOW_OTHER, SHOW_SLATE, SHOW_GREEN } Shown;

/* shown_sequence samples the picture this often, this small. */
#define SAMPLE_FPS 10
#define SAMPLE_W 32
#define SAMPLE_H 18

/* g_subprocess_wait_async's user data for on_waited: done is set and the loop quit. */
typedef struct {
    Run *run;
    gboolean done;
} Waited;

/* Runs the loop until *flag is set or timeout_ms passed. Returns *flag. */
gboolean wait_for(Run *r, const gboolean *flag, guint timeout_ms);

/* Runs the loop for ms. */
void run_for(Run *r, guint ms);

/* GStreamer is initialised by the tests that need it, not in main: `-l` (test discovery runs it
 * without the LSan suppressions) then never touches gst_init's start-up allocations. */
void run_init(Run *r);

/* A 720p30 test: input show recording into record_dir (may be NULL), reporting to r. */
StrConfig config(Run *r, const char *record_dir);

/* Builds and starts a pipeline of cfg and waits for PLAYING. (transfer full: str_pipeline_free) */
StrPipeline *start_playing(const StrConfig *cfg, Run *r);

/* Stops p (within 5 s), waits for STOPPED and checks that the program saw no error. */
void stop_clean(StrPipeline *p, Run *r);

/* Builds and starts a show, waits for PLAYING, lets it run for ms, stops it (within
 * stop_timeout_ms) and frees it. Returns the recording path (transfer full). */
char *run_show(const StrConfig *cfg, Run *r, guint ms, guint stop_timeout_ms);

/* A new temporary folder. (transfer full) */
char *make_tmp(void);

/* Removes dir and the files in it (one level). */
void remove_tree(const char *dir);

/* Runs argv and returns its stdout. (transfer full) */
GBytes *run_tool(const char *const *argv);

/* ffprobe's JSON for file with extra arguments. (transfer full) */
JsonNode *ffprobe(const char *file, const char *what, const char *entries);

/* Asserts file holds one 1280x720 h264 stream and one aac stream; returns its duration (s). */
double check_playable(const char *file);

/* nginx's recordings of the stream, oldest first. (transfer full) */
GPtrArray *received_files(const char *dir);

/* TRUE if nginx and its RTMP module are installed; else marks the test skipped. */
gboolean have_nginx_rtmp(void);

/* Decodes file at SAMPLE_FPS into tiny RGB frames and classifies each by its (2, 2) pixel.
 * (transfer full) A GArray of Shown. */
GArray *shown_sequence(const char *file);

/* The same, sampled fps times a second. (transfer full) */
GArray *shown_sequence_at(const char *file, guint fps);

/* Run-length form of seq: pairs (what, how many samples), printed for failures. */
GArray *runs_of(GArray *seq);

/* Index of the first run of what at or after run from, or -1. */
int find_run(GArray *runs, guint from, Shown what, guint min_len);

/* Length of run i in seconds. */
double run_seconds(GArray *runs, int i);

/* A 2 s solid green clip, 1280x720 at 30 fps, with a tone or without any sound track. (transfer
 * full) */
char *make_green_clip(const char *dir, gboolean with_sound);

/* Polls the status on the loop until the input is in state, or timeout_ms. */
gboolean wait_input_state(Run *r, StrPipeline *p, const char *state, guint timeout_ms);

/* g_subprocess_wait_async callback; data is a Waited. */
void on_waited(GObject *src, GAsyncResult *res, gpointer data);

/* Polls until output i is "live", or timeout_ms. */
gboolean wait_output_live(Run *r, StrPipeline *p, guint i, guint timeout_ms);

/* An ffprobe reading a stream in the background: pull_start's user data. */
typedef struct {
    Run *run;
    gboolean done;
    char *out; /* owned: ffprobe's stdout */
} Probe;

/* Starts ffprobe pulling url for 6 s (two whole GOPs after joining mid-GOP); the loop must run
 * until pr->done, then pr->out holds its JSON. (transfer full) */
GSubprocess *pull_start(Probe *pr, const char *url);

/* What a platform checks on a pulled stream: H.264 720p30 + AAC, keyframes at most 2 s apart,
 * audio and video in step. */
void check_pulled(const char *json);

/* ffmpeg's volumedetect over [from, from + len) seconds of file's audio: the loudest sample and
 * the mean, in dBFS (-91 is digital silence). */
void volume_of(const char *file, double from, double len, double *max_db, double *mean_db);

/* A GLib log writer for tests in which the streamer's warnings are expected (an output or
 * input failing on purpose): they are printed, not fatal; everything else as by default. */
GLogWriterOutput str_test_log_writer(GLogLevelFlags level, const GLogField *fields, gsize n,
                                     gpointer data);

G_END_DECLS
