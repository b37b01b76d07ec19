/* str_output: one isolated destination, its own small pipeline fed from the encoded program.
 *
 * Threads: the main thread owns the supervisor (str_supervisor.c: the output pipeline's state,
 * its bus watch, back-off and tick) and the drain. The program's streaming threads (one per
 * appsink) push into the output's appsrcs; the fields they share with the main thread are guarded
 * by `lock` (a pthread mutex; held only for a non-blocking appsrc push, never across a state
 * change).
 *
 * Invariants:
 *  1. Buffers reach the output only while `accepting`; the main thread clears it before setting
 *     the output pipeline to NULL, so a failed destination only ever costs dropped buffers.
 *  2. After each (re)start the output begins at a video keyframe, and timestamps are rebased so
 *     that keyframe is at 0 (compared in running time: x264enc's timestamps carry an offset).
 *  3. When an appsrc holds more than MAX_QUEUED_TIME the output is too slow: buffers are dropped
 *     and video resumes at the next keyframe, so the decoder never sees a broken reference.
 *
 *  4. Bytes and media buffers are counted where they enter the sink (a probe on its sink pad,
 *     atomic counters); the supervisor's one-second tick (check) turns bytes into a bit rate
 *     and calls the connection "live" once a second media buffer entered (the sink blocks the
 *     first until it is connected) and no error waits on the output's bus.
 *
 * States (the supervisor's): IDLE -start-> CONNECTING -2nd buffer-> LIVE -error-> BACKOFF
 *                        -timer-> CONNECTING;  the server refused us (not authorized) -> FAILED
 *                        (no retry: a rejected stream key will not become valid by retrying);
 *                        any -stop-> DONE.  While `draining`, an EOS or error is the end: DONE.
 * The pipeline is built once and restarted (NULL -> PLAYING) for every attempt. The back-off
 * starts again after 30 s live (before, after 30 s from the start, connected or not).
 * Retry policy: a show must never stop, so an output keeps retrying at the capped interval for
 * as long as the show runs (OBS retries for ever when told to); the attempt count is reported. */
#include "str_output.h"

#include <gst/app/app.h>
#include <gst/video/video.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "jc_error.h"
#include "jc_output.h"
#include "jc_uri.h"
#include "str_gst.h"
#include "str_supervisor.h"

#define FIRST_RETRY_MS 2000
#define MAX_RETRY_MS 60000
#define TICK_MS 1000
/* An output live this long before failing is treated as healthy: back-off starts again. */
#define HEALTHY_US (30 * G_USEC_PER_SEC)
#define MAX_QUEUED_TIME (2 * GST_SECOND)
#define MAX_QUEUED_BYTES (32u * 1024u * 1024u)

struct StrOutput {
    char *name;            /* owned: unique among the program's outputs (jc_output.h) */
    char *given;           /* owned: the URI as given (what str_output_uri returns) */
    char *uri;             /* owned: as handed to the sink (without our own tls-insecure=1) */
    gboolean tls_insecure; /* rtmps: do not validate the server's certificate */
    char *safe_uri;        /* owned: redacted, for logs */
    char *label;           /* owned: "NAME (REDACTED URI)", for logs */
    GstElement *pipe;      /* owned: the output pipeline, reused across restarts */
    GstAppSrc *vsrc;       /* borrowed from pipe */
    GstAppSrc *asrc;       /* borrowed from pipe */
    GstElement *vsink;     /* borrowed: appsink in the program pipeline (NULL before attach) */
    GstElement *asink;     /* borrowed: the same for audio */

    /* Main thread only. */
    StrSupervisor *sup;   /* owned: restarts, back-off, tick */
    guint64 start_bodies; /* `bodies` when the current connection started */
    gint64 tick_us;
    guint64 tick_bytes;
    double kbps;
    gboolean draining; /* the next EOS or error ends the output */
    StrOutputDrainedFunc drained;
    gpointer drained_data;

    _Atomic guint64 sent;    /* invariant 4 */
    _Atomic guint64 bodies;  /* invariant 4: media (not header) buffers that entered the sink */
    _Atomic guint64 dropped; /* buffers dropped because the output was too slow */

    pthread_mutex_t lock; /* guards the fields below */
    gboolean accepting;   /* invariant 1 */
    gboolean need_key;    /* drop video (and audio before the base) until a keyframe */
    gboolean have_base;
    GstClockTime base; /* running time that maps to 0 in the output */
    GstCaps *vcaps;    /* ref: caps last set on vsrc, NULL after a restart */
    GstCaps *acaps;    /* ref: caps last set on asrc */
};

