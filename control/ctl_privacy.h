/* ctl_privacy: the live room's personal-data settings and the retention purge: how long
 * sign-ups are kept (deleted automatically once older), who runs the room (for the apply page's
 * notice), how many postings one phone may sign up for a day; privacy.get. See ctl_privacy.c.
 * Main thread only. */
#pragma once

#include "ctl_apply.h"
#include "ctl_notify.h"
#include "ctl_rpc.h"
#include "ctl_store.h"
#include "ctl_studio.h"

G_BEGIN_DECLS

#define CTL_KEEP_SIGNUPS_DAYS_DEFAULT 180
#define CTL_MAX_SIGNUPS_PER_PHONE_DEFAULT 5
#define CTL_PRIVACY_CHECK_SECONDS 3600

typedef struct {
    guint keep_days;           /* sign-ups older are purged; 0 = kept */
    const char *operator_name; /* borrowed for the call; NULL = not given */
    const char *operator_contact;
    guint max_postings_per_day; /* per phone; 0 = no limit */
    guint check_seconds;        /* between purges; 0 = CTL_PRIVACY_CHECK_SECONDS */
    gboolean verify_phone;      /* sign-ups wait for an SMS code (the notice says so) */
} CtlPrivacyConfig;

typedef struct CtlPrivacy CtlPrivacy;

/* Everything borrowed outlives the room; cfg's strings are copied. (transfer full) */
CtlPrivacy *ctl_privacy_new(CtlStore *store, CtlStudio *studio, const CtlNotifier *notify,
                            const CtlPrivacyConfig *cfg);
/* Purges once now, then every check_seconds (on the thread-default main context). */
void ctl_privacy_start(CtlPrivacy *p);
/* Stops the timer and frees. NULL ok. */
void ctl_privacy_free(CtlPrivacy *p);

/* The apply page's notice. (transfer none: lives as long as p) */
const CtlApplyNotice *ctl_privacy_notice(const CtlPrivacy *p);
/* Distinct postings one phone may sign up for in 24 hours; 0 = no limit. */
guint ctl_privacy_max_postings_per_day(const CtlPrivacy *p);

/* Deletes sign-ups older than the retention period now (nothing when it is 0), logs the count,
 * records when, and tells producers (privacy.purged). -1 with error on failure. */
gint64 ctl_privacy_purge(CtlPrivacy *p, GError **error);

/* {"keep_signups_days":N,"last_purge":{"at":ISO,"signups_deleted":N}|null,...}. (transfer
 * full) */
JsonNode *ctl_privacy_json(CtlPrivacy *p);

/* privacy.get; the room is the CtlPrivacy. */
const CtlRpcMethod *ctl_privacy_methods(gsize *n);

G_END_DECLS
