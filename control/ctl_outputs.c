/* ctl_outputs: the outputs.* methods (list, add, update, remove, enable, disable) over the stored
 * list, and outputs.changed to producers.
 *
 * Main thread only. A change is checked (jc_output.h's rule; over the protocol a file:// URI is
 * refused: a producer's token must not write files where jobcast can), stored, then handed to
 * the program (CtlOutputFunc); when the program refuses it the stored change is undone and the
 * caller gets the error, so the list and what runs never disagree. Answers come after the store
 * has the change.
 *
 * What a producer sees of an output: name, the URI redacted (jc_uri_redact: the stream key,
 * user info and query as ***), enabled, and the streamer's last word on it (state, kbps, bytes,
 * uptime, retry_in, attempts, error), matched by name. A disabled output is "disabled"; an
 * enabled one the streamer has not reported yet is "starting".
 *
 * Not responsible for running outputs (the streamer) or for roles (the method table's
 * CTL_RPC_PRODUCER flag and ctl_ws.c's producer-only "outputs." events). */
#include "ctl_outputs.h"

#include <string.h>

#include "ctl_call.h"
#include "ctl_store_outputs.h"
#include "jc_error.h"
#include "jc_output.h"
#include "jc_uri.h"

struct CtlOutputs {
    CtlOutputsConfig cfg;
    GHashTable *states; /* owned: name (owned) -> last state seen (owned) */
};

CtlOutputs *ctl_outputs_new(const CtlOutputsConfig *cfg)
{
    CtlOutputs *o = g_new0(CtlOutputs, 1);
    o->cfg = *cfg;
    o->states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return o;
}

void ctl_outputs_free(CtlOutputs *o)
{
    if (o == NULL)
        return;
    g_hash_table_unref(o->states);
    g_free(o);
}

gboolean ctl_outputs_merge(CtlOutputs *o, const char *const *names, const char *const *uris,
                           GError **error)
{
    for (guint i = 0; names != NULL && names[i] != NULL && uris[i] != NULL; i++) {
        if (!ctl_store_put_output(o->cfg.store, names[i], uris[i], error))
            return FALSE;
    }
    return TRUE;
}

void ctl_outputs_enabled(CtlOutputs *o, char ***names, char ***uris)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) rows = ctl_store_list_outputs(o->cfg.store, &error);
    g_autoptr(GStrvBuilder) n = g_strv_builder_new();
    g_autoptr(GStrvBuilder) u = g_strv_builder_new();
    if (rows == NULL)
        g_warning("outputs: %s", error->message);
    for (guint i = 0; rows != NULL && i < rows->len; i++) {
        CtlOutputRow *row = rows->pdata[i];
        if (row->enabled) {
            g_strv_builder_add(n, row->name);
            g_strv_builder_add(u, row->uri);
        }
    }
    *names = g_strv_builder_end(n);
    *uris = g_strv_builder_end(u);
}

/* The streamer's status of output name, NULL when it has none. (transfer none) */
static JsonObject *status_of(const CtlOutputs *o, const char *name)
{
    JsonNode *stream = ctl_stream_status(o->cfg.stream);
    if (stream == NULL || !JSON_NODE_HOLDS_OBJECT(stream))
        return NULL;
    JsonNode *outs = json_object_get_member(json_node_get_object(stream), "outputs");
    if (outs == NULL || !JSON_NODE_HOLDS_ARRAY(outs))
        return NULL;
    JsonArray *arr = json_node_get_array(outs);
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *e = json_array_get_element(arr, i);
        if (JSON_NODE_HOLDS_OBJECT(e) &&
            g_strcmp0(ctl_json_get_string(json_node_get_object(e), "name", NULL), name) == 0)
            return json_node_get_object(e);
    }
    return NULL;
}

static const char *state_of(const CtlOutputs *o, const CtlOutputRow *row)
{
    if (!row->enabled)
        return "disabled";
    JsonObject *st = status_of(o, row->name);
    return st != NULL ? ctl_json_get_string(st, "state", "starting") : "starting";
}

/* What a producer sees of row. (transfer full) */
static JsonNode *output_json(const CtlOutputs *o, const CtlOutputRow *row)
{
    static const char *const numbers[] = {"kbps", "bytes", "uptime", "retry_in", "attempts"};
    JsonObject *st = row->enabled ? status_of(o, row->name) : NULL;
    g_autofree char *safe = jc_uri_redact(row->uri);
    JsonObject *j = json_object_new();
    json_object_set_string_member(j, "name", row->name);
    json_object_set_string_member(j, "uri", safe);
    json_object_set_boolean_member(j, "enabled", row->enabled);
    json_object_set_string_member(j, "state", state_of(o, row));
    for (gsize i = 0; i < G_N_ELEMENTS(numbers); i++) {
        JsonNode *n = st != NULL ? json_object_get_member(st, numbers[i]) : NULL;
        if (n != NULL && JSON_NODE_HOLDS_VALUE(n))
            json_object_set_member(j, numbers[i], json_node_copy(n));
        else
            json_object_set_int_member(j, numbers[i], 0);
    }
    const char *err = st != NULL ? ctl_json_get_string(st, "error", NULL) : NULL;
    if (err != NULL)
        json_object_set_string_member(j, "error", err);
    else
        json_object_set_null_member(j, "error");
    return ctl_json_object_node(j);
}

