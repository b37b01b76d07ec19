/* str_outputs: the program's outputs by name, added, replaced and removed while it plays.
 *
 * Threads: main thread, but for unlink_when_idle, an IDLE probe on a tee's pad that runs on that
 * tee's streaming thread (or at once on main when the pad is idle): it only unlinks the pad and
 * hands the rest to the main loop through a GSource it creates. Those sources are the only
 * thing that crosses; the pipeline going to NULL joins the streaming threads, so after it main
 * reads what the probe wrote.
 *
 * Lifecycle of one output: add (str_output_new, then str_output_attach: its appsinks join the
 * program's tees in the program's state; started at once when the set runs) -> [replaced or
 * removed: it leaves] -> freed. A leaving output is ended (str_output_end: the end of stream to
 * its destination, at most END_TIMEOUT_MS, then stopped) while its appsinks are detached: the
 * IDLE probe unlinks each between two buffers, then the main loop sets it to NULL, takes it out
 * of the program and releases the tee's pad. The StrOutput is freed once both are done (its
 * appsinks call into it until they are out).
 *
 * Invariants:
 *  1. Names are unique among `live` outputs. Leaving ones are not looked up any more, so a new
 *     output of the same name may start while the old one still finishes.
 *  2. The program never waits on a leaving output: its appsinks stopped handing buffers over
 *     (str_output_end) before they are unlinked, and the unlink happens between two buffers
 *     (a tee pad into a removed sink is never pushed to).
 *  3. Outside `running` (before the start, after the stop) the program does not flow: a leaving
 *     output's sinks are taken out at once. */
#include "str_outputs.h"

#include "jc_error.h"

#define END_TIMEOUT_MS 3000

typedef struct Leaving Leaving;

/* One appsink on its way out of the program. */
typedef struct {
    Leaving *leaving;  /* borrowed: the owner */
    GstElement *sink;  /* ref; NULL once out of the program */
    GstElement *tee;   /* ref: whose pad feeds sink */
    GstPad *teepad;    /* ref: the tee's request pad */
    gulong probe;      /* the IDLE probe's id on teepad, 0 when none */
    gint fired;        /* atomic: the probe ran (it removed itself) */
    GSource *unlinked; /* ref, made by the probe before it is attached: finish_detach */
} Detach;

struct Leaving {
    StrOutputs *set;  /* borrowed */
    StrOutput *out;   /* owned */
    Detach det[2];    /* video, audio */
    guint sinks_left; /* appsinks still in the program */
    gboolean ended;   /* the destination has its end of stream, or was stopped */
    guint timeout_id; /* END_TIMEOUT_MS: stop if the end of stream takes too long */
};

struct StrOutputs {
    GstBin *program;    /* borrowed */
    GstElement *vtee;   /* borrowed */
    GstElement *atee;   /* borrowed */
    GPtrArray *live;    /* owned StrOutput *, in the order added */
    GPtrArray *leaving; /* owned Leaving * */
    gboolean running;   /* invariant 3 */
};

StrOutputs *str_outputs_new(GstBin *program, GstElement *video_tee, GstElement *audio_tee)
{
    StrOutputs *s = g_new0(StrOutputs, 1);
    s->program = program;
    s->vtee = video_tee;
    s->atee = audio_tee;
    s->live = g_ptr_array_new();
    s->leaving = g_ptr_array_new();
    return s;
}

static StrOutput *find(StrOutputs *s, const char *name, guint *index)
{
    for (guint i = 0; i < s->live->len; i++) {
        StrOutput *o = g_ptr_array_index(s->live, i);
        if (g_strcmp0(str_output_name(o), name) == 0) {
            if (index != NULL)
                *index = i;
            return o;
        }
    }
    return NULL;
}

static void detach_clear(Detach *d)
{
    if (d->probe != 0 && !g_atomic_int_get(&d->fired))
        gst_pad_remove_probe(d->teepad, d->probe);
    d->probe = 0;
    if (d->unlinked != NULL) {
        g_source_destroy(d->unlinked);
        g_clear_pointer(&d->unlinked, g_source_unref);
    }
    g_clear_object(&d->teepad);
    g_clear_object(&d->tee);
    g_clear_object(&d->sink);
}

