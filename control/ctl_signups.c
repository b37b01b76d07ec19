/* ctl_signups: reading sign-ups back: the signups.list method (paged), the per-employer CSV
 * export, and the accounts.* methods that manage who may read them.
 *
 * Main thread only. The CSV is made for Excel and WPS as Chinese offices use them: UTF-8 with
 * a byte-order mark (without it they guess GBK and garble every name), CRLF line ends, RFC
 * 4180 quoting, and cells that start like a formula (= + - @, tab, CR) prefixed with ' so a
 * name such as "=HYPERLINK(...)" is shown, never run. Times are converted from the stored UTC
 * to the configured zone (Asia/Shanghai by default). Phone numbers appear in full only here:
 * the export is for the employer, who calls the applicant. */
#include <string.h>

#include "ctl_server.h"
#include "jc_error.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 500

void ctl_csv_cell(GString *out, const char *value)
{
    const char *v = value != NULL ? value : "";
    gboolean formula =
        v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r';
    gboolean quote = formula || strpbrk(v, ",\"\r\n") != NULL;
    if (quote)
        g_string_append_c(out, '"');
    if (formula)
        g_string_append_c(out, '\'');
    for (const char *p = v; *p != '\0'; p++) {
        if (*p == '"')
            g_string_append_c(out, '"');
        g_string_append_c(out, *p);
    }
    if (quote)
        g_string_append_c(out, '"');
}

/* "2026-11-27T21:15:00.123Z" -> "2026-11-28 05:15:00" in tz; the input when unparsable. */
static char *local_time(GTimeZone *tz, const char *utc)
{
    g_autoptr(GDateTime) t = utc != NULL ? g_date_time_new_from_iso8601(utc, NULL) : NULL;
    if (t == NULL)
        return g_strdup(utc != NULL ? utc : "");
    g_autoptr(GDateTime) local = g_date_time_to_timezone(t, tz);
    return g_date_time_format(local, "%Y-%m-%d %H:%M:%S");
}

GBytes *ctl_signups_csv(CtlControl *c, const char *employer, gint64 show_id, gint64 *rows,
                        GError **error)
{
    g_autoptr(GPtrArray) list = ctl_store_list_signups(c->store, 0, show_id > 0 ? show_id : -1,
                                                       employer, 0, 0, TRUE, error);
    if (list == NULL)
        return NULL;
    GString *out = g_string_new("\xEF\xBB\xBF");
    g_string_append(out, "报名编号,岗位编号,岗位,用工单位,姓名,手机号,报名时间,同意时间,场次\r\n");
    for (guint i = 0; i < list->len; i++) {
        CtlSignupRow *r = list->pdata[i];
        g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, r->id);
        g_autofree char *pid = g_strdup_printf("%" G_GINT64_FORMAT, r->posting_id);
        g_autofree char *sid = g_strdup_printf("%" G_GINT64_FORMAT, r->show_id);
        g_autofree char *at = local_time(c->tz, r->created_at);
        g_autofree char *consent = r->consent_at != NULL ? local_time(c->tz, r->consent_at) : NULL;
        const char *cells[] = {id,      pid,      r->title, r->company,
                               r->name, r->phone, at,       consent != NULL ? consent : "",
                               sid};
        for (gsize k = 0; k < G_N_ELEMENTS(cells); k++) {
            if (k > 0)
                g_string_append_c(out, ',');
            ctl_csv_cell(out, cells[k]);
        }
        g_string_append(out, "\r\n");
    }
    *rows = list->len;
    return g_string_free_to_bytes(out);
}

/* ---- signups.list ---- */

