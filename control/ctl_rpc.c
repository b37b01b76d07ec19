/* ctl_rpc: JSON-RPC 2.0 request parsing, dispatch and reply building (pure, no I/O).
 *
 * Rules kept here (JSON-RPC 2.0 section 4-5): a request is an object with "jsonrpc":"2.0", a
 * string "method", optional "params" and optional "id" (string, integer or null). Without "id"
 * it is a notification and gets no reply, not even an error, unless it is malformed enough that
 * we cannot tell (then the error goes out with id null, as the spec asks). Params are accepted
 * by name only: an array is -32602, any other type -32600.
 *
 * Also the one set of typed parameter readers every method uses, and the helpers for a method
 * that answers later (ctl_rpc_defer, ctl_rpc_build_reply). */
#include "ctl_rpc.h"

#include <string.h>

#include "jc_error.h"

static const struct {
    int jc_code;
    int rpc_code;
    const char *reason;
} error_map[] = {
    {JC_ERROR_INVALID, CTL_RPC_INVALID_PARAMS, "invalid"},
    {JC_ERROR_NOT_FOUND, CTL_RPC_NOT_FOUND, "not_found"},
    {JC_ERROR_TOO_LARGE, CTL_RPC_TOO_LARGE, "too_large"},
    {JC_ERROR_AUTH, CTL_RPC_AUTH, "auth"},
    {JC_ERROR_CONFLICT, CTL_RPC_CONFLICT, "conflict"},
    {JC_ERROR_RATE_LIMITED, CTL_RPC_RATE_LIMITED, "rate_limited"},
    {JC_ERROR_DB, CTL_RPC_DB, "db"},
    {JC_ERROR_IO, CTL_RPC_IO, "io"},
    {JC_ERROR_PIPELINE, CTL_RPC_PIPELINE, "pipeline"},
    {JC_ERROR_RENDER, CTL_RPC_RENDER, "render"},
};

int ctl_rpc_code_for_error(const GError *error)
{
    if (error == NULL || error->domain != JC_ERROR)
        return CTL_RPC_INTERNAL_ERROR;
    for (gsize i = 0; i < G_N_ELEMENTS(error_map); i++) {
        if (error_map[i].jc_code == error->code)
            return error_map[i].rpc_code;
    }
    return CTL_RPC_SERVER_ERROR;
}

const char *ctl_rpc_reason_for_error(const GError *error)
{
    if (error == NULL || error->domain != JC_ERROR)
        return "internal";
    for (gsize i = 0; i < G_N_ELEMENTS(error_map); i++) {
        if (error_map[i].jc_code == error->code)
            return error_map[i].reason;
    }
    return "server";
}

char *ctl_json_to_string(JsonNode *node)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_root(gen, node);
    return json_generator_to_data(gen, NULL);
}

CtlJsonShape ctl_json_shape(const char *text, gsize len, guint max_depth)
{
    guint depth = 0;
    gboolean in_string = FALSE;
    gboolean started = FALSE; /* a top-level value has begun (or something json-glib skips) */
    for (gsize i = 0; i < len; i++) {
        char ch = text[i];
        if (in_string) {
            if (ch == '\\')
                i++; /* skip the escaped character, whatever it is */
            else if (ch == '"')
                in_string = FALSE;
            continue;
        }
        if (ch == '"') {
            in_string = TRUE;
        } else if (ch == '[' || ch == '{') {
            if (depth == 0 && started)
                return CTL_JSON_SECOND_VALUE;
            if (++depth > max_depth)
                return CTL_JSON_TOO_DEEP;
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            depth--;
        }
        if (depth == 0 && ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
            started = TRUE;
    }
    return CTL_JSON_PLAIN;
}

JsonNode *ctl_json_object_node(JsonObject *o)
{
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);
    json_node_take_object(node, o);
    return node;
}

JsonNode *ctl_json_wrap(const char *key, JsonNode *value)
{
    JsonObject *o = json_object_new();
    json_object_set_member(o, key, value);
    return ctl_json_object_node(o);
}

void ctl_json_add_string(JsonBuilder *b, const char *name, const char *value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_string_value(b, value);
}

void ctl_json_add_int(JsonBuilder *b, const char *name, gint64 value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, value);
}

void ctl_json_add_double(JsonBuilder *b, const char *name, double value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_double_value(b, value);
}

void ctl_json_add_bool(JsonBuilder *b, const char *name, gboolean value)
{
    json_builder_set_member_name(b, name);
    json_builder_add_boolean_value(b, value);
}

static gboolean holds(JsonNode *n, GType type)
{
    return n != NULL && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == type;
}

