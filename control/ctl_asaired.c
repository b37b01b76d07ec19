/* ctl_asaired: the as-aired log's events and readers (see ctl_asaired.h).
 *
 * Events: "take" and "clear" (ctl_studio.c's take), "slate_on"/"slate_off" (graphics.slate,
 * when it changes), "program_off"/"program_on" (the program leaves "playing" / plays again),
 * "output_down"/"output_up" (an output leaves "live" / goes live; detail: its name, and the
 * error when it went down). Each names the posting on air then, with its fields as shown. */
#include "ctl_asaired.h"

#include <string.h>

#include "ctl_call.h"
#include "jc_error.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 500
#define OUTPUTS_MAX 64

void ctl_asaired_log(CtlStore *store, const CtlView *view, gint64 show_id, const char *event,
                     const CtlPosting *p, const char *actor, const char *detail)
{
    g_autofree char *fields = NULL;
    if (p != NULL) {
        g_autoptr(JsonNode) shown = ctl_view_posting_json(view, p);
        json_object_remove_member(json_node_get_object(shown), "signups");
        fields = ctl_json_to_string(shown);
    }
    CtlAsAiredEntry e = {
        .event = event,
        .show_id = show_id,
        .posting_id = p != NULL ? p->id : 0,
        .posting_version = p != NULL ? p->version : 0,
        .fields_json = fields,
        .actor = actor,
        .detail = detail,
    };
    g_autoptr(GError) error = NULL;
    if (!ctl_store_asaired_append(store, &e, &error))
        g_message("control: as-aired log: %s", error->message);
}

/* ---- the stream ---- */

struct CtlAsAiredWatch {
    CtlStore *store;     /* borrowed */
    const CtlView *view; /* borrowed */
    gboolean seen;       /* a status came before */
    gboolean playing;    /* the program played in the last status */
    GHashTable *live;    /* owned: output name (owned) -> itself, the outputs live last time */
};

CtlAsAiredWatch *ctl_asaired_watch_new(CtlStore *store, const CtlView *view)
{
    CtlAsAiredWatch *w = g_new0(CtlAsAiredWatch, 1);
    w->store = store;
    w->view = view;
    w->live = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return w;
}

void ctl_asaired_watch_free(CtlAsAiredWatch *w)
{
    if (w == NULL)
        return;
    g_hash_table_destroy(w->live);
    g_free(w);
}

/* An output's name: its own, else out1, out2... by position (never its URL). (transfer full) */
static char *output_name(JsonObject *o, guint i)
{
    const char *name = json_object_get_string_member_with_default(o, "name", "");
    return name[0] != '\0' ? g_strdup(name) : g_strdup_printf("out%u", i + 1);
}

/* text with every word holding "://" replaced by "(url)": an error names its destination,
 * which the log (and its CSV, which may travel) never keeps. (transfer full) */
static char *without_urls(const char *text)
{
    g_auto(GStrv) words = g_strsplit(text, " ", -1);
    for (char **w = words; *w != NULL; w++) {
        if (strstr(*w, "://") != NULL) {
            g_free(*w);
            *w = g_strdup("(url)");
        }
    }
    return g_strjoinv(" ", words);
}

/* Logs an output that went up or down since the last status. */
static void watch_output(CtlAsAiredWatch *w, JsonObject *o, const char *name, gint64 show_id,
                         const CtlPosting *on_air, gboolean live)
{
    if (live && !g_hash_table_contains(w->live, name))
        ctl_asaired_log(w->store, w->view, show_id, "output_up", on_air, "stream", name);
    if (!live && g_hash_table_contains(w->live, name)) {
        const char *why = json_object_get_string_member_with_default(o, "error", NULL);
        g_autofree char *said = why != NULL ? without_urls(why) : NULL;
        g_autofree char *detail =
            said != NULL ? g_strdup_printf("%s: %s", name, said) : g_strdup(name);
        ctl_asaired_log(w->store, w->view, show_id, "output_down", on_air, "stream", detail);
    }
}

static void watch_outputs(CtlAsAiredWatch *w, JsonObject *status, gint64 show_id,
                          const CtlPosting *on_air)
{
    JsonNode *n = json_object_get_member(status, "outputs");
    JsonArray *a = n != NULL && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
    GHashTable *now = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; a != NULL && i < json_array_get_length(a) && i < OUTPUTS_MAX; i++) {
        JsonNode *e = json_array_get_element(a, i);
        if (!JSON_NODE_HOLDS_OBJECT(e))
            continue;
        JsonObject *o = json_node_get_object(e);
        char *name = output_name(o, i);
        gboolean live =
            g_strcmp0(json_object_get_string_member_with_default(o, "state", ""), "live") == 0;
        watch_output(w, o, name, show_id, on_air, live);
        if (live)
            g_hash_table_add(now, g_strdup(name));
        g_hash_table_add(listed, name);
    }
    /* An output removed from the list while live went down with it. */
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, w->live);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (!g_hash_table_contains(listed, key))
            ctl_asaired_log(w->store, w->view, show_id, "output_down", on_air, "stream", key);
    }
    g_hash_table_destroy(w->live);
    w->live = now;
}

