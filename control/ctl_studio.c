/* ctl_studio: what the producer runs besides postings and shows: preview (cue) and program
 * (take), next/previous/clear, the graphics around the card (ticker, lower third, brand, break
 * slate, layout, theme), the program's mute and auto-rotation; and the scene handed to the
 * overlay. Which show is current lives here too (ctl_shows.c changes it through this file).
 * The graphics.* methods are in ctl_studio_graphics.c, which changes the graphics only through
 * ctl_studio_private.h; the state stays here.
 *
 * Lifecycle: ctl_studio_new restores the saved studio and what was on air; ctl_studio_start
 * reports both once (on_air, on_scene); ctl_studio_free stops the rotation.
 *
 * Main thread only; rotation is a GLib timeout on the main context. Invariants:
 *   1. Every change is persisted (state keys "studio" and "on_air_posting") before it is
 *      broadcast, so a restart comes back to what every page last saw.
 *   2. Every change broadcasts exactly one notification naming what changed (preview.changed,
 *      on_air.changed, graphics.changed, rotation.changed, audio.changed) and then calls
 *      on_scene, so the overlay and every page agree.
 *   3. Every take and clear, and the break slate going on and off, is appended to the as-aired
 *      log (ctl_asaired.c) with the posting's fields as shown.
 *   4. rotation_timer != 0 iff rotating.
 *   5. counter_stale is TRUE only between a committed sign-up of the on-air posting and the
 *      end of its store batch (ctl_studio_batch_committed), which redraws the counter once. */
#include "ctl_studio_private.h"

#include <string.h>

#include "ctl_asaired.h"
#include "ctl_call.h"
#include "ctl_store_desk.h"
#include "jc_error.h"

#define STATE_STUDIO "studio"
#define STATE_ON_AIR "on_air_posting"
#define DWELL_MIN 5
#define DWELL_MAX 3600
#define DWELL_DEFAULT 30

struct CtlStudio {
    CtlStore *store;           /* borrowed; outlives the studio */
    const CtlView *view;       /* borrowed */
    const CtlNotifier *notify; /* borrowed */
    CtlOnAirFunc on_air;
    gpointer on_air_data;
    CtlOnSceneFunc on_scene; /* may be NULL */
    gpointer on_scene_data;
    char **themes;              /* owned, NULL-terminated, or NULL: any well-formed name */
    gboolean portrait_default;  /* a studio with no saved layout starts in 9:16 */
    CtlPosting *on_air_posting; /* owned, NULL when nothing is on air */
    gboolean counter_stale;     /* the on-air count changed in the batch being delivered */
    /* Persisted as the state key "studio" (JSON): */
    gint64 show_id;       /* the current show, 0 = none */
    CtlPosting *preview;  /* owned: cued (preview), NULL = none */
    CtlGraphics graphics; /* changed by ctl_studio_graphics.c through ctl_studio_graphics() */
    gboolean rotating;
    guint dwell_s;                   /* seconds per posting while rotating */
    gboolean pinned;                 /* rotation holds the current posting */
    guint rotation_timer;            /* GSource id while rotating, else 0 */
    gboolean show_live;              /* the current show has started and not ended */
    gboolean muted;                  /* the program's sound is muted (audio.set) */
    char *question;                  /* owned, never NULL: a viewer's question on air ("" none); the
                                        questions table keeps which one it is */
    CtlQuestionOffFunc question_off; /* may be NULL: how the next take takes it off */
    gpointer question_off_data;
};

void ctl_studio_set_str(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value != NULL ? value : "");
}

/* ---- persistence ---- */

