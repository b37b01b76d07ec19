/* ctl_bind: a listen address bound exactly as asked.
 *
 * libwebsockets 4.1.6, given an IPv4 address as a vhost's interface, writes it into an IPv6
 * socket address and binds `::` — every interface — unless IPv6 is disabled on that vhost. So
 * the vhost options come from here, and after binding the socket is checked with getsockname:
 * a server asked for 127.0.0.1 that would answer on the LAN refuses to start instead.
 *
 * Main thread; no state. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* LWS_SERVER_OPTION_* bits a vhost listening on host needs: IPv4 literal → IPv6 disabled (an
 * AF_INET socket on that address); IPv6 literal → v6-only; "0.0.0.0", "::" and interface
 * names → none (all addresses, or what lws makes of the name). */
uint64_t ctl_bind_lws_options(const char *host);

/* TRUE if this process has a listening TCP socket on port whose local address is host (an IP
 * literal; "0.0.0.0"/"::" accept any wildcard; names are not checked). Otherwise sets error
 * naming what was bound instead. */
gboolean ctl_bind_verify(const char *host, int port, GError **error);

G_END_DECLS
