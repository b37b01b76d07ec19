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

/* Sends request on a fresh connection to port and reads until the server closes it. *status
 * gets the answer's status; returns the microseconds from the request sent to end of file. */
static gint64 time_to_eof(int port, const char *request, guint *status)
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
    *status = ctl_test_raw_status(reply->str);
    g_string_free(reply, TRUE);
    return took;
}

static void check(CtlTestServer *srv, const char *path, const char *headers, guint want)
{
    g_autofree char *req = g_strdup_printf("GET %s HTTP/1.1\r\n"
                                           "Host: 127.0.0.1:%d\r\n"
                                           "Upgrade: websocket\r\n"
                                           "Connection: Upgrade\r\n"
                                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                           "Sec-WebSocket-Version: 13\r\n"
                                           "%s\r\n",
                                           path, srv->port, headers);
    guint status = 0;
    gint64 took = time_to_eof(srv->port, req, &status);
    g_assert_cmpuint(status, ==, want);
    g_assert_cmpint(took, <, EOF_WITHIN_US);
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
    return g_test_run();
}
