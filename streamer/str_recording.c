/* str_recording: the program's recording (see str_recording.h).
 *
 * Fragmented MP4: killed mid-show a part stays playable up to its last whole fragment (1 s), and
 * ffprobe still reads its duration; after EOS mp4mux rewrites the header with the full
 * duration. Matroska survived a kill as well but then had no duration at all.
 *
 * Invariant: `path` (the first part's name) is set before the program plays and never changed
 * after, so splitmuxsink's thread reads it without a lock; `current` (the part being written)
 * is under `lock`. */
#include "str_recording.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <string.h>

#include "jc_error.h"
#include "str_gst.h"
#include "str_retention.h"

#define DISK_CHECK_MS 2000
#define RETENTION_EVERY 15 /* disk checks, i.e. every 30 s */
#define DEFAULT_MIN_FREE_MB 1024
#define FIRST_PART_US (1500 * G_GINT64_CONSTANT(1000)) /* a fragment (1 s) and some */

struct StrRecording {
    StrRecordingConfig cfg; /* dir owned */
    GstElement *splitmux;   /* borrowed from the program's bin */
    GstElement *queue[2];   /* borrowed: the branch's video and audio queues */
    char *path;             /* owned: the first part, NULL before prepare */
    guint disk_id;          /* the free-space guard, 0 when not running */
    guint disk_ticks;
    gboolean disk_full;   /* stopped for lack of space (the show went on) */
    pthread_mutex_t lock; /* guards current and opened_us */
    char *current;        /* owned: the part being written, NULL before the first */
    gint64 opened_us;     /* monotonic time the first part was opened, 0 before */
};

StrRecording *str_recording_new(const StrRecordingConfig *cfg)
{
    StrRecording *r = g_new0(StrRecording, 1);
    r->cfg = *cfg;
    r->cfg.dir = g_strdup(cfg->dir);
    pthread_mutex_init(&r->lock, NULL);
    return r;
}

void str_recording_free(StrRecording *r)
{
    if (r == NULL)
        return;
    str_recording_stop_checks(r);
    pthread_mutex_destroy(&r->lock);
    g_free(r->current);
    g_free(r->path);
    g_free((char *)r->cfg.dir);
    g_free(r);
}

static GstElement *add_queue(GstBin *bin, GstElement *tee, GError **error)
{
    GstElement *q = str_gst_make("queue", NULL, error);
    if (q == NULL)
        return NULL;
    g_object_set(q, "max-size-time", 3 * GST_SECOND, "max-size-buffers", 0u, "max-size-bytes", 0u,
                 NULL);
    gst_bin_add(bin, q);
    return str_gst_link(tee, q, error) ? q : NULL;
}

/* splitmuxsink, streaming thread: the name of part id (0 = the first). The first part is
 * `path`, later ones BASE-002.mp4, BASE-003.mp4... (transfer full) */
static char *on_format_location(GstElement *split, guint id, gpointer data)
{
    StrRecording *r = data;
    (void)split;
    char *name = NULL;
    if (id == 0) {
        name = g_strdup(r->path);
    } else {
        gsize n = strlen(r->path) - strlen(".mp4");
        name = g_strdup_printf("%.*s-%03u.mp4", (int)n, r->path, id + 1);
    }
    pthread_mutex_lock(&r->lock);
    g_free(r->current);
    r->current = g_strdup(name);
    if (r->opened_us == 0)
        r->opened_us = g_get_monotonic_time();
    pthread_mutex_unlock(&r->lock);
    return name;
}

gboolean str_recording_attach(StrRecording *r, GstBin *bin, GstElement *video_tee,
                              GstElement *audio_tee, GError **error)
{
    GstElement *mux = str_gst_make("mp4mux", "recording-mux", error);
    if (mux == NULL)
        return FALSE;
    g_object_set(mux, "fragment-duration", 1000u, NULL);
    GstElement *sink = str_gst_make("filesink", NULL, error);
    if (sink == NULL) {
        gst_object_unref(gst_object_ref_sink(mux));
        return FALSE;
    }
    /* async=FALSE: mp4mux writes nothing before its first fragment; the program is PLAYING
     * (and says so) from its first frame, not a second later. */
    g_object_set(sink, "async", FALSE, NULL);
    r->splitmux = str_gst_make("splitmuxsink", "recording", error);
    if (r->splitmux == NULL) {
        gst_object_unref(gst_object_ref_sink(mux));
        gst_object_unref(gst_object_ref_sink(sink));
        return FALSE;
    }
    guint segment = r->cfg.segment_seconds > 0 ? r->cfg.segment_seconds : 3600;
    /* Parts start at a keyframe; the encoder is asked for one at each split point. */
    g_object_set(r->splitmux, "muxer", mux, "sink", sink, "max-size-time",
                 (guint64)segment * GST_SECOND, "send-keyframe-requests", TRUE, "async-handling",
                 FALSE, NULL);
    g_signal_connect(r->splitmux, "format-location", G_CALLBACK(on_format_location), r);
    gst_bin_add(bin, r->splitmux);
    GstElement *vq = add_queue(bin, video_tee, error);
    if (vq == NULL || !str_gst_link_to_request(vq, r->splitmux, "video", error))
        return FALSE;
    GstElement *aq = add_queue(bin, audio_tee, error);
    r->queue[0] = vq;
    r->queue[1] = aq;
    return aq != NULL && str_gst_link_to_request(aq, r->splitmux, "audio_%u", error);
}

