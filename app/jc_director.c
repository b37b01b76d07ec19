/* jc_director: turns control's scenes into what the renderer draws and keeps the program alive
 * across layout switches.
 *
 * Lifecycle. The director owns the renderer and the program (through JcDirectorOps); main owns
 * the director, control and the themes.
 *
 * Phases: IDLE (a renderer, no program yet), RUNNING (a program exists), SWITCHING (it stops
 * for a new layout), REBUILD (it stopped; the rebuild is queued), STOPPING (the show ends), DONE
 * (ops->finished was called).
 *
 *   phase      event                     next       done by
 *   ---------  ------------------------  ---------  ------------------------------------------
 *   IDLE       jc_director_start         RUNNING    start_program (ops->start)
 *   IDLE       jc_director_stop          DONE       finish(0)
 *   RUNNING    the layout turns          SWITCHING  switch_layout: ops->stop, 2 s
 *   RUNNING    jc_director_stop          STOPPING   ops->stop, 5 s
 *   RUNNING    STOPPED                   DONE       finish(0)
 *   SWITCHING  STOPPED                   REBUILD    an idle source is queued
 *   SWITCHING  jc_director_stop          STOPPING   ops->stop, 5 s
 *   REBUILD    (idle) rebuild_program    RUNNING    ops->free, new renderer, ops->start, and
 *                                                   the layout is checked again
 *   REBUILD    jc_director_stop          STOPPING   the queued rebuild ends the show
 *   STOPPING   STOPPED, or the rebuild   DONE       finish(0)
 *   any        ERROR, or a restart fails DONE       finish(1)
 *
 * Invariants:
 *   1. The renderer is replaced only while no program exists (IDLE, REBUILD), so
 *      jc_director_frame, which streaming threads call, never sees it freed.
 *   2. A program is freed from the main loop (rebuild_program, close), never inside its own
 *      state callback.
 *   3. Only the layout (and a failure to fit a theme) ever changes program_profile; profile,
 *      which card previews read on worker threads, never changes.
 *   4. Takes and graphics go to air at once; a scene that only moves the sign-up counter waits
 *      until COUNTER_INTERVAL_MS after the last submit (the counter's one throttle: control
 *      already sends one scene per committed batch, this keeps the on-screen figure readable
 *      and the renderer idle during a burst).
 *   5. The mute follows the studio: set on the running program at once, and handed to every
 *      program started later.
 *
 * Not responsible for the program's own recovery (streamer) or for what is on air (control). */
#include "jc_director.h"

#include "jc_text.h"
#include "ovl_scene.h"

#define COUNTER_INTERVAL_MS 500 /* the counter on screen changes at most twice a second */
#define SWITCH_STOP_MS 2000     /* a layout switch: how long the old program may take to stop */
#define END_STOP_MS 5000        /* the end of the show: the same, to finalise the recording */
#define FIRST_RENDER_MS 3000    /* how long the first frame waits for the card */

typedef enum { IDLE, RUNNING, SWITCHING, REBUILD, STOPPING, DONE } Phase;

struct JcDirector {
    const StrProfile *profile;         /* static: --profile */
    const StrProfile *program_profile; /* static: profile turned to the layout (invariant 3) */
    OvlThemes *themes;                 /* borrowed */
    OvlTransitionKind transition;
    guint transition_ms;
    const JcDirectorOps *ops; /* borrowed */
    gpointer data;
    Phase phase;
    OvlRenderer *renderer; /* owned; read by streaming threads through jc_director_frame */
    StrPipeline *program;  /* owned through ops, NULL when none */
    guint rebuild_id;      /* GSource id of the queued rebuild (REBUILD), else 0 */
    char *layout;          /* owned: the studio's layout from on_scene, NULL before */
    gboolean muted;        /* the studio's mute (invariant 5) */
    OvlScene *pending;     /* owned: the newest scene not yet submitted, or NULL */
    OvlScene *on_air;      /* owned: the scene last submitted (a new renderer redraws it) */
    char *scene_sig;       /* owned: scene_signature() of the newest scene */
    char *qr_url;          /* owned: what the QR code on air should read, NULL: none expected */
    gint64 sent_us;        /* monotonic time of the last submit */
    guint scene_timer;     /* GSource id: a throttled counter update is waiting */
    guint64 submits;
    OvlRenderStats retired; /* what renderers replaced by a layout switch did */
};

