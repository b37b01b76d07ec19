/* ctl_studio: what the producer runs besides postings: the current show and its rundown,
 * preview (cue) and program (take), next/previous/clear, the graphics around the card (ticker,
 * lower third, brand, break slate, layout, theme), the program's mute and auto-rotation.
 *
 * Main thread only; rotation is a GLib timeout on the main context. Invariants:
 *   1. Every change is persisted (state keys "studio" and "on_air_posting") before it is
 *      broadcast, so a restart comes back to what every page last saw.
 *   2. Every change broadcasts exactly one notification naming what changed (show.changed,
 *      rundown.changed, preview.changed, on_air.changed, graphics.changed, rotation.changed,
 *      audio.changed)
 *      and then calls on_scene, so the overlay and every page agree.
 *   3. Every take is appended to the as-aired log with the posting's fields as shown.
 *   4. rotation_timer != 0 iff rotating. */
#include <string.h>

#include "ctl_server.h"
#include "jc_error.h"

#define STATE_STUDIO "studio"
#define STATE_ON_AIR "on_air_posting"
#define TEXT_MAX 200
#define DWELL_MIN 5
#define DWELL_MAX 3600
#define DWELL_DEFAULT 30
#define RUNDOWN_MAX 200

static void set_str(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value != NULL ? value : "");
}

/* ---- persistence ---- */

static void persist(CtlControl *c)
{
    CtlStudio *st = &c->studio;
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "show_id", st->show_id);
    json_object_set_int_member(o, "preview_id", st->preview != NULL ? st->preview->id : 0);
    json_object_set_string_member(o, "ticker", st->ticker);
    json_object_set_string_member(o, "host_name", st->host_name);
    json_object_set_string_member(o, "host_title", st->host_title);
    json_object_set_string_member(o, "brand", st->brand);
    json_object_set_boolean_member(o, "slate", st->slate);
    json_object_set_string_member(o, "slate_text", st->slate_text);
    json_object_set_string_member(o, "layout", st->layout);
    json_object_set_string_member(o, "theme", st->theme);
    json_object_set_boolean_member(o, "rotating", st->rotating);
    json_object_set_int_member(o, "dwell_s", st->dwell_s);
    json_object_set_boolean_member(o, "pinned", st->pinned);
    json_object_set_boolean_member(o, "muted", st->muted);
    g_autoptr(JsonNode) node = ctl_json_object_node(o);
    g_autofree char *text = ctl_json_to_string(node);
    g_autoptr(GError) error = NULL;
    if (!ctl_store_set_state(c->store, STATE_STUDIO, text, &error))
        g_message("control: saving the studio state: %s", error->message);
}

static gboolean rotation_tick(gpointer data);

static void rotation_arm(CtlControl *c)
{
    CtlStudio *st = &c->studio;
    if (st->rotation_timer != 0)
        g_source_remove(st->rotation_timer);
    st->rotation_timer = st->rotating ? g_timeout_add_seconds(st->dwell_s, rotation_tick, c) : 0;
}

static const char *member_str(JsonObject *o, const char *name, const char *fallback)
{
    JsonNode *n = json_object_get_member(o, name);
    if (n != NULL && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING)
        return json_node_get_string(n);
    return fallback;
}

static gint64 member_int(JsonObject *o, const char *name, gint64 fallback)
{
    JsonNode *n = json_object_get_member(o, name);
    if (n != NULL && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64)
        return json_node_get_int(n);
    return fallback;
}

static gboolean member_bool(JsonObject *o, const char *name, gboolean fallback)
{
    JsonNode *n = json_object_get_member(o, name);
    if (n != NULL && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_BOOLEAN)
        return json_node_get_boolean(n);
    return fallback;
}

