/* str_input: opens the program's source in its own pipeline and keeps reopening it.
 *
 * Threads: the main thread owns the supervisor (str_supervisor.c: the input pipeline, one per
 * attempt or "session", its bus watch, back-off and watchdog). The input pipeline's sinks run
 * on_frame and on_audio_sample on its streaming threads and push into the program's appsrcs; the
 * fields they share with the main thread are under `lock` (a pthread mutex, held for a non-blocking
 * appsrc push) or are C11 atomics (counters read by the watchdog).
 *
 * Invariants:
 *  1. A session's pipeline is set to NULL (which joins its streaming threads) before the next
 *     session is built (the supervisor's invariant 1), so at most one session ever pushes into
 *     the program.
 *  2. Timestamps: every buffer is placed on the program's timeline at its clock time (both
 *     pipelines run on the system clock) plus a per-session offset fixed at the first buffer,
 *     plus DELAY, which the program's appsrcs declare as latency so the mixers wait for it.
 *     Audio and video share the offset (A/V sync holds). A buffer that would land in the past
 *     (after a stall) re-anchors the offset rather than being dropped by the mixers forever.
 *  3. The input never ends the program: its EOS is handled here (loop or reopen), never pushed.
 *
 * States (the supervisor's):
 *   IDLE -start-> CONNECTING -first frame-> LIVE -no frame 1 s-> STALLED -frames-> LIVE
 *   CONNECTING (10 s, not a listener) / STALLED (5 s) / error / end -> BACKOFF -timer->
 *   CONNECTING;  any -stop-> DONE */
#include "str_input.h"

#include <gst/app/app.h>
#include <gst/video/video.h>
#include <pthread.h>
#include <stdatomic.h>

#include "jc_error.h"
#include "jc_uri.h"
#include "str_gst.h"
#include "str_input_spec.h"
#include "str_supervisor.h"
#include "str_y4m.h"

#define DELAY (150 * GST_MSECOND)
#define FIRST_RETRY_MS 2000
#define MAX_RETRY_MS 10000
#define TICK_MS 200
#define STALL_US (1 * G_USEC_PER_SEC)
#define SOUND_GONE_US (G_USEC_PER_SEC / 2)
#define STALL_RESTART_US (5 * G_USEC_PER_SEC)
#define CONNECT_TIMEOUT_US (10 * G_USEC_PER_SEC)
#define HEALTHY_US (30 * G_USEC_PER_SEC)
#define MAX_QUEUED_TIME GST_SECOND
#define SOURCE_ENDED "jobcast-source-ended" /* posted by on_source_event */

struct StrInput {
    char *uri;                 /* owned: as given */
    char *safe_uri;            /* owned: redacted for logs and status */
    StrInputSpec spec;         /* parsed from uri (str_input_spec.c) */
    const StrProfile *profile; /* borrowed, static */
    GstElement *program;       /* borrowed: the program pipeline */
    GstAppSrc *vsrc;           /* borrowed: in program */
    GstAppSrc *asrc;           /* borrowed: in program */
    GstClock *clock;           /* ref: the system clock, shared by both pipelines */

    /* Main thread only. */
    StrSupervisor *sup; /* owned: the sessions, their back-off and watchdog */
    guint64 tick_frames;
    gint64 tick_us;
    double fps;

    /* Shared with the streaming threads. */
    _Atomic guint64 frames;
    _Atomic guint64 dropped;
    _Atomic gint64 last_frame_us;
    _Atomic gint64 last_sound_us; /* monotonic time of the last audio sample forwarded */
    _Atomic gboolean video_linked;
    _Atomic gboolean audio_linked;
    _Atomic gboolean source_ended; /* the pulled source sent EOS: forward nothing more */
    pthread_mutex_t lock;          /* guards the fields below */
    gboolean anchored;
    gint64 offset; /* program clock time minus input clock time, invariant 2 */
    gboolean discont[2];
    GstCaps *caps[2]; /* ref: caps last set on vsrc [1] / asrc [0] */
};