static void leaving_free(Leaving *l)
{
    g_clear_handle_id(&l->timeout_id, g_source_remove);
    for (guint i = 0; i < G_N_ELEMENTS(l->det); i++)
        detach_clear(&l->det[i]);
    str_output_free(l->out);
    g_free(l);
}

/* Frees l once its destination ended and its sinks are out. */
static void maybe_done(Leaving *l)
{
    if (!l->ended || l->sinks_left > 0)
        return;
    g_ptr_array_remove(l->set->leaving, l);
    leaving_free(l);
}

/* Main thread: sink is unlinked (or never flowed): out of the program, the tee's pad back. */
static void take_out(Detach *d)
{
    Leaving *l = d->leaving;
    GstPad *sinkpad = gst_element_get_static_pad(d->sink, "sink");
    if (gst_pad_is_linked(sinkpad))
        gst_pad_unlink(d->teepad, sinkpad);
    gst_object_unref(sinkpad);
    gst_element_set_state(d->sink, GST_STATE_NULL);
    gst_bin_remove(l->set->program, d->sink);
    gst_element_release_request_pad(d->tee, d->teepad);
    g_clear_object(&d->sink);
    l->sinks_left--;
}

static gboolean finish_detach(gpointer data)
{
    Detach *d = data;
    Leaving *l = d->leaving;
    take_out(d);
    maybe_done(l);
    return G_SOURCE_REMOVE;
}

/* The tee's streaming thread (or main, when the pad was idle already): between two buffers,
 * nothing flows on teepad; unlink it and let the main loop do the rest (invariant 2). */
static GstPadProbeReturn unlink_when_idle(GstPad *teepad, GstPadProbeInfo *info, gpointer data)
{
    Detach *d = data;
    GstPad *sinkpad = gst_element_get_static_pad(d->sink, "sink");
    gst_pad_unlink(teepad, sinkpad);
    gst_object_unref(sinkpad);
    GSource *src = g_idle_source_new();
    g_source_set_callback(src, finish_detach, d, NULL);
    d->unlinked = src; /* before attaching: finish_detach may run at once */
    g_atomic_int_set(&d->fired, 1);
    g_source_attach(src, NULL);
    return GST_PAD_PROBE_REMOVE;
}

/* Starts taking sink out of the program (invariants 2 and 3). */
static void detach(Leaving *l, guint i, GstElement *sink)
{
    Detach *d = &l->det[i];
    d->leaving = l;
    GstPad *sinkpad = gst_element_get_static_pad(sink, "sink");
    GstPad *teepad = gst_pad_get_peer(sinkpad);
    gst_object_unref(sinkpad);
    if (teepad == NULL) { /* never linked (a failed attach): just remove it */
        gst_element_set_state(sink, GST_STATE_NULL);
        gst_bin_remove(l->set->program, sink);
        return;
    }
    d->sink = gst_object_ref(sink);
    d->teepad = teepad;
    d->tee = gst_pad_get_parent_element(teepad);
    l->sinks_left++;
    if (!l->set->running) {
        take_out(d);
        return;
    }
    d->probe = gst_pad_add_probe(teepad, GST_PAD_PROBE_TYPE_IDLE, unlink_when_idle, d, NULL);
}

static gboolean on_end_timeout(gpointer data)
{
    Leaving *l = data;
    l->timeout_id = 0;
    g_message("output %s: no end of stream within %d ms; stopped", str_output_name(l->out),
              END_TIMEOUT_MS);
    str_output_stop(l->out);
    l->ended = TRUE;
    maybe_done(l);
    return G_SOURCE_REMOVE;
}

static void on_ended(gpointer data)
{
    Leaving *l = data;
    g_clear_handle_id(&l->timeout_id, g_source_remove);
    l->ended = TRUE;
    maybe_done(l);
}

/* o leaves: ended, its sinks detached, freed when both are done. (o: transfer full) */
static void leave(StrOutputs *s, StrOutput *o)
{
    Leaving *l = g_new0(Leaving, 1);
    l->set = s;
    l->out = o;
    g_ptr_array_add(s->leaving, l);
    if (s->running) {
        l->ended = str_output_end(o, on_ended, l);
        if (!l->ended)
            l->timeout_id = g_timeout_add(END_TIMEOUT_MS, on_end_timeout, l);
    } else {
        str_output_stop(o);
        l->ended = TRUE;
    }
    GstElement *sinks[2];
    str_output_sinks(o, &sinks[0], &sinks[1]);
    for (guint i = 0; i < 2; i++) {
        if (sinks[i] != NULL)
            detach(l, i, sinks[i]);
    }
    maybe_done(l);
}

