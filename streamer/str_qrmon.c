/* str_qrmon: the QR read-back monitor (see str_qrmon.h).
 *
 * The branch: tee -> queue (leaky, one buffer) -> avdec_h264 -> videoscale -> videoconvert ->
 * GRAY8 caps at the rendition's size -> appsink. A probe on the queue's sink pad, on the
 * encoder's thread, lets through one keyframe every STR_QRMON_INTERVAL_MS and drops the rest,
 * so the decoder only ever sees keyframes (each carries its SPS/PPS: h264parse puts them before
 * every one) and the cost is one decode, one scale and one scan per interval.
 *
 * State under `lock`: what is expected, the last scan's result, when the expected code was last
 * read right; the alarm is worked out when the status is taken (so it rises and clears on time
 * even if scans stopped coming). */
#include "str_qrmon.h"

#include <gst/app/app.h>
#include <gst/video/video.h>
#include <pthread.h>
#include <string.h>
#include <zbar.h>

#include "str_gst.h"

struct StrQrMonitor {
    gint64 next_us;    /* encoder's thread: the next keyframe to let through, not before */
    gint64 started_us; /* when attached: the test blur window counts from here */
    guint blur_from, blur_to;
    zbar_image_scanner_t *scanner; /* the branch's thread only */

    pthread_mutex_t lock; /* guards everything below */
    char *expected;       /* owned, NULL = none */
    gint64 expected_since;
    char *read;       /* owned: the last scan's text, NULL when nothing read */
    gboolean scanned; /* a scan happened since the expectation was set */
    gint64 ok_us;     /* last time the expected code was read, 0 never */
    guint64 scans, unreadable, wrong, alarms;
    gboolean attached;
    gboolean alarm; /* as last reported */
};

StrQrMonitor *str_qrmon_new(guint blur_from, guint blur_to)
{
    StrQrMonitor *m = g_new0(StrQrMonitor, 1);
    pthread_mutex_init(&m->lock, NULL);
    m->blur_from = blur_from;
    m->blur_to = blur_to;
    m->scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(m->scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(m->scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    return m;
}

void str_qrmon_free(StrQrMonitor *m)
{
    if (m == NULL)
        return;
    zbar_image_scanner_destroy(m->scanner);
    g_free(m->expected);
    g_free(m->read);
    pthread_mutex_destroy(&m->lock);
    g_free(m);
}

/* Encoder's thread: one keyframe per interval goes on to be scanned. */
static GstPadProbeReturn on_encoded(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
    StrQrMonitor *m = data;
    GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(info);
    (void)pad;
    gint64 now = g_get_monotonic_time();
    if (GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT) || now < m->next_us)
        return GST_PAD_PROBE_DROP;
    m->next_us = now + STR_QRMON_INTERVAL_MS * 1000 - 500 * 1000; /* the next keyframe, 2 s on */
    return GST_PAD_PROBE_OK;
}

/* A heavy box blur in place (tests only): what a platform's worst rendition does to a code. */
static void blur(guint8 *y, int width, int height, int stride)
{
    const int r = 6;
    g_autofree guint8 *row = g_malloc((gsize)MAX(width, height));
    for (int pass = 0; pass < 2; pass++) {
        for (int j = 0; j < height; j++) {
            guint8 *line = y + (gsize)j * (gsize)stride;
            memcpy(row, line, (gsize)width);
            for (int i = 0; i < width; i++) {
                int lo = MAX(0, i - r), hi = MIN(width - 1, i + r), sum = 0;
                for (int k = lo; k <= hi; k++)
                    sum += row[k];
                line[i] = (guint8)(sum / (hi - lo + 1));
            }
        }
        for (int i = 0; i < width; i++) {
            for (int j = 0; j < height; j++)
                row[j] = y[(gsize)j * (gsize)stride + (gsize)i];
            for (int j = 0; j < height; j++) {
                int lo = MAX(0, j - r), hi = MIN(height - 1, j + r), sum = 0;
                for (int k = lo; k <= hi; k++)
                    sum += row[k];
                y[(gsize)j * (gsize)stride + (gsize)i] = (guint8)(sum / (hi - lo + 1));
            }
        }
    }
}

/* The first QR code zbar finds in the grey picture. (transfer full) NULL when none. */
static char *scan(StrQrMonitor *m, const guint8 *y, int width, int height)
{
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)width, (unsigned)height);
    zbar_image_set_data(img, y, (unsigned long)width * (unsigned long)height, NULL);
    char *text = NULL;
    if (zbar_scan_image(m->scanner, img) > 0) {
        const zbar_symbol_t *sym = zbar_image_first_symbol(img);
        if (sym != NULL)
            text = g_strdup(zbar_symbol_get_data(sym));
    }
    zbar_image_destroy(img);
    return text;
}

/* Records one scan's result. */
static void scanned(StrQrMonitor *m, char *text)
{
    gint64 now = g_get_monotonic_time();
    pthread_mutex_lock(&m->lock);
    m->scans++;
    m->scanned = TRUE;
    if (m->expected != NULL && text == NULL)
        m->unreadable++;
    else if (m->expected != NULL && strcmp(text, m->expected) != 0)
        m->wrong++;
    else if (m->expected != NULL)
        m->ok_us = now;
    g_free(m->read);
    m->read = text;
    pthread_mutex_unlock(&m->lock);
}

