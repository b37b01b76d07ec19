/* ctl_desk: the back office's methods and its one rule for statuses (see ctl_desk.h).
 *
 * Main thread only. A desk link's token is 256 bits from libsodium's CSPRNG, shown once (in the
 * answer to employers.links.create) and kept only as a keyed BLAKE2b hash: a revoked or expired
 * link, or a guess, opens nothing, and every check of one counts against its client like any
 * credential (ctl_access.h). Statuses come from producers (signups.set_status) and from an
 * employer's desk (ctl_desk_http.c) through ctl_desk_set_status alone, so both follow one rule
 * and both tell producers (employers.status_changed) and the studio (a hire can fill the posting
 * on air, and its card may show the hires). Every method is producer-only and every event
 * "employers."-prefixed: contacts, notes and full statuses reach producers alone (ctl_ws.c). Not
 * responsible for the pages (ctl_desk_http.c) nor for storing (ctl_store_desk.c). */
#include "ctl_desk.h"

#include <sodium.h>
#include <string.h>

#include "ctl_call.h"
#include "ctl_posting.h"
#include "ctl_store_desk.h"
#include "jc_error.h"

#define TOKEN_BYTES 32
/* The hash's key: separates these hashes from any other use of the same function. */
static const char hash_key[] = "jobcast employer desk link, v1";

struct CtlDesk {
    CtlStore *store;           /* borrowed */
    CtlAccess *access;         /* borrowed */
    CtlStudio *studio;         /* borrowed */
    const CtlNotifier *notify; /* borrowed */
    const CtlView *view;       /* borrowed */
    GTimeZone *tz;             /* a ref */
};

CtlDesk *ctl_desk_new(CtlStore *store, CtlAccess *access, CtlStudio *studio,
                      const CtlNotifier *notify, const CtlView *view, GTimeZone *tz)
{
    if (sodium_init() < 0)
        g_error("libsodium failed to initialise");
    CtlDesk *d = g_new0(CtlDesk, 1);
    d->store = store;
    d->access = access;
    d->studio = studio;
    d->notify = notify;
    d->view = view;
    d->tz = tz != NULL ? g_time_zone_ref(tz) : g_time_zone_new_utc();
    return d;
}

void ctl_desk_free(CtlDesk *d)
{
    if (d == NULL)
        return;
    g_time_zone_unref(d->tz);
    g_free(d);
}

CtlStore *ctl_desk_store(CtlDesk *d)
{
    return d->store;
}

CtlAccess *ctl_desk_access(CtlDesk *d)
{
    return d->access;
}

GTimeZone *ctl_desk_tz(CtlDesk *d)
{
    return d->tz;
}

/* ---- tokens ---- */

static gboolean token_char(char c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '_';
}