void ctl_asaired_watch_stream(CtlAsAiredWatch *w, JsonNode *status, gint64 show_id,
                              const CtlPosting *on_air)
{
    if (status == NULL || !JSON_NODE_HOLDS_OBJECT(status))
        return;
    JsonObject *o = json_node_get_object(status);
    const char *program = json_object_get_string_member_with_default(o, "program", "");
    gboolean playing = strcmp(program, "playing") == 0;
    if (w->seen && w->playing && !playing)
        ctl_asaired_log(w->store, w->view, show_id, "program_off", on_air, "stream", program);
    if (playing && (!w->seen || !w->playing))
        ctl_asaired_log(w->store, w->view, show_id, "program_on", on_air, "stream", NULL);
    w->seen = TRUE;
    w->playing = playing;
    watch_outputs(w, o, show_id, on_air);
}

/* ---- reading it ---- */

/* [from, to): the UTC bounds of day (YYYY-MM-DD) in tz, as the log stores times. */
static gboolean day_range(const char *day, GTimeZone *tz, char **from, char **to, GError **error)
{
    guint64 y = 0;
    guint64 m = 0;
    guint64 d = 0;
    g_auto(GStrv) parts = g_strsplit(day, "-", -1);
    g_autoptr(GDateTime) start = NULL;
    if (strlen(day) == 10 && g_strv_length(parts) == 3 && strlen(parts[0]) == 4 &&
        g_ascii_string_to_unsigned(parts[0], 10, 2000, 9999, &y, NULL) &&
        g_ascii_string_to_unsigned(parts[1], 10, 1, 12, &m, NULL) &&
        g_ascii_string_to_unsigned(parts[2], 10, 1, 31, &d, NULL))
        start = g_date_time_new(tz, (gint)y, (gint)m, (gint)d, 0, 0, 0);
    if (start == NULL || g_date_time_get_day_of_month(start) != (gint)d) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "day: '%s' is not a date (YYYY-MM-DD)", day);
        return FALSE;
    }
    g_autoptr(GDateTime) end = g_date_time_add_days(start, 1);
    g_autoptr(GDateTime) start_utc = g_date_time_to_utc(start);
    g_autoptr(GDateTime) end_utc = g_date_time_to_utc(end);
    *from = g_date_time_format(start_utc, "%Y-%m-%dT%H:%M:%S.000Z");
    *to = g_date_time_format(end_utc, "%Y-%m-%dT%H:%M:%S.000Z");
    return TRUE;
}

gboolean ctl_asaired_query(gint64 show_id, const char *day, gint64 posting_id, GTimeZone *tz,
                           CtlAsAiredQuery *q, char **from, char **to, GError **error)
{
    memset(q, 0, sizeof *q);
    *from = NULL;
    *to = NULL;
    if (day != NULL && !day_range(day, tz, from, to, error))
        return FALSE;
    q->show_id = show_id > 0 ? show_id : -1;
    q->posting_id = posting_id;
    q->from = *from;
    q->to = *to;
    return TRUE;
}

static JsonObject *entry_json(const CtlAsAiredRow *r)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "id", r->id);
    json_object_set_string_member(o, "at", r->aired_at);
    json_object_set_string_member(o, "event", r->event);
    json_object_set_int_member(o, "show_id", r->show_id);
    json_object_set_int_member(o, "posting_id", r->posting_id);
    json_object_set_int_member(o, "posting_version", r->posting_version);
    json_object_set_string_member(o, "title", r->title);
    json_object_set_string_member(o, "company", r->company);
    json_object_set_string_member(o, "pay_text", r->pay_text);
    json_object_set_string_member(o, "actor", r->actor);
    json_object_set_string_member(o, "detail", r->detail);
    return o;
}

/* asaired.list {show_id?, day?, posting_id?, before_id?, limit?}: newest first, paged. */
static JsonNode *method_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    const CtlAsAiredRoom *room = call->rpc.room;
    gint64 show_id;
    gint64 posting_id;
    gint64 before;
    gint64 limit;
    g_autofree char *day = NULL;
    if (!ctl_param_id(params, "show_id", TRUE, &show_id, error) ||
        !ctl_param_id(params, "posting_id", TRUE, &posting_id, error) ||
        !ctl_param_id(params, "before_id", TRUE, &before, error) ||
        !ctl_param_id(params, "limit", TRUE, &limit, error) ||
        !ctl_param_text(params, "day", TRUE, 10, &day, error))
        return NULL;
    if (limit > PAGE_MAX) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "limit: at most 500");
        return NULL;
    }
    CtlAsAiredQuery q;
    g_autofree char *from = NULL;
    g_autofree char *to = NULL;
    if (!ctl_asaired_query(show_id, day, posting_id, room->tz, &q, &from, &to, error))
        return NULL;
    q.before_id = before;
    q.limit = (guint)(limit > 0 ? limit : PAGE_DEFAULT) + 1; /* one more: is there a next page */
    g_autoptr(GPtrArray) rows = ctl_store_asaired_list(room->store, &q, error);
    if (rows == NULL)
        return NULL;
    JsonArray *arr = json_array_new();
    for (guint i = 0; i + 1 < q.limit && i < rows->len; i++)
        json_array_add_object_element(arr, entry_json(rows->pdata[i]));
    JsonObject *o = json_object_new();
    json_object_set_array_member(o, "entries", arr);
    if (rows->len >= q.limit)
        json_object_set_int_member(o, "next_before_id",
                                   ((CtlAsAiredRow *)rows->pdata[q.limit - 2])->id);
    else
        json_object_set_null_member(o, "next_before_id");
    return ctl_json_object_node(o);
}

static const CtlRpcMethod asaired_methods[] = {
    {"asaired.list", method_list, CTL_RPC_PRODUCER, NULL},
};

const CtlRpcMethod *ctl_asaired_methods(gsize *n)
{
    *n = G_N_ELEMENTS(asaired_methods);
    return asaired_methods;
}
