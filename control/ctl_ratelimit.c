/* ctl_ratelimit: token buckets per client address, and the client address behind trusted
 * proxies (see ctl_ratelimit.h).
 *
 * Main thread only. Invariant: the table never holds more than max_keys buckets, whatever
 * addresses clients claim. */
#include "ctl_ratelimit.h"

#include <gio/gio.h>
#include <string.h>

typedef struct {
    double tokens;
    gint64 last_us;
} Bucket;

struct CtlRateLimit {
    double per_us; /* tokens added per microsecond */
    double burst;
    guint max_keys;
    GHashTable *buckets; /* owned: char* (owned) -> Bucket* (owned) */
};

CtlRateLimit *ctl_rate_limit_new(guint per_minute, guint burst, guint max_keys)
{
    CtlRateLimit *rl = g_new0(CtlRateLimit, 1);
    rl->per_us = per_minute / 60e6;
    rl->burst = MAX(burst, 1u);
    rl->max_keys = MAX(max_keys, 1u);
    rl->buckets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return rl;
}

void ctl_rate_limit_free(CtlRateLimit *rl)
{
    if (rl == NULL)
        return;
    g_hash_table_destroy(rl->buckets);
    g_free(rl);
}

static void refill(CtlRateLimit *rl, Bucket *b, gint64 now_us)
{
    if (now_us > b->last_us)
        b->tokens = MIN(rl->burst, b->tokens + (double)(now_us - b->last_us) * rl->per_us);
    b->last_us = now_us;
}

/* Drops buckets that are full again (their clients have been quiet); if none is, all. */
static void make_room(CtlRateLimit *rl, gint64 now_us)
{
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, rl->buckets);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        refill(rl, value, now_us);
        if (((Bucket *)value)->tokens >= rl->burst)
            g_hash_table_iter_remove(&it);
    }
    if (g_hash_table_size(rl->buckets) >= rl->max_keys)
        g_hash_table_remove_all(rl->buckets);
}

gboolean ctl_rate_limit_take(CtlRateLimit *rl, const char *key, gint64 now_us)
{
    Bucket *b = g_hash_table_lookup(rl->buckets, key);
    if (b == NULL) {
        if (g_hash_table_size(rl->buckets) >= rl->max_keys)
            make_room(rl, now_us);
        b = g_new0(Bucket, 1);
        b->tokens = rl->burst;
        b->last_us = now_us;
        g_hash_table_insert(rl->buckets, g_strdup(key), b);
    }
    refill(rl, b, now_us);
    if (b->tokens < 1.0)
        return FALSE;
    b->tokens -= 1.0;
    return TRUE;
}

static const char *unmapped(const char *addr)
{
    if (g_str_has_prefix(addr, "::ffff:") && strchr(addr, '.') != NULL)
        return addr + strlen("::ffff:");
    return addr;
}

/* addr as an address, an IPv4-mapped IPv6 one turned into IPv4; NULL when it is none.
 * (transfer full) */
static GInetAddress *parse_address(const char *addr)
{
    GInetAddress *a = g_inet_address_new_from_string(addr);
    if (a == NULL || g_inet_address_get_family(a) != G_SOCKET_FAMILY_IPV6)
        return a;
    static const guint8 prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    const guint8 *bytes = g_inet_address_to_bytes(a);
    if (memcmp(bytes, prefix, sizeof prefix) != 0)
        return a;
    GInetAddress *v4 = g_inet_address_new_from_bytes(bytes + 12, G_SOCKET_FAMILY_IPV4);
    g_object_unref(a);
    return v4;
}

/* The same address (::1 and 0:0::1 are; 1.2.3.4 and ::ffff:1.2.3.4 are); text that is no
 * address only matches itself. */
static gboolean same_address(const char *a, const char *b)
{
    /* Two IPv4 texts (or non-addresses) are the same address iff the same text: an IPv4
     * address has one spelling (inet_pton refuses leading zeros). This keeps the per-sign-up
     * path free of allocations; only IPv6 spellings need parsing. */
    if (strchr(a, ':') == NULL && strchr(b, ':') == NULL)
        return strcmp(a, b) == 0;
    g_autoptr(GInetAddress) x = parse_address(a);
    g_autoptr(GInetAddress) y = parse_address(b);
    if (x == NULL || y == NULL)
        return x == NULL && y == NULL && strcmp(unmapped(a), unmapped(b)) == 0;
    return g_inet_address_equal(x, y);
}

gboolean ctl_address_trusted(const char *addr, const char *const *trusted)
{
    for (const char *const *t = trusted; t != NULL && *t != NULL; t++) {
        if (same_address(*t, addr))
            return TRUE;
    }
    return FALSE;
}

/* The hop that ends at end (exclusive) and starts after the comma before it, trimmed, as a
 * canonical address text (an IPv4-mapped address as IPv4); NULL when it is not one address.
 * *start gets where the hop begins. (transfer full) */
static char *hop_before(const char *xff, const char *end, const char **start)
{
    const char *s = end;
    while (s > xff && s[-1] != ',')
        s--;
    *start = s;
    while (s < end && g_ascii_isspace(*s))
        s++;
    const char *e = end;
    while (e > s && g_ascii_isspace(e[-1]))
        e--;
    if (e == s || e - s > 64)
        return NULL;
    g_autofree char *text = g_strndup(s, (gsize)(e - s));
    g_autoptr(GInetAddress) a = parse_address(text);
    return a != NULL ? g_inet_address_to_string(a) : NULL;
}

char *ctl_client_address(const char *peer, const char *xff, const char *const *trusted)
{
    char *client = g_strdup(unmapped(peer != NULL ? peer : ""));
    if (xff == NULL || !ctl_address_trusted(client, trusted))
        return client;
    /* From the right, however many hops there are: each trusted proxy vouches for the hop
     * before it; the first hop that is no trusted proxy is the client. Whatever is left of a
     * malformed hop was never vouched for: the walk ends at the address before it. */
    const char *end = xff + strlen(xff);
    for (;;) {
        const char *start = NULL;
        char *hop = hop_before(xff, end, &start);
        if (hop == NULL)
            return client;
        g_free(client);
        client = hop;
        if (!ctl_address_trusted(client, trusted) || start == xff)
            return client;
        end = start - 1; /* before the comma */
    }
}
