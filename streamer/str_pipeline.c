/* str_pipeline: the program pipeline: input -> overlay -> H.264 + AAC -> recording and outputs.
 *
 * Threads: every function here runs on the main thread, and so does the bus watch; the only code
 * on streaming threads is on_draw (which calls the caller's overlay hook) and, in str_output.c,
 * the hand-over to the outputs.
 *
 * Shape (encode once, fan out):
 *   input.video -> videoconvert -> I420 caps -> overlaycomposition -> queue -> x264enc
 *       -> high-profile caps -> h264parse -> avc caps -> tee(video)
 *   input.audio -> audioconvert -> audioresample -> 48 kHz stereo caps -> avenc_aac -> aacparse
 *       -> tee(audio)
 *   each tee -> fakesink (so the program always has a sink to preroll and finish on)
 *            -> queue -> mp4mux (fragmented) -> filesink   (recording, when record_dir is set)
 *            -> leaky queue -> appsink => StrOutput's own pipeline   (one per output)
 * The recording is part of the program (a local disk is trusted); network outputs are not.
 *
 * Phases:  BUILT -start-> STARTING -pipeline PLAYING-> PLAYING -stop-> STOPPING -EOS everywhere
 *          or timeout-> STOPPED.  A program error moves to ERROR (reported); stop from BUILT or
 *          ERROR stops hard. on_state is always called from the main loop, never from inside a
 *          str_pipeline_* call. */
#include "str_pipeline.h"

#include <errno.h>

#include "jc_error.h"
#include "str_gst.h"
#include "str_input.h"
#include "str_output.h"

typedef enum { P_BUILT, P_STARTING, P_PLAYING, P_STOPPING, P_STOPPED, P_ERROR } Phase;

struct StrPipeline {
    StrConfig cfg;        /* strings point at the owned copies below */
    char *input_uri;      /* owned */
    char *record_dir;     /* owned, NULL = no recording */
    char **outputs;       /* owned strv, may be NULL */
    GstElement *pipeline; /* owned */
    GstElement *filesink; /* borrowed from pipeline, NULL when not recording */
    GPtrArray *outs;      /* owned StrOutput *, freed after pipeline is NULL */
    char *recording_path; /* owned, NULL until started with a record_dir */
    Phase phase;
    gboolean program_eos;  /* EOS reached the end of every program branch */
    guint pending_drains;  /* outputs still finishing after stop */
    guint stop_timeout_id; /* 0 when none */
    guint report_id;       /* idle source reporting STOPPED, 0 when none */
    gboolean watching;     /* the bus watch is installed */
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

static void set_caps(GstElement *capsfilter, GstCaps *caps)
{
    g_object_set(capsfilter, "caps", caps, NULL);
    gst_caps_unref(caps);
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

static GstElement *build_video(StrPipeline *p, GstElement *input, GError **error)
{
    GstBin *bin = GST_BIN(p->pipeline);
    const StrProfile *pr = p->cfg.profile;
    static const char *const chain[] = {
        "videoconvert", "capsfilter", "overlaycomposition", "queue", "x264enc",
        "capsfilter",   "h264parse",  "capsfilter",         "tee",   NULL};
    GstElement *e[G_N_ELEMENTS(chain)];
    if (!str_gst_add_chain(bin, chain, e, error)) {
        return NULL;
    }
    if (!gst_element_link_pads(input, "video", e[0], NULL)) {
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "cannot link the input's video");
        return NULL;
    }
    /* I420 pinned: left free, x264enc picks 10-bit 4:4:4 (2x slower, unplayable). */
    set_caps(e[1], gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "I420", "width",
                                       G_TYPE_INT, pr->width, "height", G_TYPE_INT, pr->height,
                                       "framerate", GST_TYPE_FRACTION, pr->fps, 1, NULL));
    if (p->cfg.overlay != NULL) {
        g_signal_connect(e[2], "draw", G_CALLBACK(on_draw), p);
    }
    gst_util_set_object_arg(G_OBJECT(e[4]), "tune", "zerolatency");
    gst_util_set_object_arg(G_OBJECT(e[4]), "speed-preset", "veryfast");
    /* A keyframe every 2 s (what the platforms ask for); VBV of 1 s keeps the rate CBR-like. */
    g_object_set(e[4], "key-int-max", (guint)(2 * pr->fps), "bitrate", (guint)pr->video_kbps,
                 "vbv-buf-capacity", 1000u, "threads", 0u, NULL);
    set_caps(e[5], gst_caps_new_simple("video/x-h264", "profile", G_TYPE_STRING, "high", NULL));
    /* SPS/PPS before every keyframe: an output that joins late can start at any keyframe. */
    g_object_set(e[6], "config-interval", -1, NULL);
    set_caps(e[7], gst_caps_new_simple("video/x-h264", "stream-format", G_TYPE_STRING, "avc",
                                       "alignment", G_TYPE_STRING, "au", NULL));
    g_object_set(e[8], "allow-not-linked", TRUE, NULL);
    return add_fakesink(bin, e[8], error) ? e[8] : NULL;
}