OvlCardSpec jc_director_card_spec(const CtlPosting *p, const char *apply_url, gint64 signups,
                                  char **pay)
{
    *pay = jc_format_pay(p->pay_min, p->pay_max, p->pay_unit);
    return (OvlCardSpec){
        .title = p->title,
        .employer = p->company,
        .pay = *pay,
        .place = p->location,
        .headcount = p->headcount,
        .apply_url = apply_url,
        .signups = (gint)MIN(signups, G_MAXINT),
        .code = p->code,
    };
}

static OvlScene *build_scene(const CtlScene *sc)
{
    OvlSceneExtras extras = {
        .ticker = sc->ticker,
        .brand = sc->brand,
        .host_name = sc->host_name,
        .host_title = sc->host_title,
        .slate = sc->slate ? sc->slate_text : NULL,
        .question = sc->question,
        .show_hires = sc->show_hires,
        .hires = (gint)CLAMP(sc->hires, 0, G_MAXINT),
    };
    if (sc->posting == NULL)
        return ovl_scene_new(NULL, &extras);
    g_autofree char *pay = NULL;
    OvlCardSpec card = jc_director_card_spec(sc->posting, sc->apply_url, sc->signups, &pay);
    return ovl_scene_new(&card, &extras);
}

/* Everything in a CtlScene but the sign-up count: when only the count moved, the new scene may
 * wait a little (the counter must not flicker); anything else goes to air at once. */
static char *scene_signature(const CtlScene *sc)
{
    return g_strdup_printf("%" G_GINT64_FORMAT "|%s|%s|%s|%s|%s|%d|%s|%s",
                           sc->posting ? sc->posting->id : 0, sc->apply_url ? sc->apply_url : "",
                           sc->ticker, sc->host_name, sc->host_title, sc->brand, sc->slate,
                           sc->slate_text, sc->question != NULL ? sc->question : "");
}

static gboolean submit_pending(gpointer data)
{
    JcDirector *d = data;
    d->scene_timer = 0;
    if (d->pending != NULL) {
        ovl_renderer_submit(d->renderer, d->pending);
        g_clear_pointer(&d->on_air, ovl_scene_unref);
        d->on_air = g_steal_pointer(&d->pending);
        d->sent_us = g_get_monotonic_time();
        d->submits++;
    }
    return G_SOURCE_REMOVE;
}

/* Invariant 4: a counter-only change waits for the interval, anything else goes at once. */
static void show_scene(JcDirector *d, const CtlScene *sc)
{
    g_autofree char *sig = scene_signature(sc);
    gboolean count_only = g_strcmp0(sig, d->scene_sig) == 0;
    g_free(d->scene_sig);
    d->scene_sig = g_steal_pointer(&sig);
    g_clear_pointer(&d->pending, ovl_scene_unref);
    d->pending = build_scene(sc);
    gint64 since_ms = (g_get_monotonic_time() - d->sent_us) / 1000;
    if (!count_only || since_ms >= COUNTER_INTERVAL_MS) {
        g_clear_handle_id(&d->scene_timer, g_source_remove);
        submit_pending(d);
    } else if (d->scene_timer == 0) {
        d->scene_timer = g_timeout_add((guint)(COUNTER_INTERVAL_MS - since_ms), submit_pending, d);
    }
}

/* Main thread, while no program exists (invariant 1): a renderer for profile's frame size in
 * the current theme and transition replaces the old one, and redraws the scene on air before
 * returning (the new program's first frame carries it). On failure (the theme does not fit
 * that size), FALSE with error set and nothing changed. */
static gboolean make_renderer(JcDirector *d, const StrProfile *profile, GError **error)
{
    g_autoptr(OvlTheme) theme = ovl_themes_current(d->themes);
    OvlRenderer *r = ovl_renderer_new_themed(profile->width, profile->height, theme, error);
    if (r == NULL)
        return FALSE;
    ovl_renderer_set_transition(r, d->transition, d->transition_ms);
    if (d->on_air != NULL)
        ovl_renderer_wait(r, ovl_renderer_submit(r, d->on_air), FIRST_RENDER_MS);
    if (d->renderer != NULL) {
        ovl_renderer_add_stats(d->renderer, &d->retired);
        /* The card on air, drawn again at the new size, is no new take. */
        OvlRenderStats redraw = {0};
        ovl_renderer_add_stats(r, &redraw);
        d->retired.takes -= MIN(redraw.takes, d->retired.takes);
    }
    ovl_renderer_free(d->renderer);
    d->renderer = r;
    d->program_profile = profile;
    return TRUE;
}

