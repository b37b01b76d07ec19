/* ovl_renderer: the render worker thread and the one-slot hand-over of its compositions.
 *
 * Threads and locks (never both held at once):
 * - queue_lock guards pending, pending_seq, submitted, last, wanted, restyle and stop.
 *   ovl_renderer_submit() (any thread) replaces pending and signals `wake`; the worker takes it.
 *   Only the newest queued scene survives, so a burst of takes renders once. A theme switch
 *   (ovl_renderer_set_theme) sets wanted and queues `last` again; the worker adopts wanted with
 *   the next scene it takes, so the switch, like a take, reaches the screen as one whole
 *   composition.
 * - slot_lock guards current, published, last_error and the start-up probe. The worker swaps
 *   current and advances published, then broadcasts `advanced`; ovl_renderer_get() (streaming
 *   threads, every frame) holds it only for one ref.
 * Invariant: published only grows, and current is the rendering of scene number published (NULL
 * for an empty scene or one that failed to render).
 *
 * The worker also converts each composition for an I420 stream of the frame size (ovl_blend.h),
 * the program's format, so that jobcastoverlay blends it without converting on its thread.
 *
 * The worker renders a probe card before ovl_renderer_new() returns: that both refuses a frame
 * too small for a scannable card and pays Pango's first-layout cost (10-20 ms) up front.
 *
 * Not responsible for telling a take from a redraw or marking layers for a transition
 * (ovl_renderer_motion.c, called by the worker); the renderer's state is in
 * ovl_renderer_private.h, shared by the two files only. */
#include "ovl_renderer_private.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "jc_error.h"
#include "ovl_blend.h"
#include "ovl_card.h"
#include "ovl_chrome.h"
#include "ovl_render_stats.h"
#include "ovl_slate.h"
#include "ovl_ticker.h"
#include "ovl_transition.h"

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

static void cache_clear(CardCache *k)
{
    ovl_scene_unref(k->scene);
    if (k->base != NULL)
        gst_video_overlay_composition_unref(k->base);
    if (k->counter != NULL)
        gst_video_overlay_rectangle_unref(k->counter);
    memset(k, 0, offsetof(CardCache, ticker_text));
}

/* A new theme: forgets every drawn layer but what was on screen (shown, shown_key, the take and
 * the layers sliding out), so that the next render redraws everything in the new look and can
 * tell that it shows the same card. */
static void cache_restyle(CardCache *k)
{
    cache_clear(k);
    g_clear_pointer(&k->brand_key, g_free);
    g_clear_pointer(&k->lower_key, g_free);
    g_clear_pointer(&k->question_key, g_free);
    g_clear_pointer(&k->slate_key, g_free);
    g_clear_pointer(&k->ticker_text, g_free);
    if (k->slate != NULL)
        gst_video_overlay_composition_unref(k->slate);
    if (k->brand != NULL)
        gst_video_overlay_rectangle_unref(k->brand);
    if (k->lower != NULL)
        gst_video_overlay_rectangle_unref(k->lower);
    if (k->question != NULL)
        gst_video_overlay_rectangle_unref(k->question);
    if (k->ticker != NULL)
        gst_video_overlay_composition_unref(k->ticker);
    k->slate = NULL;
    k->brand = NULL;
    k->lower = NULL;
    k->question = NULL;
    k->ticker = NULL;
}

/* Everything: the drawn layers (cache_restyle) and what was on screen. */
static void cache_clear_all(CardCache *k)
{
    cache_restyle(k);
    if (k->shown != NULL)
        gst_video_overlay_composition_unref(k->shown);
    if (k->leaving != NULL)
        gst_video_overlay_composition_unref(k->leaving);
    g_free(k->shown_key);
    memset(k, 0, sizeof(*k));
}

/* The ticker's label and strip for text (NULL for none), drawn only when the text changed.
 * (transfer none) Owned by the cache. */
static GstVideoOverlayComposition *render_ticker(OvlRenderer *r, const char *text)
{
    CardCache *k = &r->cache;
    if (g_strcmp0(text, k->ticker_text) != 0) {
        g_free(k->ticker_text);
        k->ticker_text = g_strdup(text);
        if (k->ticker != NULL)
            gst_video_overlay_composition_unref(k->ticker);
        k->ticker = ovl_ticker_render_themed(r->theme, text, r->width, r->height, &k->ticker_band);
        if (k->ticker != NULL)
            ovl_blend_prepare(k->ticker, &r->blend_info);
    }
    return k->ticker;
}

