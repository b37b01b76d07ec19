/* str_output: one isolated destination, its own small pipeline fed from the encoded program.
 *
 * Threads: the main thread owns the output pipeline's state, the back-off timer and `state`.
 * The program's streaming threads (one per appsink) push into the output's appsrcs; the fields
 * they share with the main thread are guarded by `lock` (a pthread mutex; held only for a
 * non-blocking appsrc push, never across a state change).
 *
 * Invariants:
 *  1. Buffers reach the output only while `accepting`; the main thread clears it before setting
 *     the output pipeline to NULL, so a failed destination only ever costs dropped buffers.
 *  2. After each (re)start the output begins at a video keyframe, and timestamps are rebased so
 *     that keyframe is at 0 (compared in running time: x264enc's timestamps carry an offset).
 *  3. When an appsrc holds more than MAX_QUEUED_TIME the output is too slow: buffers are dropped
 *     and video resumes at the next keyframe, so the decoder never sees a broken reference.
 *
 *  4. Bytes are counted where they enter the sink (a probe on its sink pad, an atomic counter);
 *     the main thread's one-second tick turns them into a bit rate and notices the first bytes
 *     of a connection ("live").
 *
 * States (main thread):  IDLE -start-> RUNNING -error-> BACKOFF -timer-> RUNNING
 *                        BACKOFF after MAX_TRIES failures in a row -> FAILED (gives up, as OBS)
 *                        RUNNING -drain-> DRAINING -EOS or error-> DONE;  any -stop-> DONE */
#include "str_output.h"

#include <gst/app/app.h>
#include <gst/video/video.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "jc_error.h"
#include "str_backoff.h"
#include "str_gst.h"

#define FIRST_RETRY_MS 2000
#define MAX_RETRY_MS 60000
#define MAX_TRIES 20
#define TICK_MS 1000
/* An output that ran this long before failing is treated as healthy: back-off starts again. */
#define HEALTHY_US (30 * G_USEC_PER_SEC)
#define MAX_QUEUED_TIME (2 * GST_SECOND)
#define MAX_QUEUED_BYTES (32u * 1024u * 1024u)

typedef enum { OUT_IDLE, OUT_RUNNING, OUT_BACKOFF, OUT_DRAINING, OUT_DONE, OUT_FAILED } OutState;

struct StrOutput {
    char *uri;         /* owned */
    char *safe_uri;    /* owned: redacted, for logs */
    char *secret;      /* owned: the stream key hidden by safe_uri, NULL if none */
    GstElement *pipe;  /* owned: the output pipeline, reused across restarts */
    GstAppSrc *vsrc;   /* borrowed from pipe */
    GstAppSrc *asrc;   /* borrowed from pipe */
    GstElement *vsink; /* borrowed: appsink in the program pipeline (NULL before attach) */
    gboolean watching; /* a watch is installed on pipe's bus */

    /* Main thread only. */
    OutState state;
    guint retry_id;      /* back-off timer, 0 when none */
    StrBackoff backoff;  /* reconnect delays */
    gint64 retry_at_us;  /* monotonic time of the next attempt (BACKOFF) */
    gint64 started_us;   /* monotonic time of the last start */
    gint64 live_us;      /* monotonic time the current connection's first bytes went out, or 0 */
    guint64 start_bytes; /* `sent` when the current connection started */
    guint tick_id;       /* rate tick, 0 when none */
    gint64 tick_us;
    guint64 tick_bytes;
    double kbps;
    char *error;        /* owned: last failure (scrubbed) */
    char *logged_error; /* owned: last error logged, so a repeating failure logs once */
    StrOutputDrainedFunc drained;
    gpointer drained_data;

    _Atomic guint64 sent;    /* invariant 4 */
    _Atomic guint64 dropped; /* buffers dropped because the output was too slow */

    pthread_mutex_t lock; /* guards the fields below */
    gboolean accepting;   /* invariant 1 */
    gboolean need_key;    /* drop video (and audio before the base) until a keyframe */
    gboolean have_base;
    GstClockTime base; /* running time that maps to 0 in the output */
    GstCaps *vcaps;    /* ref: caps last set on vsrc, NULL after a restart */
    GstCaps *acaps;    /* ref: caps last set on asrc */
};