/* DIR/show-YYYYMMDD-HHMMSS.mp4 from the local time, with -N appended if taken. (transfer full)
 * On failure to create the folder, NULL with JC_ERROR_IO. */
static char *part_name(const char *dir, GError **error)
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
        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            return path;
        g_free(path);
    }
}

gboolean str_recording_prepare(StrRecording *r, GError **error)
{
    r->path = part_name(r->cfg.dir, error);
    return r->path != NULL;
}

void str_recording_abandon(StrRecording *r)
{
    g_clear_pointer(&r->path, g_free);
}

const char *str_recording_path(StrRecording *r)
{
    return r != NULL ? r->path : NULL;
}

static GstPadProbeReturn drop_all(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    return GST_PAD_PROBE_DROP;
}

/* Main thread: ends the branch alone and finalises its file. The tee's pads into the branch
 * drop everything from now on: a tee pad that returned EOS would end the program. */
static void stop_branch(StrRecording *r)
{
    for (guint i = 0; i < 2; i++) {
        GstPad *sink = gst_element_get_static_pad(r->queue[i], "sink");
        GstPad *tee = gst_pad_get_peer(sink);
        gst_pad_add_probe(tee,
                          GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST |
                              GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                          drop_all, NULL, NULL);
        gst_pad_send_event(sink, gst_event_new_eos());
        gst_object_unref(tee);
        gst_object_unref(sink);
    }
}

static void apply_retention(StrRecording *r)
{
    if (r->cfg.keep_days == 0 && r->cfg.keep_mb == 0)
        return;
    pthread_mutex_lock(&r->lock);
    g_autofree char *current = g_strdup(r->current);
    pthread_mutex_unlock(&r->lock);
    str_retention_apply(r->cfg.dir, current != NULL ? current : r->path,
                        (gint64)r->cfg.keep_days * 24 * 3600,
                        (guint64)r->cfg.keep_mb * 1024 * 1024);
}

/* Main thread, every DISK_CHECK_MS while recording: stop before the disk is full; retention.
 * Not before the first part has been written for 1.5 s: ended before its first fragment (1 s),
 * a part is an MP4 with no samples, which no player opens. */
static gboolean on_disk_check(gpointer data)
{
    StrRecording *r = data;
    pthread_mutex_lock(&r->lock);
    gint64 opened = r->opened_us;
    pthread_mutex_unlock(&r->lock);
    if (opened == 0 || g_get_monotonic_time() - opened < FIRST_PART_US)
        return G_SOURCE_CONTINUE;
    guint64 min_free = r->cfg.min_free_mb > 0 ? r->cfg.min_free_mb : DEFAULT_MIN_FREE_MB;
    guint64 free_bytes = str_disk_free(r->cfg.dir);
    if (free_bytes < min_free * 1024 * 1024) {
        g_warning("recording stopped: %" G_GUINT64_FORMAT " MB free in %s (below %" G_GUINT64_FORMAT
                  " MB); the show goes on",
                  free_bytes / (1024 * 1024), r->cfg.dir, min_free);
        r->disk_full = TRUE;
        r->disk_id = 0;
        stop_branch(r);
        return G_SOURCE_REMOVE;
    }
    if (++r->disk_ticks % RETENTION_EVERY == 0)
        apply_retention(r);
    return G_SOURCE_CONTINUE;
}

void str_recording_started(StrRecording *r)
{
    apply_retention(r);
    r->disk_id = g_timeout_add(DISK_CHECK_MS, on_disk_check, r);
}

void str_recording_stop_checks(StrRecording *r)
{
    g_clear_handle_id(&r->disk_id, g_source_remove);
}

void str_recording_fill_status(StrRecording *r, gboolean running, StrStatus *s)
{
    if (r == NULL) {
        s->recording.state = "off";
        return;
    }
    pthread_mutex_lock(&r->lock);
    s->recording.path = g_strdup(r->current != NULL ? r->current : r->path);
    pthread_mutex_unlock(&r->lock);
    s->recording.state = r->disk_full ? "disk-full" : running ? "recording" : "stopped";
    guint64 free_bytes = str_disk_free(r->cfg.dir);
    s->recording.free_mb = free_bytes == G_MAXUINT64 ? 0 : free_bytes / (1024 * 1024);
    GStatBuf st;
    if (s->recording.path != NULL && g_stat(s->recording.path, &st) == 0)
        s->recording.bytes = (guint64)st.st_size;
}
