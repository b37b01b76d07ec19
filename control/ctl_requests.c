/* ctl_requests: HTTP answers by route pattern and status (see ctl_requests.h). */
#include "ctl_requests.h"

#include <string.h>

/* Every route jobcast serves, as exact paths; the patterns with a variable part are matched in
 * ctl_requests_route(). "other" is last: anything else. */
static const char *const routes[] = {
    "/healthz",
    "/login",
    "/control",
    "/host",
    "/metrics",
    "/overlay",
    "/api/control",
    "/api/preview.jpg",
    "/api/export.csv",
    "/api/asaired.csv",
    "/api/card.png",
    "/api/postings/poster.png",
    "/api/overlay/layers",
    "/api/overlay/layer.png",
    "/api/apply",
    "/api/apply/verify",
    "/api/apply/resend",
    "/api/questions",
    "/a/withdraw",
    "/a/desk",
    "/a/status",
    "/a/:id",
    "/a/:id/thanks",
    "/a/:id/asked",
    "/a/:id/poster.png",
    "/j",
    "/static/:name",
    "/api/actions/:name",
    "other",
};

#define ROUTE_OTHER (G_N_ELEMENTS(routes) - 1)

struct CtlRequests {
    GHashTable *counts; /* owned: key route index << 16 | status, value guint64 * (owned) */
};

CtlRequests *ctl_requests_new(void)
{
    CtlRequests *r = g_new0(CtlRequests, 1);
    r->counts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return r;
}

void ctl_requests_free(CtlRequests *r)
{
    if (r == NULL)
        return;
    g_hash_table_unref(r->counts);
    g_free(r);
}

static guint index_of(const char *route)
{
    for (guint i = 0; i < ROUTE_OTHER; i++) {
        if (strcmp(routes[i], route) == 0)
            return i;
    }
    return ROUTE_OTHER;
}

/* The pattern of a path under /a/ (tail: what follows "/a/", matched as ctl_apply_get does). */
static const char *apply_route(const char *tail)
{
    if (g_ascii_strcasecmp(tail, "withdraw") == 0)
        return "/a/withdraw";
    if (g_ascii_strcasecmp(tail, "desk") == 0)
        return "/a/desk";
    if (g_ascii_strcasecmp(tail, "status") == 0)
        return "/a/status";
    gsize n = strlen(tail);
    const gsize thanks = strlen("/thanks");
    if (n > thanks && g_ascii_strcasecmp(tail + n - thanks, "/thanks") == 0)
        return "/a/:id/thanks";
    const gsize poster = strlen("/poster.png");
    if (n > poster && g_ascii_strcasecmp(tail + n - poster, "/poster.png") == 0)
        return "/a/:id/poster.png";
    const gsize asked = strlen("/asked");
    if (n > asked && g_ascii_strcasecmp(tail + n - asked, "/asked") == 0)
        return "/a/:id/asked";
    return "/a/:id";
}

const char *ctl_requests_route(const char *path)
{
    if (path == NULL)
        return routes[ROUTE_OTHER];
    if (g_ascii_strncasecmp(path, "/a/", 3) == 0)
        return apply_route(path + 3);
    if (g_str_has_prefix(path, "/static/"))
        return "/static/:name";
    if (g_str_has_prefix(path, "/api/actions/"))
        return "/api/actions/:name";
    return routes[index_of(path)];
}

void ctl_requests_count(CtlRequests *r, const char *path, guint status)
{
    if (r == NULL)
        return;
    guint key = index_of(ctl_requests_route(path)) << 16 | MIN(status, 999u);
    guint64 *n = g_hash_table_lookup(r->counts, GUINT_TO_POINTER(key));
    if (n == NULL) {
        n = g_new0(guint64, 1);
        g_hash_table_insert(r->counts, GUINT_TO_POINTER(key), n);
    }
    (*n)++;
}

static gint by_key(gconstpointer a, gconstpointer b)
{
    guint ka = GPOINTER_TO_UINT(a);
    guint kb = GPOINTER_TO_UINT(b);
    return ka < kb ? -1 : ka > kb;
}

void ctl_requests_metrics(const CtlRequests *r, GString *out)
{
    g_string_append(out, "# HELP jobcast_http_requests_total HTTP answers sent, by route pattern "
                         "and status code\n"
                         "# TYPE jobcast_http_requests_total counter\n");
    GList *keys = g_list_sort(g_hash_table_get_keys(r->counts), by_key);
    for (GList *l = keys; l != NULL; l = l->next) {
        guint k = GPOINTER_TO_UINT(l->data);
        const guint64 *n = g_hash_table_lookup(r->counts, l->data);
        g_string_append_printf(out,
                               "jobcast_http_requests_total{route=\"%s\",code=\"%u\"} "
                               "%" G_GUINT64_FORMAT "\n",
                               routes[k >> 16], k & 0xffff, *n);
    }
    g_list_free(keys);
}