static GstElement *build_session(gpointer data, GError **error);
static gboolean check(gpointer data, gint64 now_us);
static gboolean on_message(gpointer data, GstMessage *msg);

StrInput *str_input_new(const char *uri, const StrProfile *profile, GError **error)
{
    if (uri == NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "input URI missing");
        return NULL;
    }
    StrInput *in = g_new0(StrInput, 1);
    in->uri = g_strdup(uri);
    in->safe_uri = jc_uri_redact(uri);
    in->profile = profile;
    in->clock = gst_system_clock_obtain();
    pthread_mutex_init(&in->lock, NULL);
    if (!str_input_spec_parse(uri, in->safe_uri, &in->spec, error)) {
        str_input_free(in);
        return NULL;
    }
    StrSupervisorConfig cfg = {
        .what = "input",
        .label = in->safe_uri,
        .meanwhile = "slate on air, reopening with back-off",
        .first_retry_ms = FIRST_RETRY_MS,
        .max_retry_ms = MAX_RETRY_MS,
        .tick_ms = TICK_MS,
        .healthy_us = HEALTHY_US,
        .connect_us =
            in->spec.listener ? 0 : CONNECT_TIMEOUT_US, /* a listener waits for a caller */
        .stall_us = STALL_RESTART_US,
        .connect_error = "no picture from the input",
        .stall_error = "the input stalled",
        .eos_error = "the input ended",
    };
    StrSupervisorFuncs funcs = {.build = build_session, .check = check, .message = on_message};
    in->sup = str_supervisor_new(&cfg, &funcs, in);
    return in;
}

/* ---- program side -------------------------------------------------------------------------- */

static GstAppSrc *add_appsrc(GstElement *program, GstElement *mix, const char *name, GError **error)
{
    GstElement *src = str_gst_make("appsrc", name, error);
    if (src == NULL) {
        return NULL;
    }
    /* Live and non-blocking (a stuck program must not stall the input's threads, and the other
     * way round); DELAY declared as latency: invariant 2. */
    g_object_set(src, "format", GST_FORMAT_TIME, "is-live", TRUE, "block", FALSE, "min-latency",
                 (gint64)DELAY, "max-latency", (gint64)(DELAY + GST_SECOND), "max-bytes",
                 (guint64)0, NULL);
    gst_bin_add(GST_BIN(program), src);
    if (!str_gst_link_to_request(src, mix, "sink_%u", error)) {
        return NULL;
    }
    return GST_APP_SRC(src);
}

gboolean str_input_attach(StrInput *in, GstElement *program, GstElement *video_mix,
                          GstElement *audio_mix, GError **error)
{
    in->program = program;
    in->vsrc = add_appsrc(program, video_mix, "input-video", error);
    if (in->vsrc == NULL) {
        return FALSE;
    }
    GstPad *src = gst_element_get_static_pad(GST_ELEMENT(in->vsrc), "src");
    GstPad *mixpad = gst_pad_get_peer(src);
    gst_object_unref(src);
    /* Above the slate; its last frame stays on air through a short hiccup, then the slate. */
    g_object_set(mixpad, "zorder", 1u, "max-last-buffer-repeat", (guint64)(500 * GST_MSECOND),
                 NULL);
    gst_object_unref(mixpad);
    in->asrc = add_appsrc(program, audio_mix, "input-audio", error);
    return in->asrc != NULL;
}

/* ---- streaming threads --------------------------------------------------------------------- */

