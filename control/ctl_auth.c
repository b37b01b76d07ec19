/* ctl_auth: producer token check (constant time, on SHA-256 digests) and cookie sessions.
 *
 * Main thread only. Invariants: the token itself is not kept, only its digest; the session
 * table never holds more than CTL_AUTH_SESSIONS_PER_ACCOUNT sessions of one account, whatever
 * clients do, and one account's sign-ins never end another account's sessions. */
#include "ctl_auth.h"

#include <sodium.h>
#include <string.h>

#include "jc_error.h"

#define DIGEST_LEN 32

struct CtlAuth {
    gboolean has_token;
    guint8 digest[DIGEST_LEN]; /* SHA-256 of the token */
    GHashTable *sessions;      /* owned: session id (owned char*) -> Session* (owned) */
    gint64 clock_offset;       /* seconds added to the clock (tests) */
    guint64 opened;            /* sessions opened so far: their order */
};

typedef struct {
    char *account; /* owned: the account's name, "" for the producer token */
    int role;
    guint64 serial;    /* the order sessions were opened in */
    gint64 generation; /* the account's generation at sign-in */
    gint64 created;    /* seconds, monotonic */
    gint64 used;       /* last looked up */
} Session;

static void session_free(gpointer data)
{
    Session *session = data;
    g_free(session->account);
    g_free(session);
}

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
    auth->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, session_free);
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

static gint64 now_seconds(const CtlAuth *auth)
{
    return g_get_monotonic_time() / G_USEC_PER_SEC + auth->clock_offset;
}

void ctl_auth_advance_clock(CtlAuth *auth, gint64 seconds)
{
    auth->clock_offset += seconds;
}

static gboolean ended(const Session *session, gint64 now)
{
    return now - session->used >= CTL_AUTH_SESSION_IDLE_SECONDS ||
           now - session->created >= CTL_AUTH_SESSION_SECONDS;
}

/* Drops ended sessions; then, while account holds its most, its oldest. Other accounts'
 * sessions are never touched, so the table holds at most CTL_AUTH_SESSIONS_PER_ACCOUNT per
 * account (accounts are made by producers; sign-ins cannot add any). */
static void make_room(CtlAuth *auth, const char *account)
{
    gint64 now = now_seconds(auth);
    GHashTableIter it;
    gpointer key;
    gpointer value;
    for (;;) {
        guint mine = 0;
        gpointer oldest = NULL;
        guint64 oldest_serial = G_MAXUINT64;
        g_hash_table_iter_init(&it, auth->sessions);
        while (g_hash_table_iter_next(&it, &key, &value)) {
            Session *session = value;
            if (ended(session, now)) {
                g_hash_table_iter_remove(&it);
                continue;
            }
            if (strcmp(session->account, account) != 0)
                continue;
            mine++;
            if (session->serial < oldest_serial) {
                oldest_serial = session->serial;
                oldest = key;
            }
        }
        if (mine < CTL_AUTH_SESSIONS_PER_ACCOUNT || oldest == NULL)
            return;
        g_hash_table_remove(auth->sessions, oldest);
    }
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

char *ctl_auth_session_new(CtlAuth *auth, int role, const char *account, gint64 generation)
{
    char *id = random_hex(32);
    make_room(auth, account);
    Session *session = g_new0(Session, 1);
    session->account = g_strdup(account);
    session->role = role;
    session->serial = ++auth->opened;
    session->generation = generation;
    session->created = now_seconds(auth);
    session->used = session->created;
    g_hash_table_replace(auth->sessions, g_strdup(id), session);
    return id;
}

int ctl_auth_session_role(CtlAuth *auth, const char *id, const char **account, gint64 *generation)
{
    Session *session = id != NULL ? g_hash_table_lookup(auth->sessions, id) : NULL;
    if (session == NULL)
        return 0;
    gint64 now = now_seconds(auth);
    if (ended(session, now)) {
        g_hash_table_remove(auth->sessions, id);
        return 0;
    }
    session->used = now;
    if (account != NULL)
        *account = session->account;
    if (generation != NULL)
        *generation = session->generation;
    return session->role;
}

guint ctl_auth_end_sessions(CtlAuth *auth, const char *account, gint64 before)
{
    guint n = 0;
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, auth->sessions);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        const Session *session = value;
        if (strcmp(session->account, account) == 0 && session->generation < before) {
            g_hash_table_iter_remove(&it);
            n++;
        }
    }
    return n;
}

guint ctl_auth_sessions(CtlAuth *auth)
{
    return g_hash_table_size(auth->sessions);
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