/* {"outputs": [...]}, or NULL with error. (transfer full) */
static JsonNode *list_json(const CtlOutputs *o, GError **error)
{
    g_autoptr(GPtrArray) rows = ctl_store_list_outputs(o->cfg.store, error);
    if (rows == NULL)
        return NULL;
    JsonArray *arr = json_array_sized_new(rows->len);
    for (guint i = 0; i < rows->len; i++)
        json_array_add_element(arr, output_json(o, rows->pdata[i]));
    JsonObject *j = json_object_new();
    json_object_set_array_member(j, "outputs", arr);
    return ctl_json_object_node(j);
}

/* Tells producers the list as it is now (outputs.changed). */
static void tell(const CtlOutputs *o)
{
    if (!ctl_notify_listening(o->cfg.notify))
        return;
    g_autoptr(GError) error = NULL;
    JsonNode *list = list_json(o, &error);
    if (list == NULL) {
        g_warning("outputs: %s", error->message);
        return;
    }
    ctl_notify(o->cfg.notify, "outputs.changed", list);
}

void ctl_outputs_stream_changed(CtlOutputs *o, JsonNode *stream)
{
    if (stream == NULL || !JSON_NODE_HOLDS_OBJECT(stream))
        return;
    JsonNode *outs = json_object_get_member(json_node_get_object(stream), "outputs");
    if (outs == NULL || !JSON_NODE_HOLDS_ARRAY(outs))
        return;
    JsonArray *arr = json_node_get_array(outs);
    g_autoptr(GHashTable) now = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    gboolean changed = FALSE;
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *e = json_array_get_element(arr, i);
        if (!JSON_NODE_HOLDS_OBJECT(e))
            continue;
        const char *name = ctl_json_get_string(json_node_get_object(e), "name", "");
        const char *state = ctl_json_get_string(json_node_get_object(e), "state", "");
        if (name[0] == '\0') /* not one of ours (every output the streamer runs has a name) */
            continue;
        changed = changed || g_strcmp0(g_hash_table_lookup(o->states, name), state) != 0;
        g_hash_table_replace(now, g_strdup(name), g_strdup(state));
    }
    if (!changed && g_hash_table_size(now) == g_hash_table_size(o->states))
        return;
    g_hash_table_unref(o->states);
    o->states = g_steal_pointer(&now);
    tell(o);
}

/* ---- the methods ---- */

static gboolean read_name(JsonObject *params, const char **name, GError **error)
{
    return ctl_param_string(params, "name", name, error) && jc_output_name_check(*name, error);
}

/* A URI a producer may set: the one rule, and no file:// (a token must not write files). */
static gboolean read_uri(JsonObject *params, const char **uri, GError **error)
{
    JcOutputKind kind = JC_OUTPUT_RTMP;
    if (!ctl_param_string(params, "uri", uri, error))
        return FALSE;
    if (!jc_output_uri_check(*uri, &kind, error)) {
        if (!g_str_has_prefix((*error)->message, "uri: "))
            g_prefix_error(error, "uri: ");
        return FALSE;
    }
    if (kind == JC_OUTPUT_FILE) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "uri: file outputs are set at start-up only (--output); over the protocol "
                    "use rtmp://, rtmps:// or srt://");
        return FALSE;
    }
    return TRUE;
}

/* Hands row to the program: runs it when enabled, stops it when not. */
static gboolean apply(const CtlOutputs *o, const CtlOutputRow *row, GError **error)
{
    if (o->cfg.apply == NULL)
        return TRUE;
    return o->cfg.apply(row->name, row->enabled ? row->uri : NULL, o->cfg.apply_data, error);
}

/* The stored and running output after a change: {"output": {...}}; producers are told. */
static JsonNode *changed(const CtlOutputs *o, const char *name, GError **error)
{
    g_autoptr(CtlOutputRow) row = ctl_store_get_output(o->cfg.store, name, error);
    if (row == NULL)
        return NULL;
    g_message("output %s: %s", name, row->enabled ? "set" : "disabled");
    tell(o);
    return ctl_json_wrap("output", output_json(o, row));
}

static JsonNode *method_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    return list_json(call->rpc.room, error);
}

