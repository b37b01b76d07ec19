/* str_audio: opens the fallback audio device in its own pipeline and keeps reopening it.
 *
 * Threads: the main thread owns the device pipeline (one per attempt), its bus watch, the
 * back-off timer, the watchdog tick and `state`. The device pipeline's appsink runs on_sample on
 * its streaming thread and pushes into the program's appsrc under `lock` (a pthread mutex held
 * for a non-blocking push); the sample clock it leaves for the watchdog is a C11 atomic.
 *
 * Invariants:
 *  1. The device pipeline is set to NULL (joining its streaming thread) before the next one is
 *     built, so at most one ever pushes into the program.
 *  2. Samples are stamped with the program's clock at arrival plus DELAY (declared as the
 *     appsrc's latency, like the input's): a live device has no timeline worth keeping, and its
 *     own clock drift is then absorbed by the audiomixer instead of accumulating.
 *  3. While the input delivers sound, the device's samples are dropped (the input wins).
 *
 * States (main thread):
 *   IDLE -start-> CONNECTING -first sample-> LIVE -no sample 3 s / error-> BACKOFF -timer->
 *   CONNECTING;  CONNECTING -error or 10 s-> BACKOFF;  any -stop-> DONE */
#include "str_audio.h"

#include <gst/app/app.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "jc_error.h"
#include "str_backoff.h"
#include "str_gst.h"

#define DELAY (150 * GST_MSECOND)
#define FIRST_RETRY_MS 2000
#define MAX_RETRY_MS 30000
#define TICK_MS 250
#define STALL_US (3 * G_USEC_PER_SEC)
#define CONNECT_TIMEOUT_US (10 * G_USEC_PER_SEC)
#define MAX_QUEUED_TIME GST_SECOND

typedef enum { A_IDLE, A_CONNECTING, A_LIVE, A_BACKOFF, A_DONE } AState;

struct StrAudio {
    char *device;        /* owned: as configured, for status and logs */
    char *factory;       /* owned: "pulsesrc" or "alsasrc" */
    char *name;          /* owned: the element's device property, NULL = its default */
    GstElement *program; /* borrowed: the program pipeline */
    GstAppSrc *src;      /* borrowed: in program */
    StrAudioInputHasSound has_sound;
    gpointer has_sound_data;

    /* Main thread only. */
    GstElement *pipe; /* owned: the current attempt's pipeline, NULL between attempts */
    AState state;
    StrBackoff backoff;
    guint retry_id;
    gint64 retry_at_us;
    gint64 state_since_us;
    guint tick_id;
    char *error;        /* owned: last failure */
    char *logged_error; /* owned: last failure logged */

    _Atomic gint64 last_sample_us; /* monotonic time of the last sample from the device */
    _Atomic gboolean on_air;       /* the last sample went to the program (invariant 3) */
    pthread_mutex_t lock;          /* guards the two fields below */
    gboolean discont;
    GstCaps *caps; /* ref: caps last set on src */
};

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
    str_backoff_init(&a->backoff, FIRST_RETRY_MS, MAX_RETRY_MS);
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

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data);
static void fail(StrAudio *a, const char *why);

static void set_state(StrAudio *a, AState state)
{
    a->state = state;
    a->state_since_us = g_get_monotonic_time();
}

/* Invariant 1. */
static void teardown(StrAudio *a)
{
    if (a->pipe == NULL) {
        return;
    }
    GstBus *bus = gst_element_get_bus(a->pipe);
    gst_bus_remove_watch(bus);
    gst_object_unref(bus);
    gst_element_set_state(a->pipe, GST_STATE_NULL);
    gst_object_unref(a->pipe);
    a->pipe = NULL;
    atomic_store(&a->on_air, FALSE);
}

static gboolean build(StrAudio *a, GError **error)
{
    const char *chain[] = {a->factory,   "audioconvert", "audioresample",
                           "capsfilter", "appsink",      NULL};
    GstElement *e[5];
    if (!str_gst_add_chain(GST_BIN(a->pipe), chain, e, error)) {
        return FALSE;
    }
    if (a->name != NULL) {
        g_object_set(e[0], "device", a->name, NULL);
    }
    GstCaps *caps = gst_caps_new_simple("audio/x-raw", "format", G_TYPE_STRING, "F32LE", "rate",
                                        G_TYPE_INT, 48000, "channels", G_TYPE_INT, 2, "layout",
                                        G_TYPE_STRING, "interleaved", NULL);
    g_object_set(e[3], "caps", caps, NULL);
    gst_caps_unref(caps);
    g_object_set(e[4], "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, "max-buffers",
                 8u, "drop", TRUE, NULL);
    GstAppSinkCallbacks cb = {.new_sample = on_sample};
    gst_app_sink_set_callbacks(GST_APP_SINK(e[4]), &cb, a, NULL);
    return TRUE;
}

