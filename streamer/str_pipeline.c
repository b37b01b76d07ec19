/* str_pipeline: the program pipeline: input -> overlay -> H.264 + AAC -> recording and outputs.
 *
 * Threads: every function here runs on the main thread, and so does the bus watch; the only code
 * on streaming threads is on_draw (which calls the caller's overlay hook) and, in str_output.c,
 * the hand-over to the outputs.
 *
 * Shape (a live background, encode once, fan out):
 *   slate (str_slate.c) ---------\
 *   input appsrc (str_input.c) --> switch (str_switch.c) -> I420 caps -> overlay -> videorate
 *       -> tee(program)
 *   tee(program) -> x264enc -> high-profile caps -> h264parse -> avc caps -> tee(video)
 *                -> videorate 4 fps -> leaky queue -> videoscale -> jpegenc -> appsink (preview)
 *   slate silence, input appsrc, device appsrc (str_audio.c) -> audiomixer -> 48 kHz stereo caps
 *       -> level (meter, before the mute) -> volume (mute) -> audioconvert -> avenc_aac -> aacparse
 *       -> tee(audio)
 *   each tee -> fakesink (so the program always has a sink to preroll and finish on)
 *            -> queue -> mp4mux (fragmented) -> filesink   (recording, when record_dir is set)
 *            -> appsink => StrOutput's own pipeline (one per output; its appsrc drops when full)
 * The recording is part of the program (a local disk is trusted); network outputs and the input
 * are not: each runs in its own pipeline that may fail and restart while the program plays on.
 * The preview branch and its hand-over of the newest JPEG are str_preview.c's; the recording
 * branch, its parts, free-space guard and retention str_recording.c's; the QR read-back branch on
 * the encoded video str_qrmon.c's; the outputs str_outputs.c's. A program with neither a
 * recording nor an output encodes nothing: its tees carry raw video and sound.
 *
 * Phases:  BUILT -start-> STARTING -pipeline PLAYING-> PLAYING -stop-> STOPPING -EOS everywhere
 *          or timeout-> STOPPED.  A program error moves to ERROR (reported); stop from BUILT or
 *          ERROR stops hard. on_state is always called from the main loop, never from inside a
 *          str_pipeline_* call. */
#include "str_pipeline.h"

#include <string.h>

#include "jc_error.h"
#include "str_audio.h"
#include "str_continuity.h"
#include "str_encoder.h"
#include "str_gst.h"
#include "str_input.h"
#include "str_outputs.h"
#include "str_preview.h"
#include "str_qrmon.h"
#include "str_recording.h"
#include "str_slate.h"
#include "str_switch.h"

#define MIX_LATENCY ((guint64)(200 * GST_MSECOND))
#define LEVEL_INTERVAL (250 * GST_MSECOND)
#define LEVEL_FLOOR_DB (-100.0)

typedef enum { P_BUILT, P_STARTING, P_PLAYING, P_STOPPING, P_STOPPED, P_ERROR } Phase;

struct StrPipeline {
    StrConfig cfg;        /* strings point at the owned copies below */
    char *input_uri;      /* owned */
    char *record_dir;     /* owned, NULL = no recording */
    char **outputs;       /* owned strv, may be NULL */
    char **output_names;  /* owned strv parallel to outputs, may be NULL (out1, out2...) */
    GstElement *pipeline; /* owned */
    StrInput *input;      /* owned, freed after pipeline is NULL */
    char *audio_device;   /* owned, NULL = none */
    StrAudio *audio;      /* owned, freed after pipeline is NULL; NULL without audio_device */
    GstElement *volume;   /* borrowed from pipeline: the mute */
    gboolean muted;
    double level_rms; /* dBFS from the level element's last message (bus, main thread) */
    double level_peak;
    GstPad *slate_pad;       /* borrowed: the switch pad the slate feeds */
    StrOutputs *outs;        /* owned, freed after pipeline is NULL; NULL until built */
    StrRecording *recording; /* owned, NULL when not recording; freed after pipeline is NULL */
    Phase phase;
    gboolean program_eos;  /* EOS reached the end of every program branch */
    guint pending_drains;  /* outputs still finishing after stop */
    guint stop_timeout_id; /* 0 when none */
    guint report_id;       /* idle source reporting STOPPED, 0 when none */
    gboolean watching;     /* the bus watch is installed */