static JsonNode *method_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gint64 posting_id;
    gint64 show_id;
    gint64 before;
    gint64 limit;
    if (!ctl_param_id(params, "posting_id", TRUE, &posting_id, error) ||
        !ctl_param_id(params, "show_id", TRUE, &show_id, error) ||
        !ctl_param_id(params, "before_id", TRUE, &before, error) ||
        !ctl_param_id(params, "limit", TRUE, &limit, error))
        return NULL;
    if (limit > PAGE_MAX) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "limit: at most 500");
        return NULL;
    }
    if (limit == 0)
        limit = PAGE_DEFAULT;
    /* One more than asked tells whether there is a next page. */
    g_autoptr(GPtrArray) rows =
        ctl_store_list_signups(call->c->store, posting_id, show_id > 0 ? show_id : -1, NULL, before,
                               (guint)limit + 1, FALSE, error);
    if (rows == NULL)
        return NULL;
    gboolean more = rows->len > (guint)limit;
    gboolean full_phone = call->role == CTL_ROLE_PRODUCER;
    JsonArray *arr = json_array_new();
    gint64 last = 0;
    for (guint i = 0; i < rows->len && i < (guint)limit; i++) {
        CtlSignupRow *r = rows->pdata[i];
        JsonObject *o = json_object_new();
        json_object_set_int_member(o, "id", r->id);
        json_object_set_int_member(o, "posting_id", r->posting_id);
        json_object_set_int_member(o, "show_id", r->show_id);
        json_object_set_string_member(o, "name", r->name);
        g_autofree char *masked = ctl_apply_mask_phone(r->phone);
        json_object_set_string_member(o, "phone_masked", masked);
        if (full_phone)
            json_object_set_string_member(o, "phone", r->phone);
        json_object_set_string_member(o, "created_at", r->created_at);
        json_object_set_string_member(o, "title", r->title);
        json_object_set_string_member(o, "company", r->company);
        json_array_add_object_element(arr, o);
        last = r->id;
    }
    JsonObject *o = json_object_new();
    json_object_set_array_member(o, "signups", arr);
    if (more)
        json_object_set_int_member(o, "next_before_id", last);
    else
        json_object_set_null_member(o, "next_before_id");
    return ctl_json_object_node(o);
}

/* ---- accounts.* ---- */

static gboolean read_name(JsonObject *params, const char **name, GError **error)
{
    JsonNode *n = json_object_get_member(params, "name");
    if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "name: required, a string");
        return FALSE;
    }
    *name = json_node_get_string(n);
    return TRUE;
}

static JsonNode *token_result(const char *name, const char *token)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "name", name);
    json_object_set_string_member(o, "token", token);
    return ctl_json_object_node(o);
}

static JsonNode *method_accounts_add(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const char *name;
    if (!read_name(params, &name, error))
        return NULL;
    JsonNode *r = json_object_get_member(params, "role");
    const char *role =
        r != NULL && JSON_NODE_HOLDS_VALUE(r) && json_node_get_value_type(r) == G_TYPE_STRING
            ? json_node_get_string(r)
            : NULL;
    g_autofree char *token = ctl_auth_token_new();
    g_autofree char *hash = ctl_auth_token_hash(token);
    if (ctl_store_account_add(call->c->store, name, role, hash, error) <= 0)
        return NULL;
    return token_result(name, token);
}

static JsonNode *method_accounts_rotate(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const char *name;
    if (!read_name(params, &name, error))
        return NULL;
    g_autofree char *token = ctl_auth_token_new();
    g_autofree char *hash = ctl_auth_token_hash(token);
    if (!ctl_store_account_rotate(call->c->store, name, hash, error))
        return NULL;
    return token_result(name, token);
}

static JsonNode *method_accounts_revoke(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const char *name;
    if (!read_name(params, &name, error) || !ctl_store_account_revoke(call->c->store, name, error))
        return NULL;
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "name", name);
    json_object_set_boolean_member(o, "revoked", TRUE);
    return ctl_json_object_node(o);
}

/* accounts.set_password answers later: argon2id takes ~0.1 s and 64 MiB, which must not stall
 * the main loop (every sign-up and page waits on it). The worker reads only password and writes
 * only hash/error; main reads them in the completion callback, after GTask handed the result
 * back. The reply goes to the connection by serial: it may have closed meanwhile. */
typedef struct {
    CtlControl *c;  /* borrowed: ctl_control_free waits for c->jobs to drain */
    guint64 serial; /* the caller's WebSocket */
    JsonNode *id;   /* owned: the request's id */
    char *name;     /* owned */
    char *password; /* owned, wiped once hashed */
    char *hash;     /* worker's result, owned */
    GError *error;  /* worker's result, owned */
} PasswordJob;

static void password_worker(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
    PasswordJob *j = data;
    j->hash = ctl_auth_password_hash(j->password, &j->error);
    memset(j->password, 0, strlen(j->password));
    g_task_return_boolean(task, TRUE);
}