/* in->lock held: invariant 2; pushes buf (transfer full) at clock time ct into the program. */
static void forward_locked(StrInput *in, GstCaps *caps, GstBuffer *buf, GstClockTime ct,
                           gboolean video)
{
    GstAppSrc *src = video ? in->vsrc : in->asrc;
    GstClockTime now = gst_clock_get_time(in->clock);
    gint64 pbase = (gint64)gst_element_get_base_time(in->program);
    if (!in->anchored) {
        in->offset = (gint64)now - (gint64)ct;
        in->anchored = TRUE;
        in->discont[0] = in->discont[1] = TRUE;
    }
    gint64 out = (gint64)ct + in->offset - pbase + (gint64)DELAY;
    gint64 pnow = (gint64)now - pbase;
    if (out < pnow || out > pnow + (gint64)(2 * GST_SECOND)) {
        in->offset = (gint64)now - (gint64)ct;
        out = pnow + (gint64)DELAY;
        in->discont[0] = in->discont[1] = TRUE;
    }
    if (gst_app_src_get_current_level_time(src) > MAX_QUEUED_TIME) {
        if (video) {
            atomic_fetch_add(&in->dropped, 1);
        }
        gst_buffer_unref(buf);
        return;
    }
    if (caps != NULL && (in->caps[video] == NULL || !gst_caps_is_equal(caps, in->caps[video]))) {
        gst_caps_replace(&in->caps[video], caps);
        gst_app_src_set_caps(src, caps);
    }
    /* Video: usually the only reference by now (on_frame), so the metadata is made writable
     * without copying the picture, and the overlay may draw into it in place. */
    GstBuffer *copy = gst_buffer_make_writable(buf);
    GST_BUFFER_PTS(copy) = (GstClockTime)out;
    GST_BUFFER_DTS(copy) = GST_CLOCK_TIME_NONE;
    if (in->discont[video]) {
        GST_BUFFER_FLAG_SET(copy, GST_BUFFER_FLAG_DISCONT);
        in->discont[video] = FALSE;
    }
    gst_app_src_push_buffer(src, copy);
}

/* A session's streaming thread: buf (transfer full) at running time rt of the session pipeline
 * pipe goes to the program. */
static void forward(StrInput *in, GstElement *pipe, GstCaps *caps, GstBuffer *buf, GstClockTime rt,
                    gboolean video)
{
    if (atomic_load(&in->source_ended)) {
        gst_buffer_unref(buf); /* queued behind a dead source's end: the slate's time now */
        return;
    }
    /* The session pipeline is the sink's parent (invariant 1: it outlives this call). */
    GstClockTime ct = rt + gst_element_get_base_time(pipe);
    pthread_mutex_lock(&in->lock);
    forward_locked(in, caps, buf, ct, video);
    pthread_mutex_unlock(&in->lock);
    if (video) {
        atomic_fetch_add(&in->frames, 1);
        atomic_store(&in->last_frame_us, g_get_monotonic_time());
    } else {
        atomic_store(&in->last_sound_us, g_get_monotonic_time());
    }
}

static GstClockTime running_time_of(const GstSegment *seg, GstBuffer *buf)
{
    if (buf == NULL || seg == NULL || seg->format != GST_FORMAT_TIME) {
        return GST_CLOCK_TIME_NONE;
    }
    return gst_segment_to_running_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(buf));
}

/* Sound: the appsink's thread. */
static GstFlowReturn on_audio_sample(GstAppSink *sink, gpointer data)
{
    StrInput *in = data;
    GstSample *sample = gst_app_sink_pull_sample(sink);
    if (sample == NULL) {
        return GST_FLOW_OK;
    }
    GstBuffer *buf = gst_sample_get_buffer(sample);
    GstClockTime rt = running_time_of(gst_sample_get_segment(sample), buf);
    if (GST_CLOCK_TIME_IS_VALID(rt)) {
        GstElement *pipe = GST_ELEMENT(gst_element_get_parent(GST_ELEMENT(sink)));
        forward(in, pipe, gst_sample_get_caps(sample), gst_buffer_ref(buf), rt, FALSE);
        gst_object_unref(pipe);
    }
    gst_sample_unref(sample);
    return GST_FLOW_OK;
}

/* Pictures: the fakesink's thread, when the clock says the frame is due. Not an appsink: that
 * keeps its last sample, hence a reference to every frame until the next, and the overlay could
 * never draw into a frame without copying it first; fakesink lets go as soon as this returns. */