    StrPreview *preview;       /* owned, freed after pipeline is NULL */
    StrContinuity *continuity; /* owned, freed after pipeline is NULL */
    StrEncoder *encoder;       /* owned, freed after pipeline is NULL; NULL when not encoding */
    StrQrMonitor *qrmon;       /* owned, freed after pipeline is NULL */
};

static void report(StrPipeline *p, StrState state, const char *message)
{
    if (p->cfg.on_state != NULL) {
        p->cfg.on_state(state, message, p->cfg.state_data);
    }
}

static GstVideoOverlayComposition *on_draw(GstElement *overlay, GstSample *sample, gpointer data)
{
    StrPipeline *p = data;
    return p->cfg.overlay(p->cfg.overlay_data);
}

/* Adds a fakesink on its own pad of tee: the program then always has a sink, which keeps its
 * PLAYING and EOS well defined when it records nothing and has no outputs. */
static gboolean add_fakesink(GstBin *bin, GstElement *tee, GError **error)
{
    GstElement *sink = str_gst_make("fakesink", NULL, error);
    if (sink == NULL) {
        return FALSE;
    }
    g_object_set(sink, "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, NULL);
    gst_bin_add(bin, sink);
    return str_gst_link(tee, sink, error);
}

static gboolean encodes(const StrPipeline *p) /* a recording or an output takes its streams */
{
    return p->record_dir != NULL || (p->outputs != NULL && p->outputs[0] != NULL);
}

/* The switch's sink pads are requested by the slate and the input; returns the encoded
 * video tee (the program tee when nothing is encoded). */
static GstElement *build_video(StrPipeline *p, GstElement **mix, GError **error)
{
    GstBin *bin = GST_BIN(p->pipeline);
    const StrProfile *pr = p->cfg.profile;
    static const char *const chain[] = {
        "jobcastswitch", "capsfilter", "jobcastoverlay", "videorate",  "capsfilter", "tee",
        "x264enc",       "capsfilter", "h264parse",      "capsfilter", "tee",        NULL};
    static const char *const raw_chain[] = {
        "jobcastswitch", "capsfilter", "jobcastoverlay", "videorate", "capsfilter", "tee", NULL};
    GstElement *e[G_N_ELEMENTS(chain)];
    if (!str_switch_register()) {
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "cannot register jobcastswitch");
        return NULL;
    }
    if (!str_gst_add_chain(bin, encodes(p) ? chain : raw_chain, e, error)) {
        return NULL;
    }
    *mix = e[0];
    /* "first": with the default ("zero") the output's running time would start at the
     * pipeline's, before the first frame. */
    gst_util_set_object_arg(G_OBJECT(e[0]), "start-time-selection", "first");
    /* Slack for a starved slate or input thread (a busy laptop): a late frame still makes its
     * output frame instead of leaving a black hole. */
    g_object_set(e[0], "latency", MIX_LATENCY, NULL);
    /* I420 pinned: left free, x264enc picks 10-bit 4:4:4 (2x slower, unplayable). */
    GstCaps *program = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "I420", "width",
                                           G_TYPE_INT, pr->width, "height", G_TYPE_INT, pr->height,
                                           "framerate", GST_TYPE_FRACTION, pr->fps, 1,
                                           "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
    str_gst_set_caps(e[1], gst_caps_ref(program));
    /* Again after videorate: left free, it would settle on the preview branch's 4 fps. */
    str_gst_set_caps(e[4], program);
    if (p->cfg.overlay != NULL) {
        g_signal_connect(e[2], "draw", G_CALLBACK(on_draw), p);
    }
    /* The switch lets a late input frame leave a hole (it never copies a frame to repeat it);
     * here, after the overlay has drawn, the hole is filled with references to the frame
     * before it, so the encoder, the recording and the platforms get a steady frame rate. */
    g_object_set(e[3], "skip-to-first", TRUE, NULL);
    p->continuity = str_continuity_attach(e[3]);
    g_object_set(e[5], "allow-not-linked", TRUE, NULL);
    if (!str_preview_attach(p->preview, bin, e[5], pr, error)) {
        return NULL;
    }
    if (!encodes(p)) {
        return add_fakesink(bin, e[5], error) ? e[5] : NULL;
    }
    /* No queue before the encoder: x264 (sliced threads) spreads each frame over the cores by
     * itself, and encoding on the switch's thread, right after the overlay drew, reads a frame
     * this core has just touched. A queue moved it to another thread, and usually to the other
     * core's cache: with it the show cost 2-3% more CPU at 720p (`make bench-show`). The
     * switch's deadline (MIX_LATENCY) absorbs the encoding time. */
    gst_util_set_object_arg(G_OBJECT(e[6]), "tune", "zerolatency");
    p->encoder = str_encoder_attach(e[6], pr->fps);
    gst_util_set_object_arg(G_OBJECT(e[6]), "speed-preset", "veryfast");
    /* A keyframe every 2 s (what the platforms ask for); VBV of 1 s keeps the rate CBR-like. */
    g_object_set(e[6], "key-int-max", (guint)(2 * pr->fps), "bitrate", (guint)pr->video_kbps,
                 "vbv-buf-capacity", 1000u, "threads", 0u, NULL);
    str_gst_set_caps(e[7],
                     gst_caps_new_simple("video/x-h264", "profile", G_TYPE_STRING, "high", NULL));
    /* SPS/PPS before every keyframe: an output that joins late can start at any keyframe. */
    g_object_set(e[8], "config-interval", -1, NULL);
    str_gst_set_caps(e[9], gst_caps_new_simple("video/x-h264", "stream-format", G_TYPE_STRING,
                                               "avc", "alignment", G_TYPE_STRING, "au", NULL));
    g_object_set(e[10], "allow-not-linked", TRUE, NULL);
    if (!str_qrmon_attach(p->qrmon, bin, e[10], pr, error))
        return NULL;
    return add_fakesink(bin, e[10], error) ? e[10] : NULL;
}