void ctl_studio_init(CtlControl *c)
{
    CtlStudio *st = &c->studio;
    g_autofree char *saved = ctl_store_get_state(c->store, STATE_STUDIO, NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonObject *o = NULL;
    if (saved != NULL && json_parser_load_from_data(parser, saved, -1, NULL) &&
        JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
        o = json_node_get_object(json_parser_get_root(parser));
    g_autoptr(JsonObject) empty = json_object_new();
    if (o == NULL)
        o = empty;
    st->show_id = MAX(member_int(o, "show_id", 0), 0);
    gint64 preview = member_int(o, "preview_id", 0);
    st->preview = preview > 0 ? ctl_store_get_posting(c->store, preview, NULL) : NULL;
    set_str(&st->ticker, member_str(o, "ticker", ""));
    set_str(&st->host_name, member_str(o, "host_name", ""));
    set_str(&st->host_title, member_str(o, "host_title", ""));
    set_str(&st->brand, member_str(o, "brand", ""));
    st->slate = member_bool(o, "slate", FALSE);
    set_str(&st->slate_text, member_str(o, "slate_text", "稍后回来"));
    const char *layout = member_str(o, "layout", c->portrait_default ? "9:16" : "16:9");
    set_str(&st->layout, strcmp(layout, "9:16") == 0 ? "9:16" : "16:9");
    set_str(&st->theme, member_str(o, "theme", "default"));
    if (c->themes != NULL && !g_strv_contains((const char *const *)c->themes, st->theme)) {
        g_message("control: theme '%s' is no longer available; using 'default'", st->theme);
        set_str(&st->theme, "default");
    }
    st->dwell_s = (guint)CLAMP(member_int(o, "dwell_s", DWELL_DEFAULT), DWELL_MIN, DWELL_MAX);
    st->pinned = member_bool(o, "pinned", FALSE);
    st->rotating = member_bool(o, "rotating", FALSE);
    st->muted = member_bool(o, "muted", FALSE);
    rotation_arm(c);
    g_autoptr(CtlShow) show =
        st->show_id > 0 ? ctl_store_get_show(c->store, st->show_id, NULL) : NULL;
    st->show_live = show != NULL && show->started_at != NULL && show->ended_at == NULL;
}

void ctl_studio_clear(CtlControl *c)
{
    CtlStudio *st = &c->studio;
    if (st->rotation_timer != 0)
        g_source_remove(st->rotation_timer);
    st->rotation_timer = 0;
    g_clear_pointer(&st->preview, ctl_posting_free);
    g_free(st->ticker);
    g_free(st->host_name);
    g_free(st->host_title);
    g_free(st->brand);
    g_free(st->slate_text);
    g_free(st->layout);
    g_free(st->theme);
    memset(st, 0, sizeof *st);
}

/* ---- state as JSON ---- */

static JsonNode *posting_or_null(CtlControl *c, const CtlPosting *p)
{
    return p != NULL ? ctl_control_posting_json(c, p) : json_node_new(JSON_NODE_NULL);
}

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

static JsonNode *show_json(CtlControl *c)
{
    if (c->studio.show_id <= 0)
        return json_node_new(JSON_NODE_NULL);
    g_autoptr(CtlShow) show = ctl_store_get_show(c->store, c->studio.show_id, NULL);
    if (show == NULL)
        return json_node_new(JSON_NODE_NULL);
    JsonObject *o = show_object(show);
    json_object_set_boolean_member(o, "live", show->started_at != NULL && show->ended_at == NULL);
    return ctl_json_object_node(o);
}

static JsonNode *rundown_json(CtlControl *c)
{
    JsonArray *arr = json_array_new();
    if (c->studio.show_id > 0) {
        g_autoptr(GArray) ids = ctl_store_get_rundown(c->store, c->studio.show_id, NULL);
        for (guint i = 0; ids != NULL && i < ids->len; i++)
            json_array_add_int_element(arr, g_array_index(ids, gint64, i));
    }
    JsonNode *n = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(n, arr);
    return n;
}

static JsonNode *graphics_json(CtlControl *c)
{
    CtlStudio *st = &c->studio;
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "ticker", st->ticker);
    JsonObject *lt = json_object_new();
    json_object_set_string_member(lt, "name", st->host_name);
    json_object_set_string_member(lt, "title", st->host_title);
    json_object_set_object_member(o, "lower_third", lt);
    json_object_set_string_member(o, "brand", st->brand);
    JsonObject *slate = json_object_new();
    json_object_set_boolean_member(slate, "on", st->slate);
    json_object_set_string_member(slate, "text", st->slate_text);
    json_object_set_object_member(o, "slate", slate);
    json_object_set_string_member(o, "layout", st->layout);
    json_object_set_string_member(o, "theme", st->theme);
    return ctl_json_object_node(o);
}

static JsonNode *rotation_json(CtlControl *c)
{
    JsonObject *o = json_object_new();
    json_object_set_boolean_member(o, "on", c->studio.rotating);
    json_object_set_int_member(o, "dwell_s", c->studio.dwell_s);
    json_object_set_boolean_member(o, "pinned", c->studio.pinned);
    return ctl_json_object_node(o);
}

/* The producer's audio settings (the measured level is in the stream status). */
static JsonNode *audio_json(CtlControl *c)
{
    JsonObject *o = json_object_new();
    json_object_set_boolean_member(o, "muted", c->studio.muted);
    return ctl_json_object_node(o);
}

void ctl_studio_add_state(CtlControl *c, JsonObject *o)
{
    json_object_set_member(o, "preview", posting_or_null(c, c->studio.preview));
    json_object_set_member(o, "show", show_json(c));
    json_object_set_member(o, "rundown", rundown_json(c));
    json_object_set_member(o, "graphics", graphics_json(c));
    json_object_set_member(o, "rotation", rotation_json(c));
    json_object_set_member(o, "audio", audio_json(c));
}

/* {"KEY": VALUE} as a node (value: transfer full). */
static JsonNode *wrap(const char *key, JsonNode *value)
{
    JsonObject *o = json_object_new();
    json_object_set_member(o, key, value);
    return ctl_json_object_node(o);
}

void ctl_studio_emit_scene(CtlControl *c)
{
    if (c->on_scene == NULL)
        return;
    CtlStudio *st = &c->studio;
    const CtlPosting *p = c->on_air_posting;
    g_autofree char *url = p != NULL ? ctl_control_apply_url(c, p->id) : NULL;
    gint64 count = p != NULL ? ctl_store_count_signups(c->store, p->id, NULL) : 0;
    CtlScene scene = {
        .posting = p,
        .apply_url = url,
        .signups = MAX(count, 0),
        .ticker = st->ticker,
        .host_name = st->host_name,
        .host_title = st->host_title,
        .brand = st->brand,
        .slate = st->slate,
        .slate_text = st->slate_text,
        .layout = st->layout,
        .theme = st->theme,
        .muted = st->muted,
    };
    c->on_scene(&scene, c->on_scene_data);
}

/* ---- program and preview ---- */

static void notify_graphics(CtlControl *c)
{
    persist(c);
    ctl_control_notify(c, "graphics.changed", wrap("graphics", graphics_json(c)));
    ctl_studio_emit_scene(c);
}

/* Puts p (transfer full, may be NULL) on air: persist, log, tell on_air, notify, scene. */
static gboolean take(CtlControl *c, CtlPosting *p, const char *actor, GError **error)
{
    g_autofree char *value = p != NULL ? g_strdup_printf("%" G_GINT64_FORMAT, p->id) : NULL;
    if (!ctl_store_set_state(c->store, STATE_ON_AIR, value != NULL ? value : "0", error)) {
        ctl_posting_free(p);
        return FALSE;
    }
    if (p != NULL) {
        g_autoptr(JsonNode) shown = ctl_control_posting_json(c, p);
        json_object_remove_member(json_node_get_object(shown), "signups");
        g_autofree char *fields = ctl_json_to_string(shown);
        g_autoptr(GError) log_error = NULL;
        if (!ctl_store_log_take(c->store, c->studio.show_id, p, fields, actor, &log_error))
            g_message("control: as-aired log: %s", log_error->message);
    }
    g_clear_pointer(&c->on_air_posting, ctl_posting_free);
    c->on_air_posting = p;
    g_autofree char *url = p != NULL ? ctl_control_apply_url(c, p->id) : NULL;
    if (c->on_air != NULL)
        c->on_air(p, url, c->on_air_data);
    ctl_control_notify(c, "on_air.changed", wrap("on_air", posting_or_null(c, p)));
    ctl_studio_emit_scene(c);
    return TRUE;
}

static JsonNode *on_air_result(CtlControl *c)
{
    return wrap("on_air", posting_or_null(c, c->on_air_posting));
}

static void set_preview(CtlControl *c, CtlPosting *p)
{
    g_clear_pointer(&c->studio.preview, ctl_posting_free);
    c->studio.preview = p;
    persist(c);
    ctl_control_notify(c, "preview.changed", wrap("preview", posting_or_null(c, p)));
}

void ctl_studio_posting_changed(CtlControl *c, const CtlPosting *p)
{
    if (c->studio.preview != NULL && c->studio.preview->id == p->id) {
        if (p->archived)
            set_preview(c, NULL);
        else
            set_preview(c, ctl_store_get_posting(c->store, p->id, NULL));
    }
    if (c->on_air_posting != NULL && c->on_air_posting->id == p->id) {
        /* An edit shows at once (a new take, logged as aired); archiving keeps it on air
         * until the producer takes something else. */
        CtlPosting *fresh = ctl_store_get_posting(c->store, p->id, NULL);
        if (fresh != NULL)
            take(c, fresh, "edit", NULL);
    }
}

static const char *actor_of(CtlCall *call)
{
    return call->role == CTL_ROLE_PRODUCER ? "producer" : "";
}

static JsonNode *method_cue(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gint64 id;
    if (!ctl_param_id(params, "posting_id", TRUE, &id, error))
        return NULL;
    CtlPosting *p = NULL;
    if (id > 0 && (p = ctl_store_get_posting(call->c->store, id, error)) == NULL)
        return NULL;
    set_preview(call->c, p);
    return wrap("preview", posting_or_null(call->c, p));
}

static JsonNode *method_take(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlControl *c = call->c;
    gint64 id;
    if (!ctl_param_id(params, "posting_id", TRUE, &id, error))
        return NULL;
    if (id == 0) {
        if (c->studio.preview == NULL) {
            g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                                "posting_id: required when nothing is cued");
            return NULL;
        }
        id = c->studio.preview->id;
    }
    CtlPosting *p = ctl_store_get_posting(c->store, id, error);
    if (p == NULL || !take(c, p, actor_of(call), error))
        return NULL;
    if (c->studio.preview != NULL && c->studio.preview->id == id)
        set_preview(c, NULL);
    return on_air_result(c);
}

