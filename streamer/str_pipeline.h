/* str_pipeline: the program pipeline (input -> overlay -> H.264 + AAC -> recording, outputs).
 *
 * Threads: created, started, stopped and freed on the main thread; its bus is watched on the
 * main GMainContext. The overlay callback runs on a GStreamer streaming thread once a frame and
 * must only take a ref to something already rendered. Knows nothing about control or postings. */
#pragma once

#include <glib.h>
#include <gst/video/video.h>

G_BEGIN_DECLS

typedef struct {
    const char *name; /* "720p30", "1080p30", "720x1280", "1080x1920" */
    int width;
    int height;
    int fps;
    int video_kbps;
    int audio_kbps;
} StrProfile;

/* Looks up a profile by name. (transfer none) On an unknown name, NULL is returned with error
 * set (JC_ERROR_INVALID) listing the valid names. */
const StrProfile *str_profile_lookup(const char *name, GError **error);

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
    StrOverlayFunc overlay;     /* may be NULL */
    gpointer overlay_data;
    StrStateFunc on_state; /* may be NULL */
    gpointer state_data;
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

/* Path of the current recording file, or NULL when not recording. (transfer none) */
const char *str_pipeline_recording_path(StrPipeline *p);

/* Running time (ns) of the program since it started playing, GST_CLOCK_TIME_NONE before. */
GstClockTime str_pipeline_running_time(StrPipeline *p);

/* Sets the pipeline to NULL and frees it. NULL is allowed. */
void str_pipeline_free(StrPipeline *p);

G_END_DECLS