static void persist(CtlStudio *st)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "show_id", st->show_id);
    json_object_set_int_member(o, "preview_id", st->preview != NULL ? st->preview->id : 0);
    json_object_set_string_member(o, "ticker", st->graphics.ticker);
    json_object_set_string_member(o, "host_name", st->graphics.host_name);
    json_object_set_string_member(o, "host_title", st->graphics.host_title);
    json_object_set_string_member(o, "brand", st->graphics.brand);
    json_object_set_boolean_member(o, "slate", st->graphics.slate);
    json_object_set_string_member(o, "slate_text", st->graphics.slate_text);
    json_object_set_string_member(o, "layout", st->graphics.layout);
    json_object_set_string_member(o, "theme", st->graphics.theme);
    json_object_set_boolean_member(o, "rotating", st->rotating);
    json_object_set_int_member(o, "dwell_s", st->dwell_s);
    json_object_set_boolean_member(o, "pinned", st->pinned);
    json_object_set_boolean_member(o, "muted", st->muted);
    g_autoptr(JsonNode) node = ctl_json_object_node(o);
    g_autofree char *text = ctl_json_to_string(node);
    g_autoptr(GError) error = NULL;
    if (!ctl_store_set_state(st->store, STATE_STUDIO, text, &error))
        g_message("control: saving the studio state: %s", error->message);
}

static gboolean rotation_tick(gpointer data);

static void rotation_arm(CtlStudio *st)
{
    if (st->rotation_timer != 0)
        g_source_remove(st->rotation_timer);
    st->rotation_timer = st->rotating ? g_timeout_add_seconds(st->dwell_s, rotation_tick, st) : 0;
}

/* The saved studio (state "studio"), or an empty object. (transfer full) */
static JsonObject *load_saved(CtlStore *store)
{
    g_autofree char *saved = ctl_store_get_state(store, STATE_STUDIO, NULL);
    g_autoptr(JsonParser) parser = json_parser_new();
    if (saved != NULL && json_parser_load_from_data(parser, saved, -1, NULL) &&
        JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
        return json_object_ref(json_node_get_object(json_parser_get_root(parser)));
    return json_object_new();
}

static void restore(CtlStudio *st)
{
    g_autoptr(JsonObject) o = load_saved(st->store);
    st->show_id = MAX(ctl_json_get_int(o, "show_id", 0), 0);
    gint64 preview = ctl_json_get_int(o, "preview_id", 0);
    st->preview = preview > 0 ? ctl_store_get_posting(st->store, preview, NULL) : NULL;
    ctl_studio_set_str(&st->graphics.ticker, ctl_json_get_string(o, "ticker", ""));
    ctl_studio_set_str(&st->graphics.host_name, ctl_json_get_string(o, "host_name", ""));
    ctl_studio_set_str(&st->graphics.host_title, ctl_json_get_string(o, "host_title", ""));
    ctl_studio_set_str(&st->graphics.brand, ctl_json_get_string(o, "brand", ""));
    st->graphics.slate = ctl_json_get_bool(o, "slate", FALSE);
    ctl_studio_set_str(&st->graphics.slate_text, ctl_json_get_string(o, "slate_text", "稍后回来"));
    const char *layout = ctl_json_get_string(o, "layout", st->portrait_default ? "9:16" : "16:9");
    ctl_studio_set_str(&st->graphics.layout, strcmp(layout, "9:16") == 0 ? "9:16" : "16:9");
    ctl_studio_set_str(&st->graphics.theme, ctl_json_get_string(o, "theme", "default"));
    if (st->themes != NULL &&
        !g_strv_contains((const char *const *)st->themes, st->graphics.theme)) {
        g_message("control: theme '%s' is no longer available; using 'default'",
                  st->graphics.theme);
        ctl_studio_set_str(&st->graphics.theme, "default");
    }
    st->dwell_s = (guint)CLAMP(ctl_json_get_int(o, "dwell_s", DWELL_DEFAULT), DWELL_MIN, DWELL_MAX);
    st->pinned = ctl_json_get_bool(o, "pinned", FALSE);
    st->rotating = ctl_json_get_bool(o, "rotating", FALSE);
    st->muted = ctl_json_get_bool(o, "muted", FALSE);
    rotation_arm(st);
    ctl_studio_refresh_show(st);
}

/* What was on air before the restart ("0": nothing, by show.clear), else the first posting;
 * NULL when there are none. */
static CtlPosting *restore_on_air(CtlStore *store)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *saved = ctl_store_get_state(store, STATE_ON_AIR, &error);
    guint64 id = 0;
    if (saved != NULL && strcmp(saved, "0") == 0)
        return NULL;
    if (saved != NULL && g_ascii_string_to_unsigned(saved, 10, 1, G_MAXINT64, &id, NULL)) {
        CtlPosting *p = ctl_store_get_posting(store, (gint64)id, NULL);
        if (p != NULL)
            return p;
    }
    g_clear_error(&error);
    g_autoptr(GPtrArray) list = ctl_store_list_postings(store, &error);
    if (list == NULL) {
        g_message("control: listing postings: %s", error->message);
        return NULL;
    }
    if (list->len == 0)
        return NULL;
    return g_ptr_array_steal_index(list, 0);
}