static GstElement *build_audio(StrPipeline *p, GstElement *input, GError **error)
{
    GstBin *bin = GST_BIN(p->pipeline);
    static const char *const chain[] = {"audioconvert", "audioresample", "capsfilter", "avenc_aac",
                                        "aacparse",     "tee",           NULL};
    GstElement *e[G_N_ELEMENTS(chain)];
    if (!str_gst_add_chain(bin, chain, e, error)) {
        return NULL;
    }
    if (!gst_element_link_pads(input, "audio", e[0], NULL)) {
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "cannot link the input's audio");
        return NULL;
    }
    set_caps(e[2], gst_caps_new_simple("audio/x-raw", "rate", G_TYPE_INT, 48000, "channels",
                                       G_TYPE_INT, 2, NULL));
    g_object_set(e[3], "bitrate", p->cfg.profile->audio_kbps * 1000, NULL);
    g_object_set(e[5], "allow-not-linked", TRUE, NULL);
    return add_fakesink(bin, e[5], error) ? e[5] : NULL;
}

static GstElement *add_queue(GstBin *bin, GstElement *tee, GError **error)
{
    GstElement *q = str_gst_make("queue", NULL, error);
    if (q == NULL) {
        return NULL;
    }
    g_object_set(q, "max-size-time", 3 * GST_SECOND, "max-size-buffers", 0u, "max-size-bytes", 0u,
                 NULL);
    gst_bin_add(bin, q);
    return str_gst_link(tee, q, error) ? q : NULL;
}

/* Fragmented MP4: killed mid-show it stays playable up to the last whole fragment (1 s), and
 * ffprobe still reads its duration; after EOS mp4mux rewrites the header with the full
 * duration. Matroska survived a kill as well but then had no duration at all. */
static gboolean build_recording(StrPipeline *p, GstElement *vtee, GstElement *atee, GError **error)
{
    GstBin *bin = GST_BIN(p->pipeline);
    GstElement *mux = str_gst_make("mp4mux", "recording-mux", error);
    if (mux == NULL) {
        return FALSE;
    }
    g_object_set(mux, "fragment-duration", 1000u, NULL);
    gst_bin_add(bin, mux);
    p->filesink = str_gst_make("filesink", "recording", error);
    if (p->filesink == NULL) {
        return FALSE;
    }
    gst_bin_add(bin, p->filesink);
    if (!str_gst_link(mux, p->filesink, error)) {
        return FALSE;
    }
    GstElement *vq = add_queue(bin, vtee, error);
    if (vq == NULL || !str_gst_link_to_request(vq, mux, "video_%u", error)) {
        return FALSE;
    }
    GstElement *aq = add_queue(bin, atee, error);
    return aq != NULL && str_gst_link_to_request(aq, mux, "audio_%u", error);
}