char *ctl_desk_token_hash(const char *text)
{
    if (text == NULL || strlen(text) != CTL_DESK_TOKEN_LEN)
        return NULL;
    for (const char *p = text; *p != '\0'; p++) {
        if (!token_char(*p))
            return NULL;
    }
    guint8 out[crypto_generichash_BYTES];
    crypto_generichash(out, sizeof out, (const guint8 *)text, CTL_DESK_TOKEN_LEN,
                       (const guint8 *)hash_key, sizeof hash_key - 1);
    char hex[2 * crypto_generichash_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    return g_strdup(hex);
}

char *ctl_desk_token_new(char **hash)
{
    guint8 raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    char text[CTL_DESK_TOKEN_LEN + 2];
    sodium_bin2base64(text, sizeof text, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    *hash = ctl_desk_token_hash(text);
    g_assert(*hash != NULL);
    char *token = g_strdup(text);
    sodium_memzero(text, sizeof text);
    return token;
}

/* ---- statuses ---- */

static const struct {
    const char *status;
    const char *label;
} labels[] = {
    {"received", "已收到报名"}, {"contacted", "已联系"},    {"interviewed", "已面试"},
    {"hired", "已录用"},        {"not_suitable", "不合适"},
};

const char *ctl_desk_status_label(const char *status)
{
    for (gsize i = 0; i < G_N_ELEMENTS(labels); i++) {
        if (g_strcmp0(status, labels[i].status) == 0)
            return labels[i].label;
    }
    return "";
}

/* note as a checked text (the posting texts' rule: trimmed, no control characters but line
 * breaks, at most CTL_DESK_NOTE_MAX characters). (transfer full) or NULL with error. */
static char *checked_note(const char *note, GError **error)
{
    char *out = g_strdup("");
    if (note == NULL)
        return out;
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "note", note);
    gboolean ok = ctl_posting_read_text(o, "note", 0, CTL_DESK_NOTE_MAX, TRUE, &out, error);
    json_object_unref(o);
    if (!ok)
        g_clear_pointer(&out, g_free);
    return out;
}

gboolean ctl_desk_set_status(CtlDesk *d, gint64 signup_id, gint64 employer_id, const char *status,
                             const char *note, const char *actor, GError **error)
{
    if (!ctl_signup_status_valid(status)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID,
                    "status: one of received, contacted, interviewed, hired, not_suitable");
        return FALSE;
    }
    if (note != NULL && !g_utf8_validate(note, -1, NULL)) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "note: not valid UTF-8");
        return FALSE;
    }
    g_autofree char *text = checked_note(note, error);
    gint64 posting_id = 0;
    if (text == NULL || !ctl_store_set_signup_status(d->store, signup_id, employer_id, status, text,
                                                     actor, &posting_id, error))
        return FALSE;
    g_message("back office: sign-up %" G_GINT64_FORMAT " of posting %" G_GINT64_FORMAT
              " is %s (set by %s)",
              signup_id, posting_id, status, actor);
    ctl_studio_signup_committed(d->studio, posting_id);
    ctl_studio_batch_committed(1, d->studio);
    if (ctl_notify_listening(d->notify)) {
        JsonObject *o = json_object_new();
        json_object_set_int_member(o, "signup_id", signup_id);
        json_object_set_int_member(o, "posting_id", posting_id);
        json_object_set_string_member(o, "status", status);
        json_object_set_string_member(o, "note", text);
        json_object_set_string_member(o, "actor", actor);
        ctl_notify(d->notify, "employers.status_changed", ctl_json_object_node(o));
    }
    return TRUE;
}

void ctl_desk_posting_closed(CtlDesk *d, gint64 employer_id, gint64 posting_id)
{
    ctl_studio_signup_committed(d->studio, posting_id);
    ctl_studio_batch_committed(1, d->studio);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "posting_id", posting_id);
    json_object_set_int_member(o, "employer_id", employer_id);
    json_object_set_boolean_member(o, "filled", TRUE);
    ctl_notify(d->notify, "employers.posting_closed", ctl_json_object_node(o));
}

/* ---- methods ---- */

static const char *actor_of(const CtlCall *call)
{
    return call->actor != NULL && call->actor[0] != '\0' ? call->actor : "producer";
}

static JsonNode *method_set_status(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlDesk *d = call->rpc.room;
    gint64 id;
    const char *status;
    if (!ctl_param_id(params, "signup_id", FALSE, &id, error) ||
        !ctl_param_string(params, "status", &status, error))
        return NULL;
    const char *note = NULL;
    if (json_object_has_member(params, "note")) {
        JsonNode *n = json_object_get_member(params, "note");
        if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
            g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "note: must be a string");
            return NULL;
        }
        note = json_node_get_string(n);
    }
    g_autofree char *who = g_strdup_printf("producer:%s", actor_of(call));
    if (!ctl_desk_set_status(d, id, 0, status, note, who, error))
        return NULL;
    g_autoptr(GPtrArray) history = ctl_store_signup_history(d->store, id, error);
    if (history == NULL || history->len == 0)
        return NULL;
    const CtlStatusRow *last = history->pdata[history->len - 1];
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "signup_id", id);
    json_object_set_string_member(o, "status", last->status);
    json_object_set_string_member(o, "note", last->note);
    json_object_set_string_member(o, "actor", last->actor);
    json_object_set_string_member(o, "set_at", last->set_at);
    return ctl_json_object_node(o);
}