static void on_frame(GstElement *sink, GstBuffer *buf, GstPad *pad, gpointer data)
{
    StrInput *in = data;
    GstEvent *segment = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
    const GstSegment *seg = NULL;
    if (segment != NULL) {
        gst_event_parse_segment(segment, &seg);
    }
    GstClockTime rt = running_time_of(seg, buf);
    if (GST_CLOCK_TIME_IS_VALID(rt)) {
        GstCaps *caps = gst_pad_get_current_caps(pad);
        GstElement *pipe = GST_ELEMENT(gst_element_get_parent(sink));
        forward(in, pipe, caps, gst_buffer_ref(buf), rt, TRUE);
        gst_object_unref(pipe);
        if (caps != NULL) {
            gst_caps_unref(caps);
        }
    }
    if (segment != NULL) {
        gst_event_unref(segment);
    }
}

/* ---- the session pipeline (main thread, or a demuxer's thread for pad-added) --------------- */

/* The video sink's pad, on an allocation query: everything after it (the appsrc, the switch,
 * the overlay, the encoder) reads frames through GstVideoMeta, so upstream may hand over buffers
 * in their own layout. Without this, y4mdec copied every frame into GStreamer's default layout
 * (its check compares whole GstVideoInfos, which never match: 0.45 ms per 720p frame). */
static GstPadProbeReturn on_video_allocation(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    GstQuery *query = GST_PAD_PROBE_INFO_QUERY(info);
    if (GST_QUERY_TYPE(query) != GST_QUERY_ALLOCATION) {
        return GST_PAD_PROBE_OK;
    }
    gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, NULL);
    (void)pad;
    (void)data;
    return GST_PAD_PROBE_HANDLED;
}

/* Adds convert -> scale/resample -> caps -> sink (fakesink for video, appsink for sound) for one
 * kind to pipe. Returns the chain's first element (transfer none) or NULL with error set. With
 * sync (a branch added to a running session), the new elements are brought to the pipeline's
 * state, sink first. */
static GstElement *add_branch(StrInput *in, GstElement *pipe, gboolean video, gboolean sync,
                              GError **error)
{
    /* No videorate here (the program's, after the overlay, sets the rate): one here would keep
     * a reference to every frame, and the overlay would have to copy it before drawing. */
    static const char *const vchain[] = {"videoconvert", "videoscale", "capsfilter", "fakesink",
                                         NULL};
    static const char *const achain[] = {"audioconvert", "audioresample", "capsfilter", "appsink",
                                         NULL};
    GstElement *e[4];
    const int n = 4;
    if (!str_gst_add_chain(GST_BIN(pipe), video ? vchain : achain, e, error)) {
        return NULL;
    }
    GstElement *sink = e[n - 1];
    const StrProfile *pr = in->profile;
    if (video) {
        /* Any camera or file at the program's size (letterboxed), in the encoder's format and
         * colours (the switch does not convert). */
        g_object_set(e[1], "add-borders", TRUE, NULL);
        str_gst_set_caps(e[2],
                         gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "I420",
                                             "width", G_TYPE_INT, pr->width, "height", G_TYPE_INT,
                                             pr->height, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1,
                                             1, "colorimetry", G_TYPE_STRING, "bt709", NULL));
    } else {
        str_gst_set_caps(e[2],
                         gst_caps_new_simple("audio/x-raw", "format", G_TYPE_STRING, "F32LE",
                                             "rate", G_TYPE_INT, 48000, "channels", G_TYPE_INT, 2,
                                             "layout", G_TYPE_STRING, "interleaved", NULL));
    }
    /* sync=TRUE: a file is played at its own pace; live sources are paced anyway. */
    g_object_set(sink, "sync", TRUE, "async", FALSE, "enable-last-sample", FALSE, NULL);
    if (!video) {
        g_object_set(sink, "max-buffers", 4u, "drop", FALSE, NULL);
        GstAppSinkCallbacks cb = {.new_sample = on_audio_sample};
        gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cb, in, NULL);
    } else {
        g_object_set(sink, "signal-handoffs", TRUE, NULL);
        g_signal_connect(sink, "handoff", G_CALLBACK(on_frame), in);
        GstPad *sinkpad = gst_element_get_static_pad(sink, "sink");
        gst_pad_add_probe(sinkpad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, on_video_allocation, NULL,
                          NULL);
        gst_object_unref(sinkpad);
    }
    if (sync) {
        /* Only the new elements, never gst_bin_sync_children_states(pipe): while a decodebin
         * that uridecodebin just added prerolls, the pipeline has lost state (PAUSED until that
         * decodebin is done, then PLAYING again by itself), and syncing every child to PAUSED
         * sent rtspsrc a PAUSE; when it came before the decodebin had its first data, nothing
         * undid it: a live source makes no data in PAUSED, so the decodebin never finished and
         * the input showed nothing (the RTSP "DESCRIBE, SETUP, no PLAY" bug, seen in rtspsrc's
         * log as a PAUSE from a streaming thread). */
        for (int i = n - 1; i >= 0; i--) {
            gst_element_sync_state_with_parent(e[i]);
        }
    }
    return e[0];
}

