/* str_pipeline: the program pipeline (input -> overlay -> H.264 + AAC -> recording, outputs).
 *
 * Threads: created, started, stopped and freed on the main thread; its bus is watched on the
 * main GMainContext. The overlay callback runs on a GStreamer streaming thread once a frame and
 * must only take a ref to something already rendered. Knows nothing about control or postings. */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

#include "str_profile.h"
#include "str_status.h"

G_BEGIN_DECLS

/* Called on a streaming thread for every frame. (transfer full) NULL draws nothing. */
typedef GstVideoOverlayComposition *(*StrOverlayFunc)(gpointer user_data);

typedef enum {
    STR_STATE_STARTING,
    STR_STATE_PLAYING, /* frames flow and the recording is being written */
    STR_STATE_STOPPED, /* EOS reached after str_pipeline_stop(), recording finalised */
    STR_STATE_ERROR,   /* the program itself failed (not one output): message says why */
} StrState;

/* Called on the main thread when the pipeline's state changes. */
typedef void (*StrStateFunc)(StrState state, const char *message, gpointer user_data);

typedef struct {
    const char *input_uri;      /* "test:" (synthetic camera + tone); others come later */
    const StrProfile *profile;  /* borrowed */
    const char *record_dir;     /* recordings go here, NULL = no recording */
    const char *const *outputs; /* NULL-terminated "rtmp://..." / "file://..." URIs, may be NULL */
    const char *const *output_names; /* their names, parallel to outputs (jc_output.h rules);
                                        NULL = out1, out2... in order */
    StrOverlayFunc overlay;          /* may be NULL */
    gpointer overlay_data;
    StrStateFunc on_state; /* may be NULL */
    gpointer state_data;
    guint segment_seconds; /* recording split into parts this long (at a keyframe); 0 = 3600 */
    guint keep_days;       /* recordings older than this are deleted; 0 = kept for ever */
    guint keep_mb;         /* oldest recordings deleted beyond this total; 0 = no limit */
    guint min_free_mb;     /* recording stops (the show goes on) below this free space; 0 = 1024 */
    const char *audio_device; /* sound when the input has none: "pulse:NAME", "alsa:NAME" or NAME
                                 (pulse); NULL = silence. A failing device means silence, never a
                                 stop. */
    gboolean muted;           /* start with the program's sound muted */
    guint qr_blur_from;       /* tests only: the QR monitor blurs what it scans from this many
                                 seconds after start ... */
    guint qr_blur_to;         /* ... to this many (0 and 0: never) */
} StrConfig;

typedef struct StrPipeline StrPipeline;

/* Builds (does not start) the pipeline. cfg is copied. On error, NULL with error set. */
StrPipeline *str_pipeline_new(const StrConfig *cfg, GError **error);

/* Sets the pipeline playing. Returns FALSE with error set if it cannot even start. */
gboolean str_pipeline_start(StrPipeline *p, GError **error);

/* Ends the show: sends EOS so the recording is finalised, then reports STR_STATE_STOPPED via
 * on_state (on the main loop). If EOS has not arrived within timeout_ms it stops hard and
 * still reports STOPPED. Safe to call twice. */
void str_pipeline_stop(StrPipeline *p, guint timeout_ms);

/* Path of the recording's first part, or NULL when not recording. (transfer none) Later parts
 * (one every segment_seconds) are named like it with -002, -003... before ".mp4";
 * str_pipeline_status() names the part being written. */
const char *str_pipeline_recording_path(StrPipeline *p);

/* Running time (ns) of the program since it started playing, GST_CLOCK_TIME_NONE before. */
GstClockTime str_pipeline_running_time(StrPipeline *p);

/* Takes a snapshot of the program, its input, recording and outputs. (transfer full) Main thread
 * only. Never NULL for a valid p. */
StrStatus *str_pipeline_status(StrPipeline *p);

/* The newest preview JPEG of the program output (after the overlay), 480 pixels wide: about 4
 * frames a second while someone calls this (within the last 10 s), else one every 2 s.
 * (transfer full) NULL before the first frame. If seq is not NULL it receives the frame's
 * sequence number (1 for the first frame, +1 for each). Any thread. */
GBytes *str_pipeline_preview_jpeg(StrPipeline *p, gint64 *seq);

/* Makes output name push to uri while the program goes on (nothing else is interrupted): adds
 * it, or replaces it when its URI changed or it is waiting to retry or was given up (a retry at
 * once); an output already connecting or live at that URI is left alone. Before the start it is
 * started with the program; while the program stops, nothing is done (TRUE). FALSE with
 * JC_ERROR_INVALID (a bad name or URI) or JC_ERROR_PIPELINE (an element missing); then nothing
 * changed. Main thread. */
gboolean str_pipeline_set_output(StrPipeline *p, const char *name, const char *uri, GError **error);

/* Removes output name, if there is one, while the program goes on: its destination gets the end
 * of stream (at most 3 s), the program, the recording and the other outputs never notice. Main
 * thread. */
void str_pipeline_remove_output(StrPipeline *p, const char *name);

/* Mutes (TRUE) or unmutes the program's sound: the recording and every output get silence
 * from the next audio buffer on; the level keeps measuring. Main thread. */
void str_pipeline_set_muted(StrPipeline *p, gboolean muted);

/* The URL the program's QR code should carry from now on (NULL: none expected: no posting on
 * air, or the slate); the QR read-back monitor (str_qrmon.h) checks it, status "qr". Main
 * thread. */
void str_pipeline_expect_qr(StrPipeline *p, const char *url);
/* TRUE when the program encodes (it was built with a recording or an output to take H.264 and
 * AAC); a program without either carries raw video and sound only. */
gboolean str_pipeline_encodes(StrPipeline *p);

/* The program's GStreamer pipeline, for tests and diagnostics that look at what it is made of
 * (never to change it). (transfer none) */
GstElement *str_pipeline_bin(StrPipeline *p);

/* Sets the pipeline to NULL and frees it. NULL is allowed. */
void str_pipeline_free(StrPipeline *p);

G_END_DECLS
