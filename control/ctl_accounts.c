/* ctl_accounts: named accounts with their own API token (producer or host) and optional
 * password for the /login form: accounts.add, rotate, revoke, set_password, list.
 *
 * Main thread only, apart from the password hashing of accounts.set_password, which runs on
 * GLib's worker pool as a CtlPending (the one answer-later type) and answers its JSON-RPC
 * request later. Tokens are shown once, at creation or rotation; only their SHA-256 is kept.
 *
 * Rotating, revoking or setting a password here signs the account out of everything it opened
 * so far (ctl_ws_sign_out with G_MAXINT64): the change was committed just now, on this thread,
 * so nothing opened under the new generation exists yet. The same change made by another
 * process (`jobcast accounts`) reaches a running server through ctl_signout.c. */
#include "ctl_accounts.h"

#include <string.h>

#include "ctl_auth.h"
#include "ctl_call.h"
#include "jc_error.h"

/* Gives account name a new token: added with role when add, else rotated. Answers the token,
 * which is shown this once; only its hash is stored. */
static JsonNode *issue_token(const CtlAccountsRoom *room, const char *name, gboolean add,
                             const char *role, GError **error)
{
    CtlStore *store = room->store;
    g_autofree char *token = ctl_auth_token_new();
    g_autofree char *hash = ctl_auth_token_hash(token);
    if (add ? ctl_store_account_add(store, name, role, hash, error) <= 0
            : !ctl_store_account_rotate(store, name, hash, error))
        return NULL;
    if (!add)
        ctl_ws_sign_out(room->ws, name, G_MAXINT64); /* what the old token opened */
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "name", name);
    json_object_set_string_member(o, "token", token);
    return ctl_json_object_node(o);
}

static JsonNode *method_accounts_add(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlAccountsRoom *room = call->rpc.room;
    const char *name;
    if (!ctl_param_string(params, "name", &name, error))
        return NULL;
    JsonNode *r = json_object_get_member(params, "role");
    const char *role =
        r != NULL && JSON_NODE_HOLDS_VALUE(r) && json_node_get_value_type(r) == G_TYPE_STRING
            ? json_node_get_string(r)
            : NULL;
    return issue_token(room, name, TRUE, role, error);
}

static JsonNode *method_accounts_rotate(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlAccountsRoom *room = call->rpc.room;
    const char *name;
    if (!ctl_param_string(params, "name", &name, error))
        return NULL;
    return issue_token(room, name, FALSE, NULL, error);
}

static JsonNode *method_accounts_revoke(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlAccountsRoom *room = call->rpc.room;
    const char *name;
    if (!ctl_param_string(params, "name", &name, error) ||
        !ctl_store_account_revoke(room->store, name, error))
        return NULL;
    ctl_ws_sign_out(room->ws, name, G_MAXINT64);
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "name", name);
    json_object_set_boolean_member(o, "revoked", TRUE);
    return ctl_json_object_node(o);
}

/* accounts.set_password answers later: argon2id takes ~0.1 s and 64 MiB, which must not stall
 * the main loop (every sign-up and page waits on it). The worker reads only password and writes
 * only hash/error; main reads them in the done callback, after GTask handed the result back.
 * The caller may have closed meanwhile (the hash is stored anyway; no reply is sent); if the
 * server went, nothing is touched. */
typedef struct {
    CtlStore *store;    /* borrowed; only used while the pending is not orphaned */
    CtlWs *ws;          /* borrowed; the same */
    CtlReplyFunc reply; /* how the reply reaches the waiting caller */
    JsonNode *id;       /* owned: the request's id */
    char *name;         /* owned */
    char *password;     /* owned, wiped once hashed */
    char *hash;         /* worker's result, owned */
    GError *error;      /* worker's result, owned */
} PasswordJob;

static void password_job_free(gpointer data)
{
    PasswordJob *j = data;
    json_node_unref(j->id);
    g_free(j->name);
    if (j->password != NULL)
        memset(j->password, 0, strlen(j->password));
    g_free(j->password);
    g_free(j->hash);
    g_clear_error(&j->error);
    g_free(j);
}

static void password_worker(gpointer data)
{
    PasswordJob *j = data;
    j->hash = ctl_auth_password_hash(j->password, &j->error);
    memset(j->password, 0, strlen(j->password));
}