/* A decoder's or demuxer's thread: links the first raw video and the first raw audio pad. */
static void on_pad_added(GstElement *decoder, GstPad *pad, gpointer data)
{
    StrInput *in = data;
    GstCaps *caps = gst_pad_get_current_caps(pad);
    if (caps == NULL) {
        caps = gst_pad_query_caps(pad, NULL);
    }
    const char *name =
        gst_caps_is_empty(caps) ? "" : gst_structure_get_name(gst_caps_get_structure(caps, 0));
    gboolean video = g_str_has_prefix(name, "video/x-raw");
    gboolean audio = g_str_has_prefix(name, "audio/x-raw");
    gst_caps_unref(caps);
    gboolean expected = FALSE;
    if ((!video && !audio) || !atomic_compare_exchange_strong(
                                  video ? &in->video_linked : &in->audio_linked, &expected, TRUE)) {
        return; /* subtitles, a second audio track... */
    }
    GstElement *pipe = GST_ELEMENT(gst_element_get_parent(decoder));
    g_autoptr(GError) error = NULL;
    GstElement *head = add_branch(in, pipe, video, TRUE, &error);
    if (head != NULL) {
        GstPad *sinkpad = gst_element_get_static_pad(head, "sink");
        if (gst_pad_link(pad, sinkpad) != GST_PAD_LINK_OK) {
            g_set_error(&error, JC_ERROR, JC_ERROR_PIPELINE, "cannot link the input's %s",
                        video ? "video" : "audio");
        }
        gst_object_unref(sinkpad);
    }
    if (error != NULL) {
        GST_ELEMENT_ERROR(decoder, CORE, NEGOTIATION, ("%s", error->message), (NULL));
    }
    gst_object_unref(pipe);
}

/* The synthetic camera: moving so that a frozen picture shows, with a wall clock so that latency
 * and stalls can be read off the screen, and a 440 Hz tone. */
static gboolean build_test(StrInput *in, GstElement *pipe, GError **error)
{
    GstElement *v[3];
    GstElement *a[1];
    static const char *const vchain[] = {"videotestsrc", "capsfilter", "clockoverlay", NULL};
    static const char *const achain[] = {"audiotestsrc", NULL};
    if (!str_gst_add_chain(GST_BIN(pipe), vchain, v, error) ||
        !str_gst_add_chain(GST_BIN(pipe), achain, a, error)) {
        return FALSE;
    }
    const StrProfile *pr = in->profile;
    gst_util_set_object_arg(G_OBJECT(v[0]), "pattern", "ball");
    g_object_set(v[0], "is-live", TRUE, NULL);
    str_gst_set_caps(v[1],
                     gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "I420", "width",
                                         G_TYPE_INT, pr->width, "height", G_TYPE_INT, pr->height,
                                         "framerate", GST_TYPE_FRACTION, pr->fps, 1, NULL));
    /* auto-resize=false: the default re-lays out the font for the frame size, costly at 1080p. */
    g_object_set(v[2], "time-format", "%H:%M:%S", "auto-resize", FALSE, "font-desc", "Sans 28",
                 NULL);
    gst_util_set_object_arg(G_OBJECT(a[0]), "wave", "sine");
    g_object_set(a[0], "is-live", TRUE, "freq", 440.0, "volume", 0.1, NULL);
    GstElement *vhead = add_branch(in, pipe, TRUE, FALSE, error);
    GstElement *ahead = vhead != NULL ? add_branch(in, pipe, FALSE, FALSE, error) : NULL;
    return ahead != NULL && str_gst_link(v[2], vhead, error) && str_gst_link(a[0], ahead, error);
}

