/* ctl_postings: the postings.* methods (list, search, get, create, update, archive) and the
 * validation of a posting's fields as producers send them.
 *
 * Main thread only. Every field is checked before anything is stored, and an error names the
 * field first ("pay_max: must be >= pay_min"), so the control page can put it next to the
 * input. Updates carry the version the producer edited; a stale one is JC_ERROR_CONFLICT
 * (-32009) and nothing is overwritten. Every change is broadcast as posting.changed. */
#include <math.h>
#include <string.h>

#include "ctl_postings.h"

#include "ctl_call.h"
#include "jc_error.h"
#include "jc_text.h"

/* Caps, in characters (docs/protocol.md). */
#define TITLE_MAX 60
#define COMPANY_MAX 60
#define LOCATION_MAX 60
#define TAG_MAX 12
#define TAGS_MAX 8
#define REQUIREMENTS_MAX 300
#define TALKING_POINTS_MAX 2000
#define PAY_MAX 10000000.0
#define HEADCOUNT_MAX 100000
#define SEARCH_MAX 100
#define LIST_LIMIT_MAX 1000

static gboolean bad(GError **error, const char *field, const char *what)
{
    g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: %s", field, what);
    return FALSE;
}

/* No control characters except, where multiline, line breaks and tabs. */
static gboolean text_ok(const char *s, gboolean multiline)
{
    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (multiline && (ch == '\n' || ch == '\t'))
            continue;
        if (g_unichar_iscntrl(ch) || (ch >= 0x202A && ch <= 0x202E) ||
            (ch >= 0x2066 && ch <= 0x2069))
            return FALSE;
    }
    return TRUE;
}

/* A string member into *out (replacing it), trimmed, min..max characters. Absent: keep. */
static gboolean read_text(JsonObject *o, const char *name, glong min, glong max, gboolean multiline,
                          char **out, GError **error)
{
    JsonNode *n = json_object_get_member(o, name);
    if (n == NULL)
        return TRUE;
    if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
        return bad(error, name, "must be a string");
    const char *v = json_node_get_string(n);
    if (!g_utf8_validate(v, -1, NULL))
        return bad(error, name, "must be valid UTF-8");
    g_autofree char *t = g_strstrip(g_strdup(v));
    glong len = g_utf8_strlen(t, -1);
    if (len < min || len > max) {
        g_autofree char *what = min > 0 ? g_strdup_printf("must be %ld to %ld characters", min, max)
                                        : g_strdup_printf("must be at most %ld characters", max);
        return bad(error, name, what);
    }
    if (!text_ok(t, multiline))
        return bad(error, name, "must not contain control characters");
    g_free(*out);
    *out = g_steal_pointer(&t);
    return TRUE;
}

static gboolean read_number(JsonObject *o, const char *name, double *out, GError **error)
{
    JsonNode *n = json_object_get_member(o, name);
    if (n == NULL)
        return TRUE;
    GType t = JSON_NODE_HOLDS_VALUE(n) ? json_node_get_value_type(n) : G_TYPE_INVALID;
    double v;
    if (t == G_TYPE_INT64)
        v = (double)json_node_get_int(n);
    else if (t == G_TYPE_DOUBLE)
        v = json_node_get_double(n);
    else
        return bad(error, name, "must be a number");
    if (!isfinite(v) || v < 0 || v > PAY_MAX)
        return bad(error, name, "must be between 0 and 10000000");
    *out = v;
    return TRUE;
}

static gboolean read_tags(JsonObject *o, char ***tags, GError **error)
{
    JsonNode *n = json_object_get_member(o, "tags");
    if (n == NULL)
        return TRUE;
    if (!JSON_NODE_HOLDS_ARRAY(n))
        return bad(error, "tags", "must be an array of strings");
    JsonArray *arr = json_node_get_array(n);
    if (json_array_get_length(arr) > TAGS_MAX)
        return bad(error, "tags", "at most 8 tags");
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *t = json_array_get_element(arr, i);
        if (!JSON_NODE_HOLDS_VALUE(t) || json_node_get_value_type(t) != G_TYPE_STRING)
            return bad(error, "tags", "must be an array of strings");
        const char *v = json_node_get_string(t);
        g_autofree char *s = g_strstrip(g_strdup(v));
        glong len = g_utf8_validate(s, -1, NULL) ? g_utf8_strlen(s, -1) : -1;
        if (len < 1 || len > TAG_MAX || !text_ok(s, FALSE))
            return bad(error, "tags", "each tag must be 1 to 12 characters");
        g_strv_builder_add(b, s);
    }
    g_strfreev(*tags);
    *tags = g_strv_builder_end(b);
    return TRUE;
}