char *str_output_redact_uri(const char *uri)
{
    if (!g_str_has_prefix(uri, "rtmp://") && !g_str_has_prefix(uri, "rtmps://")) {
        return g_strdup(uri);
    }
    const char *auth = strstr(uri, "://") + 3;
    const char *path = strchr(auth, '/');
    const char *auth_end = path != NULL ? path : auth + strlen(auth);
    GString *out = g_string_new_len(uri, auth - uri);
    const char *at = g_strrstr_len(auth, auth_end - auth, "@");
    if (at != NULL) {
        g_string_append(out, "***@");
        auth = at + 1;
    }
    g_string_append_len(out, auth, auth_end - auth);
    if (path != NULL) {
        const char *query = strchr(path, '?');
        const char *end = query != NULL ? query : path + strlen(path);
        const char *last = g_strrstr_len(path, end - path, "/");
        if (last > path) {
            /* app/KEY: keep the application name, hide the key. */
            g_string_append_len(out, path, last + 1 - path);
            g_string_append(out, "***");
        } else {
            g_string_append_len(out, path, end - path);
            if (query != NULL) {
                g_string_append(out, "?***");
            }
        }
    }
    return g_string_free(out, FALSE);
}

/* The stream key of an rtmp URL (its last path segment and query), or NULL. (transfer full) */
static char *find_secret(const char *uri)
{
    if (!g_str_has_prefix(uri, "rtmp://") && !g_str_has_prefix(uri, "rtmps://")) {
        return NULL;
    }
    const char *path = strchr(strstr(uri, "://") + 3, '/');
    const char *last = path != NULL ? strrchr(path, '/') : NULL;
    if (last == NULL || last == path || last[1] == '\0') {
        const char *query = path != NULL ? strchr(path, '?') : NULL;
        return query != NULL && query[1] != '\0' ? g_strdup(query + 1) : NULL;
    }
    return g_strdup(last + 1);
}

/* msg with every occurrence of the stream key replaced. (transfer full) */
static char *scrub(const StrOutput *o, const char *msg)
{
    if (o->secret == NULL) {
        return g_strdup(msg);
    }
    g_auto(GStrv) parts = g_strsplit(msg, o->secret, -1);
    return g_strjoinv("***", parts);
}

/* Chooses the muxer and sink for uri. On error, FALSE with JC_ERROR_INVALID. */
static gboolean parse_uri(const char *uri, const char **mux, char **path, GError **error)
{
    g_autofree char *safe = str_output_redact_uri(uri);
    if (g_str_has_prefix(uri, "rtmp://") || g_str_has_prefix(uri, "rtmps://")) {
        g_autoptr(GUri) parsed = g_uri_parse(uri, G_URI_FLAGS_NONE, NULL);
        if (parsed == NULL || g_uri_get_host(parsed) == NULL || *g_uri_get_host(parsed) == '\0' ||
            strlen(g_uri_get_path(parsed)) < 2) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "output %s: an RTMP URL needs a host and a path (rtmp://host/app/key)",
                        safe);
            return FALSE;
        }
        *mux = "flvmux";
        *path = NULL;
        return TRUE;
    }
    if (g_str_has_prefix(uri, "file://")) {
        *path = g_filename_from_uri(uri, NULL, NULL);
        if (*path == NULL) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "output %s: not a valid file:// URI (needs an absolute path)", safe);
            return FALSE;
        }
        if (g_str_has_suffix(*path, ".mkv")) {
            *mux = "matroskamux";
        } else if (g_str_has_suffix(*path, ".mp4")) {
            *mux = "mp4mux";
        } else if (g_str_has_suffix(*path, ".flv")) {
            *mux = "flvmux";
        } else {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                        "output %s: a file output must end in .mkv, .mp4 or .flv", safe);
            g_clear_pointer(path, g_free);
            return FALSE;
        }
        return TRUE;
    }
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                "output %s: unsupported scheme (use rtmp://, rtmps:// or file://)", safe);
    return FALSE;
}

