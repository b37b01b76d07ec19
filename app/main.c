/* main: parses the options and wires the streamer, the overlay, control and the director
 * together; the show's decisions are the director's (jc_director.c).
 *
 * Thread: everything here runs on the main thread's GMainLoop, but for card_preview (a GTask
 * worker, per /api/card.png). main is the one place that knows every module; they never call
 * each other. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gst/gst.h>

#include "ctl_control.h"
#include "jc_card_preview.h"
#include "jc_config.h"
#include "jc_director.h"
#include "jc_overlay_feed.h"
#include "jc_error.h"
#include "jc_program.h"
#include "ovl_element.h"
#include "ovl_themes.h"
#include "str_pipeline.h"

typedef struct {
    JcConfig *cfg;             /* owned */
    GMainLoop *loop;           /* owned */
    const StrProfile *profile; /* static: --profile; card previews read it on worker threads */
    OvlThemes *themes;         /* owned, made before control starts and freed after it: card
                                  previews read its current theme on worker threads */
    JcDirector *director;      /* owned: renderer, program, layout switches */
    CtlControl *control;       /* owned */
    JcOverlayFeed *overlay;    /* owned: /overlay's layers; freed before control */
    JcProgram program;         /* the director's ops on the streamer (borrows the above) */
    char *token;               /* owned: the producers' bearer token for this run */
    char *on_air_url;          /* owned: apply URL of what is on air, NULL when nothing */
} App;

/* Main thread: control says what is on air (the banner's apply URL); the picture follows from
 * the director's on_scene, which control calls right after. */
static void on_air(const CtlPosting *posting, const char *apply_url, gpointer data)
{
    App *app = data;
    g_free(app->on_air_url);
    app->on_air_url = g_strdup(apply_url);
}

static gboolean on_signal(gpointer data)
{
    App *app = data;
    jc_director_stop(app->director, "signal");
    return G_SOURCE_CONTINUE;
}

static gboolean on_duration(gpointer data)
{
    App *app = data;
    jc_director_stop(app->director, "--duration reached");
    return G_SOURCE_REMOVE;
}

/* A WORKER thread, per GET/POST /api/card.png: reads only what lives as long as control. */
static GBytes *card_preview(const CtlCardRequest *req, gpointer data, GError **error)
{
    const App *app = data;
    return jc_card_preview_request(req, app->profile, app->themes, error);
}

/* Control opens, migrates and seeds its own store in DATA/jobcast.db. */
static gboolean start_control(App *app, GError **error)
{
    g_autofree char *db = g_build_filename(app->cfg->data_dir, "jobcast.db", NULL);
    CtlControlConfig cc = {
        .listen_host = app->cfg->listen_host,
        .listen_port = app->cfg->listen_port,
        .public_url = app->cfg->public_url,
        .producer_token = app->token,
        .on_air = on_air,
        .on_air_data = app,
        .on_scene = jc_director_on_scene,
        .on_scene_data = app->director,
        .admin_host = app->cfg->admin_host,
        .admin_port = app->cfg->admin_port,
        .trusted_proxies = (const char *const *)app->cfg->trusted_proxies,
        .max_connections = (guint)app->cfg->max_connections,
        .max_connections_per_address = (guint)app->cfg->max_connections_per_address,
        .themes = ovl_themes_names(app->themes),
        .layout = str_profile_layout(app->profile), /* a fresh studio's; a saved one wins */
        .db_path = db,
        .seed = TRUE,
        .batch_max = app->cfg->commit_each ? 1 : 0,
        .keep_signups_days = app->cfg->keep_signups_days,
        .operator_name = app->cfg->operator_name,
        .operator_contact = app->cfg->operator_contact,
        .max_signups_per_phone = app->cfg->max_signups_per_phone,
        .privacy_check_seconds = (guint)app->cfg->privacy_check_seconds,
        .sms_gateway_url = app->cfg->sms_gateway,
        .sms_gateway_secret = app->cfg->sms_secret,
        .sms_code_ttl_ms = (guint)app->cfg->sms_code_ms,
        .sms_resend_ms = (guint)app->cfg->sms_resend_ms,
        .time_zone = app->cfg->csv_timezone,
        .province_url = app->cfg->province,
        .market = app->cfg->market,
        .market_name = app->cfg->market_name,
        .province_batch_rows = (guint)app->cfg->province_batch_rows,
        .output_names = (const char *const *)app->cfg->output_names,
        .output_uris = (const char *const *)app->cfg->outputs,
        .on_output = jc_program_output,
        .on_output_data = &app->program,
    };
    app->control = ctl_control_new(&cc, error);
    if (app->control == NULL)
        return FALSE;
    ctl_control_set_card_func(app->control, card_preview, app);
    app->overlay = jc_overlay_feed_new(app->director, app->control);
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
    StrPipeline *program = jc_director_program(app->director);
    printf("jobcast is live.\n");
    printf("  Control page: http://%s%s%s:%d/login?token=%s\n", v6 ? "[" : "", shown, v6 ? "]" : "",
           port, app->token);
    printf("  Apply URL (on air): %s\n", app->on_air_url ? app->on_air_url : "(nothing on air)");
    if (program != NULL && str_pipeline_recording_path(program) != NULL)
        printf("  Recording: %s\n", str_pipeline_recording_path(program));
    g_autofree char *db = g_build_filename(app->cfg->data_dir, "jobcast.db", NULL);
    guint seeded = ctl_control_seeded(app->control);
    if (seeded > 0)
        printf("  Database: %s (seeded with %u sample postings)\n", db, seeded);
    else
        printf("  Database: %s\n", db);
    printf("  Stop with Ctrl-C.\n");
    fflush(stdout);
}

