/* ovl_renderer: the render worker thread and the one-slot hand-over of its compositions.
 *
 * Threads and locks (never both held at once):
 * - queue_lock guards pending, pending_seq, submitted and stop. ovl_renderer_submit() (any
 *   thread) replaces pending and signals `wake`; the worker takes it. Only the newest queued
 *   scene survives, so a burst of takes renders once.
 * - slot_lock guards current, published, last_error and the start-up probe. The worker swaps
 *   current and advances published, then broadcasts `advanced`; ovl_renderer_get() (streaming
 *   threads, every frame) holds it only for one ref.
 * Invariant: published only grows, and current is the rendering of scene number published (NULL
 * for an empty scene or one that failed to render).
 *
 * The worker renders a probe card before ovl_renderer_new() returns: that both refuses a frame
 * too small for a scannable card and pays Pango's first-layout cost (10-20 ms) up front. */
#include "ovl_renderer.h"

#include <pthread.h>
#include <time.h>

#include "jc_error.h"
#include "ovl_card.h"

struct OvlRenderer {
    int width, height; /* frame size; fixed */
    pthread_t thread;

    pthread_mutex_t queue_lock;
    pthread_cond_t wake; /* worker waits: a scene was queued or stop was set */
    OvlScene *pending;   /* a ref, or NULL; the newest queued scene */
    guint64 pending_seq;
    guint64 submitted; /* the last sequence number handed out */
    gboolean stop;

    pthread_mutex_t slot_lock;
    pthread_cond_t advanced;             /* published grew, or the probe finished */
    GstVideoOverlayComposition *current; /* a ref, or NULL */
    guint64 published;                   /* sequence number behind current */
    GError *last_error;                  /* owned; why scene `published` was not drawn, or NULL */
    gboolean probe_done;
    GError *probe_error; /* owned; handed to ovl_renderer_new()'s caller */
};

/* What the start-up probe draws: an ordinary card with a typical apply link. */
static const OvlCardSpec PROBE = {
    .title = "仓库装卸工",
    .employer = "德州顺达物流有限公司",
    .pay = "180-220 元/天",
    .place = "德州市德城区",
    .headcount = 12,
    .apply_url = "https://jobs.example.cn/a/123456",
};

static void publish(OvlRenderer *r, guint64 seq, GstVideoOverlayComposition *comp, GError *err)
{
    pthread_mutex_lock(&r->slot_lock);
    GstVideoOverlayComposition *old = r->current;
    r->current = comp;
    r->published = seq;
    g_clear_error(&r->last_error);
    r->last_error = err;
    pthread_cond_broadcast(&r->advanced);
    pthread_mutex_unlock(&r->slot_lock);
    if (old != NULL)
        gst_video_overlay_composition_unref(old);
}

static void render_one(OvlRenderer *r, OvlScene *scene, guint64 seq)
{
    const OvlCardSpec *card = ovl_scene_card(scene);
    GstVideoOverlayComposition *comp = NULL;
    GError *err = NULL;
    if (card != NULL) {
        comp = ovl_card_render(card, r->width, r->height, NULL, &err);
        if (comp == NULL)
            g_message("overlay: scene %" G_GUINT64_FORMAT " not drawn: %s", seq, err->message);
    }
    /* A failed card clears the screen: an old card would advertise the wrong job. */
    publish(r, seq, comp, err);
}

static void *worker_main(void *data)
{
    OvlRenderer *r = data;

    GError *probe_error = NULL;
    GstVideoOverlayComposition *probe =
        ovl_card_render(&PROBE, r->width, r->height, NULL, &probe_error);
    if (probe != NULL)
        gst_video_overlay_composition_unref(probe);
    pthread_mutex_lock(&r->slot_lock);
    r->probe_done = TRUE;
    r->probe_error = probe_error;
    pthread_cond_broadcast(&r->advanced);
    pthread_mutex_unlock(&r->slot_lock);

    for (;;) {
        pthread_mutex_lock(&r->queue_lock);
        while (!r->stop && r->pending == NULL)
            pthread_cond_wait(&r->wake, &r->queue_lock);
        if (r->stop) {
            pthread_mutex_unlock(&r->queue_lock);
            break;
        }
        OvlScene *scene = r->pending;
        guint64 seq = r->pending_seq;
        r->pending = NULL;
        pthread_mutex_unlock(&r->queue_lock);

        render_one(r, scene, seq);
        ovl_scene_unref(scene);
    }
    return NULL;
}

