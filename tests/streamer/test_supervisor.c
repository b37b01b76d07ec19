/* Tests of str_supervisor on fake attempts (empty pipelines, a check the test steers, errors
 * posted by hand): back-off growth and cap, when it starts again, one log line per failure
 * burst, the watchdog's timeouts, permanent failures, EOS and stop.
 *
 * Times are scaled down (a 100 ms first retry, a 300 ms healthy period) so that each test runs
 * in about a second; the rules are the same as with the input's 2 s and 30 s. */
#include <gst/gst.h>
#include <string.h>

#include "jc_error.h"
#include "str_supervisor.h"

typedef struct {
    StrSupervisor *sup;
    gboolean build_fails;
    gboolean flowing;
    gboolean eat_eos; /* the owner handles EOS itself */
    guint builds;     /* attempts built */
    guint delays[16]; /* the back-off delay that led to each attempt (0 for the first) */
    guint closings;   /* closing callbacks */
    guint opened;     /* opened callbacks */
} Fake;

static guint warnings; /* warnings of the streamer's log domain */

static GLogWriterOutput count_warnings(GLogLevelFlags level, const GLogField *fields, gsize n,
                                       gpointer data)
{
    for (gsize i = 0; i < n; i++) {
        if (g_strcmp0(fields[i].key, "GLIB_DOMAIN") == 0 &&
            g_strcmp0(fields[i].value, "jobcast-streamer") == 0 &&
            (level & G_LOG_LEVEL_WARNING) != 0) {
            warnings++;
            return g_log_writer_standard_streams(level, fields, n, data);
        }
    }
    return g_log_writer_default(level, fields, n, data);
}

static GstElement *fake_build(gpointer data, GError **error)
{
    Fake *f = data;
    if (f->builds < G_N_ELEMENTS(f->delays)) {
        f->delays[f->builds] = f->builds > 0 ? str_supervisor_last_delay_ms(f->sup) : 0;
    }
    f->builds++;
    if (f->build_fails) {
        g_set_error(error, JC_ERROR, JC_ERROR_PIPELINE, "no such source");
        return NULL;
    }
    return gst_object_ref_sink(gst_pipeline_new(NULL));
}

static gboolean fake_check(gpointer data, gint64 now_us)
{
    Fake *f = data;
    return f->flowing;
}

static gboolean fake_message(gpointer data, GstMessage *msg)
{
    Fake *f = data;
    return f->eat_eos && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS;
}

static void fake_opened(gpointer data, GstElement *pipe)
{
    Fake *f = data;
    f->opened++;
}

static void fake_closing(gpointer data)
{
    Fake *f = data;
    f->closings++;
}

static StrSupervisorConfig fake_config(void)
{
    return (StrSupervisorConfig){
        .what = "fake",
        .label = "fake://source",
        .meanwhile = "retrying",
        .first_retry_ms = 100,
        .max_retry_ms = 400,
        .tick_ms = 20,
        .healthy_us = 300 * 1000,
        .connect_us = 0,
        .stall_us = 0,
        .connect_error = "never connected",
        .stall_error = "stalled",
        .eos_error = "ended",
    };
}

static StrSupervisor *fake_new(Fake *f, const StrSupervisorConfig *cfg)
{
    memset(f, 0, sizeof *f);
    StrSupervisorFuncs funcs = {
        .build = fake_build,
        .check = fake_check,
        .message = fake_message,
        .opened = fake_opened,
        .closing = fake_closing,
    };
    f->sup = str_supervisor_new(cfg, &funcs, f);
    warnings = 0;
    return f->sup;
}

static void run_ms(guint ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    while (g_get_monotonic_time() < end) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
}

/* Runs the loop until s is in state, at most timeout_ms. */
static gboolean wait_state(StrSupervisor *s, StrSupState state, guint timeout_ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    while (str_supervisor_state(s) != state && g_get_monotonic_time() < end) {
        g_main_context_iteration(NULL, FALSE);
        g_usleep(1000);
    }
    return str_supervisor_state(s) == state;
}

/* Posts an error on the running attempt's bus, as a failing element would. */
static void post_error(StrSupervisor *s, const char *why)
{
    GstElement *pipe = str_supervisor_pipeline(s);
    g_assert_nonnull(pipe);
    GError *err = g_error_new_literal(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ, why);
    gst_element_post_message(pipe, gst_message_new_error(GST_OBJECT(pipe), err, NULL));
    g_error_free(err);
}

