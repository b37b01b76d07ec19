/* fuzz_rpc: libFuzzer target for the JSON-RPC layer (ctl_rpc_handle): any bytes as one
 * WebSocket message, against a small method table, as producer and as host. Must never crash,
 * leak or return something that is not a JSON object (or nothing, for a notification).
 * Built with clang by tests/fuzz/build-fuzzers.sh; its corpus is replayed by CTest through
 * fuzz_replay.c. */
#include <json-glib/json-glib.h>
#include <stdint.h>
#include <string.h>

#include "ctl_rpc.h"
#include "jc_error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static JsonNode *echo(JsonObject *params, gpointer user_data, GError **error)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);
    json_node_set_object(n, params);
    return n;
}

static JsonNode *fail(JsonObject *params, gpointer user_data, GError **error)
{
    g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "name: always wrong");
    return NULL;
}

static const CtlRpcMethod methods[] = {
    {"state.get", echo, 0, NULL},
    {"show.take", echo, CTL_RPC_PRODUCER, NULL},
    {"postings.create", fail, CTL_RPC_PRODUCER, NULL},
};

static void check(char *reply)
{
    if (reply == NULL)
        return;
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, reply, -1, NULL) ||
        !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
        __builtin_trap(); /* a reply that is not a JSON object is a bug */
    g_free(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *msg = (const char *)data;
    check(ctl_rpc_handle_as(methods, G_N_ELEMENTS(methods), msg, size, TRUE, NULL));
    check(ctl_rpc_handle_as(methods, G_N_ELEMENTS(methods), msg, size, FALSE, NULL));
    return 0;
}