static JsonNode *method_clear(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    if (!take(call->c, NULL, actor_of(call), error))
        return NULL;
    return on_air_result(call->c);
}

/* The postings rotation and next/previous step through: the current show's rundown, or every
 * posting when it has none. (transfer full) GArray of gint64. */
static GArray *sequence(CtlControl *c, GError **error)
{
    if (c->studio.show_id > 0) {
        GArray *ids = ctl_store_get_rundown(c->store, c->studio.show_id, error);
        if (ids == NULL || ids->len > 0)
            return ids;
        g_array_unref(ids);
    }
    g_autoptr(GPtrArray) all = ctl_store_list_postings(c->store, error);
    if (all == NULL)
        return NULL;
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = 0; i < all->len; i++)
        g_array_append_val(ids, ((CtlPosting *)all->pdata[i])->id);
    return ids;
}

static gboolean filled(CtlControl *c, const CtlPosting *p)
{
    if (p->headcount <= 0)
        return FALSE;
    return ctl_store_count_signups(c->store, p->id, NULL) >= p->headcount;
}

/* Takes the posting step (+1/-1) away from the one on air in the sequence, wrapping; when
 * skip_filled, postings whose headcount is reached (and archived ones) are passed over. FALSE
 * with error when there is nothing to take; TRUE without a take when only the current
 * qualifies. */
