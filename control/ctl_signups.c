/* ctl_signups: reading sign-ups back (signups.list, paged; full phone numbers for producers
 * only) and deleting personal data (privacy.forget, privacy.purge).
 *
 * Main thread only; the methods' room is the store (CtlStore*). The CSV export is
 * ctl_csv.c's, served by ctl_export.c. */
#include "ctl_signups.h"

#include "ctl_apply.h"
#include "ctl_call.h"
#include "jc_error.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 500

/* ---- signups.list ---- */

static JsonNode *method_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStore *store = call->rpc.room;
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
        ctl_store_list_signups(store, posting_id, show_id > 0 ? show_id : -1, NULL, before,
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
        json_object_set_string_member(o, "status", r->status);
        if (full_phone)
            json_object_set_string_member(o, "note", r->note);
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

/* ---- privacy: deleting personal data ---- */

static JsonNode *method_forget(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStore *store = call->rpc.room;
    JsonNode *n = json_object_get_member(params, "phone");
    g_autofree char *phone = NULL;
    if (n != NULL && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING)
        phone = ctl_apply_normalise_phone(json_node_get_string(n), NULL);
    if (phone == NULL) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "phone: required, a mainland mobile number");
        return NULL;
    }
    gint64 n_deleted = ctl_store_forget_phone(store, phone, error);
    if (n_deleted < 0)
        return NULL;
    g_message("control: deleted %" G_GINT64_FORMAT " sign-ups of one person on request", n_deleted);
    /* No older copy of the rows left in the WAL (docs/security.md, personal data). */
    ctl_store_scrub_wal(store);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "signups_deleted", n_deleted);
    return ctl_json_object_node(o);
}

static JsonNode *method_purge(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStore *store = call->rpc.room;
    gint64 days;
    if (!ctl_param_id(params, "older_than_days", FALSE, &days, error))
        return NULL;
    if (days > 3650) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "older_than_days: 1 to 3650");
        return NULL;
    }
    gint64 shows = 0;
    gint64 n = ctl_store_purge_older(store, (guint)days, &shows, error);
    if (n < 0)
        return NULL;
    g_message("control: privacy.purge deleted %" G_GINT64_FORMAT
              " sign-ups older than %" G_GINT64_FORMAT " days",
              n, days);
    ctl_store_scrub_wal(store);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "signups_deleted", n);
    json_object_set_int_member(o, "shows_deleted", shows);
    return ctl_json_object_node(o);
}

static const CtlRpcMethod signups_methods[] = {
    {"privacy.forget", method_forget, CTL_RPC_PRODUCER, NULL},
    {"privacy.purge", method_purge, CTL_RPC_PRODUCER, NULL},
    {"signups.list", method_list, 0, NULL},
};

const CtlRpcMethod *ctl_signups_methods(gsize *n)
{
    *n = G_N_ELEMENTS(signups_methods);
    return signups_methods;
}
