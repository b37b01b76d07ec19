/* ctl_conns: connection caps per address and in total, counted from accept to free (see
 * ctl_conns.h).
 *
 * Main thread only. lws 4.1.6 accepts, asks protocols[0] (FILTER_NETWORK_CONNECTION) whether to
 * keep the descriptor, and only then creates the connection's wsi (WSI_CREATE, synchronously,
 * before the next accept); WSI_DESTROY is its last callback. So an admitted connection waits in
 * `pending` for the WSI_CREATE that follows, and is then keyed by its wsi until WSI_DESTROY.
 *
 * Memory: a flood of idle connections makes lws and GLib allocate a few kilobytes each (header
 * buffers, the GSource of every descriptor), interleaved with longer-lived blocks. Freed, that
 * memory stays in glibc's heap (only a free top of the heap goes back by itself), so RSS would
 * stay at the flood's peak for the life of the process. Once connections have fallen well below
 * their peak, malloc_trim() hands the free pages back. */
#include "ctl_conns.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <malloc.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/resource.h>

#define LOG_EVERY_US (60 * G_USEC_PER_SEC)
#define TRIM_MIN_DROP 256 /* connections closed since the peak before a trim is worth it */
#define TRIM_QUIET_US (G_USEC_PER_SEC) /* trim once closing has paused this long... */
#define TRIM_MAX_WAIT_US                                                                           \
    (5 * G_USEC_PER_SEC) /* ... or this long after the drop, whichever first                       \
                          */

/* One peer address (IPv6: its /64) and how many connections it holds. */
typedef struct {
    char *key; /* owned */
    guint count;
} Peer;

/* One counted connection. */
typedef struct {
    Peer *peer; /* borrowed from CtlConns.peers */
    gboolean admin;
} Conn;

enum { REFUSED_PER_ADDRESS, REFUSED_TOTAL, REFUSED_N };

struct CtlConns {
    guint per_address;
    char **trusted;              /* owned, NULL-terminated, canonical: exempt from per_address */
    guint total;                 /* public listener's cap in force */
    GHashTable *peers;           /* owned: key (borrowed from the Peer) -> Peer* (owned) */
    GHashTable *bound;           /* owned: struct lws* -> Conn* (owned) */
    Conn *pending;               /* owned: admitted, its wsi not created yet; NULL when none */
    guint open_public;           /* connections counted on the public listener */
    guint open_admin;            /* ... and on the admin one */
    guint peak;                  /* most connections open since the last trim */
    guint trim_source;           /* GSource id of the timer waiting to malloc_trim, else 0 */
    gint64 trim_armed_us;        /* monotonic: when that timer started */
    gint64 released_us;          /* monotonic: the last connection released */
    guint64 refused[REFUSED_N];  /* since start */
    guint64 unlogged[REFUSED_N]; /* since the last log line */
    gint64 logged_us;            /* monotonic time of the last log line, 0 = never */
    char last_refused[64];       /* the address refused last, for the log line */
};

static void peer_free(gpointer data)
{
    Peer *p = data;
    g_free(p->key);
    g_free(p);
}

CtlConns *ctl_conns_new(guint per_address, guint total, const char *const *trusted_proxies)
{
    CtlConns *c = g_new0(CtlConns, 1);
    GPtrArray *trusted = g_ptr_array_new();
    for (gsize i = 0; trusted_proxies != NULL && trusted_proxies[i] != NULL; i++) {
        g_autoptr(GInetAddress) a = g_inet_address_new_from_string(trusted_proxies[i]);
        if (a != NULL)
            g_ptr_array_add(trusted, g_inet_address_to_string(a));
    }
    g_ptr_array_add(trusted, NULL);
    c->trusted = (char **)g_ptr_array_free(trusted, FALSE);
    c->per_address = per_address > 0 ? per_address : CTL_MAX_CONNECTIONS_PER_ADDRESS_DEFAULT;
    c->total = total > 0 ? total : CTL_MAX_CONNECTIONS_DEFAULT;
    c->peers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, peer_free);
    c->bound = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return c;
}

void ctl_conns_free(CtlConns *c)
{
    if (c == NULL)
        return;
    if (c->trim_source != 0)
        g_source_remove(c->trim_source);
    g_free(c->pending);
    g_hash_table_destroy(c->bound);
    g_hash_table_destroy(c->peers);
    g_strfreev(c->trusted);
    g_free(c);
}

