/* str_preview: the newest JPEG of the program, cheap when nobody watches (see str_preview.h).
 *
 * Threads: on_frame runs on the program's thread (after the overlay's tee), on_jpeg on the
 * preview branch's thread, str_preview_jpeg on any thread. `asked_us` is a C11 atomic (any
 * thread writes, the program's thread reads); `idle_us` is the program's thread's alone; the
 * JPEG and its number are under `lock`. */
#include "str_preview.h"

#include <gst/app/app.h>
#include <pthread.h>
#include <stdatomic.h>

#include "str_gst.h"

#define PREVIEW_WIDTH 480
#define PREVIEW_FPS 4
#define PREVIEW_QUALITY 70
#define WATCHED_US (10 * G_USEC_PER_SEC) /* a page asked this recently: full rate */
#define IDLE_US (2 * G_USEC_PER_SEC)     /* else one frame this often */

struct StrPreview {
    pthread_mutex_t lock;    /* guards the two fields below */
    GBytes *jpeg;            /* ref: newest JPEG, NULL before the first */
    gint64 seq;              /* sequence number of jpeg */
    _Atomic gint64 asked_us; /* monotonic time of the last str_preview_jpeg */
    gint64 idle_us;          /* program's thread only: last frame let through unwatched */
};

StrPreview *str_preview_new(void)
{
    StrPreview *pv = g_new0(StrPreview, 1);
    pthread_mutex_init(&pv->lock, NULL);
    return pv;
}

/* Preview appsink, streaming thread: publishes the newest JPEG (one copy, a few per second). */
static GstFlowReturn on_jpeg(GstAppSink *sink, gpointer data)
{
    StrPreview *pv = data;
    GstSample *sample = gst_app_sink_pull_sample(sink);
    if (sample == NULL) {
        return GST_FLOW_OK;
    }
    GstBuffer *buf = gst_sample_get_buffer(sample);
    GstMapInfo map;
    if (buf != NULL && gst_buffer_map(buf, &map, GST_MAP_READ)) {
        GBytes *jpeg = g_bytes_new(map.data, map.size);
        gst_buffer_unmap(buf, &map);
        pthread_mutex_lock(&pv->lock);
        GBytes *old = pv->jpeg;
        pv->jpeg = jpeg;
        pv->seq++;
        pthread_mutex_unlock(&pv->lock);
        if (old != NULL) {
            g_bytes_unref(old);
        }
    }
    gst_sample_unref(sample);
    return GST_FLOW_OK;
}

/* The program's thread, each frame, before the preview's videorate: at full rate (4 a second)
 * only while a page asks for the thumbnail, else one frame every 2 s. Scaling and JPEG-encoding
 * thumbnails nobody looks at cost 2-3% of a 720p show's CPU; the one kept every 2 s means a page
 * that starts looking gets a picture at once, if a slightly old one. */
static GstPadProbeReturn on_frame(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    StrPreview *pv = data;
    gint64 now = g_get_monotonic_time();
    (void)pad;
    (void)info;
    if (now - atomic_load(&pv->asked_us) < WATCHED_US || now - pv->idle_us >= IDLE_US) {
        pv->idle_us = now;
        return GST_PAD_PROBE_OK;
    }
    return GST_PAD_PROBE_DROP;
}

/* tee -> videorate -> leaky queue -> videoscale -> caps -> jpegenc -> appsink. The rate is cut
 * before the queue, on the program's thread, where dropping costs nothing: after it, 26 of every
 * 30 frames woke the preview's thread only to be dropped there. */
gboolean str_preview_attach(StrPreview *pv, GstBin *program, GstElement *tee,
                            const StrProfile *profile, GError **error)
{
    static const char *const chain[] = {"videorate", "queue",   "videoscale", "capsfilter",
                                        "jpegenc",   "appsink", NULL};
    GstElement *e[G_N_ELEMENTS(chain)];
    if (!str_gst_add_chain(program, chain, e, error) || !str_gst_link(tee, e[0], error)) {
        return FALSE;
    }
    g_object_set(e[0], "drop-only", TRUE, "max-rate", PREVIEW_FPS, NULL);
    GstPad *sinkpad = gst_element_get_static_pad(e[0], "sink");
    gst_pad_add_probe(sinkpad, GST_PAD_PROBE_TYPE_BUFFER, on_frame, pv, NULL);
    gst_object_unref(sinkpad);
    g_object_set(e[1], "max-size-buffers", 2u, "max-size-time", (guint64)0, "max-size-bytes", 0u,
                 NULL);
    gst_util_set_object_arg(G_OBJECT(e[1]), "leaky", "downstream");
    int height = (PREVIEW_WIDTH * profile->height / profile->width) & ~1;
    GstCaps *caps =
        gst_caps_new_simple("video/x-raw", "width", G_TYPE_INT, PREVIEW_WIDTH, "height", G_TYPE_INT,
                            height, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
    g_object_set(e[3], "caps", caps, NULL);
    gst_caps_unref(caps);
    g_object_set(e[4], "quality", PREVIEW_QUALITY, NULL);
    g_object_set(e[5], "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, "max-buffers",
                 1u, "drop", TRUE, NULL);
    GstAppSinkCallbacks cb = {.new_sample = on_jpeg};
    gst_app_sink_set_callbacks(GST_APP_SINK(e[5]), &cb, pv, NULL);
    return TRUE;
}

GBytes *str_preview_jpeg(StrPreview *pv, gint64 *seq)
{
    atomic_store(&pv->asked_us, g_get_monotonic_time());
    pthread_mutex_lock(&pv->lock);
    GBytes *jpeg = pv->jpeg != NULL ? g_bytes_ref(pv->jpeg) : NULL;
    if (seq != NULL) {
        *seq = pv->seq;
    }
    pthread_mutex_unlock(&pv->lock);
    return jpeg;
}

void str_preview_free(StrPreview *pv)
{
    if (pv == NULL) {
        return;
    }
    if (pv->jpeg != NULL) {
        g_bytes_unref(pv->jpeg);
    }
    pthread_mutex_destroy(&pv->lock);
    g_free(pv);
}
