/* ctl_access: roles, origin and client address of a request (see ctl_access.h).
 *
 * Main thread only. A present but wrong Authorization header never falls back to the cookie;
 * every credential checked here counts against its client when wrong (the password form counts
 * its own, ctl_login.c), and none is checked while the client is locked out. */
#include "ctl_access.h"

#include <string.h>

#include "ctl_ratelimit.h"

struct CtlAccess {
    CtlAuth *auth;                 /* owned */
    CtlStore *store;               /* borrowed */
    char **trusted_proxies;        /* owned, NULL-terminated, may be NULL */
    struct lws_vhost *admin_vhost; /* owned by lws; NULL without --admin-listen */
    CtlLockout *lockout;           /* owned: failed credentials per client address */
};

CtlAccess *ctl_access_new(CtlStore *store, const char *producer_token,
                          const char *const *trusted_proxies)
{
    CtlAccess *a = g_new0(CtlAccess, 1);
    a->auth = ctl_auth_new(producer_token);
    a->store = store;
    a->trusted_proxies = g_strdupv((char **)trusted_proxies);
    a->lockout = ctl_lockout_new(0, 0);
    return a;
}

void ctl_access_free(CtlAccess *a)
{
    if (a == NULL)
        return;
    ctl_auth_free(a->auth);
    ctl_lockout_free(a->lockout);
    g_strfreev(a->trusted_proxies);
    g_free(a);
}

void ctl_access_set_admin_vhost(CtlAccess *a, struct lws_vhost *admin_vhost)
{
    a->admin_vhost = admin_vhost;
}

gboolean ctl_access_admin_allowed(const CtlAccess *a, struct lws *wsi)
{
    return a->admin_vhost == NULL || lws_get_vhost(wsi) == a->admin_vhost;
}

void ctl_access_set_lockout(CtlAccess *a, guint window_ms, guint max_ms)
{
    ctl_lockout_free(a->lockout);
    a->lockout = ctl_lockout_new(window_ms, max_ms);
}

guint ctl_access_locked_out(CtlAccess *a, const char *client)
{
    g_autofree char *key = ctl_lockout_key(client);
    return ctl_lockout_wait(a->lockout, key, g_get_monotonic_time());
}

void ctl_access_failed(CtlAccess *a, const char *client)
{
    g_autofree char *key = ctl_lockout_key(client);
    guint locked = ctl_lockout_fail(a->lockout, key, g_get_monotonic_time());
    if (locked > 0)
        g_message("control: too many wrong credentials from %s: refusing its credentials for %u s",
                  key, locked);
}

void ctl_access_forgive(CtlAccess *a, const char *client)
{
    g_autofree char *key = ctl_lockout_key(client);
    ctl_lockout_forgive(a->lockout, key, g_get_monotonic_time());
}

gboolean ctl_role_reads(CtlRole role)
{
    return role == CTL_ROLE_HOST || role == CTL_ROLE_PRODUCER;
}

CtlRole ctl_role_from_name(const char *name)
{
    if (g_strcmp0(name, "producer") == 0)
        return CTL_ROLE_PRODUCER;
    if (g_strcmp0(name, "host") == 0)
        return CTL_ROLE_HOST;
    if (g_strcmp0(name, "overlay") == 0)
        return CTL_ROLE_OVERLAY;
    return CTL_ROLE_NONE;
}

/* The role token grants, *account its account ("" the producer token). Counts nothing. */
static CtlRole token_role(CtlAccess *a, const char *token, CtlWho *who)
{
    if (token == NULL || token[0] == '\0' || strlen(token) > 256)
        return CTL_ROLE_NONE;
    if (ctl_auth_check_token(a->auth, token))
        return CTL_ROLE_PRODUCER;
    g_autofree char *hash = ctl_auth_token_hash(token);
    g_autoptr(GError) error = NULL;
    CtlAccount *account = ctl_store_account_by_token(a->store, hash, &error);
    if (account == NULL) {
        if (error != NULL)
            g_message("control: checking a token: %s", error->message);
        return CTL_ROLE_NONE;
    }
    CtlRole role = ctl_role_from_name(account->role);
    g_strlcpy(who->account, account->name, sizeof who->account);
    who->generation = account->generation;
    ctl_account_free(account);
    return role;
}

CtlWho ctl_access_bearer(CtlAccess *a, struct lws *wsi, const char *token)
{
    CtlWho who = {.bearer = TRUE};
    g_autofree char *client = ctl_access_client_address(a, wsi);
    who.retry_after = ctl_access_locked_out(a, client);
    if (who.retry_after > 0)
        return who;
    who.role = token_role(a, token, &who);
    if (who.role == CTL_ROLE_NONE)
        ctl_access_failed(a, client);
    return who;
}