static void password_done(CtlPending *p, gpointer data)
{
    PasswordJob *j = data;
    gboolean orphaned = ctl_pending_orphaned(p);
    gpointer waiter = ctl_pending_finish(p);
    if (orphaned)
        return;
    JsonNode *result = NULL;
    if (j->hash != NULL && ctl_store_account_set_password(j->store, j->name, j->hash, &j->error)) {
        g_message("control: password set for %s", j->name);
        ctl_ws_sign_out(j->ws, j->name, G_MAXINT64);
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "name", j->name);
        json_object_set_boolean_member(o, "password_set", TRUE);
        result = ctl_json_object_node(o);
    }
    g_autofree char *reply = ctl_rpc_build_reply(j->id, result, result != NULL ? NULL : j->error);
    if (waiter != NULL)
        j->reply(waiter, reply);
}

/* FALSE with error unless name is an active account. */
static gboolean account_exists(CtlStore *store, const char *name, GError **error)
{
    g_autofree char *old_hash = NULL;
    GError *lookup = NULL;
    CtlAccount *a = ctl_store_account_by_name(store, name, &old_hash, &lookup);
    if (a == NULL) {
        if (lookup == NULL)
            g_set_error(&lookup, JC_ERROR, JC_ERROR_NOT_FOUND, "no active account named %s", name);
        g_propagate_error(error, lookup);
        return FALSE;
    }
    ctl_account_free(a);
    return TRUE;
}

static JsonNode *method_accounts_set_password(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlAccountsRoom *room = call->rpc.room;
    const char *name;
    const char *password;
    if (!ctl_param_string(params, "name", &name, error) ||
        !ctl_param_string(params, "password", &password, error) ||
        !ctl_auth_password_ok(password, error))
        return NULL;
    /* An unknown or revoked name fails now, not after the hashing. */
    if (!account_exists(room->store, name, error))
        return NULL;
    JsonNode *id = NULL;
    JsonNode *later = call->waiting != NULL
                          ? ctl_rpc_defer(&call->rpc, "accounts.set_password", &id, error)
                          : ctl_rpc_defer(NULL, "accounts.set_password", &id, error);
    if (later == NULL)
        return NULL;
    PasswordJob *j = g_new0(PasswordJob, 1);
    j->store = room->store;
    j->ws = room->ws;
    j->reply = call->reply;
    j->id = id;
    j->name = g_strdup(name);
    j->password = g_strdup(password);
    CtlPending *p = ctl_pending_new(j, password_job_free);
    ctl_pending_track(p, room->jobs);
    ctl_pending_wait(p, call->waiting, call->waiter);
    ctl_pending_run(p, password_worker, password_done);
    return later;
}

static JsonNode *method_accounts_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlAccountsRoom *room = call->rpc.room;
    g_autoptr(GPtrArray) list = ctl_store_list_accounts(room->store, error);
    if (list == NULL)
        return NULL;
    JsonArray *arr = json_array_new();
    for (guint i = 0; i < list->len; i++) {
        CtlAccount *a = list->pdata[i];
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "name", a->name);
        json_object_set_string_member(o, "role", a->role);
        json_object_set_string_member(o, "created_at", a->created_at);
        json_object_set_boolean_member(o, "revoked", a->revoked_at != NULL);
        json_array_add_object_element(arr, o);
    }
    JsonObject *o = json_object_new();
    json_object_set_array_member(o, "accounts", arr);
    return ctl_json_object_node(o);
}

static const CtlRpcMethod accounts_methods[] = {
    {"accounts.add", method_accounts_add, CTL_RPC_PRODUCER, NULL},
    {"accounts.rotate", method_accounts_rotate, CTL_RPC_PRODUCER, NULL},
    {"accounts.revoke", method_accounts_revoke, CTL_RPC_PRODUCER, NULL},
    {"accounts.set_password", method_accounts_set_password, CTL_RPC_PRODUCER, NULL},
    {"accounts.list", method_accounts_list, CTL_RPC_PRODUCER, NULL},
};

const CtlRpcMethod *ctl_accounts_methods(gsize *n)
{
    *n = G_N_ELEMENTS(accounts_methods);
    return accounts_methods;
}