static gboolean overlap(const OvlRect *a, const OvlRect *b)
{
    return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height &&
           b->y < a->y + a->height;
}

/* Redraws *rect (a ref, or NULL) only when key changed: the words and their position. */
static gboolean chrome_changed(char **cached_key, GstVideoOverlayRectangle **rect, char *key)
{
    if (g_strcmp0(*cached_key, key) == 0) {
        g_free(key);
        return FALSE;
    }
    g_free(*cached_key);
    *cached_key = key;
    if (*rect != NULL)
        gst_video_overlay_rectangle_unref(*rect);
    *rect = NULL;
    return TRUE;
}

/* The viewer's question on air, its bottom at bottom (above the lower third); NULL when none or
 * when it would leave the safe area or cover the ticker or the brand. (transfer none) */
static GstVideoOverlayRectangle *render_question(OvlRenderer *r, OvlScene *scene, int bottom,
                                                 const OvlRect *safe, gboolean ticker,
                                                 GstVideoOverlayRectangle *brand)
{
    CardCache *k = &r->cache;
    const OvlSceneExtras *x = ovl_scene_extras(scene);
    if (chrome_changed(&k->question_key, &k->question,
                       g_strdup_printf("%s|%d", x->question, bottom)) &&
        x->question != NULL) {
        k->question = ovl_chrome_question(r->theme, x->question, r->width, r->height, bottom,
                                          &k->question_box);
        if (k->question != NULL) {
            ovl_renderer_mark_question(r, k->question, &k->question_box);
            ovl_blend_prepare_rectangle(k->question, &r->blend_info);
        }
    }
    if (k->question == NULL || k->question_box.y < safe->y ||
        (ticker && overlap(&k->question_box, &k->ticker_band)) ||
        (brand != NULL && overlap(&k->question_box, &k->brand_box)))
        return NULL;
    return k->question;
}

/* Brand bug, lower third and the viewer's question for scene, placed around the card and ticker;
 * NULL when absent or when they would collide with the card or the ticker (the card always
 * wins). (transfer none) */
static void render_chrome(OvlRenderer *r, OvlScene *scene, const OvlRect *card, gboolean ticker,
                          GstVideoOverlayRectangle **brand, GstVideoOverlayRectangle **lower,
                          GstVideoOverlayRectangle **question)
{
    CardCache *k = &r->cache;
    const OvlSceneExtras *x = ovl_scene_extras(scene);
    OvlRect safe;
    ovl_theme_safe_area(r->theme, r->width, r->height, &safe);
    int gap = MAX(2, MIN(r->width, r->height) / 90);
    int top = ticker ? k->ticker_band.y + k->ticker_band.height + gap : safe.y;
    int bottom = card != NULL ? card->y - gap : safe.y + safe.height;

    if (chrome_changed(&k->brand_key, &k->brand, g_strdup_printf("%s|%d", x->brand, top)) &&
        x->brand != NULL) {
        k->brand = ovl_chrome_brand(r->theme, x->brand, r->width, r->height, top, &k->brand_box);
        if (k->brand != NULL)
            ovl_blend_prepare_rectangle(k->brand, &r->blend_info);
    }
    if (chrome_changed(&k->lower_key, &k->lower,
                       g_strdup_printf("%s|%s|%d", x->host_name, x->host_title, bottom)) &&
        x->host_name != NULL) {
        k->lower = ovl_chrome_lower_third(r->theme, x->host_name, x->host_title, r->width,
                                          r->height, bottom, &k->lower_box);
        if (k->lower != NULL)
            ovl_blend_prepare_rectangle(k->lower, &r->blend_info);
    }
    *brand = k->brand;
    if (*brand != NULL && card != NULL && overlap(&k->brand_box, card))
        *brand = NULL;
    *lower = k->lower;
    if (*lower != NULL &&
        (k->lower_box.y < safe.y || (ticker && overlap(&k->lower_box, &k->ticker_band)) ||
         (*brand != NULL && overlap(&k->lower_box, &k->brand_box))))
        *lower = NULL;
    /* The question stands on the host's lower third, or where it would be. */
    int q_bottom = *lower != NULL ? k->lower_box.y - gap : bottom;
    *question = render_question(r, scene, q_bottom, &safe, ticker, *brand);
}

