/* ctl_shows: shows (a titled broadcast with a start and an end, to which sign-ups are
 * attributed) and each show's rundown (the ordered postings rotation and next/previous step
 * through): shows.* and rundown.* methods, and their part of state.get.
 *
 * Main thread only. Which show is current is the studio's (ctl_studio_set_show); this file
 * only changes it through the studio and never the other way round. Every change is persisted
 * before it is broadcast (show.changed, rundown.changed). */
#include "ctl_shows.h"

#include "ctl_call.h"
#include "jc_error.h"

#define RUNDOWN_MAX 200

/* A show's fields as the protocol shows them (times null until they happen). (transfer full) */
static JsonObject *show_object(const CtlShow *show)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "id", show->id);
    json_object_set_string_member(o, "title", show->title);
    json_object_set_string_member(o, "created_at", show->created_at);
    if (show->started_at != NULL)
        json_object_set_string_member(o, "started_at", show->started_at);
    else
        json_object_set_null_member(o, "started_at");
    if (show->ended_at != NULL)
        json_object_set_string_member(o, "ended_at", show->ended_at);
    else
        json_object_set_null_member(o, "ended_at");
    return o;
}

static JsonNode *show_json(CtlStudio *st)
{
    gint64 id = ctl_studio_show_id(st);
    if (id <= 0)
        return json_node_new(JSON_NODE_NULL);
    g_autoptr(CtlShow) show = ctl_store_get_show(ctl_studio_store(st), id, NULL);
    if (show == NULL)
        return json_node_new(JSON_NODE_NULL);
    JsonObject *o = show_object(show);
    json_object_set_boolean_member(o, "live", show->started_at != NULL && show->ended_at == NULL);
    return ctl_json_object_node(o);
}

static JsonNode *rundown_json(CtlStudio *st)
{
    JsonArray *arr = json_array_new();
    gint64 id = ctl_studio_show_id(st);
    if (id > 0) {
        g_autoptr(GArray) ids = ctl_store_get_rundown(ctl_studio_store(st), id, NULL);
        for (guint i = 0; ids != NULL && i < ids->len; i++)
            json_array_add_int_element(arr, g_array_index(ids, gint64, i));
    }
    JsonNode *n = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(n, arr);
    return n;
}

void ctl_shows_add_state(CtlStudio *st, JsonObject *o)
{
    json_object_set_member(o, "show", show_json(st));
    json_object_set_member(o, "rundown", rundown_json(st));
}

static void notify_show(CtlStudio *st)
{
    ctl_studio_set_show(st, ctl_studio_show_id(st));
    ctl_notify(ctl_studio_notifier(st), "show.changed", ctl_json_wrap("show", show_json(st)));
}

/* {"show_id": the current show, "rundown": its posting ids}. */
static JsonNode *rundown_result(CtlStudio *st)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "show_id", ctl_studio_show_id(st));
    json_object_set_member(o, "rundown", rundown_json(st));
    return ctl_json_object_node(o);
}

static void notify_rundown(CtlStudio *st)
{
    ctl_notify(ctl_studio_notifier(st), "rundown.changed", rundown_result(st));
}

static JsonNode *method_shows_create(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    g_autofree char *title = NULL;
    if (!ctl_param_text(params, "title", FALSE, 60, &title, error))
        return NULL;
    if (title[0] == '\0') {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "title: must not be empty");
        return NULL;
    }
    gint64 id = ctl_store_create_show(ctl_studio_store(st), title, error);
    if (id <= 0)
        return NULL;
    ctl_studio_set_show(st, id);
    notify_show(st);
    notify_rundown(st);
    return ctl_json_wrap("show", show_json(st));
}

/* FALSE, with the error that there is no current show. */
static gboolean no_current_show(GError **error)
{
    g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                        "show_id: there is no current show; create one with shows.create");
    return FALSE;
}

/* The show_id parameter, or the current show. */
static gboolean which_show(CtlCall *call, JsonObject *params, gint64 *id, GError **error)
{
    CtlStudio *st = call->rpc.room;
    if (!ctl_param_id(params, "show_id", TRUE, id, error))
        return FALSE;
    if (*id == 0)
        *id = ctl_studio_show_id(st);
    return *id != 0 || no_current_show(error);
}

