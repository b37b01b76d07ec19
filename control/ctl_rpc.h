/* ctl_rpc: JSON-RPC 2.0 for the producer WebSocket: parsing requests, dispatching them to a
 * method table and building results, errors and notifications.
 *
 * Pure: no sockets, no globals; runs on whichever thread calls it (the main thread in jobcast).
 * Not responsible for transport limits other than the message size cap it checks itself. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Largest message accepted, in bytes (docs/protocol.md). */
#define CTL_RPC_MAX_MESSAGE (64 * 1024)
/* Deepest nesting of arrays/objects accepted in any JSON input (guards json-glib's recursion). */
#define CTL_JSON_MAX_DEPTH 32

/* Error codes: the standard ones, then jobcast's application errors (one per JcErrorCode). */
typedef enum {
    CTL_RPC_PARSE_ERROR = -32700,
    CTL_RPC_INVALID_REQUEST = -32600,
    CTL_RPC_METHOD_NOT_FOUND = -32601,
    CTL_RPC_INVALID_PARAMS = -32602,
    CTL_RPC_INTERNAL_ERROR = -32603,
    CTL_RPC_SERVER_ERROR = -32000, /* any other application failure */
    CTL_RPC_AUTH = -32001,
    CTL_RPC_NOT_FOUND = -32004,
    CTL_RPC_CONFLICT = -32009,
    CTL_RPC_DB = -32010,
    CTL_RPC_IO = -32011,
    CTL_RPC_TOO_LARGE = -32013,
    CTL_RPC_PIPELINE = -32020,
    CTL_RPC_RENDER = -32021,
    CTL_RPC_RATE_LIMITED = -32029,
} CtlRpcCode;

/* A method: params is never NULL (an empty object when the request had none) and borrowed.
 * Returns the result (transfer full), or NULL with error set; a JC_ERROR_INVALID error becomes
 * -32602, other JC_ERROR codes their application code (ctl_rpc_code_for_error). */
typedef JsonNode *(*CtlRpcHandler)(JsonObject *params, gpointer user_data, GError **error);

/* Method flag: only callers allowed to change things (producers) may call it. */
#define CTL_RPC_PRODUCER 1u

typedef struct {
    const char *name;
    CtlRpcHandler handler;
    guint flags;   /* CTL_RPC_PRODUCER or 0 */
    gpointer room; /* borrowed: the state the method works on, handed to it in
                      CtlRpcCurrent.room (NULL in static tables; the server fills it in) */
} CtlRpcMethod;

/* Why a message was refused before any method ran (CtlRpcCurrent.refused). */
typedef enum {
    CTL_RPC_REFUSED_NONE = 0,
    CTL_RPC_REFUSED_TOO_LARGE, /* over CTL_RPC_MAX_MESSAGE or nested deeper than allowed */
    CTL_RPC_REFUSED_MALFORMED, /* not JSON, or not a JSON-RPC 2.0 request */
} CtlRpcRefused;

/* What the dispatcher tells a handler about the call in progress (valid during it only). */
typedef struct {
    gpointer room;         /* the method's CtlRpcMethod.room */
    JsonNode *id;          /* borrowed: the request's id, NULL for a notification */
    CtlRpcRefused refused; /* OUT (after ctl_rpc_handle_call): why the message was refused
                              before any method ran; NONE when a method was called */
} CtlRpcCurrent;

/* Handles one message (len bytes, need not be NUL-terminated) against the method table.
 * Returns the reply to send (transfer full), or NULL when none is due (a notification, i.e. a
 * valid request without "id"). Batches (arrays) are answered with -32600. */
char *ctl_rpc_handle(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                     gpointer user_data);

/* Like ctl_rpc_handle, for a caller that may or may not change things: a CTL_RPC_PRODUCER
 * method called without may_change gets -32001 (data.reason "forbidden"). */
char *ctl_rpc_handle_as(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                        gboolean may_change, gpointer user_data);

/* What a handler that answers later returns instead of a result (transfer none: a marker,
 * never unref'ed): no reply is built now. The caller that dispatched the request keeps its id
 * (see ctl_rpc_handle_full) and sends the reply itself when the work is done. */
JsonNode *ctl_rpc_later(void);

/* Like ctl_rpc_handle_as; while the handler runs, *current_id holds the request's id
 * (borrowed, valid during the call only; NULL for a notification), so that a handler returning
 * ctl_rpc_later() can copy it. */
char *ctl_rpc_handle_full(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                          gboolean may_change, JsonNode **current_id, gpointer user_data);