static void open_device(StrAudio *a)
{
    g_autoptr(GError) error = NULL;
    pthread_mutex_lock(&a->lock);
    a->discont = TRUE;
    gst_caps_replace(&a->caps, NULL);
    pthread_mutex_unlock(&a->lock);
    atomic_store(&a->last_sample_us, 0);
    a->pipe = gst_object_ref_sink(gst_pipeline_new("audio-device"));
    GstBus *bus = gst_element_get_bus(a->pipe);
    gst_bus_add_watch(bus, on_bus, a);
    gst_object_unref(bus);
    set_state(a, A_CONNECTING);
    if (!build(a, &error)) {
        fail(a, error->message);
        return;
    }
    if (gst_element_set_state(a->pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        GstBus *b = gst_element_get_bus(a->pipe);
        GstMessage *msg = gst_bus_pop_filtered(b, GST_MESSAGE_ERROR);
        gst_object_unref(b);
        g_autoptr(GError) err = NULL;
        if (msg != NULL) {
            gst_message_parse_error(msg, &err, NULL);
            gst_message_unref(msg);
        }
        fail(a, err != NULL ? err->message : "cannot open the device");
    }
}

static gboolean on_retry(gpointer data)
{
    StrAudio *a = data;
    a->retry_id = 0;
    open_device(a);
    return G_SOURCE_REMOVE;
}

/* Main thread: the device failed. Logs once per distinct failure, reopens later. */
static void fail(StrAudio *a, const char *why)
{
    if (a->state != A_CONNECTING && a->state != A_LIVE) {
        return;
    }
    if (a->state == A_LIVE) {
        str_backoff_reset(&a->backoff);
    }
    teardown(a);
    g_free(a->error);
    a->error = g_strdup(why);
    guint delay = str_backoff_next(&a->backoff);
    if (g_strcmp0(a->logged_error, why) != 0) {
        g_warning("audio device %s: %s; silence on air, reopening with back-off", a->device, why);
        g_free(a->logged_error);
        a->logged_error = g_strdup(why);
    }
    set_state(a, A_BACKOFF);
    a->retry_at_us = g_get_monotonic_time() + (gint64)delay * 1000;
    a->retry_id = g_timeout_add(delay, on_retry, a);
}

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data)
{
    StrAudio *a = data;
    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
        g_autoptr(GError) err = NULL;
        gst_message_parse_error(msg, &err, NULL);
        fail(a, err->message);
    } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
        fail(a, "the device ended");
    }
    return G_SOURCE_CONTINUE;
}

/* Watchdog: LIVE from the first sample; a silent device (unplugged) is reopened. */
static gboolean on_tick(gpointer data)
{
    StrAudio *a = data;
    gint64 now = g_get_monotonic_time();
    gint64 last = atomic_load(&a->last_sample_us);
    gboolean flowing = last > 0 && now - last < STALL_US;
    if (a->state == A_CONNECTING && flowing) {
        set_state(a, A_LIVE);
        g_clear_pointer(&a->error, g_free);
    } else if (a->state == A_CONNECTING && now - a->state_since_us > CONNECT_TIMEOUT_US) {
        fail(a, "no sound from the device");
    } else if (a->state == A_LIVE && !flowing) {
        fail(a, "the device stopped delivering sound");
    }
    return G_SOURCE_CONTINUE;
}

void str_audio_start(StrAudio *a)
{
    if (a->state != A_IDLE || a->src == NULL) {
        return;
    }
    a->tick_id = g_timeout_add(TICK_MS, on_tick, a);
    open_device(a);
}

void str_audio_stop(StrAudio *a)
{
    if (a->retry_id != 0) {
        g_source_remove(a->retry_id);
        a->retry_id = 0;
    }
    if (a->tick_id != 0) {
        g_source_remove(a->tick_id);
        a->tick_id = 0;
    }
    teardown(a);
    if (a->state != A_IDLE) {
        a->state = A_DONE;
    }
}

void str_audio_fill_status(StrAudio *a, StrStatus *s)
{
    static const char *const names[] = {"connecting", "connecting", "live", "failed", "stopped"};
    s->audio.device_state = names[a->state];
    s->audio.device_retry_in =
        a->state == A_BACKOFF
            ? MAX(0.0, (double)(a->retry_at_us - g_get_monotonic_time()) / G_USEC_PER_SEC)
            : 0.0;
    s->audio.device_error = g_strdup(a->error);
    if (a->state == A_LIVE && atomic_load(&a->on_air)) {
        s->audio.source = "device";
    }
}

void str_audio_free(StrAudio *a)
{
    if (a == NULL) {
        return;
    }
    str_audio_stop(a);
    gst_caps_replace(&a->caps, NULL);
    pthread_mutex_destroy(&a->lock);
    g_free(a->error);
    g_free(a->logged_error);
    g_free(a->name);
    g_free(a->factory);
    g_free(a->device);
    g_free(a);
}
