/* main: wires the streamer, the overlay and control together and runs the show.
 *
 * Thread: everything here runs on the main thread's GMainLoop; the only per-frame entry point is
 * overlay_for_frame(), which the streamer calls on a streaming thread and which only takes a ref
 * to what the render worker already published. main is the one place that knows all three
 * modules; they never call each other. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gst/gst.h>

#include "ctl_control.h"
#include "jc_card_preview.h"
#include "jc_config.h"
#include "jc_error.h"
#include "jc_status.h"
#include "jc_text.h"
#include "ovl_element.h"
#include "ovl_renderer.h"
#include "ovl_themes.h"
#include "str_pipeline.h"

typedef struct {
    JcConfig *cfg;             /* owned */
    GMainLoop *loop;           /* owned */
    OvlRenderer *renderer;     /* owned; shared with streaming threads through overlay_for_frame */
    CtlControl *control;       /* owned */
    StrPipeline *pipeline;     /* owned */
    const StrProfile *profile; /* static */
    char *token;               /* owned: the producers' bearer token for this run */
    char *on_air_url;          /* owned: apply URL of what is on air, NULL when nothing */
    guint scene_timer;         /* GSource id: a throttled counter update is waiting */
    OvlScene *pending_scene;   /* owned: the newest scene not yet submitted, or NULL */
    char *scene_sig;           /* owned: scene_signature() of the newest scene */
    gint64 scene_sent_us;      /* monotonic time of the last submit */
    guint status_timer;        /* GSource id: publishes the streamer's status once a second */
    gboolean muted;            /* control's audio.set, applied to the pipeline when it exists */
    OvlThemes *themes;         /* owned, made before control starts and freed after it: card
                                  previews read its current theme (and profile) on worker
                                  threads; on_scene switches it on main */
    gboolean stopping;
    int exit_code;
    /* Layout switching (main thread only). app->profile stays what --profile said (card
     * previews read it on worker threads); the program runs at program_profile, --profile
     * turned to the studio's layout. A switch stops the program (its recording is finalised),
     * frees it, replaces the renderer for the new frame size and builds a new program: the
     * renderer is only ever replaced while no program exists, so overlay_for_frame never sees
     * a renderer go away under it. */
    const StrProfile *program_profile; /* static */
    char *layout;                      /* owned: the studio's layout from on_scene, or NULL */
    OvlScene *scene_on_air;            /* owned: the scene last submitted, redrawn by a new
                                          renderer; NULL before the first */
    gboolean switching;                /* the program is stopping for a layout switch */
    guint switch_id;                   /* GSource id: the rebuild is queued */
} App;

/* Streaming thread, every frame: one mutex-guarded ref, nothing else. */
static GstVideoOverlayComposition *overlay_for_frame(gpointer data)
{
    App *app = data;
    return ovl_renderer_get(app->renderer);
}

/* Main thread: control says what is on air; the render worker turns it into pixels. */
/* Main thread: control says what is on air (the banner's apply URL); the picture follows from
 * on_scene, which control calls right after. */
static void on_air(const CtlPosting *posting, const char *apply_url, gpointer data)
{
    App *app = data;
    g_free(app->on_air_url);
    app->on_air_url = g_strdup(apply_url);
}

/* Everything in a CtlScene but the sign-up count: when only the count moved, the new scene may
 * wait a little (the counter must not flicker); anything else goes to air at once. */
static char *scene_signature(const CtlScene *sc)
{
    return g_strdup_printf("%" G_GINT64_FORMAT "|%s|%s|%s|%s|%s|%d|%s",
                           sc->posting ? sc->posting->id : 0, sc->apply_url ? sc->apply_url : "",
                           sc->ticker, sc->host_name, sc->host_title, sc->brand, sc->slate,
                           sc->slate_text);
}

/* The card of posting p as the overlay draws it, on air and in the editor's preview. *pay
 * receives the formatted pay the spec points at (transfer full: the caller frees it). */