/* A raw Y4M file's reader (str_y4m.c) -> the video branch. */
static gboolean build_y4m(StrInput *in, GstElement *pipe, GstElement *reader, GError **error)
{
    atomic_store(&in->video_linked, TRUE);
    GstElement *head = add_branch(in, pipe, TRUE, FALSE, error);
    return head != NULL && str_gst_link(reader, head, error);
}

/* A pulled source's streaming thread: an EOS leaving the source itself means the far end ended
 * the stream (an RTMP server's stream-eof: the publisher is gone). From now on nothing more is
 * forwarded, and the bus hears it at once, so the session is torn down with what it still
 * queued: the EOS itself reached the bus only after the pictures queued behind it (0.2 s of
 * them behind an RTMP pull) had played, and the slate came that much later. */
static GstPadProbeReturn on_source_event(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    StrInput *in = data;
    if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_EOS) {
        return GST_PAD_PROBE_OK;
    }
    atomic_store(&in->source_ended, TRUE);
    GstElement *source = gst_pad_get_parent_element(pad);
    if (source != NULL) {
        gst_element_post_message(
            source,
            gst_message_new_application(GST_OBJECT(source), gst_structure_new_empty(SOURCE_ENDED)));
        gst_object_unref(source);
    }
    return GST_PAD_PROBE_OK;
}

static void watch_source_pad(GstElement *source, GstPad *pad, gpointer data)
{
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_source_event, data, NULL);
}

/* Watches every pad source makes for the end of the stream: its static "src" pad, or those it
 * adds later (rtspsrc). */
static void watch_source(StrInput *in, GstElement *source)
{
    GstPad *pad = gst_element_get_static_pad(source, "src");
    if (pad != NULL) {
        watch_source_pad(source, pad, in);
        gst_object_unref(pad);
    } else {
        g_signal_connect(source, "pad-added", G_CALLBACK(watch_source_pad), in);
    }
}

/* uridecodebin made its source element for a pulled URI (rtmp://, rtsp://). */
static void on_source_setup(GstElement *decoder, GstElement *source, gpointer data)
{
    watch_source(data, source);
}

/* A file or a pulled URI: the Y4M reader (video linked here), else uridecodebin, whose pads
 * on_pad_added links; and the separate sound file, if any. *decoder: the uridecodebin, or
 * NULL. */
static gboolean build_uri_source(StrInput *in, GstElement *pipe, GstElement **decoder,
                                 GError **error)
{
    *decoder = NULL;
    GError *y4m_error = NULL;
    GstElement *y4m = in->spec.kind == STR_INPUT_FILE
                          ? str_y4m_add_reader(GST_BIN(pipe), in->spec.source, &y4m_error)
                          : NULL;
    if (y4m_error != NULL) {
        g_propagate_error(error, y4m_error);
        return FALSE;
    }
    if (y4m != NULL) {
        if (!build_y4m(in, pipe, y4m, error)) {
            return FALSE;
        }
    } else {
        *decoder = str_gst_make("uridecodebin", "decoder", error);
        if (*decoder == NULL) {
            return FALSE;
        }
        g_object_set(*decoder, "uri", in->spec.source, NULL);
        if (in->spec.kind == STR_INPUT_PULL) {
            g_signal_connect(*decoder, "source-setup", G_CALLBACK(on_source_setup), in);
        }
        gst_bin_add(GST_BIN(pipe), *decoder);
    }
    if (in->spec.audio_source != NULL) {
        GstElement *audio = str_gst_make("uridecodebin", "audio-decoder", error);
        if (audio == NULL) {
            return FALSE;
        }
        g_object_set(audio, "uri", in->spec.audio_source, NULL);
        gst_bin_add(GST_BIN(pipe), audio);
        g_signal_connect(audio, "pad-added", G_CALLBACK(on_pad_added), in);
    }
    return TRUE;
}

