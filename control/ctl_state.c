/* ctl_state: state.get, signups.counts and stats.get: read-only snapshots gathered from the
 * rooms that own each part (postings, studio, shows, stats, stream). Owns nothing.
 *
 * Main thread only. */
#include "ctl_state.h"

#include "ctl_call.h"
#include "ctl_shows.h"

static const char *role_name(CtlRole role)
{
    switch (role) {
    case CTL_ROLE_PRODUCER:
        return "producer";
    case CTL_ROLE_HOST:
        return "host";
    case CTL_ROLE_OVERLAY:
        return "overlay";
    default:
        return "none";
    }
}

static JsonNode *method_state_get(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlStateRoom *r = call->rpc.room;
    JsonNode *postings = ctl_view_postings_json(r->view, error);
    if (postings == NULL)
        return NULL;
    JsonNode *counts = ctl_stats_counts_json(r->stats, ctl_studio_show_id(r->studio), error);
    if (counts == NULL) {
        json_node_unref(postings);
        return NULL;
    }
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "role", role_name(call->role));
    json_object_set_member(o, "on_air",
                           ctl_view_posting_or_null(r->view, ctl_studio_on_air(r->studio)));
    json_object_set_member(o, "postings", postings);
    ctl_studio_add_state(r->studio, o);
    ctl_shows_add_state(r->studio, o);
    json_object_set_member(o, "counts", counts);
    JsonNode *stats = ctl_stats_json(r->stats);
    ctl_stats_add_statuses(r->stats, json_node_get_object(stats), ctl_studio_show_id(r->studio));
    json_object_set_member(o, "stats", stats);
    JsonNode *stream = ctl_stream_status(r->stream);
    json_object_set_member(o, "stream",
                           stream != NULL ? json_node_copy(stream) : json_node_new(JSON_NODE_NULL));
    json_object_set_member(o, "province", ctl_province_status_json(r->province));
    JsonNode *state = ctl_json_object_node(o);
    if (call->role == CTL_ROLE_PRODUCER)
        return state;
    /* A host never learns the input or the outputs: what it gets is a copy without them. */
    JsonNode *for_host = ctl_stream_without_uris(state);
    json_node_unref(state);
    return for_host;
}

static JsonNode *method_stats(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlStateRoom *r = call->rpc.room;
    JsonNode *stats = ctl_stats_json(r->stats);
    ctl_stats_add_statuses(r->stats, json_node_get_object(stats), ctl_studio_show_id(r->studio));
    return stats;
}

static JsonNode *method_counts(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlStateRoom *r = call->rpc.room;
    return ctl_stats_counts_json(r->stats, ctl_studio_show_id(r->studio), error);
}

static const CtlRpcMethod state_methods[] = {
    {"state.get", method_state_get, 0, NULL},
    {"signups.counts", method_counts, 0, NULL},
    {"stats.get", method_stats, 0, NULL},
};

const CtlRpcMethod *ctl_state_methods(gsize *n)
{
    *n = G_N_ELEMENTS(state_methods);
    return state_methods;
}