/* msg with the URI's secrets (stream key, query, user info) replaced. (transfer full) */
static char *scrub(const StrOutput *o, const char *msg)
{
    return jc_uri_scrub(msg, o->uri);
}

/* Chooses the muxer and sink for uri (checked by jc_output_uri_check, the one rule the
 * command line and the control protocol share). On error, FALSE with JC_ERROR_INVALID. */
static gboolean parse_uri(const char *uri, const char **mux, char **path, GError **error)
{
    JcOutputKind kind;
    if (!jc_output_uri_check(uri, &kind, error)) {
        return FALSE;
    }
    *path = NULL;
    if (kind == JC_OUTPUT_RTMP) {
        *mux = "flvmux";
    } else if (kind == JC_OUTPUT_SRT) {
        *mux = "mpegtsmux";
    } else {
        *path = g_filename_from_uri(uri, NULL, NULL);
        *mux = g_str_has_suffix(*path, ".mkv")   ? "matroskamux"
               : g_str_has_suffix(*path, ".mp4") ? "mp4mux"
                                                 : "flvmux";
    }
    return TRUE;
}

/* Adds an appsrc feeding a new pad of mux made from templ, through a parser converting to
 * to_format ("byte-stream" for H.264, "adts" for AAC) when to_format is not NULL (MPEG-TS takes
 * Annex B and ADTS; the program's encoders give AVC and raw AAC). */
static GstAppSrc *add_appsrc(GstBin *bin, GstElement *mux, const char *name, const char *templ,
                             const char *to_format, GError **error)
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
    GstElement *last = src;
    if (to_format != NULL) {
        gboolean video = g_strcmp0(to_format, "byte-stream") == 0;
        const char *const chain[] = {video ? "h264parse" : "aacparse", "capsfilter", NULL};
        GstElement *e[2];
        if (!str_gst_add_chain(bin, chain, e, error) || !str_gst_link(src, e[0], error)) {
            return NULL;
        }
        if (video) {
            /* SPS/PPS before every keyframe: MPEG-TS has no header, a receiver joins anywhere. */
            g_object_set(e[0], "config-interval", -1, NULL);
        }
        GstCaps *caps = gst_caps_new_simple(video ? "video/x-h264" : "audio/mpeg", "stream-format",
                                            G_TYPE_STRING, to_format, NULL);
        g_object_set(e[1], "caps", caps, NULL);
        gst_caps_unref(caps);
        last = e[1];
    }
    if (!str_gst_link_to_request(last, mux, templ, error)) {
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
    guint bodies = 0;
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
        bodies = !GST_BUFFER_FLAG_IS_SET(GST_PAD_PROBE_INFO_BUFFER(info), GST_BUFFER_FLAG_HEADER);
    } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
        bodies = gst_buffer_list_length(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
    }
    atomic_fetch_add(&o->bodies, (guint64)bodies);
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
    } else if (g_str_has_prefix(o->uri, "srt://")) {
        sink = str_gst_make("srtsink", "sink", error);
        if (sink == NULL) {
            return FALSE;
        }
        /* Caller unless the URI says otherwise (mode=, passphrase=, streamid=, latency= are
         * read from it by srtsink). auto-reconnect off: a lost connection must reach our bus, so
         * the back-off, state and keyframe on reconnect are the same as for RTMP. */
        g_object_set(sink, "uri", o->uri, "sync", FALSE, "auto-reconnect", FALSE,
                     "wait-for-connection", FALSE, NULL);
    } else {
        sink = str_gst_make("rtmp2sink", "sink", error);
        if (sink == NULL) {
            return FALSE;
        }
        g_object_set(sink, "location", o->uri, "sync", FALSE, NULL);
        if (o->tls_insecure) {
            /* A self-signed TLS relay (stunnel on the LAN): still encrypted, not authenticated. */
            g_object_set(sink, "tls-validation-flags", 0u, NULL);
        }
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
    gboolean ts = g_strcmp0(muxname, "mpegtsmux") == 0;
    if (flv) {
        g_object_set(mux, "streamable", TRUE, NULL);
    } else if (ts) {
        /* 7 TS packets = 1316 bytes, SRT's live payload size: a bigger buffer is cut short by
         * the receiver (the rest, often the SPS/PPS, is lost). */
        g_object_set(mux, "alignment", 7, NULL);
    } else if (g_strcmp0(muxname, "mp4mux") == 0) {
        g_object_set(mux, "fragment-duration", 1000u, NULL);
    }
    o->vsrc = add_appsrc(bin, mux, "video",
                         flv  ? "video"
                         : ts ? "sink_%d"
                              : "video_%u",
                         ts ? "byte-stream" : NULL, error);
    if (o->vsrc == NULL) {
        return FALSE;
    }
    o->asrc = add_appsrc(bin, mux, "audio",
                         flv  ? "audio"
                         : ts ? "sink_%d"
                              : "audio_%u",
                         ts ? "adts" : NULL, error);
    return o->asrc != NULL;
}