/* --theme, --theme-dir and --safe-area are the user's to fix (exit 2), including a theme whose
 * safe area leaves no room for a card and a scannable QR code: every theme is checked now, so
 * that switching on air cannot fail. Returns 0 or the exit code. */
static int load_themes(App *app, GError **error)
{
    const double *m = app->cfg->safe_area;
    OvlSafeArea safe = {m[0], m[1], m[2], m[3]};
    gboolean user =
        app->cfg->theme != NULL || app->cfg->theme_dir != NULL || app->cfg->has_safe_area;
    app->themes = ovl_themes_new(app->cfg->theme, app->cfg->theme_dir,
                                 app->cfg->has_safe_area ? &safe : NULL, error);
    if (app->themes == NULL)
        return 2;
    if (!ovl_themes_check(app->themes, app->profile->width, app->profile->height, error))
        return user ? 2 : 1;
    return 0;
}

static int run(App *app, GError **error)
{
    app->profile = str_profile_lookup(app->cfg->profile, error);
    if (app->profile == NULL)
        return 2;
    app->token = jc_config_token(app->cfg, error);
    if (app->token == NULL)
        return 1;
    int code = load_themes(app, error);
    if (code != 0)
        return code;
    OvlTransitionKind transition = OVL_TRANSITION_CUT;
    ovl_transition_kind_from_string(app->cfg->transition, &transition); /* checked by jc_config */
    JcDirectorConfig dc = {
        .profile = app->profile,
        .themes = app->themes,
        .transition = transition,
        .transition_ms = (guint)app->cfg->transition_ms,
        .ops = &jc_program_ops,
        .data = &app->program,
    };
    app->director = jc_director_new(&dc, error);
    app->program.director = app->director;
    if (app->director == NULL || !start_control(app, error))
        return 1;
    app->program.control = app->control;
    if (!jc_director_start(app->director, error)) {
        /* A bad --input or --output is the user's to fix: usage error. */
        return g_error_matches(*error, JC_ERROR, JC_ERROR_INVALID) ? 2 : 1;
    }
    print_banner(app);

    g_unix_signal_add(SIGINT, on_signal, app);
    g_unix_signal_add(SIGTERM, on_signal, app);
    if (app->cfg->duration > 0)
        g_timeout_add_seconds((guint)app->cfg->duration, on_duration, app);
    g_main_loop_run(app->loop);
    return app->program.exit_code;
}

/* The program goes first (nothing streams into control or the renderer any more), then control
 * (no scene reaches the director any more), then the director's renderer and the themes. */
static void app_clear(App *app)
{
    if (app->director != NULL)
        jc_director_close_program(app->director);
    jc_overlay_feed_free(app->overlay);
    ctl_control_free(app->control);
    app->program.control = NULL;
    jc_director_free(app->director);
    g_clear_pointer(&app->themes, ovl_themes_free); /* after control: no preview is drawing */
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
    app.program = (JcProgram){.cfg = cfg, .loop = app.loop};
    int code = run(&app, &error);
    if (error != NULL)
        g_printerr("jobcast: %s\n", error->message);
    app_clear(&app);
    gst_deinit();
    return code;
}
