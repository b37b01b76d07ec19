/* /security/ws/refused-upgrade-closes-promptly: a WebSocket upgrade the server refuses (401,
 * 403, 404, 429) is answered and the connection closed at once, measured on a raw socket
 * against the real binary (CtlTestServer): a guesser's refused attempts must not hold
 * connections (each counts against its address's cap until it closes), and a client must not
 * wait for the end of an answer that is already whole. */
#include <gio/gio.h>
#include <string.h>

#include "ctl_test.h"
#include "ctl_test_server.h"

#define TOKEN "refusals-producer-token-0123"
/* Prompt is a few milliseconds; a lingering close (lws waits up to 5 s to flush a buffered
 * answer before it closes) would pass this bound. */
#define EOF_WITHIN_US (2 * G_USEC_PER_SEC)

/* Sends request on a fresh connection to port and reads until the server closes it. *reply
 * gets what came (transfer full); returns the microseconds from the request sent to end of
 * file. */
static gint64 time_to_eof(int port, const char *request, char **reply_out)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) sock =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    g_assert_no_error(error);
    g_socket_set_timeout(sock, 10);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, (guint16)port);
    g_assert_true(g_socket_connect(sock, addr, NULL, &error));
    gsize len = strlen(request);
    g_assert_cmpint(g_socket_send(sock, request, len, NULL, &error), ==, (gssize)len);
    gint64 sent = g_get_monotonic_time();
    GString *reply = g_string_new(NULL);
    for (;;) {
        char buf[4096];
        gssize n = g_socket_receive(sock, buf, sizeof buf, NULL, &error);
        g_assert_no_error(error); /* a timeout (10 s) fails here */
        if (n == 0)
            break;
        g_string_append_len(reply, buf, n);
    }
    gint64 took = g_get_monotonic_time() - sent;
    g_test_message("%.*s: end of file after %.3f s", (int)strcspn(reply->str, "\r"), reply->str,
                   (double)took / G_USEC_PER_SEC);
    *reply_out = g_string_free(reply, FALSE);
    return took;
}

/* A WebSocket upgrade of path with extra header lines. (transfer full) */
static char *upgrade(CtlTestServer *srv, const char *path, const char *headers)
{
    return g_strdup_printf("GET %s HTTP/1.1\r\n"
                           "Host: 127.0.0.1:%d\r\n"
                           "Upgrade: websocket\r\n"
                           "Connection: Upgrade\r\n"
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\n"
                           "%s\r\n",
                           path, srv->port, headers);
}

static void check(CtlTestServer *srv, const char *path, const char *headers, guint want)
{
    g_autofree char *req = upgrade(srv, path, headers);
    g_autofree char *reply = NULL;
    gint64 took = time_to_eof(srv->port, req, &reply);
    g_assert_cmpuint(ctl_test_raw_status(reply), ==, want);
    g_assert_cmpint(took, <, EOF_WITHIN_US);
}

/* The value of a /metrics line (name with its labels), -1 when absent. */
static gint64 metric(CtlTestServer *srv, const char *name)
{
    guint status = 0;
    g_autofree char *text =
        ctl_test_server_request(srv, "GET", "/metrics", NULL, NULL, "Bearer " TOKEN, &status, NULL);
    g_assert_cmpuint(status, ==, 200);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        if (g_str_has_prefix(*l, name) && (*l)[strlen(name)] == ' ')
            return g_ascii_strtoll(*l + strlen(name) + 1, NULL, 10);
    }
    return -1;
}

/* An upgrade asking only for a subprotocol the server does not speak: lws closes it without an
 * answer and without telling the server's callbacks; its notice is counted (ctl_control.c). */
static void test_unknown_subprotocol_counted(void)
{
    CtlTestServer *srv = ctl_test_server_new();
    ctl_test_server_start(srv, TOKEN, NULL);
    static const char name[] = "jobcast_http_rejected_requests_total{reason=\"ws_bad_upgrade\"}";
    g_assert_cmpint(metric(srv, name), ==, 0);
    g_autofree char *req = upgrade(srv, "/api/control",
                                   "Authorization: Bearer " TOKEN "\r\n"
                                   "Sec-WebSocket-Protocol: chat, superchat\r\n");
    for (int i = 0; i < 3; i++) {
        g_autofree char *reply = NULL;
        g_assert_cmpint(time_to_eof(srv->port, req, &reply), <, EOF_WITHIN_US);
        g_assert_cmpstr(reply, ==, "");
    }
    g_assert_cmpint(metric(srv, name), ==, 3);
    /* Counted quietly: no line per attempt (the once-a-minute line names the kind). */
    g_autofree char *log = ctl_test_server_log(srv);
    g_assert_null(strstr(log, "No supported protocol"));
    ctl_test_server_free(srv);
}

static void test_refused_upgrade_closes(void)
{
    CtlTestServer *srv = ctl_test_server_new();
    ctl_test_server_start(srv, TOKEN, NULL);
    /* A producer's cookie, for the upgrade that shows it without an Origin. */
    g_autofree char *login = g_strdup_printf(
        "GET /login?token=" TOKEN " HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", srv->port);
    g_autofree char *signed_in = ctl_test_raw(srv->port, login);
    g_autofree char *set = ctl_test_raw_header(signed_in, "set-cookie");
    g_assert_nonnull(set);
    g_autofree char *cookie = g_strdup_printf("Cookie: %.*s\r\n", (int)strcspn(set, ";"), set);

    check(srv, "/api/control", "", 401);
    check(srv, "/api/control", cookie, 403);
    check(srv, "/api/elsewhere", "Authorization: Bearer " TOKEN "\r\n", 404);
    /* Wrong tokens until this address is locked out: 401s, then 429. */
    for (int i = 0; i < 10; i++)
        check(srv, "/api/control", "Authorization: Bearer wrong-token-wrong-token\r\n", 401);
    check(srv, "/api/control", "Authorization: Bearer wrong-token-wrong-token\r\n", 429);
    ctl_test_server_free(srv);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/security/ws/refused-upgrade-closes-promptly", test_refused_upgrade_closes);
    g_test_add_func("/security/garbage/unknown-subprotocol-counted",
                    test_unknown_subprotocol_counted);
    return g_test_run();
}
