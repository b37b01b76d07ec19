/* ctl_actions: POST /api/actions/NAME, the buttons: one request per press from a Stream Deck
 * (Bitfocus Companion's "generic HTTP"), a foot switch or a script, with the producer's bearer
 * token and no body. Each action runs the matching protocol method from the server's method
 * table, so a button does exactly what the control page's call does (events, as-aired entry).
 *
 * Main thread only. Owns nothing but its borrowed pointers. */
#pragma once

#include "ctl_access.h"
#include "ctl_rpc.h"
#include "ctl_session.h"

G_BEGIN_DECLS

#define CTL_ACTIONS_PREFIX "/api/actions/"

typedef struct CtlActions CtlActions;

/* access: borrowed, outlives the actions. (transfer full) */
CtlActions *ctl_actions_new(CtlAccess *access);
void ctl_actions_free(CtlActions *a);

/* The method table the actions run (borrowed; the server's, filled in after the rooms). */
void ctl_actions_set_methods(CtlActions *a, const CtlRpcMethod *methods, gsize n);

/* Answers a POST of /api/actions/NAME (name: what follows the prefix): 204 done, 401 without
 * a valid bearer token (counted like every credential), 403 for a host's token, 404 unknown
 * action, 409 nothing to do it to (no posting to take or cue), 413 a body over the cap, 429
 * locked out. */
void ctl_actions_post(CtlActions *a, CtlSession *s, const char *name);

/* Answers any other method on /api/actions/...: 405 with Allow: POST. */
void ctl_actions_wrong_method(CtlSession *s);

G_END_DECLS
