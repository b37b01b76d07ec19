/* ctl_view: postings as JSON and their apply URLs (see ctl_view.h).
 *
 * Main thread only. Not responsible for validating postings (ctl_postings.c) or for sending
 * anything. */
#include "ctl_view.h"

#include "ctl_rpc.h"
#include "ctl_store_desk.h"
#include "jc_error.h"
#include "jc_text.h"

struct CtlView {
    CtlStore *store;  /* borrowed */
    char *public_url; /* owned, no trailing slash */
};

CtlView *ctl_view_new(CtlStore *store, const char *public_url)
{
    CtlView *v = g_new0(CtlView, 1);
    v->store = store;
    v->public_url = g_strdup(public_url);
    return v;
}

void ctl_view_free(CtlView *v)
{
    if (v == NULL)
        return;
    g_free(v->public_url);
    g_free(v);
}

char *ctl_view_apply_url(const CtlView *v, gint64 posting_id)
{
    return g_strdup_printf("%s/a/%" G_GINT64_FORMAT, v->public_url, posting_id);
}

const char *ctl_view_public_url(const CtlView *v)
{
    return v->public_url;
}

/* hires, closed (by its employer from the desk), show_hires (on its card) and filled (hires
 * reached headcount, or closed): what rotation and the control page go by. */
static void add_hires(JsonBuilder *b, const CtlView *v, const CtlPosting *p)
{
    gint64 hires = 0;
    gboolean closed = FALSE;
    gboolean shown = FALSE;
    g_autoptr(GError) error = NULL;
    if (p->id > 0 && !ctl_store_posting_hires(v->store, p->id, &hires, &closed, &shown, &error) &&
        !g_error_matches(error, JC_ERROR, JC_ERROR_NOT_FOUND))
        g_message("control: counting hires of %" G_GINT64_FORMAT ": %s", p->id, error->message);
    ctl_json_add_int(b, "hires", hires);
    ctl_json_add_bool(b, "closed", closed);
    ctl_json_add_bool(b, "show_hires", shown);
    ctl_json_add_bool(b, "filled", closed || (p->headcount > 0 && hires >= p->headcount));
}

char *ctl_view_code_url(const CtlView *v)
{
    return g_strdup_printf("%s/j", v->public_url);
}

char *ctl_view_poster_url(const CtlView *v, gint64 posting_id)
{
    return g_strdup_printf("%s/a/%" G_GINT64_FORMAT "/poster.png", v->public_url, posting_id);
}

JsonNode *ctl_view_posting_json(const CtlView *v, const CtlPosting *p)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    ctl_json_add_int(b, "id", p->id);
    ctl_json_add_string(b, "title", p->title);
    ctl_json_add_string(b, "company", p->company);
    ctl_json_add_int(b, "employer_id", p->employer_id);
    ctl_json_add_double(b, "pay_min", p->pay_min);
    ctl_json_add_double(b, "pay_max", p->pay_max);
    ctl_json_add_string(b, "pay_unit", p->pay_unit);
    g_autofree char *pay = jc_format_pay(p->pay_min, p->pay_max, p->pay_unit);
    ctl_json_add_string(b, "pay_text", pay);
    ctl_json_add_string(b, "location", p->location);
    ctl_json_add_int(b, "headcount", p->headcount);
    json_builder_set_member_name(b, "tags");
    json_builder_begin_array(b);
    for (char **t = p->tags; *t != NULL; t++)
        json_builder_add_string_value(b, *t);
    json_builder_end_array(b);
    ctl_json_add_string(b, "requirements", p->requirements);
    ctl_json_add_string(b, "talking_points", p->talking_points);
    g_autofree char *url = ctl_view_apply_url(v, p->id);
    ctl_json_add_string(b, "apply_url", url);
    ctl_json_add_int(b, "version", p->version);
    ctl_json_add_bool(b, "archived", p->archived);
    json_builder_set_member_name(b, "code");
    if (p->code != NULL)
        json_builder_add_string_value(b, p->code);
    else
        json_builder_add_null_value(b);
    g_autoptr(GError) error = NULL;
    gint64 count = ctl_store_count_signups(v->store, p->id, &error);
    if (count < 0) {
        g_message("control: counting sign-ups of %" G_GINT64_FORMAT ": %s", p->id, error->message);
        count = 0;
    }
    ctl_json_add_int(b, "signups", count);
    add_hires(b, v, p);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

JsonNode *ctl_view_posting_or_null(const CtlView *v, const CtlPosting *p)
{
    return p != NULL ? ctl_view_posting_json(v, p) : json_node_new(JSON_NODE_NULL);
}

JsonNode *ctl_view_postings_json(const CtlView *v, GError **error)
{
    g_autoptr(GPtrArray) list = ctl_store_list_postings(v->store, error);
    if (list == NULL)
        return NULL;
    JsonArray *arr = json_array_sized_new(list->len);
    for (guint i = 0; i < list->len; i++)
        json_array_add_element(arr, ctl_view_posting_json(v, g_ptr_array_index(list, i)));
    JsonNode *node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, arr);
    return node;
}

JsonNode *ctl_view_posting_result(const CtlView *v, const CtlPosting *p)
{
    return ctl_json_wrap("posting", ctl_view_posting_json(v, p));
}

JsonNode *ctl_view_employer_json(const CtlEmployerRow *row)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    ctl_json_add_int(b, "id", row->id);
    ctl_json_add_string(b, "name", row->name);
    ctl_json_add_string(b, "contact_person", row->contact_person);
    ctl_json_add_string(b, "contact_phone", row->contact_phone);
    ctl_json_add_int(b, "postings", row->postings);
    ctl_json_add_int(b, "open_postings", row->open_postings);
    ctl_json_add_int(b, "signups", row->signups);
    json_builder_end_object(b);
    return json_builder_get_root(b);
}