CtlWho ctl_access_session(CtlAccess *a, struct lws *wsi)
{
    CtlWho who = {.role = CTL_ROLE_NONE};
    char buf[128];
    size_t max = sizeof buf;
    if (lws_http_cookie_get(wsi, CTL_AUTH_COOKIE, buf, &max) != 0)
        return who;
    const char *account = NULL;
    who.role = (CtlRole)ctl_auth_session_role(a->auth, buf, &account, &who.generation);
    if (who.role != CTL_ROLE_NONE)
        g_strlcpy(who.account, account, sizeof who.account);
    return who;
}

CtlRole ctl_access_session_role(CtlAccess *a, struct lws *wsi)
{
    return ctl_access_session(a, wsi).role;
}

CtlWho ctl_access_request(CtlAccess *a, struct lws *wsi)
{
    char authz[512];
    int n = lws_hdr_copy(wsi, authz, sizeof authz, WSI_TOKEN_HTTP_AUTHORIZATION);
    if (n == 0)
        return ctl_access_session(a, wsi);
    /* Present but not a bearer token (another scheme, or too long): a wrong credential too. */
    gboolean bearer = n > 0 && g_ascii_strncasecmp(authz, "Bearer ", 7) == 0;
    return ctl_access_bearer(a, wsi, bearer ? g_strstrip(authz + 7) : NULL);
}

char *ctl_access_session_cookie(CtlAccess *a, struct lws *wsi, const CtlWho *who)
{
    g_autofree char *sid =
        ctl_auth_session_new(a->auth, (int)who->role, who->account, who->generation);
    return g_strdup_printf("%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s",
                           CTL_AUTH_COOKIE, sid, CTL_AUTH_SESSION_SECONDS,
                           ctl_access_over_tls(a, wsi) ? "; Secure" : "");
}

guint ctl_access_end_sessions(CtlAccess *a, const char *account, gint64 before)
{
    return ctl_auth_end_sessions(a->auth, account, before);
}

gboolean ctl_access_over_tls(const CtlAccess *a, struct lws *wsi)
{
    if (lws_is_ssl(wsi))
        return TRUE;
    char peer[64] = "";
    lws_get_peer_simple(wsi, peer, sizeof peer);
    if (!ctl_address_trusted(peer, (const char *const *)a->trusted_proxies))
        return FALSE;
    static const char name[] = "x-forwarded-proto:";
    char proto[64];
    if (lws_hdr_custom_copy(wsi, proto, sizeof proto, name, (int)strlen(name)) <= 0)
        return FALSE;
    /* Proxies in a chain append: the last value is what the nearest one saw. */
    const char *comma = strrchr(proto, ',');
    g_autofree char *last = g_strstrip(g_strdup(comma != NULL ? comma + 1 : proto));
    return g_ascii_strcasecmp(last, "https") == 0;
}

gboolean ctl_access_origin_matches(const char *origin, const char *host)
{
    g_autoptr(GUri) o = g_uri_parse(origin, G_URI_FLAGS_NONE, NULL);
    g_autofree char *host_uri = g_strconcat("http://", host, NULL);
    g_autoptr(GUri) h = g_uri_parse(host_uri, G_URI_FLAGS_NONE, NULL);
    if (o == NULL || h == NULL || g_uri_get_host(o) == NULL || g_uri_get_host(h) == NULL)
        return FALSE;
    /* https too: behind a TLS-terminating proxy the page is https://HOST (docs/deploy.md). */
    const char *scheme = g_uri_get_scheme(o);
    if (g_ascii_strcasecmp(scheme, "http") != 0 && g_ascii_strcasecmp(scheme, "https") != 0)
        return FALSE;
    if (g_uri_get_userinfo(o) != NULL || g_uri_get_path(o)[0] != '\0' ||
        g_uri_get_query(o) != NULL || g_uri_get_fragment(o) != NULL ||
        g_uri_get_userinfo(h) != NULL || g_uri_get_path(h)[0] != '\0' || g_uri_get_query(h) != NULL)
        return FALSE;
    return g_ascii_strcasecmp(g_uri_get_host(o), g_uri_get_host(h)) == 0 &&
           g_uri_get_port(o) == g_uri_get_port(h);
}

gboolean ctl_access_same_origin(struct lws *wsi)
{
    char origin[256];
    char host[256];
    if (lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) <= 0)
        return FALSE;
    if (lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0)
        return FALSE;
    return ctl_access_origin_matches(origin, host);
}

char *ctl_access_client_address(const CtlAccess *a, struct lws *wsi)
{
    char addr[64] = "";
    lws_get_peer_simple(wsi, addr, sizeof addr);
    /* The whole header, however long (lws caps all headers together): a fixed buffer would
     * drop a long one, and with it every client behind the proxy into the proxy's bucket. */
    int len = a->trusted_proxies != NULL ? lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR) : 0;
    g_autofree char *xff = NULL;
    if (len > 0) {
        xff = g_malloc((gsize)len + 1);
        if (lws_hdr_copy(wsi, xff, len + 1, WSI_TOKEN_X_FORWARDED_FOR) <= 0)
            g_clear_pointer(&xff, g_free);
    }
    return ctl_client_address(addr, xff, (const char *const *)a->trusted_proxies);
}
