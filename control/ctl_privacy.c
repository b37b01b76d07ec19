/* ctl_privacy: the retention purge and the personal-data settings (see ctl_privacy.h).
 *
 * Main thread only. Sign-ups older than keep_days are deleted once at start and then every
 * check_seconds (an hour by default), so a database never holds personal data longer than the
 * notice on the apply page says, give or take that hour. When and how many (never whose) is
 * logged and kept in the state table ("privacy_last_purge") for the producer page. The deletion
 * itself is the store's (secure_delete, WAL scrubbed). Not responsible for withdrawals
 * (ctl_withdraw.c) or for privacy.forget / privacy.purge (ctl_signups.c). */
#include "ctl_privacy.h"

#include "ctl_call.h"
#include "jc_error.h"

#define STATE_LAST_PURGE "privacy_last_purge"

struct CtlPrivacy {
    CtlStore *store;           /* borrowed */
    CtlStudio *studio;         /* borrowed */
    const CtlNotifier *notify; /* borrowed */
    CtlApplyNotice notice;     /* its strings owned */
    guint max_postings_per_day;
    guint check_seconds;
    guint timer; /* GSource id, 0 when not started */
};

CtlPrivacy *ctl_privacy_new(CtlStore *store, CtlStudio *studio, const CtlNotifier *notify,
                            const CtlPrivacyConfig *cfg)
{
    CtlPrivacy *p = g_new0(CtlPrivacy, 1);
    p->store = store;
    p->studio = studio;
    p->notify = notify;
    p->notice.keep_days = cfg->keep_days;
    p->notice.operator_name = g_strdup(cfg->operator_name);
    p->notice.operator_contact = g_strdup(cfg->operator_contact);
    p->notice.verify_phone = cfg->verify_phone;
    p->max_postings_per_day = cfg->max_postings_per_day;
    p->check_seconds = cfg->check_seconds > 0 ? cfg->check_seconds : CTL_PRIVACY_CHECK_SECONDS;
    return p;
}

void ctl_privacy_free(CtlPrivacy *p)
{
    if (p == NULL)
        return;
    if (p->timer != 0)
        g_source_remove(p->timer);
    g_free((char *)p->notice.operator_name);
    g_free((char *)p->notice.operator_contact);
    g_free(p);
}

const CtlApplyNotice *ctl_privacy_notice(const CtlPrivacy *p)
{
    return &p->notice;
}

guint ctl_privacy_max_postings_per_day(const CtlPrivacy *p)
{
    return p->max_postings_per_day;
}

/* Keeps when the purge ran and what it deleted, for privacy.get. */
static void record(CtlPrivacy *p, gint64 deleted)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *at = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *value =
        g_strdup_printf("{\"at\":\"%s\",\"signups_deleted\":%" G_GINT64_FORMAT "}", at, deleted);
    g_autoptr(GError) error = NULL;
    if (!ctl_store_set_state(p->store, STATE_LAST_PURGE, value, &error))
        g_message("control: recording the retention purge: %s", error->message);
}

gint64 ctl_privacy_purge(CtlPrivacy *p, GError **error)
{
    if (p->notice.keep_days == 0)
        return 0;
    gint64 n = ctl_store_purge_signups(p->store, p->notice.keep_days, error);
    if (n < 0)
        return -1;
    g_message("control: retention: deleted %" G_GINT64_FORMAT " sign-ups older than %u days", n,
              p->notice.keep_days);
    record(p, n);
    if (n > 0) {
        ctl_store_scrub_wal(p->store);
        /* Counts changed: the counter on air is drawn again from the store. */
        ctl_studio_emit_scene(p->studio);
    }
    if (ctl_notify_listening(p->notify))
        ctl_notify(p->notify, "privacy.purged", ctl_privacy_json(p));
    return n;
}

static gboolean tick(gpointer data)
{
    CtlPrivacy *p = data;
    g_autoptr(GError) error = NULL;
    if (ctl_privacy_purge(p, &error) < 0)
        g_message("control: retention purge failed: %s", error->message);
    return G_SOURCE_CONTINUE;
}

void ctl_privacy_start(CtlPrivacy *p)
{
    if (p->notice.operator_name == NULL || p->notice.operator_contact == NULL)
        g_message("control: --operator-name and --operator-contact are not set: the apply page's "
                  "personal-data notice cannot name who runs the live room");
    tick(p);
    if (p->notice.keep_days > 0 && p->timer == 0)
        p->timer = g_timeout_add_seconds(p->check_seconds, tick, p);
}

JsonNode *ctl_privacy_json(CtlPrivacy *p)
{
    JsonObject *o = json_object_new();
    json_object_set_int_member(o, "keep_signups_days", p->notice.keep_days);
    g_autoptr(GError) error = NULL;
    g_autofree char *last = ctl_store_get_state(p->store, STATE_LAST_PURGE, &error);
    JsonNode *node = last != NULL ? json_from_string(last, NULL) : NULL;
    if (node != NULL && JSON_NODE_HOLDS_OBJECT(node))
        json_object_set_member(o, "last_purge", node);
    else {
        if (node != NULL)
            json_node_unref(node);
        json_object_set_null_member(o, "last_purge");
    }
    json_object_set_int_member(o, "check_seconds", p->check_seconds);
    json_object_set_int_member(o, "consent_version", CTL_CONSENT_VERSION);
    json_object_set_int_member(o, "max_signups_per_phone_per_day", p->max_postings_per_day);
    if (p->notice.operator_name != NULL)
        json_object_set_string_member(o, "operator_name", p->notice.operator_name);
    else
        json_object_set_null_member(o, "operator_name");
    if (p->notice.operator_contact != NULL)
        json_object_set_string_member(o, "operator_contact", p->notice.operator_contact);
    else
        json_object_set_null_member(o, "operator_contact");
    return ctl_json_object_node(o);
}

static JsonNode *method_get(JsonObject *params, gpointer data, GError **error)
{
    CtlCall *call = data;
    return ctl_privacy_json(call->rpc.room);
}

static const CtlRpcMethod privacy_methods[] = {
    {"privacy.get", method_get, 0, NULL},
};

const CtlRpcMethod *ctl_privacy_methods(gsize *n)
{
    *n = G_N_ELEMENTS(privacy_methods);
    return privacy_methods;
}
