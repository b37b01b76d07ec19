/* ovl_renderer_motion: how the render worker's layers move between takes: it tells a take from
 * a redraw of the same card (a theme switch, a new count), marks a take's layers to enter with
 * the configured transition (ovl_transition.h), keeps copies of the previous take's layers to
 * slide out, and marks a viewer's question coming on air.
 *
 * Threads: the render worker only (called from ovl_renderer.c's render_one); it reads the
 * configured transition from OvlRenderer.transition (an atomic set from any thread) and touches
 * no lock.
 *
 * Not responsible for drawing anything (ovl_renderer.c draws and caches the layers), nor for the
 * transition's progress per frame (jobcastoverlay, through ovl_transition.c). */
#include "ovl_renderer_private.h"

#include <stdatomic.h>

#include "ovl_blend.h"
#include "ovl_transition.h"

static GstVideoOverlayRectangle *first_rectangle(GstVideoOverlayComposition *comp)
{
    return comp != NULL && gst_video_overlay_composition_n_rectangles(comp) > 0
               ? gst_video_overlay_composition_get_rectangle(comp, 0)
               : NULL;
}

static int even_up(int v)
{
    return (v + 1) & ~1;
}

/* Where a slide takes a layer whose panel is box: an entering take comes in from the side the
 * card is anchored to (landscape: the left edge; portrait, where the card spans the width: the
 * bottom), the leaving one goes the other way, so the two cross rather than collide. */
static void slide_offset(const OvlRenderer *r, const OvlRect *box, gboolean leaving, int *dx,
                         int *dy)
{
    gboolean portrait = r->height > r->width;
    gboolean sideways = portrait ? leaving : !leaving;
    *dx = sideways ? -even_up(box->x + box->width) : 0;
    *dy = sideways ? 0 : even_up(r->height - box->y);
}

/* Marks every not yet marked rectangle of comp with mark (entering, offsets from box). */
static void mark_entering(GstVideoOverlayComposition *comp, const OvlTransition *mark)
{
    guint n = comp != NULL ? gst_video_overlay_composition_n_rectangles(comp) : 0;
    for (guint i = 0; i < n; i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(comp, i);
        OvlTransition had;
        if (!ovl_transition_of(rect, &had))
            ovl_transition_mark(rect, mark);
    }
}

/* Copies of from's rectangles (same pixels and blend layers) marked to slide out with take seq.
 * (transfer full) */
static GstVideoOverlayComposition *leaving_copies(OvlRenderer *r, GstVideoOverlayComposition *from,
                                                  const OvlRect *box, const OvlTransition *mark)
{
    OvlTransition out = *mark;
    out.leaving = TRUE;
    slide_offset(r, box, TRUE, &out.dx, &out.dy);
    GstVideoOverlayComposition *comp = NULL;
    for (guint i = 0; i < gst_video_overlay_composition_n_rectangles(from); i++) {
        GstVideoOverlayRectangle *rect = gst_video_overlay_composition_get_rectangle(from, i);
        GstVideoOverlayRectangle *copy = gst_video_overlay_rectangle_copy(rect);
        ovl_blend_share(rect, copy);
        ovl_transition_mark(copy, &out);
        if (comp == NULL)
            comp = gst_video_overlay_composition_new(copy);
        else
            gst_video_overlay_composition_add_rectangle(comp, copy);
        gst_video_overlay_rectangle_unref(copy);
    }
    return comp;
}

/* Takes: when the card (or slate) differs from the last one published, its layers are marked to
 * enter with the configured transition as take seq, and with a slide the last ones are copied to
 * leave. A layer added to the same take later (a new count mid-slide) moves with it. Relies on
 * a take's rectangles being new objects (render_one never reuses them across takes). */
void ovl_renderer_follow_take(OvlRenderer *r, GstVideoOverlayComposition *card, const OvlRect *box,
                              char *key, guint64 seq)
{
    CardCache *k = &r->cache;
    if (first_rectangle(card) == first_rectangle(k->shown)) {
        g_free(key);
        if (card != NULL && k->take.kind != OVL_TRANSITION_CUT)
            mark_entering(card, &k->take);
        return;
    }
    if (card != NULL && g_strcmp0(key, k->shown_key) == 0) {
        /* The same card redrawn (a theme switch): not a take. Its new layers replace the old on
         * one frame and carry on with the take's transition where it is. */
        g_free(key);
        gst_video_overlay_composition_unref(k->shown);
        k->shown = gst_video_overlay_composition_ref(card);
        k->shown_box = *box;
        if (k->take.kind == OVL_TRANSITION_SLIDE)
            slide_offset(r, box, FALSE, &k->take.dx, &k->take.dy);
        if (k->take.kind != OVL_TRANSITION_CUT)
            mark_entering(card, &k->take);
        return;
    }
    if (card != NULL)
        ovl_render_counters_take(&r->counters);
    g_free(k->shown_key);
    k->shown_key = card != NULL ? key : NULL;
    if (card == NULL)
        g_free(key);
    guint packed = atomic_load_explicit(&r->transition, memory_order_relaxed);
    OvlTransition mark = {.kind = (OvlTransitionKind)(packed >> 16), .ms = packed & 0xffff};
    mark.take = seq;
    if (mark.ms == 0)
        mark.kind = OVL_TRANSITION_CUT;
    if (k->leaving != NULL)
        gst_video_overlay_composition_unref(k->leaving);
    k->leaving = NULL;
    if (mark.kind == OVL_TRANSITION_SLIDE && k->shown != NULL)
        k->leaving = leaving_copies(r, k->shown, &k->shown_box, &mark);
    if (k->shown != NULL)
        gst_video_overlay_composition_unref(k->shown);
    k->shown = card != NULL ? gst_video_overlay_composition_ref(card) : NULL;
    if (box != NULL)
        k->shown_box = *box;
    if (mark.kind == OVL_TRANSITION_SLIDE && box != NULL)
        slide_offset(r, box, FALSE, &mark.dx, &mark.dy);
    k->take = mark;
    if (card != NULL && mark.kind != OVL_TRANSITION_CUT)
        mark_entering(card, &mark);
}

/* A question coming on air enters with the configured transition on its own (take 0): a fade, or
 * a slide in from the left edge; it goes off with a cut. */
void ovl_renderer_mark_question(OvlRenderer *r, GstVideoOverlayRectangle *rect, const OvlRect *box)
{
    guint packed = atomic_load_explicit(&r->transition, memory_order_relaxed);
    OvlTransition mark = {.kind = (OvlTransitionKind)(packed >> 16), .ms = packed & 0xffff};
    if (mark.ms == 0 || mark.kind == OVL_TRANSITION_CUT)
        return;
    if (mark.kind == OVL_TRANSITION_FADE) {
        ovl_transition_set_fade_in(rect, mark.ms);
        return;
    }
    mark.dx = -even_up(box->x + box->width);
    ovl_transition_mark(rect, &mark);
}