static GstElement *restart(gpointer data, GError **error);
static gboolean check(gpointer data, gint64 now_us);
static gboolean on_message(gpointer data, GstMessage *msg);
static void on_opened(gpointer data, GstElement *pipe);
static void on_closing(gpointer data);

/* uri without an rtmps URL's "tls-insecure=1" parameter, which is ours, not the server's (the
 * rest of the query may be part of the stream key). (transfer full) */
static char *strip_tls_insecure(const char *uri, gboolean *insecure)
{
    *insecure = FALSE;
    const char *query = strchr(uri, '?');
    if (!g_str_has_prefix(uri, "rtmps://") || query == NULL) {
        return g_strdup(uri);
    }
    GString *out = g_string_new_len(uri, query - uri);
    g_auto(GStrv) params = g_strsplit(query + 1, "&", -1);
    gboolean first = TRUE;
    for (char **p = params; *p != NULL; p++) {
        if (g_strcmp0(*p, "tls-insecure=1") == 0) {
            *insecure = TRUE;
            continue;
        }
        g_string_append_c(out, first ? '?' : '&');
        g_string_append(out, *p);
        first = FALSE;
    }
    return g_string_free(out, FALSE);
}

StrOutput *str_output_new(const char *name, const char *uri, GError **error)
{
    const char *mux = NULL;
    g_autofree char *path = NULL;
    if (!jc_output_name_check(name, error) || !parse_uri(uri, &mux, &path, error)) {
        return NULL;
    }
    StrOutput *o = g_new0(StrOutput, 1);
    o->name = g_strdup(name);
    o->given = g_strdup(uri);
    o->uri = strip_tls_insecure(uri, &o->tls_insecure);
    o->safe_uri = jc_uri_redact(o->uri);
    o->label = g_strdup_printf("%s (%s)", name, o->safe_uri);
    pthread_mutex_init(&o->lock, NULL);
    o->pipe = gst_object_ref_sink(gst_pipeline_new("output"));
    if (!build(o, mux, path, error)) {
        str_output_free(o);
        return NULL;
    }
    StrSupervisorConfig cfg = {
        .what = "output",
        .label = o->label,
        .meanwhile = "retrying with back-off",
        .first_retry_ms = FIRST_RETRY_MS,
        .max_retry_ms = MAX_RETRY_MS,
        .tick_ms = TICK_MS,
        .healthy_us = HEALTHY_US,
        .connect_us = 0, /* the sink waits for its server as long as it takes */
        .stall_us = 0,   /* never reached: a connection, once live, stays live until an error */
        .connect_error = "no connection",
        .stall_error = "stalled",
        .eos_error = "destination ended the stream",
        .given_up = "not retrying (check the stream key)",
    };
    StrSupervisorFuncs funcs = {
        .build = restart,
        .check = check,
        .message = on_message,
        .opened = on_opened,
        .closing = on_closing,
    };
    o->sup = str_supervisor_new(&cfg, &funcs, o);
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

/* The appsink sits right on the program's tee, so on_sample runs on the tee's thread (the
 * encoder's, or the audio mixer's). That costs the program one non-blocking push per buffer
 * (invariant 3: a full appsrc drops instead of waiting), which is less than a queue's thread
 * hand-over: the appsrc is the boundary between the program and the output. */
static GstElement *attach_branch(StrOutput *o, GstBin *program, GstElement *tee, gboolean video,
                                 GError **error)
{
    GstElement *sink = str_gst_make("appsink", NULL, error);
    if (sink == NULL) {
        return NULL;
    }
    g_object_set(sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, "max-buffers",
                 8u, "drop", TRUE, "wait-on-eos", FALSE, NULL);
    GstAppSinkCallbacks cb = {
        .eos = video ? on_video_eos : on_audio_eos,
        .new_sample = video ? on_video_sample : on_audio_sample,
    };
    gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cb, o, NULL);
    gst_bin_add(program, sink);
    /* On air (the program plays), the sink is playing before the tee sees it: a tee pad into a
     * sink still in NULL would answer "flushing". Before the start this leaves it in NULL. */
    gst_element_sync_state_with_parent(sink);
    /* A pad of its own, requested here: gst_element_link would take any unlinked pad of the
     * tee, such as one a removed output just left and that is about to be released. */
    GstPad *teepad = gst_element_request_pad_simple(tee, "src_%u");
    GstPad *sinkpad = gst_element_get_static_pad(sink, "sink");
    GstPadLinkReturn linked = teepad != NULL ? gst_pad_link(teepad, sinkpad) : GST_PAD_LINK_REFUSED;
    gst_object_unref(sinkpad);
    if (linked != GST_PAD_LINK_OK) {
        if (teepad != NULL) {
            gst_element_release_request_pad(tee, teepad);
            gst_object_unref(teepad);
        }
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "cannot link %s to an output",
                    GST_ELEMENT_NAME(tee));
        gst_element_set_state(sink, GST_STATE_NULL);
        gst_bin_remove(program, sink);
        return NULL;
    }
    gst_object_unref(teepad);
    return sink;
}