CtlStudio *ctl_studio_new(const CtlStudioConfig *cfg)
{
    CtlStudio *st = g_new0(CtlStudio, 1);
    st->store = cfg->store;
    st->view = cfg->view;
    st->notify = cfg->notify;
    st->on_air = cfg->on_air;
    st->on_air_data = cfg->on_air_data;
    st->on_scene = cfg->on_scene;
    st->on_scene_data = cfg->on_scene_data;
    st->question = g_strdup("");
    st->themes = g_strdupv((char **)cfg->themes);
    st->portrait_default = g_strcmp0(cfg->layout, "9:16") == 0;
    restore(st);
    st->on_air_posting = restore_on_air(st->store);
    return st;
}

void ctl_studio_start(CtlStudio *st)
{
    const CtlPosting *p = st->on_air_posting;
    g_autofree char *url = p != NULL ? ctl_view_apply_url(st->view, p->id) : NULL;
    if (st->on_air != NULL)
        st->on_air(p, url, st->on_air_data);
    ctl_studio_emit_scene(st);
}

void ctl_studio_free(CtlStudio *st)
{
    if (st == NULL)
        return;
    if (st->rotation_timer != 0)
        g_source_remove(st->rotation_timer);
    ctl_posting_free(st->preview);
    ctl_posting_free(st->on_air_posting);
    g_free(st->graphics.ticker);
    g_free(st->graphics.host_name);
    g_free(st->graphics.host_title);
    g_free(st->question);
    g_free(st->graphics.brand);
    g_free(st->graphics.slate_text);
    g_free(st->graphics.layout);
    g_free(st->graphics.theme);
    g_strfreev(st->themes);
    g_free(st);
}

/* ---- what other rooms read and change ---- */

CtlStore *ctl_studio_store(const CtlStudio *st)
{
    return st->store;
}

const CtlNotifier *ctl_studio_notifier(const CtlStudio *st)
{
    return st->notify;
}

const CtlView *ctl_studio_view(const CtlStudio *st)
{
    return st->view;
}

const CtlPosting *ctl_studio_on_air(const CtlStudio *st)
{
    return st->on_air_posting;
}

const CtlPosting *ctl_studio_preview(const CtlStudio *st)
{
    return st->preview;
}

gint64 ctl_studio_show_id(const CtlStudio *st)
{
    return st->show_id;
}

gint64 ctl_studio_live_show(const CtlStudio *st)
{
    return st->show_live ? st->show_id : 0;
}

const char *ctl_studio_layout(const CtlStudio *st)
{
    return st->graphics.layout != NULL ? st->graphics.layout : "16:9";
}

void ctl_studio_refresh_show(CtlStudio *st)
{
    g_autoptr(CtlShow) show =
        st->show_id > 0 ? ctl_store_get_show(st->store, st->show_id, NULL) : NULL;
    st->show_live = show != NULL && show->started_at != NULL && show->ended_at == NULL;
}