static void finish(JcDirector *d, int exit_code)
{
    if (d->phase == DONE)
        return;
    d->phase = DONE;
    d->ops->ready(FALSE, d->data);
    d->ops->finished(exit_code, d->data);
}

/* RUNNING -> SWITCHING when the program runs at the other orientation than the layout. A
 * switch asked for in any other phase is picked up by the rebuild (or dropped at the end). */
static void switch_layout(JcDirector *d)
{
    if (d->phase != RUNNING)
        return;
    const StrProfile *turned = str_profile_for_layout(d->profile, d->layout);
    if (turned == d->program_profile)
        return;
    g_autoptr(OvlTheme) theme = ovl_themes_current(d->themes);
    g_autoptr(GError) error = NULL;
    if (!ovl_renderer_check_theme(turned->width, turned->height, theme, &error)) {
        g_warning("layout %s: the theme does not fit %s (%s); staying at %s", d->layout,
                  turned->name, error->message, d->program_profile->name);
        return;
    }
    g_message("layout %s: switching the program from %s to %s", d->layout, d->program_profile->name,
              turned->name);
    d->phase = SWITCHING;
    d->ops->stop(d->program, SWITCH_STOP_MS);
}

static gboolean start_program(JcDirector *d, GError **error)
{
    d->program = d->ops->start(d->program_profile, d->muted, d->data, error);
    if (d->program == NULL)
        return FALSE;
    if (d->ops->expect_qr != NULL)
        d->ops->expect_qr(d->program, d->qr_url);
    d->phase = RUNNING;
    return TRUE;
}

static void free_program(JcDirector *d)
{
    if (d->program != NULL)
        d->ops->free(g_steal_pointer(&d->program), d->data);
}

/* REBUILD, from the main loop after the old program reported STOPPED (invariant 2). */
void jc_director_restart_program(JcDirector *d, const char *why)
{
    if (d->phase != RUNNING)
        return; /* a rebuild already under way builds from what is stored now */
    g_message("%s: restarting the program", why);
    d->phase = SWITCHING;
    d->ops->stop(d->program, SWITCH_STOP_MS);
}

static gboolean rebuild_program(gpointer data)
{
    JcDirector *d = data;
    d->rebuild_id = 0;
    free_program(d);
    if (d->phase == STOPPING) { /* the show ended while the old program was stopping */
        finish(d, 0);
        return G_SOURCE_REMOVE;
    }
    const StrProfile *turned = str_profile_for_layout(d->profile, d->layout);
    g_autoptr(GError) error = NULL;
    if (turned != d->program_profile && !make_renderer(d, turned, &error)) {
        g_warning("layout %s: %s; staying at %s", d->layout, error->message,
                  d->program_profile->name);
        g_clear_error(&error);
    }
    if (!start_program(d, &error)) {
        g_printerr("jobcast: cannot restart the program at %s: %s\n", d->program_profile->name,
                   error->message);
        finish(d, 1);
        return G_SOURCE_REMOVE;
    }
    switch_layout(d); /* the layout may have changed again meanwhile */
    return G_SOURCE_REMOVE;
}

void jc_director_program_state(StrState state, const char *message, gpointer data)
{
    JcDirector *d = data;
    switch (state) {
    case STR_STATE_STARTING:
        break;
    case STR_STATE_PLAYING:
        d->ops->ready(TRUE, d->data);
        break;
    case STR_STATE_STOPPED:
        if (d->phase == SWITCHING) {
            d->phase = REBUILD;
            d->rebuild_id = g_idle_add(rebuild_program, d);
        } else if (d->phase != DONE) {
            finish(d, 0);
        }
        break;
    case STR_STATE_ERROR:
        g_printerr("jobcast: the program pipeline failed: %s\n", message ? message : "?");
        finish(d, 1);
        break;
    }
}