/* Live for live_ms, then an error; returns once the supervisor backs off. */
static void live_then_fail(StrSupervisor *s, guint live_ms)
{
    g_assert_true(wait_state(s, STR_SUP_LIVE, 2000));
    run_ms(live_ms);
    post_error(s, "connection reset");
    g_assert_true(wait_state(s, STR_SUP_BACKOFF, 1000));
}

static void assert_delay(guint got, guint base)
{
    /* Jitter adds up to 10 %, never less. */
    g_assert_cmpuint(got, >=, base);
    g_assert_cmpuint(got, <=, base + base / 10);
}

static void test_backoff_grows(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config();
    StrSupervisor *s = fake_new(&f, &cfg);
    f.build_fails = TRUE;
    str_supervisor_start(s);
    gint64 end = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    while (f.builds < 7 && g_get_monotonic_time() < end) {
        g_main_context_iteration(NULL, TRUE);
    }
    g_assert_cmpuint(f.builds, >=, 7);
    assert_delay(f.delays[1], 100);
    assert_delay(f.delays[2], 150);
    assert_delay(f.delays[3], 225);
    assert_delay(f.delays[4], 337);
    assert_delay(f.delays[5], 400); /* capped */
    assert_delay(f.delays[6], 400);
    g_assert_cmpint(str_supervisor_state(s), ==, STR_SUP_BACKOFF);
    g_assert_cmpuint(str_supervisor_attempts(s), ==, f.builds);
    g_assert_cmpstr(str_supervisor_error(s), ==, "no such source");
    g_assert_cmpfloat(str_supervisor_retry_in(s), >, 0.0);
    g_assert_cmpfloat(str_supervisor_retry_in(s), <=, 0.44);
    str_supervisor_free(s);
}

static void test_backoff_kept_after_short_live(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config();
    StrSupervisor *s = fake_new(&f, &cfg);
    f.flowing = TRUE;
    str_supervisor_start(s);
    live_then_fail(s, 50);
    assert_delay(str_supervisor_last_delay_ms(s), 100);
    live_then_fail(s, 50);
    /* Live, but not for the healthy period: the back-off goes on growing. */
    assert_delay(str_supervisor_last_delay_ms(s), 150);
    g_assert_cmpuint(str_supervisor_attempts(s), ==, 2);
    str_supervisor_free(s);
}

static void test_backoff_reset_after_healthy(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config();
    StrSupervisor *s = fake_new(&f, &cfg);
    f.flowing = TRUE;
    str_supervisor_start(s);
    live_then_fail(s, 50);
    live_then_fail(s, 50);
    assert_delay(str_supervisor_last_delay_ms(s), 150);
    live_then_fail(s, 400); /* longer than healthy_us */
    assert_delay(str_supervisor_last_delay_ms(s), 100);
    g_assert_cmpuint(str_supervisor_attempts(s), ==, 1);
    g_assert_cmpfloat(str_supervisor_uptime(s), ==, 0.0);
    str_supervisor_free(s);
}

static void test_one_log_per_burst(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config();
    StrSupervisor *s = fake_new(&f, &cfg);
    f.flowing = TRUE;
    str_supervisor_start(s);
    live_then_fail(s, 20);
    live_then_fail(s, 20);
    live_then_fail(s, 20);
    g_assert_cmpuint(warnings, ==, 1);
    /* A healthy run ends the burst: the next failure is news again. */
    live_then_fail(s, 400);
    g_assert_cmpuint(warnings, ==, 2);
    live_then_fail(s, 20);
    g_assert_cmpuint(warnings, ==, 2);
    str_supervisor_free(s);
}

static void test_watchdog_connect_timeout(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config();
    cfg.connect_us = 200 * 1000;
    StrSupervisor *s = fake_new(&f, &cfg);
    str_supervisor_start(s);
    run_ms(100);
    g_assert_cmpint(str_supervisor_state(s), ==, STR_SUP_CONNECTING);
    g_assert_true(wait_state(s, STR_SUP_BACKOFF, 1000));
    g_assert_cmpstr(str_supervisor_error(s), ==, "never connected");
    g_assert_cmpuint(f.closings, ==, 1);
    str_supervisor_free(s);
}

static void test_watchdog_stall(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config();
    cfg.stall_us = 200 * 1000;
    StrSupervisor *s = fake_new(&f, &cfg);
    f.flowing = TRUE;
    str_supervisor_start(s);
    g_assert_true(wait_state(s, STR_SUP_LIVE, 1000));
    g_assert_cmpuint(f.opened, ==, 1);
    /* A short gap: STALLED, then LIVE again, same attempt. */
    f.flowing = FALSE;
    g_assert_true(wait_state(s, STR_SUP_STALLED, 1000));
    run_ms(60);
    f.flowing = TRUE;
    g_assert_true(wait_state(s, STR_SUP_LIVE, 1000));
    g_assert_cmpuint(f.builds, ==, 1);
    /* A long one: the attempt is torn down. */
    f.flowing = FALSE;
    g_assert_true(wait_state(s, STR_SUP_BACKOFF, 1000));
    g_assert_cmpstr(str_supervisor_error(s), ==, "stalled");
    str_supervisor_free(s);
}