static JsonNode *method_shows_start(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    gint64 id;
    if (!which_show(call, params, &id, error) ||
        !ctl_store_start_show(ctl_studio_store(st), id, error))
        return NULL;
    gboolean switched = ctl_studio_show_id(st) != id;
    ctl_studio_set_show(st, id);
    notify_show(st);
    if (switched)
        notify_rundown(st);
    return ctl_json_wrap("show", show_json(st));
}

static JsonNode *method_shows_stop(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    gint64 id;
    if (!which_show(call, params, &id, error) ||
        !ctl_store_stop_show(ctl_studio_store(st), id, error))
        return NULL;
    ctl_studio_stop_rotation(st);
    notify_show(st);
    return ctl_json_wrap("show", show_json(st));
}

static JsonNode *method_shows_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    g_autoptr(GPtrArray) shows = ctl_store_list_shows(ctl_studio_store(st), 50, error);
    if (shows == NULL)
        return NULL;
    JsonArray *arr = json_array_new();
    for (guint i = 0; i < shows->len; i++) {
        json_array_add_object_element(arr, show_object(shows->pdata[i]));
    }
    JsonObject *o = json_object_new();
    json_object_set_array_member(o, "shows", arr);
    return ctl_json_object_node(o);
}

static GArray *current_rundown(CtlCall *call, GError **error)
{
    CtlStudio *st = call->rpc.room;
    if (ctl_studio_show_id(st) == 0 && !no_current_show(error))
        return NULL;
    return ctl_store_get_rundown(ctl_studio_store(st), ctl_studio_show_id(st), error);
}

static JsonNode *save_rundown(CtlCall *call, GArray *ids, GError **error)
{
    CtlStudio *st = call->rpc.room;
    if (ids->len > RUNDOWN_MAX) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "posting_ids: a rundown holds at most 200 postings");
        return NULL;
    }
    if (!ctl_store_set_rundown(ctl_studio_store(st), ctl_studio_show_id(st), (gint64 *)ids->data,
                               ids->len, error))
        return NULL;
    notify_rundown(st);
    return rundown_result(st);
}

static JsonNode *method_rundown_get(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    return rundown_result(call->rpc.room);
}

static JsonNode *method_rundown_set(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    JsonNode *n = json_object_get_member(params, "posting_ids");
    if (n == NULL || !JSON_NODE_HOLDS_ARRAY(n)) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "posting_ids: required, an array of posting ids");
        return NULL;
    }
    if (ctl_studio_show_id(st) == 0 && !no_current_show(error))
        return NULL;
    JsonArray *arr = json_node_get_array(n);
    g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = 0; i < json_array_get_length(arr); i++) {
        JsonNode *e = json_array_get_element(arr, i);
        if (!JSON_NODE_HOLDS_VALUE(e) || json_node_get_value_type(e) != G_TYPE_INT64 ||
            json_node_get_int(e) <= 0) {
            g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                                "posting_ids: every element must be a positive integer");
            return NULL;
        }
        gint64 id = json_node_get_int(e);
        g_array_append_val(ids, id);
    }
    return save_rundown(call, ids, error);
}

static gint index_of(GArray *ids, gint64 id)
{
    for (guint i = 0; i < ids->len; i++) {
        if (g_array_index(ids, gint64, i) == id)
            return (gint)i;
    }
    return -1;
}

/* The current rundown without params' posting_id (*id). (transfer full) NULL with error set
 * when the id is invalid or not in the rundown. */
static GArray *rundown_without_param(CtlCall *call, JsonObject *params, gint64 *id, GError **error)
{
    if (!ctl_param_id(params, "posting_id", FALSE, id, error))
        return NULL;
    g_autoptr(GArray) ids = current_rundown(call, error);
    if (ids == NULL)
        return NULL;
    gint at = index_of(ids, *id);
    if (at < 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND,
                    "posting %" G_GINT64_FORMAT " is not in the rundown", *id);
        return NULL;
    }
    g_array_remove_index(ids, (guint)at);
    return g_steal_pointer(&ids);
}