static gboolean step(CtlControl *c, int dir, gboolean skip_filled, const char *actor,
                     GError **error)
{
    g_autoptr(GArray) ids = sequence(c, error);
    if (ids == NULL)
        return FALSE;
    if (ids->len == 0) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_NOT_FOUND, "there are no postings to show");
        return FALSE;
    }
    gint64 current = c->on_air_posting != NULL ? c->on_air_posting->id : 0;
    gint at = -1;
    for (guint i = 0; i < ids->len; i++) {
        if (g_array_index(ids, gint64, i) == current)
            at = (gint)i;
    }
    gint n = (gint)ids->len;
    for (gint k = 1; k <= n; k++) {
        gint i = at < 0 ? (dir > 0 ? k - 1 : n - k) : ((at + dir * k) % n + n) % n;
        gint64 id = g_array_index(ids, gint64, i);
        if (id == current)
            return TRUE; /* back where we were: nothing else qualifies */
        CtlPosting *p = ctl_store_get_posting(c->store, id, NULL);
        if (p == NULL || p->archived || (skip_filled && filled(c, p))) {
            ctl_posting_free(p);
            continue;
        }
        return take(c, p, actor, error);
    }
    g_set_error_literal(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no posting qualifies");
    return FALSE;
}

static JsonNode *method_next(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    if (!step(call->c, +1, FALSE, actor_of(call), error))
        return NULL;
    return on_air_result(call->c);
}