const char *ctl_json_get_string(JsonObject *o, const char *name, const char *fallback)
{
    if (!holds(json_object_get_member(o, name), G_TYPE_STRING))
        return fallback;
    return json_object_get_string_member_with_default(o, name, fallback);
}

gint64 ctl_json_get_int(JsonObject *o, const char *name, gint64 fallback)
{
    if (!holds(json_object_get_member(o, name), G_TYPE_INT64))
        return fallback;
    return json_object_get_int_member_with_default(o, name, fallback);
}

gboolean ctl_json_get_bool(JsonObject *o, const char *name, gboolean fallback)
{
    if (!holds(json_object_get_member(o, name), G_TYPE_BOOLEAN))
        return fallback;
    return json_object_get_boolean_member_with_default(o, name, fallback);
}

/* ---- parameter readers ---- */

static gboolean bad_param(GError **error, const char *name, const char *what)
{
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: %s", name, what);
    return FALSE;
}

gboolean ctl_param_id(JsonObject *params, const char *name, gboolean optional, gint64 *out,
                      GError **error)
{
    JsonNode *n = json_object_get_member(params, name);
    *out = 0;
    if (n == NULL || JSON_NODE_HOLDS_NULL(n)) {
        if (optional)
            return TRUE;
        return bad_param(error, name, "required (a positive integer)");
    }
    if (!holds(n, G_TYPE_INT64) || json_node_get_int(n) <= 0)
        return bad_param(error, name, "must be a positive integer");
    *out = json_node_get_int(n);
    return TRUE;
}

gboolean ctl_param_bool(JsonObject *params, const char *name, gboolean *out, GError **error)
{
    if (!holds(json_object_get_member(params, name), G_TYPE_BOOLEAN))
        return bad_param(error, name, "required, true or false");
    *out = json_object_get_boolean_member_with_default(params, name, FALSE);
    return TRUE;
}

gboolean ctl_param_bool_optional(JsonObject *params, const char *name, gboolean *out,
                                 GError **error)
{
    JsonNode *n = json_object_get_member(params, name);
    if (n == NULL)
        return TRUE;
    if (!holds(n, G_TYPE_BOOLEAN))
        return bad_param(error, name, "must be true or false");
    *out = json_node_get_boolean(n);
    return TRUE;
}

gboolean ctl_param_string(JsonObject *params, const char *name, const char **out, GError **error)
{
    if (!holds(json_object_get_member(params, name), G_TYPE_STRING))
        return bad_param(error, name, "required, a string");
    *out = json_object_get_string_member_with_default(params, name, "");
    return TRUE;
}

gboolean ctl_param_text(JsonObject *params, const char *name, gboolean optional, glong max,
                        char **out, GError **error)
{
    JsonNode *n = json_object_get_member(params, name);
    if (n == NULL && optional)
        return TRUE;
    if (!holds(n, G_TYPE_STRING))
        return bad_param(error, name, "required, a string");
    g_autofree char *t = g_strstrip(g_strdup(json_node_get_string(n)));
    if (!g_utf8_validate(t, -1, NULL) || g_utf8_strlen(t, -1) > max) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: at most %ld characters", name, max);
        return FALSE;
    }
    for (const char *p = t; *p != '\0'; p = g_utf8_next_char(p)) {
        if (g_unichar_iscntrl(g_utf8_get_char(p)))
            return bad_param(error, name, "no control characters");
    }
    g_free(*out);
    *out = g_steal_pointer(&t);
    return TRUE;
}

/* The envelope {"jsonrpc":"2.0","id":...} that every reply shares; member is added by caller. */
static JsonBuilder *reply_begin(JsonNode *id)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    ctl_json_add_string(b, "jsonrpc", "2.0");
    json_builder_set_member_name(b, "id");
    if (id != NULL)
        json_builder_add_value(b, json_node_copy(id));
    else
        json_builder_add_null_value(b);
    return b;
}

static char *reply_end(JsonBuilder *b)
{
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_object_unref(b);
    return ctl_json_to_string(root);
}

char *ctl_rpc_build_result(JsonNode *id, JsonNode *result)
{
    JsonBuilder *b = reply_begin(id);
    json_builder_set_member_name(b, "result");
    if (result != NULL)
        json_builder_add_value(b, result);
    else
        json_builder_add_null_value(b);
    return reply_end(b);
}