/* Appends every rectangle of from to *to (created when NULL), the same rectangle objects. */
static void append_rectangle(GstVideoOverlayComposition **to, GstVideoOverlayRectangle *rect)
{
    if (rect == NULL)
        return;
    if (*to == NULL)
        *to = gst_video_overlay_composition_new(rect);
    else
        gst_video_overlay_composition_add_rectangle(*to, rect);
}

static void append_rectangles(GstVideoOverlayComposition **to, GstVideoOverlayComposition *from)
{
    guint n = from != NULL ? gst_video_overlay_composition_n_rectangles(from) : 0;
    for (guint i = 0; i < n; i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(from, i);
        if (*to == NULL)
            *to = gst_video_overlay_composition_new(rect);
        else
            gst_video_overlay_composition_add_rectangle(*to, rect);
    }
}

/* Everything but the count. */
static gboolean same_card(const OvlCardSpec *a, const OvlCardSpec *b)
{
    return g_strcmp0(a->title, b->title) == 0 && g_strcmp0(a->employer, b->employer) == 0 &&
           g_strcmp0(a->pay, b->pay) == 0 && g_strcmp0(a->place, b->place) == 0 &&
           g_strcmp0(a->apply_url, b->apply_url) == 0 && a->headcount == b->headcount &&
           g_strcmp0(a->code, b->code) == 0;
}

/* The composition for scene's card: card, QR, counter, redrawing only what changed since the last
 * card. Every rectangle is prepared for the blend, so the streaming thread then only blends.
 * (transfer full) NULL with err set when the card cannot be drawn. */
static GstVideoOverlayComposition *render_card(OvlRenderer *r, OvlScene *scene, GError **err)
{
    const OvlCardSpec *card = ovl_scene_card(scene);
    CardCache *k = &r->cache;
    gboolean new_card = k->scene == NULL || !same_card(card, ovl_scene_card(k->scene));
    if (new_card) {
        cache_clear(k);
        OvlCardSpec base = *card;
        base.signups = 0; /* the counter is a layer of its own */
        k->base = ovl_card_render_themed(&base, r->theme, r->width, r->height, &k->layout, err);
        if (k->base == NULL)
            return NULL;
        ovl_blend_prepare(k->base, &r->blend_info);
        k->scene = ovl_scene_ref(scene);
        k->counter_value = -1; /* a new card: its counter is drawn (and fades) with it */
    }
    int count = MAX(card->signups, 0);
    const OvlSceneExtras *extras = ovl_scene_extras(scene);
    int hires = extras->show_hires ? MAX(extras->hires, 0) : -1;
    if (count != k->counter_value || hires != k->counter_hires) {
        if (k->counter != NULL)
            gst_video_overlay_rectangle_unref(k->counter);
        k->counter =
            ovl_card_render_counter_hires(&k->layout, r->theme, count, hires, r->width, r->height);
        k->counter_value = count;
        k->counter_hires = hires;
        if (k->counter != NULL)
            ovl_blend_prepare_rectangle(k->counter, &r->blend_info);
    }

    /* A new composition holding the same rectangle objects (a copy would make new ones). */
    GstVideoOverlayComposition *comp = NULL;
    guint n = gst_video_overlay_composition_n_rectangles(k->base);
    for (guint i = 0; i <= n; i++) {
        GstVideoOverlayRectangle *rect =
            i < n ? gst_video_overlay_composition_get_rectangle(k->base, i) : k->counter;
        if (rect == NULL)
            continue;
        if (comp == NULL)
            comp = gst_video_overlay_composition_new(rect);
        else
            gst_video_overlay_composition_add_rectangle(comp, rect);
    }
    return comp;
}

/* The break slate for text and the on-air link (may be NULL), drawn when either changed.
 * (transfer full) NULL with err set when it cannot be drawn. */