static GstElement *build_audio(StrPipeline *p, GstElement **mix, GError **error)
{
    GstBin *bin = GST_BIN(p->pipeline);
    static const char *const chain[] = {"audiomixer", "capsfilter",   "level",
                                        "volume",     "audioconvert", "avenc_aac",
                                        "aacparse",   "tee",          NULL};
    static const char *const raw_chain[] = {"audiomixer",   "capsfilter", "level", "volume",
                                            "audioconvert", "tee",        NULL};
    GstElement *e[G_N_ELEMENTS(chain)];
    gboolean aac = encodes(p);
    if (!str_gst_add_chain(bin, aac ? chain : raw_chain, e, error)) {
        return NULL;
    }
    *mix = e[0];
    gst_util_set_object_arg(G_OBJECT(e[0]), "start-time-selection", "first");
    /* 40 ms blocks instead of the default 10: every buffer costs each element of the chain the
     * same bookkeeping whatever its length, and the encoder takes 21 ms frames anyway. */
    g_object_set(e[0], "latency", MIX_LATENCY, "output-buffer-duration-fraction", 1, 25, NULL);
    str_gst_set_caps(e[1], gst_caps_new_simple("audio/x-raw", "format", G_TYPE_STRING, "F32LE",
                                               "rate", G_TYPE_INT, 48000, "channels", G_TYPE_INT, 2,
                                               "layout", G_TYPE_STRING, "interleaved", NULL));
    /* A few meter readings a second for the control page; posted on the bus (main thread). */
    g_object_set(e[2], "interval", (guint64)LEVEL_INTERVAL, "post-messages", TRUE, NULL);
    p->volume = e[3];
    g_object_set(e[3], "mute", p->muted, NULL);
    GstElement *tee = e[aac ? 7 : 5]; /* AAC (e[5]) only when something takes it */
    if (aac) {
        g_object_set(e[5], "bitrate", p->cfg.profile->audio_kbps * 1000, NULL);
    }
    g_object_set(tee, "allow-not-linked", TRUE, NULL);
    return add_fakesink(bin, tee, error) ? tee : NULL;
}

