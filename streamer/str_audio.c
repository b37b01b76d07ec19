/* str_audio: opens the fallback audio device in its own pipeline and keeps reopening it.
 *
 * Threads: the main thread owns the supervisor (str_supervisor.c: the device pipeline, one per
 * attempt, its bus watch, back-off and watchdog). The device pipeline's appsink runs on_sample on
 * its streaming thread and pushes into the program's appsrc under `lock` (a pthread mutex held
 * for a non-blocking push); the sample clock it leaves for the watchdog is a C11 atomic.
 *
 * Invariants:
 *  1. The device pipeline is set to NULL (joining its streaming thread) before the next one is
 *     built (the supervisor's invariant 1), so at most one ever pushes into the program.
 *  2. Samples are stamped with the program's clock at arrival plus DELAY (declared as the
 *     appsrc's latency, like the input's): a live device has no timeline worth keeping, and its
 *     own clock drift is then absorbed by the audiomixer instead of accumulating.
 *  3. While the input delivers sound, the device's samples are dropped (the input wins).
 *
 * States (the supervisor's):
 *   IDLE -start-> CONNECTING -first sample-> LIVE -no sample 3 s / error-> BACKOFF -timer->
 *   CONNECTING;  CONNECTING -error or 10 s-> BACKOFF;  any -stop-> DONE
 * Like the input's, the back-off starts again only after the device was live for 30 s: a device
 * that opens and drops at once is not hammered every 2 s. */
#include "str_audio.h"

#include <gst/app/app.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "jc_error.h"
#include "str_gst.h"
#include "str_supervisor.h"

#define DELAY (150 * GST_MSECOND)
#define FIRST_RETRY_MS 2000
#define MAX_RETRY_MS 30000
#define TICK_MS 250
#define STALL_US (3 * G_USEC_PER_SEC)
#define CONNECT_TIMEOUT_US (10 * G_USEC_PER_SEC)
#define HEALTHY_US (30 * G_USEC_PER_SEC)
#define MAX_QUEUED_TIME GST_SECOND

struct StrAudio {
    char *device;        /* owned: as configured, for status and logs */
    char *factory;       /* owned: "pulsesrc" or "alsasrc" */
    char *name;          /* owned: the element's device property, NULL = its default */
    GstElement *program; /* borrowed: the program pipeline */
    GstAppSrc *src;      /* borrowed: in program */
    StrAudioInputHasSound has_sound;
    gpointer has_sound_data;

    StrSupervisor *sup; /* owned; main thread only */

    _Atomic gint64 last_sample_us; /* monotonic time of the last sample from the device */
    _Atomic gboolean on_air;       /* the last sample went to the program (invariant 3) */
    pthread_mutex_t lock;          /* guards the two fields below */
    gboolean discont;
    GstCaps *caps; /* ref: caps last set on src */
};

static GstElement *build(gpointer data, GError **error);
static gboolean check(gpointer data, gint64 now_us);

StrAudio *str_audio_new(const char *device, StrAudioInputHasSound has_sound, gpointer data,
                        GError **error)
{
    if (device == NULL || *device == '\0') {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "audio device missing");
        return NULL;
    }
    const char *factory = "pulsesrc";
    const char *name = device;
    if (g_str_has_prefix(device, "pulse:")) {
        name = device + strlen("pulse:");
    } else if (g_str_has_prefix(device, "alsa:")) {
        factory = "alsasrc";
        name = device + strlen("alsa:");
    }
    for (const char *c = name; *c != '\0'; c++) {
        if (g_ascii_iscntrl(*c)) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "audio device: control characters in the name");
            return NULL;
        }
    }
    StrAudio *a = g_new0(StrAudio, 1);
    a->device = g_strdup(device);
    a->factory = g_strdup(factory);
    a->name = *name != '\0' ? g_strdup(name) : NULL;
    a->has_sound = has_sound;
    a->has_sound_data = data;
    pthread_mutex_init(&a->lock, NULL);
    StrSupervisorConfig cfg = {
        .what = "audio device",
        .label = a->device,
        .meanwhile = "silence on air, reopening with back-off",
        .first_retry_ms = FIRST_RETRY_MS,
        .max_retry_ms = MAX_RETRY_MS,
        .tick_ms = TICK_MS,
        .healthy_us = HEALTHY_US,
        .connect_us = CONNECT_TIMEOUT_US,
        .stall_us = 0, /* a device that goes quiet is reopened at once */
        .connect_error = "no sound from the device",
        .stall_error = "the device stopped delivering sound",
        .eos_error = "the device ended",
    };
    StrSupervisorFuncs funcs = {.build = build, .check = check};
    a->sup = str_supervisor_new(&cfg, &funcs, a);
    return a;
}

gboolean str_audio_attach(StrAudio *a, GstElement *program, GstElement *audio_mix, GError **error)
{
    GstElement *src = str_gst_make("appsrc", "device-audio", error);
    if (src == NULL) {
        return FALSE;
    }
    /* Live, non-blocking; DELAY declared as latency: invariant 2. */
    g_object_set(src, "format", GST_FORMAT_TIME, "is-live", TRUE, "block", FALSE, "min-latency",
                 (gint64)DELAY, "max-latency", (gint64)(DELAY + GST_SECOND), "max-bytes",
                 (guint64)0, NULL);
    gst_bin_add(GST_BIN(program), src);
    if (!str_gst_link_to_request(src, audio_mix, "sink_%u", error)) {
        return FALSE;
    }
    a->program = program;
    a->src = GST_APP_SRC(src);
    return TRUE;
}

/* ---- the device's streaming thread --------------------------------------------------------- */