guint ctl_conns_total_cap(const CtlConns *c)
{
    return c->total;
}

guint ctl_conns_open(const CtlConns *c)
{
    return c->open_public + c->open_admin;
}

void ctl_conns_fit_fd_limit(CtlConns *c)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return;
    rlim_t want = (rlim_t)c->total + CTL_CONNS_ADMIN_MAX + CTL_CONNS_FD_RESERVE;
    if (lim.rlim_cur < want) {
        struct rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : MIN(want, lim.rlim_max);
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            lim = raised;
    }
    if (lim.rlim_cur >= want)
        return;
    rlim_t room = lim.rlim_cur > CTL_CONNS_ADMIN_MAX + CTL_CONNS_FD_RESERVE + 64
                      ? lim.rlim_cur - CTL_CONNS_ADMIN_MAX - CTL_CONNS_FD_RESERVE
                      : 64;
    g_message("control: the open-file limit is %lu (LimitNOFILE / ulimit -n): at most %lu public "
              "connections instead of %u",
              (unsigned long)lim.rlim_cur, (unsigned long)room, c->total);
    c->total = (guint)room;
}

/* The counting key of a peer: IPv4 (also when mapped into IPv6) as is, IPv6 by its /64 (one
 * host usually has a whole /64 to pick addresses from). */
static void peer_key(const struct sockaddr *sa, socklen_t len, char *out, gsize size)
{
    g_strlcpy(out, "?", size);
    if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
    } else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
            inet_ntop(AF_INET, &a->s6_addr[12], out, (socklen_t)size);
            return;
        }
        struct in6_addr net = *a;
        memset(&net.s6_addr[8], 0, 8);
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &net, text, sizeof text);
        g_snprintf(out, size, "%s/64", text);
    }
}

/* TRUE when the peer is one of the trusted proxies (compared as canonical text; an IPv4 address
 * mapped into IPv6 as the IPv4 one). */
static gboolean is_trusted(const CtlConns *c, const struct sockaddr *sa, socklen_t len)
{
    if (c->trusted[0] == NULL)
        return FALSE;
    char text[INET6_ADDRSTRLEN] = "";
    if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof text);
    } else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a))
            inet_ntop(AF_INET, &a->s6_addr[12], text, sizeof text);
        else
            inet_ntop(AF_INET6, a, text, sizeof text);
    }
    return g_strv_contains((const char *const *)c->trusted, text);
}

gboolean ctl_conns_peer(void *user, void *in, struct sockaddr_storage *ss, socklen_t *len)
{
    const struct lws_filter_network_conn_args *args = user;
    if (args != NULL && args->clilen > 0) {
        *len = MIN(args->clilen, (socklen_t)sizeof *ss);
        memcpy(ss, &args->cli_addr, *len);
        return TRUE;
    }
    int fd = (int)(lws_intptr_t)in;
    *len = sizeof *ss;
    return fd > 0 && getpeername(fd, (struct sockaddr *)ss, len) == 0;
}

/* Logs the refusals since the last line, at most once a minute. */
static void log_refusals(CtlConns *c)
{
    gint64 now = g_get_monotonic_time();
    if (c->logged_us != 0 && now - c->logged_us < LOG_EVERY_US)
        return;
    c->logged_us = now;
    g_message("control: refused %" G_GUINT64_FORMAT " connection(s) over the per-address cap "
              "of %u and %" G_GUINT64_FORMAT " over the total cap of %u since the last such line "
              "(the last from %s; at most one line a minute)",
              c->unlogged[REFUSED_PER_ADDRESS], c->per_address, c->unlogged[REFUSED_TOTAL],
              c->total, c->last_refused);
    memset(c->unlogged, 0, sizeof c->unlogged);
}

static gboolean refuse(CtlConns *c, int why, const char *key)
{
    c->refused[why]++;
    c->unlogged[why]++;
    g_strlcpy(c->last_refused, key, sizeof c->last_refused);
    log_refusals(c);
    return FALSE;
}

static void release(CtlConns *c, Conn *conn)
{
    if (conn->admin)
        c->open_admin--;
    else
        c->open_public--;
    if (--conn->peer->count == 0)
        g_hash_table_remove(c->peers, conn->peer->key);
    g_free(conn);
}