static void password_done(GObject *source, GAsyncResult *res, gpointer data)
{
    PasswordJob *j = data;
    CtlControl *c = j->c;
    c->jobs--;
    g_autoptr(GError) error = j->error;
    char *reply;
    if (j->hash != NULL && ctl_store_account_set_password(c->store, j->name, j->hash, &error)) {
        g_message("control: password set for %s", j->name);
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "name", j->name);
        json_object_set_boolean_member(o, "password_set", TRUE);
        reply = ctl_rpc_build_result(j->id, ctl_json_object_node(o));
    } else {
        reply = ctl_rpc_build_error(j->id, ctl_rpc_code_for_error(error), error->message,
                                    ctl_rpc_reason_for_error(error));
    }
    CtlSession *s = c->closing ? NULL : ctl_ws_find(c, j->serial);
    if (s != NULL)
        ctl_ws_send(s, reply);
    g_free(reply);
    json_node_unref(j->id);
    g_free(j->name);
    g_free(j->password);
    g_free(j->hash);
    g_free(j);
}

static JsonNode *method_accounts_set_password(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const char *name;
    if (!read_name(params, &name, error))
        return NULL;
    JsonNode *pw = json_object_get_member(params, "password");
    if (pw == NULL || !JSON_NODE_HOLDS_VALUE(pw) || json_node_get_value_type(pw) != G_TYPE_STRING) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "password: required, a string");
        return NULL;
    }
    const char *password = json_node_get_string(pw);
    if (!ctl_auth_password_ok(password, error))
        return NULL;
    /* An unknown or revoked name fails now, not after the hashing. */
    g_autofree char *old_hash = NULL;
    GError *lookup = NULL;
    CtlAccount *a = ctl_store_account_by_name(call->c->store, name, &old_hash, &lookup);
    if (a == NULL) {
        if (lookup == NULL)
            g_set_error(&lookup, JC_ERROR, JC_ERROR_NOT_FOUND, "no active account named %s", name);
        g_propagate_error(error, lookup);
        return NULL;
    }
    ctl_account_free(a);
    if (call->s == NULL || call->id == NULL) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "accounts.set_password needs a request id (its reply comes later)");
        return NULL;
    }
    PasswordJob *j = g_new0(PasswordJob, 1);
    j->c = call->c;
    j->serial = call->s->ws.serial;
    j->id = json_node_copy(call->id);
    j->name = g_strdup(name);
    j->password = g_strdup(password);
    call->c->jobs++;
    GTask *task = g_task_new(NULL, NULL, password_done, j);
    g_task_set_task_data(task, j, NULL);
    g_task_run_in_thread(task, password_worker);
    g_object_unref(task);
    return ctl_rpc_later();
}

static JsonNode *method_accounts_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    g_autoptr(GPtrArray) list = ctl_store_list_accounts(call->c->store, error);
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

/* ---- privacy: deleting personal data ---- */

static JsonNode *method_forget(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    JsonNode *n = json_object_get_member(params, "phone");
    g_autofree char *phone = NULL;
    if (n != NULL && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING)
        phone = ctl_apply_normalise_phone(json_node_get_string(n), NULL);
    if (phone == NULL) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "phone: required, a mainland mobile number");
        return NULL;
    }
    gint64 n_deleted = ctl_store_forget_phone(call->c->store, phone, error);
    if (n_deleted < 0)
        return NULL;
    g_message("control: deleted %" G_GINT64_FORMAT " sign-ups of one person on request", n_deleted);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "signups_deleted", n_deleted);
    return ctl_json_object_node(o);
}

static JsonNode *method_purge(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gint64 days;
    if (!ctl_param_id(params, "older_than_days", FALSE, &days, error))
        return NULL;
    if (days > 3650) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "older_than_days: 1 to 3650");
        return NULL;
    }
    gint64 shows = 0;
    gint64 n = ctl_store_purge_older(call->c->store, (guint)days, &shows, error);
    if (n < 0)
        return NULL;
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "signups_deleted", n);
    json_object_set_int_member(o, "shows_deleted", shows);
    return ctl_json_object_node(o);
}

const CtlRpcMethod ctl_signups_methods[] = {
    {"privacy.forget", method_forget, CTL_RPC_PRODUCER},
    {"privacy.purge", method_purge, CTL_RPC_PRODUCER},
    {"signups.list", method_list, 0},
    {"accounts.add", method_accounts_add, CTL_RPC_PRODUCER},
    {"accounts.rotate", method_accounts_rotate, CTL_RPC_PRODUCER},
    {"accounts.revoke", method_accounts_revoke, CTL_RPC_PRODUCER},
    {"accounts.set_password", method_accounts_set_password, CTL_RPC_PRODUCER},
    {"accounts.list", method_accounts_list, CTL_RPC_PRODUCER},
};
const gsize ctl_signups_n_methods = G_N_ELEMENTS(ctl_signups_methods);