static OvlCardSpec card_spec(const CtlPosting *p, const char *apply_url, gint64 signups, char **pay)
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
    };
    if (sc->posting == NULL)
        return ovl_scene_new(NULL, &extras);
    g_autofree char *pay = NULL;
    OvlCardSpec card = card_spec(sc->posting, sc->apply_url, sc->signups, &pay);
    return ovl_scene_new(&card, &extras);
}

static gboolean submit_pending_scene(gpointer data)
{
    App *app = data;
    app->scene_timer = 0;
    if (app->pending_scene != NULL) {
        ovl_renderer_submit(app->renderer, app->pending_scene);
        g_clear_pointer(&app->scene_on_air, ovl_scene_unref);
        app->scene_on_air = g_steal_pointer(&app->pending_scene);
        app->scene_sent_us = g_get_monotonic_time();
    }
    return G_SOURCE_REMOVE;
}

static void switch_layout(App *app);

/* Main thread: anything on screen changed. Takes and graphics changes render at once; a burst
 * of sign-ups updates the counter at most every COUNTER_INTERVAL_MS. */
#define COUNTER_INTERVAL_MS 500
static void on_scene(const CtlScene *sc, gpointer data)
{
    App *app = data;
    if (g_strcmp0(app->layout, sc->layout) != 0) {
        g_free(app->layout);
        app->layout = g_strdup(sc->layout);
        switch_layout(app);
    }
    /* A theme switch redraws what is on air on the render worker; control only accepts names
     * of app->themes (a restored one that vanished falls back to "default" there). */
    g_autofree char *theme = ovl_themes_current_name(app->themes);
    if (g_strcmp0(theme, sc->theme) != 0 && ovl_themes_select(app->themes, sc->theme)) {
        g_autoptr(OvlTheme) now = ovl_themes_current(app->themes);
        ovl_renderer_set_theme(app->renderer, now);
    }
    app->muted = sc->muted;
    if (app->pipeline != NULL)
        str_pipeline_set_muted(app->pipeline, sc->muted);
    g_autofree char *sig = scene_signature(sc);
    gboolean count_only = g_strcmp0(sig, app->scene_sig) == 0;
    g_free(app->scene_sig);
    app->scene_sig = g_steal_pointer(&sig);
    g_clear_pointer(&app->pending_scene, ovl_scene_unref);
    app->pending_scene = build_scene(sc);
    gint64 since_ms = (g_get_monotonic_time() - app->scene_sent_us) / 1000;
    if (!count_only || since_ms >= COUNTER_INTERVAL_MS) {
        if (app->scene_timer != 0)
            g_clear_handle_id(&app->scene_timer, g_source_remove);
        submit_pending_scene(app);
    } else if (app->scene_timer == 0) {
        app->scene_timer =
            g_timeout_add((guint)(COUNTER_INTERVAL_MS - since_ms), submit_pending_scene, app);
    }
}

static void begin_stop(App *app, const char *why)
{
    if (app->stopping)
        return;
    app->stopping = TRUE;
    g_message("stopping: %s", why);
    if (app->pipeline != NULL)
        str_pipeline_stop(app->pipeline, 5000);
    else
        g_main_loop_quit(app->loop);
}

static gboolean rebuild_program(gpointer data);

static void on_pipeline_state(StrState state, const char *message, gpointer data)
{
    App *app = data;
    switch (state) {
    case STR_STATE_STARTING:
        break;
    case STR_STATE_PLAYING:
        ctl_control_set_pipeline_ready(app->control, TRUE);
        break;
    case STR_STATE_STOPPED:
        if (app->switching && !app->stopping) {
            /* From the main loop, not from inside the pipeline's own callback. */
            app->switch_id = g_idle_add(rebuild_program, app);
            break;
        }
        ctl_control_set_pipeline_ready(app->control, FALSE);
        g_main_loop_quit(app->loop);
        break;
    case STR_STATE_ERROR:
        g_printerr("jobcast: the program pipeline failed: %s\n", message ? message : "?");
        ctl_control_set_pipeline_ready(app->control, FALSE);
        app->exit_code = 1;
        g_main_loop_quit(app->loop);
        break;
    }
}

