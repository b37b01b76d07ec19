/* ovl_renderer_private: the renderer's state, shared by the renderer's own files only
 * (ovl_renderer.c: the worker, the hand-over, drawing and caching; ovl_renderer_motion.c: takes
 * and transitions). Not installed, on no other module's include path.
 *
 * Threads: as ovl_renderer.c's header says; the worker's cache (CardCache) is the worker's
 * alone, without a lock. */
#pragma once

#include <pthread.h>
#include <stdatomic.h>

#include "ovl_card.h"
#include "ovl_render_stats.h"
#include "ovl_renderer.h"
#include "ovl_transition.h"

G_BEGIN_DECLS

/* Worker thread only (no lock): the last card drawn, so that a scene differing from it only in
 * the sign-up count redraws the counter alone and reuses the card and QR rectangles. Reused
 * rectangles keep their pixels and sequence numbers, so jobcastoverlay blends them from its
 * cache without converting anything. */
typedef struct {
    OvlScene *scene;                    /* a ref, or NULL: the scene whose card `base` shows */
    GstVideoOverlayComposition *base;   /* a ref: card and QR, prepared for the blend */
    OvlCardLayout layout;               /* base's geometry */
    GstVideoOverlayRectangle *counter;  /* a ref, or NULL (hidden, or no room) */
    int counter_value;                  /* the count `counter` shows; 0 for none */
    int counter_hires;                  /* the hires it shows; -1 for none */
    char *ticker_text;                  /* owned, or NULL: what `ticker` shows */
    GstVideoOverlayComposition *ticker; /* a ref, or NULL: label + strip, prepared */
    OvlRect ticker_band;
    char *brand_key;                 /* owned, or NULL: words and position of `brand` */
    GstVideoOverlayRectangle *brand; /* a ref, or NULL */
    OvlRect brand_box;
    char *slate_key;                   /* owned, or NULL: words and link of `slate` */
    GstVideoOverlayComposition *slate; /* a ref, or NULL: panel + QR, prepared */
    OvlRect slate_box;
    char *lower_key;                 /* owned, or NULL: words and position of `lower` */
    GstVideoOverlayRectangle *lower; /* a ref, or NULL: the lower third */
    OvlRect lower_box;
    char *question_key;                 /* owned, or NULL: words and position of `question` */
    GstVideoOverlayRectangle *question; /* a ref, or NULL: a viewer's question on air */
    OvlRect question_box;
    GstVideoOverlayComposition *shown;   /* a ref, or NULL: the card (or slate) last published */
    OvlRect shown_box;                   /* its panel's rectangle */
    char *shown_key;                     /* owned, or NULL: what it shows (content_key()) */
    OvlTransition take;                  /* the mark its take's layers carry (CUT: none) */
    GstVideoOverlayComposition *leaving; /* a ref, or NULL: copies of the previous take's layers
                                            sliding out, kept until the next take */
} CardCache;

struct OvlRenderer {
    int width, height;       /* frame size; fixed */
    OvlTheme *theme;         /* a ref; worker thread only (after the probe): the look drawn */
    GstVideoInfo blend_info; /* fixed: I420 at the frame size, what the program pipeline blends */
    CardCache cache;         /* worker thread only */
    atomic_uint transition;  /* a take's transition: kind << 16 | ms; set from any thread */
    OvlRenderCounters counters; /* counted by the worker, read from any thread */
    pthread_t thread;

    pthread_mutex_t queue_lock;
    pthread_cond_t wake; /* worker waits: a scene was queued or stop was set */
    OvlScene *pending;   /* a ref, or NULL; the newest queued scene */
    guint64 pending_seq;
    guint64 submitted; /* the last sequence number handed out */
    OvlScene *last;    /* a ref, or NULL: the newest scene submitted, redrawn on a theme switch */
    OvlTheme *wanted;  /* a ref: the theme the newest ovl_renderer_set_theme() asked for */
    gboolean restyle;  /* wanted differs from what the worker last adopted */
    gboolean stop;

    pthread_mutex_t slot_lock;
    pthread_cond_t advanced;             /* published grew, or the probe finished */
    GstVideoOverlayComposition *current; /* a ref, or NULL */
    guint64 published;                   /* sequence number behind current */
    GError *last_error;                  /* owned; why scene `published` was not drawn, or NULL */
    gboolean probe_done;
    GError *probe_error; /* owned; handed to ovl_renderer_new()'s caller */
};

/* Follows a take (worker thread): when card (a ref is taken; may be NULL), whose panel is box,
 * shows something else than the last card published (key, owned: what it shows, see
 * content_key()), its layers are marked to enter with the configured transition as take seq, and
 * with a slide the last ones are copied to leave (cache.leaving). A redraw of the same card is not
 * a take: its new layers carry on with the take's transition where it is. */
void ovl_renderer_follow_take(OvlRenderer *r, GstVideoOverlayComposition *card, const OvlRect *box,
                              char *key, guint64 seq);

/* Marks rect, a viewer's question whose panel is box, to enter on its own (take 0) with the
 * configured transition: a fade, or a slide in from the left edge (worker thread). */
void ovl_renderer_mark_question(OvlRenderer *r, GstVideoOverlayRectangle *rect, const OvlRect *box);

G_END_DECLS