static GstAppSrc *add_appsrc(GstBin *bin, GstElement *mux, const char *name, const char *templ,
                             GError **error)
{
    GstElement *src = str_gst_make("appsrc", name, error);
    if (src == NULL) {
        return NULL;
    }
    /* Not live: the muxer then waits for both streams instead of timing out on one; the
     * timestamps are already paced by the live program. block=FALSE: invariant 3. */
    g_object_set(src, "format", GST_FORMAT_TIME, "is-live", FALSE, "block", FALSE, "max-bytes",
                 (guint64)0, NULL);
    gst_bin_add(bin, src);
    if (!str_gst_link_to_request(src, mux, templ, error)) {
        return NULL;
    }
    return GST_APP_SRC(src);
}

/* The output's streaming thread: invariant 4. */
static GstPadProbeReturn count_bytes(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    StrOutput *o = data;
    gsize n = 0;
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
        n = gst_buffer_get_size(GST_PAD_PROBE_INFO_BUFFER(info));
    } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
        n = gst_buffer_list_calculate_size(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
    }
    atomic_fetch_add(&o->sent, (guint64)n);
    return GST_PAD_PROBE_OK;
}

static gboolean build(StrOutput *o, const char *muxname, const char *path, GError **error)
{
    GstBin *bin = GST_BIN(o->pipe);
    GstElement *mux = str_gst_make(muxname, "mux", error);
    if (mux == NULL) {
        return FALSE;
    }
    gst_bin_add(bin, mux);
    GstElement *sink;
    if (path != NULL) {
        sink = str_gst_make("filesink", "sink", error);
        if (sink == NULL) {
            return FALSE;
        }
        g_object_set(sink, "location", path, NULL);
    } else {
        sink = str_gst_make("rtmp2sink", "sink", error);
        if (sink == NULL) {
            return FALSE;
        }
        g_object_set(sink, "location", o->uri, "sync", FALSE, NULL);
    }
    gst_bin_add(bin, sink);
    if (!str_gst_link(mux, sink, error)) {
        return FALSE;
    }
    GstPad *sinkpad = gst_element_get_static_pad(sink, "sink");
    gst_pad_add_probe(sinkpad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                      count_bytes, o, NULL);
    gst_object_unref(sinkpad);
    gboolean flv = g_strcmp0(muxname, "flvmux") == 0;
    if (flv) {
        g_object_set(mux, "streamable", TRUE, NULL);
    } else if (g_strcmp0(muxname, "mp4mux") == 0) {
        g_object_set(mux, "fragment-duration", 1000u, NULL);
    }
    o->vsrc = add_appsrc(bin, mux, "video", flv ? "video" : "video_%u", error);
    if (o->vsrc == NULL) {
        return FALSE;
    }
    o->asrc = add_appsrc(bin, mux, "audio", flv ? "audio" : "audio_%u", error);
    return o->asrc != NULL;
}

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data);

StrOutput *str_output_new(const char *uri, GError **error)
{
    const char *mux = NULL;
    g_autofree char *path = NULL;
    if (uri == NULL || !parse_uri(uri, &mux, &path, error)) {
        if (uri == NULL) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "output URI missing");
        }
        return NULL;
    }
    StrOutput *o = g_new0(StrOutput, 1);
    o->uri = g_strdup(uri);
    o->safe_uri = str_output_redact_uri(uri);
    o->secret = find_secret(uri);
    str_backoff_init(&o->backoff, FIRST_RETRY_MS, MAX_RETRY_MS);
    pthread_mutex_init(&o->lock, NULL);
    o->pipe = gst_object_ref_sink(gst_pipeline_new("output"));
    if (!build(o, mux, path, error)) {
        str_output_free(o);
        return NULL;
    }
    GstBus *bus = gst_element_get_bus(o->pipe);
    gst_bus_add_watch(bus, on_bus, o);
    o->watching = TRUE;
    gst_object_unref(bus);
    return o;
}

/* Running time of t in seg; times before the segment count as 0. */
static GstClockTime running_time(const GstSegment *seg, GstClockTime t)
{
    if (!GST_CLOCK_TIME_IS_VALID(t) || seg == NULL || seg->format != GST_FORMAT_TIME) {
        return t;
    }
    guint64 rt = 0;
    int sign = gst_segment_to_running_time_full(seg, GST_FORMAT_TIME, t, &rt);
    return sign > 0 ? rt : 0;
}

static gboolean too_full(GstAppSrc *src)
{
    return gst_app_src_get_current_level_time(src) > MAX_QUEUED_TIME ||
           gst_app_src_get_current_level_bytes(src) > MAX_QUEUED_BYTES;
}

