/* ctl_conns: a fair share of the listeners' connections. Every TCP connection is counted from
 * the moment lws accepts it to the moment lws frees it, per peer address (the TCP peer: an
 * X-Forwarded-For is not known at accept) and in total; one over a cap is closed at once, before
 * lws allocates anything for it, and the refusals are logged at most once a minute.
 *
 * Main thread only (lws runs on the GLib loop). Invariants: the count of an address equals the
 * number of connections in `bound` (plus the one admitted but not yet bound) with that address;
 * an address whose count drops to 0 is forgotten, so the table holds at most as many entries
 * as there are connections. Not responsible for what a connection sends: rate limits, body and
 * message caps live with the handlers. */
#pragma once

#include <glib.h>
#include <libwebsockets.h>
#include <sys/socket.h>

#include "ctl_control.h"

G_BEGIN_DECLS

/* The admin listener's own room: staff are few, and never wait behind the public. */
#define CTL_CONNS_ADMIN_MAX 64
/* Descriptors kept for everything else: the database, recordings, GStreamer, outputs, pipes. */
#define CTL_CONNS_FD_RESERVE 256

typedef struct CtlConns CtlConns;

/* Caps: per_address for each peer address (IPv6 per /64) on every listener, except the
 * trusted proxies (NULL-terminated, copied, may be NULL: one proxy carries every viewer, it
 * limits each of them itself); total for the public listener (the admin listener has
 * CTL_CONNS_ADMIN_MAX of its own). 0 = the default. (transfer full) */
CtlConns *ctl_conns_new(guint per_address, guint total, const char *const *trusted_proxies);
void ctl_conns_free(CtlConns *c);

/* The public total cap in force (the one asked for, or lower when the open-file limit is). */
guint ctl_conns_total_cap(const CtlConns *c);

/* Makes room in the process's open-file limit for the caps before lws sizes its tables from
 * it: raises the soft limit (up to the hard one); if even that is too small, lowers the total
 * cap to what fits and logs it once. lws 4.1.6 with count_threads and fd_limit_per_thread left
 * 0 (one service thread: the GLib loop) takes the soft limit as its descriptor limit, and stops
 * accepting on every listener, the admin one too, near it: the caps must bind first. */
void ctl_conns_fit_fd_limit(CtlConns *c);

/* LWS_CALLBACK_FILTER_NETWORK_CONNECTION: TRUE to keep the connection just accepted from peer
 * (counted from now on), FALSE to refuse it (counted as refused; lws closes it). */
gboolean ctl_conns_admit(CtlConns *c, const struct sockaddr *peer, socklen_t len, gboolean admin);
/* The peer address of the accept callback's arguments (lws 4.1.6 passes them in user, older
 * ones the descriptor in `in`) into ss; FALSE when there is none. */
gboolean ctl_conns_peer(void *user, void *in, struct sockaddr_storage *ss, socklen_t *len);
/* LWS_CALLBACK_WSI_CREATE: lws made the connection last admitted into wsi. */
void ctl_conns_bind(CtlConns *c, struct lws *wsi);
/* LWS_CALLBACK_WSI_DESTROY: wsi is gone; its count is released. Unknown wsi (listeners) are
 * ignored. */
void ctl_conns_release(CtlConns *c, struct lws *wsi);

/* Connections open now (public and admin listeners). */
guint ctl_conns_open(const CtlConns *c);
/* Appends the Prometheus lines: jobcast_http_connections{listener=...},
 * jobcast_http_connections_refused_total{reason="per_address"|"total"}. */
void ctl_conns_metrics(const CtlConns *c, GString *out);

G_END_DECLS
