/* ctl_apply_http: the viewer's endpoints: the apply page (GET /a/ID, /a/ID/thanks) and the
 * sign-up itself (POST /api/apply, JSON or form), answered only once the store has committed
 * it (see ctl_apply_http.c). Main thread only. */
#pragma once

#include "ctl_access.h"
#include "ctl_notify.h"
#include "ctl_privacy.h"
#include "ctl_refs.h"
#include "ctl_session.h"
#include "ctl_stats.h"
#include "ctl_store.h"
#include "ctl_studio.h"
#include "ctl_view.h"
#include "ctl_verify.h"

G_BEGIN_DECLS

typedef struct CtlApplyDesk CtlApplyDesk;

/* Everything borrowed outlives the desk; verify (transfer full, NULL: sign-ups are stored at
 * once) makes every sign-up wait for an SMS code. (transfer full) */
CtlApplyDesk *ctl_apply_desk_new(CtlStore *store, CtlAccess *access, CtlStats *stats, CtlRefs *refs,
                                 CtlStudio *studio, const CtlNotifier *notify, CtlPrivacy *privacy,
                                 guint signups_per_minute, CtlVerifyDesk *verify);
/* Orphans the sign-ups still waiting for the store (their answers can no longer be sent; the
 * store still calls back) and frees. NULL is allowed. */
void ctl_apply_desk_free(CtlApplyDesk *d);

/* GET /a/TAIL (TAIL "withdraw": ctl_withdraw.c). */
void ctl_apply_get(CtlApplyDesk *d, CtlSession *s, const char *tail);
/* Where the apply page's Open Graph links point (view borrowed, outliving the desk; unset:
 * the page has none). */
void ctl_apply_desk_set_view(CtlApplyDesk *d, const CtlView *view);
/* GET /j: the code page (ctl_code_http.c). */
void ctl_apply_lookup_get(CtlApplyDesk *d, CtlSession *s);
/* POST /api/apply (the body is in s). */
void ctl_apply_post(CtlApplyDesk *d, CtlSession *s);
/* POST /a/withdraw: a viewer withdrawing a sign-up (ctl_withdraw.c). */
void ctl_apply_withdraw_post(CtlApplyDesk *d, CtlSession *s);
/* POST /api/apply/verify (resend FALSE) and /api/apply/resend: 404 without SMS codes. */
void ctl_apply_code_post(CtlApplyDesk *d, CtlSession *s, gboolean resend);
/* POST /api/questions: a viewer's question (ctl_ask_http.c). */
void ctl_apply_ask_post(CtlApplyDesk *d, CtlSession *s);
/* The body's type of a viewer's POST: TRUE with *json for JSON, *form for a form; neither: 415
 * (or 413 for a body over the cap) was answered, FALSE. */
gboolean ctl_apply_body_kind(CtlSession *s, gboolean *json, gboolean *form);
/* Sign-ups submitted and not yet answered by the store. */
guint ctl_apply_pending(const CtlApplyDesk *d);
/* The SMS codes' Prometheus lines (nothing without them). */
void ctl_apply_metrics(CtlApplyDesk *d, GString *out);

G_END_DECLS
