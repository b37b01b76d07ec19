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

/* Tells everyone the stored state of posting id (posting.changed; the studio when it is on air
 * or cued) and returns it as a method's result. NULL with error when it cannot be read. */
JsonNode *ctl_postings_changed(const CtlPostingsRoom *r, gint64 id, GError **error);

/* Tells producers the stored state of employer id (employers.changed: its name, contact and
 * counts) and returns {"employer": Employer} as a method's result. NULL with error when it
 * cannot be read. */
JsonNode *ctl_postings_employer_changed(const CtlPostingsRoom *r, gint64 id, GError **error);

/* postings.*; their room is a CtlPostingsRoom. */
const CtlRpcMethod *ctl_postings_methods(gsize *n);

G_END_DECLS
