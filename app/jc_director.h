/* jc_director: the show's decisions between control and the picture: which card a posting
 * makes, when a scene reaches the renderer (the sign-up counter's one throttle), where the
 * mute goes, and the program's life across layout switches (stop, new renderer, new program).
 *
 * Threads: main thread only, except jc_director_frame (any streaming thread, every frame) and
 * jc_director_card_spec (pure, any thread). The program itself is reached only through
 * JcDirectorOps, which main wires to the streamer and tests to fakes; the director never
 * reaches control or the store. Its lifecycle is described at the top of jc_director.c. */
#pragma once

#include <glib.h>

#include "ctl_control.h"
#include "ovl_renderer.h"
#include "ovl_themes.h"
#include "str_pipeline.h"

G_BEGIN_DECLS

typedef struct JcDirector JcDirector;

/* What the director asks of the program; data is JcDirectorConfig.data. Main thread. */
typedef struct {
    /* Builds and starts a program at profile, its sound muted or not, reporting its states to
     * jc_director_program_state. NULL with error set. (transfer full: free) */
    StrPipeline *(*start)(const StrProfile *profile, gboolean muted, gpointer data, GError **error);
    /* Asks a running program to stop (EOS, recording finalised) within timeout_ms; it reports
     * STR_STATE_STOPPED later. str_pipeline_stop. */
    void (*stop)(StrPipeline *program, guint timeout_ms);
    /* Frees a program (stopped, or at the end of the show). */
    void (*free)(StrPipeline *program, gpointer data);
    /* str_pipeline_set_muted. */
    void (*set_muted)(StrPipeline *program, gboolean muted);
    /* str_pipeline_expect_qr: what the QR code on air should read (NULL: none). May be NULL. */
    void (*expect_qr)(StrPipeline *program, const char *url);
    /* The program plays (TRUE) or no longer does (FALSE): /healthz. */
    void (*ready)(gboolean ready, gpointer data);
    /* The show is over (exit_code 0: stopped as asked, 1: the program failed): quit. */
    void (*finished)(int exit_code, gpointer data);
} JcDirectorOps;

typedef struct {
    const StrProfile *profile;    /* static: --profile; the layout turns its orientation */
    OvlThemes *themes;            /* borrowed: outlives the director */
    OvlTransitionKind transition; /* how a take enters */
    guint transition_ms;
    const JcDirectorOps *ops; /* borrowed: outlives the director */
    gpointer data;            /* handed to ops */
} JcDirectorConfig;

/* A director with a renderer at cfg->profile in the themes' current theme, and no program
 * yet. NULL with error set when the theme does not fit the frame. (transfer full) */
JcDirector *jc_director_new(const JcDirectorConfig *cfg, GError **error);

/* Control's on_scene (a CtlOnSceneFunc; data is the director): the layout, the theme, the mute
 * and the scene on air. */
void jc_director_on_scene(const CtlScene *scene, gpointer data);

/* Starts the show: the studio's layout (from control's first on_scene) wins over --profile's
 * orientation, keeping its size class; waits (at most 3 s) for the first render so the first
 * frame carries the card; then starts the program. FALSE with ops->start's error. */
gboolean jc_director_start(JcDirector *d, GError **error);

/* Ends the show (signal, --duration): the program stops (5 s at most) and ops->finished is
 * called once it did; at once when there is no program. A second call does nothing. */
void jc_director_stop(JcDirector *d, const char *why);

/* The program's state changes (a StrStateFunc; data is the director). Main thread. */
void jc_director_program_state(StrState state, const char *message, gpointer data);

/* Streaming thread, every frame (a StrOverlayFunc; data is the director): one ref of what the
 * render worker published. (transfer full) */
GstVideoOverlayComposition *jc_director_frame(gpointer data);

/* Stops the running program and starts a new one as for a layout switch (a fraction of a second
 * off air), built from the options and the outputs as stored now; why is logged. Nothing when
 * no program runs or a rebuild is already under way. Main thread. */
void jc_director_restart_program(JcDirector *d, const char *why);

/* The running program, NULL when there is none (before start, during a rebuild). (transfer
 * none) */
StrPipeline *jc_director_program(JcDirector *d);

/* The renderer drawing the picture now and its frame size. A layout switch replaces it (from
 * the main loop): use it within one main-thread call, never keep it. (transfer none) */
OvlRenderer *jc_director_renderer(JcDirector *d, int *width, int *height);

/* Frees the program now (ops->free), before control goes: nothing is drawn for it any more but
 * scenes still reach the renderer. */
void jc_director_close_program(JcDirector *d);

/* What the overlay's render workers did since start (takes, render times), across layout
 * switches. Never waits for the worker. */
void jc_director_overlay_stats(JcDirector *d, OvlRenderStats *out);

/* Scenes handed to the renderer so far (tests and diagnostics). */
guint64 jc_director_submits(JcDirector *d);

/* The card of posting p as the overlay draws it, on air and in the editor's preview: strings
 * borrowed from p and apply_url; *pay receives the formatted pay the spec points at (transfer
 * full: the caller frees it). Pure; any thread. */
OvlCardSpec jc_director_card_spec(const CtlPosting *p, const char *apply_url, gint64 signups,
                                  char **pay);

/* Frees the program if still there, then the renderer. NULL ok. */
void jc_director_free(JcDirector *d);

G_END_DECLS