void ctl_studio_set_show(CtlStudio *st, gint64 show_id)
{
    st->show_id = show_id;
    ctl_studio_refresh_show(st);
    persist(st);
}

void ctl_studio_signup_committed(CtlStudio *st, gint64 posting_id)
{
    /* The counter on screen. The sign-ups of one commit arrive together and, in a show, most
     * are for the posting on air; a scene (with its count read back) for each of them was 4% of
     * the main thread at 20,000/s. The screen only needs the last, so it is redrawn once, when
     * the store says the batch is delivered. */
    if (st->on_air_posting != NULL && st->on_air_posting->id == posting_id)
        st->counter_stale = TRUE;
}

void ctl_studio_batch_committed(guint n_signups, gpointer data)
{
    CtlStudio *st = data;
    if (!st->counter_stale)
        return;
    st->counter_stale = FALSE;
    ctl_studio_emit_scene(st);
}

/* ---- state as JSON ---- */

static JsonNode *graphics_json(CtlStudio *st)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "ticker", st->graphics.ticker);
    JsonObject *lt = json_object_new();
    json_object_set_string_member(lt, "name", st->graphics.host_name);
    json_object_set_string_member(lt, "title", st->graphics.host_title);
    json_object_set_object_member(o, "lower_third", lt);
    json_object_set_string_member(o, "brand", st->graphics.brand);
    JsonObject *slate = json_object_new();
    json_object_set_boolean_member(slate, "on", st->graphics.slate);
    json_object_set_string_member(slate, "text", st->graphics.slate_text);
    json_object_set_object_member(o, "slate", slate);
    json_object_set_string_member(o, "layout", st->graphics.layout);
    json_object_set_string_member(o, "theme", st->graphics.theme);
    return ctl_json_object_node(o);
}

static JsonNode *rotation_json(CtlStudio *st)
{
    JsonObject *o = json_object_new();
    json_object_set_boolean_member(o, "on", st->rotating);
    json_object_set_int_member(o, "dwell_s", st->dwell_s);
    json_object_set_boolean_member(o, "pinned", st->pinned);
    return ctl_json_object_node(o);
}

/* The producer's audio settings (the measured level is in the stream status). */
static JsonNode *audio_json(CtlStudio *st)
{
    JsonObject *o = json_object_new();
    json_object_set_boolean_member(o, "muted", st->muted);
    return ctl_json_object_node(o);
}

void ctl_studio_add_state(CtlStudio *st, JsonObject *o)
{
    json_object_set_member(o, "preview", ctl_view_posting_or_null(st->view, st->preview));
    json_object_set_member(o, "graphics", graphics_json(st));
    json_object_set_member(o, "rotation", rotation_json(st));
    json_object_set_member(o, "audio", audio_json(st));
}

void ctl_studio_emit_scene(CtlStudio *st)
{
    if (st->on_scene == NULL)
        return;
    const CtlPosting *p = st->on_air_posting;
    g_autofree char *url = p != NULL ? ctl_view_apply_url(st->view, p->id) : NULL;
    gint64 count = p != NULL ? ctl_store_count_signups(st->store, p->id, NULL) : 0;
    gint64 hires = 0;
    gboolean closed = FALSE;
    gboolean shown = FALSE;
    if (p == NULL || !ctl_store_posting_hires(st->store, p->id, &hires, &closed, &shown, NULL))
        shown = FALSE;
    CtlScene scene = {
        .posting = p,
        .apply_url = url,
        .signups = MAX(count, 0),
        .show_hires = shown,
        .hires = hires,
        .ticker = st->graphics.ticker,
        .host_name = st->graphics.host_name,
        .host_title = st->graphics.host_title,
        .brand = st->graphics.brand,
        .slate = st->graphics.slate,
        .slate_text = st->graphics.slate_text,
        .layout = st->graphics.layout,
        .theme = st->graphics.theme,
        .muted = st->muted,
        .question = st->question,
    };
    st->on_scene(&scene, st->on_scene_data);
}