static gboolean build(StrPipeline *p, GError **error)
{
    p->input = str_input_new(p->cfg.input_uri, p->cfg.profile, error);
    if (p->input == NULL) {
        return FALSE;
    }
    GstElement *vmix = NULL;
    GstElement *amix = NULL;
    GstElement *vtee = build_video(p, &vmix, error);
    if (vtee == NULL) {
        return FALSE;
    }
    GstElement *atee = build_audio(p, &amix, error);
    if (atee == NULL) {
        return FALSE;
    }
    if (!str_slate_add(GST_BIN(p->pipeline), p->cfg.profile, vmix, amix, &p->slate_pad, error) ||
        !str_input_attach(p->input, p->pipeline, vmix, amix, error)) {
        return FALSE;
    }
    if (p->audio_device != NULL) {
        p->audio = str_audio_new(p->audio_device, (StrAudioInputHasSound)str_input_has_sound,
                                 p->input, error);
        if (p->audio == NULL || !str_audio_attach(p->audio, p->pipeline, amix, error)) {
            return FALSE;
        }
    }
    if (p->record_dir != NULL) {
        StrRecordingConfig rc = {
            .dir = p->record_dir,
            .segment_seconds = p->cfg.segment_seconds,
            .keep_days = p->cfg.keep_days,
            .keep_mb = p->cfg.keep_mb,
            .min_free_mb = p->cfg.min_free_mb,
        };
        p->recording = str_recording_new(&rc);
        if (!str_recording_attach(p->recording, GST_BIN(p->pipeline), vtee, atee, error)) {
            return FALSE;
        }
    }
    p->outs = str_outputs_new(GST_BIN(p->pipeline), vtee, atee);
    for (guint i = 0; p->outputs != NULL && p->outputs[i] != NULL; i++) {
        g_autofree char *name = p->output_names != NULL && p->output_names[i] != NULL
                                    ? g_strdup(p->output_names[i])
                                    : g_strdup_printf("out%u", i + 1);
        if (!str_outputs_add(p->outs, name, p->outputs[i], error)) {
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data);

StrPipeline *str_pipeline_new(const StrConfig *cfg, GError **error)
{
    g_return_val_if_fail(cfg != NULL, NULL);
    if (cfg->profile == NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "no output profile given");
        return NULL;
    }
    /* Frames such as a raw file's reads get GStreamer's default alignment of 8 bytes, and x264
     * and the overlay read them with wide SIMD loads, many split across cache lines. 64, as
     * FFmpeg aligns its frames; process-wide, set before the first buffer. */
    gst_memory_alignment = MAX(gst_memory_alignment, 63);
    StrPipeline *p = g_new0(StrPipeline, 1);
    p->preview = str_preview_new();
    p->qrmon = str_qrmon_new(cfg->qr_blur_from, cfg->qr_blur_to);
    p->cfg = *cfg;
    p->input_uri = g_strdup(cfg->input_uri);
    p->record_dir = g_strdup(cfg->record_dir);
    p->outputs = g_strdupv((char **)cfg->outputs);
    p->output_names = g_strdupv((char **)cfg->output_names);
    p->cfg.input_uri = p->input_uri;
    p->cfg.record_dir = p->record_dir;
    p->cfg.outputs = (const char *const *)p->outputs;
    p->cfg.output_names = (const char *const *)p->output_names;
    p->audio_device = g_strdup(cfg->audio_device);
    p->cfg.audio_device = p->audio_device;
    p->muted = cfg->muted;
    p->level_rms = LEVEL_FLOOR_DB;
    p->level_peak = LEVEL_FLOOR_DB;
    p->pipeline = gst_object_ref_sink(gst_pipeline_new("program"));
    if (!build(p, error)) {
        str_pipeline_free(p);
        return NULL;
    }
    GstBus *bus = gst_element_get_bus(p->pipeline);
    gst_bus_add_watch(bus, on_bus, p);
    p->watching = TRUE;
    gst_object_unref(bus);
    return p;
}

/* Takes the first error off the bus, if any, for a synchronous start failure. (transfer full) */
static char *pop_error(StrPipeline *p)
{
    GstBus *bus = gst_element_get_bus(p->pipeline);
    GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    gst_object_unref(bus);
    if (msg == NULL) {
        return g_strdup("the pipeline refused to start");
    }
    GError *err = NULL;
    gst_message_parse_error(msg, &err, NULL);
    char *text = g_strdup(err->message);
    g_error_free(err);
    gst_message_unref(msg);
    return text;
}

gboolean str_pipeline_start(StrPipeline *p, GError **error)
{
    if (p->phase != P_BUILT) {
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT, "the program was already started");
        return FALSE;
    }
    if (p->recording != NULL && !str_recording_prepare(p->recording, error)) {
        return FALSE;
    }
    if (gst_element_set_state(p->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        g_autofree char *why = pop_error(p);
        gst_element_set_state(p->pipeline, GST_STATE_NULL);
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "cannot start the program: %s", why);
        if (p->recording != NULL) {
            str_recording_abandon(p->recording);
        }
        return FALSE;
    }
    p->phase = P_STARTING;
    if (p->recording != NULL) {
        str_recording_started(p->recording);
    }
    str_outputs_start(p->outs);
    return TRUE;
}

