/* ctl_auth: producer token check (constant time, on SHA-256 digests) and cookie sessions.
 *
 * Main thread only. Invariants: the token itself is not kept, only its digest; the session
 * table never holds more than CTL_AUTH_MAX_SESSIONS entries, whatever clients do. */
#include "ctl_auth.h"

#include <string.h>
#include <sys/random.h>

#define DIGEST_LEN 32

struct CtlAuth {
    gboolean has_token;
    guint8 digest[DIGEST_LEN]; /* SHA-256 of the token */
    GHashTable *sessions;      /* owned: session id (owned char*) -> expiry (gint64*, owned) */
};

static void sha256(const char *text, guint8 out[DIGEST_LEN])
{
    g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)text, (gssize)strlen(text));
    gsize len = DIGEST_LEN;
    g_checksum_get_digest(sum, out, &len);
}

CtlAuth *ctl_auth_new(const char *token)
{
    CtlAuth *auth = g_new0(CtlAuth, 1);
    auth->has_token = token != NULL && token[0] != '\0';
    if (auth->has_token)
        sha256(token, auth->digest);
    auth->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return auth;
}

void ctl_auth_free(CtlAuth *auth)
{
    if (auth == NULL)
        return;
    g_hash_table_destroy(auth->sessions);
    g_free(auth);
}

gboolean ctl_auth_check_token(CtlAuth *auth, const char *presented)
{
    if (!auth->has_token || presented == NULL)
        return FALSE;
    guint8 digest[DIGEST_LEN];
    sha256(presented, digest);
    /* Comparing digests, not strings, keeps the time independent of how much matched. */
    guint8 diff = 0;
    for (gsize i = 0; i < DIGEST_LEN; i++)
        diff |= (guint8)(digest[i] ^ auth->digest[i]);
    return diff == 0;
}

static gint64 now_seconds(void)
{
    return g_get_monotonic_time() / G_USEC_PER_SEC;
}

/* Drops expired sessions; if the table is still full, the one closest to expiring. */
static void make_room(CtlAuth *auth)
{
    gint64 now = now_seconds();
    GHashTableIter it;
    gpointer key;
    gpointer value;
    g_hash_table_iter_init(&it, auth->sessions);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        if (*(gint64 *)value <= now)
            g_hash_table_iter_remove(&it);
    }
    if (g_hash_table_size(auth->sessions) < CTL_AUTH_MAX_SESSIONS)
        return;
    gpointer oldest = NULL;
    gint64 oldest_expiry = G_MAXINT64;
    g_hash_table_iter_init(&it, auth->sessions);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        if (*(gint64 *)value < oldest_expiry) {
            oldest_expiry = *(gint64 *)value;
            oldest = key;
        }
    }
    if (oldest != NULL)
        g_hash_table_remove(auth->sessions, oldest);
}

char *ctl_auth_session_new(CtlAuth *auth)
{
    guint8 raw[32];
    gsize got = 0;
    while (got < sizeof raw) {
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0)
            g_error("getrandom failed: %s", g_strerror(errno));
        got += (gsize)n;
    }
    GString *id = g_string_sized_new(2 * sizeof raw);
    for (gsize i = 0; i < sizeof raw; i++)
        g_string_append_printf(id, "%02x", raw[i]);

    make_room(auth);
    gint64 *expiry = g_new(gint64, 1);
    *expiry = now_seconds() + CTL_AUTH_SESSION_SECONDS;
    g_hash_table_replace(auth->sessions, g_strdup(id->str), expiry);
    return g_string_free(id, FALSE);
}

gboolean ctl_auth_session_valid(CtlAuth *auth, const char *id)
{
    if (id == NULL)
        return FALSE;
    gint64 *expiry = g_hash_table_lookup(auth->sessions, id);
    if (expiry == NULL)
        return FALSE;
    if (*expiry <= now_seconds()) {
        g_hash_table_remove(auth->sessions, id);
        return FALSE;
    }
    return TRUE;
}
