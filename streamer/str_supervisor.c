/* str_supervisor: one sub-pipeline's life, from build to back-off (see str_supervisor.h).
 *
 * Threads: main thread only. The attempt's streaming threads are the owner's business: the
 * supervisor only sets the pipeline to NULL (which joins them) in teardown().
 *
 * Invariants:
 *  1. At most one attempt exists: its pipeline is set to NULL (its streaming threads joined) and
 *     its bus watch removed before the next is built, so a late message of an old attempt is
 *     never taken for the new one's (a pipeline flushes its bus on the way to NULL).
 *  2. A retry timer exists only in BACKOFF, the tick only between start and stop.
 *  3. The back-off and the log burst start again only after an attempt was live for healthy_us:
 *     a source that connects and drops at once keeps backing off, and logs once. */
#include "str_supervisor.h"

#include "str_backoff.h"

struct StrSupervisor {
    StrSupervisorConfig cfg; /* its strings are borrowed (see StrSupervisorConfig) */
    StrSupervisorFuncs funcs;
    gpointer data; /* borrowed: the owner */

    GstElement *pipe; /* ref: the running attempt's pipeline, NULL between attempts */
    StrSupState state;
    StrBackoff backoff;
    guint retry_id;     /* back-off timer (invariant 2) */
    guint tick_id;      /* watchdog (invariant 2) */
    gint64 retry_at_us; /* monotonic time of the next attempt (BACKOFF) */
    gint64 state_since_us;
    gint64 live_since_us; /* monotonic time the attempt went live */
    guint last_delay_ms;
    gboolean burst_logged; /* this burst's warning is out (invariant 3) */
    char *error;           /* owned: the last failure, NULL before any */
};

StrSupervisor *str_supervisor_new(const StrSupervisorConfig *cfg, const StrSupervisorFuncs *funcs,
                                  gpointer data)
{
    g_return_val_if_fail(cfg != NULL && funcs != NULL, NULL);
    g_return_val_if_fail(funcs->build != NULL && funcs->check != NULL, NULL);
    StrSupervisor *s = g_new0(StrSupervisor, 1);
    s->cfg = *cfg;
    s->funcs = *funcs;
    s->data = data;
    str_backoff_init(&s->backoff, cfg->first_retry_ms, cfg->max_retry_ms);
    return s;
}

static void set_state(StrSupervisor *s, StrSupState state, gint64 now)
{
    s->state = state;
    s->state_since_us = now;
}

static gboolean attempt_runs(const StrSupervisor *s)
{
    return s->state == STR_SUP_CONNECTING || s->state == STR_SUP_LIVE ||
           s->state == STR_SUP_STALLED;
}

/* Invariant 1. */
static void teardown(StrSupervisor *s)
{
    if (s->pipe == NULL) {
        return;
    }
    if (s->funcs.closing != NULL) {
        s->funcs.closing(s->data);
    }
    GstBus *bus = gst_element_get_bus(s->pipe);
    gst_bus_remove_watch(bus);
    gst_object_unref(bus);
    gst_element_set_state(s->pipe, GST_STATE_NULL);
    gst_clear_object(&s->pipe);
}

static gboolean on_bus(GstBus *bus, GstMessage *msg, gpointer data)
{
    StrSupervisor *s = data;
    if (s->funcs.message != NULL && s->funcs.message(s->data, msg)) {
        return G_SOURCE_CONTINUE;
    }
    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
        g_autoptr(GError) err = NULL;
        gst_message_parse_error(msg, &err, NULL);
        str_supervisor_fail(s, err->message, FALSE);
    } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
        str_supervisor_fail(s, s->cfg.eos_error, FALSE);
    }
    return G_SOURCE_CONTINUE;
}

/* The reason a pipeline refused PLAYING, from its bus. (transfer full) */
static char *start_error(GstElement *pipe)
{
    GstBus *bus = gst_element_get_bus(pipe);
    GstMessage *msg = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    gst_object_unref(bus);
    g_autoptr(GError) err = NULL;
    if (msg != NULL) {
        gst_message_parse_error(msg, &err, NULL);
        gst_message_unref(msg);
    }
    return g_strdup(err != NULL ? err->message : "cannot start");
}

