/* ctl_routes: the HTTP router and the small handlers that need no room of their own
 * (/healthz, the producer and host pages, preview frames, /metrics); the overlay's page and
 * layers are ctl_overlay_http.c's.
 *
 * Main thread only. Owns only the pipeline-ready flag and the preview source; every other
 * answer is a handler's (ctl_apply_http.c, ctl_login.c, ctl_card_http.c, ctl_export.c). */
#include "ctl_routes.h"

#include <string.h>

#include "ctl_export.h"
#include "ctl_process.h"
#include "ctl_reply.h"
#include "ctl_rpc.h"

struct CtlRoutes {
    CtlRoutesConfig rooms; /* borrowed pointers */
    gboolean pipeline_ready;
    CtlPreviewFunc preview_fn; /* may be NULL */
    gpointer preview_data;
};

CtlRoutes *ctl_routes_new(const CtlRoutesConfig *cfg)
{
    CtlRoutes *r = g_new0(CtlRoutes, 1);
    r->rooms = *cfg;
    return r;
}

void ctl_routes_free(CtlRoutes *r)
{
    g_free(r);
}

CtlRejects *ctl_routes_rejects(CtlRoutes *r)
{
    return r->rooms.rejects;
}

CtlRequests *ctl_routes_requests(CtlRoutes *r)
{
    return r->rooms.requests;
}

void ctl_routes_set_pipeline_ready(CtlRoutes *r, gboolean ready)
{
    r->pipeline_ready = ready;
}

void ctl_routes_set_preview_func(CtlRoutes *r, CtlPreviewFunc fn, gpointer data)
{
    r->preview_fn = fn;
    r->preview_data = data;
}

static void get_healthz(CtlRoutes *r, CtlSession *s)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "status", r->pipeline_ready ? "ok" : "starting");
    ctl_reply_json(s, r->pipeline_ready ? 200 : 503, ctl_json_object_node(o));
}

static void get_control(CtlRoutes *r, CtlSession *s)
{
    CtlRole role = ctl_access_session_role(r->rooms.access, s->wsi);
    if (!ctl_role_reads(role)) {
        ctl_reply_redirect(s, "/login");
        return;
    }
    if (role != CTL_ROLE_PRODUCER) {
        ctl_reply_redirect(s, "/host");
        return;
    }
    ctl_reply_private_page(s, "control.html");
}

static void get_host(CtlRoutes *r, CtlSession *s)
{
    if (!ctl_role_reads(ctl_access_session_role(r->rooms.access, s->wsi))) {
        ctl_reply_redirect(s, "/login");
        return;
    }
    ctl_reply_private_page(s, "host.html");
}

static void get_preview(CtlRoutes *r, CtlSession *s)
{
    CtlWho who = ctl_access_request(r->rooms.access, s->wsi);
    if (!ctl_role_reads(who.role)) {
        ctl_reply_auth_needed(s, &who);
        return;
    }
    gint64 seq = 0;
    GBytes *jpeg = r->preview_fn != NULL ? r->preview_fn(r->preview_data, &seq) : NULL;
    if (jpeg == NULL) {
        ctl_reply_header(s, "cache-control:", "no-store");
        ctl_reply_error(s, 404, "not_found", NULL, "no preview frame yet");
        return;
    }
    char seqs[32];
    g_snprintf(seqs, sizeof seqs, "%" G_GINT64_FORMAT, seq);
    ctl_reply_header(s, "cache-control:", "no-store");
    ctl_reply_header(s, "x-frame-seq:", seqs);
    ctl_reply(s, 200, "image/jpeg", jpeg);
}

static void get_metrics(CtlRoutes *r, CtlSession *s)
{
    CtlMetricsInput in = {
        .pipeline_ready = r->pipeline_ready,
        .connections = ctl_ws_connections(r->rooms.ws),
        .signups_pending = ctl_apply_pending(r->rooms.apply),
        .stream = ctl_stream_status(r->rooms.stream),
    };
    g_autofree char *stats = ctl_stats_metrics(r->rooms.stats, &in);
    GString *out = g_string_new(stats);
    if (r->rooms.conns != NULL)
        ctl_conns_metrics(r->rooms.conns, out);
    if (r->rooms.rejects != NULL)
        ctl_rejects_metrics(r->rooms.rejects, out);
    if (r->rooms.requests != NULL)
        ctl_requests_metrics(r->rooms.requests, out);
    ctl_process_metrics(out);
    ctl_apply_metrics(r->rooms.apply, out);
    ctl_province_metrics(r->rooms.province, out);
    ctl_reply_text(s, 200, "text/plain; version=0.0.4; charset=utf-8", g_string_free(out, FALSE));
}

