/* ctl_bind: the vhost options for each kind of address, and the after-bind check catching a
 * socket on the wrong address (as lws 4.1.6 made for IPv4 before the options were set). */
#include "ctl_bind.h"

#include <gio/gio.h>
#include <libwebsockets.h>
#include <string.h>

#include "jc_error.h"

/* A listening socket on host, port picked by the kernel. (transfer full) */
static GSocket *listener(const char *host, int *port)
{
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string(host);
    GSocket *s = g_socket_new(g_inet_address_get_family(a), G_SOCKET_TYPE_STREAM, 0, NULL);
    g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(a, 0);
    g_assert_true(g_socket_bind(s, sa, TRUE, NULL));
    g_assert_true(g_socket_listen(s, NULL));
    g_autoptr(GSocketAddress) got = g_socket_get_local_address(s, NULL);
    *port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(got));
    return s;
}

static void test_options(void)
{
    g_assert_cmpuint(ctl_bind_lws_options("127.0.0.1"), ==, LWS_SERVER_OPTION_DISABLE_IPV6);
    g_assert_cmpuint(ctl_bind_lws_options("192.168.1.20"), ==, LWS_SERVER_OPTION_DISABLE_IPV6);
    g_assert_cmpuint(ctl_bind_lws_options("::1"), ==,
                     LWS_SERVER_OPTION_IPV6_V6ONLY_MODIFY | LWS_SERVER_OPTION_IPV6_V6ONLY_VALUE);
    g_assert_cmpuint(ctl_bind_lws_options("0.0.0.0"), ==, 0);
    g_assert_cmpuint(ctl_bind_lws_options("::"), ==, 0);
    g_assert_cmpuint(ctl_bind_lws_options("eth0"), ==, 0);
}

static void test_verify(void)
{
    int port = 0;
    g_autoptr(GSocket) v4 = listener("127.0.0.1", &port);
    g_assert_true(ctl_bind_verify("127.0.0.1", port, NULL));

    /* The wildcard bind lws used to make for an IPv4 address: caught, and said so. */
    int any_port = 0;
    g_autoptr(GSocket) any = listener("::", &any_port);
    g_autoptr(GError) error = NULL;
    g_assert_false(ctl_bind_verify("127.0.0.1", any_port, &error));
    g_assert_error(error, JC_ERROR, JC_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "bound to ::"));
    g_assert_true(ctl_bind_verify("0.0.0.0", any_port, NULL));

    /* No listening socket on the port at all. */
    g_clear_error(&error);
    g_socket_close(v4, NULL);
    g_assert_false(ctl_bind_verify("127.0.0.1", port, &error));
    g_assert_nonnull(strstr(error->message, "bound to nothing"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/control/bind/options", test_options);
    g_test_add_func("/control/bind/verify", test_verify);
    return g_test_run();
}
