/* jc_program: JcDirectorOps on the real streamer. Each program is a StrPipeline built from the
 * options at the profile the director asks for; while it exists control gets its status once a
 * second and its preview frames.
 *
 * Threads: main thread only. Not responsible for when programs start and stop (the director). */
#include "jc_program.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "jc_error.h"
#include "jc_status.h"
#include "str_pipeline.h"

/* Main thread, once a second: the streamer's state reaches the control pages and /metrics. */
static gboolean publish_status(gpointer data)
{
    JcProgram *prog = data;
    g_autoptr(StrStatus) status = str_pipeline_status(jc_director_program(prog->director));
    g_autoptr(JsonNode) json = jc_status_to_json(status);
    OvlRenderStats overlay = {0};
    jc_director_overlay_stats(prog->director, &overlay);
    jc_status_add_overlay(json, &overlay);
    ctl_control_set_stream_status(prog->control, json);
    return G_SOURCE_CONTINUE;
}

/* Main thread, per GET /api/preview.jpg: the program thumbnail the streamer keeps. */
static GBytes *preview_frame(gpointer data, gint64 *seq)
{
    JcProgram *prog = data;
    return str_pipeline_preview_jpeg(jc_director_program(prog->director), seq);
}

/* JcDirectorOps.start: a program at profile with the options' input, outputs and recording. */
static StrPipeline *program_start(const StrProfile *profile, gboolean muted, gpointer data,
                                  GError **error)
{
    JcProgram *prog = data;
    g_autofree char *record_dir = NULL;
    if (prog->cfg->record) {
        record_dir = g_build_filename(prog->cfg->data_dir, "recordings", NULL);
        if (g_mkdir_with_parents(record_dir, 0700) != 0) {
            g_set_error(error, JC_ERROR, JC_ERROR_IO, "cannot create %s: %s", record_dir,
                        g_strerror(errno));
            return NULL;
        }
    }
    /* The outputs as stored now (the command line's, merged at start, and those added on air). */
    g_auto(GStrv) names = NULL;
    g_auto(GStrv) uris = NULL;
    ctl_control_outputs(prog->control, &names, &uris);
    StrConfig sc = {
        .input_uri = prog->cfg->input,
        .profile = profile,
        .record_dir = record_dir,
        .outputs = (const char *const *)uris,
        .output_names = (const char *const *)names,
        .overlay = jc_director_frame,
        .overlay_data = prog->director,
        .on_state = jc_director_program_state,
        .state_data = prog->director,
        .segment_seconds = (guint)prog->cfg->segment_minutes * 60,
        .keep_days = (guint)prog->cfg->keep_days,
        .keep_mb = (guint)prog->cfg->keep_gb * 1024,
        .audio_device = prog->cfg->audio_device,
        .muted = muted,
        .qr_blur_from = (guint)prog->cfg->qr_blur_from,
        .qr_blur_to = (guint)prog->cfg->qr_blur_to,
    };
    StrPipeline *p = str_pipeline_new(&sc, error);
    if (p == NULL)
        return NULL;
    if (!str_pipeline_start(p, error)) {
        str_pipeline_free(p);
        return NULL;
    }
    ctl_control_set_preview_func(prog->control, preview_frame, prog);
    prog->status_timer = g_timeout_add_seconds(1, publish_status, prog);
    if (prog->started && str_pipeline_recording_path(p) != NULL)
        g_message("recording: %s", str_pipeline_recording_path(p));
    prog->started = TRUE;
    return p;
}

gboolean jc_program_output(const char *name, const char *uri, gpointer data, GError **error)
{
    JcProgram *prog = data;
    StrPipeline *p = jc_director_program(prog->director);
    if (p == NULL)
        return TRUE; /* between programs: the next one reads the stored list */
    if (uri == NULL) {
        str_pipeline_remove_output(p, name);
        return TRUE;
    }
    /* A show that started with nothing to take its streams (an overlay for OBS) encodes
     * nothing: the first output needs a program with its encoders. */
    if (!str_pipeline_encodes(p)) {
        jc_director_restart_program(prog->director, "an output was added to a show that encoded "
                                                    "nothing");
        return TRUE;
    }
    return str_pipeline_set_output(p, name, uri, error);
}

/* JcDirectorOps.free: nothing reads the program any more, then it goes. */
static void program_free(StrPipeline *program, gpointer data)
{
    JcProgram *prog = data;
    if (prog->control != NULL)
        ctl_control_set_preview_func(prog->control, NULL, NULL);
    g_clear_handle_id(&prog->status_timer, g_source_remove);
    str_pipeline_free(program);
}

static void program_ready(gboolean ready, gpointer data)
{
    JcProgram *prog = data;
    if (prog->control != NULL)
        ctl_control_set_pipeline_ready(prog->control, ready);
}

static void show_finished(int exit_code, gpointer data)
{
    JcProgram *prog = data;
    prog->exit_code = exit_code;
    g_main_loop_quit(prog->loop);
}

const JcDirectorOps jc_program_ops = {
    .start = program_start,
    .stop = str_pipeline_stop,
    .free = program_free,
    .set_muted = str_pipeline_set_muted,
    .expect_qr = str_pipeline_expect_qr,
    .ready = program_ready,
    .finished = show_finished,
};
