/* ctl_card_http: card previews as they would go on air: GET /api/card.png?posting_id=N and
 * POST /api/card.png (a producer's unsaved draft), and a posting's poster to share
 * (GET /api/postings/poster.png), drawn on the worker pool (see ctl_card_http.c). Main thread
 * only. */
#pragma once

#include "ctl_access.h"
#include "ctl_hooks.h"
#include "ctl_session.h"
#include "ctl_store.h"
#include "ctl_studio.h"
#include "ctl_view.h"

G_BEGIN_DECLS

typedef struct CtlCardDesk CtlCardDesk;

/* Everything borrowed outlives the desk. (transfer full) */
CtlCardDesk *ctl_card_desk_new(CtlStore *store, CtlAccess *access, const CtlView *view,
                               CtlStudio *studio);
/* Orphans previews still drawing and frees. NULL is allowed. */
void ctl_card_desk_free(CtlCardDesk *d);

/* How cards are drawn (fn NULL: 404). data must stay valid and unchanged while the desk
 * lives (workers read it). */
void ctl_card_desk_set_func(CtlCardDesk *d, CtlCardFunc fn, gpointer data);
/* Previews being drawn. */
guint ctl_card_desk_in_flight(const CtlCardDesk *d);

void ctl_card_get(CtlCardDesk *d, CtlSession *s);
void ctl_card_post(CtlCardDesk *d, CtlSession *s);
/* GET /api/postings/poster.png?posting_id=N: producers only; an open posting's poster (its QR
 * code tagged ?src=poster, its code), as an attachment; 410 for an archived one. */
void ctl_card_poster_get(CtlCardDesk *d, CtlSession *s);
/* GET /a/TAIL with TAIL "ID/poster.png": the same poster in public (the apply page's Open Graph
 * image), an open posting's only (404 otherwise), drawn once per version of the posting and kept
 * (at most 64), cacheable for 5 minutes. */
void ctl_card_public_poster_get(CtlCardDesk *d, CtlSession *s, const char *tail);

G_END_DECLS