static JsonNode *method_previous(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    if (!step(call->c, -1, FALSE, actor_of(call), error))
        return NULL;
    return on_air_result(call->c);
}

/* ---- rotation ---- */

static gboolean rotation_tick(gpointer data)
{
    CtlControl *c = data;
    if (c->studio.pinned || c->studio.slate)
        return G_SOURCE_CONTINUE;
    g_autoptr(GError) error = NULL;
    if (!step(c, +1, TRUE, "rotation", &error))
        g_message("control: rotation: %s", error->message);
    return G_SOURCE_CONTINUE;
}

static void notify_rotation(CtlControl *c)
{
    persist(c);
    ctl_control_notify(c, "rotation.changed", wrap("rotation", rotation_json(c)));
}

static JsonNode *method_rotation_start(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlControl *c = call->c;
    gint64 dwell;
    if (!ctl_param_id(params, "dwell_s", TRUE, &dwell, error))
        return NULL;
    if (dwell != 0 && (dwell < DWELL_MIN || dwell > DWELL_MAX)) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "dwell_s: must be 5 to 3600 seconds");
        return NULL;
    }
    if (dwell > 0)
        c->studio.dwell_s = (guint)dwell;
    c->studio.rotating = TRUE;
    rotation_arm(c);
    notify_rotation(c);
    return wrap("rotation", rotation_json(c));
}

static JsonNode *method_rotation_stop(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    call->c->studio.rotating = FALSE;
    rotation_arm(call->c);
    notify_rotation(call->c);
    return wrap("rotation", rotation_json(call->c));
}

static gboolean read_bool(JsonObject *params, const char *name, gboolean *out, GError **error)
{
    JsonNode *n = json_object_get_member(params, name);
    if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: required, true or false", name);
        return FALSE;
    }
    *out = json_node_get_boolean(n);
    return TRUE;
}

static JsonNode *method_rotation_pin(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gboolean pinned;
    if (!read_bool(params, "pinned", &pinned, error))
        return NULL;
    call->c->studio.pinned = pinned;
    notify_rotation(call->c);
    return wrap("rotation", rotation_json(call->c));
}

/* ---- graphics ---- */