static void init_cond_monotonic(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

static void renderer_destroy(OvlRenderer *r)
{
    ovl_scene_unref(r->pending);
    if (r->current != NULL)
        gst_video_overlay_composition_unref(r->current);
    g_clear_error(&r->last_error);
    g_clear_error(&r->probe_error);
    pthread_cond_destroy(&r->wake);
    pthread_cond_destroy(&r->advanced);
    pthread_mutex_destroy(&r->queue_lock);
    pthread_mutex_destroy(&r->slot_lock);
    g_free(r);
}

static void stop_and_join(OvlRenderer *r)
{
    pthread_mutex_lock(&r->queue_lock);
    r->stop = TRUE;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->queue_lock);
    pthread_join(r->thread, NULL);
}

OvlRenderer *ovl_renderer_new(int width, int height, GError **error)
{
    if (width <= 0 || height <= 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "bad frame size %dx%d", width, height);
        return NULL;
    }
    OvlRenderer *r = g_new0(OvlRenderer, 1);
    r->width = width;
    r->height = height;
    pthread_mutex_init(&r->queue_lock, NULL);
    pthread_mutex_init(&r->slot_lock, NULL);
    pthread_cond_init(&r->wake, NULL);
    init_cond_monotonic(&r->advanced);

    int rc = pthread_create(&r->thread, NULL, worker_main, r);
    if (rc != 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_RENDER, "cannot start the render worker: %s",
                    g_strerror(rc));
        renderer_destroy(r);
        return NULL;
    }

    pthread_mutex_lock(&r->slot_lock);
    while (!r->probe_done)
        pthread_cond_wait(&r->advanced, &r->slot_lock);
    GError *probe_error = g_steal_pointer(&r->probe_error);
    pthread_mutex_unlock(&r->slot_lock);
    if (probe_error != NULL) {
        g_propagate_error(error, probe_error);
        stop_and_join(r);
        renderer_destroy(r);
        return NULL;
    }
    return r;
}

guint64 ovl_renderer_submit(OvlRenderer *r, OvlScene *scene)
{
    g_return_val_if_fail(r != NULL && scene != NULL, 0);
    ovl_scene_ref(scene);
    pthread_mutex_lock(&r->queue_lock);
    OvlScene *dropped = r->pending;
    r->pending = scene;
    r->pending_seq = ++r->submitted;
    guint64 seq = r->pending_seq;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->queue_lock);
    ovl_scene_unref(dropped);
    return seq;
}

GstVideoOverlayComposition *ovl_renderer_get(OvlRenderer *r)
{
    g_return_val_if_fail(r != NULL, NULL);
    pthread_mutex_lock(&r->slot_lock);
    GstVideoOverlayComposition *comp = r->current;
    if (comp != NULL)
        gst_video_overlay_composition_ref(comp);
    pthread_mutex_unlock(&r->slot_lock);
    return comp;
}

guint64 ovl_renderer_published(OvlRenderer *r)
{
    g_return_val_if_fail(r != NULL, 0);
    pthread_mutex_lock(&r->slot_lock);
    guint64 seq = r->published;
    pthread_mutex_unlock(&r->slot_lock);
    return seq;
}

gboolean ovl_renderer_wait(OvlRenderer *r, guint64 seq, guint timeout_ms)
{
    g_return_val_if_fail(r != NULL, FALSE);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&r->slot_lock);
    int rc = 0;
    while (r->published < seq && rc == 0)
        rc = pthread_cond_timedwait(&r->advanced, &r->slot_lock, &deadline);
    gboolean done = r->published >= seq;
    pthread_mutex_unlock(&r->slot_lock);
    return done;
}

char *ovl_renderer_last_error(OvlRenderer *r)
{
    g_return_val_if_fail(r != NULL, NULL);
    pthread_mutex_lock(&r->slot_lock);
    char *msg = r->last_error != NULL ? g_strdup(r->last_error->message) : NULL;
    pthread_mutex_unlock(&r->slot_lock);
    return msg;
}

void ovl_renderer_free(OvlRenderer *r)
{
    if (r == NULL)
        return;
    stop_and_join(r);
    renderer_destroy(r);
}