/* ---- program and preview ---- */

/* Puts p (transfer full, may be NULL) on air: persist, log, tell on_air, notify, scene. */
static gboolean take(CtlStudio *st, CtlPosting *p, const char *actor, GError **error)
{
    g_autofree char *value = p != NULL ? g_strdup_printf("%" G_GINT64_FORMAT, p->id) : NULL;
    if (!ctl_store_set_state(st->store, STATE_ON_AIR, value != NULL ? value : "0", error)) {
        ctl_posting_free(p);
        return FALSE;
    }
    if (p != NULL || st->on_air_posting != NULL)
        ctl_asaired_log(st->store, st->view, st->show_id, p != NULL ? "take" : "clear",
                        p != NULL ? p : st->on_air_posting, actor, NULL);
    g_clear_pointer(&st->on_air_posting, ctl_posting_free);
    st->on_air_posting = p;
    g_autofree char *url = p != NULL ? ctl_view_apply_url(st->view, p->id) : NULL;
    if (st->on_air != NULL)
        st->on_air(p, url, st->on_air_data);
    ctl_notify(st->notify, "on_air.changed",
               ctl_json_wrap("on_air", ctl_view_posting_or_null(st->view, p)));
    /* The next take takes a viewer's question off air (an edit re-taking the same posting does
     * not). */
    if (st->question[0] != '\0' && g_strcmp0(actor, "edit") != 0 && st->question_off != NULL)
        st->question_off(st->question_off_data);
    ctl_studio_emit_scene(st);
    return TRUE;
}

void ctl_studio_set_question(CtlStudio *st, const char *text)
{
    if (g_strcmp0(st->question, text != NULL ? text : "") == 0)
        return;
    ctl_studio_set_str(&st->question, text);
    ctl_studio_emit_scene(st);
}

void ctl_studio_set_question_off(CtlStudio *st, CtlQuestionOffFunc fn, gpointer data)
{
    st->question_off = fn;
    st->question_off_data = data;
}

static JsonNode *on_air_result(CtlStudio *st)
{
    return ctl_json_wrap("on_air", ctl_view_posting_or_null(st->view, st->on_air_posting));
}

void ctl_studio_cue(CtlStudio *st, CtlPosting *p)
{
    g_clear_pointer(&st->preview, ctl_posting_free);
    st->preview = p;
    persist(st);
    ctl_notify(st->notify, "preview.changed",
               ctl_json_wrap("preview", ctl_view_posting_or_null(st->view, p)));
}

void ctl_studio_posting_changed(CtlStudio *st, const CtlPosting *p)
{
    if (st->preview != NULL && st->preview->id == p->id) {
        if (p->archived)
            ctl_studio_cue(st, NULL);
        else
            ctl_studio_cue(st, ctl_store_get_posting(st->store, p->id, NULL));
    }
    if (st->on_air_posting != NULL && st->on_air_posting->id == p->id) {
        /* An edit shows at once (a new take, logged as aired); archiving keeps it on air
         * until the producer takes something else. */
        CtlPosting *fresh = ctl_store_get_posting(st->store, p->id, NULL);
        if (fresh != NULL)
            take(st, fresh, "edit", NULL);
    }
}

const char *ctl_studio_actor(CtlCall *call)
{
    if (call->actor != NULL)
        return call->actor;
    return call->role == CTL_ROLE_PRODUCER ? "producer" : "";
}

static JsonNode *method_cue(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    gint64 id;
    if (!ctl_param_id(params, "posting_id", TRUE, &id, error))
        return NULL;
    CtlPosting *p = NULL;
    if (id > 0 && (p = ctl_store_get_posting(st->store, id, error)) == NULL)
        return NULL;
    ctl_studio_cue(st, p);
    return ctl_json_wrap("preview", ctl_view_posting_or_null(st->view, p));
}