CtlPosting *ctl_posting_from_params(JsonObject *params, const CtlPosting *base, GError **error)
{
    static const char *const required[] = {"title",   "company",  "pay_min",
                                           "pay_max", "pay_unit", "headcount"};
    g_autoptr(CtlPosting) p = NULL;
    if (base != NULL) {
        p = ctl_posting_copy(base);
    } else {
        for (gsize i = 0; i < G_N_ELEMENTS(required); i++) {
            if (!json_object_has_member(params, required[i])) {
                bad(error, required[i], "required");
                return NULL;
            }
        }
        p = g_new0(CtlPosting, 1);
        p->location = g_strdup("");
        p->requirements = g_strdup("");
        p->talking_points = g_strdup("");
        p->tags = g_new0(char *, 1);
        p->version = 1;
    }
    if (!read_text(params, "title", 1, TITLE_MAX, FALSE, &p->title, error) ||
        !read_text(params, "company", 1, COMPANY_MAX, FALSE, &p->company, error) ||
        !read_number(params, "pay_min", &p->pay_min, error) ||
        !read_number(params, "pay_max", &p->pay_max, error))
        return NULL;
    if (p->pay_min > p->pay_max) {
        bad(error, "pay_max", "must be >= pay_min");
        return NULL;
    }
    JsonNode *unit = json_object_get_member(params, "pay_unit");
    if (unit != NULL) {
        if (!JSON_NODE_HOLDS_VALUE(unit) || json_node_get_value_type(unit) != G_TYPE_STRING ||
            !jc_pay_unit_valid(json_node_get_string(unit))) {
            bad(error, "pay_unit", "must be one of hour, day, month, piece");
            return NULL;
        }
        g_free(p->pay_unit);
        p->pay_unit = g_strdup(json_node_get_string(unit));
    }
    JsonNode *hc = json_object_get_member(params, "headcount");
    if (hc != NULL) {
        if (!JSON_NODE_HOLDS_VALUE(hc) || json_node_get_value_type(hc) != G_TYPE_INT64 ||
            json_node_get_int(hc) < 0 || json_node_get_int(hc) > HEADCOUNT_MAX) {
            bad(error, "headcount", "must be a whole number from 0 to 100000");
            return NULL;
        }
        p->headcount = (gint)json_node_get_int(hc);
    }
    if (!read_text(params, "location", 0, LOCATION_MAX, FALSE, &p->location, error) ||
        !read_text(params, "requirements", 0, REQUIREMENTS_MAX, TRUE, &p->requirements, error) ||
        !read_text(params, "talking_points", 0, TALKING_POINTS_MAX, TRUE, &p->talking_points,
                   error) ||
        !read_tags(params, &p->tags, error))
        return NULL;
    return g_steal_pointer(&p);
}

/* Notifies everyone of the stored state of posting id and returns it as the result. */
static JsonNode *changed(const CtlPostingsRoom *r, gint64 id, GError **error)
{
    g_autoptr(CtlPosting) p = ctl_store_get_posting(r->store, id, error);
    if (p == NULL)
        return NULL;
    ctl_notify(r->notify, "posting.changed", ctl_view_posting_result(r->view, p));
    ctl_studio_posting_changed(r->studio, p);
    return ctl_view_posting_result(r->view, p);
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

static JsonNode *method_create(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlPostingsRoom *r = call->rpc.room;
    g_autoptr(CtlPosting) p = ctl_posting_from_params(params, NULL, error);
    if (p == NULL)
        return NULL;
    gint64 id = ctl_store_create_posting(r->store, p, error);
    return id > 0 ? changed(r, id, error) : NULL;
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
    g_autoptr(CtlPosting) p = ctl_posting_from_params(params, base, error);
    if (p == NULL || !ctl_store_update_posting(r->store, p, error))
        return NULL;
    return changed(r, id, error);
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
    return changed(r, id, error);
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