gboolean ctl_conns_admit(CtlConns *c, const struct sockaddr *peer, socklen_t len, gboolean admin)
{
    if (c->pending != NULL) { /* admitted, but lws never made a connection of it */
        release(c, c->pending);
        c->pending = NULL;
    }
    char key[INET6_ADDRSTRLEN + 8];
    peer_key(peer, len, key, sizeof key);
    Peer *p = g_hash_table_lookup(c->peers, key);
    if (p != NULL && p->count >= c->per_address && !is_trusted(c, peer, len))
        return refuse(c, REFUSED_PER_ADDRESS, key);
    if (admin ? c->open_admin >= CTL_CONNS_ADMIN_MAX : c->open_public >= c->total)
        return refuse(c, REFUSED_TOTAL, key);
    if (p == NULL) {
        p = g_new0(Peer, 1);
        p->key = g_strdup(key);
        g_hash_table_insert(c->peers, p->key, p);
    }
    p->count++;
    if (admin)
        c->open_admin++;
    else
        c->open_public++;
    c->peak = MAX(c->peak, ctl_conns_open(c));
    c->pending = g_new0(Conn, 1);
    c->pending->peer = p;
    c->pending->admin = admin;
    return TRUE;
}

void ctl_conns_bind(CtlConns *c, struct lws *wsi)
{
    if (c->pending == NULL)
        return; /* a listener, or a connection lws made itself */
    g_hash_table_insert(c->bound, wsi, c->pending);
    c->pending = NULL;
}

/* Trims once the connections stopped closing (a flood ends in a burst of closes), or at the
 * latest TRIM_MAX_WAIT_US after the drop began. */
static gboolean trim(gpointer data)
{
    CtlConns *c = data;
    gint64 now = g_get_monotonic_time();
    if (now - c->released_us < TRIM_QUIET_US && now - c->trim_armed_us < TRIM_MAX_WAIT_US)
        return G_SOURCE_CONTINUE;
    c->trim_source = 0;
    malloc_trim(0);
    c->peak = ctl_conns_open(c);
    return G_SOURCE_REMOVE;
}

void ctl_conns_release(CtlConns *c, struct lws *wsi)
{
    Conn *conn = g_hash_table_lookup(c->bound, wsi);
    if (conn == NULL)
        return;
    g_hash_table_steal(c->bound, wsi);
    release(c, conn);
    guint open = ctl_conns_open(c);
    c->released_us = g_get_monotonic_time();
    if (c->trim_source == 0 && c->peak - open >= TRIM_MIN_DROP && open < c->peak / 2) {
        c->trim_armed_us = c->released_us;
        c->trim_source = g_timeout_add(250, trim, c);
    }
}

void ctl_conns_metrics(const CtlConns *c, GString *out)
{
    g_string_append(out, "# HELP jobcast_http_connections connections open now, by listener\n"
                         "# TYPE jobcast_http_connections gauge\n");
    g_string_append_printf(out, "jobcast_http_connections{listener=\"public\"} %u\n",
                           c->open_public);
    g_string_append_printf(out, "jobcast_http_connections{listener=\"admin\"} %u\n", c->open_admin);
    g_string_append(out, "# HELP jobcast_http_connections_max the cap on open connections in "
                         "force, by listener\n# TYPE jobcast_http_connections_max gauge\n");
    g_string_append_printf(out, "jobcast_http_connections_max{listener=\"public\"} %u\n", c->total);
    g_string_append(out, "# HELP jobcast_http_connections_max_per_address the cap on open "
                         "connections from one address\n"
                         "# TYPE jobcast_http_connections_max_per_address gauge\n");
    g_string_append_printf(out, "jobcast_http_connections_max_per_address %u\n", c->per_address);
    g_string_append(out, "# HELP jobcast_http_connections_refused_total connections closed at "
                         "accept, by the cap they were over\n"
                         "# TYPE jobcast_http_connections_refused_total counter\n");
    g_string_append_printf(out,
                           "jobcast_http_connections_refused_total{reason=\"per_address\"} "
                           "%" G_GUINT64_FORMAT "\n",
                           c->refused[REFUSED_PER_ADDRESS]);
    g_string_append_printf(out,
                           "jobcast_http_connections_refused_total{reason=\"total\"} "
                           "%" G_GUINT64_FORMAT "\n",
                           c->refused[REFUSED_TOTAL]);
}