static void open_attempt(StrSupervisor *s)
{
    g_autoptr(GError) error = NULL;
    set_state(s, STR_SUP_CONNECTING, g_get_monotonic_time());
    GstElement *pipe = s->funcs.build(s->data, &error);
    if (pipe == NULL) {
        str_supervisor_fail(s, error != NULL ? error->message : "cannot build", FALSE);
        return;
    }
    s->pipe = pipe;
    GstBus *bus = gst_element_get_bus(pipe);
    gst_bus_add_watch(bus, on_bus, s);
    gst_object_unref(bus);
    if (gst_element_set_state(pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        g_autofree char *why = start_error(pipe);
        str_supervisor_fail(s, why, FALSE);
        return;
    }
    if (s->funcs.opened != NULL) {
        s->funcs.opened(s->data, pipe);
    }
}

static gboolean on_retry(gpointer data)
{
    StrSupervisor *s = data;
    s->retry_id = 0;
    g_debug("%s %s: reopening", s->cfg.what, s->cfg.label);
    open_attempt(s);
    return G_SOURCE_REMOVE;
}

/* Invariant 3: one warning per burst, the rest at debug level. */
static void log_failure(StrSupervisor *s, const char *why, gboolean permanent, guint delay)
{
    if (permanent) {
        g_warning("%s %s: %s; %s", s->cfg.what, s->cfg.label, why,
                  s->cfg.given_up != NULL ? s->cfg.given_up : "not retrying");
    } else if (!s->burst_logged) {
        g_warning("%s %s: %s; %s", s->cfg.what, s->cfg.label, why, s->cfg.meanwhile);
        s->burst_logged = TRUE;
    } else {
        g_debug("%s %s failed again: %s; retry in %u ms", s->cfg.what, s->cfg.label, why, delay);
    }
}

void str_supervisor_fail(StrSupervisor *s, const char *why, gboolean permanent)
{
    if (!attempt_runs(s)) {
        return; /* a late message from an attempt already torn down */
    }
    gint64 now = g_get_monotonic_time();
    gboolean was_live = s->state == STR_SUP_LIVE || s->state == STR_SUP_STALLED;
    teardown(s);
    if (was_live && now - s->live_since_us >= s->cfg.healthy_us) {
        str_backoff_reset(&s->backoff);
        s->burst_logged = FALSE;
    }
    g_free(s->error);
    s->error = g_strdup(why);
    if (permanent) {
        log_failure(s, why, TRUE, 0);
        set_state(s, STR_SUP_FAILED, now);
        return;
    }
    guint delay = str_backoff_next(&s->backoff);
    s->last_delay_ms = delay;
    log_failure(s, why, FALSE, delay);
    set_state(s, STR_SUP_BACKOFF, now);
    s->retry_at_us = now + (gint64)delay * 1000;
    s->retry_id = g_timeout_add(delay, on_retry, s);
}

/* An error the sink posted just before it let data through (rtmp2sink wakes its waiting render
 * after posting a failed connection's error): handled now, before calling the attempt live.
 * TRUE if there was one. */
static gboolean handle_pending_error(StrSupervisor *s)
{
    GstBus *bus = gst_element_get_bus(s->pipe);
    GstMessage *err = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    if (err != NULL) {
        on_bus(bus, err, s);
        gst_message_unref(err);
    }
    gst_object_unref(bus);
    return err != NULL;
}

static void go_live(StrSupervisor *s, gint64 now)
{
    if (s->pipe != NULL && handle_pending_error(s)) {
        return;
    }
    set_state(s, STR_SUP_LIVE, now);
    s->live_since_us = now;
    g_debug("%s %s: live", s->cfg.what, s->cfg.label);
}

/* Watchdog: the owner's check turned into the state. */
static gboolean on_tick(gpointer data)
{
    StrSupervisor *s = data;
    gint64 now = g_get_monotonic_time();
    gboolean flowing = s->funcs.check(s->data, now);
    switch (s->state) {
    case STR_SUP_CONNECTING:
        if (flowing) {
            go_live(s, now);
        } else if (s->cfg.connect_us > 0 && now - s->state_since_us > s->cfg.connect_us) {
            str_supervisor_fail(s, s->cfg.connect_error, FALSE);
        }
        break;
    case STR_SUP_LIVE:
        if (!flowing && s->cfg.stall_us == 0) {
            str_supervisor_fail(s, s->cfg.stall_error, FALSE);
        } else if (!flowing) {
            set_state(s, STR_SUP_STALLED, now);
        }
        break;
    case STR_SUP_STALLED:
        if (flowing) {
            set_state(s, STR_SUP_LIVE, now);
        } else if (now - s->state_since_us > s->cfg.stall_us) {
            str_supervisor_fail(s, s->cfg.stall_error, FALSE);
        }
        break;
    default:
        break;
    }
    return G_SOURCE_CONTINUE;
}

void str_supervisor_start(StrSupervisor *s)
{
    if (s->state != STR_SUP_IDLE) {
        return;
    }
    s->tick_id = g_timeout_add(s->cfg.tick_ms, on_tick, s);
    open_attempt(s);
}

void str_supervisor_stop(StrSupervisor *s)
{
    g_clear_handle_id(&s->retry_id, g_source_remove);
    g_clear_handle_id(&s->tick_id, g_source_remove);
    teardown(s);
    if (s->state != STR_SUP_IDLE) {
        set_state(s, STR_SUP_DONE, g_get_monotonic_time());
    }
}

StrSupState str_supervisor_state(StrSupervisor *s)
{
    return s->state;
}

GstElement *str_supervisor_pipeline(StrSupervisor *s)
{
    return s->pipe;
}

double str_supervisor_uptime(StrSupervisor *s)
{
    if (s->state != STR_SUP_LIVE && s->state != STR_SUP_STALLED) {
        return 0.0;
    }
    return (double)(g_get_monotonic_time() - s->live_since_us) / G_USEC_PER_SEC;
}

double str_supervisor_retry_in(StrSupervisor *s)
{
    if (s->state != STR_SUP_BACKOFF) {
        return 0.0;
    }
    return MAX(0.0, (double)(s->retry_at_us - g_get_monotonic_time()) / G_USEC_PER_SEC);
}

guint str_supervisor_last_delay_ms(StrSupervisor *s)
{
    return s->last_delay_ms;
}

guint str_supervisor_attempts(StrSupervisor *s)
{
    return s->backoff.tries;
}

const char *str_supervisor_error(StrSupervisor *s)
{
    return s->error;
}

void str_supervisor_free(StrSupervisor *s)
{
    if (s == NULL) {
        return;
    }
    str_supervisor_stop(s);
    g_free(s->error);
    g_free(s);
}
