/* ctl_actions: the buttons (see ctl_actions.h).
 *
 * A button carries the producer's bearer token and nothing else: a session cookie is never
 * enough (a page on another site could make the browser POST here with it), so no CSRF check
 * is needed. A wrong token costs an attempt like every credential (ctl_access.c, ctl_lockout.c).
 * The action is the protocol method of the same meaning, called as the producer with fixed
 * parameters: the same notifications, the same persisted state, the same as-aired entry. */
#include "ctl_actions.h"

#include <string.h>

#include "ctl_call.h"
#include "ctl_reply.h"
#include "jc_error.h"

struct CtlActions {
    CtlAccess *access;           /* borrowed */
    const CtlRpcMethod *methods; /* borrowed: the server's table */
    gsize n_methods;
};

/* Each button, the method it runs and that method's parameters. */
static const struct {
    const char *name;
    const char *method;
    const char *params; /* a JSON object */
} actions[] = {
    {"take-next", "show.next", "{}"},
    {"take-previous", "show.previous", "{}"},
    {"cue-next", "show.cue_next", "{}"},
    {"break-on", "graphics.slate", "{\"on\":true}"},
    {"break-off", "graphics.slate", "{\"on\":false}"},
    {"mute", "audio.set", "{\"muted\":true}"},
    {"unmute", "audio.set", "{\"muted\":false}"},
    {"rotation-on", "rotation.start", "{}"},
    {"rotation-off", "rotation.stop", "{}"},
};

CtlActions *ctl_actions_new(CtlAccess *access)
{
    CtlActions *a = g_new0(CtlActions, 1);
    a->access = access;
    return a;
}

void ctl_actions_free(CtlActions *a)
{
    g_free(a);
}

void ctl_actions_set_methods(CtlActions *a, const CtlRpcMethod *methods, gsize n)
{
    a->methods = methods;
    a->n_methods = n;
}

void ctl_actions_wrong_method(CtlSession *s)
{
    ctl_reply_header(s, "allow:", "POST");
    ctl_reply_error(s, 405, "bad_method", NULL, "use POST");
}

/* The producer behind the request's bearer token (into *who); FALSE after answering
 * 401/403/429. */
static gboolean producer_only(CtlActions *a, CtlSession *s, CtlWho *out)
{
    CtlWho who = {0};
    if (lws_hdr_total_length(s->wsi, WSI_TOKEN_HTTP_AUTHORIZATION) > 0)
        who = ctl_access_request(a->access, s->wsi);
    *out = who;
    if (who.role == CTL_ROLE_PRODUCER)
        return TRUE;
    if (who.role == CTL_ROLE_NONE && who.retry_after == 0) {
        ctl_reply_header(s, "www-authenticate:", "Bearer");
        ctl_reply_error(s, 401, "auth", NULL, "Authorization: Bearer TOKEN required");
        return FALSE;
    }
    ctl_reply_auth_needed(s, &who);
    return FALSE;
}

static const CtlRpcMethod *find_method(const CtlActions *a, const char *name)
{
    for (gsize i = 0; i < a->n_methods; i++) {
        if (strcmp(a->methods[i].name, name) == 0)
            return &a->methods[i];
    }
    return NULL;
}

/* Runs method with params as the producer actor; FALSE with error set. */
static gboolean run(const CtlRpcMethod *m, const char *params, const char *actor, GError **error)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    if (!json_parser_load_from_data(parser, params, -1, error))
        return FALSE;
    CtlCall call = {
        .rpc = {.room = m->room},
        .role = CTL_ROLE_PRODUCER,
        .actor = actor,
    };
    JsonNode *result = m->handler(json_node_get_object(json_parser_get_root(parser)), &call, error);
    if (result == NULL)
        return FALSE;
    json_node_unref(result);
    return TRUE;
}

void ctl_actions_post(CtlActions *a, CtlSession *s, const char *name)
{
    if (s->http.too_large) {
        ctl_reply_error(s, 413, "too_large", NULL, "an action takes no body");
        return;
    }
    CtlWho who;
    if (!producer_only(a, s, &who))
        return;
    const char *method = NULL;
    const char *params = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(actions) && method == NULL; i++) {
        if (strcmp(actions[i].name, name) == 0) {
            method = actions[i].method;
            params = actions[i].params;
        }
    }
    const CtlRpcMethod *m = method != NULL ? find_method(a, method) : NULL;
    if (m == NULL) {
        ctl_reply_error(s, 404, "not_found", NULL, "no such action");
        return;
    }
    g_autoptr(GError) error = NULL;
    g_autofree char *actor =
        g_strdup_printf("%s (button)", who.account[0] != '\0' ? who.account : "producer");
    if (run(m, params, actor, &error)) {
        ctl_reply(s, 204, "text/plain; charset=utf-8", NULL);
        return;
    }
    g_message("control: action %s: %s", name, error->message);
    if (g_error_matches(error, JC_ERROR, JC_ERROR_NOT_FOUND) ||
        g_error_matches(error, JC_ERROR, JC_ERROR_INVALID) ||
        g_error_matches(error, JC_ERROR, JC_ERROR_CONFLICT))
        ctl_reply_error(s, 409, "nothing_to_do", NULL, error->message);
    else
        ctl_reply_error(s, 500, "internal", NULL, error->message);
}