/* A text member (required unless optional), trimmed, at most max characters, one line. */
static gboolean read_text(JsonObject *params, const char *name, gboolean optional, glong max,
                          char **out, GError **error)
{
    JsonNode *n = json_object_get_member(params, name);
    if (n == NULL && optional)
        return TRUE;
    if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: required, a string", name);
        return FALSE;
    }
    g_autofree char *t = g_strstrip(g_strdup(json_node_get_string(n)));
    if (!g_utf8_validate(t, -1, NULL) || g_utf8_strlen(t, -1) > max) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: at most %ld characters", name, max);
        return FALSE;
    }
    for (const char *p = t; *p != '\0'; p = g_utf8_next_char(p)) {
        if (g_unichar_iscntrl(g_utf8_get_char(p))) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "%s: no control characters", name);
            return FALSE;
        }
    }
    g_free(*out);
    *out = g_steal_pointer(&t);
    return TRUE;
}

static JsonNode *graphics_result(CtlControl *c)
{
    notify_graphics(c);
    return wrap("graphics", graphics_json(c));
}

static JsonNode *method_ticker(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    if (!read_text(params, "text", FALSE, TEXT_MAX, &call->c->studio.ticker, error))
        return NULL;
    return graphics_result(call->c);
}

static JsonNode *method_lower_third(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    g_autofree char *name = g_strdup(call->c->studio.host_name);
    g_autofree char *title = g_strdup(call->c->studio.host_title);
    if (!read_text(params, "name", TRUE, 30, &name, error) ||
        !read_text(params, "title", TRUE, 40, &title, error))
        return NULL;
    set_str(&call->c->studio.host_name, name);
    set_str(&call->c->studio.host_title, title);
    return graphics_result(call->c);
}

static JsonNode *method_brand(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    if (!read_text(params, "text", FALSE, 30, &call->c->studio.brand, error))
        return NULL;
    return graphics_result(call->c);
}

static JsonNode *method_slate(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gboolean on;
    g_autofree char *text = g_strdup(call->c->studio.slate_text);
    if (!read_bool(params, "on", &on, error) || !read_text(params, "text", TRUE, 40, &text, error))
        return NULL;
    call->c->studio.slate = on;
    set_str(&call->c->studio.slate_text, text);
    return graphics_result(call->c);
}

static JsonNode *method_layout(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    g_autofree char *layout = NULL;
    if (!read_text(params, "layout", FALSE, 8, &layout, error))
        return NULL;
    if (strcmp(layout, "16:9") != 0 && strcmp(layout, "9:16") != 0) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "layout: must be 16:9 or 9:16");
        return NULL;
    }
    set_str(&call->c->studio.layout, layout);
    return graphics_result(call->c);
}

static JsonNode *method_theme(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    g_autofree char *theme = NULL;
    if (!read_text(params, "theme", FALSE, 32, &theme, error))
        return NULL;
    for (const char *p = theme; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_') {
            g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                                "theme: letters, digits, - and _ only");
            return NULL;
        }
    }
    if (theme[0] == '\0') {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "theme: must not be empty");
        return NULL;
    }
    char **known = call->c->themes;
    if (known != NULL && !g_strv_contains((const char *const *)known, theme)) {
        g_autofree char *list = g_strjoinv(", ", known);
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "theme: '%s' is not one of: %s", theme,
                    list);
        return NULL;
    }
    set_str(&call->c->studio.theme, theme);
    return graphics_result(call->c);
}

/* graphics.themes: the themes graphics.theme accepts, and the current one. */
static JsonNode *method_themes(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlControl *c = call->c;
    JsonArray *names = json_array_new();
    if (c->themes != NULL) {
        for (char **n = c->themes; *n != NULL; n++)
            json_array_add_string_element(names, *n);
    } else {
        json_array_add_string_element(names, "default");
        if (strcmp(c->studio.theme, "default") != 0)
            json_array_add_string_element(names, c->studio.theme);
    }
    JsonObject *o = json_object_new();
    json_object_set_array_member(o, "themes", names);
    json_object_set_string_member(o, "theme", c->studio.theme);
    return ctl_json_object_node(o);
}

