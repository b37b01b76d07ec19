/* ctl_postings: the postings.* methods (list, search, get, create, update, archive).
 *
 * Main thread only. Every field is checked (ctl_posting_from_params) before anything is
 * stored. Updates carry the version the producer edited; a stale one is JC_ERROR_CONFLICT
 * (-32009) and nothing is overwritten. Every change is broadcast as posting.changed. */
#include <string.h>

#include "ctl_postings.h"

#include "ctl_call.h"
#include "ctl_store_employers.h"
#include "jc_error.h"

#define SEARCH_MAX 100
#define LIST_LIMIT_MAX 1000

static gboolean bad(GError **error, const char *field, const char *what)
{
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: %s", field, what);
    return FALSE;
}

JsonNode *ctl_postings_changed(const CtlPostingsRoom *r, gint64 id, GError **error)
{
    g_autoptr(CtlPosting) p = ctl_store_get_posting(r->store, id, error);
    if (p == NULL)
        return NULL;
    ctl_notify(r->notify, "posting.changed", ctl_view_posting_result(r->view, p));
    ctl_studio_posting_changed(r->studio, p);
    return ctl_view_posting_result(r->view, p);
}

JsonNode *ctl_postings_employer_changed(const CtlPostingsRoom *r, gint64 id, GError **error)
{
    g_autoptr(CtlEmployerRow) row = ctl_store_get_employer(r->store, id, error);
    if (row == NULL)
        return NULL;
    ctl_notify(r->notify, "employers.changed",
               ctl_json_wrap("employer", ctl_view_employer_json(row)));
    return ctl_json_wrap("employer", ctl_view_employer_json(row));
}

/* A posting's change moved its employers' counts (or made an employer): producers are told of
 * each (old_employer 0: none before; the same as the posting's: told once). */
static void tell_employers(const CtlPostingsRoom *r, gint64 old_employer, gint64 posting_id)
{
    g_autoptr(CtlPosting) p = ctl_store_get_posting(r->store, posting_id, NULL);
    gint64 now = p != NULL ? p->employer_id : 0;
    for (int i = 0; i < 2; i++) {
        gint64 id = i == 0 ? old_employer : now;
        if (id > 0 && (i == 0 || id != old_employer)) {
            g_autoptr(JsonNode) told = ctl_postings_employer_changed(r, id, NULL);
        }
    }
}

static JsonNode *method_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlPostingsRoom *r = call->rpc.room;
    const char *query = NULL;
    JsonNode *q = json_object_get_member(params, "query");
    if (q != NULL && !JSON_NODE_HOLDS_NULL(q)) {
        if (!JSON_NODE_HOLDS_VALUE(q) || json_node_get_value_type(q) != G_TYPE_STRING ||
            g_utf8_strlen(json_node_get_string(q), -1) > SEARCH_MAX) {
            bad(error, "query", "must be a string of at most 100 characters");
            return NULL;
        }
        query = json_node_get_string(q);
    }
    gboolean archived = FALSE;
    if (!ctl_param_bool_optional(params, "include_archived", &archived, error))
        return NULL;
    gint64 limit = 0;
    if (!ctl_param_id(params, "limit", TRUE, &limit, error))
        return NULL;
    if (limit > LIST_LIMIT_MAX) {
        bad(error, "limit", "must be at most 1000");
        return NULL;
    }
    g_autoptr(GPtrArray) list =
        ctl_store_search_postings(r->store, query, archived, (guint)limit, error);
    if (list == NULL)
        return NULL;
    JsonArray *arr = json_array_sized_new(list->len);
    for (guint i = 0; i < list->len; i++)
        json_array_add_element(arr, ctl_view_posting_json(r->view, list->pdata[i]));
    JsonObject *o = json_object_new();
    json_object_set_array_member(o, "postings", arr);
    return ctl_json_object_node(o);
}

static JsonNode *method_get(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlPostingsRoom *r = call->rpc.room;
    gint64 id;
    if (!ctl_param_id(params, "posting_id", FALSE, &id, error))
        return NULL;
    g_autoptr(CtlPosting) p = ctl_store_get_posting(r->store, id, error);
    return p != NULL ? ctl_view_posting_result(r->view, p) : NULL;
}