static GstVideoOverlayComposition *render_slate(OvlRenderer *r, const char *text, const char *url,
                                                GError **err)
{
    CardCache *k = &r->cache;
    char *key = g_strdup_printf("%s|%s", text, url);
    if (g_strcmp0(key, k->slate_key) != 0) {
        g_free(k->slate_key);
        k->slate_key = key;
        if (k->slate != NULL)
            gst_video_overlay_composition_unref(k->slate);
        k->slate = ovl_slate_render(r->theme, text, url, r->width, r->height, &k->slate_box, err);
        if (k->slate == NULL) {
            g_clear_pointer(&k->slate_key, g_free); /* try again next time */
            return NULL;
        }
        ovl_blend_prepare(k->slate, &r->blend_info);
    } else {
        g_free(key);
    }
    return gst_video_overlay_composition_ref(k->slate);
}

/* Forgets the slate, so that the next one is drawn afresh (a take's rectangles are new). */
static void slate_forget(CardCache *k)
{
    g_clear_pointer(&k->slate_key, g_free);
    if (k->slate != NULL)
        gst_video_overlay_composition_unref(k->slate);
    k->slate = NULL;
}

/* What a card (or slate) composition shows, for telling a redraw from a take. (transfer full) */
static char *content_key(OvlScene *scene)
{
    const OvlCardSpec *c = ovl_scene_card(scene);
    const OvlSceneExtras *x = ovl_scene_extras(scene);
    const char *url = c != NULL ? c->apply_url : NULL;
    if (x->slate != NULL)
        return g_strdup_printf("slate\x1f%s\x1f%s", x->slate, url);
    if (c == NULL)
        return NULL;
    return g_strdup_printf("card\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%s", c->title, c->employer,
                           c->pay, c->place, url, c->headcount, c->code);
}

static void render_one(OvlRenderer *r, OvlScene *scene, guint64 seq)
{
    gint64 t0 = g_get_monotonic_time();
    GstVideoOverlayComposition *card = NULL; /* the card, or the slate in its place */
    const OvlRect *card_box = NULL;
    GError *err = NULL;
    const OvlSceneExtras *x = ovl_scene_extras(scene);
    const OvlCardSpec *spec = ovl_scene_card(scene);
    /* With a transition, whatever is not on screen now is drawn afresh when it returns: a take
     * never reuses the rectangles (and so the transition marks) of an earlier one. With cuts, a
     * card back from a break reuses its rectangles. */
    gboolean fresh =
        atomic_load_explicit(&r->transition, memory_order_relaxed) >> 16 != OVL_TRANSITION_CUT;
    if (x->slate != NULL) {
        if (fresh)
            cache_clear(&r->cache);
        card = render_slate(r, x->slate, spec != NULL ? spec->apply_url : NULL, &err);
        card_box = card != NULL ? &r->cache.slate_box : NULL;
    } else {
        if (fresh)
            slate_forget(&r->cache);
        if (spec != NULL)
            card = render_card(r, scene, &err);
        else if (fresh)
            cache_clear(&r->cache);
        card_box = card != NULL ? &r->cache.layout.card : NULL;
    }
    ovl_renderer_follow_take(r, card, card_box, content_key(scene), seq);
    if (err != NULL)
        g_message("overlay: scene %" G_GUINT64_FORMAT " not drawn: %s", seq, err->message);
    GstVideoOverlayComposition *ticker = render_ticker(r, ovl_scene_ticker(scene));
    if (ticker != NULL && card_box != NULL && overlap(card_box, &r->cache.ticker_band)) {
        /* A card as tall as the safe area: the card matters more than the ticker. */
        g_message("overlay: scene %" G_GUINT64_FORMAT ": no room for the ticker above the card",
                  seq);
        ticker = NULL;
    }
    GstVideoOverlayRectangle *brand = NULL, *lower = NULL, *question = NULL;
    render_chrome(r, scene, card_box, ticker != NULL, &brand, &lower, &question);
    /* A failed card clears the card from the screen: an old one would advertise the wrong job. */
    GstVideoOverlayComposition *comp = NULL;
    append_rectangles(&comp, r->cache.leaving); /* under the new take */
    append_rectangles(&comp, card);
    append_rectangles(&comp, ticker);
    append_rectangle(&comp, brand);
    append_rectangle(&comp, lower);
    append_rectangle(&comp, question);
    if (card != NULL)
        gst_video_overlay_composition_unref(card);
    /* Counted before the publish: whoever sees this scene published sees it counted. */
    ovl_render_counters_render(&r->counters, g_get_monotonic_time() - t0);
    publish(r, seq, comp, err);
}

void ovl_renderer_add_stats(OvlRenderer *r, OvlRenderStats *sum)
{
    ovl_render_counters_add(&r->counters, sum);
}