/* An SRT receiver (watched for the end of the stream like a pulled URI) or a camera (MJPEG or
 * raw at the program's size and rate preferred, else whatever it offers, scaled later;
 * untested here: this machine has no camera), then decodebin. Returns the decodebin (transfer
 * none) or NULL with error set. */
static GstElement *build_device_source(StrInput *in, GstElement *pipe, GError **error)
{
    GstElement *src =
        str_gst_make(in->spec.kind == STR_INPUT_SRT ? "srtsrc" : "v4l2src", "source", error);
    if (src == NULL) {
        return NULL;
    }
    gst_bin_add(GST_BIN(pipe), src);
    GstElement *last = src;
    if (in->spec.kind == STR_INPUT_SRT) {
        g_object_set(src, "uri", in->spec.source, NULL);
        if (in->spec.listener) {
            gst_util_set_object_arg(G_OBJECT(src), "mode", "listener");
        }
        watch_source(in, src);
    } else {
        g_object_set(src, "device", in->spec.source, NULL);
        GstElement *caps = str_gst_make("capsfilter", NULL, error);
        if (caps == NULL) {
            return NULL;
        }
        const StrProfile *pr = in->profile;
        g_autofree char *want = g_strdup_printf(
            "image/jpeg,width=%d,height=%d,framerate=%d/1; video/x-raw,width=%d,height=%d,"
            "framerate=%d/1; image/jpeg; video/x-raw",
            pr->width, pr->height, pr->fps, pr->width, pr->height, pr->fps);
        str_gst_set_caps(caps, gst_caps_from_string(want));
        gst_bin_add(GST_BIN(pipe), caps);
        if (!str_gst_link(src, caps, error)) {
            return NULL;
        }
        last = caps;
    }
    GstElement *decoder = str_gst_make("decodebin", "decoder", error);
    if (decoder == NULL) {
        return NULL;
    }
    gst_bin_add(GST_BIN(pipe), decoder);
    return str_gst_link(last, decoder, error) ? decoder : NULL;
}

/* Source element -> decodebin, or uridecodebin alone; raw pads linked in on_pad_added. */
static gboolean build_decoded(StrInput *in, GstElement *pipe, GError **error)
{
    GstElement *decoder = NULL;
    if (in->spec.kind == STR_INPUT_FILE || in->spec.kind == STR_INPUT_PULL) {
        if (!build_uri_source(in, pipe, &decoder, error)) {
            return FALSE;
        }
    } else {
        decoder = build_device_source(in, pipe, error);
        if (decoder == NULL) {
            return FALSE;
        }
    }
    if (decoder != NULL) {
        g_signal_connect(decoder, "pad-added", G_CALLBACK(on_pad_added), in);
    }
    return TRUE;
}

/* ---- main thread: sessions and supervision ------------------------------------------------- */

/* The supervisor's builder: a new session (invariant 1 holds: the last one is gone).
 * (transfer full) */
static GstElement *build_session(gpointer data, GError **error)
{
    StrInput *in = data;
    pthread_mutex_lock(&in->lock);
    in->anchored = FALSE;
    gst_caps_replace(&in->caps[0], NULL);
    gst_caps_replace(&in->caps[1], NULL);
    pthread_mutex_unlock(&in->lock);
    atomic_store(&in->video_linked, FALSE);
    atomic_store(&in->audio_linked, FALSE);
    atomic_store(&in->source_ended, FALSE);
    atomic_store(&in->last_frame_us, 0);
    in->tick_frames = atomic_load(&in->frames);
    GstElement *pipe = gst_object_ref_sink(gst_pipeline_new("input"));
    gst_pipeline_use_clock(GST_PIPELINE(pipe), in->clock);
    gboolean built = in->spec.kind == STR_INPUT_TEST ? build_test(in, pipe, error)
                                                     : build_decoded(in, pipe, error);
    if (!built) {
        gst_object_unref(pipe);
        return NULL;
    }
    return pipe;
}

