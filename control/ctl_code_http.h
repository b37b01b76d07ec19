/* ctl_code_http: the code page (GET /j): a viewer types a posting's code (岗位码) seen on the
 * stream and is sent to that posting's apply page.
 *
 * Main thread only. Owns its per-address limit (in memory); reads postings from the store. */
#pragma once

#include "ctl_access.h"
#include "ctl_session.h"
#include "ctl_store.h"

G_BEGIN_DECLS

typedef struct CtlCodeDesk CtlCodeDesk;

/* store and access borrowed, outliving the desk; per_minute: requests per client address (a
 * bucket of per_minute, refilled continuously). (transfer full) */
CtlCodeDesk *ctl_code_desk_new(CtlStore *store, CtlAccess *access, guint per_minute);
void ctl_code_desk_free(CtlCodeDesk *d);

/* GET /j: without ?code the empty page (200); ?code=1024 (full-width digits, spaces and dashes
 * allowed) 303 to /a/ID?src=code for the open posting holding it; a code no open posting
 * holds, or one that is not 4 digits, the same page with the message and what was typed (404);
 * over the per-address limit, 429 with Retry-After. */
void ctl_code_get(CtlCodeDesk *d, CtlSession *s);

G_END_DECLS