/* audio.set {"muted": bool}: mutes or unmutes the program's sound (recording and outputs). */
static JsonNode *method_audio_set(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlControl *c = call->c;
    gboolean muted;
    if (!read_bool(params, "muted", &muted, error))
        return NULL;
    c->studio.muted = muted;
    persist(c);
    ctl_control_notify(c, "audio.changed", wrap("audio", audio_json(c)));
    ctl_studio_emit_scene(c);
    return wrap("audio", audio_json(c));
}

/* ---- shows and rundown ---- */

static void refresh_live(CtlControl *c)
{
    g_autoptr(CtlShow) show =
        c->studio.show_id > 0 ? ctl_store_get_show(c->store, c->studio.show_id, NULL) : NULL;
    c->studio.show_live = show != NULL && show->started_at != NULL && show->ended_at == NULL;
}

static void notify_show(CtlControl *c)
{
    refresh_live(c);
    persist(c);
    ctl_control_notify(c, "show.changed", wrap("show", show_json(c)));
}

static void notify_rundown(CtlControl *c)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "show_id", c->studio.show_id);
    json_object_set_member(o, "rundown", rundown_json(c));
    ctl_control_notify(c, "rundown.changed", ctl_json_object_node(o));
}

static JsonNode *method_shows_create(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    g_autofree char *title = NULL;
    if (!read_text(params, "title", FALSE, 60, &title, error))
        return NULL;
    if (title[0] == '\0') {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "title: must not be empty");
        return NULL;
    }
    gint64 id = ctl_store_create_show(call->c->store, title, error);
    if (id <= 0)
        return NULL;
    call->c->studio.show_id = id;
    notify_show(call->c);
    notify_rundown(call->c);
    return wrap("show", show_json(call->c));
}

/* The show_id parameter, or the current show. */
static gboolean which_show(CtlCall *call, JsonObject *params, gint64 *id, GError **error)
{
    if (!ctl_param_id(params, "show_id", TRUE, id, error))
        return FALSE;
    if (*id == 0)
        *id = call->c->studio.show_id;
    if (*id == 0) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "show_id: there is no current show; create one with shows.create");
        return FALSE;
    }
    return TRUE;
}

static JsonNode *method_shows_start(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gint64 id;
    if (!which_show(call, params, &id, error) || !ctl_store_start_show(call->c->store, id, error))
        return NULL;
    gboolean switched = call->c->studio.show_id != id;
    call->c->studio.show_id = id;
    notify_show(call->c);
    if (switched)
        notify_rundown(call->c);
    return wrap("show", show_json(call->c));
}

static JsonNode *method_shows_stop(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gint64 id;
    if (!which_show(call, params, &id, error) || !ctl_store_stop_show(call->c->store, id, error))
        return NULL;
    if (call->c->studio.rotating) {
        call->c->studio.rotating = FALSE;
        rotation_arm(call->c);
        notify_rotation(call->c);
    }
    notify_show(call->c);
    return wrap("show", show_json(call->c));
}

static JsonNode *method_shows_list(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    g_autoptr(GPtrArray) shows = ctl_store_list_shows(call->c->store, 50, error);
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
    if (call->c->studio.show_id == 0) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "show_id: there is no current show; create one with shows.create");
        return NULL;
    }
    return ctl_store_get_rundown(call->c->store, call->c->studio.show_id, error);
}

static JsonNode *save_rundown(CtlCall *call, GArray *ids, GError **error)
{
    if (ids->len > RUNDOWN_MAX) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "posting_ids: a rundown holds at most 200 postings");
        return NULL;
    }
    if (!ctl_store_set_rundown(call->c->store, call->c->studio.show_id, (gint64 *)ids->data,
                               ids->len, error))
        return NULL;
    notify_rundown(call->c);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "show_id", call->c->studio.show_id);
    json_object_set_member(o, "rundown", rundown_json(call->c));
    return ctl_json_object_node(o);
}

static JsonNode *method_rundown_get(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "show_id", call->c->studio.show_id);
    json_object_set_member(o, "rundown", rundown_json(call->c));
    return ctl_json_object_node(o);
}