static GstFlowReturn on_sample(GstAppSink *sink, gpointer data)
{
    StrAudio *a = data;
    GstSample *sample = gst_app_sink_pull_sample(sink);
    if (sample == NULL) {
        return GST_FLOW_OK;
    }
    atomic_store(&a->last_sample_us, g_get_monotonic_time());
    GstBuffer *buf = gst_sample_get_buffer(sample);
    gboolean wanted = a->has_sound == NULL || !a->has_sound(a->has_sound_data);
    atomic_store(&a->on_air, wanted);
    if (buf != NULL && wanted && gst_app_src_get_current_level_time(a->src) <= MAX_QUEUED_TIME) {
        GstClock *clock = gst_element_get_clock(a->program);
        if (clock != NULL) {
            GstClockTime now = gst_clock_get_time(clock);
            gst_object_unref(clock);
            GstClockTime base = gst_element_get_base_time(a->program);
            GstBuffer *copy = gst_buffer_copy(buf);
            GST_BUFFER_PTS(copy) = (now > base ? now - base : 0) + DELAY;
            GST_BUFFER_DTS(copy) = GST_CLOCK_TIME_NONE;
            pthread_mutex_lock(&a->lock);
            GstCaps *caps = gst_sample_get_caps(sample);
            if (caps != NULL && (a->caps == NULL || !gst_caps_is_equal(caps, a->caps))) {
                gst_caps_replace(&a->caps, caps);
                gst_app_src_set_caps(a->src, caps);
            }
            if (a->discont) {
                GST_BUFFER_FLAG_SET(copy, GST_BUFFER_FLAG_DISCONT);
                a->discont = FALSE;
            }
            gst_app_src_push_buffer(a->src, copy);
            pthread_mutex_unlock(&a->lock);
        }
    } else if (!wanted) {
        pthread_mutex_lock(&a->lock);
        a->discont = TRUE; /* the input's sound took over: resume with a discontinuity */
        pthread_mutex_unlock(&a->lock);
    }
    gst_sample_unref(sample);
    return GST_FLOW_OK;
}

/* ---- main thread --------------------------------------------------------------------------- */

/* The supervisor's builder: the next attempt's pipeline (invariant 1 holds: the last one is
 * gone). (transfer full) */
static GstElement *build(gpointer data, GError **error)
{
    StrAudio *a = data;
    pthread_mutex_lock(&a->lock);
    a->discont = TRUE;
    gst_caps_replace(&a->caps, NULL);
    pthread_mutex_unlock(&a->lock);
    atomic_store(&a->last_sample_us, 0);
    atomic_store(&a->on_air, FALSE);
    GstElement *pipe = gst_object_ref_sink(gst_pipeline_new("audio-device"));
    const char *chain[] = {a->factory,   "audioconvert", "audioresample",
                           "capsfilter", "appsink",      NULL};
    GstElement *e[5];
    if (!str_gst_add_chain(GST_BIN(pipe), chain, e, error)) {
        gst_object_unref(pipe);
        return NULL;
    }
    if (a->name != NULL) {
        g_object_set(e[0], "device", a->name, NULL);
    }
    str_gst_set_caps(e[3], gst_caps_new_simple("audio/x-raw", "format", G_TYPE_STRING, "F32LE",
                                               "rate", G_TYPE_INT, 48000, "channels", G_TYPE_INT, 2,
                                               "layout", G_TYPE_STRING, "interleaved", NULL));
    g_object_set(e[4], "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, "max-buffers",
                 8u, "drop", TRUE, NULL);
    GstAppSinkCallbacks cb = {.new_sample = on_sample};
    gst_app_sink_set_callbacks(GST_APP_SINK(e[4]), &cb, a, NULL);
    return pipe;
}

/* The supervisor's watchdog: LIVE from the first sample; a silent device (unplugged) fails. */
static gboolean check(gpointer data, gint64 now_us)
{
    StrAudio *a = data;
    gint64 last = atomic_load(&a->last_sample_us);
    return last > 0 && now_us - last < STALL_US;
}

void str_audio_start(StrAudio *a)
{
    if (a->src != NULL) {
        str_supervisor_start(a->sup);
    }
}

void str_audio_stop(StrAudio *a)
{
    str_supervisor_stop(a->sup);
    atomic_store(&a->on_air, FALSE);
}

void str_audio_fill_status(StrAudio *a, StrStatus *s)
{
    static const char *const names[] = {
        [STR_SUP_IDLE] = "connecting", [STR_SUP_CONNECTING] = "connecting",
        [STR_SUP_LIVE] = "live",       [STR_SUP_STALLED] = "live",
        [STR_SUP_BACKOFF] = "failed",  [STR_SUP_FAILED] = "failed",
        [STR_SUP_DONE] = "stopped",
    };
    StrSupState state = str_supervisor_state(a->sup);
    s->audio.device_state = names[state];
    s->audio.device_retry_in = str_supervisor_retry_in(a->sup);
    /* A live device has no error to show (the last failure is over). */
    s->audio.device_error = state != STR_SUP_LIVE ? g_strdup(str_supervisor_error(a->sup)) : NULL;
    if (state == STR_SUP_LIVE && atomic_load(&a->on_air)) {
        s->audio.source = "device";
    }
}

StrSupervisor *str_audio_supervisor(StrAudio *a)
{
    return a->sup;
}

void str_audio_free(StrAudio *a)
{
    if (a == NULL) {
        return;
    }
    str_supervisor_free(a->sup);
    atomic_store(&a->on_air, FALSE);
    gst_caps_replace(&a->caps, NULL);
    pthread_mutex_destroy(&a->lock);
    g_free(a->name);
    g_free(a->factory);
    g_free(a->device);
    g_free(a);
}
