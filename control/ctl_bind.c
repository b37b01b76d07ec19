/* ctl_bind: vhost options for an exact bind, and the check that it happened (see ctl_bind.h).
 *
 * lws 4.1.6 keeps its listening socket private, so the check finds it the way `ss` would:
 * among this process's descriptors, the TCP sockets in listen state on the port. */
#include "ctl_bind.h"

#include "jc_error.h"

#include <gio/gio.h>
#include <libwebsockets.h>
#include <stdlib.h>
#include <sys/socket.h>

static gboolean is_wildcard(const char *host)
{
    return host == NULL || g_strcmp0(host, "0.0.0.0") == 0 || g_strcmp0(host, "::") == 0;
}

uint64_t ctl_bind_lws_options(const char *host)
{
    if (is_wildcard(host))
        return 0;
    g_autoptr(GInetAddress) want = g_inet_address_new_from_string(host);
    if (want == NULL)
        return 0;
    if (g_inet_address_get_family(want) == G_SOCKET_FAMILY_IPV4)
        return LWS_SERVER_OPTION_DISABLE_IPV6;
    return LWS_SERVER_OPTION_IPV6_V6ONLY_MODIFY | LWS_SERVER_OPTION_IPV6_V6ONLY_VALUE;
}

/* The local address of fd if it is a listening socket on port, else NULL. (transfer full) */
static GInetAddress *listening_on(int fd, int port)
{
    int listening = 0;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
        return NULL;
    struct sockaddr_storage ss;
    len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return NULL;
    if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
        return NULL;
    g_autoptr(GSocketAddress) sa = g_socket_address_new_from_native(&ss, len);
    if (sa == NULL || g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(sa)) != port)
        return NULL;
    return g_object_ref(g_inet_socket_address_get_address(G_INET_SOCKET_ADDRESS(sa)));
}

gboolean ctl_bind_verify(const char *host, int port, GError **error)
{
    g_autoptr(GInetAddress) want = is_wildcard(host) ? NULL : g_inet_address_new_from_string(host);
    if (!is_wildcard(host) && want == NULL)
        return TRUE; /* an interface name: lws resolved it, nothing to compare */
    g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
    if (dir == NULL)
        return TRUE; /* no procfs: nothing to look with */
    g_autofree char *seen = NULL;
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autoptr(GInetAddress) got = listening_on(atoi(name), port);
        if (got == NULL)
            continue;
        if (want == NULL ? g_inet_address_get_is_any(got) : g_inet_address_equal(got, want))
            return TRUE;
        g_free(seen);
        seen = g_inet_address_to_string(got);
    }
    g_set_error(error, JC_ERROR, JC_ERROR_IO,
                "asked to listen on %s port %d, but the socket is bound to %s", host, port,
                seen != NULL ? seen : "nothing");
    return FALSE;
}