/* position: absent = the end; clamped to the list. */
static gboolean read_position(JsonObject *params, guint len, guint *out, GError **error)
{
    JsonNode *n = json_object_get_member(params, "position");
    *out = len;
    if (n == NULL)
        return TRUE;
    if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64 ||
        json_node_get_int(n) < 0) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "position: must be an integer >= 0");
        return FALSE;
    }
    *out = (guint)MIN(json_node_get_int(n), (gint64)len);
    return TRUE;
}

static JsonNode *method_rundown_add(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gint64 id;
    if (!ctl_param_id(params, "posting_id", FALSE, &id, error))
        return NULL;
    g_autoptr(GArray) ids = current_rundown(call, error);
    guint pos;
    if (ids == NULL || !read_position(params, ids->len, &pos, error))
        return NULL;
    if (index_of(ids, id) >= 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "posting_id: posting %" G_GINT64_FORMAT " is already in the rundown", id);
        return NULL;
    }
    g_array_insert_val(ids, pos, id);
    return save_rundown(call, ids, error);
}

static JsonNode *method_rundown_remove(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gint64 id;
    g_autoptr(GArray) ids = rundown_without_param(call, params, &id, error);
    if (ids == NULL)
        return NULL;
    return save_rundown(call, ids, error);
}

static JsonNode *method_rundown_move(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gint64 id;
    g_autoptr(GArray) ids = rundown_without_param(call, params, &id, error);
    if (ids == NULL)
        return NULL;
    if (!json_object_has_member(params, "position")) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "position: required");
        return NULL;
    }
    guint pos;
    if (!read_position(params, ids->len, &pos, error))
        return NULL;
    g_array_insert_val(ids, pos, id);
    return save_rundown(call, ids, error);
}

/* show.cue_next: cues the posting after the cued one (or, with nothing cued, after the one on
 * air) in the rundown's sequence, wrapping, passing over archived ones; a Stream Deck button
 * pressed again walks the rundown in the preview. -32004 when no other posting qualifies. */
static JsonNode *method_cue_next(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    g_autoptr(GArray) ids = ctl_studio_sequence(st, error);
    if (ids == NULL)
        return NULL;
    const CtlPosting *from = ctl_studio_preview(st);
    if (from == NULL)
        from = ctl_studio_on_air(st);
    guint at = ids->len;
    for (guint i = 0; from != NULL && i < ids->len; i++) {
        if (g_array_index(ids, gint64, i) == from->id)
            at = i;
    }
    for (guint k = 1; k <= ids->len; k++) {
        guint i = at == ids->len ? k - 1 : (at + k) % ids->len;
        gint64 id = g_array_index(ids, gint64, i);
        if (from != NULL && id == from->id)
            break;
        CtlPosting *p = ctl_store_get_posting(ctl_studio_store(st), id, NULL);
        if (p == NULL || p->archived) {
            ctl_posting_free(p);
            continue;
        }
        ctl_studio_cue(st, p);
        return ctl_json_wrap("preview", ctl_view_posting_or_null(ctl_studio_view(st), p));
    }
    g_set_error_literal(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no other posting to cue");
    return NULL;
}

static const CtlRpcMethod shows_methods[] = {
    {"show.cue_next", method_cue_next, CTL_RPC_PRODUCER, NULL},
    {"shows.create", method_shows_create, CTL_RPC_PRODUCER, NULL},
    {"shows.start", method_shows_start, CTL_RPC_PRODUCER, NULL},
    {"shows.stop", method_shows_stop, CTL_RPC_PRODUCER, NULL},
    {"shows.list", method_shows_list, 0, NULL},
    {"rundown.get", method_rundown_get, 0, NULL},
    {"rundown.set", method_rundown_set, CTL_RPC_PRODUCER, NULL},
    {"rundown.add", method_rundown_add, CTL_RPC_PRODUCER, NULL},
    {"rundown.remove", method_rundown_remove, CTL_RPC_PRODUCER, NULL},
    {"rundown.move", method_rundown_move, CTL_RPC_PRODUCER, NULL},
};

const CtlRpcMethod *ctl_shows_methods(gsize *n)
{
    *n = G_N_ELEMENTS(shows_methods);
    return shows_methods;
}
