/* ctl_overlay_http: /overlay, its layer endpoints and overlay.layers (see ctl_overlay_http.h).
 *
 * Main thread only, apart from the encoding: a layer's PNG takes milliseconds to tens of them
 * (the deflate), so it runs on a GTask worker as a CtlPending. Main takes the layer's ref
 * (CtlOverlayHooks.layer_ref) before the task starts; the worker reads only that ref and writes
 * only png/error; main reads them in the done callback, keeps the PNG in a small cache of the
 * layers on air (so every page showing the overlay costs one encoding per layer) and answers.
 * At most LAYERS_IN_FLIGHT_MAX encodings at once (then 503: the page asks again).
 *
 * Not responsible for what the layers are: the program's (app/), through the hooks. */
#include "ctl_overlay_http.h"

#include <string.h>

#include "ctl_call.h"
#include "ctl_reply.h"
#include "jc_error.h"

#define LAYERS_IN_FLIGHT_MAX 8 /* a take's card, QR and counter, a page's first load: 7 */
#define CACHE_MAX 32           /* PNGs kept; pruned to the layers on air at every listing */

struct CtlOverlayDesk {
    CtlAccess *access;            /* borrowed */
    const CtlNotifier *notify;    /* borrowed */
    const CtlOverlayHooks *hooks; /* borrowed, may be NULL */
    gpointer hooks_data;          /* borrowed */
    CtlPendingList layers;        /* encodings in flight */
    GHashTable *cache;            /* owned: guint64* id -> GBytes* PNG (both owned) */
};

/* A layer being encoded (the payload of its CtlPending). */
typedef struct {
    CtlOverlayDesk *desk;         /* borrowed; only touched while the pending is not orphaned */
    const CtlOverlayHooks *hooks; /* borrowed: static, outlives every worker */
    gpointer layer;               /* a ref from layer_ref (owned) */
    guint64 id;
    GBytes *png;   /* worker's result (owned), or NULL with error */
    GError *error; /* worker's result (owned) */
} Layer;

static void layer_free(gpointer data)
{
    Layer *t = data;
    t->hooks->layer_unref(t->layer);
    g_clear_pointer(&t->png, g_bytes_unref);
    g_clear_error(&t->error);
    g_free(t);
}

CtlOverlayDesk *ctl_overlay_desk_new(CtlAccess *access, const CtlNotifier *notify)
{
    CtlOverlayDesk *d = g_new0(CtlOverlayDesk, 1);
    d->access = access;
    d->notify = notify;
    d->cache =
        g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_bytes_unref);
    return d;
}

void ctl_overlay_desk_free(CtlOverlayDesk *d)
{
    if (d == NULL)
        return;
    ctl_pending_list_orphan(&d->layers);
    g_hash_table_unref(d->cache);
    g_free(d);
}

void ctl_overlay_desk_set_hooks(CtlOverlayDesk *d, const CtlOverlayHooks *hooks, gpointer data)
{
    d->hooks = hooks;
    d->hooks_data = data;
}

void ctl_overlay_desk_changed(CtlOverlayDesk *d, guint64 version)
{
    if (!ctl_notify_listening(d->notify))
        return;
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "version", (gint64)version);
    ctl_notify(d->notify, "overlay.changed", ctl_json_object_node(o));
}

guint ctl_overlay_desk_in_flight(const CtlOverlayDesk *d)
{
    return ctl_pending_list_length(&d->layers);
}

/* Any role that may see the picture (host, producer, overlay); FALSE after answering. */
static gboolean reader_allowed(CtlOverlayDesk *d, CtlSession *s)
{
    CtlWho who = ctl_access_request(d->access, s->wsi);
    if (who.role == CTL_ROLE_NONE) {
        ctl_reply_auth_needed(s, &who);
        return FALSE;
    }
    return TRUE;
}

void ctl_overlay_page(CtlOverlayDesk *d, CtlSession *s)
{
    char buf[512];
    const char *token = lws_get_urlarg_by_name(s->wsi, "token=", buf, sizeof buf);
    gboolean has_args = lws_hdr_total_length(s->wsi, WSI_TOKEN_HTTP_URI_ARGS) > 0;
    CtlWho who = token != NULL || has_args ? ctl_access_bearer(d->access, s->wsi, token)
                                           : ctl_access_session(d->access, s->wsi);
    if (who.retry_after > 0) {
        ctl_reply_locked_out(s, who.retry_after);
        return;
    }
    if (who.role == CTL_ROLE_NONE) {
        ctl_reply_message(
            s, 401, "需要令牌",
            "请使用带 token 的叠加层链接（jobcast accounts add NAME --role overlay）。"
            "Open the overlay link with its token.");
        return;
    }
    if (who.bearer) {
        g_autofree char *cookie = ctl_access_session_cookie(d->access, s->wsi, &who);
        ctl_reply_header(s, "set-cookie:", cookie);
    }
    /* The token is in this page's address: it must not leak to anyone through a referrer. */
    ctl_reply_header(s, "referrer-policy:", "no-referrer");
    ctl_reply_private_page(s, "overlay.html");
}