/* Builds, attaches and (when running) starts an output; FALSE with error and nothing left. */
static StrOutput *add_new(StrOutputs *s, const char *name, const char *uri, GError **error)
{
    StrOutput *o = str_output_new(name, uri, error);
    if (o == NULL)
        return NULL;
    if (!str_output_attach(o, s->program, s->vtee, s->atee, error)) {
        leave(s, o);
        return NULL;
    }
    if (s->running)
        str_output_start(o);
    return o;
}

gboolean str_outputs_add(StrOutputs *s, const char *name, const char *uri, GError **error)
{
    if (find(s, name, NULL) != NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT, "an output named %s exists already", name);
        return FALSE;
    }
    StrOutput *o = add_new(s, name, uri, error);
    if (o == NULL)
        return FALSE;
    g_ptr_array_add(s->live, o);
    return TRUE;
}

gboolean str_outputs_set(StrOutputs *s, const char *name, const char *uri, GError **error)
{
    guint i = 0;
    StrOutput *old = find(s, name, &i);
    if (old == NULL)
        return str_outputs_add(s, name, uri, error);
    if (g_strcmp0(str_output_uri(old), uri) == 0 && str_output_trying(old))
        return TRUE;
    /* The new one is built first: a URI it cannot take leaves the old one running. */
    StrOutput *o = str_output_new(name, uri, error);
    if (o == NULL)
        return FALSE;
    g_ptr_array_remove_index(s->live, i);
    leave(s, old);
    if (!str_output_attach(o, s->program, s->vtee, s->atee, error)) {
        leave(s, o);
        return FALSE;
    }
    if (s->running)
        str_output_start(o);
    g_ptr_array_insert(s->live, (gint)i, o);
    return TRUE;
}

gboolean str_outputs_remove(StrOutputs *s, const char *name)
{
    guint i = 0;
    StrOutput *o = find(s, name, &i);
    if (o == NULL)
        return FALSE;
    g_ptr_array_remove_index(s->live, i);
    leave(s, o);
    return TRUE;
}

void str_outputs_start(StrOutputs *s)
{
    s->running = TRUE;
    for (guint i = 0; i < s->live->len; i++)
        str_output_start(g_ptr_array_index(s->live, i));
}

guint str_outputs_drain(StrOutputs *s, StrOutputDrainedFunc drained, gpointer user_data)
{
    guint pending = 0;
    for (guint i = 0; i < s->live->len; i++) {
        if (!str_output_drain(g_ptr_array_index(s->live, i), drained, user_data))
            pending++;
    }
    return pending;
}

void str_outputs_stop(StrOutputs *s)
{
    s->running = FALSE;
    for (guint i = 0; i < s->live->len; i++)
        str_output_stop(g_ptr_array_index(s->live, i));
    for (guint i = 0; i < s->leaving->len; i++) {
        Leaving *l = g_ptr_array_index(s->leaving, i);
        g_clear_handle_id(&l->timeout_id, g_source_remove);
        str_output_stop(l->out);
        l->ended = TRUE;
    }
}

void str_outputs_fill_status(StrOutputs *s, GPtrArray *out)
{
    for (guint i = 0; i < s->live->len; i++) {
        StrOutputStatus *o = g_new0(StrOutputStatus, 1);
        str_output_fill_status(g_ptr_array_index(s->live, i), o);
        g_ptr_array_add(out, o);
    }
}

void str_outputs_free(StrOutputs *s)
{
    if (s == NULL)
        return;
    for (guint i = 0; i < s->leaving->len; i++)
        leaving_free(g_ptr_array_index(s->leaving, i));
    g_ptr_array_unref(s->leaving);
    for (guint i = 0; i < s->live->len; i++)
        str_output_free(g_ptr_array_index(s->live, i));
    g_ptr_array_unref(s->live);
    g_free(s);
}