gboolean str_output_attach(StrOutput *o, GstBin *program, GstElement *video_tee,
                           GstElement *audio_tee, GError **error)
{
    o->vsink = attach_branch(o, program, video_tee, TRUE, error);
    if (o->vsink == NULL) {
        return FALSE;
    }
    o->asink = attach_branch(o, program, audio_tee, FALSE, error);
    return o->asink != NULL;
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

/* The supervisor's builder: the same pipeline again, from NULL. (transfer full) */
static GstElement *restart(gpointer data, GError **error)
{
    StrOutput *o = data;
    o->start_bodies = atomic_load(&o->bodies);
    return gst_object_ref(o->pipe);
}

/* The supervisor's: the pipeline plays; invariant 2 from here. */
static void on_opened(gpointer data, GstElement *pipe)
{
    StrOutput *o = data;
    set_accepting(o, TRUE);
    if (o->vsink != NULL) {
        /* A restart mid-show would otherwise wait up to 2 s for the next keyframe. */
        gst_element_send_event(
            o->vsink, gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
    }
}

/* The supervisor's, before the pipeline goes to NULL: invariant 1. */
static void on_closing(gpointer data)
{
    set_accepting(data, FALSE);
}

/* The supervisor's tick, once a second: bit rate and "live". A network sink's render blocks
 * until it is connected (rtmp2sink: "Waiting for connection"; headers are let through before),
 * so a second media buffer entering it means the first was sent: the connection is up. Bytes
 * entering it do not say that. A failed connection lets buffers in too (rtmp2sink posts its
 * error, then wakes the waiting render): the supervisor handles an error already on the bus
 * before it says "live" (a strict RTMPS output refused by TLS was once reported live). */
static gboolean check(gpointer data, gint64 now_us)
{
    StrOutput *o = data;
    guint64 sent = atomic_load(&o->sent);
    if (now_us > o->tick_us) {
        o->kbps = (double)(sent - o->tick_bytes) * 8.0 / 1000.0 * G_USEC_PER_SEC /
                  (double)(now_us - o->tick_us);
    }
    o->tick_us = now_us;
    o->tick_bytes = sent;
    return atomic_load(&o->bodies) - o->start_bodies >= 2;
}

static void finish_drain(StrOutput *o)
{
    str_supervisor_stop(o->sup);
    StrOutputDrainedFunc drained = o->drained;
    o->drained = NULL;
    if (drained != NULL) {
        drained(o->drained_data);
    }
}

/* The supervisor's bus hook: the end of a drain, or an error scrubbed of the key (GStreamer's
 * messages may quote the location) and judged permanent or not. */
static gboolean on_message(gpointer data, GstMessage *msg)
{
    StrOutput *o = data;
    gboolean error = GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR;
    if (!error && GST_MESSAGE_TYPE(msg) != GST_MESSAGE_EOS) {
        return FALSE;
    }
    g_autoptr(GError) err = NULL;
    if (error) {
        gst_message_parse_error(msg, &err, NULL);
    }
    if (o->draining) {
        g_debug("output %s finished%s%s", o->label, error ? " with: " : "",
                error ? err->message : "");
        finish_drain(o);
        return TRUE;
    }
    if (!error) {
        return FALSE; /* the supervisor's eos_error */
    }
    g_autofree char *why = scrub(o, err->message);
    str_supervisor_fail(
        o->sup, why, g_error_matches(err, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED));
    return TRUE;
}

void str_output_start(StrOutput *o)
{
    o->tick_us = g_get_monotonic_time();
    o->tick_bytes = atomic_load(&o->sent);
    str_supervisor_start(o->sup);
}

gboolean str_output_drain(StrOutput *o, StrOutputDrainedFunc drained, gpointer user_data)
{
    StrSupState state = str_supervisor_state(o->sup);
    if (state == STR_SUP_CONNECTING || state == STR_SUP_LIVE || state == STR_SUP_STALLED) {
        o->draining = TRUE;
        o->drained = drained;
        o->drained_data = user_data;
        return FALSE;
    }
    str_output_stop(o);
    return TRUE;
}

gboolean str_output_end(StrOutput *o, StrOutputDrainedFunc drained, gpointer user_data)
{
    if (str_output_drain(o, drained, user_data)) {
        return TRUE;
    }
    /* Nothing more comes from the program: the end of stream is written here, and the
     * appsinks may be taken away (invariant 1 keeps them out from now on). */
    pthread_mutex_lock(&o->lock);
    if (o->accepting) {
        gst_app_src_end_of_stream(o->vsrc);
        gst_app_src_end_of_stream(o->asrc);
    }
    o->accepting = FALSE;
    pthread_mutex_unlock(&o->lock);
    return FALSE;
}

const char *str_output_name(StrOutput *o)
{
    return o->name;
}

const char *str_output_uri(StrOutput *o)
{
    return o->given;
}

gboolean str_output_trying(StrOutput *o)
{
    StrSupState state = str_supervisor_state(o->sup);
    return state == STR_SUP_IDLE || state == STR_SUP_CONNECTING || state == STR_SUP_LIVE ||
           state == STR_SUP_STALLED;
}

void str_output_sinks(StrOutput *o, GstElement **video, GstElement **audio)
{
    *video = o->vsink;
    *audio = o->asink;
}

void str_output_stop(StrOutput *o)
{
    o->drained = NULL;
    str_supervisor_stop(o->sup);
}

void str_output_fill_status(StrOutput *o, StrOutputStatus *s)
{
    static const char *const names[] = {
        [STR_SUP_IDLE] = "connecting",
        [STR_SUP_CONNECTING] = "connecting",
        [STR_SUP_LIVE] = "live",
        [STR_SUP_STALLED] = "live",
        [STR_SUP_BACKOFF] = "reconnecting",
        [STR_SUP_FAILED] = "failed",
        [STR_SUP_DONE] = "stopped",
    };
    StrSupState state = str_supervisor_state(o->sup);
    gboolean live = state == STR_SUP_LIVE || state == STR_SUP_STALLED;
    s->name = g_strdup(o->name);
    s->uri = g_strdup(o->safe_uri);
    s->state = names[state];
    s->retry_in = str_supervisor_retry_in(o->sup);
    s->kbps = live ? o->kbps : 0.0;
    s->bytes = atomic_load(&o->sent);
    s->dropped = atomic_load(&o->dropped);
    s->uptime = str_supervisor_uptime(o->sup);
    s->attempts = str_supervisor_attempts(o->sup);
    s->error = g_strdup(str_supervisor_error(o->sup));
}

void str_output_free(StrOutput *o)
{
    if (o == NULL) {
        return;
    }
    str_supervisor_free(o->sup);
    if (o->pipe != NULL) {
        gst_element_set_state(o->pipe, GST_STATE_NULL);
        gst_object_unref(o->pipe);
    }
    gst_caps_replace(&o->vcaps, NULL);
    gst_caps_replace(&o->acaps, NULL);
    pthread_mutex_destroy(&o->lock);
    g_free(o->safe_uri);
    g_free(o->label);
    g_free(o->uri);
    g_free(o->given);
    g_free(o->name);
    g_free(o);
}
