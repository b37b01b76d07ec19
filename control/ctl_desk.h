/* ctl_desk: the back office: sign-ups' follow-up statuses, employers' private desk links and the
 * desk page they open (GET/POST /a/desk), and the viewer's own status page (GET /a/status).
 * The methods are ctl_desk.c's, the pages ctl_desk_http.c's. Main thread only. */
#pragma once

#include <glib.h>

#include "ctl_access.h"
#include "ctl_notify.h"
#include "ctl_rpc.h"
#include "ctl_session.h"
#include "ctl_store.h"
#include "ctl_studio.h"
#include "ctl_view.h"

G_BEGIN_DECLS

#define CTL_DESK_LINK_DAYS 30      /* a link's life unless the producer says otherwise */
#define CTL_DESK_LINK_DAYS_MAX 365 /* the longest life a link is given at once */
#define CTL_DESK_NOTE_MAX 200      /* characters of a status note */
#define CTL_DESK_TOKEN_LEN 43      /* characters of a link's token (256 bits, base64url) */
#define CTL_DESK_LIST_MAX 500      /* applicants shown on the desk at once */

typedef struct CtlDesk CtlDesk;

/* Everything borrowed outlives the desk; tz: the time zone the pages show times in (a ref is
 * taken). (transfer full) */
CtlDesk *ctl_desk_new(CtlStore *store, CtlAccess *access, CtlStudio *studio,
                      const CtlNotifier *notify, const CtlView *view, GTimeZone *tz);
void ctl_desk_free(CtlDesk *d);

/* employers.links.*, signups.set_status, signups.history, postings.show_hires; their room is
 * a CtlDesk. */
const CtlRpcMethod *ctl_desk_methods(gsize *n);

/* A new link token (transfer full) and in *hash what the store keeps of it (transfer full). */
char *ctl_desk_token_new(char **hash);
/* The hash the store keeps of a token, or NULL when text cannot be one. (transfer full) */
char *ctl_desk_token_hash(const char *text);

/* Sets sign-up signup_id's status (employer_id > 0: only one of that employer's), checks status
 * and note (the posting texts' rule, at most CTL_DESK_NOTE_MAX characters), records actor, and
 * tells producers and the studio (a hire may fill the posting on air). JC_ERROR_INVALID for a
 * bad status or note, JC_ERROR_NOT_FOUND for no such sign-up (or another employer's). */
gboolean ctl_desk_set_status(CtlDesk *d, gint64 signup_id, gint64 employer_id, const char *status,
                             const char *note, const char *actor, GError **error);

/* Employer employer_id closed posting_id from its desk: producers and the studio hear of it. */
void ctl_desk_posting_closed(CtlDesk *d, gint64 employer_id, gint64 posting_id);

/* A status as the pages say it in Chinese ("已联系"). (transfer none) */
const char *ctl_desk_status_label(const char *status);

/* GET /a/desk?t=TOKEN[&posting=ID][&status=S] */
void ctl_desk_get(CtlDesk *d, CtlSession *s);
/* POST /a/desk (form: t, and action=status with signup_id, status, note; or action=close with
 * posting_id) */
void ctl_desk_post(CtlDesk *d, CtlSession *s);
/* GET /a/status?t=HASH: the viewer's own status (see ctl_desk_http.c). */
void ctl_desk_status_get(CtlDesk *d, CtlSession *s);
/* The status link the thanks page of a submission with withdraw code code gives. (transfer
 * full) */
char *ctl_desk_status_path(const char *code);

/* What the pages read (ctl_desk_http.c). */
CtlStore *ctl_desk_store(CtlDesk *d);
CtlAccess *ctl_desk_access(CtlDesk *d);
GTimeZone *ctl_desk_tz(CtlDesk *d);

G_END_DECLS