/* Like ctl_rpc_handle_full, filling *current (room and id) for the duration of the call. */
char *ctl_rpc_handle_call(const CtlRpcMethod *methods, gsize n_methods, const char *msg, gsize len,
                          gboolean may_change, CtlRpcCurrent *current, gpointer user_data);

/* For a handler that answers later (a worker does the job): copies the request's id into *id
 * (transfer full) and returns the ctl_rpc_later() marker. A notification (no id) cannot be
 * answered: NULL with JC_ERROR_INVALID naming the method. */
JsonNode *ctl_rpc_defer(const CtlRpcCurrent *current, const char *method, JsonNode **id,
                        GError **error);

/* The reply a deferred call finally sends: result (transfer full) when error is NULL, else the
 * error as a handler's would be. (transfer full) text */
char *ctl_rpc_build_reply(JsonNode *id, JsonNode *result, const GError *error);

/* Reply builders. id is borrowed (NULL is sent as null); result/params are (transfer full).
 * reason, if not NULL, goes into error.data.reason. All return (transfer full) text. */
char *ctl_rpc_build_result(JsonNode *id, JsonNode *result);
char *ctl_rpc_build_error(JsonNode *id, int code, const char *message, const char *reason);
char *ctl_rpc_build_notification(const char *method, JsonNode *params);

/* The JSON-RPC code for an error a method returned, and the short reason word for it
 * ("invalid", "not_found", ...; (transfer none)). */
int ctl_rpc_code_for_error(const GError *error);
const char *ctl_rpc_reason_for_error(const GError *error);

/* A cheap scan of network JSON before json-glib sees it:
 * - CTL_JSON_TOO_DEEP: arrays/objects nest deeper than max_depth (json-glib's parser recurses
 *   once per level);
 * - CTL_JSON_SECOND_VALUE: an object or array starts after another value ("{}{}", "1 []"):
 *   no JSON, but json-glib 1.6 accepts it and leaks the first value (about 240 bytes a
 *   request).
 * Whichever comes first in the text; other malformed texts are left to json-glib. */
typedef enum { CTL_JSON_PLAIN, CTL_JSON_TOO_DEEP, CTL_JSON_SECOND_VALUE } CtlJsonShape;
CtlJsonShape ctl_json_shape(const char *text, gsize len, guint max_depth);

/* Serialises a node compactly. (transfer full) */
char *ctl_json_to_string(JsonNode *node);

/* A JSON object node from o (transfer full). */
JsonNode *ctl_json_object_node(JsonObject *o);
/* {"KEY": VALUE} as a node (value: transfer full). */
JsonNode *ctl_json_wrap(const char *key, JsonNode *value);

/* One member of the object a builder is in: its name, then a value of the type. */
void ctl_json_add_string(JsonBuilder *b, const char *name, const char *value);
void ctl_json_add_int(JsonBuilder *b, const char *name, gint64 value);
void ctl_json_add_double(JsonBuilder *b, const char *name, double value);
void ctl_json_add_bool(JsonBuilder *b, const char *name, gboolean value);

/* Typed reads of trusted JSON (our own saved state): the member when it has the type, else
 * fallback. */
const char *ctl_json_get_string(JsonObject *o, const char *name, const char *fallback);
gint64 ctl_json_get_int(JsonObject *o, const char *name, gint64 fallback);
gboolean ctl_json_get_bool(JsonObject *o, const char *name, gboolean fallback);

/* Typed parameter readers for methods. Each fails with JC_ERROR_INVALID whose message starts
 * with the member's name ("limit: must be a positive integer"), which the pages show next to
 * the input. */
/* A positive integer; absent (or null): *out = 0, and TRUE when optional. */
gboolean ctl_param_id(JsonObject *params, const char *name, gboolean optional, gint64 *out,
                      GError **error);
/* true or false, required. */
gboolean ctl_param_bool(JsonObject *params, const char *name, gboolean *out, GError **error);
/* true or false; absent: *out unchanged. */
gboolean ctl_param_bool_optional(JsonObject *params, const char *name, gboolean *out,
                                 GError **error);
/* A string, required; *out borrowed from params. */
gboolean ctl_param_string(JsonObject *params, const char *name, const char **out, GError **error);
/* One line of text (required unless optional; absent: *out unchanged), trimmed, valid UTF-8,
 * at most max characters, no control characters. *out is replaced (owned). */
gboolean ctl_param_text(JsonObject *params, const char *name, gboolean optional, glong max,
                        char **out, GError **error);

G_END_DECLS