static JsonNode *method_history(JsonObject *params, gpointer data, GError **error)
{
    CtlDesk *d = ((CtlCall *)data)->rpc.room;
    gint64 id;
    if (!ctl_param_id(params, "signup_id", FALSE, &id, error))
        return NULL;
    g_autoptr(GPtrArray) rows = ctl_store_signup_history(d->store, id, error);
    if (rows == NULL)
        return NULL;
    JsonArray *arr = json_array_sized_new(rows->len);
    for (guint i = 0; i < rows->len; i++) {
        const CtlStatusRow *r = rows->pdata[i];
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "status", r->status);
        json_object_set_string_member(o, "note", r->note);
        json_object_set_string_member(o, "actor", r->actor);
        json_object_set_string_member(o, "set_at", r->set_at);
        json_array_add_object_element(arr, o);
    }
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "signup_id", id);
    json_object_set_array_member(o, "history", arr);
    return ctl_json_object_node(o);
}

static JsonNode *method_show_hires(JsonObject *params, gpointer data, GError **error)
{
    CtlDesk *d = ((CtlCall *)data)->rpc.room;
    gint64 id;
    gboolean on;
    if (!ctl_param_id(params, "posting_id", FALSE, &id, error) ||
        !ctl_param_bool(params, "on", &on, error) ||
        !ctl_store_set_show_hires(d->store, id, on, error))
        return NULL;
    g_message("posting %" G_GINT64_FORMAT ": the card %s its hires", id,
              on ? "shows" : "no longer shows");
    ctl_studio_signup_committed(d->studio, id);
    ctl_studio_batch_committed(1, d->studio);
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "posting_id", id);
    json_object_set_boolean_member(o, "show_hires", on);
    return ctl_json_object_node(o);
}

static void set_or_null(JsonObject *o, const char *name, const char *value)
{
    if (value != NULL)
        json_object_set_string_member(o, name, value);
    else
        json_object_set_null_member(o, name);
}

/* The Link object: never its token. (transfer full) */
static JsonNode *link_json(const CtlLinkRow *r)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "id", r->id);
    json_object_set_int_member(o, "employer_id", r->employer_id);
    json_object_set_string_member(o, "created_at", r->created_at);
    json_object_set_string_member(o, "expires_at", r->expires_at);
    set_or_null(o, "revoked_at", r->revoked_at);
    set_or_null(o, "last_used_at", r->last_used_at);
    json_object_set_int_member(o, "uses", r->uses);
    json_object_set_string_member(o, "state",
                                  r->active               ? "active"
                                  : r->revoked_at != NULL ? "revoked"
                                                          : "expired");
    return ctl_json_object_node(o);
}

/* days from params (absent: CTL_DESK_LINK_DAYS). */
static gboolean read_days(JsonObject *params, guint *days, GError **error)
{
    gint64 n;
    if (!ctl_param_id(params, "days", TRUE, &n, error))
        return FALSE;
    if (n > CTL_DESK_LINK_DAYS_MAX) {
        g_set_error(error, JC_ERROR, JC_ERROR_INVALID, "days: at most %d", CTL_DESK_LINK_DAYS_MAX);
        return FALSE;
    }
    *days = n > 0 ? (guint)n : CTL_DESK_LINK_DAYS;
    return TRUE;
}

