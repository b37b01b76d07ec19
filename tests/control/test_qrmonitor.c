/* /streamer/qr-monitor/...: the QR read-back monitor in the real binary: it reads the on-air
 * posting's code off jobcast's own encoded H.264 at a platform's 360p, raises its alarm when the
 * code stops reading (frames blurred on purpose through the hidden --test-qr-blur window) and
 * clears it when the code reads again, follows a take to the new posting's link, and expects
 * nothing under the break slate. Read through /metrics and state.get's stream status, as a
 * producer's dashboard would. */
#include <libsoup/soup.h>
#include <string.h>

#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "qr-monitor-test-token"

/* Starts jobcast with extra options and an output to a file: a show with no output and no
 * recording encodes nothing, and then there is nothing to read the code from. */
static void start(CtlTestServer *srv, const char *blur)
{
    g_autofree char *out = g_strdup_printf("file://%s/program.flv", srv->dir);
    const char *extra[] = {"--test-qr-blur", blur, "--output", out, NULL};
    ctl_test_server_start(srv, TOKEN, extra);
}

/* The value of one sample line NAME (with its labels) in /metrics; -1 when absent. */
static double metric(CtlTestServer *srv, const char *name)
{
    guint status = 0;
    g_autofree char *text =
        ctl_test_server_request(srv, "GET", "/metrics", NULL, NULL, NULL, &status, NULL);
    g_assert_cmpuint(status, ==, 200);
    g_autofree char *needle = g_strconcat("\n", name, " ", NULL);
    const char *at = strstr(text, needle);
    return at != NULL ? g_ascii_strtod(at + strlen(needle), NULL) : -1;
}

/* Waits (up to limit_s) until the monitor's state is state; returns the seconds it took. */
static double wait_state(CtlTestServer *srv, const char *state, double limit_s)
{
    g_autofree char *line = g_strdup_printf("jobcast_qr_state{state=\"%s\"}", state);
    gint64 t0 = g_get_monotonic_time();
    while (metric(srv, line) != 1) {
        double took = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
        if (took > limit_s)
            g_error("the QR monitor did not reach %s within %.0f s", state, limit_s);
        ctl_test_spin_for(200);
    }
    return (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
}

/* One JSON-RPC call as the producer; asserts it succeeded. */
static void call(CtlTestServer *srv, const char *method, const char *params)
{
    CtlTestWs *w = ctl_test_ws_producer(srv->soup, srv->port, "Bearer " TOKEN);
    g_autofree char *req = g_strdup_printf(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}", method, params);
    soup_websocket_connection_send_text(w->ws, req);
    for (;;) {
        g_autoptr(JsonNode) m = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(m);
        if (json_object_has_member(o, "id")) {
            g_assert_true(json_object_has_member(o, "result"));
            break;
        }
    }
    ctl_test_ws_free(w);
}

/* The stream status's qr.expected as state.get reports it. (transfer full) */
static char *expected_url(CtlTestServer *srv)
{
    CtlTestWs *w = ctl_test_ws_producer(srv->soup, srv->port, "Bearer " TOKEN);
    soup_websocket_connection_send_text(
        w->ws, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"state.get\",\"params\":{}}");
    char *url = NULL;
    for (;;) {
        g_autoptr(JsonNode) m = ctl_test_ws_next(w);
        JsonObject *o = json_node_get_object(m);
        if (!json_object_has_member(o, "id"))
            continue;
        JsonObject *stream =
            json_object_get_object_member(json_object_get_object_member(o, "result"), "stream");
        JsonObject *qr = json_object_get_object_member(stream, "qr");
        url = g_strdup(json_object_get_string_member_with_default(qr, "expected", ""));
        break;
    }
    ctl_test_ws_free(w);
    return url;
}

/* Healthy: reads. Blurred from 10 s to 18 s: the alarm rises within 5 s of the last good read
 * and clears by itself once the frames read again; the log says both, once each. */
static void test_alarm_raised_and_cleared(void)
{
    CtlTestServer *srv = ctl_test_server_new();
    start(srv, "10,18");
    wait_state(srv, "ok", 9);
    g_assert_cmpfloat(metric(srv, "jobcast_qr_alarm"), ==, 0);
    wait_state(srv, "unreadable", 14);
    gint64 t0 = g_get_monotonic_time();
    while (metric(srv, "jobcast_qr_alarm") != 1) {
        g_assert_cmpint(g_get_monotonic_time() - t0, <, 7 * G_USEC_PER_SEC);
        ctl_test_spin_for(200);
    }
    /* Raised within 5 s of the last good read (plus the once-a-second status). */
    g_assert_cmpfloat(metric(srv, "jobcast_qr_since_ok_seconds"), <, 7.0);
    wait_state(srv, "ok", 14);
    g_assert_cmpfloat(metric(srv, "jobcast_qr_alarm"), ==, 0);
    g_assert_cmpfloat(metric(srv, "jobcast_qr_alarms_total"), ==, 1);
    g_assert_cmpfloat(metric(srv, "jobcast_qr_unreadable_total"), >=, 1);
    ctl_test_server_stop(srv);
    g_autofree char *log = ctl_test_server_log(srv);
    g_assert_nonnull(strstr(log, "qr monitor: the on-air QR code has not read right for 5 s"));
    g_assert_nonnull(strstr(log, "qr monitor: the QR code reads again"));
    ctl_test_server_free(srv);
}

/* A take: the monitor expects the new posting's link and reads it; the break slate: nothing is
 * expected, so even unreadable frames raise no alarm. */
static void test_take_and_slate(void)
{
    CtlTestServer *srv = ctl_test_server_new();
    start(srv, "16,40");
    wait_state(srv, "ok", 9);
    g_autofree char *before = expected_url(srv);
    call(srv, "show.take", "{\"posting_id\":3}");
    /* The stream status reaches control once a second. */
    char *after = NULL;
    for (int i = 0; i < 20 && (after == NULL || !g_str_has_suffix(after, "/a/3")); i++) {
        g_free(after);
        ctl_test_spin_for(200);
        after = expected_url(srv);
    }
    g_assert_true(g_str_has_suffix(after, "/a/3"));
    g_assert_cmpstr(before, !=, after);
    g_free(after);
    /* The new card reads within a few keyframes. */
    ctl_test_spin_for(4500);
    wait_state(srv, "ok", 4);
    call(srv, "graphics.slate", "{\"on\":true}");
    wait_state(srv, "idle", 3);
    ctl_test_spin_for(10000); /* blurred from 16 s on, under the slate */
    g_assert_cmpfloat(metric(srv, "jobcast_qr_alarm"), ==, 0);
    g_assert_cmpfloat(metric(srv, "jobcast_qr_state{state=\"idle\"}"), ==, 1);
    g_assert_cmpfloat(metric(srv, "jobcast_qr_alarms_total"), ==, 0);
    ctl_test_server_free(srv);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streamer/qr-monitor/alarm-raised-and-cleared", test_alarm_raised_and_cleared);
    g_test_add_func("/streamer/qr-monitor/follows-take-and-slate", test_take_and_slate);
    return g_test_run();
}