static gboolean on_signal(gpointer data)
{
    begin_stop(data, "signal");
    return G_SOURCE_CONTINUE;
}

static gboolean on_duration(gpointer data)
{
    begin_stop(data, "--duration reached");
    return G_SOURCE_REMOVE;
}

/* 128 bits from the kernel's CSPRNG, as hex: the token of a run without a configured one. */
static char *mint_token(GError **error)
{
    guint8 raw[16];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        g_set_error(error, JC_ERROR, JC_ERROR_IO, "getrandom: %s", g_strerror(errno));
        return NULL;
    }
    GString *hex = g_string_sized_new(2 * sizeof raw);
    for (gsize i = 0; i < sizeof raw; i++)
        g_string_append_printf(hex, "%02x", raw[i]);
    return g_string_free(hex, FALSE);
}

/* A WORKER thread, per GET/POST /api/card.png: the card drawn by the overlay's own code in the
 * program's current theme, at the profile's size turned to the studio's layout. Reads only
 * app->profile and app->themes (whose current theme ovl_themes_current() hands over under its
 * lock), which live as long as control. */
static GBytes *card_preview(const CtlCardRequest *req, gpointer data, GError **error)
{
    const App *app = data;
    const CtlPosting *p = req->posting;
    g_autofree char *pay = NULL;
    OvlCardSpec card = card_spec(p, req->apply_url, req->signups, &pay);
    int width = 0, height = 0;
    jc_card_preview_size(app->profile->width, app->profile->height, req->layout, &width, &height);
    g_autoptr(OvlTheme) theme = ovl_themes_current(app->themes);
    /* A draft (id 0) has no apply URL yet: no QR code that would open /a/0. */
    if (p->id <= 0)
        return jc_card_preview_draft_png(&card, theme, width, height, error);
    return jc_card_preview_png(&card, theme, width, height, error);
}

static gboolean start_control(App *app, GError **error)
{
    g_autofree char *db = g_build_filename(app->cfg->data_dir, "jobcast.db", NULL);
    CtlControlConfig cc = {
        .listen_host = app->cfg->listen_host,
        .listen_port = app->cfg->listen_port,
        .public_url = app->cfg->public_url,
        .producer_token = app->token,
        .db_path = db,
        .seed = TRUE,
        .batch_max = app->cfg->commit_each ? 1 : 0,
        .on_air = on_air,
        .on_air_data = app,
        .on_scene = on_scene,
        .on_scene_data = app,
        .admin_host = app->cfg->admin_host,
        .admin_port = app->cfg->admin_port,
        .trusted_proxies = (const char *const *)app->cfg->trusted_proxies,
        .themes = ovl_themes_names(app->themes),
        .layout = str_profile_layout(app->profile), /* a fresh studio's; a saved one wins */
    };
    app->control = ctl_control_new(&cc, error);
    if (app->control != NULL)
        ctl_control_set_card_func(app->control, card_preview, app);
    return app->control != NULL;
}

/* Main thread, once a second: the streamer's state reaches the control pages and /metrics. */
static gboolean publish_status(gpointer data)
{
    App *app = data;
    g_autoptr(StrStatus) status = str_pipeline_status(app->pipeline);
    g_autoptr(JsonNode) json = jc_status_to_json(status);
    ctl_control_set_stream_status(app->control, json);
    return G_SOURCE_CONTINUE;
}

/* Main thread, per GET /api/preview.jpg: the program thumbnail the streamer keeps. */
static GBytes *preview_frame(gpointer data, gint64 *seq)
{
    App *app = data;
    return str_pipeline_preview_jpeg(app->pipeline, seq);
}