/* The branch's thread: decode done, scale done; a tightly packed grey picture is scanned. */
static GstFlowReturn on_frame(GstAppSink *sink, gpointer data)
{
    StrQrMonitor *m = data;
    GstSample *sample = gst_app_sink_pull_sample(sink);
    if (sample == NULL)
        return GST_FLOW_OK;
    GstVideoInfo info;
    GstVideoFrame frame;
    if (gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) &&
        gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ)) {
        int width = GST_VIDEO_FRAME_WIDTH(&frame), height = GST_VIDEO_FRAME_HEIGHT(&frame);
        int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0);
        const guint8 *src = GST_VIDEO_FRAME_PLANE_DATA(&frame, 0);
        g_autofree guint8 *y = g_malloc((gsize)width * (gsize)height);
        for (int j = 0; j < height; j++)
            memcpy(y + (gsize)j * (gsize)width, src + (gsize)j * (gsize)stride, (gsize)width);
        gst_video_frame_unmap(&frame);
        gint64 age_s = (g_get_monotonic_time() - m->started_us) / G_USEC_PER_SEC;
        if (m->blur_to > m->blur_from && age_s >= m->blur_from && age_s < m->blur_to)
            blur(y, width, height, width);
        scanned(m, scan(m, y, width, height));
    }
    gst_sample_unref(sample);
    return GST_FLOW_OK;
}

gboolean str_qrmon_attach(StrQrMonitor *m, GstBin *program, GstElement *encoded_tee,
                          const StrProfile *profile, GError **error)
{
    /* Named: its thread is "qrmon:src", which bench/bench-qrmonitor.sh measures. */
    GstElement *q = str_gst_make("queue", "qrmon", error);
    if (q == NULL)
        return FALSE;
    gst_bin_add(program, q);
    static const char *const chain[] = {"avdec_h264", "videoscale", "videoconvert",
                                        "capsfilter", "appsink",    NULL};
    GstElement *e[G_N_ELEMENTS(chain)];
    if (!str_gst_add_chain(program, chain, e, error) || !str_gst_link(encoded_tee, q, error) ||
        !str_gst_link(q, e[0], error))
        return FALSE;
    GstPad *sinkpad = gst_element_get_static_pad(q, "sink");
    gst_pad_add_probe(sinkpad, GST_PAD_PROBE_TYPE_BUFFER, on_encoded, m, NULL);
    gst_object_unref(sinkpad);
    g_object_set(q, "max-size-buffers", 1u, "max-size-time", (guint64)0, "max-size-bytes", 0u,
                 NULL);
    gst_util_set_object_arg(G_OBJECT(q), "leaky", "downstream");
    g_object_set(e[0], "max-threads", 1, NULL);
    /* The shorter side at the rendition's height, the other in proportion (even). */
    gboolean portrait = profile->height > profile->width;
    int shorter = STR_QRMON_HEIGHT;
    int longer = (STR_QRMON_HEIGHT * MAX(profile->width, profile->height) /
                  MIN(profile->width, profile->height)) &
                 ~1;
    GstCaps *caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "GRAY8", "width",
                                        G_TYPE_INT, portrait ? shorter : longer, "height",
                                        G_TYPE_INT, portrait ? longer : shorter,
                                        "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
    g_object_set(e[3], "caps", caps, NULL);
    gst_caps_unref(caps);
    g_object_set(e[4], "sync", FALSE, "async", FALSE, "enable-last-sample", FALSE, "max-buffers",
                 1u, "drop", TRUE, NULL);
    GstAppSinkCallbacks cb = {.new_sample = on_frame};
    gst_app_sink_set_callbacks(GST_APP_SINK(e[4]), &cb, m, NULL);
    m->started_us = g_get_monotonic_time();
    pthread_mutex_lock(&m->lock);
    m->attached = TRUE;
    pthread_mutex_unlock(&m->lock);
    return TRUE;
}

void str_qrmon_expect(StrQrMonitor *m, const char *url)
{
    pthread_mutex_lock(&m->lock);
    if (g_strcmp0(url, m->expected) != 0) {
        g_free(m->expected);
        m->expected = g_strdup(url);
        m->expected_since = g_get_monotonic_time();
        m->scanned = FALSE;
    }
    pthread_mutex_unlock(&m->lock);
}

/* Under lock: what the last scan means for what is expected. */
static const char *state_of(const StrQrMonitor *m)
{
    if (!m->attached)
        return "off";
    if (m->expected == NULL)
        return "idle";
    if (!m->scanned)
        return "waiting";
    if (m->read == NULL)
        return "unreadable";
    return strcmp(m->read, m->expected) == 0 ? "ok" : "wrong";
}

void str_qrmon_fill_status(StrQrMonitor *m, StrStatus *s)
{
    gint64 now = g_get_monotonic_time();
    pthread_mutex_lock(&m->lock);
    s->qr.state = state_of(m);
    /* Read right within the last 5 s, or expected for less than that: no alarm. */
    gint64 good = MAX(m->ok_us, m->expected_since);
    gboolean alarm = m->attached && m->expected != NULL &&
                     now - good >= STR_QRMON_ALARM_SECONDS * G_USEC_PER_SEC;
    if (alarm && !m->alarm) {
        m->alarms++;
        g_warning("qr monitor: the on-air QR code has not read right for %d s (%s)",
                  STR_QRMON_ALARM_SECONDS, s->qr.state);
    } else if (!alarm && m->alarm) {
        g_message("qr monitor: the QR code reads again");
    }
    m->alarm = alarm;
    s->qr.alarm = alarm;
    s->qr.expected = g_strdup(m->expected);
    s->qr.read = g_strdup(m->read);
    s->qr.since_ok = m->ok_us > 0 ? (double)(now - m->ok_us) / G_USEC_PER_SEC : -1;
    s->qr.scans = m->scans;
    s->qr.unreadable = m->unreadable;
    s->qr.wrong = m->wrong;
    s->qr.alarms = m->alarms;
    pthread_mutex_unlock(&m->lock);
}