/* The layers now on air, or an empty list without hooks. Prunes the PNG cache to them.
 * (transfer full) */
static JsonNode *current_layers(CtlOverlayDesk *d)
{
    if (d->hooks == NULL) {
        JsonObject *o = json_object_new();
        json_object_set_int_member(o, "version", 0);
        json_object_set_array_member(o, "layers", json_array_new());
        return ctl_json_object_node(o);
    }
    JsonNode *node = d->hooks->layers(d->hooks_data);
    JsonArray *layers = json_object_get_array_member(json_node_get_object(node), "layers");
    g_autoptr(GHashTable) on_air = g_hash_table_new(g_int64_hash, g_int64_equal);
    guint n = layers != NULL ? json_array_get_length(layers) : 0;
    g_autofree gint64 *ids = g_new0(gint64, n + 1);
    for (guint i = 0; i < n; i++) {
        ids[i] = json_object_get_int_member(json_array_get_object_element(layers, i), "id");
        g_hash_table_add(on_air, &ids[i]);
    }
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, d->cache);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (!g_hash_table_contains(on_air, key))
            g_hash_table_iter_remove(&it);
    }
    return node;
}

void ctl_overlay_layers_get(CtlOverlayDesk *d, CtlSession *s)
{
    if (!reader_allowed(d, s))
        return;
    JsonNode *node = current_layers(d);
    ctl_reply_header(s, "cache-control:", "no-store");
    ctl_reply_json(s, 200, node);
}

static void layer_worker(gpointer data)
{
    Layer *t = data;
    t->png = t->hooks->layer_png(t->layer, &t->error);
    if (t->png == NULL && t->error == NULL)
        g_set_error_literal(&t->error, JC_ERROR, JC_ERROR_RENDER, "the layer was not encoded");
}

static void reply_png(CtlSession *s, GBytes *png)
{
    /* A layer's id names its pixels for ever: the page may keep them. */
    ctl_reply_header(s, "cache-control:", "private, max-age=86400, immutable");
    ctl_reply(s, 200, "image/png", g_bytes_ref(png));
}

static void layer_done(CtlPending *p, gpointer data)
{
    Layer *t = data;
    if (!ctl_pending_orphaned(p) && t->png != NULL && g_hash_table_size(t->desk->cache) < CACHE_MAX)
        g_hash_table_insert(t->desk->cache, g_memdup2(&t->id, sizeof t->id), g_bytes_ref(t->png));
    CtlSession *s = ctl_pending_finish(p);
    if (s == NULL)
        return;
    if (t->png != NULL)
        reply_png(s, t->png);
    else
        ctl_reply_error(s, 500, "render", NULL, t->error->message);
}

void ctl_overlay_layer_get(CtlOverlayDesk *d, CtlSession *s)
{
    if (!reader_allowed(d, s))
        return;
    char buf[32];
    const char *arg = lws_get_urlarg_by_name(s->wsi, "id=", buf, sizeof buf);
    guint64 id = 0;
    if (arg == NULL || !g_ascii_string_to_unsigned(arg, 10, 1, G_MAXINT64, &id, NULL)) {
        ctl_reply_error(s, 400, "invalid", "id", "id: a positive integer");
        return;
    }
    GBytes *cached = g_hash_table_lookup(d->cache, &id);
    if (cached != NULL) {
        reply_png(s, cached);
        return;
    }
    gpointer layer = d->hooks != NULL ? d->hooks->layer_ref(id, d->hooks_data) : NULL;
    if (layer == NULL) {
        ctl_reply_error(s, 404, "not_found", "id", "no such layer on air");
        return;
    }
    if (ctl_pending_list_length(&d->layers) >= LAYERS_IN_FLIGHT_MAX) {
        d->hooks->layer_unref(layer);
        ctl_reply_header(s, "retry-after:", "1");
        ctl_reply_error(s, 503, "busy", NULL, "too many layers being encoded at once");
        return;
    }
    Layer *t = g_new0(Layer, 1);
    t->desk = d;
    t->hooks = d->hooks;
    t->layer = layer;
    t->id = id;
    CtlPending *p = ctl_pending_new(t, layer_free);
    ctl_pending_track(p, &d->layers);
    ctl_pending_wait(p, &s->http.waiting, s);
    ctl_pending_run(p, layer_worker, layer_done);
}

static JsonNode *method_overlay_layers(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    return current_layers(call->rpc.room);
}

static const CtlRpcMethod overlay_methods[] = {
    {"overlay.layers", method_overlay_layers, 0, NULL},
};

const CtlRpcMethod *ctl_overlay_methods(gsize *n)
{
    *n = G_N_ELEMENTS(overlay_methods);
    return overlay_methods;
}