/* Streaming thread, o->lock held: decides whether buf goes out and with which timestamps. */
static void push_locked(StrOutput *o, GstSample *sample, gboolean video)
{
    GstAppSrc *src = video ? o->vsrc : o->asrc;
    GstBuffer *buf = gst_sample_get_buffer(sample);
    if (buf == NULL) {
        return;
    }
    if (too_full(src)) {
        o->need_key = o->need_key || video;
        atomic_fetch_add(&o->dropped, 1);
        return;
    }
    const GstSegment *seg = gst_sample_get_segment(sample);
    GstClockTime pts = running_time(seg, GST_BUFFER_PTS(buf));
    GstClockTime dts = running_time(seg, GST_BUFFER_DTS(buf));
    GstClockTime ts = GST_CLOCK_TIME_IS_VALID(dts) ? dts : pts;
    if (!GST_CLOCK_TIME_IS_VALID(ts)) {
        return;
    }
    if (video && o->need_key) {
        if (GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT)) {
            return;
        }
        o->need_key = FALSE;
        if (!o->have_base) {
            o->base = ts;
            o->have_base = TRUE;
        }
    }
    if (!o->have_base || ts < o->base) {
        return;
    }
    GstCaps *caps = gst_sample_get_caps(sample);
    GstCaps **last = video ? &o->vcaps : &o->acaps;
    if (caps != NULL && caps != *last) {
        gst_caps_replace(last, caps);
        gst_app_src_set_caps(src, caps);
    }
    GstBuffer *out = gst_buffer_copy(buf);
    GST_BUFFER_DTS(out) = GST_CLOCK_TIME_IS_VALID(dts) ? dts - o->base : GST_CLOCK_TIME_NONE;
    GST_BUFFER_PTS(out) = GST_CLOCK_TIME_IS_VALID(pts) && pts >= o->base ? pts - o->base : 0;
    gst_app_src_push_buffer(src, out);
}

static GstFlowReturn on_sample(GstAppSink *sink, gpointer data, gboolean video)
{
    StrOutput *o = data;
    GstSample *sample = gst_app_sink_pull_sample(sink);
    if (sample == NULL) {
        return GST_FLOW_OK;
    }
    pthread_mutex_lock(&o->lock);
    if (o->accepting) {
        push_locked(o, sample, video);
    }
    pthread_mutex_unlock(&o->lock);
    gst_sample_unref(sample);
    /* Always OK: the program must not notice a failed output. */
    return GST_FLOW_OK;
}

static GstFlowReturn on_video_sample(GstAppSink *sink, gpointer data)
{
    return on_sample(sink, data, TRUE);
}

static GstFlowReturn on_audio_sample(GstAppSink *sink, gpointer data)
{
    return on_sample(sink, data, FALSE);
}

static void on_eos(StrOutput *o, GstAppSrc *src)
{
    pthread_mutex_lock(&o->lock);
    if (o->accepting) {
        gst_app_src_end_of_stream(src);
    }
    pthread_mutex_unlock(&o->lock);
}

static void on_video_eos(GstAppSink *sink, gpointer data)
{
    StrOutput *o = data;
    on_eos(o, o->vsrc);
}

static void on_audio_eos(GstAppSink *sink, gpointer data)
{
    StrOutput *o = data;
    on_eos(o, o->asrc);
}

static GstElement *attach_branch(StrOutput *o, GstBin *program, GstElement *tee, gboolean video,
                                 GError **error)
{
    GstElement *q = str_gst_make("queue", NULL, error);
    if (q == NULL) {
        return NULL;
    }
    /* Leaky: the hand-over never blocks, but keep the tee's thread out of it too. */
    g_object_set(q, "max-size-time", GST_SECOND, "max-size-buffers", 0u, "max-size-bytes", 0u,
                 NULL);
    gst_util_set_object_arg(G_OBJECT(q), "leaky", "downstream");
    GstElement *sink = str_gst_make("appsink", NULL, error);
    if (sink == NULL) {
        gst_object_unref(gst_object_ref_sink(q));
        return NULL;
    }
    g_object_set(sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, "max-buffers",
                 8u, "drop", TRUE, "wait-on-eos", FALSE, NULL);
    GstAppSinkCallbacks cb = {
        .eos = video ? on_video_eos : on_audio_eos,
        .new_sample = video ? on_video_sample : on_audio_sample,
    };
    gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cb, o, NULL);
    gst_bin_add_many(program, q, sink, NULL);
    if (!str_gst_link(tee, q, error) || !str_gst_link(q, sink, error)) {
        return NULL;
    }
    return sink;
}

