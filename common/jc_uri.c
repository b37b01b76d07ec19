/* jc_uri: one rule for hiding a media URI's secrets (see jc_uri.h).
 *
 * GLib parses (g_uri_parse, kept encoded so nothing is rewritten); the redacted URI is joined
 * again with "***" standing where user info, query and stream key were, so a reader sees that
 * something was there. */
#include "jc_uri.h"

#include <string.h>

#define HIDDEN "***"

static const GUriFlags PARSE_FLAGS = G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS;

static gboolean is_local(const char *uri)
{
    return g_str_has_prefix(uri, "file://") || g_str_has_prefix(uri, "v4l2://") ||
           g_strcmp0(uri, "test:") == 0;
}

static gboolean is_rtmp(GUri *u)
{
    const char *scheme = g_uri_get_scheme(u);
    return g_ascii_strcasecmp(scheme, "rtmp") == 0 || g_ascii_strcasecmp(scheme, "rtmps") == 0;
}

/* The stream key in path: its offset and length, or FALSE when there is none. The key is the
 * last non-empty segment ("/app/KEY", "/app/KEY/"), and a lone segment counts too ("/KEY"):
 * servers take a key without an application, and a lone application name shown as stars costs
 * nothing while a key shown costs the channel. */
static gboolean key_span(GUri *u, gsize *offset, gsize *len)
{
    const char *path = g_uri_get_path(u);
    if (!is_rtmp(u) || path[0] != '/')
        return FALSE;
    gsize end = strlen(path);
    while (end > 0 && path[end - 1] == '/')
        end--;
    gsize start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (start == end)
        return FALSE;
    *offset = start;
    *len = end - start;
    return TRUE;
}

static char *redact_unparsed(const char *uri)
{
    const char *sep = strstr(uri, "://");
    if (sep == NULL) {
        return g_strdup(HIDDEN);
    }
    return g_strdup_printf("%.*s://" HIDDEN, (int)(sep - uri), uri);
}

char *jc_uri_redact(const char *uri)
{
    g_return_val_if_fail(uri != NULL, NULL);
    if (is_local(uri)) {
        return g_strdup(uri);
    }
    g_autoptr(GUri) u = g_uri_parse(uri, PARSE_FLAGS, NULL);
    if (u == NULL) {
        return redact_unparsed(uri);
    }
    const char *path = g_uri_get_path(u);
    gsize key = 0, key_len = 0;
    g_autofree char *safe_path =
        key_span(u, &key, &key_len)
            ? g_strdup_printf("%.*s" HIDDEN "%s", (int)key, path, path + key + key_len)
            : g_strdup(path);
    return g_uri_join(G_URI_FLAGS_ENCODED, g_uri_get_scheme(u),
                      g_uri_get_userinfo(u) != NULL ? HIDDEN : NULL, g_uri_get_host(u),
                      g_uri_get_port(u), safe_path, g_uri_get_query(u) != NULL ? HIDDEN : NULL,
                      g_uri_get_fragment(u) != NULL ? HIDDEN : NULL);
}

/* A secret shorter than this is not searched for in free text: replacing every "p" of a message
 * would make it unreadable, and so short a secret protects nothing anyway. */
#define MIN_SECRET 4

static void add_secret(GPtrArray *secrets, const char *s)
{
    if (s != NULL && strlen(s) >= MIN_SECRET) {
        g_ptr_array_add(secrets, g_strdup(s));
    }
}

/* Longest first, so that a secret containing another is replaced whole. */
static gint by_length_desc(gconstpointer a, gconstpointer b)
{
    size_t la = strlen(*(const char *const *)a);
    size_t lb = strlen(*(const char *const *)b);
    return la < lb ? 1 : la > lb ? -1 : 0;
}

char *jc_uri_scrub(const char *text, const char *uri)
{
    g_return_val_if_fail(text != NULL, NULL);
    g_autoptr(GUri) u =
        uri != NULL ? g_uri_parse(uri, PARSE_FLAGS | G_URI_FLAGS_HAS_PASSWORD, NULL) : NULL;
    if (u == NULL) {
        return g_strdup(text);
    }
    g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func(g_free);
    add_secret(secrets, g_uri_get_userinfo(u));
    add_secret(secrets, g_uri_get_password(u));
    add_secret(secrets, g_uri_get_query(u));
    gsize key = 0, key_len = 0;
    if (key_span(u, &key, &key_len)) {
        g_autofree char *k = g_strndup(g_uri_get_path(u) + key, key_len);
        add_secret(secrets, k);
    }
    g_ptr_array_sort(secrets, by_length_desc);
    char *out = g_strdup(text);
    for (guint i = 0; i < secrets->len; i++) {
        g_auto(GStrv) parts = g_strsplit(out, g_ptr_array_index(secrets, i), -1);
        g_free(out);
        out = g_strjoinv(HIDDEN, parts);
    }
    return out;
}