static void *worker_main(void *data)
{
    OvlRenderer *r = data;

    GError *probe_error = NULL;
    ovl_renderer_check_theme(r->width, r->height, r->theme, &probe_error);
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
        OvlTheme *theme = r->restyle ? ovl_theme_ref(r->wanted) : NULL;
        r->restyle = FALSE;
        pthread_mutex_unlock(&r->queue_lock);

        if (theme != NULL && theme != r->theme) {
            cache_restyle(&r->cache);
            ovl_theme_unref(r->theme);
            r->theme = g_steal_pointer(&theme);
        }
        ovl_theme_unref(theme);
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
    cache_clear_all(&r->cache);
    ovl_scene_unref(r->pending);
    ovl_scene_unref(r->last);
    ovl_theme_unref(r->wanted);
    if (r->current != NULL)
        gst_video_overlay_composition_unref(r->current);
    g_clear_error(&r->last_error);
    g_clear_error(&r->probe_error);
    ovl_theme_unref(r->theme);
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
    return ovl_renderer_new_themed(width, height, NULL, error);
}

OvlRenderer *ovl_renderer_new_themed(int width, int height, OvlTheme *theme, GError **error)
{
    if (width <= 0 || height <= 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "bad frame size %dx%d", width, height);
        return NULL;
    }
    OvlRenderer *r = g_new0(OvlRenderer, 1);
    r->width = width;
    r->height = height;
    r->theme = ovl_theme_ref(theme != NULL ? theme : (OvlTheme *)ovl_theme_default());
    r->wanted = ovl_theme_ref(r->theme);
    gst_video_info_set_format(&r->blend_info, GST_VIDEO_FORMAT_I420, (guint)width, (guint)height);
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
    ovl_scene_ref(scene);
    pthread_mutex_lock(&r->queue_lock);
    OvlScene *dropped = r->pending;
    OvlScene *previous = r->last;
    r->pending = scene;
    r->last = scene;
    r->pending_seq = ++r->submitted;
    guint64 seq = r->pending_seq;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->queue_lock);
    ovl_scene_unref(dropped);
    ovl_scene_unref(previous);
    return seq;
}

guint64 ovl_renderer_set_theme(OvlRenderer *r, OvlTheme *theme)
{
    g_return_val_if_fail(r != NULL, 0);
    OvlTheme *t = ovl_theme_ref(theme != NULL ? theme : (OvlTheme *)ovl_theme_default());
    guint64 seq = 0;
    OvlScene *dropped = NULL;
    pthread_mutex_lock(&r->queue_lock);
    OvlTheme *old = r->wanted;
    if (t != old) {
        r->wanted = t;
        t = NULL;
        r->restyle = TRUE;
        if (r->last != NULL) {
            /* Redraw what is on air in the new look (a newer queued scene would be drawn in it
             * anyway, and replacing it with `last`, the same scene, changes nothing). */
            dropped = r->pending;
            r->pending = ovl_scene_ref(r->last);
            r->pending_seq = ++r->submitted;
            seq = r->pending_seq;
            pthread_cond_signal(&r->wake);
        }
    } else {
        old = NULL;
    }
    pthread_mutex_unlock(&r->queue_lock);
    ovl_scene_unref(dropped);
    ovl_theme_unref(old);
    ovl_theme_unref(t);
    return seq;
}

gboolean ovl_renderer_check_theme(int width, int height, const OvlTheme *theme, GError **error)
{
    GstVideoOverlayComposition *probe =
        ovl_card_render_themed(&PROBE, theme, width, height, NULL, error);
    if (probe == NULL)
        return FALSE;
    gst_video_overlay_composition_unref(probe);
    return TRUE;
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

void ovl_renderer_set_transition(OvlRenderer *r, OvlTransitionKind kind, guint ms)
{
    g_return_if_fail(r != NULL);
    ms = MIN(ms, OVL_TRANSITION_MAX_MS);
    atomic_store_explicit(&r->transition, ((guint)kind << 16) | ms, memory_order_relaxed);
}

void ovl_renderer_set_fade_ms(OvlRenderer *r, guint ms)
{
    ovl_renderer_set_transition(r, ms > 0 ? OVL_TRANSITION_FADE : OVL_TRANSITION_CUT, ms);
}