/* Tells producers of link id and returns {"link": Link} (plus url when url is not NULL). */
static JsonNode *link_changed(CtlDesk *d, gint64 id, const char *url, GError **error)
{
    g_autoptr(CtlLinkRow) row = ctl_store_get_link(d->store, id, error);
    if (row == NULL)
        return NULL;
    ctl_notify(d->notify, "employers.links.changed", ctl_json_wrap("link", link_json(row)));
    JsonObject *o = json_object_new();
    json_object_set_member(o, "link", link_json(row));
    if (url != NULL)
        json_object_set_string_member(o, "url", url);
    return ctl_json_object_node(o);
}

static JsonNode *method_links_create(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlDesk *d = call->rpc.room;
    gint64 employer_id;
    guint days;
    if (!ctl_param_id(params, "employer_id", FALSE, &employer_id, error) ||
        !read_days(params, &days, error))
        return NULL;
    g_autofree char *hash = NULL;
    g_autofree char *token = ctl_desk_token_new(&hash);
    gint64 id = ctl_store_add_link(d->store, employer_id, hash, days, error);
    if (id == 0)
        return NULL;
    g_message("employer %" G_GINT64_FORMAT ": desk link %" G_GINT64_FORMAT
              " made by %s for %u days",
              employer_id, id, actor_of(call), days);
    g_autofree char *url = g_strdup_printf("%s/a/desk?t=%s", ctl_view_public_url(d->view), token);
    JsonNode *result = link_changed(d, id, url, error);
    sodium_memzero(token, strlen(token));
    sodium_memzero(url, strlen(url));
    return result;
}

static JsonNode *method_links_list(JsonObject *params, gpointer data, GError **error)
{
    CtlDesk *d = ((CtlCall *)data)->rpc.room;
    gint64 employer_id;
    if (!ctl_param_id(params, "employer_id", TRUE, &employer_id, error))
        return NULL;
    g_autoptr(GPtrArray) rows = ctl_store_list_links(d->store, employer_id, error);
    if (rows == NULL)
        return NULL;
    JsonArray *arr = json_array_sized_new(rows->len);
    for (guint i = 0; i < rows->len; i++)
        json_array_add_element(arr, link_json(rows->pdata[i]));
    JsonObject *o = json_object_new();
    json_object_set_array_member(o, "links", arr);
    return ctl_json_object_node(o);
}

static JsonNode *method_links_revoke(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlDesk *d = call->rpc.room;
    gint64 id;
    if (!ctl_param_id(params, "link_id", FALSE, &id, error) ||
        !ctl_store_revoke_link(d->store, id, error))
        return NULL;
    g_message("desk link %" G_GINT64_FORMAT ": revoked by %s", id, actor_of(call));
    return link_changed(d, id, NULL, error);
}

static JsonNode *method_links_renew(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    CtlDesk *d = call->rpc.room;
    gint64 id;
    guint days;
    if (!ctl_param_id(params, "link_id", FALSE, &id, error) || !read_days(params, &days, error) ||
        !ctl_store_renew_link(d->store, id, days, error))
        return NULL;
    g_message("desk link %" G_GINT64_FORMAT ": renewed by %s for %u days", id, actor_of(call),
              days);
    return link_changed(d, id, NULL, error);
}

static const CtlRpcMethod desk_methods[] = {
    {"employers.links.create", method_links_create, CTL_RPC_PRODUCER, NULL},
    {"employers.links.list", method_links_list, CTL_RPC_PRODUCER, NULL},
    {"employers.links.revoke", method_links_revoke, CTL_RPC_PRODUCER, NULL},
    {"employers.links.renew", method_links_renew, CTL_RPC_PRODUCER, NULL},
    {"signups.set_status", method_set_status, CTL_RPC_PRODUCER, NULL},
    {"signups.history", method_history, CTL_RPC_PRODUCER, NULL},
    {"postings.show_hires", method_show_hires, CTL_RPC_PRODUCER, NULL},
};

const CtlRpcMethod *ctl_desk_methods(gsize *n)
{
    *n = G_N_ELEMENTS(desk_methods);
    return desk_methods;
}