/* Main thread, while no program exists (overlay_for_frame is the renderer's only other user):
 * a renderer for profile's frame size in the current theme and transition replaces the old
 * one, and redraws the scene on air before returning (the new program's first frame carries
 * it). On failure (the theme does not fit that size), FALSE with error set and nothing
 * changed. */
static gboolean make_renderer(App *app, const StrProfile *profile, GError **error)
{
    g_autoptr(OvlTheme) theme = ovl_themes_current(app->themes);
    OvlRenderer *r = ovl_renderer_new_themed(profile->width, profile->height, theme, error);
    if (r == NULL)
        return FALSE;
    OvlTransitionKind transition = OVL_TRANSITION_CUT;
    ovl_transition_kind_from_string(app->cfg->transition, &transition); /* checked by jc_config */
    ovl_renderer_set_transition(r, transition, (guint)app->cfg->transition_ms);
    if (app->scene_on_air != NULL)
        ovl_renderer_wait(r, ovl_renderer_submit(r, app->scene_on_air), 3000);
    ovl_renderer_free(app->renderer);
    app->renderer = r;
    app->program_profile = profile;
    return TRUE;
}

static gboolean start_pipeline(App *app, GError **error);

/* Main thread: the studio's layout changed; when the program runs at the other orientation,
 * it is stopped (recording finalised, outputs drained) and rebuilt at the turned profile by
 * rebuild_program. A switch asked for while one is under way is picked up by that rebuild. */
#define SWITCH_STOP_MS 2000
static void switch_layout(App *app)
{
    if (app->pipeline == NULL || app->stopping || app->switching)
        return;
    const StrProfile *turned = str_profile_for_layout(app->profile, app->layout);
    if (turned == app->program_profile)
        return;
    g_autoptr(OvlTheme) theme = ovl_themes_current(app->themes);
    g_autoptr(GError) error = NULL;
    if (!ovl_renderer_check_theme(turned->width, turned->height, theme, &error)) {
        g_warning("layout %s: the theme does not fit %s (%s); staying at %s", app->layout,
                  turned->name, error->message, app->program_profile->name);
        return;
    }
    g_message("layout %s: switching the program from %s to %s", app->layout,
              app->program_profile->name, turned->name);
    app->switching = TRUE;
    str_pipeline_stop(app->pipeline, SWITCH_STOP_MS);
}

/* Main loop, after the old program reported STOPPED: a new program at the layout's profile. */
static gboolean rebuild_program(gpointer data)
{
    App *app = data;
    app->switch_id = 0;
    app->switching = FALSE;
    if (app->stopping) { /* a signal came while the old program was stopping */
        ctl_control_set_pipeline_ready(app->control, FALSE);
        g_main_loop_quit(app->loop);
        return G_SOURCE_REMOVE;
    }
    ctl_control_set_preview_func(app->control, NULL, NULL);
    g_clear_handle_id(&app->status_timer, g_source_remove);
    g_clear_pointer(&app->pipeline, str_pipeline_free);
    const StrProfile *turned = str_profile_for_layout(app->profile, app->layout);
    g_autoptr(GError) error = NULL;
    if (turned != app->program_profile && !make_renderer(app, turned, &error)) {
        g_warning("layout %s: %s; staying at %s", app->layout, error->message,
                  app->program_profile->name);
        g_clear_error(&error);
    }
    if (!start_pipeline(app, &error)) {
        g_printerr("jobcast: cannot restart the program at %s: %s\n", app->program_profile->name,
                   error->message);
        ctl_control_set_pipeline_ready(app->control, FALSE);
        app->exit_code = 1;
        g_main_loop_quit(app->loop);
        return G_SOURCE_REMOVE;
    }
    if (app->pipeline != NULL && str_pipeline_recording_path(app->pipeline) != NULL)
        g_message("recording: %s", str_pipeline_recording_path(app->pipeline));
    switch_layout(app); /* the layout may have changed again meanwhile */
    return G_SOURCE_REMOVE;
}

