/* ctl_shows: shows and their rundowns (see ctl_shows.c). Main thread only. */
#pragma once

#include <json-glib/json-glib.h>

#include "ctl_rpc.h"
#include "ctl_studio.h"

G_BEGIN_DECLS

/* shows.* and rundown.*; their room is the CtlStudio. */
const CtlRpcMethod *ctl_shows_methods(gsize *n);
/* The current show and its rundown for state.get, added to o ("show", "rundown"). */
void ctl_shows_add_state(CtlStudio *st, JsonObject *o);

G_END_DECLS