static void test_watchdog_stall_at_once(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config(); /* stall_us 0 */
    StrSupervisor *s = fake_new(&f, &cfg);
    f.flowing = TRUE;
    str_supervisor_start(s);
    g_assert_true(wait_state(s, STR_SUP_LIVE, 1000));
    f.flowing = FALSE;
    g_assert_true(wait_state(s, STR_SUP_BACKOFF, 200));
    g_assert_cmpstr(str_supervisor_error(s), ==, "stalled");
    str_supervisor_free(s);
}

static void test_permanent_no_retry(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config();
    StrSupervisor *s = fake_new(&f, &cfg);
    str_supervisor_start(s);
    str_supervisor_fail(s, "not authorized", TRUE);
    g_assert_cmpint(str_supervisor_state(s), ==, STR_SUP_FAILED);
    run_ms(300);
    g_assert_cmpuint(f.builds, ==, 1);
    g_assert_null(str_supervisor_pipeline(s));
    g_assert_cmpstr(str_supervisor_error(s), ==, "not authorized");
    /* A late failure of the torn-down attempt changes nothing. */
    str_supervisor_fail(s, "late", FALSE);
    g_assert_cmpint(str_supervisor_state(s), ==, STR_SUP_FAILED);
    str_supervisor_free(s);
}

static void test_eos(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config();
    StrSupervisor *s = fake_new(&f, &cfg);
    f.flowing = TRUE;
    f.eat_eos = TRUE;
    str_supervisor_start(s);
    g_assert_true(wait_state(s, STR_SUP_LIVE, 1000));
    GstElement *pipe = str_supervisor_pipeline(s);
    gst_element_post_message(pipe, gst_message_new_eos(GST_OBJECT(pipe)));
    run_ms(100);
    g_assert_cmpint(str_supervisor_state(s), ==, STR_SUP_LIVE); /* the owner's */
    f.eat_eos = FALSE;
    gst_element_post_message(pipe, gst_message_new_eos(GST_OBJECT(pipe)));
    g_assert_true(wait_state(s, STR_SUP_BACKOFF, 1000));
    g_assert_cmpstr(str_supervisor_error(s), ==, "ended");
    str_supervisor_free(s);
}

static void test_stop_in_backoff(void)
{
    Fake f;
    StrSupervisorConfig cfg = fake_config();
    StrSupervisor *s = fake_new(&f, &cfg);
    f.build_fails = TRUE;
    str_supervisor_start(s);
    g_assert_cmpint(str_supervisor_state(s), ==, STR_SUP_BACKOFF);
    str_supervisor_stop(s);
    g_assert_cmpint(str_supervisor_state(s), ==, STR_SUP_DONE);
    run_ms(300);
    g_assert_cmpuint(f.builds, ==, 1);
    g_assert_cmpfloat(str_supervisor_retry_in(s), ==, 0.0);
    str_supervisor_free(s);
}

int main(int argc, char **argv)
{
    g_log_set_writer_func(count_warnings, NULL, NULL);
    gst_init(&argc, &argv);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streamer/supervisor/backoff-grows", test_backoff_grows);
    g_test_add_func("/streamer/supervisor/backoff-kept-after-short-live",
                    test_backoff_kept_after_short_live);
    g_test_add_func("/streamer/supervisor/backoff-reset-after-healthy",
                    test_backoff_reset_after_healthy);
    g_test_add_func("/streamer/supervisor/one-log-per-burst", test_one_log_per_burst);
    g_test_add_func("/streamer/supervisor/watchdog-connect-timeout", test_watchdog_connect_timeout);
    g_test_add_func("/streamer/supervisor/watchdog-stall", test_watchdog_stall);
    g_test_add_func("/streamer/supervisor/watchdog-stall-at-once", test_watchdog_stall_at_once);
    g_test_add_func("/streamer/supervisor/permanent-no-retry", test_permanent_no_retry);
    g_test_add_func("/streamer/supervisor/eos", test_eos);
    g_test_add_func("/streamer/supervisor/stop-in-backoff", test_stop_in_backoff);
    return g_test_run();
}