static JsonNode *method_take(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    gint64 id;
    if (!ctl_param_id(params, "posting_id", TRUE, &id, error))
        return NULL;
    if (id == 0) {
        if (st->preview == NULL) {
            g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                                "posting_id: required when nothing is cued");
            return NULL;
        }
        id = st->preview->id;
    }
    CtlPosting *p = ctl_store_get_posting(st->store, id, error);
    if (p == NULL || !take(st, p, ctl_studio_actor(call), error))
        return NULL;
    if (st->preview != NULL && st->preview->id == id)
        ctl_studio_cue(st, NULL);
    return on_air_result(st);
}

static JsonNode *method_clear(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    if (!take(st, NULL, ctl_studio_actor(call), error))
        return NULL;
    return on_air_result(st);
}

GArray *ctl_studio_sequence(CtlStudio *st, GError **error)
{
    if (st->show_id > 0) {
        GArray *ids = ctl_store_get_rundown(st->store, st->show_id, error);
        if (ids == NULL || ids->len > 0)
            return ids;
        g_array_unref(ids);
    }
    g_autoptr(GPtrArray) all = ctl_store_list_postings(st->store, error);
    if (all == NULL)
        return NULL;
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = 0; i < all->len; i++)
        g_array_append_val(ids, ((CtlPosting *)all->pdata[i])->id);
    return ids;
}

/* Filled means hired: its hires reached its headcount, or its employer closed it from the
 * desk. Sign-ups alone never fill a posting (a burst of spam would take a vacancy off air). */
static gboolean filled(CtlStudio *st, const CtlPosting *p)
{
    gint64 hires = 0;
    gboolean closed = FALSE;
    gboolean shown = FALSE;
    if (!ctl_store_posting_hires(st->store, p->id, &hires, &closed, &shown, NULL))
        return FALSE;
    return closed || (p->headcount > 0 && hires >= p->headcount);
}

/* Takes the posting step (+1/-1) away from the one on air in the sequence, wrapping; when
 * skip_filled, postings whose headcount is reached (and archived ones) are passed over. FALSE
 * with error when there is nothing to take; TRUE without a take when only the current
 * qualifies. */
static gboolean step(CtlStudio *st, int dir, gboolean skip_filled, const char *actor,
                     GError **error)
{
    g_autoptr(GArray) ids = ctl_studio_sequence(st, error);
    if (ids == NULL)
        return FALSE;
    if (ids->len == 0) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_NOT_FOUND, "there are no postings to show");
        return FALSE;
    }
    gint64 current = st->on_air_posting != NULL ? st->on_air_posting->id : 0;
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
        CtlPosting *p = ctl_store_get_posting(st->store, id, NULL);
        if (p == NULL || p->archived || (skip_filled && filled(st, p))) {
            ctl_posting_free(p);
            continue;
        }
        return take(st, p, actor, error);
    }
    g_set_error_literal(error, JC_ERROR, JC_ERROR_NOT_FOUND, "no posting qualifies");
    return FALSE;
}

/* show.next and show.previous: one step in dir, answered with what is on air. */
static JsonNode *step_result(CtlCall *call, int dir, GError **error)
{
    CtlStudio *st = call->rpc.room;
    if (!step(st, dir, FALSE, ctl_studio_actor(call), error))
        return NULL;
    return on_air_result(st);
}

static JsonNode *method_next(JsonObject *params, gpointer data, GError **error)
{
    return step_result(data, +1, error);
}

static JsonNode *method_previous(JsonObject *params, gpointer data, GError **error)
{
    return step_result(data, -1, error);
}

/* ---- rotation ---- */

static gboolean rotation_tick(gpointer data)
{
    CtlStudio *st = data;
    if (st->pinned || st->graphics.slate)
        return G_SOURCE_CONTINUE;
    g_autoptr(GError) error = NULL;
    if (!step(st, +1, TRUE, "rotation", &error))
        g_message("control: rotation: %s", error->message);
    return G_SOURCE_CONTINUE;
}