void jc_director_on_scene(const CtlScene *sc, gpointer data)
{
    JcDirector *d = data;
    if (g_strcmp0(d->layout, sc->layout) != 0) {
        g_free(d->layout);
        d->layout = g_strdup(sc->layout);
        switch_layout(d);
    }
    /* A theme switch redraws what is on air on the render worker; control only accepts names
     * of the themes (a restored one that vanished falls back to "default" there). */
    g_autofree char *theme = ovl_themes_current_name(d->themes);
    if (g_strcmp0(theme, sc->theme) != 0 && ovl_themes_select(d->themes, sc->theme)) {
        g_autoptr(OvlTheme) now = ovl_themes_current(d->themes);
        ovl_renderer_set_theme(d->renderer, now);
    }
    d->muted = sc->muted;
    if (d->program != NULL)
        d->ops->set_muted(d->program, sc->muted);
    /* The QR read-back monitor expects the on-air posting's link, but not under the slate. */
    gboolean qr = sc->posting != NULL && !sc->slate && sc->apply_url != NULL && sc->apply_url[0];
    g_free(d->qr_url);
    d->qr_url = qr ? g_strdup(sc->apply_url) : NULL;
    if (d->program != NULL && d->ops->expect_qr != NULL)
        d->ops->expect_qr(d->program, d->qr_url);
    show_scene(d, sc);
}

JcDirector *jc_director_new(const JcDirectorConfig *cfg, GError **error)
{
    g_return_val_if_fail(cfg != NULL && cfg->profile != NULL && cfg->ops != NULL, NULL);
    JcDirector *d = g_new0(JcDirector, 1);
    d->profile = cfg->profile;
    d->themes = cfg->themes;
    d->transition = cfg->transition;
    d->transition_ms = cfg->transition_ms;
    d->ops = cfg->ops;
    d->data = cfg->data;
    d->phase = IDLE;
    if (!make_renderer(d, d->profile, error)) {
        jc_director_free(d);
        return NULL;
    }
    return d;
}

gboolean jc_director_start(JcDirector *d, GError **error)
{
    g_return_val_if_fail(d->phase == IDLE, FALSE);
    /* Start-up rule: the studio's saved layout (control called on_scene once by now) wins over
     * --profile's orientation, keeping --profile's size class; a studio with none saved yet
     * starts in --profile's orientation (CtlControlConfig.layout). */
    const StrProfile *turned = str_profile_for_layout(d->profile, d->layout);
    if (turned != d->profile) {
        g_autoptr(GError) why = NULL;
        if (make_renderer(d, turned, &why))
            g_message("layout %s (stored in the studio) wins over --profile %s: the program "
                      "runs at %s",
                      d->layout, d->profile->name, turned->name);
        else
            g_warning("layout %s: the theme does not fit %s (%s); the program runs at %s",
                      d->layout, turned->name, why->message, d->profile->name);
    }
    /* The first frame should already carry the card: give the worker its first render. */
    ovl_renderer_wait(d->renderer, 1, FIRST_RENDER_MS);
    return start_program(d, error);
}

void jc_director_stop(JcDirector *d, const char *why)
{
    if (d->phase == STOPPING || d->phase == DONE)
        return;
    g_message("stopping: %s", why);
    Phase was = d->phase;
    d->phase = STOPPING;
    if (was == RUNNING || was == SWITCHING)
        d->ops->stop(d->program, END_STOP_MS);
    else if (was == IDLE)
        finish(d, 0);
    /* REBUILD: the queued rebuild sees STOPPING and finishes. */
}

GstVideoOverlayComposition *jc_director_frame(gpointer data)
{
    JcDirector *d = data;
    return ovl_renderer_get(d->renderer);
}

StrPipeline *jc_director_program(JcDirector *d)
{
    return d->program;
}

OvlRenderer *jc_director_renderer(JcDirector *d, int *width, int *height)
{
    *width = d->program_profile->width;
    *height = d->program_profile->height;
    return d->renderer;
}

void jc_director_close_program(JcDirector *d)
{
    g_clear_handle_id(&d->rebuild_id, g_source_remove);
    free_program(d);
    if (d->phase != DONE)
        d->phase = STOPPING; /* nothing is started any more */
}

void jc_director_overlay_stats(JcDirector *d, OvlRenderStats *out)
{
    *out = d->retired;
    if (d->renderer != NULL)
        ovl_renderer_add_stats(d->renderer, out);
}

guint64 jc_director_submits(JcDirector *d)
{
    return d->submits;
}

void jc_director_free(JcDirector *d)
{
    if (d == NULL)
        return;
    jc_director_close_program(d);
    g_clear_handle_id(&d->scene_timer, g_source_remove);
    g_clear_pointer(&d->pending, ovl_scene_unref);
    g_clear_pointer(&d->on_air, ovl_scene_unref);
    g_free(d->layout);
    g_free(d->qr_url);
    g_free(d->scene_sig);
    ovl_renderer_free(d->renderer);
    g_free(d);
}
