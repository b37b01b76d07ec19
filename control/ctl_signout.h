/* ctl_signout: a running server's watch on the accounts table, so that a change of an account's
 * credentials made by another process (`jobcast accounts rotate|revoke|passwd` on the same
 * database) signs that account out as the accounts.* methods do (see ctl_signout.c).
 * Main thread only. */
#pragma once

#include "ctl_store.h"
#include "ctl_ws.h"

G_BEGIN_DECLS

#define CTL_SIGNOUT_CHECK_MS 1000 /* how often the database is asked whether it changed */

typedef struct CtlSignout CtlSignout;

/* Watches store (borrowed, outlives the watch) and signs accounts out through ws (borrowed,
 * outlives it) within CTL_SIGNOUT_CHECK_MS of another process's change. (transfer full) */
CtlSignout *ctl_signout_new(CtlStore *store, CtlWs *ws);
/* Stops watching. NULL ok. */
void ctl_signout_free(CtlSignout *w);

G_END_DECLS
