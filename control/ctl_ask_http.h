/* ctl_ask_http: the viewer's questions: POST /api/questions (a form answered by the apply page,
 * or JSON for the page's script) and the small FAQ of public questions on the apply page.
 *
 * Main thread only. Nothing a viewer typed is shown anywhere public until a producer approves it:
 * the FAQ reads public questions only (ctl_question_public). The per-address limit
 * (CTL_ASK_PER_MINUTE) lives in memory; the asker's address is not stored. */
#pragma once

#include "ctl_access.h"
#include "ctl_notify.h"
#include "ctl_privacy.h"
#include "ctl_session.h"
#include "ctl_store.h"

G_BEGIN_DECLS

#define CTL_ASK_PER_MINUTE                                                                         \
    3                  /* questions per client address: a bucket of 3, one back every 20 s         \
                        */
#define CTL_FAQ_MAX 20 /* public questions shown on a posting's apply page */
/* What a viewer is told once a question is stored. */
#define CTL_ASK_RECEIVED "问题已收到。工作人员审核后，主播会在直播中回答，答复也会显示在这个页面。"

typedef struct CtlAskDesk CtlAskDesk;

/* Everything borrowed outlives the desk. (transfer full) */
CtlAskDesk *ctl_ask_desk_new(CtlStore *store, CtlAccess *access, const CtlNotifier *notify,
                             CtlPrivacy *privacy);
void ctl_ask_desk_free(CtlAskDesk *d);

/* POST /api/questions (the body is in s; json: the body's kind, checked by the caller). */
void ctl_ask_post(CtlAskDesk *d, CtlSession *s, gboolean json);

/* The FAQ of posting_id for its apply page: its public questions, newest first, each with its
 * answer, as markup of escaped text; "" when there are none (or on a store failure, logged).
 * (transfer full) */
char *ctl_ask_faq_html(CtlStore *store, gint64 posting_id);

G_END_DECLS