char *ctl_rpc_build_error(JsonNode *id, int code, const char *message, const char *reason)
{
    JsonBuilder *b = reply_begin(id);
    json_builder_set_member_name(b, "error");
    json_builder_begin_object(b);
    ctl_json_add_int(b, "code", code);
    ctl_json_add_string(b, "message", message);
    if (reason != NULL) {
        json_builder_set_member_name(b, "data");
        json_builder_begin_object(b);
        ctl_json_add_string(b, "reason", reason);
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
    return reply_end(b);
}

char *ctl_rpc_build_notification(const char *method, JsonNode *params)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    ctl_json_add_string(b, "jsonrpc", "2.0");
    ctl_json_add_string(b, "method", method);
    if (params != NULL) {
        json_builder_set_member_name(b, "params");
        json_builder_add_value(b, params);
    }
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    return ctl_json_to_string(root);
}

/* A valid id is a string, an integer or null (fractional numbers are discouraged by the spec
 * and refused here so that echoing them back is exact). */
static gboolean id_valid(JsonNode *id)
{
    if (JSON_NODE_HOLDS_NULL(id))
        return TRUE;
    if (!JSON_NODE_HOLDS_VALUE(id))
        return FALSE;
    GType t = json_node_get_value_type(id);
    return t == G_TYPE_STRING || t == G_TYPE_INT64;
}

static const CtlRpcMethod *find_method(const CtlRpcMethod *methods, gsize n, const char *name)
{
    for (gsize i = 0; i < n; i++) {
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    }
    return NULL;
}

JsonNode *ctl_rpc_later(void)
{
    /* Only its address matters; a handler never builds a result at it. */
    static JsonNode *marker;
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        marker = json_node_new(JSON_NODE_NULL);
        g_once_init_leave(&done, 1);
    }
    return marker;
}

JsonNode *ctl_rpc_defer(const CtlRpcCurrent *current, const char *method, JsonNode **id,
                        GError **error)
{
    if (current == NULL || current->id == NULL) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "%s needs a request id (its reply comes later)", method);
        return NULL;
    }
    *id = json_node_copy(current->id);
    return ctl_rpc_later();
}

char *ctl_rpc_build_reply(JsonNode *id, JsonNode *result, const GError *error)
{
    if (error == NULL)
        return ctl_rpc_build_result(id, result);
    if (result != NULL)
        json_node_unref(result);
    return ctl_rpc_build_error(id, ctl_rpc_code_for_error(error), error->message,
                               ctl_rpc_reason_for_error(error));
}

/* Runs a well-formed request; returns the reply or NULL for a notification (or a reply the
 * handler will send later). */
static char *dispatch(const CtlRpcMethod *methods, gsize n_methods, JsonObject *req,
                      gboolean may_change, CtlRpcCurrent *current, JsonNode **mirror_id,
                      gpointer user_data)
{
    JsonNode *id = json_object_get_member(req, "id"); /* NULL: notification */
    const char *name = json_object_get_string_member(req, "method");
    const CtlRpcMethod *m = find_method(methods, n_methods, name);
    if (m == NULL) {
        if (id == NULL)
            return NULL;
        return ctl_rpc_build_error(id, CTL_RPC_METHOD_NOT_FOUND, "Method not found", NULL);
    }
    if ((m->flags & CTL_RPC_PRODUCER) && !may_change) {
        if (id == NULL)
            return NULL;
        return ctl_rpc_build_error(id, CTL_RPC_AUTH, "this method needs the producer role",
                                   "forbidden");
    }

    JsonNode *params_node = json_object_get_member(req, "params");
    g_autoptr(JsonObject) empty = json_object_new();
    JsonObject *params = empty;
    if (params_node != NULL && JSON_NODE_HOLDS_OBJECT(params_node)) {
        params = json_node_get_object(params_node);
    } else if (params_node != NULL) {
        /* An array: structured but positional, which no method here takes. */
        if (id == NULL)
            return NULL;
        return ctl_rpc_build_error(id, CTL_RPC_INVALID_PARAMS,
                                   "Invalid params: params must be an object", "invalid");
    }

    g_autoptr(GError) error = NULL;
    current->room = m->room;
    current->id = id;
    if (mirror_id != NULL)
        *mirror_id = id;
    JsonNode *result = m->handler(params, user_data, &error);
    current->room = NULL;
    current->id = NULL;
    if (mirror_id != NULL)
        *mirror_id = NULL;
    if (result == ctl_rpc_later())
        return NULL;
    if (id == NULL) {
        if (result != NULL)
            json_node_unref(result);
        return NULL;
    }
    if (result == NULL) {
        return ctl_rpc_build_error(id, ctl_rpc_code_for_error(error),
                                   error != NULL ? error->message : "Internal error",
                                   ctl_rpc_reason_for_error(error));
    }
    return ctl_rpc_build_result(id, result);
}

static char *handle(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                    gboolean may_change, CtlRpcCurrent *current, JsonNode **mirror_id,
                    gpointer user_data);