gboolean str_output_attach(StrOutput *o, GstBin *program, GstElement *video_tee,
                           GstElement *audio_tee, GError **error)
{
    o->vsink = attach_branch(o, program, video_tee, TRUE, error);
    return o->vsink != NULL && attach_branch(o, program, audio_tee, FALSE, error) != NULL;
}

static void set_accepting(StrOutput *o, gboolean accepting)
{
    pthread_mutex_lock(&o->lock);
    o->accepting = accepting;
    if (accepting) {
        /* Invariant 2: a fresh output pipeline starts at a keyframe, from 0, with new caps. */
        o->need_key = TRUE;
        o->have_base = FALSE;
        gst_caps_replace(&o->vcaps, NULL);
        gst_caps_replace(&o->acaps, NULL);
    }
    pthread_mutex_unlock(&o->lock);
}

static void fail(StrOutput *o, const char *why);

/* Main thread, once a second while the output runs: bit rate and "live". */
static gboolean on_tick(gpointer data)
{
    StrOutput *o = data;
    gint64 now = g_get_monotonic_time();
    guint64 sent = atomic_load(&o->sent);
    if (now > o->tick_us) {
        o->kbps = (double)(sent - o->tick_bytes) * 8.0 / 1000.0 * G_USEC_PER_SEC /
                  (double)(now - o->tick_us);
    }
    o->tick_us = now;
    o->tick_bytes = sent;
    if ((o->state == OUT_RUNNING || o->state == OUT_DRAINING) && o->live_us == 0 &&
        sent > o->start_bytes) {
        o->live_us = now;
    }
    return G_SOURCE_CONTINUE;
}

static void start_pipeline(StrOutput *o)
{
    o->started_us = g_get_monotonic_time();
    o->live_us = 0;
    o->start_bytes = atomic_load(&o->sent);
    o->state = OUT_RUNNING;
    if (o->tick_id == 0) {
        o->tick_us = o->started_us;
        o->tick_bytes = o->start_bytes;
        o->tick_id = g_timeout_add(TICK_MS, on_tick, o);
    }
    if (gst_element_set_state(o->pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        fail(o, "cannot start");
        return;
    }
    set_accepting(o, TRUE);
    if (o->vsink != NULL) {
        /* A restart mid-show would otherwise wait up to 2 s for the next keyframe. */
        gst_element_send_event(
            o->vsink, gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
    }
}

static gboolean on_retry(gpointer data)
{
    StrOutput *o = data;
    o->retry_id = 0;
    g_debug("output %s: retrying", o->safe_uri);
    start_pipeline(o);
    return G_SOURCE_REMOVE;
}

static void halt(StrOutput *o)
{
    set_accepting(o, FALSE);
    gst_element_set_state(o->pipe, GST_STATE_NULL);
}

static void finish_drain(StrOutput *o)
{
    o->state = OUT_DONE;
    StrOutputDrainedFunc drained = o->drained;
    o->drained = NULL;
    if (drained != NULL) {
        drained(o->drained_data);
    }
}

/* Main thread: the output pipeline failed. Logs once per distinct failure, retries later. */
static void fail(StrOutput *o, const char *why)
{
    if (o->state != OUT_RUNNING && o->state != OUT_DRAINING) {
        return; /* a late message from a pipeline already stopped */
    }
    halt(o);
    if (o->state == OUT_DRAINING) {
        g_debug("output %s failed while finishing: %s", o->safe_uri, why);
        finish_drain(o);
        return;
    }
    if (g_get_monotonic_time() - o->started_us >= HEALTHY_US) {
        str_backoff_reset(&o->backoff);
        g_clear_pointer(&o->logged_error, g_free);
    }
    g_free(o->error);
    o->error = g_strdup(why);
    o->live_us = 0;
    if (o->backoff.tries >= MAX_TRIES) {
        g_warning("output %s failed %u times in a row: %s; giving up", o->safe_uri,
                  o->backoff.tries, why);
        o->state = OUT_FAILED;
        return;
    }
    guint delay = str_backoff_next(&o->backoff);
    if (g_strcmp0(o->logged_error, why) != 0) {
        g_warning("output %s failed: %s; retrying with back-off", o->safe_uri, why);
        g_free(o->logged_error);
        o->logged_error = g_strdup(why);
    } else {
        g_debug("output %s failed again: %s; retry in %u ms", o->safe_uri, why, delay);
    }
    o->state = OUT_BACKOFF;
    o->retry_at_us = g_get_monotonic_time() + (gint64)delay * 1000;
    o->retry_id = g_timeout_add(delay, on_retry, o);
}

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data)
{
    StrOutput *o = data;
    switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_ERROR: {
        g_autoptr(GError) err = NULL;
        gst_message_parse_error(msg, &err, NULL);
        /* GStreamer's messages may quote the location: never log the key. */
        g_autofree char *why = scrub(o, err->message);
        fail(o, why);
        break;
    }
    case GST_MESSAGE_EOS:
        if (o->state == OUT_DRAINING) {
            halt(o);
            finish_drain(o);
        } else {
            fail(o, "destination ended the stream");
        }
        break;
    default:
        break;
    }
    return G_SOURCE_CONTINUE;
}