/* Main loop: everything to NULL, then STOPPED. */
static void finish_stop(StrPipeline *p)
{
    if (p->recording != NULL) {
        str_recording_stop_checks(p->recording);
    }
    if (p->stop_timeout_id != 0) {
        g_source_remove(p->stop_timeout_id);
        p->stop_timeout_id = 0;
    }
    gst_element_set_state(p->pipeline, GST_STATE_NULL);
    if (p->input != NULL) {
        str_input_stop(p->input);
    }
    if (p->audio != NULL) {
        str_audio_stop(p->audio);
    }
    str_outputs_stop(p->outs);
    p->pending_drains = 0;
    p->phase = P_STOPPED;
    report(p, STR_STATE_STOPPED, NULL);
}

static void maybe_finish_stop(StrPipeline *p)
{
    if (p->phase == P_STOPPING && p->program_eos && p->pending_drains == 0) {
        finish_stop(p);
    }
}

static void on_output_drained(gpointer data)
{
    StrPipeline *p = data;
    if (p->pending_drains > 0) {
        p->pending_drains--;
    }
    maybe_finish_stop(p);
}

static gboolean on_stop_timeout(gpointer data)
{
    StrPipeline *p = data;
    p->stop_timeout_id = 0;
    g_message("program: end of stream not reached in time; stopping hard");
    finish_stop(p);
    return G_SOURCE_REMOVE;
}

static gboolean on_report_stopped(gpointer data)
{
    StrPipeline *p = data;
    p->report_id = 0;
    finish_stop(p);
    return G_SOURCE_REMOVE;
}

void str_pipeline_stop(StrPipeline *p, guint timeout_ms)
{
    if (p == NULL || p->phase == P_STOPPING || p->phase == P_STOPPED || p->report_id != 0) {
        return;
    }
    if (p->phase == P_BUILT || p->phase == P_ERROR) {
        /* Nothing flows that could carry an EOS: stop hard, report from the main loop. */
        p->report_id = g_idle_add(on_report_stopped, p);
        return;
    }
    p->phase = P_STOPPING;
    p->program_eos = FALSE;
    p->pending_drains = str_outputs_drain(p->outs, on_output_drained, p);
    p->stop_timeout_id = g_timeout_add(timeout_ms, on_stop_timeout, p);
    /* The input first, so nothing more is pushed after the end of stream. */
    str_input_stop(p->input);
    if (p->audio != NULL) {
        str_audio_stop(p->audio);
    }
    /* Sent to the sources; it flows through the encoders, so the recording gets every frame.
     * The slate's imagefreeze repeats through an EOS from upstream: end its switch pad. */
    gst_pad_send_event(p->slate_pad, gst_event_new_eos());
    gst_element_send_event(p->pipeline, gst_event_new_eos());
}

