/* ctl_postings: the postings.* methods (see ctl_postings.c); a posting's fields are validated
 * by ctl_posting.c, shared with seeding. Main thread only. */
#pragma once

#include <json-glib/json-glib.h>

#include "ctl_notify.h"
#include "ctl_posting.h"
#include "ctl_rpc.h"
#include "ctl_store.h"
#include "ctl_studio.h"
#include "ctl_view.h"

G_BEGIN_DECLS

/* The postings methods' room: what they read and tell (all borrowed; the server owns it). */
typedef struct {
    CtlStore *store;
    const CtlView *view;
    const CtlNotifier *notify;
    CtlStudio *studio; /* told when a posting on air or cued changed */
} CtlPostingsRoom;

/* postings.*; their room is a CtlPostingsRoom. */
const CtlRpcMethod *ctl_postings_methods(gsize *n);

G_END_DECLS