/* A posting names its employer by its company text (the employer of that name, made when there
 * is none) or by employer_id, whose record's name then becomes the company; given both, they
 * must agree. params gets the company that employer_id names. */
static gboolean resolve_employer(const CtlPostingsRoom *r, JsonObject *params, GError **error)
{
    if (!json_object_has_member(params, "employer_id"))
        return TRUE;
    gint64 id;
    if (!ctl_param_id(params, "employer_id", FALSE, &id, error))
        return FALSE;
    g_autoptr(CtlEmployerRow) e = ctl_store_get_employer(r->store, id, error);
    if (e == NULL) {
        g_prefix_error(error, "employer_id: ");
        return FALSE;
    }
    JsonNode *company = json_object_get_member(params, "company");
    if (company != NULL) {
        const char *text =
            JSON_NODE_HOLDS_VALUE(company) && json_node_get_value_type(company) == G_TYPE_STRING
                ? json_node_get_string(company)
                : NULL;
        g_autofree char *trimmed = g_strstrip(g_strdup(text != NULL ? text : ""));
        if (g_strcmp0(trimmed, e->name) != 0)
            return bad(error, "company", "differs from the name of employer_id: give one of them");
    }
    json_object_set_string_member(params, "company", e->name);
    return TRUE;
}

static JsonNode *method_create(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlPostingsRoom *r = call->rpc.room;
    if (!resolve_employer(r, params, error))
        return NULL;
    g_autoptr(CtlPosting) p = ctl_posting_from_params(params, NULL, error);
    if (p == NULL)
        return NULL;
    gint64 id = ctl_store_create_posting(r->store, p, error);
    if (id <= 0)
        return NULL;
    tell_employers(r, 0, id);
    return ctl_postings_changed(r, id, error);
}

static gboolean read_version(JsonObject *params, gboolean optional, gint64 *version, GError **error)
{
    if (!ctl_param_id(params, "version", optional, version, error))
        return FALSE;
    if (*version == 0)
        *version = -1;
    return TRUE;
}

static JsonNode *method_update(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlPostingsRoom *r = call->rpc.room;
    gint64 id;
    gint64 version;
    if (!ctl_param_id(params, "posting_id", FALSE, &id, error) ||
        !read_version(params, FALSE, &version, error))
        return NULL;
    g_autoptr(CtlPosting) base = ctl_store_get_posting(r->store, id, error);
    if (base == NULL)
        return NULL;
    if (base->version != version) {
        g_set_error(error, JC_ERROR, JC_ERROR_CONFLICT,
                    "posting %" G_GINT64_FORMAT " was changed by someone else (you have version "
                    "%" G_GINT64_FORMAT ", it is now %" G_GINT64_FORMAT "): reload and retry",
                    id, version, base->version);
        return NULL;
    }
    if (!resolve_employer(r, params, error))
        return NULL;
    g_autoptr(CtlPosting) p = ctl_posting_from_params(params, base, error);
    if (p == NULL || !ctl_store_update_posting(r->store, p, error))
        return NULL;
    tell_employers(r, base->employer_id, id);
    return ctl_postings_changed(r, id, error);
}

static JsonNode *method_archive(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlPostingsRoom *r = call->rpc.room;
    gint64 id;
    gint64 version;
    if (!ctl_param_id(params, "posting_id", FALSE, &id, error) ||
        !read_version(params, TRUE, &version, error))
        return NULL;
    gboolean archived = TRUE;
    if (!ctl_param_bool_optional(params, "archived", &archived, error))
        return NULL;
    if (!ctl_store_archive_posting(r->store, id, version, archived, error))
        return NULL;
    tell_employers(r, 0, id);
    return ctl_postings_changed(r, id, error);
}

static const CtlRpcMethod postings_methods[] = {
    {"postings.list", method_list, 0, NULL},
    {"postings.search", method_list, 0, NULL},
    {"postings.get", method_get, 0, NULL},
    {"postings.create", method_create, CTL_RPC_PRODUCER, NULL},
    {"postings.update", method_update, CTL_RPC_PRODUCER, NULL},
    {"postings.archive", method_archive, CTL_RPC_PRODUCER, NULL},
};

const CtlRpcMethod *ctl_postings_methods(gsize *n)
{
    *n = G_N_ELEMENTS(postings_methods);
    return postings_methods;
}