/* Paths the public listener serves when an admin listener takes the rest. */
static gboolean public_path(const char *path)
{
    return strcmp(path, "/healthz") == 0 || g_ascii_strncasecmp(path, "/a/", 3) == 0 ||
           strcmp(path, "/j") == 0 || strcmp(path, "/api/apply") == 0 ||
           g_str_has_prefix(path, "/static/");
}

/* A documented dispatcher: one line per route. */
void ctl_routes_get(CtlRoutes *r, CtlSession *s, const char *path)
{
    if (!public_path(path) && !ctl_access_admin_allowed(r->rooms.access, s->wsi))
        ctl_reply_not_found(s);
    else if (strcmp(path, "/healthz") == 0)
        get_healthz(r, s);
    else if (g_ascii_strcasecmp(path, "/a/desk") == 0)
        ctl_desk_get(r->rooms.desk, s);
    else if (g_ascii_strcasecmp(path, "/a/status") == 0)
        ctl_desk_status_get(r->rooms.desk, s);
    else if (g_ascii_strncasecmp(path, "/a/", 3) == 0 && g_str_has_suffix(path, "/poster.png"))
        ctl_card_public_poster_get(r->rooms.cards, s, path + 3);
    else if (g_ascii_strncasecmp(path, "/a/", 3) == 0)
        ctl_apply_get(r->rooms.apply, s, path + 3);
    else if (strcmp(path, "/j") == 0)
        ctl_apply_lookup_get(r->rooms.apply, s);
    else if (strcmp(path, "/login") == 0)
        ctl_login_get(r->rooms.login, s);
    else if (strcmp(path, "/control") == 0)
        get_control(r, s);
    else if (strcmp(path, "/host") == 0)
        get_host(r, s);
    else if (strcmp(path, "/metrics") == 0)
        get_metrics(r, s);
    else if (strcmp(path, "/api/preview.jpg") == 0)
        get_preview(r, s);
    else if (strcmp(path, "/api/export.csv") == 0)
        ctl_export_get(r->rooms.store, r->rooms.access, r->rooms.tz, s);
    else if (strcmp(path, "/api/asaired.csv") == 0)
        ctl_export_asaired_get(r->rooms.store, r->rooms.access, r->rooms.tz, s);
    else if (strcmp(path, "/api/card.png") == 0)
        ctl_card_get(r->rooms.cards, s);
    else if (strcmp(path, "/api/postings/poster.png") == 0)
        ctl_card_poster_get(r->rooms.cards, s);
    else if (strcmp(path, "/overlay") == 0)
        ctl_overlay_page(r->rooms.overlay, s);
    else if (strcmp(path, "/api/overlay/layers") == 0)
        ctl_overlay_layers_get(r->rooms.overlay, s);
    else if (strcmp(path, "/api/overlay/layer.png") == 0)
        ctl_overlay_layer_get(r->rooms.overlay, s);
    else if (g_str_has_prefix(path, "/static/"))
        ctl_reply_resource(s, path + strlen("/static/"));
    else if (g_str_has_prefix(path, CTL_ACTIONS_PREFIX))
        ctl_actions_wrong_method(s);
    else
        ctl_reply_not_found(s);
}

void ctl_routes_post(CtlRoutes *r, CtlSession *s)
{
    const char *path = s->http.path;
    gboolean admin = ctl_access_admin_allowed(r->rooms.access, s->wsi);
    if (strcmp(path, "/api/apply") == 0)
        ctl_apply_post(r->rooms.apply, s);
    else if (strcmp(path, "/api/apply/verify") == 0)
        ctl_apply_code_post(r->rooms.apply, s, FALSE);
    else if (strcmp(path, "/api/apply/resend") == 0)
        ctl_apply_code_post(r->rooms.apply, s, TRUE);
    else if (strcmp(path, "/api/questions") == 0)
        ctl_apply_ask_post(r->rooms.apply, s);
    else if (strcmp(path, "/a/withdraw") == 0)
        ctl_apply_withdraw_post(r->rooms.apply, s);
    else if (strcmp(path, "/a/desk") == 0)
        ctl_desk_post(r->rooms.desk, s);
    else if (strcmp(path, "/api/card.png") == 0 && admin)
        ctl_card_post(r->rooms.cards, s);
    else if (strcmp(path, "/login") == 0 && admin)
        ctl_login_post(r->rooms.login, s);
    else if (g_str_has_prefix(path, CTL_ACTIONS_PREFIX) && admin)
        ctl_actions_post(r->rooms.actions, s, path + strlen(CTL_ACTIONS_PREFIX));
    else
        ctl_reply_not_found(s);
}