char *ctl_rpc_handle(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                     gpointer user_data)
{
    return ctl_rpc_handle_as(methods, n_methods, msg, len, TRUE, user_data);
}

char *ctl_rpc_handle_as(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                        gboolean may_change, gpointer user_data)
{
    return ctl_rpc_handle_full(methods, n_methods, msg, len, may_change, NULL, user_data);
}

char *ctl_rpc_handle_full(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                          gboolean may_change, JsonNode **current_id, gpointer user_data)
{
    CtlRpcCurrent current = {0};
    return handle(methods, n_methods, msg, len, may_change, &current, current_id, user_data);
}

char *ctl_rpc_handle_call(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                          gboolean may_change, CtlRpcCurrent *current, gpointer user_data)
{
    return handle(methods, n_methods, msg, len, may_change, current, NULL, user_data);
}

/* An error answer to a message refused before any method ran, noted in *current (when not NULL)
 * so that the transport can count it. */
static char *refuse(CtlRpcCurrent *current, gboolean too_large, JsonNode *id, int code,
                    const char *message, const char *reason)
{
    if (current != NULL)
        current->refused = too_large ? CTL_RPC_REFUSED_TOO_LARGE : CTL_RPC_REFUSED_MALFORMED;
    return ctl_rpc_build_error(id, code, message, reason);
}

/* Parses and checks the envelope, then dispatches. While the handler runs, *current holds the
 * room and id, and *mirror_id (when not NULL) the id too. */
static char *handle(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                    gboolean may_change, CtlRpcCurrent *current, JsonNode **mirror_id,
                    gpointer user_data)
{
    if (len > CTL_RPC_MAX_MESSAGE) {
        return refuse(current, TRUE, NULL, CTL_RPC_INVALID_REQUEST,
                      "Invalid Request: message larger than 65536 bytes", "too_large");
    }
    CtlJsonShape shape = ctl_json_shape(msg, len, CTL_JSON_MAX_DEPTH);
    if (shape == CTL_JSON_TOO_DEEP) {
        return refuse(current, TRUE, NULL, CTL_RPC_INVALID_REQUEST,
                      "Invalid Request: nested too deeply", "too_large");
    }

    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    JsonNode *root = NULL;
    if (shape == CTL_JSON_PLAIN && json_parser_load_from_data(parser, msg, (gssize)len, &error))
        root = json_parser_get_root(parser);
    if (root == NULL)
        return refuse(current, FALSE, NULL, CTL_RPC_PARSE_ERROR, "Parse error", NULL);

    if (JSON_NODE_HOLDS_ARRAY(root)) {
        return refuse(current, FALSE, NULL, CTL_RPC_INVALID_REQUEST,
                      "Invalid Request: batches are not supported", NULL);
    }
    if (!JSON_NODE_HOLDS_OBJECT(root)) {
        return refuse(current, FALSE, NULL, CTL_RPC_INVALID_REQUEST,
                      "Invalid Request: not an object", NULL);
    }

    JsonObject *req = json_node_get_object(root);
    JsonNode *id = json_object_get_member(req, "id");
    if (id != NULL && !id_valid(id)) {
        return refuse(current, FALSE, NULL, CTL_RPC_INVALID_REQUEST,
                      "Invalid Request: id must be a string, an integer or null", NULL);
    }
    /* From here on the id is usable: errors echo it (as null for a notification). */
    JsonNode *version = json_object_get_member(req, "jsonrpc");
    if (version == NULL || !JSON_NODE_HOLDS_VALUE(version) ||
        json_node_get_value_type(version) != G_TYPE_STRING ||
        strcmp(json_node_get_string(version), "2.0") != 0) {
        return refuse(current, FALSE, id, CTL_RPC_INVALID_REQUEST,
                      "Invalid Request: jsonrpc must be \"2.0\"", NULL);
    }
    JsonNode *method = json_object_get_member(req, "method");
    if (method == NULL || !JSON_NODE_HOLDS_VALUE(method) ||
        json_node_get_value_type(method) != G_TYPE_STRING) {
        return refuse(current, FALSE, id, CTL_RPC_INVALID_REQUEST,
                      "Invalid Request: method must be a string", NULL);
    }
    JsonNode *params = json_object_get_member(req, "params");
    if (params != NULL && !JSON_NODE_HOLDS_OBJECT(params) && !JSON_NODE_HOLDS_ARRAY(params)) {
        return refuse(current, FALSE, id, CTL_RPC_INVALID_REQUEST,
                      "Invalid Request: params must be an object", NULL);
    }
    return dispatch(methods, n_methods, req, may_change, current, mirror_id, user_data);
}
