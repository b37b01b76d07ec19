/* ctl_lockout: failed credentials per client address and the lockouts they earn (see
 * ctl_lockout.h).
 *
 * Main thread only. Rules:
 *   1. CTL_LOCKOUT_FAILURES failures of one key within a window (sliding: the times of the last
 *      ones are kept) lock the key out for a lockout, and start its count afresh.
 *   2. The first lockout lasts a window; each further one twice the one before, up to max.
 *   3. A key that has had no failure and no lockout for max starts again at the first lockout.
 *   4. The table never holds more than CTL_LOCKOUT_MAX_KEYS keys: when full, keys with nothing
 *      left to remember go first, then keys not locked out, then all (a flood of addresses
 *      resets counts rather than growing memory). */
#include "ctl_lockout.h"

#include <gio/gio.h>
#include <string.h>

typedef struct {
    gint64 times[CTL_LOCKOUT_FAILURES]; /* ring: the latest failures' times */
    guint count;                        /* failures in times[] */
    guint head;                         /* where the next failure goes */
    gint64 locked_until;                /* 0: never locked out */
    gint64 last_us;                     /* the latest failure or lockout end */
    guint bursts;                       /* lockouts so far (rule 3 resets it) */
} Entry;

struct CtlLockout {
    gint64 window_us;
    gint64 max_us;
    GHashTable *entries; /* owned: key (owned char*) -> Entry* (owned) */
};

CtlLockout *ctl_lockout_new(guint window_ms, guint max_ms)
{
    CtlLockout *l = g_new0(CtlLockout, 1);
    l->window_us = (gint64)(window_ms > 0 ? window_ms : CTL_LOCKOUT_WINDOW_MS) * 1000;
    l->max_us = (gint64)(max_ms > 0 ? max_ms : CTL_LOCKOUT_MAX_MS) * 1000;
    l->max_us = MAX(l->max_us, l->window_us);
    l->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return l;
}

void ctl_lockout_free(CtlLockout *l)
{
    if (l == NULL)
        return;
    g_hash_table_destroy(l->entries);
    g_free(l);
}

char *ctl_lockout_key(const char *address)
{
    g_autoptr(GInetAddress) a =
        strchr(address, ':') != NULL ? g_inet_address_new_from_string(address) : NULL;
    if (a == NULL || g_inet_address_get_family(a) != G_SOCKET_FAMILY_IPV6)
        return g_strdup(address);
    guint8 bytes[16];
    memcpy(bytes, g_inet_address_to_bytes(a), sizeof bytes);
    memset(bytes + 8, 0, 8);
    g_autoptr(GInetAddress) net = g_inet_address_new_from_bytes(bytes, G_SOCKET_FAMILY_IPV6);
    g_autofree char *text = g_inet_address_to_string(net);
    return g_strconcat(text, "/64", NULL);
}

static guint seconds_up(gint64 us)
{
    return (guint)MIN((us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC, (gint64)G_MAXUINT);
}

guint ctl_lockout_wait(CtlLockout *l, const char *key, gint64 now_us)
{
    Entry *e = g_hash_table_lookup(l->entries, key);
    if (e == NULL || e->locked_until <= now_us)
        return 0;
    return seconds_up(e->locked_until - now_us);
}

/* Nothing left to remember: no lockout running, no failure in the window, rule 3 passed. */
static gboolean forgotten(const CtlLockout *l, const Entry *e, gint64 now_us)
{
    return e->locked_until <= now_us && now_us - e->last_us >= l->max_us;
}

/* Rule 4. */
static void make_room(CtlLockout *l, gint64 now_us)
{
    GHashTableIter it;
    gpointer value;
    for (int pass = 0; pass < 2 && g_hash_table_size(l->entries) >= CTL_LOCKOUT_MAX_KEYS; pass++) {
        g_hash_table_iter_init(&it, l->entries);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
            Entry *e = value;
            if (pass == 0 ? forgotten(l, e, now_us) : e->locked_until <= now_us)
                g_hash_table_iter_remove(&it);
        }
    }
    if (g_hash_table_size(l->entries) >= CTL_LOCKOUT_MAX_KEYS)
        g_hash_table_remove_all(l->entries);
}

static Entry *entry_for(CtlLockout *l, const char *key, gint64 now_us)
{
    Entry *e = g_hash_table_lookup(l->entries, key);
    if (e != NULL)
        return e;
    if (g_hash_table_size(l->entries) >= CTL_LOCKOUT_MAX_KEYS)
        make_room(l, now_us);
    e = g_new0(Entry, 1);
    g_hash_table_insert(l->entries, g_strdup(key), e);
    return e;
}

guint ctl_lockout_fail(CtlLockout *l, const char *key, gint64 now_us)
{
    Entry *e = entry_for(l, key, now_us);
    if (e->locked_until > now_us)
        return 0; /* counted before the lockout began (a slow check): the lockout stands */
    if (e->bursts > 0 && forgotten(l, e, now_us))
        e->bursts = 0; /* rule 3 */
    e->times[e->head] = now_us;
    e->head = (e->head + 1) % CTL_LOCKOUT_FAILURES;
    e->count = MIN(e->count + 1, (guint)CTL_LOCKOUT_FAILURES);
    e->last_us = now_us;
    /* With the ring full, head is the oldest of the last CTL_LOCKOUT_FAILURES failures. */
    if (e->count < CTL_LOCKOUT_FAILURES || now_us - e->times[e->head] >= l->window_us)
        return 0;
    gint64 lock = l->window_us;
    for (guint i = 0; i < e->bursts && lock < l->max_us; i++)
        lock *= 2;
    lock = MIN(lock, l->max_us);
    e->bursts++;
    e->locked_until = now_us + lock;
    e->last_us = e->locked_until;
    e->count = 0;
    return seconds_up(lock);
}

void ctl_lockout_forgive(CtlLockout *l, const char *key, gint64 now_us)
{
    Entry *e = g_hash_table_lookup(l->entries, key);
    if (e == NULL || e->count == 0 || e->locked_until > now_us)
        return;
    e->head = (e->head + CTL_LOCKOUT_FAILURES - 1) % CTL_LOCKOUT_FAILURES;
    e->count--;
}