static void on_error(StrPipeline *p, GstMessage *msg)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *debug = NULL;
    gst_message_parse_error(msg, &err, &debug);
    g_autofree char *text =
        g_strdup_printf("%s: %s", GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)), err->message);
    g_debug("program error: %s (%s)", text, debug != NULL ? debug : "");
    if (p->phase == P_ERROR || p->phase == P_STOPPED) {
        return; /* the first error is the one that matters */
    }
    gboolean stopping = p->phase == P_STOPPING;
    p->phase = P_ERROR;
    report(p, STR_STATE_ERROR, text);
    if (stopping) {
        finish_stop(p);
    }
}

/* The loudest channel of a level message's array of per-channel dB values, floored. */
static double loudest(const GstStructure *st, const char *field)
{
    double best = LEVEL_FLOOR_DB;
    const GValue *list = gst_structure_get_value(st, field);
    if (list == NULL || !G_VALUE_HOLDS_BOXED(list)) {
        return best;
    }
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS /* level's fields are GValueArrays */
        GValueArray *arr = g_value_get_boxed(list);
    for (guint i = 0; arr != NULL && i < arr->n_values; i++) {
        double db = g_value_get_double(g_value_array_get_nth(arr, i));
        best = MAX(best, db);
    }
    G_GNUC_END_IGNORE_DEPRECATIONS
    return MIN(best, 0.0);
}

/* Main thread: the meter's reading, a few times a second. */
static void on_level(StrPipeline *p, GstMessage *msg)
{
    const GstStructure *st = gst_message_get_structure(msg);
    if (st == NULL || !gst_structure_has_name(st, "level")) {
        return;
    }
    p->level_rms = loudest(st, "rms");
    p->level_peak = loudest(st, "peak");
}

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data)
{
    StrPipeline *p = data;
    switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_ERROR:
        on_error(p, msg);
        break;
    case GST_MESSAGE_ELEMENT:
        on_level(p, msg);
        break;
    case GST_MESSAGE_EOS:
        p->program_eos = TRUE;
        maybe_finish_stop(p);
        break;
    case GST_MESSAGE_STATE_CHANGED:
        if (GST_MESSAGE_SRC(msg) == GST_OBJECT(p->pipeline) && p->phase == P_STARTING) {
            GstState state;
            gst_message_parse_state_changed(msg, NULL, &state, NULL);
            if (state == GST_STATE_PLAYING) {
                p->phase = P_PLAYING;
                str_input_start(p->input);
                if (p->audio != NULL) {
                    str_audio_start(p->audio);
                }
                report(p, STR_STATE_PLAYING, NULL);
            }
        }
        break;
    default:
        break;
    }
    return G_SOURCE_CONTINUE;
}

gboolean str_pipeline_encodes(StrPipeline *p)
{
    return encodes(p);
}

GstElement *str_pipeline_bin(StrPipeline *p)
{
    return p->pipeline;
}

const char *str_pipeline_recording_path(StrPipeline *p)
{
    return str_recording_path(p->recording);
}

GstClockTime str_pipeline_running_time(StrPipeline *p)
{
    if (p->phase != P_PLAYING && p->phase != P_STOPPING) {
        return GST_CLOCK_TIME_NONE;
    }
    GstClock *clock = gst_element_get_clock(p->pipeline);
    if (clock == NULL) {
        return GST_CLOCK_TIME_NONE;
    }
    GstClockTime now = gst_clock_get_time(clock);
    gst_object_unref(clock);
    GstClockTime base = gst_element_get_base_time(p->pipeline);
    return now > base ? now - base : 0;
}

