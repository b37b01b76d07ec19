/* ctl_login: signing in: GET /login (the form, or ?token= for the link jobcast prints) and
 * POST /login (name + password, checked on the worker pool); both end in a session cookie
 * (see ctl_login.c). Main thread only. */
#pragma once

#include "ctl_access.h"
#include "ctl_session.h"
#include "ctl_store.h"

G_BEGIN_DECLS

typedef struct CtlLoginDesk CtlLoginDesk;

/* store and access: borrowed, outlive the desk. (transfer full) */
CtlLoginDesk *ctl_login_desk_new(CtlStore *store, CtlAccess *access);
/* Orphans password checks in flight (the workers still finish) and frees. NULL is allowed. */
void ctl_login_desk_free(CtlLoginDesk *d);

void ctl_login_get(CtlLoginDesk *d, CtlSession *s);
void ctl_login_post(CtlLoginDesk *d, CtlSession *s);

G_END_DECLS