void str_output_start(StrOutput *o)
{
    if (o->state == OUT_IDLE) {
        start_pipeline(o);
    }
}

gboolean str_output_drain(StrOutput *o, StrOutputDrainedFunc drained, gpointer user_data)
{
    if (o->state == OUT_RUNNING) {
        o->state = OUT_DRAINING;
        o->drained = drained;
        o->drained_data = user_data;
        return FALSE;
    }
    if (o->state == OUT_DRAINING) {
        o->drained = drained;
        o->drained_data = user_data;
        return FALSE;
    }
    str_output_stop(o);
    return TRUE;
}

void str_output_stop(StrOutput *o)
{
    if (o->retry_id != 0) {
        g_source_remove(o->retry_id);
        o->retry_id = 0;
    }
    if (o->tick_id != 0) {
        g_source_remove(o->tick_id);
        o->tick_id = 0;
    }
    o->drained = NULL;
    if (o->state != OUT_IDLE && o->state != OUT_DONE && o->state != OUT_FAILED) {
        halt(o);
    }
    o->state = OUT_DONE;
}

void str_output_fill_status(StrOutput *o, StrOutputStatus *s)
{
    gint64 now = g_get_monotonic_time();
    s->uri = g_strdup(o->safe_uri);
    switch (o->state) {
    case OUT_IDLE:
        s->state = "connecting";
        break;
    case OUT_RUNNING:
    case OUT_DRAINING:
        s->state = o->live_us != 0 ? "live" : "connecting";
        break;
    case OUT_BACKOFF:
        s->state = "reconnecting";
        s->retry_in = MAX(0.0, (double)(o->retry_at_us - now) / G_USEC_PER_SEC);
        break;
    case OUT_FAILED:
        s->state = "failed";
        break;
    case OUT_DONE:
        s->state = "stopped";
        break;
    }
    gboolean live = g_strcmp0(s->state, "live") == 0;
    s->kbps = live ? o->kbps : 0.0;
    s->bytes = atomic_load(&o->sent);
    s->dropped = atomic_load(&o->dropped);
    s->uptime = live ? (double)(now - o->live_us) / G_USEC_PER_SEC : 0.0;
    s->attempts = o->backoff.tries;
    s->error = g_strdup(o->error);
}

void str_output_free(StrOutput *o)
{
    if (o == NULL) {
        return;
    }
    str_output_stop(o);
    if (o->watching) {
        GstBus *bus = gst_element_get_bus(o->pipe);
        gst_bus_remove_watch(bus);
        gst_object_unref(bus);
    }
    if (o->pipe != NULL) {
        gst_element_set_state(o->pipe, GST_STATE_NULL);
        gst_object_unref(o->pipe);
    }
    gst_caps_replace(&o->vcaps, NULL);
    gst_caps_replace(&o->acaps, NULL);
    pthread_mutex_destroy(&o->lock);
    g_free(o->logged_error);
    g_free(o->error);
    g_free(o->secret);
    g_free(o->safe_uri);
    g_free(o->uri);
    g_free(o);
}