static gboolean start_pipeline(App *app, GError **error)
{
    g_autofree char *record_dir = NULL;
    if (app->cfg->record) {
        record_dir = g_build_filename(app->cfg->data_dir, "recordings", NULL);
        if (g_mkdir_with_parents(record_dir, 0700) != 0) {
            g_set_error(error, JC_ERROR, JC_ERROR_IO, "cannot create %s: %s", record_dir,
                        g_strerror(errno));
            return FALSE;
        }
    }
    StrConfig sc = {
        .input_uri = app->cfg->input,
        .profile = app->program_profile,
        .record_dir = record_dir,
        .outputs = (const char *const *)app->cfg->outputs,
        .overlay = overlay_for_frame,
        .overlay_data = app,
        .on_state = on_pipeline_state,
        .state_data = app,
        .segment_seconds = (guint)app->cfg->segment_minutes * 60,
        .keep_days = (guint)app->cfg->keep_days,
        .keep_mb = (guint)app->cfg->keep_gb * 1024,
        .audio_device = app->cfg->audio_device,
        .muted = app->muted,
    };
    app->pipeline = str_pipeline_new(&sc, error);
    if (app->pipeline == NULL)
        return FALSE;
    if (!str_pipeline_start(app->pipeline, error))
        return FALSE;
    ctl_control_set_preview_func(app->control, preview_frame, app);
    app->status_timer = g_timeout_add_seconds(1, publish_status, app);
    return TRUE;
}

/* The first lines a producer reads: where to drive the show and what viewers scan. */
static void print_banner(App *app)
{
    /* With --admin-listen the control page lives on the admin address. */
    gboolean admin = app->cfg->admin_host != NULL;
    int port = admin ? ctl_control_admin_port(app->control) : ctl_control_port(app->control);
    const char *host = admin ? app->cfg->admin_host : app->cfg->listen_host;
    gboolean v6 = strchr(host, ':') != NULL;
    const char *shown =
        (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0) ? "127.0.0.1" : host;
    printf("jobcast is live.\n");
    printf("  Control page: http://%s%s%s:%d/login?token=%s\n", v6 ? "[" : "", shown, v6 ? "]" : "",
           port, app->token);
    printf("  Apply URL (on air): %s\n", app->on_air_url ? app->on_air_url : "(nothing on air)");
    if (app->pipeline != NULL && str_pipeline_recording_path(app->pipeline) != NULL)
        printf("  Recording: %s\n", str_pipeline_recording_path(app->pipeline));
    g_autofree char *db = g_build_filename(app->cfg->data_dir, "jobcast.db", NULL);
    guint seeded = ctl_control_seeded(app->control);
    if (seeded > 0)
        printf("  Database: %s (seeded with %u sample postings)\n", db, seeded);
    else
        printf("  Database: %s\n", db);
    printf("  Stop with Ctrl-C.\n");
    fflush(stdout);
}