static void notify_rotation(CtlStudio *st)
{
    persist(st);
    ctl_notify(st->notify, "rotation.changed", ctl_json_wrap("rotation", rotation_json(st)));
}

/* Starts or stops the rotation (its timer follows) and announces it. */
static void set_rotating(CtlStudio *st, gboolean on)
{
    st->rotating = on;
    rotation_arm(st);
    notify_rotation(st);
}

static JsonNode *rotation_result(CtlStudio *st)
{
    return ctl_json_wrap("rotation", rotation_json(st));
}

static JsonNode *method_rotation_start(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    gint64 dwell;
    if (!ctl_param_id(params, "dwell_s", TRUE, &dwell, error))
        return NULL;
    if (dwell != 0 && (dwell < DWELL_MIN || dwell > DWELL_MAX)) {
        g_set_error_literal(error, JC_ERROR, JC_ERROR_INVALID,
                            "dwell_s: must be 5 to 3600 seconds");
        return NULL;
    }
    if (dwell > 0)
        st->dwell_s = (guint)dwell;
    set_rotating(st, TRUE);
    return rotation_result(st);
}

static JsonNode *method_rotation_stop(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    set_rotating(st, FALSE);
    return rotation_result(st);
}

static JsonNode *method_rotation_pin(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    if (!ctl_param_bool(params, "pinned", &st->pinned, error))
        return NULL;
    notify_rotation(st);
    return rotation_result(st);
}

/* ---- for ctl_studio_graphics.c ---- */

CtlGraphics *ctl_studio_graphics(CtlStudio *st)
{
    return &st->graphics;
}

const char *const *ctl_studio_themes(const CtlStudio *st)
{
    return (const char *const *)st->themes;
}

JsonNode *ctl_studio_graphics_changed(CtlStudio *st)
{
    persist(st);
    ctl_notify(st->notify, "graphics.changed", ctl_json_wrap("graphics", graphics_json(st)));
    ctl_studio_emit_scene(st);
    return ctl_json_wrap("graphics", graphics_json(st));
}

void ctl_studio_log(CtlStudio *st, const char *event, const char *actor, const char *text)
{
    ctl_asaired_log(st->store, st->view, st->show_id, event, st->on_air_posting, actor, text);
}

/* audio.set {"muted": bool}: mutes or unmutes the program's sound (recording and outputs). */
static JsonNode *method_audio_set(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlStudio *st = call->rpc.room;
    if (!ctl_param_bool(params, "muted", &st->muted, error))
        return NULL;
    persist(st);
    ctl_notify(st->notify, "audio.changed", ctl_json_wrap("audio", audio_json(st)));
    ctl_studio_emit_scene(st);
    return ctl_json_wrap("audio", audio_json(st));
}

static const CtlRpcMethod studio_methods[] = {
    {"show.cue", method_cue, CTL_RPC_PRODUCER, NULL},
    {"show.take", method_take, CTL_RPC_PRODUCER, NULL},
    {"show.next", method_next, CTL_RPC_PRODUCER, NULL},
    {"show.previous", method_previous, CTL_RPC_PRODUCER, NULL},
    {"show.clear", method_clear, CTL_RPC_PRODUCER, NULL},
    {"audio.set", method_audio_set, CTL_RPC_PRODUCER, NULL},
    {"rotation.start", method_rotation_start, CTL_RPC_PRODUCER, NULL},
    {"rotation.stop", method_rotation_stop, CTL_RPC_PRODUCER, NULL},
    {"rotation.pin", method_rotation_pin, CTL_RPC_PRODUCER, NULL},
};

const CtlRpcMethod *ctl_studio_methods(gsize *n)
{
    *n = G_N_ELEMENTS(studio_methods);
    return studio_methods;
}

void ctl_studio_stop_rotation(CtlStudio *st)
{
    if (st->rotating)
        set_rotating(st, FALSE);
}