StrStatus *str_pipeline_status(StrPipeline *p)
{
    static const char *const phases[] = {"built",    "starting", "playing",
                                         "stopping", "stopped",  "error"};
    StrStatus *s = g_new0(StrStatus, 1);
    s->program = phases[p->phase];
    GstClockTime rt = str_pipeline_running_time(p);
    s->running = GST_CLOCK_TIME_IS_VALID(rt) ? (double)rt / GST_SECOND : 0.0;
    str_input_fill_status(p->input, s);
    if (p->continuity != NULL)
        str_continuity_fill_status(p->continuity, s);
    if (p->encoder != NULL)
        str_encoder_fill_status(p->encoder, s);
    str_qrmon_fill_status(p->qrmon, s);
    str_recording_fill_status(
        p->recording, p->phase == P_PLAYING || p->phase == P_STARTING || p->phase == P_STOPPING, s);
    s->audio.muted = p->muted;
    s->audio.level_dbfs = p->level_rms;
    s->audio.peak_dbfs = p->level_peak;
    s->audio.source = str_input_has_sound(p->input) ? "input" : "silence";
    s->audio.device = g_strdup(p->audio_device);
    s->audio.device_state = "off";
    if (p->audio != NULL) {
        str_audio_fill_status(p->audio, s);
    }
    s->outputs = g_ptr_array_new_with_free_func(str_output_status_free);
    if (p->outs != NULL) {
        str_outputs_fill_status(p->outs, s->outputs);
    }
    return s;
}

/* Outputs change only while the program runs or is about to: a stopping one takes nothing new
 * (the next program is built with the list as it is then). */
static gboolean takes_outputs(StrPipeline *p)
{
    return p->outs != NULL &&
           (p->phase == P_BUILT || p->phase == P_STARTING || p->phase == P_PLAYING);
}

gboolean str_pipeline_set_output(StrPipeline *p, const char *name, const char *uri, GError **error)
{
    return !takes_outputs(p) || str_outputs_set(p->outs, name, uri, error);
}

void str_pipeline_remove_output(StrPipeline *p, const char *name)
{
    if (takes_outputs(p)) {
        str_outputs_remove(p->outs, name);
    }
}

GBytes *str_pipeline_preview_jpeg(StrPipeline *p, gint64 *seq)
{
    return str_preview_jpeg(p->preview, seq);
}

void str_pipeline_set_muted(StrPipeline *p, gboolean muted)
{
    p->muted = muted;
    if (p->volume != NULL) {
        g_object_set(p->volume, "mute", muted, NULL);
    }
}

void str_pipeline_free(StrPipeline *p)
{
    if (p == NULL) {
        return;
    }
    if (p->stop_timeout_id != 0) {
        g_source_remove(p->stop_timeout_id);
    }
    if (p->report_id != 0) {
        g_source_remove(p->report_id);
    }
    if (p->watching) {
        GstBus *bus = gst_element_get_bus(p->pipeline);
        gst_bus_remove_watch(bus);
        gst_object_unref(bus);
    }
    /* The program's appsinks call into the outputs: stop them before the outputs go. */
    gst_element_set_state(p->pipeline, GST_STATE_NULL);
    str_outputs_free(p->outs);
    str_input_free(p->input);
    str_audio_free(p->audio);
    gst_object_unref(p->pipeline);
    str_preview_free(p->preview);
    str_continuity_free(p->continuity);
    str_encoder_free(p->encoder);
    str_qrmon_free(p->qrmon);
    str_recording_free(p->recording);
    g_strfreev(p->outputs);
    g_strfreev(p->output_names);
    g_free(p->record_dir);
    g_free(p->input_uri);
    g_free(p->audio_device);
    g_free(p);
}

void str_pipeline_expect_qr(StrPipeline *p, const char *url)
{
    str_qrmon_expect(p->qrmon, url);
}