static int run(App *app, GError **error)
{
    app->profile = str_profile_lookup(app->cfg->profile, error);
    if (app->profile == NULL)
        return 2;
    app->token = app->cfg->producer_token ? g_strdup(app->cfg->producer_token) : mint_token(error);
    if (app->token == NULL)
        return 1;
    /* --theme, --theme-dir and --safe-area are the user's to fix (exit 2), including a theme
     * whose safe area leaves no room for a card and a scannable QR code: every theme is checked
     * now, so that switching on air cannot fail. */
    const double *m = app->cfg->safe_area;
    OvlSafeArea safe = {m[0], m[1], m[2], m[3]};
    app->themes = ovl_themes_new(app->cfg->theme, app->cfg->theme_dir,
                                 app->cfg->has_safe_area ? &safe : NULL, error);
    if (app->themes == NULL)
        return 2;
    if (!ovl_themes_check(app->themes, app->profile->width, app->profile->height, error))
        return app->cfg->theme != NULL || app->cfg->theme_dir != NULL || app->cfg->has_safe_area
                   ? 2
                   : 1;
    app->program_profile = app->profile;
    if (!make_renderer(app, app->profile, error))
        return 1;
    if (!start_control(app, error))
        return 1;
    /* Start-up rule: the studio's saved layout (control called on_scene once by now) wins over
     * --profile's orientation, keeping --profile's size class; a studio with none saved yet
     * starts in --profile's orientation (CtlControlConfig.layout). */
    const StrProfile *turned = str_profile_for_layout(app->profile, app->layout);
    if (turned != app->profile) {
        g_autoptr(GError) why = NULL;
        if (make_renderer(app, turned, &why))
            g_message("layout %s (stored in the studio) wins over --profile %s: the program "
                      "runs at %s",
                      app->layout, app->profile->name, turned->name);
        else
            g_warning("layout %s: the theme does not fit %s (%s); the program runs at %s",
                      app->layout, turned->name, why->message, app->profile->name);
    }
    /* The first frame should already carry the card: give the worker its first render. */
    ovl_renderer_wait(app->renderer, 1, 3000);
    if (!start_pipeline(app, error)) {
        /* A bad --input or --output is the user's to fix: usage error. */
        return g_error_matches(*error, JC_ERROR, JC_ERROR_INVALID) ? 2 : 1;
    }
    print_banner(app);

    g_unix_signal_add(SIGINT, on_signal, app);
    g_unix_signal_add(SIGTERM, on_signal, app);
    if (app->cfg->duration > 0)
        g_timeout_add_seconds((guint)app->cfg->duration, on_duration, app);
    g_main_loop_run(app->loop);
    return app->exit_code;
}

static void app_clear(App *app)
{
    if (app->status_timer != 0)
        g_source_remove(app->status_timer);
    if (app->scene_timer != 0)
        g_source_remove(app->scene_timer);
    if (app->switch_id != 0)
        g_source_remove(app->switch_id);
    g_clear_pointer(&app->pending_scene, ovl_scene_unref);
    g_clear_pointer(&app->scene_on_air, ovl_scene_unref);
    g_free(app->layout);
    g_free(app->scene_sig);
    if (app->control != NULL)
        ctl_control_set_preview_func(app->control, NULL, NULL);
    str_pipeline_free(app->pipeline);
    ctl_control_free(app->control);
    g_clear_pointer(&app->themes, ovl_themes_free); /* after control: no preview is drawing */
    ovl_renderer_free(app->renderer);
    g_free(app->token);
    g_free(app->on_air_url);
    g_main_loop_unref(app->loop);
    jc_config_free(app->cfg);
}

int main(int argc, char **argv)
{
    /* rtmpsink and sockets whose peer vanished must not kill the show (DESIGN.md field notes). */
    signal(SIGPIPE, SIG_IGN);
    setlocale(LC_ALL, "");
    if (argc > 1 && strcmp(argv[1], "accounts") == 0)
        return ctl_accounts_command(argc - 1, argv + 1);

    g_autoptr(GError) error = NULL;
    g_autofree char *help = NULL;
    JcConfig *cfg = jc_config_parse(argc, argv, &help, &error);
    if (cfg == NULL) {
        if (help != NULL) {
            fputs(help, stdout);
            return 0;
        }
        g_printerr("jobcast: %s\nTry 'jobcast --help'.\n", error->message);
        return 2;
    }
    gst_init(NULL, NULL);
    ovl_element_register(); /* jobcastoverlay, which the program pipeline blends with */

    App app = {.cfg = cfg, .loop = g_main_loop_new(NULL, FALSE)};
    int code = run(&app, &error);
    if (error != NULL)
        g_printerr("jobcast: %s\n", error->message);
    app_clear(&app);
    gst_deinit();
    return code;
}
