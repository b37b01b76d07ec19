/* ctl_auth: producer token check (constant time, on SHA-256 digests) and cookie sessions.
 *
 * Main thread only. Invariants: the token itself is not kept, only its digest; the session
 * table never holds more than CTL_AUTH_MAX_SESSIONS entries, whatever clients do. */
#include "ctl_auth.h"

#include <sodium.h>
#include <string.h>

#include "jc_error.h"

#define DIGEST_LEN 32

struct CtlAuth {
    gboolean has_token;
    guint8 digest[DIGEST_LEN]; /* SHA-256 of the token */
    GHashTable *sessions;      /* owned: session id (owned char*) -> Session* (owned) */
};

typedef struct {
    gint64 expiry; /* first member: make_room reads it as a gint64 */
    int role;
} Session;

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
    return sodium_memcmp(digest, auth->digest, DIGEST_LEN) == 0;
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

static gboolean sodium_ready(void);

/* len random bytes as 2 * len hex characters. (transfer full) */
static char *random_hex(gsize len)
{
    if (!sodium_ready())
        g_error("control: libsodium cannot start");
    guint8 raw[32];
    g_assert(len <= sizeof raw);
    randombytes_buf(raw, len);
    char *hex = g_malloc(2 * len + 1);
    sodium_bin2hex(hex, 2 * len + 1, raw, len);
    sodium_memzero(raw, sizeof raw);
    return hex;
}

char *ctl_auth_token_new(void)
{
    return random_hex(16);
}

char *ctl_auth_token_hash(const char *token)
{
    return g_compute_checksum_for_string(G_CHECKSUM_SHA256, token, -1);
}

char *ctl_auth_session_new(CtlAuth *auth)
{
    return ctl_auth_session_new_role(auth, 2);
}

char *ctl_auth_session_new_role(CtlAuth *auth, int role)
{
    char *id = random_hex(32);
    make_room(auth);
    Session *session = g_new(Session, 1);
    session->expiry = now_seconds() + CTL_AUTH_SESSION_SECONDS;
    session->role = role;
    g_hash_table_replace(auth->sessions, g_strdup(id), session);
    return id;
}

int ctl_auth_session_role(CtlAuth *auth, const char *id)
{
    if (id == NULL)
        return 0;
    Session *session = g_hash_table_lookup(auth->sessions, id);
    if (session == NULL)
        return 0;
    if (session->expiry <= now_seconds()) {
        g_hash_table_remove(auth->sessions, id);
        return 0;
    }
    return session->role;
}

gboolean ctl_auth_session_valid(CtlAuth *auth, const char *id)
{
    return ctl_auth_session_role(auth, id) != 0;
}

static gboolean sodium_ready(void)
{
    static gsize done = 0;
    static gboolean ok = FALSE;
    if (g_once_init_enter(&done)) {
        ok = sodium_init() >= 0;
        g_once_init_leave(&done, 1);
    }
    return ok;
}

gboolean ctl_auth_password_ok(const char *password, GError **error)
{
    glong len =
        password != NULL && g_utf8_validate(password, -1, NULL) ? g_utf8_strlen(password, -1) : -1;
    if (len < CTL_AUTH_PASSWORD_MIN || len > CTL_AUTH_PASSWORD_MAX) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "password: %d to %d characters",
                    CTL_AUTH_PASSWORD_MIN, CTL_AUTH_PASSWORD_MAX);
        return FALSE;
    }
    return TRUE;
}

char *ctl_auth_password_hash(const char *password, GError **error)
{
    if (!ctl_auth_password_ok(password, error))
        return NULL;
    char out[crypto_pwhash_STRBYTES];
    if (!sodium_ready() ||
        crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_IO, "hashing the password failed (memory?)");
        return NULL;
    }
    return g_strdup(out);
}

gboolean ctl_auth_password_verify(const char *hash, const char *password)
{
    static char dummy[crypto_pwhash_STRBYTES];
    static gsize dummy_done = 0;
    if (!sodium_ready() || password == NULL)
        return FALSE;
    if (g_once_init_enter(&dummy_done)) {
        if (crypto_pwhash_str_alg(
                dummy, "not a password of anyone", 24, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
            dummy[0] = '\0';
        g_once_init_leave(&dummy_done, 1);
    }
    const char *against = hash != NULL ? hash : dummy;
    if (against[0] == '\0')
        return FALSE;
    gboolean ok = crypto_pwhash_str_verify(against, password, strlen(password)) == 0;
    return ok && hash != NULL;
}