static gboolean build(StrPipeline *p, GError **error)
{
    GstElement *input = str_input_new(p->cfg.input_uri, p->cfg.profile, error);
    if (input == NULL) {
        return FALSE;
    }
    gst_bin_add(GST_BIN(p->pipeline), input);
    GstElement *vtee = build_video(p, input, error);
    if (vtee == NULL) {
        return FALSE;
    }
    GstElement *atee = build_audio(p, input, error);
    if (atee == NULL) {
        return FALSE;
    }
    if (p->record_dir != NULL && !build_recording(p, vtee, atee, error)) {
        return FALSE;
    }
    for (guint i = 0; p->outputs != NULL && p->outputs[i] != NULL; i++) {
        StrOutput *o = str_output_new(p->outputs[i], error);
        if (o == NULL) {
            return FALSE;
        }
        g_ptr_array_add(p->outs, o);
        if (!str_output_attach(o, GST_BIN(p->pipeline), vtee, atee, error)) {
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
    StrPipeline *p = g_new0(StrPipeline, 1);
    p->cfg = *cfg;
    p->input_uri = g_strdup(cfg->input_uri);
    p->record_dir = g_strdup(cfg->record_dir);
    p->outputs = g_strdupv((char **)cfg->outputs);
    p->cfg.input_uri = p->input_uri;
    p->cfg.record_dir = p->record_dir;
    p->cfg.outputs = (const char *const *)p->outputs;
    p->outs = g_ptr_array_new_with_free_func((GDestroyNotify)str_output_free);
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

/* record_dir/show-YYYYMMDD-HHMMSS.mp4 from the local time, with -N appended if taken.
 * (transfer full) On failure to create the folder, NULL with JC_ERROR_IO. */
static char *recording_name(const char *dir, GError **error)
{
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        int err = errno;
        g_set_error(error, JC_ERROR, JC_ERROR_IO, "cannot create recording folder %s: %s", dir,
                    g_strerror(err));
        return NULL;
    }
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    for (guint n = 1;; n++) {
        g_autofree char *base = n == 1 ? g_strdup_printf("show-%s.mp4", stamp)
                                       : g_strdup_printf("show-%s-%u.mp4", stamp, n);
        char *path = g_build_filename(dir, base, NULL);
        if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
            return path;
        }
        g_free(path);
    }
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
    if (p->filesink != NULL) {
        p->recording_path = recording_name(p->record_dir, error);
        if (p->recording_path == NULL) {
            return FALSE;
        }
        g_object_set(p->filesink, "location", p->recording_path, NULL);
    }
    if (gst_element_set_state(p->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        g_autofree char *why = pop_error(p);
        gst_element_set_state(p->pipeline, GST_STATE_NULL);
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "cannot start the program: %s", why);
        g_clear_pointer(&p->recording_path, g_free);
        return FALSE;
    }
    p->phase = P_STARTING;
    for (guint i = 0; i < p->outs->len; i++) {
        str_output_start(g_ptr_array_index(p->outs, i));
    }
    return TRUE;
}

/* Main loop: everything to NULL, then STOPPED. */
static void finish_stop(StrPipeline *p)
{
    if (p->stop_timeout_id != 0) {
        g_source_remove(p->stop_timeout_id);
        p->stop_timeout_id = 0;
    }
    gst_element_set_state(p->pipeline, GST_STATE_NULL);
    for (guint i = 0; i < p->outs->len; i++) {
        str_output_stop(g_ptr_array_index(p->outs, i));
    }
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
    p->pending_drains = 0;
    for (guint i = 0; i < p->outs->len; i++) {
        if (!str_output_drain(g_ptr_array_index(p->outs, i), on_output_drained, p)) {
            p->pending_drains++;
        }
    }
    p->stop_timeout_id = g_timeout_add(timeout_ms, on_stop_timeout, p);
    /* Sent to the sources; it flows through the encoders, so the recording gets every frame. */
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

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data)
{
    StrPipeline *p = data;
    switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_ERROR:
        on_error(p, msg);
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
                report(p, STR_STATE_PLAYING, NULL);
            }
        }
        break;
    default:
        break;
    }
    return G_SOURCE_CONTINUE;
}

const char *str_pipeline_recording_path(StrPipeline *p)
{
    return p->recording_path;
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
    g_ptr_array_unref(p->outs);
    gst_object_unref(p->pipeline);
    g_free(p->recording_path);
    g_strfreev(p->outputs);
    g_free(p->record_dir);
    g_free(p->input_uri);
    g_free(p);
}