/* The supervisor's bus hook: invariant 3. A flushing seek back to the start keeps the pipeline
 * (and the picture) without a trip through the slate. The seek restarts the session's running
 * time at 0, but the sinks (async=FALSE) never make the pipeline pick a new base time by
 * themselves: without the trip through PAUSED every later frame was "late", the sinks stopped
 * waiting and a looped file was read as fast as the disk allowed (a 720p clip twelve times a
 * second) while the program dropped what it could not queue. A pulled source's own end
 * (SOURCE_ENDED) fails the session at once. Anything else is the supervisor's: an error or an
 * unlooped end reopens the input. */
static gboolean on_message(gpointer data, GstMessage *msg)
{
    StrInput *in = data;
    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_APPLICATION &&
        gst_message_has_name(msg, SOURCE_ENDED)) {
        str_supervisor_fail(in->sup, "the input ended", FALSE);
        return TRUE;
    }
    GstElement *pipe = str_supervisor_pipeline(in->sup);
    if (GST_MESSAGE_TYPE(msg) != GST_MESSAGE_EOS || !in->spec.loop || pipe == NULL) {
        return FALSE;
    }
    gst_element_set_state(pipe, GST_STATE_PAUSED);
    gboolean sought = gst_element_seek_simple(pipe, GST_FORMAT_TIME,
                                              GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, 0);
    gst_element_set_state(pipe, GST_STATE_PLAYING);
    return sought;
}

/* The supervisor's watchdog: the frame rate, and whether frames flow. */
static gboolean check(gpointer data, gint64 now_us)
{
    StrInput *in = data;
    guint64 frames = atomic_load(&in->frames);
    gint64 last = atomic_load(&in->last_frame_us);
    if (in->tick_us == 0) {
        in->tick_us = now_us;
        in->tick_frames = frames;
    } else if (now_us - in->tick_us >= G_USEC_PER_SEC) {
        in->fps =
            (double)(frames - in->tick_frames) * G_USEC_PER_SEC / (double)(now_us - in->tick_us);
        in->tick_frames = frames;
        in->tick_us = now_us;
    }
    return last > 0 && now_us - last < STALL_US;
}

void str_input_start(StrInput *in)
{
    str_supervisor_start(in->sup);
}

void str_input_stop(StrInput *in)
{
    str_supervisor_stop(in->sup);
}

gboolean str_input_has_sound(StrInput *in)
{
    gint64 last = atomic_load(&in->last_sound_us);
    return last > 0 && g_get_monotonic_time() - last < SOUND_GONE_US;
}

void str_input_fill_status(StrInput *in, StrStatus *s)
{
    static const char *const names[] = {
        [STR_SUP_IDLE] = "connecting", [STR_SUP_CONNECTING] = "connecting",
        [STR_SUP_LIVE] = "live",       [STR_SUP_STALLED] = "slate",
        [STR_SUP_BACKOFF] = "failed",  [STR_SUP_FAILED] = "failed",
        [STR_SUP_DONE] = "stopped",
    };
    StrSupState state = str_supervisor_state(in->sup);
    s->input.uri = g_strdup(in->safe_uri);
    s->input.state = names[state];
    s->input.retry_in = str_supervisor_retry_in(in->sup);
    s->input.fps = state == STR_SUP_LIVE ? in->fps : 0.0;
    s->input.frames = atomic_load(&in->frames);
    s->input.dropped = atomic_load(&in->dropped);
    s->input.uptime = str_supervisor_uptime(in->sup);
    s->input.attempts = str_supervisor_attempts(in->sup);
    s->input.error = g_strdup(str_supervisor_error(in->sup));
}

void str_input_free(StrInput *in)
{
    if (in == NULL) {
        return;
    }
    str_supervisor_free(in->sup);
    gst_caps_replace(&in->caps[0], NULL);
    gst_caps_replace(&in->caps[1], NULL);
    pthread_mutex_destroy(&in->lock);
    gst_object_unref(in->clock);
    str_input_spec_clear(&in->spec);
    g_free(in->safe_uri);
    g_free(in->uri);
    g_free(in);
}