static JsonNode *method_rundown_set(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    JsonNode *n = json_object_get_member(params, "posting_ids");
    if (n == NULL || !JSON_NODE_HOLDS_ARRAY(n)) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "posting_ids: required, an array of posting ids");
        return NULL;
    }
    if (call->c->studio.show_id == 0) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "show_id: there is no current show; create one with shows.create");
        return NULL;
    }
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

/* The current rundown, params' posting_id (*id) and where it stands in it (*at). (transfer full)
 * NULL with error set when the id is invalid or not in the rundown. */
static GArray *rundown_with_param(CtlCall *call, JsonObject *params, gint64 *id, gint *at,
                                  GError **error)
{
    if (!ctl_param_id(params, "posting_id", FALSE, id, error))
        return NULL;
    g_autoptr(GArray) ids = current_rundown(call, error);
    if (ids == NULL)
        return NULL;
    *at = index_of(ids, *id);
    if (*at < 0) {
        g_set_error(error, JC_ERROR, JC_ERROR_NOT_FOUND,
                    "posting %" G_GINT64_FORMAT " is not in the rundown", *id);
        return NULL;
    }
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
    gint at;
    g_autoptr(GArray) ids = rundown_with_param(call, params, &id, &at, error);
    if (ids == NULL)
        return NULL;
    g_array_remove_index(ids, (guint)at);
    return save_rundown(call, ids, error);
}

static JsonNode *method_rundown_move(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    gint64 id;
    gint at;
    g_autoptr(GArray) ids = rundown_with_param(call, params, &id, &at, error);
    if (ids == NULL)
        return NULL;
    if (!json_object_has_member(params, "position")) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID, "position: required");
        return NULL;
    }
    g_array_remove_index(ids, (guint)at);
    guint pos;
    if (!read_position(params, ids->len, &pos, error))
        return NULL;
    g_array_insert_val(ids, pos, id);
    return save_rundown(call, ids, error);
}

const CtlRpcMethod ctl_studio_methods[] = {
    {"show.cue", method_cue, CTL_RPC_PRODUCER},
    {"show.take", method_take, CTL_RPC_PRODUCER},
    {"show.next", method_next, CTL_RPC_PRODUCER},
    {"show.previous", method_previous, CTL_RPC_PRODUCER},
    {"show.clear", method_clear, CTL_RPC_PRODUCER},
    {"shows.create", method_shows_create, CTL_RPC_PRODUCER},
    {"shows.start", method_shows_start, CTL_RPC_PRODUCER},
    {"shows.stop", method_shows_stop, CTL_RPC_PRODUCER},
    {"shows.list", method_shows_list, 0},
    {"rundown.get", method_rundown_get, 0},
    {"rundown.set", method_rundown_set, CTL_RPC_PRODUCER},
    {"rundown.add", method_rundown_add, CTL_RPC_PRODUCER},
    {"rundown.remove", method_rundown_remove, CTL_RPC_PRODUCER},
    {"rundown.move", method_rundown_move, CTL_RPC_PRODUCER},
    {"graphics.ticker", method_ticker, CTL_RPC_PRODUCER},
    {"graphics.lower_third", method_lower_third, CTL_RPC_PRODUCER},
    {"graphics.brand", method_brand, CTL_RPC_PRODUCER},
    {"graphics.slate", method_slate, CTL_RPC_PRODUCER},
    {"graphics.layout", method_layout, CTL_RPC_PRODUCER},
    {"graphics.theme", method_theme, CTL_RPC_PRODUCER},
    {"graphics.themes", method_themes, 0},
    {"audio.set", method_audio_set, CTL_RPC_PRODUCER},
    {"rotation.start", method_rotation_start, CTL_RPC_PRODUCER},
    {"rotation.stop", method_rotation_stop, CTL_RPC_PRODUCER},
    {"rotation.pin", method_rotation_pin, CTL_RPC_PRODUCER},
};
const gsize ctl_studio_n_methods = G_N_ELEMENTS(ctl_studio_methods);