static JsonNode *method_add(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlOutputs *o = call->rpc.room;
    CtlOutputRow row = {.enabled = TRUE};
    const char *name = NULL;
    const char *uri = NULL;
    if (!read_name(params, &name, error) || !read_uri(params, &uri, error) ||
        !ctl_param_bool_optional(params, "enabled", &row.enabled, error))
        return NULL;
    row.name = (char *)name;
    row.uri = (char *)uri;
    if (!ctl_store_add_output(o->cfg.store, name, uri, row.enabled, error))
        return NULL;
    if (!apply(o, &row, error)) {
        ctl_store_remove_output(o->cfg.store, name, NULL);
        return NULL;
    }
    return changed(o, name, error);
}

/* Stores new (whose name is old's) and runs it; on the program's refusal old is stored again. */
static JsonNode *replace(const CtlOutputs *o, const CtlOutputRow *old, const CtlOutputRow *new,
                         GError **error)
{
    if (!ctl_store_update_output(o->cfg.store, new->name, new->uri, new->enabled, error))
        return NULL;
    if (!apply(o, new, error)) {
        ctl_store_update_output(o->cfg.store, old->name, old->uri, old->enabled, NULL);
        return NULL;
    }
    return changed(o, new->name, error);
}

static JsonNode *method_update(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlOutputs *o = call->rpc.room;
    const char *name = NULL;
    if (!read_name(params, &name, error))
        return NULL;
    gboolean has_uri = json_object_has_member(params, "uri");
    if (!has_uri && !json_object_has_member(params, "enabled")) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "uri: give a uri, enabled, or both");
        return NULL;
    }
    const char *uri = NULL;
    if (has_uri && !read_uri(params, &uri, error))
        return NULL;
    g_autoptr(CtlOutputRow) old = ctl_store_get_output(o->cfg.store, name, error);
    if (old == NULL)
        return NULL;
    CtlOutputRow new = {old->name, has_uri ? (char *)uri : old->uri, old->enabled};
    if (!ctl_param_bool_optional(params, "enabled", &new.enabled, error))
        return NULL;
    return replace(o, old, &new, error);
}

/* The stored output that params' `name` names; NULL with error set when the name is bad or
 * no output has it. (transfer full) */
static CtlOutputRow *named_output(const CtlOutputs *o, JsonObject *params, const char **name,
                                  GError **error)
{
    if (!read_name(params, name, error))
        return NULL;
    return ctl_store_get_output(o->cfg.store, *name, error);
}

static JsonNode *set_enabled(JsonObject *params, gpointer data, gboolean enabled, GError **error)
{
    const CtlOutputs *o = ((CtlCall *)data)->rpc.room;
    const char *name = NULL;
    g_autoptr(CtlOutputRow) old = named_output(o, params, &name, error);
    if (old == NULL)
        return NULL;
    CtlOutputRow new = {old->name, old->uri, enabled};
    return replace(o, old, &new, error);
}

static JsonNode *method_enable(JsonObject *params, gpointer data, GError **error)
{
    return set_enabled(params, data, TRUE, error);
}

static JsonNode *method_disable(JsonObject *params, gpointer data, GError **error)
{
    return set_enabled(params, data, FALSE, error);
}

static JsonNode *method_remove(JsonObject *params, gpointer data, GError **error)
{
    const CtlOutputs *o = ((CtlCall *)data)->rpc.room;
    const char *name = NULL;
    g_autoptr(CtlOutputRow) old = named_output(o, params, &name, error);
    if (old == NULL || !ctl_store_remove_output(o->cfg.store, name, error))
        return NULL;
    CtlOutputRow gone = {old->name, old->uri, FALSE};
    apply(o, &gone, NULL); /* stopping cannot fail */
    g_message("output %s: removed", name);
    tell(o);
    JsonObject *j = json_object_new();
    json_object_set_string_member(j, "name", name);
    json_object_set_boolean_member(j, "removed", TRUE);
    return ctl_json_object_node(j);
}

static const CtlRpcMethod outputs_methods[] = {
    {"outputs.list", method_list, CTL_RPC_PRODUCER, NULL},
    {"outputs.add", method_add, CTL_RPC_PRODUCER, NULL},
    {"outputs.update", method_update, CTL_RPC_PRODUCER, NULL},
    {"outputs.remove", method_remove, CTL_RPC_PRODUCER, NULL},
    {"outputs.enable", method_enable, CTL_RPC_PRODUCER, NULL},
    {"outputs.disable", method_disable, CTL_RPC_PRODUCER, NULL},
};

const CtlRpcMethod *ctl_outputs_methods(gsize *n)
{
    *n = G_N_ELEMENTS(outputs_methods);
    return outputs_methods;
}
